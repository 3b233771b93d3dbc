//! The client's agenda as a linked therapist sees it. The therapist holds
//! no agenda key: the client's app builds a snapshot from the scopes shared
//! with that therapist only (no private journal entry, nothing summarised
//! from the whole journal) and seals it with the link's key (see
//! `consent`), whenever the client reads or changes their next agenda,
//! signs in, or switches the scope on. What the therapist adds (a comment,
//! or a point of their own) is sealed the same way, one box both sides
//! open; each side can tell the other wrote it, for this link and item.

use std::collections::HashSet;

use between_domain::share::Scope;
use between_domain::snapshot::{self, Audience, Snapshot};
use between_store::{EntryQuery, ShareItemRow, ShareRow};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::agenda_saved::{Agenda, Target};
use crate::consent::{Item, ItemAuthor};
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::link_read::LinkRead;
use crate::principal::Principal;
use crate::{from_micros, micros, App};

pub(crate) const SNAPSHOT: &str = "agenda";
const NOTE: &str = "note";
/// Longest comment or point a therapist may add.
pub const MAX_NOTE: usize = 2000;

/// What is sealed to the therapist.
#[derive(Serialize, Deserialize)]
struct Sealed {
    appointment: Option<(Uuid, i64)>,
    snapshot: Snapshot,
}

/// A therapist's comment, or a point of their own for the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    /// A point to talk about, rather than a comment.
    pub point: bool,
    /// The agenda point it answers, by key.
    #[serde(default)]
    pub on: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TherapistNote {
    pub id: Uuid,
    pub from: String,
    pub at: Timestamp,
    pub note: Note,
    /// Sealed with the link's key by the therapist; false for a note from
    /// before items were authenticated, which anyone who knew the
    /// reader's public key could have written.
    pub verified: bool,
}

/// The agenda a client shares, as their therapist reads it.
#[derive(Debug, Clone)]
pub struct SharedAgenda {
    pub client: String,
    /// The appointment it is for; `None` when none is planned.
    pub appointment: Option<(Uuid, Timestamp)>,
    /// When the client's app last built it; `None` before the first time.
    pub made_at: Option<Timestamp>,
    pub snapshot: Option<Snapshot>,
    /// Sealed with the link's key by the client (false for a snapshot from
    /// before items were authenticated, until the client's app publishes
    /// the next one).
    pub verified: bool,
    /// Comments and points the therapist added for this appointment.
    pub notes: Vec<TherapistNote>,
}

impl App {
    /// Rebuilds the snapshot for every therapist the agenda is shared with.
    /// Failures are logged, never shown: the client's own agenda works on.
    pub(crate) async fn publish_agenda(&self, p: &Principal, agenda: &Agenda) {
        if let Err(err) = self.try_publish_agenda(p, agenda).await {
            tracing::warn!(error = %err, "could not update a shared agenda");
        }
    }

    /// Builds the next agenda and publishes it, when any link shares it.
    pub(crate) async fn publish_next_agenda(&self, p: &Principal) {
        match self.agenda_links(p).await {
            Ok(links) if links.is_empty() => {}
            Ok(_) => match self.agenda_unpublished(p, Target::Next).await {
                Ok(agenda) => self.publish_agenda(p, &agenda).await,
                Err(err) => tracing::warn!(error = %err, "could not draft a shared agenda"),
            },
            Err(err) => tracing::warn!(error = %err, "could not read links"),
        }
    }

    /// The client's active links with the agenda scope on, with their scopes.
    async fn agenda_links(&self, p: &Principal) -> Result<Vec<(ShareRow, Vec<Scope>)>, AppError> {
        let mut links = self.consented_links(p).await?;
        links.retain(|(_, scopes)| scopes.contains(&Scope::Agenda));
        Ok(links)
    }

    async fn try_publish_agenda(&self, p: &Principal, agenda: &Agenda) -> Result<(), AppError> {
        let links = self.agenda_links(p).await?;
        if links.is_empty() {
            return Ok(());
        }
        let shared = self.shared_entry_ids(p, agenda.since).await?;
        let tz = &p.user.time_zone;
        let now = micros(self.now());
        // An appointment naming one therapist is none of another's business.
        let named = match agenda.appointment {
            Some((id, _)) => self.appointment(p, id).await?.details.therapist,
            None => None,
        };
        for (s, scopes) in links {
            if named.is_some_and(|t| t != s.therapist_id) {
                self.store.delete_share_items(s.id, SNAPSHOT).await?;
                continue;
            }
            let audience = Audience {
                scopes,
                shared_entries: shared.clone(),
            };
            let sealed = Sealed {
                appointment: agenda.appointment.map(|(id, at)| (id, micros(at))),
                snapshot: Snapshot {
                    title: agenda.title(tz),
                    subtitle: agenda.subtitle(tz),
                    sections: snapshot::agenda_sections(&agenda.plan.points, &audience),
                },
            };
            let bytes = serde_json::to_vec(&sealed)
                .map_err(|e| AppError::Corrupt(format!("agenda snapshot: {e}")))?;
            let id = Uuid::now_v7();
            let item = Item { id, kind: SNAPSHOT };
            let for_therapist = self.seal_across(p, &s, item, &bytes).await?;
            self.store
                .replace_share_item(&ShareItemRow {
                    id,
                    share_id: s.id,
                    kind: SNAPSHOT.into(),
                    author_id: p.user.id,
                    subject: agenda.appointment.map(|(id, _)| id),
                    for_client: None,
                    for_therapist: Some(for_therapist),
                    state: None,
                    created_at: now,
                    updated_at: now,
                })
                .await?;
        }
        Ok(())
    }

