//! Journal use cases: writing, reading, editing, deleting and restoring
//! entries, listing by time and searching. Entries are encrypted under the
//! journal key, or the shared-journal key when marked "share".

use between_domain::search::Query;
use between_domain::timespec::TimeRange;
use between_domain::{Entry, EntryContent};
use between_store::{EntryQuery, EntryRow};
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::keyring::{DataKind, Keyring};
use crate::principal::Principal;
use crate::{from_micros, micros, App};

/// Deleted entries can be restored for this long, then they are purged.
pub const RESTORE_WINDOW: SignedDuration = SignedDuration::from_hours(30 * 24);

pub const DEFAULT_PAGE: usize = 100;
pub const MAX_PAGE: usize = 1000;

/// Which entries to list; newest first.
#[derive(Debug, Clone, Default)]
pub struct ListEntries {
    pub range: TimeRange,
    pub deleted: bool,
    /// Continue after this entry (from a previous page's `next_cursor`).
    pub after: Option<Cursor>,
    pub limit: Option<usize>,
}

/// A position in the newest-first list of entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub occurred_at: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.occurred_at, self.id.simple())
    }

    pub fn decode(s: &str) -> Result<Cursor, AppError> {
        let bad = || {
            AppError::invalid(
                "cursor",
                format!(
                    "\"{}\" is not a cursor from this API.",
                    s.chars().take(60).collect::<String>()
                ),
            )
        };
        let (at, id) = s.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            occurred_at: at.parse().map_err(|_| bad())?,
            id: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }
}

/// One page of entries and where the next one starts.
#[derive(Debug, Clone)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub next: Option<Cursor>,
}

pub(crate) fn entry_aad(user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("entry|{user_id}|{id}").into_bytes()
}

impl App {
    pub(crate) fn seal_entry(
        &self,
        p: &Principal,
        id: Uuid,
        content: &EntryContent,
    ) -> Result<(Uuid, Vec<u8>), AppError> {
        let kind = if content.shared {
            DataKind::SharedJournal
        } else {
            DataKind::Journal
        };
        let (key_id, key) = p.keys.current(kind)?;
        let bytes =
            rmp_serde::to_vec_named(content).map_err(|e| AppError::Corrupt(e.to_string()))?;
        Ok((key_id, crypto::seal(key, &entry_aad(p.user.id, id), &bytes)))
    }

    fn open_entry(&self, p: &Principal, row: &EntryRow) -> Result<Entry, AppError> {
        open_entry(&p.keys, row)
    }

    /// Writes a new entry. Allowed for write-only credentials.
    pub async fn add_entry(
        &self,
        p: &Principal,
        content: EntryContent,
        occurred_at: Option<Timestamp>,
    ) -> Result<Entry, AppError> {
        self.add_entry_once(p, content, occurred_at, None).await
    }

    /// Writes a new entry; with a write-only token it goes to the inbox
    /// (sealed to the account's pinned public key) and becomes a journal
    /// entry at the owner's next unlock, and a repeat of `idempotency` by
    /// the same token adds nothing.
    pub async fn add_entry_once(
        &self,
        p: &Principal,
        content: EntryContent,
        occurred_at: Option<Timestamp>,
        idempotency: Option<&str>,
    ) -> Result<Entry, AppError> {
        p.require_write()?;
        let content = content.validated()?;
        let now = self.now();
        // "Now" is kept to the second: nobody needs more, and it reads better.
        let occurred_at =
            micros(occurred_at.unwrap_or_else(|| now.round(jiff::Unit::Second).unwrap_or(now)));
        if let Some(public) = p.seal_to {
            return self
                .add_to_inbox(p, &public, content, occurred_at, idempotency)
                .await;
        }
        let id = Uuid::now_v7();
        let (key_id, payload) = self.seal_entry(p, id, &content)?;
        let row = EntryRow {
            id,
            user_id: p.user.id,
            key_id,
            occurred_at,
            created_at: micros(now),
            updated_at: micros(now),
            deleted_at: None,
            payload,
        };
        let row = self.stored_entry_row(p, row).await?;
        written_entry(&row, content)
    }

