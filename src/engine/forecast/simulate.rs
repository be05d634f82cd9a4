//! The Monte Carlo: each draw wins every open deal with its chance, adds a compound-Poisson number of deals
//! not yet created (amounts resampled from the rep's own, or the team's), and multiplies what is still to
//! win by the period's shared shock e^z, the same z for every rep in the draw. A rep's total is closed +
//! that; the team's draw is the sum of the same draw's reps, so the team range is coherent with the reps'.
//! One seeded stream ([`Rng`]) is read in a fixed order, and the transcendental functions are `libm`'s,
//! so the same input and seed give the same draws on every platform.

use std::collections::BTreeMap;

use crate::engine::forecast::calibrate::Shock;
use crate::engine::forecast::origin::Origin;
use crate::engine::model::RepIx;
use crate::engine::rng::Rng;

/// The stream's purpose number (see [`Rng::stream`]).
const PURPOSE: u64 = 0x00F0_CA57;

/// Every draw of every rep's total and the team's, home units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draws {
    pub team: Vec<f64>,
    pub reps: BTreeMap<Option<RepIx>, Vec<f64>>,
}

/// A rep's draw inputs: Bernoulli thresholds on 16-bit draws, amounts, and the new-deal term.
struct RepDraw {
    rep: Option<RepIx>,
    closed: f64,
    thresholds: Vec<u16>,
    /// Cents of the deals that are certain (a chance of 1).
    certain_cents: i64,
    /// Amounts in whole home-currency cents.
    cents: Vec<i64>,
    fresh_rate: f64,
    fresh_exp: f64,
    pool: Vec<f64>,
}

/// The chance `p` (below 1) as a threshold on a 16-bit draw: a draw below it wins. `p` is taken to the
/// nearest 1/65,536 below (an error under 0.0016 percentage points per deal); deals with `p` = 1 are
/// certain and never drawn.
fn threshold(p: f64) -> u16 {
    (p.clamp(0.0, 1.0) * 65_536.0).min(65_535.0) as u16
}

/// A standard normal (Box–Muller, one of the pair).
fn normal(rng: &mut Rng) -> f64 {
    let u = 1.0 - rng.unit();
    let v = rng.unit();
    libm::sqrt(-2.0 * libm::log(u)) * libm::cos(std::f64::consts::TAU * v)
}

/// A Poisson count of mean `rate` (`exp_neg` = e^−rate): Knuth's product of uniforms below 30, a rounded
/// normal above.
fn poisson(rng: &mut Rng, rate: f64, exp_neg: f64) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    if rate >= 30.0 {
        return (rate + libm::sqrt(rate) * normal(rng)).round().max(0.0) as u64;
    }
    let mut k = 0;
    let mut product = rng.unit();
    while product > exp_neg {
        k += 1;
        product *= rng.unit();
    }
    k
}

