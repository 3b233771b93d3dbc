//! The keys of a signed-in person: their root key (when the credential opens
//! it) and the kind keys it unwraps. Data of each kind is encrypted under
//! that kind's current key; older keys stay for reading.

use std::collections::HashMap;

use between_store::{KindKeyRow, Store};
use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::error::AppError;

/// The kinds of data that get their own key: the lines along which data may
/// ever be shared (DESIGN.md's key model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// Private journal entries.
    Journal,
    /// Entries marked "share with therapist".
    SharedJournal,
    /// Appointments: times, with whom, where, status.
    Appointments,
    /// Questions for the therapist and their answers.
    Questions,
    /// Goals and their check-ins.
    Goals,
    /// Insights recorded after sessions.
    Insights,
    /// Session feedback.
    Feedback,
    /// Practice definitions: titles, instructions, schedules (what a
    /// calendar feed may show).
    Practices,
    /// Practice logs: what was done, thought records, difficulties.
    PracticeLogs,
    /// Questionnaire answers and scores (PHQ-9, GAD-7).
    Measures,
    /// The person's safety plan.
    SafetyPlan,
    /// Daily tracker definitions and readings (sleep, exercise…).
    Trackers,
    /// Saved agendas for appointments.
    Agenda,
    /// Saved periodic reviews and their reflections.
    Reviews,
    /// What only the account itself may read, never shared with a therapist
    /// and never given to a token: the calendar feed's secret.
    Account,
}

impl DataKind {
    pub const ALL: [DataKind; 15] = [
        DataKind::Journal,
        DataKind::SharedJournal,
        DataKind::Appointments,
        DataKind::Questions,
        DataKind::Goals,
        DataKind::Insights,
        DataKind::Feedback,
        DataKind::Practices,
        DataKind::PracticeLogs,
        DataKind::Measures,
        DataKind::SafetyPlan,
        DataKind::Trackers,
        DataKind::Agenda,
        DataKind::Reviews,
        DataKind::Account,
    ];

    /// The kinds a calendar feed may read: titles and times.
    pub const CALENDAR: [DataKind; 2] = [DataKind::Appointments, DataKind::Practices];

