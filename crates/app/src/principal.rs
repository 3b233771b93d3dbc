//! Who is making a request, with what credential, and the keys it opened.

use between_store::{CredentialKind, UserRow};
use jiff::tz::TimeZone;
use uuid::Uuid;

use crate::error::AppError;
use crate::keyring::Keyring;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Client,
    Therapist,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Therapist => "therapist",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "client" => Some(Role::Client),
            "therapist" => Some(Role::Therapist),
            _ => None,
        }
    }
}

/// An account as the rest of the app sees it.
#[derive(Debug, Clone)]
pub struct User {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub time_zone: TimeZone,
}

impl User {
    pub(crate) fn from_row(row: &UserRow) -> User {
        User {
            id: row.id,
            name: row.name.clone(),
            role: Role::parse(&row.role).unwrap_or(Role::Client),
            // An unknown zone (e.g. removed from the tz database) falls back to UTC.
            time_zone: between_domain::zone::get(&row.time_zone).unwrap_or(TimeZone::UTC),
        }
    }

    pub fn time_zone_name(&self) -> &str {
        self.time_zone.iana_name().unwrap_or("UTC")
    }
}

/// What a credential lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read and write everything the account owns.
    Full,
    /// Add journal entries, read nothing (e.g. a phone shortcut); holds no
    /// kind key, only the account's pinned public key.
    WriteOnly,
    /// Read appointment and practice titles and times for a calendar feed.
    Calendar,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Full => "read-write",
            Access::WriteOnly => "write-only",
            Access::Calendar => "calendar",
        }
    }

    pub fn parse(s: &str) -> Option<Access> {
        match s {
            "read-write" | "full" => Some(Access::Full),
            "write-only" => Some(Access::WriteOnly),
            "calendar" => Some(Access::Calendar),
            _ => None,
        }
    }
}

/// A signed-in person for the length of one request or command.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub credential_id: Uuid,
    pub credential_kind: CredentialKind,
    pub access: Access,
    pub(crate) keys: Keyring,
    /// A write-only token's pinned copy of the account's public key: what
    /// it writes is sealed to this, never to the plain row.
    pub(crate) seal_to: Option<[u8; 32]>,
    /// What this request opened already (`memo.rs`); `None` unless asked for.
    pub(crate) memo: Option<std::sync::Arc<crate::memo::Memo>>,
}

impl Principal {
    /// This principal with a memo of its own: for one read-only request
    /// (a page `GET`), which then opens each kind of record once however
    /// many parts of the page ask for it. Writes through it empty the memo.
    pub fn remembering(&self) -> Principal {
        Principal {
            memo: Some(Default::default()),
            ..self.clone()
        }
    }

    /// This principal without a memo: for work that outlives the request.
    pub(crate) fn forgetful(&self) -> Principal {
        Principal {
            memo: None,
            ..self.clone()
        }
    }

    /// The X25519 secret that opens what was sealed to this person; only a
    /// password, device or session credential holds it.
    pub(crate) fn identity(&self) -> Result<&crate::crypto::Key, AppError> {
        self.keys.identity().ok_or_else(|| {
            AppError::Forbidden(
                "Sign in with your password to open what was shared with you.".into(),
            )
        })
    }

    /// Refuses reading with a write-only or calendar credential.
    pub fn require_read(&self) -> Result<(), AppError> {
        match self.access {
            Access::Full => Ok(()),
            Access::WriteOnly => Err(AppError::Forbidden(
                "This token is write-only: it can add entries but not read them.".into(),
            )),
            Access::Calendar => Err(AppError::Forbidden(
                "A calendar feed's link opens only the calendar.".into(),
            )),
        }
    }

    /// Refuses adding journal entries with a calendar credential.
    pub fn require_write(&self) -> Result<(), AppError> {
        match self.access {
            Access::Full | Access::WriteOnly => Ok(()),
            Access::Calendar => Err(AppError::Forbidden(
                "A calendar feed's link opens only the calendar.".into(),
            )),
        }
    }
}
