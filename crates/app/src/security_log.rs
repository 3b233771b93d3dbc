//! The security log: every change to how one gets into the account — the
//! password changed, the recovery code used, a token or a device login
//! made, a credential revoked, everyone else signed out — one row each.
//! Its kind and time are plain; what exactly (a token's name, a device's
//! label, how many were signed out) is sealed to the person's public key,
//! derived from their own identity secret, and only they open it.

use between_store::SecurityEventRow;
use jiff::Timestamp;
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::principal::Principal;
use crate::{from_micros, App};

pub const PASSWORD_CHANGED: &str = "password changed";
pub const RECOVERY_USED: &str = "recovery code used";
pub const TOKEN_CREATED: &str = "token created";
pub const DEVICE_LOGIN_CREATED: &str = "device login created";
pub const CREDENTIAL_REVOKED: &str = "credential revoked";
pub const OTHERS_SIGNED_OUT: &str = "others signed out";
pub const SECOND_FACTOR_ON: &str = "second factor on";
pub const SECOND_FACTOR_OFF: &str = "second factor off";
pub const PASSKEY_ADDED: &str = "passkey added";
pub const PASSKEY_REMOVED: &str = "passkey removed";

/// One line of the security log, opened for the person.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityLogLine {
    pub id: Uuid,
    pub kind: String,
    pub at: Timestamp,
    /// What exactly; empty when the line has none.
    pub details: Vec<String>,
}

impl SecurityLogLine {
    /// What happened, in words.
    pub fn sentence(&self) -> &'static str {
        match self.kind.as_str() {
            PASSWORD_CHANGED => "Your password was changed.",
            RECOVERY_USED => "Your recovery code was used to set a new password; every browser was signed out.",
            TOKEN_CREATED => "An API token was made.",
            DEVICE_LOGIN_CREATED => "A device login was made (the command line).",
            CREDENTIAL_REVOKED => "A sign-in was revoked.",
            OTHERS_SIGNED_OUT => "Other sign-ins were ended.",
            SECOND_FACTOR_ON => "A second step at sign-in was turned on.",
            SECOND_FACTOR_OFF => "A second step at sign-in was turned off.",
            PASSKEY_ADDED => "A passkey was added.",
            PASSKEY_REMOVED => "A passkey was removed.",
            crate::keyring::PUBLIC_KEY_RESTORED => {
                "Your account's public key had been changed in the database; Between put the right one back."
            }
            _ => "Something about how you sign in changed.",
        }
    }
}

impl App {
    /// Records `kind` in `p`'s security log, `details` sealed to their
    /// public key (left out for a credential without the identity).
    pub(crate) async fn record_security(
        &self,
        p: &Principal,
        kind: &str,
        details: &[String],
    ) -> Result<(), AppError> {
        let sealed = match p.keys.identity() {
            Some(identity) if !details.is_empty() => {
                crate::access_details::seal(&crypto::public_of(identity), details)
            }
            _ => None,
        };
        Ok(self
            .store
            .log_security_event(p.user.id, kind, self.now_micros(), sealed)
            .await?)
    }

    /// Records `kind` for an account whose keys are not at hand.
    pub(crate) async fn record_security_plain(
        &self,
        user_id: Uuid,
        kind: &str,
    ) -> Result<(), AppError> {
        Ok(self
            .store
            .log_security_event(user_id, kind, self.now_micros(), None)
            .await?)
    }

    /// The whole security log, newest first, details opened.
    pub async fn security_log(&self, p: &Principal) -> Result<Vec<SecurityLogLine>, AppError> {
        crate::sharing::require_full(p)?;
        self.store
            .security_log(p.user.id)
            .await?
            .into_iter()
            .map(|row: SecurityEventRow| {
                let details = match (row.details.as_deref(), p.keys.identity()) {
                    (Some(sealed), Some(identity)) => crypto::open_sealed(identity, sealed)
                        .ok()
                        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                Ok(SecurityLogLine {
                    id: row.id,
                    kind: row.kind,
                    at: from_micros(row.at)?,
                    details,
                })
            })
            .collect()
    }
}
