//! Bringing a whole archive in: which ids are already someone's, and one
//! transaction that writes every entry and record or none.

use std::collections::HashSet;

use sqlx::Row;
use uuid::Uuid;

use crate::error::{parse_uuid, StoreError};
use crate::{EntryRow, RecordBatch, Store};

/// Ids per query when asking which are taken.
const CHUNK: usize = 500;

impl Store {
    /// The ids of `user_id`'s entries and records.
    pub async fn owned_ids(&self, user_id: Uuid) -> Result<HashSet<Uuid>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM entries WHERE user_id = $1 UNION ALL SELECT id FROM records WHERE user_id = $1",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| parse_uuid(r.try_get::<&str, _>("id")?))
            .collect()
    }

    /// Which of `ids` are already used by an entry or record of anyone.
    pub async fn taken_ids(&self, ids: &[Uuid]) -> Result<HashSet<Uuid>, StoreError> {
        let mut taken = HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let list = marks.join(", ");
            let sql = format!(
                "SELECT id FROM entries WHERE id IN ({list}) UNION ALL SELECT id FROM records WHERE id IN ({list})"
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.to_string());
            }
            for row in query.fetch_all(&self.pool).await? {
                taken.insert(parse_uuid(row.try_get::<&str, _>("id")?)?);
            }
        }
        Ok(taken)
    }

    /// Writes all `entries` and the `records` batch of `user_id` in one
    /// transaction: on any failure nothing is written.
    pub async fn import(
        &self,
        user_id: Uuid,
        entries: &[EntryRow],
        records: &RecordBatch,
    ) -> Result<(), StoreError> {
        if entries.iter().any(|e| e.user_id != user_id) {
            return Err(StoreError::Conflict("entries of another user".into()));
        }
        let mut tx = self.begin().await?;
        crate::entries::insert_many(&mut tx, entries).await?;
        crate::records::apply(&mut tx, user_id, records).await?;
        tx.commit().await?;
        Ok(())
    }
}
