//! The instruments Between offers, each read off its definition
//! (`definition.rs`), and scoring: totals, points, bands. Partial answers
//! are refused, never silently scored.

use serde::{Deserialize, Serialize};

use super::definition::{self, Band, Definition, Direction};
use crate::validation::ValidationErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Instrument {
    #[serde(rename = "phq9")]
    Phq9,
    #[serde(rename = "gad7")]
    Gad7,
    #[serde(rename = "who5")]
    Who5,
    #[serde(rename = "pcl5")]
    Pcl5,
    #[serde(rename = "pcl5-weekly")]
    Pcl5Weekly,
}

impl Instrument {
    pub const ALL: [Instrument; 5] = [
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::Who5,
        Instrument::Pcl5,
        Instrument::Pcl5Weekly,
    ];

    /// Offered to everyone every two weeks unless scheduled otherwise.
    pub const ROUTINE: [Instrument; 2] = [Instrument::Phq9, Instrument::Gad7];

    /// Everything about it.
    pub fn def(self) -> &'static Definition {
        match self {
            Instrument::Phq9 => &definition::PHQ9,
            Instrument::Gad7 => &definition::GAD7,
            Instrument::Who5 => &definition::WHO5,
            Instrument::Pcl5 => &definition::PCL5,
            Instrument::Pcl5Weekly => &definition::PCL5_WEEKLY,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.def().id
    }

    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// `phq9`, `PHQ-9`, `pcl5-weekly`, `PCL5 weekly`…: case, dashes and
    /// spaces do not matter.
    pub fn parse(s: &str) -> Result<Instrument, ValidationErrors> {
        let plain = |t: &str| {
            t.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
        };
        let wanted = plain(s);
        Instrument::ALL
            .into_iter()
            .find(|i| plain(i.as_str()) == wanted || plain(i.name()) == wanted)
            .ok_or_else(|| {
                let ids: Vec<&str> = Instrument::ALL.iter().map(|i| i.as_str()).collect();
                ValidationErrors::single(
                    "instrument",
                    format!("\"{}\" is not a measure: use {}.", s.trim(), ids.join(", ")),
                )
            })
    }

    /// The items' words, in order.
    pub fn items(self) -> Vec<&'static str> {
        self.def().items.iter().map(|i| i.text).collect()
    }

    pub fn max_total(self) -> u8 {
        self.def().max_total()
    }

    pub fn direction(self) -> Direction {
        self.def().direction
    }
}

/// The band a score falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Severity(pub &'static Band);

impl Severity {
    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    pub fn label(self) -> &'static str {
        self.0.label
    }
}

impl Serialize for Severity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.code)
    }
}

/// One completed questionnaire: stored only encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub instrument: Instrument,
    pub answers: Vec<u8>,
    /// The unscored difficulty question, 0–3, if answered.
    #[serde(default)]
    pub difficulty: Option<u8>,
}

/// What a response adds up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scored {
    /// The sum of the answers.
    pub total: u8,
    /// The score as the instrument reports it: the total, or for the
    /// WHO-5 its percentage. Bands, change and cut-offs are in points.
    pub points: u8,
    pub severity: Severity,
    /// The instrument's safety item (PHQ-9 item 9) answered above 0.
    pub safety_alert: bool,
}

impl Response {
    /// Checks that every item is answered 0–3, exactly once.
    pub fn validated(self) -> Result<Response, ValidationErrors> {
        let def = self.instrument.def();
        let expected = def.items.len();
        let max = def.max_answer();
        if self.answers.len() != expected {
            return Err(ValidationErrors::single(
                "answers",
                format!("The {} has {expected} questions; {} answers were given. Every question needs an answer from 0 to {max}.", def.name, self.answers.len()),
            ));
        }
        if let Some((i, a)) = self.answers.iter().enumerate().find(|(_, a)| **a > max) {
            return Err(ValidationErrors::single(
                "answers",
                format!(
                    "Answer {} must be a whole number from 0 to {max}, not {a}.",
                    i + 1
                ),
            ));
        }
        match (self.difficulty, def.follow_up) {
            (Some(_), None) => {
                return Err(ValidationErrors::single(
                    "difficulty",
                    format!("The {} has no difficulty question.", def.name),
                ))
            }
            (Some(d), Some(f)) if usize::from(d) >= f.answers.len() => {
                return Err(ValidationErrors::single(
                    "difficulty",
                    format!(
                        "The difficulty answer must be {}.",
                        (0..f.answers.len())
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                            .replacen(
                                &format!(", {}", f.answers.len() - 1),
                                &format!(" or {}", f.answers.len() - 1),
                                1
                            )
                    ),
                ))
            }
            _ => {}
        }
        Ok(self)
    }
}

