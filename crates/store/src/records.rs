//! Records of every kind beyond journal entries, in one table: the app
//! decides what a kind means; the store keeps ciphertext, finds rows by
//! user, kind, parent and time, and writes batches atomically.

use crate::Backend;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub key_id: Uuid,
    /// The record's main time (an appointment's start, a check-in's date…),
    /// microseconds since the epoch.
    pub occurred_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub payload: Vec<u8>,
}

/// Which records of one kind to list, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordQuery {
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// Writes that must happen together or not at all.
#[derive(Debug, Clone, Default)]
pub struct RecordBatch {
    pub insert: Vec<RecordRow>,
    pub update: Vec<RecordRow>,
    /// Updates that apply only while the stored record still has this
    /// `updated_at` (optimistic concurrency for read-modify-write).
    pub update_if_unchanged: Vec<(RecordRow, i64)>,
    /// (kind, id) of records to remove.
    pub delete: Vec<(String, Uuid)>,
}

const COLUMNS: &str =
    "id, user_id, kind, parent_id, key_id, occurred_at, created_at, updated_at, payload";

fn from_row(row: &AnyRow) -> Result<RecordRow, StoreError> {
    let parent: Option<String> = row.try_get("parent_id")?;
    Ok(RecordRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        kind: row.try_get("kind")?,
        parent_id: parent.as_deref().map(parse_uuid).transpose()?,
        key_id: parse_uuid(row.try_get("key_id")?)?,
        occurred_at: row.try_get("occurred_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        payload: row.try_get("payload")?,
    })
}

pub(crate) async fn insert(tx: &mut Transaction<'_, Any>, r: &RecordRow) -> Result<(), StoreError> {
    // Stored only while its key is current, checked by this statement.
    let guard = crate::keys::current_key_guard("$5", "$2");
    let sql = format!(
        "INSERT INTO records ({COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE {guard}"
    );
    let done = sqlx::query(&sql)
        .bind(r.id.to_string())
        .bind(r.user_id.to_string())
        .bind(&r.kind)
        .bind(r.parent_id.map(|p| p.to_string()))
        .bind(r.key_id.to_string())
        .bind(r.occurred_at)
        .bind(r.created_at)
        .bind(r.updated_at)
        .bind(r.payload.clone())
        .execute(&mut **tx)
        .await
        .map_err(|err| {
            StoreError::conflict_or(err, "This record, or one in the same slot, already exists.")
        })?;
    if done.rows_affected() == 0 {
        return Err(StoreError::RetiredKey(r.key_id));
    }
    Ok(())
}

async fn update(
    tx: &mut Transaction<'_, Any>,
    r: &RecordRow,
    unchanged_since: Option<i64>,
) -> Result<bool, StoreError> {
    let guard = crate::keys::current_key_guard("$2", "$6");
    let sql = format!(
        "UPDATE records SET parent_id = $1, key_id = $2, occurred_at = $3, updated_at = $4, payload = $5 \
         WHERE user_id = $6 AND kind = $7 AND id = $8 AND {guard}{}",
        if unchanged_since.is_some() {
            " AND updated_at = $9"
        } else {
            ""
        }
    );
    let mut query = sqlx::query(&sql)
        .bind(r.parent_id.map(|p| p.to_string()))
        .bind(r.key_id.to_string())
        .bind(r.occurred_at)
        .bind(r.updated_at)
        .bind(r.payload.clone())
        .bind(r.user_id.to_string())
        .bind(&r.kind)
        .bind(r.id.to_string());
    if let Some(stamp) = unchanged_since {
        query = query.bind(stamp);
    }
    let done = query.execute(&mut **tx).await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    // Nothing changed: a replaced key is told apart from a missing record.
    crate::keys::refuse_retired(tx, r.user_id, r.key_id).await?;
    Ok(false)
}

