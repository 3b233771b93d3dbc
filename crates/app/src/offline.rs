//! What a phone wrote without a network. The browser seals each item to the
//! account's X25519 public key with WebCrypto alone — an ephemeral X25519
//! pair, HKDF-SHA-256 over the shared secret (salt: both public keys), and
//! AES-256-GCM with the item's id as associated data — and forgets the
//! ephemeral secret, so nothing on the phone can read a queued item. Here
//! the same construction with RustCrypto opens it for the signed-in person,
//! and the item's id, through a keyed hash, claims it once so a retry never
//! stores it twice.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use between_store::IdempotencyClaim;
use hkdf::Hkdf;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::error::AppError;
use crate::principal::Principal;
use crate::{crypto, App};

/// The HKDF `info` both sides use; a new construction gets a new one.
pub const INFO: &str = "between offline item v1";

/// The largest sealed item taken (an entry's text is far smaller).
pub const MAX_SEALED: usize = 512 * 1024;

/// How long a claim stays, in microseconds: a retry within it is answered
/// "already stored"; a claim whose write never finished is taken over after.
const KEEP: i64 = 24 * 3600 * 1_000_000;

/// One queued item as the browser sends it: its id (a UUID the browser
/// made), the ephemeral public key, the nonce and the ciphertext, each in
/// unpadded base64url.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SealedItem {
    pub id: String,
    pub epk: String,
    pub iv: String,
    pub ct: String,
}

/// What an item holds once opened: the form it came from (its path), the
/// fields as typed, and when it was written.
#[derive(Debug, Clone, Deserialize)]
pub struct OfflineItem {
    pub path: String,
    pub fields: Vec<(String, String)>,
    pub written_at: Timestamp,
}

/// Whether an item may be stored now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineClaim {
    /// Nobody stored it yet: store it, then [`App::finish_offline_item`].
    New,
    /// Stored before (a retry): nothing to do.
    Stored,
    /// Another request is storing it right now: try again later.
    Pending,
}

fn invalid(message: &str) -> AppError {
    AppError::invalid("item", message.to_string())
}

fn bytes(field: &str, value: &str) -> Result<Vec<u8>, AppError> {
    URL_SAFE_NO_PAD
        .decode(value.trim_end_matches('='))
        .map_err(|_| AppError::invalid("item", format!("The item's {field} is not base64url.")))
}

/// Opens `item` with the X25519 secret `identity` (whose public half is
/// `public`). Every way it can fail says only that the item does not open.
pub fn open(
    identity: &crypto::Key,
    public: &[u8; 32],
    item: &SealedItem,
) -> Result<OfflineItem, AppError> {
    if uuid::Uuid::parse_str(&item.id).is_err() {
        return Err(invalid("The item's id is not a UUID."));
    }
    if item.ct.len() > MAX_SEALED * 4 / 3 + 4 {
        return Err(invalid("The item is too large."));
    }
    let epk: [u8; 32] = bytes("key", &item.epk)?
        .try_into()
        .map_err(|_| invalid("The item's key is not 32 bytes."))?;
    let iv: [u8; 12] = bytes("nonce", &item.iv)?
        .try_into()
        .map_err(|_| invalid("The item's nonce is not 12 bytes."))?;
    let ct = bytes("ciphertext", &item.ct)?;
    let mut shared =
        curve25519_dalek::montgomery::MontgomeryPoint(epk).mul_clamped(*identity.as_bytes());
    let zero = shared.0.iter().all(|b| *b == 0);
    let mut salt = epk.to_vec();
    salt.extend_from_slice(public);
    let mut key = [0u8; 32];
    let expanded = Hkdf::<Sha256>::new(Some(&salt), &shared.0).expand(INFO.as_bytes(), &mut key);
    shared.0.zeroize();
    let does_not_open = || {
        invalid("The item does not open with this account's key: it was written for another account or changed on the way.")
    };
    if zero || expanded.is_err() {
        return Err(does_not_open());
    }
    let cipher = Aes256Gcm::new((&key).into());
    key.zeroize();
    let mut plain = cipher
        .decrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: &ct,
                aad: item.id.as_bytes(),
            },
        )
        .map_err(|_| does_not_open())?;
    let opened = serde_json::from_slice::<OfflineItem>(&plain)
        .map_err(|e| AppError::invalid("item", format!("The opened item is not understood: {e}.")));
    plain.zeroize();
    opened
}

