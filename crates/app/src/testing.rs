//! Helpers for tests of this crate and of the binary (feature `testing`):
//! zip files written byte by byte, well-formed or hostile, stores as
//! earlier versions wrote them, a pause in key rotation, and trying stored
//! rows against a set of keys, and items sealed as the browser seals what
//! is written offline.

pub mod zips {
    //! Zips written by hand, so a test can make one whose headers lie.

    use std::io::Write;

    use flate2::write::DeflateEncoder;
    use flate2::Compression;

    /// One member as it is written: name, packed bytes, and what the
    /// headers claim.
    struct Written<'a> {
        name: &'a str,
        method: u16,
        crc: u32,
        packed: Vec<u8>,
        claimed_size: u32,
    }

    fn local_header(m: &Written<'_>) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"PK\x03\x04");
        h.extend_from_slice(&20u16.to_le_bytes()); // version needed
        h.extend_from_slice(&0u16.to_le_bytes()); // flags
        h.extend_from_slice(&m.method.to_le_bytes());
        h.extend_from_slice(&[0, 0, 0x21, 0]); // time, date (1980-01-01)
        h.extend_from_slice(&m.crc.to_le_bytes());
        h.extend_from_slice(&(m.packed.len() as u32).to_le_bytes());
        h.extend_from_slice(&m.claimed_size.to_le_bytes());
        h.extend_from_slice(&(m.name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes()); // extra
        h.extend_from_slice(m.name.as_bytes());
        h
    }

    fn central_header(m: &Written<'_>, offset: u32) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"PK\x01\x02");
        h.extend_from_slice(&20u16.to_le_bytes()); // made by
        h.extend_from_slice(&20u16.to_le_bytes()); // needed
        h.extend_from_slice(&0u16.to_le_bytes()); // flags
        h.extend_from_slice(&m.method.to_le_bytes());
        h.extend_from_slice(&[0, 0, 0x21, 0]);
        h.extend_from_slice(&m.crc.to_le_bytes());
        h.extend_from_slice(&(m.packed.len() as u32).to_le_bytes());
        h.extend_from_slice(&m.claimed_size.to_le_bytes());
        h.extend_from_slice(&(m.name.len() as u16).to_le_bytes());
        h.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
        h.extend_from_slice(&offset.to_le_bytes());
        h.extend_from_slice(m.name.as_bytes());
        h
    }

    fn end_record(members: u16, size: u32, offset: u32) -> Vec<u8> {
        let mut e = Vec::new();
        e.extend_from_slice(b"PK\x05\x06");
        e.extend_from_slice(&[0; 4]); // disks
        e.extend_from_slice(&members.to_le_bytes());
        e.extend_from_slice(&members.to_le_bytes());
        e.extend_from_slice(&size.to_le_bytes());
        e.extend_from_slice(&offset.to_le_bytes());
        e.extend_from_slice(&0u16.to_le_bytes()); // comment
        e
    }

    fn assemble(members: &[Written<'_>]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        for m in members {
            offsets.push(out.len() as u32);
            out.extend(local_header(m));
            out.extend_from_slice(&m.packed);
        }
        let directory = out.len() as u32;
        for (m, offset) in members.iter().zip(offsets) {
            out.extend(central_header(m, offset));
        }
        let size = out.len() as u32 - directory;
        out.extend(end_record(members.len() as u16, size, directory));
        out
    }

    fn deflate(bytes: &[u8]) -> Vec<u8> {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(bytes).expect("deflating to memory");
        e.finish().expect("deflating to memory")
    }

    fn well_formed(members: &[(&str, &[u8])], method: u16) -> Vec<u8> {
        let written: Vec<Written<'_>> = members
            .iter()
            .map(|(name, bytes)| {
                let mut crc = flate2::Crc::new();
                crc.update(bytes);
                Written {
                    name,
                    method,
                    crc: crc.sum(),
                    packed: if method == 8 {
                        deflate(bytes)
                    } else {
                        bytes.to_vec()
                    },
                    claimed_size: bytes.len() as u32,
                }
            })
            .collect();
        assemble(&written)
    }

    /// A well-formed zip of deflated members.
    pub fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
        well_formed(members, 8)
    }

    /// A well-formed zip of members stored as they are (as photos are).
    pub fn stored(members: &[(&str, &[u8])]) -> Vec<u8> {
        well_formed(members, 0)
    }

    /// A decompression bomb: one member `name` whose headers claim 1 KiB
    /// but whose deflate stream unpacks to `mib` MiB of zeros (about 1 KiB
    /// of zip per MiB).
    pub fn bomb(name: &str, mib: u64) -> Vec<u8> {
        // One MiB of zeros, flushed to a byte boundary without ending the
        // stream: repeating it makes a valid stream of any length.
        let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
        e.write_all(&vec![0u8; 1024 * 1024])
            .expect("deflating to memory");
        e.flush().expect("deflating to memory");
        let chunk = e.get_ref().clone();
        let mut packed = Vec::with_capacity(chunk.len() * mib as usize + 2);
        for _ in 0..mib {
            packed.extend_from_slice(&chunk);
        }
        packed.extend_from_slice(&[0x03, 0x00]); // a final, empty block
        assemble(&[Written {
            name,
            method: 8,
            crc: 0,
            packed,
            claimed_size: 1024,
        }])
    }

    /// A zip of one small member whose end record claims `members`
    /// members (ZIP64 records beyond 65,534) in a directory of none.
    pub fn claiming_members(members: u64) -> Vec<u8> {
        let member = Written {
            name: "a.json",
            method: 0,
            crc: 0,
            packed: b"{}".to_vec(),
            claimed_size: 2,
        };
        let mut out = local_header(&member);
        out.extend_from_slice(&member.packed);
        let directory = out.len() as u64;
        if members < 0xFFFF {
            out.extend(end_record(members as u16, 0, directory as u32));
            return out;
        }
        // ZIP64 end record, its locator, then the classic end record.
        out.extend_from_slice(b"PK\x06\x06");
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]); // disks
        out.extend_from_slice(&members.to_le_bytes());
        out.extend_from_slice(&members.to_le_bytes());
        out.extend_from_slice(&0u64.to_le_bytes()); // directory size
        out.extend_from_slice(&directory.to_le_bytes());
        out.extend_from_slice(b"PK\x06\x07");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&directory.to_le_bytes()); // where the ZIP64 record is
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend(end_record(0xFFFF, 0xFFFF_FFFF, 0xFFFF_FFFF));
        out
    }
}

