//! The person's warning signs (`domain::warning_sign`), one record each
//! under the safety plan's key, and what matches now: facts gathered from
//! the last 60 days of entries, trackers and questionnaires, in the
//! person's days. Checked after each write of what they look at and at
//! sign-in (in the background, `background.rs`), and each episode of a
//! match recorded (`domain::warning_match`, under the same key) for the
//! agenda, the person's look back and — for links the person chose — a
//! flag on that therapist's dashboard. Evaluated only for a signed-in
//! person (the keys are open then); the rules never enter the reminder
//! plan, and nobody watches them in real time.

use std::collections::BTreeMap;

use between_domain::measure::Change;
use between_domain::timespec::TimeRange;
use between_domain::warning_match::{self, Match, Note};
use between_domain::warning_sign::{Facts, Fired, WarningSign, MAX_WINDOW};
use between_store::RecordBatch;
use jiff::SignedDuration;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// A warning sign with whether it matches now.
#[derive(Debug, Clone)]
pub struct SignView {
    pub sign: Stored<WarningSign>,
    pub fired: Option<Fired>,
    /// Its latest recorded episode.
    pub last: Option<Match>,
}

/// A warning sign that matched, as the dashboard of a therapist the person
/// chose to tell shows it (sealed with that link's key in the summary).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignFlag {
    pub name: String,
    pub noticed: jiff::civil::Date,
    pub last_seen: jiff::civil::Date,
    pub evidence: String,
}

/// How long after it was last seen a match stays flagged for a therapist.
pub const FLAG_DAYS: i64 = 14;

/// Whether a write of these kinds may change what the signs see (entries
/// are written apart from records and count too).
pub(crate) fn watched(batch: &RecordBatch) -> bool {
    crate::records::batch_touches(
        batch,
        &[
            RecordKind::WarningSign,
            RecordKind::Measure,
            RecordKind::Tracker,
            RecordKind::TrackerMonth,
        ],
    )
}

impl App {
    /// Adds a warning sign.
    pub async fn add_warning_sign(
        &self,
        p: &Principal,
        sign: WarningSign,
    ) -> Result<Stored<WarningSign>, AppError> {
        let sign = sign.validated()?;
        if !sign.tell.is_empty() {
            let links = self.shares(p).await?;
            if let Some(unknown) = sign.tell.iter().find(|id| {
                !links
                    .iter()
                    .any(|l| l.id == **id && l.client_id == p.user.id)
            }) {
                return Err(AppError::invalid(
                    "tell",
                    format!("{unknown} is not one of your links with a therapist."),
                ));
            }
        }
        self.insert_record(p, RecordKind::WarningSign, None, self.now(), &sign)
            .await
    }

