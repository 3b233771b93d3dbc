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
        Ok(PendingSignIn { secret, max_age })
    }

    /// Finishes a browser's sign-in with the code of its second factor:
    /// the pending step is found by the browser's secret, the code checked
    /// (throttled), and a web session made as after a password alone. A
    /// wrong code is an input error on `code`; the step is gone (an
    /// `Unauthorized` error) once used, expired, or after
    /// [`MAX_WRONG_CODES`] wrong codes.
    pub async fn finish_sign_in_with_code(
        &self,
        secret: &str,
        code: &str,
        attempt: &Attempt<'_>,
    ) -> Result<SignedInWith, AppError> {
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
        crate::second_factor::well_formed(code)?;
        let root = crypto::open(
            &wrap_key_of(secret),
            &aad(row.user_id, row.id),
            &row.wrapped,
        )
        .ok()
        .and_then(|bytes| Key::from_slice(&bytes).ok())
        .ok_or_else(gone)?;
        let reservation = self
            .reserve_attempt(&user.name, Some(&user), attempt)
            .await?;
        if let Err(err) = self.check_totp(user.id, &root, code).await {
            if !err.is_input_error() {
                return Err(err);
            }
            if self.store.fail_pending_signin(row.id).await? >= MAX_WRONG_CODES {
                self.store.take_pending_signin(row.id).await?;
                return Err(AppError::Unauthorized(TOO_MANY.into()));
            }
            return Err(err);
        }
        if !self.store.take_pending_signin(row.id).await? {
            return Err(gone());
        }
        self.refund_attempt(reservation).await?;
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
