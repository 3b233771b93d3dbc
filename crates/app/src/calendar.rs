//! The calendar: what a person's calendar feed shows (appointments and
//! practice schedules), their choices for it, and the feed's secret — a
//! credential that opens only the appointment and practice keys, never
//! practice logs, journal entries or anything else.

use between_domain::appointment::{Appointment, Details};
use between_domain::practice::definition::Practice;
use between_store::{CredentialKind, RecordBatch, RecordQuery};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::credential::{self, Template};
use crate::error::AppError;
use crate::principal::{Access, Principal};
use crate::records::{self, RecordKind};
use crate::{crypto, App};

/// What the feed shows, chosen by the person. Kept under the practices key
/// (the feed's own credential reads it); never the feed's secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPrefs {
    /// Show real titles ("Therapy with Dr. Rivera", the practice's name)
    /// instead of neutral ones ("Appointment", "Practice").
    #[serde(default)]
    pub detailed: bool,
    /// Add a daily all-day "Journal" reminder.
    #[serde(default)]
    pub journal_reminder: bool,
}

/// The feed's address, kept under the account's own key, which no
/// therapist and no token ever holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeed {
    /// The secret in the feed's address, so the link can be shown again.
    pub secret: String,
    /// When the address was replaced because someone who could have read
    /// the old one (a therapist whose access ended) no longer may; the
    /// person is told, since their calendar app needs the new address.
    #[serde(default)]
    pub replaced_at: Option<Timestamp>,
}

/// How calendar settings were stored before the feed's secret moved under
/// the account's own key: inside the prefs, under the (shared) practices key.
#[derive(Deserialize)]
struct LegacyPrefs {
    #[serde(default)]
    feed_secret: Option<String>,
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
    /// The one record of `kind` this account has, if any.
    async fn only_row(
        &self,
        p: &Principal,
        kind: RecordKind,
    ) -> Result<Option<between_store::RecordRow>, AppError> {
        let q = RecordQuery {
            kind: kind.as_str().into(),
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
        let prefs = match self.only_row(p, RecordKind::CalendarPrefs).await? {
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
        p.require_read()?;
        match self.only_row(p, RecordKind::CalendarPrefs).await? {
            Some(row) => records::open(p, RecordKind::CalendarPrefs, &row),
            None => Ok(CalendarPrefs::default()),
        }
    }

    /// Writes the one record of `kind`, replacing the one there is.
    async fn save_only<T: Serialize>(
        &self,
        p: &Principal,
        kind: RecordKind,
        data: &T,
    ) -> Result<(), AppError> {
        let now = self.now();
        let mut batch = RecordBatch::default();
        match self.only_row(p, kind).await? {
            Some(row) => {
                batch
                    .update
                    .push(self.seal(p, kind, row.id, None, now, data, Some(&row))?)
            }
            None => batch
                .insert
                .push(self.seal(p, kind, Uuid::now_v7(), None, now, data, None)?),
        }
        self.apply_records(p, &batch).await
    }

    /// Chooses neutral or detailed titles and the daily journal reminder.
    pub async fn set_calendar_prefs(
        &self,
        p: &Principal,
        detailed: bool,
        journal_reminder: bool,
    ) -> Result<CalendarPrefs, AppError> {
        p.require_read()?;
        let prefs = CalendarPrefs {
            detailed,
            journal_reminder,
        };
        self.save_only(p, RecordKind::CalendarPrefs, &prefs).await?;
        Ok(prefs)
    }

    /// The feed's address as it stands, if the person made one.
    pub async fn calendar_feed_link(
        &self,
        p: &Principal,
    ) -> Result<Option<CalendarFeed>, AppError> {
        p.require_read()?;
        match self.only_row(p, RecordKind::CalendarFeed).await? {
            Some(row) => Ok(Some(records::open(p, RecordKind::CalendarFeed, &row)?)),
            None => Ok(None),
        }
    }

    /// The feed's secret: the current one, or a new one when there is none
    /// or `rotate` is set (which makes every earlier link stop working).
    pub async fn calendar_secret(&self, p: &Principal, rotate: bool) -> Result<String, AppError> {
        if let (Some(feed), false) = (self.calendar_feed_link(p).await?, rotate) {
            return Ok(feed.secret);
        }
        self.new_calendar_secret(p, None).await
    }

    /// Replaces the feed's address with a new secret whose credential wraps
    /// the current appointments and practices keys; the old address opens
    /// nothing from then on. `replaced_at` says the person did not ask for
    /// it (see [`CalendarFeed::replaced_at`]).
    async fn new_calendar_secret(
        &self,
        p: &Principal,
        replaced_at: Option<Timestamp>,
    ) -> Result<String, AppError> {
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
        let feed = CalendarFeed {
            secret: secret.clone(),
            replaced_at,
        };
        self.save_only(p, RecordKind::CalendarFeed, &feed).await?;
        Ok(secret)
    }

    /// After the appointments or practices key was replaced because a
    /// therapist lost access: that therapist may have read the feed's
    /// secret (or its credential, which opened the old keys), so the feed
    /// gets a new address. Nothing when there is no feed.
    pub(crate) async fn replace_calendar_secret(&self, p: &Principal) -> Result<(), AppError> {
        if self.calendar_feed_link(p).await?.is_some() {
            self.new_calendar_secret(p, Some(self.now())).await?;
        }
        Ok(())
    }

    /// Upgrades a store written before the feed's secret had its own key:
    /// the secret moves out of the prefs (under the shared practices key)
    /// into a record under the account's key, and if the account ever had
    /// a therapist (who could have read it there) the address is replaced.
    pub(crate) async fn upgrade_calendar_secret(&self, p: &Principal) -> Result<(), AppError> {
        let Some(row) = self.only_row(p, RecordKind::CalendarPrefs).await? else {
            return Ok(());
        };
        let legacy: LegacyPrefs = records::open(p, RecordKind::CalendarPrefs, &row)?;
        let Some(secret) = legacy.feed_secret else {
            return Ok(());
        };
        let prefs: CalendarPrefs = records::open(p, RecordKind::CalendarPrefs, &row)?;
        if self.store.ever_shared(p.user.id).await? {
            self.new_calendar_secret(p, Some(self.now())).await?;
        } else {
            let feed = CalendarFeed {
                secret,
                replaced_at: None,
            };
            self.save_only(p, RecordKind::CalendarFeed, &feed).await?;
        }
        // Written again without the secret (and under the current key).
        self.save_only(p, RecordKind::CalendarPrefs, &prefs).await
    }
}
