//! The demo's measurement-based care: a PCL-5 for the past week every week
//! over the last three months, improving; a WHO-5 every four weeks over the
//! demo's span, rising; a safety plan in the person's words, and a warning
//! sign ("Not sleeping") told to the linked therapist that matched last
//! month. Synthetic, seeded, for trying the app and screenshots.

use between_domain::measure::{Instrument, Response};
use between_domain::warning_match::Match;
use between_domain::warning_sign::{Rule, WarningSign};
use jiff::SignedDuration;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::measures::SafetyPlan;
use crate::records::RecordKind;
use crate::{App, AppError, Principal};

/// `total` points spread over `items` answers of 0..=`max`.
fn spread(total: i64, items: usize, max: u8, rng: &mut StdRng) -> Vec<u8> {
    let mut answers = vec![0u8; items];
    let mut left = total.clamp(0, i64::from(max) * items as i64);
    while left > 0 {
        let i = rng.gen_range(0..items);
        if answers[i] < max {
            answers[i] += 1;
            left -= 1;
        }
    }
    answers
}

/// What [`fill_care`] created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CareCounts {
    pub measures: usize,
    pub warning_signs: usize,
}

/// Adds the series, the plan and the sign for `p`, telling the sign to the
/// link `tell` (a share id) when given.
pub async fn fill_care(
    app: &App,
    p: &Principal,
    years: u32,
    tell: Option<Uuid>,
    seed: u64,
) -> Result<CareCounts, AppError> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(67));
    let now = app.now();
    let week = SignedDuration::from_hours(24 * 7);
    let mut items = Vec::new();
    // PCL-5 weekly, 12 weeks: from about 48 (probable PTSD) to about 24.
    for k in 0..12i32 {
        let at = now - week * (12 - k) + SignedDuration::from_hours(9);
        let total = (48.0 - 2.2 * k as f64 + rng.gen_range(-3.0..3.0)).round() as i64;
        items.push((
            RecordKind::Measure,
            None,
            at,
            Response {
                instrument: Instrument::Pcl5Weekly,
                answers: spread(total, 20, 4, &mut rng),
                difficulty: None,
            },
        ));
    }
    // WHO-5 every four weeks over the span: from about 28 % to about 64 %.
    let span = i32::try_from(years).unwrap_or(30) * 52 / 4;
    for k in 0..span {
        let at = now - week * (4 * (span - k)) + SignedDuration::from_hours(30);
        let progress = k as f64 / span.max(1) as f64;
        let raw = (7.0 + 9.0 * progress + rng.gen_range(-1.5..1.5)).round() as i64;
        items.push((
            RecordKind::Measure,
            None,
            at,
            Response {
                instrument: Instrument::Who5,
                answers: spread(raw, 5, 5, &mut rng),
                difficulty: None,
            },
        ));
    }
    let measures = items.len();
    app.insert_records(p, &items).await?;

    app.save_safety_plan(
        p,
        SafetyPlan {
            warning_signs:
                "Lying awake past 3 a.m.; cancelling plans; the thought \"what is the point\"."
                    .into(),
            coping_strategies:
                "A walk round the park; a cold shower; the breathing exercise from session 4."
                    .into(),
            distractions: "The climbing gym; the café on Mill Street.".into(),
            people_to_ask: "Sam (sister): 07700 900123".into(),
            professionals: "My therapist; the GP surgery: 020 7946 0000".into(),
            safer_surroundings: "Give the spare medication to Sam to keep.".into(),
            reasons_for_living: "Sam's kids; the trip to Skye in May.".into(),
        },
    )
    .await?;
    let sign = app
        .add_warning_sign(
            p,
            WarningSign {
                name: "Not sleeping".into(),
                rule: Rule::Tracker {
                    tracker: "sleep".into(),
                    below: true,
                    value: 5.0,
                    days: 3,
                },
                tell: tell.into_iter().collect(),
            },
        )
        .await?;
    // It matched last month, for four days.
    let tz = p.user.time_zone.clone();
    let noticed_at = now - SignedDuration::from_hours(24 * 33);
    let noticed = noticed_at.to_zoned(tz).date();
    let last_seen = noticed
        .checked_add(jiff::Span::new().days(3))
        .map_err(|e| AppError::Corrupt(format!("demo date: {e}")))?;
    app.insert_records(
        p,
        &[(
            RecordKind::WarningSignMatch,
            None,
            noticed_at,
            Match {
                sign: sign.id,
                name: sign.data.name.clone(),
                since: noticed
                    .checked_sub(jiff::Span::new().days(2))
                    .unwrap_or(noticed),
                noticed,
                last_seen,
                evidence: format!("sleep under 5 on 3 days in a row, up to {noticed}"),
            },
        )],
    )
    .await?;
    Ok(CareCounts {
        measures,
        warning_signs: 1,
    })
}
