//! Practice a linked therapist assigns. The therapist writes it sealed
//! with the link's key (see `consent`), one box both sides open; the client
//! opens it when signed in and accepts it (becoming one of their practices,
//! "assigned by" the therapist), accepts it with another schedule, or
//! declines it with a note. The answer is sealed back the same way, as the
//! client's. Each side can tell which side of the link wrote what it reads.

use between_domain::practice::definition::Practice;
use between_domain::practice::schedule::Schedule;
use between_store::{ShareItemRow, ShareRow};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::consent::{Item, ItemAuthor};
use crate::error::AppError;
use crate::practices::PracticeView;
use crate::principal::{Principal, Role};
use crate::{from_micros, micros, App};

const KIND: &str = "assignment";
/// Longest note a client may send back.
pub const MAX_NOTE: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentState {
    Pending,
    Accepted,
    Declined,
}

impl AssignmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentState::Pending => "pending",
            AssignmentState::Accepted => "accepted",
            AssignmentState::Declined => "declined",
        }
    }

    pub(crate) fn parse(s: Option<&str>) -> AssignmentState {
        match s {
            Some("accepted") => AssignmentState::Accepted,
            Some("declined") => AssignmentState::Declined,
            _ => AssignmentState::Pending,
        }
    }
}

/// The client's answer, as the therapist reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub note: String,
    /// The schedule the client chose instead, in words.
    pub adjusted_schedule: Option<String>,
}

/// What is sealed: the practice, and once answered, the reply.
#[derive(Serialize, Deserialize)]
struct Sealed {
    practice: Practice,
    #[serde(default)]
    reply: Option<Reply>,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub id: Uuid,
    pub therapist: String,
    pub client: String,
    pub at: Timestamp,
    pub practice: Practice,
    pub state: AssignmentState,
    pub reply: Option<Reply>,
    /// Sealed with the link's key by the side expected to have written it
    /// (the therapist the practice, the client an answer); false for one
    /// from before items were authenticated.
    pub verified: bool,
}

/// How a client answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Takes it on, with another schedule when given.
    Accept {
        schedule: Option<Schedule>,
        note: String,
    },
    Decline {
        note: String,
    },
}

fn note_checked(note: &str) -> Result<String, AppError> {
    let note = note.trim().to_string();
    let n = note.chars().count();
    if n > MAX_NOTE {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note under {MAX_NOTE} characters (this is {n})."),
        ));
    }
    Ok(note)
}

impl App {
    /// A therapist assigns `practice` to a linked client.
    pub async fn assign_practice(
        &self,
        p: &Principal,
        client: &str,
        practice: Practice,
    ) -> Result<Assignment, AppError> {
        crate::sharing::require_full(p)?;
        if p.user.role != Role::Therapist {
            return Err(AppError::Forbidden(
                "Only a therapist assigns practice; add your own with `practice add`.".into(),
            ));
        }
        let s = self.share_with(p, client).await?;
        if s.therapist_id != p.user.id {
            return Err(crate::sharing::not_linked(client));
        }
        let practice = Practice {
            assigned_by: p.user.name.clone(),
            // The therapist cannot see (or name) the client's goals.
            goal_id: None,
            archived: false,
            ..practice
        }
        .validated()?;
        let bytes = seal_bytes(&Sealed {
            practice: practice.clone(),
            reply: None,
        })?;
        let now = micros(self.now());
        let id = Uuid::now_v7();
        let sealed = self
            .seal_across(p, &s, Item { id, kind: KIND }, &bytes)
            .await?;
        let row = ShareItemRow {
            id,
            share_id: s.id,
            kind: KIND.into(),
            author_id: p.user.id,
            subject: None,
            for_client: Some(sealed.clone()),
            for_therapist: Some(sealed),
            state: Some(AssignmentState::Pending.as_str().into()),
            created_at: now,
            updated_at: now,
        };
        self.store.insert_share_item(&row).await?;
        tracing::info!(user_id = %p.user.id, "practice assigned");
        Ok(Assignment {
            id: row.id,
            therapist: p.user.name.clone(),
            client: client.trim().to_string(),
            at: from_micros(now)?,
            practice,
            state: AssignmentState::Pending,
            reply: None,
            verified: true,
        })
    }

