//! Building and opening credentials. A credential row holds the keys its
//! secret opens, sealed under a key derived from that secret: argon2id for
//! passwords and recovery codes, HKDF for high-entropy session and token
//! secrets. The lookup hash (for finding the row) is a separate HKDF output.

use between_store::{CredentialKind, CredentialRow};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::kdf::KdfParams;
use crate::keyring::{DataKind, Keyring};
use crate::principal::Access;

fn aad(user_id: Uuid, credential_id: Uuid) -> Vec<u8> {
    format!("credential|{user_id}|{credential_id}").into_bytes()
}

/// The lookup hash under which a secret's credential row is found.
pub(crate) fn lookup_of(secret: &str) -> Vec<u8> {
    crypto::derive(secret.as_bytes(), "credential-lookup")
        .as_bytes()
        .to_vec()
}

fn wrap_key_of(secret: &str) -> Key {
    crypto::derive(secret.as_bytes(), "credential-wrap")
}

/// What a write-only token's credential holds since the inbox: the
/// account's public key as it was when the token was made (pinned, so a
/// changed plain row cannot redirect what it writes), and no key that opens
/// anything. Old write-only credentials hold a MessagePack list of kind
/// keys instead, which never starts with this prefix.
const PINNED: &[u8] = b"pinned-x25519:";

fn pinned_plain(public: &[u8; 32]) -> Vec<u8> {
    [PINNED, public.as_slice()].concat()
}

/// `plain` sealed for a credential row opened by a high-entropy secret
/// (for tests that write credentials the way earlier versions did).
#[cfg(any(test, feature = "testing"))]
pub(crate) fn seal_for_secret(user_id: Uuid, id: Uuid, secret: &str, plain: &[u8]) -> Vec<u8> {
    crypto::seal(&wrap_key_of(secret), &aad(user_id, id), plain)
}

/// What a write-only token's row holds once rewritten: only `public`,
/// sealed under the token secret's wrap key.
pub(crate) fn rewrapped_pinned(row: &CredentialRow, secret: &str, public: &[u8; 32]) -> Vec<u8> {
    crypto::seal(
        &wrap_key_of(secret),
        &aad(row.user_id, row.id),
        &pinned_plain(public),
    )
}

/// Kind keys handed to a calendar credential (and, before the inbox, to
/// write-only tokens).
#[derive(Serialize, Deserialize)]
struct GrantedKey {
    id: Uuid,
    kind: String,
    key: Vec<u8>,
}

impl Drop for GrantedKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl ZeroizeOnDrop for GrantedKey {}

pub(crate) struct Template<'a> {
    pub user_id: Uuid,
    pub kind: CredentialKind,
    pub label: &'a str,
    pub access: Access,
    pub now: i64,
    pub expires_at: Option<i64>,
}

fn seal_grant(wrap: &Key, aad: &[u8], keys: &Keyring, access: Access) -> Result<Vec<u8>, AppError> {
    match access {
        Access::Full => {
            let root = keys.root().ok_or_else(|| {
                AppError::Forbidden("This credential cannot create others.".into())
            })?;
            Ok(crypto::seal(wrap, aad, root.as_bytes()))
        }
        Access::WriteOnly => {
            // The public key comes from the account's own secret, not from
            // the plain row.
            let identity = keys.identity().ok_or_else(|| {
                AppError::Forbidden("This credential cannot create others.".into())
            })?;
            Ok(crypto::seal(
                wrap,
                aad,
                &pinned_plain(&crypto::public_of(identity)),
            ))
        }
        Access::Calendar => {
            let granted: Vec<GrantedKey> = keys
                .current_keys(&DataKind::CALENDAR)?
                .into_iter()
                .map(|(id, kind, key)| GrantedKey {
                    id,
                    kind: kind.as_str().into(),
                    key: key.as_bytes().to_vec(),
                })
                .collect();
            let bytes = Zeroizing::new(
                rmp_serde::to_vec(&granted).map_err(|e| AppError::Corrupt(e.to_string()))?,
            );
            Ok(crypto::seal(wrap, aad, &bytes))
        }
    }
}

