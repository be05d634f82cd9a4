//! Trends: the main metrics month by month — bookings against quota, deals won, win rate, average deal,
//! cycle and activities — for the team and each rep, over the twelve months that end with the period (or
//! the as-of date, when it comes first). Each month is counted by exactly the rules of the period report.

use crate::engine::EngineError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::metrics::activity::activity;
use crate::engine::metrics::compute::{MetricSettings, Prepared, RepMetrics, core, sets};
use crate::engine::metrics::period::DateRange;
use crate::engine::model::SalesModel;

/// Months a trend covers.
pub const MONTHS: usize = 12;
/// Closed deals (won + lost) the team's month needs before its win rate is judged…
pub const MIN_CLOSED_TEAM_MONTH: u64 = 10;
/// …and a rep's month (lower than the team's: each rep closes a fraction of the team's deals).
pub const MIN_CLOSED_REP_MONTH: u64 = 5;
/// Won deals a month needs before its average deal size and sales cycle are judged (team and rep).
pub const MIN_WON_MONTH: u64 = 5;

/// One rep's (or the team's) numbers in one month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub rep: String,
    pub rep_id: Option<String>,
    pub bookings: Option<f64>,
    pub deals_won: u64,
    pub win_rate: Option<f64>,
    pub win_rate_n: u64,
    /// `win_rate_n` is under [`MIN_CLOSED_TEAM_MONTH`] (the team) or [`MIN_CLOSED_REP_MONTH`] (a rep): too few
    /// closed deals to judge the month's win rate.
    #[serde(default)]
    pub win_rate_too_few: bool,
    pub avg_deal_size: Option<f64>,
    pub cycle_days: Option<f64>,
    /// `deals_won` is under [`MIN_WON_MONTH`]: too few won deals to judge the average deal size and cycle.
    #[serde(default)]
    pub won_too_few: bool,
    pub quota: Option<f64>,
    pub opps_created: u64,
    pub activities: u64,
}

/// One month: the team and every rep with anything in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Month {
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    /// The month is not over on the as-of date.
    pub partial: bool,
    pub team: Point,
    pub reps: Vec<Point>,
}

/// `m`'s month as a point; its win rate is judged from `min_closed` closed deals.
fn point(m: &RepMetrics, activities: u64, min_closed: u64) -> Point {
    Point {
        rep: m.rep.clone(),
        rep_id: m.rep_id.clone(),
        bookings: m.bookings,
        deals_won: m.deals_won,
        win_rate: m.win_rate,
        win_rate_n: m.win_rate_n,
        win_rate_too_few: m.win_rate_n < min_closed,
        avg_deal_size: m.avg_deal_size,
        cycle_days: m.sales_cycle_median_days,
        won_too_few: m.deals_won < MIN_WON_MONTH,
        quota: m.quota,
        opps_created: m.opps_created,
        activities,
    }
}

/// The last [`MONTHS`] calendar months up to the period's end (or the as-of date).
pub fn monthly(model: &SalesModel, settings: &MetricSettings) -> Result<Vec<Month>, EngineError> {
    let mut task = TrendsTask::new(settings.clone());
    loop {
        if let Some(months) = task.step(model)? {
            return Ok(months);
        }
    }
}

/// [`monthly`] one month per step, newest first, so a caller can report progress and stop between
/// months. Every step is given the same model.
pub struct TrendsTask {
    settings: MetricSettings,
    /// The last day of the next month to compute; `None` before the first step.
    next_end: Option<NaiveDate>,
    months: Vec<Month>,
}

impl TrendsTask {
    /// Steps in all (at most).
    pub const STEPS: usize = MONTHS;

    pub fn new(settings: MetricSettings) -> Self {
        TrendsTask {
            settings,
            next_end: None,
            months: Vec::new(),
        }
    }

    /// Months done so far.
    pub fn done(&self) -> usize {
        self.months.len()
    }

    /// Computes the next month back; the last step gives the months, oldest first.
    pub fn step(&mut self, model: &SalesModel) -> Result<Option<Vec<Month>>, EngineError> {
        let settings = &self.settings;
        let p = Prepared::new(model, settings)?;
        let end = *self
            .next_end
            .get_or_insert_with(|| p.period.end.min(p.as_of));
        let start = chrono::Datelike::with_day(&end, 1);
        if let (Some(start), true) = (start, self.months.len() < MONTHS) {
            let full_end = start
                .checked_add_months(chrono::Months::new(1))
                .and_then(|d| d.pred_opt())
                .unwrap_or(end);
            let as_of = full_end.min(p.as_of);
            let month = Prepared::for_range(
                model,
                settings,
                DateRange::new(start, full_end),
                as_of,
                "the month's end",
            );
            let month_sets = sets(&month);
            let report = core(&month, &month_sets);
            let acts = activity(&month, &month_sets);
            let count = |rep: Option<u32>| {
                acts.reps
                    .iter()
                    .find(|a| a.rep_ix == rep && rep.is_some())
                    .map_or(0, |a| a.total)
            };
            self.months.push(Month {
                start,
                end: full_end,
                partial: full_end > p.as_of,
                team: point(&report.team, acts.team.total, MIN_CLOSED_TEAM_MONTH),
                reps: report
                    .reps
                    .iter()
                    .filter(|r| r.rep_ix.is_some())
                    .map(|r| point(r, count(r.rep_ix), MIN_CLOSED_REP_MONTH))
                    .collect(),
            });
            if let Some(previous) = start.pred_opt()
                && self.months.len() < MONTHS
            {
                self.next_end = Some(previous);
                return Ok(None);
            }
        }
        let mut months = std::mem::take(&mut self.months);
        months.reverse();
        Ok(Some(months))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(closed: u64, won: u64) -> RepMetrics {
        RepMetrics {
            deals_won: won,
            win_rate_n: closed,
            ..RepMetrics::default()
        }
    }

    #[test]
    fn a_month_is_too_few_to_judge_under_its_minimum_of_closed_and_won_deals() {
        // The team's win rate: 9 closed deals are too few, 10 are enough.
        assert!(point(&month(9, 9), 0, MIN_CLOSED_TEAM_MONTH).win_rate_too_few);
        assert!(!point(&month(10, 9), 0, MIN_CLOSED_TEAM_MONTH).win_rate_too_few);
        // A rep's: 4 are too few, 5 enough.
        assert!(point(&month(4, 0), 0, MIN_CLOSED_REP_MONTH).win_rate_too_few);
        assert!(!point(&month(5, 0), 0, MIN_CLOSED_REP_MONTH).win_rate_too_few);
        // Deal size and cycle: 4 won deals are too few, 5 enough, for the team and a rep alike.
        for min_closed in [MIN_CLOSED_TEAM_MONTH, MIN_CLOSED_REP_MONTH] {
            assert!(point(&month(20, 4), 0, min_closed).won_too_few);
            assert!(!point(&month(20, 5), 0, min_closed).won_too_few);
        }
        assert_eq!(
            (MIN_CLOSED_TEAM_MONTH, MIN_CLOSED_REP_MONTH, MIN_WON_MONTH),
            (10, 5, 5)
        );
    }
}
