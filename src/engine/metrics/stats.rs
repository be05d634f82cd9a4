//! Small-sample statistics for team context: how one rep's number reads next to the team's. It owns the
//! beta distribution's functions as the rest of the engine calls them ([`ln_gamma`], [`reg_inc_beta`],
//! [`beta_quantile`]), beta-binomial shrinkage of a rep's rate toward the team's ([`fit_prior`], [`shrink`]), a
//! metric's spread and each rep's standing across the team ([`spread`], [`standings`]), and the change from a
//! previous period, judged by the metric's direction ([`change`]).
//!
//! ln Γ comes from `statrs`. The incomplete beta's continued fraction and the quantile search stay here,
//! on top of it, because statrs's own versions were measured against 50-digit references and fall short of
//! what the tests below hold (see `statrs_beta_falls_short_where_ours_holds`):
//! - `statrs::function::beta::beta_reg` stops its continued fraction at 140 terms, but the fraction needs
//!   O(√max(a, b)) terms. It is off by 3e-7 at I_½(1e5, 1e5) (exactly ½) and gives 0.21 at I_½(1e7, 1e7).
//!   A rep with tens of thousands of trials reaches those shapes.
//! - `statrs::function::beta::inv_beta_reg` (behind `Beta::inverse_cdf`) misses the true quantile by up to
//!   1.6e-7 in the tails of skewed shapes (a = 0.02 or 0.1 with b ≥ 2), its Newton loop has no iteration cap,
//!   and `Beta::inverse_cdf` panics on q outside [0, 1].
//!
//! Everything here is a pure function that never panics: NaN, empty slices and zero counts give `None` or a
//! documented fallback, and no output is NaN.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::engine::metrics::definitions::{Direction, Verdict};

/// The strength used when the spread between reps cannot be measured (fewer than 3 reps, or reps that
/// differ no more than chance would explain).
pub const DEFAULT_STRENGTH: f64 = 20.0;
/// The least and the most strength a fitted prior may have.
pub const MIN_STRENGTH: f64 = 2.0;
pub const MAX_STRENGTH: f64 = 200.0;
/// The fewest reps with trials for which the spread between reps is fitted.
const MIN_REPS_TO_FIT: usize = 3;

// ---------------------------------------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------------------------------------

/// ln |Γ(x)|: statrs's Lanczos approximation (Pugh's, about 15 significant digits) for x ≥ ½, and the
/// reflection formula below ½, where statrs gives NaN for negative x. Poles (0, −1, −2, …), infinities and
/// NaN give `+∞`.
pub fn ln_gamma(x: f64) -> f64 {
    if !x.is_finite() || (x <= 0.0 && x == x.floor()) {
        return f64::INFINITY;
    }
    if x < 0.5 {
        // Γ(x) Γ(1 − x) = π / sin(πx)
        let sine = (PI * x).sin().abs();
        if sine == 0.0 {
            return f64::INFINITY;
        }
        return (PI / sine).ln() - ln_gamma(1.0 - x);
    }
    statrs::function::gamma::ln_gamma(x)
}

/// What a pair of beta shape parameters describes once the limits are taken.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// Both finite and positive: an ordinary beta distribution.
    Proper,
    /// All mass at 0 (a → 0 with b > 0, or b → ∞ with a finite).
    AtZero,
    /// All mass at 1 (b → 0 with a > 0, or a → ∞ with b finite).
    AtOne,
    /// NaN, or both limits at once: read as the uniform Beta(1, 1).
    Undefined,
}

fn shape(a: f64, b: f64) -> Shape {
    let proper = |v: f64| v.is_finite() && v > 0.0;
    if proper(a) && proper(b) {
        return Shape::Proper;
    }
    if a.is_nan() || b.is_nan() {
        return Shape::Undefined;
    }
    let toward_zero = a <= 0.0 || b == f64::INFINITY;
    let toward_one = b <= 0.0 || a == f64::INFINITY;
    match (toward_zero, toward_one) {
        (true, false) => Shape::AtZero,
        (false, true) => Shape::AtOne,
        _ => Shape::Undefined,
    }
}

/// ln of 1 / B(a, b).
fn ln_inv_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b)
}

/// The continued fraction for the incomplete beta function (modified Lentz, as in Numerical Recipes). This is
/// the same fraction as statrs's `beta_reg`, but without its 140-term cap (see the module's doc).
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    // Convergence takes O(√max(a, b)) terms; the cap keeps absurd inputs cheap.
    let max_terms = (200.0 + 10.0 * a.max(b).sqrt()).min(100_000.0) as u32;
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..=max_terms {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b): the CDF at `x` of Beta(a, b), by the continued
/// fraction of Numerical Recipes. `x` is clamped to [0, 1] (NaN is read as 0). Shape limits are honoured:
/// a ≤ 0 (or b = ∞) is all mass at 0, b ≤ 0 (or a = ∞) all mass at 1; NaN shapes, or both limits at once,
/// are read as the uniform Beta(1, 1). The result is always in [0, 1].
pub fn reg_inc_beta(a: f64, b: f64, x: f64) -> f64 {
    let x = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
    match shape(a, b) {
        Shape::AtZero => return 1.0,
        Shape::AtOne => return if x >= 1.0 { 1.0 } else { 0.0 },
        Shape::Undefined => return x,
        Shape::Proper => {}
    }
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_inv_beta(a, b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    let value = if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b
    };
    if value.is_nan() {
        // Only for shapes so large the arithmetic gives out: the distribution is then a step at its mean.
        return if x < a / (a + b) { 0.0 } else { 1.0 };
    }
    value.clamp(0.0, 1.0)
}

/// A first guess at the `q`-quantile of a proper Beta(a, b) (Numerical Recipes' invbetai): a normal
/// approximation when both shapes are at least 1, the tail power laws otherwise. Always strictly inside (0, 1).
fn quantile_guess(a: f64, b: f64, q: f64) -> f64 {
    let guess = if a >= 1.0 && b >= 1.0 {
        let tail = q.min(1.0 - q);
        let t = (-2.0 * tail.ln()).sqrt();
        let mut z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
        if q < 0.5 {
            z = -z;
        }
        let al = (z * z - 3.0) / 6.0;
        let h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
        let w = z * (al + h).sqrt() / h
            - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
        a / (a + b * (2.0 * w).exp())
    } else {
        let t = (a * (a / (a + b)).ln()).exp() / a;
        let u = (b * (b / (a + b)).ln()).exp() / b;
        let w = t + u;
        if q < t / w {
            (a * w * q).powf(1.0 / a)
        } else {
            1.0 - (b * w * (1.0 - q)).powf(1.0 / b)
        }
    };
    if guess > 0.0 && guess < 1.0 {
        guess
    } else {
        let mean = a / (a + b);
        if mean > 0.0 && mean < 1.0 { mean } else { 0.5 }
    }
}

