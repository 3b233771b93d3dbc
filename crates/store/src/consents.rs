//! What makes a link's consent verifiable by the client's own app: the
//! invitation code sealed for the client, the therapist's binding written
//! at acceptance, and each side's own sealed record of the link.

use sqlx::Row;
use uuid::Uuid;

use crate::error::parse_uuid;
use crate::{Store, StoreError};

impl Store {
    /// Keeps the invitation's code, sealed under the client's key.
    pub async fn seal_share_invite_code(
        &self,
        invite_id: Uuid,
        sealed: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE share_invites SET sealed_code = $1 WHERE id = $2")
            .bind(sealed.to_vec())
            .bind(invite_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The sealed code of an invitation (none for invitations made before
    /// codes were kept).
    pub async fn sealed_share_invite_code(
        &self,
        invite_id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT sealed_code FROM share_invites WHERE id = $1")
            .bind(invite_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("sealed_code")?,
            None => None,
        })
    }

    /// The therapist's binding of a link: (invite id, MAC).
    pub async fn share_binding(
        &self,
        share_id: Uuid,
    ) -> Result<Option<(Uuid, Vec<u8>)>, StoreError> {
        let row = sqlx::query("SELECT invite_id, binding FROM share_bindings WHERE share_id = $1")
            .bind(share_id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((parse_uuid(r.try_get("invite_id")?)?, r.try_get("binding")?)))
            .transpose()
    }

    /// `user`'s own sealed record of a link.
    pub async fn share_consent(
        &self,
        share_id: Uuid,
        user_id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row =
            sqlx::query("SELECT sealed FROM share_consents WHERE share_id = $1 AND user_id = $2")
                .bind(share_id.to_string())
                .bind(user_id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("sealed")?),
            None => None,
        })
    }

    pub async fn put_share_consent(
        &self,
        share_id: Uuid,
        user_id: Uuid,
        sealed: &[u8],
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO share_consents (share_id, user_id, sealed, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (share_id, user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
        )
        .bind(share_id.to_string())
        .bind(user_id.to_string())
        .bind(sealed.to_vec())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
