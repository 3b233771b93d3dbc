//! A linked therapist with the measures scope asks a client for a set of
//! questionnaires ("PCL-5 weekly and PHQ-9 before each session"): sealed
//! with the link's key like assigned practice (`assignments.rs`), one box
//! both sides open. The client accepts — each instrument's schedule
//! becomes the one asked for, "asked for by" the therapist, so it shows on
//! home, the agenda and in reminders like any other — or declines, with a
//! note if they like. The answer is sealed back the same way.

use between_domain::measure::{Cadence, Instrument};
use between_domain::share::Scope;
use between_store::{ShareItemRow, ShareRow};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::assignments::AssignmentState as RequestState;
use crate::assignments::BoxOf;
use crate::consent::Item;
use crate::error::AppError;
use crate::principal::{Principal, Role};
use crate::{from_micros, micros, App};

const KIND: &str = "measure_request";
/// Longest note either side writes.
pub const MAX_NOTE: usize = 2000;

/// One instrument asked for, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    pub instrument: Instrument,
    pub cadence: Cadence,
}

/// What is sealed: the set asked for, the therapist's note and, once
/// answered, the client's.
#[derive(Serialize, Deserialize)]
struct Sealed {
    asked: Vec<Asked>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reply: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MeasureRequest {
    pub id: Uuid,
    pub therapist: String,
    pub client: String,
    pub at: Timestamp,
    pub asked: Vec<Asked>,
    pub note: String,
    pub state: RequestState,
    pub reply: Option<String>,
    /// Sealed with the link's key by the side expected to have written it.
    pub verified: bool,
}

impl MeasureRequest {
    /// "PCL-5 (past week) every week, PHQ-9 before each appointment (from 2
    /// days before)".
    pub fn words(&self) -> String {
        self.asked
            .iter()
            .map(|a| format!("{} {}", a.instrument.name(), a.cadence.words()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn note_checked(field: &str, note: &str) -> Result<String, AppError> {
    let note = note.trim().to_string();
    let n = note.chars().count();
    if n > MAX_NOTE {
        return Err(AppError::invalid(
            field,
            format!("Keep the note under {MAX_NOTE} characters (this is {n})."),
        ));
    }
    between_domain::storable::check_text(field, &note)?;
    Ok(note)
}

/// At least one instrument, each once, each cadence within range; `Off`
/// is not something to ask for.
fn asked_checked(asked: Vec<Asked>) -> Result<Vec<Asked>, AppError> {
    if asked.is_empty() {
        return Err(AppError::invalid(
            "asked",
            "Choose at least one questionnaire and how often.",
        ));
    }
    let mut out: Vec<Asked> = Vec::with_capacity(asked.len());
    for a in asked {
        if out.iter().any(|o| o.instrument == a.instrument) {
            return Err(AppError::invalid(
                "asked",
                format!("The {} is asked for twice.", a.instrument.name()),
            ));
        }
        if a.cadence == Cadence::Off {
            return Err(AppError::invalid(
                "asked",
                format!(
                    "Choose how often the {} is asked for (off is not a request).",
                    a.instrument.name()
                ),
            ));
        }
        out.push(Asked {
            cadence: a.cadence.validated()?,
            ..a
        });
    }
    Ok(out)
}

fn seal_bytes(s: &Sealed) -> Result<Vec<u8>, AppError> {
    serde_json::to_vec(s).map_err(|e| AppError::Corrupt(format!("measure request: {e}")))
}

impl App {
    /// A therapist asks a linked client, who shares measures, for `asked`.
    pub async fn request_measures(
        &self,
        p: &Principal,
        client: &str,
        asked: Vec<Asked>,
        note: &str,
    ) -> Result<MeasureRequest, AppError> {
        crate::sharing::require_full(p)?;
        if p.user.role != Role::Therapist {
            return Err(AppError::Forbidden(
                "Only a therapist asks for questionnaires; set your own with `measure schedule`."
                    .into(),
            ));
        }
        let s = self.share_with(p, client).await?;
        if s.therapist_id != p.user.id {
            return Err(crate::sharing::not_linked(client));
        }
        let scopes = self.store.share_scopes(s.id).await?;
        if !scopes.iter().any(|x| x == Scope::Measures.as_str()) {
            return Err(AppError::NotFound(format!(
                "{}'s questionnaire scores (not shared with you, so you cannot ask for them)",
                client.trim()
            )));
        }
        let asked = asked_checked(asked)?;
        let note = note_checked("note", note)?;
        let bytes = seal_bytes(&Sealed {
            asked: asked.clone(),
            note: note.clone(),
            reply: None,
        })?;
        let now = micros(self.now());
        let id = Uuid::now_v7();
        let sealed = self
            .seal_across(p, &s, Item { id, kind: KIND }, &bytes)
            .await?;
        self.store
            .insert_share_item(&ShareItemRow {
                id,
                share_id: s.id,
                kind: KIND.into(),
                author_id: p.user.id,
                subject: None,
                for_client: Some(sealed.clone()),
                for_therapist: Some(sealed),
                state: Some(RequestState::Pending.as_str().into()),
                created_at: now,
                updated_at: now,
            })
            .await?;
        tracing::info!(user_id = %p.user.id, "measures requested");
        Ok(MeasureRequest {
            id,
            therapist: p.user.name.clone(),
            client: client.trim().to_string(),
            at: from_micros(now)?,
            asked,
            note,
            state: RequestState::Pending,
            reply: None,
            verified: true,
        })
    }

    /// What a therapist asked one client for, newest first, with answers.
    pub async fn client_measure_requests(
        &self,
        p: &Principal,
        client: &str,
    ) -> Result<Vec<MeasureRequest>, AppError> {
        let r = self.therapist_read(p, client).await?;
        self.requests_through(&r).await
    }

    /// What a link's reader sees of these, newest first (not logged).
    pub(crate) async fn requests_through(
        &self,
        r: &crate::link_read::LinkRead,
    ) -> Result<Vec<MeasureRequest>, AppError> {
        let s = &r.share;
        let mut out = Vec::new();
        for row in self.store.share_items(s.id, KIND).await? {
            out.extend(
                self.open_request(
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

    /// What the client's therapists asked for, newest first.
    pub async fn measure_requests(&self, p: &Principal) -> Result<Vec<MeasureRequest>, AppError> {
        let mut out = Vec::new();
        for (s, row) in self.client_items(p, KIND).await? {
            let therapist = self.name_of(s.therapist_id).await?;
            out.extend(
                self.open_request(p, &s, &row, BoxOf::Client, &therapist, &p.user.name)
                    .await?,
            );
        }
        out.sort_by_key(|r| std::cmp::Reverse((r.at, r.id)));
        Ok(out)
    }

    /// The client answers a request once: accepting sets each instrument's
    /// schedule to the one asked for (in one write).
    pub async fn answer_measure_request(
        &self,
        p: &Principal,
        id: Uuid,
        accept: bool,
        note: &str,
    ) -> Result<MeasureRequest, AppError> {
        let not_found = || AppError::NotFound(format!("The request {id}"));
        let (s, row) = self
            .client_items(p, KIND)
            .await?
            .into_iter()
            .find(|(_, row)| row.id == id)
            .ok_or_else(not_found)?;
        let therapist = self.name_of(s.therapist_id).await?;
        let mut r = self
            .open_request(p, &s, &row, BoxOf::Client, &therapist, &p.user.name)
            .await?
            .ok_or_else(not_found)?;
        if r.state != RequestState::Pending {
            return Err(AppError::Conflict(format!(
                "You {} this already.",
                r.state.as_str()
            )));
        }
        let note = note_checked("note", note)?;
        let state = if accept {
            RequestState::Accepted
        } else {
            RequestState::Declined
        };
        let bytes = seal_bytes(&Sealed {
            asked: r.asked.clone(),
            note: r.note.clone(),
            reply: Some(note.clone()),
        })?;
        let for_therapist = self
            .seal_across(p, &s, Item { id, kind: KIND }, &bytes)
            .await?;
        if !self
            .store
            .answer_share_item(
                id,
                s.id,
                RequestState::Pending.as_str(),
                state.as_str(),
                Some(for_therapist),
                micros(self.now()),
            )
            .await?
        {
            return Err(AppError::Conflict("This was answered already.".into()));
        }
        if accept {
            let set: Vec<(Instrument, Cadence)> =
                r.asked.iter().map(|a| (a.instrument, a.cadence)).collect();
            self.set_measure_schedules(p, &set, Some(&therapist))
                .await?;
        }
        r.state = state;
        r.reply = Some(note);
        Ok(r)
    }

    /// A request as one side reads it; `None` (and a warning in the log)
    /// when it does not open or says the wrong side wrote it.
    pub(crate) async fn open_request(
        &self,
        p: &Principal,
        s: &ShareRow,
        row: &ShareItemRow,
        box_of: BoxOf,
        therapist: &str,
        client: &str,
    ) -> Result<Option<MeasureRequest>, AppError> {
        let Some(opened) = self
            .open_answerable::<Sealed>(p, s, row, box_of, KIND)
            .await?
        else {
            return Ok(None);
        };
        let (sealed, state, verified) = (opened.data, opened.state, opened.verified);
        Ok(Some(MeasureRequest {
            id: row.id,
            therapist: therapist.to_string(),
            client: client.to_string(),
            at: from_micros(row.created_at)?,
            asked: sealed.asked,
            note: sealed.note,
            state,
            reply: sealed.reply,
            verified,
        }))
    }
}
