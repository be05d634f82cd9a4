//! The shared period-level shock, learned from earlier origins only. Per-deal draws are independent, but
//! real periods move together (everything slips, or a good month lifts every deal): at each earlier origin
//! whose period has ended, the log ratio of what was still won to what the model expected,
//! r = ln((won after the origin + c) ÷ (expected + c)), says how far off the structure was. Its median
//! corrects the model's bias and its spread beyond what the draws already carry (the variance of r less the
//! draws' own relative variance) becomes the shock's σ. Origins at a similar point of their period (days
//! left within [`NEAR_DAYS`]) are used when there are [`MIN_ORIGINS`] of them, else all of them; with fewer
//! than [`MIN_ORIGINS`] the forecast is left uncalibrated and says so.

use serde::{Deserialize, Serialize};

use crate::engine::forecast::origin::Origin;

/// Earlier origins needed before the shock is fitted.
pub const MIN_ORIGINS: usize = 4;
/// Origins count as "at a similar point" when their days left differ by at most this.
pub const NEAR_DAYS: i64 = 10;
/// The bias correction is kept within e^±this.
pub const MAX_LOG_SHIFT: f64 = 3.0;

/// What an earlier origin teaches: its days left, what it had closed, what the model expected of the rest
/// (mean, variance), and what was won after it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub days_left: u32,
    pub period_start: chrono::NaiveDate,
    pub period_end: chrono::NaiveDate,
    pub closed: f64,
    pub mean_rest: f64,
    pub var_rest: f64,
    pub actual: f64,
}

impl Lesson {
    pub fn of(origin: &Origin) -> Option<Lesson> {
        Some(Lesson {
            days_left: origin.window.to.saturating_sub(origin.window.from),
            period_start: origin.period.start,
            period_end: origin.period.end,
            closed: origin.closed,
            mean_rest: origin.mean_rest,
            var_rest: origin.var_rest,
            actual: origin.actual?,
        })
    }
}

/// The shock the draws are multiplied by: e^z with z ~ N(`shift`, `sigma`²).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shock {
    pub shift: f64,
    pub sigma: f64,
    /// Earlier origins it was fitted on, and how many distinct periods they cover.
    pub origins: usize,
    pub periods: usize,
    pub calibrated: bool,
}

impl Shock {
    pub const NONE: Shock = Shock {
        shift: 0.0,
        sigma: 0.0,
        origins: 0,
        periods: 0,
        calibrated: false,
    };

    /// Fitted on `lessons` (origins whose periods ended on or before the origin being forecast) for an
    /// origin with `days_left`.
    pub fn fit(lessons: &[Lesson], days_left: u32) -> Shock {
        let near: Vec<&Lesson> = lessons
            .iter()
            .filter(|l| (i64::from(l.days_left) - i64::from(days_left)).abs() <= NEAR_DAYS)
            .collect();
        let used: Vec<&Lesson> = if near.len() >= MIN_ORIGINS {
            near
        } else {
            lessons.iter().collect()
        };
        if used.len() < MIN_ORIGINS {
            return Shock {
                origins: used.len(),
                ..Shock::NONE
            };
        }
        let mut actuals: Vec<f64> = used.iter().map(|l| l.actual).collect();
        actuals.sort_by(f64::total_cmp);
        // A floor that keeps a period with nothing left to win from weighing as minus infinity.
        let c = (0.05 * actuals[actuals.len() / 2]).max(1.0);
        let mut ratios: Vec<f64> = used
            .iter()
            .map(|l| libm::log(((l.actual - l.closed).max(0.0) + c) / (l.mean_rest + c)))
            .collect();
        let own: f64 = used
            .iter()
            .map(|l| l.var_rest / ((l.mean_rest + c) * (l.mean_rest + c)))
            .sum::<f64>()
            / used.len() as f64;
        ratios.sort_by(f64::total_cmp);
        let n = ratios.len();
        let median = if n % 2 == 1 {
            ratios[n / 2]
        } else {
            (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0
        };
        let spread = ratios
            .iter()
            .map(|r| (r - median) * (r - median))
            .sum::<f64>()
            / (n - 1) as f64;
        let sigma = (spread - own).max(0.0).sqrt();
        let mut periods: Vec<chrono::NaiveDate> = used.iter().map(|l| l.period_start).collect();
        periods.sort();
        periods.dedup();
        Shock {
            shift: median.clamp(-MAX_LOG_SHIFT, MAX_LOG_SHIFT),
            sigma,
            origins: n,
            periods: periods.len(),
            calibrated: true,
        }
    }
}
