//! Daily trackers: things a person records once a day to see what goes with
//! their mood (sleep, exercise, medication, caffeine, time with people…).
//! Every reading is kept as a number: yes/no as 1/0, ratings as 0–10.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_UNIT_CHARS: usize = 20;
pub const MAX_KEY_CHARS: usize = 30;

/// What a tracker records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackerKind {
    /// Yes or no (stored as 1 or 0).
    YesNo,
    /// A number with a unit, e.g. hours of sleep or cups of coffee.
    Number,
    /// A rating from 0 to 10.
    Rating,
}

impl TrackerKind {
    pub const ALL: [TrackerKind; 3] =
        [TrackerKind::YesNo, TrackerKind::Number, TrackerKind::Rating];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackerKind::YesNo => "yes_no",
            TrackerKind::Number => "number",
            TrackerKind::Rating => "rating",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrackerKind::YesNo => "Yes or no",
            TrackerKind::Number => "A number with a unit",
            TrackerKind::Rating => "A rating from 0 to 10",
        }
    }

    /// Accepts `yes_no`, `yes-no`, `yesno`, `number`, `rating`.
    pub fn parse(s: &str) -> Result<TrackerKind, ValidationErrors> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match norm.as_str() {
            "yes_no" | "yesno" | "bool" | "boolean" => Ok(TrackerKind::YesNo),
            "number" | "numeric" => Ok(TrackerKind::Number),
            "rating" | "scale" => Ok(TrackerKind::Rating),
            _ => Err(ValidationErrors::single(
                "kind",
                format!(
                    "\"{}\" is not a kind of tracker: use yes-no, number or rating.",
                    s.trim()
                ),
            )),
        }
    }
}

/// A tracker's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracker {
    pub name: String,
    /// Short name for quick capture (`between track sleep=7.5`): lower-case
    /// letters, digits, `-` and `_`.
    pub key: String,
    pub kind: TrackerKind,
    /// For numbers, e.g. "hours".
    #[serde(default)]
    pub unit: Option<String>,
    /// For numbers: the smallest and largest sensible reading.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// For comparing mood: readings below `low_below` are "low", at or
    /// above `high_from` "high". Without them the readings' thirds are used.
    #[serde(default)]
    pub low_below: Option<f64>,
    #[serde(default)]
    pub high_from: Option<f64>,
}

