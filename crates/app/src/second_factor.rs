//! A second factor for password sign-in: six-digit codes from an
//! authenticator app (TOTP, RFC 6238). The secret is sealed under a key
//! derived from the root key, so only a sign-in that has already opened
//! the root key with the password can check a code, and a copied database
//! does not reveal it. The last time step a code was accepted for is kept
//! with it and moved in one guarded update, so a code works once on every
//! instance. Checks are throttled with password attempts.
//!
//! Turning it on needs the password and a code the app shows for the new
//! secret (so the person's app really has it); turning it off needs a fresh
//! proof with it ([`App::confirm`] with the code). The recovery code opens
//! the account without it and may turn it off.

use between_domain::totp::{Totp, TotpError};
use between_store::SecondFactorRow;
use jiff::Timestamp;
use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::principal::Principal;
use crate::reauth::PasswordConfirmed;
use crate::throttle::Attempt;
use crate::{from_micros, App};

/// The kind of a one-time-code factor in the store.
pub const TOTP: &str = "totp";

/// The name an authenticator app shows above the codes.
pub const ISSUER: &str = "Between";

/// A new secret to show while turning codes on; nothing is stored until a
/// code for it is confirmed.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32, as typed into an app by hand.
    pub secret: String,
    /// The `otpauth://` address a QR code carries.
    pub uri: String,
}

/// A second factor as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorInfo {
    pub id: Uuid,
    pub kind: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

impl SecondFactorInfo {
    /// What it is, in words.
    pub fn label(&self) -> &'static str {
        match self.kind.as_str() {
            TOTP => "Codes from an authenticator app",
            _ => "A second factor",
        }
    }
}

fn aad(user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("second-factor|{user_id}|{id}").into_bytes()
}

fn seal_key(root: &Key) -> Key {
    crypto::derive(root.as_bytes(), "second-factor")
}

fn code_error(e: TotpError) -> AppError {
    AppError::invalid("code", e.to_string())
}

/// Whether `code` could be a code at all (checked before a throttle slot
/// is spent on it).
pub(crate) fn well_formed(code: &str) -> Result<(), AppError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == between_domain::totp::DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else if digits.is_empty() {
        Err(AppError::invalid("code", CODE_NEEDED))
    } else {
        Err(code_error(TotpError::Malformed))
    }
}

/// What is said when a code is needed and none was given.
pub const CODE_NEEDED: &str =
    "This account also asks for the 6-digit code from your authenticator app; nothing was done.";

/// What is said when the only second step is a passkey and none was used.
pub const PASSKEY_NEEDED: &str = "This account's second step is a passkey: use it in the browser (the command line cannot), or add codes from an authenticator app in Settings → Two-step sign-in; nothing was done.";

/// What proves the second step in a request.
#[derive(Debug, Clone, Copy)]
pub enum SecondProof<'a> {
    None,
    /// A code from the authenticator app.
    Code(&'a str),
    /// A passkey's assertion for a ceremony begun with
    /// [`App::begin_passkey_check`] or [`App::begin_pending_passkey_check`].
    Passkey {
        ceremony: Uuid,
        assertion: &'a str,
    },
}

impl<'a> SecondProof<'a> {
    /// A code as a form or flag gives it (empty: none).
    pub fn code(code: Option<&'a str>) -> SecondProof<'a> {
        match code.map(str::trim) {
            Some(c) if !c.is_empty() => SecondProof::Code(c),
            _ => SecondProof::None,
        }
    }
}

/// The second steps an account has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecondSteps {
    /// Codes from an authenticator app are on.
    pub codes: bool,
    /// A passkey without PRF is kept as a second step.
    pub passkey_step: bool,
    /// The account has a passkey (any can stand in for a code).
    pub passkeys: bool,
}

impl SecondSteps {
    /// Whether a password alone is not enough.
    pub fn required(&self) -> bool {
        self.codes || self.passkey_step
    }

    /// Whether a passkey may prove the second step.
    pub fn passkey_usable(&self) -> bool {
        self.required() && self.passkeys
    }

