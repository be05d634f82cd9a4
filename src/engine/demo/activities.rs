//! The activities over time: each rep's calls, emails, meetings and tasks day by day (vacations, weekends,
//! a new hire's ramp, a leaver's last weeks), linked to the deals they were working then.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};

use super::calendar::{add_days, at, days_between, is_weekend, monday_on_or_before};
use super::deal::Deal;
use super::world::{Archetype, World};
use crate::engine::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ActKind {
    Call,
    Email,
    Meeting,
    Task,
}

impl ActKind {
    pub(super) fn label(self) -> &'static str {
        match self {
            ActKind::Call => "Call",
            ActKind::Email => "Email",
            ActKind::Meeting => "Meeting",
            ActKind::Task => "Task",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CallOutcome {
    Connected,
    NoAnswer,
    LeftVoicemail,
}

impl CallOutcome {
    pub(super) fn label(self) -> &'static str {
        match self {
            CallOutcome::Connected => "Connected",
            CallOutcome::NoAnswer => "No answer",
            CallOutcome::LeftVoicemail => "Left voicemail",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Activity {
    pub(super) rep: usize,
    pub(super) kind: ActKind,
    /// The rep's local time.
    pub(super) at: NaiveDateTime,
    pub(super) done: bool,
    /// For tasks: `Completed`, `Not started`, `In progress`.
    pub(super) status: &'static str,
    pub(super) subject: &'static str,
    pub(super) duration_s: Option<u32>,
    pub(super) outcome: Option<CallOutcome>,
    pub(super) inbound: bool,
    pub(super) deal: Option<usize>,
    pub(super) id: u64,
}

pub(super) const CALL_SUBJECTS_PROSPECTING: [&str; 4] =
    ["Cold call", "Prospecting call", "Intro call", "Callback"];
pub(super) const CALL_SUBJECTS_DEAL: [&str; 6] = [
    "Discovery call",
    "Follow-up call",
    "Check-in call",
    "Pricing call",
    "Qualification call",
    "Champion check-in",
];
pub(super) const EMAIL_SUBJECTS: [&str; 8] = [
    "Intro email",
    "Follow-up",
    "Re: proposal",
    "Pricing details",
    "Meeting recap",
    "Case study",
    "Contract redlines",
    "Checking in",
];
pub(super) const MEETING_SUBJECTS: [&str; 7] = [
    "Discovery meeting",
    "Product demo",
    "Pricing review",
    "Stakeholder meeting",
    "Onsite visit",
    "Business review",
    "Kickoff",
];
pub(super) const TASK_SUBJECTS: [&str; 7] = [
    "Send proposal",
    "Update close plan",
    "Prepare quote",
    "Follow up on security questionnaire",
    "Log call notes",
    "Research account",
    "Send contract",
];

/// A local time of day: business hours mostly, some early and late.
pub(super) fn work_time(rng: &mut Rng, date: NaiveDate) -> NaiveDateTime {
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

pub(super) fn simulate_activities(world: &World, deals: &mut [Deal]) -> Vec<Activity> {
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