/// A credential opened by a high-entropy secret (session, device, token).
pub(crate) fn for_secret(
    t: Template<'_>,
    secret: &str,
    keys: &Keyring,
) -> Result<CredentialRow, AppError> {
    let id = Uuid::now_v7();
    Ok(CredentialRow {
        id,
        user_id: t.user_id,
        kind: t.kind,
        label: t.label.to_string(),
        scope: t.access.as_str().to_string(),
        lookup: Some(lookup_of(secret)),
        salt: None,
        kdf: None,
        wrapped: seal_grant(&wrap_key_of(secret), &aad(t.user_id, id), keys, t.access)?,
        created_at: t.now,
        last_used_at: None,
        expires_at: t.expires_at,
    })
}

/// A credential opened by a password or recovery code: `wrap` is what
/// [`KdfParams::derive`] made of the secret with `salt` and `params` (the
/// caller derives it off the async threads).
pub(crate) fn for_password(
    t: Template<'_>,
    salt: &[u8],
    params: KdfParams,
    wrap: &Key,
    root: &Key,
) -> CredentialRow {
    let id = Uuid::now_v7();
    CredentialRow {
        id,
        user_id: t.user_id,
        kind: t.kind,
        label: t.label.to_string(),
        scope: Access::Full.as_str().to_string(),
        lookup: None,
        salt: Some(salt.to_vec()),
        kdf: Some(params.to_string()),
        wrapped: crypto::seal(wrap, &aad(t.user_id, id), root.as_bytes()),
        created_at: t.now,
        last_used_at: None,
        expires_at: None,
    }
}

/// What a credential opened.
pub(crate) enum Opened {
    Root(Key),
    Keys(Vec<(Uuid, DataKind, Key)>),
    /// A write-only token: the account's pinned public key, nothing else.
    Pinned([u8; 32]),
    /// A write-only token made before the inbox: its kind keys are dropped
    /// unused, and the row must be rewritten ([`rewrapped_pinned`]).
    LegacyWriteOnly,
}

pub(crate) fn open_with_secret(row: &CredentialRow, secret: &str) -> Result<Opened, AppError> {
    open_with(row, &wrap_key_of(secret))
}

/// Opens a password or recovery credential with the key its secret derived.
pub(crate) fn open_with_wrap(row: &CredentialRow, wrap: &Key) -> Result<Opened, AppError> {
    open_with(row, wrap)
}

fn open_with(row: &CredentialRow, wrap: &Key) -> Result<Opened, AppError> {
    let bytes = crypto::open(wrap, &aad(row.user_id, row.id), &row.wrapped).map_err(|_| {
        AppError::Unauthorized("These credentials do not open this account.".into())
    })?;
    match Access::parse(&row.scope) {
        Some(Access::Full) => Key::from_slice(&bytes)
            .map(Opened::Root)
            .map_err(|_| AppError::Corrupt("bad root key length".into())),
        Some(Access::WriteOnly) => match bytes.strip_prefix(PINNED) {
            Some(public) => public
                .try_into()
                .map(Opened::Pinned)
                .map_err(|_| AppError::Corrupt("bad pinned key length".into())),
            None => Ok(Opened::LegacyWriteOnly),
        },
        Some(Access::Calendar) => {
            let granted: Vec<GrantedKey> =
                rmp_serde::from_slice(&bytes).map_err(|e| AppError::Corrupt(e.to_string()))?;
            granted
                .into_iter()
                .map(|g| {
                    let kind = DataKind::parse(&g.kind)
                        .ok_or_else(|| AppError::Corrupt(format!("unknown kind {}", g.kind)))?;
                    let key =
                        Key::from_slice(&g.key).map_err(|_| AppError::Corrupt("bad key".into()))?;
                    Ok((g.id, kind, key))
                })
                .collect::<Result<_, _>>()
                .map(Opened::Keys)
        }
        None => Err(AppError::Corrupt(format!("unknown scope {}", row.scope))),
    }
}

#[cfg(test)]
mod tests {
    use zeroize::ZeroizeOnDrop;

    use super::GrantedKey;
    use crate::crypto::Key;

    fn wiped_on_drop<T: ZeroizeOnDrop>() {}

    #[test]
    fn what_holds_key_bytes_is_wiped_when_dropped() {
        wiped_on_drop::<GrantedKey>();
        wiped_on_drop::<Key>();
        wiped_on_drop::<zeroize::Zeroizing<Vec<u8>>>();
    }
}
