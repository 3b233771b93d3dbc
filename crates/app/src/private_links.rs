//! An agenda or review sent as a private link to someone without an
//! account. The link's secret is the credential: the stored lookup and the
//! key that seals the snapshot are both derived from it, and only the
//! lookup is stored, so the database opens nothing without the link, a
//! guessed link finds nothing, and a leaked one opens that one snapshot
//! until it expires, runs out of views or is revoked. Each opening is
//! logged for the owner like a therapist's read.

use between_domain::snapshot::Snapshot;
use between_store::PrivateLinkRow;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::principal::Principal;
use crate::{from_micros, micros, App};

/// How long a link stays open unless the person says otherwise.
pub const DEFAULT_VALID_FOR: SignedDuration = SignedDuration::from_hours(24 * 7);
/// The longest a link may stay open.
pub const MAX_VALID_FOR: SignedDuration = SignedDuration::from_hours(24 * 90);
/// The most views a limit may allow.
pub const MAX_VIEWS: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Agenda,
    Review,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Agenda => "agenda",
            LinkKind::Review => "review",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "agenda" => Some(LinkKind::Agenda),
            "review" => Some(LinkKind::Review),
            _ => None,
        }
    }

    /// The owner's key the link's title is sealed under.
    fn data_kind(self) -> DataKind {
        match self {
            LinkKind::Agenda => DataKind::Agenda,
            LinkKind::Review => DataKind::Reviews,
        }
    }
}

/// Whether a link still opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Open,
    Expired,
    UsedUp,
    Revoked,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Open => "open",
            LinkState::Expired => "expired",
            LinkState::UsedUp => "used up",
            LinkState::Revoked => "revoked",
        }
    }
}

/// A link as its owner sees it.
#[derive(Debug, Clone)]
pub struct PrivateLink {
    pub id: Uuid,
    pub kind: LinkKind,
    pub item_id: Option<Uuid>,
    pub title: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub max_views: Option<u32>,
    pub views: u32,
    pub state: LinkState,
}

/// What opening a link shows.
#[derive(Debug, Clone)]
pub struct Opened {
    pub kind: LinkKind,
    pub snapshot: Snapshot,
    pub expires_at: Timestamp,
    /// Views left after this one, when limited.
    pub views_left: Option<u32>,
}

/// An open link, not opened: what its first page says.
#[derive(Debug, Clone)]
pub struct Peek {
    pub kind: LinkKind,
    pub expires_at: Timestamp,
    /// Views left before this one, when limited.
    pub views_left: Option<u32>,
}

/// Validity as people give it: 1 hour up to 90 days.
pub fn validate_validity(valid_for: SignedDuration) -> Result<SignedDuration, AppError> {
    if valid_for < SignedDuration::from_hours(1) || valid_for > MAX_VALID_FOR {
        return Err(AppError::invalid(
            "expires",
            "A private link can stay open from 1 hour to 90 days.",
        ));
    }
    Ok(valid_for)
}