/// The X25519 secret of a signed-in person, for tests that show what it
/// does and does not open.
pub fn identity_of(p: &crate::Principal) -> Result<&crate::crypto::Key, crate::error::AppError> {
    p.identity()
}

impl crate::App {
    /// The kind-key generations the client's consent record for the active
    /// link `share_id` says were sealed to the therapist.
    pub async fn consent_generations(
        &self,
        client: &crate::Principal,
        share_id: uuid::Uuid,
    ) -> Result<Vec<(String, i64)>, crate::error::AppError> {
        let s = self
            .store
            .active_shares(client.user.id)
            .await?
            .into_iter()
            .find(|s| s.id == share_id)
            .ok_or_else(|| crate::error::AppError::NotFound("the link".into()))?;
        Ok(self
            .consent(client, &s)
            .await?
            .map(|c| c.generations)
            .unwrap_or_default())
    }
}

pub mod legacy {
    //! What earlier versions stored, written the way they wrote it, so a
    //! test can show this version upgrades it.

    use between_store::{CredentialKind, RecordBatch};
    use serde::Serialize;
    use uuid::Uuid;

    use crate::credential::{self, Template};
    use crate::error::AppError;
    use crate::keyring::DataKind;
    use crate::principal::{Access, Principal};
    use crate::records::RecordKind;
    use crate::App;

    /// Before key generations (migration 0014): every kind key of `p`'s
    /// account unnumbered and wrapped without a generation, plus, for
    /// `older_kind`, a retired key made before the current one (as an
    /// earlier rotation left it); the step that numbers them is due.
    /// Returns the older key's id.
    pub async fn keys_without_generations(
        app: &App,
        p: &Principal,
        older_kind: crate::keyring::DataKind,
    ) -> Result<Uuid, AppError> {
        use crate::crypto::{self, Key};
        use crate::keyring::kind_key_aad;
        let user = p.user.id;
        let root = p
            .keys
            .root()
            .ok_or_else(|| AppError::Forbidden("the owner's keys".into()))?;
        let older = Uuid::now_v7();
        let first = app
            .store
            .kind_keys(user)
            .await?
            .iter()
            .map(|k| k.created_at)
            .min()
            .unwrap_or(0);
        app.store
            .insert_kind_key(&between_store::KindKeyRow {
                id: older,
                user_id: user,
                kind: older_kind.as_str().into(),
                wrapped: crypto::seal(
                    root,
                    &kind_key_aad(user, older, older_kind.as_str(), None),
                    Key::random().as_bytes(),
                ),
                created_at: first - 1,
                retired_at: Some(first),
                generation: None,
            })
            .await?;
        for row in app.store.kind_keys(user).await? {
            if row.id == older {
                continue;
            }
            let key = p.keys.by_id(row.id)?;
            let wrapped = crypto::seal(
                root,
                &kind_key_aad(user, row.id, &row.kind, None),
                key.as_bytes(),
            );
            app.store.unnumber_key_for_tests(row.id, &wrapped).await?;
        }
        app.store
            .mark_rotation(user, &["upgrade:key_generations".into()], 0)
            .await?;
        Ok(older)
    }

