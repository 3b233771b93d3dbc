//! Each instrument as one definition: its items and answers exactly as
//! published, the time frame and stem, how it is scored, which direction
//! is better, its bands, reliable change and cut-off, LOINC codes where
//! `shared/reference/measures.md` lists them, and its copyright line.
//! Forms, the CLI, the API, charts, change classes, the agenda, the review,
//! roadblocks and FHIR all read these; adding an instrument is adding one
//! definition here (and its variant and tests).
//!
//! Sources of the thresholds: NHS Talking Therapies (PHQ-9 reliable change
//! 6, caseness 10; GAD-7 4 and 8); the WHO-5 scoring notes of the
//! Psychiatric Research Unit and Topp et al. 2015 (10 percentage points;
//! below 50 % poor wellbeing, 28 % or below likely depression); the
//! National Center for PTSD (PCL-5: 10 points clinically meaningful
//! change, cut-point 31–33, 33 used here).

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Symptom scales: a lower score is better (PHQ-9, GAD-7, PCL-5).
    LowerIsBetter,
    /// Wellbeing scales: a higher score is better (WHO-5).
    HigherIsBetter,
}

/// One answer option: the value it scores and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: u8,
    pub label: &'static str,
    /// The LOINC answer code, or "".
    pub loinc: &'static str,
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub text: &'static str,
    /// The LOINC code of the item, or "".
    pub loinc: &'static str,
}

/// A severity band: from `min` points up to the next band's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub min: u8,
    /// Stable, for JSON and exports (`moderately_severe`).
    pub code: &'static str,
    /// For people (`moderately severe`).
    pub label: &'static str,
}

/// When a score is at or past the clinical cut-off ("caseness"), in points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cutoff {
    AtOrAbove(u8),
    Below(u8),
}

/// An unscored question after the items (the PHQ-9's difficulty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub question: &'static str,
    pub answers: &'static [&'static str],
}

/// Everything about one instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Definition {
    /// The id in URLs, the CLI, the API and stored responses' JSON.
    pub id: &'static str,
    /// The short name people know it by.
    pub name: &'static str,
    /// What it asks about, in a few words.
    pub about: &'static str,
    /// The period the answers are about, as it reads after "over".
    pub time_frame: &'static str,
    pub stem: &'static str,
    /// A line between the stem and the items, if the instrument has one.
    pub lead: &'static str,
    /// The answer options, in the order the form shows them.
    pub choices: &'static [Choice],
    pub items: &'static [Item],
    pub follow_up: Option<FollowUp>,
    pub direction: Direction,
    /// Points per raw point: 1, or 4 for the WHO-5's percentage.
    pub scale: u8,
    /// How points are written after the number: "" or "%".
    pub unit: &'static str,
    /// Ascending by `min`, the first at 0.
    pub bands: &'static [Band],
    /// The smallest change, in points, that counts as reliable.
    pub reliable_change: u8,
    pub cutoff: Cutoff,
    /// LOINC code of the panel and of the total score, or "".
    pub loinc_panel: &'static str,
    pub loinc_total: &'static str,
    pub copyright: &'static str,
    /// Said wherever a result is shown, where the instrument is a screen.
    pub screen_note: &'static str,
    /// The item (0-based) whose answer above 0 shows crisis contacts at
    /// once: a safety rule of this project, not part of the instrument.
    pub safety_item: Option<usize>,
}

impl Definition {
    /// The highest answer value.
    pub fn max_answer(&self) -> u8 {
        self.choices.iter().map(|c| c.value).max().unwrap_or(0)
    }

    /// The highest raw total.
    pub fn max_total(&self) -> u8 {
        self.max_answer().saturating_mul(self.items.len() as u8)
    }

    /// The highest score in points.
    pub fn max_points(&self) -> u8 {
        self.max_total().saturating_mul(self.scale)
    }

    /// A raw total in points (the WHO-5's percentage).
    pub fn points(&self, total: u8) -> u8 {
        total.saturating_mul(self.scale)
    }

    /// The band of a score in points.
    pub fn band(&self, points: u8) -> &'static Band {
        let bands: &'static [Band] = self.bands;
        bands
            .iter()
            .rev()
            .find(|b| points >= b.min)
            .unwrap_or(&bands[0])
    }

    /// At or past the clinical cut-off.
    pub fn is_case(&self, points: u8) -> bool {
        match self.cutoff {
            Cutoff::AtOrAbove(at) => points >= at,
            Cutoff::Below(at) => points < at,
        }
    }

    /// A score as the instrument reports it: "12 of 27", or "48%".
    pub fn score_words(&self, points: u8) -> String {
        if self.unit.is_empty() {
            format!("{points} of {}", self.max_points())
        } else {
            format!("{points}{}", self.unit)
        }
    }

    /// The words of the cut-off, e.g. "10 or more", "below 50 %".
    pub fn cutoff_words(&self) -> String {
        match self.cutoff {
            Cutoff::AtOrAbove(at) => format!("{at}{} or more", self.unit),
            Cutoff::Below(at) => format!("below {at}{}", self.unit),
        }
    }
}

