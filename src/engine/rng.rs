//! Seeded randomness for the demo and the forecast's Monte Carlo: one stream per purpose (the demo team,
//! each rep's deals, …; the forecast's draws), so that changing one part leaves the others' draws alone.
//! The draws are integer arithmetic on the generator's output (and exact conversions to `f64`), so the same
//! seed gives the same numbers on every platform.

use rand_core::{Rng as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// A stream of draws: PCG (`rand_pcg`'s 128-bit multiplicative generator, 64-bit output).
pub struct Rng(Pcg64Mcg);

impl Rng {
    /// The stream for one purpose of one seed. For a given seed, different purposes give different
    /// generator seeds (multiplying by an odd constant is one-to-one), which `seed_from_u64` spreads over the
    /// generator's 128-bit state.
    pub fn stream(seed: u64, purpose: u64) -> Rng {
        Rng(Pcg64Mcg::seed_from_u64(
            seed ^ purpose.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ))
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// The `index`-th 64-bit output of the SplitMix64 sequence that starts at `key` (Steele, Lea and Flood
    /// 2014; the generator Java's SplittableRandom uses, which passes BigCrush). Each output depends on
    /// `key` and `index` only, not on the previous one, so a loop over many of them runs in parallel in the
    /// processor: the Monte Carlo's per-deal draws use it, keyed by one draw of the main stream.
    pub fn mix(key: u64, index: u64) -> u64 {
        let mut z = key.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn word(&mut self, words: &[&'static str]) -> &'static str {
        words
            .get(self.below(words.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }

    /// A count with the given mean (a binomial: variance about half the mean).
    pub fn count(&mut self, mean: f64) -> u32 {
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

    /// SplitMix64 from seed 1234567, the reference values of Vigna's splitmix64.c (the first output is
    /// index 0 of key 1234567).
    #[test]
    fn mix_is_splitmix64() {
        assert_eq!(Rng::mix(1_234_567, 0), 6_457_827_717_110_365_317);
        assert_eq!(Rng::mix(1_234_567, 1), 3_203_168_211_198_807_973);
        assert_eq!(Rng::mix(1_234_567, 2), 9_817_491_932_198_370_423);
    }

    #[test]
    fn the_streams_are_rand_pcg_seeded_from_integers() {
        // Pinned from rand_pcg 0.10.3 (`Pcg64Mcg::seed_from_u64`), and the same as a separate reading of its
        // algorithm (rand_core's PCG-32 expansion of the seed, then the 128-bit MCG with XSL-RR output): a
        // crate version that changed the draws, or a platform that computed them differently, shows here.
        let mut r = Rng::stream(2026, 1);
        let first: Vec<u64> = (0..3).map(|_| r.next()).collect();
        assert_eq!(
            first,
            [
                3_769_134_142_617_242_479,
                17_047_035_320_182_930_641,
                10_632_945_438_283_923_910
            ]
        );
    }
}
