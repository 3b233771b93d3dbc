//! The person's reminders, quiet times and channels: add, list, change,
//! delete. Every write goes through `apply_records`, which rebuilds the
//! plan when reminders are on.

use between_domain::reminder::{Quiet, Reminder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::channels::{Channel, ChannelView, Target};
use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// Settings that apply to every reminder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderSettings {
    #[serde(default)]
    pub quiet: Quiet,
}

impl App {
    /// Every reminder, oldest first.
    pub async fn reminders(&self, p: &Principal) -> Result<Vec<Stored<Reminder>>, AppError> {
        self.list_records(p, RecordKind::Reminder, None).await
    }

    pub async fn reminder(&self, p: &Principal, id: Uuid) -> Result<Stored<Reminder>, AppError> {
        Ok(self
            .get_record(p, RecordKind::Reminder, id, "reminder")
            .await?
            .1)
    }

    /// Adds a reminder (a practice reminder must name one of the person's
    /// practices) and turns reminders on when they are off and can be.
    pub async fn add_reminder(
        &self,
        p: &Principal,
        reminder: Reminder,
    ) -> Result<Stored<Reminder>, AppError> {
        let reminder = self.checked_reminder(p, reminder).await?;
        let stored = self
            .insert_record(p, RecordKind::Reminder, None, self.now(), &reminder)
            .await?;
        if self.store.reminder_plan(p.user.id).await?.is_none() && self.config.server_key.is_some()
        {
            self.turn_reminders_on(p).await?;
        }
        Ok(stored)
    }

    pub async fn update_reminder(
        &self,
        p: &Principal,
        id: Uuid,
        reminder: Reminder,
    ) -> Result<Stored<Reminder>, AppError> {
        let reminder = self.checked_reminder(p, reminder).await?;
        let (row, current) = self
            .get_record::<Reminder>(p, RecordKind::Reminder, id, "reminder")
            .await?;
        self.replace_record(
            p,
            RecordKind::Reminder,
            &row,
            current.occurred_at,
            &reminder,
        )
        .await
    }

    pub async fn delete_reminder(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::Reminder, id, "reminder")
            .await
    }

    async fn checked_reminder(
        &self,
        p: &Principal,
        reminder: Reminder,
    ) -> Result<Reminder, AppError> {
        let reminder = reminder.validated()?;
        if let between_domain::reminder::Kind::Practice { practice } = reminder.kind {
            self.get_record::<between_domain::practice::definition::Practice>(
                p,
                RecordKind::Practice,
                practice,
                "practice",
            )
            .await?;
        }
        Ok(reminder)
    }

    pub async fn reminder_settings(&self, p: &Principal) -> Result<ReminderSettings, AppError> {
        Ok(self
            .list_records::<ReminderSettings>(p, RecordKind::ReminderSettings, None)
            .await?
            .into_iter()
            .next()
            .map(|s| s.data)
            .unwrap_or_default())
    }

    pub async fn save_reminder_settings(
        &self,
        p: &Principal,
        settings: &ReminderSettings,
    ) -> Result<(), AppError> {
        let existing = self
            .record_rows(p, RecordKind::ReminderSettings, None, Default::default())
            .await?;
        match existing.first() {
            Some(row) => {
                let occurred = crate::from_micros(row.occurred_at)?;
                self.replace_record(p, RecordKind::ReminderSettings, row, occurred, settings)
                    .await?;
            }
            None => {
                self.insert_record(p, RecordKind::ReminderSettings, None, self.now(), settings)
                    .await?;
            }
        }
        Ok(())
    }

    /// Every channel with its delivery status, oldest first.
    pub async fn reminder_channels(&self, p: &Principal) -> Result<Vec<ChannelView>, AppError> {
        let channels: Vec<Stored<Channel>> = self
            .list_records(p, RecordKind::ReminderChannel, None)
            .await?;
        let statuses = self.store.channel_statuses(p.user.id).await?;
        channels
            .into_iter()
            .map(|channel| {
                let status = statuses
                    .iter()
                    .find(|s| s.channel_id == channel.id)
                    .cloned()
                    .unwrap_or_default();
                let needs_opt_in = matches!(channel.data.target, Target::Email { .. });
                Ok(ChannelView {
                    confirmed: !needs_opt_in || status.confirmed_at.is_some(),
                    stopped: status
                        .stopped_at
                        .map(|_| status.stopped_why.clone().unwrap_or_default()),
                    last_delivered_at: status
                        .last_delivered_at
                        .map(crate::from_micros)
                        .transpose()?,
                    last_error: status.last_error.clone(),
                    channel,
                })
            })
            .collect()
    }

    /// Adds a channel after checking its target; an email address is not
    /// used until its opt-in link is followed (the caller sends it).
    pub async fn add_reminder_channel(
        &self,
        p: &Principal,
        channel: Channel,
    ) -> Result<Stored<Channel>, AppError> {
        let channel = Channel {
            target: channel
                .target
                .validated(self.config.allow_loopback_targets)?,
            ..channel
        };
        let existing = self.reminder_channels(p).await?;
        if existing.len() >= MAX_CHANNELS {
            return Err(AppError::invalid(
                "channel",
                format!("At most {MAX_CHANNELS} channels; remove one first."),
            ));
        }
        if let Some(same) = existing
            .iter()
            .find(|c| c.channel.data.target == channel.target)
        {
            return Err(AppError::Conflict(format!(
                "That channel is there already ({}).",
                same.channel.id
            )));
        }
        self.insert_record(p, RecordKind::ReminderChannel, None, self.now(), &channel)
            .await
    }

    /// Changes whether a channel says what is due.
    pub async fn set_channel_detailed(
        &self,
        p: &Principal,
        id: Uuid,
        detailed: bool,
    ) -> Result<Stored<Channel>, AppError> {
        let (row, current) = self
            .get_record::<Channel>(p, RecordKind::ReminderChannel, id, "channel")
            .await?;
        let channel = Channel {
            detailed,
            ..current.data
        };
        self.replace_record(
            p,
            RecordKind::ReminderChannel,
            &row,
            current.occurred_at,
            &channel,
        )
        .await
    }

    pub async fn delete_reminder_channel(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::ReminderChannel, id, "channel")
            .await?;
        self.store.forget_channel(p.user.id, id).await?;
        Ok(())
    }
}

/// Channels a person may have at once.
pub const MAX_CHANNELS: usize = 10;
