//! Exponential backoff with full jitter.
//!
//! After the n-th failure in a row the agent waits a random time between zero and
//! `min(cap, base × 2ⁿ)`. Full jitter, rather than a fixed or slightly jittered delay,
//! spreads a fleet of agents that all lost the server at once, so they do not come back in
//! lockstep and knock it over again.
//!
//! The type is pure: it holds no clock and takes its randomness as an argument, so tests
//! drive it with a seeded generator.

use std::time::Duration;

use rand::Rng;

/// The backoff state of one kind of call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
}

impl Backoff {
    /// What every network retry of the agent uses: 1 s, doubling, never above a minute.
    pub const NETWORK: Self = Self::new(Duration::from_secs(1), Duration::from_secs(60));

    pub const fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap,
            failures: 0,
        }
    }

    /// Failures counted since the last [`reset`](Self::reset).
    pub const fn failures(&self) -> u32 {
        self.failures
    }

    /// The longest the next delay can be: `min(cap, base × 2^failures)`.
    pub fn ceiling(&self) -> Duration {
        // 2^31 × anything useful is far past any cap; stopping the shift there keeps it
        // from overflowing however long the outage lasts.
        let factor = 1_u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// Counts a failure and returns how long to wait before trying again: uniform in
    /// `0..=ceiling`, the ceiling taken before this failure is counted.
    pub fn next_delay<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rng.random_range(0..=millis))
    }

    /// A call worked: the next failure starts from `base` again.
    pub const fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn the_ceiling_doubles_from_the_base_up_to_the_cap() {
        let mut backoff = Backoff::NETWORK;
        let mut rng = StdRng::seed_from_u64(7);
        let mut ceilings = Vec::new();
        for _ in 0..9 {
            ceilings.push(backoff.ceiling().as_secs());
            backoff.next_delay(&mut rng);
        }
        assert_eq!(ceilings, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff.failures(), 9);
    }

    #[test]
    fn every_delay_lies_between_zero_and_its_ceiling() {
        let mut backoff = Backoff::NETWORK;
        let mut rng = StdRng::seed_from_u64(42);
        for _ in 0..200 {
            let ceiling = backoff.ceiling();
            let delay = backoff.next_delay(&mut rng);
            assert!(delay <= ceiling, "{delay:?} > {ceiling:?}");
        }
    }

    #[test]
    fn full_jitter_uses_the_whole_range() {
        // At the cap, a thousand draws should reach near both ends; a "jitter" of a few
        // percent around the ceiling would not.
        let mut rng = StdRng::seed_from_u64(1);
        let mut backoff = Backoff::NETWORK;
        for _ in 0..10 {
            backoff.next_delay(&mut rng);
        }
        let delays: Vec<Duration> = (0..1000).map(|_| backoff.next_delay(&mut rng)).collect();
        let (min, max) = (
            delays.iter().min().copied().unwrap_or_default(),
            delays.iter().max().copied().unwrap_or_default(),
        );
        assert!(min < 3 * SECOND, "min {min:?}");
        assert!(max > 57 * SECOND, "max {max:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut backoff = Backoff::NETWORK;
            (0..8)
                .map(|_| backoff.next_delay(&mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }

    #[test]
    fn reset_starts_again_from_the_base() {
        let mut backoff = Backoff::NETWORK;
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..5 {
            backoff.next_delay(&mut rng);
        }
        backoff.reset();
        assert_eq!(backoff.failures(), 0);
        assert_eq!(backoff.ceiling(), SECOND);
        assert!(backoff.next_delay(&mut rng) <= SECOND);
    }

    #[test]
    fn a_long_outage_neither_overflows_nor_passes_the_cap() {
        let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(60));
        let mut rng = StdRng::seed_from_u64(0);
        for _ in 0..10_000 {
            assert!(backoff.next_delay(&mut rng) <= Duration::from_secs(60));
        }
        assert_eq!(backoff.ceiling(), Duration::from_secs(60));
    }
}
