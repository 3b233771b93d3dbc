//! The calendar: what a person's calendar feed shows (appointments and
//! practice schedules), their choices for it, and the feed's secret — a
//! credential that opens only the appointment and practice keys, never
//! practice logs, journal entries or anything else.

use between_domain::appointment::{Appointment, Details};
use between_domain::practice::definition::Practice;
use between_store::{CredentialKind, RecordBatch, RecordQuery};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::credential::{self, Template};
use crate::error::AppError;
use crate::principal::{Access, Principal};
use crate::records::{self, RecordKind};
use crate::{crypto, App};

/// What the feed shows, chosen by the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPrefs {
    /// Show real titles ("Therapy with Dr. Rivera", the practice's name)
    /// instead of neutral ones ("Appointment", "Practice").
    #[serde(default)]
    pub detailed: bool,
    /// Add a daily all-day "Journal" reminder.
    #[serde(default)]
    pub journal_reminder: bool,
    /// The current feed secret, so the link can be shown again.
    #[serde(default)]
    pub feed_secret: Option<String>,
}

/// Everything a calendar is made from.
#[derive(Debug, Clone)]
pub struct CalendarData {
    pub time_zone: String,
    pub appointments: Vec<Appointment>,
    pub practices: Vec<(Uuid, Practice)>,
    pub prefs: CalendarPrefs,
}

impl App {
    async fn prefs_row(&self, p: &Principal) -> Result<Option<between_store::RecordRow>, AppError> {
        let q = RecordQuery {
            kind: RecordKind::CalendarPrefs.as_str().into(),
            ..Default::default()
        };
        Ok(self
            .store
            .list_records(p.user.id, &q)
            .await?
            .into_iter()
            .next())
    }

    /// Reads what a calendar shows. Works for a full credential and for a
    /// calendar feed's own (which opens nothing else).
    async fn read_calendar(&self, p: &Principal) -> Result<CalendarData, AppError> {
        let q = |kind: RecordKind| RecordQuery {
            kind: kind.as_str().into(),
            ..Default::default()
        };
        let mut appointments = Vec::new();
        for row in self
            .store
            .list_records(p.user.id, &q(RecordKind::Appointment))
            .await?
        {
            let details: Details = records::open(p, RecordKind::Appointment, &row)?;
            appointments.push(Appointment {
                id: row.id,
                series_id: row.parent_id,
                starts_at: crate::from_micros(row.occurred_at)?,
                details,
            });
        }
        let mut practices = Vec::new();
        for row in self
            .store
            .list_records(p.user.id, &q(RecordKind::Practice))
            .await?
        {
            practices.push((
                row.id,
                records::open::<Practice>(p, RecordKind::Practice, &row)?,
            ));
        }
        let prefs = match self.prefs_row(p).await? {
            Some(row) => records::open(p, RecordKind::CalendarPrefs, &row)?,
            None => CalendarPrefs::default(),
        };
        Ok(CalendarData {
            time_zone: p.user.time_zone_name().to_string(),
            appointments,
            practices,
            prefs,
        })
    }

    /// The calendar of the signed-in person (e.g. `between calendar export`).
    pub async fn calendar(&self, p: &Principal) -> Result<CalendarData, AppError> {
        p.require_read()?;
        self.read_calendar(p).await
    }

    /// The calendar behind a feed secret; `NotFound` for an unknown or
    /// rotated secret, so a guessed or old link reveals nothing.
    pub async fn calendar_feed(&self, secret: &str) -> Result<CalendarData, AppError> {
        let not_found = || AppError::NotFound("This calendar".into());
        let p = self.authenticate(secret).await.map_err(|e| match e {
            AppError::Unauthorized(_) => not_found(),
            other => other,
        })?;
        if p.access != Access::Calendar {
            return Err(not_found());
        }
        self.read_calendar(&p).await
    }

    pub async fn calendar_prefs(&self, p: &Principal) -> Result<CalendarPrefs, AppError> {
        Ok(self.calendar(p).await?.prefs)
    }

    async fn save_prefs(&self, p: &Principal, prefs: &CalendarPrefs) -> Result<(), AppError> {
        let now = self.now();
        let mut batch = RecordBatch::default();
        match self.prefs_row(p).await? {
            Some(row) => batch.update.push(self.seal(
                p,
                RecordKind::CalendarPrefs,
                row.id,
                None,
                now,
                prefs,
                Some(&row),
            )?),
            None => batch.insert.push(self.seal(
                p,
                RecordKind::CalendarPrefs,
                Uuid::now_v7(),
                None,
                now,
                prefs,
                None,
            )?),
        }
        Ok(self.store.apply_records(p.user.id, &batch).await?)
    }

    /// Chooses neutral or detailed titles and the daily journal reminder.
    pub async fn set_calendar_prefs(
        &self,
        p: &Principal,
        detailed: bool,
        journal_reminder: bool,
    ) -> Result<CalendarPrefs, AppError> {
        let current = self.calendar_prefs(p).await?;
        let prefs = CalendarPrefs {
            detailed,
            journal_reminder,
            ..current
        };
        self.save_prefs(p, &prefs).await?;
        Ok(prefs)
    }

    /// Makes the feed's credential again for its current secret, wrapping
    /// the current keys (after a key rotation); nothing when there is no feed.
    pub(crate) async fn reissue_calendar_credential(&self, p: &Principal) -> Result<(), AppError> {
        let Some(secret) = self.calendar_prefs(p).await?.feed_secret else {
            return Ok(());
        };
        let row = credential::for_secret(
            Template {
                user_id: p.user.id,
                kind: CredentialKind::Calendar,
                label: "calendar feed",
                access: Access::Calendar,
                now: self.now_micros(),
                expires_at: None,
            },
            &secret,
            &p.keys,
        )?;
        self.store
            .delete_credentials_of_kind(p.user.id, CredentialKind::Calendar)
            .await?;
        self.store.insert_credential(&row).await?;
        Ok(())
    }

    /// The feed's secret: the current one, or a new one when there is none
    /// or `rotate` is set (which makes every earlier link stop working).
    pub async fn calendar_secret(&self, p: &Principal, rotate: bool) -> Result<String, AppError> {
        let prefs = self.calendar_prefs(p).await?;
        if let (Some(secret), false) = (&prefs.feed_secret, rotate) {
            return Ok(secret.clone());
        }
        self.store
            .delete_credentials_of_kind(p.user.id, CredentialKind::Calendar)
            .await?;
        let secret = crypto::new_secret();
        let row = credential::for_secret(
            Template {
                user_id: p.user.id,
                kind: CredentialKind::Calendar,
                label: "calendar feed",
                access: Access::Calendar,
                now: self.now_micros(),
                expires_at: None,
            },
            &secret,
            &p.keys,
        )?;
        self.store.insert_credential(&row).await?;
        self.save_prefs(
            p,
            &CalendarPrefs {
                feed_secret: Some(secret.clone()),
                ..prefs
            },
        )
        .await?;
        Ok(secret)
    }
}