/// Turns a name into a key: "Medication taken" → "medication-taken".
pub fn key_for(name: &str) -> String {
    let mut key = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    let key = key.trim_end_matches('-');
    key.chars()
        .take(MAX_KEY_CHARS)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl Tracker {
    /// A tracker of `kind` named `name` with the key derived from it.
    pub fn new(name: &str, kind: TrackerKind, unit: Option<&str>) -> Tracker {
        Tracker {
            name: name.trim().to_string(),
            key: key_for(name),
            kind,
            unit: unit.map(|u| u.trim().to_string()).filter(|u| !u.is_empty()),
            min: None,
            max: None,
            low_below: None,
            high_from: None,
        }
    }

    /// Checks and tidies a definition; every problem is reported at once.
    pub fn validated(self) -> Result<Tracker, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errors.add("name", "A tracker needs a name, e.g. \"Sleep\".");
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add(
                "name",
                format!("A tracker's name can be at most {MAX_NAME_CHARS} characters long."),
            );
        }
        let key = if self.key.trim().is_empty() {
            key_for(&name)
        } else {
            self.key.trim().to_string()
        };
        if !valid_key(&key) {
            errors.add(
                "key",
                format!("\"{key}\" cannot be a short name: use lower-case letters, digits, - or _ (at most {MAX_KEY_CHARS})."),
            );
        }
        let unit = self
            .unit
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if unit
            .as_ref()
            .is_some_and(|u| u.chars().count() > MAX_UNIT_CHARS)
        {
            errors.add(
                "unit",
                format!("A unit can be at most {MAX_UNIT_CHARS} characters long."),
            );
        }
        let (mut min, mut max, mut low_below, mut high_from) =
            (self.min, self.max, self.low_below, self.high_from);
        match self.kind {
            TrackerKind::YesNo | TrackerKind::Rating => {
                if unit.is_some() {
                    errors.add("unit", "Only trackers of numbers have a unit.");
                }
                min = None;
                max = None;
                if self.kind == TrackerKind::YesNo {
                    low_below = None;
                    high_from = None;
                }
            }
            TrackerKind::Number => {}
        }
        for (field, v) in [
            ("min", min),
            ("max", max),
            ("low_below", low_below),
            ("high_from", high_from),
        ] {
            if v.is_some_and(|v| !v.is_finite()) {
                errors.add(field, "This must be a number.");
            }
        }
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                errors.add(
                    "max",
                    format!("The largest reading ({b}) cannot be below the smallest ({a})."),
                );
            }
        }
        if let (Some(a), Some(b)) = (low_below, high_from) {
            if a > b {
                errors.add(
                    "high_from",
                    format!("\"High from\" ({b}) cannot be below \"low below\" ({a})."),
                );
            }
        }
        errors.into_result(Tracker {
            name,
            key,
            kind: self.kind,
            unit,
            min,
            max,
            low_below,
            high_from,
        })
    }

    /// Reads what a person typed for this tracker: `yes`/`no` (also y, n,
    /// true, false, 1, 0), or a number in range.
    pub fn parse_reading(&self, raw: &str) -> Result<f64, String> {
        let s = raw.trim().to_ascii_lowercase();
        match self.kind {
            TrackerKind::YesNo => match s.as_str() {
                "yes" | "y" | "true" | "1" | "done" => Ok(1.0),
                "no" | "n" | "false" | "0" => Ok(0.0),
                _ => Err(format!(
                    "{} is yes or no, not \"{}\".",
                    self.name,
                    raw.trim()
                )),
            },
            TrackerKind::Number | TrackerKind::Rating => {
                let v: f64 = s.replace(',', ".").parse().map_err(|_| {
                    format!("{} needs a number, not \"{}\".", self.name, raw.trim())
                })?;
                self.check_reading(v)
            }
        }
    }

    /// Checks a reading already given as a number.
    pub fn check_reading(&self, v: f64) -> Result<f64, String> {
        if !v.is_finite() {
            return Err(format!("{} needs a number.", self.name));
        }
        match self.kind {
            TrackerKind::YesNo if v == 0.0 || v == 1.0 => Ok(v),
            TrackerKind::YesNo => Err(format!("{} is yes or no (1 or 0), not {v}.", self.name)),
            TrackerKind::Rating if (0.0..=10.0).contains(&v) => Ok(v),
            TrackerKind::Rating => Err(format!("{} is rated from 0 to 10, not {v}.", self.name)),
            TrackerKind::Number => {
                if let Some(min) = self.min.filter(|m| v < *m) {
                    return Err(format!(
                        "{} cannot be below {} (got {v}).",
                        self.name,
                        fmt(min)
                    ));
                }
                if let Some(max) = self.max.filter(|m| v > *m) {
                    return Err(format!(
                        "{} cannot be above {} (got {v}).",
                        self.name,
                        fmt(max)
                    ));
                }
                Ok(v)
            }
        }
    }

    /// A reading as a person says it: "yes", "7.5 hours", "6/10".
    pub fn display(&self, v: f64) -> String {
        match self.kind {
            TrackerKind::YesNo => if v >= 0.5 { "yes" } else { "no" }.into(),
            TrackerKind::Rating => format!("{}/10", fmt(v)),
            TrackerKind::Number => match &self.unit {
                Some(u) => format!("{} {u}", fmt(v)),
                None => fmt(v),
            },
        }
    }

    /// The scale a chart of these readings uses: a rating its 0–10 scale; a
    /// number the readings' own lowest to highest, padded by a fifth of
    /// their spread (at least half a unit) and kept inside the tracker's
    /// bounds, so 5 to 9 hours of sleep is not drawn flat on 0 to 24.
    pub fn chart_range(&self, readings: &[f64]) -> (f64, f64) {
        match self.kind {
            TrackerKind::YesNo => (0.0, 1.0),
            TrackerKind::Rating => (0.0, 10.0),
            TrackerKind::Number => {
                let lo = readings.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = readings.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if !lo.is_finite() || !hi.is_finite() {
                    return (self.min.unwrap_or(0.0), self.max.unwrap_or(1.0));
                }
                let pad = ((hi - lo) * 0.2).max(0.5);
                let lo = (lo - pad).max(self.min.unwrap_or(f64::NEG_INFINITY));
                let hi = (hi + pad).min(self.max.unwrap_or(f64::INFINITY));
                (lo, hi.max(lo + 1.0))
            }
        }
    }
}

