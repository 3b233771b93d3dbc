//! Replacing the key of a kind whose sharing ended (a scope switched off, a
//! link ended), so a former therapist's copy of the old key opens nothing
//! stored from then on. Only the owner's credentials can make a key, so it
//! happens at their next unlock: a new kind key, every record (and, for the
//! journal kinds, every entry) of the kind re-encrypted under it, and the new key sealed to the
//! therapists who still share that kind. The same "due at the next unlock"
//! list carries upgrade steps, which also need the owner's keys.
//!
//! Races: one rotation of an account runs at a time (a lease in the store
//! that expires, so a crashed rotation is finished by a later unlock); the
//! old key is retired in the transaction that adds the new one, so a write
//! under it from a request that loaded its keys earlier is refused by the
//! store and sealed again under the new key (`sealed_writes`); re-keying
//! is a guarded update that applies only while a row is still under the
//! old key and unchanged since it was read, so it never overwrites a
//! concurrent edit; and it repeats until nothing is left under a retired
//! key, which is then deleted.

use std::time::Duration;

use between_store::{EntryQuery, RecordQuery};
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::journal::entry_aad;
use crate::keyring::{new_kind_keys, DataKind, Keyring};
use crate::principal::Principal;
use crate::records::{aad, RecordKind};
use crate::App;

/// How long a rotation's lease lasts (renewed after each kind): a crashed
/// rotation is taken over by an unlock after this, by the app's clock.
pub(crate) const LEASE: Duration = Duration::from_secs(5 * 60);

/// How long an unlock waits for another request's rotation of the same
/// account before going on without it (in steps of [`WAIT_STEP`]).
const WAIT_STEPS: u32 = 100;
const WAIT_STEP: Duration = Duration::from_millis(50);

/// Passes over the kind's rows before giving up for now: each pass re-keys
/// what the last one found changed meanwhile; the rotation stays due.
const PASSES: usize = 5;

impl App {
    /// Carries out the rotations due for this account; a no-op (one small
    /// query) when none is, or when the credential cannot make keys.
    pub(crate) async fn rotate_due_keys(&self, mut p: Principal) -> Result<Principal, AppError> {
        let Some(root) = p.keys.root().cloned() else {
            return Ok(p);
        };
        let user = p.user.id;
        if self.store.due_rotations(user).await?.is_empty() {
            return Ok(p);
        }
        let owner = Uuid::now_v7();
        let mut waited = false;
        let mut taken = false;
        for _ in 0..=WAIT_STEPS {
            if self.take_lease(user, owner).await? {
                taken = true;
                break;
            }
            // Another request is rotating this account: wait for it.
            waited = true;
            tokio::time::sleep(WAIT_STEP).await;
            if self.store.due_rotations(user).await?.is_empty() {
                break;
            }
        }
        if waited {
            // The keys another rotation made.
            p.keys = self.reload_keys(&p, root.clone()).await?;
        }
        if !taken {
            if waited && !self.store.due_rotations(user).await?.is_empty() {
                tracing::warn!(user_id = %user, "a key rotation of this account is still running");
            }
            return Ok(p);
        }
        let result = self.rotate_under_lease(&mut p, &root, owner).await;
        // A failure leaves the lease to expire; the work stays due.
        if result.is_ok() {
            self.store.release_rotation_lease(user, owner).await?;
        }
        result.map(|()| p)
    }

    async fn take_lease(&self, user: Uuid, owner: Uuid) -> Result<bool, AppError> {
        let now = self.now_micros();
        let until = now.saturating_add(i64::try_from(LEASE.as_micros()).unwrap_or(i64::MAX / 2));
        Ok(self
            .store
            .take_rotation_lease(user, owner, now, until)
            .await?)
    }

    async fn reload_keys(&self, p: &Principal, root: crypto::Key) -> Result<Keyring, AppError> {
        Keyring::unlock(&self.store, p.user.id, root, self.now_micros()).await
    }

    async fn rotate_under_lease(
        &self,
        p: &mut Principal,
        root: &crypto::Key,
        owner: Uuid,
    ) -> Result<(), AppError> {
        let user = p.user.id;
        // Read again under the lease: a rotation that held it before may
        // have finished some.
        let mut due = self.store.due_rotations(user).await?;
        // Keys are numbered before any rotation makes the next generation,
        // and upgrade steps (which may mark kinds due) come before rotations.
        due.sort_by_key(|name| (name != KEY_GENERATIONS, !name.starts_with(UPGRADE)));
        let mut next = 0;
        while let Some(name) = due.get(next).cloned() {
            next += 1;
            if let Some(kind) = DataKind::parse(&name) {
                self.rotate(p, root, &name, kind).await?;
            } else if let Some(step) = name.strip_prefix(UPGRADE) {
                if self.upgrade(p, step).await? {
                    self.store.clear_rotation(user, &name).await?;
                    p.keys = self.reload_keys(p, root.clone()).await?;
                    // Rotations a step marked due run in this unlock too.
                    for more in self.store.due_rotations(user).await? {
                        if !due.contains(&more) {
                            due.push(more);
                        }
                    }
                }
                // else left for the version that knows it
            }
            if !self.take_lease(user, owner).await? {
                return Err(AppError::Conflict(
                    "Another request took over this account's key rotation.".into(),
                ));
            }
        }
        Ok(())
    }

