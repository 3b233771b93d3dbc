//! Appointments: single ones and repeating series (whose occurrences are
//! rows of their own, kept a year ahead), status changes, and the "since the
//! last session" window.

use between_domain::appointment::{
    self, Appointment, Details, Repeat, Series, SinceLastSession, Status,
};
use between_store::{RecordBatch, RecordQuery, RecordRow};
use jiff::civil::Date;
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::memo::MemoKey;
use crate::principal::Principal;
use crate::records::{self, RecordKind};
use crate::{from_micros, App};

/// A new appointment, possibly the first of a series.
#[derive(Debug, Clone)]
pub struct NewAppointment {
    pub starts_at: Timestamp,
    pub details: Details,
    pub repeat: Option<Repeat>,
    /// Last local day of the series.
    pub until: Option<Date>,
}

fn to_appointment(p: &Principal, row: &RecordRow) -> Result<Appointment, AppError> {
    Ok(Appointment {
        id: row.id,
        series_id: row.parent_id,
        starts_at: from_micros(row.occurred_at)?,
        details: records::open(p, RecordKind::Appointment, row)?,
    })
}

/// Appointments start on a whole minute.
fn to_minute(t: Timestamp) -> Timestamp {
    t.round(
        jiff::TimestampRound::new()
            .smallest(jiff::Unit::Minute)
            .mode(jiff::RoundMode::Trunc),
    )
    .unwrap_or(t)
}

/// How far short of a year ahead a series may fall before it is extended.
const EXTEND_SLACK: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 7);

fn horizon(now: Timestamp) -> Timestamp {
    now.checked_add(appointment::SERIES_HORIZON).unwrap_or(now)
}

impl App {
    async fn appointment_rows(&self, p: &Principal) -> Result<Vec<RecordRow>, AppError> {
        let q = RecordQuery {
            kind: RecordKind::Appointment.as_str().into(),
            ..Default::default()
        };
        Ok(self.store.list_records(p.user.id, &q).await?)
    }

