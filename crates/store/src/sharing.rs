//! Links between clients and therapists: invitations, the link itself, the
//! consent scopes switched on, the kind keys sealed to the therapist, each
//! user's X25519 key pair (secret wrapped by their root key), and the log
//! of who read what.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeypairRow {
    pub user_id: Uuid,
    pub public_key: Vec<u8>,
    pub wrapped_secret: Vec<u8>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub therapist_id: Uuid,
    pub created_at: i64,
    pub ended_at: Option<i64>,
}

/// A kind key sealed to the therapist of a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareKeyRow {
    pub share_id: Uuid,
    pub key_id: Uuid,
    pub kind: String,
    pub sealed: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub reader_id: Option<Uuid>,
    pub reader_name: String,
    pub what: String,
    pub item_id: Option<Uuid>,
    pub at: i64,
    /// What exactly was opened, sealed to the client's public key (the
    /// plain columns stay generic).
    pub details: Option<Vec<u8>>,
}

/// The statement that writes one line of an access log.
fn insert_access(a: &AccessRow) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    sqlx::query(
        "INSERT INTO access_log (id, client_id, reader_id, reader_name, what, item_id, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.id.to_string())
    .bind(a.client_id.to_string())
    .bind(a.reader_id.map(|u| u.to_string()))
    .bind(&a.reader_name)
    .bind(&a.what)
    .bind(a.item_id.map(|u| u.to_string()))
    .bind(a.at)
    .bind(a.details.clone())
}

fn share_from(row: &AnyRow) -> Result<ShareRow, StoreError> {
    Ok(ShareRow {
        id: parse_uuid(row.try_get("id")?)?,
        client_id: parse_uuid(row.try_get("client_id")?)?,
        therapist_id: parse_uuid(row.try_get("therapist_id")?)?,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get("ended_at")?,
    })
}

const SHARE_COLUMNS: &str = "id, client_id, therapist_id, created_at, ended_at";

