//! The JSON shapes of practices, logs and their statistics, and the input
//! the API accepts.

use std::collections::BTreeMap;

use between_app::practices::PracticeView;
use between_app::records::Stored;
use between_domain::practice::adherence::Stats;
use between_domain::practice::definition::{Log, Practice, Template};
use between_domain::practice::schedule::Schedule;
use between_domain::ValidationErrors;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::rfc3339;

pub fn stats_json(s: &Stats) -> Value {
    json!({
        "adherence": s.adherence,
        "scheduled": s.scheduled,
        "done": s.done,
        "current_streak": s.current_streak,
        "longest_streak": s.longest_streak,
        "due_today": s.due_today,
        "done_today": s.done_today,
        "overdue": s.overdue,
    })
}

pub fn schedule_json(s: &Schedule) -> Value {
    match s {
        Schedule::Rule { rrule } => {
            json!({"kind": "rule", "rrule": rrule, "description": s.describe()})
        }
        Schedule::PerWeek { times } => {
            json!({"kind": "per_week", "times": times, "description": s.describe()})
        }
        Schedule::Once { by } => {
            json!({"kind": "once", "by": by.to_string(), "description": s.describe()})
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LogJson {
    pub id: Uuid,
    pub practice_id: Option<Uuid>,
    pub at: String,
    pub minutes: Option<u32>,
    pub difficulty: Option<u8>,
    pub note: String,
    pub fields: BTreeMap<String, Value>,
}

impl LogJson {
    pub fn new(l: &Stored<Log>, tz: &TimeZone) -> LogJson {
        let mut fields: BTreeMap<String, Value> = l
            .data
            .texts
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        fields.extend(l.data.scales.iter().map(|(k, v)| (k.clone(), json!(v))));
        LogJson {
            id: l.id,
            practice_id: l.parent_id,
            at: rfc3339(l.occurred_at, tz),
            minutes: l.data.minutes,
            difficulty: l.data.difficulty,
            note: l.data.note.clone(),
            fields,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PracticeJson {
    pub id: Uuid,
    pub title: String,
    pub instructions: String,
    pub why: String,
    pub goal_id: Option<Uuid>,
    pub assigned_by: String,
    pub template: &'static str,
    pub schedule: Value,
    pub start: String,
    pub end: Option<String>,
    pub archived: bool,
    pub stats: Value,
    pub created_at: String,
}

impl PracticeJson {
    pub fn new(v: &PracticeView, tz: &TimeZone) -> PracticeJson {
        let p = &v.practice.data;
        PracticeJson {
            id: v.practice.id,
            title: p.title.clone(),
            instructions: p.instructions.clone(),
            why: p.why.clone(),
            goal_id: p.goal_id,
            assigned_by: p.assigned_by.clone(),
            template: p.template.as_str(),
            schedule: schedule_json(&p.schedule),
            start: p.start.to_string(),
            end: p.end.map(|e| e.to_string()),
            archived: p.archived,
            stats: stats_json(&v.stats),
            created_at: rfc3339(v.practice.created_at, tz),
        }
    }
}

/// A practice as sent by a client. `schedule` is a spec (`daily`,
/// `mon,wed,fri`, `per-week:3`, `every:2d`, `once:2026-12-01`) unless
/// `rrule` gives a custom RFC 5545 rule.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub goal_id: Option<Uuid>,
    #[serde(default)]
    pub assigned_by: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub rrule: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub archived: bool,
}

fn parse_date(field: &str, s: &str, errors: &mut ValidationErrors) -> Option<Date> {
    between_domain::timespec::parse_day(s)
        .map_err(|e| errors.add(field, e.to_string()))
        .ok()
}

impl PracticeInput {
    pub fn from_practice(p: &Practice) -> PracticeInput {
        let (schedule, rrule) = match &p.schedule {
            Schedule::Rule { rrule } => (None, Some(rrule.clone())),
            Schedule::PerWeek { times } => (Some(format!("per-week:{times}")), None),
            Schedule::Once { by } => (Some(format!("once:{by}")), None),
        };
        PracticeInput {
            title: p.title.clone(),
            instructions: p.instructions.clone(),
            why: p.why.clone(),
            goal_id: p.goal_id,
            assigned_by: Some(p.assigned_by.clone()),
            template: Some(p.template.as_str().into()),
            schedule,
            rrule,
            start: Some(p.start.to_string()),
            end: p.end.map(|e| e.to_string()),
            archived: p.archived,
        }
    }

    /// The practice this input describes; `today` is the default start.
    pub fn parse(self, today: Date) -> Result<Practice, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let template = Template::parse(self.template.as_deref().unwrap_or("free"))
            .map_err(|e| errors.add("template", e.to_string()))
            .ok();
        let schedule = match (
            self.schedule
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            self.rrule
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ) {
            (Some(_), Some(_)) => {
                errors.add("schedule", "Give either a schedule or an rrule, not both.");
                None
            }
            (Some(spec), None) => Schedule::parse(spec)
                .map_err(|e| errors.add("schedule", e.to_string()))
                .ok(),
            (None, Some(rule)) => Schedule::from_rrule(rule)
                .map_err(|e| errors.add("rrule", e.to_string()))
                .ok(),
            (None, None) => {
                errors.add("schedule", "When is it due? Give a schedule: daily, mon,wed,fri, per-week:3, every:2d or once:DATE.");
                None
            }
        };
        let start = match self.start.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_date("start", s, &mut errors),
            None => Some(today),
        };
        let end = self
            .end
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| parse_date("end", s, &mut errors));
        match (template, schedule, start) {
            (Some(template), Some(schedule), Some(start)) if errors.is_empty() => {
                // A one-off practice ends on its date.
                let end = match &schedule {
                    Schedule::Once { by } => end.or(Some(*by)),
                    _ => end,
                };
                Ok(Practice {
                    title: self.title,
                    instructions: self.instructions,
                    why: self.why,
                    goal_id: self.goal_id,
                    assigned_by: self.assigned_by.unwrap_or_default(),
                    template,
                    schedule,
                    start,
                    end,
                    archived: self.archived,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A log as sent by a client; `fields` are the template's fields (text, or
/// numbers 0–10 for its scales).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogInput {
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub minutes: Option<i64>,
    #[serde(default)]
    pub difficulty: Option<i64>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
}

impl LogInput {
    pub fn log(&self, template: Template) -> Result<Log, ValidationErrors> {
        let fields: Vec<(String, String)> = self
            .fields
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    },
                )
            })
            .collect();
        Log::from_fields(template, self.minutes, self.difficulty, &self.note, &fields)
    }
}

/// An assignment in JSON, for `--json` and the API.
pub fn assignment_json(
    a: &between_app::assignments::Assignment,
    tz: &jiff::tz::TimeZone,
) -> serde_json::Value {
    serde_json::json!({
        "id": a.id,
        "therapist": a.therapist,
        "client": a.client,
        "assigned_at": crate::json::rfc3339(a.at, tz),
        "title": a.practice.title,
        "instructions": a.practice.instructions,
        "why": a.practice.why,
        "template": a.practice.template.as_str(),
        "schedule": a.practice.schedule.describe(),
        "start": a.practice.start.to_string(),
        "end": a.practice.end.map(|d| d.to_string()),
        "state": a.state.as_str(),
        "note": a.reply.as_ref().map(|r| r.note.clone()),
        "adjusted_schedule": a.reply.as_ref().and_then(|r| r.adjusted_schedule.clone()),
        "verified": a.verified,
    })
}
