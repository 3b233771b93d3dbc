//! Passkeys that open the account: WebAuthn (webauthn-rs) checks who signs
//! in, and the PRF extension gives the key that opens the data. The browser
//! asks the authenticator for PRF of one constant input
//! ([`PRF_INPUT`]); its 32-byte output, through HKDF with a random salt
//! kept beside the passkey, seals the root key like any other credential.
//! The output never reaches the database, so a copied database opens
//! nothing, and a wrong output opens nothing either.
//!
//! Adding one needs the password (and a code, with two-step sign-in) in
//! the same request, since it is lasting access. It takes two ceremonies:
//! registration, then at once an authentication with PRF that gives the
//! output to wrap the root key under. An authenticator without PRF cannot
//! hold a key, so such a passkey is kept as a second step for password
//! sign-in instead, and the person is told so. Any passkey of the account
//! can stand in for a code ([`App::begin_passkey_check`]).
//! Ceremony state lives in the database between the two requests of each
//! ceremony, used once and for a few minutes, so any instance finishes
//! what another began. User verification is required (webauthn-rs's
//! passkey flow); counters and backup state are recorded at each use.

use between_store::{CeremonyRow, PasskeyRow};
use hkdf::Hkdf;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential,
};

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::principal::Principal;
use crate::reauth::PasswordConfirmed;
use crate::sessions::{normalised_name, SignInAs, SignedInWith};
use crate::throttle::Attempt;
use crate::{from_micros, App};

/// What the browser asks the authenticator's PRF for (the same for every
/// passkey; the per-passkey salt is ours, in the HKDF).
pub const PRF_INPUT: &str = "between root key v1";

/// How long a ceremony waits for its second request.
const CEREMONY_MINUTES: i64 = 5;

const REGISTER: &str = "register";
const UNLOCK: &str = "unlock";
const SIGN_IN: &str = "sign-in";
const CHECK: &str = "check";

/// Said when a ceremony is gone: finished, expired or never begun.
pub const CEREMONY_GONE: &str =
    "That passkey request is over (it lasts 5 minutes and works once): please try again.";

/// A ceremony's first half: its id and what the browser passes to
/// `navigator.credentials.create` or `.get` (webauthn-rs's JSON).
#[derive(Debug, Clone)]
pub struct Ceremony {
    pub id: Uuid,
    pub options: serde_json::Value,
}

/// A passkey as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyInfo {
    pub id: Uuid,
    pub label: String,
    /// Whether it opens the data (it holds the root key, through PRF).
    pub unlocks: bool,
    /// Kept as a second step for password sign-in (its authenticator
    /// offers no PRF, so it cannot hold the key).
    pub second_step: bool,
    /// Whether its authenticator may back it up (a synced passkey), and
    /// whether it was backed up at its last use.
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

#[derive(Serialize, Deserialize)]
struct RegisterState {
    label: String,
    state: PasskeyRegistration,
}

#[derive(Serialize, Deserialize)]
struct UnlockState {
    passkey: Uuid,
    state: PasskeyAuthentication,
}

#[derive(Serialize, Deserialize)]
struct SignInState {
    state: PasskeyAuthentication,
}

fn aad(user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("passkey|{user_id}|{id}").into_bytes()
}

/// The key a PRF output gives with a passkey's salt.
pub(crate) fn prf_key(prf: &[u8], salt: &[u8]) -> Key {
    let hk = Hkdf::<Sha256>::new(Some(salt), prf);
    let mut okm = zeroize::Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit.
    let _ = hk.expand(b"between/v1/passkey-root", okm.as_mut());
    Key::from_slice(okm.as_ref()).unwrap_or_else(|_| Key::random())
}

/// A PRF output as the browser posts it (base64url, 32 bytes).
fn prf_bytes(prf: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(prf.trim().trim_end_matches('='))
        .ok()?;
    (bytes.len() == 32).then(|| zeroize::Zeroizing::new(bytes))
}

fn bad_credential(what: &str) -> AppError {
    AppError::invalid(
        "credential",
        format!(
            "The browser's answer for the passkey could not be read ({what}); please try again."
        ),
    )
}

fn refused(err: impl std::fmt::Display) -> AppError {
    tracing::info!(error = %err, "a passkey ceremony was refused");
    AppError::Unauthorized("The passkey did not confirm it is you; please try again.".into())
}

