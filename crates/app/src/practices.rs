//! Practice between sessions: practices with schedules, logs of doing them
//! (also retroactively, and undone when mistaken), and what is due today,
//! with adherence and streaks from the domain in the person's local days.

use between_domain::practice::adherence::{self, Plan, Stats};
use between_domain::practice::definition::{Log, Practice};
use between_store::{RecordBatch, RecordQuery};
use jiff::civil::Date;
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::memo::MemoKey;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

const WHAT: &str = "practice";

/// A practice with its logs (oldest first) and statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeView {
    pub practice: Stored<Practice>,
    pub logs: Vec<Stored<Log>>,
    /// Over the whole life of the practice, up to today.
    pub stats: Stats,
}

impl PracticeView {
    /// The local days it was done on.
    pub fn log_days(&self, tz: &jiff::tz::TimeZone) -> Vec<Date> {
        self.logs
            .iter()
            .map(|l| l.occurred_at.to_zoned(tz.clone()).date())
            .collect()
    }

    /// The state of each local day in `[from, to]`, for a calendar.
    pub fn calendar(
        &self,
        tz: &jiff::tz::TimeZone,
        from: Date,
        to: Date,
        today: Date,
    ) -> Vec<(Date, adherence::DayState)> {
        adherence::calendar(
            &plan(&self.practice.data),
            &self.log_days(tz),
            from,
            to,
            today,
        )
    }

    /// Statistics over `[from, to]` (local days).
    pub fn stats_between(
        &self,
        tz: &jiff::tz::TimeZone,
        from: Date,
        to: Date,
        today: Date,
    ) -> Stats {
        adherence::stats(
            &plan(&self.practice.data),
            &self.log_days(tz),
            from,
            to,
            today,
        )
    }
}

/// A practice with the days it was done, read from the logs' plain times
/// (nothing decrypted), and only its recent logs opened: what summaries
/// over years of logs need, at a fraction of the cost of every log.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeRecent {
    pub practice: Stored<Practice>,
    /// Local days with a log, oldest first.
    pub days: Vec<Date>,
    /// Logs since the `since` asked for, oldest first.
    pub recent: Vec<Stored<Log>>,
}

impl PracticeRecent {
    /// Statistics over `[from, to]` (local days).
    pub fn stats_between(&self, from: Date, to: Date, today: Date) -> Stats {
        adherence::stats(&plan(&self.practice.data), &self.days, from, to, today)
    }
}

/// Whether today's list shows a practice: not archived, and due, done or
/// overdue today.
fn shows_today(practice: &Stored<Practice>, stats: &Stats) -> bool {
    !practice.data.archived && (stats.due_today || stats.done_today || stats.overdue)
}

fn plan(p: &Practice) -> Plan {
    Plan {
        schedule: p.schedule.clone(),
        start: p.start,
        end: p.end,
    }
}

impl App {
    /// Today in the person's time zone, by the app's clock.
    pub fn today(&self, p: &Principal) -> Date {
        self.now().to_zoned(p.user.time_zone.clone()).date()
    }

    async fn view_practice(
        &self,
        p: &Principal,
        practice: Stored<Practice>,
    ) -> Result<PracticeView, AppError> {
        let logs: Vec<Stored<Log>> = self
            .list_records(p, RecordKind::PracticeLog, Some(practice.id))
            .await?;
        let tz = &p.user.time_zone;
        let days: Vec<Date> = logs
            .iter()
            .map(|l| l.occurred_at.to_zoned(tz.clone()).date())
            .collect();
        let today = self.today(p);
        let stats = adherence::stats(
            &plan(&practice.data),
            &days,
            practice.data.start,
            today,
            today,
        );
        Ok(PracticeView {
            practice,
            logs,
            stats,
        })
    }

    pub async fn add_practice(
        &self,
        p: &Principal,
        practice: Practice,
    ) -> Result<PracticeView, AppError> {
        let practice = practice.validated()?;
        if let Some(goal) = practice.goal_id {
            self.goal(p, goal).await?;
        }
        let stored = self
            .insert_record(p, RecordKind::Practice, None, self.now(), &practice)
            .await?;
        self.view_practice(p, stored).await
    }

    /// Every practice (archived ones too), oldest first.
    pub async fn practices(&self, p: &Principal) -> Result<Vec<PracticeView>, AppError> {
        let mut out = Vec::new();
        for practice in self
            .list_records::<Practice>(p, RecordKind::Practice, None)
            .await?
        {
            out.push(self.view_practice(p, practice).await?);
        }
        Ok(out)
    }

