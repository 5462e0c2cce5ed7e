//! The Mersenne Twister (MT19937) random number generator, drawing the same
//! stream as NumPy's legacy `numpy.random.RandomState`.
//!
//! Weight initialisation uses this generator, never `rand`'s `StdRng`, whose
//! algorithm may change between `rand` versions: a seed here gives the same
//! weights on every machine and every version, and the lab's seed 1234 gives
//! the lab's weights.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// An MT19937 generator seeded like NumPy's `RandomState(seed)`.
///
/// ```
/// use mlp_runtime::rng::MersenneTwister;
///
/// let mut rng = MersenneTwister::new(1234);
/// // The first draw of NumPy's `RandomState(1234).random_sample()`.
/// assert_eq!(rng.next_f64(), 0.1915194503788923);
/// ```
#[derive(Clone)]
pub struct MersenneTwister {
    state: Box<[u32; N]>,
    position: usize,
}

impl std::fmt::Debug for MersenneTwister {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MersenneTwister")
            .field("position", &self.position)
            .finish_non_exhaustive()
    }
}

impl MersenneTwister {
    /// Seeds the generator with the reference `init_genrand`, as NumPy does for
    /// an integer seed below 2^32.
    pub fn new(seed: u32) -> Self {
        let mut state = Box::new([0u32; N]);
        state[0] = seed;
        for i in 1..N {
            let previous = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        MersenneTwister { state, position: N }
    }

    /// Returns the next 32 random bits (`genrand_int32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.position >= N {
            self.regenerate();
        }
        let mut y = self.state[self.position];
        self.position += 1;

        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// Returns a uniform draw from [0, 1) with 53 random bits, as NumPy's
    /// `random_sample` computes it from two 32-bit outputs.
    pub fn next_f64(&mut self) -> f64 {
        let high = f64::from(self.next_u32() >> 5);
        let low = f64::from(self.next_u32() >> 6);
        (high * 67_108_864.0 + low) / 9_007_199_254_740_992.0
    }

    /// Returns a uniform draw from [low, high), computed as NumPy's
    /// `uniform(low, high)` does: `low + (high - low) * random_sample()`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.next_f64()
    }

    /// Returns a uniform integer in `0..bound` without modulo bias, by
    /// masked rejection sampling.
    ///
    /// # Panics
    ///
    /// Panics when `bound` is 0.
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "the bound must be positive");
        let max = bound - 1;
        let mask = u64::MAX >> max.leading_zeros().min(63);
        loop {
            let draw = if max <= u64::from(u32::MAX) {
                u64::from(self.next_u32())
            } else {
                (u64::from(self.next_u32()) << 32) | u64::from(self.next_u32())
            } & mask;
            if draw <= max {
                return draw;
            }
        }
    }

    fn regenerate(&mut self) {
        let state = &mut self.state;
        for i in 0..N {
            let y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
            let mut next = state[(i + M) % N] ^ (y >> 1);
            if y & 1 == 1 {
                next ^= MATRIX_A;
            }
            state[i] = next;
        }
        self.position = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_stream_for_seed_5489() {
        // The first outputs of the reference mt19937ar.c for init_genrand(5489).
        let mut rng = MersenneTwister::new(5489);
        let first: Vec<u32> = (0..5).map(|_| rng.next_u32()).collect();
        assert_eq!(
            first,
            [
                3_499_211_612,
                581_869_302,
                3_890_346_734,
                3_586_334_585,
                545_404_204
            ]
        );
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = MersenneTwister::new(1);
        for bound in [1u64, 2, 3, 7, 1000, 1 << 40] {
            for _ in 0..100 {
                assert!(rng.below(bound) < bound);
            }
        }
    }
}