    /// Refuses a missing or unusable proof before anything is checked.
    pub(crate) fn check_present(&self, proof: &SecondProof<'_>) -> Result<(), AppError> {
        match proof {
            SecondProof::Code(code) if self.codes => well_formed(code),
            SecondProof::Passkey { .. } if self.passkeys => Ok(()),
            _ if self.codes => Err(AppError::invalid("code", CODE_NEEDED)),
            _ => Err(AppError::invalid("code", PASSKEY_NEEDED)),
        }
    }
}

impl App {
    /// The second factors of the account behind `user_id`.
    pub(crate) async fn second_factor_rows(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<SecondFactorRow>, AppError> {
        Ok(self.store.second_factors(user_id).await?)
    }

    /// The account's second factors, with when each was last used.
    pub async fn second_factors(&self, p: &Principal) -> Result<Vec<SecondFactorInfo>, AppError> {
        p.require_read()?;
        self.second_factor_rows(p.user.id)
            .await?
            .iter()
            .map(|row| {
                Ok(SecondFactorInfo {
                    id: row.id,
                    kind: row.kind.clone(),
                    created_at: from_micros(row.created_at)?,
                    last_used_at: row.last_used_at.map(from_micros).transpose()?,
                })
            })
            .collect()
    }

    /// A fresh secret for the person's app, shown with a QR code.
    pub fn totp_enrolment(&self, p: &Principal) -> Result<Enrolment, AppError> {
        p.require_read()?;
        let totp = Totp::from_secret(
            crypto::random_bytes::<{ between_domain::totp::SECRET_BYTES }>().to_vec(),
        )
        .map_err(|e| AppError::Corrupt(e.to_string()))?;
        Ok(Enrolment {
            secret: totp.secret_base32(),
            uri: totp.otpauth_uri(ISSUER, &p.user.name),
        })
    }

    /// Turns codes on with `secret` (as [`App::totp_enrolment`] gave it)
    /// once `code` is right for it, replacing an earlier secret. Needs the
    /// password (and, when codes were on already, a code of the old
    /// secret) confirmed in the same request. The code's step counts as
    /// used.
    pub async fn enable_totp(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        secret: &str,
        code: &str,
    ) -> Result<(), AppError> {
        confirmed.check(p)?;
        let root = p.keys.root().ok_or_else(|| {
            AppError::Forbidden("This sign-in cannot change how you sign in.".into())
        })?;
        let totp = Totp::from_base32(secret).map_err(|_| {
            AppError::invalid(
                "secret",
                "The secret is not one Between made (it is shown as letters and digits); start again.",
            )
        })?;
        well_formed(code)?;
        let step = totp
            .verify(code, self.unix_now(), None)
            .map_err(code_error)?;
        let now = self.now_micros();
        let id = Uuid::now_v7();
        self.store
            .replace_second_factor(&SecondFactorRow {
                id,
                user_id: p.user.id,
                kind: TOTP.into(),
                secret: crypto::seal(&seal_key(root), &aad(p.user.id, id), totp.secret_bytes()),
                last_step: i64::try_from(step).ok(),
                created_at: now,
                last_used_at: Some(now),
            })
            .await?;
        tracing::info!(user_id = %p.user.id, "second factor turned on");
        self.record_security(
            p,
            crate::security_log::SECOND_FACTOR_ON,
            &["codes from an authenticator app".into()],
        )
        .await
    }

    /// Turns a second factor off, with a fresh proof of the password and
    /// the factor itself ([`App::confirm`]).
    pub async fn disable_second_factor(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        id: Uuid,
    ) -> Result<(), AppError> {
        confirmed.check(p)?;
        let row = self
            .second_factor_rows(p.user.id)
            .await?
            .into_iter()
            .find(|row| row.id == id)
            .ok_or_else(|| AppError::NotFound(format!("The second factor {id}")))?;
        if !self.store.delete_second_factor(p.user.id, id).await? {
            return Err(AppError::NotFound(format!("The second factor {id}")));
        }
        tracing::info!(user_id = %p.user.id, "second factor turned off");
        let words = match row.kind.as_str() {
            TOTP => "codes from an authenticator app",
            _ => "a second factor",
        };
        self.record_security(p, crate::security_log::SECOND_FACTOR_OFF, &[words.into()])
            .await
    }

    /// Checks `code` against the account's codes with the root key the
    /// password opened, and uses its step up. `Ok(false)` when the account
    /// has no codes to check. Throttling is the caller's.
    pub(crate) async fn check_totp(
        &self,
        user_id: Uuid,
        root: &Key,
        code: &str,
    ) -> Result<bool, AppError> {
        let Some(row) = self
            .second_factor_rows(user_id)
            .await?
            .into_iter()
            .find(|row| row.kind == TOTP)
        else {
            return Ok(false);
        };
        let secret = crypto::open(&seal_key(root), &aad(user_id, row.id), &row.secret)
            .map_err(|_| AppError::Corrupt("a second factor's secret does not open".into()))?;
        let totp =
            Totp::from_secret(secret.to_vec()).map_err(|e| AppError::Corrupt(e.to_string()))?;
        let last = row.last_step.and_then(|s| u64::try_from(s).ok());
        let step = totp
            .verify(code, self.unix_now(), last)
            .map_err(code_error)?;
        let step = i64::try_from(step).map_err(|e| AppError::Corrupt(e.to_string()))?;
        if !self
            .store
            .use_second_factor_step(user_id, row.id, step, self.now_micros())
            .await?
        {
            // Another request took this code a moment ago.
            return Err(code_error(TotpError::Replayed));
        }
        Ok(true)
    }

    /// The one check of a second step after a password step: a code
    /// (well-formed first, so no slot is spent on a typo) or a passkey's
    /// assertion, each with a throttle slot under the same keys as
    /// passwords, given back when it is right. Nothing to check when the
    /// account has no second step.
    pub(crate) async fn second_step(
        &self,
        user: &between_store::UserRow,
        root: &Key,
        proof: &SecondProof<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<(), AppError> {
        let on = self.second_steps(user.id).await?;
        if !on.required() {
            return Ok(());
        }
        on.check_present(proof)?;
        let reservation = self
            .reserve_attempt(&user.name, Some(user), attempt)
            .await?;
        match proof {
            SecondProof::Code(code) => {
                self.check_totp(user.id, root, code).await?;
            }
            SecondProof::Passkey {
                ceremony,
                assertion,
            } => {
                self.check_passkey_step(user.id, *ceremony, assertion)
                    .await?;
            }
            SecondProof::None => return Err(AppError::invalid("code", CODE_NEEDED)),
        }
        self.refund_attempt(reservation).await?;
        Ok(())
    }

    /// Which second steps the account has.
    pub(crate) async fn second_steps(&self, user_id: Uuid) -> Result<SecondSteps, AppError> {
        let codes = self
            .second_factor_rows(user_id)
            .await?
            .iter()
            .any(|row| row.kind == TOTP);
        let passkeys = self.store.passkeys(user_id).await?;
        Ok(SecondSteps {
            codes,
            passkey_step: passkeys.iter().any(|k| k.second_step),
            passkeys: !passkeys.is_empty(),
        })
    }

    /// Whether password sign-in to this account needs a second step.
    pub(crate) async fn has_second_factor(&self, user_id: Uuid) -> Result<bool, AppError> {
        Ok(self.second_steps(user_id).await?.required())
    }

    /// Whether the signed-in person's account has a second step (pages
    /// show the code field when it does).
    pub async fn second_factor_on(&self, p: &Principal) -> Result<bool, AppError> {
        self.has_second_factor(p.user.id).await
    }

    /// What a page asking for a fresh proof shows: the code field, the
    /// passkey button, both or neither.
    pub async fn second_step_of(&self, p: &Principal) -> Result<SecondSteps, AppError> {
        self.second_steps(p.user.id).await
    }

    /// Removes every second step (after the recovery code was used by
    /// someone who lost their authenticator).
    pub(crate) async fn drop_second_factors(&self, user_id: Uuid) -> Result<u64, AppError> {
        let mut n = 0;
        for row in self.second_factor_rows(user_id).await? {
            if self.store.delete_second_factor(user_id, row.id).await? {
                n += 1;
            }
        }
        // A passkey kept only as a second step goes too (it may be what
        // was lost); passkeys that open the account stay.
        for row in self.store.passkeys(user_id).await? {
            if row.second_step && self.store.delete_passkey(user_id, row.id).await? {
                n += 1;
            }
        }
        Ok(n)
    }

    fn unix_now(&self) -> u64 {
        u64::try_from(self.now().as_second()).unwrap_or(0)
    }
}