    /// The kinds whose keys write-only tokens held before the inbox (they
    /// hold none now); replaced once by the `write_only_tokens` upgrade.
    pub const WRITE_ONLY: [DataKind; 2] = [DataKind::Journal, DataKind::SharedJournal];

    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Journal => "journal",
            DataKind::SharedJournal => "shared_journal",
            DataKind::Appointments => "appointments",
            DataKind::Questions => "questions",
            DataKind::Goals => "goals",
            DataKind::Insights => "insights",
            DataKind::Feedback => "feedback",
            DataKind::Practices => "practices",
            DataKind::PracticeLogs => "practice_logs",
            DataKind::Measures => "measures",
            DataKind::SafetyPlan => "safety_plan",
            DataKind::Trackers => "trackers",
            DataKind::Agenda => "agenda",
            DataKind::Reviews => "reviews",
            DataKind::Account => "account",
        }
    }

    pub fn parse(s: &str) -> Option<DataKind> {
        DataKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Additional data binding a wrapped kind key to its owner, kind and
/// generation (keys stored before generations were bound without one).
pub(crate) fn kind_key_aad(
    user_id: Uuid,
    key_id: Uuid,
    kind: &str,
    generation: Option<i64>,
) -> Vec<u8> {
    match generation {
        Some(g) => format!("kind-key|{user_id}|{key_id}|{kind}|generation {g}").into_bytes(),
        None => format!("kind-key|{user_id}|{key_id}|{kind}").into_bytes(),
    }
}

#[derive(Debug, Clone)]
pub struct Keyring {
    user_id: Uuid,
    root: Option<Key>,
    /// The X25519 secret that opens keys others sealed to this account.
    identity: Option<Key>,
    keys: HashMap<Uuid, (DataKind, Key)>,
    current: HashMap<DataKind, Uuid>,
    /// The rank of each current key: its generation (0 before generations),
    /// then the order rows came in (oldest first) among those without one.
    ranks: HashMap<DataKind, (i64, usize)>,
}

impl Keyring {
    /// Unwraps every kind key of the user with the root key.
    pub(crate) async fn unlock(
        store: &Store,
        user_id: Uuid,
        root: Key,
        now: i64,
    ) -> Result<Keyring, AppError> {
        let rows = store.kind_keys(user_id).await?;
        let mut ring = Keyring {
            user_id,
            root: None,
            identity: None,
            keys: HashMap::new(),
            current: HashMap::new(),
            ranks: HashMap::new(),
        };
        for row in rows {
            ring.add_row(&root, &row)?;
        }
        // Kinds added by a later version get their key on the next unlock.
        let missing: Vec<DataKind> = DataKind::ALL
            .into_iter()
            .filter(|k| !ring.current.contains_key(k))
            .collect();
        if !missing.is_empty() {
            for row in new_kind_keys(user_id, &root, now, &missing, 1) {
                store.insert_kind_key(&row).await?;
                ring.add_row(&root, &row)?;
            }
        }
        ring.identity = Some(identity(store, user_id, &root, now).await?);
        ring.root = Some(root);
        Ok(ring)
    }

    /// A keyring holding only some kind keys (write-only credentials).
    pub(crate) fn partial(user_id: Uuid, keys: Vec<(Uuid, DataKind, Key)>) -> Keyring {
        let mut ring = Keyring {
            user_id,
            root: None,
            identity: None,
            keys: HashMap::new(),
            current: HashMap::new(),
            ranks: HashMap::new(),
        };
        for (id, kind, key) in keys {
            ring.current.insert(kind, id);
            ring.keys.insert(id, (kind, key));
        }
        ring
    }

    pub(crate) fn add_row(&mut self, root: &Key, row: &KindKeyRow) -> Result<(), AppError> {
        let Some(kind) = DataKind::parse(&row.kind) else {
            return Ok(()); // a kind this version does not know yet
        };
        let opened = crypto::open(
            root,
            &kind_key_aad(self.user_id, row.id, &row.kind, row.generation),
            &row.wrapped,
        );
        let bytes = match (opened, row.generation) {
            (Ok(bytes), _) => bytes,
            // A numbered key that does not open (a row planted or changed
            // without the root key) is never used, let alone current.
            (Err(_), Some(_)) => {
                tracing::warn!(user_id = %self.user_id, kind = %row.kind, "a kind key does not open; ignored");
                return Ok(());
            }
            (Err(_), None) => {
                return Err(AppError::Corrupt(format!(
                    "the {} key does not open",
                    row.kind
                )))
            }
        };
        let key =
            Key::from_slice(&bytes).map_err(|_| AppError::Corrupt("bad key length".into()))?;
        // The current key of a kind is the unretired one of the highest
        // generation that opens; among keys from before generations (until
        // the upgrade step numbers them), the newest. A retired key only
        // opens what is still stored under it.
        if row.retired_at.is_none() {
            let rank = (row.generation.unwrap_or(0), self.keys.len());
            if self.ranks.get(&kind).is_none_or(|r| rank > *r) {
                self.current.insert(kind, row.id);
                self.ranks.insert(kind, rank);
            }
        }
        self.keys.insert(row.id, (kind, key));
        Ok(())
    }

    pub fn user_id(&self) -> Uuid {
        self.user_id
    }

    pub(crate) fn root(&self) -> Option<&Key> {
        self.root.as_ref()
    }

    pub(crate) fn identity(&self) -> Option<&Key> {
        self.identity.as_ref()
    }

    /// Every key of `kind` (older ones still open older records).
    pub(crate) fn keys_of(&self, kind: DataKind) -> Vec<(Uuid, &Key)> {
        let mut out: Vec<(Uuid, &Key)> = self
            .keys
            .iter()
            .filter(|(_, (k, _))| *k == kind)
            .map(|(id, (_, key))| (*id, key))
            .collect();
        out.sort_by_key(|(id, _)| *id);
        out
    }

    /// The key to encrypt new data of `kind` with.
    pub(crate) fn current(&self, kind: DataKind) -> Result<(Uuid, &Key), AppError> {
        let id = self
            .current
            .get(&kind)
            .ok_or_else(|| AppError::Corrupt(format!("no {} key", kind.as_str())))?;
        let (_, key) = &self.keys[id];
        Ok((*id, key))
    }

    /// Re-wraps a key stored before generations with `generation` in its
    /// AAD (the `key_generations` upgrade step).
    pub(crate) fn rewrap_with_generation(
        &self,
        row: &KindKeyRow,
        generation: i64,
    ) -> Result<Vec<u8>, AppError> {
        let root = self
            .root
            .as_ref()
            .ok_or_else(|| AppError::Forbidden("Only the owner's keys can do this.".into()))?;
        let (_, key) = self
            .keys
            .get(&row.id)
            .ok_or_else(|| AppError::Corrupt(format!("the {} key did not open", row.kind)))?;
        Ok(crypto::seal(
            root,
            &kind_key_aad(self.user_id, row.id, &row.kind, Some(generation)),
            key.as_bytes(),
        ))
    }

    /// The kind of a key this keyring holds.
    pub(crate) fn kind_of(&self, id: Uuid) -> Option<DataKind> {
        self.keys.get(&id).map(|(kind, _)| *kind)
    }

    /// The key a stored record names.
    pub(crate) fn by_id(&self, id: Uuid) -> Result<&Key, AppError> {
        self.keys
            .get(&id)
            .map(|(_, key)| key)
            .ok_or_else(|| AppError::Forbidden("This credential cannot open that data.".into()))
    }

    /// The current key of each kind, for handing to a calendar credential.
    pub(crate) fn current_keys(
        &self,
        kinds: &[DataKind],
    ) -> Result<Vec<(Uuid, DataKind, Key)>, AppError> {
        kinds
            .iter()
            .map(|kind| {
                self.current(*kind)
                    .map(|(id, key)| (id, *kind, key.clone()))
            })
            .collect()
    }
}

/// Creates a fresh key for each of `kinds`, wrapped by `root`.
pub(crate) fn new_kind_keys(
    user_id: Uuid,
    root: &Key,
    now: i64,
    kinds: &[DataKind],
    generation: i64,
) -> Vec<KindKeyRow> {
    kinds
        .iter()
        .map(|kind| {
            let id = Uuid::now_v7();
            let key = Key::random();
            KindKeyRow {
                id,
                user_id,
                kind: kind.as_str().to_string(),
                wrapped: crypto::seal(
                    root,
                    &kind_key_aad(user_id, id, kind.as_str(), Some(generation)),
                    key.as_bytes(),
                ),
                created_at: now,
                retired_at: None,
                generation: Some(generation),
            }
        })
        .collect()
}

fn identity_aad(user_id: Uuid) -> Vec<u8> {
    format!("identity|{user_id}").into_bytes()
}

/// The account's X25519 secret, created (and its public half published) the
/// first time the account is unlocked without one.
async fn identity(store: &Store, user_id: Uuid, root: &Key, now: i64) -> Result<Key, AppError> {
    let row = match store.keypair(user_id).await? {
        Some(row) => row,
        None => {
            let (secret, public) = crypto::new_identity();
            store
                .insert_keypair(&between_store::KeypairRow {
                    user_id,
                    public_key: public.to_vec(),
                    wrapped_secret: crypto::seal(root, &identity_aad(user_id), secret.as_bytes()),
                    created_at: now,
                })
                .await?;
            // Read back: when two unlocks race, both use the pair that was
            // stored.
            store
                .keypair(user_id)
                .await?
                .ok_or_else(|| AppError::Corrupt("the key pair was not stored".into()))?
        }
    };
    let bytes = crypto::open(root, &identity_aad(user_id), &row.wrapped_secret)
        .map_err(|_| AppError::Corrupt("the key pair does not open".into()))?;
    let secret = Key::from_slice(&bytes).map_err(|_| AppError::Corrupt("bad key length".into()))?;
    // The public half is plain, so whoever can write the database could
    // swap in a key of theirs for others to seal to: it must be the one
    // the (sealed) secret derives. Put it back and tell the person.
    let public = crypto::public_of(&secret);
    if row.public_key != public {
        store.restore_public_key(user_id, &public).await?;
        store
            .insert_security_event(user_id, PUBLIC_KEY_RESTORED, now)
            .await?;
        tracing::warn!(%user_id, "the account's public key had been changed in the database; restored");
    }
    Ok(secret)
}

/// The security event of a public key found changed and put back.
pub const PUBLIC_KEY_RESTORED: &str = "public_key_restored";