    /// Writes many entries at once, atomically: all are valid and stored,
    /// or nothing is. For importers and demo data.
    pub async fn add_entries(
        &self,
        p: &Principal,
        items: Vec<(EntryContent, Timestamp)>,
    ) -> Result<usize, AppError> {
        p.require_read()?;
        let now = micros(self.now());
        let mut rows = Vec::with_capacity(items.len());
        for (i, (content, at)) in items.into_iter().enumerate() {
            let content = content.validated().map_err(|e| {
                AppError::invalid("entries", format!("Entry {} is not valid: {e}", i + 1))
            })?;
            let id = Uuid::now_v7();
            let (key_id, payload) = self.seal_entry(p, id, &content)?;
            rows.push(EntryRow {
                id,
                user_id: p.user.id,
                key_id,
                occurred_at: micros(at),
                created_at: now,
                updated_at: now,
                deleted_at: None,
                payload,
            });
        }
        Ok(self.insert_entry_rows(p, rows).await?.len())
    }

    /// One entry of the signed-in person, live or recently deleted.
    pub async fn entry(&self, p: &Principal, id: Uuid) -> Result<Entry, AppError> {
        p.require_read()?;
        self.drain_inbox(p).await?;
        let row = self
            .store
            .entry(p.user.id, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The entry {id}")))?;
        self.open_entry(p, &row)
    }

    /// Replaces an entry's content (and optionally its time).
    pub async fn update_entry(
        &self,
        p: &Principal,
        id: Uuid,
        content: EntryContent,
        occurred_at: Option<Timestamp>,
    ) -> Result<Entry, AppError> {
        let current = self.entry(p, id).await?;
        if current.deleted_at.is_some() {
            return Err(AppError::Conflict(
                "This entry is deleted; restore it before editing.".into(),
            ));
        }
        let content = content.validated()?;
        let (key_id, payload) = self.seal_entry(p, id, &content)?;
        let row = EntryRow {
            id,
            user_id: p.user.id,
            key_id,
            occurred_at: micros(occurred_at.unwrap_or(current.occurred_at)),
            created_at: micros(current.created_at),
            updated_at: self.now_micros(),
            deleted_at: None,
            payload,
        };
        let row = self
            .update_entry_row(p, row)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The entry {id}")))?;
        written_entry(&row, content)
    }

    /// Moves an entry to "Recently deleted".
    pub async fn delete_entry(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        p.require_read()?;
        if !self
            .store
            .soft_delete_entry(p.user.id, id, self.now_micros())
            .await?
        {
            return Err(AppError::NotFound(format!("The entry {id}")));
        }
        Ok(())
    }

    /// Brings an entry back from "Recently deleted".
    pub async fn restore_entry(&self, p: &Principal, id: Uuid) -> Result<Entry, AppError> {
        p.require_read()?;
        self.purge_expired_deletions().await?;
        if !self.store.restore_entry(p.user.id, id).await? {
            return Err(AppError::NotFound(format!("The deleted entry {id}")));
        }
        self.entry(p, id).await
    }

    /// Removes for good what was deleted longer ago than the restore window.
    pub async fn purge_expired_deletions(&self) -> Result<u64, AppError> {
        let cutoff = self
            .now()
            .checked_sub(RESTORE_WINDOW)
            .unwrap_or(Timestamp::MIN);
        Ok(self.store.purge_deleted_entries(micros(cutoff)).await?)
    }

    /// How many live entries were written at or after `since`, counted
    /// off the index without opening any.
    pub async fn count_entries_since(
        &self,
        p: &Principal,
        since: Timestamp,
    ) -> Result<usize, AppError> {
        p.require_read()?;
        let since = micros(since);
        let times = self.store.entry_times(p.user.id).await?;
        Ok(times.len() - times.partition_point(|t| *t < since))
    }

    /// A page of entries, newest first.
    pub async fn list_entries(&self, p: &Principal, q: &ListEntries) -> Result<Page, AppError> {
        p.require_read()?;
        self.drain_inbox(p).await?;
        if q.deleted {
            self.purge_expired_deletions().await?;
        }
        let limit = q.limit.unwrap_or(DEFAULT_PAGE);
        if limit == 0 || limit > MAX_PAGE {
            return Err(AppError::invalid(
                "limit",
                format!("The limit must be between 1 and {MAX_PAGE}, not {limit}."),
            ));
        }
        let rows = self
            .store
            .list_entries(
                p.user.id,
                &EntryQuery {
                    since: q.range.since.map(micros),
                    until: q.range.until.map(micros),
                    deleted: q.deleted,
                    before: q.after.map(|c| (c.occurred_at, c.id)),
                    limit: Some(limit as i64 + 1),
                },
            )
            .await?;
        let more = rows.len() > limit;
        let entries = rows
            .iter()
            .take(limit)
            .map(|row| self.open_entry(p, row))
            .collect::<Result<Vec<_>, _>>()?;
        let next = if more {
            entries.last().map(|e| Cursor {
                occurred_at: micros(e.occurred_at),
                id: e.id,
            })
        } else {
            None
        };
        Ok(Page { entries, next })
    }

    /// Every live entry in `range`, oldest first (for statistics).
    pub async fn entries_in(
        &self,
        p: &Principal,
        range: TimeRange,
    ) -> Result<Vec<Entry>, AppError> {
        p.require_read()?;
        self.drain_inbox(p).await?;
        let q = EntryQuery {
            since: range.since.map(micros),
            until: range.until.map(micros),
            ..Default::default()
        };
        let rows = self.store.list_entries(p.user.id, &q).await?;
        rows.iter()
            .rev()
            .map(|row| self.open_entry(p, row))
            .collect()
    }

    /// Every entry, live and recently deleted, oldest first (for export).
    /// The live entries this keyring opens, newest first: for a therapist,
    /// the entries the client marked "share" (private ones stay sealed and
    /// are skipped without being opened).
    pub(crate) async fn shared_entries(&self, p: &Principal) -> Result<Vec<Entry>, AppError> {
        p.require_read()?;
        let rows = self
            .store
            .list_entries(p.user.id, &EntryQuery::default())
            .await?;
        rows.iter()
            .filter(|row| p.keys.by_id(row.key_id).is_ok())
            .map(|row| self.open_entry(p, row))
            .collect()
    }

    pub async fn all_entries(&self, p: &Principal) -> Result<Vec<Entry>, AppError> {
        p.require_read()?;
        self.drain_inbox(p).await?;
        let mut out = Vec::new();
        for deleted in [false, true] {
            let q = EntryQuery {
                deleted,
                ..Default::default()
            };
            for row in self.store.list_entries(p.user.id, &q).await? {
                out.push(self.open_entry(p, &row)?);
            }
        }
        out.sort_by_key(|e| (e.occurred_at, e.id));
        Ok(out)
    }

    /// Entries whose text, answers, feelings, triggers or tags contain every
    /// word of `query`, newest first. Decrypts in memory and scans.
    pub async fn search_entries(
        &self,
        p: &Principal,
        query: &str,
        limit: usize,
    ) -> Result<Vec<Entry>, AppError> {
        p.require_read()?;
        self.drain_inbox(p).await?;
        let Some(query) = Query::parse(query) else {
            return Err(AppError::invalid("q", "Type something to search for."));
        };
        let rows = self
            .store
            .list_entries(p.user.id, &EntryQuery::default())
            .await?;
        // Decrypting the whole journal is the work: on every core, off the
        // async workers.
        let keys = p.keys.clone();
        crate::blocking::run(move || {
            crate::scan::first_matching(&rows, limit, |row| {
                let entry = open_entry(&keys, row)?;
                Ok(query.matches(&entry.content).then_some(entry))
            })
        })
        .await
    }
}

/// An entry as stored, decrypted with one of `keys`.
fn open_entry(keys: &Keyring, row: &EntryRow) -> Result<Entry, AppError> {
    let key = keys.by_id(row.key_id)?;
    let bytes = crypto::open(key, &entry_aad(row.user_id, row.id), &row.payload)
        .map_err(|_| AppError::Corrupt(format!("entry {} does not decrypt", row.id)))?;
    let content: EntryContent = rmp_serde::from_slice(&bytes)
        .map_err(|e| AppError::Corrupt(format!("entry {}: {e}", row.id)))?;
    Ok(Entry {
        id: row.id,
        occurred_at: from_micros(row.occurred_at)?,
        created_at: from_micros(row.created_at)?,
        updated_at: from_micros(row.updated_at)?,
        deleted_at: row.deleted_at.map(from_micros).transpose()?,
        content,
    })
}

/// The entry just written, from what was written: its row may name a key
/// this request's keyring does not hold (a rotation replaced the key meanwhile
/// and the write was sealed again under the new one).
fn written_entry(row: &EntryRow, content: EntryContent) -> Result<Entry, AppError> {
    Ok(Entry {
        id: row.id,
        occurred_at: from_micros(row.occurred_at)?,
        created_at: from_micros(row.created_at)?,
        updated_at: from_micros(row.updated_at)?,
        deleted_at: row.deleted_at.map(from_micros).transpose()?,
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            occurred_at: 1_700_000_000_000_000,
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        for bad in ["", "abc", "12.nope", "x.0190a0b0c0d07e0f8a9b0c1d2e3f4a5b"] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }
}