/// The `q`-quantile of Beta(a, b): the x with I_x(a, b) = q, by Newton steps kept inside a bisection
/// bracket (accurate to well under 1e-9). `q` is clamped to [0, 1] (NaN is read as 0); the shape limits
/// are those of [`reg_inc_beta`] (all mass at 0 gives 0, at 1 gives 1, undefined gives `q`).
pub fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
    match shape(a, b) {
        Shape::AtZero => return 0.0,
        Shape::AtOne => return 1.0,
        Shape::Undefined => return q,
        Shape::Proper => {}
    }
    if q <= 0.0 {
        return 0.0;
    }
    if q >= 1.0 {
        return 1.0;
    }
    let ln_norm = ln_inv_beta(a, b);
    let (mut low, mut high) = (0.0_f64, 1.0_f64);
    let mut x = quantile_guess(a, b, q);
    let mut last_miss = f64::INFINITY;
    let mut best = (f64::INFINITY, x);
    for _ in 0..300 {
        let miss = reg_inc_beta(a, b, x) - q;
        if miss.abs() < best.0 {
            best = (miss.abs(), x);
        }
        if miss == 0.0 {
            break;
        }
        // Far in a tail the steps can crawl: whenever the miss has not at least halved, bisect instead.
        let crawling = miss.abs() > 0.5 * last_miss;
        last_miss = miss.abs();
        if miss < 0.0 {
            low = x;
        } else {
            high = x;
        }
        // A Halley step (Numerical Recipes' invbetai), kept inside the bracket; otherwise bisect.
        let density = (ln_norm + (a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln()).exp();
        let mut next = f64::NAN;
        if !crawling && density.is_finite() && density > 0.0 {
            let newton = miss / density;
            let curve = (newton * ((a - 1.0) / x - (b - 1.0) / (1.0 - x))).min(1.0);
            next = x - newton / (1.0 - 0.5 * curve);
        }
        if !(next > low && next < high) {
            next = 0.5 * (low + high);
        }
        let moved = (next - x).abs();
        x = next;
        // Relative to the distance from the nearer end, where the precision is.
        let tolerance = 1e-13 * x.min(1.0 - x);
        if moved <= tolerance || high - low <= tolerance {
            if (reg_inc_beta(a, b, x) - q).abs() < best.0 {
                best.1 = x;
            }
            break;
        }
    }
    best.1.clamp(0.0, 1.0)
}

// ---------------------------------------------------------------------------------------------------------
// Beta-binomial shrinkage
// ---------------------------------------------------------------------------------------------------------

/// A team prior for a rate: Beta(mean · strength, (1 − mean) · strength). `strength` is how many trials of
/// evidence the team rate counts as when a rep's own rate is pulled toward it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prior {
    pub mean: f64,
    pub strength: f64,
    /// A sentence saying how the prior was fitted.
    pub from: String,
}

/// Fits a team prior to per-rep `(successes, trials)` by the method of moments. Reps without trials are
/// left out; successes above trials count as trials. The mean is the pooled rate (total successes over
/// total trials). The spread between reps is their trial-weighted variance of rates minus the part that
/// binomial chance alone explains; strength = mean (1 − mean) / spread − 1, clamped to [2, 200]. With
/// fewer than 3 reps, or reps that differ no more than chance explains, the strength is 20 and `from`
/// says so. `None` when there are no trials at all.
pub fn fit_prior(samples: &[(u64, u64)]) -> Option<Prior> {
    let reps: Vec<(f64, f64)> = samples
        .iter()
        .filter(|&&(_, trials)| trials > 0)
        .map(|&(successes, trials)| (successes.min(trials) as f64, trials as f64))
        .collect();
    if reps.is_empty() {
        return None;
    }
    let successes: f64 = reps.iter().map(|&(s, _)| s).sum();
    let trials: f64 = reps.iter().map(|&(_, n)| n).sum();
    let mean = (successes / trials).clamp(0.0, 1.0);
    let count = reps.len();
    let team = format!(
        "The team rate is {:.1}% ({} of {} across {} rep{})",
        100.0 * mean,
        successes,
        trials,
        count,
        if count == 1 { "" } else { "s" }
    );
    let fallback = |why: &str| Prior {
        mean,
        strength: DEFAULT_STRENGTH,
        from: format!(
            "{team}; {why}, so the default strength of {DEFAULT_STRENGTH} trials is used."
        ),
    };
    if count < MIN_REPS_TO_FIT {
        return Some(fallback(&format!(
            "with fewer than {MIN_REPS_TO_FIT} reps the spread between reps cannot be measured"
        )));
    }
    // E[Σ nᵢ (pᵢ − p̄)²] = (k − 1) p(1 − p) + τ² (N − Σ nᵢ² / N), with τ² the variance between reps.
    let scatter: f64 = reps.iter().map(|&(s, n)| n * (s / n - mean).powi(2)).sum();
    let chance = mean * (1.0 - mean) * (count - 1) as f64;
    let effective = trials - reps.iter().map(|&(_, n)| n * n).sum::<f64>() / trials;
    let between = (scatter - chance) / effective;
    if !(effective > 0.0 && between > 0.0 && between.is_finite()) {
        return Some(fallback(
            "reps differ no more than chance alone would explain",
        ));
    }
    let fitted = mean * (1.0 - mean) / between - 1.0;
    let strength = if fitted.is_nan() {
        DEFAULT_STRENGTH
    } else {
        fitted.clamp(MIN_STRENGTH, MAX_STRENGTH)
    };
    let clamped = if fitted < MIN_STRENGTH {
        format!(" (fitted {fitted:.1}, raised to the least allowed, {MIN_STRENGTH})")
    } else if fitted > MAX_STRENGTH {
        format!(" (fitted {fitted:.0}, lowered to the most allowed, {MAX_STRENGTH})")
    } else {
        String::new()
    };
    Some(Prior {
        mean,
        strength,
        from: format!(
            "{team}; from how much reps differ beyond chance (method of moments), a rep's rate is pulled \
             toward it as if by {strength:.1} more trials at the team rate{clamped}."
        ),
    })
}

