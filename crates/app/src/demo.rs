//! Realistic, deterministic synthetic journal data for trying Between,
//! screenshots and benchmarks: about one entry a day, plausible feelings and
//! triggers, and a mood that slowly improves with setbacks along the way.

use between_domain::{EntryContent, Feeling, PromptAnswer};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TRIGGERS: &[(&str, &[&str], &[&str])] = &[
    // (trigger, feelings it tends to bring when mood is low, when mood is good)
    (
        "work meeting",
        &["anxious", "nervous", "stressed"],
        &["confident", "motivated"],
    ),
    (
        "deadline",
        &["stressed", "overwhelmed", "frustrated"],
        &["determined", "motivated"],
    ),
    (
        "call with mum",
        &["guilty", "irritated", "hurt"],
        &["loved", "connected"],
    ),
    (
        "argument with partner",
        &["angry", "hurt", "sad"],
        &["relieved", "connected"],
    ),
    (
        "poor sleep",
        &["tired", "irritated", "numb"],
        &["tired", "calm"],
    ),
    (
        "social event",
        &["anxious", "lonely", "nervous"],
        &["joyful", "connected"],
    ),
    (
        "alone at the weekend",
        &["lonely", "empty", "bored"],
        &["peaceful", "content"],
    ),
    (
        "therapy session",
        &["nervous", "sad"],
        &["hopeful", "relieved"],
    ),
    (
        "exercise",
        &["tired", "discouraged"],
        &["energised", "proud"],
    ),
    (
        "news on TV",
        &["anxious", "hopeless"],
        &["thoughtful", "curious"],
    ),
];

const LOW_OPENINGS: &[&str] = &[
    "Woke up early and could not get back to sleep.",
    "A long day.",
    "Felt the familiar knot in my stomach again.",
    "Didn't want to get out of bed.",
    "Spent too long on my phone in the evening.",
];

const GOOD_OPENINGS: &[&str] = &[
    "Quiet evening with a cup of tea.",
    "Went for a walk after lunch.",
    "Had a good talk with a friend.",
    "Managed to do the breathing exercise twice.",
    "Cooked a proper dinner for once.",
];

const LOW_MIDDLES: &[&str] = &[
    "The {t} stayed on my mind most of the day.",
    "I noticed how quickly my thoughts jumped to the worst case around the {t}.",
    "After the {t} I caught myself thinking that I always get it wrong.",
    "I want to talk about the {t} next session.",
];

const GOOD_MIDDLES: &[&str] = &[
    "The {t} went better than I expected.",
    "I tried to notice the feeling instead of pushing it away during the {t}.",
    "Used what we practised when the {t} came up.",
];

const CLOSINGS: &[&str] = &[
    "Going to bed early.",
    "Small step, but a step.",
    "Not sure what to make of it yet.",
    "Grateful for the evening light.",
    "Tomorrow is another day.",
    "",
];

const TAGS: &[&str] = &[
    "sleep", "work", "family", "friends", "health", "progress", "setback",
];

/// Mood (1–10) on day `i` of `days`: a slow climb from about 4 to 7, a weekly
/// rhythm, noise, and a few setbacks lasting a couple of weeks.
fn mood_on(i: usize, days: usize, rng: &mut StdRng, setback: bool) -> u8 {
    let progress = i as f64 / days.max(1) as f64;
    let base = 4.0 + 3.0 * progress;
    let weekly = ((i % 7) as f64 / 7.0 * std::f64::consts::TAU).sin() * 0.4;
    let dip = if setback { -2.0 } else { 0.0 };
    let noise: f64 = rng.gen_range(-1.6..1.6);
    (base + weekly + dip + noise).round().clamp(1.0, 10.0) as u8
}

