//! Turning reminders on and off, and keeping the sealed plan up to date.
//! The plan is sealed to the person's reminder public key, so any process
//! can write it; only a holder of the server key can open it.

use std::sync::Arc;

use between_domain::reminder::plan::{build, Inputs, PracticeInput};
use between_domain::reminder::{Kind, Plan};
use between_store::{RecordBatch, ReminderPlanRow};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::channels::{Channel, Target};
use super::server_key::{ServerKey, META_KEY};
use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// What the scheduler opens: the domain's plan and where to send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedPlan {
    pub plan: Plan,
    pub channels: Vec<PlanChannel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChannel {
    pub id: Uuid,
    pub target: Target,
    pub detailed: bool,
}

/// Whether reminders reach the person now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStatus {
    /// Turned off (or never on).
    Off,
    On,
    /// On, but wrapped under a server key this server does not hold (it
    /// was lost or replaced): nothing is sent until they are turned on
    /// again.
    Paused,
    /// This server has no server key: reminders cannot be turned on.
    Unavailable,
}

impl ReminderStatus {
    /// `on`, `off`, `paused` or `unavailable` (JSON, CLI).
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderStatus::On => "on",
            ReminderStatus::Off => "off",
            ReminderStatus::Paused => "paused",
            ReminderStatus::Unavailable => "unavailable",
        }
    }
}

/// Record kinds whose writes change a plan.
const PLAN_KINDS: [RecordKind; 12] = [
    RecordKind::Reminder,
    RecordKind::ReminderSettings,
    RecordKind::ReminderChannel,
    RecordKind::Practice,
    RecordKind::PracticeLog,
    RecordKind::Appointment,
    RecordKind::AppointmentSeries,
    RecordKind::Measure,
    RecordKind::MeasureSchedule,
    RecordKind::Review,
    RecordKind::AgendaPrefs,
    RecordKind::Agenda,
];

/// Whether a write of this batch may change the person's plan.
pub(crate) fn affects_plan(batch: &RecordBatch) -> bool {
    crate::records::batch_touches(batch, &PLAN_KINDS)
}

/// Derives the key under which a plan's delivery claims name their slot
/// and keep the message for a retry.
pub(crate) fn message_key(secret: &Key) -> Key {
    crypto::derive(secret.as_bytes(), "reminder/messages")
}

impl App {
    fn server_key(&self) -> Option<&Arc<ServerKey>> {
        self.config.server_key.as_ref()
    }

    /// Checks that the store's reminders are wrapped under this server's
    /// key (the first server to ask records its fingerprint).
    pub async fn server_key_matches(&self) -> Result<bool, AppError> {
        let Some(key) = self.server_key() else {
            return Ok(false);
        };
        let recorded = self
            .store
            .meta_or_insert(META_KEY, key.fingerprint())
            .await?;
        Ok(recorded == key.fingerprint())
    }

    pub async fn reminder_status(&self, p: &Principal) -> Result<ReminderStatus, AppError> {
        let row = self.store.reminder_plan(p.user.id).await?;
        Ok(match (row, self.server_key()) {
            (None, None) => ReminderStatus::Unavailable,
            (None, Some(_)) => ReminderStatus::Off,
            (Some(row), Some(key)) if row.server_key == key.fingerprint() => ReminderStatus::On,
            (Some(_), _) => ReminderStatus::Paused,
        })
    }

    /// Makes a new reminder key pair (wrapped under the server key) and
    /// the first plan. Also what turns paused reminders on again.
    pub async fn turn_reminders_on(&self, p: &Principal) -> Result<(), AppError> {
        let Some(key) = self.server_key().cloned() else {
            return Err(AppError::Conflict(
                "This server is not set up for reminders (it has no server key); its operator can turn them on.".into(),
            ));
        };
        if !self.server_key_matches().await? {
            return Err(AppError::Conflict(
                "This server's key is not the one its reminders were set up with; its operator must supply the right one.".into(),
            ));
        }
        let (secret, public) = crypto::new_identity();
        let sealed = self.sealed_plan_for(p, &public).await?;
        self.store
            .put_reminder_plan(&ReminderPlanRow {
                user_id: p.user.id,
                public_key: public.to_vec(),
                wrapped_secret: key.wrap(p.user.id, &secret),
                server_key: key.fingerprint().to_string(),
                sealed_plan: sealed,
                version: 1,
                updated_at: self.now_micros(),
            })
            .await?;
        Ok(())
    }

    /// Deletes the reminder credential and plan (and delivery state); the
    /// person's reminders and channels stay for when they turn them on.
    pub async fn turn_reminders_off(&self, p: &Principal) -> Result<(), AppError> {
        self.store.delete_reminder_plan(p.user.id).await?;
        Ok(())
    }

