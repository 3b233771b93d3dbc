//! JSON shapes of questions, insights and session feedback.

use between_app::feedback::Rated;
use between_app::records::Stored;
use between_domain::feedback::Feedback;
use between_domain::insight::Insight;
use between_domain::question::Question;
use between_domain::ValidationErrors;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rfc3339;

#[derive(Debug, Serialize)]
pub struct QuestionJson {
    pub id: Uuid,
    pub text: String,
    pub status: &'static str,
    pub answer: Option<String>,
    pub appointment_id: Option<Uuid>,
    pub answered_at: Option<String>,
    pub created_at: String,
}

impl QuestionJson {
    pub fn new(q: &Stored<Question>, tz: &TimeZone) -> QuestionJson {
        QuestionJson {
            id: q.id,
            text: q.data.text.clone(),
            status: if q.data.is_open() { "open" } else { "answered" },
            answer: q.data.answer.clone(),
            appointment_id: q.data.appointment_id,
            answered_at: q.data.answered_at.map(|t| rfc3339(t, tz)),
            created_at: rfc3339(q.created_at, tz),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
}

#[derive(Debug, Serialize)]
pub struct InsightJson {
    pub id: Uuid,
    pub text: String,
    pub kind: &'static str,
    pub appointment_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub created_at: String,
}

impl InsightJson {
    pub fn new(i: &Stored<Insight>, tz: &TimeZone) -> InsightJson {
        InsightJson {
            id: i.id,
            text: i.data.text.clone(),
            kind: i.data.kind.as_str(),
            appointment_id: i.data.appointment_id,
            tags: i.data.tags.clone(),
            created_at: rfc3339(i.created_at, tz),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InsightInput {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FeedbackJson {
    pub appointment_id: Uuid,
    pub heard: u8,
    pub worked_on: u8,
    pub approach: u8,
    pub overall: u8,
    pub total: u32,
    pub working: String,
    pub change: String,
    /// Any item ≤ 5, or a total ≤ 28 of 40.
    pub low: bool,
    /// The total is ≥ 6 below the mean of the three sessions before.
    pub falling: bool,
    pub updated_at: String,
}

impl FeedbackJson {
    pub fn new(r: &Rated, tz: &TimeZone) -> FeedbackJson {
        let f = &r.feedback.data;
        FeedbackJson {
            appointment_id: r.appointment_id,
            heard: f.heard,
            worked_on: f.worked_on,
            approach: f.approach,
            overall: f.overall,
            total: f.total(),
            working: f.working.clone(),
            change: f.change.clone(),
            low: r.low,
            falling: r.falling,
            updated_at: rfc3339(r.feedback.updated_at, tz),
        }
    }
}

/// Feedback as sent by a client: four scores 0–10 and two texts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    pub heard: Option<i64>,
    pub worked_on: Option<i64>,
    pub approach: Option<i64>,
    pub overall: Option<i64>,
    #[serde(default)]
    pub working: String,
    #[serde(default)]
    pub change: String,
}

impl FeedbackInput {
    pub fn parse(self) -> Result<Feedback, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut score = |field: &str, label: &str, v: Option<i64>| -> u8 {
            match v {
                None => {
                    errors.add(field, format!("Give \"{label}\" a score from 0 to 10."));
                    0
                }
                Some(n) if !(0..=10).contains(&n) => {
                    errors.add(
                        field,
                        format!("\"{label}\" must be between 0 and 10, not {n}."),
                    );
                    0
                }
                Some(n) => n as u8,
            }
        };
        let items = between_domain::feedback::ITEMS;
        let fb = Feedback {
            heard: score(items[0].0, items[0].1, self.heard),
            worked_on: score(items[1].0, items[1].1, self.worked_on),
            approach: score(items[2].0, items[2].1, self.approach),
            overall: score(items[3].0, items[3].1, self.overall),
            working: self.working,
            change: self.change,
        };
        errors.into_result(fb).and_then(Feedback::validated)
    }
}
