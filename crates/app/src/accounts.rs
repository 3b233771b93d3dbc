//! Creating accounts, changing passwords and recovering access with the
//! recovery code. The root key is created here and only ever stored wrapped.

use between_domain::ValidationErrors;
use between_store::{CredentialKind, NewAccount, UserRow};
use jiff::tz::TimeZone;
use uuid::Uuid;

use crate::credential::Template;
use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::keyring::{new_kind_keys, DataKind};
use crate::principal::{Access, Principal, Role, User};
use crate::reauth::{Others, PasswordConfirmed};
use crate::sessions::normalised_name;
use crate::throttle::Attempt;
use crate::App;

pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_BYTES: usize = 1024;

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub time_zone: &'a str,
}

/// A created account and its recovery code, shown to the person once.
#[derive(Debug, Clone)]
pub struct Registered {
    pub user: User,
    pub recovery_code: String,
}

/// What a recovery with the recovery code asks for.
#[derive(Debug, Clone, Copy)]
pub struct Recovery<'a> {
    pub name: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
    /// Turn the account's second factors off (the authenticator is lost).
    pub drop_second_factors: bool,
}

/// A recovery done: the next recovery code (shown once) and the browser's
/// new session.
#[derive(Debug, Clone)]
pub struct Recovered {
    pub recovery_code: String,
    pub signed_in: crate::sessions::SignedInWith,
}

/// Names are what people sign in with: 1–32 of a–z, 0–9, `.`, `_`, `-`,
/// case-insensitive (stored in lower case).
pub fn validate_name(name: &str) -> Result<String, ValidationErrors> {
    let name = name.trim().to_lowercase();
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if name.is_empty() || name.chars().count() > 32 || !ok_chars {
        return Err(ValidationErrors::single(
            "name",
            "A name is 1 to 32 letters, digits, dots, dashes or underscores.",
        ));
    }
    Ok(name)
}

pub fn validate_password(password: &str) -> Result<(), ValidationErrors> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ValidationErrors::single(
            "password",
            format!("The password is too short: use at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ValidationErrors::single(
            "password",
            "The password is too long.",
        ));
    }
    Ok(())
}

pub fn validate_time_zone(zone: &str) -> Result<TimeZone, ValidationErrors> {
    TimeZone::get(zone.trim()).map_err(|_| {
        ValidationErrors::single(
            "time_zone",
            format!(
                "\"{}\" is not a known time zone; use an IANA name such as Europe/Berlin.",
                zone.trim()
            ),
        )
    })
}

impl App {
    /// Whether the web may create an account now: always for the very first
    /// one, afterwards only when the deployment allows open registration.
    pub async fn web_registration_open(&self) -> Result<bool, AppError> {
        Ok(self.config.open_registration || self.store.count_users().await? == 0)
    }

    pub async fn register(&self, new: NewUser<'_>) -> Result<Registered, AppError> {
        let mut errors = ValidationErrors::new();
        let name = validate_name(new.name)
            .map_err(|e| errors.add("name", e.to_string()))
            .ok();
        let _ = validate_password(new.password).map_err(|e| errors.add("password", e.to_string()));
        let zone = validate_time_zone(new.time_zone)
            .map_err(|e| errors.add("time_zone", e.to_string()))
            .ok();
        let (Some(name), Some(zone)) = (name, zone) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let now = self.now_micros();
        let user_id = Uuid::now_v7();
        let root = Key::random();
        let recovery_code = crypto::new_recovery_code();
        let template = |kind, label| Template {
            user_id,
            kind,
            label,
            access: Access::Full,
            now,
            expires_at: None,
        };
        let credentials = {
            let _permit = self.unlock_permit().await?;
            vec![
                self.secret_credential(
                    template(CredentialKind::Password, "password"),
                    new.password.as_bytes(),
                    &root,
                )
                .await?,
                self.secret_credential(
                    template(CredentialKind::Recovery, "recovery code"),
                    crypto::normalise_recovery_code(&recovery_code).as_bytes(),
                    &root,
                )
                .await?,
            ]
        };
        let user = UserRow {
            id: user_id,
            name,
            role: new.role.as_str().to_string(),
            time_zone: zone.iana_name().unwrap_or("UTC").to_string(),
            created_at: now,
        };
        self.store
            .create_account(&NewAccount {
                kind_keys: new_kind_keys(user_id, &root, now, &DataKind::ALL, 1),
                credentials,
                user: user.clone(),
            })
            .await?;
        tracing::info!(user_id = %user_id, "account created");
        Ok(Registered {
            user: User::from_row(&user),
            recovery_code,
        })
    }

