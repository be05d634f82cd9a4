//! How good a forecast was, over origins whose periods have ended: WAPE (Σ|F − A| ÷ ΣA), bias (Σ(F − A) ÷
//! ΣA: above 0 over-forecasts — happy ears, below 0 sandbagging), MASE (the method's Σ|F − A| over naive's
//! on the same origins), the share of actuals inside P10–P90, the pinball loss of P10, P50 and P90
//! (averaged, over the mean actual; a point forecast is its own three quantiles), and the Brier score of
//! deal-level chances. Undefined scores are `None`, never 0.

/// One origin's forecast by one method against what was booked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub forecast: f64,
    pub actual: f64,
    /// P10 and P90 where the method gives a range.
    pub range: Option<(f64, f64)>,
    pub naive: Option<f64>,
}

pub fn wape(pairs: &[Pair]) -> Option<f64> {
    let actual: f64 = pairs.iter().map(|p| p.actual).sum();
    (!pairs.is_empty() && actual > 0.0).then(|| {
        pairs
            .iter()
            .map(|p| (p.forecast - p.actual).abs())
            .sum::<f64>()
            / actual
    })
}

pub fn bias(pairs: &[Pair]) -> Option<f64> {
    let actual: f64 = pairs.iter().map(|p| p.actual).sum();
    (!pairs.is_empty() && actual > 0.0)
        .then(|| pairs.iter().map(|p| p.forecast - p.actual).sum::<f64>() / actual)
}

pub fn mase(pairs: &[Pair]) -> Option<f64> {
    let naive: Option<Vec<f64>> = pairs
        .iter()
        .map(|p| p.naive.map(|n| (n - p.actual).abs()))
        .collect();
    let naive: f64 = naive?.iter().sum();
    (!pairs.is_empty() && naive > 0.0).then(|| {
        pairs
            .iter()
            .map(|p| (p.forecast - p.actual).abs())
            .sum::<f64>()
            / naive
    })
}

pub fn coverage(pairs: &[Pair]) -> Option<f64> {
    let ranges: Option<Vec<bool>> = pairs
        .iter()
        .map(|p| p.range.map(|(lo, hi)| p.actual >= lo && p.actual <= hi))
        .collect();
    let ranges = ranges?;
    (!ranges.is_empty()).then(|| ranges.iter().filter(|c| **c).count() as f64 / ranges.len() as f64)
}

/// The pinball (quantile) loss of one quantile forecast.
pub fn pinball_one(q: f64, forecast: f64, actual: f64) -> f64 {
    let miss = actual - forecast;
    if miss >= 0.0 {
        q * miss
    } else {
        (q - 1.0) * miss
    }
}

pub fn pinball(pairs: &[Pair]) -> Option<f64> {
    let n = pairs.len() as f64;
    let mean_actual = pairs.iter().map(|p| p.actual).sum::<f64>() / n;
    if pairs.is_empty() || mean_actual <= 0.0 {
        return None;
    }
    let total: f64 = pairs
        .iter()
        .map(|p| {
            let (lo, hi) = p.range.unwrap_or((p.forecast, p.forecast));
            (pinball_one(0.1, lo, p.actual)
                + pinball_one(0.5, p.forecast, p.actual)
                + pinball_one(0.9, hi, p.actual))
                / 3.0
        })
        .sum();
    Some(total / n / mean_actual)
}

/// The mean squared difference between chances and outcomes.
pub fn brier(pairs: &[(f64, bool)]) -> Option<f64> {
    (!pairs.is_empty()).then(|| {
        pairs
            .iter()
            .map(|(p, won)| {
                let o = if *won { 1.0 } else { 0.0 };
                (p - o) * (p - o)
            })
            .sum::<f64>()
            / pairs.len() as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(forecast: f64, actual: f64) -> Pair {
        Pair {
            forecast,
            actual,
            range: Some((forecast * 0.5, forecast * 1.5)),
            naive: Some(actual * 2.0),
        }
    }

    #[test]
    fn scores_by_their_definitions() {
        let pairs = [pair(120.0, 100.0), pair(50.0, 100.0)];
        assert!((wape(&pairs).unwrap() - 70.0 / 200.0).abs() < 1e-12);
        assert!((bias(&pairs).unwrap() - (-30.0 / 200.0)).abs() < 1e-12);
        // naive misses by 100 at each origin.
        assert!((mase(&pairs).unwrap() - 70.0 / 200.0).abs() < 1e-12);
        // 100 is inside 60..180 and outside 25..75.
        assert_eq!(coverage(&pairs), Some(0.5));
        assert_eq!(wape(&[]), None);
        assert_eq!(wape(&[pair(10.0, 0.0)]), None);
        let point = Pair {
            range: None,
            ..pair(1.0, 1.0)
        };
        assert_eq!(coverage(&[point]), None);
        assert_eq!(pinball_one(0.9, 10.0, 20.0), 9.0);
        assert!((pinball_one(0.9, 30.0, 20.0) - 1.0).abs() < 1e-12);
        assert!((brier(&[(0.8, true), (0.2, true)]).unwrap() - 0.34).abs() < 1e-12);
    }
}