    /// Creates the rows of occurrences of `series` from its `generated_until`
    /// up to a year from now, and moves `generated_until` on.
    fn extend(
        &self,
        p: &Principal,
        id: Uuid,
        series: &mut Series,
        existing: Option<&RecordRow>,
        batch: &mut RecordBatch,
    ) -> Result<(), AppError> {
        let tz = between_domain::zone::get(&series.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let first = series
            .first
            .to_zoned(tz)
            .map(|z| z.timestamp())
            .unwrap_or_else(|_| self.now());
        // A year ahead of today, or of the first occurrence if that is
        // later; moved on only once it is a week short, so reading
        // appointments writes at most once a week per series, not at every
        // read.
        let until = horizon(self.now().max(first));
        if series.generated_until >= until - EXTEND_SLACK {
            return Ok(());
        }
        for start in series.starts_between(series.generated_until, until) {
            let details = Details {
                status: Status::Planned,
                ..series.details.clone()
            };
            batch.insert.push(self.seal(
                p,
                RecordKind::Appointment,
                Uuid::now_v7(),
                Some(id),
                start,
                &details,
                None,
            )?);
        }
        series.generated_until = until;
        let first = series
            .first
            .to_zoned(
                between_domain::zone::get(&series.time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .map(|z| z.timestamp())
            .unwrap_or(until);
        let row = self.seal(
            p,
            RecordKind::AppointmentSeries,
            id,
            None,
            first,
            series,
            existing,
        )?;
        match existing {
            Some(_) => batch.update.push(row),
            None => batch.insert.push(row),
        }
        Ok(())
    }

    /// Keeps every series a year ahead (within a week); cheap, and writes
    /// nothing, when nothing is due.
    async fn extend_all_series(&self, p: &Principal) -> Result<(), AppError> {
        let q = RecordQuery {
            kind: RecordKind::AppointmentSeries.as_str().into(),
            ..Default::default()
        };
        let mut batch = RecordBatch::default();
        for row in self.store.list_records(p.user.id, &q).await? {
            let mut series: Series = records::open(p, RecordKind::AppointmentSeries, &row)?;
            self.extend(p, row.id, &mut series, Some(&row), &mut batch)?;
        }
        if !batch.insert.is_empty() || !batch.update.is_empty() {
            self.apply_records(p, &batch).await?;
        }
        Ok(())
    }

    /// The account id of the therapist named `name`, linked with this client.
    pub async fn linked_therapist(&self, p: &Principal, name: &str) -> Result<Uuid, AppError> {
        let s = self
            .store
            .user_by_name(name.trim())
            .await?
            .filter(|u| u.role == crate::principal::Role::Therapist.as_str());
        let linked = match s {
            Some(u) => self
                .store
                .active_shares(p.user.id)
                .await?
                .into_iter()
                .any(|l| l.client_id == p.user.id && l.therapist_id == u.id)
                .then_some(u.id),
            None => None,
        };
        linked.ok_or_else(|| {
            AppError::invalid(
                "therapist",
                format!(
                    "You are not linked with a therapist called \"{}\".",
                    name.trim()
                ),
            )
        })
    }

    /// Checks a newly named therapist is linked (one named before may stay
    /// after the link ends) and labels the appointment with their name when
    /// it has no label.
    async fn with_linked_therapist(
        &self,
        p: &Principal,
        details: Details,
        before: Option<Uuid>,
    ) -> Result<Details, AppError> {
        let Some(id) = details.therapist else {
            return Ok(details);
        };
        let name = self
            .store
            .user_by_id(id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        if before != Some(id) {
            self.linked_therapist(p, &name).await?;
        }
        Ok(if details.with.is_empty() {
            Details {
                with: name,
                ..details
            }
        } else {
            details
        })
    }

    /// Adds an appointment (or a series); returns the first occurrence.
    pub async fn add_appointment(
        &self,
        p: &Principal,
        new: NewAppointment,
    ) -> Result<Appointment, AppError> {
        p.require_read()?;
        let new = NewAppointment {
            starts_at: to_minute(new.starts_at),
            ..new
        };
        let details = Details {
            status: Status::Planned,
            ..new.details
        }
        .validated()?;
        let details = self.with_linked_therapist(p, details, None).await?;
        let mut batch = RecordBatch::default();
        let Some(repeat) = new.repeat else {
            if new.until.is_some() {
                return Err(AppError::invalid(
                    "until",
                    "--until only makes sense with --repeat.",
                ));
            }
            let row = self.seal(
                p,
                RecordKind::Appointment,
                Uuid::now_v7(),
                None,
                new.starts_at,
                &details,
                None,
            )?;
            batch.insert.push(row.clone());
            self.apply_records(p, &batch).await?;
            return to_appointment(p, &row);
        };
        let tz = p.user.time_zone.clone();
        let first_local = new.starts_at.to_zoned(tz.clone());
        if new.until.is_some_and(|u| u < first_local.date()) {
            return Err(AppError::invalid(
                "until",
                "The series must end on or after its first appointment.",
            ));
        }
        let mut series = Series {
            first: first_local.datetime(),
            time_zone: p.user.time_zone_name().to_string(),
            repeat,
            until: new.until,
            details,
            generated_until: new.starts_at,
        };
        let occurrences = series
            .starts_between(new.starts_at, horizon(self.now().max(new.starts_at)))
            .len();
        if occurrences > appointment::MAX_SERIES_OCCURRENCES {
            return Err(AppError::invalid(
                "repeat",
                format!(
                    "This series would have {occurrences} appointments up to a year from now; at most {} are kept. Start it later, end it earlier or repeat less often.",
                    appointment::MAX_SERIES_OCCURRENCES
                ),
            ));
        }
        let series_id = Uuid::now_v7();
        self.extend(p, series_id, &mut series, None, &mut batch)?;
        let first = batch
            .insert
            .iter()
            .filter(|r| r.parent_id == Some(series_id))
            .min_by_key(|r| r.occurred_at)
            .cloned()
            .ok_or_else(|| {
                AppError::invalid("at", "This series has no appointment within the next year.")
            })?;
        self.apply_records(p, &batch).await?;
        to_appointment(p, &first)
    }

    /// Every appointment, oldest first.
    pub async fn appointments(&self, p: &Principal) -> Result<Vec<Appointment>, AppError> {
        p.require_read()?;
        self.remembered(p, MemoKey::Appointments, async {
            self.extend_all_series(p).await?;
            self.appointment_rows(p)
                .await?
                .iter()
                .map(|r| to_appointment(p, r))
                .collect()
        })
        .await
    }

    /// The stored appointments without generating series occurrences: for
    /// readers who must not write (a therapist reading what is shared).
    pub(crate) async fn stored_appointments(
        &self,
        p: &Principal,
    ) -> Result<Vec<Appointment>, AppError> {
        p.require_read()?;
        self.appointment_rows(p)
            .await?
            .iter()
            .map(|r| to_appointment(p, r))
            .collect()
    }

    pub async fn appointment(&self, p: &Principal, id: Uuid) -> Result<Appointment, AppError> {
        p.require_read()?;
        let row = self.appointment_row(p, id).await?;
        to_appointment(p, &row)
    }

    async fn appointment_row(&self, p: &Principal, id: Uuid) -> Result<RecordRow, AppError> {
        self.store
            .record(p.user.id, RecordKind::Appointment.as_str(), id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The appointment {id}")))
    }

    /// Changes one appointment, or (with `whole_series`) this one and every
    /// later planned one of its series.
    pub async fn update_appointment(
        &self,
        p: &Principal,
        id: Uuid,
        starts_at: Timestamp,
        details: Details,
        whole_series: bool,
    ) -> Result<Appointment, AppError> {
        p.require_read()?;
        let starts_at = to_minute(starts_at);
        let row = self.appointment_row(p, id).await?;
        let current = to_appointment(p, &row)?;
        let details = details.validated()?;
        let details = self
            .with_linked_therapist(p, details, current.details.therapist)
            .await?;
        let marked_done = matches!(details.status, Status::Attended | Status::Missed)
            && details.status != current.details.status;
        if marked_done && starts_at > self.now() {
            return Err(AppError::invalid(
                "status",
                format!(
                    "This appointment has not started yet, so it cannot be marked {}.",
                    details.status.as_str()
                ),
            ));
        }
        let mut batch = RecordBatch::default();
        let series_id = match (whole_series, current.series_id) {
            (false, _) => None,
            (true, None) => {
                return Err(AppError::invalid(
                    "series",
                    "This appointment is not part of a series.",
                ))
            }
            (true, Some(_)) if current.details.status != Status::Planned => {
                return Err(AppError::invalid(
                    "series",
                    "Only a planned appointment can change the rest of its series.",
                ))
            }
            (true, Some(s)) => Some(s),
        };
        let Some(series_id) = series_id else {
            batch.update.push(self.seal(
                p,
                RecordKind::Appointment,
                id,
                row.parent_id,
                starts_at,
                &details,
                Some(&row),
            )?);
            self.apply_records(p, &batch).await?;
            return self.appointment(p, id).await;
        };
        let series_row = self
            .store
            .record(p.user.id, RecordKind::AppointmentSeries.as_str(), series_id)
            .await?
            .ok_or_else(|| AppError::Corrupt(format!("series {series_id} is missing")))?;
        let mut series: Series = records::open(p, RecordKind::AppointmentSeries, &series_row)?;
        // Later planned occurrences are replaced by the changed series.
        for other in self
            .appointment_rows(p)
            .await?
            .iter()
            .filter(|r| r.parent_id == Some(series_id))
        {
            let a = to_appointment(p, other)?;
            if a.starts_at >= current.starts_at && a.details.status == Status::Planned {
                batch
                    .delete
                    .push((RecordKind::Appointment.as_str().into(), a.id));
            }
        }
        let tz = between_domain::zone::get(&series.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        series.first = starts_at.to_zoned(tz).datetime();
        series.details = Details {
            status: Status::Planned,
            ..details
        };
        series.generated_until = starts_at;
        self.extend(p, series_id, &mut series, Some(&series_row), &mut batch)?;
        let replacement = batch
            .insert
            .iter()
            .filter(|r| r.parent_id == Some(series_id))
            .min_by_key(|r| r.occurred_at)
            .map(|r| r.id);
        self.apply_records(p, &batch).await?;
        match replacement {
            Some(new_id) => self.appointment(p, new_id).await,
            None => Err(AppError::invalid(
                "until",
                "The changed series has no appointment left.",
            )),
        }
    }

    /// Marks an appointment attended, missed, cancelled or planned again.
    pub async fn set_appointment_status(
        &self,
        p: &Principal,
        id: Uuid,
        status: Status,
    ) -> Result<Appointment, AppError> {
        let current = self.appointment(p, id).await?;
        if matches!(status, Status::Attended | Status::Missed) && !current.has_started(self.now()) {
            return Err(AppError::invalid(
                "status",
                format!(
                    "This appointment has not started yet, so it cannot be marked {}.",
                    status.as_str()
                ),
            ));
        }
        let details = Details {
            status,
            ..current.details
        };
        self.update_appointment(p, id, current.starts_at, details, false)
            .await
    }

    /// Sets the status of many appointments in one transaction (demo data,
    /// imports); no checks beyond ownership.
    pub(crate) async fn set_statuses(
        &self,
        p: &Principal,
        changes: &[(Uuid, Status)],
    ) -> Result<(), AppError> {
        let rows = self.appointment_rows(p).await?;
        let mut batch = RecordBatch::default();
        for (id, status) in changes {
            let row = rows
                .iter()
                .find(|r| r.id == *id)
                .ok_or_else(|| AppError::NotFound(format!("The appointment {id}")))?;
            let a = to_appointment(p, row)?;
            let details = Details {
                status: *status,
                ..a.details
            };
            batch.update.push(self.seal(
                p,
                RecordKind::Appointment,
                *id,
                row.parent_id,
                a.starts_at,
                &details,
                Some(row),
            )?);
        }
        self.apply_records(p, &batch).await
    }

    /// Removes an appointment entered by mistake.
    pub async fn delete_appointment(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        p.require_read()?;
        self.appointment_row(p, id).await?;
        let mut batch = RecordBatch {
            delete: vec![(RecordKind::Appointment.as_str().into(), id)],
            ..Default::default()
        };
        // Its feedback goes with it.
        let feedback = RecordQuery {
            kind: RecordKind::Feedback.as_str().into(),
            parent_id: Some(id),
            ..Default::default()
        };
        for row in self.store.list_records(p.user.id, &feedback).await? {
            batch.delete.push((row.kind, row.id));
        }
        self.apply_records(p, &batch).await
    }

    /// The window between the last attended appointment and the next one.
    pub async fn since_last_session(&self, p: &Principal) -> Result<SinceLastSession, AppError> {
        Ok(appointment::since_last_session(
            &self.appointments(p).await?,
            self.now(),
        ))
    }
}
