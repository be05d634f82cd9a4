//! The team: twelve people under two managers, each with an archetype and the profile of how they sell
//! (deal rates, amounts, cycle lengths, activity levels, quota), a habit in how they call their forecast
//! (honest, optimistic or sandbagging), and the world they sell in (the as-of date, the seed, the start of
//! the history).

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::HISTORY_MONTHS;
use super::calendar::{add_days, monday_on_or_before, weekday_on_or_before};
use super::ids::salesforce_id;
use crate::engine::rng::Rng;

/// How a rep calls their deals in the forecast, whatever kind of seller they are: the forecast category each
/// stage gets, when they expect a deal to close, and how their late-stage deals end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Habit {
    /// The stage's own category (Commit at Negotiation, Best Case at Proposal).
    Honest,
    /// Calls Commit from Qualification, on close dates set too soon, loses more of those deals late and signs the
    /// won ones smaller than called: their Commit roll-up is above what they close, quarter after quarter.
    Optimistic,
    /// Keeps Negotiation in Best Case and Proposal in Pipeline, on close dates set late, and wins more of
    /// them: they close above their Commit.
    Sandbagger,
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

pub(super) const COMPANY_DOMAIN: &str = "brightline.example";

pub(super) const MANAGERS: [(&str, &str); 2] = [
    ("Helena Lindqvist", "Enterprise"),
    ("Marcus Bennett", "Mid-Market"),
];

pub(super) struct Person {
    pub(super) name: &'static str,
    pub(super) email: &'static str,
    pub(super) team: usize,
    pub(super) role: &'static str,
    pub(super) archetype: Archetype,
    pub(super) habit: Habit,
    /// Days before the as-of date the rep started (the new hire's is jittered by the seed).
    pub(super) tenure_days: i64,
}

pub(super) const PEOPLE: [Person; 12] = [
    Person {
        name: "Catherine Okafor",
        email: "catherine.okafor",
        team: 0,
        role: "Enterprise Account Executive",
        archetype: Archetype::BigDealsLongCycles,
        habit: Habit::Honest,
        tenure_days: 1_460,
    },
    Person {
        name: "José Álvarez",
        email: "jose.alvarez",
        team: 0,
        role: "Senior Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Honest,
        tenure_days: 980,
    },
    Person {
        name: "Mei Chen",
        email: "mei.chen",
        team: 0,
        role: "Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Honest,
        tenure_days: 760,
    },
    Person {
        name: "Aisha Rahman",
        email: "aisha.rahman",
        team: 0,
        role: "Senior Account Executive",
        archetype: Archetype::FewCallsHighWin,
        habit: Habit::Honest,
        tenure_days: 1_210,
    },
    Person {
        name: "Daniel Whitaker",
        email: "daniel.whitaker",
        team: 0,
        role: "Account Executive",
        archetype: Archetype::Leaver,
        habit: Habit::Honest,
        tenure_days: 1_050,
    },
    Person {
        name: "Søren Madsen",
        email: "soren.madsen",
        team: 0,
        role: "Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Honest,
        tenure_days: 640,
    },
    Person {
        name: "Tyler Brooks",
        email: "tyler.brooks",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::BusyLowConversion,
        habit: Habit::Honest,
        tenure_days: 700,
    },
    Person {
        name: "Noémie Laurent",
        email: "noemie.laurent",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::RampingNewHire,
        habit: Habit::Honest,
        tenure_days: 61,
    },
    Person {
        name: "Kwame Asante",
        email: "kwame.asante",
        team: 1,
        role: "Senior Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Optimistic,
        tenure_days: 1_100,
    },
    Person {
        name: "Priya Nair",
        email: "priya.nair",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Honest,
        tenure_days: 820,
    },
    Person {
        name: "Lucas Ferreira",
        email: "lucas.ferreira",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Honest,
        tenure_days: 560,
    },
    Person {
        name: "Hannah Kowalski",
        email: "hannah.kowalski",
        team: 1,
        role: "Account Executive",
        archetype: Archetype::Solid,
        habit: Habit::Sandbagger,
        tenure_days: 1_330,
    },
];

/// Amount tiers in whole dollars: (weight, low, high).
pub(super) type Tiers = &'static [(u32, i64, i64)];

pub(super) const NEW_BUSINESS_AMOUNTS: Tiers = &[
    (34, 5_000, 12_000),
    (34, 12_000, 25_000),
    (20, 25_000, 45_000),
    (9, 45_000, 60_000),
    (3, 60_000, 95_000),
];

