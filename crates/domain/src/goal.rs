//! Goals with measurable progress: Goal Attainment Scaling (five levels,
//! -2 … +2, each described in the person's own words) or a number with a
//! baseline, a target and a direction. Progress and review timing are
//! computed here, from check-ins.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

pub const MAX_TITLE_CHARS: usize = 200;
pub const DEFAULT_REVIEW_DAYS: u32 = 28;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Anxiety,
    Mood,
    Relationships,
    Sleep,
    Work,
    SelfEsteem,
    Other,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Anxiety,
        Area::Mood,
        Area::Relationships,
        Area::Sleep,
        Area::Work,
        Area::SelfEsteem,
        Area::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Anxiety => "anxiety",
            Area::Mood => "mood",
            Area::Relationships => "relationships",
            Area::Sleep => "sleep",
            Area::Work => "work",
            Area::SelfEsteem => "self-esteem",
            Area::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Area, ValidationErrors> {
        let s = s.trim().to_lowercase().replace('_', "-");
        Area::ALL.into_iter().find(|a| a.as_str() == s).ok_or_else(|| {
            ValidationErrors::single(
                "area",
                format!("\"{s}\" is not an area: use anxiety, mood, relationships, sleep, work, self-esteem or other."),
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Active,
    Paused,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 4] = [
        GoalStatus::Active,
        GoalStatus::Paused,
        GoalStatus::Achieved,
        GoalStatus::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::Paused => "paused",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Result<GoalStatus, ValidationErrors> {
        GoalStatus::ALL
            .into_iter()
            .find(|g| g.as_str() == s.trim())
            .ok_or_else(|| {
                ValidationErrors::single(
                    "status",
                    format!(
                        "\"{}\" is not a status: use active, paused, achieved or dropped.",
                        s.trim()
                    ),
                )
            })
    }
}

/// The GAS levels, lowest first, with their standard meaning.
pub const GAS_LEVELS: [(i8, &str); 5] = [
    (-2, "much less than expected"),
    (-1, "somewhat less than expected"),
    (0, "the expected outcome"),
    (1, "somewhat more than expected"),
    (2, "much more than expected"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Measure {
    /// Goal Attainment Scaling: what each level -2 … +2 looks like, lowest first.
    Gas { levels: [String; 5] },
    /// A number moving from a baseline towards a target.
    Numeric {
        baseline: f64,
        target: f64,
        unit: String,
        lower_is_better: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub title: String,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub area: Option<Area>,
    pub measure: Measure,
    pub review_every_days: u32,
    pub status: GoalStatus,
}

/// One check-in: a GAS level or a measured value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    #[serde(default)]
    pub level: Option<i8>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub note: String,
}

impl Goal {
    pub fn validated(self) -> Result<Goal, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            errors.add("title", "A goal needs a title: something concrete, like \"Speak up once in every team meeting\".");
        } else if title.chars().count() > MAX_TITLE_CHARS {
            errors.add(
                "title",
                format!("A title can be at most {MAX_TITLE_CHARS} characters long."),
            );
        }
        let why = self.why.trim().to_string();
        if why.chars().count() > 5_000 {
            errors.add(
                "why",
                "\"Why it matters\" can be at most 5000 characters long.",
            );
        }
        if !(1..=366).contains(&self.review_every_days) {
            errors.add(
                "review_every",
                format!(
                    "Review every 1 to 366 days, not {}.",
                    self.review_every_days
                ),
            );
        }
        let measure = match self.measure {
            Measure::Gas { levels } => {
                let levels = levels.map(|l| l.trim().to_string());
                for ((level, meaning), text) in GAS_LEVELS.iter().zip(&levels) {
                    if text.is_empty() {
                        errors.add("levels", format!("Describe what level {level:+} ({meaning}) would look like for you."));
                    } else if text.chars().count() > 1_000 {
                        errors.add("levels", format!("The description of level {level:+} is too long (at most 1000 characters)."));
                    }
                }
                Measure::Gas { levels }
            }
            Measure::Numeric {
                baseline,
                target,
                unit,
                lower_is_better,
            } => {
                let unit = unit.trim().to_string();
                if !baseline.is_finite() || !target.is_finite() {
                    errors.add("baseline", "The baseline and target must be numbers.");
                } else if lower_is_better && target > baseline {
                    errors.add("target", format!("Lower is better, so the target ({target}) must not be above the baseline ({baseline})."));
                } else if !lower_is_better && target < baseline {
                    errors.add("target", format!("Higher is better, so the target ({target}) must not be below the baseline ({baseline}); use lower-is-better otherwise."));
                }
                if unit.is_empty() {
                    errors.add(
                        "unit",
                        "Give the unit of the number, e.g. \"panic attacks per week\".",
                    );
                } else if unit.chars().count() > 100 {
                    errors.add("unit", "The unit can be at most 100 characters long.");
                }
                Measure::Numeric {
                    baseline,
                    target,
                    unit,
                    lower_is_better,
                }
            }
        };
        errors.into_result(Goal {
            title,
            why,
            measure,
            ..self
        })
    }

    /// Checks that a check-in fits this goal's measure.
    pub fn validate_check_in(&self, c: CheckIn) -> Result<CheckIn, ValidationErrors> {
        let note = c.note.trim().to_string();
        if note.chars().count() > 5_000 {
            return Err(ValidationErrors::single(
                "note",
                "A note can be at most 5000 characters long.",
            ));
        }
        match (&self.measure, c.level, c.value) {
            (Measure::Gas { .. }, Some(level), None) if (-2..=2).contains(&level) => Ok(CheckIn {
                level: Some(level),
                value: None,
                note,
            }),
            (Measure::Gas { .. }, Some(level), None) => Err(ValidationErrors::single(
                "level",
                format!("A level is from -2 to +2, not {level}."),
            )),
            (Measure::Gas { .. }, _, _) => Err(ValidationErrors::single(
                "level",
                "This goal is measured in levels: give a level from -2 to +2.",
            )),
            (Measure::Numeric { .. }, None, Some(v)) if v.is_finite() => Ok(CheckIn {
                level: None,
                value: Some(v),
                note,
            }),
            (Measure::Numeric { unit, .. }, _, _) => Err(ValidationErrors::single(
                "value",
                format!("This goal is measured as a number: give a value in {unit}."),
            )),
        }
    }

    /// Progress at a check-in. Numeric: the fraction of the way from
    /// baseline to target (1 = reached, above 1 = overshoot, below 0 =
    /// worse than the baseline). GAS: the level itself.
    pub fn progress(&self, c: &CheckIn) -> Option<f64> {
        match (&self.measure, c.level, c.value) {
            (Measure::Gas { .. }, Some(level), _) => Some(f64::from(level)),
            (
                Measure::Numeric {
                    baseline,
                    target,
                    lower_is_better,
                    ..
                },
                _,
                Some(v),
            ) => Some(numeric_progress(*baseline, *target, *lower_is_better, v)),
            _ => None,
        }
    }
}

/// The fraction of the way from `baseline` to `target` that `value` has
/// come. When baseline and target are equal, the goal is to hold the line:
/// 1 when the value is at or better than it, 0 otherwise.
pub fn numeric_progress(baseline: f64, target: f64, lower_is_better: bool, value: f64) -> f64 {
    if (target - baseline).abs() < f64::EPSILON {
        let at_or_better = if lower_is_better {
            value <= target
        } else {
            value >= target
        };
        return if at_or_better { 1.0 } else { 0.0 };
    }
    (value - baseline) / (target - baseline)
}

/// When a goal is next due for review: a cadence after its latest check-in
/// (or its creation when it has none).
pub fn next_review(
    goal: &Goal,
    created_at: Timestamp,
    last_check_in: Option<Timestamp>,
) -> Timestamp {
    let from = last_check_in.unwrap_or(created_at).max(created_at);
    from.checked_add(SignedDuration::from_hours(
        24 * i64::from(goal.review_every_days),
    ))
    .unwrap_or(from)
}

/// Active goals whose review date has come.
pub fn is_due(
    goal: &Goal,
    created_at: Timestamp,
    last_check_in: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    goal.status == GoalStatus::Active && next_review(goal, created_at, last_check_in) <= now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(baseline: f64, target: f64, lower_is_better: bool) -> Goal {
        Goal {
            title: "Fewer panic attacks".into(),
            why: String::new(),
            area: Some(Area::Anxiety),
            measure: Measure::Numeric {
                baseline,
                target,
                unit: "per week".into(),
                lower_is_better,
            },
            review_every_days: 28,
            status: GoalStatus::Active,
        }
    }

    fn gas() -> Goal {
        Goal {
            measure: Measure::Gas {
                levels: ["a", "b", "c", "d", "e"].map(String::from),
            },
            ..numeric(0.0, 1.0, false)
        }
    }

    fn value(v: f64) -> CheckIn {
        CheckIn {
            level: None,
            value: Some(v),
            note: String::new(),
        }
    }

    #[test]
    fn progress_lower_is_better() {
        let g = numeric(6.0, 1.0, true).validated().unwrap();
        assert_eq!(g.progress(&value(6.0)), Some(0.0));
        assert_eq!(g.progress(&value(3.5)), Some(0.5));
        assert_eq!(g.progress(&value(1.0)), Some(1.0));
        assert_eq!(g.progress(&value(0.0)), Some(1.2), "overshoot is above 1");
        assert_eq!(
            g.progress(&value(8.5)),
            Some(-0.5),
            "worse than the baseline is below 0"
        );
    }

    #[test]
    fn progress_higher_is_better() {
        let g = numeric(2.0, 10.0, false).validated().unwrap();
        assert_eq!(g.progress(&value(6.0)), Some(0.5));
        assert_eq!(g.progress(&value(12.0)), Some(1.25));
    }

    #[test]
    fn baseline_equal_to_target_means_holding_the_line() {
        assert_eq!(numeric_progress(3.0, 3.0, true, 2.0), 1.0);
        assert_eq!(numeric_progress(3.0, 3.0, true, 4.0), 0.0);
        assert_eq!(numeric_progress(3.0, 3.0, false, 4.0), 1.0);
        assert_eq!(numeric_progress(3.0, 3.0, false, 2.9), 0.0);
    }

    #[test]
    fn the_direction_must_agree_with_baseline_and_target() {
        let err = numeric(1.0, 6.0, true).validated().unwrap_err();
        assert!(err.get("target").unwrap().contains("must not be above"));
        let err = numeric(6.0, 1.0, false).validated().unwrap_err();
        assert!(err.get("target").unwrap().contains("lower-is-better"));
    }

    #[test]
    fn every_gas_level_needs_a_description() {
        let mut g = gas();
        g.measure = Measure::Gas {
            levels: ["a", "b", " ", "d", "e"].map(String::from),
        };
        let err = g.validated().unwrap_err();
        assert!(err.get("levels").unwrap().contains("+0"), "{err}");
    }

    #[test]
    fn check_ins_must_fit_the_measure() {
        let g = gas();
        assert!(g
            .validate_check_in(CheckIn {
                level: Some(1),
                value: None,
                note: " ok ".into()
            })
            .is_ok());
        assert!(g
            .validate_check_in(CheckIn {
                level: Some(3),
                value: None,
                note: String::new()
            })
            .unwrap_err()
            .to_string()
            .contains("not 3"));
        assert!(g.validate_check_in(value(2.0)).is_err());
        let n = numeric(6.0, 1.0, true);
        assert!(n.validate_check_in(value(4.0)).is_ok());
        assert!(n
            .validate_check_in(CheckIn {
                level: Some(1),
                value: None,
                note: String::new()
            })
            .unwrap_err()
            .to_string()
            .contains("per week"));
        assert!(n.validate_check_in(value(f64::NAN)).is_err());
        assert_eq!(
            g.progress(&CheckIn {
                level: Some(-1),
                value: None,
                note: String::new()
            }),
            Some(-1.0)
        );
    }

    #[test]
    fn a_goal_is_due_a_cadence_after_its_last_check_in() {
        let g = numeric(6.0, 1.0, true);
        let created: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let checked: Timestamp = "2026-01-20T00:00:00Z".parse().unwrap();
        assert_eq!(
            next_review(&g, created, None),
            "2026-01-29T00:00:00Z".parse().unwrap()
        );
        assert_eq!(
            next_review(&g, created, Some(checked)),
            "2026-02-17T00:00:00Z".parse().unwrap()
        );
        assert!(is_due(
            &g,
            created,
            None,
            "2026-01-29T00:00:00Z".parse().unwrap()
        ));
        assert!(!is_due(
            &g,
            created,
            Some(checked),
            "2026-02-01T00:00:00Z".parse().unwrap()
        ));
        let paused = Goal {
            status: GoalStatus::Paused,
            ..g
        };
        assert!(
            !is_due(
                &paused,
                created,
                None,
                "2027-01-01T00:00:00Z".parse().unwrap()
            ),
            "paused goals are not due"
        );
    }

    #[test]
    fn areas_and_statuses_parse_by_name() {
        assert_eq!(Area::parse("Self_Esteem").unwrap(), Area::SelfEsteem);
        assert!(Area::parse("money")
            .unwrap_err()
            .to_string()
            .contains("money"));
        assert_eq!(GoalStatus::parse("paused").unwrap(), GoalStatus::Paused);
        assert!(GoalStatus::parse("done").is_err());
    }
}
