//! Sharing only part of an entry (`domain::excerpt`): one excerpt record
//! per entry (its parent), under the shared-journal key, so a therapist
//! with the journal scope opens it while the entry itself stays under the
//! private journal key and never reaches them. Making an excerpt of an
//! entry shared in full makes the entry private again. Editing the entry
//! leaves the excerpt as it is; deleting the entry asks whether the
//! excerpt goes too ([`ExcerptOnDelete`]).

use between_domain::excerpt::Excerpt;
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// An excerpt as a therapist reads it: when the entry was written and what
/// was shared of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedExcerpt {
    /// The excerpt's own id.
    pub id: Uuid,
    pub entry_id: Uuid,
    /// The entry's time.
    pub at: Timestamp,
    pub excerpt: Excerpt,
}

/// What deleting an entry does with its excerpt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcerptOnDelete {
    /// Delete the excerpt too: the therapist no longer sees it.
    Delete,
    /// Keep sharing the excerpt.
    Keep,
}

impl App {
    /// Shares `excerpt` of entry `entry_id` instead of the entry (replacing
    /// an excerpt shared before); the entry stays, or becomes, private.
    pub async fn share_excerpt(
        &self,
        p: &Principal,
        entry_id: Uuid,
        excerpt: Excerpt,
    ) -> Result<Stored<Excerpt>, AppError> {
        let excerpt = excerpt.validated()?;
        let entry = self.entry(p, entry_id).await?;
        if entry.deleted_at.is_some() {
            return Err(AppError::Conflict(
                "This entry is deleted; restore it before sharing from it.".into(),
            ));
        }
        let stored = match self.excerpt_row(p, entry_id).await? {
            Some((row, _)) => {
                self.replace_record(p, RecordKind::Excerpt, &row, entry.occurred_at, &excerpt)
                    .await?
            }
            None => {
                self.insert_record(
                    p,
                    RecordKind::Excerpt,
                    Some(entry_id),
                    entry.occurred_at,
                    &excerpt,
                )
                .await?
            }
        };
        if entry.content.shared {
            // Only the part is shared from now on.
            let mut content = entry.content.clone();
            content.shared = false;
            self.update_entry(p, entry_id, content, None).await?;
        }
        Ok(stored)
    }

    /// The excerpt shared of entry `entry_id`, if any.
    pub async fn excerpt_of(
        &self,
        p: &Principal,
        entry_id: Uuid,
    ) -> Result<Option<Stored<Excerpt>>, AppError> {
        Ok(self.excerpt_row(p, entry_id).await?.map(|(_, e)| e))
    }

    /// Stops sharing the excerpt of entry `entry_id`.
    pub async fn delete_excerpt(&self, p: &Principal, entry_id: Uuid) -> Result<(), AppError> {
        let (row, _) = self
            .excerpt_row(p, entry_id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("An excerpt of the entry {entry_id}")))?;
        self.delete_record(p, RecordKind::Excerpt, row.id, "excerpt")
            .await
    }

    /// Moves an entry to "Recently deleted", and with it its excerpt when
    /// `excerpt` says so. An entry with an excerpt needs the choice: a
    /// conflict names it when `None`.
    pub async fn delete_entry_choosing(
        &self,
        p: &Principal,
        id: Uuid,
        excerpt: Option<ExcerptOnDelete>,
    ) -> Result<(), AppError> {
        let has_excerpt = self.excerpt_row(p, id).await?.is_some();
        match (has_excerpt, excerpt) {
            (true, None) => Err(AppError::Conflict(
                "Part of this entry is shared with your therapist as an excerpt: say whether to delete the excerpt too or keep sharing it.".into(),
            )),
            (true, Some(ExcerptOnDelete::Delete)) => {
                // The excerpt first: should the second step fail, nothing
                // stays shared that the person meant to take back.
                self.delete_excerpt(p, id).await?;
                self.delete_entry(p, id).await
            }
            _ => self.delete_entry(p, id).await,
        }
    }

    /// The excerpts a keyring opens, newest first: for a therapist with
    /// the journal scope, what the client shared of private entries.
    pub(crate) async fn shared_excerpts(
        &self,
        p: &Principal,
    ) -> Result<Vec<SharedExcerpt>, AppError> {
        let mut out: Vec<SharedExcerpt> = self
            .list_records::<Excerpt>(p, RecordKind::Excerpt, None)
            .await?
            .into_iter()
            .filter_map(|s| {
                Some(SharedExcerpt {
                    id: s.id,
                    entry_id: s.parent_id?,
                    at: s.occurred_at,
                    excerpt: s.data,
                })
            })
            .collect();
        out.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
        Ok(out)
    }

    async fn excerpt_row(
        &self,
        p: &Principal,
        entry_id: Uuid,
    ) -> Result<Option<(between_store::RecordRow, Stored<Excerpt>)>, AppError> {
        let Some(row) = self
            .record_rows(
                p,
                RecordKind::Excerpt,
                Some(entry_id),
                between_domain::timespec::TimeRange::default(),
            )
            .await?
            .pop()
        else {
            return Ok(None);
        };
        let stored = crate::records::stored(p, RecordKind::Excerpt, &row)?;
        Ok(Some((row, stored)))
    }
}
