//! Questions for the therapist: add, list (open ones oldest first), answer
//! (optionally in a given appointment), search.

use between_domain::question::Question;
use between_domain::search::Query;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

const WHAT: &str = "question";

impl App {
    pub async fn add_question(
        &self,
        p: &Principal,
        text: &str,
    ) -> Result<Stored<Question>, AppError> {
        let q = Question {
            text: text.to_string(),
            ..Question::default()
        }
        .validated()?;
        self.insert_record(p, RecordKind::Question, None, self.now(), &q)
            .await
    }

    /// All questions, oldest first.
    pub async fn questions(&self, p: &Principal) -> Result<Vec<Stored<Question>>, AppError> {
        self.list_records(p, RecordKind::Question, None).await
    }

    pub async fn question(&self, p: &Principal, id: Uuid) -> Result<Stored<Question>, AppError> {
        Ok(self.get_record(p, RecordKind::Question, id, WHAT).await?.1)
    }

    /// Records the answer, and the appointment it was asked in.
    pub async fn answer_question(
        &self,
        p: &Principal,
        id: Uuid,
        answer: &str,
        appointment_id: Option<Uuid>,
    ) -> Result<Stored<Question>, AppError> {
        self.update_question(p, id, None, Some(answer), appointment_id)
            .await
    }

    /// Changes the wording, the answer and where it was asked, in one step:
    /// if any part is invalid nothing changes.
    pub async fn update_question(
        &self,
        p: &Principal,
        id: Uuid,
        text: Option<&str>,
        answer: Option<&str>,
        appointment_id: Option<Uuid>,
    ) -> Result<Stored<Question>, AppError> {
        if let Some(a) = appointment_id {
            self.appointment(p, a).await?;
        }
        let (row, current) = self
            .get_record::<Question>(p, RecordKind::Question, id, WHAT)
            .await?;
        let old = current.data;
        let answered_now = answer.is_some() && old.answered_at.is_none();
        let q = Question {
            text: text.map_or(old.text, str::to_string),
            answer: answer.map(str::to_string).or(old.answer),
            appointment_id: appointment_id.or(old.appointment_id),
            answered_at: if answered_now {
                Some(self.now())
            } else {
                old.answered_at
            },
        }
        .validated()?;
        self.replace_record(p, RecordKind::Question, &row, current.occurred_at, &q)
            .await
    }

    pub async fn delete_question(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::Question, id, WHAT).await
    }

    pub async fn search_questions(
        &self,
        p: &Principal,
        query: &str,
    ) -> Result<Vec<Stored<Question>>, AppError> {
        let query = Query::parse(query)
            .ok_or_else(|| AppError::invalid("q", "Type something to search for."))?;
        Ok(self
            .questions(p)
            .await?
            .into_iter()
            .filter(|q| q.data.matches(&query))
            .collect())
    }
}
