//! Operator invitations: a one-time code (in a link) that lets one person
//! create an account from the web when open registration is off.

use between_store::InviteRow;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::accounts::{NewUser, Registered};
use crate::crypto;
use crate::error::AppError;
use crate::principal::Role;
use crate::{from_micros, micros, App};

/// A new invitation; the code is shown once.
#[derive(Debug, Clone)]
pub struct Invite {
    pub code: String,
    pub role: Role,
    pub expires_at: Timestamp,
}

fn lookup_of(code: &str) -> Vec<u8> {
    crypto::derive(code.trim().as_bytes(), "invite-lookup")
        .as_bytes()
        .to_vec()
}

fn unusable() -> AppError {
    AppError::invalid(
        "invite",
        "This invitation is not valid: it may have been used already or have expired. Ask for a new one.",
    )
}

impl App {
    pub async fn create_invite(
        &self,
        role: Role,
        valid_for: SignedDuration,
    ) -> Result<Invite, AppError> {
        if valid_for <= SignedDuration::ZERO || valid_for > SignedDuration::from_hours(24 * 90) {
            return Err(AppError::invalid(
                "days",
                "An invitation can be valid for 1 to 90 days.",
            ));
        }
        let code = crypto::new_secret();
        let now = self.now();
        let expires_at = now
            .checked_add(valid_for)
            .map_err(|_| AppError::invalid("days", "Too long."))?;
        self.store
            .insert_invite(&InviteRow {
                id: Uuid::now_v7(),
                lookup: lookup_of(&code),
                role: role.as_str().into(),
                created_at: micros(now),
                expires_at: micros(expires_at),
                used_at: None,
            })
            .await?;
        Ok(Invite {
            code,
            role,
            expires_at,
        })
    }

    async fn usable_invite(&self, code: &str) -> Result<InviteRow, AppError> {
        if code.is_empty() || code.len() > 100 {
            return Err(unusable());
        }
        let row = self
            .store
            .invite_by_lookup(&lookup_of(code))
            .await?
            .ok_or_else(unusable)?;
        if row.used_at.is_some() || from_micros(row.expires_at)? <= self.now() {
            return Err(unusable());
        }
        Ok(row)
    }

    /// Whether `code` can still be used, and for which role.
    pub async fn check_invite(&self, code: &str) -> Result<Role, AppError> {
        let row = self.usable_invite(code).await?;
        Ok(Role::parse(&row.role).unwrap_or(Role::Client))
    }

    /// Creates an account with an invitation, which is then used up. If the
    /// account cannot be created, the invitation stays usable.
    pub async fn register_with_invite(
        &self,
        code: &str,
        new: NewUser<'_>,
    ) -> Result<Registered, AppError> {
        let row = self.usable_invite(code).await?;
        if !self.store.use_invite(row.id, micros(self.now())).await? {
            return Err(unusable());
        }
        let role = Role::parse(&row.role).unwrap_or(Role::Client);
        match self.register(NewUser { role, ..new }).await {
            Ok(registered) => Ok(registered),
            Err(err) => {
                self.store.release_invite(row.id).await?;
                Err(err)
            }
        }
    }
}
