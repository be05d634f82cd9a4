//! The rep against their own baseline, where a trend says more than a peer gap: won deals getting smaller
//! (deal size drift) and activity falling. Each compares the recent stretch to the stretch before it in
//! the history window, on the rep's own records only, and says nothing on too few of them.

use chrono::{Days, NaiveDate};

use crate::engine::metrics::activity::{Counted, counted};
use crate::engine::metrics::period::{DateRange, business_days};
use crate::engine::model::{DealIx, DealStatus};
use crate::engine::numfmt::{money, percent};

use super::insights::{Facts, RepFacts};
use super::report::{Insight, Kind};

/// The recent stretch a deal-size drift looks at, in days to the as-of day.
pub const SIZE_RECENT_DAYS: u64 = 90;
/// Won deals the recent stretch and the baseline before it each need.
pub const SIZE_MIN_RECENT_WON: usize = 5;
pub const SIZE_MIN_BASE_WON: usize = 8;
/// The least fall of the average won amount that is called a drift.
pub const SIZE_MIN_DROP: f64 = 0.15;
/// z of a one-sided 80% interval: the recent mean must sit this many standard errors below the baseline.
pub const Z80: f64 = 1.2816;

/// The recent stretch an activity drop looks at, and the baseline before it, in days.
pub const ACTIVITY_RECENT_DAYS: u64 = 28;
pub const ACTIVITY_BASE_DAYS: u64 = 84;
/// Completed activities the baseline needs.
pub const ACTIVITY_MIN_BASE: u64 = 40;
/// The least fall of activities a working day that is called a drop.
pub const ACTIVITY_MIN_DROP: f64 = 0.25;

/// A won deal: its index, close day and home amount.
type Won = (DealIx, NaiveDate, f64);

