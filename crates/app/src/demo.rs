//! Realistic, deterministic synthetic journal data for trying Between,
//! screenshots and benchmarks: about one entry a day, plausible feelings and
//! triggers, and a mood that slowly improves with setbacks along the way.

pub use crate::demo_care::{fill_care, CareCounts};
use between_domain::{EntryContent, Feeling, PromptAnswer};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp, ToSpan};
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

/// Fills the session loop consistently with the journal: a weekly
/// appointment for the whole period (mostly attended), feedback on most
/// sessions, two goals with check-ins, questions (older ones answered) and
/// insights after some sessions. Few transactions, so ten years take seconds.
pub async fn fill_session_loop(
    app: &crate::App,
    p: &crate::Principal,
    years: u32,
    seed: u64,
) -> Result<SessionLoopCounts, crate::AppError> {
    use crate::appointments::NewAppointment;
    use crate::records::RecordKind;
    use between_domain::appointment::{Details, Repeat, Status};
    use between_domain::feedback::Feedback;
    use between_domain::goal::{Area, CheckIn, Goal, GoalStatus, Measure};
    use between_domain::insight::{Insight, InsightKind};
    use between_domain::question::Question;

    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(17));
    let tz = p.user.time_zone.clone();
    let now = app.now();
    let today = now.to_zoned(tz.clone()).date();
    let start_day = today
        .checked_sub(Span::new().years(i64::from(years)))
        .unwrap_or(today);
    // The first Tuesday on or after the start, at 17:00.
    let offset = (1 - i64::from(start_day.weekday().to_monday_zero_offset()) + 7) % 7;
    let first_day = start_day.checked_add(offset.days()).unwrap_or(start_day);
    let first = first_day
        .at(17, 0, 0, 0)
        .to_zoned(tz.clone())
        .map_err(|e| crate::AppError::Corrupt(e.to_string()))?;
    let details = Details {
        with: "Dr. Rivera".into(),
        place: "Room 4, Linden Practice".into(),
        duration_minutes: 50,
        status: Status::Planned,
        therapist: None,
    };
    app.add_appointment(
        p,
        NewAppointment {
            starts_at: first.timestamp(),
            details,
            repeat: Some(Repeat::Weeks(1)),
            until: None,
        },
    )
    .await?;
    let appointments = app.appointments(p).await?;
    let past: Vec<_> = appointments.iter().filter(|a| a.ends_at() < now).collect();
    let mut statuses = Vec::new();
    for a in &past {
        let status = match rng.gen_range(0..100) {
            0..=6 => Status::Cancelled,
            7..=9 => Status::Missed,
            _ => Status::Attended,
        };
        statuses.push((a.id, status));
    }
    app.set_statuses(p, &statuses).await?;
    let attended: Vec<_> = past
        .iter()
        .zip(&statuses)
        .filter(|(_, (_, s))| *s == Status::Attended)
        .map(|(a, _)| (a.id, a.starts_at))
        .collect();
    let n = attended.len().max(1);

    let mut feedback = Vec::new();
    let mut insights = Vec::new();
    const STRATEGIES: &[&str] = &[
        "Name the feeling before acting on it",
        "Breathe out longer than in when panic starts",
        "Thoughts are not facts: look for the evidence",
        "Plan one small pleasant activity every day",
        "Say what I need early instead of waiting",
        "Schedule worry time instead of worrying all day",
    ];
    const TAKEAWAYS: &[&str] = &[
        "My anxiety peaks before meetings, not during them",
        "Calls with mum go better when I set a time limit",
        "Rest is part of progress",
        "Setbacks are part of the pattern, not the end of it",
        "I judge myself far harder than others do",
    ];
    for (i, (id, at)) in attended.iter().enumerate() {
        let progress = i as f64 / n as f64;
        if rng.gen_bool(0.75) {
            let base = 6.5 + 2.5 * progress;
            let mut score = || (base + rng.gen_range(-1.5..1.5)).round().clamp(0.0, 10.0) as u8;
            let fb = Feedback {
                heard: score(),
                worked_on: score(),
                approach: score(),
                overall: score(),
                working: if rng.gen_bool(0.3) {
                    "Going through the week's journal together".into()
                } else {
                    String::new()
                },
                change: if rng.gen_bool(0.15) {
                    "More time for homework planning".into()
                } else {
                    String::new()
                },
            };
            feedback.push((RecordKind::Feedback, Some(*id), *at, fb));
        }
        if rng.gen_bool(0.4) {
            let (kind, text) = if rng.gen_bool(0.5) {
                (
                    InsightKind::Strategy,
                    STRATEGIES[rng.gen_range(0..STRATEGIES.len())],
                )
            } else {
                (
                    InsightKind::Takeaway,
                    TAKEAWAYS[rng.gen_range(0..TAKEAWAYS.len())],
                )
            };
            let tag = ["anxiety", "work", "family", "self-care"][rng.gen_range(0..4)];
            let insight = Insight {
                text: text.into(),
                kind,
                appointment_id: Some(*id),
                tags: vec![tag.into()],
            };
            insights.push((
                RecordKind::Insight,
                None,
                *at + SignedDuration::from_hours(1),
                insight,
            ));
        }
    }
    let feedback_count = app.insert_records(p, &feedback).await?.len();
    let insight_count = app.insert_records(p, &insights).await?.len();

    // Questions: about two a month; those before the last session are answered.
    const QUESTIONS: &[(&str, &str)] = &[
        (
            "Why do I freeze in meetings?",
            "It is the fight-or-flight response; it fades when I stay.",
        ),
        (
            "Is it normal to feel worse before feeling better?",
            "Yes, often; it usually means we are touching what matters.",
        ),
        (
            "How do I stop replaying conversations?",
            "Notice it, label it 'replaying', and return to the present.",
        ),
        (
            "Should I tell my manager about therapy?",
            "Only if it helps me; there is no duty to.",
        ),
        (
            "What can I do when I cannot sleep?",
            "Get up after 20 minutes and do something calm in dim light.",
        ),
        (
            "How long will therapy take?",
            "We review every few months and decide together.",
        ),
    ];
    let last_session = attended.last().map(|(_, at)| *at).unwrap_or(now);
    let mut questions = Vec::new();
    let months = i64::from(years) * 12;
    for m in 0..months * 2 {
        let asked = now - SignedDuration::from_hours(24 * 15 * (months * 2 - m));
        let (q, a) = QUESTIONS[rng.gen_range(0..QUESTIONS.len())];
        let answered = asked < last_session - SignedDuration::from_hours(24 * 7);
        let in_session = attended
            .iter()
            .find(|(_, at)| *at > asked)
            .map(|(id, _)| *id);
        let question = Question {
            text: q.into(),
            answer: answered.then(|| a.to_string()),
            appointment_id: if answered { in_session } else { None },
            answered_at: if answered {
                attended
                    .iter()
                    .find(|(_, at)| *at > asked)
                    .map(|(_, at)| *at)
            } else {
                None
            },
        };
        questions.push((RecordKind::Question, None, asked, question));
    }
    let question_count = app.insert_records(p, &questions).await?.len();

    // Goals: a GAS goal climbing from -2, and a numeric one falling from 6 to about 1.
    let created = first.timestamp();
    let gas = Goal {
        title: "Speak up once in every team meeting".into(),
        why: "My ideas matter and I want to be part of decisions.".into(),
        area: Some(Area::Work),
        measure: Measure::Gas {
            levels: [
                "Silent in every meeting",
                "Speak once a week",
                "Speak once in every meeting",
                "Speak twice in every meeting",
                "Lead an agenda item",
            ]
            .map(String::from),
        },
        review_every_days: 28,
        status: GoalStatus::Active,
    };
    let numeric = Goal {
        title: "Fewer panic attacks".into(),
        why: "I want to take the train to see my sister.".into(),
        area: Some(Area::Anxiety),
        measure: Measure::Numeric {
            baseline: 6.0,
            target: 1.0,
            unit: "panic attacks per week".into(),
            lower_is_better: true,
        },
        review_every_days: 28,
        status: GoalStatus::Active,
    };
    let goal_ids = app
        .insert_records(
            p,
            &[
                (RecordKind::Goal, None, created, gas),
                (RecordKind::Goal, None, created, numeric),
            ],
        )
        .await?;
    let mut check_ins = Vec::new();
    let span = now.duration_since(created);
    let steps = (span.as_hours() / (24 * 28)).max(1);
    for k in 1..=steps {
        let at = created + SignedDuration::from_hours(24 * 28 * k);
        if at > now {
            break;
        }
        let progress = k as f64 / steps as f64;
        let level = (-2.0 + 3.2 * progress + rng.gen_range(-0.6..0.6))
            .round()
            .clamp(-2.0, 2.0) as i8;
        check_ins.push((
            RecordKind::GoalCheckIn,
            Some(goal_ids[0]),
            at,
            CheckIn {
                level: Some(level),
                value: None,
                note: String::new(),
            },
        ));
        let attacks = (6.0 - 5.0 * progress + rng.gen_range(-1.0..1.0))
            .round()
            .max(0.0);
        check_ins.push((
            RecordKind::GoalCheckIn,
            Some(goal_ids[1]),
            at,
            CheckIn {
                level: None,
                value: Some(attacks),
                note: String::new(),
            },
        ));
    }
    app.insert_records(p, &check_ins).await?;
    Ok(SessionLoopCounts {
        appointments: appointments.len(),
        attended: attended.len(),
        feedback: feedback_count,
        insights: insight_count,
        questions: question_count,
        goals: goal_ids.len(),
    })
}

