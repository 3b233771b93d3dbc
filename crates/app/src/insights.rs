//! Insights recorded after sessions: add (linked to an appointment, or to
//! the last attended one), list, search, edit, delete.

use between_domain::appointment::Status;
use between_domain::insight::{Insight, InsightKind};
use between_domain::search::Query;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

const WHAT: &str = "insight";

/// Which appointment an insight belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTo {
    None,
    Appointment(Uuid),
    /// The last attended appointment.
    Last,
}

impl App {
    async fn resolve_link(&self, p: &Principal, link: LinkTo) -> Result<Option<Uuid>, AppError> {
        match link {
            LinkTo::None => Ok(None),
            LinkTo::Appointment(id) => Ok(Some(self.appointment(p, id).await?.id)),
            LinkTo::Last => {
                let now = self.now();
                self.appointments(p)
                    .await?
                    .into_iter()
                    .filter(|a| a.details.status == Status::Attended && a.starts_at <= now)
                    .max_by_key(|a| a.starts_at)
                    .map(|a| Some(a.id))
                    .ok_or_else(|| {
                        AppError::invalid(
                            "appointment",
                            "There is no attended appointment yet to link this to.",
                        )
                    })
            }
        }
    }

    pub async fn add_insight(
        &self,
        p: &Principal,
        text: &str,
        kind: InsightKind,
        link: LinkTo,
        tags: Vec<String>,
    ) -> Result<Stored<Insight>, AppError> {
        let insight = Insight {
            text: text.to_string(),
            kind,
            appointment_id: None,
            tags,
        }
        .validated()?;
        let appointment_id = self.resolve_link(p, link).await?;
        self.insert_record(
            p,
            RecordKind::Insight,
            None,
            self.now(),
            &Insight {
                appointment_id,
                ..insight
            },
        )
        .await
    }

    /// All insights, oldest first.
    pub async fn insights(&self, p: &Principal) -> Result<Vec<Stored<Insight>>, AppError> {
        self.list_records(p, RecordKind::Insight, None).await
    }

    pub async fn insight(&self, p: &Principal, id: Uuid) -> Result<Stored<Insight>, AppError> {
        Ok(self.get_record(p, RecordKind::Insight, id, WHAT).await?.1)
    }

    pub async fn edit_insight(
        &self,
        p: &Principal,
        id: Uuid,
        insight: Insight,
    ) -> Result<Stored<Insight>, AppError> {
        let insight = insight.validated()?;
        if let Some(a) = insight.appointment_id {
            self.appointment(p, a).await?;
        }
        let (row, current) = self
            .get_record::<Insight>(p, RecordKind::Insight, id, WHAT)
            .await?;
        self.replace_record(p, RecordKind::Insight, &row, current.occurred_at, &insight)
            .await
    }

    pub async fn delete_insight(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::Insight, id, WHAT).await
    }

    pub async fn search_insights(
        &self,
        p: &Principal,
        query: &str,
    ) -> Result<Vec<Stored<Insight>>, AppError> {
        let query = Query::parse(query)
            .ok_or_else(|| AppError::invalid("q", "Type something to search for."))?;
        Ok(self
            .insights(p)
            .await?
            .into_iter()
            .filter(|i| i.data.matches(&query))
            .collect())
    }
}
