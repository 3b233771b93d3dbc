//! The agenda of an appointment as the person shapes it: drafted until the
//! first edit (or an explicit save), then saved and stable. New data only
//! reaches a saved agenda through a refresh the person asks for.

use between_domain::agenda_plan::{Changes, Edit, Plan, Prefs, SavedAgenda};
use between_domain::appointment::{self, Appointment, Status};
use between_store::{RecordBatch, RecordQuery, RecordRow};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{self, RecordKind};
use crate::App;
use between_domain::roadblocks::Thresholds;

/// Which appointment's agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The next planned appointment (or the next session, when none is planned).
    Next,
    /// The most recent session that has started: where ticks go afterwards.
    Last,
    Appointment(Uuid),
}

/// An agenda, drafted or saved.
#[derive(Debug, Clone)]
pub struct Agenda {
    /// (id, start) of its appointment; `None` when none is planned yet.
    pub appointment: Option<(Uuid, Timestamp)>,
    pub since: Option<Timestamp>,
    /// When it was saved; `None` while it is a draft.
    pub saved_at: Option<Timestamp>,
    pub plan: Plan,
    pub minutes: u32,
    /// What the person's therapists added for this appointment (their
    /// points and comments), oldest first: the page, the downloads and
    /// the command line all show this one list.
    pub from_therapists: Vec<crate::agenda_share::TherapistNote>,
}

impl Agenda {
    pub fn saved(&self) -> bool {
        self.saved_at.is_some()
    }

    /// Per point: whether it fits the session's minutes.
    pub fn fits(&self) -> Vec<bool> {
        self.plan.fits(self.minutes)
    }

    /// "Agenda for Thursday 3 December 2026, 17:00".
    pub fn title(&self, tz: &TimeZone) -> String {
        match self.appointment {
            Some((_, at)) => format!(
                "Agenda for {}",
                at.to_zoned(tz.clone()).strftime("%A %-d %B %Y, %H:%M")
            ),
            None => "Agenda for my next session".into(),
        }
    }

    /// What the agenda covers and whether it is saved.
    pub fn subtitle(&self, tz: &TimeZone) -> String {
        let mut s = match self.since {
            Some(since) => format!(
                "From what happened since {}.",
                since.to_zoned(tz.clone()).strftime("%-d %B %Y")
            ),
            None => "From everything so far.".to_string(),
        };
        let fit = self.fits();
        let later = fit.iter().filter(|f| !**f).count();
        s.push_str(&format!(" A {}-minute session", self.minutes));
        if later == 0 {
            s.push_str(" has time for every point.");
        } else {
            s.push_str(&format!(
                " may not reach {later} {} (marked \"if time allows\").",
                if later == 1 { "point" } else { "points" }
            ));
        }
        s
    }
}

/// A change to an agenda as front ends name it: points by 1-based position
/// or key.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Add(String),
    Remove(String),
    /// Puts the point removed last back where it was.
    UndoRemove,
    Move {
        which: String,
        to: usize,
    },
    Top {
        which: String,
        on: bool,
    },
    Discussed {
        which: String,
        on: bool,
    },
    /// Saves the draft as it is.
    Save,
    /// Takes in what changed in the data since it was saved.
    Refresh,
}

/// The parent id of an agenda for no planned appointment.
const UNPLANNED: Uuid = Uuid::nil();
/// Times an edit is retried when another edit of the same agenda won a race.
const ATTEMPTS: usize = 5;

struct Loaded {
    agenda: Agenda,
    /// The stored row, when saved (for a guarded update).
    row: Option<RecordRow>,
}

fn pick(
    all: &[Appointment],
    target: Target,
    now: Timestamp,
) -> Result<Option<&Appointment>, AppError> {
    Ok(match target {
        Target::Next => appointment::next_appointment(all, now),
        Target::Last => all
            .iter()
            .filter(|a| a.starts_at <= now && a.details.status != Status::Cancelled)
            .max_by_key(|a| a.starts_at),
        Target::Appointment(id) => Some(
            all.iter()
                .find(|a| a.id == id)
                .ok_or_else(|| AppError::NotFound(format!("The appointment {id}")))?,
        ),
    })
}

impl App {
    /// The person's agenda and review preferences.
    pub async fn agenda_prefs(&self, p: &Principal) -> Result<Prefs, AppError> {
        Ok(self
            .list_records::<Prefs>(p, RecordKind::AgendaPrefs, None)
            .await?
            .pop()
            .map(|s| s.data)
            .unwrap_or_default())
    }