impl Store {
    pub async fn keypair(&self, user_id: Uuid) -> Result<Option<KeypairRow>, StoreError> {
        let row = sqlx::query(
            "SELECT public_key, wrapped_secret, created_at FROM user_keypairs WHERE user_id = $1",
        )
        .bind(user_id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(KeypairRow {
                user_id,
                public_key: r.try_get("public_key")?,
                wrapped_secret: r.try_get("wrapped_secret")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    /// Stores a key pair unless the user has one already (then keeps theirs).
    pub async fn insert_keypair(&self, k: &KeypairRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO user_keypairs (user_id, public_key, wrapped_secret, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(k.user_id.to_string())
        .bind(k.public_key.clone())
        .bind(k.wrapped_secret.clone())
        .bind(k.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn insert_share_invite(
        &self,
        id: Uuid,
        client_id: Uuid,
        code_hash: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO share_invites (id, client_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(client_id.to_string())
        .bind(code_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// (invite id, client id, created_at, used) of the invitation with that code.
    pub async fn share_invite(
        &self,
        code_hash: &str,
    ) -> Result<Option<(Uuid, Uuid, i64, bool)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, client_id, created_at, used_at FROM share_invites WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let used: Option<i64> = r.try_get("used_at")?;
            Ok((
                parse_uuid(r.try_get("id")?)?,
                parse_uuid(r.try_get("client_id")?)?,
                r.try_get("created_at")?,
                used.is_some(),
            ))
        })
        .transpose()
    }

    /// Uses the invitation and creates the link, together; `Conflict` if the
    /// invitation was used meanwhile or the two are linked already.
    pub async fn accept_share_invite(
        &self,
        invite_id: Uuid,
        share: &ShareRow,
        binding: &[u8],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let used =
            sqlx::query("UPDATE share_invites SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(share.created_at)
                .bind(invite_id.to_string())
                .execute(&mut *tx)
                .await?;
        if used.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "This invitation was used already.".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO shares (id, client_id, therapist_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(share.id.to_string())
        .bind(share.client_id.to_string())
        .bind(share.therapist_id.to_string())
        .bind(share.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_or(e, "You are linked with this person already."))?;
        sqlx::query(
            "INSERT INTO share_bindings (share_id, invite_id, binding) VALUES ($1, $2, $3)",
        )
        .bind(share.id.to_string())
        .bind(invite_id.to_string())
        .bind(binding.to_vec())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Active links where the user is the client or the therapist.
    pub async fn active_shares(&self, user_id: Uuid) -> Result<Vec<ShareRow>, StoreError> {
        let sql = format!(
            "SELECT {SHARE_COLUMNS} FROM shares WHERE (client_id = $1 OR therapist_id = $2) AND ended_at IS NULL ORDER BY created_at"
        );
        let rows = sqlx::query(&sql)
            .bind(user_id.to_string())
            .bind(user_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(share_from).collect()
    }

    /// Ends a link at once: its scopes and sealed keys go with it.
    /// Whether the account ever had a therapist linked (now or before).
    pub async fn ever_shared(&self, client_id: Uuid) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM shares WHERE client_id = $1")
            .bind(client_id.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    /// Ends a link at once: its sealed keys and scopes go, items of the
    /// kinds in `erase` (the agenda snapshot) are deleted, and every other
    /// item between the two keeps only the client's copy — nothing stays
    /// sealed to the former therapist.
    pub async fn end_share(
        &self,
        share_id: Uuid,
        now: i64,
        erase: &[&str],
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done =
            sqlx::query("UPDATE shares SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
                .bind(now)
                .bind(share_id.to_string())
                .execute(&mut *tx)
                .await?;
        for table in ["share_keys", "share_scopes"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE share_id = $1"))
                .bind(share_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        for kind in erase {
            sqlx::query("DELETE FROM share_items WHERE share_id = $1 AND kind = $2")
                .bind(share_id.to_string())
                .bind(*kind)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE share_items SET for_therapist = NULL WHERE share_id = $1")
            .bind(share_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn share_scopes(&self, share_id: Uuid) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT scope FROM share_scopes WHERE share_id = $1 ORDER BY scope")
            .bind(share_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("scope")?))
            .collect()
    }

    /// Switches scopes on (with the keys they need sealed to the therapist)
    /// and off (removing the keys of `kinds_off`), in one transaction.
    pub async fn set_share_scopes(
        &self,
        share_id: Uuid,
        on: &[String],
        off: &[String],
        keys_on: &[ShareKeyRow],
        kinds_off: &[String],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for scope in off {
            sqlx::query("DELETE FROM share_scopes WHERE share_id = $1 AND scope = $2")
                .bind(share_id.to_string())
                .bind(scope)
                .execute(&mut *tx)
                .await?;
        }
        for kind in kinds_off {
            sqlx::query("DELETE FROM share_keys WHERE share_id = $1 AND kind = $2")
                .bind(share_id.to_string())
                .bind(kind)
                .execute(&mut *tx)
                .await?;
        }
        for scope in on {
            sqlx::query(
                "INSERT INTO share_scopes (share_id, scope, changed_at) VALUES ($1, $2, $3) ON CONFLICT (share_id, scope) DO NOTHING",
            )
            .bind(share_id.to_string())
            .bind(scope)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for k in keys_on {
            sqlx::query(
                "INSERT INTO share_keys (share_id, key_id, kind, sealed) VALUES ($1, $2, $3, $4) ON CONFLICT (share_id, key_id) DO NOTHING",
            )
            .bind(k.share_id.to_string())
            .bind(k.key_id.to_string())
            .bind(&k.kind)
            .bind(k.sealed.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces every key sealed on a link with `keys`, in one transaction.
    pub async fn replace_share_keys(
        &self,
        share_id: Uuid,
        keys: &[ShareKeyRow],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM share_keys WHERE share_id = $1")
            .bind(share_id.to_string())
            .execute(&mut *tx)
            .await?;
        for k in keys {
            sqlx::query(
                "INSERT INTO share_keys (share_id, key_id, kind, sealed) VALUES ($1, $2, $3, $4)",
            )
            .bind(share_id.to_string())
            .bind(k.key_id.to_string())
            .bind(&k.kind)
            .bind(k.sealed.clone())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn share_keys(&self, share_id: Uuid) -> Result<Vec<ShareKeyRow>, StoreError> {
        let rows = sqlx::query("SELECT key_id, kind, sealed FROM share_keys WHERE share_id = $1")
            .bind(share_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ShareKeyRow {
                    share_id,
                    key_id: parse_uuid(r.try_get("key_id")?)?,
                    kind: r.try_get("kind")?,
                    sealed: r.try_get("sealed")?,
                })
            })
            .collect()
    }

    pub async fn log_access(&self, a: &AccessRow) -> Result<(), StoreError> {
        insert_access(a).execute(&self.pool).await?;
        Ok(())
    }

    /// Several lines of access logs in one transaction (a dashboard's read
    /// of every client).
    pub async fn log_accesses(&self, rows: &[AccessRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for a in rows {
            insert_access(a).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Who read what of the client's data, newest first.
    pub async fn access_log(&self, client_id: Uuid) -> Result<Vec<AccessRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, reader_id, reader_name, what, item_id, at, details FROM access_log WHERE client_id = $1 ORDER BY at DESC, id DESC",
        )
        .bind(client_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let reader: Option<String> = r.try_get("reader_id")?;
                let item: Option<String> = r.try_get("item_id")?;
                Ok(AccessRow {
                    id: parse_uuid(r.try_get("id")?)?,
                    client_id,
                    reader_id: reader.as_deref().map(parse_uuid).transpose()?,
                    reader_name: r.try_get("reader_name")?,
                    what: r.try_get("what")?,
                    item_id: item.as_deref().map(parse_uuid).transpose()?,
                    at: r.try_get("at")?,
                    details: r.try_get("details")?,
                })
            })
            .collect()
    }

    /// Remembers that these kinds need a new key at the owner's next unlock.
    /// A kind already due whose rotation has begun starts over with a fresh
    /// key: the key it made may have been shared since.
    pub async fn mark_rotation(
        &self,
        user_id: Uuid,
        kinds: &[String],
        now: i64,
    ) -> Result<(), StoreError> {
        for kind in kinds {
            sqlx::query(
                "INSERT INTO key_rotations (user_id, kind, due_since) VALUES ($1, $2, $3) ON CONFLICT (user_id, kind) DO UPDATE SET new_key_id = NULL",
            )
            .bind(user_id.to_string())
            .bind(kind)
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    pub async fn due_rotations(&self, user_id: Uuid) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT kind FROM key_rotations WHERE user_id = $1 ORDER BY kind")
            .bind(user_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("kind")?))
            .collect()
    }

    pub async fn clear_rotation(&self, user_id: Uuid, kind: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM key_rotations WHERE user_id = $1 AND kind = $2")
            .bind(user_id.to_string())
            .bind(kind)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
