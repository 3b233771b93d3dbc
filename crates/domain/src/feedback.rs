//! Session feedback: four 0–10 items written for this project (not a
//! copyrighted instrument) and two free-text fields, with the flags that
//! make low or falling scores surface on the next agenda.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

/// The four items, in order, as shown to people.
pub const ITEMS: [(&str, &str); 4] = [
    ("heard", "I felt heard and respected"),
    ("worked_on", "We worked on what I wanted to work on"),
    ("approach", "The approach fits me"),
    ("overall", "Overall, the session was right for me"),
];

/// A session is "low" when any item is at or below this…
pub const LOW_ITEM: u8 = 5;
/// …or the total (of 40) is at or below this.
pub const LOW_TOTAL: u32 = 28;
/// Scores are "falling" when the latest total is this far below the mean
/// of the previous three totals.
pub const FALLING_DROP: f64 = 6.0;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub heard: u8,
    pub worked_on: u8,
    pub approach: u8,
    pub overall: u8,
    #[serde(default)]
    pub working: String,
    #[serde(default)]
    pub change: String,
}

impl Feedback {
    pub fn scores(&self) -> [u8; 4] {
        [self.heard, self.worked_on, self.approach, self.overall]
    }

    pub fn total(&self) -> u32 {
        self.scores().iter().map(|s| u32::from(*s)).sum()
    }

    /// Any item ≤ 5, or a total ≤ 28 of 40.
    pub fn is_low(&self) -> bool {
        self.scores().iter().any(|s| *s <= LOW_ITEM) || self.total() <= LOW_TOTAL
    }

    pub fn validated(self) -> Result<Feedback, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for ((field, label), score) in ITEMS.iter().zip(self.scores()) {
            if score > 10 {
                errors.add(
                    field,
                    format!("\"{label}\" must be between 0 and 10, not {score}."),
                );
            }
        }
        let working = self.working.trim().to_string();
        let change = self.change.trim().to_string();
        for (field, text) in [("working", &working), ("change", &change)] {
            if text.chars().count() > 5_000 {
                errors.add(field, "This can be at most 5000 characters long.");
            }
        }
        errors.into_result(Feedback {
            working,
            change,
            ..self
        })
    }
}

/// Whether the latest of `totals` (oldest first) is at least 6 points below
/// the mean of the three before it. Needs four sessions.
pub fn is_falling(totals: &[u32]) -> bool {
    let [.., a, b, c, latest] = totals else {
        return false;
    };
    let mean = f64::from(a + b + c) / 3.0;
    mean - f64::from(*latest) >= FALLING_DROP
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fb(h: u8, w: u8, a: u8, o: u8) -> Feedback {
        Feedback {
            heard: h,
            worked_on: w,
            approach: a,
            overall: o,
            ..Default::default()
        }
    }

    #[test]
    fn a_session_is_low_when_any_item_is_five_or_less_or_the_total_is_28_or_less() {
        assert!(!fb(8, 8, 8, 8).is_low());
        assert!(fb(10, 10, 10, 5).is_low(), "one item at 5");
        assert!(fb(7, 7, 7, 7).is_low(), "total 28");
        assert!(!fb(8, 7, 7, 7).is_low(), "total 29, every item above 5");
        assert!(fb(0, 0, 0, 0).is_low());
    }

    #[test]
    fn falling_means_six_below_the_mean_of_the_previous_three() {
        assert!(!is_falling(&[]));
        assert!(!is_falling(&[36, 36, 30]), "needs three before the latest");
        assert!(is_falling(&[36, 36, 36, 30]));
        assert!(!is_falling(&[36, 36, 36, 31]));
        assert!(
            is_falling(&[10, 36, 35, 37, 30]),
            "only the last three count"
        );
        assert!(!is_falling(&[20, 20, 20, 38]), "rising is not falling");
    }

    #[test]
    fn scores_above_ten_are_refused_by_item() {
        let err = fb(11, 5, 5, 5).validated().unwrap_err();
        assert!(err
            .get("heard")
            .unwrap()
            .contains("I felt heard and respected"));
        assert!(err.get("heard").unwrap().contains("11"));
    }
}