    pub async fn set_agenda_prefs(&self, p: &Principal, prefs: Prefs) -> Result<Prefs, AppError> {
        let prefs = prefs
            .validate()
            .map_err(|e| AppError::invalid("prefs", e.to_string()))?;
        let q = RecordQuery {
            kind: RecordKind::AgendaPrefs.as_str().into(),
            ..Default::default()
        };
        let existing = self.store.list_records(p.user.id, &q).await?.pop();
        let now = self.now();
        let mut batch = RecordBatch::default();
        match existing {
            Some(row) => batch.update.push(self.seal(
                p,
                RecordKind::AgendaPrefs,
                row.id,
                None,
                now,
                &prefs,
                Some(&row),
            )?),
            None => batch.insert.push(self.seal(
                p,
                RecordKind::AgendaPrefs,
                Uuid::now_v7(),
                None,
                now,
                &prefs,
                None,
            )?),
        }
        self.apply_records(p, &batch).await?;
        Ok(prefs)
    }

    /// The agenda of `target`: saved if it was, else drafted now with what
    /// the previous agenda did not get to.
    /// Reading the next agenda also refreshes what linked therapists who
    /// share it see.
    pub async fn agenda(&self, p: &Principal, target: Target) -> Result<Agenda, AppError> {
        let agenda = self.agenda_unpublished(p, target).await?;
        if target == Target::Next {
            self.publish_agenda(p, &agenda).await;
        }
        Ok(agenda)
    }

    pub(crate) async fn agenda_unpublished(
        &self,
        p: &Principal,
        target: Target,
    ) -> Result<Agenda, AppError> {
        Ok(self.load_agenda(p, target).await?.agenda)
    }

    /// What a refresh of a saved agenda would take in (empty for a draft).
    pub async fn agenda_changes(
        &self,
        p: &Principal,
        target: Target,
    ) -> Result<(Agenda, Changes), AppError> {
        let loaded = self.load_agenda(p, target).await?;
        if !loaded.agenda.saved() {
            return Ok((loaded.agenda, Changes::default()));
        }
        let draft = self.draft_agenda(p).await?;
        let changes = loaded.agenda.plan.changes(&draft.items);
        Ok((loaded.agenda, changes))
    }

