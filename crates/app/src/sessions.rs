//! Signing in and out, and the credentials a person holds: web sessions
//! (ending after inactivity), device logins for the CLI, and API tokens.
//! Each is a random secret that only its holder has; the store keeps a
//! lookup hash and the keys sealed under a key derived from the secret.

use between_store::{CredentialKind, CredentialRow};
use jiff::Timestamp;
use uuid::Uuid;

use crate::credential::{self, Opened, Template};
use crate::crypto;
use crate::error::AppError;
use crate::keyring::Keyring;
use crate::principal::{Access, Principal, User};
use crate::reauth::PasswordConfirmed;
use crate::throttle::Attempt;
use crate::{from_micros, micros, App};

/// Prefix of API tokens and device logins, so they are recognisable in
/// configuration files and secret scanners.
pub const TOKEN_PREFIX: &str = "btw_";

/// A credential as its owner sees it in "Devices & tokens".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialInfo {
    pub id: Uuid,
    pub kind: CredentialKind,
    pub label: String,
    pub access: Access,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub expires_at: Option<Timestamp>,
}

impl CredentialInfo {
    fn from_row(row: &CredentialRow) -> Result<CredentialInfo, AppError> {
        Ok(CredentialInfo {
            id: row.id,
            kind: row.kind,
            label: row.label.clone(),
            access: Access::parse(&row.scope).unwrap_or(Access::Full),
            created_at: from_micros(row.created_at)?,
            last_used_at: row.last_used_at.map(from_micros).transpose()?,
            expires_at: row.expires_at.map(from_micros).transpose()?,
        })
    }
}

/// What kind of credential a sign-in creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInAs {
    /// A browser session that ends after inactivity.
    WebSession,
    /// A saved CLI login on one machine, until revoked.
    Device,
}

/// A sign-in as the web or the CLI asks for it.
#[derive(Debug, Clone, Copy)]
pub struct SignIn<'a> {
    pub name: &'a str,
    pub password: &'a str,
    pub attempt: Attempt<'a>,
    pub as_: SignInAs,
    pub label: &'a str,
}

/// What a sign-in made: the person, the new credential's secret, and a
/// known-device cookie for a browser that had none.
#[derive(Debug, Clone)]
pub struct SignedInWith {
    pub principal: Principal,
    pub secret: String,
    pub device: Option<String>,
}

/// What a password sign-in led to.
#[derive(Debug, Clone)]
pub enum SignInStep {
    /// Signed in.
    Done(Box<SignedInWith>),
    /// The password was right and the account asks for a code next; the
    /// browser keeps this until it sends the code.
    Code(crate::pending_signin::PendingSignIn),
}

/// Names are compared in lower case without surrounding space; a name too
/// long to be one is cut, so throttle keys stay small.
pub(crate) fn normalised_name(name: &str) -> String {
    name.trim().to_lowercase().chars().take(64).collect()
}

/// Label length limit for devices and tokens.
const MAX_LABEL_CHARS: usize = 80;

pub(crate) fn clean_label(label: &str, fallback: &str) -> Result<String, AppError> {
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(AppError::invalid(
            "name",
            format!("A label can be at most {MAX_LABEL_CHARS} characters long."),
        ));
    }
    Ok(if label.is_empty() {
        fallback.to_string()
    } else {
        label
    })
}