pub(super) const BIG_DEAL_AMOUNTS: Tiers = &[
    (20, 30_000, 70_000),
    (40, 70_000, 150_000),
    (40, 150_000, 420_000),
];

pub(super) const EXPANSION_AMOUNTS: Tiers = &[(60, 5_000, 12_000), (40, 12_000, 28_000)];

pub(super) const RENEWAL_AMOUNTS: Tiers = &[
    (55, 3_000, 10_000),
    (35, 10_000, 22_000),
    (10, 22_000, 32_000),
];

/// How a rep sells.
#[derive(Clone, Copy)]
pub(super) struct Profile {
    pub(super) new_per_week: f64,
    pub(super) renewals_per_week: f64,
    pub(super) expansion_share: f64,
    /// Chance of moving forward out of Prospecting, Qualification, Discovery, Proposal, Negotiation.
    pub(super) advance: [f64; 5],
    /// Stage durations are multiplied by this.
    pub(super) cycle: f64,
    pub(super) amounts: Tiers,
    pub(super) amount_scale: f64,
    pub(super) renewal_scale: f64,
    pub(super) calls: f64,
    pub(super) emails: f64,
    pub(super) meetings: f64,
    pub(super) tasks: f64,
    pub(super) connect: f64,
    pub(super) quota_usd: i64,
    pub(super) stuck: f64,
    pub(super) habit: Habit,
    /// The planned time to close is the stages' usual days times a factor drawn in this range (below 1: the
    /// rep expects the deal sooner than it will come).
    pub(super) optimism: (f64, f64),
    /// The share of deals whose owner leaves a missed close date alone for weeks.
    pub(super) lazy: f64,
    /// A missed close date moves this many days on (before the month-end rounding).
    pub(super) push_days: (i64, i64),
    /// A won deal is signed at a share of its amount drawn in this range (1: as called).
    pub(super) signed_share: (f64, f64),
}

/// How a rep with this habit sells: the archetype's profile with the habit's close dates and late-stage
/// outcomes.
pub(super) fn with_habit(p: Profile, habit: Habit) -> Profile {
    let [prospecting, qualification, discovery, proposal, negotiation] = p.advance;
    match habit {
        Habit::Honest => p,
        Habit::Optimistic => Profile {
            habit,
            advance: [
                prospecting,
                qualification,
                discovery,
                proposal - 0.12,
                negotiation - 0.18,
            ],
            optimism: (0.3, 0.75),
            // A missed date is moved at once, and only a little: "it closes this month".
            lazy: 0.1,
            push_days: (7, 24),
            // And the deal is signed smaller than it was called.
            signed_share: (0.7, 0.95),
            ..p
        },
        Habit::Sandbagger => Profile {
            habit,
            advance: [
                prospecting,
                qualification,
                discovery,
                (proposal + 0.08).min(0.95),
                (negotiation + 0.10).min(0.95),
            ],
            optimism: (1.0, 1.5),
            ..p
        },
    }
}

pub(super) fn profile(archetype: Archetype, enterprise: bool) -> Profile {
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
        habit: Habit::Honest,
        optimism: (0.4, 1.05),
        lazy: 0.4,
        push_days: (14, 45),
        signed_share: (1.0, 1.0),
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

pub(super) struct RepInfo {
    pub(super) name: String,
    pub(super) email: String,
    pub(super) team: &'static str,
    pub(super) manager: &'static str,
    pub(super) role: &'static str,
    pub(super) archetype: Archetype,
    pub(super) team_ix: usize,
    pub(super) profile: Profile,
    pub(super) started_on: NaiveDate,
    pub(super) ended_on: Option<NaiveDate>,
    /// The Salesforce user id (the stage history's `CreatedById`).
    pub(super) user_id: String,
}

impl RepInfo {
    /// The first and last day the rep could work on deals.
    pub(super) fn working(&self, world: &World) -> (NaiveDate, NaiveDate) {
        (
            self.started_on.max(world.warmup_start),
            self.ended_on.unwrap_or(world.as_of).min(world.as_of),
        )
    }
}

pub(super) struct World {
    pub(super) as_of: NaiveDate,
    pub(super) seed: u64,
    /// First day of the 18 months of history.
    pub(super) start: NaiveDate,
    /// Deals are created from here so that the pipeline is full when the history starts.
    pub(super) warmup_start: NaiveDate,
    pub(super) reps: Vec<RepInfo>,
}

impl World {
    pub(super) fn new(as_of: NaiveDate, seed: u64) -> World {
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
                    profile: with_habit(profile(person.archetype, person.team == 0), person.habit),
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
