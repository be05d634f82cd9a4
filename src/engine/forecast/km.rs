//! Time-to-close curves with censoring. [`kaplan_meier`] is the survival curve of "still open" (any close
//! ends it; deals still open when the data ends are censored), and [`WinCurve`] the competing-risks
//! (Aalen–Johansen) cumulative incidence of "won by day t": losing is the competing event, so a deal
//! lost on day 3 can no longer be won on day 10, which treating losses as censored would forget.
//! Durations are whole days from the landmark; an observation censored on day t is still at risk on day t.

/// How an observation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Won,
    Lost,
    /// Still open when the data ends.
    Censored,
}

/// One deal watched from a landmark: `days` until it closed (or until the data ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watch {
    pub days: u32,
    pub end: End,
}

/// The Kaplan–Meier estimate of the share still open after each day on which some deal closed:
/// `(day, survival)` steps, decreasing.
pub fn kaplan_meier(watches: &[Watch]) -> Vec<(u32, f64)> {
    let mut sorted = watches.to_vec();
    sorted.sort_by_key(|w| w.days);
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut steps = Vec::new();
    let mut k = 0;
    while k < sorted.len() {
        let day = sorted[k].days;
        let (mut closed, mut censored) = (0.0, 0.0);
        while k < sorted.len() && sorted[k].days == day {
            match sorted[k].end {
                End::Censored => censored += 1.0,
                _ => closed += 1.0,
            }
            k += 1;
        }
        if closed > 0.0 && at_risk > 0.0 {
            survival *= 1.0 - closed / at_risk;
            steps.push((day, survival));
        }
        at_risk -= closed + censored;
    }
    steps
}

/// The cumulative incidence of winning: `(day, share won by then)` steps, increasing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WinCurve {
    steps: Vec<(u32, f64)>,
}

impl WinCurve {
    /// The curve of these watches; `days` need not be sorted.
    pub fn of(watches: &mut [Watch]) -> WinCurve {
        watches.sort_by_key(|w| w.days);
        let mut at_risk = watches.len() as f64;
        let mut survival = 1.0;
        let mut won_share = 0.0;
        let mut steps = Vec::new();
        let mut k = 0;
        while k < watches.len() {
            let day = watches[k].days;
            let (mut won, mut lost, mut censored) = (0.0, 0.0, 0.0);
            while k < watches.len() && watches[k].days == day {
                match watches[k].end {
                    End::Won => won += 1.0,
                    End::Lost => lost += 1.0,
                    End::Censored => censored += 1.0,
                }
                k += 1;
            }
            if at_risk > 0.0 && won + lost > 0.0 {
                won_share += survival * won / at_risk;
                survival *= 1.0 - (won + lost) / at_risk;
                if won > 0.0 {
                    steps.push((day, won_share));
                }
            }
            at_risk -= won + lost + censored;
        }
        WinCurve { steps }
    }

    /// The share won by the end of day `t` (0 before the first win).
    pub fn by(&self, t: u32) -> f64 {
        match self.steps.partition_point(|(day, _)| *day <= t) {
            0 => 0.0,
            n => self.steps[n - 1].1,
        }
    }

    /// The share won on a day in `(from, to]`.
    pub fn between(&self, from: u32, to: u32) -> f64 {
        if to <= from {
            return 0.0;
        }
        (self.by(to) - self.by(from)).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(days: u32, end: End) -> Watch {
        Watch { days, end }
    }

    /// The worked example of Kaplan & Meier's estimator as textbooks give it: times 3, 4+, 5, 5, 8+, 10,
    /// 12+ (+ censored). S(3) = 6/7; S(5) = 6/7 × 3/5 (five at risk, two close); S(10) = that × 1/2.
    #[test]
    fn kaplan_meier_matches_the_worked_example_with_censoring() {
        let watches = [
            w(3, End::Lost),
            w(4, End::Censored),
            w(5, End::Won),
            w(5, End::Lost),
            w(8, End::Censored),
            w(10, End::Won),
            w(12, End::Censored),
        ];
        let s = kaplan_meier(&watches);
        let expected = [
            (3, 6.0 / 7.0),
            (5, 6.0 / 7.0 * 3.0 / 5.0),
            (10, 6.0 / 7.0 * 3.0 / 5.0 * 0.5),
        ];
        assert_eq!(s.len(), expected.len());
        for ((day, got), (want_day, want)) in s.iter().zip(expected) {
            assert_eq!(*day, want_day);
            assert!((got - want).abs() < 1e-12, "S({day}) = {got}, want {want}");
        }
    }

    /// The same example as competing risks: won by day 5 = S(4) × 1/5 = 6/7 × 1/5; by day 10 adds
    /// S(9) × 1/2 with S(9) = 6/7 × 3/5. Won + lost + still open add up to one.
    #[test]
    fn the_win_curve_is_the_aalen_johansen_incidence() {
        let mut watches = [
            w(3, End::Lost),
            w(4, End::Censored),
            w(5, End::Won),
            w(5, End::Lost),
            w(8, End::Censored),
            w(10, End::Won),
            w(12, End::Censored),
        ];
        let curve = WinCurve::of(&mut watches);
        let by5 = 6.0 / 7.0 / 5.0;
        let by10 = by5 + 6.0 / 7.0 * 3.0 / 5.0 * 0.5;
        assert_eq!(curve.by(4), 0.0);
        assert!((curve.by(5) - by5).abs() < 1e-12);
        assert!((curve.by(9) - by5).abs() < 1e-12);
        assert!((curve.by(10) - by10).abs() < 1e-12);
        assert!((curve.between(5, 10) - (by10 - by5)).abs() < 1e-12);
        assert_eq!(curve.between(10, 5), 0.0);
        // Without censoring the incidence is the plain share won.
        let mut plain = [
            w(1, End::Won),
            w(2, End::Lost),
            w(3, End::Won),
            w(9, End::Lost),
        ];
        assert!((WinCurve::of(&mut plain).by(100) - 0.5).abs() < 1e-12);
        // Treating losses as censored would give more: 1 − KM of wins only.
        let mut empty: [Watch; 0] = [];
        assert_eq!(WinCurve::of(&mut empty).by(10), 0.0);
    }
}