impl App {
    fn webauthn(&self) -> Result<&webauthn_rs::Webauthn, AppError> {
        self.relying_party
            .webauthn()
            .map_err(|why| AppError::Forbidden(why.to_string()))
    }

    /// Whether passkeys can be used here, and if not, why.
    pub fn passkeys_available(&self) -> Result<(), String> {
        self.relying_party
            .webauthn()
            .map(|_| ())
            .map_err(str::to_string)
    }

    async fn begin_ceremony(
        &self,
        user_id: Uuid,
        purpose: &str,
        state: &impl Serialize,
        options: serde_json::Value,
    ) -> Result<Ceremony, AppError> {
        let id = Uuid::now_v7();
        let now = self.now_micros();
        self.store
            .insert_ceremony(&CeremonyRow {
                id,
                user_id,
                purpose: purpose.into(),
                state: serde_json::to_string(state)
                    .map_err(|e| AppError::Corrupt(e.to_string()))?,
                created_at: now,
                expires_at: now + CEREMONY_MINUTES * 60 * 1_000_000,
            })
            .await?;
        Ok(Ceremony { id, options })
    }

    /// Takes the ceremony `id` for its second request if it is one of
    /// `purpose` (and of `user`, when known).
    async fn take_ceremony<T: for<'de> Deserialize<'de>>(
        &self,
        id: Uuid,
        purpose: &str,
        user: Option<Uuid>,
    ) -> Result<(Uuid, T), AppError> {
        let gone = || AppError::Unauthorized(CEREMONY_GONE.into());
        let row = self
            .store
            .take_ceremony(id, self.now_micros())
            .await?
            .filter(|c| c.purpose == purpose && user.is_none_or(|u| u == c.user_id))
            .ok_or_else(gone)?;
        let state = serde_json::from_str(&row.state).map_err(|_| gone())?;
        Ok((row.user_id, state))
    }

    fn stored_passkey(row: &PasskeyRow) -> Result<Passkey, AppError> {
        serde_json::from_str(&row.credential).map_err(|e| AppError::Corrupt(e.to_string()))
    }

    /// An authentication over `passkeys`, kept as a ceremony of `purpose`
    /// with the library's state wrapped by `keep`.
    async fn begin_authentication<S: Serialize>(
        &self,
        user_id: Uuid,
        purpose: &str,
        passkeys: &[Passkey],
        keep: impl FnOnce(PasskeyAuthentication) -> S,
    ) -> Result<Ceremony, AppError> {
        let (options, state) = self
            .webauthn()?
            .start_passkey_authentication(passkeys)
            .map_err(|e| AppError::Corrupt(e.to_string()))?;
        let options =
            serde_json::to_value(&options).map_err(|e| AppError::Corrupt(e.to_string()))?;
        self.begin_ceremony(user_id, purpose, &keep(state), options)
            .await
    }

    /// Checks an assertion (the browser's JSON) against a ceremony's
    /// state; a wrong or replayed one is `Unauthorized`.
    fn verify_assertion(
        &self,
        state: &PasskeyAuthentication,
        assertion: &str,
    ) -> Result<webauthn_rs::prelude::AuthenticationResult, AppError> {
        let answer: PublicKeyCredential =
            serde_json::from_str(assertion).map_err(|e| bad_credential(&e.to_string()))?;
        self.webauthn()?
            .finish_passkey_authentication(&answer, state)
            .map_err(refused)
    }

    /// The account's passkey an assertion came from.
    async fn passkey_of(
        &self,
        user_id: Uuid,
        result: &webauthn_rs::prelude::AuthenticationResult,
    ) -> Result<PasskeyRow, AppError> {
        self.store
            .passkeys(user_id)
            .await?
            .into_iter()
            .find(|row| row.credential_id == result.cred_id().as_ref())
            .ok_or_else(|| refused("no such passkey"))
    }

    /// The account's passkeys.
    pub async fn passkeys(&self, p: &Principal) -> Result<Vec<PasskeyInfo>, AppError> {
        p.require_read()?;
        self.store
            .passkeys(p.user.id)
            .await?
            .iter()
            .map(|row| {
                Ok(PasskeyInfo {
                    id: row.id,
                    label: row.label.clone(),
                    unlocks: row.wrapped.is_some(),
                    second_step: row.second_step,
                    backup_eligible: row.backup_eligible,
                    backed_up: row.backed_up,
                    created_at: from_micros(row.created_at)?,
                    last_used_at: row.last_used_at.map(from_micros).transpose()?,
                })
            })
            .collect()
    }

