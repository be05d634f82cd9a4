//! The demo: a seeded generator of a realistic sales team, written out as the CRM exports pipelens reads, and
//! the truth the generator knows about them independently of any import.
//!
//! Twelve reps under two managers sell for 18 months up to the as-of date: new business and renewals in two
//! pipelines, stages with realistic conversion and durations, skipped stages, re-opened deals, slipped and
//! past-due close dates, stale deals, quarter-end spikes in closes, calls, emails, meetings and tasks at
//! business hours, and quarterly quotas. Each rep has an archetype, so every view has something true to say:
//! a busy rep who does not convert, a rep who makes few calls and wins most, a rep of big deals with long
//! cycles, solid average reps, a ramping new hire and a rep who left. Each rep also has a forecast habit, so
//! the forecast has something true to say: most call their deals as the stage says; one is habitually
//! optimistic (Commit from Qualification on, close dates set too soon and pushed a little at a time, more
//! late losses, deals signed smaller than called: their Commit roll-up is above what they close) and one
//! sandbags (likely deals kept in Best Case or Pipeline: they close above their Commit). Every history row
//! carries the call as it was then, so a backtest sees it at each origin.
//!
//! Two sets of files describe the same team:
//! - Salesforce ([`Demo::salesforce_files`], also [`Demo::files`]): an Opportunities report with display
//!   labels, US dates and the report trailer; `OpportunityHistory.csv` in the Data Export layout; an
//!   activities table; the teams and quotas files.
//! - HubSpot ([`Demo::hubspot_files`]): the deals export with `Date entered "Closed Won (…)"` columns, the
//!   calls export (durations in milliseconds), an export of the other activities, and the same teams and
//!   quotas files.
//!
//! Pure: the same `(as_of, seed)` gives the same bytes, natively and in wasm. The generator draws from PCG
//! (`rand_pcg`, seeded by integers only, one stream per purpose), uses integer and basic floating-point
//! arithmetic only (no `ln`/`exp`, whose last bits may differ between platforms), iterates no hash map, and
//! never reads the wall clock.
//!
//! The parts, each using only those above it:
//! - `rng`: the random streams, one per purpose; `calendar`: days, quarters, CRM times; `ids`: Salesforce ids.
//! - `world`: the team (people, archetypes, managers, how each sells) and the dates of the history.
//! - `deal`: what a deal is (stages, kinds, steps); `deals`: the deals over time; `activities`: the calls,
//!   emails, meetings and tasks over time.
//! - `truth`: what is true about the generated data; `write`: the CSV files of each CRM.
//! - this file: the public API ([`generate`], [`Demo`], [`DemoFile`], [`Style`]) and the order of the steps.

mod activities;
mod calendar;
mod deal;
mod deals;
mod ids;
mod truth;
mod world;
mod write;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use truth::{
    ActivityCounts, COMMIT_CALL_DAY, CommitCall, DemoTruth, QuotaTruth, RepTruth, StoryTruth,
    TeamTotals,
};
pub use world::{Archetype, Habit};

use activities::simulate_activities;
use deals::{name_and_number, simulate_deals};
use truth::tally;
use world::World;
use write::{
    hs_activities, hs_calls, hs_deals, quotas_file, sf_activities, sf_history, sf_opportunities,
    teams_file,
};

/// The seed the app's demo uses.
pub const DEFAULT_SEED: u64 = 2026;

/// The currency every amount of the demo is in.
pub const CURRENCY: &str = "USD";

/// Months of history that end at the as-of date.
pub const HISTORY_MONTHS: u32 = 18;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Which CRM's exports to hand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Salesforce,
    Hubspot,
}

/// Days between the demo's Opportunities report and the same report of "last week".
pub const LAST_WEEK_DAYS: u64 = 7;

/// The demo team's files and what is true about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    /// The Salesforce set: what the app loads by default.
    pub files: Vec<DemoFile>,
    /// The same Opportunities report as it was exported [`LAST_WEEK_DAYS`] earlier (the same world's deals
    /// as they stood then), for *What changed*; the app loads it too, taken on `last_week_on`.
    pub last_week: DemoFile,
    pub last_week_on: NaiveDate,
    pub truth: DemoTruth,
    hubspot: Vec<DemoFile>,
}