    pub async fn delete_warning_sign(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::WarningSign, id, "warning sign")
            .await
    }

    /// The person's links as a client (none for a therapist): who a sign
    /// may be told to.
    pub async fn client_links(&self, p: &Principal) -> Result<Vec<crate::sharing::Link>, AppError> {
        if p.user.role != crate::Role::Client {
            return Ok(Vec::new());
        }
        let mut links = self.shares(p).await?;
        links.retain(|l| l.client_id == p.user.id);
        Ok(links)
    }

    /// The links with the therapists `names` (as the person typed them);
    /// a name without a link is named in the error.
    pub async fn links_named(
        &self,
        p: &Principal,
        names: &[String],
    ) -> Result<Vec<Uuid>, AppError> {
        let links = self.client_links(p).await?;
        names
            .iter()
            .map(|name| {
                links
                    .iter()
                    .find(|l| l.with.eq_ignore_ascii_case(name.trim()))
                    .map(|l| l.id)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "tell",
                            format!(
                                "You have no link with a therapist of that name: \"{}\" (see your Sharing page or `between share list`).",
                                name.trim()
                            ),
                        )
                    })
            })
            .collect()
    }

    /// Every warning sign, oldest first, each with what matches now.
    pub async fn warning_signs(&self, p: &Principal) -> Result<Vec<SignView>, AppError> {
        let signs: Vec<Stored<WarningSign>> =
            self.list_records(p, RecordKind::WarningSign, None).await?;
        if signs.is_empty() {
            return Ok(Vec::new());
        }
        let facts = self.warning_facts(p).await?;
        let matches = self.warning_sign_matches(p).await?;
        Ok(signs
            .into_iter()
            .map(|sign| SignView {
                fired: sign.data.rule.evaluate(&facts),
                last: matches
                    .iter()
                    .filter(|m| m.data.sign == sign.id)
                    .max_by_key(|m| m.data.last_seen)
                    .map(|m| m.data.clone()),
                sign,
            })
            .collect())
    }

    /// Every recorded episode of a sign matching, oldest first.
    pub async fn warning_sign_matches(
        &self,
        p: &Principal,
    ) -> Result<Vec<Stored<Match>>, AppError> {
        let mut all: Vec<Stored<Match>> = self
            .list_records(p, RecordKind::WarningSignMatch, None)
            .await?;
        all.sort_by_key(|m| (m.data.noticed, m.occurred_at));
        Ok(all)
    }

    /// Checks the signs now and records what matches: a new episode, or
    /// today's sighting of one seen yesterday (at most one write per sign
    /// per day). Returns how many records it wrote.
    pub async fn check_warning_signs(&self, p: &Principal) -> Result<usize, AppError> {
        let views = self.warning_signs(p).await?;
        let fired: Vec<(Uuid, String, Fired)> = views
            .iter()
            .filter_map(|v| {
                v.fired
                    .clone()
                    .map(|f| (v.sign.id, v.sign.data.name.clone(), f))
            })
            .collect();
        if fired.is_empty() {
            return Ok(0);
        }
        let latest: Vec<(Uuid, Match)> = self
            .warning_sign_matches(p)
            .await?
            .into_iter()
            .map(|m| (m.id, m.data))
            .collect();
        let now = self.now();
        let today = now.to_zoned(p.user.time_zone.clone()).date();
        let mut batch = RecordBatch::default();
        for n in warning_match::note(today, &fired, &latest) {
            match n {
                Note::New(m) => batch.insert.push(self.seal(
                    p,
                    RecordKind::WarningSignMatch,
                    Uuid::now_v7(),
                    None,
                    now,
                    &m,
                    None,
                )?),
                Note::Seen { id, updated } => {
                    let (row, _) = self
                        .get_record::<Match>(p, RecordKind::WarningSignMatch, id, "match")
                        .await?;
                    batch.update.push(self.seal(
                        p,
                        RecordKind::WarningSignMatch,
                        id,
                        None,
                        crate::from_micros(row.occurred_at)?,
                        &updated,
                        Some(&row),
                    )?);
                }
            }
        }
        let written = batch.insert.len() + batch.update.len();
        if written > 0 {
            self.apply_records(p, &batch).await?;
        }
        Ok(written)
    }

    /// For each link (share id), the recent matches of the signs the person
    /// chose to tell that link's therapist about, latest first.
    pub(crate) async fn sign_flags(
        &self,
        p: &Principal,
    ) -> Result<BTreeMap<Uuid, Vec<SignFlag>>, AppError> {
        let signs: Vec<Stored<WarningSign>> =
            self.list_records(p, RecordKind::WarningSign, None).await?;
        let mut out: BTreeMap<Uuid, Vec<SignFlag>> = BTreeMap::new();
        if signs.iter().all(|s| s.data.tell.is_empty()) {
            return Ok(out);
        }
        let today = self.now().to_zoned(p.user.time_zone.clone()).date();
        for m in self.warning_sign_matches(p).await?.into_iter().rev() {
            let recent = today
                .since(m.data.last_seen)
                .is_ok_and(|gap| i64::from(gap.get_days()) <= FLAG_DAYS);
            let Some(sign) = signs.iter().find(|s| s.id == m.data.sign) else {
                continue;
            };
            if !recent {
                continue;
            }
            for link in &sign.data.tell {
                out.entry(*link).or_default().push(SignFlag {
                    name: sign.data.name.clone(),
                    noticed: m.data.noticed,
                    last_seen: m.data.last_seen,
                    evidence: m.data.evidence.clone(),
                });
            }
        }
        Ok(out)
    }

    /// [`App::check_warning_signs`] for work nobody waits on: failures are
    /// logged (the next write or sign-in checks again).
    pub(crate) async fn check_warning_signs_quietly(&self, p: &Principal) {
        if let Err(err) = self.check_warning_signs(p).await {
            tracing::warn!(error = %err, "could not check warning signs");
        }
    }

    /// The warning signs that match now.
    pub async fn warning_signs_fired(&self, p: &Principal) -> Result<Vec<SignView>, AppError> {
        let mut all = self.warning_signs(p).await?;
        all.retain(|s| s.fired.is_some());
        Ok(all)
    }

    /// What the rules look at: the last 60 days of entries and tracker
    /// readings as the person's days, and every questionnaire's latest.
    pub async fn warning_facts(&self, p: &Principal) -> Result<Facts, AppError> {
        let tz = &p.user.time_zone;
        let now = self.now();
        let range = TimeRange {
            since: Some(now - SignedDuration::from_hours(24 * (i64::from(MAX_WINDOW) + 1))),
            until: None,
        };
        let mut days: BTreeMap<jiff::civil::Date, between_domain::warning_sign::Day> =
            BTreeMap::new();
        for e in self.entries_in(p, range).await? {
            let day = days
                .entry(e.occurred_at.to_zoned(tz.clone()).date())
                .or_default();
            day.moods.extend(e.content.mood);
            day.tags.extend(
                e.content
                    .tags
                    .iter()
                    .map(|t| t.trim().trim_start_matches('#').to_lowercase()),
            );
            day.feelings.extend(
                e.content
                    .feelings
                    .iter()
                    .map(|f| (f.name.trim().to_lowercase(), f.intensity)),
            );
        }
        for v in self.tracker_views(p, range).await? {
            let key = v.tracker.data.key.to_lowercase();
            for r in v.readings {
                days.entry(r.date)
                    .or_default()
                    .trackers
                    .insert(key.clone(), r.value);
            }
        }
        let measures = self
            .measures(p)
            .await?
            .iter()
            .map(|m| {
                let worse = m.change == Some(Change::ReliableDeterioration)
                    || m.change_from_baseline == Some(Change::ReliableDeterioration);
                (
                    m.response.data.instrument,
                    m.response.occurred_at.to_zoned(tz.clone()).date(),
                    worse,
                )
            })
            .collect();
        Ok(Facts {
            today: Some(now.to_zoned(tz.clone()).date()),
            days,
            measures,
        })
    }
}