const PHQ_STEM: &str =
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?";

const PHQ_CHOICES: [Choice; 4] = [
    Choice {
        value: 0,
        label: "Not at all",
        loinc: "LA6568-5",
    },
    Choice {
        value: 1,
        label: "Several days",
        loinc: "LA6569-3",
    },
    Choice {
        value: 2,
        label: "More than half the days",
        loinc: "LA6570-1",
    },
    Choice {
        value: 3,
        label: "Nearly every day",
        loinc: "LA6571-9",
    },
];

const PFIZER: &str = "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.";

pub const PHQ9: Definition = Definition {
    id: "phq9",
    name: "PHQ-9",
    about: "depression",
    time_frame: "the last 2 weeks",
    stem: PHQ_STEM,
    lead: "",
    choices: &PHQ_CHOICES,
    items: &[
        Item { text: "Little interest or pleasure in doing things", loinc: "44250-9" },
        Item { text: "Feeling down, depressed, or hopeless", loinc: "44255-8" },
        Item { text: "Trouble falling or staying asleep, or sleeping too much", loinc: "44259-0" },
        Item { text: "Feeling tired or having little energy", loinc: "44254-1" },
        Item { text: "Poor appetite or overeating", loinc: "44251-7" },
        Item { text: "Feeling bad about yourself — or that you are a failure or have let yourself or your family down", loinc: "44258-2" },
        Item { text: "Trouble concentrating on things, such as reading the newspaper or watching television", loinc: "44252-5" },
        Item { text: "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual", loinc: "44253-3" },
        Item { text: "Thoughts that you would be better off dead or of hurting yourself in some way", loinc: "44260-8" },
    ],
    follow_up: Some(FollowUp {
        question: "If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?",
        answers: &["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"],
    }),
    direction: Direction::LowerIsBetter,
    scale: 1,
    unit: "",
    bands: &[
        Band { min: 0, code: "minimal", label: "minimal" },
        Band { min: 5, code: "mild", label: "mild" },
        Band { min: 10, code: "moderate", label: "moderate" },
        Band { min: 15, code: "moderately_severe", label: "moderately severe" },
        Band { min: 20, code: "severe", label: "severe" },
    ],
    reliable_change: 6,
    cutoff: Cutoff::AtOrAbove(10),
    loinc_panel: "44249-1",
    loinc_total: "44261-6",
    copyright: PFIZER,
    screen_note: "",
    safety_item: Some(8),
};

pub const GAD7: Definition = Definition {
    id: "gad7",
    name: "GAD-7",
    about: "anxiety",
    time_frame: "the last 2 weeks",
    stem: PHQ_STEM,
    lead: "",
    choices: &PHQ_CHOICES,
    items: &[
        Item {
            text: "Feeling nervous, anxious, or on edge",
            loinc: "69725-0",
        },
        Item {
            text: "Not being able to stop or control worrying",
            loinc: "68509-9",
        },
        Item {
            text: "Worrying too much about different things",
            loinc: "69733-4",
        },
        Item {
            text: "Trouble relaxing",
            loinc: "69734-2",
        },
        Item {
            text: "Being so restless that it is hard to sit still",
            loinc: "69735-9",
        },
        Item {
            text: "Becoming easily annoyed or irritable",
            loinc: "69689-8",
        },
        Item {
            text: "Feeling afraid, as if something awful might happen",
            loinc: "69736-7",
        },
    ],
    follow_up: None,
    direction: Direction::LowerIsBetter,
    scale: 1,
    unit: "",
    bands: &[
        Band {
            min: 0,
            code: "minimal",
            label: "minimal",
        },
        Band {
            min: 5,
            code: "mild",
            label: "mild",
        },
        Band {
            min: 10,
            code: "moderate",
            label: "moderate",
        },
        Band {
            min: 15,
            code: "severe",
            label: "severe",
        },
    ],
    reliable_change: 4,
    cutoff: Cutoff::AtOrAbove(8),
    loinc_panel: "69737-5",
    loinc_total: "70274-6",
    copyright: PFIZER,
    screen_note: "",
    safety_item: None,
};

