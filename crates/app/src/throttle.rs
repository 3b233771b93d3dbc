//! Limits on guessing passwords and recovery codes. Every attempt (sign-in,
//! recovery, the current-password check when changing it or confirming it
//! before a guarded operation, see `reauth`) reserves a slot
//! under its keys atomically in the store *before* any key derivation runs,
//! so concurrency cannot beat the limits; a successful attempt gives its
//! slot back. The store holds the counts, so several server instances on
//! one PostgreSQL database share them.
//!
//! Keys, each per 15-minute window:
//! - the client address (an IPv6 address by its /64) and the name together: 5;
//! - the client address: 30 (one address trying many names);
//! - the name, from any address: 50 (many addresses trying one account);
//! - instead of all three, a browser holding a known-device cookie of that
//!   account (it signed in to it before) has its own key: 10. So a flood of
//!   guesses at someone's name, or of made-up names from the proxy they sit
//!   behind, does not lock them out of their own devices.
//!
//! Keys are SHA-256 hashes: the store never holds addresses or names here.

use std::time::Duration;

use between_store::{ThrottleKey, UserRow};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::{crypto, App};

/// How long a window lasts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
pub const MAX_PER_CLIENT_AND_NAME: i64 = 5;
pub const MAX_PER_CLIENT: i64 = 30;
pub const MAX_PER_NAME: i64 = 50;
pub const MAX_PER_KNOWN_DEVICE: i64 = 10;

/// Who is making an attempt.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The client's address (the web reduces IPv6 to its /64), or "cli".
    pub client: &'a str,
    /// The browser's known-device cookie, if it has one.
    pub device: Option<&'a str>,
}

impl<'a> Attempt<'a> {
    pub fn from(client: &'a str) -> Attempt<'a> {
        Attempt {
            client,
            device: None,
        }
    }
}

/// Slots an attempt holds until it succeeds (and gives them back) or fails
/// (and they stay counted).
#[must_use]
pub(crate) struct Reservation {
    keys: Vec<String>,
}

fn hashed(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(b"between/throttle/v1");
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// The lookup hash under which a known-device cookie is stored.
pub(crate) fn device_lookup(secret: &str) -> Vec<u8> {
    crypto::derive(secret.as_bytes(), "known-device")
        .as_bytes()
        .to_vec()
}

fn window_micros() -> i64 {
    i64::try_from(WINDOW.as_micros()).unwrap_or(i64::MAX / 4)
}

impl App {
    /// Reserves a slot for an attempt at `name` (normalised), or refuses it
    /// with the minutes until the lock ends.
    pub(crate) async fn reserve_attempt(
        &self,
        name: &str,
        user: Option<&UserRow>,
        attempt: &Attempt<'_>,
    ) -> Result<Reservation, AppError> {
        let known_device = match (attempt.device, user) {
            (Some(secret), Some(user)) if secret.len() >= 20 && secret.len() <= 200 => {
                let lookup = device_lookup(secret);
                self.store
                    .is_known_device(&lookup, user.id)
                    .await?
                    .then_some(lookup)
            }
            _ => None,
        };
        let keys = match known_device {
            Some(lookup) => vec![ThrottleKey {
                key: hashed(&["device", &crypto_hex(&lookup), name]),
                max: MAX_PER_KNOWN_DEVICE,
            }],
            None => vec![
                ThrottleKey {
                    key: hashed(&["client+name", attempt.client, name]),
                    max: MAX_PER_CLIENT_AND_NAME,
                },
                ThrottleKey {
                    key: hashed(&["client", attempt.client]),
                    max: MAX_PER_CLIENT,
                },
                ThrottleKey {
                    key: hashed(&["name", name]),
                    max: MAX_PER_NAME,
                },
            ],
        };
        let now = self.now_micros();
        match self
            .store
            .throttle_reserve(&keys, now, window_micros())
            .await?
        {
            Ok(()) => Ok(Reservation {
                keys: keys.into_iter().map(|k| k.key).collect(),
            }),
            Err(until) => {
                let minutes = u64::try_from((until - now).max(1))
                    .unwrap_or(1)
                    .div_ceil(60_000_000);
                Err(AppError::Throttled { minutes })
            }
        }
    }

    /// Gives a successful attempt's slots back.
    pub(crate) async fn refund_attempt(&self, r: Reservation) -> Result<(), AppError> {
        self.store
            .throttle_refund(&r.keys, self.now_micros(), window_micros())
            .await?;
        Ok(())
    }

    /// Notes that this browser signed in to `user_id`, returning a new
    /// device cookie when it had none (or one of another account).
    pub(crate) async fn remember_device(
        &self,
        user_id: uuid::Uuid,
        device: Option<&str>,
    ) -> Result<Option<String>, AppError> {
        let now = self.now_micros();
        if let Some(secret) = device.filter(|s| s.len() >= 20 && s.len() <= 200) {
            // One cookie per browser, known to every account it signs in to.
            self.store
                .remember_device(&device_lookup(secret), user_id, now)
                .await?;
            return Ok(None);
        }
        let secret = crypto::new_secret();
        self.store
            .remember_device(&device_lookup(&secret), user_id, now)
            .await?;
        Ok(Some(secret))
    }

    /// Removes throttle windows that have ended.
    pub async fn purge_throttles(&self) -> Result<u64, AppError> {
        Ok(self
            .store
            .delete_expired_throttles(self.now_micros() - window_micros())
            .await?)
    }
}

fn crypto_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hashes_that_separate_their_parts() {
        let a = hashed(&["client+name", "1.2.3.4", "ada"]);
        assert_eq!(a.len(), 64);
        assert!(!a.contains("ada") && !a.contains("1.2.3.4"));
        assert_ne!(a, hashed(&["client+name", "1.2.3.4a", "da"]));
        assert_eq!(a, hashed(&["client+name", "1.2.3.4", "ada"]));
    }
}
