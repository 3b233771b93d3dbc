//! Consent the client's own app can verify, and the keys each side seals
//! to. The plain `shares`, `share_scopes` and `user_keypairs` rows tell the
//! server whom to serve; they never decide whom a key or an item is sealed
//! to. The client's app seals to a therapist only under its own **consent
//! record** (therapist, their public key, the scopes switched on), sealed
//! under a key from the client's root key, so a database writer can neither
//! forge nor widen it. The first record of a link comes from the
//! therapist's **binding**: a MAC keyed from the invitation code (which
//! only the client and the invited therapist know) over the link, the
//! therapist and their public key, checked with the code the client's app
//! kept sealed. A link made before bindings existed waits until the client
//! confirms it once. The therapist's app likewise seals to a **pinned**
//! copy of the client's public key, taken when it accepted (or at its first
//! seal for an older link).

use between_domain::share::Scope;
use between_store::ShareRow;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::principal::{Principal, Role};
use crate::App;

/// The client's record of what it agreed to share with whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Consent {
    pub therapist_id: Uuid,
    /// The therapist's X25519 public key, as bound at acceptance (or as
    /// the client confirmed it).
    pub therapist_key: Vec<u8>,
    /// The scopes switched on, by name.
    pub scopes: Vec<String>,
    /// The kind-key generations sealed to the therapist under this
    /// consent, as (kind, generation), sorted.
    #[serde(default)]
    pub generations: Vec<(String, i64)>,
}

/// The therapist's pinned copy of the client's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pinned {
    client_id: Uuid,
    client_key: Vec<u8>,
    /// Set once the therapist's app opened a key the client sealed with
    /// the link's key: older anonymous boxes are refused from then on.
    #[serde(default)]
    authenticated: bool,
}

/// Names an item sealed between the two sides of a link: its id and kind
/// go into the associated data, with the link and the author.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    pub id: Uuid,
    pub kind: &'a str,
}

impl Item<'_> {
    fn aad(&self, share_id: Uuid, author: Uuid) -> Vec<u8> {
        format!("link-item|{share_id}|{}|{}|{author}", self.id, self.kind).into_bytes()
    }
}

/// Who an opened item says wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemAuthor {
    /// Sealed with the link's key by this side of it: only the two sides
    /// hold that key, and the author is bound in.
    Verified(Uuid),
    /// An anonymous box from before items were authenticated: anyone who
    /// knew this account's public key could have written it.
    Older,
}

/// An item's plaintext and who wrote it.
pub(crate) struct Opened {
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
    pub author: ItemAuthor,
}

/// The key of one link, with what binds an item to it.
pub(crate) struct LinkKey {
    key: Key,
    share_id: Uuid,
    own: Uuid,
    sides: [Uuid; 2],
}

impl LinkKey {
    /// `bytes`, written by this side, sealed for both sides of the link as
    /// `item`: either side can tell it was written by a side of this link,
    /// for this item, and which side says it wrote it; a database writer
    /// can neither forge it nor move it to another item, kind or link.
    pub(crate) fn seal(&self, item: Item<'_>, bytes: &[u8]) -> Vec<u8> {
        crypto::seal(&self.key, &item.aad(self.share_id, self.own), bytes)
    }

    /// Opens what either side sealed as `item` with this key.
    pub(crate) fn open(&self, item: Item<'_>, sealed: &[u8]) -> Option<Opened> {
        self.sides.iter().find_map(|author| {
            crypto::open(&self.key, &item.aad(self.share_id, *author), sealed)
                .ok()
                .map(|bytes| Opened {
                    bytes,
                    author: ItemAuthor::Verified(*author),
                })
        })
    }
}