/// `draws` draws of the origin's totals under the shock, from `seed`.
pub fn simulate(origin: &Origin, shock: &Shock, draws: u32, seed: u64) -> Draws {
    let fresh = &origin.fresh;
    let mut reps: Vec<RepDraw> = origin
        .rep_order
        .iter()
        .filter_map(|rep| origin.reps.get(rep).map(|r| (*rep, r)))
        .map(|(rep, r)| {
            let fresh_rate = if origin.window.to > origin.window.from {
                fresh.reps.get(&rep).map_or(0.0, |f| f.rate)
            } else {
                0.0
            };
            RepDraw {
                rep,
                closed: r.closed,
                thresholds: Vec::new(),
                cents: Vec::new(),
                certain_cents: 0,
                fresh_rate,
                fresh_exp: libm::exp(-fresh_rate),
                pool: fresh.pool(rep).to_vec(),
            }
        })
        .collect();
    for deal in &origin.deals {
        if let Some(r) = reps.iter_mut().find(|r| r.rep == deal.rep)
            && deal.amount != 0.0
            && deal.p_model > 0.0
        {
            let cents = (deal.amount * 100.0).round() as i64;
            if deal.p_model >= 1.0 {
                r.certain_cents += cents;
            } else {
                r.thresholds.push(threshold(deal.p_model));
                r.cents.push(cents);
            }
        }
    }
    let mut rng = Rng::stream(seed, PURPOSE);
    let n = draws as usize;
    let mut out = Draws {
        team: vec![0.0; n],
        reps: reps.iter().map(|r| (r.rep, vec![0.0; n])).collect(),
    };
    let mut by_rep: BTreeMap<Option<RepIx>, &mut Vec<f64>> =
        out.reps.iter_mut().map(|(r, v)| (*r, v)).collect();
    let mut columns: Vec<&mut Vec<f64>> =
        reps.iter().filter_map(|r| by_rep.remove(&r.rep)).collect();
    for k in 0..n {
        let z = shock.shift + shock.sigma * normal(&mut rng);
        let multiplier = libm::exp(z);
        let mut team = 0.0;
        for (r, column) in reps.iter().zip(columns.iter_mut()) {
            // The hot loop: the deals' draws are SplitMix64 outputs keyed by one draw of the main stream
            // (independent of each other, so they pipeline and vectorise), four 16-bit draws from each,
            // amounts in whole cents added under a mask (no branch on the outcome; the sum is exact).
            let key = rng.next();
            let mut cents: i64 = r.certain_cents;
            let mut quads = r.thresholds.chunks_exact(4).zip(r.cents.chunks_exact(4));
            for (j, (t, a)) in quads.by_ref().enumerate() {
                let x = Rng::mix(key, j as u64);
                for lane in 0..4 {
                    let u = (x >> (16 * lane)) as u16;
                    cents += a[lane] & -i64::from(u < t[lane]);
                }
            }
            let done = r.thresholds.len() / 4 * 4;
            if done < r.thresholds.len() {
                let x = Rng::mix(key, (done / 4) as u64);
                for (lane, k) in (done..r.thresholds.len()).enumerate() {
                    let u = (x >> (16 * lane)) as u16;
                    cents += r.cents[k] & -i64::from(u < r.thresholds[k]);
                }
            }
            let mut rest = cents as f64 / 100.0;
            if !r.pool.is_empty() {
                for _ in 0..poisson(&mut rng, r.fresh_rate, r.fresh_exp) {
                    rest += r.pool[rng.below(r.pool.len() as u64) as usize];
                }
            }
            let total = r.closed + rest * multiplier;
            column[k] = total;
            team += total;
        }
        out.team[k] = team;
    }
    out
}

