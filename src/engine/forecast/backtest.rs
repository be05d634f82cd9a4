//! Rolling-origin backtest: weekly origins in every finished period (after the data's first), each
//! forecast with only what was known on its day — the model fitted at that day, its shock calibrated on
//! the origins before it whose periods had ended — and scored against what was booked, beside every
//! baseline on the same origins. The forecast runs the same [`Runner`] over its recent past to calibrate
//! itself and to say how far off it has been. Weekly origins inside one period share that period's
//! outcome, so the report counts independent periods too.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::engine::forecast::asof::Timeline;
use crate::engine::forecast::baselines::Baselines;
use crate::engine::forecast::calibrate::{Lesson, Shock};
use crate::engine::forecast::combine::{Blend, Earlier, choose, factor};
use crate::engine::forecast::origin::Origin;
use crate::engine::forecast::report::{
    BacktestReport, BriefBacktest, CalibrationBand, DealBrier, MethodScore, OriginRow, WeekScore,
};
use crate::engine::forecast::score::{self, Pair};
use crate::engine::forecast::settings::Grain;
use crate::engine::forecast::simulate::{Draws, quantile, simulate};
use crate::engine::metrics::period::{Calendar, DateRange};

/// Origins per period: weeks 1–4 of a month, 1–13 of a quarter.
pub fn weeks_of(grain: Grain) -> u64 {
    match grain {
        Grain::Month => 4,
        Grain::Quarter => 13,
    }
}

/// Weeks the by-week table shows.
pub fn reported_weeks(grain: Grain) -> &'static [u32] {
    match grain {
        Grain::Month => &[1, 2, 3, 4],
        Grain::Quarter => &[1, 4, 8, 11],
    }
}

/// One origin as the backtest scored it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub day: NaiveDate,
    pub period: DateRange,
    pub week: u32,
    pub actual: Option<f64>,
    pub closed: f64,
    pub expected: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// The model's own median, before any blend with a run-rate method.
    pub model_p50: f64,
    pub blend: Option<Blend>,
    pub baselines: Baselines,
    pub shock: Shock,
    /// Per open deal with a close date in the period: model, CRM and stage chances, and whether it was won
    /// inside the window.
    pub deals: Vec<(f64, Option<f64>, Option<f64>, bool)>,
    pub leak: Option<String>,
    pub limited_history: bool,
}

/// The weekly origins of every finished period from the second period of the data to `data_end`, the
/// last `keep` periods of them (all when `None`).
pub fn origins(
    calendar: &Calendar,
    grain: Grain,
    first_day: NaiveDate,
    data_end: NaiveDate,
    keep: Option<usize>,
) -> Vec<(NaiveDate, DateRange)> {
    let mut periods = Vec::new();
    let Some(mut period) = grain.period_of(calendar, first_day) else {
        return Vec::new();
    };
    while let Some(next) = calendar.step(&grain.spec(), period, 1) {
        if next.end > data_end || next.start <= period.start {
            break;
        }
        periods.push(next);
        period = next;
    }
    if let Some(keep) = keep {
        let drop = periods.len().saturating_sub(keep);
        periods.drain(..drop);
    }
    periods
        .into_iter()
        .flat_map(|p| {
            (0..weeks_of(grain))
                .filter_map(move |k| p.start.checked_add_days(Days::new(7 * k)))
                .filter(move |day| *day < p.end)
                .map(move |day| (day, p))
        })
        .collect()
}

/// Origins done one at a time, with what each taught.
#[derive(Debug, Clone, Default)]
pub struct Runner {
    pub origins: Vec<(NaiveDate, DateRange)>,
    pub next: usize,
    pub lessons: Vec<Lesson>,
    pub scored: Vec<Scored>,
    /// Origins before any deal in scope had closed: nothing to learn from, so not scored.
    pub without_history: usize,
}

impl Runner {
    pub fn new(origins: Vec<(NaiveDate, DateRange)>) -> Runner {
        Runner {
            origins,
            ..Runner::default()
        }
    }

    pub fn done(&self) -> bool {
        self.next >= self.origins.len()
    }