    /// Every practice with its log days, and its logs since `since` opened.
    pub async fn practices_recent(
        &self,
        p: &Principal,
        since: jiff::Timestamp,
    ) -> Result<Vec<PracticeRecent>, AppError> {
        let tz = &p.user.time_zone;
        let mut out = Vec::new();
        for practice in self
            .list_records::<Practice>(p, RecordKind::Practice, None)
            .await?
        {
            let key = MemoKey::RecordTimes(RecordKind::PracticeLog, practice.id);
            let times: Vec<i64> = self
                .remembered(p, key, async {
                    Ok(self
                        .store
                        .record_times(
                            p.user.id,
                            &between_store::RecordQuery {
                                kind: RecordKind::PracticeLog.as_str().into(),
                                parent_id: Some(practice.id),
                                ..Default::default()
                            },
                        )
                        .await?)
                })
                .await?;
            let mut days = Vec::with_capacity(times.len());
            for t in times {
                days.push(crate::from_micros(t)?.to_zoned(tz.clone()).date());
            }
            let recent = self
                .record_rows(
                    p,
                    RecordKind::PracticeLog,
                    Some(practice.id),
                    between_domain::timespec::TimeRange {
                        since: Some(since),
                        until: None,
                    },
                )
                .await?
                .iter()
                .map(|row| crate::records::stored(p, RecordKind::PracticeLog, row))
                .collect::<Result<_, _>>()?;
            out.push(PracticeRecent {
                practice,
                days,
                recent,
            });
        }
        Ok(out)
    }

    pub async fn practice(&self, p: &Principal, id: Uuid) -> Result<PracticeView, AppError> {
        let (_, practice) = self
            .get_record::<Practice>(p, RecordKind::Practice, id, WHAT)
            .await?;
        self.view_practice(p, practice).await
    }

    /// Replaces a practice's definition; its logs stay.
    pub async fn update_practice(
        &self,
        p: &Principal,
        id: Uuid,
        practice: Practice,
    ) -> Result<PracticeView, AppError> {
        let practice = practice.validated()?;
        if let Some(goal) = practice.goal_id {
            self.goal(p, goal).await?;
        }
        let (row, current) = self
            .get_record::<Practice>(p, RecordKind::Practice, id, WHAT)
            .await?;
        let stored = self
            .replace_record(
                p,
                RecordKind::Practice,
                &row,
                current.occurred_at,
                &practice,
            )
            .await?;
        self.view_practice(p, stored).await
    }

    /// Archives (or brings back) a practice: it stops being due, its history stays.
    pub async fn archive_practice(
        &self,
        p: &Principal,
        id: Uuid,
        archived: bool,
    ) -> Result<PracticeView, AppError> {
        let current = self.practice(p, id).await?;
        self.update_practice(
            p,
            id,
            Practice {
                archived,
                ..current.practice.data
            },
        )
        .await
    }

    /// Records doing a practice at `at` (default now; a past day is fine).
    pub async fn log_practice(
        &self,
        p: &Principal,
        id: Uuid,
        log: Log,
        at: Option<Timestamp>,
    ) -> Result<(Stored<Log>, PracticeView), AppError> {
        let current = self.practice(p, id).await?;
        let at = at.unwrap_or_else(|| self.now());
        if at > self.now() + jiff::SignedDuration::from_mins(5) {
            return Err(AppError::invalid(
                "at",
                "A practice cannot be logged in the future.",
            ));
        }
        let day = at.to_zoned(p.user.time_zone.clone()).date();
        if day < current.practice.data.start {
            return Err(AppError::invalid(
                "at",
                format!(
                    "This practice starts on {}; {day} is before that.",
                    current.practice.data.start
                ),
            ));
        }
        let stored = self
            .insert_record(p, RecordKind::PracticeLog, Some(id), at, &log)
            .await?;
        Ok((stored, self.practice(p, id).await?))
    }

    /// Removes a mistaken log.
    pub async fn unlog_practice(
        &self,
        p: &Principal,
        log_id: Uuid,
    ) -> Result<PracticeView, AppError> {
        let (_, log) = self
            .get_record::<Log>(p, RecordKind::PracticeLog, log_id, "log")
            .await?;
        self.delete_record(p, RecordKind::PracticeLog, log_id, "log")
            .await?;
        let practice = log
            .parent_id
            .ok_or_else(|| AppError::Corrupt("a log without its practice".into()))?;
        self.practice(p, practice).await
    }

    /// Active practices due today, or done today.
    pub async fn practices_today(&self, p: &Principal) -> Result<Vec<PracticeView>, AppError> {
        Ok(self
            .practices(p)
            .await?
            .into_iter()
            .filter(|v| shows_today(&v.practice, &v.stats))
            .collect())
    }

    /// [`App::practices_today`] without their logs: the statistics come
    /// from the logs' times alone, so no log is opened (home shows these).
    pub async fn practices_today_brief(
        &self,
        p: &Principal,
    ) -> Result<Vec<(Stored<Practice>, Stats)>, AppError> {
        let today = self.today(p);
        Ok(self
            .practices_recent(p, self.now())
            .await?
            .into_iter()
            .map(|v| {
                let stats = v.stats_between(v.practice.data.start, today, today);
                (v.practice, stats)
            })
            .filter(|(practice, stats)| shows_today(practice, stats))
            .collect())
    }

    /// Deletes a practice and its logs.
    pub async fn delete_practice(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.get_record::<Practice>(p, RecordKind::Practice, id, WHAT)
            .await?;
        let mut batch = RecordBatch {
            delete: vec![(RecordKind::Practice.as_str().into(), id)],
            ..Default::default()
        };
        let q = RecordQuery {
            kind: RecordKind::PracticeLog.as_str().into(),
            parent_id: Some(id),
            ..Default::default()
        };
        for row in self.store.list_records(p.user.id, &q).await? {
            batch.delete.push((row.kind, row.id));
        }
        self.apply_records(p, &batch).await
    }
}