/// Scores a validated response.
pub fn score(r: &Response) -> Scored {
    let def = r.instrument.def();
    let total = r.answers.iter().fold(0u8, |sum, a| sum.saturating_add(*a));
    let points = def.points(total);
    let safety_alert = def
        .safety_item
        .is_some_and(|n| r.answers.get(n).is_some_and(|a| *a > 0));
    Scored {
        total,
        points,
        severity: Severity(def.band(points)),
        safety_alert,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phq9(answers: [u8; 9]) -> Response {
        Response {
            instrument: Instrument::Phq9,
            answers: answers.to_vec(),
            difficulty: None,
        }
    }

    #[test]
    fn phq9_bands_follow_the_published_cut_offs() {
        let cases = [
            (0, "minimal"),
            (4, "minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately_severe"),
            (19, "moderately_severe"),
            (20, "severe"),
            (27, "severe"),
        ];
        for (total, band) in cases {
            let mut answers = [0u8; 9];
            let mut left = total;
            for a in answers.iter_mut().take(8) {
                *a = left.min(3);
                left -= *a;
            }
            answers[8] = left;
            let s = score(&phq9(answers));
            assert_eq!((s.total, s.severity.as_str()), (total, band), "{answers:?}");
        }
    }

    #[test]
    fn gad7_bands_follow_the_published_cut_offs() {
        for (answers, band) in [
            ([0u8; 7], "minimal"),
            ([1, 1, 1, 1, 1, 0, 0], "mild"),
            ([2, 2, 2, 2, 2, 0, 0], "moderate"),
            ([3, 3, 3, 3, 3, 0, 0], "severe"),
            ([3; 7], "severe"),
        ] {
            let r = Response {
                instrument: Instrument::Gad7,
                answers: answers.to_vec(),
                difficulty: None,
            };
            assert_eq!(score(&r).severity.as_str(), band, "{answers:?}");
            assert!(!score(&r).safety_alert);
        }
    }

    #[test]
    fn item_nine_above_zero_raises_the_safety_alert() {
        assert!(score(&phq9([0, 0, 0, 0, 0, 0, 0, 0, 1])).safety_alert);
        assert!(!score(&phq9([3, 3, 3, 3, 3, 3, 3, 3, 0])).safety_alert);
    }

    #[test]
    fn partial_or_out_of_range_answers_are_refused() {
        let err = Response {
            instrument: Instrument::Phq9,
            answers: vec![1, 2, 3],
            difficulty: None,
        }
        .validated()
        .unwrap_err();
        assert!(err.to_string().contains("9 questions; 3 answers"), "{err}");
        let err = phq9([0, 0, 4, 0, 0, 0, 0, 0, 0]).validated().unwrap_err();
        assert!(err.to_string().contains("Answer 3"), "{err}");
        assert_eq!(Instrument::parse("PHQ-9").unwrap(), Instrument::Phq9);
        assert_eq!(
            Instrument::parse("pcl5-weekly").unwrap(),
            Instrument::Pcl5Weekly
        );
        assert_eq!(Instrument::parse("WHO 5").unwrap(), Instrument::Who5);
        let err = Instrument::parse("bdi").unwrap_err().to_string();
        assert!(err.contains("phq9, gad7, who5, pcl5, pcl5-weekly"), "{err}");
        // The PCL-5 answers go to 4; the WHO-5's to 5.
        let pcl = Response {
            instrument: Instrument::Pcl5,
            answers: vec![4; 20],
            difficulty: None,
        };
        assert_eq!(score(&pcl.clone().validated().unwrap()).total, 80);
        let too_high = Response {
            answers: vec![5; 20],
            ..pcl
        };
        assert!(too_high
            .validated()
            .unwrap_err()
            .to_string()
            .contains("0 to 4"));
        let difficulty = Response {
            instrument: Instrument::Gad7,
            answers: vec![0; 7],
            difficulty: Some(1),
        };
        assert!(
            difficulty.validated().is_err(),
            "the GAD-7 has no difficulty question"
        );
    }

    #[test]
    fn the_who5_is_scored_as_a_percentage_where_higher_is_better() {
        let r = Response {
            instrument: Instrument::Who5,
            answers: vec![3, 2, 2, 3, 2],
            difficulty: None,
        };
        let s = score(&r.validated().unwrap());
        assert_eq!((s.total, s.points), (12, 48));
        assert_eq!(s.severity.as_str(), "poor_wellbeing");
        assert_eq!(Instrument::Who5.direction(), Direction::HigherIsBetter);
    }
}