    /// Scores the next origin.
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        timeline: &Timeline<'_>,
        calendar: &Calendar,
        grain: Grain,
        data_end: NaiveDate,
        draws: u32,
        seed: u64,
    ) {
        let Some(&(day, period)) = self.origins.get(self.next) else {
            return;
        };
        self.next += 1;
        let origin = Origin::build(timeline, calendar, grain, period, day, data_end);
        if origin.closed_before == 0 {
            self.without_history += 1;
            return;
        }
        let shock = self.shock_for(&origin);
        let mut all = simulate(&origin, &shock, draws, seed);
        let (model_p50, blend) = self.blend(&origin, &mut all);
        let mut sim = all.team;
        sim.sort_by(f64::total_cmp);
        let q = |x| quantile(&sim, x).unwrap_or(origin.closed);
        let window_start = period.start.max(day.succ_opt().unwrap_or(day));
        let deals = origin
            .deals
            .iter()
            .filter(|d| {
                d.close_on
                    .is_some_and(|c| c >= window_start && c <= period.end)
            })
            .map(|d| {
                let won = timeline.won_between(d.deal, window_start, period.end);
                (d.p_model, d.p_crm, d.p_stage, won)
            })
            .collect();
        if let Some(lesson) = Lesson::of(&origin) {
            self.lessons.push(lesson);
        }
        self.scored.push(Scored {
            day,
            period,
            week: origin.week,
            actual: origin.actual,
            closed: origin.closed,
            expected: origin.expected(),
            p10: q(0.1),
            p50: q(0.5),
            p90: q(0.9),
            model_p50,
            blend,
            baselines: origin.baselines.clone(),
            shock,
            deals,
            leak: origin.leak.clone(),
            limited_history: origin.limited_history,
        });
    }

    /// Moves the draws toward a run-rate method where the origins scored before this one (their periods
    /// ended by its day) say it beats the model; gives the model's own median and the blend.
    pub fn blend(&self, origin: &Origin, draws: &mut Draws) -> (f64, Option<Blend>) {
        let mut team = draws.team.clone();
        team.sort_by(f64::total_cmp);
        let model_p50 = quantile(&team, 0.5).unwrap_or(origin.closed);
        let earlier: Vec<Earlier<'_>> = self
            .scored
            .iter()
            .filter(|s| s.period.end <= origin.day)
            .filter_map(|s| {
                Some(Earlier {
                    period_start: s.period.start,
                    model_p50: s.model_p50,
                    actual: s.actual?,
                    baselines: &s.baselines,
                })
            })
            .collect();
        let Some(blend) = choose(&earlier, &origin.baselines) else {
            return (model_p50, None);
        };
        let f = factor(&blend, &origin.baselines, model_p50, origin.closed);
        for d in &mut draws.team {
            *d = origin.closed + (*d - origin.closed) * f;
        }
        for (rep, column) in &mut draws.reps {
            let closed = origin.reps.get(rep).map_or(0.0, |r| r.closed);
            for d in column.iter_mut() {
                *d = closed + (*d - closed) * f;
            }
        }
        (model_p50, Some(blend))
    }

    /// The shock for an origin, from the lessons of periods that had ended by its day.
    pub fn shock_for(&self, origin: &Origin) -> Shock {
        let known: Vec<Lesson> = self
            .lessons
            .iter()
            .filter(|l| l.period_end <= origin.day)
            .copied()
            .collect();
        Shock::fit(&known, origin.window.to.saturating_sub(origin.window.from))
    }

    /// How far off the model was at `week` (all weeks when fewer than two origins are at it).
    pub fn brief(&self, week: u32) -> Option<BriefBacktest> {
        let scored: Vec<&Scored> = self.scored.iter().filter(|s| s.actual.is_some()).collect();
        let at_week: Vec<&Scored> = scored.iter().copied().filter(|s| s.week == week).collect();
        let (used, week) = if at_week.len() >= 2 {
            (at_week, Some(week))
        } else {
            (scored, None)
        };
        let pairs: Vec<Pair> = used.iter().map(|s| model_pair(s)).collect();
        let wape = score::wape(&pairs)?;
        Some(BriefBacktest {
            wape,
            bias: score::bias(&pairs),
            interval_coverage: score::coverage(&pairs),
            origins: used.len() as u64,
            periods: periods_of(&used),
            week,
        })
    }
}

fn model_pair(s: &Scored) -> Pair {
    Pair {
        forecast: s.p50,
        actual: s.actual.unwrap_or(0.0),
        range: Some((s.p10, s.p90)),
        naive: s.baselines.naive,
    }
}

fn periods_of(scored: &[&Scored]) -> u64 {
    let mut starts: Vec<NaiveDate> = scored.iter().map(|s| s.period.start).collect();
    starts.sort();
    starts.dedup();
    starts.len() as u64
}

