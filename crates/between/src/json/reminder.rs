//! Reminders and their channels as JSON, and what the API accepts.

use between_app::records::Stored;
use between_app::reminders::{ChannelView, Target};
use between_domain::reminder::rule::{describe_weekdays, parse_times, parse_weekdays};
use between_domain::reminder::{Kind, Reminder};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rfc3339;

#[derive(Debug, Serialize)]
pub struct ReminderJson {
    pub id: Uuid,
    /// `checkin`, `practice`, `session`, `measures` or `review`.
    pub kind: &'static str,
    pub practice_id: Option<Uuid>,
    /// Local times, `HH:MM`.
    pub times: Vec<String>,
    /// `mon`…`sun`; empty: every day.
    pub weekdays: Vec<String>,
    pub enabled: bool,
    pub created_at: String,
}

impl ReminderJson {
    pub fn new(r: &Stored<Reminder>, tz: &TimeZone) -> ReminderJson {
        ReminderJson {
            id: r.id,
            kind: r.data.kind.as_str(),
            practice_id: match r.data.kind {
                Kind::Practice { practice } => Some(practice),
                _ => None,
            },
            times: r
                .data
                .times
                .iter()
                .map(|t| t.strftime("%H:%M").to_string())
                .collect(),
            weekdays: r
                .data
                .weekdays
                .iter()
                .map(|d| describe_weekdays(&[*d]).to_lowercase())
                .collect(),
            enabled: r.data.enabled,
            created_at: rfc3339(r.created_at, tz),
        }
    }
}

/// A reminder as the API takes it (POST whole; PATCH merges into it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReminderInput {
    pub kind: String,
    #[serde(default)]
    pub practice_id: Option<Uuid>,
    pub times: Vec<String>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl ReminderInput {
    /// The input that would make `r` (what a PATCH merges into).
    pub fn from_reminder(r: &Reminder) -> ReminderInput {
        ReminderInput {
            kind: r.kind.as_str().to_string(),
            practice_id: match r.kind {
                Kind::Practice { practice } => Some(practice),
                _ => None,
            },
            times: r
                .times
                .iter()
                .map(|t| t.strftime("%H:%M").to_string())
                .collect(),
            weekdays: r
                .weekdays
                .iter()
                .map(|d| describe_weekdays(&[*d]).to_lowercase())
                .collect(),
            enabled: r.enabled,
        }
    }
}

impl ReminderInput {
    pub fn into_reminder(self) -> Result<Reminder, between_app::AppError> {
        let kind = Kind::parse(&self.kind, self.practice_id)?;
        let times = parse_times(&self.times.join(","))?;
        let weekdays = parse_weekdays(&self.weekdays.join(","))?;
        Ok(Reminder {
            kind,
            times,
            weekdays,
            enabled: self.enabled,
        })
    }
}

#[derive(Debug, Serialize)]
pub struct ChannelJson {
    pub id: Uuid,
    /// `push`, `email` or `webhook`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The address, or a URL's host (never a push endpoint's secret path).
    pub target: String,
    pub detailed: bool,
    /// An email address whose opt-in link was followed (others: true).
    pub confirmed: bool,
    /// Why reminders stopped going there (unsubscribed, subscription ended).
    pub stopped: Option<String>,
    pub last_delivered_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
}

impl ChannelJson {
    pub fn new(c: &ChannelView, tz: &TimeZone) -> ChannelJson {
        ChannelJson {
            id: c.id(),
            kind: c.channel.data.target.kind(),
            target: c.channel.data.target.describe(),
            detailed: c.channel.data.detailed,
            confirmed: c.confirmed,
            stopped: c.stopped.clone(),
            last_delivered_at: c.last_delivered_at.map(|t| rfc3339(t, tz)),
            last_error: c.last_error.clone(),
            created_at: rfc3339(c.channel.created_at, tz),
        }
    }
}

/// A channel as the API takes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelInput {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub p256dh: Option<String>,
    #[serde(default)]
    pub auth: Option<String>,
    #[serde(default)]
    pub detailed: bool,
}

impl ChannelInput {
    pub fn into_target(self) -> Result<Target, between_app::AppError> {
        let need = |v: Option<String>, field: &str| {
            v.ok_or_else(|| {
                between_app::AppError::invalid(
                    field,
                    format!("A {} channel needs {field}.", self.kind),
                )
            })
        };
        match self.kind.as_str() {
            "webhook" => Ok(Target::Webhook {
                url: need(self.url.clone(), "url")?,
            }),
            "email" => Ok(Target::Email {
                address: need(self.address.clone(), "address")?,
            }),
            "push" => Ok(Target::Push {
                endpoint: need(self.endpoint.clone(), "endpoint")?,
                p256dh: need(self.p256dh.clone(), "p256dh")?,
                auth: need(self.auth.clone(), "auth")?,
            }),
            other => Err(between_app::AppError::invalid(
                "type",
                format!("\"{other}\" is not a channel type: use push, email or webhook."),
            )),
        }
    }
}
