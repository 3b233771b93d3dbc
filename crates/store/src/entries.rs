//! Journal entries: plain timestamps for range queries and paging, and one
//! encrypted payload holding everything the person wrote.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub key_id: Uuid,
    pub occurred_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted_at: Option<i64>,
    pub payload: Vec<u8>,
}

/// Which entries to list. Times are microseconds since the Unix epoch;
/// `since` is inclusive and `until` exclusive. Results are newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryQuery {
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// `true` lists only deleted entries, `false` only live ones.
    pub deleted: bool,
    /// Keyset paging: only entries strictly older than this (occurred_at, id).
    pub before: Option<(i64, Uuid)>,
    pub limit: Option<i64>,
}

const COLUMNS: &str =
    "id, user_id, key_id, occurred_at, created_at, updated_at, deleted_at, payload";

fn from_row(row: &AnyRow) -> Result<EntryRow, StoreError> {
    Ok(EntryRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        key_id: parse_uuid(row.try_get("key_id")?)?,
        occurred_at: row.try_get("occurred_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        deleted_at: row.try_get("deleted_at")?,
        payload: row.try_get("payload")?,
    })
}

/// Entries from one packed value, in its order.
fn unpack_entries(user_id: Uuid, row: &AnyRow) -> Result<Vec<EntryRow>, StoreError> {
    let packed: Option<Vec<u8>> = row.try_get("packed")?;
    let corrupt = || StoreError::Corrupt("a packed entry row is malformed".into());
    crate::packed::rows::<6>(packed.as_deref().unwrap_or_default())
        .map(|r| {
            let ([id, key, occ, cre, upd, del], payload) = r?;
            let int = |s: &str| s.parse::<i64>().map_err(|_| corrupt());
            Ok(EntryRow {
                id: parse_uuid(id)?,
                user_id,
                key_id: parse_uuid(key)?,
                occurred_at: int(occ)?,
                created_at: int(cre)?,
                updated_at: int(upd)?,
                deleted_at: (!del.is_empty()).then(|| int(del)).transpose()?,
                payload: payload.to_vec(),
            })
        })
        .collect()
}

impl Store {
    pub async fn insert_entry(&self, e: &EntryRow) -> Result<(), StoreError> {
        self.insert_entries(std::slice::from_ref(e)).await
    }