    #[derive(Serialize)]
    struct PrefsWithSecret<'a> {
        detailed: bool,
        journal_reminder: bool,
        feed_secret: &'a str,
    }

    /// Before the feed's secret had its own key: kept inside the calendar
    /// prefs, under the practices key; the migration marks the upgrade due.
    pub async fn calendar_secret_in_prefs(
        app: &App,
        p: &Principal,
        secret: &str,
        detailed: bool,
    ) -> Result<(), AppError> {
        let row = credential::for_secret(
            Template {
                user_id: p.user.id,
                kind: CredentialKind::Calendar,
                label: "calendar feed",
                access: Access::Calendar,
                now: app.now_micros(),
                expires_at: None,
            },
            secret,
            &p.keys,
        )?;
        app.store.insert_credential(&row).await?;
        let prefs = PrefsWithSecret {
            detailed,
            journal_reminder: false,
            feed_secret: secret,
        };
        let mut batch = RecordBatch::default();
        batch.insert.push(app.seal(
            p,
            RecordKind::CalendarPrefs,
            Uuid::now_v7(),
            None,
            app.now(),
            &prefs,
            None,
        )?);
        app.apply_records(p, &batch).await?;
        app.store
            .mark_rotation(p.user.id, &["upgrade:calendar_secret".into()], 0)
            .await?;
        Ok(())
    }

    #[derive(Serialize)]
    struct GrantedKey {
        id: Uuid,
        kind: String,
        key: Vec<u8>,
    }

    /// A write-only token as made before the inbox.
    pub struct LegacyWriteOnly {
        pub secret: String,
        pub credential_id: Uuid,
        /// The ids of the kind keys its blob holds.
        pub held: Vec<Uuid>,
    }

    /// Before the inbox, a write-only token's credential held the current
    /// journal and shared-journal keys; the migration marks the journal
    /// keys' replacement due for accounts that have one.
    pub async fn write_only_token(
        app: &App,
        p: &Principal,
        label: &str,
    ) -> Result<LegacyWriteOnly, AppError> {
        let secret = format!(
            "{}{}",
            crate::sessions::TOKEN_PREFIX,
            crate::crypto::new_secret()
        );
        let keys = p.keys.current_keys(&DataKind::WRITE_ONLY)?;
        let held = keys.iter().map(|(id, _, _)| *id).collect();
        let granted: Vec<GrantedKey> = keys
            .into_iter()
            .map(|(id, kind, key)| GrantedKey {
                id,
                kind: kind.as_str().into(),
                key: key.as_bytes().to_vec(),
            })
            .collect();
        let bytes = rmp_serde::to_vec(&granted).map_err(|e| AppError::Corrupt(e.to_string()))?;
        let id = Uuid::now_v7();
        let row = between_store::CredentialRow {
            id,
            user_id: p.user.id,
            kind: CredentialKind::Token,
            label: label.into(),
            scope: Access::WriteOnly.as_str().into(),
            lookup: Some(credential::lookup_of(&secret)),
            salt: None,
            kdf: None,
            wrapped: credential::seal_for_secret(p.user.id, id, &secret, &bytes),
            created_at: app.now_micros(),
            last_used_at: None,
            expires_at: None,
        };
        app.store.insert_credential(&row).await?;
        app.store
            .mark_rotation(p.user.id, &["upgrade:write_only_tokens".into()], 0)
            .await?;
        Ok(LegacyWriteOnly {
            secret,
            credential_id: id,
            held,
        })
    }

    /// Before items between client and therapist were authenticated
    /// (migration 0017): every key on the link `share_id` and its agenda
    /// snapshot sealed to the therapist as anonymous boxes, plus a note
    /// from the therapist boxed to each side; the therapist's app has seen
    /// no authenticated key yet and the step that seals them again is due.
    pub async fn items_before_authentication(
        app: &App,
        client: &Principal,
        therapist: &Principal,
        share_id: Uuid,
        note: &str,
    ) -> Result<(), AppError> {
        use crate::crypto;
        use between_store::{ShareItemRow, ShareKeyRow};
        let s = app
            .store
            .active_shares(client.user.id)
            .await?
            .into_iter()
            .find(|s| s.id == share_id)
            .ok_or_else(|| AppError::NotFound("the link".into()))?;
        let to_therapist = crypto::public_of(therapist.identity()?);
        let to_client = crypto::public_of(client.identity()?);
        let boxed = |public: &[u8; 32], bytes: &[u8]| {
            crypto::seal_to(public, bytes).map_err(|e| AppError::Corrupt(e.to_string()))
        };
        let mut keys = Vec::new();
        for (key_id, kind, key) in app.shared_keys(therapist, &s).await? {
            keys.push(ShareKeyRow {
                share_id,
                key_id,
                kind: kind.as_str().to_string(),
                sealed: boxed(&to_therapist, key.as_bytes())?,
            });
        }
        app.store.replace_share_keys(share_id, &keys).await?;
        if let Some(mut row) = app.store.share_items(share_id, "agenda").await?.pop() {
            let item = crate::consent::Item {
                id: row.id,
                kind: "agenda",
            };
            let sealed = row.for_therapist.clone().unwrap_or_default();
            let opened = app
                .open_across(therapist, &s, item, &sealed)
                .await?
                .ok_or_else(|| AppError::Corrupt("a snapshot does not open".into()))?;
            row.for_therapist = Some(boxed(&to_therapist, &opened.bytes)?);
            app.store.replace_share_item(&row).await?;
        }
        let bytes = serde_json::to_vec(&crate::agenda_share::Note {
            text: note.into(),
            point: false,
            on: None,
        })
        .map_err(|e| AppError::Corrupt(e.to_string()))?;
        let subject = app
            .store
            .share_items(share_id, "agenda")
            .await?
            .pop()
            .and_then(|row| row.subject);
        let now = app.now_micros();
        app.store
            .insert_share_item(&ShareItemRow {
                id: Uuid::now_v7(),
                share_id,
                kind: "note".into(),
                author_id: therapist.user.id,
                subject,
                for_client: Some(boxed(&to_client, &bytes)?),
                for_therapist: Some(boxed(&to_therapist, &bytes)?),
                state: None,
                created_at: now,
                updated_at: now,
            })
            .await?;
        app.pin_client_key(therapist, &s).await?;
        app.store
            .mark_rotation(client.user.id, &["upgrade:authenticated_items".into()], 0)
            .await?;
        Ok(())
    }
}

