//! Asking for the password again before anything that would turn a stolen
//! session into lasting access (an API token, the whole account as one
//! archive, deleting the account), and ending every other credential of an
//! account in one step.
//!
//! [`App::confirm_password`] checks the password exactly as a sign-in does
//! (a slot under the same throttle keys reserved first, one key derivation
//! on the blocking pool behind the unlock gate, the slot given back on
//! success), so wrong guesses here count with wrong sign-ins. What it
//! returns, [`PasswordConfirmed`], can be made nowhere else and is spent by
//! the operation it guards, so no front end can skip the check.

use between_store::{CredentialKind, UserRow};
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::second_factor::SecondProof;
use crate::throttle::Attempt;
use crate::App;

/// Proof that the person behind a principal typed their password in this
/// request. Only [`App::confirm_password`] makes one; it is neither
/// cloneable nor constructible outside this crate, and the guarded
/// operation takes it by value.
#[derive(Debug)]
#[must_use = "a confirmation is spent by the operation it guards"]
pub struct PasswordConfirmed {
    user_id: Uuid,
    credential_id: Uuid,
}

impl PasswordConfirmed {
    /// Refuses a confirmation made for another account or credential.
    pub(crate) fn check(self, p: &Principal) -> Result<(), AppError> {
        if self.user_id == p.user.id && self.credential_id == p.credential_id {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "The password was confirmed for another sign-in.".into(),
            ))
        }
    }
}

/// The message of a wrong password, so every front end says the same.
pub const WRONG_PASSWORD: &str = "That is not your password, so nothing was done.";

/// The message when no password was given.
pub const NO_PASSWORD: &str = "Enter your password to confirm; nothing was done.";

/// Which other credentials [`App::revoke_other_credentials`] ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Others {
    /// Web sessions other than the one making the request.
    pub sessions: bool,
    /// Device logins (the CLI's saved logins).
    pub devices: bool,
    /// API tokens, read-write and write-only.
    pub tokens: bool,
    /// The calendar feed's link (a new one replaces it).
    pub calendar: bool,
}

impl Others {
    /// Everything but the credential making the request.
    pub const ALL: Others = Others {
        sessions: true,
        devices: true,
        tokens: true,
        calendar: true,
    };

    /// Only the other web sessions (what a password change always ends).
    pub const SESSIONS: Others = Others {
        sessions: true,
        devices: false,
        tokens: false,
        calendar: false,
    };

    /// Whether nothing is chosen.
    pub fn is_empty(&self) -> bool {
        !(self.sessions || self.devices || self.tokens || self.calendar)
    }
}

/// What [`App::revoke_other_credentials`] ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Revoked {
    pub sessions: u64,
    pub devices: u64,
    pub tokens: u64,
    /// Whether the calendar feed's old link stopped working.
    pub calendar: bool,
}

impl Revoked {
    pub fn total(&self) -> u64 {
        self.sessions + self.devices + self.tokens + u64::from(self.calendar)
    }
}

impl App {
    /// Checks `password` against the principal's account like a sign-in:
    /// throttled under the same keys (a wrong password here counts with
    /// wrong sign-ins, and a locked name is refused before any check), one
    /// key derivation off the request threads. A wrong password is an
    /// input error on the field `password` and changes nothing else. For
    /// an account with a second factor this is [`App::confirm`] without a
    /// code, which is refused: use that.
    pub async fn confirm_password(
        &self,
        p: &Principal,
        password: &str,
        attempt: &Attempt<'_>,
    ) -> Result<PasswordConfirmed, AppError> {
        self.confirm(p, password, None, attempt).await
    }

    /// [`App::confirm_with`] with a code (or none).
    pub async fn confirm(
        &self,
        p: &Principal,
        password: &str,
        code: Option<&str>,
        attempt: &Attempt<'_>,
    ) -> Result<PasswordConfirmed, AppError> {
        self.confirm_with(p, password, SecondProof::code(code), attempt)
            .await
    }

