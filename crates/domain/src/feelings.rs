//! The built-in feelings vocabulary, arranged like a mood meter: four
//! quadrants of pleasantness × energy. Naming a feeling precisely helps
//! people notice and talk about it; anything else may still be typed freely.

use serde::Serialize;

/// Where a feeling sits on the mood meter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    UnpleasantHighEnergy,
    UnpleasantLowEnergy,
    PleasantHighEnergy,
    PleasantLowEnergy,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Quadrant::UnpleasantHighEnergy,
        Quadrant::UnpleasantLowEnergy,
        Quadrant::PleasantHighEnergy,
        Quadrant::PleasantLowEnergy,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Quadrant::UnpleasantHighEnergy => "Unpleasant, high energy",
            Quadrant::UnpleasantLowEnergy => "Unpleasant, low energy",
            Quadrant::PleasantHighEnergy => "Pleasant, high energy",
            Quadrant::PleasantLowEnergy => "Pleasant, low energy",
        }
    }

    /// A short machine name, used as a CSS class and in the API.
    pub fn slug(self) -> &'static str {
        match self {
            Quadrant::UnpleasantHighEnergy => "unpleasant-high",
            Quadrant::UnpleasantLowEnergy => "unpleasant-low",
            Quadrant::PleasantHighEnergy => "pleasant-high",
            Quadrant::PleasantLowEnergy => "pleasant-low",
        }
    }
}

/// One named feeling with a one-line explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NamedFeeling {
    pub name: &'static str,
    pub quadrant: Quadrant,
    pub explanation: &'static str,
}

const fn f(name: &'static str, quadrant: Quadrant, explanation: &'static str) -> NamedFeeling {
    NamedFeeling {
        name,
        quadrant,
        explanation,
    }
}

use Quadrant::{
    PleasantHighEnergy as PH, PleasantLowEnergy as PL, UnpleasantHighEnergy as UH,
    UnpleasantLowEnergy as UL,
};

/// The vocabulary, grouped by quadrant.
pub const VOCABULARY: &[NamedFeeling] = &[
    f(
        "anxious",
        UH,
        "Worried about what might happen, tense and on edge.",
    ),
    f(
        "panicky",
        UH,
        "A sudden rush of fear; heart racing, hard to think.",
    ),
    f(
        "irritated",
        UH,
        "Annoyed by something small that keeps grating.",
    ),
    f(
        "angry",
        UH,
        "Strong displeasure at something that felt wrong or unfair.",
    ),
    f("frustrated", UH, "Blocked from something you want or need."),
    f(
        "stressed",
        UH,
        "Too much to handle at once; pressure building up.",
    ),
    f(
        "overwhelmed",
        UH,
        "More than you can take in or cope with right now.",
    ),
    f("nervous", UH, "Uneasy anticipation of something coming up."),
    f(
        "jealous",
        UH,
        "Wanting what someone else has, or fearing losing someone.",
    ),
    f("restless", UH, "Unable to settle or keep still."),
    f("scared", UH, "Afraid of a danger, real or imagined."),
    f(
        "resentful",
        UH,
        "Lingering bitterness about being treated unfairly.",
    ),
    f(
        "sad",
        UL,
        "Heavy-hearted; a sense of loss or disappointment.",
    ),
    f("lonely", UL, "Cut off from others, longing for connection."),
    f("hopeless", UL, "Feeling that nothing will get better."),
    f(
        "ashamed",
        UL,
        "Feeling that something about you is wrong or bad.",
    ),
    f(
        "guilty",
        UL,
        "Regret about something you did or did not do.",
    ),
    f("tired", UL, "Drained of energy, physically or emotionally."),
    f("numb", UL, "Cut off from feelings altogether; flat."),
    f(
        "disappointed",
        UL,
        "Let down when something fell short of hopes.",
    ),
    f("bored", UL, "Nothing holds your interest."),
    f("hurt", UL, "Wounded by something someone said or did."),
    f(
        "discouraged",
        UL,
        "Losing confidence or the will to keep trying.",
    ),
    f("empty", UL, "A hollow feeling, as if something is missing."),
    f(
        "excited",
        PH,
        "Eager and energised about what is happening or coming.",
    ),
    f(
        "proud",
        PH,
        "Pleased with something you did or who you are.",
    ),
    f("hopeful", PH, "Expecting that things can get better."),
    f("joyful", PH, "Bright, light happiness."),
    f("energised", PH, "Full of energy and ready to act."),
    f("motivated", PH, "Driven to work towards something."),
    f("curious", PH, "Interested and wanting to know more."),
    f("confident", PH, "Trusting yourself and your abilities."),
    f(
        "inspired",
        PH,
        "Moved to create or to do something meaningful.",
    ),
    f("playful", PH, "Light-hearted and ready for fun."),
    f("amused", PH, "Finding something funny."),
    f(
        "determined",
        PH,
        "Resolved to reach a goal despite obstacles.",
    ),
    f("calm", PL, "Settled and peaceful, without tension."),
    f("content", PL, "Satisfied with how things are right now."),
    f("relieved", PL, "A weight lifted after worry or strain."),
    f("grateful", PL, "Thankful for something or someone."),
    f("relaxed", PL, "At ease in body and mind."),
    f("safe", PL, "Protected, nothing to guard against."),
    f("loved", PL, "Cared for and accepted by others."),
    f("peaceful", PL, "Quiet inside; free of conflict."),
    f("connected", PL, "Close to others, part of something."),
    f("accepted", PL, "Welcome as you are."),
    f("thoughtful", PL, "Quietly reflective."),
    f("balanced", PL, "Steady; neither up nor down."),
];

/// Finds a built-in feeling by name, ignoring case and surrounding space.
pub fn lookup(name: &str) -> Option<&'static NamedFeeling> {
    let wanted = name.trim();
    VOCABULARY
        .iter()
        .find(|feeling| feeling.name.eq_ignore_ascii_case(wanted))
}

/// The feelings of one quadrant, in vocabulary order.
pub fn in_quadrant(quadrant: Quadrant) -> impl Iterator<Item = &'static NamedFeeling> {
    VOCABULARY
        .iter()
        .filter(move |feeling| feeling.quadrant == quadrant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_vocabulary_has_at_least_forty_feelings_with_ten_in_every_quadrant() {
        assert!(VOCABULARY.len() >= 40);
        for quadrant in Quadrant::ALL {
            assert!(in_quadrant(quadrant).count() >= 10, "{quadrant:?}");
        }
    }

    #[test]
    fn names_are_unique_lowercase_and_explained() {
        let mut seen = HashSet::new();
        for feeling in VOCABULARY {
            assert!(seen.insert(feeling.name), "duplicate {}", feeling.name);
            assert_eq!(feeling.name, feeling.name.to_lowercase());
            assert!(feeling.explanation.ends_with('.'), "{}", feeling.name);
        }
    }

    #[test]
    fn the_mood_meter_examples_sit_in_their_quadrants() {
        let expect = [
            ("anxious", UH),
            ("panicky", UH),
            ("angry", UH),
            ("lonely", UL),
            ("hopeless", UL),
            ("proud", PH),
            ("hopeful", PH),
            ("calm", PL),
            ("grateful", PL),
        ];
        for (name, quadrant) in expect {
            assert_eq!(lookup(name).map(|f| f.quadrant), Some(quadrant), "{name}");
        }
    }

    #[test]
    fn lookup_ignores_case_and_space() {
        assert_eq!(lookup("  Anxious ").map(|f| f.name), Some("anxious"));
        assert!(lookup("flibbertigibbet").is_none());
    }
}