    /// Replaces the content of a live entry; `false` if the user has no such entry.
    pub async fn update_entry(&self, e: &EntryRow) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let guard = crate::keys::current_key_guard("$1", "$5");
        let done = sqlx::query(&format!(
            "UPDATE entries SET key_id = $1, occurred_at = $2, updated_at = $3, payload = $4 \
             WHERE user_id = $5 AND id = $6 AND deleted_at IS NULL AND {guard}"
        ))
        .bind(e.key_id.to_string())
        .bind(e.occurred_at)
        .bind(e.updated_at)
        .bind(e.payload.clone())
        .bind(e.user_id.to_string())
        .bind(e.id.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            crate::keys::refuse_retired(&mut tx, e.user_id, e.key_id).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Re-encrypts one entry (live or deleted) under `new_key` (a
    /// rotation), only while it is still stored under `old_key` and
    /// unchanged since `seen_updated_at`; `false` when a write came first.
    pub async fn rekey_entry(
        &self,
        user_id: Uuid,
        id: Uuid,
        old_key: Uuid,
        seen_updated_at: i64,
        new_key: Uuid,
        payload: &[u8],
    ) -> Result<bool, StoreError> {
        let guard = crate::keys::current_key_guard("$1", "$3");
        let done = sqlx::query(&format!(
            "UPDATE entries SET key_id = $1, payload = $2 \
             WHERE user_id = $3 AND id = $4 AND key_id = $5 AND updated_at = $6 AND {guard}"
        ))
        .bind(new_key.to_string())
        .bind(payload.to_vec())
        .bind(user_id.to_string())
        .bind(id.to_string())
        .bind(old_key.to_string())
        .bind(seen_updated_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// One entry of a user, live or deleted.
    pub async fn entry(&self, user_id: Uuid, id: Uuid) -> Result<Option<EntryRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM entries WHERE user_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(user_id.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn list_entries(
        &self,
        user_id: Uuid,
        q: &EntryQuery,
    ) -> Result<Vec<EntryRow>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM entries WHERE user_id = $1");
        sql.push_str(if q.deleted {
            " AND deleted_at IS NOT NULL"
        } else {
            " AND deleted_at IS NULL"
        });
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        if q.since.is_some() {
            sql.push_str(&format!(" AND occurred_at >= ${}", next()));
        }
        if q.until.is_some() {
            sql.push_str(&format!(" AND occurred_at < ${}", next()));
        }
        if q.before.is_some() {
            let (a, b, c) = (next(), next(), next());
            sql.push_str(&format!(
                " AND (occurred_at < ${a} OR (occurred_at = ${b} AND id < ${c}))"
            ));
        }
        sql.push_str(" ORDER BY occurred_at DESC, id DESC");
        if q.limit.is_some() {
            sql.push_str(&format!(" LIMIT ${}", next()));
        }
        if self.backend() == crate::Backend::Sqlite {
            // One packed value instead of a row per entry (see `packed`).
            let row = crate::packed::row_sql(
                &[
                    "id",
                    "key_id",
                    "occurred_at",
                    "created_at",
                    "updated_at",
                    "coalesce(deleted_at, '')",
                ],
                "payload",
            );
            sql = format!(
                "SELECT CAST(group_concat({row}, '') AS BLOB) AS packed FROM ({}) AS matching",
                sql.replacen(&format!("SELECT {COLUMNS}"), "SELECT *", 1)
            );
        }
        let mut query = sqlx::query(&sql).bind(user_id.to_string());
        if let Some(since) = q.since {
            query = query.bind(since);
        }
        if let Some(until) = q.until {
            query = query.bind(until);
        }
        if let Some((at, id)) = q.before {
            query = query.bind(at).bind(at).bind(id.to_string());
        }
        if let Some(limit) = q.limit {
            query = query.bind(limit);
        }
        if self.backend() == crate::Backend::Sqlite {
            return unpack_entries(user_id, &query.fetch_one(&self.pool).await?);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// Only the times of the live entries, oldest first, in one row: for
    /// counts by day over years without decrypting anything.
    pub async fn entry_times(&self, user_id: Uuid) -> Result<Vec<i64>, StoreError> {
        let agg = match self.backend() {
            crate::Backend::Sqlite => "group_concat(occurred_at, ',')",
            crate::Backend::Postgres => "string_agg(occurred_at::text, ',')",
        };
        let sql = format!(
            "SELECT {agg} AS times FROM (SELECT occurred_at FROM entries WHERE user_id = $1 AND deleted_at IS NULL ORDER BY occurred_at, id) AS live"
        );
        let row = sqlx::query(&sql)
            .bind(user_id.to_string())
            .fetch_one(&self.pool)
            .await?;
        crate::packed::times(row.try_get("times")?)
    }

    /// Marks a live entry deleted; `false` if the user has no such live entry.
    pub async fn soft_delete_entry(
        &self,
        user_id: Uuid,
        id: Uuid,
        at: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE entries SET deleted_at = $1 WHERE user_id = $2 AND id = $3 AND deleted_at IS NULL",
        )
        .bind(at)
        .bind(user_id.to_string())
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Brings back a deleted entry; `false` if the user has no such deleted entry.
    pub async fn restore_entry(&self, user_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE entries SET deleted_at = NULL WHERE user_id = $1 AND id = $2 AND deleted_at IS NOT NULL",
        )
        .bind(user_id.to_string())
        .bind(id.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes for good the entries deleted before `cutoff`.
    pub async fn purge_deleted_entries(&self, cutoff: i64) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM entries WHERE deleted_at IS NOT NULL AND deleted_at < $1")
                .bind(cutoff)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }
}

impl Store {
    /// Inserts many entries in one transaction: all or none.
    pub async fn insert_entries(&self, rows: &[EntryRow]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_many(&mut tx, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes every entry of a user for good (used to refill demo data).
    pub async fn delete_all_entries(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM entries WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

/// Rows per INSERT: many rows per statement make bulk imports fast, and
/// 100 × 8 parameters stays far below both backends' limits.
const ROWS_PER_INSERT: usize = 100;

/// Inserts many entries with multi-row statements.
pub(crate) async fn insert_many(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[EntryRow],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 8;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8
                )
            })
            .collect();
        // Rows whose key is not current are left out by the statement
        // itself; then nothing of the transaction is kept.
        let guard = crate::keys::current_key_guard("v.column3", "v.column2");
        let sql = format!(
            "INSERT INTO entries ({COLUMNS}) SELECT column1, column2, column3, column4, column5, column6, column7, column8 \
             FROM (VALUES {}) AS v WHERE {guard}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for e in chunk {
            query = query
                .bind(e.id.to_string())
                .bind(e.user_id.to_string())
                .bind(e.key_id.to_string())
                .bind(e.occurred_at)
                .bind(e.created_at)
                .bind(e.updated_at)
                .bind(e.deleted_at)
                .bind(e.payload.clone());
        }
        let done = query
            .execute(&mut **tx)
            .await
            .map_err(|err| StoreError::conflict_or(err, "An entry with this id already exists."))?;
        if done.rows_affected() < chunk.len() as u64 {
            for e in chunk {
                crate::keys::refuse_retired(tx, e.user_id, e.key_id).await?;
            }
            return Err(StoreError::Conflict("an entry was not stored".into()));
        }
    }
    Ok(())
}