    async fn rotate(
        &self,
        p: &mut Principal,
        root: &crypto::Key,
        name: &str,
        kind: DataKind,
    ) -> Result<(), AppError> {
        let user = p.user.id;
        // A rotation that began (and was interrupted) is finished with the
        // key it made; otherwise a new key, retiring the others at once.
        let begun = self.store.rotation_new_key(user, name).await?;
        let new_id = match begun {
            Some(id) if p.keys.kind_of(id) == Some(kind) => id,
            _ => {
                // The next generation; the store's uniqueness refuses a
                // second key of the same one.
                let generation = self
                    .store
                    .kind_keys(user)
                    .await?
                    .iter()
                    .filter(|k| k.kind == kind.as_str())
                    .filter_map(|k| k.generation)
                    .max()
                    .unwrap_or(0)
                    + 1;
                let row = new_kind_keys(user, root, self.now_micros(), &[kind], generation)
                    .pop()
                    .ok_or_else(|| AppError::Corrupt("no key was made".into()))?;
                self.store
                    .begin_key_rotation(name, &row, self.now_micros())
                    .await?;
                // The keyring anew: the new key current, the others retired.
                p.keys = self.reload_keys(p, root.clone()).await?;
                row.id
            }
        };
        let new_key = p.keys.by_id(new_id)?.clone();
        let mut settled = false;
        for pass in 0..PASSES {
            let (records, entries) = self.under_old_keys(p, kind, new_id).await?;
            if records.is_empty() && entries.is_empty() {
                settled = true;
                break;
            }
            if pass == 0 {
                #[cfg(any(test, feature = "testing"))]
                self.rotation_pause_point().await;
            }
            // Decrypting and encrypting ten years of rows is CPU work: it
            // runs on the blocking pool, with the keys it needs owned.
            let keys: Vec<(Uuid, crypto::Key)> = p
                .keys
                .keys_of(kind)
                .into_iter()
                .map(|(id, key)| (id, key.clone()))
                .collect();
            let fresh = new_key.clone();
            let (records, entries) = crate::blocking::run(move || {
                let records = records
                    .into_iter()
                    .map(|(rk, row)| {
                        let payload = reseal(
                            &keys,
                            &fresh,
                            row.key_id,
                            &aad(rk, user, row.id),
                            &row.payload,
                        )?;
                        Ok((row, payload))
                    })
                    .collect::<Result<Vec<_>, AppError>>()?;
                let entries = entries
                    .into_iter()
                    .map(|e| {
                        let payload =
                            reseal(&keys, &fresh, e.key_id, &entry_aad(user, e.id), &e.payload)?;
                        Ok((e, payload))
                    })
                    .collect::<Result<Vec<_>, AppError>>()?;
                Ok::<_, AppError>((records, entries))
            })
            .await?;
            for (row, payload) in records {
                // Only while still under the old key and unchanged: a
                // concurrent edit wins, and the next pass looks again.
                self.store
                    .rekey_record(
                        user,
                        &row.kind,
                        row.id,
                        row.key_id,
                        row.updated_at,
                        new_id,
                        &payload,
                    )
                    .await?;
            }
            for (e, payload) in entries {
                self.store
                    .rekey_entry(user, e.id, e.key_id, e.updated_at, new_id, &payload)
                    .await?;
            }
        }
        if !settled {
            tracing::warn!(user_id = %user, kind = kind.as_str(), "rows kept changing during a key rotation; it stays due");
            return Ok(());
        }
        self.store
            .delete_unused_retired_keys(user, kind.as_str())
            .await?;
        // On PostgreSQL a write whose statement began just before the old
        // key was retired can still commit after the last pass; such a row
        // keeps its key alive (above) and the rotation due, so the next
        // unlock re-keys it.
        let (records, entries) = self.under_old_keys(p, kind, new_id).await?;
        if !records.is_empty() || !entries.is_empty() {
            tracing::warn!(user_id = %user, kind = kind.as_str(), "a write under a replaced key came late; the rotation stays due");
            return Ok(());
        }
        // The keyring as stored now: without the keys just deleted, so none
        // is sealed to a therapist below.
        p.keys = self.reload_keys(p, root.clone()).await?;
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
        // Done unless the kind was marked due again meanwhile (the new key
        // may have been shared since): then the next unlock rotates again.
        self.store.finish_key_rotation(user, name, new_id).await?;
        tracing::info!(user_id = %user, kind = kind.as_str(), "kind key rotated");
        Ok(())
    }

