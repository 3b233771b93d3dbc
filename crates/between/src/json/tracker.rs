//! JSON shapes of daily trackers, their readings and the daily check-in.

use between_app::records::Stored;
use between_app::trackers::{Given, Reading};
use between_domain::tracker::{Tracker, TrackerKind};
use between_domain::ValidationErrors;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rfc3339;

#[derive(Debug, Serialize)]
pub struct TrackerJson {
    pub id: Uuid,
    pub name: String,
    pub key: String,
    pub kind: &'static str,
    pub unit: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub low_below: Option<f64>,
    pub high_from: Option<f64>,
    pub created_at: String,
}

impl TrackerJson {
    pub fn new(t: &Stored<Tracker>, tz: &TimeZone) -> TrackerJson {
        TrackerJson {
            id: t.id,
            name: t.data.name.clone(),
            key: t.data.key.clone(),
            kind: t.data.kind.as_str(),
            unit: t.data.unit.clone(),
            min: t.data.min,
            max: t.data.max,
            low_below: t.data.low_below,
            high_from: t.data.high_from,
            created_at: rfc3339(t.created_at, tz),
        }
    }
}

/// A tracker definition as the API accepts it: either `preset` alone or
/// `name` and `kind` with the optional rest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub low_below: Option<f64>,
    #[serde(default)]
    pub high_from: Option<f64>,
}

impl TrackerInput {
    pub fn from_tracker(t: &Tracker) -> TrackerInput {
        TrackerInput {
            preset: None,
            name: t.name.clone(),
            key: Some(t.key.clone()),
            kind: Some(t.kind.as_str().into()),
            unit: t.unit.clone(),
            min: t.min,
            max: t.max,
            low_below: t.low_below,
            high_from: t.high_from,
        }
    }

    pub fn into_tracker(self) -> Result<Tracker, ValidationErrors> {
        if let Some(name) = &self.preset {
            let others = !self.name.is_empty()
                || self.key.is_some()
                || self.kind.is_some()
                || self.unit.is_some()
                || [self.min, self.max, self.low_below, self.high_from]
                    .iter()
                    .any(Option::is_some);
            if others {
                return Err(ValidationErrors::single(
                    "preset",
                    "A preset is a whole tracker: send it alone, or name and kind without it.",
                ));
            }
            return between_domain::tracker::preset(name).ok_or_else(|| {
                ValidationErrors::single(
                    "preset",
                    format!("\"{name}\" is not a ready-made tracker: use sleep, exercise or medication."),
                )
            });
        }
        let kind = TrackerKind::parse(self.kind.as_deref().unwrap_or(""))?;
        Ok(Tracker {
            name: self.name,
            key: self.key.unwrap_or_default(),
            kind,
            unit: self.unit,
            min: self.min,
            max: self.max,
            low_below: self.low_below,
            high_from: self.high_from,
        })
    }
}

#[derive(Debug, Serialize)]
pub struct ReadingJson {
    pub date: String,
    pub value: f64,
    /// As a person says it: "yes", "7.5 hours", "6/10".
    pub display: String,
}

impl ReadingJson {
    pub fn new(t: &Tracker, r: &Reading) -> ReadingJson {
        ReadingJson {
            date: r.date.to_string(),
            value: r.value,
            display: t.display(r.value),
        }
    }
}

/// `{"date": "2026-11-25", "values": {"sleep": 7.5, "exercise": true}}`;
/// `null` clears a reading, strings are read as typed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInBody {
    #[serde(default)]
    pub date: Option<String>,
    pub values: serde_json::Map<String, serde_json::Value>,
}

impl CheckInBody {
    pub fn given(&self) -> Result<Vec<(String, Given)>, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut out = Vec::new();
        for (key, v) in &self.values {
            let given = match v {
                serde_json::Value::Null => Given::Clear,
                serde_json::Value::Bool(b) => Given::Number(if *b { 1.0 } else { 0.0 }),
                serde_json::Value::Number(n) => match n.as_f64() {
                    Some(f) => Given::Number(f),
                    None => {
                        errors.add(key, "This number is out of range.");
                        continue;
                    }
                },
                serde_json::Value::String(s) => Given::Text(s.clone()),
                _ => {
                    errors.add(
                        key,
                        format!("{key} takes a number, true/false, a string or null."),
                    );
                    continue;
                }
            };
            out.push((key.clone(), given));
        }
        errors.into_result(out)
    }
}
