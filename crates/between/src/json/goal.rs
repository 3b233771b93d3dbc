//! The JSON shapes of goals and check-ins, and the input for creating and
//! changing goals.

use between_app::goals::GoalView;
use between_app::records::Stored;
use between_domain::goal::{
    Area, CheckIn, Goal, GoalStatus, Measure, DEFAULT_REVIEW_DAYS, GAS_LEVELS,
};
use between_domain::ValidationErrors;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::rfc3339;

#[derive(Debug, Serialize)]
pub struct CheckInJson {
    pub id: Uuid,
    pub at: String,
    pub level: Option<i8>,
    pub value: Option<f64>,
    pub note: String,
}

impl CheckInJson {
    pub fn new(c: &Stored<CheckIn>, tz: &TimeZone) -> CheckInJson {
        CheckInJson {
            id: c.id,
            at: rfc3339(c.occurred_at, tz),
            level: c.data.level,
            value: c.data.value,
            note: c.data.note.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct GoalJson {
    pub id: Uuid,
    pub title: String,
    pub why: String,
    pub area: Option<&'static str>,
    pub status: &'static str,
    pub measure: Value,
    pub review_every_days: u32,
    pub next_review: String,
    pub due_for_review: bool,
    /// Numeric goals: fraction of the way from baseline to target at the
    /// latest check-in (above 1 on overshoot). GAS goals: the latest level.
    pub progress: Option<f64>,
    pub check_ins: Vec<CheckInJson>,
    pub created_at: String,
}

pub fn measure_json(m: &Measure) -> Value {
    match m {
        Measure::Gas { levels } => json!({
            "type": "gas",
            "levels": GAS_LEVELS.iter().zip(levels).map(|((level, _), text)| json!({"level": level, "description": text})).collect::<Vec<_>>(),
        }),
        Measure::Numeric {
            baseline,
            target,
            unit,
            lower_is_better,
        } => json!({
            "type": "numeric", "baseline": baseline, "target": target, "unit": unit, "lower_is_better": lower_is_better,
        }),
    }
}

impl GoalJson {
    pub fn new(v: &GoalView, tz: &TimeZone) -> GoalJson {
        let g = &v.goal.data;
        GoalJson {
            id: v.goal.id,
            title: g.title.clone(),
            why: g.why.clone(),
            area: g.area.map(Area::as_str),
            status: g.status.as_str(),
            measure: measure_json(&g.measure),
            review_every_days: g.review_every_days,
            next_review: rfc3339(v.next_review, tz),
            due_for_review: v.due_for_review,
            progress: v.progress,
            check_ins: v
                .check_ins
                .iter()
                .map(|c| CheckInJson::new(c, tz))
                .collect(),
            created_at: rfc3339(v.goal.created_at, tz),
        }
    }
}

/// A goal as sent by a client: GAS (`gas_levels`, five descriptions from
/// -2 to +2) or numeric (`baseline`, `target`, `unit`, `lower_is_better`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub gas_levels: Option<Vec<String>>,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub lower_is_better: bool,
    #[serde(default)]
    pub review_every_days: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
}

impl GoalInput {
    pub fn from_goal(g: &Goal) -> GoalInput {
        let mut input = GoalInput {
            title: g.title.clone(),
            why: g.why.clone(),
            area: g.area.map(|a| a.as_str().to_string()),
            review_every_days: Some(i64::from(g.review_every_days)),
            status: Some(g.status.as_str().into()),
            ..GoalInput::default()
        };
        match &g.measure {
            Measure::Gas { levels } => input.gas_levels = Some(levels.to_vec()),
            Measure::Numeric {
                baseline,
                target,
                unit,
                lower_is_better,
            } => {
                input.baseline = Some(*baseline);
                input.target = Some(*target);
                input.unit = Some(unit.clone());
                input.lower_is_better = *lower_is_better;
            }
        }
        input
    }

    /// The goal this input describes (validated by the app).
    pub fn parse(self) -> Result<Goal, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let area = match self
            .area
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            None => None,
            Some(a) => Area::parse(a)
                .map_err(|e| errors.add("area", e.to_string()))
                .ok(),
        };
        let status = match self.status.as_deref() {
            None => GoalStatus::Active,
            Some(s) => GoalStatus::parse(s).unwrap_or_else(|e| {
                errors.add("status", e.to_string());
                GoalStatus::Active
            }),
        };
        let days = self
            .review_every_days
            .unwrap_or(i64::from(DEFAULT_REVIEW_DAYS));
        let review_every_days = u32::try_from(days).unwrap_or(0);
        let numeric = self.baseline.is_some() || self.target.is_some() || self.unit.is_some();
        let measure = match (self.gas_levels, numeric) {
            (Some(_), true) => {
                errors.add(
                    "measure",
                    "A goal is measured either in GAS levels or as a number, not both.",
                );
                None
            }
            (Some(levels), false) => match <[String; 5]>::try_from(levels) {
                Ok(levels) => Some(Measure::Gas { levels }),
                Err(given) => {
                    errors.add(
                        "gas_levels",
                        format!(
                            "Describe all five levels from -2 to +2 (got {}).",
                            given.len()
                        ),
                    );
                    None
                }
            },
            (None, true) => match (self.baseline, self.target) {
                (Some(baseline), Some(target)) => Some(Measure::Numeric {
                    baseline,
                    target,
                    unit: self.unit.unwrap_or_default(),
                    lower_is_better: self.lower_is_better,
                }),
                _ => {
                    errors.add("target", "A numeric goal needs a baseline and a target.");
                    None
                }
            },
            (None, false) => {
                errors.add("measure", "How will you know you are getting there? Describe five GAS levels, or give a baseline, target and unit.");
                None
            }
        };
        match measure {
            Some(measure) if errors.is_empty() => Ok(Goal {
                title: self.title,
                why: self.why,
                area,
                measure,
                review_every_days,
                status,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInInput {
    #[serde(default)]
    pub level: Option<i64>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub note: String,
}

impl CheckInInput {
    pub fn check_in(&self) -> Result<CheckIn, ValidationErrors> {
        let level = match self.level {
            None => None,
            Some(l) if (-2..=2).contains(&l) => Some(l as i8),
            Some(l) => {
                return Err(ValidationErrors::single(
                    "level",
                    format!("A level is from -2 to +2, not {l}."),
                ))
            }
        };
        Ok(CheckIn {
            level,
            value: self.value,
            note: self.note.clone(),
        })
    }
}
