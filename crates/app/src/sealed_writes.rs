//! Writing ciphertext under kind keys, at one boundary. The store refuses,
//! in the statement that would store it, a row sealed under a key that is
//! not current (a rotation retired it after this request loaded its
//! keyring); here such a write is sealed again under the current key and
//! tried once more, so nothing is ever stored under a replaced key and no
//! caller has to know. Every write of records and entries goes through here.

use between_store::{EntryRow, RecordBatch, RecordRow, StoreError};
use uuid::Uuid;

use crate::background::Work;
use crate::crypto;
use crate::error::AppError;
use crate::journal::entry_aad;
use crate::keyring::Keyring;
use crate::principal::Principal;
use crate::records::{aad, RecordKind};
use crate::App;

/// Empties a principal's memo when dropped: after a write, also one that
/// failed or was cancelled halfway.
struct ForgetOnDrop<'a>(&'a Principal);

impl Drop for ForgetOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(memo) = &self.0.memo {
            memo.clear();
        }
    }
}

impl App {
    /// Applies a batch of record writes (see [`between_store::Store::apply_records`]).
    pub(crate) async fn apply_records(
        &self,
        p: &Principal,
        batch: &RecordBatch,
    ) -> Result<(), AppError> {
        // What the request remembered may be what this changes: forget it
        // whether or not the write goes through.
        let _forget = ForgetOnDrop(p);
        match self.store.apply_records(p.user.id, batch).await {
            Err(StoreError::RetiredKey(_)) => {
                let fresh = self.fresh_keys(p).await?;
                let batch = reseal_batch(p, &fresh, batch)?;
                self.store.apply_records(p.user.id, &batch).await?;
            }
            other => other?,
        }
        // What a linked therapist's summary says may have changed, and
        // what the warning signs see.
        self.queue_work(
            p,
            Work {
                signs: crate::warning_signs::watched(batch),
                publish: crate::summary_share::summarised(batch),
            },
        );
        // So may what reminders are due (read afresh: the memo is stale).
        // Boxed: reading appointments may extend a series, a write of its own.
        if crate::reminders::affects_plan(batch) {
            Box::pin(self.refresh_reminder_plan(&p.forgetful())).await;
        }
        Ok(())
    }

    /// Inserts one entry; returns what was stored.
    pub(crate) async fn stored_entry_row(
        &self,
        p: &Principal,
        row: EntryRow,
    ) -> Result<EntryRow, AppError> {
        self.insert_entry_rows(p, vec![row])
            .await?
            .pop()
            .ok_or_else(|| AppError::Corrupt("an entry was not stored".into()))
    }

    /// Inserts entries, all or none; returns what was stored (re-sealed rows
    /// name their new key).
    pub(crate) async fn insert_entry_rows(
        &self,
        p: &Principal,
        rows: Vec<EntryRow>,
    ) -> Result<Vec<EntryRow>, AppError> {
        let stored = match self.store.insert_entries(&rows).await {
            Err(StoreError::RetiredKey(_)) => {
                let fresh = self.fresh_keys(p).await?;
                let rows = reseal_entries(p, &fresh, rows)?;
                self.store.insert_entries(&rows).await?;
                rows
            }
            other => other.map(|()| rows)?,
        };
        self.queue_work(p, Work::SIGNS);
        Ok(stored)
    }

    /// Replaces a live entry; `None` if there is no such live entry.
    pub(crate) async fn update_entry_row(
        &self,
        p: &Principal,
        row: EntryRow,
    ) -> Result<Option<EntryRow>, AppError> {
        let stored = match self.store.update_entry(&row).await {
            Err(StoreError::RetiredKey(_)) => {
                let fresh = self.fresh_keys(p).await?;
                let mut rows = reseal_entries(p, &fresh, vec![row])?;
                let row = rows
                    .pop()
                    .ok_or_else(|| AppError::Corrupt("no row".into()))?;
                self.store.update_entry(&row).await?.then_some(row)
            }
            other => other?.then_some(row),
        };
        if stored.is_some() {
            self.queue_work(p, Work::SIGNS);
        }
        Ok(stored)
    }