    /// The agenda of `target` as a snapshot for someone the client sends
    /// it to (a private link): every scope, but of the journal only entries
    /// marked "share".
    pub async fn agenda_snapshot(
        &self,
        p: &Principal,
        target: Target,
    ) -> Result<(Agenda, Snapshot), AppError> {
        let agenda = self.agenda(p, target).await?;
        let shared = self.shared_entry_ids(p, agenda.since).await?;
        let tz = &p.user.time_zone;
        let snapshot = Snapshot {
            title: agenda.title(tz),
            subtitle: agenda.subtitle(tz),
            sections: snapshot::agenda_sections(&agenda.plan.points, &Audience::everything(shared)),
        };
        Ok((agenda, snapshot))
    }

    /// Ids of the person's entries marked "share" since `since`.
    async fn shared_entry_ids(
        &self,
        p: &Principal,
        since: Option<Timestamp>,
    ) -> Result<HashSet<Uuid>, AppError> {
        let shared_keys: HashSet<Uuid> = p
            .keys
            .keys_of(DataKind::SharedJournal)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let q = EntryQuery {
            since: since.map(micros),
            ..Default::default()
        };
        Ok(self
            .store
            .list_entries(p.user.id, &q)
            .await?
            .into_iter()
            .filter(|e| shared_keys.contains(&e.key_id))
            .map(|e| e.id)
            .collect())
    }

    /// The link of a therapist with `client` that shares the agenda.
    async fn agenda_link(&self, p: &Principal, client: &str) -> Result<ShareRow, AppError> {
        let s = self.share_with(p, client).await?;
        if s.therapist_id != p.user.id {
            return Err(crate::sharing::not_linked(client));
        }
        let scopes = self.store.share_scopes(s.id).await?;
        if !scopes.iter().any(|x| x == Scope::Agenda.as_str()) {
            return Err(AppError::NotFound(format!(
                "{client}'s agenda (not shared with you)"
            )));
        }
        Ok(s)
    }

    /// A client's shared agenda with the therapist's own notes on it
    /// (logged for the client as "agenda").
    pub async fn client_agenda(
        &self,
        p: &Principal,
        client: &str,
    ) -> Result<SharedAgenda, AppError> {
        let r = self.therapist_read(p, client).await?;
        let agenda = self.agenda_through(&r).await?;
        let details = crate::access_details::of_agenda(&agenda, &r.view.user.time_zone);
        self.log_read(&r, "agenda", agenda.appointment.map(|(id, _)| id), details)
            .await?;
        Ok(agenda)
    }

    /// The shared agenda as a link's reader sees it, with the therapist's
    /// notes on it; not found when the agenda is not shared (not logged).
    pub(crate) async fn agenda_through(&self, r: &LinkRead) -> Result<SharedAgenda, AppError> {
        r.require(Scope::Agenda)?;
        let (p, s) = (&r.side, &r.share);
        let latest = self.store.share_items(s.id, SNAPSHOT).await?.pop();
        let mut verified = true;
        let (appointment, made_at, snapshot) = match latest {
            Some(row) => {
                let sealed = row
                    .for_therapist
                    .as_deref()
                    .ok_or_else(|| AppError::Corrupt("an agenda snapshot is empty".into()))?;
                let item = Item {
                    id: row.id,
                    kind: SNAPSHOT,
                };
                let opened = self
                    .open_across(p, s, item, sealed)
                    .await?
                    .ok_or_else(|| AppError::Corrupt("an agenda snapshot does not open".into()))?;
                match opened.author {
                    ItemAuthor::Verified(author) if author == s.client_id => {}
                    ItemAuthor::Verified(_) => {
                        return Err(AppError::Corrupt(
                            "an agenda snapshot not written by the client".into(),
                        ))
                    }
                    ItemAuthor::Older => verified = false,
                }
                let sealed: Sealed = serde_json::from_slice(&opened.bytes)
                    .map_err(|e| AppError::Corrupt(format!("agenda snapshot: {e}")))?;
                let appointment = match sealed.appointment {
                    Some((id, at)) => Some((id, from_micros(at)?)),
                    None => None,
                };
                (
                    appointment,
                    Some(from_micros(row.updated_at)?),
                    Some(sealed.snapshot),
                )
            }
            None => (None, None, None),
        };
        let subject = appointment.map(|(id, _)| id);
        let mut notes = Vec::new();
        for row in self.store.share_items(s.id, NOTE).await? {
            if row.subject != subject {
                continue;
            }
            if let Some(sealed) = row.for_therapist.as_deref() {
                notes.extend(
                    self.open_note(p, s, &row, sealed, &r.therapist.name)
                        .await?,
                );
            }
        }
        Ok(SharedAgenda {
            client: r.link.client.clone(),
            appointment,
            made_at,
            snapshot,
            verified,
            notes,
        })
    }

