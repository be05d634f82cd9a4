//! The run-rate methods, where the backtest on earlier origins says they beat the model. At an origin, the
//! model's own median and each baseline (pace, the same month of the previous quarter, naive, the Commit
//! roll-up) are scored on the earlier origins whose periods had ended by then. When a baseline's absolute
//! error there (on the origins where it is defined, against the model's on the same ones) is under
//! [`MUST_BEAT`] of the model's, over at least [`MIN_ORIGINS`] origins in [`MIN_PERIODS`] periods, the forecast's median moves toward it, with inverse-error weights; every draw's
//! part still to win is scaled by the same factor (reps and team alike), so the range keeps its shape and the
//! team stays the sum of its reps. Nothing is fitted on the origin being forecast.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::forecast::baselines::Baselines;

/// A baseline's error must be under this share of the model's before it is blended in.
pub const MUST_BEAT: f64 = 0.8;
pub const MIN_ORIGINS: usize = 6;
pub const MIN_PERIODS: usize = 3;

/// An earlier origin: its period, the model's own median, what was booked, and the baselines.
pub struct Earlier<'a> {
    pub period_start: NaiveDate,
    pub model_p50: f64,
    pub actual: f64,
    pub baselines: &'a Baselines,
}

/// The baseline blended in and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blend {
    pub method: String,
    pub weight: f64,
    /// Origins and periods the choice rests on.
    pub origins: usize,
    pub periods: usize,
    /// The two absolute errors (summed) on those origins.
    pub model_error: f64,
    pub method_error: f64,
}

type Pick = (&'static str, fn(&Baselines) -> Option<f64>);

const CANDIDATES: [Pick; 4] = [
    ("pace", |b| b.pace),
    ("lag_quarter", |b| b.lag_quarter),
    ("naive", |b| b.naive),
    ("commit", |b| b.commit),
];

/// The baseline to blend in at an origin whose baselines are `now`, if the earlier origins say so.
pub fn choose(earlier: &[Earlier<'_>], now: &Baselines) -> Option<Blend> {
    let mut best: Option<Blend> = None;
    for (name, value) in CANDIDATES {
        if value(now).is_none() {
            continue;
        }
        let scored: Vec<(&Earlier<'_>, f64)> = earlier
            .iter()
            .filter_map(|e| value(e.baselines).map(|v| (e, v)))
            .collect();
        if scored.len() < MIN_ORIGINS {
            continue;
        }
        let mut periods: Vec<NaiveDate> = scored.iter().map(|(e, _)| e.period_start).collect();
        periods.sort();
        periods.dedup();
        if periods.len() < MIN_PERIODS {
            continue;
        }
        let model_error: f64 = scored
            .iter()
            .map(|(e, _)| (e.model_p50 - e.actual).abs())
            .sum();
        let method_error: f64 = scored.iter().map(|(e, v)| (v - e.actual).abs()).sum();
        if method_error >= MUST_BEAT * model_error {
            continue;
        }
        if best
            .as_ref()
            .is_some_and(|b| b.method_error <= method_error)
        {
            continue;
        }
        let weight = if method_error <= 0.0 {
            1.0
        } else {
            (1.0 / method_error) / (1.0 / method_error + 1.0 / model_error.max(f64::MIN_POSITIVE))
        };
        best = Some(Blend {
            method: name.to_owned(),
            weight,
            origins: scored.len(),
            periods: periods.len(),
            model_error,
            method_error,
        });
    }
    best
}

/// The factor that moves the median `p50` (of which `closed` is already booked) to the blend with the
/// baseline's value; 1 when there is nothing still to win.
pub fn factor(blend: &Blend, now: &Baselines, p50: f64, closed: f64) -> f64 {
    let Some(target) = CANDIDATES
        .iter()
        .find(|(name, _)| *name == blend.method)
        .and_then(|(_, value)| value(now))
    else {
        return 1.0;
    };
    let goal = blend.weight * target + (1.0 - blend.weight) * p50;
    if p50 - closed <= 0.0 {
        return 1.0;
    }
    ((goal - closed) / (p50 - closed)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn earlier(n: usize, model_miss: f64, pace_miss: f64) -> (Vec<Baselines>, Vec<NaiveDate>) {
        let baselines = (0..n)
            .map(|_| Baselines {
                pace: Some(100.0 + pace_miss),
                naive: Some(100.0 + 2.0 * model_miss),
                ..Baselines::default()
            })
            .collect();
        let starts = (0..n)
            .map(|k| NaiveDate::from_ymd_opt(2024, 1 + (k % 12) as u32, 1).unwrap())
            .collect();
        (baselines, starts)
    }

    fn past<'a>(b: &'a [Baselines], s: &[NaiveDate], model_miss: f64) -> Vec<Earlier<'a>> {
        b.iter()
            .zip(s)
            .map(|(b, s)| Earlier {
                period_start: *s,
                model_p50: 100.0 + model_miss,
                actual: 100.0,
                baselines: b,
            })
            .collect()
    }

    #[test]
    fn a_baseline_is_blended_in_only_when_earlier_origins_say_it_beats_the_model() {
        let now = Baselines {
            pace: Some(80.0),
            naive: Some(500.0),
            ..Baselines::default()
        };
        // Pace missed by 10 where the model missed by 40: blended, weight 40 / (40 + 10).
        let (b, s) = earlier(8, 40.0, 10.0);
        let blend = choose(&past(&b, &s, 40.0), &now).unwrap();
        assert_eq!(blend.method, "pace");
        assert!((blend.weight - 0.8).abs() < 1e-12);
        // The median 140 (20 closed) moves to 0.8 × 80 + 0.2 × 140 = 92: the rest scales by 72 / 120.
        assert!((factor(&blend, &now, 140.0, 20.0) - 0.6).abs() < 1e-12);
        // Pace only a little better (35 against 40): not blended.
        let (b, s) = earlier(8, 40.0, 35.0);
        assert_eq!(choose(&past(&b, &s, 40.0), &now), None);
        // Too few earlier origins, or all in one period: not blended.
        let (b, s) = earlier(5, 40.0, 1.0);
        assert_eq!(choose(&past(&b, &s, 40.0), &now), None);
        let (b, _) = earlier(8, 40.0, 1.0);
        let one_period = vec![NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(); 8];
        assert_eq!(choose(&past(&b, &one_period, 40.0), &now), None);
        // A baseline undefined now is never chosen.
        let (b, s) = earlier(8, 40.0, 10.0);
        assert_eq!(choose(&past(&b, &s, 40.0), &Baselines::default()), None);
    }
}
