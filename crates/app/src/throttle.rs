//! Limits failed sign-in attempts, per client and name together and per
//! client alone, so passwords cannot be guessed at speed. In memory: a
//! restart forgets, which is acceptable for one server process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_PER_NAME: u32 = 5;
const MAX_PER_CLIENT: u32 = 30;

#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    /// `Err(minutes)` when the client or the name is locked out.
    pub fn check(&self, client: &str, name: &str, now: Instant) -> Result<(), u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, max) in [
            (pair(client, name), MAX_PER_NAME),
            (client.to_string(), MAX_PER_CLIENT),
        ] {
            if let Some((count, since)) = map.get(&key) {
                let elapsed = now.saturating_duration_since(*since);
                if *count >= max && elapsed < WINDOW {
                    return Err((WINDOW - elapsed).as_secs().div_ceil(60).max(1));
                }
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, client: &str, name: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| now.saturating_duration_since(*since) < WINDOW);
        }
        for key in [pair(client, name), client.to_string()] {
            let slot = map.entry(key).or_insert((0, now));
            if now.saturating_duration_since(slot.1) >= WINDOW {
                *slot = (0, now);
            }
            slot.0 += 1;
        }
    }

    pub fn record_success(&self, client: &str, name: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&pair(client, name));
    }
}

fn pair(client: &str, name: &str) -> String {
    format!("{client}\u{0}{}", name.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_name_for_this_client_for_a_while() {
        let t = Throttle::default();
        let start = Instant::now();
        for _ in 0..MAX_PER_NAME {
            assert!(t.check("1.2.3.4", "ada", start).is_ok());
            t.record_failure("1.2.3.4", "ada", start);
        }
        assert_eq!(t.check("1.2.3.4", "ADA", start), Err(15));
        assert!(
            t.check("5.6.7.8", "ada", start).is_ok(),
            "other clients are not locked out"
        );
        assert!(
            t.check("1.2.3.4", "ada", start + WINDOW).is_ok(),
            "the lock ends"
        );
    }

    #[test]
    fn success_clears_the_count_for_that_name() {
        let t = Throttle::default();
        let now = Instant::now();
        for _ in 0..MAX_PER_NAME - 1 {
            t.record_failure("c", "bo", now);
        }
        t.record_success("c", "bo");
        t.record_failure("c", "bo", now);
        assert!(t.check("c", "bo", now).is_ok());
    }

    #[test]
    fn one_client_trying_many_names_is_stopped_too() {
        let t = Throttle::default();
        let now = Instant::now();
        for i in 0..MAX_PER_CLIENT {
            t.record_failure("c", &format!("user{i}"), now);
        }
        assert!(t.check("c", "someone-new", now).is_err());
    }
}