    /// Seals the plan again after a change. Errors are logged, not
    /// returned: the write that caused it has happened; a principal that
    /// cannot read everything the plan needs (a scoped token) leaves the
    /// plan as it was, to be rebuilt at the next full write.
    pub(crate) async fn refresh_reminder_plan(&self, p: &Principal) {
        let result = async {
            let Some(row) = self.store.reminder_plan(p.user.id).await? else {
                return Ok::<_, AppError>(());
            };
            let sealed = self.sealed_plan_for(p, &row.public_key).await?;
            self.store
                .update_reminder_plan(p.user.id, &row.public_key, &sealed, self.now_micros())
                .await?;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::debug!("reminder plan not rebuilt: {e}");
        }
    }

    /// The plan as it would be sealed now (the settings page shows the
    /// next reminders from it).
    pub async fn reminder_plan(&self, p: &Principal) -> Result<SealedPlan, AppError> {
        let reminders = self.reminders(p).await?;
        let settings = self.reminder_settings(p).await?;
        let channels: Vec<Stored<Channel>> = self
            .list_records(p, RecordKind::ReminderChannel, None)
            .await?;
        let needs =
            |k: fn(&Kind) -> bool| reminders.iter().any(|r| r.data.enabled && k(&r.data.kind));
        let practices = if needs(|k| matches!(k, Kind::Practice { .. })) {
            let today = self.today(p);
            self.practices_recent(p, self.now())
                .await?
                .into_iter()
                .map(|v| PracticeInput {
                    id: v.practice.id,
                    title: v.practice.data.title.clone(),
                    schedule: v.practice.data.schedule.clone(),
                    start: v.practice.data.start,
                    logged: v.days.clone(),
                    active: !v.practice.data.archived
                        && v.practice.data.end.is_none_or(|end| end >= today),
                })
                .collect()
        } else {
            Vec::new()
        };
        let now = self.now();
        let appointments = if needs(|k| matches!(k, Kind::Session | Kind::Measures)) {
            self.appointments(p)
                .await?
                .into_iter()
                .filter(|a| {
                    a.starts_at > now
                        && a.details.status != between_domain::appointment::Status::Cancelled
                })
                .map(|a| a.starts_at)
                .collect()
        } else {
            Vec::new()
        };
        let measures_due = if needs(|k| matches!(k, Kind::Measures)) {
            (!self.measures_due(p).await?.is_empty()).then(|| self.today(p))
        } else {
            None
        };
        let review_due = if needs(|k| matches!(k, Kind::Review)) {
            self.review_due(p).await?
        } else {
            None
        };
        let plan = build(&Inputs {
            zone: p.user.time_zone.iana_name().unwrap_or("UTC"),
            today: self.today(p),
            quiet: settings.quiet,
            reminders: reminders.iter().map(|r| (r.id, r.data.clone())).collect(),
            practices,
            appointments,
            measures_due,
            review_due,
            detailed: channels.iter().any(|c| c.data.detailed),
        });
        Ok(SealedPlan {
            plan,
            channels: channels
                .into_iter()
                .map(|c| PlanChannel {
                    id: c.id,
                    target: c.data.target,
                    detailed: c.data.detailed,
                })
                .collect(),
        })
    }

    /// The next `count` reminders within a week, as the plan says now
    /// (whether or not reminders are on: the settings page shows what
    /// would come).
    pub async fn upcoming_reminders(
        &self,
        p: &Principal,
        count: usize,
    ) -> Result<Vec<between_domain::reminder::Slot>, AppError> {
        let plan = self.reminder_plan(p).await?;
        let now = self.now();
        let week = now
            .checked_add(jiff::SignedDuration::from_hours(24 * 7))
            .unwrap_or(now);
        Ok(between_domain::reminder::slots(&plan.plan, now, week)
            .into_iter()
            .take(count)
            .collect())
    }

    async fn sealed_plan_for(&self, p: &Principal, public: &[u8]) -> Result<Vec<u8>, AppError> {
        let plan = self.reminder_plan(p).await?;
        let bytes = rmp_serde::to_vec_named(&plan).map_err(|e| AppError::Corrupt(e.to_string()))?;
        crypto::seal_to(public, &bytes)
            .map_err(|_| AppError::Corrupt("a reminder public key is malformed".into()))
    }
}

/// Opens a stored plan with the server key: the plan and the message key.
pub(crate) fn open_plan(
    key: &ServerKey,
    row: &ReminderPlanRow,
) -> Result<(SealedPlan, Key), AppError> {
    let secret = key.unwrap(row.user_id, &row.wrapped_secret)?;
    let bytes = crypto::open_sealed(&secret, &row.sealed_plan)
        .map_err(|_| AppError::Corrupt("a reminder plan does not open".into()))?;
    let plan = rmp_serde::from_slice(&bytes)
        .map_err(|e| AppError::Corrupt(format!("a reminder plan: {e}")))?;
    Ok((plan, message_key(&secret)))
}