/// About one entry a day for `years` years up to `now`, oldest first.
pub fn journal(
    years: u32,
    seed: u64,
    now: Timestamp,
    tz: &TimeZone,
) -> Vec<(EntryContent, Timestamp)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let today = now.to_zoned(tz.clone()).date();
    let start = today
        .checked_sub(Span::new().years(i64::from(years)))
        .unwrap_or(today);
    let days = usize::try_from(start.until(today).map(|s| s.get_days()).unwrap_or(0)).unwrap_or(0);
    let mut out = Vec::with_capacity(days + days / 8);
    let mut setback_left = 0u32;
    for i in 0..days {
        let Ok(date) = start.checked_add(i64::try_from(i).unwrap_or(0).days()) else {
            continue;
        };
        if setback_left == 0 && rng.gen_bool(0.008) {
            setback_left = rng.gen_range(7..21);
        }
        let setback = setback_left > 0;
        setback_left = setback_left.saturating_sub(1);
        let entries_today = match rng.gen_range(0..100) {
            0..=9 => 0,
            10..=89 => 1,
            _ => 2,
        };
        for n in 0..entries_today {
            let hour = if n == 0 {
                rng.gen_range(19..23)
            } else {
                rng.gen_range(7..13)
            };
            let minute = rng.gen_range(0..60);
            let Ok(at) = date.at(hour, minute, 0, 0).to_zoned(tz.clone()) else {
                continue;
            };
            if at.timestamp() > now {
                continue;
            }
            let mood = mood_on(i, days, &mut rng, setback);
            out.push((entry(&mut rng, mood, setback), at.timestamp()));
        }
    }
    out.sort_by_key(|(_, at)| *at);
    out
}

fn entry(rng: &mut StdRng, mood: u8, setback: bool) -> EntryContent {
    let (trigger, low, high) = TRIGGERS[rng.gen_range(0..TRIGGERS.len())];
    let palette = if mood <= 5 { low } else { high };
    let mut feelings: Vec<Feeling> = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let name = palette[rng.gen_range(0..palette.len())];
        if feelings.iter().any(|f| f.name == name) {
            continue;
        }
        let strength = if mood <= 5 { 10 - mood } else { mood };
        let intensity = (i32::from(strength) + rng.gen_range(-2..=2)).clamp(1, 10) as u8;
        feelings.push(Feeling {
            name: name.into(),
            intensity,
        });
    }
    if rng.gen_bool(0.3) {
        let calm = ["calm", "content", "grateful", "relieved"][rng.gen_range(0..4)];
        if !feelings.iter().any(|f| f.name == calm) {
            feelings.push(Feeling {
                name: calm.into(),
                intensity: rng.gen_range(2..8),
            });
        }
    }
    let (openings, middles) = if mood <= 5 {
        (LOW_OPENINGS, LOW_MIDDLES)
    } else {
        (GOOD_OPENINGS, GOOD_MIDDLES)
    };
    let text = [
        openings[rng.gen_range(0..openings.len())].to_string(),
        middles[rng.gen_range(0..middles.len())].replace("{t}", trigger),
        CLOSINGS[rng.gen_range(0..CLOSINGS.len())].to_string(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .cloned()
    .collect::<Vec<_>>()
    .join(" ");
    let mut tags: Vec<String> = Vec::new();
    if rng.gen_bool(0.5) {
        tags.push(TAGS[rng.gen_range(0..TAGS.len())].into());
    }
    if setback {
        tags.push("setback".into());
    }
    let prompts = if rng.gen_bool(0.15) {
        vec![PromptAnswer {
            prompt: "What would I like to remember for my next session?".into(),
            answer: format!("How the {trigger} affected me."),
        }]
    } else {
        Vec::new()
    };
    EntryContent {
        text,
        mood: Some(mood),
        feelings,
        triggers: vec![trigger.into()],
        tags,
        prompts,
        starred: rng.gen_bool(0.04),
        shared: rng.gen_bool(0.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_journal() {
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let a = journal(1, 7, now, &TimeZone::UTC);
        let b = journal(1, 7, now, &TimeZone::UTC);
        assert_eq!(a, b);
        assert_ne!(a, journal(1, 8, now, &TimeZone::UTC));
    }

    #[test]
    fn about_one_valid_entry_a_day_in_the_past_with_mood_improving() {
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let entries = journal(2, 1, now, &TimeZone::UTC);
        assert!((600..=900).contains(&entries.len()), "{}", entries.len());
        assert!(entries.iter().all(|(_, at)| *at <= now));
        assert!(entries.iter().all(|(c, _)| c.clone().validated().is_ok()));
        let mean = |part: &[(EntryContent, Timestamp)]| {
            part.iter()
                .filter_map(|(c, _)| c.mood)
                .map(f64::from)
                .sum::<f64>()
                / part.len() as f64
        };
        let quarter = entries.len() / 4;
        assert!(mean(&entries[entries.len() - quarter..]) > mean(&entries[..quarter]) + 1.0);
    }
}
