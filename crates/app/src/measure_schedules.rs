//! How often each instrument is asked for: one record per instrument
//! (under the measures key), set by the person. Without one, the PHQ-9 and
//! GAD-7 keep their two-weekly routine and the others are off. What is due
//! follows from these and the appointments (`domain::measure::schedule`).

use between_domain::measure::schedule::{is_due, DueFacts};
use between_domain::measure::{Cadence, Instrument};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// The stored schedule of one instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureSchedule {
    pub instrument: Instrument,
    pub cadence: Cadence,
    /// Who asked for it, when not the person ("your therapist").
    #[serde(default)]
    pub requested_by: Option<String>,
}

/// One instrument's schedule as it stands, with whether it is due now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleView {
    pub instrument: Instrument,
    pub cadence: Cadence,
    /// The person set it (rather than the default).
    pub own: bool,
    pub requested_by: Option<String>,
    /// When it was set (the default: never).
    pub since: Option<Timestamp>,
    pub due: bool,
}

impl App {
    async fn schedule_records(
        &self,
        p: &Principal,
    ) -> Result<Vec<Stored<MeasureSchedule>>, AppError> {
        self.list_records(p, RecordKind::MeasureSchedule, None)
            .await
    }

    /// Every instrument's schedule, in the instruments' order, with what is
    /// due now.
    pub async fn measure_schedules(&self, p: &Principal) -> Result<Vec<ScheduleView>, AppError> {
        let stored = self.schedule_records(p).await?;
        let taken = self.measures(p).await?;
        let window = self.since_last_session(p).await?;
        let now = self.now();
        Ok(Instrument::ALL
            .into_iter()
            .map(|instrument| {
                let own = stored.iter().rfind(|s| s.data.instrument == instrument);
                let cadence = own
                    .map(|s| s.data.cadence)
                    .unwrap_or_else(|| Cadence::default_for(instrument));
                let since = own.map(|s| s.occurred_at);
                let facts = DueFacts {
                    now,
                    last_taken: taken
                        .iter()
                        .rev()
                        .find(|m| m.response.data.instrument == instrument)
                        .map(|m| m.response.occurred_at),
                    since: since.unwrap_or(Timestamp::UNIX_EPOCH),
                    next_appointment: window.next_planned,
                    last_attended: window.last_attended,
                };
                ScheduleView {
                    instrument,
                    cadence,
                    own: own.is_some(),
                    requested_by: own.and_then(|s| s.data.requested_by.clone()),
                    since,
                    due: is_due(cadence, facts),
                }
            })
            .collect())
    }

    /// Sets how often `instrument` is asked for (replacing what was set).
    pub async fn set_measure_schedule(
        &self,
        p: &Principal,
        instrument: Instrument,
        cadence: Cadence,
    ) -> Result<ScheduleView, AppError> {
        self.set_measure_schedules(p, &[(instrument, cadence)], None)
            .await?
            .into_iter()
            .find(|s| s.instrument == instrument)
            .ok_or_else(|| AppError::Corrupt("the schedule vanished".into()))
    }

    /// Sets several instruments' schedules in one write (a therapist's
    /// accepted request names them with `requested_by`); returns every
    /// instrument's schedule.
    pub async fn set_measure_schedules(
        &self,
        p: &Principal,
        set: &[(Instrument, Cadence)],
        requested_by: Option<&str>,
    ) -> Result<Vec<ScheduleView>, AppError> {
        p.require_read()?;
        let stored = self.schedule_records(p).await?;
        // The old ones go and the new ones come in one write.
        let mut batch = between_store::RecordBatch::default();
        for (instrument, cadence) in set {
            let data = MeasureSchedule {
                instrument: *instrument,
                cadence: cadence.validated()?,
                requested_by: requested_by.map(str::to_string),
            };
            for old in stored.iter().filter(|s| s.data.instrument == *instrument) {
                batch
                    .delete
                    .push((RecordKind::MeasureSchedule.as_str().to_string(), old.id));
            }
            batch.insert.push(self.seal(
                p,
                RecordKind::MeasureSchedule,
                uuid::Uuid::now_v7(),
                None,
                self.now(),
                &data,
                None,
            )?);
        }
        self.apply_records(p, &batch).await?;
        self.measure_schedules(p).await
    }
}