/// An anonymous box sealed to this account before items were
/// authenticated.
pub(crate) fn open_older(identity: &Key, sealed: &[u8]) -> Option<Opened> {
    crypto::open_sealed(identity, sealed)
        .ok()
        .map(|bytes| Opened {
            bytes,
            author: ItemAuthor::Older,
        })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn record_key(root: &Key) -> Key {
    crypto::derive(root.as_bytes(), "share-consent")
}

fn record_aad(share_id: Uuid, user_id: Uuid) -> Vec<u8> {
    format!("share-consent|{share_id}|{user_id}").into_bytes()
}

pub(crate) fn code_aad(client_id: Uuid, invite_id: Uuid) -> Vec<u8> {
    format!("share-invite-code|{client_id}|{invite_id}").into_bytes()
}

/// The key the invitation code is kept sealed under.
pub(crate) fn code_key(root: &Key) -> Key {
    crypto::derive(root.as_bytes(), "share-invite-code")
}

/// The therapist's binding of their key to the link, keyed from the code.
pub(crate) fn binding(code: &str, share_id: Uuid, therapist_id: Uuid, public: &[u8]) -> Vec<u8> {
    let key = crypto::derive(code.trim().as_bytes(), "share-invite-binding");
    crypto::derive(
        key.as_bytes(),
        &format!("bind|{share_id}|{therapist_id}|{}", hex(public)),
    )
    .as_bytes()
    .to_vec()
}

/// A public key's short fingerprint, for people to compare.
pub fn fingerprint(public: &[u8]) -> String {
    let digest = crypto::derive(public, "fingerprint");
    digest.as_bytes()[..8]
        .chunks(2)
        .map(|c| format!("{:02X}{:02X}", c[0], c[1]))
        .collect::<Vec<_>>()
        .join("-")
}

fn root_of(p: &Principal) -> Result<&Key, AppError> {
    p.keys
        .root()
        .ok_or_else(|| AppError::Forbidden("Only the account itself can do this.".into()))
}

fn not_ready() -> AppError {
    AppError::Conflict(
        "This link is not confirmed yet: confirm your therapist's key on the sharing page first."
            .into(),
    )
}

impl App {
    async fn own_record<T: for<'de> Deserialize<'de>>(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<Option<T>, AppError> {
        let Some(sealed) = self.store.share_consent(s.id, p.user.id).await? else {
            return Ok(None);
        };
        let bytes = crypto::open(
            &record_key(root_of(p)?),
            &record_aad(s.id, p.user.id),
            &sealed,
        )
        .map_err(|_| AppError::Corrupt("a link's own record does not open".into()))?;
        rmp_serde::from_slice(&bytes)
            .map(Some)
            .map_err(|e| AppError::Corrupt(e.to_string()))
    }

    async fn save_own_record<T: Serialize>(
        &self,
        p: &Principal,
        s: &ShareRow,
        record: &T,
    ) -> Result<(), AppError> {
        let bytes = rmp_serde::to_vec(record).map_err(|e| AppError::Corrupt(e.to_string()))?;
        let sealed = crypto::seal(
            &record_key(root_of(p)?),
            &record_aad(s.id, p.user.id),
            &bytes,
        );
        self.store
            .put_share_consent(s.id, p.user.id, &sealed, self.now_micros())
            .await?;
        Ok(())
    }

    /// The client's active links that its app can verify, each with the
    /// scopes its own consent record switches on (never the plain rows).
    /// Empty for a therapist, or an account with no link keys.
    pub(crate) async fn consented_links(
        &self,
        p: &Principal,
    ) -> Result<Vec<(ShareRow, Vec<Scope>)>, AppError> {
        if p.user.role != Role::Client || p.keys.identity().is_none() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for s in self.store.active_shares(p.user.id).await? {
            if s.client_id != p.user.id {
                continue;
            }
            let Some(consent) = self.consent(p, &s).await? else {
                continue;
            };
            let scopes = consent
                .scopes
                .iter()
                .filter_map(|x| Scope::parse(x))
                .collect();
            out.push((s, scopes));
        }
        Ok(out)
    }

    /// The client's consent for link `s`: its record, or the first one made
    /// from the therapist's binding when that checks out. `None` when the
    /// link cannot be verified (made before bindings, or its binding does
    /// not match the therapist's key): nothing is sealed to it then.
    pub(crate) async fn consent(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<Option<Consent>, AppError> {
        if s.client_id != p.user.id || p.keys.root().is_none() {
            return Ok(None);
        }
        if let Some(consent) = self.own_record::<Consent>(p, s).await? {
            return Ok((consent.therapist_id == s.therapist_id).then_some(consent));
        }
        let Some((invite_id, bound)) = self.store.share_binding(s.id).await? else {
            return Ok(None);
        };
        let Some(sealed_code) = self.store.sealed_share_invite_code(invite_id).await? else {
            return Ok(None);
        };
        let Ok(code) = crypto::open(
            &code_key(root_of(p)?),
            &code_aad(p.user.id, invite_id),
            &sealed_code,
        ) else {
            return Ok(None);
        };
        let code = String::from_utf8_lossy(&code).to_string();
        let Some(keypair) = self.store.keypair(s.therapist_id).await? else {
            return Ok(None);
        };
        let expected = binding(&code, s.id, s.therapist_id, &keypair.public_key);
        if !crypto::same_bytes(&expected, &bound) {
            tracing::warn!(share_id = %s.id, "a link's binding does not match the therapist's key");
            return Ok(None);
        }
        let consent = Consent {
            therapist_id: s.therapist_id,
            therapist_key: keypair.public_key,
            scopes: Vec::new(),
            generations: Vec::new(),
        };
        self.save_own_record(p, s, &consent).await?;
        Ok(Some(consent))
    }

    /// Records the client's choice of scopes in its consent.
    pub(crate) async fn record_scopes(
        &self,
        p: &Principal,
        s: &ShareRow,
        on: &[String],
        off: &[String],
    ) -> Result<Consent, AppError> {
        let mut consent = self.consent(p, s).await?.ok_or_else(not_ready)?;
        consent.scopes.retain(|x| !off.contains(x));
        for x in on {
            if !consent.scopes.contains(x) {
                consent.scopes.push(x.clone());
            }
        }
        consent.scopes.sort();
        self.save_own_record(p, s, &consent).await?;
        Ok(consent)
    }

    /// Adds the generations of keys just sealed to the therapist of `s` to
    /// the client's consent record.
    pub(crate) async fn record_generations(
        &self,
        p: &Principal,
        s: &ShareRow,
        sealed: &[(String, i64)],
    ) -> Result<(), AppError> {
        let mut consent = self.consent(p, s).await?.ok_or_else(not_ready)?;
        consent.generations.extend(sealed.iter().cloned());
        consent.generations.sort();
        consent.generations.dedup();
        self.save_own_record(p, s, &consent).await
    }

    /// The client confirms a link that has no verifiable binding (made
    /// before bindings existed): the therapist's key as it stands and the
    /// scopes as they are become the consent.
    pub(crate) async fn confirm_consent(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<(), AppError> {
        let keypair = self
            .store
            .keypair(s.therapist_id)
            .await?
            .ok_or_else(|| AppError::Corrupt("the therapist has no key pair".into()))?;
        let consent = Consent {
            therapist_id: s.therapist_id,
            therapist_key: keypair.public_key,
            scopes: self.store.share_scopes(s.id).await?,
            generations: Vec::new(),
        };
        self.save_own_record(p, s, &consent).await
    }

    /// The therapist's pinned copy of the client's key, pinned now if the
    /// link predates pinning.
    pub(crate) async fn pinned_client_key(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<Vec<u8>, AppError> {
        if let Some(pinned) = self.own_record::<Pinned>(p, s).await? {
            if pinned.client_id == s.client_id {
                return Ok(pinned.client_key);
            }
        }
        self.pin_client_key(p, s).await
    }

    /// Pins the client's current public key for the therapist's app.
    pub(crate) async fn pin_client_key(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<Vec<u8>, AppError> {
        let keypair = self
            .store
            .keypair(s.client_id)
            .await?
            .ok_or_else(|| AppError::Corrupt("the client has no key pair".into()))?;
        let pinned = Pinned {
            client_id: s.client_id,
            client_key: keypair.public_key,
            authenticated: false,
        };
        self.save_own_record(p, s, &pinned).await?;
        Ok(pinned.client_key)
    }

    /// The key only the two sides of link `s` can compute: X25519 of this
    /// side's secret and the other side's key as this side's own record
    /// holds it (the client's consent, the therapist's pinned copy), never
    /// the plain row as it stands now.
    pub(crate) async fn link_key(&self, p: &Principal, s: &ShareRow) -> Result<LinkKey, AppError> {
        let identity = p.identity()?;
        let own = crypto::public_of(identity).to_vec();
        let (client_key, therapist_key, other) = if p.user.id == s.client_id {
            let consent = self.consent(p, s).await?.ok_or_else(not_ready)?;
            let other = consent.therapist_key.clone();
            (own, consent.therapist_key, other)
        } else if p.user.id == s.therapist_id {
            let pinned = self.pinned_client_key(p, s).await?;
            (pinned.clone(), own, pinned)
        } else {
            return Err(AppError::Forbidden("Not a side of this link.".into()));
        };
        let purpose = format!("link|{}|{}|{}", s.id, hex(&client_key), hex(&therapist_key));
        let key = crypto::agree(identity, &other, &purpose)
            .ok_or_else(|| AppError::Corrupt("a public key is not valid".into()))?;
        Ok(LinkKey {
            key,
            share_id: s.id,
            own: p.user.id,
            sides: [s.client_id, s.therapist_id],
        })
    }

    /// `bytes`, written by this side, sealed for both sides of link `s` as
    /// `item` (see [`LinkKey::seal`]).
    pub(crate) async fn seal_across(
        &self,
        p: &Principal,
        s: &ShareRow,
        item: Item<'_>,
        bytes: &[u8],
    ) -> Result<Vec<u8>, AppError> {
        Ok(self.link_key(p, s).await?.seal(item, bytes))
    }

    /// Opens what either side sealed as `item` on link `s`:
    /// [`ItemAuthor::Verified`] with its author when sealed with the link's
    /// key, [`ItemAuthor::Older`] for an anonymous box sealed to this
    /// account before items were authenticated, `None` when it opens
    /// neither way.
    pub(crate) async fn open_across(
        &self,
        p: &Principal,
        s: &ShareRow,
        item: Item<'_>,
        sealed: &[u8],
    ) -> Result<Option<Opened>, AppError> {
        let key = match self.link_key(p, s).await {
            Ok(key) => Some(key),
            // An unconfirmed link has no link key for its client yet.
            Err(AppError::Conflict(_)) => None,
            Err(err) => return Err(err),
        };
        if let Some(opened) = key.as_ref().and_then(|k| k.open(item, sealed)) {
            return Ok(Some(opened));
        }
        Ok(open_older(p.identity()?, sealed))
    }

    /// Whether the therapist's app has opened a key sealed with the link's
    /// key on link `s`: from then on it takes no key sealed the older way.
    pub(crate) async fn link_authenticated(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<bool, AppError> {
        Ok(self
            .own_record::<Pinned>(p, s)
            .await?
            .is_some_and(|pinned| pinned.client_id == s.client_id && pinned.authenticated))
    }

    /// Records that link `s` now seals its keys with the link's key.
    pub(crate) async fn mark_link_authenticated(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<(), AppError> {
        let client_key = self.pinned_client_key(p, s).await?;
        let pinned = Pinned {
            client_id: s.client_id,
            client_key,
            authenticated: true,
        };
        self.save_own_record(p, s, &pinned).await
    }

    /// The fingerprint of this account's own public key (a therapist reads
    /// it out to a client confirming a link), from its secret.
    pub fn own_fingerprint(&self, p: &Principal) -> Option<String> {
        p.keys
            .identity()
            .map(|secret| fingerprint(&crypto::public_of(secret)))
    }
}