    /// Writes an archive's entries and records in one transaction.
    pub(crate) async fn import_rows(
        &self,
        p: &Principal,
        entries: Vec<EntryRow>,
        batch: &RecordBatch,
    ) -> Result<(), AppError> {
        match self.store.import(p.user.id, &entries, batch).await {
            Err(StoreError::RetiredKey(_)) => {
                let fresh = self.fresh_keys(p).await?;
                let entries = reseal_entries(p, &fresh, entries)?;
                let batch = reseal_batch(p, &fresh, batch)?;
                self.store.import(p.user.id, &entries, &batch).await?;
            }
            other => other?,
        }
        self.queue_work(
            p,
            Work {
                signs: true,
                publish: crate::summary_share::summarised(batch),
            },
        );
        Ok(())
    }

    /// The account's keys as they are now: only a credential that opens the
    /// root key can load them.
    async fn fresh_keys(&self, p: &Principal) -> Result<Keyring, AppError> {
        let root = p.keys.root().cloned().ok_or_else(|| {
            AppError::Forbidden(
                "The keys of this account were replaced since this credential was made, so it cannot write this any more. Make a new one.".into(),
            )
        })?;
        Keyring::unlock(&self.store, p.user.id, root, self.now_micros()).await
    }
}

/// `payload` (sealed under `key_id` of `old`) sealed again under the current
/// key of the same kind in `fresh`; unchanged when `key_id` is current.
fn reseal(
    old: &Keyring,
    fresh: &Keyring,
    key_id: Uuid,
    aad: &[u8],
    payload: &[u8],
) -> Result<(Uuid, Vec<u8>), AppError> {
    let kind = old
        .kind_of(key_id)
        .ok_or_else(|| AppError::Corrupt("a write names a key it does not hold".into()))?;
    let (new_id, new_key) = fresh.current(kind)?;
    if new_id == key_id {
        return Ok((key_id, payload.to_vec()));
    }
    let bytes = crypto::open(old.by_id(key_id)?, aad, payload)
        .map_err(|_| AppError::Corrupt("a row being written does not decrypt".into()))?;
    Ok((new_id, crypto::seal(new_key, aad, &bytes)))
}

fn reseal_record(p: &Principal, fresh: &Keyring, mut r: RecordRow) -> Result<RecordRow, AppError> {
    let kind = RecordKind::parse(&r.kind)
        .ok_or_else(|| AppError::Corrupt(format!("unknown record kind {}", r.kind)))?;
    let (key_id, payload) = reseal(
        &p.keys,
        fresh,
        r.key_id,
        &aad(kind, r.user_id, r.id),
        &r.payload,
    )?;
    r.key_id = key_id;
    r.payload = payload;
    Ok(r)
}

fn reseal_batch(
    p: &Principal,
    fresh: &Keyring,
    batch: &RecordBatch,
) -> Result<RecordBatch, AppError> {
    let each = |rows: &[RecordRow]| -> Result<Vec<RecordRow>, AppError> {
        rows.iter()
            .map(|r| reseal_record(p, fresh, r.clone()))
            .collect()
    };
    Ok(RecordBatch {
        insert: each(&batch.insert)?,
        update: each(&batch.update)?,
        update_if_unchanged: batch
            .update_if_unchanged
            .iter()
            .map(|(r, stamp)| Ok((reseal_record(p, fresh, r.clone())?, *stamp)))
            .collect::<Result<_, AppError>>()?,
        delete: batch.delete.clone(),
    })
}

fn reseal_entries(
    p: &Principal,
    fresh: &Keyring,
    rows: Vec<EntryRow>,
) -> Result<Vec<EntryRow>, AppError> {
    rows.into_iter()
        .map(|mut e| {
            let (key_id, payload) = reseal(
                &p.keys,
                fresh,
                e.key_id,
                &entry_aad(e.user_id, e.id),
                &e.payload,
            )?;
            e.key_id = key_id;
            e.payload = payload;
            Ok(e)
        })
        .collect()
}
