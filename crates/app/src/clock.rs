//! The app's one clock. Every "now" of the app and of the binary comes from
//! here: the system clock in a deployment, or a clock that tests and
//! benchmarks set and advance by hand, so that reports are reproducible and
//! idle expiry and sign-in throttle windows can be tested without waiting.
//! (Durations of work are measured with `std::time::Instant`, not with this.)

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

/// Where "now" comes from. Cheap to clone; clones of a manual clock share
/// its time.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stands at `at` until it is set or advanced.
    pub fn manual(at: Timestamp) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(at.as_microsecond()))))
    }

    /// Whether this clock is set by hand.
    pub fn is_manual(&self) -> bool {
        self.0.is_some()
    }

    pub fn now(&self) -> Timestamp {
        match &self.0 {
            None => Timestamp::now(),
            Some(us) => Timestamp::from_microsecond(us.load(Ordering::Relaxed))
                .unwrap_or(Timestamp::UNIX_EPOCH),
        }
    }

    /// Now as microseconds since the Unix epoch, as the store keeps times.
    pub fn now_micros(&self) -> i64 {
        self.now().as_microsecond()
    }

    /// Moves a manual clock to `at`; the system clock cannot be set.
    pub fn set(&self, at: Timestamp) {
        if let Some(us) = &self.0 {
            us.store(at.as_microsecond(), Ordering::Relaxed);
        }
    }

    /// Moves a manual clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        if let Some(us) = &self.0 {
            let by = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
            us.fetch_add(by, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_moved_and_clones_share_it() {
        let start: Timestamp = "2026-03-01T09:00:00Z".parse().unwrap();
        let clock = Clock::manual(start);
        let other = clock.clone();
        assert_eq!(clock.now(), start);
        other.advance(Duration::from_secs(90));
        assert_eq!(clock.now(), "2026-03-01T09:01:30Z".parse().unwrap());
        clock.set(start);
        assert_eq!(other.now(), start);
    }

    #[test]
    fn the_system_clock_moves_and_ignores_setting() {
        let clock = Clock::system();
        let before = Timestamp::now();
        clock.set(Timestamp::UNIX_EPOCH);
        assert!(clock.now() >= before);
    }
}