    /// Begins adding a passkey named `label`, with the password (and code)
    /// confirmed in this request.
    pub async fn begin_passkey_registration(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        label: &str,
    ) -> Result<Ceremony, AppError> {
        confirmed.check(p)?;
        p.keys
            .root()
            .ok_or_else(|| AppError::Forbidden("This sign-in cannot add a passkey.".into()))?;
        let label = crate::sessions::clean_label(label, "passkey")?;
        let webauthn = self.webauthn()?;
        // An earlier adding that stopped half-way leaves nothing behind.
        self.store.delete_unfinished_passkeys(p.user.id).await?;
        let existing = self.store.passkeys(p.user.id).await?;
        let exclude = existing
            .iter()
            .filter_map(|row| Self::stored_passkey(row).ok())
            .map(|k| k.cred_id().clone())
            .collect::<Vec<_>>();
        let (options, state) = webauthn
            .start_passkey_registration(
                p.user.id,
                &p.user.name,
                &p.user.name,
                (!exclude.is_empty()).then_some(exclude),
            )
            .map_err(|e| AppError::Corrupt(e.to_string()))?;
        let options =
            serde_json::to_value(&options).map_err(|e| AppError::Corrupt(e.to_string()))?;
        self.begin_ceremony(
            p.user.id,
            REGISTER,
            &RegisterState { label, state },
            options,
        )
        .await
    }

    /// Finishes the registration with the browser's answer (JSON) and
    /// begins the authentication that gives the PRF output, returned for
    /// the browser to run at once. The passkey is kept, not yet opening
    /// anything, until [`App::finish_passkey_unlock`].
    pub async fn finish_passkey_registration(
        &self,
        p: &Principal,
        ceremony: Uuid,
        credential: &str,
    ) -> Result<Ceremony, AppError> {
        p.require_read()?;
        let webauthn = self.webauthn()?;
        let (_, RegisterState { label, state }) = self
            .take_ceremony(ceremony, REGISTER, Some(p.user.id))
            .await?;
        let answer: RegisterPublicKeyCredential =
            serde_json::from_str(credential).map_err(|e| bad_credential(&e.to_string()))?;
        let passkey = webauthn
            .finish_passkey_registration(&answer, &state)
            .map_err(refused)?;
        let id = Uuid::now_v7();
        self.store
            .insert_passkey(&PasskeyRow {
                id,
                user_id: p.user.id,
                credential_id: passkey.cred_id().as_ref().to_vec(),
                label,
                credential: serde_json::to_string(&passkey)
                    .map_err(|e| AppError::Corrupt(e.to_string()))?,
                prf_salt: None,
                wrapped: None,
                second_step: false,
                backup_eligible: false,
                backed_up: false,
                counter: 0,
                created_at: self.now_micros(),
                last_used_at: None,
            })
            .await?;
        self.begin_authentication(p.user.id, UNLOCK, &[passkey], |state| UnlockState {
            passkey: id,
            state,
        })
        .await
    }

