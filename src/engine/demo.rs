//! The demo: a seeded generator of a realistic sales team, written out as the CRM exports pipelens reads, and
//! the truth the generator knows about them independently of any import.
//!
//! Twelve reps under two managers sell for 18 months up to the as-of date: new business and renewals in two
//! pipelines, stages with realistic conversion and durations, skipped stages, re-opened deals, slipped and
//! past-due close dates, stale deals, quarter-end spikes in closes, calls, emails, meetings and tasks at
//! business hours, and quarterly quotas. Each rep has an archetype, so every view has something true to say:
//! a busy rep who does not convert, a rep who makes few calls and wins most, a rep of big deals with long
//! cycles, solid average reps, a ramping new hire and a rep who left.
//!
//! Two sets of files describe the same team:
//! - Salesforce ([`Demo::salesforce_files`], also [`Demo::files`]): an Opportunities report with display
//!   labels, US dates and the report trailer; `OpportunityHistory.csv` in the Data Export layout; an
//!   activities table; the teams and quotas files.
//! - HubSpot ([`Demo::hubspot_files`]): the deals export with `Date entered "Closed Won (…)"` columns, the
//!   calls export (durations in milliseconds), an export of the other activities, and the same teams and
//!   quotas files.
//!
//! Pure: the same `(as_of, seed)` gives the same bytes. The generator has its own SplitMix64, uses integer and
//! basic floating-point arithmetic only (no `ln`/`exp`, whose last bits may differ between platforms),
//! iterates no hash map, and never reads the wall clock.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{
    Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Weekday,
};
use serde::{Deserialize, Serialize};

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

/// The demo team's files and what is true about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    /// The Salesforce set: what the app loads by default.
    pub files: Vec<DemoFile>,
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

/// What kind of seller a rep is in the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Archetype {
    /// Average activity, average conversion.
    Solid,
    /// Many calls, low win rate.
    BusyLowConversion,
    /// Few calls, the best win rate.
    FewCallsHighWin,
    /// Few, large deals (some of 150k+) with long cycles.
    BigDealsLongCycles,
    /// Started about two months before the as-of date: few closed deals yet.
    RampingNewHire,
    /// Left about five months before the as-of date: no deals or activities since.
    Leaver,
}

/// Completed activities by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActivityCounts {
    pub calls: u64,
    pub emails: u64,
    pub meetings: u64,
    pub tasks: u64,
}

impl ActivityCounts {
    pub fn total(&self) -> u64 {
        self.calls + self.emails + self.meetings + self.tasks
    }

    fn add(&mut self, other: &ActivityCounts) {
        self.calls += other.calls;
        self.emails += other.emails;
        self.meetings += other.meetings;
        self.tasks += other.tasks;
    }
}

/// A rep's quota for one calendar quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaTruth {
    /// `2026-Q2`.
    pub period: String,
    pub amount_cents: i64,
}

/// What the generator knows about one rep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepTruth {
    /// The display name every file uses.
    pub name: String,
    pub email: String,
    pub team: String,
    pub manager: String,
    pub role: String,
    pub archetype: Archetype,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// Deals the rep owns at the as-of date (a leaver's open deals went to a teammate when they left).
    pub deals_owned: u64,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub deals_open: u64,
    /// Sum of the amounts of the rep's won deals, in cents.
    pub bookings_cents: i64,
    /// Completed activities by kind.
    pub activities: ActivityCounts,
    /// Completed calls someone answered.
    pub connected_calls: u64,
    /// Seconds on completed calls.
    pub call_seconds: u64,
    pub quotas: Vec<QuotaTruth>,
}

impl RepTruth {
    /// Won ÷ (won + lost), when anything closed.
    pub fn win_rate(&self) -> Option<f64> {
        let closed = self.deals_won + self.deals_lost;
        (closed > 0).then(|| self.deals_won as f64 / closed as f64)
    }

    /// Mean amount of won deals, in cents.
    pub fn average_won_cents(&self) -> Option<i64> {
        (self.deals_won > 0).then(|| self.bookings_cents / self.deals_won as i64)
    }
}

/// The team's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamTotals {
    pub deals: u64,
    pub won: u64,
    pub lost: u64,
    pub open: u64,
    pub bookings_cents: i64,
    /// Completed activities by kind.
    pub activities: ActivityCounts,
    pub connected_calls: u64,
    pub call_seconds: u64,
    /// Tasks not completed (open or overdue).
    pub open_tasks: u64,
    /// Activities (completed or not) linked to a deal.
    pub linked_activities: u64,
}

/// Counts that tell the story's shape, for tests and for the app's "what to look for".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoryTruth {
    pub new_business_deals: u64,
    pub renewal_deals: u64,
    pub expansion_deals: u64,
    /// Deals that started in Prospecting.
    pub started_in_prospecting: u64,
    /// Of those, the ones that moved on to a later stage (or a win) by the as-of date.
    pub left_prospecting: u64,
    /// Of those, the ones lost while in Prospecting.
    pub lost_in_prospecting: u64,
    /// Deals that jumped over at least one stage.
    pub skipped_stage_deals: u64,
    /// Deals lost and then opened again.
    pub reopened_deals: u64,
    /// Deals whose expected close date was pushed at least once (history rows that change only the date).
    pub slipped_deals: u64,
    /// Open deals without a stage change or a linked activity in the last 30 days.
    pub stale_open_deals: u64,
    /// Open deals whose expected close date is before the as-of date.
    pub past_due_open_deals: u64,
    /// Open deals whose expected close date is after the as-of date.
    pub open_deals_closing_later: u64,
    /// Won or lost deals, and those of them closed in the last two weeks of a calendar quarter.
    pub closes: u64,
    pub closes_in_last_two_weeks_of_quarter: u64,
    /// Won deals of 150,000 or more.
    pub big_deals_won: u64,
    /// Rows of `OpportunityHistory.csv`.
    pub history_rows: u64,
}

/// What the generator knows, independently of any import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoTruth {
    pub as_of: NaiveDate,
    pub seed: u64,
    /// First day of the 18 months of history (activities and quotas start here; a few deals were created in
    /// the months before, as any CRM's open pipeline was).
    pub history_start: NaiveDate,
    pub currency: String,
    /// The two managers, with their teams.
    pub managers: Vec<(String, String)>,
    pub reps: Vec<RepTruth>,
    pub totals: TeamTotals,
    pub story: StoryTruth,
}

impl DemoTruth {
    pub fn rep(&self, name: &str) -> Option<&RepTruth> {
        self.reps.iter().find(|r| r.name == name)
    }