    /// The rows of `kind` stored under any key but `new_id`: records of
    /// every record kind of it and, for the journal kinds, entries (live or
    /// deleted) under one of its replaced keys.
    async fn under_old_keys(
        &self,
        p: &Principal,
        kind: DataKind,
        new_id: Uuid,
    ) -> Result<
        (
            Vec<(RecordKind, between_store::RecordRow)>,
            Vec<between_store::EntryRow>,
        ),
        AppError,
    > {
        let user = p.user.id;
        let mut records = Vec::new();
        for rk in RecordKind::ALL
            .into_iter()
            .filter(|k| k.data_kind() == kind)
        {
            let q = RecordQuery {
                kind: rk.as_str().into(),
                ..Default::default()
            };
            for row in self.store.list_records(user, &q).await? {
                if row.key_id != new_id {
                    records.push((rk, row));
                }
            }
        }
        let mut entries = Vec::new();
        if matches!(kind, DataKind::Journal | DataKind::SharedJournal) {
            for deleted in [false, true] {
                let q = EntryQuery {
                    deleted,
                    ..Default::default()
                };
                for e in self.store.list_entries(user, &q).await? {
                    if e.key_id != new_id && p.keys.kind_of(e.key_id) == Some(kind) {
                        entries.push(e);
                    }
                }
            }
        }
        Ok((records, entries))
    }
}

/// `payload`, sealed under `key_id` (one of `keys`), sealed again under
/// `new_key`.
fn reseal(
    keys: &[(Uuid, crypto::Key)],
    new_key: &crypto::Key,
    key_id: Uuid,
    aad: &[u8],
    payload: &[u8],
) -> Result<Vec<u8>, AppError> {
    let key = keys
        .iter()
        .find(|(id, _)| *id == key_id)
        .map(|(_, key)| key)
        .ok_or_else(|| AppError::Forbidden("This credential cannot open that data.".into()))?;
    let bytes = crypto::open(key, aad, payload)
        .map_err(|_| AppError::Corrupt("a record being re-encrypted does not decrypt".into()))?;
    Ok(crypto::seal(new_key, aad, &bytes))
}

/// Due work whose name starts with this is a step that upgrades what an
/// earlier version stored, and needs the owner's keys: a migration marks it
/// due for every account, and it runs at each account's next unlock.
const UPGRADE: &str = "upgrade:";

impl App {
    /// Runs one upgrade step; false for a step this version does not know
    /// (a newer instance marked it), which stays due.
    async fn upgrade(&self, p: &Principal, step: &str) -> Result<bool, AppError> {
        match step {
            "calendar_secret" => self.upgrade_calendar_secret(p).await?,
            "key_generations" => self.upgrade_key_generations(p).await?,
            "authenticated_items" => self.upgrade_authenticated_items(p).await?,
            // Write-only tokens made before the inbox held the journal and
            // shared-journal keys (migration 0012): both are replaced.
            "write_only_tokens" => {
                let kinds = DataKind::WRITE_ONLY.map(|k| k.as_str().to_string());
                self.store
                    .mark_rotation(p.user.id, &kinds, self.now_micros())
                    .await?
            }
            _ => return Ok(false),
        }
        tracing::info!(user_id = %p.user.id, step, "store upgraded");
        Ok(true)
    }
}

/// The step that numbers keys stored before generations (migration 0014).
const KEY_GENERATIONS: &str = "upgrade:key_generations";

impl App {
    /// Gives every key stored before generations its generation, in the
    /// order the keys of its kind were made (the order today's keyring
    /// relied on), re-wrapped with it in the AAD.
    async fn upgrade_key_generations(&self, p: &Principal) -> Result<(), AppError> {
        let user = p.user.id;
        let rows = self.store.kind_keys(user).await?;
        let mut next: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        for row in rows.iter().filter(|r| r.generation.is_none()) {
            if DataKind::parse(&row.kind).is_none() {
                continue; // a kind this version does not know yet
            }
            let generation = next.entry(row.kind.clone()).or_insert(0);
            *generation += 1;
            let wrapped = p.keys.rewrap_with_generation(row, *generation)?;
            self.store
                .set_key_generation(user, row.id, *generation, &wrapped)
                .await?;
        }
        Ok(())
    }
}

impl App {
    /// Seals every key the client's links hold again with each link's key
    /// and publishes the agenda snapshot again (migration 0017). A link
    /// the client has not confirmed gets its keys when confirmed.
    async fn upgrade_authenticated_items(&self, p: &Principal) -> Result<(), AppError> {
        for s in self.store.active_shares(p.user.id).await? {
            if s.client_id == p.user.id {
                self.reseal_link_keys(p, &s).await?;
            }
        }
        self.publish_next_agenda(p).await;
        self.publish_summaries(p).await;
        Ok(())
    }
}

fn is_calendar_kind(kind: DataKind) -> bool {
    DataKind::CALENDAR.contains(&kind)
}
