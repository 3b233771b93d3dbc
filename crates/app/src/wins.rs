//! Small wins: gathers what the person did from every part of the app and
//! lets the domain find the milestones; remembers which were celebrated.

use std::collections::BTreeSet;

use between_domain::goal::Measure;
use between_domain::measure::Change;
use between_domain::wins::{self, Facts, GoalFacts, Win};
use between_store::{RecordBatch, RecordQuery};
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{self, RecordKind};
use crate::App;

impl App {
    /// Every win, oldest first.
    pub async fn wins(&self, p: &Principal) -> Result<Vec<Win>, AppError> {
        let tz = p.user.time_zone.clone();
        let day = |t: Timestamp| t.to_zoned(tz.clone()).date();
        p.require_read()?;
        let mut entry_days = Vec::new();
        for t in self.store.entry_times(p.user.id).await? {
            entry_days.push(day(crate::from_micros(t)?));
        }
        let mut facts = Facts {
            entry_days,
            ..Facts::default()
        };
        // Only the days matter: nothing of the logs is opened.
        for v in self.practices_recent(p, self.now()).await? {
            facts
                .practices
                .push((v.practice.data.title.clone(), v.days));
        }
        for g in self.goals(p).await? {
            let gas = matches!(g.goal.data.measure, Measure::Gas { .. });
            let points = g
                .check_ins
                .iter()
                .filter_map(|c| {
                    g.goal
                        .data
                        .progress(&c.data)
                        .map(|x| (day(c.occurred_at), x))
                })
                .collect();
            facts.goals.push(GoalFacts {
                title: g.goal.data.title.clone(),
                check_ins: points,
                gas,
            });
        }
        for m in self.measures(p).await? {
            facts.measures.push((
                day(m.response.occurred_at),
                m.response.data.instrument.name(),
                m.change_from_baseline == Some(Change::ReliableImprovement),
                m.recovered,
            ));
        }
        facts.answered_questions = self
            .questions(p)
            .await?
            .iter()
            .filter_map(|q| q.data.answered_at.map(day))
            .collect();
        facts.insights = self
            .insights(p)
            .await?
            .iter()
            .map(|i| day(i.created_at))
            .collect();
        Ok(wins::wins(&facts))
    }

    async fn seen_row(&self, p: &Principal) -> Result<Option<between_store::RecordRow>, AppError> {
        let q = RecordQuery {
            kind: RecordKind::WinsSeen.as_str().into(),
            ..Default::default()
        };
        Ok(self
            .store
            .list_records(p.user.id, &q)
            .await?
            .into_iter()
            .next())
    }

    /// Wins not celebrated yet, and the latest win of all; the new ones
    /// count as celebrated from now on.
    pub async fn celebrate_new_wins(&self, p: &Principal) -> Result<Celebration, AppError> {
        let all = self.wins(p).await?;
        let latest = all.iter().max_by_key(|w| w.date).cloned();
        let row = self.seen_row(p).await?;
        let mut seen: BTreeSet<String> = match &row {
            Some(r) => records::open(p, RecordKind::WinsSeen, r)?,
            None => BTreeSet::new(),
        };
        let new: Vec<Win> = all.into_iter().filter(|w| !seen.contains(&w.key)).collect();
        if new.is_empty() {
            return Ok(Celebration { new, latest });
        }
        seen.extend(new.iter().map(|w| w.key.clone()));
        let now = self.now();
        let mut batch = RecordBatch::default();
        match row {
            Some(r) => batch.update.push(self.seal(
                p,
                RecordKind::WinsSeen,
                r.id,
                None,
                now,
                &seen,
                Some(&r),
            )?),
            None => batch.insert.push(self.seal(
                p,
                RecordKind::WinsSeen,
                Uuid::now_v7(),
                None,
                now,
                &seen,
                None,
            )?),
        }
        self.apply_records(p, &batch).await?;
        Ok(Celebration { new, latest })
    }
}

/// What home shows of wins: the ones not celebrated yet, and the latest.
#[derive(Debug, Clone, Default)]
pub struct Celebration {
    pub new: Vec<Win>,
    pub latest: Option<Win>,
}
