//! The JSON shape of appointments, and the input the API accepts for them.

use between_app::appointments::NewAppointment;
use between_domain::appointment::{Appointment, Details, Repeat, Status};
use between_domain::{timespec, ValidationErrors};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rfc3339;

#[derive(Debug, Serialize)]
pub struct AppointmentJson {
    pub id: Uuid,
    pub series_id: Option<Uuid>,
    pub starts_at: String,
    pub ends_at: String,
    pub duration_minutes: u32,
    pub with: String,
    #[serde(rename = "where")]
    pub place: String,
    pub status: &'static str,
    /// The linked therapist's account it names, if any.
    pub therapist_id: Option<Uuid>,
}

impl AppointmentJson {
    pub fn new(a: &Appointment, tz: &TimeZone) -> AppointmentJson {
        AppointmentJson {
            id: a.id,
            series_id: a.series_id,
            starts_at: rfc3339(a.starts_at, tz),
            ends_at: rfc3339(a.ends_at(), tz),
            duration_minutes: a.details.duration_minutes,
            with: a.details.with.clone(),
            place: a.details.place.clone(),
            status: a.details.status.as_str(),
            therapist_id: a.details.therapist,
        }
    }
}

/// An appointment as sent by a client (create body, or the result of a
/// merge patch).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentInput {
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub with: Option<String>,
    #[serde(default, rename = "where")]
    pub place: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// `weekly`, `every:2w`, `every:10d` (create only).
    #[serde(default)]
    pub repeat: Option<String>,
    /// Last day of a series, YYYY-MM-DD (create only).
    #[serde(default)]
    pub until: Option<String>,
    /// A linked therapist's account id (see `GET /shares`).
    #[serde(default)]
    pub therapist_id: Option<Uuid>,
}

/// The parts of an appointment input, checked.
pub struct ParsedAppointment {
    pub starts_at: Timestamp,
    pub details: Details,
    pub repeat: Option<Repeat>,
    pub until: Option<Date>,
}

impl ParsedAppointment {
    pub fn into_new(self) -> NewAppointment {
        NewAppointment {
            starts_at: self.starts_at,
            details: self.details,
            repeat: self.repeat,
            until: self.until,
        }
    }
}

impl AppointmentInput {
    pub fn from_appointment(a: &Appointment, tz: &TimeZone) -> AppointmentInput {
        AppointmentInput {
            starts_at: Some(rfc3339(a.starts_at, tz)),
            duration_minutes: Some(i64::from(a.details.duration_minutes)),
            with: Some(a.details.with.clone()),
            place: Some(a.details.place.clone()),
            status: Some(a.details.status.as_str().into()),
            repeat: None,
            until: None,
            therapist_id: a.details.therapist,
        }
    }

    pub fn parse(self, tz: &TimeZone) -> Result<ParsedAppointment, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let starts_at = match self
            .starts_at
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                errors.add(
                    "starts_at",
                    "When does the appointment start? Give a date and time, e.g. 2026-12-01 17:00.",
                );
                None
            }
            Some(s) => timespec::parse_instant(s, tz)
                .map_err(|e| errors.add("starts_at", e.to_string()))
                .ok(),
        };
        let duration = self.duration_minutes.unwrap_or(50);
        let duration_minutes = u32::try_from(duration).unwrap_or(0);
        if duration_minutes == 0 {
            errors.add(
                "duration",
                format!("The duration must be a positive number of minutes, not {duration}."),
            );
        }
        let status = match self.status.as_deref() {
            None => Status::Planned,
            Some(s) => Status::parse(s).unwrap_or_else(|| {
                errors.add(
                    "status",
                    format!("\"{s}\" is not a status: use planned, attended, cancelled or missed."),
                );
                Status::Planned
            }),
        };
        let repeat = match self
            .repeat
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(r) => Repeat::parse(r)
                .map_err(|e| errors.add("repeat", e.to_string()))
                .ok(),
        };
        let until = match self
            .until
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(u) => timespec::parse_day(u)
                .map_err(|e| errors.add("until", e.to_string()))
                .ok(),
        };
        let details = Details {
            with: self.with.unwrap_or_default(),
            place: self.place.unwrap_or_default(),
            duration_minutes,
            status,
            therapist: self.therapist_id,
        };
        let details = details.validated().map_err(|e| {
            for (k, v) in e.fields() {
                errors.add(k, v.clone());
            }
        });
        match (starts_at, details) {
            (Some(starts_at), Ok(details)) if errors.is_empty() => Ok(ParsedAppointment {
                starts_at,
                details,
                repeat,
                until,
            }),
            _ => Err(errors),
        }
    }
}