    /// What a therapist assigned to one client, with the client's answers.
    pub async fn client_assignments(
        &self,
        p: &Principal,
        client: &str,
    ) -> Result<Vec<Assignment>, AppError> {
        let r = self.therapist_read(p, client).await?;
        self.assignments_through(&r).await
    }

    /// What a link's reader sees of these, newest first (not logged).
    pub(crate) async fn assignments_through(
        &self,
        r: &crate::link_read::LinkRead,
    ) -> Result<Vec<Assignment>, AppError> {
        let s = &r.share;
        let mut out = Vec::new();
        for row in self.store.share_items(s.id, KIND).await? {
            out.extend(
                self.open_assignment(
                    &r.side,
                    s,
                    &row,
                    BoxOf::Therapist,
                    &r.therapist.name,
                    &r.link.client,
                )
                .await?,
            );
        }
        out.reverse();
        Ok(out)
    }

    /// Practice the client's therapists assigned, newest first.
    pub async fn assignments(&self, p: &Principal) -> Result<Vec<Assignment>, AppError> {
        let mut out = Vec::new();
        for (s, row) in self.client_items(p, KIND).await? {
            let therapist = self.name_of(s.therapist_id).await?;
            out.extend(
                self.open_assignment(p, &s, &row, BoxOf::Client, &therapist, &p.user.name)
                    .await?,
            );
        }
        out.sort_by_key(|a| std::cmp::Reverse((a.at, a.id)));
        Ok(out)
    }

    /// The client answers an assignment once. Accepting adds the practice
    /// (with the schedule they chose, when given) and returns it.
    pub async fn answer_assignment(
        &self,
        p: &Principal,
        id: Uuid,
        answer: Answer,
    ) -> Result<(Assignment, Option<PracticeView>), AppError> {
        let (s, row) = self
            .client_items(p, KIND)
            .await?
            .into_iter()
            .find(|(_, row)| row.id == id)
            .ok_or_else(|| AppError::NotFound(format!("The assignment {id}")))?;
        let therapist = self.name_of(s.therapist_id).await?;
        let mut a = self
            .open_assignment(p, &s, &row, BoxOf::Client, &therapist, &p.user.name)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The assignment {id}")))?;
        if a.state != AssignmentState::Pending {
            return Err(AppError::Conflict(format!(
                "You {} this already.",
                a.state.as_str()
            )));
        }
        let (state, reply, practice) = match answer {
            Answer::Accept { schedule, note } => {
                let adjusted = schedule.as_ref().map(Schedule::describe);
                let practice = Practice {
                    schedule: schedule.unwrap_or_else(|| a.practice.schedule.clone()),
                    ..a.practice.clone()
                }
                .validated()?;
                let reply = Reply {
                    note: note_checked(&note)?,
                    adjusted_schedule: adjusted,
                };
                (AssignmentState::Accepted, reply, Some(practice))
            }
            Answer::Decline { note } => {
                let note = note_checked(&note)?;
                if note.is_empty() {
                    return Err(AppError::invalid(
                        "note",
                        "Say in a few words why, so your therapist knows.",
                    ));
                }
                let reply = Reply {
                    note,
                    adjusted_schedule: None,
                };
                (AssignmentState::Declined, reply, None)
            }
        };
        let bytes = seal_bytes(&Sealed {
            practice: practice.clone().unwrap_or_else(|| a.practice.clone()),
            reply: Some(reply.clone()),
        })?;
        let for_therapist = self
            .seal_across(p, &s, Item { id, kind: KIND }, &bytes)
            .await?;
        if !self
            .store
            .answer_share_item(
                id,
                s.id,
                AssignmentState::Pending.as_str(),
                state.as_str(),
                Some(for_therapist),
                micros(self.now()),
            )
            .await?
        {
            return Err(AppError::Conflict("This was answered already.".into()));
        }
        let view = match practice {
            Some(practice) => Some(self.add_practice(p, practice).await?),
            None => None,
        };
        a.state = state;
        a.reply = Some(reply);
        Ok((a, view))
    }
}

