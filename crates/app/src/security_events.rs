//! What the app found changed in the store and put right, which the person
//! should hear about (shown on home for two weeks).

use jiff::{SignedDuration, Timestamp};

use crate::error::AppError;
use crate::keyring::PUBLIC_KEY_RESTORED;
use crate::principal::Principal;
use crate::{from_micros, micros, App};

/// How long an event is told about.
const TOLD_FOR_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub kind: String,
    pub at: Timestamp,
}

impl SecurityEvent {
    /// What happened, for the person.
    pub fn sentence(&self) -> &'static str {
        match self.kind.as_str() {
            PUBLIC_KEY_RESTORED => "the public key of your account had been changed in the database (others use it to send you keys and notes); Between put the right one back. If you did not expect this, tell whoever runs this server.",
            _ => "something in the database had been changed and was put right. If you did not expect this, tell whoever runs this server.",
        }
    }
}

impl App {
    /// The repairs of the last two weeks, oldest first (home tells about
    /// them; the rest of the security log is on its own page).
    pub async fn recent_security_events(
        &self,
        p: &Principal,
    ) -> Result<Vec<SecurityEvent>, AppError> {
        p.require_read()?;
        let since = self
            .now()
            .checked_sub(SignedDuration::from_hours(24 * TOLD_FOR_DAYS))
            .unwrap_or(Timestamp::UNIX_EPOCH);
        self.store
            .security_events(p.user.id, micros(since))
            .await?
            .into_iter()
            .filter(|(kind, _)| kind == PUBLIC_KEY_RESTORED)
            .map(|(kind, at)| {
                Ok(SecurityEvent {
                    kind,
                    at: from_micros(at)?,
                })
            })
            .collect()
    }
}