/// A number without needless decimals: 7 → "7", 7.5 → "7.5".
pub fn fmt(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Ready-made trackers a person can add with one click.
pub fn presets() -> Vec<Tracker> {
    vec![
        Tracker {
            min: Some(0.0),
            max: Some(24.0),
            low_below: Some(6.0),
            high_from: Some(7.0),
            ..Tracker::new("Sleep", TrackerKind::Number, Some("hours"))
        },
        Tracker::new("Exercise", TrackerKind::YesNo, None),
        Tracker {
            key: "medication".into(),
            ..Tracker::new("Medication taken", TrackerKind::YesNo, None)
        },
    ]
}

/// The preset whose key or name is `s`.
pub fn preset(s: &str) -> Option<Tracker> {
    let s = s.trim().to_ascii_lowercase();
    presets()
        .into_iter()
        .find(|t| t.key == s || t.name.to_ascii_lowercase() == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_chart_fits_the_readings_not_the_whole_allowed_range() {
        let sleep = presets().remove(0);
        assert_eq!(sleep.max, Some(24.0));
        let (lo, hi) = sleep.chart_range(&[5.5, 7.0, 9.0]);
        assert!(
            (4.5..5.5).contains(&lo) && (9.0..10.5).contains(&hi),
            "{lo}..{hi}"
        );
        // Kept inside the bounds, and never a flat zero-height scale.
        let (lo, hi) = sleep.chart_range(&[0.0, 0.5]);
        assert!(lo >= 0.0 && hi > lo, "{lo}..{hi}");
        let (lo, hi) = sleep.chart_range(&[7.0, 7.0]);
        assert!(lo < 7.0 && hi > 7.0, "{lo}..{hi}");
        let rating = Tracker::new("Energy", TrackerKind::Rating, None);
        assert_eq!(
            rating.chart_range(&[4.0, 6.0]),
            (0.0, 10.0),
            "a rating keeps its scale"
        );
    }

    #[test]
    fn keys_come_from_names() {
        assert_eq!(key_for("Medication taken"), "medication-taken");
        assert_eq!(key_for("  Sleep (hours) "), "sleep-hours");
        assert_eq!(key_for("Café"), "caf");
    }

    #[test]
    fn yes_no_readings_accept_the_usual_words_and_nothing_else() {
        let t = Tracker::new("Exercise", TrackerKind::YesNo, None);
        for yes in ["yes", "Y", "true", "1", "done"] {
            assert_eq!(t.parse_reading(yes), Ok(1.0));
        }
        for no in ["no", "N", "false", "0"] {
            assert_eq!(t.parse_reading(no), Ok(0.0));
        }
        assert_eq!(
            t.parse_reading("maybe"),
            Err("Exercise is yes or no, not \"maybe\".".into())
        );
    }

    #[test]
    fn numbers_are_checked_against_their_range() {
        let sleep = preset("sleep").unwrap();
        assert_eq!(sleep.parse_reading("7,5"), Ok(7.5));
        assert_eq!(
            sleep.parse_reading("25"),
            Err("Sleep cannot be above 24 (got 25).".into())
        );
        assert!(sleep.parse_reading("lots").is_err());
        assert_eq!(sleep.display(7.5), "7.5 hours");
        let energy = Tracker::new("Energy", TrackerKind::Rating, None);
        assert_eq!(
            energy.parse_reading("11"),
            Err("Energy is rated from 0 to 10, not 11.".into())
        );
        assert_eq!(energy.display(6.0), "6/10");
    }

    #[test]
    fn definitions_report_every_problem() {
        let bad = Tracker {
            key: "Not OK!".into(),
            unit: Some("x".into()),
            ..Tracker::new("", TrackerKind::YesNo, None)
        };
        let errors = bad.validated().unwrap_err();
        assert!(errors.get("name").is_some());
        assert!(errors.get("key").is_some());
        assert!(errors.get("unit").is_some());
        let upside_down = Tracker {
            min: Some(5.0),
            max: Some(1.0),
            ..Tracker::new("Coffee", TrackerKind::Number, Some("cups"))
        };
        assert!(upside_down.validated().unwrap_err().get("max").is_some());
    }

    #[test]
    fn presets_are_valid() {
        for p in presets() {
            assert_eq!(p.clone().validated(), Ok(p));
        }
        assert_eq!(preset("medication").unwrap().name, "Medication taken");
    }
}