    /// Changes the zone in which the person's days begin and end.
    pub async fn set_time_zone(&self, p: &Principal, zone: &str) -> Result<User, AppError> {
        p.require_read()?;
        let tz = validate_time_zone(zone)?;
        let name = tz.iana_name().unwrap_or("UTC");
        self.store.update_time_zone(p.user.id, name).await?;
        let user = User {
            time_zone: tz.clone(),
            ..p.user.clone()
        };
        // Reminders keep their local times in the new zone.
        let moved = Principal {
            user: user.clone(),
            ..p.forgetful()
        };
        self.refresh_reminder_plan(&moved).await;
        Ok(user)
    }

    /// Re-wraps the root key under a new password; nothing is re-encrypted.
    /// The current password is checked like a sign-in (throttled, one key
    /// derivation). Every other web session of the account ends (through
    /// [`App::revoke_other_credentials`]); device logins, tokens and the
    /// calendar feed stay, and the web then offers to end them on the same
    /// page. Returns how many sessions ended.
    pub async fn change_password(
        &self,
        p: &Principal,
        old: &str,
        new: &str,
        attempt: &Attempt<'_>,
    ) -> Result<u64, AppError> {
        validate_password(new)?;
        let root = p.keys.root().ok_or_else(|| {
            AppError::Forbidden("This credential cannot change the password.".into())
        })?;
        let row = self.account_row(p).await?;
        if !self.password_opens(&row, old, attempt).await? {
            return Err(AppError::invalid(
                "current_password",
                "The current password is not right.",
            ));
        }
        {
            let _permit = self.unlock_permit().await?;
            self.set_password(p.user.id, new, root).await?;
        }
        self.end_pending_signins(p.user.id).await?;
        self.record_security(p, crate::security_log::PASSWORD_CHANGED, &[])
            .await?;
        Ok(self
            .revoke_other_credentials(p, Others::SESSIONS)
            .await?
            .sessions)
    }

    /// Makes the password credential anew (today's parameters, new salt).
    pub(crate) async fn set_password(
        &self,
        user_id: Uuid,
        password: &str,
        root: &Key,
    ) -> Result<(), AppError> {
        let row = self
            .secret_credential(
                Template {
                    user_id,
                    kind: CredentialKind::Password,
                    label: "password",
                    access: Access::Full,
                    now: self.now_micros(),
                    expires_at: None,
                },
                password.as_bytes(),
                root,
            )
            .await?;
        self.store
            .replace_credentials(user_id, CredentialKind::Password, &row)
            .await?;
        Ok(())
    }

    /// Sets a new password with the recovery code, keeping all data, and
    /// returns a new recovery code (each code works once). Throttled and
    /// timed like a sign-in (one function checks both), and every web
    /// session ends: whoever knew the old password is signed out.
    pub async fn recover(
        &self,
        name: &str,
        code: &str,
        new_password: &str,
        client: &str,
    ) -> Result<String, AppError> {
        self.recover_with(name, code, new_password, &Attempt::from(client))
            .await
    }

    pub async fn recover_with(
        &self,
        name: &str,
        code: &str,
        new_password: &str,
        attempt: &Attempt<'_>,
    ) -> Result<String, AppError> {
        let (next_code, _, _) = self
            .recover_inner(name, code, new_password, false, attempt)
            .await?;
        Ok(next_code)
    }

