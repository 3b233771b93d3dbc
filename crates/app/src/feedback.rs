//! Session feedback: one per attended appointment, with the low and
//! falling flags computed by the domain.

use between_domain::appointment::Status;
use between_domain::feedback::{self, Feedback};
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// Feedback on one appointment, with its flags.
#[derive(Debug, Clone, PartialEq)]
pub struct Rated {
    pub appointment_id: Uuid,
    pub feedback: Stored<Feedback>,
    pub low: bool,
    /// The total fell ≥ 6 below the mean of the three sessions before.
    pub falling: bool,
}

impl App {
    /// Records (or replaces) the feedback on an attended appointment.
    pub async fn set_feedback(
        &self,
        p: &Principal,
        appointment_id: Uuid,
        fb: Feedback,
    ) -> Result<Rated, AppError> {
        let fb = fb.validated()?;
        let appointment = self.appointment(p, appointment_id).await?;
        if appointment.details.status != Status::Attended {
            return Err(AppError::invalid(
                "appointment",
                "Feedback is for appointments you attended; mark it attended first.",
            ));
        }
        match self
            .list_records::<Feedback>(p, RecordKind::Feedback, Some(appointment_id))
            .await?
            .first()
        {
            Some(existing) => {
                let (row, _) = self
                    .get_record::<Feedback>(p, RecordKind::Feedback, existing.id, "feedback")
                    .await?;
                self.replace_record(p, RecordKind::Feedback, &row, appointment.starts_at, &fb)
                    .await?;
            }
            None => {
                self.insert_record(
                    p,
                    RecordKind::Feedback,
                    Some(appointment_id),
                    appointment.starts_at,
                    &fb,
                )
                .await?;
            }
        }
        self.feedback_for(p, appointment_id)
            .await?
            .ok_or_else(|| AppError::Corrupt("feedback vanished".into()))
    }

    /// Every session's feedback, oldest first, with flags.
    pub async fn all_feedback(&self, p: &Principal) -> Result<Vec<Rated>, AppError> {
        let all = self
            .list_records::<Feedback>(p, RecordKind::Feedback, None)
            .await?;
        let mut totals = Vec::with_capacity(all.len());
        let mut out = Vec::with_capacity(all.len());
        for stored in all {
            totals.push(stored.data.total());
            out.push(Rated {
                appointment_id: stored.parent_id.unwrap_or(stored.id),
                low: stored.data.is_low(),
                falling: feedback::is_falling(&totals),
                feedback: stored,
            });
        }
        Ok(out)
    }

    pub async fn feedback_for(
        &self,
        p: &Principal,
        appointment_id: Uuid,
    ) -> Result<Option<Rated>, AppError> {
        Ok(self
            .all_feedback(p)
            .await?
            .into_iter()
            .find(|r| r.appointment_id == appointment_id))
    }
}