impl Demo {
    /// Opportunities report, `OpportunityHistory.csv`, activities, teams, quotas.
    pub fn salesforce_files(&self) -> &[DemoFile] {
        &self.files
    }

    /// Deals, calls and other activities exports, teams, quotas.
    pub fn hubspot_files(&self) -> &[DemoFile] {
        &self.hubspot
    }

    pub fn files_in(&self, style: Style) -> &[DemoFile] {
        match style {
            Style::Salesforce => self.salesforce_files(),
            Style::Hubspot => self.hubspot_files(),
        }
    }
}
/// Generates the demo team as of a date. Pure: the same inputs give the same bytes.
pub fn generate(as_of: NaiveDate, seed: u64) -> Demo {
    let world = World::new(as_of, seed);
    let mut deals = simulate_deals(&world);
    name_and_number(&world, &mut deals);
    let activities = simulate_activities(&world, &mut deals);
    let truth = tally(&world, &deals, &activities);
    let shared = [teams_file(&world), quotas_file(&world)];
    let last_week_on = as_of
        .checked_sub_days(chrono::Days::new(LAST_WEEK_DAYS))
        .unwrap_or(as_of);
    let then: Vec<_> = deals
        .iter()
        .filter_map(|d| d.as_it_was(last_week_on))
        .collect();
    let last_week = sf_opportunities(&world, &then, "demo-salesforce-opportunities-last-week.csv");
    let mut files = vec![
        sf_opportunities(&world, &deals, "demo-salesforce-opportunities.csv"),
        sf_history(&world, &deals),
        sf_activities(&world, &deals, &activities),
    ];
    files.extend(shared.iter().cloned());
    let mut hubspot = vec![
        hs_deals(&world, &deals),
        hs_calls(&world, &deals, &activities),
        hs_activities(&world, &deals, &activities),
    ];
    hubspot.extend(shared);
    Demo {
        files,
        last_week,
        last_week_on,
        truth,
        hubspot,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_ends_of_the_calendar_neither_panic_nor_hang() {
        for as_of in [NaiveDate::MIN, NaiveDate::MAX, day(1970, 1, 1)] {
            let demo = generate(as_of, 9);
            assert_eq!(demo.files.len(), 5);
            assert_eq!(demo.hubspot_files().len(), 5);
        }
    }

    #[test]
    fn the_story_is_in_the_truth() {
        let demo = generate(day(2026, 3, 2), DEFAULT_SEED);
        let t = &demo.truth;
        assert_eq!(t.reps.len(), 12);
        assert!(t.reps.iter().all(|r| r.deals_owned > 0), "{:?}", t.reps);
        assert_eq!(t.reps.iter().filter(|r| r.ended_on.is_some()).count(), 1);
        let closes = t.story.closes as f64;
        let last_two_weeks = t.story.closes_in_last_two_weeks_of_quarter as f64;
        assert!(last_two_weeks / closes > 0.25, "{:?}", t.story);
        assert!(t.story.reopened_deals > 0 && t.story.skipped_stage_deals > 0);
        assert!(t.story.stale_open_deals > 0 && t.story.past_due_open_deals > 0);
        assert!(t.story.slipped_deals > 0 && t.story.open_deals_closing_later > 0);
        assert!(t.story.big_deals_won > 0);
    }

    #[test]
    fn a_close_date_with_a_day_above_twelve_decides_the_date_order() {
        let demo = generate(day(2026, 3, 2), DEFAULT_SEED);
        let report = String::from_utf8(demo.files[0].bytes.clone()).unwrap();
        let day_above_twelve = report.lines().skip(1).any(|line| {
            line.split("\",\"")
                .nth(11)
                .and_then(|date| date.split('/').nth(1))
                .and_then(|d| d.parse::<u32>().ok())
                .is_some_and(|d| d > 12)
        });
        assert!(day_above_twelve);
    }
}