pub const WHO5: Definition = Definition {
    id: "who5",
    name: "WHO-5",
    about: "wellbeing",
    time_frame: "the last two weeks",
    stem: "Please indicate for each of the five statements which is closest to how you have been feeling over the last two weeks.",
    lead: "Over the last two weeks:",
    choices: &[
        Choice { value: 5, label: "All of the time", loinc: "" },
        Choice { value: 4, label: "Most of the time", loinc: "" },
        Choice { value: 3, label: "More than half of the time", loinc: "" },
        Choice { value: 2, label: "Less than half of the time", loinc: "" },
        Choice { value: 1, label: "Some of the time", loinc: "" },
        Choice { value: 0, label: "At no time", loinc: "" },
    ],
    items: &[
        Item { text: "I have felt cheerful and in good spirits", loinc: "" },
        Item { text: "I have felt calm and relaxed", loinc: "" },
        Item { text: "I have felt active and vigorous", loinc: "" },
        Item { text: "I woke up feeling fresh and rested", loinc: "" },
        Item { text: "My daily life has been filled with things that interest me", loinc: "" },
    ],
    follow_up: None,
    direction: Direction::HigherIsBetter,
    scale: 4,
    unit: "%",
    bands: &[
        Band { min: 0, code: "likely_depression", label: "low: worth screening for depression" },
        Band { min: 29, code: "poor_wellbeing", label: "poor wellbeing" },
        Band { min: 50, code: "good_wellbeing", label: "good wellbeing" },
    ],
    reliable_change: 10,
    cutoff: Cutoff::Below(50),
    loinc_panel: "",
    loinc_total: "",
    copyright: "WHO-5 Well-Being Index (1998 version). © Psychiatric Research Unit, Mental Health Centre North Zealand; WHO Regional Office for Europe, 1998. Free for unrestricted use.",
    screen_note: "A higher score means better wellbeing. A score below 50 % is a reason to check for depression with your therapist; it is not a diagnosis.",
    safety_item: None,
};

const PCL5_ITEMS: [Item; 20] = [
    Item { text: "Repeated, disturbing, and unwanted memories of the stressful experience?", loinc: "" },
    Item { text: "Repeated, disturbing dreams of the stressful experience?", loinc: "" },
    Item { text: "Suddenly feeling or acting as if the stressful experience were actually happening again (as if you were actually back there reliving it)?", loinc: "" },
    Item { text: "Feeling very upset when something reminded you of the stressful experience?", loinc: "" },
    Item { text: "Having strong physical reactions when something reminded you of the stressful experience (for example, heart pounding, trouble breathing, sweating)?", loinc: "" },
    Item { text: "Avoiding memories, thoughts, or feelings related to the stressful experience?", loinc: "" },
    Item { text: "Avoiding external reminders of the stressful experience (for example, people, places, conversations, activities, objects, or situations)?", loinc: "" },
    Item { text: "Trouble remembering important parts of the stressful experience?", loinc: "" },
    Item { text: "Having strong negative beliefs about yourself, other people, or the world (for example, having thoughts such as: I am bad, there is something seriously wrong with me, no one can be trusted, the world is completely dangerous)?", loinc: "" },
    Item { text: "Blaming yourself or someone else for the stressful experience or what happened after it?", loinc: "" },
    Item { text: "Having strong negative feelings such as fear, horror, anger, guilt, or shame?", loinc: "" },
    Item { text: "Loss of interest in activities that you used to enjoy?", loinc: "" },
    Item { text: "Feeling distant or cut off from other people?", loinc: "" },
    Item { text: "Trouble experiencing positive feelings (for example, being unable to feel happiness or have loving feelings for people close to you)?", loinc: "" },
    Item { text: "Irritable behavior, angry outbursts, or acting aggressively?", loinc: "" },
    Item { text: "Taking too many risks or doing things that could cause you harm?", loinc: "" },
    Item { text: "Being \"superalert\" or watchful or on guard?", loinc: "" },
    Item { text: "Feeling jumpy or easily startled?", loinc: "" },
    Item { text: "Having difficulty concentrating?", loinc: "" },
    Item { text: "Trouble falling or staying asleep?", loinc: "" },
];

const PCL5_CHOICES: [Choice; 5] = [
    Choice {
        value: 0,
        label: "Not at all",
        loinc: "",
    },
    Choice {
        value: 1,
        label: "A little bit",
        loinc: "",
    },
    Choice {
        value: 2,
        label: "Moderately",
        loinc: "",
    },
    Choice {
        value: 3,
        label: "Quite a bit",
        loinc: "",
    },
    Choice {
        value: 4,
        label: "Extremely",
        loinc: "",
    },
];