    /// Applies a change and saves the agenda. On error nothing changed.
    pub async fn change_agenda(
        &self,
        p: &Principal,
        target: Target,
        change: Change,
    ) -> Result<Agenda, AppError> {
        p.require_read()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.change_once(p, target, &change).await {
                Err(AppError::Conflict(_)) if attempt < ATTEMPTS => continue,
                Ok(agenda) => {
                    self.publish_next_agenda(p).await;
                    return Ok(agenda);
                }
                other => return other,
            }
        }
    }

    async fn change_once(
        &self,
        p: &Principal,
        target: Target,
        change: &Change,
    ) -> Result<Agenda, AppError> {
        let Loaded { mut agenda, row } = self.load_agenda(p, target).await?;
        let plan = &mut agenda.plan;
        let bad =
            |e: between_domain::agenda_plan::EditError| AppError::invalid("item", e.to_string());
        let edit = match change {
            Change::Add(text) => Some(Edit::Add(text.clone())),
            Change::Remove(which) => Some(Edit::Remove(plan.resolve(which).map_err(bad)?)),
            Change::UndoRemove => Some(Edit::UndoRemove),
            Change::Move { which, to } => Some(Edit::Move {
                key: plan.resolve(which).map_err(bad)?,
                to: *to,
            }),
            Change::Top { which, on } => Some(Edit::Top {
                key: plan.resolve(which).map_err(bad)?,
                on: *on,
            }),
            Change::Discussed { which, on } => Some(Edit::Discussed {
                key: plan.resolve(which).map_err(bad)?,
                on: *on,
            }),
            Change::Save => None,
            Change::Refresh => {
                if row.is_some() {
                    let draft = self.draft_agenda(p).await?;
                    plan.refresh(&draft.items);
                }
                None
            }
        };
        if let Some(edit) = edit {
            plan.apply(edit, || format!("own:{}", Uuid::now_v7()))
                .map_err(bad)?;
        }
        let now = self.now();
        let saved = SavedAgenda {
            since: agenda.since,
            saved_at: now,
            plan: agenda.plan.clone(),
        };
        let parent = agenda.appointment.map_or(UNPLANNED, |(id, _)| id);
        let at = agenda.appointment.map_or(now, |(_, at)| at);
        let mut batch = RecordBatch::default();
        match &row {
            Some(row) => {
                let sealed = self.seal(
                    p,
                    RecordKind::Agenda,
                    row.id,
                    Some(parent),
                    at,
                    &saved,
                    Some(row),
                )?;
                batch.update_if_unchanged.push((sealed, row.updated_at));
            }
            None => batch.insert.push(self.seal(
                p,
                RecordKind::Agenda,
                Uuid::now_v7(),
                Some(parent),
                at,
                &saved,
                None,
            )?),
        }
        self.apply_records(p, &batch).await?;
        agenda.saved_at = Some(now);
        Ok(agenda)
    }

    /// The agenda of `target` with what therapists added to it.
    async fn load_agenda(&self, p: &Principal, target: Target) -> Result<Loaded, AppError> {
        let mut loaded = self.load_plan(p, target).await?;
        loaded.agenda.from_therapists = self
            .agenda_notes(p, loaded.agenda.appointment.map(|(id, _)| id))
            .await?;
        Ok(loaded)
    }

    async fn load_plan(&self, p: &Principal, target: Target) -> Result<Loaded, AppError> {
        p.require_read()?;
        let now = self.now();
        let agenda_rows = RecordQuery {
            kind: RecordKind::Agenda.as_str().into(),
            ..Default::default()
        };
        let (prefs, rows) = tokio::try_join!(self.agenda_prefs(p), async {
            Ok::<_, AppError>(self.store.list_records(p.user.id, &agenda_rows).await?)
        })?;
        let logs_since = now - Thresholds::default().adherence_window;
        // With no saved agenda at all this can only be a draft: load
        // everything at once. Otherwise the appointments say which it is.
        let gathered = if rows.is_empty() {
            Some(self.gather(p, logs_since).await?)
        } else {
            None
        };
        let own_appointments = match &gathered {
            Some(_) => Vec::new(),
            None => self.appointments(p).await?,
        };
        let all: &[between_domain::appointment::Appointment] = gathered
            .as_ref()
            .map_or(&own_appointments, |g| &g.appointments);
        let minutes = prefs.session_minutes;
        let appt = pick(all, target, now)?;
        let parent = appt.map_or(UNPLANNED, |a| a.id);
        let is_next = appt.map(|a| a.id) == appointment::next_appointment(all, now).map(|a| a.id);
        // The agenda started before the appointment was planned becomes
        // the next appointment's.
        let own = rows
            .iter()
            .find(|r| r.parent_id == Some(parent))
            .or_else(|| {
                is_next
                    .then(|| rows.iter().find(|r| r.parent_id == Some(UNPLANNED)))
                    .flatten()
            });
        let appointment = appt.map(|a| (a.id, a.starts_at));
        if let Some(row) = own {
            let mut saved: SavedAgenda = records::open(p, RecordKind::Agenda, row)?;
            // Saved before top priorities moved up: shown in the one order.
            saved.plan.put_in_order();
            return Ok(Loaded {
                agenda: Agenda {
                    appointment,
                    since: saved.since,
                    saved_at: Some(saved.saved_at),
                    plan: saved.plan,
                    minutes,
                    from_therapists: Vec::new(),
                },
                row: Some(row.clone()),
            });
        }
        // The latest agenda of a session before this one carries over.
        let before = appt.map_or(now, |a| a.starts_at);
        let previous = rows
            .iter()
            .filter(|r| r.parent_id != Some(parent) && r.parent_id != Some(UNPLANNED))
            .filter(|r| r.occurred_at < crate::micros(before))
            .max_by_key(|r| r.occurred_at)
            .map(|r| records::open::<SavedAgenda>(p, RecordKind::Agenda, r))
            .transpose()?;
        let g = match gathered {
            Some(g) => g,
            None => self.gather_with(p, logs_since, own_appointments).await?,
        };
        let draft = self.draft_from(p, &g).await?;
        Ok(Loaded {
            agenda: Agenda {
                appointment,
                since: draft.since,
                saved_at: None,
                plan: Plan::from_draft(draft.items, previous.as_ref().map(|s| &s.plan)),
                minutes,
                from_therapists: Vec::new(),
            },
            row: None,
        })
    }
}