fn lookup_of(secret: &str) -> String {
    crypto::derive(secret.trim().as_bytes(), "private-link-lookup")
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn aad(id: Uuid) -> Vec<u8> {
    format!("private-link|{id}").into_bytes()
}

fn label_aad(id: Uuid) -> Vec<u8> {
    format!("private-link-label|{id}").into_bytes()
}

fn state_of(row: &PrivateLinkRow, now: i64) -> LinkState {
    if row.revoked_at.is_some() {
        LinkState::Revoked
    } else if row.expires_at <= now {
        LinkState::Expired
    } else if row.max_views.is_some_and(|m| row.views >= m) {
        LinkState::UsedUp
    } else {
        LinkState::Open
    }
}

fn gone() -> AppError {
    AppError::Gone("This private link has expired, reached its view limit or was revoked. Ask the person who sent it for a new one.".into())
}

impl App {
    /// Seals `snapshot` under a key only the new link's secret derives and
    /// stores it; returns the link and its secret (shown once).
    pub async fn create_private_link(
        &self,
        p: &Principal,
        kind: LinkKind,
        item_id: Option<Uuid>,
        snapshot: &Snapshot,
        valid_for: SignedDuration,
        max_views: Option<u32>,
    ) -> Result<(PrivateLink, String), AppError> {
        crate::sharing::require_full(p)?;
        let valid_for = validate_validity(valid_for)?;
        if let Some(n) = max_views {
            if n == 0 || n > MAX_VIEWS {
                return Err(AppError::invalid(
                    "max_views",
                    format!("A view limit is between 1 and {MAX_VIEWS}."),
                ));
            }
        }
        let secret = crypto::new_secret();
        let id = Uuid::now_v7();
        let key = crypto::derive(secret.as_bytes(), "private-link-key");
        let bytes = serde_json::to_vec(snapshot)
            .map_err(|e| AppError::Corrupt(format!("snapshot: {e}")))?;
        let (key_id, own) = p.keys.current(kind.data_kind())?;
        let mut label = key_id.as_bytes().to_vec();
        label.extend(crypto::seal(own, &label_aad(id), snapshot.title.as_bytes()));
        let now = self.now();
        let row = PrivateLinkRow {
            id,
            owner_id: p.user.id,
            lookup: lookup_of(&secret),
            kind: kind.as_str().into(),
            item_id,
            sealed: crypto::seal(&key, &aad(id), &bytes),
            label,
            created_at: micros(now),
            expires_at: micros(now + valid_for),
            max_views: max_views.map(i64::from),
            views: 0,
            revoked_at: None,
        };
        self.store.insert_private_link(&row).await?;
        tracing::info!(user_id = %p.user.id, kind = kind.as_str(), "private link created");
        Ok((self.private_link_view(p, &row, micros(now))?, secret))
    }

    fn private_link_view(
        &self,
        p: &Principal,
        row: &PrivateLinkRow,
        now: i64,
    ) -> Result<PrivateLink, AppError> {
        let kind = LinkKind::parse(&row.kind)
            .ok_or_else(|| AppError::Corrupt(format!("a private link of kind {}", row.kind)))?;
        let title = (row.label.len() > 16)
            .then(|| {
                let key_id = Uuid::from_slice(&row.label[..16]).ok()?;
                let key = p.keys.by_id(key_id).ok()?;
                let bytes = crypto::open(key, &label_aad(row.id), &row.label[16..]).ok()?;
                String::from_utf8(bytes.to_vec()).ok()
            })
            .flatten()
            .unwrap_or_else(|| format!("An {}", kind.as_str()));
        Ok(PrivateLink {
            id: row.id,
            kind,
            item_id: row.item_id,
            title,
            created_at: from_micros(row.created_at)?,
            expires_at: from_micros(row.expires_at)?,
            max_views: row.max_views.and_then(|m| u32::try_from(m).ok()),
            views: u32::try_from(row.views).unwrap_or(u32::MAX),
            state: state_of(row, now),
        })
    }

    /// The person's private links, newest first.
    pub async fn private_links(&self, p: &Principal) -> Result<Vec<PrivateLink>, AppError> {
        crate::sharing::require_full(p)?;
        let now = micros(self.now());
        self.store
            .private_links(p.user.id)
            .await?
            .iter()
            .map(|row| self.private_link_view(p, row, now))
            .collect()
    }

    /// Closes a link at once; opening it afterwards is refused.
    pub async fn revoke_private_link(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        crate::sharing::require_full(p)?;
        if !self
            .store
            .revoke_private_link(p.user.id, id, micros(self.now()))
            .await?
        {
            return Err(AppError::NotFound(format!("The private link {id}")));
        }
        Ok(())
    }

    /// What a link is, without opening it or counting a view: the page a
    /// link first shows (so previews and mail scanners, which only fetch
    /// it, neither use up a view nor receive the content). Unknown secrets
    /// are not found; closed links are gone.
    pub async fn peek_private_link(&self, secret: &str) -> Result<Peek, AppError> {
        let not_found = || AppError::NotFound("That private link".into());
        let secret = secret.trim();
        if secret.len() < 20 || secret.len() > 100 {
            return Err(not_found());
        }
        let row = self
            .store
            .private_link_by_lookup(&lookup_of(secret))
            .await?
            .ok_or_else(not_found)?;
        let now = micros(self.now());
        if state_of(&row, now) != LinkState::Open {
            self.store.erase_closed_private_links(now).await?;
            return Err(gone());
        }
        Ok(Peek {
            kind: LinkKind::parse(&row.kind)
                .ok_or_else(|| AppError::Corrupt(format!("a private link of kind {}", row.kind)))?,
            expires_at: from_micros(row.expires_at)?,
            views_left: row
                .max_views
                .map(|m| u32::try_from((m - row.views).max(0)).unwrap_or(0)),
        })
    }

    /// Opens a link by its secret, counting the view and logging it for the
    /// owner. Unknown secrets are not found; closed links are gone.
    pub async fn open_private_link(&self, secret: &str) -> Result<Opened, AppError> {
        let not_found = || AppError::NotFound("That private link".into());
        let secret = secret.trim();
        if secret.len() < 20 || secret.len() > 100 {
            return Err(not_found());
        }
        let row = self
            .store
            .private_link_by_lookup(&lookup_of(secret))
            .await?
            .ok_or_else(not_found)?;
        let now = micros(self.now());
        if state_of(&row, now) != LinkState::Open
            || !self.store.count_private_link_view(row.id, now).await?
        {
            self.store.erase_closed_private_links(now).await?;
            return Err(gone());
        }
        let key = crypto::derive(secret.as_bytes(), "private-link-key");
        let bytes = crypto::open(&key, &aad(row.id), &row.sealed)
            .map_err(|_| AppError::Corrupt("a private link does not open".into()))?;
        // The last view: nothing is kept to open again.
        if row.max_views.is_some_and(|m| row.views + 1 >= m) {
            self.store.erase_closed_private_links(now).await?;
        }
        let snapshot: Snapshot = serde_json::from_slice(&bytes)
            .map_err(|e| AppError::Corrupt(format!("snapshot: {e}")))?;
        let kind = LinkKind::parse(&row.kind)
            .ok_or_else(|| AppError::Corrupt(format!("a private link of kind {}", row.kind)))?;
        // Which agenda or review: sealed to the owner's public key.
        let details = match self.store.keypair(row.owner_id).await? {
            Some(k) => {
                crate::access_details::seal(&k.public_key, std::slice::from_ref(&snapshot.title))
            }
            None => None,
        };
        self.log(
            row.owner_id,
            None,
            "someone with a private link",
            &format!("{} (private link)", kind.as_str()),
            row.item_id,
            details,
        )
        .await?;
        Ok(Opened {
            kind,
            snapshot,
            expires_at: from_micros(row.expires_at)?,
            views_left: row
                .max_views
                .map(|m| u32::try_from((m - row.views - 1).max(0)).unwrap_or(0)),
        })
    }
}