/// What `fill_session_loop` created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLoopCounts {
    pub appointments: usize,
    pub attended: usize,
    pub feedback: usize,
    pub insights: usize,
    pub questions: usize,
    pub goals: usize,
}

/// Practices with realistic, imperfect adherence: streaks and gaps (a
/// Markov chain: doing it yesterday makes today likelier), thought records
/// whose intensity drops, and a few difficulties noted.
pub async fn fill_practices(
    app: &crate::App,
    p: &crate::Principal,
    years: u32,
    seed: u64,
) -> Result<usize, crate::AppError> {
    use crate::records::RecordKind;
    use between_domain::practice::definition::{Log, Practice, Template};
    use between_domain::practice::schedule::Schedule;
    use std::collections::BTreeMap;

    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(29));
    let tz = p.user.time_zone.clone();
    let now = app.now();
    let today = now.to_zoned(tz.clone()).date();
    let start = today
        .checked_sub(Span::new().years(i64::from(years)))
        .unwrap_or(today);
    let plans = [
        (
            "Evening breathing",
            "Four counts in, six counts out, for five minutes.",
            Template::Mindfulness,
            "daily",
            0.8,
        ),
        (
            "Thought record",
            "After a strong feeling, write the thought down and weigh it.",
            Template::ThoughtRecord,
            "mon,wed,fri",
            0.7,
        ),
        (
            "Walk outside",
            "Twenty minutes, phone in the pocket.",
            Template::Free,
            "per-week:3",
            0.6,
        ),
        (
            "Say one thing I need",
            "Once a week, tell someone what I need.",
            Template::Communication,
            "every:7d",
            0.55,
        ),
    ];
    let mut defs = Vec::new();
    for (title, instructions, template, spec, _) in &plans {
        let practice = Practice {
            title: (*title).into(),
            instructions: (*instructions).into(),
            why: String::new(),
            goal_id: None,
            assigned_by: "Dr. Rivera".into(),
            template: *template,
            schedule: Schedule::parse(spec)?,
            start,
            end: None,
            archived: false,
        };
        defs.push((RecordKind::Practice, None, now, practice));
    }
    let ids = app.insert_records(p, &defs).await?;
    let mut logs = Vec::new();
    for ((_, _, _, practice), (id, plan)) in defs.iter().zip(ids.iter().zip(&plans)) {
        let base = plan.4;
        let mut yesterday = true;
        let mut day = start;
        let scheduled: std::collections::HashSet<jiff::civil::Date> = practice
            .schedule
            .occurrences(practice.start, start, today)
            .into_iter()
            .collect();
        while day < today {
            let due = match &practice.schedule {
                Schedule::PerWeek { .. } => rng.gen_bool(0.45),
                _ => scheduled.contains(&day),
            };
            if due {
                let chance = if yesterday {
                    (base + 0.12_f64).min(0.97)
                } else {
                    base - 0.25
                };
                let done = rng.gen_bool(chance.clamp(0.05, 0.97));
                yesterday = done;
                if done {
                    let hour = rng.gen_range(7..22);
                    let Ok(at) = day
                        .at(hour, rng.gen_range(0..60), 0, 0)
                        .to_zoned(tz.clone())
                    else {
                        continue;
                    };
                    let mut log = Log {
                        minutes: Some(rng.gen_range(5..30)),
                        difficulty: Some(rng.gen_range(1..8)),
                        ..Log::default()
                    };
                    if !no_difficulty(&mut rng) {
                        log.note = [
                            "Hard to start: too tired after work",
                            "Did it late, visitors all evening",
                            "Almost skipped it, glad I didn't",
                        ][rng.gen_range(0..3)]
                        .into();
                    }
                    if practice.template == Template::ThoughtRecord {
                        let before = rng.gen_range(6..10u8);
                        log.scales = BTreeMap::from([
                            ("intensity_before".to_string(), before),
                            (
                                "intensity_after".to_string(),
                                before - rng.gen_range(1..5u8),
                            ),
                        ]);
                        log.texts.insert(
                            "situation".into(),
                            [
                                "Team meeting",
                                "Call with mum",
                                "Lying awake",
                                "A message left unanswered",
                            ][rng.gen_range(0..4)]
                            .into(),
                        );
                    }
                    if practice.template == Template::Mindfulness {
                        log.scales
                            .insert("how_it_felt".into(), rng.gen_range(3..10));
                    }
                    logs.push((RecordKind::PracticeLog, Some(*id), at.timestamp(), log));
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
    }
    let count = logs.len();
    app.insert_records(p, &logs).await?;
    Ok(count)
}

/// About one log in eight notes a difficulty.
fn no_difficulty(rng: &mut StdRng) -> bool {
    !rng.gen_bool(0.125)
}

/// A PHQ-9 and a GAD-7 every two weeks, improving with the journal's mood
/// (with noise, and one early answer above 0 on PHQ-9 item 9).
pub async fn fill_measures(
    app: &crate::App,
    p: &crate::Principal,
    years: u32,
    seed: u64,
) -> Result<usize, crate::AppError> {
    use crate::records::RecordKind;
    use between_domain::measure::{Instrument, Response};

    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(41));
    let now = app.now();
    let span = SignedDuration::from_hours(24 * 365 * i64::from(years));
    let start = now - span;
    let steps = span.as_hours() / (24 * 14);
    let spread = |total: i64, items: usize, rng: &mut StdRng, last_zero: bool| -> Vec<u8> {
        let mut answers = vec![0u8; items];
        let mut left = total.clamp(0, 3 * items as i64);
        let usable = if last_zero { items - 1 } else { items };
        while left > 0 {
            let i = rng.gen_range(0..usable);
            if answers[i] < 3 {
                answers[i] += 1;
                left -= 1;
            }
            if answers[..usable].iter().all(|a| *a == 3) {
                break;
            }
        }
        answers
    };
    let mut items = Vec::new();
    for k in 0..steps {
        let at = start + SignedDuration::from_hours(24 * 14 * k + 18);
        if at > now {
            break;
        }
        let progress = k as f64 / steps.max(1) as f64;
        let phq = (17.0 - 11.0 * progress + rng.gen_range(-2.5..2.5)).round() as i64;
        let mut answers = spread(phq, 9, &mut rng, true);
        if k == 2 {
            answers[8] = 1;
        }
        items.push((
            RecordKind::Measure,
            None,
            at,
            Response {
                instrument: Instrument::Phq9,
                answers,
                difficulty: Some(if progress < 0.5 { 2 } else { 1 }),
            },
        ));
        let gad = (13.0 - 8.0 * progress + rng.gen_range(-2.0..2.0)).round() as i64;
        items.push((
            RecordKind::Measure,
            None,
            at,
            Response {
                instrument: Instrument::Gad7,
                answers: spread(gad, 7, &mut rng, false),
                difficulty: None,
            },
        ));
    }
    Ok(app.insert_records(p, &items).await?.len())
}

/// Sleep, exercise and medication on most days, going with the day's mood
/// (more sleep and exercise on better days), so tracker patterns show.
pub async fn fill_trackers(
    app: &crate::App,
    p: &crate::Principal,
    day_moods: &[(jiff::civil::Date, u8)],
    seed: u64,
) -> Result<usize, crate::AppError> {
    use crate::records::RecordKind;
    use crate::trackers::Reading;
    use between_domain::tracker::preset;

    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(53));
    let mut ids = Vec::new();
    for key in ["sleep", "exercise", "medication"] {
        if let Some(t) = preset(key) {
            ids.push(app.add_tracker(p, t).await?.id);
        }
    }
    let [sleep, exercise, medication] = ids[..] else {
        return Ok(0);
    };
    let mut months: std::collections::BTreeMap<(uuid::Uuid, jiff::Timestamp), Vec<Reading>> =
        std::collections::BTreeMap::new();
    let mut last = None;
    let mut count = 0;
    for (date, mood) in day_moods {
        if last == Some(*date) || rng.gen_bool(0.15) {
            continue;
        }
        last = Some(*date);
        let slot = crate::trackers::month_slot(*date)?;
        let m = f64::from(*mood);
        let hours = (4.5 + m * 0.4 + rng.gen_range(-1.0..1.0)).clamp(3.0, 10.0);
        let values = [
            (sleep, (hours * 2.0).round() / 2.0),
            (
                exercise,
                f64::from(u8::from(rng.gen_bool((m / 12.0).min(0.9)))),
            ),
            (medication, f64::from(u8::from(rng.gen_bool(0.92)))),
        ];
        for (tracker, value) in values {
            months
                .entry((tracker, slot))
                .or_default()
                .push(Reading { date: *date, value });
            count += 1;
        }
    }
    let items: Vec<_> = months
        .into_iter()
        .map(|((tracker, slot), readings)| {
            (RecordKind::TrackerMonth, Some(tracker), slot, readings)
        })
        .collect();
    app.insert_records(p, &items).await?;
    Ok(count)
}

/// What [`fill`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub entries: usize,
    pub session_loop: SessionLoopCounts,
    pub practice_logs: usize,
    pub measures: usize,
    pub readings: usize,
}

/// Fills an account with `years` of everything: journal, appointments and
/// the session loop, practices, measures and trackers, up to the app's now.
pub async fn fill(
    app: &crate::App,
    p: &crate::Principal,
    years: u32,
    seed: u64,
) -> Result<Counts, crate::AppError> {
    let entries = journal(years, seed, app.now(), &p.user.time_zone);
    let mut day_moods: Vec<(jiff::civil::Date, u8)> = entries
        .iter()
        .filter_map(|(c, at)| {
            c.mood
                .map(|m| (at.to_zoned(p.user.time_zone.clone()).date(), m))
        })
        .collect();
    day_moods.sort();
    let entries = app.add_entries(p, entries).await?;
    let session_loop = fill_session_loop(app, p, years, seed).await?;
    let practice_logs = fill_practices(app, p, years, seed).await?;
    let measures = fill_measures(app, p, years, seed).await?;
    let readings = fill_trackers(app, p, &day_moods, seed).await?;
    Ok(Counts {
        entries,
        session_loop,
        practice_logs,
        measures,
        readings,
    })
}
