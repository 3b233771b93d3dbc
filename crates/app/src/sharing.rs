//! Linking a client with a therapist and sharing by consent scope. The
//! client creates a one-time invitation, the therapist accepts it; the
//! client switches scopes on, which seals those kinds' keys to the
//! therapist's public key; the therapist then reads with their own
//! credentials only, and every read is logged for the client.

use between_domain::share::{self, InviteState, Scope};
use between_store::{AccessRow, ShareKeyRow, ShareRow};
use jiff::Timestamp;
use uuid::Uuid;

use crate::access_details::LogLine;
use crate::consent::{Item, ItemAuthor};
use crate::crypto;
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::link_read::LinkRead;
use crate::measures::MeasureView;
use crate::principal::{Access, Principal, Role};
use crate::{from_micros, App};

/// Clients the dashboard works on at once: each asks the database a few
/// questions, which then overlap instead of queueing (on PostgreSQL every
/// one is a round trip).
const DASHBOARD_AT_ONCE: usize = 8;

/// An invitation to link, to send to the therapist.
#[derive(Debug, Clone)]
pub struct ShareInvite {
    pub code: String,
    pub expires_at: Timestamp,
}

/// One link as either side sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: Uuid,
    pub client_id: Uuid,
    pub therapist_id: Uuid,
    /// The other person.
    pub with: String,
    pub client: String,
    pub therapist: String,
    pub since: Timestamp,
    pub scopes: Vec<Scope>,
    /// For the client: whether their app can verify this link (its
    /// consent record); an unconfirmed link gets nothing sealed until the
    /// client confirms the therapist's key. Always true for the therapist.
    pub confirmed: bool,
    /// For the client: the fingerprint of the therapist's public key.
    pub therapist_fingerprint: Option<String>,
}

/// A latest score: (instrument, total, severity, change since the one before).
pub type LatestScore = (
    between_domain::measure::Instrument,
    u8,
    String,
    Option<String>,
);

/// The last few totals of one measure, oldest first: (instrument, [(taken, total)]).
pub type RecentScores = (between_domain::measure::Instrument, Vec<(Timestamp, u8)>);

/// A linked client at a glance, from shared scopes only: what is not
/// shared is `None`.
#[derive(Debug, Clone)]
pub struct ClientSummary {
    pub link: Link,
    pub next_appointment: Option<Timestamp>,
    /// The latest score of each instrument: (instrument, total, severity, change).
    pub measures: Option<Vec<LatestScore>>,
    /// A PHQ-9 answered above 0 on item 9 in the latest response.
    pub safety_flag: Option<bool>,
    /// Adherence over the last 4 weeks, all practices together.
    pub adherence: Option<Option<f64>>,
    /// The latest session feedback was low or falling.
    pub feedback_flag: Option<bool>,
    /// Roadblocks found in what is shared (each rule only with the scope its
    /// evidence comes from), in a sentence each, naming the client in the
    /// third person ("Robin's goal … has not moved").
    pub roadblocks: Vec<String>,
    /// The latest PHQ-9 or GAD-7 is reliably worse (than the one before or
    /// the first).
    pub deterioration: Option<bool>,
    /// The last few totals of each instrument, oldest first, per instrument.
    pub recent_scores: Option<Vec<RecentScores>>,
    /// Warning signs that matched recently, of those the client chose to
    /// tell this therapist about (only in figures the client's app sealed).
    pub warning_signs: Vec<crate::warning_signs::SignFlag>,
    /// When the client's app made these figures (sealed to the therapist);
    /// `None` when they were just worked out from the shared records.
    pub as_of: Option<Timestamp>,
}

/// How many recent totals of each measure a summary carries.
pub const RECENT_SCORES: usize = 12;

impl ClientSummary {
    /// What needs the therapist's attention first sorts first: a safety
    /// item answered, then a warning sign the client chose to tell about,
    /// then a reliable deterioration, then roadblocks, then
    /// low or falling session feedback, then the soonest next appointment
    /// (none last), then the name.
    pub fn attention(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.safety_flag == Some(true)),
            std::cmp::Reverse(!self.warning_signs.is_empty()),
            std::cmp::Reverse(self.deterioration == Some(true)),
            std::cmp::Reverse(!self.roadblocks.is_empty()),
            std::cmp::Reverse(self.feedback_flag == Some(true)),
            self.next_appointment.is_none(),
            self.next_appointment,
            self.link.client.as_str(),
        )
    }
}

/// A client's shared data of one scope.
#[derive(Debug, Clone)]
pub enum ClientData {
    Measures(Vec<MeasureView>),
    Goals(Vec<crate::goals::GoalView>),
    Practice(Vec<crate::practices::PracticeView>),
    Insights(Vec<crate::records::Stored<between_domain::insight::Insight>>),
    Feedback(Vec<crate::feedback::Rated>),
    /// Entries marked "share" only.
    /// Entries marked "share", and what was shared of private ones.
    Journal(
        Vec<between_domain::Entry>,
        Vec<crate::excerpts::SharedExcerpt>,
    ),
    Agenda(crate::agenda_share::SharedAgenda),
}