const PCL5_BANDS: [Band; 2] = [
    Band {
        min: 0,
        code: "below_cutoff",
        label: "below the screening cut-off",
    },
    Band {
        min: 33,
        code: "probable_ptsd",
        label: "above the cut-off for probable PTSD",
    },
];

const PCL5_COPYRIGHT: &str = "PCL-5 (Weathers, Litz, Keane, Palmieri, Marx & Schnurr, 2013), National Center for PTSD, U.S. Department of Veterans Affairs. Public domain.";

const PCL5_NOTE: &str = "The PCL-5 is a screen, not a diagnosis: only a clinician's assessment can say whether it is PTSD.";

pub const PCL5: Definition = Definition {
    id: "pcl5",
    name: "PCL-5",
    about: "stress after a very stressful experience",
    time_frame: "the past month",
    stem: "Below is a list of problems that people sometimes have in response to a very stressful experience. Please read each problem carefully and then select one of the numbers to the right to indicate how much you have been bothered by that problem in the past month.",
    lead: "In the past month, how much were you bothered by:",
    choices: &PCL5_CHOICES,
    items: &PCL5_ITEMS,
    follow_up: None,
    direction: Direction::LowerIsBetter,
    scale: 1,
    unit: "",
    bands: &PCL5_BANDS,
    reliable_change: 10,
    cutoff: Cutoff::AtOrAbove(33),
    loinc_panel: "",
    loinc_total: "",
    copyright: PCL5_COPYRIGHT,
    screen_note: PCL5_NOTE,
    safety_item: None,
};

pub const PCL5_WEEKLY: Definition = Definition {
    id: "pcl5-weekly",
    name: "PCL-5 (past week)",
    time_frame: "the past week",
    stem: "Below is a list of problems that people sometimes have in response to a very stressful experience. Please read each problem carefully and then select one of the numbers to the right to indicate how much you have been bothered by that problem in the past week.",
    lead: "In the past week, how much were you bothered by:",
    ..PCL5
};

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [&Definition; 5] = [&PHQ9, &GAD7, &WHO5, &PCL5, &PCL5_WEEKLY];

    #[test]
    fn every_definition_is_whole() {
        for d in ALL {
            assert!(!d.items.is_empty() && !d.choices.is_empty(), "{}", d.id);
            assert_eq!(d.bands[0].min, 0, "{}: the first band starts at 0", d.id);
            assert!(
                d.bands.windows(2).all(|w| w[0].min < w[1].min),
                "{}: bands ascend",
                d.id
            );
            let mut values: Vec<u8> = d.choices.iter().map(|c| c.value).collect();
            values.sort_unstable();
            assert_eq!(
                values,
                (0..=d.max_answer()).collect::<Vec<_>>(),
                "{}: answers are 0 to the highest, each once",
                d.id
            );
            let coded = d.items.iter().filter(|i| !i.loinc.is_empty()).count();
            assert!(
                coded == 0 || coded == d.items.len(),
                "{}: all items coded or none",
                d.id
            );
            assert!(!d.copyright.is_empty());
            assert!(d.reliable_change > 0 && d.reliable_change <= d.max_points());
        }
    }

    #[test]
    fn ranges_follow_the_reference() {
        assert_eq!((PHQ9.max_total(), GAD7.max_total()), (27, 21));
        assert_eq!((WHO5.max_total(), WHO5.max_points()), (25, 100));
        assert_eq!(PCL5.max_total(), 80);
        assert_eq!(PCL5_WEEKLY.items, PCL5.items);
        assert!(PCL5_WEEKLY.stem.contains("past week") && PCL5.stem.contains("past month"));
    }

    #[test]
    fn cut_offs_follow_the_reference() {
        assert!(PHQ9.is_case(10) && !PHQ9.is_case(9));
        assert!(GAD7.is_case(8) && !GAD7.is_case(7));
        assert!(WHO5.is_case(48) && !WHO5.is_case(52), "below 50 %");
        assert!(PCL5.is_case(33) && !PCL5.is_case(32));
        assert_eq!(WHO5.band(WHO5.points(7)).code, "likely_depression");
        assert_eq!(WHO5.band(WHO5.points(12)).code, "poor_wellbeing");
        assert_eq!(WHO5.band(WHO5.points(13)).code, "good_wellbeing");
        assert_eq!(WHO5.cutoff_words(), "below 50%");
        assert_eq!(PCL5.band(40).code, "probable_ptsd");
    }
}
