//! Goals and their check-ins: add, check in, review, pause, achieve or drop
//! (keeping history), with progress from the domain.

use between_domain::goal::{self, CheckIn, Goal, GoalStatus};
use between_store::{RecordBatch, RecordQuery};
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

const WHAT: &str = "goal";

/// A goal with its check-ins (oldest first) and what follows from them.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalView {
    pub goal: Stored<Goal>,
    pub check_ins: Vec<Stored<CheckIn>>,
    /// Numeric: fraction of the way to the target at the latest check-in;
    /// GAS: the latest level. `None` before the first check-in.
    pub progress: Option<f64>,
    pub next_review: Timestamp,
    pub due_for_review: bool,
}

impl App {
    async fn view_goal(
        &self,
        p: &Principal,
        goal: Stored<Goal>,
        now: Timestamp,
    ) -> Result<GoalView, AppError> {
        let check_ins: Vec<Stored<CheckIn>> = self
            .list_records(p, RecordKind::GoalCheckIn, Some(goal.id))
            .await?;
        let last = check_ins.last();
        Ok(GoalView {
            progress: last.and_then(|c| goal.data.progress(&c.data)),
            next_review: goal::next_review(
                &goal.data,
                goal.created_at,
                last.map(|c| c.occurred_at),
            ),
            due_for_review: goal::is_due(
                &goal.data,
                goal.created_at,
                last.map(|c| c.occurred_at),
                now,
            ),
            goal,
            check_ins,
        })
    }

    pub async fn add_goal(&self, p: &Principal, goal: Goal) -> Result<GoalView, AppError> {
        let goal = Goal {
            status: GoalStatus::Active,
            ..goal
        }
        .validated()?;
        let stored = self
            .insert_record(p, RecordKind::Goal, None, self.now(), &goal)
            .await?;
        self.view_goal(p, stored, self.now()).await
    }

    /// Every goal, oldest first, with its check-ins.
    pub async fn goals(&self, p: &Principal) -> Result<Vec<GoalView>, AppError> {
        let now = self.now();
        let mut out = Vec::new();
        for g in self.list_records::<Goal>(p, RecordKind::Goal, None).await? {
            out.push(self.view_goal(p, g, now).await?);
        }
        Ok(out)
    }

    pub async fn goal(&self, p: &Principal, id: Uuid) -> Result<GoalView, AppError> {
        let (_, g) = self
            .get_record::<Goal>(p, RecordKind::Goal, id, WHAT)
            .await?;
        self.view_goal(p, g, self.now()).await
    }

    /// Active goals whose review date has come.
    pub async fn goals_due_for_review(&self, p: &Principal) -> Result<Vec<GoalView>, AppError> {
        Ok(self
            .goals(p)
            .await?
            .into_iter()
            .filter(|g| g.due_for_review)
            .collect())
    }

    /// Records a level or value (at `at`, default now) with a note.
    pub async fn check_in(
        &self,
        p: &Principal,
        goal_id: Uuid,
        check_in: CheckIn,
        at: Option<Timestamp>,
    ) -> Result<GoalView, AppError> {
        let (_, g) = self
            .get_record::<Goal>(p, RecordKind::Goal, goal_id, WHAT)
            .await?;
        let check_in = g.data.validate_check_in(check_in)?;
        let at = at.unwrap_or_else(|| self.now());
        if at > self.now() {
            return Err(AppError::invalid(
                "at",
                "A check-in cannot be in the future.",
            ));
        }
        self.insert_record(p, RecordKind::GoalCheckIn, Some(goal_id), at, &check_in)
            .await?;
        self.goal(p, goal_id).await
    }

    /// Removes a check-in made by mistake.
    pub async fn delete_check_in(
        &self,
        p: &Principal,
        goal_id: Uuid,
        check_in_id: Uuid,
    ) -> Result<GoalView, AppError> {
        let (_, c) = self
            .get_record::<CheckIn>(p, RecordKind::GoalCheckIn, check_in_id, "check-in")
            .await?;
        if c.parent_id != Some(goal_id) {
            return Err(AppError::NotFound(format!("The check-in {check_in_id}")));
        }
        self.delete_record(p, RecordKind::GoalCheckIn, check_in_id, "check-in")
            .await?;
        self.goal(p, goal_id).await
    }

    /// Changes a goal's wording, measure details or cadence; its check-ins stay.
    pub async fn update_goal(
        &self,
        p: &Principal,
        id: Uuid,
        goal: Goal,
    ) -> Result<GoalView, AppError> {
        let (row, current) = self
            .get_record::<Goal>(p, RecordKind::Goal, id, WHAT)
            .await?;
        let goal = goal.validated()?;
        let same_kind = matches!(
            (&current.data.measure, &goal.measure),
            (goal::Measure::Gas { .. }, goal::Measure::Gas { .. })
                | (goal::Measure::Numeric { .. }, goal::Measure::Numeric { .. })
        );
        if !same_kind {
            return Err(AppError::invalid("measure", "A goal keeps its kind of measure (levels or a number); add a new goal to measure differently."));
        }
        self.replace_record(p, RecordKind::Goal, &row, current.occurred_at, &goal)
            .await?;
        self.goal(p, id).await
    }

    /// Pauses, achieves, drops or reactivates a goal, keeping its history.
    pub async fn set_goal_status(
        &self,
        p: &Principal,
        id: Uuid,
        status: GoalStatus,
    ) -> Result<GoalView, AppError> {
        let current = self.goal(p, id).await?;
        self.update_goal(
            p,
            id,
            Goal {
                status,
                ..current.goal.data
            },
        )
        .await
    }

    /// Deletes a goal and its check-ins.
    pub async fn delete_goal(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.get_record::<Goal>(p, RecordKind::Goal, id, WHAT)
            .await?;
        let mut batch = RecordBatch {
            delete: vec![(RecordKind::Goal.as_str().into(), id)],
            ..Default::default()
        };
        let q = RecordQuery {
            kind: RecordKind::GoalCheckIn.as_str().into(),
            parent_id: Some(id),
            ..Default::default()
        };
        for row in self.store.list_records(p.user.id, &q).await? {
            batch.delete.push((row.kind, row.id));
        }
        self.apply_records(p, &batch).await
    }
}