impl App {
    /// Checks a name and password and creates a new credential holding the
    /// root key. `client` identifies the caller for rate limiting (an IP
    /// address, or "cli").
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        client: &str,
        as_: SignInAs,
        label: &str,
    ) -> Result<(Principal, String), AppError> {
        let done = self
            .sign_in_with(SignIn {
                name,
                password,
                attempt: Attempt::from(client),
                as_,
                label,
            })
            .await?;
        Ok((done.principal, done.secret))
    }

    /// Signs in with a password alone: for an account with a second
    /// factor this is refused with [`crate::second_factor::CODE_NEEDED`]
    /// (use [`App::sign_in_step`]).
    pub async fn sign_in_with(&self, s: SignIn<'_>) -> Result<SignedInWith, AppError> {
        match self.sign_in_inner(s, None, false).await? {
            SignInStep::Done(done) => Ok(*done),
            SignInStep::Code(_) => {
                Err(AppError::invalid("code", crate::second_factor::CODE_NEEDED))
            }
        }
    }

    /// Signs in with a password and, for an account with a second factor,
    /// its code. A browser may leave the code out: then the password step
    /// is kept for a few minutes ([`SignInStep::Code`]) and
    /// [`App::finish_sign_in_with_code`] finishes it. A device login must
    /// bring the code at once.
    pub async fn sign_in_step(
        &self,
        s: SignIn<'_>,
        code: Option<&str>,
    ) -> Result<SignInStep, AppError> {
        self.sign_in_inner(s, code, s.as_ == SignInAs::WebSession)
            .await
    }

    /// Reserves a throttle slot, then — behind the unlock gate — checks the
    /// password by opening the root key it wraps (one key derivation;
    /// re-made with today's parameters when they changed), then the second
    /// factor if the account has one, and finishes the sign-in.
    async fn sign_in_inner(
        &self,
        s: SignIn<'_>,
        code: Option<&str>,
        may_wait: bool,
    ) -> Result<SignInStep, AppError> {
        let name = normalised_name(s.name);
        let user = self.user_for_attempt(&name).await?;
        let reservation = self
            .reserve_attempt(&name, user.as_ref(), &s.attempt)
            .await?;
        let permit = self.unlock_permit().await?;
        let opened = self
            .open_root_with_secret(
                user.as_ref(),
                CredentialKind::Password,
                s.password.as_bytes(),
            )
            .await?;
        let (Some(user), Some(opened)) = (user, opened) else {
            return Err(AppError::Unauthorized(
                "That name and password do not match.".into(),
            ));
        };
        self.refund_attempt(reservation).await?;
        if opened.outdated(self.config.kdf) {
            self.set_password(user.id, s.password, &opened.root).await?;
            tracing::info!(user_id = %user.id, "password key derivation upgraded");
        }
        if self.has_second_factor(user.id).await? {
            let proof = crate::second_factor::SecondProof::code(code);
            match proof {
                crate::second_factor::SecondProof::None if may_wait => {
                    drop(permit);
                    return Ok(SignInStep::Code(
                        self.begin_pending_signin(user.id, &opened.root).await?,
                    ));
                }
                proof => {
                    self.second_step(&user, &opened.root, &proof, &s.attempt)
                        .await?
                }
            }
        }
        let done = self
            .finish_sign_in(&user, opened.root, s.as_, s.label, &s.attempt)
            .await?;
        drop(permit);
        Ok(SignInStep::Done(Box::new(done)))
    }

    /// What every way of signing in ends with, once the root key is open:
    /// unlocks the account, creates the new credential, and sets the
    /// background to publish a therapist's agenda snapshot. The caller
    /// holds the unlock gate.
    pub(crate) async fn finish_sign_in(
        &self,
        user: &between_store::UserRow,
        root: crate::crypto::Key,
        as_: SignInAs,
        label: &str,
        attempt: &Attempt<'_>,
    ) -> Result<SignedInWith, AppError> {
        let keys = Keyring::unlock(&self.store, user.id, root, self.now_micros()).await?;
        let (kind, label, expires_at, secret) = match as_ {
            SignInAs::WebSession => (
                CredentialKind::Session,
                clean_label(label, "web browser")?,
                Some(
                    self.idle_expiry(self.now())
                        .min(self.session_end(self.now_micros())),
                ),
                crypto::new_secret(),
            ),
            SignInAs::Device => (
                CredentialKind::Device,
                clean_label(label, "device")?,
                None,
                format!("{TOKEN_PREFIX}{}", crypto::new_secret()),
            ),
        };
        let row = credential::for_secret(
            Template {
                user_id: user.id,
                kind,
                label: &label,
                access: Access::Full,
                now: self.now_micros(),
                expires_at,
            },
            &secret,
            &keys,
        )?;
        self.store.insert_credential(&row).await?;
        tracing::info!(user_id = %user.id, kind = kind.as_str(), "signed in");
        let principal = Principal {
            user: User::from_row(user),
            credential_id: row.id,
            credential_kind: kind,
            access: Access::Full,
            keys,
            seal_to: None,
            memo: None,
        };
        let principal = self.rotate_due_keys(principal).await?;
        self.drain_inbox(&principal).await?;
        self.seal_keys_of_all_links(&principal).await?;
        self.queue_work(
            &principal,
            crate::background::Work {
                signs: true,
                publish: true,
            },
        );
        let device = match as_ {
            SignInAs::WebSession => self.remember_device(user.id, attempt.device).await?,
            SignInAs::Device => {
                self.record_security(
                    &principal,
                    crate::security_log::DEVICE_LOGIN_CREATED,
                    &[format!("\"{label}\"")],
                )
                .await?;
                None
            }
        };
        Ok(SignedInWith {
            principal,
            secret,
            device,
        })
    }

    /// The account an attempt names, if the name could be one.
    pub(crate) async fn user_for_attempt(
        &self,
        name: &str,
    ) -> Result<Option<between_store::UserRow>, AppError> {
        if crate::accounts::validate_name(name).is_err() {
            return Ok(None);
        }
        Ok(self.store.user_by_name(name).await?)
    }

    /// When a session made at `created_at` (micros) ends, however active.
    fn session_end(&self, created_at: i64) -> i64 {
        created_at.saturating_add(
            i64::try_from(self.config.session_max_age.as_micros()).unwrap_or(i64::MAX / 2),
        )
    }

    fn idle_expiry(&self, now: Timestamp) -> i64 {
        micros(now) + i64::try_from(self.config.session_idle.as_micros()).unwrap_or(i64::MAX / 2)
    }

    /// Opens the account behind a session, device or token secret.
    pub async fn authenticate(&self, secret: &str) -> Result<Principal, AppError> {
        let invalid = || {
            AppError::Unauthorized(
                "This sign-in is not valid (any more). Please sign in again.".into(),
            )
        };
        if secret.is_empty() || secret.len() > 200 {
            return Err(invalid());
        }
        let row = self
            .store
            .credential_by_lookup(&credential::lookup_of(secret))
            .await?
            .ok_or_else(invalid)?;
        let now = self.now();
        if row.kind == CredentialKind::Session && micros(now) >= self.session_end(row.created_at) {
            self.store.delete_credential(row.user_id, row.id).await?;
            return Err(AppError::Unauthorized(
                "You have been signed in for a long time, so this session ended. Please sign in again."
                    .into(),
            ));
        }
        if row.expires_at.is_some_and(|at| at <= micros(now)) {
            self.store.delete_credential(row.user_id, row.id).await?;
            return Err(AppError::Unauthorized(
                if row.kind == CredentialKind::Token {
                    "This token has expired. Make a new one in Devices & tokens.".into()
                } else {
                    "Your session ended after a while without activity. Please sign in again."
                        .into()
                },
            ));
        }
        let user = self
            .store
            .user_by_id(row.user_id)
            .await?
            .ok_or_else(invalid)?;
        let (keys, access, seal_to) = match credential::open_with_secret(&row, secret)? {
            Opened::Root(root) => (
                Keyring::unlock(&self.store, user.id, root, self.now_micros()).await?,
                Access::Full,
                None,
            ),
            Opened::Keys(keys) => (
                Keyring::partial(user.id, keys),
                Access::parse(&row.scope).unwrap_or(Access::Calendar),
                None,
            ),
            Opened::Pinned(public) => (
                Keyring::partial(user.id, Vec::new()),
                Access::WriteOnly,
                Some(public),
            ),
            Opened::LegacyWriteOnly => (
                Keyring::partial(user.id, Vec::new()),
                Access::WriteOnly,
                Some(self.upgrade_write_only_token(&row, secret).await?),
            ),
        };
        // Record use (and move a session's idle expiry) at most once a
        // minute, so reading does not turn every request into a write.
        if row
            .last_used_at
            .is_none_or(|t| micros(now) - t > 60_000_000)
        {
            let expires_at = match row.kind {
                CredentialKind::Session => {
                    Some(self.idle_expiry(now).min(self.session_end(row.created_at)))
                }
                _ => row.expires_at,
            };
            self.store
                .touch_credential(row.id, micros(now), expires_at)
                .await?;
        }
        let principal = Principal {
            user: User::from_row(&user),
            credential_id: row.id,
            credential_kind: row.kind,
            access,
            keys,
            seal_to,
            memo: None,
        };
        // One question says whether either of the next two has work: on
        // most requests neither has.
        let pending = self.store.pending_work(user.id).await?;
        let principal = if pending.rotations {
            self.rotate_due_keys(principal).await?
        } else {
            principal
        };
        // What write-only tokens wrote becomes journal entries before any
        // page or command of the owner reads the journal.
        if pending.inbox {
            self.drain_inbox(&principal).await?;
        }
        Ok(principal)
    }

    /// A write-only token made before the inbox held the journal keys: its
    /// row is rewritten, now that its secret is in hand, to hold only the
    /// account's public key (the one the account has now: the token had
    /// none pinned). Those keys are never used again, and the migration
    /// marked the account's journal keys for replacement.
    async fn upgrade_write_only_token(
        &self,
        row: &CredentialRow,
        secret: &str,
    ) -> Result<[u8; 32], AppError> {
        let public: [u8; 32] = self
            .store
            .keypair(row.user_id)
            .await?
            .ok_or_else(|| {
                AppError::Unauthorized(
                    "Sign in with your password once, then this token works again.".into(),
                )
            })?
            .public_key
            .as_slice()
            .try_into()
            .map_err(|_| AppError::Corrupt("bad public key length".into()))?;
        let wrapped = credential::rewrapped_pinned(row, secret, &public);
        if self
            .store
            .rewrap_credential(row.user_id, row.id, &row.wrapped, &wrapped)
            .await?
        {
            tracing::info!(user_id = %row.user_id, "write-only token upgraded");
            return Ok(public);
        }
        // Another request upgraded it first: use what it pinned.
        let again = self
            .store
            .credential_by_lookup(&credential::lookup_of(secret))
            .await?
            .ok_or_else(|| AppError::Unauthorized("This token was revoked.".into()))?;
        match credential::open_with_secret(&again, secret)? {
            Opened::Pinned(public) => Ok(public),
            _ => Err(AppError::Corrupt(
                "a write-only token was not upgraded".into(),
            )),
        }
    }

    /// Ends the credential this request came with.
    pub async fn sign_out(&self, p: &Principal) -> Result<(), AppError> {
        self.store
            .delete_credential(p.user.id, p.credential_id)
            .await?;
        Ok(())
    }

    /// A personal access token for the API; the secret is shown once. A
    /// read-write token holds the root key and never expires, so it is made
    /// only with the password confirmed in the same request
    /// ([`App::confirm_password`]): a stolen session cannot mint one.
    pub async fn create_token(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        label: &str,
        access: Access,
    ) -> Result<(CredentialInfo, String), AppError> {
        self.create_token_until(p, confirmed, label, access, None)
            .await
    }

    /// [`App::create_token`] with an optional expiry, after which
    /// [`App::authenticate`] refuses the token and deletes it.
    pub async fn create_token_until(
        &self,
        p: &Principal,
        confirmed: PasswordConfirmed,
        label: &str,
        access: Access,
        expires_at: Option<Timestamp>,
    ) -> Result<(CredentialInfo, String), AppError> {
        p.require_read()?;
        confirmed.check(p)?;
        if expires_at.is_some_and(|at| at <= self.now()) {
            return Err(AppError::invalid(
                "expires",
                "A token's expiry must be in the future.",
            ));
        }
        let label = clean_label(label, "API token")?;
        let secret = format!("{TOKEN_PREFIX}{}", crypto::new_secret());
        let row = credential::for_secret(
            Template {
                user_id: p.user.id,
                kind: CredentialKind::Token,
                label: &label,
                access,
                now: self.now_micros(),
                expires_at: expires_at.map(micros),
            },
            &secret,
            &p.keys,
        )?;
        self.store.insert_credential(&row).await?;
        let access_words = match access {
            Access::Full => "read and write",
            Access::WriteOnly => "write only",
            Access::Calendar => "calendar",
        };
        self.record_security(
            p,
            crate::security_log::TOKEN_CREATED,
            &[format!("\"{label}\" ({access_words})")],
        )
        .await?;
        Ok((CredentialInfo::from_row(&row)?, secret))
    }

    /// Sessions, device logins and tokens of the account, newest first.
    pub async fn credentials(&self, p: &Principal) -> Result<Vec<CredentialInfo>, AppError> {
        p.require_read()?;
        self.store
            .credentials_of_user(p.user.id, None)
            .await?
            .iter()
            .filter(|row| {
                matches!(
                    row.kind,
                    CredentialKind::Session
                        | CredentialKind::Device
                        | CredentialKind::Token
                        | CredentialKind::Calendar
                )
            })
            .map(CredentialInfo::from_row)
            .collect()
    }

    /// Revokes a session, device login or token of the account (recorded
    /// in the security log).
    pub async fn revoke_credential(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        p.require_read()?;
        let row = self
            .store
            .credentials_of_user(p.user.id, None)
            .await?
            .into_iter()
            .find(|row| {
                row.id == id
                    && matches!(
                        row.kind,
                        CredentialKind::Session
                            | CredentialKind::Device
                            | CredentialKind::Token
                            | CredentialKind::Calendar
                    )
            })
            .ok_or_else(|| AppError::NotFound(format!("The credential {id}")))?;
        if !self.store.delete_credential(p.user.id, id).await? {
            return Err(AppError::NotFound(format!("The credential {id}")));
        }
        self.record_security(
            p,
            crate::security_log::CREDENTIAL_REVOKED,
            &[format!("{} \"{}\"", row.kind.as_str(), row.label)],
        )
        .await
    }
}