    /// The one fresh proof of who is asking: the password, and — when the
    /// account has a second step — a code or a passkey's assertion (field
    /// `code`), each checked and throttled as at sign-in, the second only
    /// once the password was right. Whatever is missing or wrong changes
    /// nothing.
    pub async fn confirm_with(
        &self,
        p: &Principal,
        password: &str,
        proof: SecondProof<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<PasswordConfirmed, AppError> {
        p.require_read()?;
        if password.is_empty() {
            // Nothing to check: no guess is spent and no key derived.
            return Err(AppError::invalid("password", NO_PASSWORD));
        }
        let steps = self.second_steps(p.user.id).await?;
        if steps.required() {
            steps.check_present(&proof)?;
        }
        let row = self.account_row(p).await?;
        if !self.password_opens(&row, password, attempt).await? {
            return Err(AppError::invalid("password", WRONG_PASSWORD));
        }
        if steps.required() {
            let root = p.keys.root().ok_or_else(|| {
                AppError::Forbidden("This sign-in cannot confirm who you are.".into())
            })?;
            self.second_step(&row, root, &proof, attempt).await?;
        }
        Ok(PasswordConfirmed {
            user_id: p.user.id,
            credential_id: p.credential_id,
        })
    }

    /// The stored account of a principal.
    pub(crate) async fn account_row(&self, p: &Principal) -> Result<UserRow, AppError> {
        self.store
            .user_by_id(p.user.id)
            .await?
            .ok_or_else(|| AppError::NotFound("The account".into()))
    }

    /// The one check of an account's password after sign-in (used by
    /// [`App::confirm_password`] and the password change): reserves a
    /// throttle slot as a sign-in does, opens the root key behind the
    /// unlock gate and gives the slot back when it opened.
    pub(crate) async fn password_opens(
        &self,
        row: &UserRow,
        password: &str,
        attempt: &Attempt<'_>,
    ) -> Result<bool, AppError> {
        let reservation = self.reserve_attempt(&row.name, Some(row), attempt).await?;
        let opened = {
            let _permit = self.unlock_permit().await?;
            self.open_root_with_secret(Some(row), CredentialKind::Password, password.as_bytes())
                .await?
        };
        if opened.is_none() {
            return Ok(false);
        }
        self.refund_attempt(reservation).await?;
        Ok(true)
    }

    /// Ends every other way into the account that `what` names, keeping
    /// the credential making the request: other web sessions, device
    /// logins, API tokens, and the calendar feed's link (replaced by a new
    /// one, so the old address stops working and a key rotation cannot
    /// bring it back). The one place password changes, recoveries and
    /// "sign out everywhere" end other credentials.
    pub async fn revoke_other_credentials(
        &self,
        p: &Principal,
        what: Others,
    ) -> Result<Revoked, AppError> {
        p.require_read()?;
        let mut revoked = Revoked::default();
        let end = |kind| {
            self.store
                .delete_credentials_of_kind_except(p.user.id, kind, p.credential_id)
        };
        if what.sessions {
            revoked.sessions = end(CredentialKind::Session).await?;
        }
        if what.devices {
            revoked.devices = end(CredentialKind::Device).await?;
        }
        if what.tokens {
            revoked.tokens = end(CredentialKind::Token).await?;
        }
        if what.calendar && self.calendar_feed_link(p).await?.is_some() {
            self.calendar_secret(p, true).await?;
            revoked.calendar = true;
        }
        tracing::info!(
            user_id = %p.user.id,
            sessions = revoked.sessions,
            devices = revoked.devices,
            tokens = revoked.tokens,
            calendar = revoked.calendar,
            "other credentials revoked"
        );
        let mut details = Vec::new();
        for (n, one, many) in [
            (revoked.sessions, "browser session", "browser sessions"),
            (revoked.devices, "device login", "device logins"),
            (revoked.tokens, "API token", "API tokens"),
        ] {
            if n > 0 {
                details.push(if n == 1 {
                    format!("1 {one}")
                } else {
                    format!("{n} {many}")
                });
            }
        }
        if revoked.calendar {
            details.push("the calendar feed's address".into());
        }
        if !details.is_empty() {
            self.record_security(p, crate::security_log::OTHERS_SIGNED_OUT, &details)
                .await?;
        }
        Ok(revoked)
    }
}