/// A rep's rate shrunk toward the team prior, with an 80% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shrunk {
    /// successes / trials; `None` without trials.
    pub raw: Option<f64>,
    /// The posterior mean.
    pub rate: f64,
    /// The 10th and 90th percentiles of the posterior.
    pub low80: f64,
    pub high80: f64,
    /// The trials behind it.
    pub n: u64,
}

/// The posterior Beta(successes + mean · strength, trials − successes + (1 − mean) · strength): its mean as
/// the rate and its 10th–90th percentiles as the 80% interval. Successes above trials count as trials. A
/// prior mean outside [0, 1] is clamped (NaN read as ½) and a negative or NaN strength read as 0; an
/// infinite strength pins the rate to the prior mean. With no trials and no strength the rate is the prior
/// mean and the interval all of [0, 1]. (For extremely skewed posteriors — a prior mean very near 0 or 1
/// with little data — the mean can fall outside the 10th–90th percentiles.)
pub fn shrink(successes: u64, trials: u64, prior: &Prior) -> Shrunk {
    let successes = successes.min(trials);
    let raw = (trials > 0).then(|| successes as f64 / trials as f64);
    let mean = if prior.mean.is_nan() {
        0.5
    } else {
        prior.mean.clamp(0.0, 1.0)
    };
    let strength = if prior.strength > 0.0 {
        prior.strength
    } else {
        0.0
    };
    if strength.is_infinite() {
        return Shrunk {
            raw,
            rate: mean,
            low80: mean,
            high80: mean,
            n: trials,
        };
    }
    let a = successes as f64 + mean * strength;
    let b = (trials - successes) as f64 + (1.0 - mean) * strength;
    if a + b <= 0.0 {
        return Shrunk {
            raw,
            rate: mean,
            low80: 0.0,
            high80: 1.0,
            n: trials,
        };
    }
    let rate = (a / (a + b)).clamp(0.0, 1.0);
    Shrunk {
        raw,
        rate: if rate.is_nan() { mean } else { rate },
        low80: beta_quantile(a, b, 0.1),
        high80: beta_quantile(a, b, 0.9),
        n: trials,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Team context of one metric
// ---------------------------------------------------------------------------------------------------------

/// Where one rep stands on a metric among the reps who have a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// 1 = best; ties share the best rank (1, 1, 3).
    pub rank: u32,
    /// How many reps have a value.
    pub of: u32,
    /// The share of the other reps this one is strictly better than, plus half the ties, × 100
    /// (0..=100, 100 = best; a single rep gets 100).
    pub percentile: f64,
    /// −1 … +1 from the percentile (+1 best, 0 the middle), for shading against peers; `None` when fewer than
    /// [`MIN_SHADE_PEERS`] reps have a value, too few for a shade to mean anything.
    #[serde(default)]
    pub against_peers: Option<f64>,
}

/// Reps with a value needed before a standing is shaded against peers.
pub const MIN_SHADE_PEERS: u32 = 3;

/// A metric's middle and top-quartile values across the reps who have one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// The lower median (the smaller of the two middle values when their number is even).
    pub median: Option<f64>,
    /// The value at the 75th percentile in the better direction, nearest rank: sorted from worst to best,
    /// the value at rank ⌈0.75 n⌉.
    pub top_quartile: Option<f64>,
    /// How many reps have a value.
    pub n: u32,
}