/// The q-quantile of draws (the nearest rank of the sorted draws; `None` without draws).
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let at = ((sorted.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    Some(sorted[at])
}

/// The share of draws at or above `goal`.
pub fn chance_at_least(draws: &[f64], goal: f64) -> Option<f64> {
    (!draws.is_empty())
        .then(|| draws.iter().filter(|d| **d >= goal).count() as f64 / draws.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::forecast::asof::Category;
    use crate::engine::forecast::baselines::Baselines;
    use crate::engine::forecast::fresh::{Fresh, RepFresh};
    use crate::engine::forecast::origin::{OpenDeal, RepOrigin};
    use crate::engine::forecast::rates::{CloseBucket, Window};
    use crate::engine::metrics::period::DateRange;
    use chrono::NaiveDate;

    fn origin(chances: &[(Option<RepIx>, f64, f64)], fresh_rate: f64) -> Origin {
        let day = NaiveDate::from_ymd_opt(2024, 3, 10).unwrap();
        let deals = chances
            .iter()
            .enumerate()
            .map(|(i, &(rep, p, amount))| OpenDeal {
                deal: i as u32,
                rep,
                amount,
                has_amount: true,
                p_model: p,
                p_crm: None,
                p_stage: None,
                close_on: None,
                close: CloseBucket::InWindow,
                category: Category::None,
                pushes: 0,
                stage: None,
                created_on: day,
                in_period: true,
            })
            .collect();
        let mut reps = BTreeMap::new();
        for &(rep, _, _) in chances {
            reps.insert(
                rep,
                RepOrigin {
                    closed: 100.0,
                    ..RepOrigin::default()
                },
            );
        }
        let mut fresh = Fresh::default();
        fresh.reps.insert(
            Some(0),
            RepFresh {
                rate: fresh_rate,
                amounts: vec![10.0, 30.0, 50.0],
            },
        );
        Origin {
            day,
            period: DateRange::new(day, day),
            window: Window { from: 0, to: 21 },
            week: 2,
            deals,
            rep_order: reps.keys().copied().collect(),
            reps,
            fresh,
            closed: 0.0,
            mean_rest: 0.0,
            var_rest: 0.0,
            baselines: Baselines::default(),
            actual: None,
            limited_history: false,
            closed_before: 100,
            leak: None,
            deals_without_amount: 0,
        }
    }

    /// The mean of the draws against the analytic expectation: closed + Σ p·amount + rate × mean amount,
    /// within four standard errors (the analytic variance: Σ p(1 − p)a² + rate × E[a²], over the draws).
    #[test]
    fn the_draws_mean_is_the_analytic_expectation() {
        let chances = [
            (Some(0), 0.3, 1_000.0),
            (Some(0), 0.9, 200.0),
            (Some(1), 0.05, 5_000.0),
            (Some(1), 0.5, 50.0),
        ];
        let o = origin(&chances, 2.5);
        let n = 40_000;
        let draws = simulate(&o, &Shock::NONE, n, 9);
        let mean = draws.team.iter().sum::<f64>() / f64::from(n);
        let fresh_mean = 2.5 * 30.0;
        let fresh_square = 2.5 * (100.0 + 900.0 + 2_500.0) / 3.0;
        let expected = 200.0 + chances.iter().map(|(_, p, a)| p * a).sum::<f64>() + fresh_mean;
        let variance = chances
            .iter()
            .map(|(_, p, a)| p * (1.0 - p) * a * a)
            .sum::<f64>()
            + fresh_square;
        let se = (variance / f64::from(n)).sqrt();
        assert!(
            (mean - expected).abs() < 4.0 * se,
            "mean {mean}, expected {expected} ± {se}"
        );
        // Each draw of the team is the sum of the same draw of its reps.
        for k in [0, 17, 39_999] {
            let reps: f64 = draws.reps.values().map(|d| d[k]).sum();
            assert!((draws.team[k] - reps).abs() < 1e-9);
        }
        // The shock multiplies what is still to win: a shift of ln 2 doubles its mean.
        let shifted = simulate(
            &o,
            &Shock {
                shift: std::f64::consts::LN_2,
                ..Shock::NONE
            },
            n,
            9,
        );
        let shifted_mean = shifted.team.iter().sum::<f64>() / f64::from(n);
        assert!((shifted_mean - 200.0 - 2.0 * (mean - 200.0)).abs() < 1e-6 * mean);
    }

    #[test]
    fn the_same_seed_gives_the_same_draws() {
        let o = origin(&[(Some(0), 0.4, 10.0), (None, 0.7, 3.0)], 1.0);
        assert_eq!(
            simulate(&o, &Shock::NONE, 500, 1),
            simulate(&o, &Shock::NONE, 500, 1)
        );
        assert_ne!(
            simulate(&o, &Shock::NONE, 500, 1),
            simulate(&o, &Shock::NONE, 500, 2)
        );
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[1.0, 2.0, 3.0], 0.5), Some(2.0));
        assert_eq!(chance_at_least(&[1.0, 2.0, 3.0, 4.0], 3.0), Some(0.5));
    }
}
