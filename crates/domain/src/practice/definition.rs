//! What a practice is (homework or an exercise with a schedule), the
//! built-in exercise templates with their log forms, and what a log holds.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::schedule::Schedule;
use crate::validation::ValidationErrors;

/// Built-in exercises, each with a short structured log form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Template {
    ThoughtRecord,
    Mindfulness,
    Experiment,
    Communication,
    Free,
}

/// One field of a template's log form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    /// A 0–10 number (stored as a number, e.g. for the average drop).
    pub scale: bool,
}

const fn text(key: &'static str, label: &'static str) -> Field {
    Field {
        key,
        label,
        scale: false,
    }
}

const fn scale(key: &'static str, label: &'static str) -> Field {
    Field {
        key,
        label,
        scale: true,
    }
}

impl Template {
    pub const ALL: [Template; 5] = [
        Template::ThoughtRecord,
        Template::Mindfulness,
        Template::Experiment,
        Template::Communication,
        Template::Free,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::ThoughtRecord => "thought-record",
            Template::Mindfulness => "mindfulness",
            Template::Experiment => "experiment",
            Template::Communication => "communication",
            Template::Free => "free",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Template::ThoughtRecord => "Thought record",
            Template::Mindfulness => "Mindfulness / breathing",
            Template::Experiment => "Behavioural experiment",
            Template::Communication => "Communication practice",
            Template::Free => "Free practice",
        }
    }

    pub fn parse(s: &str) -> Result<Template, ValidationErrors> {
        Template::ALL.into_iter().find(|t| t.as_str() == s.trim()).ok_or_else(|| {
            ValidationErrors::single(
                "template",
                format!("\"{}\" is not a template: use thought-record, mindfulness, experiment, communication or free.", s.trim()),
            )
        })
    }

    /// The fields of the log form (beyond time, minutes, difficulty and note).
    pub fn fields(self) -> &'static [Field] {
        match self {
            Template::ThoughtRecord => THOUGHT_RECORD,
            Template::Mindfulness => MINDFULNESS,
            Template::Experiment => EXPERIMENT,
            Template::Communication => COMMUNICATION,
            Template::Free => &[],
        }
    }
}

const THOUGHT_RECORD: &[Field] = &[
    text("situation", "Situation"),
    text("automatic_thought", "Automatic thought"),
    text("feeling_before", "Feeling before"),
    scale("intensity_before", "Intensity before (0–10)"),
    text("evidence_for", "Evidence for the thought"),
    text("evidence_against", "Evidence against the thought"),
    text("balanced_thought", "Balanced thought"),
    text("feeling_after", "Feeling after"),
    scale("intensity_after", "Intensity after (0–10)"),
];
const MINDFULNESS: &[Field] = &[scale("how_it_felt", "How it felt (0–10)")];
const EXPERIMENT: &[Field] = &[
    text("prediction", "What I predicted"),
    text("what_happened", "What happened"),
    text("what_i_learned", "What I learned"),
];
const COMMUNICATION: &[Field] = &[
    text("situation", "Situation"),
    text("what_i_said", "What I said"),
    text("how_it_went", "How it went"),
];

/// A practice: stored only encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Practice {
    pub title: String,
    #[serde(default)]
    pub instructions: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub goal_id: Option<Uuid>,
    /// "self", or a therapist's label.
    pub assigned_by: String,
    pub template: Template,
    pub schedule: Schedule,
    pub start: Date,
    #[serde(default)]
    pub end: Option<Date>,
    #[serde(default)]
    pub archived: bool,
}

impl Practice {
    pub fn validated(self) -> Result<Practice, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            errors.add(
                "title",
                "A practice needs a title, e.g. \"Evening breathing exercise\".",
            );
        } else if title.chars().count() > 200 {
            errors.add("title", "A title can be at most 200 characters long.");
        }
        for (field, value, max) in [
            ("instructions", &self.instructions, 20_000),
            ("why", &self.why, 5_000),
            ("assigned_by", &self.assigned_by, 200),
        ] {
            if value.chars().count() > max {
                errors.add(field, format!("This can be at most {max} characters long."));
            }
        }
        if let Some(end) = self.end {
            if end < self.start {
                errors.add(
                    "end",
                    format!("The end ({end}) is before the start ({}).", self.start),
                );
            }
        }
        if let Schedule::Once { by } = self.schedule {
            if by < self.start {
                errors.add(
                    "schedule",
                    format!("The date {by} is before the start ({}).", self.start),
                );
            }
        }
        let assigned_by = match self.assigned_by.trim() {
            "" => "self".to_string(),
            a => a.to_string(),
        };
        errors.into_result(Practice {
            title,
            instructions: self.instructions.trim().to_string(),
            why: self.why.trim().to_string(),
            assigned_by,
            ..self
        })
    }
}