/// The kinds of data a scope opens.
pub fn kinds_of(scope: Scope) -> &'static [DataKind] {
    match scope {
        // The agenda is shared as a snapshot sealed to the therapist, never
        // by its key: saved agendas quote private entries.
        Scope::Agenda => &[],
        Scope::Measures => &[DataKind::Measures],
        Scope::Goals => &[DataKind::Goals],
        Scope::Practice => &[DataKind::Practices, DataKind::PracticeLogs],
        Scope::Insights => &[DataKind::Insights],
        Scope::Feedback => &[DataKind::Feedback],
        Scope::Journal => &[DataKind::SharedJournal],
    }
}

/// Kinds every link opens: appointments with the therapist are always
/// visible to them.
const ALWAYS: [DataKind; 1] = [DataKind::Appointments];

fn lookup_of(code: &str) -> String {
    let key = crypto::derive(code.trim().as_bytes(), "share-invite-lookup");
    key.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn not_linked(name: &str) -> AppError {
    AppError::NotFound(format!("A link with \"{name}\""))
}

impl App {
    /// A one-time invitation (valid 7 days) for a therapist to link with
    /// this client.
    pub async fn create_share_invite(&self, p: &Principal) -> Result<ShareInvite, AppError> {
        require_full(p)?;
        if p.user.role != Role::Client {
            return Err(AppError::Forbidden(
                "Only a client invites a therapist to link.".into(),
            ));
        }
        let code = crypto::new_secret();
        let now = self.now();
        let invite_id = Uuid::now_v7();
        self.store
            .insert_share_invite(invite_id, p.user.id, &lookup_of(&code), crate::micros(now))
            .await?;
        // Kept for the client's app alone, to check the therapist's binding.
        let root = p
            .keys
            .root()
            .ok_or_else(|| AppError::Forbidden("Only the account itself invites.".into()))?;
        let sealed = crypto::seal(
            &crate::consent::code_key(root),
            &crate::consent::code_aad(p.user.id, invite_id),
            code.as_bytes(),
        );
        self.store
            .seal_share_invite_code(invite_id, &sealed)
            .await?;
        Ok(ShareInvite {
            code,
            expires_at: now + share::INVITE_VALID_FOR,
        })
    }

    /// The therapist accepts an invitation; the link starts with every
    /// scope off.
    pub async fn accept_share_invite(&self, p: &Principal, code: &str) -> Result<Link, AppError> {
        require_full(p)?;
        if p.user.role != Role::Therapist {
            return Err(AppError::Forbidden(
                "Only a therapist account accepts a client's invitation.".into(),
            ));
        }
        let bad = || AppError::invalid("code", "This invitation code is not valid.");
        let (invite_id, client_id, created, used) = self
            .store
            .share_invite(&lookup_of(code))
            .await?
            .ok_or_else(bad)?;
        match share::invite_state(from_micros(created)?, used, self.now()) {
            InviteState::Valid => {}
            InviteState::Used => {
                return Err(AppError::invalid(
                    "code",
                    "This invitation was used already.",
                ))
            }
            InviteState::Expired => {
                return Err(AppError::invalid(
                    "code",
                    "This invitation has expired; ask for a new one.",
                ))
            }
        }
        let share = ShareRow {
            id: Uuid::now_v7(),
            client_id,
            therapist_id: p.user.id,
            created_at: crate::micros(self.now()),
            ended_at: None,
        };
        // The therapist binds their own key (derived from their secret) to
        // this link with the code, which only the two of them know.
        let identity = p
            .keys
            .identity()
            .ok_or_else(|| AppError::Forbidden("Only the account itself accepts.".into()))?;
        let bound =
            crate::consent::binding(code, share.id, p.user.id, &crypto::public_of(identity));
        self.store
            .accept_share_invite(invite_id, &share, &bound)
            .await?;
        self.pin_client_key(p, &share).await?;
        self.link(p, &share).await
    }

    /// The account name of `id` ("(deleted)" once the account is gone).
    pub(crate) async fn name_of(&self, id: Uuid) -> Result<String, AppError> {
        Ok(self
            .store
            .user_by_id(id)
            .await?
            .map(|u| u.name)
            .unwrap_or_else(|| "(deleted)".into()))
    }

    /// Link `s` as its therapist sees it: the scopes the server lets them
    /// read.
    pub(crate) async fn link_as_therapist_sees(&self, s: &ShareRow) -> Result<Link, AppError> {
        let (client, therapist) = (
            self.name_of(s.client_id).await?,
            self.name_of(s.therapist_id).await?,
        );
        let mut scopes: Vec<Scope> = self
            .store
            .share_scopes(s.id)
            .await?
            .iter()
            .filter_map(|x| Scope::parse(x))
            .collect();
        scopes.sort();
        Ok(Link {
            id: s.id,
            client_id: s.client_id,
            therapist_id: s.therapist_id,
            with: client.clone(),
            client,
            therapist,
            since: from_micros(s.created_at)?,
            scopes,
            confirmed: true,
            therapist_fingerprint: None,
        })
    }

    async fn link(&self, p: &Principal, s: &ShareRow) -> Result<Link, AppError> {
        if p.user.id != s.client_id {
            return self.link_as_therapist_sees(s).await;
        }
        let (client, therapist) = (
            self.name_of(s.client_id).await?,
            self.name_of(s.therapist_id).await?,
        );
        // The client sees what their own consent says.
        let (names, confirmed, therapist_fingerprint) = match self.consent(p, s).await? {
            Some(c) => (
                c.scopes.clone(),
                true,
                Some(crate::consent::fingerprint(&c.therapist_key)),
            ),
            None => (
                self.store.share_scopes(s.id).await?,
                false,
                self.store
                    .keypair(s.therapist_id)
                    .await?
                    .map(|k| crate::consent::fingerprint(&k.public_key)),
            ),
        };
        let mut scopes: Vec<Scope> = names.iter().filter_map(|x| Scope::parse(x)).collect();
        scopes.sort();
        Ok(Link {
            id: s.id,
            client_id: s.client_id,
            therapist_id: s.therapist_id,
            with: therapist.clone(),
            client,
            therapist,
            since: from_micros(s.created_at)?,
            scopes,
            confirmed,
            therapist_fingerprint,
        })
    }

    /// The person's active links (as client or therapist). For a client
    /// this also seals the keys a link needs that are not sealed yet (a
    /// link accepted while the client was away).
    pub async fn shares(&self, p: &Principal) -> Result<Vec<Link>, AppError> {
        require_full(p)?;
        let mut out = Vec::new();
        for s in self.store.active_shares(p.user.id).await? {
            if s.client_id == p.user.id {
                self.seal_missing_keys(p, &s).await?;
            }
            out.push(self.link(p, &s).await?);
        }
        Ok(out)
    }

    /// The active link with the person named `with`.
    pub(crate) async fn share_with(&self, p: &Principal, with: &str) -> Result<ShareRow, AppError> {
        let other = self
            .store
            .user_by_name(with.trim())
            .await?
            .ok_or_else(|| not_linked(with))?;
        self.store
            .active_shares(p.user.id)
            .await?
            .into_iter()
            .find(|s| {
                (s.client_id == p.user.id && s.therapist_id == other.id)
                    || (s.therapist_id == p.user.id && s.client_id == other.id)
            })
            .ok_or_else(|| not_linked(with))
    }

    /// Seals to the therapist every key of the kinds the link's scopes
    /// (and every link) open, where not sealed yet.
    pub(crate) async fn seal_missing_keys(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<(), AppError> {
        let Some(consent) = self.consent(p, s).await? else {
            return Ok(()); // nothing is sealed to a link the client cannot verify
        };
        let scopes: Vec<Scope> = consent
            .scopes
            .iter()
            .filter_map(|x| Scope::parse(x))
            .collect();
        let keys = self.keys_for(p, s, &scopes, false).await?;
        if !keys.is_empty() {
            self.store
                .set_share_scopes(s.id, &[], &[], &keys, &[], self.now_micros())
                .await?;
        }
        Ok(())
    }

    /// Seals every key link `s` holds again with the link's key, in place
    /// of what it held (the upgrade from anonymous boxes).
    pub(crate) async fn reseal_link_keys(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<(), AppError> {
        let Some(consent) = self.consent(p, s).await? else {
            return Ok(()); // sealed once the client confirms the link
        };
        let scopes: Vec<Scope> = consent
            .scopes
            .iter()
            .filter_map(|x| Scope::parse(x))
            .collect();
        let keys = self.keys_for(p, s, &scopes, true).await?;
        self.store.replace_share_keys(s.id, &keys).await?;
        Ok(())
    }

    /// Sealed keys of the kinds `scopes` (and every link) open that the link
    /// does not hold yet (every one of them when `all`), each sealed with
    /// the link's key as an item of its own.
    async fn keys_for(
        &self,
        p: &Principal,
        s: &ShareRow,
        scopes: &[Scope],
        all: bool,
    ) -> Result<Vec<ShareKeyRow>, AppError> {
        let Some(consent) = self.consent(p, s).await? else {
            return Ok(Vec::new());
        };
        let link = self.link_key(p, s).await?;
        let scopes: Vec<Scope> = scopes
            .iter()
            .copied()
            .filter(|x| consent.scopes.iter().any(|c| c == x.as_str()))
            .collect();
        let scopes = scopes.as_slice();
        let held: Vec<Uuid> = if all {
            Vec::new()
        } else {
            self.store
                .share_keys(s.id)
                .await?
                .iter()
                .map(|k| k.key_id)
                .collect()
        };
        // Only keys still stored: a keyring loaded before a rotation may
        // hold a replaced key that has been deleted since.
        let stored: Vec<(Uuid, Option<i64>)> = self
            .store
            .kind_keys(p.user.id)
            .await?
            .iter()
            .map(|k| (k.id, k.generation))
            .collect();
        let mut generations = Vec::new();
        let mut out = Vec::new();
        let kinds = ALWAYS
            .iter()
            .chain(scopes.iter().flat_map(|x| kinds_of(*x).iter()));
        for kind in kinds {
            for (key_id, key) in p.keys.keys_of(*kind) {
                let Some(generation) = stored.iter().find(|(id, _)| *id == key_id).map(|x| x.1)
                else {
                    continue;
                };
                if held.contains(&key_id) || out.iter().any(|k: &ShareKeyRow| k.key_id == key_id) {
                    continue;
                }
                if let Some(generation) = generation {
                    generations.push((kind.as_str().to_string(), generation));
                }
                let item_kind = key_item_kind(*kind);
                out.push(ShareKeyRow {
                    share_id: s.id,
                    key_id,
                    kind: kind.as_str().to_string(),
                    sealed: link.seal(
                        Item {
                            id: key_id,
                            kind: &item_kind,
                        },
                        key.as_bytes(),
                    ),
                });
            }
        }
        if !generations.is_empty() {
            self.record_generations(p, s, &generations).await?;
        }
        Ok(out)
    }

    /// The keys the client sealed to this therapist on link `s`. A key
    /// sealed with the link's key must say the client wrote it; an older
    /// anonymous box is taken only until the first authenticated key has
    /// been seen on the link (after that, one is what a database writer
    /// would add, and is left out).
    pub(crate) async fn shared_keys(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<Vec<(Uuid, DataKind, crypto::Key)>, AppError> {
        let identity = p.identity()?;
        let link = self.link_key(p, s).await?;
        let authenticated = self.link_authenticated(p, s).await?;
        let mut verified = Vec::new();
        let mut older = Vec::new();
        for k in self.store.share_keys(s.id).await? {
            let Some(kind) = DataKind::parse(&k.kind) else {
                continue;
            };
            let item_kind = key_item_kind(kind);
            let item = Item {
                id: k.key_id,
                kind: &item_kind,
            };
            let opened = link
                .open(item, &k.sealed)
                .or_else(|| crate::consent::open_older(identity, &k.sealed))
                .ok_or_else(|| {
                    AppError::Corrupt(format!("a shared {} key does not open", k.kind))
                })?;
            let key = crypto::Key::from_slice(&opened.bytes)
                .map_err(|_| AppError::Corrupt("bad key length".into()))?;
            match opened.author {
                ItemAuthor::Verified(author) if author == s.client_id => {
                    verified.push((k.key_id, kind, key))
                }
                ItemAuthor::Verified(_) => {
                    tracing::warn!(share_id = %s.id, "a shared key not sealed by the client is left out");
                }
                ItemAuthor::Older => older.push((k.key_id, kind, key)),
            }
        }
        if verified.is_empty() && !authenticated {
            return Ok(older);
        }
        if !older.is_empty() {
            tracing::warn!(share_id = %s.id, "older unauthenticated shared keys are left out");
        }
        if !authenticated && p.keys.root().is_some() {
            self.mark_link_authenticated(p, s).await?;
        }
        Ok(verified)
    }

    /// The client confirms a link their app cannot verify by itself (made
    /// before links were bound to the therapist's key): the key as it
    /// stands now, whose fingerprint the sharing page shows, and the scopes
    /// as they are become the client's consent.
    pub async fn confirm_share(&self, p: &Principal, with: &str) -> Result<Link, AppError> {
        require_full(p)?;
        let s = self.share_with(p, with).await?;
        if s.client_id != p.user.id {
            return Err(AppError::Forbidden(
                "Only the client confirms a link.".into(),
            ));
        }
        if self.consent(p, &s).await?.is_none() {
            self.confirm_consent(p, &s).await?;
            // Whatever the link held was sealed before it was verified.
            self.reseal_link_keys(p, &s).await?;
        }
        self.link(p, &s).await
    }

    /// Switches scopes of the link with therapist `with` on and off; takes
    /// effect on the therapist's very next request. Returns the link.
    pub async fn set_share_scopes(
        &self,
        p: &Principal,
        with: &str,
        on: &[Scope],
        off: &[Scope],
    ) -> Result<Link, AppError> {
        require_full(p)?;
        let s = self.share_with(p, with).await?;
        if s.client_id != p.user.id {
            return Err(AppError::Forbidden(
                "Only the client decides what is shared.".into(),
            ));
        }
        if let Some(both) = on.iter().find(|x| off.contains(x)) {
            return Err(AppError::invalid(
                "scope",
                format!(
                    "\"{}\" cannot be switched on and off at once.",
                    both.as_str()
                ),
            ));
        }
        let named = |xs: &[Scope]| {
            xs.iter()
                .map(|x| x.as_str().to_string())
                .collect::<Vec<_>>()
        };
        // The client's own record first: keys are sealed only within it.
        self.record_scopes(p, &s, &named(on), &named(off)).await?;
        let keys = self.keys_for(p, &s, on, false).await?;
        let kinds_off: Vec<String> = off
            .iter()
            .flat_map(|x| kinds_of(*x).iter())
            .map(|k| k.as_str().to_string())
            .collect();
        let names = |xs: &[Scope]| {
            xs.iter()
                .map(|x| x.as_str().to_string())
                .collect::<Vec<_>>()
        };
        self.store
            .set_share_scopes(
                s.id,
                &names(on),
                &names(off),
                &keys,
                &kinds_off,
                self.now_micros(),
            )
            .await?;
        // The keys that therapist held are replaced at the next unlock.
        self.store
            .mark_rotation(p.user.id, &kinds_off, self.now_micros())
            .await?;
        if off.contains(&Scope::Agenda) {
            self.store
                .delete_share_items(s.id, crate::agenda_share::SNAPSHOT)
                .await?;
        }
        if on.contains(&Scope::Agenda) {
            self.publish_next_agenda(p).await;
        }
        // The therapist's summary: gone at once with what a scope turned
        // off showed, then made again from what is still shared.
        if !off.is_empty() {
            self.store
                .delete_share_items(s.id, crate::summary_share::SUMMARY)
                .await?;
        }
        self.publish_summaries(p).await;
        for (scope, state) in on
            .iter()
            .map(|x| (x, "on"))
            .chain(off.iter().map(|x| (x, "off")))
        {
            self.log(
                p.user.id,
                None,
                &p.user.name,
                &format!("scope {} switched {state}", scope.as_str()),
                None,
                None,
            )
            .await?;
        }
        self.link(p, &s).await
    }

    /// Ends the link with `with`, from either side, at once.
    pub async fn end_share(&self, p: &Principal, with: &str) -> Result<(), AppError> {
        require_full(p)?;
        let s = self.share_with(p, with).await?;
        // Everything the therapist held a key to (appointments too) gets a
        // new key at the client's next unlock.
        let mut held: Vec<String> = self
            .store
            .share_keys(s.id)
            .await?
            .into_iter()
            .map(|k| k.kind)
            .collect();
        held.sort();
        held.dedup();
        self.store
            .end_share(
                s.id,
                self.now_micros(),
                &[crate::agenda_share::SNAPSHOT, crate::summary_share::SUMMARY],
            )
            .await?;
        self.store
            .mark_rotation(s.client_id, &held, self.now_micros())
            .await?;
        self.log(
            s.client_id,
            Some(p.user.id),
            &p.user.name,
            "link ended",
            None,
            None,
        )
        .await
    }

    /// Adds a line to `client_id`'s access log; `details` is what exactly
    /// was opened, already sealed to the client (`access_details.rs`).
    pub(crate) async fn log(
        &self,
        client_id: Uuid,
        reader_id: Option<Uuid>,
        reader_name: &str,
        what: &str,
        item_id: Option<Uuid>,
        details: Option<Vec<u8>>,
    ) -> Result<(), AppError> {
        Ok(self
            .store
            .log_access(&AccessRow {
                id: Uuid::now_v7(),
                client_id,
                reader_id,
                reader_name: reader_name.to_string(),
                what: what.to_string(),
                item_id,
                at: self.now_micros(),
                details,
            })
            .await?)
    }

    /// Who read what of the person's data (and scope changes), newest
    /// first, with what exactly was opened.
    pub async fn access_log(&self, p: &Principal) -> Result<Vec<LogLine>, AppError> {
        require_full(p)?;
        Ok(self
            .store
            .access_log(p.user.id)
            .await?
            .into_iter()
            .map(|row| LogLine {
                details: crate::access_details::open(p, &row),
                row,
            })
            .collect())
    }

    /// The client's appointments, soonest last, as a linked therapist sees
    /// them whatever the scopes (logged for the client as "appointments").
    pub async fn client_appointments(
        &self,
        p: &Principal,
        client: &str,
    ) -> Result<Vec<between_domain::appointment::Appointment>, AppError> {
        let r = self.therapist_read(p, client).await?;
        let list = self.appointments_through(&r).await?;
        self.log_read(
            &r,
            "appointments",
            None,
            crate::access_details::of_appointments(&list),
        )
        .await?;
        Ok(list)
    }

    /// The appointments a link's reader sees, soonest last (not logged).
    pub(crate) async fn appointments_through(
        &self,
        r: &LinkRead,
    ) -> Result<Vec<between_domain::appointment::Appointment>, AppError> {
        let mut list = self
            .visible_appointments(&r.view, r.share.therapist_id)
            .await?;
        list.sort_by_key(|a| a.starts_at);
        Ok(list)
    }

    /// The client's appointments a therapist's view opens: none until the
    /// client's app has sealed the appointments key to this therapist (at
    /// the client's next sign-in after the link was accepted).
    /// Appointments naming another therapist are left out.
    pub(crate) async fn visible_appointments(
        &self,
        view: &Principal,
        therapist: Uuid,
    ) -> Result<Vec<between_domain::appointment::Appointment>, AppError> {
        if view.keys.keys_of(DataKind::Appointments).is_empty() {
            return Ok(Vec::new());
        }
        let mut list = self.stored_appointments(view).await?;
        list.retain(|a| a.details.therapist.is_none_or(|t| t == therapist));
        Ok(list)
    }

    /// Seals what every link of this client still lacks (a link accepted
    /// while they were away); called when they sign in.
    pub(crate) async fn seal_keys_of_all_links(&self, p: &Principal) -> Result<(), AppError> {
        if p.keys.root().is_none() {
            return Ok(());
        }
        for s in self.store.active_shares(p.user.id).await? {
            if s.client_id == p.user.id {
                self.seal_missing_keys(p, &s).await?;
            }
        }
        Ok(())
    }

    /// Every linked client at a glance, what needs attention first (see
    /// [`ClientSummary::attention`]); each summary is logged for the client
    /// as "summary".
    pub async fn client_summaries(&self, p: &Principal) -> Result<Vec<ClientSummary>, AppError> {
        require_full(p)?;
        let shares: Vec<ShareRow> = self
            .store
            .active_shares(p.user.id)
            .await?
            .into_iter()
            .filter(|s| s.therapist_id == p.user.id)
            .collect();
        let mut out = Vec::with_capacity(shares.len());
        for group in shares.chunks(DASHBOARD_AT_ONCE) {
            let mut tasks = tokio::task::JoinSet::new();
            for (i, s) in group.iter().cloned().enumerate() {
                let (app, p) = (self.clone(), p.forgetful());
                tasks.spawn(async move {
                    let r = match app.therapist_read_of(&p, s).await {
                        Ok(r) => r,
                        Err(err) => return (i, Err(err)),
                    };
                    let summary = app.summary_through(&r).await;
                    let details = match &summary {
                        Ok(summary) => {
                            app.sealed_details(&r, &crate::access_details::of_summary(summary))
                                .await
                        }
                        Err(_) => None,
                    };
                    (i, summary.map(|summary| (summary, details)))
                });
            }
            let mut done = Vec::with_capacity(group.len());
            while let Some(joined) = tasks.join_next().await {
                let (i, summary) = joined
                    .map_err(|e| AppError::Corrupt(format!("a dashboard task failed: {e}")))?;
                done.push((i, summary?));
            }
            done.sort_by_key(|(i, _)| *i);
            out.extend(done.into_iter().map(|(_, summary)| summary));
        }
        // Each client's access log gets its line, all in one transaction.
        let at = self.now_micros();
        let reads: Vec<AccessRow> = shares
            .iter()
            .zip(out.iter_mut())
            .map(|(s, (_, details))| AccessRow {
                id: Uuid::now_v7(),
                client_id: s.client_id,
                reader_id: Some(p.user.id),
                reader_name: p.user.name.clone(),
                what: "summary".into(),
                item_id: None,
                at,
                details: details.take(),
            })
            .collect();
        let mut out: Vec<ClientSummary> = out.into_iter().map(|(summary, _)| summary).collect();
        self.store.log_accesses(&reads).await?;
        out.sort_by(|a, b| a.attention().cmp(&b.attention()));
        Ok(out)
    }

    /// One linked client at a glance (logged for the client as "summary").
    pub async fn client_summary(
        &self,
        p: &Principal,
        link: Link,
    ) -> Result<ClientSummary, AppError> {
        require_full(p)?;
        let s = self.share_with(p, &link.client).await?;
        if s.therapist_id != p.user.id {
            return Err(not_linked(&link.client));
        }
        let r = self.therapist_read_of(p, s).await?;
        let summary = self.summary_through(&r).await?;
        let details = crate::access_details::of_summary(&summary);
        self.log_read(&r, "summary", None, details).await?;
        Ok(summary)
    }

    /// The summary a link's reader sees: the figures the client's app
    /// sealed for this link, or, until there are any, worked out from the
    /// shared records (not logged).
    pub(crate) async fn summary_through(&self, r: &LinkRead) -> Result<ClientSummary, AppError> {
        let link = r.link.clone();
        let now = self.now();
        Ok(match self.sealed_figures(&r.side, &r.share).await? {
            Some((figures, made)) => figures.summary(link, now, Some(made)),
            None => self
                .figures(&r.view, r.share.therapist_id, &link.scopes, &link.client)
                .await?
                .summary(link, now, None),
        })
    }

    /// A client's figures as `therapist` may see them through `scopes`:
    /// `view` holds the client's keys of those scopes (the therapist's view,
    /// or the client themselves), `client` names them in roadblock
    /// sentences.
    pub(crate) async fn figures(
        &self,
        view: &Principal,
        therapist: Uuid,
        scopes: &[Scope],
        client: &str,
    ) -> Result<crate::summary_share::Figures, AppError> {
        use between_domain::appointment::Status;
        use between_domain::measure::Change;
        let now = self.now();
        let t = between_domain::roadblocks::Thresholds::default();
        // One load of each shared kind serves every figure and rule.
        let g = self
            .gather_shared(view, therapist, scopes, now - t.adherence_window)
            .await?;
        let mut upcoming: Vec<(Timestamp, Timestamp)> = g
            .appointments
            .iter()
            .filter(|a| a.details.status == Status::Planned && a.ends_at() > now)
            .map(|a| (a.starts_at, a.ends_at()))
            .collect();
        upcoming.sort();
        upcoming.truncate(crate::summary_share::UPCOMING);
        let shared = |s: Scope| scopes.contains(&s);
        let (measures, safety_flag, deterioration, recent_scores) = if shared(Scope::Measures) {
            let mut latest = Vec::new();
            let mut recent = Vec::new();
            let (mut safety, mut worse) = (false, false);
            for instrument in between_domain::measure::Instrument::ALL {
                let of_kind: Vec<&MeasureView> = g
                    .measures
                    .iter()
                    .filter(|m| m.response.data.instrument == instrument)
                    .collect();
                if let Some(m) = of_kind.last() {
                    safety |= m.scored.safety_alert;
                    worse |= m.change == Some(Change::ReliableDeterioration)
                        || m.change_from_baseline == Some(Change::ReliableDeterioration);
                    latest.push((
                        instrument,
                        m.scored.points,
                        m.scored.severity.label().to_string(),
                        m.change.map(|c| c.label().to_string()),
                    ));
                    let skip = of_kind.len().saturating_sub(RECENT_SCORES);
                    recent.push((
                        instrument,
                        of_kind[skip..]
                            .iter()
                            .map(|m| (m.response.occurred_at, m.scored.points))
                            .collect(),
                    ));
                }
            }
            (Some(latest), Some(safety), Some(worse), Some(recent))
        } else {
            (None, None, None, None)
        };
        let adherence = shared(Scope::Practice).then(|| {
            let tz = &view.user.time_zone;
            let today = now.to_zoned(tz.clone()).date();
            let from = (now - jiff::SignedDuration::from_hours(24 * 28))
                .to_zoned(tz.clone())
                .date();
            let (mut done, mut due) = (0u32, 0u32);
            for v in g.practices.iter().filter(|v| !v.practice.data.archived) {
                let s = v.stats_between(from, today, today);
                done += s.done;
                due += s.scheduled;
            }
            (due > 0).then(|| f64::from(done) / f64::from(due))
        });
        let feedback_flag =
            shared(Scope::Feedback).then(|| g.feedback.last().is_some_and(|r| r.low || r.falling));
        let roadblocks = crate::roadblocks::roadblocks_about(view, &g, &t, Some(client))
            .into_iter()
            .filter(|r| between_domain::share::roadblock_scope(r.kind).is_none_or(&shared))
            .map(|r| r.text)
            .collect();
        Ok(crate::summary_share::Figures {
            upcoming,
            measures,
            safety_flag,
            adherence: adherence.map(|rate| crate::summary_share::Adherence { rate }),
            feedback_flag,
            roadblocks,
            deterioration,
            recent_scores,
            warning_signs: Vec::new(),
        })
    }

    /// The clients linked with this therapist.
    pub async fn clients(&self, p: &Principal) -> Result<Vec<Link>, AppError> {
        require_full(p)?;
        let mut out = Vec::new();
        for s in self.store.active_shares(p.user.id).await? {
            if s.therapist_id == p.user.id {
                out.push(self.link(p, &s).await?);
            }
        }
        Ok(out)
    }

    /// A linked client's measure responses (the measures scope); logged.
    pub async fn client_measures(
        &self,
        p: &Principal,
        client: &str,
    ) -> Result<Vec<MeasureView>, AppError> {
        match self.client_data(p, client, Scope::Measures).await? {
            ClientData::Measures(m) => Ok(m),
            _ => Err(AppError::Corrupt("measures read as another scope".into())),
        }
    }

    /// What a linked client shares under `scope`, read with the keys sealed
    /// to this therapist; not found when that scope is off. Logged.
    pub async fn client_data(
        &self,
        p: &Principal,
        client: &str,
        scope: Scope,
    ) -> Result<ClientData, AppError> {
        let r = self.therapist_read(p, client).await?;
        let data = self.data_through(&r, scope).await?;
        let item = match &data {
            ClientData::Agenda(a) => a.appointment.map(|(id, _)| id),
            _ => None,
        };
        let details = crate::access_details::of_data(&data, &r.view.user.time_zone);
        self.log_read(&r, scope.as_str(), item, details).await?;
        Ok(data)
    }

    /// What a link's reader sees under `scope`; not found when that scope
    /// is off (not logged).
    pub(crate) async fn data_through(
        &self,
        r: &LinkRead,
        scope: Scope,
    ) -> Result<ClientData, AppError> {
        r.require(scope)?;
        let view = &r.view;
        Ok(match scope {
            Scope::Measures => ClientData::Measures(self.measures(view).await?),
            Scope::Goals => ClientData::Goals(self.goals(view).await?),
            Scope::Practice => ClientData::Practice(self.practices(view).await?),
            Scope::Insights => ClientData::Insights(self.insights(view).await?),
            Scope::Feedback => ClientData::Feedback(self.all_feedback(view).await?),
            Scope::Journal => ClientData::Journal(
                self.shared_entries(view).await?,
                self.shared_excerpts(view).await?,
            ),
            Scope::Agenda => ClientData::Agenda(self.agenda_through(r).await?),
        })
    }
}

/// One visit to the access log: consecutive reads by one reader, each
/// within [`VISIT_GAP`] of the one before, with the kinds seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// The id of its newest entry: names the visit (e.g. as a paging cursor).
    pub id: Uuid,
    pub reader_id: Option<Uuid>,
    pub reader_name: String,
    /// The first and the last entry of the visit (microseconds).
    pub first_at: i64,
    pub last_at: i64,
    /// What was seen (or changed), each once, in the order first seen.
    pub what: Vec<String>,
    /// How many entries of the log the visit groups.
    pub entries: usize,
    /// What exactly was opened (the rows' sealed details), each once, in
    /// the order first seen.
    pub details: Vec<String>,
}

/// Reads by one reader closer together than this are one visit.
pub const VISIT_GAP: jiff::SignedDuration = jiff::SignedDuration::from_mins(30);

/// The access log (newest first, as [`App::access_log`] gives it) grouped
/// into visits, newest first: a page view that logs five kinds is one row.
pub fn visits(log: &[LogLine]) -> Vec<Visit> {
    let gap = VISIT_GAP.as_micros();
    let mut out: Vec<Visit> = Vec::new();
    // The open visit of each reader: an index into `out`.
    let mut open: Vec<((Option<Uuid>, &str), usize)> = Vec::new();
    for row in log {
        let reader = (row.reader_id, row.reader_name.as_str());
        let joins = open
            .iter()
            .find(|(r, _)| *r == reader)
            .map(|(_, i)| *i)
            .filter(|i| i128::from(out[*i].first_at) - i128::from(row.at) <= gap);
        match joins {
            Some(i) => {
                let v = &mut out[i];
                v.first_at = v.first_at.min(row.at);
                v.entries += 1;
                // Oldest is read last: the earliest kind goes first.
                v.what.retain(|w| *w != row.what);
                v.what.insert(0, row.what.clone());
                for (i, d) in row.details.iter().enumerate() {
                    v.details.retain(|x| x != d);
                    v.details.insert(i, d.clone());
                }
            }
            None => {
                open.retain(|(r, _)| *r != reader);
                open.push((reader, out.len()));
                out.push(Visit {
                    id: row.id,
                    reader_id: row.reader_id,
                    reader_name: row.reader_name.clone(),
                    first_at: row.at,
                    last_at: row.at,
                    what: vec![row.what.clone()],
                    entries: 1,
                    details: row.details.clone(),
                });
            }
        }
    }
    out
}

pub(crate) fn require_full(p: &Principal) -> Result<(), AppError> {
    p.require_read()?;
    if p.access != Access::Full {
        return Err(AppError::Forbidden(
            "This credential cannot manage sharing.".into(),
        ));
    }
    Ok(())
}

/// The item kind a shared key is sealed as.
pub(crate) fn key_item_kind(kind: DataKind) -> String {
    format!("key:{}", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(reader: &str, what: &str, minute: i64) -> LogLine {
        LogLine {
            row: AccessRow {
                id: Uuid::now_v7(),
                client_id: Uuid::nil(),
                reader_id: Some(Uuid::from_u128(reader.len() as u128)),
                reader_name: reader.into(),
                what: what.into(),
                item_id: None,
                at: minute * 60_000_000,
                details: None,
            },
            details: vec![format!("{what} details")],
        }
    }

    #[test]
    fn reads_within_half_an_hour_of_each_other_are_one_visit_with_the_kinds_seen() {
        // Newest first, as the store gives them.
        let log = vec![
            read("dr-rivera", "agenda", 200),
            read("dr-rivera", "measures", 199),
            read("dr-rivera", "summary", 199),
            read("dr-rivera", "measures", 100),
            read("dr-rivera", "goals", 80),
            read("dr-rivera", "summary", 75),
        ];
        let v = visits(&log);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].what, ["summary", "measures", "agenda"]);
        assert_eq!(
            v[0].details,
            ["summary details", "measures details", "agenda details"],
            "what exactly was opened, each once"
        );
        assert_eq!(
            (v[0].entries, v[0].first_at, v[0].last_at),
            (3, 199 * 60_000_000, 200 * 60_000_000)
        );
        assert_eq!(
            v[1].what,
            ["summary", "goals", "measures"],
            "a chain of reads 25 and 20 minutes apart"
        );
    }

    #[test]
    fn another_reader_or_a_long_pause_starts_a_new_visit() {
        let log = vec![
            read("dr-okafor", "goals", 100),
            read("dr-rivera", "goals", 99),
            read("dr-rivera", "goals", 50),
        ];
        let v = visits(&log);
        let who: Vec<&str> = v.iter().map(|x| x.reader_name.as_str()).collect();
        assert_eq!(who, ["dr-okafor", "dr-rivera", "dr-rivera"]);
        assert!(visits(&[]).is_empty());
    }
}