pub mod pause {
    //! A test-only pause in the next key rotation, between listing the rows
    //! under the old key and re-keying them, so a test can write meanwhile.

    use tokio::sync::oneshot;

    use crate::App;

    /// The rotation's side: says it reached the point, then waits.
    #[derive(Debug)]
    pub struct Hook {
        reached: oneshot::Sender<()>,
        resume: oneshot::Receiver<()>,
    }

    /// The test's side.
    #[derive(Debug)]
    pub struct Pause {
        reached: Option<oneshot::Receiver<()>>,
        resume: oneshot::Sender<()>,
    }

    impl Pause {
        /// Waits until the rotation has listed its rows and stopped.
        pub async fn reached(&mut self) {
            if let Some(r) = self.reached.take() {
                r.await.expect("the rotation reached the pause");
            }
        }

        /// Lets the rotation go on.
        pub fn resume(self) {
            let _ = self.resume.send(());
        }
    }

    impl App {
        /// Pauses the next key rotation of any account between listing and
        /// re-keying.
        pub fn pause_next_rotation(&self) -> Pause {
            let (reached_tx, reached_rx) = oneshot::channel();
            let (resume_tx, resume_rx) = oneshot::channel();
            let hook = Hook {
                reached: reached_tx,
                resume: resume_rx,
            };
            *self.rotation_pause.lock().expect("pause lock") = Some(hook);
            Pause {
                reached: Some(reached_rx),
                resume: resume_tx,
            }
        }

        pub(crate) async fn rotation_pause_point(&self) {
            let hook = self.rotation_pause.lock().ok().and_then(|mut h| h.take());
            if let Some(hook) = hook {
                let _ = hook.reached.send(());
                let _ = hook.resume.await;
            }
        }
    }
}

pub mod held_keys {
    //! Every kind key someone could have held, and which stored rows open
    //! with them: for tests that a former therapist's keys open nothing
    //! stored after a rotation.

    use between_store::{EntryQuery, RecordQuery};
    use uuid::Uuid;

    use crate::credential::{self, Opened};
    use crate::crypto::{self, Key};
    use crate::error::AppError;
    use crate::journal::entry_aad;
    use crate::records::{aad, RecordKind};
    use crate::{App, Principal};

