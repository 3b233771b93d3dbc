//! The reminder plan: the least the scheduler must know to send reminders
//! while the person is signed out — local times, days, kinds and, only when
//! the person asked for detailed text, a title. The app rebuilds it whenever
//! reminders, practices, their logs, appointments, measures or reviews
//! change ([`build`]); the scheduler reads it sealed (see the app's
//! `reminders` module) and never anything else of the person's.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::quiet::Quiet;
use super::rule::{Kind, Reminder};
use crate::practice::schedule::{week_start, Schedule};

/// What the scheduler reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The person's IANA zone.
    pub zone: String,
    #[serde(default)]
    pub quiet: Quiet,
    #[serde(default)]
    pub items: Vec<Item>,
}

/// One reminder, ready to schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The reminder's id: slots are keyed by it.
    pub id: Uuid,
    pub kind: Kind,
    pub times: Vec<Time>,
    pub days: Days,
    /// The practice's name, only for someone who chose detailed text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// On which local days an item comes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Days {
    /// These weekdays (empty: every day).
    Weekly {
        #[serde(with = "super::rule::weekday_list")]
        weekdays: Vec<Weekday>,
    },
    /// A practice's schedule, less the days it was already done.
    Practice(PracticeDays),
    /// These dates.
    Dates { dates: Vec<Date> },
}

/// A practice's schedule and the recent days it was done, so the scheduler
/// can tell "due and not yet done" without the practice itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeDays {
    pub schedule: Schedule,
    pub start: Date,
    /// Days with a log, from the Monday of last week on.
    pub done: Vec<Date>,
    /// A one-off practice already done: nothing more comes.
    #[serde(default)]
    pub finished: bool,
}

impl Days {
    /// True when the item comes on `date`.
    pub fn includes(&self, date: Date) -> bool {
        match self {
            Days::Weekly { weekdays } => weekdays.is_empty() || weekdays.contains(&date.weekday()),
            Days::Dates { dates } => dates.contains(&date),
            Days::Practice(p) => p.due_and_not_done(date),
        }
    }
}

impl PracticeDays {
    fn due_and_not_done(&self, date: Date) -> bool {
        if self.finished || date < self.start || self.done.contains(&date) {
            return false;
        }
        match &self.schedule {
            Schedule::Rule { .. } => !self.schedule.occurrences(self.start, date, date).is_empty(),
            Schedule::PerWeek { times } => {
                let monday = week_start(date);
                let done_this_week = self
                    .done
                    .iter()
                    .filter(|d| **d >= monday && **d < date)
                    .count();
                done_this_week < usize::from(*times)
            }
            Schedule::Once { by } => date <= *by,
        }
    }
}

/// A practice as the plan needs it.
#[derive(Debug, Clone)]
pub struct PracticeInput {
    pub id: Uuid,
    pub title: String,
    pub schedule: Schedule,
    pub start: Date,
    /// Local days with a log (any period that covers last week is enough).
    pub logged: Vec<Date>,
    /// Ended or archived practices get no reminders.
    pub active: bool,
}

/// Everything a plan is built from, gathered by the app.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub zone: &'a str,
    pub today: Date,
    pub quiet: Quiet,
    pub reminders: Vec<(Uuid, Reminder)>,
    pub practices: Vec<PracticeInput>,
    /// Starts of upcoming appointments (cancelled ones left out).
    pub appointments: Vec<Timestamp>,
    /// When questionnaires are next due.
    pub measures_due: Option<Date>,
    /// When the next review is due.
    pub review_due: Option<Date>,
    /// Put practice titles in the plan (some channel has detailed text).
    pub detailed: bool,
}

/// The plan for these inputs: enabled reminders only; a practice reminder
/// for a practice that no longer exists or is not active is left out.
pub fn build(inputs: &Inputs) -> Plan {
    let tz = crate::zone::get(inputs.zone).unwrap_or(TimeZone::UTC);
    let day_before =
        |at: &Timestamp| -> Option<Date> { at.to_zoned(tz.clone()).date().yesterday().ok() };
    let session_days: Vec<Date> = {
        let mut d: Vec<Date> = inputs
            .appointments
            .iter()
            .filter_map(day_before)
            .filter(|d| *d >= inputs.today)
            .collect();
        d.sort();
        d.dedup();
        d
    };
    let mut items = Vec::new();
    for (id, r) in inputs.reminders.iter().filter(|(_, r)| r.enabled) {
        let (days, title) = match r.kind {
            Kind::Checkin => (
                Days::Weekly {
                    weekdays: r.weekdays.clone(),
                },
                None,
            ),
            Kind::Practice { practice } => {
                let Some(p) = inputs
                    .practices
                    .iter()
                    .find(|p| p.id == practice && p.active)
                else {
                    continue;
                };
                let since = week_start(inputs.today)
                    .checked_sub(jiff::Span::new().days(7))
                    .unwrap_or(inputs.today);
                let mut done: Vec<Date> =
                    p.logged.iter().copied().filter(|d| *d >= since).collect();
                done.sort();
                done.dedup();
                let finished = matches!(p.schedule, Schedule::Once { .. }) && !p.logged.is_empty();
                (
                    Days::Practice(PracticeDays {
                        schedule: p.schedule.clone(),
                        start: p.start,
                        done,
                        finished,
                    }),
                    inputs.detailed.then(|| p.title.clone()),
                )
            }
            Kind::Session => (
                Days::Dates {
                    dates: session_days.clone(),
                },
                None,
            ),
            Kind::Measures => {
                let mut dates = Vec::new();
                if let Some(due) = inputs.measures_due {
                    dates.push(due.max(inputs.today));
                    // Also the day before the first session they are due by.
                    if let Some(before) = session_days.iter().find(|d| **d >= due) {
                        dates.push(*before);
                    }
                }
                dates.sort();
                dates.dedup();
                (Days::Dates { dates }, None)
            }
            Kind::Review => (
                Days::Dates {
                    dates: inputs
                        .review_due
                        .map(|d| vec![d.max(inputs.today)])
                        .unwrap_or_default(),
                },
                None,
            ),
        };
        items.push(Item {
            id: *id,
            kind: r.kind,
            times: r.times.clone(),
            days,
            title,
        });
    }
    Plan {
        zone: inputs.zone.to_string(),
        quiet: inputs.quiet.clone(),
        items,
    }
}
