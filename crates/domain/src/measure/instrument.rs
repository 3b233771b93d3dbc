//! The PHQ-9 and GAD-7 exactly as published (items, stem, answers,
//! copyright line), and scoring: totals and severity bands. Partial answers
//! are refused, never silently scored.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

pub const STEM: &str =
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?";
pub const ANSWERS: [&str; 4] = [
    "Not at all",
    "Several days",
    "More than half the days",
    "Nearly every day",
];
pub const DIFFICULTY_QUESTION: &str = "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?";
pub const DIFFICULTY_ANSWERS: [&str; 4] = [
    "Not difficult at all",
    "Somewhat difficult",
    "Very difficult",
    "Extremely difficult",
];
pub const COPYRIGHT: &str = "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.";

const PHQ9_ITEMS: [&str; 9] = [
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
];

const GAD7_ITEMS: [&str; 7] = [
    "Feeling nervous, anxious, or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    Phq9,
    Gad7,
}

impl Instrument {
    pub const ALL: [Instrument; 2] = [Instrument::Phq9, Instrument::Gad7];

    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Instrument::Phq9 => "PHQ-9",
            Instrument::Gad7 => "GAD-7",
        }
    }

    pub fn parse(s: &str) -> Result<Instrument, ValidationErrors> {
        match s.trim().to_lowercase().replace('-', "").as_str() {
            "phq9" => Ok(Instrument::Phq9),
            "gad7" => Ok(Instrument::Gad7),
            other => Err(ValidationErrors::single(
                "instrument",
                format!("\"{other}\" is not a measure: use phq9 or gad7."),
            )),
        }
    }

    pub fn items(self) -> &'static [&'static str] {
        match self {
            Instrument::Phq9 => &PHQ9_ITEMS,
            Instrument::Gad7 => &GAD7_ITEMS,
        }
    }

    /// LOINC codes of the items, in order.
    pub fn loinc(self) -> &'static [&'static str] {
        match self {
            Instrument::Phq9 => &[
                "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5",
                "44253-3", "44260-8",
            ],
            Instrument::Gad7 => &[
                "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
            ],
        }
    }

    pub fn max_total(self) -> u8 {
        3 * self.items().len() as u8
    }

    /// Severity bands as (lowest total, band), ascending.
    pub fn bands(self) -> &'static [(u8, Severity)] {
        match self {
            Instrument::Phq9 => &[
                (0, Severity::Minimal),
                (5, Severity::Mild),
                (10, Severity::Moderate),
                (15, Severity::ModeratelySevere),
                (20, Severity::Severe),
            ],
            Instrument::Gad7 => &[
                (0, Severity::Minimal),
                (5, Severity::Mild),
                (10, Severity::Moderate),
                (15, Severity::Severe),
            ],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minimal,
    Mild,
    Moderate,
    ModeratelySevere,
    Severe,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minimal => "minimal",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::ModeratelySevere => "moderately_severe",
            Severity::Severe => "severe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Minimal => "minimal",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::ModeratelySevere => "moderately severe",
            Severity::Severe => "severe",
        }
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
    pub total: u8,
    pub severity: Severity,
    /// PHQ-9 item 9 answered above 0.
    pub safety_alert: bool,
}

impl Response {
    /// Checks that every item is answered 0–3, exactly once.
    pub fn validated(self) -> Result<Response, ValidationErrors> {
        let expected = self.instrument.items().len();
        if self.answers.len() != expected {
            return Err(ValidationErrors::single(
                "answers",
                format!("The {} has {expected} questions; {} answers were given. Every question needs an answer from 0 to 3.", self.instrument.name(), self.answers.len()),
            ));
        }
        if let Some((i, a)) = self.answers.iter().enumerate().find(|(_, a)| **a > 3) {
            return Err(ValidationErrors::single(
                "answers",
                format!("Answer {} must be 0, 1, 2 or 3, not {a}.", i + 1),
            ));
        }
        if self.difficulty.is_some_and(|d| d > 3) {
            return Err(ValidationErrors::single(
                "difficulty",
                "The difficulty answer must be 0, 1, 2 or 3.",
            ));
        }
        Ok(self)
    }
}

/// Scores a validated response.
pub fn score(r: &Response) -> Scored {
    let total: u8 = r.answers.iter().sum();
    let severity = r
        .instrument
        .bands()
        .iter()
        .rev()
        .find(|(min, _)| total >= *min)
        .map(|(_, s)| *s)
        .unwrap_or(Severity::Minimal);
    let safety_alert = r.instrument == Instrument::Phq9 && r.answers.get(8).is_some_and(|a| *a > 0);
    Scored {
        total,
        severity,
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
            (0, Severity::Minimal),
            (4, Severity::Minimal),
            (5, Severity::Mild),
            (9, Severity::Mild),
            (10, Severity::Moderate),
            (14, Severity::Moderate),
            (15, Severity::ModeratelySevere),
            (19, Severity::ModeratelySevere),
            (20, Severity::Severe),
            (27, Severity::Severe),
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
            assert_eq!((s.total, s.severity), (total, band), "{answers:?}");
        }
    }

    #[test]
    fn gad7_bands_follow_the_published_cut_offs() {
        for (answers, band) in [
            ([0u8; 7], Severity::Minimal),
            ([1, 1, 1, 1, 1, 0, 0], Severity::Mild),
            ([2, 2, 2, 2, 2, 0, 0], Severity::Moderate),
            ([3, 3, 3, 3, 3, 0, 0], Severity::Severe),
            ([3; 7], Severity::Severe),
        ] {
            let r = Response {
                instrument: Instrument::Gad7,
                answers: answers.to_vec(),
                difficulty: None,
            };
            assert_eq!(score(&r).severity, band, "{answers:?}");
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
        assert!(Instrument::parse("bdi").is_err());
    }

    #[test]
    fn items_match_their_loinc_codes_in_number() {
        for i in Instrument::ALL {
            assert_eq!(i.items().len(), i.loinc().len());
        }
        assert_eq!(Instrument::Phq9.max_total(), 27);
        assert_eq!(Instrument::Gad7.max_total(), 21);
    }
}
