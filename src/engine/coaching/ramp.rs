//! Ramping reps: a rep in their first [`RAMP_DAYS`] is compared with the team's own history at the same
//! tenure — what the reps whose start the data covers booked and created in their first as many days —
//! never with tenured peers' rates. A start is the roster's start date, else the rep's first deal in the
//! data when that comes at least [`START_AFTER_DATA_DAYS`] after the data's first deal (earlier, the rep
//! may well predate the export, and their tenure is unknown).

use chrono::{Days, NaiveDate};

use crate::engine::model::{DealStatus, RepIx};
use crate::engine::numfmt::money;

use super::insights::{Facts, RepFacts};
use super::peers::median;
use super::report::{Insight, Kind, Ramp};

/// Days from a rep's start during which they are ramping.
pub const RAMP_DAYS: i64 = 180;
/// A first deal this long after the data's first is taken as the rep's start.
pub const START_AFTER_DATA_DAYS: i64 = 90;
/// Reps with a known start and as long a tenure the comparison needs.
pub const MIN_RAMP_PEERS: usize = 3;
/// Booked below this share of the team's median at the same tenure is behind.
pub const RAMP_BEHIND_SHARE: f64 = 0.5;

/// Each roster rep's start, with where it comes from (by the rep's index).
pub fn starts(facts: &Facts<'_>) -> Vec<Option<(NaiveDate, &'static str)>> {
    let p = facts.prepared;
    let d = &p.model.deals;
    let in_scope = |i: &usize| p.in_scope[*i];
    let data_first = (0..d.len())
        .filter(in_scope)
        .filter_map(|i| d.created_on[i])
        .min();
    let mut first: Vec<Option<NaiveDate>> = vec![None; p.model.reps.len()];
    for i in (0..d.len()).filter(in_scope) {
        if let (Some(r), Some(c)) = (p.creation_credit(i), d.created_on[i])
            && let Some(f) = first.get_mut(r as usize)
        {
            *f = Some(f.map_or(c, |x: NaiveDate| x.min(c)));
        }
    }
    p.model
        .reps
        .iter()
        .zip(first)
        .map(|(rep, first)| match (rep.started_on, first, data_first) {
            (Some(s), _, _) => Some((s, "the roster's start date")),
            (None, Some(f), Some(data)) if (f - data).num_days() >= START_AFTER_DATA_DAYS => {
                Some((f, "their first deal in the data"))
            }
            _ => None,
        })
        .collect()
}

/// What `rep` booked (won amount, wins) and created in the `days` from `start`.
fn first_days(facts: &Facts<'_>, rep: RepIx, start: NaiveDate, days: i64) -> (f64, u64, u64) {
    let end = start
        .checked_add_days(Days::new(days.max(1) as u64 - 1))
        .unwrap_or(start);
    let won = facts.closed(Some(rep), DealStatus::Won, start, end);
    let p = facts.prepared;
    let d = &p.model.deals;
    let created = (0..d.len())
        .filter(|&i| p.in_scope[i] && p.creation_credit(i) == Some(rep))
        .filter(|&i| d.created_on[i].is_some_and(|c| c >= start && c <= end))
        .count() as u64;
    (won.iter().map(|x| x.2).sum(), won.len() as u64, created)
}

/// The rep's ramp, when they started fewer than [`RAMP_DAYS`] before the as-of day.
pub fn ramp(
    rep: &RepFacts<'_>,
    starts: &[Option<(NaiveDate, &'static str)>],
    facts: &Facts<'_>,
) -> Option<Ramp> {
    let ix = rep.rep_ix?;
    let as_of = facts.window.period.as_of;
    let (started_on, from) = (*starts.get(ix as usize)?)?;
    let tenure_days = (as_of - started_on).num_days() + 1;
    if !(1..=RAMP_DAYS).contains(&tenure_days) {
        return None;
    }
    let data_first = facts.prepared.model.deals.created_on.iter().flatten().min();
    let (booked, won, created) = first_days(facts, ix, started_on, tenure_days);
    let mut others = Vec::new();
    for (j, start) in starts.iter().enumerate() {
        let Some((s, _)) = start else { continue };
        // The data covers the other rep's start (a roster start before every deal does not count) and
        // they have had as long.
        let covered = data_first.is_some_and(|f| f <= s);
        if j as RepIx == ix || !covered || (as_of - *s).num_days() + 1 < tenure_days {
            continue;
        }
        others.push(first_days(facts, j as RepIx, *s, tenure_days));
    }
    let enough = others.len() >= MIN_RAMP_PEERS;
    let team_booked_median = enough
        .then(|| median(others.iter().map(|o| o.0).collect()))
        .flatten();
    let team_created_median = enough
        .then(|| median(others.iter().map(|o| o.2 as f64).collect()))
        .flatten();
    let text = match (team_booked_median, team_created_median) {
        (Some(b), Some(c)) => format!(
            "{} started on {started_on} ({from}), {tenure_days} days ago: {} booked from {won} wins and {created} deals created, against a median of {} booked and {c:.0} created by the {} reps whose start the data covers, in their own first {tenure_days} days.",
            rep.rep,
            money(Some(booked)),
            money(Some(b)),
            others.len()
        ),
        _ => format!(
            "{} started on {started_on} ({from}), {tenure_days} days ago: ramping, so not judged against tenured peers' rates; {} booked and {created} deals created so far. Fewer than {MIN_RAMP_PEERS} reps' starts are in the data, so there is no team ramp to compare with.",
            rep.rep,
            money(Some(booked))
        ),
    };
    Some(Ramp {
        started_on,
        started_from: from.to_owned(),
        tenure_days,
        booked,
        won,
        created,
        team_booked_median,
        team_created_median,
        reps_compared: others.len() as u64,
        text,
    })
}

/// A ramping rep booking under [`RAMP_BEHIND_SHARE`] of the team's median at the same tenure: valued at
/// the gap to that median.
pub fn behind(rep: &RepFacts<'_>, ramp: &Ramp) -> Option<Insight> {
    let median = ramp.team_booked_median.filter(|m| *m > 0.0)?;
    if ramp.booked >= RAMP_BEHIND_SHARE * median {
        return None;
    }
    let impact = median - ramp.booked;
    Some(Insight {
        kind: Kind::Ramp,
        stage: None,
        text: format!(
            "{} is ramping behind the team: {} booked in their first {} days, against a median of {} for the {} reps whose start the data covers at the same tenure.",
            rep.rep,
            money(Some(ramp.booked)),
            ramp.tenure_days,
            money(Some(median)),
            ramp.reps_compared
        ),
        impact: Some(impact),
        impact_math: format!(
            "team median at {} days of tenure {} − booked {} = {}",
            ramp.tenure_days,
            money(Some(median)),
            money(Some(ramp.booked)),
            money(Some(impact))
        ),
        confidence: (1.0 - ramp.booked / median).clamp(0.0, 1.0),
        denominator: ramp.reps_compared,
        rep_value: Some(ramp.booked),
        peer_value: Some(median),
        interval: None,
        deals: Vec::new(),
    })
}
