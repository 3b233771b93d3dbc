//! The step between a right password and its code, for a browser. Nothing
//! is kept in server memory: a short-lived row holds the root key sealed
//! under a one-time secret that only the browser's cookie carries (the row
//! is found by a hash of it), so any instance finishes the sign-in and a
//! copied database opens nothing. The row is used once, lasts a few
//! minutes, and is given up after a few wrong codes; every code is also
//! throttled with password attempts.

use between_store::PendingSignInRow;
use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::second_factor::SecondProof;
use crate::sessions::{SignInAs, SignedInWith};
use crate::throttle::Attempt;
use crate::App;

/// How long the code step waits.
pub const PENDING_MINUTES: i64 = 5;
/// Wrong codes before the password has to be entered again.
pub const MAX_WRONG_CODES: i64 = 5;

/// What the browser keeps between the steps (in a cookie), and only it.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub secret: String,
    /// Seconds until it ends.
    pub max_age: i64,
    /// What the step offers: a code field, a passkey, or both.
    pub steps: crate::second_factor::SecondSteps,
}

/// Said when the step is gone: finished, expired or given up.
pub const STEP_GONE: &str =
    "This sign-in waited too long or was finished already: please enter your password again.";

const TOO_MANY: &str =
    "That was too many wrong codes: please enter your password again, then the code your app shows now.";

fn lookup_of(secret: &str) -> Vec<u8> {
    crypto::derive(secret.as_bytes(), "pending-signin-lookup")
        .as_bytes()
        .to_vec()
}

fn wrap_key_of(secret: &str) -> Key {
    crypto::derive(secret.as_bytes(), "pending-signin-wrap")
}

fn aad(user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("pending-signin|{user_id}|{id}").into_bytes()
}

impl App {
    /// Keeps the opened root key for the code step, sealed under a new
    /// one-time secret returned to the browser.
    pub(crate) async fn begin_pending_signin(
        &self,
        user_id: Uuid,
        root: &Key,
    ) -> Result<PendingSignIn, AppError> {
        let secret = crypto::new_secret();
        let id = Uuid::now_v7();
        let now = self.now_micros();
        let max_age = PENDING_MINUTES * 60;
        self.store
            .insert_pending_signin(&PendingSignInRow {
                id,
                user_id,
                lookup: lookup_of(&secret),
                wrapped: crypto::seal(&wrap_key_of(&secret), &aad(user_id, id), root.as_bytes()),
                failures: 0,
                created_at: now,
                expires_at: now + max_age * 1_000_000,
            })
            .await?;
        Ok(PendingSignIn {
            secret,
            max_age,
            steps: self.second_steps(user_id).await?,
        })
    }

    /// The waiting step a browser's secret names, with its account.
    async fn pending_of(
        &self,
        secret: &str,
    ) -> Result<(PendingSignInRow, between_store::UserRow), AppError> {
        let gone = || AppError::Unauthorized(STEP_GONE.into());
        if secret.is_empty() || secret.len() > 200 {
            return Err(gone());
        }
        let row = self
            .store
            .pending_signin_by_lookup(&lookup_of(secret))
            .await?
            .filter(|row| row.expires_at > self.now_micros())
            .ok_or_else(gone)?;
        let user = self.store.user_by_id(row.user_id).await?.ok_or_else(gone)?;
        Ok((row, user))
    }

    /// What the code step of a browser offers (for its page).
    pub async fn pending_steps(
        &self,
        secret: &str,
    ) -> Result<crate::second_factor::SecondSteps, AppError> {
        let (_, user) = self.pending_of(secret).await?;
        self.second_steps(user.id).await
    }

    /// Begins a passkey check for a browser's code step.
    pub async fn begin_pending_passkey_check(
        &self,
        secret: &str,
    ) -> Result<crate::passkeys::Ceremony, AppError> {
        let (_, user) = self.pending_of(secret).await?;
        self.begin_passkey_check_for(user.id).await
    }

    /// Finishes a browser's sign-in with the code of its second factor
    /// ([`App::finish_pending_sign_in`] with a code).
    pub async fn finish_sign_in_with_code(
        &self,
        secret: &str,
        code: &str,
        attempt: &Attempt<'_>,
    ) -> Result<SignedInWith, AppError> {
        self.finish_pending_sign_in(secret, SecondProof::code(Some(code)), attempt)
            .await
    }

    /// Finishes a browser's sign-in with its second step (a code or a
    /// passkey's assertion): the pending step is found by the browser's
    /// secret, the proof checked (throttled), and a web session made as
    /// after a password alone. A wrong proof is an input error on `code`;
    /// the step is gone (an `Unauthorized` error) once used, expired, or
    /// after [`MAX_WRONG_CODES`] wrong proofs.
    pub async fn finish_pending_sign_in(
        &self,
        secret: &str,
        proof: SecondProof<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<SignedInWith, AppError> {
        let gone = || AppError::Unauthorized(STEP_GONE.into());
        let (row, user) = self.pending_of(secret).await?;
        let steps = self.second_steps(user.id).await?;
        if steps.required() {
            steps.check_present(&proof)?;
        }
        let root = crypto::open(
            &wrap_key_of(secret),
            &aad(row.user_id, row.id),
            &row.wrapped,
        )
        .ok()
        .and_then(|bytes| Key::from_slice(&bytes).ok())
        .ok_or_else(gone)?;
        if let Err(err) = self.second_step(&user, &root, &proof, attempt).await {
            if !err.is_input_error() && !matches!(err, AppError::Unauthorized(_)) {
                return Err(err);
            }
            if self.store.fail_pending_signin(row.id).await? >= MAX_WRONG_CODES {
                self.store.take_pending_signin(row.id).await?;
                return Err(AppError::Unauthorized(TOO_MANY.into()));
            }
            return Err(match err {
                AppError::Unauthorized(message) => AppError::invalid("code", message),
                other => other,
            });
        }
        if !self.store.take_pending_signin(row.id).await? {
            return Err(gone());
        }
        let _permit = self.unlock_permit().await?;
        self.finish_sign_in(&user, root, SignInAs::WebSession, "web browser", attempt)
            .await
    }

    /// Ends every waiting code step of an account (its password changed,
    /// or the recovery code was used).
    pub(crate) async fn end_pending_signins(&self, user_id: Uuid) -> Result<(), AppError> {
        self.store.delete_pending_signins_of(user_id).await?;
        Ok(())
    }

    /// Deletes code steps nobody finished in time.
    pub async fn purge_pending_signins(&self) -> Result<u64, AppError> {
        Ok(self
            .store
            .delete_expired_pending_signins(self.now_micros())
            .await?)
    }
}