/// A method's forecasts at each scored origin.
type Method = (&'static str, bool, fn(&Scored) -> Option<f64>);

const METHODS: [Method; 8] = [
    ("model", false, |s| Some(s.p50)),
    ("naive", true, |s| s.baselines.naive),
    ("pace", true, |s| s.baselines.pace),
    ("seasonal_naive", true, |s| s.baselines.seasonal_naive),
    ("lag_quarter", true, |s| s.baselines.lag_quarter),
    ("crm_weighted", true, |s| s.baselines.crm_weighted),
    ("commit", true, |s| s.baselines.commit),
    ("commit_best_case", true, |s| s.baselines.commit_best_case),
];

/// Bands of chance the calibration table has: `[0, 0.1)`, `[0.1, 0.2)`, …, `[0.9, 1]`.
pub const CALIBRATION_BANDS: usize = 10;

/// Deal-level calibration of `(model chance, won)` pairs: per band of chance, how many deals, the mean
/// chance and the share won (`None` for a band without deals). The last band includes a chance of 1; a
/// chance that is not a number is left out.
pub fn calibration(deals: &[(f64, bool)]) -> Vec<CalibrationBand> {
    let edge = |k: usize| k as f64 / CALIBRATION_BANDS as f64;
    let mut sums = [(0u64, 0.0f64, 0u64); CALIBRATION_BANDS];
    for &(p, won) in deals {
        if p.is_nan() {
            continue;
        }
        let band = (1..CALIBRATION_BANDS)
            .rev()
            .find(|&k| p >= edge(k))
            .unwrap_or(0);
        let s = &mut sums[band];
        s.0 += 1;
        s.1 += p;
        s.2 += u64::from(won);
    }
    sums.iter()
        .enumerate()
        .map(|(k, &(deals, chances, won))| CalibrationBand {
            from: edge(k),
            to: edge(k + 1),
            deals,
            predicted: (deals > 0).then(|| chances / deals as f64),
            actual: (deals > 0).then(|| won as f64 / deals as f64),
        })
        .collect()
}

/// The backtest's answer from the scored origins.
pub fn report(runner: &Runner, grain: Grain, as_of: NaiveDate, currency: &str) -> BacktestReport {
    let scored: Vec<&Scored> = runner
        .scored
        .iter()
        .filter(|s| s.actual.is_some())
        .collect();
    let mut methods = Vec::new();
    for (name, baseline, forecast) in METHODS {
        let defined: Vec<&Scored> = scored
            .iter()
            .copied()
            .filter(|s| forecast(s).is_some())
            .collect();
        let pairs_of = |set: &[&Scored]| -> Vec<Pair> {
            set.iter()
                .filter_map(|s| {
                    Some(Pair {
                        forecast: forecast(s)?,
                        actual: s.actual?,
                        range: (name == "model").then_some((s.p10, s.p90)),
                        naive: s.baselines.naive,
                    })
                })
                .collect()
        };
        let pairs = pairs_of(&defined);
        let by_week = reported_weeks(grain)
            .iter()
            .map(|&week| {
                let set: Vec<&Scored> =
                    defined.iter().copied().filter(|s| s.week == week).collect();
                let pairs = pairs_of(&set);
                WeekScore {
                    week,
                    origins: set.len() as u64,
                    wape: score::wape(&pairs),
                    bias: score::bias(&pairs),
                    coverage: score::coverage(&pairs).filter(|_| name == "model"),
                }
            })
            .collect();
        let late: Vec<&Scored> = defined.iter().copied().filter(|s| s.week >= 3).collect();
        methods.push(MethodScore {
            name: name.to_owned(),
            baseline,
            origins: pairs.len() as u64,
            same_origins: pairs.len() == scored.len(),
            wape: score::wape(&pairs),
            bias: score::bias(&pairs),
            mase: score::mase(&pairs),
            interval_coverage: score::coverage(&pairs).filter(|_| name == "model"),
            pinball: score::pinball(&pairs),
            wape_from_week_3: score::wape(&pairs_of(&late)),
            by_week,
        });
    }
    let all_deals: Vec<(f64, Option<f64>, Option<f64>, bool)> = scored
        .iter()
        .flat_map(|s| s.deals.iter().copied())
        .collect();
    let comparable: Vec<(f64, f64, f64, bool)> = all_deals
        .iter()
        .filter_map(|&(m, c, s, won)| Some((m, c?, s?, won)))
        .collect();
    let brier_of = |f: fn(&(f64, f64, f64, bool)) -> f64| {
        score::brier(&comparable.iter().map(|d| (f(d), d.3)).collect::<Vec<_>>())
    };
    let deal_brier = DealBrier {
        deals: comparable.len() as u64,
        model: brier_of(|d| d.0),
        crm_probability: brier_of(|d| d.1),
        stage_rate: brier_of(|d| d.2),
        model_all_deals: score::brier(&all_deals.iter().map(|d| (d.0, d.3)).collect::<Vec<_>>()),
        all_deals: all_deals.len() as u64,
    };
    let mut leaks: BTreeMap<bool, usize> = BTreeMap::new();
    for s in &scored {
        *leaks.entry(s.leak.is_some()).or_default() += 1;
    }
    let leaky_origins = leaks.get(&true).copied().unwrap_or(0);
    let mut notes = Vec::new();
    if runner.without_history > 0 {
        notes.push(format!(
            "{} origins came before any deal had closed: a forecast there has nothing to learn from, so they are not scored.",
            runner.without_history
        ));
    }
    if scored.is_empty() {
        notes.push(format!(
            "No {} has ended in the data after its first one, so there is nothing to score yet.",
            grain.word()
        ));
    }
    notes.push("Weekly origins inside one period share that period's outcome: they are not independent, so read the scores by the number of periods.".to_owned());
    if leaky_origins > 0 {
        notes.push(format!(
            "{leaky_origins} of {} origins had open deals without stage history by their day: those origins knew more than a forecast on that day could (their stage, amount and close date are today's).",
            scored.len()
        ));
    }
    if let Some(first) = scored.iter().find(|s| s.shock.calibrated) {
        notes.push(format!(
            "The model's bias correction and interval width are fitted on earlier origins only; the first calibrated origin is {}.",
            first.day
        ));
    }
    BacktestReport {
        period: grain,
        as_of,
        currency: currency.to_owned(),
        origins: scored.len() as u64,
        periods: periods_of(&scored),
        leaky: leaky_origins > 0,
        limited_history: scored.iter().any(|s| s.limited_history),
        methods,
        deal_brier,
        calibration: calibration(&all_deals.iter().map(|d| (d.0, d.3)).collect::<Vec<_>>()),
        rows: scored
            .iter()
            .map(|s| OriginRow {
                origin: s.day,
                period_start: s.period.start,
                period_end: s.period.end,
                week: s.week,
                actual: s.actual.unwrap_or(0.0),
                closed: s.closed,
                expected: s.expected,
                p10: s.p10,
                p50: s.p50,
                p90: s.p90,
                naive: s.baselines.naive,
                pace: s.baselines.pace,
                commit: s.baselines.commit,
                crm_weighted: s.baselines.crm_weighted,
                calibrated: s.shock.calibrated,
            })
            .collect(),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known answers: 0.05 ×2 (one won), 0.1 on the edge goes up a band, 0.95 and 1.0 share the last
    /// band (both won), nothing between 0.2 and 0.9; a NaN is left out.
    #[test]
    fn calibration_bands_count_average_and_share_won() {
        let deals = [
            (0.05, true),
            (0.05, false),
            (0.1, false),
            (0.95, true),
            (1.0, true),
            (f64::NAN, true),
        ];
        let bands = calibration(&deals);
        assert_eq!(bands.len(), CALIBRATION_BANDS);
        assert_eq!(bands.iter().map(|b| b.deals).sum::<u64>(), 5);
        assert_eq!((bands[0].from, bands[0].to), (0.0, 0.1));
        assert_eq!((bands[9].from, bands[9].to), (0.9, 1.0));
        assert_eq!(bands[0].deals, 2);
        assert_eq!(bands[0].predicted, Some(0.05));
        assert_eq!(bands[0].actual, Some(0.5));
        assert_eq!(bands[1].deals, 1);
        assert_eq!(bands[1].actual, Some(0.0));
        assert_eq!(bands[9].deals, 2);
        assert!((bands[9].predicted.unwrap() - 0.975).abs() < 1e-12);
        assert_eq!(bands[9].actual, Some(1.0));
        for b in &bands[2..9] {
            assert_eq!((b.deals, b.predicted, b.actual), (0, None, None));
        }
        // Every band's lower edge belongs to it.
        for k in 0..CALIBRATION_BANDS {
            let p = k as f64 / CALIBRATION_BANDS as f64;
            assert_eq!(calibration(&[(p, false)])[k].deals, 1, "chance {p}");
        }
    }
}
