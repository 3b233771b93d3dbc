//! What a write-only token writes: it holds no key that opens anything, so
//! an entry it adds is sealed to the account's public key (the copy pinned
//! in the token's own credential) into the inbox, and moved into the journal
//! under the current journal key whenever the owner's keys are unlocked.

use between_domain::{Entry, EntryContent};
use between_store::{EntryRow, InboxRow};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::journal::entry_aad;
use crate::keyring::DataKind;
use crate::principal::Principal;
use crate::{from_micros, micros, App};

/// Items moved per transaction.
const DRAIN_BATCH: i64 = 100;

/// An inbox item as sealed: the entry, bound to its account and id.
#[derive(Serialize, Deserialize)]
struct Sealed {
    id: Uuid,
    user_id: Uuid,
    occurred_at: i64,
    created_at: i64,
    content: EntryContent,
}

/// The plain hash naming one write: a client's idempotency id, per token
/// (a repeat of the same id adds nothing), or the new item's own id.
fn dedup_of(credential_id: Uuid, idempotency: Option<&str>, id: Uuid) -> Vec<u8> {
    let named = match idempotency {
        Some(key) => format!("{credential_id}|{key}"),
        None => format!("{credential_id}|new|{id}"),
    };
    crypto::derive(named.as_bytes(), "inbox-dedup")
        .as_bytes()
        .to_vec()
}

impl App {
    /// Seals a validated entry to the pinned public key and puts it in the
    /// inbox; a repeat of `idempotency` by the same token adds nothing and
    /// answers with the id of the first.
    pub(crate) async fn add_to_inbox(
        &self,
        p: &Principal,
        public: &[u8; 32],
        content: EntryContent,
        occurred_at: i64,
        idempotency: Option<&str>,
    ) -> Result<Entry, AppError> {
        let now = self.now();
        let id = Uuid::now_v7();
        let sealed = Sealed {
            id,
            user_id: p.user.id,
            occurred_at,
            created_at: micros(now),
            content,
        };
        let bytes =
            rmp_serde::to_vec_named(&sealed).map_err(|e| AppError::Corrupt(e.to_string()))?;
        let item = InboxRow {
            id,
            user_id: p.user.id,
            dedup: dedup_of(p.credential_id, idempotency, id),
            sealed: crypto::seal_to(public, &bytes)
                .map_err(|_| AppError::Corrupt("the pinned public key is not one".into()))?,
            created_at: micros(now),
        };
        let id = self.store.insert_inbox(&item).await?;
        Ok(Entry {
            id,
            occurred_at: from_micros(occurred_at)?,
            created_at: now,
            updated_at: now,
            deleted_at: None,
            content: sealed.content,
        })
    }

    /// Moves every inbox item of the account into the journal (at every
    /// unlock and before every read of the journal, so the owner sees what
    /// a token wrote at once), under the
    /// current journal (or shared-journal) key; a no-op (one small query)
    /// when the inbox is empty or the credential holds no identity key.
    /// Each batch is one transaction that inserts the entries and deletes
    /// their items, so it is safe to repeat and to interrupt.
    pub(crate) async fn drain_inbox(&self, p: &Principal) -> Result<(), AppError> {
        let Some(identity) = p.keys.identity() else {
            return Ok(());
        };
        if p.keys.root().is_none() {
            return Ok(());
        }
        loop {
            let items = self.store.inbox_of(p.user.id, DRAIN_BATCH).await?;
            if items.is_empty() {
                return Ok(());
            }
            let full = items.len() as i64 == DRAIN_BATCH;
            let user = p.user.id;
            let identity = identity.clone();
            let journal = owned(p.keys.current(DataKind::Journal)?);
            let shared = owned(p.keys.current(DataKind::SharedJournal)?);
            // Opening and sealing a batch runs on the blocking pool.
            let (rows, unreadable) = crate::blocking::run(move || {
                let mut rows = Vec::with_capacity(items.len());
                let mut unreadable = Vec::new();
                for item in &items {
                    let Some(s) = open_item(&identity, user, item) else {
                        unreadable.push(item.id);
                        continue;
                    };
                    let (key_id, key) = if s.content.shared { &shared } else { &journal };
                    let bytes = rmp_serde::to_vec_named(&s.content)
                        .map_err(|e| AppError::Corrupt(e.to_string()))?;
                    rows.push(EntryRow {
                        id: s.id,
                        user_id: user,
                        key_id: *key_id,
                        occurred_at: s.occurred_at,
                        created_at: s.created_at,
                        updated_at: s.created_at,
                        deleted_at: None,
                        payload: crypto::seal(key, &entry_aad(user, s.id), &bytes),
                    });
                }
                Ok::<_, AppError>((rows, unreadable))
            })
            .await?;
            for id in unreadable {
                // Not sealed to this account's key, or not for this item:
                // nobody with the account's keys can read it.
                tracing::warn!(user_id = %user, item = %id, "an inbox item does not open; dropped");
                self.store.delete_inbox_item(user, id).await?;
            }
            self.store.drain_inbox(p.user.id, &rows).await?;
            tracing::info!(user_id = %p.user.id, entries = rows.len(), "inbox drained");
            if !full {
                return Ok(());
            }
        }
    }
}

fn owned((id, key): (Uuid, &crypto::Key)) -> (Uuid, crypto::Key) {
    (id, key.clone())
}

fn open_item(identity: &crypto::Key, user_id: Uuid, item: &InboxRow) -> Option<Sealed> {
    let bytes = crypto::open_sealed(identity, &item.sealed).ok()?;
    let s: Sealed = rmp_serde::from_slice(&bytes).ok()?;
    (s.id == item.id && s.user_id == user_id).then_some(s)
}
