//! Randomness for the demo: one stream per purpose (the team, each rep's deals, each rep's activities, the
//! hand-overs, the ids of each file), so that changing one part of the story leaves the others' draws alone.
//! The draws are integer arithmetic on the generator's output (and exact conversions to `f64`), so the same
//! seed gives the same numbers on every platform.

pub(super) struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub(super) fn stream(seed: u64, purpose: u64) -> Rng {
        Rng(mix(seed ^ mix(purpose.wrapping_add(0x9E37_79B9_7F4A_7C15))))
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    pub(super) fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(super) fn word(&mut self, words: &[&'static str]) -> &'static str {
        words
            .get(self.below(words.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }

    /// A count with the given mean (a binomial: variance about half the mean).
    pub(super) fn count(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        if mean < 1.0 {
            return u32::from(self.chance(mean));
        }
        let trials = (mean * 2.0).floor() as u32;
        let p = mean / f64::from(trials.max(1));
        (0..trials).filter(|_| self.chance(p)).count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_random_streams_are_fixed_functions_of_the_seed() {
        let mut a = Rng::stream(7, 1);
        let mut b = Rng::stream(7, 1);
        let mut c = Rng::stream(7, 2);
        let xs: Vec<u64> = (0..5).map(|_| a.next()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next()).collect();
        let zs: Vec<u64> = (0..5).map(|_| c.next()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        let mut r = Rng::stream(1, 1);
        for _ in 0..1_000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((3..=9).contains(&r.range(3, 9)));
            assert!(r.below(5) < 5);
        }
        let mean: f64 = (0..2_000).map(|_| f64::from(r.count(6.0))).sum::<f64>() / 2_000.0;
        assert!((5.7..6.3).contains(&mean), "{mean}");
    }
}
