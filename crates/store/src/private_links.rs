//! Documents sent as private links. The row holds a lookup derived from the
//! link's secret and the snapshot sealed under a key derived from it too, so
//! the database alone opens nothing.

use sqlx::any::AnyRow;
use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateLinkRow {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub lookup: String,
    pub kind: String,
    pub item_id: Option<Uuid>,
    pub sealed: Vec<u8>,
    pub label: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
    pub max_views: Option<i64>,
    pub views: i64,
    pub revoked_at: Option<i64>,
}

const COLUMNS: &str = "id, owner_id, lookup, kind, item_id, sealed, label, created_at, expires_at, max_views, views, revoked_at";

fn from_row(r: &AnyRow) -> Result<PrivateLinkRow, StoreError> {
    Ok(PrivateLinkRow {
        id: parse_uuid(r.try_get("id")?)?,
        owner_id: parse_uuid(r.try_get("owner_id")?)?,
        lookup: r.try_get("lookup")?,
        kind: r.try_get("kind")?,
        item_id: r
            .try_get::<Option<String>, _>("item_id")?
            .map(|s| parse_uuid(&s))
            .transpose()?,
        sealed: r.try_get("sealed")?,
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        max_views: r.try_get("max_views")?,
        views: r.try_get("views")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

impl Store {
    pub async fn insert_private_link(&self, l: &PrivateLinkRow) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO private_links ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(l.id.to_string())
        .bind(l.owner_id.to_string())
        .bind(&l.lookup)
        .bind(&l.kind)
        .bind(l.item_id.map(|s| s.to_string()))
        .bind(l.sealed.clone())
        .bind(l.label.clone())
        .bind(l.created_at)
        .bind(l.expires_at)
        .bind(l.max_views)
        .bind(l.views)
        .bind(l.revoked_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn private_link_by_lookup(
        &self,
        lookup: &str,
    ) -> Result<Option<PrivateLinkRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM private_links WHERE lookup = $1"
        ))
        .bind(lookup)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Counts one opening if the link is still open (not revoked, not
    /// expired, views left), atomically, so a view limit holds under races.
    pub async fn count_private_link_view(&self, id: Uuid, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE private_links SET views = views + 1 WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2 AND (max_views IS NULL OR views < max_views)",
        )
        .bind(id.to_string())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The owner's links, newest first.
    pub async fn private_links(&self, owner_id: Uuid) -> Result<Vec<PrivateLinkRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM private_links WHERE owner_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(owner_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Revokes one of the owner's links; false when there is no such link.
    pub async fn revoke_private_link(
        &self,
        owner_id: Uuid,
        id: Uuid,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE private_links SET revoked_at = COALESCE(revoked_at, $1), sealed = $4 WHERE id = $2 AND owner_id = $3",
        )
        .bind(now)
        .bind(id.to_string())
        .bind(owner_id.to_string())
        .bind(Vec::<u8>::new())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Erases the sealed snapshot of every link that is closed at `now`
    /// (revoked, expired or used up): a closed link keeps only what the
    /// owner's list shows. Returns how many were erased.
    pub async fn erase_closed_private_links(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE private_links SET sealed = $1 WHERE length(sealed) > 0 AND (revoked_at IS NOT NULL OR expires_at <= $2 OR (max_views IS NOT NULL AND views >= max_views))",
        )
        .bind(Vec::<u8>::new())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
