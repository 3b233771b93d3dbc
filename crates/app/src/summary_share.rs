//! The row of a therapist's dashboard for one client, made by the client's
//! app from the scopes that link shares and sealed to the therapist with
//! the link's key (like the agenda snapshot): a dashboard of fifty clients
//! opens fifty small boxes instead of decrypting every shared record of
//! every client. The client's app publishes it after signing in and after
//! each write of what it summarises (in the background, see
//! `background.rs`), and when a scope changes; until a link has one, its
//! row is worked out from the shared records as before. A therapist sees
//! when it was made ("as of"), and the next appointment is picked at
//! reading time from the few upcoming ones it carries.

use between_store::{RecordBatch, ShareItemRow, ShareRow};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::consent::{Item, ItemAuthor};
use crate::error::AppError;
use crate::principal::Principal;
use crate::records::RecordKind;
use crate::sharing::{ClientSummary, LatestScore, Link, RecentScores};
use crate::{from_micros, micros, App};

pub(crate) const SUMMARY: &str = "summary";

/// Upcoming appointments a sealed summary carries, so the next one is
/// right for a while after it was made.
pub(crate) const UPCOMING: usize = 3;

/// One client's figures for one link: only what the link's scopes share
/// (`None` where a scope is off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Figures {
    /// Planned appointments not yet ended, soonest first: (start, end).
    pub upcoming: Vec<(Timestamp, Timestamp)>,
    pub measures: Option<Vec<LatestScore>>,
    pub safety_flag: Option<bool>,
    /// `None` when practice is not shared (a plain `Option<Option<_>>`
    /// would not survive JSON: both "not shared" and "nothing was due"
    /// would read back as null).
    pub adherence: Option<Adherence>,
    pub feedback_flag: Option<bool>,
    pub roadblocks: Vec<String>,
    pub deterioration: Option<bool>,
    pub recent_scores: Option<Vec<RecentScores>>,
    /// Recent matches of the warning signs the client chose to tell this
    /// link about (only the client's app can see them: never worked out
    /// live).
    #[serde(default)]
    pub warning_signs: Vec<crate::warning_signs::SignFlag>,
}

/// Practice done of practice due over the last four weeks; `None` when
/// nothing was due.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Adherence {
    pub rate: Option<f64>,
}

impl Figures {
    /// The dashboard row at `now`; `as_of` is when the figures were made
    /// (`None`: just now, from the shared records).
    pub(crate) fn summary(
        self,
        link: Link,
        now: Timestamp,
        as_of: Option<Timestamp>,
    ) -> ClientSummary {
        ClientSummary {
            link,
            next_appointment: self
                .upcoming
                .iter()
                .find(|(_, ends)| *ends > now)
                .map(|(starts, _)| *starts),
            measures: self.measures,
            safety_flag: self.safety_flag,
            adherence: self.adherence.map(|a| a.rate),
            feedback_flag: self.feedback_flag,
            roadblocks: self.roadblocks,
            deterioration: self.deterioration,
            recent_scores: self.recent_scores,
            warning_signs: self.warning_signs,
            as_of,
        }
    }
}

/// Whether a write of these kinds changes what a summary says.
pub(crate) fn summarised(batch: &RecordBatch) -> bool {
    const KINDS: [RecordKind; 10] = [
        RecordKind::Appointment,
        RecordKind::AppointmentSeries,
        RecordKind::Measure,
        RecordKind::Practice,
        RecordKind::PracticeLog,
        RecordKind::Feedback,
        RecordKind::Goal,
        RecordKind::GoalCheckIn,
        RecordKind::WarningSign,
        RecordKind::WarningSignMatch,
    ];
    crate::records::batch_touches(batch, &KINDS)
}

impl App {
    /// Seals the client's figures to every linked therapist. Failures are
    /// logged, never shown: the therapist's row is then worked out live.
    pub(crate) async fn publish_summaries(&self, p: &Principal) {
        if let Err(err) = self.try_publish_summaries(p).await {
            tracing::warn!(error = %err, "could not update a therapist's summary");
        }
    }

    async fn try_publish_summaries(&self, p: &Principal) -> Result<(), AppError> {
        let links = self.consented_links(p).await?;
        if links.is_empty() {
            return Ok(());
        }
        let mut flags = self.sign_flags(p).await?;
        for (s, scopes) in links {
            let mut figures = self
                .figures(p, s.therapist_id, &scopes, &p.user.name)
                .await?;
            figures.warning_signs = flags.remove(&s.id).unwrap_or_default();
            self.seal_summary(p, &s, &figures).await?;
        }
        Ok(())
    }

    async fn seal_summary(
        &self,
        p: &Principal,
        s: &ShareRow,
        figures: &Figures,
    ) -> Result<(), AppError> {
        let bytes =
            serde_json::to_vec(figures).map_err(|e| AppError::Corrupt(format!("summary: {e}")))?;
        let id = Uuid::now_v7();
        let sealed = self
            .seal_across(p, s, Item { id, kind: SUMMARY }, &bytes)
            .await?;
        let now = micros(self.now());
        self.store
            .replace_share_item(&ShareItemRow {
                id,
                share_id: s.id,
                kind: SUMMARY.into(),
                author_id: p.user.id,
                subject: None,
                for_client: None,
                for_therapist: Some(sealed),
                state: None,
                created_at: now,
                updated_at: now,
            })
            .await?;
        Ok(())
    }

    /// The figures the client sealed for this link, with when they were
    /// made; `None` when there are none, or they do not open as the
    /// client's (then the row is worked out live).
    pub(crate) async fn sealed_figures(
        &self,
        p: &Principal,
        s: &ShareRow,
    ) -> Result<Option<(Figures, Timestamp)>, AppError> {
        let Some(row) = self.store.share_items(s.id, SUMMARY).await?.pop() else {
            return Ok(None);
        };
        let Some(sealed) = row.for_therapist.as_deref() else {
            return Ok(None);
        };
        let item = Item {
            id: row.id,
            kind: SUMMARY,
        };
        let Some(opened) = self.open_across(p, s, item, sealed).await? else {
            tracing::warn!(share_id = %s.id, "a summary that does not open is left out");
            return Ok(None);
        };
        if !matches!(opened.author, ItemAuthor::Verified(author) if author == s.client_id) {
            tracing::warn!(share_id = %s.id, "a summary not sealed by the client is left out");
            return Ok(None);
        }
        match serde_json::from_slice(&opened.bytes) {
            Ok(figures) => Ok(Some((figures, from_micros(row.updated_at)?))),
            Err(err) => {
                tracing::warn!(share_id = %s.id, error = %err, "a summary that does not read is left out");
                Ok(None)
            }
        }
    }
}
