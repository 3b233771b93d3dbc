//! Kind keys: the data keys of a user, one per kind of data, each stored
//! wrapped by the user's root key. A key replaced by a rotation is retired:
//! no write under it is accepted any more (every write of ciphertext checks
//! its key in the same statement, see [`current_key_guard`]), and it is
//! deleted once nothing is stored under it.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindKeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub wrapped: Vec<u8>,
    pub created_at: i64,
    /// When a rotation replaced it; a retired key only opens what is still
    /// stored under it, and nothing new may be written with it.
    pub retired_at: Option<i64>,
    /// 1 for a kind's first key, one more per rotation; also inside the
    /// wrapped key's AAD. `None` for keys stored before generations, until
    /// the account's next unlock numbers them.
    pub generation: Option<i64>,
}

fn from_row(row: &AnyRow) -> Result<KindKeyRow, StoreError> {
    Ok(KindKeyRow {
        id: parse_uuid(row.try_get("id")?)?,
        user_id: parse_uuid(row.try_get("user_id")?)?,
        kind: row.try_get("kind")?,
        wrapped: row.try_get("wrapped")?,
        created_at: row.try_get("created_at")?,
        retired_at: row.try_get("retired_at")?,
        generation: row.try_get("generation")?,
    })
}

/// SQL that is true only while `key` (a placeholder or column naming a key
/// id) is a current, unretired key of `user`: every statement that stores
/// ciphertext under a kind key carries it, so a write with a keyring from
/// before a rotation is refused by the very statement that would store it.
pub(crate) fn current_key_guard(key: &str, user: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM kind_keys WHERE kind_keys.id = {key} AND kind_keys.user_id = {user} AND kind_keys.retired_at IS NULL)"
    )
}

/// Whether `key_id` is a current key of `user_id` (to tell a refused key
/// from another reason a guarded write changed nothing).
pub(crate) async fn is_current(
    tx: &mut Transaction<'_, Any>,
    user_id: Uuid,
    key_id: Uuid,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT count(*) AS n FROM kind_keys WHERE id = $1 AND user_id = $2 AND retired_at IS NULL",
    )
    .bind(key_id.to_string())
    .bind(user_id.to_string())
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// `Err(RetiredKey)` when `key_id` is not a current key of `user_id`.
pub(crate) async fn refuse_retired(
    tx: &mut Transaction<'_, Any>,
    user_id: Uuid,
    key_id: Uuid,
) -> Result<(), StoreError> {
    if is_current(tx, user_id, key_id).await? {
        Ok(())
    } else {
        Err(StoreError::RetiredKey(key_id))
    }
}

pub(crate) async fn insert_kind_key(
    tx: &mut Transaction<'_, Any>,
    key: &KindKeyRow,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO kind_keys (id, user_id, kind, wrapped, created_at, retired_at, generation) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(key.id.to_string())
        .bind(key.user_id.to_string())
        .bind(&key.kind)
        .bind(key.wrapped.clone())
        .bind(key.created_at)
        .bind(key.retired_at)
        .bind(key.generation)
        .execute(&mut **tx)
        .await
        .map_err(|e| StoreError::conflict_or(e, "A key of this generation already exists."))?;
    Ok(())
}