    pub fn rep_of(&self, archetype: Archetype) -> Option<&RepTruth> {
        self.reps.iter().find(|r| r.archetype == archetype)
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
    let mut files = vec![
        sf_opportunities(&world, &deals),
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
        truth,
        hubspot,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Randomness: SplitMix64, one stream per purpose so that changing one part leaves the others alone.
// ---------------------------------------------------------------------------------------------------------

struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn stream(seed: u64, purpose: u64) -> Rng {
        Rng(mix(seed ^ mix(purpose.wrapping_add(0x9E37_79B9_7F4A_7C15))))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn word(&mut self, words: &[&'static str]) -> &'static str {
        words
            .get(self.below(words.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }

    /// A count with the given mean (a binomial: variance about half the mean).
    fn count(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        if mean < 1.0 {
            return u32::from(self.chance(mean));
        }
        let trials = (mean * 2.0).floor() as u32;
        let p = mean / f64::from(trials.max(1));
        (0..trials).filter(|_| self.chance(p)).count() as u32
    }
}

// ---------------------------------------------------------------------------------------------------------
// Calendar helpers.
// ---------------------------------------------------------------------------------------------------------

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(TimeDelta::days(days))
        .unwrap_or(date)
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

fn at(date: NaiveDate, hour: u32, minute: u32, second: u32) -> NaiveDateTime {
    date.and_time(
        NaiveTime::from_hms_opt(hour.min(23), minute.min(59), second.min(59))
            .unwrap_or(NaiveTime::MIN),
    )
}

fn quarter_of(date: NaiveDate) -> (i32, u32) {
    (date.year(), (date.month() - 1) / 3 + 1)
}

fn quarter_start(date: NaiveDate) -> NaiveDate {
    let (year, q) = quarter_of(date);
    NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).unwrap_or(date)
}

fn quarter_end(date: NaiveDate) -> NaiveDate {
    let start = quarter_start(date);
    start
        .checked_add_months(Months::new(3))
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

fn quarter_label(date: NaiveDate) -> String {
    let (year, q) = quarter_of(date);
    format!("{year}-Q{q}")
}

fn month_end(date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The weekday on or before a date.
fn weekday_on_or_before(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        Weekday::Sat => add_days(date, -1),
        Weekday::Sun => add_days(date, -2),
        _ => date,
    }
}

fn monday_on_or_before(date: NaiveDate) -> NaiveDate {
    add_days(date, -i64::from(date.weekday().num_days_from_monday()))
}

/// A CRM write time in GMT for a US team: 14:00–22:59 UTC is 9:00–17:59 in New York, the same calendar day
/// in every US time zone.
fn crm_time(rng: &mut Rng, date: NaiveDate) -> NaiveDateTime {
    at(
        date,
        rng.range(14, 22) as u32,
        rng.below(60) as u32,
        rng.below(60) as u32,
    )
}

/// The same instant as the reps' local (New York, standard time) wall clock, as HubSpot exports show it.
fn local(utc: NaiveDateTime) -> NaiveDateTime {
    utc.checked_sub_signed(TimeDelta::hours(5)).unwrap_or(utc)
}

// ---------------------------------------------------------------------------------------------------------
// The team.
// ---------------------------------------------------------------------------------------------------------

const COMPANY_DOMAIN: &str = "brightline.example";

const MANAGERS: [(&str, &str); 2] = [
    ("Helena Lindqvist", "Enterprise"),
    ("Marcus Bennett", "Mid-Market"),
];

struct Person {
    name: &'static str,
    email: &'static str,
    team: usize,
    role: &'static str,
    archetype: Archetype,
    /// Days before the as-of date the rep started (the new hire's is jittered by the seed).
    tenure_days: i64,
}

const PEOPLE: [Person; 12] = [
    Person {
        name: "Catherine Okafor",
        email: "catherine.okafor",
        team: 0,
        role: "Enterprise Account Executive",
        archetype: Archetype::BigDealsLongCycles,
        tenure_days: 1_460,
    },
    Person {
        name: "José Álvarez",
        email: "jose.alvarez",
        team: 0,
        role: "Senior Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 980,
    },
    Person {
        name: "Mei Chen",
        email: "mei.chen",
        team: 0,
        role: "Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 760,
    },
    Person {
        name: "Aisha Rahman",
        email: "aisha.rahman",
        team: 0,
        role: "Senior Account Executive",
        archetype: Archetype::FewCallsHighWin,
        tenure_days: 1_210,
    },
    Person {
        name: "Daniel Whitaker",
        email: "daniel.whitaker",
        team: 0,
        role: "Account Executive",
        archetype: Archetype::Leaver,
        tenure_days: 1_050,
    },
    Person {
        name: "Søren Madsen",
        email: "soren.madsen",
        team: 0,
        role: "Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 640,
    },
    Person {
        name: "Tyler Brooks",
        email: "tyler.brooks",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::BusyLowConversion,
        tenure_days: 700,
    },
    Person {
        name: "Noémie Laurent",
        email: "noemie.laurent",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::RampingNewHire,
        tenure_days: 61,
    },
    Person {
        name: "Kwame Asante",
        email: "kwame.asante",
        team: 1,
        role: "Senior Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 1_100,
    },
    Person {
        name: "Priya Nair",
        email: "priya.nair",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 820,
    },
    Person {
        name: "Lucas Ferreira",
        email: "lucas.ferreira",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 560,
    },
    Person {
        name: "Hannah Kowalski",
        email: "hannah.kowalski",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::Solid,
        tenure_days: 1_330,
    },
];

/// Amount tiers in whole dollars: (weight, low, high).
type Tiers = &'static [(u32, i64, i64)];

const NEW_BUSINESS_AMOUNTS: Tiers = &[
    (34, 5_000, 12_000),
    (34, 12_000, 25_000),
    (20, 25_000, 45_000),
    (9, 45_000, 60_000),
    (3, 60_000, 95_000),
];

const BIG_DEAL_AMOUNTS: Tiers = &[
    (20, 30_000, 70_000),
    (40, 70_000, 150_000),
    (40, 150_000, 420_000),
];

const EXPANSION_AMOUNTS: Tiers = &[(60, 5_000, 12_000), (40, 12_000, 28_000)];

const RENEWAL_AMOUNTS: Tiers = &[
    (55, 3_000, 10_000),
    (35, 10_000, 22_000),
    (10, 22_000, 32_000),
];

/// How a rep sells.
#[derive(Clone, Copy)]
struct Profile {
    new_per_week: f64,
    renewals_per_week: f64,
    expansion_share: f64,
    /// Chance of moving forward out of Prospecting, Qualification, Discovery, Proposal, Negotiation.
    advance: [f64; 5],
    /// Stage durations are multiplied by this.
    cycle: f64,
    amounts: Tiers,
    amount_scale: f64,
    renewal_scale: f64,
    calls: f64,
    emails: f64,
    meetings: f64,
    tasks: f64,
    connect: f64,
    quota_usd: i64,
    stuck: f64,
}

fn profile(archetype: Archetype, enterprise: bool) -> Profile {
    let solid = Profile {
        new_per_week: 1.2,
        renewals_per_week: 0.3,
        expansion_share: 0.08,
        advance: [0.58, 0.74, 0.74, 0.70, 0.78],
        cycle: 1.0,
        amounts: NEW_BUSINESS_AMOUNTS,
        amount_scale: 1.0,
        renewal_scale: 1.0,
        calls: 28.0,
        emails: 22.0,
        meetings: 4.0,
        tasks: 6.0,
        connect: 0.28,
        quota_usd: 100_000,
        stuck: 0.15,
    };
    let mut p = match archetype {
        Archetype::Solid => solid,
        Archetype::Leaver => Profile {
            advance: [0.58, 0.74, 0.74, 0.70, 0.78],
            ..solid
        },
        Archetype::BusyLowConversion => Profile {
            new_per_week: 2.1,
            advance: [0.48, 0.68, 0.66, 0.64, 0.72],
            cycle: 0.85,
            calls: 72.0,
            emails: 30.0,
            meetings: 3.0,
            tasks: 5.0,
            connect: 0.17,
            renewals_per_week: 0.15,
            amount_scale: 0.8,
            stuck: 0.2,
            ..solid
        },
        Archetype::FewCallsHighWin => Profile {
            new_per_week: 0.75,
            advance: [0.80, 0.90, 0.88, 0.86, 0.90],
            calls: 9.0,
            emails: 18.0,
            meetings: 6.0,
            tasks: 6.0,
            connect: 0.46,
            quota_usd: 115_000,
            stuck: 0.08,
            ..solid
        },
        Archetype::BigDealsLongCycles => Profile {
            new_per_week: 0.5,
            renewals_per_week: 0.05,
            renewal_scale: 4.0,
            expansion_share: 0.04,
            advance: [0.62, 0.82, 0.82, 0.78, 0.82],
            cycle: 2.2,
            amounts: BIG_DEAL_AMOUNTS,
            calls: 14.0,
            emails: 24.0,
            meetings: 7.0,
            tasks: 7.0,
            connect: 0.40,
            quota_usd: 200_000,
            ..solid
        },
        Archetype::RampingNewHire => Profile {
            new_per_week: 1.3,
            renewals_per_week: 0.25,
            expansion_share: 0.0,
            advance: [0.52, 0.72, 0.72, 0.68, 0.75],
            cycle: 1.15,
            calls: 45.0,
            emails: 20.0,
            meetings: 3.0,
            tasks: 5.0,
            connect: 0.22,
            ..solid
        },
    };
    if enterprise && archetype != Archetype::BigDealsLongCycles {
        p.new_per_week *= 0.8;
        p.amount_scale *= 1.5;
        p.cycle *= 1.25;
        p.quota_usd = p.quota_usd * 5 / 4;
    }
    p
}

struct RepInfo {
    name: String,
    email: String,
    team: &'static str,
    manager: &'static str,
    role: &'static str,
    archetype: Archetype,
    team_ix: usize,
    profile: Profile,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    /// The Salesforce user id (the stage history's `CreatedById`).
    user_id: String,
}

impl RepInfo {
    /// The first and last day the rep could work on deals.
    fn working(&self, world: &World) -> (NaiveDate, NaiveDate) {
        (
            self.started_on.max(world.warmup_start),
            self.ended_on.unwrap_or(world.as_of).min(world.as_of),
        )
    }
}

struct World {
    as_of: NaiveDate,
    seed: u64,
    /// First day of the 18 months of history.
    start: NaiveDate,
    /// Deals are created from here so that the pipeline is full when the history starts.
    warmup_start: NaiveDate,
    reps: Vec<RepInfo>,
}

impl World {
    fn new(as_of: NaiveDate, seed: u64) -> World {
        let start = as_of
            .checked_sub_months(Months::new(HISTORY_MONTHS))
            .map_or(as_of, |d| add_days(d, 1));
        let warmup_start = add_days(start, -90);
        let mut rng = Rng::stream(seed, 1);
        let user_base = 62u64.pow(4) + rng.below(62u64.pow(5) - 62u64.pow(4) - 1_000);
        let reps = PEOPLE
            .iter()
            .enumerate()
            .map(|(i, person)| {
                let (manager, team) = MANAGERS.get(person.team).copied().unwrap_or(("", ""));
                let tenure = match person.archetype {
                    Archetype::RampingNewHire => person.tenure_days + rng.range(-4, 4),
                    _ => person.tenure_days,
                };
                let started_on = monday_on_or_before(add_days(as_of, -tenure));
                let ended_on = (person.archetype == Archetype::Leaver)
                    .then(|| weekday_on_or_before(add_days(as_of, -rng.range(148, 156))));
                RepInfo {
                    name: person.name.to_owned(),
                    email: format!("{}@{COMPANY_DOMAIN}", person.email),
                    team,
                    manager,
                    role: person.role,
                    archetype: person.archetype,
                    team_ix: person.team,
                    profile: profile(person.archetype, person.team == 0),
                    started_on,
                    ended_on,
                    user_id: salesforce_id("005", user_base + i as u64 * 7),
                }
            })
            .collect();
        World {
            as_of,
            seed,
            start,
            warmup_start,
            reps,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Deals.
// ---------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Prospecting,
    Qualification,
    Discovery,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

impl Stage {
    fn open(index: usize) -> Stage {
        match index {
            0 => Stage::Prospecting,
            1 => Stage::Qualification,
            2 => Stage::Discovery,
            3 => Stage::Proposal,
            _ => Stage::Negotiation,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            Stage::Prospecting => "Prospecting",
            Stage::Qualification => "Qualification",
            Stage::Discovery => "Discovery",
            Stage::Proposal => "Proposal",
            Stage::Negotiation => "Negotiation",
            Stage::Won => "Closed Won",
            Stage::Lost => "Closed Lost",
        }
    }

    fn percent(self) -> u32 {
        match self {
            Stage::Prospecting => 10,
            Stage::Qualification => 20,
            Stage::Discovery => 40,
            Stage::Proposal => 60,
            Stage::Negotiation => 80,
            Stage::Won => 100,
            Stage::Lost => 0,
        }
    }

    fn forecast(self) -> &'static str {
        match self {
            Stage::Prospecting | Stage::Qualification | Stage::Discovery => "Pipeline",
            Stage::Proposal => "Best Case",
            Stage::Negotiation => "Commit",
            Stage::Won => "Closed",
            Stage::Lost => "Omitted",
        }
    }

    fn closed(self) -> bool {
        matches!(self, Stage::Won | Stage::Lost)
    }

    /// Days a deal usually spends in the stage (before the rep's cycle factor).
    fn days(self) -> (f64, f64) {
        match self {
            Stage::Prospecting => (5.0, 20.0),
            Stage::Qualification => (7.0, 25.0),
            Stage::Discovery => (10.0, 30.0),
            Stage::Proposal => (10.0, 35.0),
            _ => (7.0, 28.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DealKind {
    NewBusiness,
    Expansion,
    Renewal,
}

impl DealKind {
    fn label(self) -> &'static str {
        match self {
            DealKind::NewBusiness => "New Business",
            DealKind::Expansion => "Expansion",
            DealKind::Renewal => "Renewal",
        }
    }

    fn pipeline(self) -> &'static str {
        match self {
            DealKind::Renewal => "Renewals",
            _ => "New Business",
        }
    }
}

/// One row of a deal's history: the deal as it stood from `at`.
#[derive(Debug, Clone, Copy)]
struct Step {
    /// GMT.
    at: NaiveDateTime,
    stage: Stage,
    amount_cents: i64,
    close: NaiveDate,
}

#[derive(Debug, Clone)]
struct Deal {
    /// The owner at the as-of date.
    rep: usize,
    /// The owner before a hand-over, and the day of it.
    first_rep: usize,
    handed_over_on: Option<NaiveDate>,
    kind: DealKind,
    account: String,
    product: &'static str,
    name: String,
    lead_source: &'static str,
    lost_reason: &'static str,
    /// Rows on or before the as-of date, the first at creation.
    steps: Vec<Step>,
    /// Days without any touch (a stuck deal): no activity is linked to it then.
    quiet: Option<(NaiveDate, NaiveDate)>,
    reopened: bool,
    skipped: bool,
    slipped: bool,
    sf_id: String,
    hs_id: u64,
    last_activity: Option<NaiveDate>,
    /// Creation order within its rep, to sort deals created at the same instant.
    seq: u64,
}

impl Deal {
    fn created(&self) -> NaiveDateTime {
        self.steps.first().map_or(NaiveDateTime::MIN, |s| s.at)
    }

    fn last(&self) -> Step {
        self.steps.last().copied().unwrap_or(Step {
            at: NaiveDateTime::MIN,
            stage: Stage::Prospecting,
            amount_cents: 0,
            close: NaiveDate::MIN,
        })
    }

    fn stage(&self) -> Stage {
        self.last().stage
    }

    /// The close date of a closed deal.
    fn closed_on(&self) -> Option<NaiveDate> {
        let last = self.last();
        last.stage.closed().then(|| last.at.date())
    }

    /// The stage the deal was in on a day (`None` before it was created).
    fn stage_on(&self, date: NaiveDate) -> Option<Stage> {
        self.steps
            .iter()
            .take_while(|s| s.at.date() <= date)
            .last()
            .map(|s| s.stage)
    }

    /// Who owned the deal on a day.
    fn owner_on(&self, date: NaiveDate) -> usize {
        match self.handed_over_on {
            Some(day) if date < day => self.first_rep,
            _ => self.rep,
        }
    }

    /// The day the deal last changed stage (or was created).
    fn last_stage_change(&self) -> NaiveDate {
        let mut day = self.created().date();
        let mut previous: Option<Stage> = None;
        for step in &self.steps {
            if previous != Some(step.stage) {
                day = step.at.date();
            }
            previous = Some(step.stage);
        }
        day
    }
}

fn amount_from(rng: &mut Rng, tiers: Tiers, scale: f64) -> i64 {
    let total: u32 = tiers.iter().map(|t| t.0).sum();
    let mut pick = rng.below(u64::from(total)) as u32;
    let mut dollars = 10_000;
    for &(weight, lo, hi) in tiers {
        if pick < weight {
            dollars = rng.range(lo, hi);
            break;
        }
        pick -= weight;
    }
    let scaled = (dollars as f64 * scale) as i64;
    // Reps quote round numbers.
    let round = if scaled >= 100_000 {
        5_000
    } else if scaled >= 20_000 {
        500
    } else {
        100
    };
    (scaled / round).max(1) * round * 100
}

const PRODUCTS: [&str; 10] = [
    "Analytics Suite",
    "Team Plan",
    "Enterprise Plan",
    "Data Connectors",
    "Premium Support",
    "Onboarding Package",
    "Forecasting Add-on",
    "Annual Subscription",
    "Multi-year Agreement",
    "Pilot",
];

const ACCOUNT_FIRST: [&str; 40] = [
    "Harbor",
    "Summit",
    "Bluefin",
    "Northwind",
    "Cedar",
    "Ironwood",
    "Lumen",
    "Pioneer",
    "Granite",
    "Silverline",
    "Redwood",
    "Keystone",
    "Brightwater",
    "Copperleaf",
    "Evergreen",
    "Falcon",
    "Meridian",
    "Oakridge",
    "Riverbend",
    "Sterling",
    "Tidewater",
    "Vantage",
    "Westbrook",
    "Atlas",
    "Beacon",
    "Crescent",
    "Driftwood",
    "Foxglove",
    "Halcyon",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Monarch",
    "Nimbus",
    "Orchard",
    "Pinnacle",
    "Quarry",
    "Saffron",
    "Trillium",
    "Willow",
];

const ACCOUNT_SECOND: [&str; 24] = [
    "Logistics",
    "Analytics",
    "Health",
    "Foods",
    "Manufacturing",
    "Robotics",
    "Energy",
    "Capital",
    "Retail",
    "Biotech",
    "Media",
    "Freight",
    "Dental Group",
    "Insurance",
    "Labs",
    "Hospitality",
    "Engineering",
    "Outfitters",
    "Pharma",
    "Telecom",
    "Construction",
    "Learning",
    "Payments",
    "Studios",
];

const ACCOUNT_SUFFIX: [&str; 8] = [
    "Inc.", "LLC", "Corp.", "Ltd.", "Group", "Co.", "Holdings", "Partners",
];

/// A few customers with names from elsewhere (accents included).
const ACCOUNT_INTERNATIONAL: [&str; 10] = [
    "Café Olé Foods",
    "Müller Logistik GmbH",
    "São Paulo Têxtil Ltda.",
    "Nordlys Energi AS",
    "Château Rivière SARL",
    "Żabka Components",
    "Kōyō Precision K.K.",
    "Añil Diseño S.A.",
    "Ærø Maritime ApS",
    "Öztürk Yapı A.Ş.",
];

fn account_name(rng: &mut Rng) -> String {
    if rng.chance(0.04) {
        return rng.word(&ACCOUNT_INTERNATIONAL).to_owned();
    }
    format!(
        "{} {} {}",
        rng.word(&ACCOUNT_FIRST),
        rng.word(&ACCOUNT_SECOND),
        rng.word(&ACCOUNT_SUFFIX)
    )
}

const LEAD_SOURCES: [&str; 6] = [
    "Web",
    "Outbound",
    "Partner Referral",
    "Trade Show",
    "Webinar",
    "Customer Referral",
];

const LOST_REASONS: [&str; 6] = [
    "Price",
    "Lost to competitor",
    "No decision",
    "Timing",
    "Budget",
    "Missing feature",
];

/// Everything a deal's simulation needs to know about its start.
struct DealStart {
    rep: usize,
    kind: DealKind,
    created: NaiveDateTime,
    amount_cents: i64,
    account: String,
}

/// What a simulated deal went through.
struct Lifecycle {
    steps: Vec<Step>,
    quiet: Option<(NaiveDate, NaiveDate)>,
    reopened: bool,
    skipped: bool,
    slipped: bool,
    lost_reason: &'static str,
}

/// Moves a close into the last two weeks of a quarter, as quarter-end pushes do, keeping it after `after`.
fn quarter_end_pull(rng: &mut Rng, close: NaiveDate, after: NaiveDate, won: bool) -> NaiveDate {
    let close = weekday_on_or_before(close).max(add_days(after, 1));
    let start = quarter_start(close);
    let into_quarter = days_between(start, close);
    let (window_end, p) = if into_quarter < 21 {
        (add_days(start, -1), if won { 0.55 } else { 0.30 })
    } else {
        let end = quarter_end(close);
        let left = days_between(close, end);
        if (14..=40).contains(&left) {
            (end, if won { 0.35 } else { 0.20 })
        } else {
            return close;
        }
    };
    if !rng.chance(p) {
        return close;
    }
    let window_start = add_days(window_end, -13).max(add_days(after, 1));
    if window_start > window_end {
        return close;
    }
    let day = add_days(
        window_start,
        rng.range(0, days_between(window_start, window_end)),
    );
    let day = weekday_on_or_before(day);
    if day <= after {
        add_days(after, 1)
    } else {
        day
    }
}

/// An expected close date as a rep would set it: a date some way out, often the end of that month.
fn expected_close(rng: &mut Rng, from: NaiveDate, days: i64) -> NaiveDate {
    let date = add_days(from, days.max(7));
    if rng.chance(0.4) {
        month_end(date)
    } else {
        date
    }
}

fn simulate(rng: &mut Rng, world: &World, start: &DealStart) -> Lifecycle {
    let p = world
        .reps
        .get(start.rep)
        .map_or(profile(Archetype::Solid, false), |r| r.profile);
    let (advance, cycle, skip_chance, first) = match start.kind {
        DealKind::NewBusiness => (
            p.advance,
            p.cycle,
            0.08,
            if rng.chance(0.85) {
                Stage::Prospecting
            } else {
                Stage::Qualification
            },
        ),
        DealKind::Expansion => (
            [1.0, 0.88, 0.88, 0.85, 0.90],
            p.cycle * 0.7,
            0.15,
            Stage::Qualification,
        ),
        DealKind::Renewal => (
            [1.0, 0.92, 0.92, 0.90, 0.88],
            0.6,
            0.35,
            Stage::Qualification,
        ),
    };
    let as_of = world.as_of;
    let mut t = start.created;
    let mut stage = first;
    let mut amount = start.amount_cents;
    let optimism = rng.between(0.4, 1.05);
    let planned: f64 = (first.index()..5)
        .map(|i| {
            let (lo, hi) = Stage::open(i).days();
            (lo + hi) / 2.0
        })
        .sum::<f64>()
        * cycle
        * optimism;
    let mut expected = match start.kind {
        DealKind::Renewal => add_days(t.date(), rng.range(45, 80)),
        _ => expected_close(rng, t.date(), planned as i64),
    };
    let mut steps = vec![Step {
        at: t,
        stage,
        amount_cents: amount,
        close: expected,
    }];
    // A lazy owner leaves a missed close date alone for weeks.
    let lazy = rng.chance(0.4);
    let stuck_at = rng
        .chance(if start.kind == DealKind::Renewal {
            0.04
        } else {
            p.stuck
        })
        .then(|| {
            Stage::open(rng.range(first.index() as i64, (first.index() + 2).min(4) as i64) as usize)
        });
    let mut life = Lifecycle {
        steps: Vec::new(),
        quiet: None,
        reopened: false,
        skipped: false,
        slipped: false,
        lost_reason: "",
    };
    let mut revised = false;
    loop {
        let (lo, hi) = stage.days();
        let mut days = rng.between(lo, hi) * cycle;
        let stuck = stuck_at == Some(stage) && life.quiet.is_none();
        let forward = if stuck {
            days += rng.range(45, 180) as f64;
            let from = add_days(t.date(), rng.range(2, 8));
            life.quiet = Some((from, add_days(t.date(), days as i64)));
            rng.chance(0.3)
        } else {
            rng.chance(advance.get(stage.index()).copied().unwrap_or(0.5))
        };
        if !forward && !stuck {
            days *= rng.between(0.5, 1.4);
        }
        let next_day = add_days(t.date(), (days as i64).max(1));
        let next_stage = if !forward {
            Stage::Lost
        } else if stage == Stage::Negotiation {
            Stage::Won
        } else if stage.index() + 2 <= 4 && rng.chance(skip_chance) {
            life.skipped = true;
            Stage::open(stage.index() + 2)
        } else {
            Stage::open(stage.index() + 1)
        };
        let next_day = if next_stage.closed() {
            quarter_end_pull(rng, next_day, t.date(), next_stage == Stage::Won)
        } else if is_weekend(next_day) {
            add_days(weekday_on_or_before(next_day), 3)
        } else {
            next_day
        };
        if next_day <= t.date() {
            // Only at the end of the calendar.
            break;
        }
        let next = crm_time(rng, next_day);
        // The owner pushes a missed close date (not while nobody touches the deal).
        while expected < next_day && !stuck {
            let delay = if lazy {
                rng.range(10, 75)
            } else {
                rng.range(0, 4)
            };
            // Not before the deal's last change: a deal that entered a stage after its close date passed is
            // re-dated after that.
            let slip_day = add_days(expected, delay).max(add_days(t.date(), 1));
            if slip_day >= next_day || slip_day > as_of {
                break;
            }
            let push = rng.range(14, 45);
            let pushed = expected_close(rng, slip_day, push);
            if pushed <= expected {
                // Only at the end of the calendar.
                break;
            }
            expected = pushed;
            steps.push(Step {
                at: crm_time(rng, slip_day),
                stage,
                amount_cents: amount,
                close: expected,
            });
            life.slipped = true;
        }
        if next_day > as_of {
            break;
        }
        if !revised && matches!(next_stage, Stage::Proposal | Stage::Negotiation) {
            revised = true;
            let factor = rng.between(0.85, 1.2);
            let round = if amount >= 2_000_000 { 50_000 } else { 10_000 };
            amount = ((amount as f64 * factor) as i64 / round).max(1) * round;
        }
        if next_stage.closed() {
            expected = next_day;
        }
        steps.push(Step {
            at: next,
            stage: next_stage,
            amount_cents: amount,
            close: expected,
        });
        match next_stage {
            Stage::Won => break,
            Stage::Lost => {
                life.lost_reason = if stuck {
                    "No decision"
                } else if stage == Stage::Prospecting {
                    "Not a fit"
                } else {
                    rng.word(&LOST_REASONS)
                };
                if !life.reopened && stage >= Stage::Discovery && rng.chance(0.05) {
                    let back = add_days(next_day, rng.range(20, 90));
                    if back > as_of {
                        break;
                    }
                    life.reopened = true;
                    life.lost_reason = "";
                    stage = if rng.chance(0.5) {
                        Stage::Qualification
                    } else {
                        Stage::Discovery
                    };
                    t = crm_time(rng, weekday_on_or_before(back).max(add_days(next_day, 1)));
                    let ahead = rng.range(30, 75);
                    expected = expected_close(rng, t.date(), ahead);
                    steps.push(Step {
                        at: t,
                        stage,
                        amount_cents: amount,
                        close: expected,
                    });
                    continue;
                }
                break;
            }
            _ => {}
        }
        t = next;
        stage = next_stage;
    }
    // Rows are in time order and none is after the as-of date.
    steps.sort_by_key(|s| s.at);
    steps.retain(|s| s.at.date() <= as_of);
    life.steps = steps;
    life
}

fn simulate_deals(world: &World) -> Vec<Deal> {
    let mut deals = Vec::new();
    for (r, rep) in world.reps.iter().enumerate() {
        let mut rng = Rng::stream(world.seed, 100 + r as u64);
        let p = rep.profile;
        let (from, last_day) = rep.working(world);
        // New deals stop two weeks before a rep leaves; a new hire opens the first after a week.
        let to = match rep.ended_on {
            Some(end) => add_days(end, -14).min(last_day),
            None => last_day,
        };
        let from = if rep.archetype == Archetype::RampingNewHire {
            add_days(from, 7)
        } else {
            from
        };
        let mut won_accounts: Vec<(NaiveDate, String)> = Vec::new();
        let mut week = monday_on_or_before(from);
        let mut seq = 0u64;
        while week <= to {
            let weeks_in = days_between(rep.started_on, week) / 7;
            let ramp = if rep.archetype == Archetype::RampingNewHire {
                ((weeks_in + 1) as f64 / 6.0).min(1.0)
            } else {
                1.0
            };
            let new = rng.count(p.new_per_week * ramp);
            let renewals = rng.count(p.renewals_per_week * ramp);
            let mut starts = Vec::new();
            for i in 0..new + renewals {
                let day = add_days(week, rng.range(0, 4));
                let created = crm_time(&mut rng, day);
                if day < from || day > to {
                    continue;
                }
                let (kind, amount, account) = if i >= new {
                    let base =
                        amount_from(&mut rng, RENEWAL_AMOUNTS, p.amount_scale * p.renewal_scale);
                    // A renewal carries a price uplift, so its amount has cents.
                    let uplift = rng.between(1.02, 1.07);
                    (
                        DealKind::Renewal,
                        (base as f64 * uplift) as i64,
                        account_name(&mut rng),
                    )
                } else if rng.chance(p.expansion_share) && !won_accounts.is_empty() {
                    let customers: Vec<&String> = won_accounts
                        .iter()
                        .filter(|(d, _)| *d < day)
                        .map(|(_, a)| a)
                        .collect();
                    match customers.get(rng.below(customers.len() as u64) as usize) {
                        Some(account) => (
                            DealKind::Expansion,
                            amount_from(&mut rng, EXPANSION_AMOUNTS, p.amount_scale),
                            (*account).clone(),
                        ),
                        None => (
                            DealKind::NewBusiness,
                            amount_from(&mut rng, p.amounts, p.amount_scale),
                            account_name(&mut rng),
                        ),
                    }
                } else {
                    (
                        DealKind::NewBusiness,
                        amount_from(&mut rng, p.amounts, p.amount_scale),
                        account_name(&mut rng),
                    )
                };
                starts.push(DealStart {
                    rep: r,
                    kind,
                    created,
                    amount_cents: amount,
                    account,
                });
            }
            starts.sort_by_key(|s| s.created);
            for start in starts {
                let life = simulate(&mut rng, world, &start);
                let lead_source = match start.kind {
                    DealKind::NewBusiness if rep.archetype == Archetype::BusyLowConversion => {
                        if rng.chance(0.6) {
                            "Outbound"
                        } else {
                            rng.word(&LEAD_SOURCES)
                        }
                    }
                    DealKind::NewBusiness => rng.word(&LEAD_SOURCES),
                    _ => "Existing Customer",
                };
                let product = match start.kind {
                    DealKind::Renewal => "Renewal",
                    _ => rng.word(&PRODUCTS),
                };
                let deal = Deal {
                    rep: r,
                    first_rep: r,
                    handed_over_on: None,
                    kind: start.kind,
                    account: start.account,
                    product,
                    name: String::new(),
                    lead_source,
                    lost_reason: life.lost_reason,
                    steps: life.steps,
                    quiet: life.quiet,
                    reopened: life.reopened,
                    skipped: life.skipped,
                    slipped: life.slipped,
                    sf_id: String::new(),
                    hs_id: 0,
                    last_activity: None,
                    seq,
                };
                seq += 1;
                if deal.stage() == Stage::Won {
                    won_accounts.push((deal.last().at.date(), deal.account.clone()));
                }
                // Deals that were over before the history starts are not part of it.
                if deal.closed_on().is_some_and(|d| d < world.start) || deal.steps.is_empty() {
                    continue;
                }
                deals.push(deal);
            }
            match week.checked_add_days(Days::new(7)) {
                Some(next) => week = next,
                None => break,
            }
        }
    }
    hand_over(world, &mut deals);
    deals
}

/// A leaver's deals still open when they left go to a teammate.
fn hand_over(world: &World, deals: &mut [Deal]) {
    let mut rng = Rng::stream(world.seed, 3);
    for (r, rep) in world.reps.iter().enumerate() {
        let Some(end) = rep.ended_on else { continue };
        let mates: Vec<usize> = world
            .reps
            .iter()
            .enumerate()
            .filter(|(i, m)| *i != r && m.team_ix == rep.team_ix && m.archetype == Archetype::Solid)
            .map(|(i, _)| i)
            .collect();
        for deal in deals.iter_mut().filter(|d| d.rep == r) {
            // Open when they left, or re-opened after.
            let open_then =
                deal.stage_on(end).is_some_and(|s| !s.closed()) || deal.last().at.date() > end;
            if let (true, Some(&mate)) =
                (open_then, mates.get(rng.below(mates.len() as u64) as usize))
            {
                deal.rep = mate;
                deal.handed_over_on = Some(add_days(end, 1));
            }
        }
    }
}

/// Sorts deals by creation and gives them names and the ids each CRM would.
fn name_and_number(world: &World, deals: &mut [Deal]) {
    deals.sort_by_key(|d| (d.created(), d.first_rep, d.seq));
    let mut rng = Rng::stream(world.seed, 4);
    let mut names: BTreeSet<String> = BTreeSet::new();
    let sf_base = 62u64.pow(4) + rng.below(62u64.pow(5) - 62u64.pow(4) - 200_000);
    let mut hs_id = 9_000_000_000 + rng.below(2_000_000_000);
    for (i, deal) in deals.iter_mut().enumerate() {
        let year = deal.created().date().year();
        let base = match deal.kind {
            DealKind::NewBusiness => format!("{} - {}", deal.account, deal.product),
            DealKind::Expansion => format!("{} - Expansion ({})", deal.account, deal.product),
            DealKind::Renewal => format!("{} - Renewal {}", deal.account, year + 1),
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name.to_lowercase()) {
            name = format!("{base} #{n}");
            n += 1;
        }
        names.insert(name.to_lowercase());
        deal.name = name;
        deal.sf_id = salesforce_id("006", sf_base + i as u64);
        hs_id += 1 + rng.below(40);
        deal.hs_id = hs_id;
    }
}

// ---------------------------------------------------------------------------------------------------------
// Activities.
// ---------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ActKind {
    Call,
    Email,
    Meeting,
    Task,
}

impl ActKind {
    fn label(self) -> &'static str {
        match self {
            ActKind::Call => "Call",
            ActKind::Email => "Email",
            ActKind::Meeting => "Meeting",
            ActKind::Task => "Task",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallOutcome {
    Connected,
    NoAnswer,
    LeftVoicemail,
}

impl CallOutcome {
    fn label(self) -> &'static str {
        match self {
            CallOutcome::Connected => "Connected",
            CallOutcome::NoAnswer => "No answer",
            CallOutcome::LeftVoicemail => "Left voicemail",
        }
    }
}

#[derive(Debug, Clone)]
struct Activity {
    rep: usize,
    kind: ActKind,
    /// The rep's local time.
    at: NaiveDateTime,
    done: bool,
    /// For tasks: `Completed`, `Not started`, `In progress`.
    status: &'static str,
    subject: &'static str,
    duration_s: Option<u32>,
    outcome: Option<CallOutcome>,
    inbound: bool,
    deal: Option<usize>,
    id: u64,
}

const CALL_SUBJECTS_PROSPECTING: [&str; 4] =
    ["Cold call", "Prospecting call", "Intro call", "Callback"];
const CALL_SUBJECTS_DEAL: [&str; 6] = [
    "Discovery call",
    "Follow-up call",
    "Check-in call",
    "Pricing call",
    "Qualification call",
    "Champion check-in",
];
const EMAIL_SUBJECTS: [&str; 8] = [
    "Intro email",
    "Follow-up",
    "Re: proposal",
    "Pricing details",
    "Meeting recap",
    "Case study",
    "Contract redlines",
    "Checking in",
];
const MEETING_SUBJECTS: [&str; 7] = [
    "Discovery meeting",
    "Product demo",
    "Pricing review",
    "Stakeholder meeting",
    "Onsite visit",
    "Business review",
    "Kickoff",
];
const TASK_SUBJECTS: [&str; 7] = [
    "Send proposal",
    "Update close plan",
    "Prepare quote",
    "Follow up on security questionnaire",
    "Log call notes",
    "Research account",
    "Send contract",
];

/// A local time of day: business hours mostly, some early and late.
fn work_time(rng: &mut Rng, date: NaiveDate) -> NaiveDateTime {
    let hour = if rng.chance(0.05) {
        *[7u32, 18, 19].get(rng.below(3) as usize).unwrap_or(&18)
    } else {
        // Mornings and early afternoons are busiest.
        let weights = [6u64, 10, 11, 8, 5, 8, 9, 8, 6, 4];
        let total: u64 = weights.iter().sum();
        let mut pick = rng.below(total);
        let mut hour = 8u32;
        for (i, w) in weights.iter().enumerate() {
            if pick < *w {
                hour = 8 + i as u32;
                break;
            }
            pick -= w;
        }
        hour
    };
    at(date, hour, rng.below(60) as u32, rng.below(60) as u32)
}

fn simulate_activities(world: &World, deals: &mut [Deal]) -> Vec<Activity> {
    let mut activities = Vec::new();
    for (r, rep) in world.reps.iter().enumerate() {
        let mut rng = Rng::stream(world.seed, 200 + r as u64);
        let p = rep.profile;
        let (from, to) = rep.working(world);
        let from = from.max(world.start);
        // Two weeks off a year, at random.
        let mut vacation: BTreeSet<NaiveDate> = BTreeSet::new();
        let weeks = days_between(from, to) / 7 + 1;
        for _ in 0..weeks * 2 / 52 {
            vacation.insert(add_days(monday_on_or_before(from), rng.range(0, weeks) * 7));
        }
        // The deals this rep ever owned, with the days they could be worked on.
        let windows: Vec<(usize, NaiveDate, NaiveDate)> = deals
            .iter()
            .enumerate()
            .filter(|(_, d)| d.rep == r || d.first_rep == r)
            .map(|(i, d)| {
                let end = d.closed_on().unwrap_or(world.as_of);
                (i, d.created().date(), end)
            })
            .collect();
        let mut day = from;
        while day <= to {
            let monday = monday_on_or_before(day);
            if vacation.contains(&monday) {
                match day.succ_opt() {
                    Some(next) => day = next,
                    None => break,
                }
                continue;
            }
            let weeks_in = days_between(rep.started_on, day) / 7;
            let mut factor = match rep.archetype {
                Archetype::RampingNewHire => (0.5 + weeks_in as f64 * 0.08).min(1.0),
                _ => 1.0,
            };
            if let Some(end) = rep.ended_on
                && days_between(day, end) < 28
            {
                factor *= 0.6;
            }
            let weekend = is_weekend(day);
            let scale = if weekend {
                if rng.chance(0.12) { 0.08 } else { 0.0 }
            } else {
                factor / 5.0
            };
            let linkable: Vec<usize> = windows
                .iter()
                .filter(|(i, created, end)| {
                    *created <= day
                        && day <= *end
                        && deals.get(*i).is_some_and(|d| {
                            d.owner_on(day) == r
                                && !d.quiet.is_some_and(|(q0, q1)| q0 <= day && day < q1)
                                && d.stage_on(day).is_some_and(|s| !s.closed())
                        })
                })
                .map(|(i, _, _)| *i)
                .collect();
            for (kind, per_week, link) in [
                (ActKind::Call, p.calls, 0.40),
                (ActKind::Email, p.emails, 0.60),
                (ActKind::Meeting, p.meetings, 0.85),
                (ActKind::Task, p.tasks, 0.70),
            ] {
                for _ in 0..rng.count(per_week * scale) {
                    let at = work_time(&mut rng, day);
                    let deal = if rng.chance(link) && !linkable.is_empty() {
                        linkable
                            .get(rng.below(linkable.len() as u64) as usize)
                            .copied()
                    } else {
                        None
                    };
                    let mut activity = Activity {
                        rep: r,
                        kind,
                        at,
                        done: true,
                        status: "Completed",
                        subject: "",
                        duration_s: None,
                        outcome: None,
                        inbound: false,
                        deal,
                        id: 0,
                    };
                    match kind {
                        ActKind::Call => {
                            let inbound = rng.chance(0.08);
                            let outcome = if inbound || rng.chance(p.connect) {
                                CallOutcome::Connected
                            } else if rng.chance(0.55) {
                                CallOutcome::NoAnswer
                            } else {
                                CallOutcome::LeftVoicemail
                            };
                            let seconds = match outcome {
                                CallOutcome::Connected => {
                                    let roll = rng.unit();
                                    if roll < 0.6 {
                                        rng.range(90, 420)
                                    } else if roll < 0.9 {
                                        rng.range(420, 960)
                                    } else {
                                        rng.range(960, 2_700)
                                    }
                                }
                                CallOutcome::NoAnswer => rng.range(0, 30),
                                CallOutcome::LeftVoicemail => rng.range(25, 80),
                            };
                            activity.inbound = inbound;
                            activity.outcome = Some(outcome);
                            activity.duration_s = Some(seconds as u32);
                            activity.subject = if deal.is_some() {
                                rng.word(&CALL_SUBJECTS_DEAL)
                            } else {
                                rng.word(&CALL_SUBJECTS_PROSPECTING)
                            };
                        }
                        ActKind::Email => activity.subject = rng.word(&EMAIL_SUBJECTS),
                        ActKind::Meeting => {
                            activity.subject = rng.word(&MEETING_SUBJECTS);
                            activity.duration_s = Some(
                                [1_800u32, 2_700, 3_600]
                                    .get(rng.below(3) as usize)
                                    .copied()
                                    .unwrap_or(1_800),
                            );
                        }
                        ActKind::Task => {
                            activity.subject = rng.word(&TASK_SUBJECTS);
                            let recent = days_between(day, world.as_of) < 7;
                            if rng.chance(if recent { 0.35 } else { 0.06 }) {
                                activity.done = false;
                                activity.status = if rng.chance(0.7) {
                                    "Not started"
                                } else {
                                    "In progress"
                                };
                            }
                        }
                    }
                    activities.push(activity);
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
    activities.sort_by_key(|a| (a.at, a.rep, a.kind));
    let mut rng = Rng::stream(world.seed, 5);
    let mut id = 40_000_000_000 + rng.below(5_000_000_000);
    for activity in &mut activities {
        id += 1 + rng.below(25);
        activity.id = id;
        if activity.done
            && let Some(deal) = activity.deal.and_then(|i| deals.get_mut(i))
        {
            let day = activity.at.date();
            deal.last_activity = Some(deal.last_activity.map_or(day, |d| d.max(day)));
        }
    }
    activities
}

// ---------------------------------------------------------------------------------------------------------
// The truth.
// ---------------------------------------------------------------------------------------------------------

fn quotas_of(world: &World, rep: &RepInfo) -> Vec<QuotaTruth> {
    let mut quotas = Vec::new();
    let first = quarter_start(world.start.max(rep.started_on));
    let last = quarter_start(rep.ended_on.unwrap_or(world.as_of).min(world.as_of));
    let mut quarter = first;
    let mut ramp_step = 0i64;
    while quarter <= last {
        let share = if rep.archetype == Archetype::RampingNewHire {
            ramp_step += 1;
            (ramp_step * 25).min(100)
        } else {
            100
        };
        quotas.push(QuotaTruth {
            period: quarter_label(quarter),
            amount_cents: rep.profile.quota_usd * share / 100 * 100,
        });
        quarter = quarter
            .checked_add_months(Months::new(3))
            .unwrap_or(NaiveDate::MAX);
    }
    quotas
}

fn tally(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoTruth {
    let as_of = world.as_of;
    let mut reps: Vec<RepTruth> = world
        .reps
        .iter()
        .map(|rep| RepTruth {
            name: rep.name.clone(),
            email: rep.email.clone(),
            team: rep.team.to_owned(),
            manager: rep.manager.to_owned(),
            role: rep.role.to_owned(),
            archetype: rep.archetype,
            started_on: rep.started_on,
            ended_on: rep.ended_on,
            deals_owned: 0,
            deals_won: 0,
            deals_lost: 0,
            deals_open: 0,
            bookings_cents: 0,
            activities: ActivityCounts::default(),
            connected_calls: 0,
            call_seconds: 0,
            quotas: quotas_of(world, rep),
        })
        .collect();
    let mut totals = TeamTotals::default();
    let mut story = StoryTruth::default();
    // The last day each deal had any linked activity.
    let mut touched: BTreeMap<usize, NaiveDate> = BTreeMap::new();
    for activity in activities {
        if let Some(deal) = activity.deal {
            totals.linked_activities += 1;
            let day = activity.at.date();
            let entry = touched.entry(deal).or_insert(day);
            *entry = (*entry).max(day);
        }
        if !activity.done {
            totals.open_tasks += 1;
            continue;
        }
        let Some(rep) = reps.get_mut(activity.rep) else {
            continue;
        };
        match activity.kind {
            ActKind::Call => {
                rep.activities.calls += 1;
                rep.call_seconds += u64::from(activity.duration_s.unwrap_or(0));
                rep.connected_calls += u64::from(activity.outcome == Some(CallOutcome::Connected));
            }
            ActKind::Email => rep.activities.emails += 1,
            ActKind::Meeting => rep.activities.meetings += 1,
            ActKind::Task => rep.activities.tasks += 1,
        }
    }
    for (i, deal) in deals.iter().enumerate() {
        let last = deal.last();
        story.history_rows += deal.steps.len() as u64;
        match deal.kind {
            DealKind::NewBusiness => story.new_business_deals += 1,
            DealKind::Renewal => story.renewal_deals += 1,
            DealKind::Expansion => story.expansion_deals += 1,
        }
        if deal
            .steps
            .first()
            .is_some_and(|s| s.stage == Stage::Prospecting)
        {
            story.started_in_prospecting += 1;
            let second = deal
                .steps
                .iter()
                .map(|s| s.stage)
                .find(|s| *s != Stage::Prospecting);
            match second {
                Some(Stage::Lost) => story.lost_in_prospecting += 1,
                Some(_) => story.left_prospecting += 1,
                None => {}
            }
        }
        story.skipped_stage_deals += u64::from(deal.skipped);
        story.reopened_deals += u64::from(deal.reopened);
        story.slipped_deals += u64::from(deal.slipped);
        let Some(rep) = reps.get_mut(deal.rep) else {
            continue;
        };
        rep.deals_owned += 1;
        match last.stage {
            Stage::Won => {
                rep.deals_won += 1;
                rep.bookings_cents += last.amount_cents;
                story.big_deals_won += u64::from(last.amount_cents >= 15_000_000);
            }
            Stage::Lost => rep.deals_lost += 1,
            _ => {
                rep.deals_open += 1;
                let quiet_since = touched.get(&i).map_or(deal.last_stage_change(), |d| {
                    (*d).max(deal.last_stage_change())
                });
                story.stale_open_deals += u64::from(days_between(quiet_since, as_of) >= 30);
                if last.close < as_of {
                    story.past_due_open_deals += 1;
                } else if last.close > as_of {
                    story.open_deals_closing_later += 1;
                }
            }
        }
        if let Some(closed) = deal.closed_on() {
            story.closes += 1;
            story.closes_in_last_two_weeks_of_quarter +=
                u64::from(days_between(closed, quarter_end(closed)) < 14);
        }
    }
    for rep in &reps {
        totals.deals += rep.deals_owned;
        totals.won += rep.deals_won;
        totals.lost += rep.deals_lost;
        totals.open += rep.deals_open;
        totals.bookings_cents += rep.bookings_cents;
        totals.activities.add(&rep.activities);
        totals.connected_calls += rep.connected_calls;
        totals.call_seconds += rep.call_seconds;
    }
    DemoTruth {
        as_of,
        seed: world.seed,
        history_start: world.start,
        currency: CURRENCY.to_owned(),
        managers: MANAGERS
            .iter()
            .map(|(m, t)| ((*m).to_owned(), (*t).to_owned()))
            .collect(),
        reps,
        totals,
        story,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Writing the files.
// ---------------------------------------------------------------------------------------------------------

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// An 18-character Salesforce id: key prefix, an instance, a base-62 number, and the case-safe suffix.
fn salesforce_id(prefix: &str, n: u64) -> String {
    let mut id = [b'0'; 18];
    for (slot, b) in id.iter_mut().zip(prefix.bytes().chain(*b"8a00001")) {
        *slot = b;
    }
    let mut rest = n;
    for i in (10..15).rev() {
        if let Some(slot) = id.get_mut(i) {
            *slot = BASE62.get((rest % 62) as usize).copied().unwrap_or(b'0');
        }
        rest /= 62;
    }
    for chunk in 0..3 {
        let mut flags = 0usize;
        for i in 0..5 {
            if id.get(chunk * 5 + i).is_some_and(u8::is_ascii_uppercase) {
                flags |= 1 << i;
            }
        }
        if let Some(slot) = id.get_mut(15 + chunk) {
            *slot = CASE_SAFE.get(flags).copied().unwrap_or(b'A');
        }
    }
    String::from_utf8_lossy(&id).into_owned()
}

const CASE_SAFE: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The three characters that make a 15-character Salesforce id case-insensitive.
#[cfg(test)]
fn case_suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let flags = chunk
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_uppercase())
                .fold(0usize, |f, (i, _)| f | (1 << i));
            CASE_SAFE.get(flags).map_or('A', |c| *c as char)
        })
        .collect()
}

/// CSV text, one row at a time.
struct Csv {
    text: String,
    quote_all: bool,
}

impl Csv {
    fn new(quote_all: bool) -> Csv {
        Csv {
            text: String::with_capacity(1 << 16),
            quote_all,
        }
    }

    fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            let field = field.as_ref();
            let bytes = field.as_bytes();
            if memchr::memchr(b'"', bytes).is_some() {
                self.text.push('"');
                self.text.push_str(&field.replace('"', "\"\""));
                self.text.push('"');
            } else if self.quote_all || memchr::memchr3(b',', b'\n', b'\r', bytes).is_some() {
                self.text.push('"');
                self.text.push_str(field);
                self.text.push('"');
            } else {
                self.text.push_str(field);
            }
        }
        self.text.push('\n');
    }

    fn line(&mut self, raw: &str) {
        self.text.push_str(raw);
        self.text.push('\n');
    }

    fn file(self, name: String, bom: bool) -> DemoFile {
        let mut bytes = Vec::with_capacity(self.text.len() + 3);
        if bom {
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        bytes.extend_from_slice(self.text.as_bytes());
        DemoFile { name, bytes }
    }
}

/// `12500` or `8736.50`.
fn plain_money(cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{}", cents / 100)
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

/// `USD 12,500.00`, as a Salesforce report with multiple currencies writes it.
fn report_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let grouped = thousands(cents.unsigned_abs() / 100);
    format!(
        "{CURRENCY} {sign}{grouped}.{:02}",
        cents.unsigned_abs() % 100
    )
}

/// `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// `3/7/2026`, as a US Salesforce report writes dates.
fn us_date(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.month(), date.day(), date.year())
}

fn iso_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// `2026-03-02 14:05`.
fn iso_minutes(at: NaiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        iso_date(at.date()),
        at.hour(),
        at.minute()
    )
}

/// `2026-03-02 14:05:09`.
fn iso_seconds(at: NaiveDateTime) -> String {
    format!("{}:{:02}", iso_minutes(at), at.second())
}

fn rep_name(world: &World, rep: usize) -> &str {
    world.reps.get(rep).map_or("", |r| r.name.as_str())
}

fn sf_opportunities(world: &World, deals: &[Deal]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Opportunity ID",
        "Opportunity Name",
        "Account Name",
        "Opportunity Owner",
        "Opportunity Record Type",
        "Type",
        "Lead Source",
        "Amount",
        "Probability (%)",
        "Stage",
        "Forecast Category",
        "Close Date",
        "Fiscal Period",
        "Created Date",
        "Last Activity",
        "Lost Reason",
    ]);
    // A tabular report sorted by owner, then close date.
    let mut order: Vec<&Deal> = deals.iter().collect();
    order.sort_by(|a, b| {
        rep_name(world, a.rep)
            .cmp(rep_name(world, b.rep))
            .then(a.last().close.cmp(&b.last().close))
            .then(a.sf_id.cmp(&b.sf_id))
    });
    for deal in &order {
        let last = deal.last();
        let close = last.close;
        csv.row(&[
            deal.sf_id.clone(),
            deal.name.clone(),
            deal.account.clone(),
            rep_name(world, deal.rep).to_owned(),
            deal.kind.pipeline().to_owned(),
            deal.kind.label().to_owned(),
            deal.lead_source.to_owned(),
            report_money(last.amount_cents),
            format!("{}%", last.stage.percent()),
            last.stage.name().to_owned(),
            last.stage.forecast().to_owned(),
            us_date(close),
            {
                let (year, q) = quarter_of(close);
                format!("Q{q}-{year}")
            },
            us_date(deal.created().date()),
            deal.last_activity.map(us_date).unwrap_or_default(),
            if last.stage == Stage::Lost {
                deal.lost_reason.to_owned()
            } else {
                String::new()
            },
        ]);
    }
    let grouped = thousands(order.len() as u64);
    csv.line("");
    csv.line(&format!("\"Grand Totals ({grouped} records)\""));
    csv.line("");
    csv.line("\"Confidential Information - Do Not Distribute\"");
    csv.line(&format!(
        "\"Copyright (c) 2000-{} salesforce.com, inc. All rights reserved.\"",
        world.as_of.year()
    ));
    csv.file("demo-salesforce-opportunities.csv".to_owned(), false)
}

fn sf_history(world: &World, deals: &[Deal]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Id",
        "OpportunityId",
        "CreatedById",
        "CreatedDate",
        "StageName",
        "Amount",
        "ExpectedRevenue",
        "CloseDate",
        "Probability",
        "ForecastCategory",
        "FromOpportunityStageName",
        "CurrencyIsoCode",
        "PrevAmount",
        "PrevCloseDate",
    ]);
    let mut rng = Rng::stream(world.seed, 6);
    let mut rows: Vec<(NaiveDateTime, &Deal, usize)> = deals
        .iter()
        .flat_map(|d| {
            (0..d.steps.len())
                .map(move |i| (d.steps.get(i).map_or(NaiveDateTime::MIN, |s| s.at), d, i))
        })
        .collect();
    // Data Export writes rows in id order, which is creation order.
    rows.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.sf_id.cmp(&b.1.sf_id))
            .then(a.2.cmp(&b.2))
    });
    let base = 62u64.pow(4) + rng.below(62u64.pow(5) - 62u64.pow(4) - 2_000_000);
    for (n, (when, deal, i)) in rows.iter().enumerate() {
        let Some(step) = deal.steps.get(*i) else {
            continue;
        };
        let previous = i.checked_sub(1).and_then(|p| deal.steps.get(p));
        let owner = world
            .reps
            .get(deal.owner_on(when.date()))
            .map_or("", |r| r.user_id.as_str());
        csv.row(&[
            salesforce_id("008", base + n as u64),
            deal.sf_id.clone(),
            owner.to_owned(),
            iso_seconds(*when),
            step.stage.name().to_owned(),
            plain_money(step.amount_cents),
            plain_money(step.amount_cents * i64::from(step.stage.percent()) / 100),
            format!("{} 00:00:00", iso_date(step.close)),
            step.stage.percent().to_string(),
            step.stage.forecast().to_owned(),
            previous
                .filter(|p| p.stage != step.stage)
                .map_or(String::new(), |p| p.stage.name().to_owned()),
            CURRENCY.to_owned(),
            previous.map_or(String::new(), |p| plain_money(p.amount_cents)),
            previous.map_or(String::new(), |p| format!("{} 00:00:00", iso_date(p.close))),
        ]);
    }
    csv.file("OpportunityHistory.csv".to_owned(), false)
}

fn sf_activities(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoFile {
    let mut csv = Csv::new(false);
    csv.row(&[
        "Activity ID",
        "Activity Type",
        "Subject",
        "Date",
        "Assigned To",
        "Completed",
        "Duration (seconds)",
        "Call Outcome",
        "Direction",
        "Opportunity ID",
        "Opportunity Name",
    ]);
    let base = 62u64.pow(4) + world.seed % 1_000_000;
    for (n, a) in activities.iter().enumerate() {
        let deal = a.deal.and_then(|i| deals.get(i));
        // Meetings are Salesforce events (00U), the rest tasks (00T).
        let prefix = if a.kind == ActKind::Meeting {
            "00U"
        } else {
            "00T"
        };
        csv.row(&[
            salesforce_id(prefix, base + n as u64),
            a.kind.label().to_owned(),
            a.subject.to_owned(),
            iso_minutes(a.at),
            rep_name(world, a.rep).to_owned(),
            if a.done { "true" } else { "false" }.to_owned(),
            a.duration_s.map_or(String::new(), |s| s.to_string()),
            a.outcome.map_or("", CallOutcome::label).to_owned(),
            match (a.kind, a.inbound) {
                (ActKind::Call, true) => "Inbound",
                (ActKind::Call, false) => "Outbound",
                _ => "",
            }
            .to_owned(),
            deal.map_or(String::new(), |d| d.sf_id.clone()),
            deal.map_or(String::new(), |d| d.name.clone()),
        ]);
    }
    csv.file("demo-salesforce-activities.csv".to_owned(), false)
}

fn teams_file(world: &World) -> DemoFile {
    let mut csv = Csv::new(false);
    csv.row(&[
        "rep",
        "email",
        "manager",
        "team",
        "role",
        "start date",
        "end date",
    ]);
    for rep in &world.reps {
        csv.row(&[
            rep.name.clone(),
            rep.email.clone(),
            rep.manager.to_owned(),
            rep.team.to_owned(),
            rep.role.to_owned(),
            iso_date(rep.started_on),
            rep.ended_on.map(iso_date).unwrap_or_default(),
        ]);
    }
    csv.file("demo-teams.csv".to_owned(), false)
}

fn quotas_file(world: &World) -> DemoFile {
    let mut csv = Csv::new(false);
    csv.row(&["rep", "period", "amount", "currency"]);
    for rep in &world.reps {
        for quota in quotas_of(world, rep) {
            csv.row(&[
                rep.name.clone(),
                quota.period,
                plain_money(quota.amount_cents),
                CURRENCY.to_owned(),
            ]);
        }
    }
    csv.file("demo-quotas.csv".to_owned(), false)
}

fn hs_datetime(utc: NaiveDateTime) -> String {
    iso_minutes(local(utc))
}

fn hs_source(lead_source: &str) -> &'static str {
    match lead_source {
        "Web" => "Organic Search",
        "Partner Referral" | "Customer Referral" => "Referrals",
        "Webinar" => "Email Marketing",
        _ => "Offline Sources",
    }
}

fn hs_deals(world: &World, deals: &[Deal]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Record ID",
        "Deal Name",
        "Associated Company",
        "Deal Stage",
        "Pipeline",
        "Deal owner",
        "Amount",
        "Deal currency code",
        "Close Date",
        "Create Date",
        "Deal probability",
        "Deal Type",
        "Original Source Type",
        "Closed Lost Reason",
        "Last Activity Date",
        "Date entered \"Closed Won (New Business)\"",
        "Date entered \"Closed Lost (New Business)\"",
        "Date entered \"Closed Won (Renewals)\"",
        "Date entered \"Closed Lost (Renewals)\"",
    ]);
    let mut order: Vec<&Deal> = deals.iter().collect();
    order.sort_by_key(|d| d.hs_id);
    for deal in order {
        let last = deal.last();
        // The last time the deal entered each closed stage (a re-opened deal keeps its old loss).
        let entered = |stage: Stage| {
            deal.steps
                .iter()
                .rev()
                .find(|s| s.stage == stage)
                .map_or(String::new(), |s| hs_datetime(s.at))
        };
        let (won, lost) = (entered(Stage::Won), entered(Stage::Lost));
        let renewal = deal.kind == DealKind::Renewal;
        let close = if last.stage.closed() {
            hs_datetime(last.at)
        } else {
            format!("{} 00:00", iso_date(last.close))
        };
        let probability = match last.stage.percent() {
            100 => "1".to_owned(),
            0 => "0".to_owned(),
            p => format!("0.{}", p / 10),
        };
        csv.row(&[
            deal.hs_id.to_string(),
            deal.name.clone(),
            deal.account.clone(),
            last.stage.name().to_owned(),
            deal.kind.pipeline().to_owned(),
            rep_name(world, deal.rep).to_owned(),
            plain_money(last.amount_cents),
            CURRENCY.to_owned(),
            close,
            hs_datetime(deal.created()),
            probability,
            deal.kind.label().to_owned(),
            hs_source(deal.lead_source).to_owned(),
            if last.stage == Stage::Lost {
                deal.lost_reason.to_owned()
            } else {
                String::new()
            },
            deal.last_activity
                .map_or(String::new(), |d| format!("{} 00:00", iso_date(d))),
            if renewal { String::new() } else { won.clone() },
            if renewal { String::new() } else { lost.clone() },
            if renewal { won } else { String::new() },
            if renewal { lost } else { String::new() },
        ]);
    }
    csv.file(
        format!(
            "hubspot-crm-exports-demo-deals-{}.csv",
            iso_date(world.as_of)
        ),
        true,
    )
}

fn hs_calls(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Record ID",
        "Activity date",
        "Activity assigned to",
        "Call title",
        "Call duration",
        "Call outcome",
        "Call direction",
        "Associated Deal",
    ]);
    let mut rng = Rng::stream(world.seed, 7);
    for a in activities.iter().filter(|a| a.kind == ActKind::Call) {
        // Milliseconds; the part below half a second never changes the whole seconds.
        let ms = u64::from(a.duration_s.unwrap_or(0)) * 1_000 + rng.below(500);
        csv.row(&[
            a.id.to_string(),
            iso_minutes(a.at),
            rep_name(world, a.rep).to_owned(),
            a.subject.to_owned(),
            ms.to_string(),
            a.outcome.map_or("", CallOutcome::label).to_owned(),
            if a.inbound { "Inbound" } else { "Outbound" }.to_owned(),
            a.deal
                .and_then(|i| deals.get(i))
                .map_or(String::new(), |d| d.name.clone()),
        ]);
    }
    csv.file(
        format!(
            "hubspot-crm-exports-demo-calls-{}.csv",
            iso_date(world.as_of)
        ),
        true,
    )
}

