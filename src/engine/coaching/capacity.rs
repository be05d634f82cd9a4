//! The team's capacity for the period: what each rep can be expected to book at today's pace — booked so
//! far, plus the open pipeline closing in the period at their win rate, plus the opportunities their
//! current activity creates in the days that can still close in time, at their win rate and deal size —
//! against quota, rolled up by manager and for the team. It reads each rep's plan inputs and plan (the
//! reverse funnel with no lever moved); nothing here is a forecast with a range (that is the forecast's
//! job), and the notes say so.

use crate::engine::metrics::MetricsReport;
use crate::engine::model::SalesModel;
use crate::engine::numfmt::money;

use super::report::{Capacity, RepCapacity, RepCoaching, Rollup};

fn share(expected: f64, quota: f64) -> Option<f64> {
    (quota > 0.0).then(|| expected / quota)
}

/// The capacity of the reps of `coaching`, with their quota and bookings from the period's metrics.
pub fn capacity(model: &SalesModel, period: &MetricsReport, coaching: &[RepCoaching]) -> Capacity {
    let mut reps = Vec::new();
    for c in coaching {
        let Some(m) = period.reps.iter().find(|m| m.rep == c.rep) else {
            continue;
        };
        let manager = m
            .rep_ix
            .and_then(|ix| model.reps.get(ix as usize))
            .and_then(|r| r.manager.clone());
        let (inputs, plan) = (&c.plan_inputs, &c.plan);
        let booked = m.bookings.unwrap_or(0.0);
        let from_open = plan.from_open.unwrap_or(0.0);
        let from_new = super::whatif::from_new_at_pace(inputs, plan);
        let expected = booked + from_open + from_new;
        reps.push(RepCapacity {
            rep: c.rep.clone(),
            manager,
            quota: m.quota,
            booked,
            from_open,
            from_new,
            expected,
            share_of_quota: m.quota.and_then(|q| share(expected, q)),
        });
    }
    let roll = |name: String, lines: &[&RepCapacity]| {
        let quota: f64 = lines.iter().filter_map(|r| r.quota).sum();
        let expected: f64 = lines.iter().map(|r| r.expected).sum();
        Rollup {
            name,
            reps: lines.len() as u64,
            quota,
            booked: lines.iter().map(|r| r.booked).sum(),
            expected,
            share_of_quota: share(expected, quota),
        }
    };
    let mut names: Vec<Option<String>> = reps.iter().map(|r| r.manager.clone()).collect();
    names.sort();
    names.dedup();
    let managers = if names.iter().all(Option::is_none) {
        Vec::new()
    } else {
        names
            .into_iter()
            .map(|name| {
                let lines: Vec<&RepCapacity> = reps.iter().filter(|r| r.manager == name).collect();
                roll(name.unwrap_or_else(|| "(no manager)".to_owned()), &lines)
            })
            .collect()
    };
    let all: Vec<&RepCapacity> = reps.iter().collect();
    let team = roll("The team".to_owned(), &all);
    let note = format!(
        "Expected at today's pace: booked + the open pipeline closing in the period × the win rate + the opportunities today's activity a working day creates in the days that can still close (a sales cycle before the period's end) × win rate × average won amount — each rep's own rates, the team's where the rep's sample is too small. A plan, not a forecast: the forecast gives the range. The team expects {} against quotas of {}.",
        money(Some(team.expected)),
        money(Some(team.quota))
    );
    Capacity {
        reps,
        managers,
        team,
        note,
    }
}