impl Store {
    /// All kind keys of a user, oldest first.
    pub async fn kind_keys(&self, user_id: Uuid) -> Result<Vec<KindKeyRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, kind, wrapped, created_at, retired_at, generation FROM kind_keys WHERE user_id = $1 ORDER BY created_at, id",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

impl Store {
    /// Adds one kind key (e.g. for a kind of data added in a later version).
    pub async fn insert_kind_key(&self, key: &KindKeyRow) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_kind_key(&mut tx, key).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts the rotation named `rotation` (due in `key_rotations`): in one
    /// transaction adds `key`, retires every other key of its kind, and
    /// remembers `key` as the one this rotation re-encrypts under, so an
    /// interrupted rotation is finished with it. From the commit on, a write
    /// under a replaced key is refused.
    pub async fn begin_key_rotation(
        &self,
        rotation: &str,
        key: &KindKeyRow,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_kind_key(&mut tx, key).await?;
        sqlx::query(
            "UPDATE kind_keys SET retired_at = $1 WHERE user_id = $2 AND kind = $3 AND id <> $4 AND retired_at IS NULL",
        )
        .bind(now)
        .bind(key.user_id.to_string())
        .bind(&key.kind)
        .bind(key.id.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE key_rotations SET new_key_id = $1 WHERE user_id = $2 AND kind = $3")
            .bind(key.id.to_string())
            .bind(key.user_id.to_string())
            .bind(rotation)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The key a begun rotation re-encrypts under, if it began (and was not
    /// marked due again since).
    pub async fn rotation_new_key(
        &self,
        user_id: Uuid,
        rotation: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let row =
            sqlx::query("SELECT new_key_id FROM key_rotations WHERE user_id = $1 AND kind = $2")
                .bind(user_id.to_string())
                .bind(rotation)
                .fetch_optional(&self.pool)
                .await?;
        let id: Option<String> = match row {
            Some(row) => row.try_get("new_key_id")?,
            None => None,
        };
        id.as_deref().map(parse_uuid).transpose()
    }

    /// Ends a rotation that re-encrypted under `new_key`, unless the kind was
    /// marked due again meanwhile (then it stays due, for a fresh key).
    pub async fn finish_key_rotation(
        &self,
        user_id: Uuid,
        rotation: &str,
        new_key: Uuid,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM key_rotations WHERE user_id = $1 AND kind = $2 AND new_key_id = $3",
        )
        .bind(user_id.to_string())
        .bind(rotation)
        .bind(new_key.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes the retired keys of `kind` that nothing is stored under any
    /// more (with the copies sealed to therapists). The `NOT EXISTS` checks
    /// and the tables' foreign keys keep a key that is still in use.
    pub async fn delete_unused_retired_keys(
        &self,
        user_id: Uuid,
        kind: &str,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let unused =
            "SELECT id FROM kind_keys WHERE user_id = $1 AND kind = $2 AND retired_at IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM records WHERE records.key_id = kind_keys.id) \
             AND NOT EXISTS (SELECT 1 FROM entries WHERE entries.key_id = kind_keys.id)";
        sqlx::query(&format!(
            "DELETE FROM share_keys WHERE key_id IN ({unused})"
        ))
        .bind(user_id.to_string())
        .bind(kind)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(&format!("DELETE FROM kind_keys WHERE id IN ({unused})"))
            .bind(user_id.to_string())
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

impl Store {
    /// Numbers a key stored before generations and stores it re-wrapped
    /// with its generation in the AAD; `false` if it was numbered already.
    pub async fn set_key_generation(
        &self,
        user_id: Uuid,
        key_id: Uuid,
        generation: i64,
        wrapped: &[u8],
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE kind_keys SET generation = $1, wrapped = $2 WHERE user_id = $3 AND id = $4 AND generation IS NULL",
        )
        .bind(generation)
        .bind(wrapped.to_vec())
        .bind(user_id.to_string())
        .bind(key_id.to_string())
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::conflict_or(e, "A key of this generation already exists."))?;
        Ok(done.rows_affected() > 0)
    }
}

impl Store {
    /// Takes the account's rotation lease for `owner` until `expires_at`
    /// when no one holds it or its holder's lease has expired (a crashed
    /// rotation); `false` while another holds it. Renewing is taking again.
    pub async fn take_rotation_lease(
        &self,
        user_id: Uuid,
        owner: Uuid,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO rotation_leases (user_id, owner, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at \
             WHERE rotation_leases.owner = excluded.owner OR rotation_leases.expires_at <= $4",
        )
        .bind(user_id.to_string())
        .bind(owner.to_string())
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives the lease back (only its holder's).
    pub async fn release_rotation_lease(
        &self,
        user_id: Uuid,
        owner: Uuid,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM rotation_leases WHERE user_id = $1 AND owner = $2")
            .bind(user_id.to_string())
            .bind(owner.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