impl App {
    /// The public key the browser seals offline items to: derived from the
    /// account's secret, not read from the database's plain column, so a
    /// database writer cannot make a phone seal to a key of theirs.
    pub fn offline_public_key(&self, p: &Principal) -> Result<[u8; 32], AppError> {
        Ok(crypto::public_of(p.identity()?))
    }

    /// Opens an item the signed-in person's browser sealed.
    pub fn open_offline_item(
        &self,
        p: &Principal,
        item: &SealedItem,
    ) -> Result<OfflineItem, AppError> {
        p.require_read()?;
        let identity = p.identity()?;
        open(identity, &crypto::public_of(identity), item)
    }

    /// The row that stands for item `id` of this person: a keyed hash, so
    /// the database cannot tell which item (or whose) it was.
    fn offline_claim_key(&self, p: &Principal, id: &str) -> Result<String, AppError> {
        let key = crypto::derive(p.identity()?.as_bytes(), "offline item claims");
        Ok(format!("offline:{}", crypto::keyed_id(&key, id)))
    }

    /// Claims item `id` before it is stored.
    pub async fn claim_offline_item(
        &self,
        p: &Principal,
        id: &str,
    ) -> Result<OfflineClaim, AppError> {
        let key = self.offline_claim_key(p, id)?;
        let now = crate::micros(self.now());
        Ok(
            match self.store.claim_idempotency(&key, now, now - KEEP).await? {
                IdempotencyClaim::New => OfflineClaim::New,
                IdempotencyClaim::Done(..) => OfflineClaim::Stored,
                IdempotencyClaim::Pending => OfflineClaim::Pending,
            },
        )
    }

    /// Records how storing a claimed item went: stored (a retry is told so)
    /// or not (the claim is let go, so the item can be sent again).
    pub async fn finish_offline_item(
        &self,
        p: &Principal,
        id: &str,
        stored: bool,
    ) -> Result<(), AppError> {
        let key = self.offline_claim_key(p, id)?;
        if stored {
            self.store.finish_idempotency(&key, 201, &[]).await?;
        } else {
            let now = crate::micros(self.now());
            self.store.release_idempotency(&key, now - KEEP).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testing::seal_offline_item as seal_like_the_browser;

    const ID: &str = "0b6f4c1e-5d1a-4c1b-9a57-3f0b2c1d4e5f";
    const PLAIN: &[u8] =
        br#"{"path":"/journal","fields":[["text","Written on the train"]],"written_at":"2026-12-06T08:00:00Z"}"#;

    #[test]
    fn an_item_sealed_to_the_account_opens_with_its_secret_only() {
        let (secret, public) = crypto::new_identity();
        let item = seal_like_the_browser(&public, ID, PLAIN);
        let opened = open(&secret, &public, &item).unwrap();
        assert_eq!(opened.path, "/journal");
        assert_eq!(
            opened.fields,
            vec![("text".into(), "Written on the train".into())]
        );
        assert_eq!(opened.written_at.to_string(), "2026-12-06T08:00:00Z");

        let (other, other_public) = crypto::new_identity();
        let err = open(&other, &other_public, &item).unwrap_err().to_string();
        assert!(err.contains("does not open"), "{err}");
    }

    #[test]
    fn a_changed_id_nonce_or_ciphertext_does_not_open() {
        let (secret, public) = crypto::new_identity();
        let item = seal_like_the_browser(&public, ID, PLAIN);
        let moved = SealedItem {
            id: "1b6f4c1e-5d1a-4c1b-9a57-3f0b2c1d4e5f".into(),
            ..item.clone()
        };
        assert!(open(&secret, &public, &moved).is_err(), "the id is bound");
        let mut ct = URL_SAFE_NO_PAD.decode(&item.ct).unwrap();
        ct[0] ^= 1;
        let flipped = SealedItem {
            ct: URL_SAFE_NO_PAD.encode(ct),
            ..item.clone()
        };
        assert!(open(&secret, &public, &flipped).is_err());
        let short = SealedItem {
            iv: URL_SAFE_NO_PAD.encode([0u8; 8]),
            ..item.clone()
        };
        let err = open(&secret, &public, &short).unwrap_err().to_string();
        assert!(err.contains("nonce"), "{err}");
        let zero_key = SealedItem {
            epk: URL_SAFE_NO_PAD.encode([0u8; 32]),
            ..item
        };
        assert!(
            open(&secret, &public, &zero_key).is_err(),
            "a low-order key"
        );
    }
}