    /// Kind keys as their bytes, with their ids.
    #[derive(Debug, Default, Clone)]
    pub struct HeldKeys(pub Vec<(Uuid, Key)>);

    impl HeldKeys {
        pub fn ids(&self) -> Vec<Uuid> {
            self.0.iter().map(|(id, _)| *id).collect()
        }

        pub fn extend(&mut self, other: HeldKeys) {
            self.0.extend(other.0);
        }
    }

    impl App {
        /// The keys sealed to `therapist` on the active link `share_id`, as
        /// the therapist's own keys open them.
        pub async fn keys_sealed_to(
            &self,
            therapist: &Principal,
            share_id: Uuid,
        ) -> Result<HeldKeys, AppError> {
            let s = self
                .store
                .active_shares(therapist.user.id)
                .await?
                .into_iter()
                .find(|s| s.id == share_id)
                .ok_or_else(|| AppError::NotFound("the link".into()))?;
            Ok(HeldKeys(
                self.shared_keys(therapist, &s)
                    .await?
                    .into_iter()
                    .map(|(id, _, key)| (id, key))
                    .collect(),
            ))
        }

        /// The kind keys that whoever knows a calendar feed's secret opens
        /// from its credential in a copy of the database.
        pub async fn keys_of_feed_secret(&self, secret: &str) -> Result<HeldKeys, AppError> {
            let Some(row) = self
                .store
                .credential_by_lookup(&credential::lookup_of(secret))
                .await?
            else {
                return Ok(HeldKeys::default());
            };
            match credential::open_with_secret(&row, secret)? {
                Opened::Keys(keys) => Ok(HeldKeys(
                    keys.into_iter().map(|(id, _, key)| (id, key)).collect(),
                )),
                _ => Err(AppError::Corrupt(
                    "a feed's credential opened something other than kind keys".into(),
                )),
            }
        }

        /// Every stored row of `user` that opens with one of `keys` (tried
        /// whatever key the row names): entries live and deleted, records of
        /// every kind; and every credential of `user` that one of `secrets`
        /// opens. Each as "what id".
        pub async fn rows_opening_with(
            &self,
            user: Uuid,
            keys: &HeldKeys,
            secrets: &[String],
        ) -> Result<Vec<String>, AppError> {
            let opens = |aad: &[u8], payload: &[u8]| {
                keys.0
                    .iter()
                    .any(|(_, key)| crypto::open(key, aad, payload).is_ok())
            };
            let mut found = Vec::new();
            for deleted in [false, true] {
                let q = EntryQuery {
                    deleted,
                    ..Default::default()
                };
                for e in self.store.list_entries(user, &q).await? {
                    if opens(&entry_aad(user, e.id), &e.payload) {
                        found.push(format!("entry {}", e.id));
                    }
                }
            }
            for kind in RecordKind::ALL {
                let q = RecordQuery {
                    kind: kind.as_str().into(),
                    ..Default::default()
                };
                for r in self.store.list_records(user, &q).await? {
                    if opens(&aad(kind, user, r.id), &r.payload) {
                        found.push(format!("{} {}", kind.as_str(), r.id));
                    }
                }
            }
            for c in self.store.credentials_of_user(user, None).await? {
                if secrets
                    .iter()
                    .any(|s| credential::open_with_secret(&c, s).is_ok())
                {
                    found.push(format!("credential {}", c.id));
                }
            }
            Ok(found)
        }
    }
}

/// Seals an offline item as the browser's script does (`static/app.js`),
/// the same steps with RustCrypto: for tests of `offline.rs` and `/sync`.
pub fn seal_offline_item(public: &[u8; 32], id: &str, plain: &[u8]) -> crate::offline::SealedItem {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use aes_gcm::{Aes256Gcm, Nonce};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let (eph, epk) = crate::crypto::new_identity();
    let shared =
        curve25519_dalek::montgomery::MontgomeryPoint(*public).mul_clamped(*eph.as_bytes());
    let mut salt = epk.to_vec();
    salt.extend_from_slice(public);
    let mut key = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), &shared.0)
        .expand(crate::offline::INFO.as_bytes(), &mut key)
        .expect("32 bytes is a valid HKDF length");
    let iv: [u8; 12] = crate::crypto::random_bytes();
    let ct = Aes256Gcm::new((&key).into())
        .encrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: plain,
                aad: id.as_bytes(),
            },
        )
        .expect("AES-GCM seals any length here");
    crate::offline::SealedItem {
        id: id.into(),
        epk: URL_SAFE_NO_PAD.encode(epk),
        iv: URL_SAFE_NO_PAD.encode(iv),
        ct: URL_SAFE_NO_PAD.encode(ct),
    }
}