    /// Finishes adding a passkey: its assertion is checked, and its PRF
    /// output (base64url) seals the root key under a new salt. Without a
    /// PRF output the passkey is removed again and the person told why.
    pub async fn finish_passkey_unlock(
        &self,
        p: &Principal,
        ceremony: Uuid,
        assertion: &str,
        prf: &str,
    ) -> Result<PasskeyInfo, AppError> {
        p.require_read()?;
        let root = p
            .keys
            .root()
            .ok_or_else(|| AppError::Forbidden("This sign-in cannot add a passkey.".into()))?;
        self.webauthn()?;
        let (_, UnlockState { passkey: id, state }) = self
            .take_ceremony(ceremony, UNLOCK, Some(p.user.id))
            .await?;
        let result = self.verify_assertion(&state, assertion)?;
        let row = self
            .store
            .passkeys(p.user.id)
            .await?
            .into_iter()
            .find(|row| row.id == id)
            .ok_or_else(|| AppError::Unauthorized(CEREMONY_GONE.into()))?;
        let Some(prf) = prf_bytes(prf) else {
            // No PRF: it cannot hold the key, so it is a second step for
            // password sign-in instead (and says so).
            if !self.store.set_passkey_second_step(p.user.id, id).await? {
                return Err(AppError::Conflict(
                    "This passkey opens your account already.".into(),
                ));
            }
            self.record_passkey_use(&row, &result).await?;
            tracing::info!(user_id = %p.user.id, "passkey added as a second step");
            self.record_security(
                p,
                crate::security_log::PASSKEY_ADDED,
                &[
                    format!("\"{}\"", row.label),
                    "a second step only: its authenticator cannot unlock your data".into(),
                ],
            )
            .await?;
            return self
                .passkeys(p)
                .await?
                .into_iter()
                .find(|k| k.id == id)
                .ok_or_else(|| AppError::NotFound("The passkey".into()));
        };
        let salt = crypto::random_bytes::<32>();
        let wrapped = crypto::seal(&prf_key(&prf, &salt), &aad(p.user.id, id), root.as_bytes());
        if !self
            .store
            .set_passkey_wrap(p.user.id, id, &salt, &wrapped)
            .await?
        {
            return Err(AppError::Conflict(
                "This passkey opens your account already.".into(),
            ));
        }
        self.record_passkey_use(&row, &result).await?;
        tracing::info!(user_id = %p.user.id, "passkey added");
        self.record_security(
            p,
            crate::security_log::PASSKEY_ADDED,
            &[format!("\"{}\"", row.label)],
        )
        .await?;
        self.passkeys(p)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| AppError::NotFound("The passkey".into()))
    }

    async fn record_passkey_use(
        &self,
        row: &PasskeyRow,
        result: &webauthn_rs::prelude::AuthenticationResult,
    ) -> Result<(), AppError> {
        let mut passkey = Self::stored_passkey(row)?;
        passkey.update_credential(result);
        let credential =
            serde_json::to_string(&passkey).map_err(|e| AppError::Corrupt(e.to_string()))?;
        self.store
            .touch_passkey(
                row.id,
                &credential,
                i64::from(result.counter()),
                result.backup_eligible(),
                result.backup_state(),
                self.now_micros(),
            )
            .await?;
        Ok(())
    }

    /// Begins signing in to `name` with one of its passkeys that open the
    /// account.
    pub async fn begin_passkey_sign_in(&self, name: &str) -> Result<Ceremony, AppError> {
        self.webauthn()?;
        let none = || {
            AppError::invalid(
                "name",
                "There is no passkey for this name here: sign in with your password, then add one in Settings → Passkeys.",
            )
        };
        let user = self
            .user_for_attempt(&normalised_name(name))
            .await?
            .ok_or_else(none)?;
        let passkeys: Vec<Passkey> = self
            .store
            .passkeys(user.id)
            .await?
            .iter()
            .filter(|row| row.wrapped.is_some())
            .filter_map(|row| Self::stored_passkey(row).ok())
            .collect();
        if passkeys.is_empty() {
            return Err(none());
        }
        self.begin_authentication(user.id, SIGN_IN, &passkeys, |state| SignInState { state })
            .await
    }

    /// Finishes a passkey sign-in: the assertion checked (throttled like a
    /// password), the root key opened with the PRF output, and a web
    /// session made. A wrong PRF output opens nothing.
    pub async fn finish_passkey_sign_in(
        &self,
        ceremony: Uuid,
        assertion: &str,
        prf: &str,
        attempt: &Attempt<'_>,
    ) -> Result<SignedInWith, AppError> {
        self.webauthn()?;
        let (user_id, SignInState { state }) = self.take_ceremony(ceremony, SIGN_IN, None).await?;
        let user = self
            .store
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| AppError::Unauthorized(CEREMONY_GONE.into()))?;
        let reservation = self
            .reserve_attempt(&user.name, Some(&user), attempt)
            .await?;
        let result = self.verify_assertion(&state, assertion)?;
        let row = self.passkey_of(user.id, &result).await?;
        let opened = match (prf_bytes(prf), &row.prf_salt, &row.wrapped) {
            (Some(prf), Some(salt), Some(wrapped)) => {
                crypto::open(&prf_key(&prf, salt), &aad(user.id, row.id), wrapped)
                    .ok()
                    .and_then(|bytes| Key::from_slice(&bytes).ok())
            }
            _ => None,
        };
        let Some(root) = opened else {
            return Err(AppError::Unauthorized(
                "This passkey did not open your account (its authenticator gave another key); sign in with your password.".into(),
            ));
        };
        self.refund_attempt(reservation).await?;
        self.record_passkey_use(&row, &result).await?;
        let _permit = self.unlock_permit().await?;
        self.finish_sign_in(&user, root, SignInAs::WebSession, "web browser", attempt)
            .await
    }

    /// Begins a passkey check standing in for a code: the fresh proof
    /// before a token, an archive or a deletion ([`App::confirm_with`]).
    pub async fn begin_passkey_check(&self, p: &Principal) -> Result<Ceremony, AppError> {
        p.require_read()?;
        self.begin_passkey_check_for(p.user.id).await
    }

    /// A check over every passkey of the account.
    pub(crate) async fn begin_passkey_check_for(
        &self,
        user_id: Uuid,
    ) -> Result<Ceremony, AppError> {
        self.webauthn()?;
        let passkeys: Vec<Passkey> = self
            .store
            .passkeys(user_id)
            .await?
            .iter()
            .filter(|row| row.wrapped.is_some() || row.second_step)
            .filter_map(|row| Self::stored_passkey(row).ok())
            .collect();
        if passkeys.is_empty() {
            return Err(AppError::invalid(
                "code",
                "This account has no passkey to use.",
            ));
        }
        self.begin_authentication(user_id, CHECK, &passkeys, |state| SignInState { state })
            .await
    }

    /// Checks a passkey's assertion as a second step (a wrong or replayed
    /// one is `Unauthorized`); records its use.
    pub(crate) async fn check_passkey_step(
        &self,
        user_id: Uuid,
        ceremony: Uuid,
        assertion: &str,
    ) -> Result<(), AppError> {
        self.webauthn()?;
        let (_, SignInState { state }) = self.take_ceremony(ceremony, CHECK, Some(user_id)).await?;
        let result = self.verify_assertion(&state, assertion)?;
        let row = self.passkey_of(user_id, &result).await?;
        self.record_passkey_use(&row, &result).await
    }

    /// Removes a passkey, and with it the root key it wrapped, with a
    /// fresh proof ([`App::confirm_with`]: the password and, with two-step
    /// sign-in, a code or a passkey — when it is the one removed, with it).
    pub async fn remove_passkey(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        id: Uuid,
    ) -> Result<(), AppError> {
        confirmed.check(p)?;
        let row = self
            .store
            .passkeys(p.user.id)
            .await?
            .into_iter()
            .find(|row| row.id == id)
            .ok_or_else(|| AppError::NotFound(format!("The passkey {id}")))?;
        if !self.store.delete_passkey(p.user.id, id).await? {
            return Err(AppError::NotFound(format!("The passkey {id}")));
        }
        self.record_security(
            p,
            crate::security_log::PASSKEY_REMOVED,
            &[format!("\"{}\"", row.label)],
        )
        .await
    }

    /// Deletes ceremonies nobody finished in time.
    pub async fn purge_ceremonies(&self) -> Result<u64, AppError> {
        Ok(self
            .store
            .delete_expired_ceremonies(self.now_micros())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_prf_output_or_salt_gives_another_key() {
        let prf = [7u8; 32];
        let salt = [1u8; 32];
        let root = Key::random();
        let sealed = crypto::seal(&prf_key(&prf, &salt), b"aad", root.as_bytes());
        let opened = crypto::open(&prf_key(&prf, &salt), b"aad", &sealed).unwrap();
        assert_eq!(opened.as_slice(), root.as_bytes());
        assert!(crypto::open(&prf_key(&[8u8; 32], &salt), b"aad", &sealed).is_err());
        assert!(crypto::open(&prf_key(&prf, &[2u8; 32]), b"aad", &sealed).is_err());
    }

    #[test]
    fn a_prf_output_is_32_bytes_of_base64url() {
        assert!(prf_bytes(&"A".repeat(43)).is_some());
        assert!(prf_bytes("AAAA").is_none());
        assert!(prf_bytes("not base64!").is_none());
    }
}