    /// Recovers as [`App::recover_with`] does and signs the browser in
    /// without asking for a second factor: the recovery code is the last
    /// resort for someone who lost the password or the authenticator.
    /// With `drop_second_factors` the account's second factors are turned
    /// off as well (for an authenticator that is lost). The person is
    /// then offered to end every other credential.
    pub async fn recover_and_sign_in(
        &self,
        r: Recovery<'_>,
        attempt: &Attempt<'_>,
    ) -> Result<Recovered, AppError> {
        let (next_code, user, root) = self
            .recover_inner(
                r.name,
                r.code,
                r.new_password,
                r.drop_second_factors,
                attempt,
            )
            .await?;
        let _permit = self.unlock_permit().await?;
        let signed_in = self
            .finish_sign_in(
                &user,
                root,
                crate::sessions::SignInAs::WebSession,
                "web browser",
                attempt,
            )
            .await?;
        Ok(Recovered {
            recovery_code: next_code,
            signed_in,
        })
    }

    async fn recover_inner(
        &self,
        name: &str,
        code: &str,
        new_password: &str,
        drop_second_factors: bool,
        attempt: &Attempt<'_>,
    ) -> Result<(String, UserRow, Key), AppError> {
        validate_password(new_password)?;
        let name = normalised_name(name);
        let user = self.user_for_attempt(&name).await?;
        let reservation = self.reserve_attempt(&name, user.as_ref(), attempt).await?;
        let _permit = self.unlock_permit().await?;
        let normalised = crypto::normalise_recovery_code(code);
        let opened = self
            .open_root_with_secret(
                user.as_ref(),
                CredentialKind::Recovery,
                normalised.as_bytes(),
            )
            .await?;
        let (Some(user), Some(opened)) = (user, opened) else {
            return Err(AppError::Unauthorized(
                "That name and recovery code do not match.".into(),
            ));
        };
        self.refund_attempt(reservation).await?;
        let root = opened.root;
        self.set_password(user.id, new_password, &root).await?;
        let next_code = crypto::new_recovery_code();
        let recovery = self
            .secret_credential(
                Template {
                    user_id: user.id,
                    kind: CredentialKind::Recovery,
                    label: "recovery code",
                    access: Access::Full,
                    now: self.now_micros(),
                    expires_at: None,
                },
                crypto::normalise_recovery_code(&next_code).as_bytes(),
                &root,
            )
            .await?;
        self.store
            .replace_credentials(user.id, CredentialKind::Recovery, &recovery)
            .await?;
        // Whoever knew the old password is signed out, and a code step
        // they began is gone.
        self.store
            .delete_credentials_of_kind(user.id, CredentialKind::Session)
            .await?;
        self.end_pending_signins(user.id).await?;
        self.record_security_plain(user.id, crate::security_log::RECOVERY_USED)
            .await?;
        if drop_second_factors && self.drop_second_factors(user.id).await? > 0 {
            self.record_security_plain(user.id, crate::security_log::SECOND_FACTOR_OFF)
                .await?;
        }
        Ok((next_code, user, root))
    }

    /// Deletes the signed-in account and everything it owns, for good, once
    /// the person has typed their account name and confirmed their password
    /// ([`App::confirm_password`]). Backups made before still hold it,
    /// readable with the credentials of that time.
    pub async fn delete_account(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        typed_name: &str,
    ) -> Result<(), AppError> {
        p.require_read()?;
        confirmed.check(p)?;
        if typed_name.trim().to_lowercase() != p.user.name {
            return Err(AppError::invalid(
                "confirm",
                format!(
                    "To delete this account, type its name, \"{}\", exactly.",
                    p.user.name
                ),
            ));
        }
        if !self.store.delete_user(p.user.id).await? {
            return Err(AppError::NotFound(format!("The account {}", p.user.name)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_simple_and_case_insensitive() {
        assert_eq!(validate_name(" Ada.L ").unwrap(), "ada.l");
        for bad in ["", "a b", "ümlaut", &"x".repeat(33)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_passwords_are_refused_with_the_minimum() {
        let err = validate_password("short").unwrap_err();
        assert!(err.to_string().contains('8'));
        assert!(validate_password("long enough").is_ok());
    }

    #[test]
    fn unknown_zones_are_named() {
        let err = validate_time_zone("Mars/Olympus").unwrap_err();
        assert!(err.to_string().contains("Mars/Olympus"));
        assert!(validate_time_zone("America/New_York").is_ok());
    }
}