/// The finite values, ascending. NaN and infinities count as missing.
fn valued_ascending(values: &[Option<f64>]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    sorted.sort_by(f64::total_cmp);
    sorted
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The median and top quartile of a metric across reps. `None`, NaN and infinite values are left out.
pub fn spread(values: &[Option<f64>], higher_is_better: bool) -> Spread {
    let sorted = valued_ascending(values);
    let n = sorted.len();
    if n == 0 {
        return Spread {
            median: None,
            top_quartile: None,
            n: 0,
        };
    }
    let median = sorted[(n - 1) / 2];
    // Nearest rank from the worst end: rank ⌈0.75 n⌉, between 1 and n.
    let rank = (3 * n).div_ceil(4).clamp(1, n);
    let top_quartile = if higher_is_better {
        sorted[rank - 1]
    } else {
        sorted[n - rank]
    };
    Spread {
        median: Some(median),
        top_quartile: Some(top_quartile),
        n: count_u32(n),
    }
}

/// Each rep's standing on a metric, in the order given. `None`, NaN and infinite values get no standing
/// and are not counted in `of`.
pub fn standings(values: &[Option<f64>], higher_is_better: bool) -> Vec<Option<Standing>> {
    let sorted = valued_ascending(values);
    let of = sorted.len();
    values
        .iter()
        .map(|value| {
            let v = value.filter(|v| v.is_finite())?;
            let below = sorted.partition_point(|&w| w < v);
            let at_or_below = sorted.partition_point(|&w| w <= v);
            let above = of - at_or_below;
            let ties = at_or_below - below - 1;
            let (better_than, worse_than) = if higher_is_better {
                (below, above)
            } else {
                (above, below)
            };
            let percentile = if of <= 1 {
                100.0
            } else {
                100.0 * (better_than as f64 + 0.5 * ties as f64) / (of - 1) as f64
            };
            let of = count_u32(of);
            Some(Standing {
                rank: count_u32(worse_than + 1),
                of,
                percentile,
                against_peers: (of >= MIN_SHADE_PEERS).then(|| (percentile - 50.0) / 50.0),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// Change from a previous period
// ---------------------------------------------------------------------------------------------------------

/// How a number moved from the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub previous: f64,
    /// current − previous.
    pub delta: f64,
    /// current / previous; `None` when previous is 0.
    pub ratio: Option<f64>,
    /// Whether the move is better or worse, by the metric's direction.
    pub verdict: Verdict,
}

/// The change from `previous` to `current`, judged by `direction`; `None` unless both are present and finite.
pub fn change(current: Option<f64>, previous: Option<f64>, direction: Direction) -> Option<Change> {
    let current = current.filter(|v| v.is_finite())?;
    let previous = previous.filter(|v| v.is_finite())?;
    let delta = current - previous;
    Some(Change {
        previous,
        delta,
        ratio: (previous != 0.0).then(|| current / previous),
        verdict: direction.judge(delta),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
        (actual - expected).abs() <= tolerance
    }

    /// I_x(a, b) for whole a, b: P(at least a successes in a + b − 1 trials at rate x).
    fn binomial_sum(a: u32, b: u32, x: f64) -> f64 {
        let n = a + b - 1;
        let mut choose = 1.0_f64; // C(n, j)
        let mut total = 0.0;
        for j in 0..=n {
            if j >= a {
                total += choose * x.powi(j as i32) * (1.0 - x).powi((n - j) as i32);
            }
            choose = choose * f64::from(n - j) / f64::from(j + 1);
        }
        total
    }

    fn prior(mean: f64, strength: f64) -> Prior {
        Prior {
            mean,
            strength,
            from: "test".to_owned(),
        }
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half() {
        let mut factorial = 1.0_f64;
        for n in 1..=30 {
            // Γ(n) = (n − 1)!
            let expected = factorial.ln();
            let got = ln_gamma(f64::from(n));
            assert!(
                close(got, expected, 1e-12 * expected.abs().max(1.0)),
                "n = {n}: {got} vs {expected}"
            );
            factorial *= f64::from(n);
        }
        assert!(close(ln_gamma(0.5), PI.sqrt().ln(), 1e-13));
        // Γ(−0.5) = −2√π
        assert!(close(ln_gamma(-0.5), (2.0 * PI.sqrt()).ln(), 1e-13));
        for pole in [0.0, -1.0, -7.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(ln_gamma(pole), f64::INFINITY, "{pole}");
        }
    }

    #[test]
    fn reg_inc_beta_known_values() {
        assert!(close(reg_inc_beta(2.0, 3.0, 0.5), 0.6875, 1e-13));
        // I_0.3(2, 5) = 23193 / 40000 exactly.
        assert!(close(
            reg_inc_beta(2.0, 5.0, 0.3),
            23_193.0 / 40_000.0,
            1e-13
        ));
        assert!(close(reg_inc_beta(2.0, 5.0, 0.3), 0.579825, 1e-12));
    }

    #[test]
    fn reg_inc_beta_of_uniform_is_identity() {
        for i in 0..=100 {
            let x = f64::from(i) / 100.0;
            assert!(close(reg_inc_beta(1.0, 1.0, x), x, 1e-14), "x = {x}");
        }
    }

    #[test]
    fn reg_inc_beta_reflects() {
        for (a, b) in [
            (0.3, 4.2),
            (2.5, 0.7),
            (7.25, 13.5),
            (120.0, 35.5),
            (0.05, 0.05),
        ] {
            for x in [0.01, 0.2, 0.5, 0.77, 0.99] {
                let left = reg_inc_beta(a, b, x);
                let right = 1.0 - reg_inc_beta(b, a, 1.0 - x);
                assert!(
                    close(left, right, 1e-13),
                    "a={a} b={b} x={x}: {left} vs {right}"
                );
            }
        }
    }

    #[test]
    fn reg_inc_beta_matches_binomial_sums() {
        for a in 1..=15 {
            for b in 1..=15 {
                for i in 1..20 {
                    let x = f64::from(i) / 20.0;
                    let expected = binomial_sum(a, b, x);
                    let got = reg_inc_beta(f64::from(a), f64::from(b), x);
                    assert!(
                        close(got, expected, 1e-12),
                        "a={a} b={b} x={x}: {got} vs {expected}"
                    );
                }
            }
        }
    }

    #[test]
    fn reg_inc_beta_edges_stay_in_range() {
        assert_eq!(reg_inc_beta(2.0, 3.0, -1.0), 0.0);
        assert_eq!(reg_inc_beta(2.0, 3.0, 2.0), 1.0);
        assert_eq!(reg_inc_beta(2.0, 3.0, f64::NAN), 0.0);
        // All mass at 0, at 1, and undefined (read as uniform).
        assert_eq!(reg_inc_beta(0.0, 3.0, 0.4), 1.0);
        assert_eq!(reg_inc_beta(3.0, f64::INFINITY, 0.4), 1.0);
        assert_eq!(reg_inc_beta(3.0, 0.0, 0.4), 0.0);
        assert_eq!(reg_inc_beta(3.0, 0.0, 1.0), 1.0);
        assert_eq!(reg_inc_beta(f64::NAN, 3.0, 0.4), 0.4);
        assert_eq!(reg_inc_beta(0.0, 0.0, 0.4), 0.4);
        for (a, b) in [(1e-300, 1.0), (1e12, 1e12), (1e15, 3.0), (-5.0, -5.0)] {
            for x in [0.0, 1e-9, 0.3, 0.5, 0.999_999, 1.0] {
                let v = reg_inc_beta(a, b, x);
                assert!((0.0..=1.0).contains(&v), "a={a} b={b} x={x}: {v}");
            }
        }
    }

    #[test]
    fn beta_quantile_round_trips() {
        let shapes = [
            (0.05, 0.05),
            (0.3, 8.0),
            (0.5, 0.5),
            (1.0, 1.0),
            (2.0, 3.0),
            (3.7, 1.2),
            (26.0, 4.0),
            (7.0, 14.0),
            (250.5, 749.5),
            (10_000.0, 3.0),
            (40_000.5, 60_000.5),
        ];
        let qs = [1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0 - 1e-6];
        for (a, b) in shapes {
            for q in qs {
                let x = beta_quantile(a, b, q);
                // The true quantile lies within 1e-12 of x (the CDF is increasing).
                let below = reg_inc_beta(a, b, x - 1e-12);
                let above = reg_inc_beta(a, b, x + 1e-12);
                assert!(
                    below <= q + 1e-13 && q <= above + 1e-13,
                    "a={a} b={b} q={q}: x={x} brackets {below}..{above}"
                );
                // Where the quantile is not crowded against 0 or 1, it also maps back to q.
                if a >= 0.5 && b >= 0.5 {
                    let back = reg_inc_beta(a, b, x);
                    assert!(
                        close(back, q, 1e-10),
                        "a={a} b={b} q={q}: x={x} gives {back}"
                    );
                }
            }
        }
    }

    #[test]
    fn beta_quantile_holds_across_shapes() {
        let grid = [
            0.02, 0.1, 0.5, 1.0, 2.0, 7.5, 40.0, 300.0, 5_000.0, 100_000.0,
        ];
        for a in grid {
            for b in grid {
                for i in 0..=40 {
                    let q = (f64::from(i) / 40.0).clamp(1e-9, 1.0 - 1e-9);
                    let x = beta_quantile(a, b, q);
                    let below = reg_inc_beta(a, b, x - 1e-10);
                    let above = reg_inc_beta(a, b, x + 1e-10);
                    assert!(
                        below <= q + 1e-12 && q <= above + 1e-12,
                        "a={a} b={b} q={q}: x={x} brackets {below}..{above}"
                    );
                }
            }
        }
    }

    #[test]
    fn beta_quantile_matches_closed_forms() {
        for q in [0.001_f64, 0.1, 0.37, 0.5, 0.9, 0.999] {
            // Beta(a, 1): F(x) = x^a; Beta(1, b): F(x) = 1 − (1 − x)^b.
            for a in [0.2, 1.0, 2.0, 5.5] {
                let expected = q.powf(1.0 / a);
                assert!(
                    close(beta_quantile(a, 1.0, q), expected, 1e-9),
                    "a={a} q={q}"
                );
                let expected = 1.0 - (1.0 - q).powf(1.0 / a);
                assert!(
                    close(beta_quantile(1.0, a, q), expected, 1e-9),
                    "b={a} q={q}"
                );
            }
        }
    }

    #[test]
    fn uniform_80_interval_is_tenth_to_ninetieth() {
        assert!(close(beta_quantile(1.0, 1.0, 0.1), 0.1, 1e-12));
        assert!(close(beta_quantile(1.0, 1.0, 0.9), 0.9, 1e-12));
        // Symmetric shapes have the median at ½.
        assert!(close(beta_quantile(7.5, 7.5, 0.5), 0.5, 1e-12));
    }

    #[test]
    fn beta_quantile_edges() {
        assert_eq!(beta_quantile(2.0, 3.0, 0.0), 0.0);
        assert_eq!(beta_quantile(2.0, 3.0, 1.0), 1.0);
        assert_eq!(beta_quantile(2.0, 3.0, -3.0), 0.0);
        assert_eq!(beta_quantile(2.0, 3.0, 7.0), 1.0);
        assert_eq!(beta_quantile(2.0, 3.0, f64::NAN), 0.0);
        assert_eq!(beta_quantile(0.0, 3.0, 0.9), 0.0);
        assert_eq!(beta_quantile(3.0, 0.0, 0.1), 1.0);
        assert_eq!(beta_quantile(f64::NAN, f64::NAN, 0.3), 0.3);
        let huge = beta_quantile(1e13, 1e13, 0.9);
        assert!(close(huge, 0.5, 1e-3), "{huge}");
    }

    /// What ln_gamma, beta_quantile and reg_inc_beta gave before ln Γ came from statrs (the Lanczos g = 7
    /// version): (x, ln Γ(x)), and (a, b, q, the q-quantile x, I_x(a, b)).
    const LN_GAMMA_BEFORE: [(f64, f64); 12] = [
        (0.001, 6.907178885383853),
        (0.1, 2.252712651734206),
        (0.5, 0.5723649429246995),
        (1.5, -0.12078223763524498),
        (3.3, 0.9870985778947361),
        (10.0, 12.801827480081474),
        (57.5, 174.37212981874512),
        (1000.0, 5905.220423209181),
        (100000.0, 1051287.7089736569),
        (10000000.0, 151180949.3694739),
        (-0.5, 1.2655121234846451),
        (-2.5, -0.056243716497675456),
    ];
    const BETA_BEFORE: [(f64, f64, f64, f64, f64); 45] = [
        (
            0.05,
            0.05,
            0.001,
            9.711823602719965e-55,
            0.0010000000000000009,
        ),
        (0.05, 0.05, 0.1, 9.711823602720007e-15, 0.10000000000000003),
        (0.05, 0.05, 0.5, 0.49999999999999944, 0.5000000000000003),
        (0.05, 0.05, 0.9, 0.9999999999999903, 0.9000272969109495),
        (0.05, 0.05, 0.999, 1.0, 1.0),
        (
            0.3,
            8.0,
            0.001,
            9.108752708074071e-12,
            0.0010000000000000002,
        ),
        (0.3, 8.0, 0.1, 4.2288712895514586e-5, 0.09999999999999998),
        (0.3, 8.0, 0.5, 0.009507618577490553, 0.4999999999999999),
        (0.3, 8.0, 0.9, 0.1091115907050952, 0.8999999999999999),
        (0.3, 8.0, 0.999, 0.45229652806382553, 0.999),
        (2.0, 3.0, 0.001, 0.01302294737081429, 0.0010000000000000009),
        (2.0, 3.0, 0.1, 0.14255931671003097, 0.1),
        (2.0, 3.0, 0.5, 0.3857275681323904, 0.49999999999999994),
        (2.0, 3.0, 0.9, 0.6795394162781814, 0.9),
        (2.0, 3.0, 0.999, 0.9359618608971664, 0.999),
        (7.0, 14.0, 0.001, 0.08623410669514452, 0.0009999999999999987),
        (7.0, 14.0, 0.1, 0.206664033282847, 0.10000000000000023),
        (7.0, 14.0, 0.5, 0.3279519072025623, 0.4999999999999999),
        (7.0, 14.0, 0.9, 0.4672669786653304, 0.8999999999999998),
        (7.0, 14.0, 0.999, 0.6628379572339747, 0.999),
        (26.0, 4.0, 0.001, 0.6210066479289514, 0.0009999999999999994),
        (26.0, 4.0, 0.1, 0.7839516076904616, 0.0999999999999999),
        (26.0, 4.0, 0.5, 0.87483380053685, 0.5000000000000002),
        (26.0, 4.0, 0.9, 0.9384581220431544, 0.8999999999999999),
        (26.0, 4.0, 0.999, 0.9845232816986279, 0.999),
        (
            250.5,
            749.5,
            0.001,
            0.2096626987779419,
            0.0009999999999999135,
        ),
        (250.5, 749.5, 0.1, 0.23305323827701807, 0.10000000000000404),
        (250.5, 749.5, 0.5, 0.25033361327792314, 0.49999999999998757),
        (250.5, 749.5, 0.9, 0.2681607604446617, 0.899999999999993),
        (250.5, 749.5, 0.999, 0.29417581081664107, 0.999),
        (
            3000.0,
            7000.0,
            0.001,
            0.285955698583753,
            0.0010000000000001629,
        ),
        (
            3000.0,
            7000.0,
            0.1,
            0.29413592007338296,
            0.09999999999998158,
        ),
        (3000.0, 7000.0, 0.5, 0.2999866661935893, 0.5000000000002852),
        (3000.0, 7000.0, 0.9, 0.305881212353038, 0.8999999999998819),
        (
            3000.0,
            7000.0,
            0.999,
            0.3142722456763514,
            0.9989999999999993,
        ),
        (
            40000.5,
            60000.5,
            0.001,
            0.3952194558582769,
            0.000999999999999283,
        ),
        (
            40000.5,
            60000.5,
            0.1,
            0.3980160698694072,
            0.1000000000003671,
        ),
        (
            40000.5,
            60000.5,
            0.5,
            0.40000033333432927,
            0.5000000000018053,
        ),
        (
            40000.5,
            60000.5,
            0.9,
            0.4019867866049942,
            0.8999999999997699,
        ),
        (
            40000.5,
            60000.5,
            0.999,
            0.40479394306743244,
            0.9990000000000012,
        ),
        (
            100000.0,
            100000.0,
            0.001,
            0.4965450521712684,
            0.0009999999999945833,
        ),
        (
            100000.0,
            100000.0,
            0.1,
            0.49856718294149444,
            0.10000000000096437,
        ),
        (
            100000.0,
            100000.0,
            0.5,
            0.5000000000008893,
            0.4999999999999821,
        ),
        (
            100000.0,
            100000.0,
            0.9,
            0.5014328170585031,
            0.8999999999989364,
        ),
        (
            100000.0,
            100000.0,
            0.999,
            0.5034549478287361,
            0.9990000000000064,
        ),
    ];

    /// The switch to statrs's ln Γ moves ln Γ by under 3e-15 relative on this grid (tolerance 1e-14). That
    /// reaches I_x through exp(ln Γ(a + b) − ln Γ(a) − ln Γ(b) + …), whose terms grow like (a + b) ln(a + b),
    /// so the tolerance for I_x is 1e-13 + 1e-15 × (1 + |ln Γ(a + b)| + |ln Γ(a)| + |ln Γ(b)|). Measured: I_x
    /// moved by 7e-10 at Beta(1e5, 1e5) (tolerance 4.4e-9), 6e-11 at Beta(40000.5, 60000.5), 1e-11 at
    /// Beta(3000, 7000) and under 4e-14 for the small shapes. For a quantile the tolerance is that over the
    /// density, plus 1e-12 of the distance to the nearer end; the quantiles moved by under 1e-12 everywhere.
    #[test]
    fn values_match_those_before_statrs() {
        for (x, before) in LN_GAMMA_BEFORE {
            let now = ln_gamma(x);
            assert!(
                close(now, before, 1e-14 * before.abs().max(1.0)),
                "ln_gamma({x}): {now} was {before}"
            );
        }
        for (a, b, q, x_before, i_before) in BETA_BEFORE {
            let scale = 1.0 + ln_gamma(a + b).abs() + ln_gamma(a).abs() + ln_gamma(b).abs();
            let i_now = reg_inc_beta(a, b, x_before);
            assert!(
                close(i_now, i_before, 1e-13 + 1e-15 * scale),
                "I_{x_before}({a}, {b}): {i_now} was {i_before}"
            );
            let density =
                (ln_inv_beta(a, b) + (a - 1.0) * x_before.ln() + (b - 1.0) * (1.0 - x_before).ln())
                    .exp();
            let x_now = beta_quantile(a, b, q);
            let allowed = (1e-13 + 1e-15 * scale) / density + 1e-12 * x_before.min(1.0 - x_before);
            assert!(
                close(x_now, x_before, allowed),
                "the {q}-quantile of Beta({a}, {b}): {x_now} was {x_before} (allowed {allowed:e})"
            );
        }
    }

    /// Why reg_inc_beta and beta_quantile are not statrs's own (the module's doc). If this fails after a
    /// statrs upgrade, statrs now holds here: move reg_inc_beta onto `beta_reg`, or beta_quantile onto
    /// `inv_beta_reg`, and drop the routine it replaces.
    #[test]
    fn statrs_beta_falls_short_where_ours_holds() {
        // I_½(a, a) = ½ exactly, by symmetry.
        let ours = reg_inc_beta(1e5, 1e5, 0.5);
        let theirs = statrs::function::beta::beta_reg(1e5, 1e5, 0.5);
        assert!(close(ours, 0.5, 1e-9), "ours: {ours}");
        assert!(
            !close(theirs, 0.5, 1e-8),
            "statrs's beta_reg now holds: {theirs}"
        );
        let brackets = |x: f64, q: f64| {
            reg_inc_beta(0.1, 5_000.0, x - 1e-10) <= q + 1e-12
                && q <= reg_inc_beta(0.1, 5_000.0, x + 1e-10) + 1e-12
        };
        let qs: Vec<f64> = (1..40).map(|i| f64::from(i) / 40.0).collect();
        let misses = |quantile: &dyn Fn(f64) -> f64| {
            qs.iter().filter(|&&q| !brackets(quantile(q), q)).count()
        };
        assert_eq!(misses(&|q| beta_quantile(0.1, 5_000.0, q)), 0);
        let theirs = misses(&|q| statrs::function::beta::inv_beta_reg(0.1, 5_000.0, q));
        assert!(
            theirs > 0,
            "statrs's inv_beta_reg now brackets every quantile of Beta(0.1, 5000)"
        );
    }

    #[test]
    fn shrink_without_trials_is_the_prior_mean() {
        let s = shrink(0, 0, &prior(0.3, 20.0));
        assert_eq!(s.raw, None);
        assert_eq!(s.n, 0);
        assert!(close(s.rate, 0.3, 1e-15));
        assert!(s.low80 < 0.3 && 0.3 < s.high80, "{s:?}");
    }

    #[test]
    fn shrink_one_of_one_toward_thirty_percent() {
        let s = shrink(1, 1, &prior(0.3, 20.0));
        assert_eq!(s.raw, Some(1.0));
        assert_eq!(s.n, 1);
        assert!(close(s.rate, 7.0 / 21.0, 1e-12), "{s:?}");
        // The interval is the posterior Beta(7, 14)'s 10th and 90th percentiles.
        assert!(close(reg_inc_beta(7.0, 14.0, s.low80), 0.1, 1e-10));
        assert!(close(reg_inc_beta(7.0, 14.0, s.high80), 0.9, 1e-10));
    }

    #[test]
    fn intervals_contain_the_rate_and_narrow_with_trials() {
        let p = prior(0.25, 20.0);
        let mut width = f64::INFINITY;
        for n in [0_u64, 5, 10, 100, 1_000, 100_000] {
            let s = shrink(n * 3 / 10, n, &p);
            assert!(s.low80 <= s.rate && s.rate <= s.high80, "n = {n}: {s:?}");
            let w = s.high80 - s.low80;
            assert!(w < width, "n = {n}: width {w} not below {width}");
            width = w;
        }
        assert!(width < 0.01);
    }

    #[test]
    fn shrink_clamps_successes_to_trials() {
        let p = prior(0.3, 20.0);
        assert_eq!(shrink(5, 3, &p), shrink(3, 3, &p));
        assert_eq!(shrink(5, 3, &p).raw, Some(1.0));
    }

    #[test]
    fn shrink_survives_degenerate_priors_and_huge_counts() {
        // Every rep had zero successes: the posterior without successes is all at 0.
        let s = shrink(0, 10, &prior(0.0, 20.0));
        assert_eq!((s.rate, s.low80, s.high80), (0.0, 0.0, 0.0));
        let odd = [
            prior(f64::NAN, 20.0),
            prior(1.5, 20.0),
            prior(0.3, f64::NAN),
            prior(0.3, -4.0),
            prior(0.3, 0.0),
            prior(0.3, f64::INFINITY),
        ];
        for p in &odd {
            for (k, n) in [(0, 0), (0, 5), (5, 5), (2, 9), (u64::MAX / 2, u64::MAX)] {
                let s = shrink(k, n, p);
                for v in [s.rate, s.low80, s.high80] {
                    assert!((0.0..=1.0).contains(&v), "{p:?} {k}/{n}: {s:?}");
                }
                assert!(s.low80 <= s.high80, "{p:?} {k}/{n}: {s:?}");
            }
        }
        let s = shrink(0, 0, &prior(0.3, 0.0));
        assert_eq!((s.rate, s.low80, s.high80), (0.3, 0.0, 1.0));
        let s = shrink(9, 10, &prior(0.3, f64::INFINITY));
        assert_eq!((s.rate, s.low80, s.high80), (0.3, 0.3, 0.3));
        let s = shrink(u64::MAX / 2, u64::MAX, &prior(0.3, 20.0));
        assert!(close(s.rate, 0.5, 1e-9), "{s:?}");
    }

    #[test]
    fn fit_prior_needs_trials() {
        assert_eq!(fit_prior(&[]), None);
        assert_eq!(fit_prior(&[(0, 0), (3, 0)]), None);
    }

    #[test]
    fn fit_prior_on_identical_rates_falls_back_and_says_so() {
        let p = fit_prior(&[(3, 10), (6, 20), (30, 100), (0, 0)]).unwrap();
        assert!(close(p.mean, 0.3, 1e-15));
        assert_eq!(p.strength, DEFAULT_STRENGTH);
        assert!(p.from.contains("no more than chance"), "{}", p.from);
        assert!(p.from.contains("default strength of 20"), "{}", p.from);
        assert!(p.from.contains("3 reps"), "{}", p.from);
    }

    #[test]
    fn fit_prior_with_few_reps_falls_back_and_says_so() {
        let p = fit_prior(&[(1, 10), (9, 10)]).unwrap();
        assert!(close(p.mean, 0.5, 1e-15));
        assert_eq!(p.strength, DEFAULT_STRENGTH);
        assert!(p.from.contains("fewer than 3 reps"), "{}", p.from);
        assert!(p.from.contains("default strength of 20"), "{}", p.from);
    }

    #[test]
    fn fit_prior_pools_the_mean_and_clamps_successes() {
        // 2 + 8 (clamped from 12) + 50 successes over 10 + 8 + 200 trials.
        let p = fit_prior(&[(2, 10), (12, 8), (50, 200)]).unwrap();
        assert!(close(p.mean, 60.0 / 218.0, 1e-15), "{p:?}");
    }

    #[test]
    fn fit_prior_recovers_the_spread_between_reps() {
        // With a million trials each, chance is negligible: the rates 10%, 30%, 50% have variance 0.04
        // (over k − 1), so strength = 0.3 · 0.7 / 0.04 − 1 = 4.25.
        let p = fit_prior(&[
            (100_000, 1_000_000),
            (300_000, 1_000_000),
            (500_000, 1_000_000),
        ])
        .unwrap();
        assert!(close(p.mean, 0.3, 1e-12));
        assert!(close(p.strength, 4.25, 1e-3), "{p:?}");
        assert!(p.from.contains("method of moments"), "{}", p.from);
        assert!(!p.from.contains("default"), "{}", p.from);
    }

    #[test]
    fn fit_prior_clamps_strength() {
        // Nearly identical rates over many trials: strength beyond 200.
        let p = fit_prior(&[
            (28_000, 100_000),
            (30_000, 100_000),
            (32_000, 100_000),
            (30_000, 100_000),
        ]);
        let p = p.unwrap();
        assert_eq!(p.strength, MAX_STRENGTH, "{p:?}");
        assert!(p.from.contains("most allowed"), "{}", p.from);
        // All-or-nothing reps: spread as wide as it gets, strength below 2.
        let p = fit_prior(&[(0, 1_000), (1_000, 1_000), (0, 1_000), (1_000, 1_000)]).unwrap();
        assert_eq!(p.strength, MIN_STRENGTH, "{p:?}");
        assert!(p.from.contains("least allowed"), "{}", p.from);
    }

    #[test]
    fn standings_share_ties_and_skip_missing() {
        let values = [
            Some(5.0),
            None,
            Some(7.0),
            Some(5.0),
            Some(3.0),
            Some(f64::NAN),
        ];
        let got = standings(&values, true);
        let at = |rank, percentile| {
            Some(Standing {
                rank,
                of: 4,
                percentile,
                against_peers: Some((percentile - 50.0) / 50.0),
            })
        };
        assert_eq!(
            got,
            vec![
                at(2, 50.0),
                None,
                at(1, 100.0),
                at(2, 50.0),
                at(4, 0.0),
                None
            ]
        );
        // The shade: +1 for the best of four, −1 for the worst, 0 for the tied middle.
        let shades: Vec<Option<f64>> = got.iter().flatten().map(|s| s.against_peers).collect();
        assert_eq!(shades, [Some(0.0), Some(1.0), Some(0.0), Some(-1.0)]);
        // Two reps are too few to shade.
        let two = standings(&[Some(1.0), Some(2.0)], true);
        assert!(two.iter().flatten().all(|s| s.against_peers.is_none()));
        // Lower is better: 3 leads, the 5s tie for second, 7 trails.
        let got = standings(&values, false);
        assert_eq!(
            got,
            vec![
                at(2, 50.0),
                None,
                at(4, 0.0),
                at(2, 50.0),
                at(1, 100.0),
                None
            ]
        );
    }

    #[test]
    fn standings_of_one_and_of_all_tied() {
        assert_eq!(
            standings(&[None, Some(0.4)], true),
            vec![
                None,
                Some(Standing {
                    rank: 1,
                    of: 1,
                    percentile: 100.0,
                    // One rep: no peers to shade against.
                    against_peers: None,
                })
            ]
        );
        let tied = standings(&[Some(1.0), Some(1.0), Some(1.0)], false);
        for s in tied {
            assert_eq!(
                s,
                Some(Standing {
                    rank: 1,
                    of: 3,
                    percentile: 50.0,
                    against_peers: Some(0.0),
                })
            );
        }
        assert!(standings(&[], true).is_empty());
    }

    #[test]
    fn spread_in_both_directions() {
        let values: Vec<Option<f64>> = [None, Some(8.0), Some(1.0), Some(f64::NAN)]
            .into_iter()
            .chain((2..=7).map(|v| Some(f64::from(v))))
            .collect();
        // 1..=8: lower median 4; from the worst end rank ⌈6⌉ = 6.
        let up = spread(&values, true);
        assert_eq!(
            up,
            Spread {
                median: Some(4.0),
                top_quartile: Some(6.0),
                n: 8
            }
        );
        let down = spread(&values, false);
        assert_eq!(
            down,
            Spread {
                median: Some(4.0),
                top_quartile: Some(3.0),
                n: 8
            }
        );
        // Lower-is-better mirrors higher-is-better on negated values.
        for n in 1..=13 {
            let v: Vec<Option<f64>> = (1..=n).map(|i| Some(f64::from(i * i))).collect();
            let negated: Vec<Option<f64>> = v.iter().map(|x| x.map(|x| -x)).collect();
            let mirrored = spread(&negated, true).top_quartile.map(|x| -x);
            assert_eq!(spread(&v, false).top_quartile, mirrored, "n = {n}");
        }
    }

    #[test]
    fn spread_of_few_values() {
        let none = Spread {
            median: None,
            top_quartile: None,
            n: 0,
        };
        assert_eq!(spread(&[], true), none);
        assert_eq!(spread(&[None, Some(f64::NAN)], false), none);
        let one = spread(&[Some(2.5)], false);
        assert_eq!(
            (one.median, one.top_quartile, one.n),
            (Some(2.5), Some(2.5), 1)
        );
        let two = spread(&[Some(9.0), Some(2.0)], true);
        assert_eq!((two.median, two.top_quartile), (Some(2.0), Some(9.0)));
        let two = spread(&[Some(9.0), Some(2.0)], false);
        assert_eq!((two.median, two.top_quartile), (Some(2.0), Some(2.0)));
    }

    #[test]
    fn change_from_previous() {
        use Direction::{HigherIsBetter, LowerIsBetter, Neither};
        assert_eq!(
            change(Some(12.0), Some(10.0), HigherIsBetter),
            Some(Change {
                previous: 10.0,
                delta: 2.0,
                ratio: Some(1.2),
                verdict: Verdict::Better,
            })
        );
        assert_eq!(
            change(Some(3.0), Some(0.0), HigherIsBetter),
            Some(Change {
                previous: 0.0,
                delta: 3.0,
                ratio: None,
                verdict: Verdict::Better,
            })
        );
        // Cycle days up from 40 to 45: worse, since fewer days are better.
        let verdict = |c: Option<Change>| c.map(|c| c.verdict);
        assert_eq!(
            verdict(change(Some(45.0), Some(40.0), LowerIsBetter)),
            Some(Verdict::Worse)
        );
        assert_eq!(
            verdict(change(Some(35.0), Some(40.0), LowerIsBetter)),
            Some(Verdict::Better)
        );
        assert_eq!(
            verdict(change(Some(40.0), Some(40.0), LowerIsBetter)),
            Some(Verdict::Unchanged)
        );
        assert_eq!(
            verdict(change(Some(1.0), Some(2.0), Neither)),
            Some(Verdict::NotJudged)
        );
        assert_eq!(change(None, Some(1.0), HigherIsBetter), None);
        assert_eq!(change(Some(1.0), None, HigherIsBetter), None);
        assert_eq!(change(Some(f64::NAN), Some(1.0), HigherIsBetter), None);
        assert_eq!(change(Some(1.0), Some(f64::INFINITY), HigherIsBetter), None);
    }

    #[test]
    fn shrunk_round_trips_through_json() {
        let s = shrink(4, 17, &prior(0.3, 20.0));
        let json = serde_json::to_string(&s).unwrap();
        let back: Shrunk = serde_json::from_str(&json).unwrap();
        assert_eq!((back.n, back.raw.is_some()), (17, true));
        for (got, was) in [
            (back.raw.unwrap(), s.raw.unwrap()),
            (back.rate, s.rate),
            (back.low80, s.low80),
            (back.high80, s.high80),
        ] {
            assert!(close(got, was, 1e-15), "{json}");
        }
        let p = fit_prior(&[(1, 4), (2, 4)]).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Prior>(&json).unwrap(), p);
    }
}