impl Store {
    /// Applies a batch in one transaction. Fails with `Conflict` (and
    /// changes nothing) if an update or delete names a record the user
    /// does not have, a guarded update's record changed meanwhile, or an
    /// insert takes a slot that is already filled.
    pub async fn apply_records(
        &self,
        user_id: Uuid,
        batch: &RecordBatch,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        apply(&mut tx, user_id, batch).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Re-encrypts one record under `new_key` (a rotation), only while it
    /// is still stored under `old_key` and unchanged since `seen_updated_at`;
    /// `false` when a write came first (read it again). Its `updated_at`
    /// stays: what it says did not change.
    #[allow(clippy::too_many_arguments)]
    pub async fn rekey_record(
        &self,
        user_id: Uuid,
        kind: &str,
        id: Uuid,
        old_key: Uuid,
        seen_updated_at: i64,
        new_key: Uuid,
        payload: &[u8],
    ) -> Result<bool, StoreError> {
        let guard = crate::keys::current_key_guard("$1", "$3");
        let sql = format!(
            "UPDATE records SET key_id = $1, payload = $2 \
             WHERE user_id = $3 AND kind = $4 AND id = $5 AND key_id = $6 AND updated_at = $7 AND {guard}"
        );
        let done = sqlx::query(&sql)
            .bind(new_key.to_string())
            .bind(payload.to_vec())
            .bind(user_id.to_string())
            .bind(kind)
            .bind(id.to_string())
            .bind(old_key.to_string())
            .bind(seen_updated_at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn record(
        &self,
        user_id: Uuid,
        kind: &str,
        id: Uuid,
    ) -> Result<Option<RecordRow>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM records WHERE user_id = $1 AND kind = $2 AND id = $3");
        let row = sqlx::query(&sql)
            .bind(user_id.to_string())
            .bind(kind)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Records of one kind, oldest first (by `occurred_at`, then id).
    pub async fn list_records(
        &self,
        user_id: Uuid,
        q: &RecordQuery,
    ) -> Result<Vec<RecordRow>, StoreError> {
        if self.backend() == Backend::Sqlite {
            return self.list_records_packed(user_id, q).await;
        }
        let sql = where_clause(q);
        let sql = format!("SELECT {COLUMNS} FROM records {sql} ORDER BY occurred_at, id");
        let rows = bind(sqlx::query(&sql), user_id, q)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Only the times of the matching records, oldest first, in one row:
    /// for statistics that need dates but not contents, without a row per
    /// record crossing the driver.
    pub async fn record_times(
        &self,
        user_id: Uuid,
        q: &RecordQuery,
    ) -> Result<Vec<i64>, StoreError> {
        let clause = where_clause(q);
        let agg = match self.backend() {
            Backend::Sqlite => "group_concat(occurred_at, ',')",
            Backend::Postgres => "string_agg(occurred_at::text, ',')",
        };
        let sql = format!(
            "SELECT {agg} AS times FROM (SELECT occurred_at FROM records {clause} ORDER BY occurred_at, id) AS matching"
        );
        let row = bind(sqlx::query(&sql), user_id, q)
            .fetch_one(&self.pool)
            .await?;
        crate::packed::times(row.try_get("times")?)
    }
}

impl Store {
    /// SQLite hands each result row from its worker thread to the caller
    /// separately, which costs more than reading the row; for hundreds of
    /// records the rows come packed into one blob instead (see `packed`),
    /// in the same order.
    async fn list_records_packed(
        &self,
        user_id: Uuid,
        q: &RecordQuery,
    ) -> Result<Vec<RecordRow>, StoreError> {
        let clause = where_clause(q);
        let row = crate::packed::row_sql(
            &[
                "id",
                "coalesce(parent_id, '')",
                "key_id",
                "occurred_at",
                "created_at",
                "updated_at",
            ],
            "payload",
        );
        let sql = format!(
            "SELECT CAST(group_concat(packed, '') AS BLOB) AS packed FROM (SELECT {row} AS packed FROM records {clause} ORDER BY occurred_at, id) AS matching"
        );
        let row = bind(sqlx::query(&sql), user_id, q)
            .fetch_one(&self.pool)
            .await?;
        let packed: Option<Vec<u8>> = row.try_get("packed")?;
        let corrupt = || StoreError::Corrupt("a packed record row is malformed".into());
        crate::packed::rows::<6>(packed.as_deref().unwrap_or_default())
            .map(|r| {
                let ([id, parent, key, occ, cre, upd], payload) = r?;
                let int = |s: &str| s.parse::<i64>().map_err(|_| corrupt());
                Ok(RecordRow {
                    id: parse_uuid(id)?,
                    user_id,
                    kind: q.kind.clone(),
                    parent_id: (!parent.is_empty())
                        .then(|| parse_uuid(parent))
                        .transpose()?,
                    key_id: parse_uuid(key)?,
                    occurred_at: int(occ)?,
                    created_at: int(cre)?,
                    updated_at: int(upd)?,
                    payload: payload.to_vec(),
                })
            })
            .collect()
    }
}

/// `WHERE …` for a query, its placeholders numbered from $1 in the order
/// [`bind`] binds them.
fn where_clause(q: &RecordQuery) -> String {
    let mut sql = "WHERE user_id = $1 AND kind = $2".to_string();
    let mut n = 2;
    if q.parent_id.is_some() {
        n += 1;
        sql.push_str(&format!(" AND parent_id = ${n}"));
    }
    if q.since.is_some() {
        n += 1;
        sql.push_str(&format!(" AND occurred_at >= ${n}"));
    }
    if q.until.is_some() {
        n += 1;
        sql.push_str(&format!(" AND occurred_at < ${n}"));
    }
    sql
}

fn bind<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    user_id: Uuid,
    q: &RecordQuery,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    query = query.bind(user_id.to_string()).bind(q.kind.clone());
    if let Some(parent) = q.parent_id {
        query = query.bind(parent.to_string());
    }
    if let Some(since) = q.since {
        query = query.bind(since);
    }
    if let Some(until) = q.until {
        query = query.bind(until);
    }
    query
}

/// The writes of a batch inside a caller's transaction.
pub(crate) async fn apply(
    tx: &mut Transaction<'_, Any>,
    user_id: Uuid,
    batch: &RecordBatch,
) -> Result<(), StoreError> {
    for r in &batch.insert {
        if r.user_id != user_id {
            return Err(StoreError::Conflict("a record of another user".into()));
        }
        insert(&mut *tx, r).await?;
    }
    for r in &batch.update {
        if r.user_id != user_id || !update(&mut *tx, r, None).await? {
            return Err(StoreError::Conflict(format!(
                "no {} {} to change",
                r.kind, r.id
            )));
        }
    }
    for (r, stamp) in &batch.update_if_unchanged {
        if r.user_id != user_id || !update(&mut *tx, r, Some(*stamp)).await? {
            return Err(StoreError::Conflict(format!(
                "{} {} changed meanwhile (or is gone); read it again",
                r.kind, r.id
            )));
        }
    }
    for (kind, id) in &batch.delete {
        let done = sqlx::query("DELETE FROM records WHERE user_id = $1 AND kind = $2 AND id = $3")
            .bind(user_id.to_string())
            .bind(kind)
            .bind(id.to_string())
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!("no {kind} {id} to delete")));
        }
    }
    Ok(())
}
