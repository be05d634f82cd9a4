//! The deals over time: each rep opens deals week by week as their profile says, each deal lives through
//! its stages (skips, losses, re-opens, slipped close dates, quarter-end pulls, stuck spells), a leaver's
//! open deals go to teammates, and every deal gets its name and ids.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};

use super::calendar::{
    add_days, crm_time, days_between, is_weekend, monday_on_or_before, month_end, quarter_end,
    quarter_start, weekday_on_or_before,
};
use super::deal::{Deal, DealKind, Stage, Step};
use super::ids::salesforce_id;
use super::world::{Archetype, EXPANSION_AMOUNTS, RENEWAL_AMOUNTS, Tiers, World, profile};
use crate::engine::rng::Rng;

pub(super) fn amount_from(rng: &mut Rng, tiers: Tiers, scale: f64) -> i64 {
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

pub(super) const PRODUCTS: [&str; 10] = [
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

pub(super) const ACCOUNT_FIRST: [&str; 40] = [
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

pub(super) const ACCOUNT_SECOND: [&str; 24] = [
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

pub(super) const ACCOUNT_SUFFIX: [&str; 8] = [
    "Inc.", "LLC", "Corp.", "Ltd.", "Group", "Co.", "Holdings", "Partners",
];

/// A few customers with names from elsewhere (accents included).
pub(super) const ACCOUNT_INTERNATIONAL: [&str; 10] = [
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

pub(super) fn account_name(rng: &mut Rng) -> String {
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

pub(super) const LEAD_SOURCES: [&str; 6] = [
    "Web",
    "Outbound",
    "Partner Referral",
    "Trade Show",
    "Webinar",
    "Customer Referral",
];

pub(super) const LOST_REASONS: [&str; 6] = [
    "Price",
    "Lost to competitor",
    "No decision",
    "Timing",
    "Budget",
    "Missing feature",
];

/// Everything a deal's simulation needs to know about its start.
pub(super) struct DealStart {
    pub(super) rep: usize,
    pub(super) kind: DealKind,
    pub(super) created: NaiveDateTime,
    pub(super) amount_cents: i64,
    pub(super) account: String,
}

/// What a simulated deal went through.
pub(super) struct Lifecycle {
    pub(super) steps: Vec<Step>,
    pub(super) quiet: Option<(NaiveDate, NaiveDate)>,
    pub(super) reopened: bool,
    pub(super) skipped: bool,
    pub(super) slipped: bool,
    pub(super) lost_reason: &'static str,
}

/// Moves a close into the last two weeks of a quarter, as quarter-end pushes do, keeping it after `after`.
pub(super) fn quarter_end_pull(
    rng: &mut Rng,
    close: NaiveDate,
    after: NaiveDate,
    won: bool,
) -> NaiveDate {
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
pub(super) fn expected_close(rng: &mut Rng, from: NaiveDate, days: i64) -> NaiveDate {
    let date = add_days(from, days.max(7));
    if rng.chance(0.4) {
        month_end(date)
    } else {
        date
    }
}

pub(super) fn simulate(rng: &mut Rng, world: &World, start: &DealStart) -> Lifecycle {
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
    let optimism = rng.between(p.optimism.0, p.optimism.1);
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
    let lazy = rng.chance(p.lazy);
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
            let push = rng.range(p.push_days.0, p.push_days.1);
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
        if next_stage == Stage::Won && p.signed_share.0 < 1.0 {
            // The deal comes in smaller than it was called: a discount, seats cut at signature.
            let factor = rng.between(p.signed_share.0, p.signed_share.1);
            let round = if amount >= 2_000_000 { 50_000 } else { 10_000 };
            amount = ((amount as f64 * factor) as i64 / round).max(1) * round;
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

pub(super) fn simulate_deals(world: &World) -> Vec<Deal> {
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
pub(super) fn hand_over(world: &World, deals: &mut [Deal]) {
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
pub(super) fn name_and_number(world: &World, deals: &mut [Deal]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
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
}