/// One time a practice was done: stored only encrypted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    #[serde(default)]
    pub minutes: Option<u32>,
    /// How hard it was, 0–10.
    #[serde(default)]
    pub difficulty: Option<u8>,
    /// Free notes, including "couldn't do it because…".
    #[serde(default)]
    pub note: String,
    /// The template's text fields.
    #[serde(default)]
    pub texts: BTreeMap<String, String>,
    /// The template's 0–10 fields, as numbers.
    #[serde(default)]
    pub scales: BTreeMap<String, u8>,
}

impl Log {
    /// Builds a log from raw `KEY=VALUE` fields for `template`, checking keys
    /// and ranges.
    pub fn from_fields(
        template: Template,
        minutes: Option<i64>,
        difficulty: Option<i64>,
        note: &str,
        fields: &[(String, String)],
    ) -> Result<Log, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut log = Log {
            note: note.trim().to_string(),
            ..Log::default()
        };
        match minutes {
            Some(m) if !(0..=1440).contains(&m) => errors.add(
                "minutes",
                format!("Minutes must be between 0 and 1440, not {m}."),
            ),
            Some(m) => log.minutes = Some(m as u32),
            None => {}
        }
        match difficulty {
            Some(d) if !(0..=10).contains(&d) => errors.add(
                "difficulty",
                format!("Difficulty must be between 0 and 10, not {d}."),
            ),
            Some(d) => log.difficulty = Some(d as u8),
            None => {}
        }
        for (key, value) in fields {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let Some(field) = template.fields().iter().find(|f| f.key == key.trim()) else {
                let known: Vec<&str> = template.fields().iter().map(|f| f.key).collect();
                errors.add(
                    "fields",
                    if known.is_empty() {
                        format!(
                            "A {} log has no field \"{key}\"; use the note.",
                            template.label()
                        )
                    } else {
                        format!(
                            "A {} log has no field \"{key}\"; its fields are {}.",
                            template.label(),
                            known.join(", ")
                        )
                    },
                );
                continue;
            };
            if field.scale {
                match value.parse::<u8>() {
                    Ok(n) if n <= 10 => {
                        log.scales.insert(field.key.to_string(), n);
                    }
                    _ => errors.add(
                        "fields",
                        format!(
                            "{} must be a whole number from 0 to 10, not \"{value}\".",
                            field.label
                        ),
                    ),
                }
            } else if value.chars().count() > 5_000 {
                errors.add(
                    "fields",
                    format!("{} can be at most 5000 characters long.", field.label),
                );
            } else {
                log.texts.insert(field.key.to_string(), value.to_string());
            }
        }
        if log.note.chars().count() > 10_000 {
            errors.add("note", "A note can be at most 10000 characters long.");
        }
        errors.into_result(log)
    }

    /// For thought records: how much the feeling's intensity dropped.
    pub fn intensity_drop(&self) -> Option<i16> {
        Some(
            i16::from(*self.scales.get("intensity_before")?)
                - i16::from(*self.scales.get("intensity_after")?),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_thought_record_keeps_its_intensities_as_numbers() {
        let log = Log::from_fields(
            Template::ThoughtRecord,
            Some(15),
            Some(6),
            "hard one",
            &fields(&[
                ("situation", "Meeting"),
                ("intensity_before", "8"),
                ("intensity_after", "5"),
                ("balanced_thought", "One comment is not a verdict"),
            ]),
        )
        .unwrap();
        assert_eq!(log.intensity_drop(), Some(3));
        assert_eq!(log.texts["situation"], "Meeting");
    }

    #[test]
    fn unknown_fields_and_bad_numbers_are_named() {
        let err = Log::from_fields(
            Template::Mindfulness,
            Some(-1),
            Some(11),
            "",
            &fields(&[("colour", "blue"), ("how_it_felt", "12")]),
        )
        .unwrap_err();
        assert!(err.get("minutes").unwrap().contains("-1"));
        assert!(err.get("difficulty").unwrap().contains("11"));
        assert!(err.get("fields").unwrap().contains("colour"), "{err}");
    }

    #[test]
    fn a_practice_needs_a_title_and_sensible_dates() {
        let p = Practice {
            title: "  Breathe ".into(),
            instructions: String::new(),
            why: String::new(),
            goal_id: None,
            assigned_by: String::new(),
            template: Template::Mindfulness,
            schedule: Schedule::Rule {
                rrule: "FREQ=DAILY".into(),
            },
            start: date(2026, 3, 1),
            end: Some(date(2026, 2, 1)),
            archived: false,
        };
        let err = p.clone().validated().unwrap_err();
        assert!(err.get("end").is_some());
        let ok = Practice { end: None, ..p }.validated().unwrap();
        assert_eq!(
            (ok.title.as_str(), ok.assigned_by.as_str()),
            ("Breathe", "self")
        );
        assert!(Template::parse("yoga")
            .unwrap_err()
            .to_string()
            .contains("yoga"));
    }
}
