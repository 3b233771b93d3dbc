//! Measures: taking any instrument, the history with change against the
//! previous response and the first (baseline) in the instrument's
//! direction, when one is due, and the person's safety plan.

use between_domain::measure::change::{is_case, recovered};
use between_domain::measure::{classify_change, score, Change, Instrument, Response, Scored};
use between_store::RecordBatch;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// A response with its score and how it compares.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureView {
    pub response: Stored<Response>,
    pub scored: Scored,
    /// Compared with the previous response of the same instrument.
    pub change: Option<Change>,
    /// Compared with the first response of the same instrument.
    pub change_from_baseline: Option<Change>,
    /// At or above the clinical threshold.
    pub case: bool,
    /// From caseness at the baseline to below it now.
    pub recovered: bool,
}

/// The Stanley–Brown safety plan, in the person's words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyPlan {
    #[serde(default)]
    pub warning_signs: String,
    #[serde(default)]
    pub coping_strategies: String,
    #[serde(default)]
    pub distractions: String,
    #[serde(default)]
    pub people_to_ask: String,
    #[serde(default)]
    pub professionals: String,
    #[serde(default)]
    pub safer_surroundings: String,
    #[serde(default)]
    pub reasons_for_living: String,
}

/// The plan's sections, in order: (field, heading, hint).
pub const SAFETY_PLAN_SECTIONS: [(&str, &str, &str); 7] = [
    (
        "warning_signs",
        "Warning signs",
        "Thoughts, moods, situations or behaviours that tell me a crisis may be coming",
    ),
    (
        "coping_strategies",
        "My own coping strategies",
        "Things I can do on my own to take my mind off it",
    ),
    (
        "distractions",
        "People and places that distract me",
        "Who I can be with, where I can go",
    ),
    (
        "people_to_ask",
        "People I can ask for help",
        "Names and numbers",
    ),
    (
        "professionals",
        "Professionals and crisis lines",
        "My therapist, my doctor, crisis lines, the nearest emergency department",
    ),
    (
        "safer_surroundings",
        "Making my surroundings safer",
        "What I can put away or ask someone to keep",
    ),
    (
        "reasons_for_living",
        "My reasons for living",
        "What matters most to me",
    ),
];

impl SafetyPlan {
    pub fn get(&self, field: &str) -> &str {
        match field {
            "warning_signs" => &self.warning_signs,
            "coping_strategies" => &self.coping_strategies,
            "distractions" => &self.distractions,
            "people_to_ask" => &self.people_to_ask,
            "professionals" => &self.professionals,
            "safer_surroundings" => &self.safer_surroundings,
            "reasons_for_living" => &self.reasons_for_living,
            _ => "",
        }
    }

    pub fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "warning_signs" => &mut self.warning_signs,
            "coping_strategies" => &mut self.coping_strategies,
            "distractions" => &mut self.distractions,
            "people_to_ask" => &mut self.people_to_ask,
            "professionals" => &mut self.professionals,
            "safer_surroundings" => &mut self.safer_surroundings,
            "reasons_for_living" => &mut self.reasons_for_living,
            _ => return,
        };
        *slot = value;
    }
}

impl App {
    /// Scores and stores a completed questionnaire.
    pub async fn take_measure(
        &self,
        p: &Principal,
        response: Response,
        at: Option<Timestamp>,
    ) -> Result<MeasureView, AppError> {
        let response = response.validated()?;
        let at = at.unwrap_or_else(|| self.now());
        if at > self.now() + SignedDuration::from_mins(5) {
            return Err(AppError::invalid(
                "at",
                "A measure cannot be taken in the future.",
            ));
        }
        let stored = self
            .insert_record(p, RecordKind::Measure, None, at, &response)
            .await?;
        self.measures(p)
            .await?
            .into_iter()
            .find(|m| m.response.id == stored.id)
            .ok_or_else(|| AppError::Corrupt("the response vanished".into()))
    }

    /// Every response, oldest first, with change classifications.
    pub async fn measures(&self, p: &Principal) -> Result<Vec<MeasureView>, AppError> {
        let all: Vec<Stored<Response>> = self.list_records(p, RecordKind::Measure, None).await?;
        let mut out: Vec<MeasureView> = Vec::with_capacity(all.len());
        // (instrument, first total, latest total)
        let mut seen: Vec<(Instrument, u8, u8)> = Vec::new();
        for response in all {
            let scored = score(&response.data);
            let instrument = response.data.instrument;
            let same = seen.iter_mut().find(|(i, _, _)| *i == instrument);
            let (baseline, previous) = match same {
                Some((_, first, latest)) => {
                    let before = (Some(*first), Some(*latest));
                    *latest = scored.total;
                    before
                }
                None => {
                    seen.push((instrument, scored.total, scored.total));
                    (None, None)
                }
            };
            out.push(MeasureView {
                change: previous.map(|before| classify_change(instrument, before, scored.total)),
                change_from_baseline: baseline
                    .map(|before| classify_change(instrument, before, scored.total)),
                case: is_case(instrument, scored.total),
                recovered: baseline
                    .is_some_and(|before| recovered(instrument, before, scored.total)),
                scored,
                response,
            });
        }
        Ok(out)
    }

    /// The instruments due now, by each one's schedule
    /// (`measure_schedules.rs`): without one of the person's own, the
    /// PHQ-9 and GAD-7 every two weeks and before a session not yet
    /// measured for; the others when scheduled.
    pub async fn measures_due(&self, p: &Principal) -> Result<Vec<Instrument>, AppError> {
        Ok(self
            .measure_schedules(p)
            .await?
            .into_iter()
            .filter(|s| s.due)
            .map(|s| s.instrument)
            .collect())
    }

    pub async fn delete_measure(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::Measure, id, "response")
            .await
    }

    pub async fn safety_plan(&self, p: &Principal) -> Result<SafetyPlan, AppError> {
        Ok(self
            .list_records::<SafetyPlan>(p, RecordKind::SafetyPlan, None)
            .await?
            .pop()
            .map(|s| s.data)
            .unwrap_or_default())
    }

    pub async fn save_safety_plan(
        &self,
        p: &Principal,
        plan: SafetyPlan,
    ) -> Result<SafetyPlan, AppError> {
        p.require_read()?;
        for (field, heading, _) in SAFETY_PLAN_SECTIONS {
            if plan.get(field).chars().count() > 10_000 {
                return Err(AppError::invalid(
                    field,
                    format!("\"{heading}\" can be at most 10000 characters long."),
                ));
            }
        }
        let q = between_store::RecordQuery {
            kind: RecordKind::SafetyPlan.as_str().into(),
            ..Default::default()
        };
        let existing = self
            .store
            .list_records(p.user.id, &q)
            .await?
            .into_iter()
            .next();
        let now = self.now();
        let mut batch = RecordBatch::default();
        match existing {
            Some(row) => batch.update.push(self.seal(
                p,
                RecordKind::SafetyPlan,
                row.id,
                None,
                now,
                &plan,
                Some(&row),
            )?),
            None => batch.insert.push(self.seal(
                p,
                RecordKind::SafetyPlan,
                Uuid::now_v7(),
                None,
                now,
                &plan,
                None,
            )?),
        }
        self.apply_records(p, &batch).await?;
        Ok(plan)
    }
}
