//! The server key: 32 random bytes kept outside the database (a file in
//! the config directory or an environment variable) under which each
//! person's reminder secret is wrapped. The database holds only its
//! fingerprint, so an instance started with another key refuses to send
//! rather than failing on every plan.

use base64::Engine;
use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::error::AppError;

/// The store's record of which server key reminders are wrapped under.
pub(crate) const META_KEY: &str = "reminder_server_key";

pub struct ServerKey {
    key: Key,
    fingerprint: String,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServerKey({})", self.fingerprint)
    }
}

impl ServerKey {
    pub fn generate() -> ServerKey {
        ServerKey::from_key(Key::random())
    }

    fn from_key(key: Key) -> ServerKey {
        let mark = crypto::derive(key.as_bytes(), "server-key/fingerprint");
        let fingerprint = mark.as_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        ServerKey { key, fingerprint }
    }

    /// The key as written to its file or variable: 43 characters of
    /// unpadded URL-safe base64.
    pub fn encoded(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.key.as_bytes())
    }

    /// Reads [`ServerKey::encoded`]'s form (surrounding space ignored).
    pub fn parse(text: &str) -> Result<ServerKey, AppError> {
        let bad = || {
            AppError::invalid(
                "server_key",
                "The server key must be 32 bytes in URL-safe base64 (43 characters), as `between` writes it.",
            )
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| bad())?;
        Ok(ServerKey::from_key(
            Key::from_slice(&bytes).map_err(|_| bad())?,
        ))
    }

    /// Sixteen hex digits that name the key without revealing it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn wrapping_key(&self) -> Key {
        crypto::derive(self.key.as_bytes(), "server-key/reminder-secret")
    }

    pub(crate) fn wrap(&self, user: Uuid, secret: &Key) -> Vec<u8> {
        crypto::seal(
            &self.wrapping_key(),
            format!("reminder-secret|{user}").as_bytes(),
            secret.as_bytes(),
        )
    }

    pub(crate) fn unwrap(&self, user: Uuid, wrapped: &[u8]) -> Result<Key, AppError> {
        let bytes = crypto::open(
            &self.wrapping_key(),
            format!("reminder-secret|{user}").as_bytes(),
            wrapped,
        )
        .map_err(|_| {
            AppError::Corrupt("a reminder secret does not open with this server key".into())
        })?;
        Key::from_slice(&bytes)
            .map_err(|_| AppError::Corrupt("a reminder secret is malformed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_its_text_and_wraps_only_for_its_user() {
        let k = ServerKey::generate();
        let again = ServerKey::parse(&format!(" {}\n", k.encoded())).unwrap();
        assert_eq!(k.fingerprint(), again.fingerprint());
        assert_eq!(k.fingerprint().len(), 16);
        let secret = Key::random();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let wrapped = k.wrap(a, &secret);
        assert_eq!(
            again.unwrap(a, &wrapped).unwrap().as_bytes(),
            secret.as_bytes()
        );
        assert!(again.unwrap(b, &wrapped).is_err());
        assert!(ServerKey::generate().unwrap(a, &wrapped).is_err());
        assert!(ServerKey::parse("short").is_err());
        assert!(!format!("{k:?}").contains(&k.encoded()));
    }
}