fn hs_activities(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Record ID",
        "Activity type",
        "Activity date",
        "Activity assigned to",
        "Subject",
        "Task status",
        "Meeting outcome",
        "Call duration",
        "Call outcome",
        "Call direction",
        "Associated Deal",
    ]);
    for a in activities.iter().filter(|a| a.kind != ActKind::Call) {
        csv.row(&[
            a.id.to_string(),
            a.kind.label().to_uppercase(),
            iso_minutes(a.at),
            rep_name(world, a.rep).to_owned(),
            a.subject.to_owned(),
            if a.kind == ActKind::Task {
                a.status
            } else {
                ""
            }
            .to_owned(),
            if a.kind == ActKind::Meeting {
                "Completed"
            } else {
                ""
            }
            .to_owned(),
            String::new(),
            String::new(),
            String::new(),
            a.deal
                .and_then(|i| deals.get(i))
                .map_or(String::new(), |d| d.name.clone()),
        ]);
    }
    csv.file(
        format!(
            "hubspot-crm-exports-demo-activities-{}.csv",
            iso_date(world.as_of)
        ),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_random_streams_are_fixed_functions_of_the_seed() {
        let mut a = Rng::stream(7, 1);
        let mut b = Rng::stream(7, 1);
        let mut c = Rng::stream(7, 2);
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        let zs: Vec<u64> = (0..5).map(|_| c.next()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        let mut r = Rng::stream(1, 1);
        for _ in 0..1_000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((3..=9).contains(&r.range(3, 9)));
            assert!(r.below(5) < 5);
        }
        let mean: f64 = (0..2_000).map(|_| f64::from(r.count(6.0))).sum::<f64>() / 2_000.0;
        assert!((5.7..6.3).contains(&mean), "{mean}");
    }

    #[test]
    fn salesforce_ids_carry_their_case_safe_suffix() {
        // A real id from a Salesforce export: 0068a00001JMUl0 + AAH.
        assert_eq!(case_suffix("0068a00001JMUl0"), "AAH");
        let id = salesforce_id("006", 62u64.pow(4) + 12_345);
        assert_eq!(id.len(), 18);
        assert!(id.starts_with("0068a00001"));
        assert_eq!(&id[15..], case_suffix(&id[..15]));
    }

    #[test]
    fn quarters_and_money_are_written_as_the_exports_do() {
        assert_eq!(quarter_end(day(2026, 2, 14)), day(2026, 3, 31));
        assert_eq!(quarter_start(day(2026, 12, 31)), day(2026, 10, 1));
        assert_eq!(quarter_label(day(2025, 8, 1)), "2025-Q3");
        assert_eq!(report_money(1_250_000), "USD 12,500.00");
        assert_eq!(report_money(123_456_789), "USD 1,234,567.89");
        assert_eq!(report_money(50_000), "USD 500.00");
        assert_eq!(plain_money(873_650), "8736.50");
        assert_eq!(plain_money(1_250_000), "12500");
        assert_eq!(us_date(day(2026, 3, 7)), "3/7/2026");
        let mut csv = Csv::new(false);
        csv.row(&["a", "b,c", "say \"hi\""]);
        assert_eq!(csv.text, "a,\"b,c\",\"say \"\"hi\"\"\"\n");
    }

    #[test]
    fn quarter_end_pulls_land_in_the_last_two_weeks_and_after_the_previous_step() {
        let mut rng = Rng::stream(3, 3);
        for _ in 0..500 {
            let close = add_days(day(2026, 1, 1), rng.range(0, 120));
            let after = add_days(close, -rng.range(1, 40));
            let moved = quarter_end_pull(&mut rng, close, after, true);
            assert!(moved > after, "{moved} after {after}");
            assert!(!is_weekend(moved) || moved == add_days(after, 1));
        }
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
