//! The simple forecasts every model must beat, computed on the same origin with the same knowledge:
//! naive (the last finished period), pace (closed so far plus naive for the share of the period left),
//! seasonal naive (the same period a year earlier; `None` under 13 months of data, never 0), the same
//! month of the previous quarter (months only), the CRM-probability weighted pipeline, the Commit
//! roll-up (closed + Commit) and Commit + Best Case (`None` when the export has no forecast categories).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use crate::engine::forecast::asof::Timeline;
use crate::engine::forecast::settings::Grain;
use crate::engine::metrics::period::{Calendar, DateRange};
use crate::engine::model::RepIx;

/// Each baseline's forecast of the period's total bookings (closed included), home units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baselines {
    pub naive: Option<f64>,
    pub pace: Option<f64>,
    pub seasonal_naive: Option<f64>,
    pub lag_quarter: Option<f64>,
    pub crm_weighted: Option<f64>,
    pub commit: Option<f64>,
    pub commit_best_case: Option<f64>,
}

/// The open deals closing in the rest of the period, summed: Commit, Best Case, and amount × CRM
/// probability.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OpenSums {
    pub commit: f64,
    pub best_case: f64,
    pub crm_weighted: f64,
}

/// What each rep booked in `period`, as known on `known_by`.
pub fn booked(
    timeline: &Timeline<'_>,
    period: DateRange,
    known_by: NaiveDate,
) -> BTreeMap<Option<RepIx>, f64> {
    let mut out = BTreeMap::new();
    let to = period.end.min(known_by);
    for &deal in &timeline.deals {
        if timeline.won_between(deal, period.start, to) {
            let on = timeline.closed_on[deal as usize].unwrap_or(to);
            *out.entry(timeline.rep(deal)).or_insert(0.0) +=
                timeline.amount_now(deal, on).unwrap_or(0.0);
        }
    }
    out
}

impl Baselines {
    pub fn at(
        timeline: &Timeline<'_>,
        calendar: &Calendar,
        grain: Grain,
        period: DateRange,
        day: NaiveDate,
        open: &OpenSums,
        closed: f64,
    ) -> Baselines {
        let first = timeline
            .deals
            .iter()
            .filter_map(|&d| timeline.created_on[d as usize])
            .min()
            .unwrap_or(day);
        // The first close the data knows by `day`: before it the CRM was not yet booking anything, so a
        // period ending earlier says "no data", not "nothing booked".
        let first_close = timeline
            .deals
            .iter()
            .filter_map(|&d| timeline.closed_on[d as usize])
            .filter(|c| *c <= day)
            .min();
        // A period counts when it has ended by `day`, the data covers all of it, and bookings had begun.
        let total = |q: DateRange| -> Option<f64> {
            (q.end <= day && q.start >= first && first_close.is_some_and(|c| c <= q.end))
                .then(|| booked(timeline, q, day).values().sum())
        };
        let spec = grain.spec();
        let last_finished = (1..=3)
            .filter_map(|k| calendar.step(&spec, period, -k))
            .find(|q| q.end <= day);
        let naive = last_finished.and_then(total);
        let left_days = (period.end - day.max(period.start.pred_opt().unwrap_or(period.start)))
            .num_days()
            .clamp(0, period.days());
        let share_left = left_days as f64 / period.days().max(1) as f64;
        let pace = naive.map(|n| closed + n * share_left);
        let thirteen_months = day.checked_sub_months(Months::new(13));
        let seasonal_naive = thirteen_months
            .filter(|t| first <= *t)
            .and_then(|_| calendar.year_before(&spec, period))
            .and_then(total);
        let lag_quarter = match grain {
            Grain::Month => calendar.step(&spec, period, -3).and_then(total),
            Grain::Quarter => None,
        };
        let crm_weighted = timeline
            .has_probabilities
            .then_some(closed + open.crm_weighted);
        let commit = timeline.has_categories.then_some(closed + open.commit);
        let commit_best_case = commit.map(|c| c + open.best_case);
        Baselines {
            naive,
            pace,
            seasonal_naive,
            lag_quarter,
            crm_weighted,
            commit,
            commit_best_case,
        }
    }
}
