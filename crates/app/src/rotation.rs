//! Replacing the key of a kind whose sharing ended (a scope switched off, a
//! link ended), so a former therapist's copy of the old key opens nothing
//! stored from then on. Only the owner's credentials can make a key, so it
//! happens at their next unlock: a new kind key, every record (and, for the
//! journal kinds, every entry) of the kind re-encrypted under it, and the new key sealed to the
//! therapists who still share that kind. The same "due at the next unlock"
//! list carries upgrade steps, which also need the owner's keys.

use between_store::{RecordBatch, RecordQuery};
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::keyring::{new_kind_keys, DataKind};
use crate::principal::Principal;
use crate::records::{aad, RecordKind};
use crate::App;

impl App {
    /// Carries out the rotations due for this account; a no-op (one small
    /// query) when none is, or when the credential cannot make keys.
    pub(crate) async fn rotate_due_keys(&self, mut p: Principal) -> Result<Principal, AppError> {
        let Some(root) = p.keys.root().cloned() else {
            return Ok(p);
        };
        let due = self.store.due_rotations(p.user.id).await?;
        for name in due {
            if let Some(kind) = DataKind::parse(&name) {
                self.rotate(&mut p, &root, kind).await?;
            } else if name == WRITE_ONLY_TOKENS {
                // Write-only tokens made before the inbox held these keys.
                for kind in DataKind::WRITE_ONLY {
                    self.rotate(&mut p, &root, kind).await?;
                }
            } else if let Some(step) = name.strip_prefix(UPGRADE) {
                if !self.upgrade(&p, step).await? {
                    continue; // left for the version that knows it
                }
            }
            self.store.clear_rotation(p.user.id, &name).await?;
        }
        Ok(p)
    }

    async fn rotate(
        &self,
        p: &mut Principal,
        root: &crypto::Key,
        kind: DataKind,
    ) -> Result<(), AppError> {
        let user = p.user.id;
        let old: Vec<Uuid> = p.keys.keys_of(kind).iter().map(|(id, _)| *id).collect();
        for row in new_kind_keys(user, root, self.now_micros(), &[kind]) {
            self.store.insert_kind_key(&row).await?;
            p.keys.add_row(root, &row)?;
        }
        let (new_id, new_key) = p.keys.current(kind)?;
        let new_key = new_key.clone();
        let reseal = |key_id: Uuid, aad: &[u8], payload: &[u8]| -> Result<Vec<u8>, AppError> {
            let bytes = crypto::open(p.keys.by_id(key_id)?, aad, payload).map_err(|_| {
                AppError::Corrupt(format!("a {} record does not decrypt", kind.as_str()))
            })?;
            Ok(crypto::seal(&new_key, aad, &bytes))
        };
        let mut batch = RecordBatch::default();
        for rk in RecordKind::ALL
            .into_iter()
            .filter(|k| k.data_kind() == kind)
        {
            let q = RecordQuery {
                kind: rk.as_str().into(),
                ..Default::default()
            };
            for mut row in self.store.list_records(user, &q).await? {
                if old.contains(&row.key_id) {
                    row.payload = reseal(row.key_id, &aad(rk, user, row.id), &row.payload)?;
                    row.key_id = new_id;
                    batch.update.push(row);
                }
            }
        }
        if !batch.update.is_empty() {
            self.store.apply_records(user, &batch).await?;
        }
        if matches!(kind, DataKind::Journal | DataKind::SharedJournal) {
            self.rekey_entries_of(p, kind, new_id, &new_key).await?;
        }
        // The calendar feed's credential held the old appointments and
        // practices keys, and a therapist who read a database copy while
        // linked could have opened it: the feed gets a new address.
        if is_calendar_kind(kind) {
            self.replace_calendar_secret(p).await?;
        }
        // Therapists who still share the kind get the new key.
        for s in self.store.active_shares(user).await? {
            if s.client_id == user {
                self.seal_missing_keys(p, &s).await?;
            }
        }
        tracing::info!(user_id = %user, kind = kind.as_str(), "kind key rotated");
        Ok(())
    }
}

/// Due work whose name starts with this is a step that upgrades what an
/// earlier version stored, and needs the owner's keys: a migration marks it
/// due for every account, and it runs at each account's next unlock.
const UPGRADE: &str = "upgrade:";

/// The step migration 0012 marks for accounts with write-only tokens, whose
/// credentials held the journal and shared-journal keys: both are replaced.
const WRITE_ONLY_TOKENS: &str = "upgrade:write_only_tokens";

impl App {
    /// Runs one upgrade step; false for a step this version does not know
    /// (a newer instance marked it), which stays due.
    async fn upgrade(&self, p: &Principal, step: &str) -> Result<bool, AppError> {
        match step {
            "calendar_secret" => self.upgrade_calendar_secret(p).await?,
            _ => return Ok(false),
        }
        tracing::info!(user_id = %p.user.id, step, "store upgraded");
        Ok(true)
    }
}

fn is_calendar_kind(kind: DataKind) -> bool {
    DataKind::CALENDAR.contains(&kind)
}