    /// A therapist's note; `None` (and a warning in the log) when it opens
    /// neither with the link's key nor as an older box, or says the client
    /// wrote it.
    async fn open_note(
        &self,
        p: &Principal,
        s: &ShareRow,
        row: &ShareItemRow,
        sealed: &[u8],
        from: &str,
    ) -> Result<Option<TherapistNote>, AppError> {
        let item = Item {
            id: row.id,
            kind: NOTE,
        };
        let Some(opened) = self.open_across(p, s, item, sealed).await? else {
            tracing::warn!(share_id = %s.id, "a note that does not open is left out");
            return Ok(None);
        };
        let verified = match opened.author {
            ItemAuthor::Verified(author) if author == s.therapist_id => true,
            ItemAuthor::Verified(_) => {
                tracing::warn!(share_id = %s.id, "a note not written by the therapist is left out");
                return Ok(None);
            }
            ItemAuthor::Older => false,
        };
        let note: Note = serde_json::from_slice(&opened.bytes)
            .map_err(|e| AppError::Corrupt(format!("note: {e}")))?;
        Ok(Some(TherapistNote {
            id: row.id,
            from: from.to_string(),
            at: from_micros(row.created_at)?,
            note,
            verified,
        }))
    }

    /// A therapist adds a comment or a point to the client's shared agenda
    /// (for the appointment it is for).
    pub async fn add_agenda_note(
        &self,
        p: &Principal,
        client: &str,
        note: Note,
    ) -> Result<TherapistNote, AppError> {
        crate::sharing::require_full(p)?;
        let s = self.agenda_link(p, client).await?;
        let text = note.text.trim().to_string();
        if text.is_empty() {
            return Err(AppError::invalid(
                "text",
                "Write the comment or point first.",
            ));
        }
        let n = text.chars().count();
        if n > MAX_NOTE {
            return Err(AppError::invalid(
                "text",
                format!("Keep it under {MAX_NOTE} characters (this is {n})."),
            ));
        }
        let latest = self.store.share_items(s.id, SNAPSHOT).await?.pop();
        let Some(latest) = latest else {
            return Err(AppError::invalid(
                "agenda",
                format!("There is no agenda from {client} to comment on yet: it appears when they next open their agenda for a session with you."),
            ));
        };
        let note = Note { text, ..note };
        let bytes =
            serde_json::to_vec(&note).map_err(|e| AppError::Corrupt(format!("note: {e}")))?;
        let now = micros(self.now());
        let id = Uuid::now_v7();
        // One box serves both sides: the link's key opens it for each.
        let sealed = self
            .seal_across(p, &s, Item { id, kind: NOTE }, &bytes)
            .await?;
        let row = ShareItemRow {
            id,
            share_id: s.id,
            kind: NOTE.into(),
            author_id: p.user.id,
            subject: latest.subject,
            for_client: Some(sealed.clone()),
            for_therapist: Some(sealed),
            state: None,
            created_at: now,
            updated_at: now,
        };
        self.store.insert_share_item(&row).await?;
        Ok(TherapistNote {
            id: row.id,
            from: p.user.name.clone(),
            at: from_micros(now)?,
            note,
            verified: true,
        })
    }

    /// What the client's therapists added to the agenda of `appointment`
    /// (`None`: the next session when none is planned), oldest first.
    pub async fn agenda_notes(
        &self,
        p: &Principal,
        appointment: Option<Uuid>,
    ) -> Result<Vec<TherapistNote>, AppError> {
        if p.keys.identity().is_none() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for s in self.store.active_shares(p.user.id).await? {
            if s.client_id != p.user.id {
                continue;
            }
            let from = self.name_of(s.therapist_id).await?;
            for row in self.store.share_items(s.id, NOTE).await? {
                if row.subject != appointment {
                    continue;
                }
                if let Some(sealed) = row.for_client.as_deref() {
                    out.extend(self.open_note(p, &s, &row, sealed, &from).await?);
                }
            }
        }
        out.sort_by_key(|n| (n.at, n.id));
        Ok(out)
    }
}