fn back(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(day)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// Won deals smaller of late than the rep's own before: the average won amount of the last
/// [`SIZE_RECENT_DAYS`] against the rest of the window, judged on log amounts (sizes are skewed) with the
/// recent mean's one-sided 80% interval wholly below the baseline's. Valued at the rep's own earlier size:
/// (baseline average − recent average) × the recent wins.
pub fn deal_size_drift(rep: &RepFacts<'_>, facts: &Facts<'_>) -> Option<Insight> {
    let window = &facts.window.period;
    let recent_from = back(window.as_of, SIZE_RECENT_DAYS - 1).max(window.start);
    let won = facts.closed(rep.rep_ix, DealStatus::Won, window.start, window.as_of);
    let (mut recent, base): (Vec<Won>, Vec<Won>) = won
        .into_iter()
        .filter(|(_, _, a)| *a > 0.0)
        .partition(|(_, on, _)| *on >= recent_from);
    if recent.len() < SIZE_MIN_RECENT_WON || base.len() < SIZE_MIN_BASE_WON {
        return None;
    }
    let amounts = |xs: &[Won]| xs.iter().map(|x| x.2).collect::<Vec<_>>();
    let (recent_amounts, base_amounts) = (amounts(&recent), amounts(&base));
    let (recent_mean, base_mean) = (mean(&recent_amounts), mean(&base_amounts));
    let drop = 1.0 - recent_mean / base_mean;
    if drop.is_nan() || drop < SIZE_MIN_DROP {
        return None;
    }
    let logs = |xs: &[f64]| xs.iter().map(|a| a.ln()).collect::<Vec<_>>();
    let (recent_logs, base_logs) = (logs(&recent_amounts), logs(&base_amounts));
    let (mr, mb) = (mean(&recent_logs), mean(&base_logs));
    // The pooled spread of log amounts around each stretch's mean.
    let ss: f64 = recent_logs.iter().map(|x| (x - mr).powi(2)).sum::<f64>()
        + base_logs.iter().map(|x| (x - mb).powi(2)).sum::<f64>();
    let dof = (recent_logs.len() + base_logs.len())
        .saturating_sub(2)
        .max(1) as f64;
    let se =
        (ss / dof).sqrt() * (1.0 / recent_logs.len() as f64 + 1.0 / base_logs.len() as f64).sqrt();
    let below = if se > 0.0 {
        (mb - mr) / se >= Z80
    } else {
        mb > mr
    };
    if !below {
        return None;
    }
    let n = recent.len();
    let impact = (base_mean - recent_mean) * n as f64;
    recent.sort_by(|a, b| a.2.total_cmp(&b.2));
    Some(Insight {
        kind: Kind::DealSizeDrift,
        stage: None,
        text: format!(
            "{}'s won deals got smaller: the {n} won since {recent_from} average {}, against {} for the {} won before in the window ({} less); at the rep's own earlier size they would have brought {} more.",
            rep.rep,
            money(Some(recent_mean)),
            money(Some(base_mean)),
            base.len(),
            percent(Some(drop)),
            money(Some(impact))
        ),
        impact: Some(impact),
        impact_math: format!(
            "({} earlier average − {} recent average) × {n} recent wins = {}; judged on log amounts, the recent mean {:.2} standard errors below the earlier (at least {Z80} needed)",
            money(Some(base_mean)),
            money(Some(recent_mean)),
            money(Some(impact)),
            if se > 0.0 {
                (mb - mr) / se
            } else {
                f64::INFINITY
            }
        ),
        confidence: drop.clamp(0.0, 1.0),
        denominator: (recent.len() + base.len()) as u64,
        rep_value: Some(recent_mean),
        peer_value: Some(base_mean),
        interval: None,
        deals: recent.iter().map(|d| facts.id(d.0)).collect(),
    })
}

/// Activity falling against the rep's own baseline: completed activities a working day over the last
/// [`ACTIVITY_RECENT_DAYS`] against the [`ACTIVITY_BASE_DAYS`] before, when the recent count is below the
/// baseline's pace by [`ACTIVITY_MIN_DROP`] and beyond what chance explains (a Poisson count's one-sided
/// 80% bound, normal approximation). Valued at the rep's own bookings per activity over the window — a
/// rough chain, said as one — and the open deals with no activity since the stretch began are its deals.
pub fn activity_drop(rep: &RepFacts<'_>, facts: &Facts<'_>) -> Option<Insight> {
    let rep_ix = rep.rep_ix?;
    let p = facts.prepared;
    let window = &facts.window.period;
    let as_of = window.as_of;
    let recent = DateRange::new(back(as_of, ACTIVITY_RECENT_DAYS - 1), as_of);
    let base = DateRange::new(
        back(recent.start, ACTIVITY_BASE_DAYS),
        back(recent.start, 1),
    );
    if base.start < window.start {
        return None;
    }
    let a = &p.model.activities;
    let (mut k_recent, mut k_base, mut k_window) = (0u64, 0u64, 0u64);
    for i in (0..a.len()).filter(|&i| a.rep[i] == Some(rep_ix)) {
        let Counted::On(day) = counted(p, i) else {
            continue;
        };
        if day > as_of || day < window.start {
            continue;
        }
        k_window += 1;
        if recent.contains(day) {
            k_recent += 1;
        } else if base.contains(day) {
            k_base += 1;
        }
    }
    if k_base < ACTIVITY_MIN_BASE {
        return None;
    }
    let (days_recent, days_base) = (business_days(&recent), business_days(&base));
    if days_recent <= 0 || days_base <= 0 {
        return None;
    }
    let base_rate = k_base as f64 / days_base as f64;
    let expected = base_rate * days_recent as f64;
    let recent_rate = k_recent as f64 / days_recent as f64;
    let drop = 1.0 - recent_rate / base_rate;
    let z = (expected - (k_recent as f64 + 0.5)) / expected.sqrt();
    if drop < ACTIVITY_MIN_DROP || z < Z80 {
        return None;
    }
    let missing = expected - k_recent as f64;
    let booked = rep.window.bookings.unwrap_or(0.0);
    let per_activity = booked / k_window.max(1) as f64;
    let impact = missing * per_activity;
    let d = &p.model.deals;
    let mut quiet: Vec<(DealIx, f64)> = (0..d.len())
        .filter(|&i| p.in_scope[i] && d.status[i] == DealStatus::Open)
        .filter(|&i| p.credited(i) == Some(rep_ix))
        .filter(|&i| d.last_activity_on[i].is_none_or(|l| l < recent.start))
        .map(|i| (i as DealIx, facts.amount(i as DealIx)))
        .collect();
    quiet.sort_by(|x, y| y.1.total_cmp(&x.1));
    quiet.truncate(25);
    Some(Insight {
        kind: Kind::ActivityDrop,
        stage: None,
        text: format!(
            "{}'s activity is falling: {recent_rate:.1} completed activities a working day since {}, against {base_rate:.1} in the {} weeks before ({} less, {missing:.0} activities short of the rep's own pace); at the rep's own {} booked per activity that is about {}.",
            rep.rep,
            recent.start,
            ACTIVITY_BASE_DAYS / 7,
            percent(Some(drop)),
            money(Some(per_activity)),
            money(Some(impact))
        ),
        impact: Some(impact),
        impact_math: format!(
            "({base_rate:.2} a day × {days_recent} working days = {expected:.1} expected − {k_recent} done) = {missing:.1} activities × {} booked per activity ({} over {k_window} activities in the window) = {}; a rough chain: activity turns into bookings through the rep's whole funnel",
            money(Some(per_activity)),
            money(Some(booked)),
            money(Some(impact))
        ),
        confidence: drop.clamp(0.0, 1.0),
        denominator: k_base + k_recent,
        rep_value: Some(recent_rate),
        peer_value: Some(base_rate),
        interval: None,
        deals: quiet.iter().map(|(x, _)| facts.id(*x)).collect(),
    })
}
