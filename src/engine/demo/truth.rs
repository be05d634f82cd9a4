//! What is true about the generated data, independently of any import: per rep (deals, outcomes, bookings,
//! activities, calls, quotas, their forecast habit and the Commit they called in each quarter against what
//! they booked), for the team, and the counts that tell the story's shape.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::CURRENCY;
use super::activities::{ActKind, Activity, CallOutcome};
use super::calendar::{add_days, days_between, quarter_end, quarter_label, quarter_start};
use super::deal::{Deal, DealKind, Stage};
use super::world::{Archetype, Habit, MANAGERS, RepInfo, World};

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

/// Days into a quarter of the call [`CommitCall`] records: the start of its sixth week, the backtest's
/// week-6 origin.
pub const COMMIT_CALL_DAY: i64 = 35;

/// A rep's Commit roll-up at the start of a quarter's sixth week against what they booked in the quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitCall {
    /// `2026-Q2`.
    pub period: String,
    /// The day of the call.
    pub on: NaiveDate,
    /// Won in the quarter by that day, plus the open deals the owner called Commit on that day with a close
    /// date in the rest of the quarter, in cents.
    pub commit_cents: i64,
    /// Won in the quarter, in cents.
    pub booked_cents: i64,
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
    /// How they call their forecast.
    pub habit: Habit,
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
    /// Every quarter of the history that ended by the as-of date (and started inside it).
    pub commit_calls: Vec<CommitCall>,
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

    pub fn rep_with(&self, habit: Habit) -> Option<&RepTruth> {
        self.reps.iter().find(|r| r.habit == habit)
    }
}

pub(super) fn quotas_of(world: &World, rep: &RepInfo) -> Vec<QuotaTruth> {
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

/// Each rep's Commit call and bookings in every quarter of the history that has ended; deals count for
/// their owner at the as-of date (the rep the exports credit), each row's category as its owner then called
/// it.
fn commit_calls(world: &World, deals: &[Deal]) -> Vec<Vec<CommitCall>> {
    let mut calls = vec![Vec::new(); world.reps.len()];
    let mut start = quarter_start(world.start);
    if start < world.start {
        start = add_days(quarter_end(start), 1);
    }
    while quarter_end(start) <= world.as_of && start < world.as_of {
        let end = quarter_end(start);
        let on = add_days(start, COMMIT_CALL_DAY);
        let mut commit = vec![0i64; world.reps.len()];
        let mut booked = vec![0i64; world.reps.len()];
        for deal in deals {
            let (Some(c), Some(b)) = (commit.get_mut(deal.rep), booked.get_mut(deal.rep)) else {
                continue;
            };
            let last = deal.last();
            if let Some(closed) = deal.closed_on().filter(|_| last.stage == Stage::Won) {
                if closed >= start && closed <= end {
                    *b += last.amount_cents;
                }
                if closed >= start && closed <= on {
                    *c += last.amount_cents;
                }
            }
            let Some(then) = deal.steps.iter().take_while(|s| s.at.date() <= on).last() else {
                continue;
            };
            let habit = world
                .reps
                .get(deal.owner_on(on))
                .map_or(Habit::Honest, |r| r.profile.habit);
            if !then.stage.closed()
                && then.stage.forecast_by(habit) == "Commit"
                && then.close > on
                && then.close <= end
            {
                *c += then.amount_cents;
            }
        }
        for (r, rep_calls) in calls.iter_mut().enumerate() {
            rep_calls.push(CommitCall {
                period: quarter_label(start),
                on,
                commit_cents: commit.get(r).copied().unwrap_or(0),
                booked_cents: booked.get(r).copied().unwrap_or(0),
            });
        }
        start = add_days(end, 1);
    }
    calls
}

pub(super) fn tally(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoTruth {
    let as_of = world.as_of;
    let mut calls = commit_calls(world, deals).into_iter();
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
            habit: rep.profile.habit,
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
            commit_calls: calls.next().unwrap_or_default(),
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
