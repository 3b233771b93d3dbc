//! Checking a password or recovery code, and making the credentials they
//! open. A secret is checked by deriving its key (argon2id, with the
//! parameters stored beside the credential) and opening the wrapped root
//! key: the AEAD tag is the check, so there is nothing else to attack in a
//! stolen database. An unknown name costs one derivation with the current
//! parameters, like a known one, so timing does not tell which names exist.
//! Every derivation runs on the blocking pool behind the unlock semaphore
//! (see `unlock`), never on the async request threads.

use between_store::{CredentialKind, CredentialRow, UserRow};
use zeroize::Zeroizing;

use crate::credential::{self, Opened, Template};
use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::kdf::KdfParams;
use crate::App;

/// A credential a secret opened, with the root key it holds.
pub(crate) struct OpenedRoot {
    pub row: CredentialRow,
    pub root: Key,
}

impl OpenedRoot {
    /// Whether the credential was made with other parameters than today's.
    pub fn outdated(&self, current: KdfParams) -> bool {
        KdfParams::of_stored(self.row.kdf.as_deref()) != Ok(current)
    }
}

impl App {
    /// Derives the key of `secret` on the blocking pool.
    pub(crate) async fn derive_key(
        &self,
        params: KdfParams,
        secret: &[u8],
        salt: &[u8],
    ) -> Result<Key, AppError> {
        self.derivations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let secret = Zeroizing::new(secret.to_vec());
        let salt = salt.to_vec();
        crate::blocking::run(move || params.derive(&secret, &salt))
            .await
            .map_err(|e| AppError::Corrupt(e.to_string()))
    }

    /// The one check of a password or recovery code: opens the root key
    /// from `user`'s credentials of `kind` with `secret`, or `None`. The
    /// caller holds an unlock permit and has reserved a throttle slot.
    pub(crate) async fn open_root_with_secret(
        &self,
        user: Option<&UserRow>,
        kind: CredentialKind,
        secret: &[u8],
    ) -> Result<Option<OpenedRoot>, AppError> {
        let rows = match user {
            Some(user) => self.store.credentials_of_user(user.id, Some(kind)).await?,
            None => Vec::new(),
        };
        let rows: Vec<CredentialRow> = rows.into_iter().filter(|r| r.salt.is_some()).collect();
        if rows.is_empty() {
            // The same work as a real check.
            let salt = crypto::random_bytes::<16>();
            let _ = self.derive_key(self.config.kdf, secret, &salt).await?;
            return Ok(None);
        }
        for row in rows {
            let params = KdfParams::of_stored(row.kdf.as_deref())
                .map_err(|e| AppError::Corrupt(e.to_string()))?;
            let salt = row.salt.clone().unwrap_or_default();
            let wrap = self.derive_key(params, secret, &salt).await?;
            match credential::open_with_wrap(&row, &wrap) {
                Ok(Opened::Root(root)) => return Ok(Some(OpenedRoot { row, root })),
                Ok(Opened::Keys(_) | Opened::Pinned(_) | Opened::LegacyWriteOnly) => {
                    return Err(AppError::Corrupt(
                        "password credential without root key".into(),
                    ))
                }
                Err(AppError::Unauthorized(_)) => continue,
                Err(other) => return Err(other),
            }
        }
        Ok(None)
    }

    /// A new password or recovery credential wrapping `root`, with today's
    /// parameters and a new salt.
    pub(crate) async fn secret_credential(
        &self,
        t: Template<'_>,
        secret: &[u8],
        root: &Key,
    ) -> Result<CredentialRow, AppError> {
        let params = self.config.kdf;
        let salt = crypto::random_bytes::<16>();
        let wrap = self.derive_key(params, secret, &salt).await?;
        Ok(credential::for_password(t, &salt, params, &wrap, root))
    }
}