fn seal_bytes(s: &Sealed) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(s).map_err(|e| AppError::Corrupt(format!("assignment: {e}")))
}

impl App {
    /// An assignment as one side reads it; `None` (and a warning in the
    /// log) when it does not open or says the wrong side wrote it.
    pub(crate) async fn open_assignment(
        &self,
        p: &Principal,
        s: &ShareRow,
        row: &ShareItemRow,
        box_of: BoxOf,
        therapist: &str,
        client: &str,
    ) -> Result<Option<Assignment>, AppError> {
        let Some(opened) = self
            .open_answerable::<Sealed>(p, s, row, box_of, KIND)
            .await?
        else {
            return Ok(None);
        };
        let (sealed, state, verified) = (opened.data, opened.state, opened.verified);
        Ok(Some(Assignment {
            id: row.id,
            therapist: therapist.to_string(),
            client: client.to_string(),
            at: from_micros(row.created_at)?,
            practice: sealed.practice,
            state,
            reply: sealed.reply,
            verified,
        }))
    }
}

/// Which side's copy of an answerable item is read: the therapist's (the
/// client's answer, once answered) or the client's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoxOf {
    Therapist,
    Client,
}

/// One item a therapist wrote and the client answers, opened by one side:
/// what was sealed, its state, and whether the side expected to have
/// written it sealed it with the link's key.
pub(crate) struct OpenedItem<T> {
    pub data: T,
    pub state: AssignmentState,
    pub verified: bool,
}

impl App {
    /// The client's items of `kind` on every active link where they are
    /// the client.
    pub(crate) async fn client_items(
        &self,
        p: &Principal,
        kind: &str,
    ) -> Result<Vec<(ShareRow, ShareItemRow)>, AppError> {
        crate::sharing::require_full(p)?;
        let mut out = Vec::new();
        for s in self.store.active_shares(p.user.id).await? {
            if s.client_id != p.user.id {
                continue;
            }
            for row in self.store.share_items(s.id, kind).await? {
                out.push((s.clone(), row));
            }
        }
        Ok(out)
    }

    /// Opens an answerable item as one side reads it; `None` (and a
    /// warning in the log) when it does not open or says the wrong side
    /// wrote it: the therapist wrote it, and once answered the
    /// therapist's box holds the client's answer.
    pub(crate) async fn open_answerable<T: serde::de::DeserializeOwned>(
        &self,
        p: &Principal,
        s: &ShareRow,
        row: &ShareItemRow,
        box_of: BoxOf,
        kind: &'static str,
    ) -> Result<Option<OpenedItem<T>>, AppError> {
        let sealed = match box_of {
            BoxOf::Therapist => row.for_therapist.as_deref(),
            BoxOf::Client => row.for_client.as_deref(),
        }
        .unwrap_or_default();
        let item = Item { id: row.id, kind };
        let Some(opened) = self.open_across(p, s, item, sealed).await? else {
            tracing::warn!(share_id = %s.id, kind, "an item that does not open is left out");
            return Ok(None);
        };
        let state = AssignmentState::parse(row.state.as_deref());
        let writer = if box_of == BoxOf::Therapist && state != AssignmentState::Pending {
            s.client_id
        } else {
            s.therapist_id
        };
        let verified = match opened.author {
            ItemAuthor::Verified(author) if author == writer => true,
            ItemAuthor::Verified(_) => {
                tracing::warn!(share_id = %s.id, kind, "an item from the wrong side is left out");
                return Ok(None);
            }
            ItemAuthor::Older => false,
        };
        let data = serde_json::from_slice(&opened.bytes)
            .map_err(|e| AppError::Corrupt(format!("{kind}: {e}")))?;
        Ok(Some(OpenedItem {
            data,
            state,
            verified,
        }))
    }
}
