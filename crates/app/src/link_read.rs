//! Reading a client's shared data through one link — as its therapist
//! does, or as the client previewing what that therapist sees ("See what
//! my therapist sees"): one read path, two ways in. The therapist's way
//! opens the keys the client sealed to the link; the preview's way takes
//! the client's own copies of exactly the `(kind, key id)` pairs the link
//! holds in `share_keys` (each box checked as the therapist's app checks
//! it: it opens with the link's key and says the client sealed it). Items
//! sealed with the link's key — the agenda snapshot, the dashboard summary,
//! notes, assigned practice, questionnaire requests — open on either side,
//! since both sides compute that key. The scopes are the ones the server
//! lets the therapist read. Only the therapist's reads are logged.

use between_domain::share::Scope;
use between_store::ShareRow;

use crate::consent::{Item, ItemAuthor};
use crate::error::AppError;
use crate::keyring::{DataKind, Keyring};
use crate::principal::{Access, Principal, User};
use crate::sharing::{not_linked, require_full, Link};
use crate::App;

/// One link opened for reading the client's side of it.
#[derive(Debug, Clone)]
pub struct LinkRead {
    pub(crate) share: ShareRow,
    /// The link as its therapist sees it (`with` is the client).
    pub link: Link,
    /// The side that opens items sealed with the link's key.
    pub(crate) side: Principal,
    /// The client's account holding this link's keys only.
    pub(crate) view: Principal,
    /// The therapist: their reads are logged under their name, and pages
    /// show times in their zone.
    pub therapist: User,
    /// The client previewing: nothing is logged.
    pub preview: bool,
}

impl LinkRead {
    /// Not found unless the link shares `scope`, worded for the reader.
    pub(crate) fn require(&self, scope: Scope) -> Result<(), AppError> {
        if self.link.scopes.contains(&scope) {
            return Ok(());
        }
        Err(AppError::NotFound(if self.preview {
            format!(
                "Your {} (not shared with {})",
                scope.as_str(),
                self.therapist.name
            )
        } else {
            format!(
                "{}'s {} (not shared with you)",
                self.link.client,
                scope.as_str()
            )
        }))
    }
}

impl App {
    /// The link with client `client`, read by its therapist `p`.
    pub(crate) async fn therapist_read(
        &self,
        p: &Principal,
        client: &str,
    ) -> Result<LinkRead, AppError> {
        require_full(p)?;
        let s = self.share_with(p, client).await?;
        if s.therapist_id != p.user.id {
            return Err(not_linked(client));
        }
        self.therapist_read_of(p, s).await
    }

    /// Link `s`, read by its therapist `p`.
    pub(crate) async fn therapist_read_of(
        &self,
        p: &Principal,
        s: ShareRow,
    ) -> Result<LinkRead, AppError> {
        let keys = self.shared_keys(p, &s).await?;
        let client = self.user_of(&s, s.client_id).await?;
        Ok(LinkRead {
            link: self.link_as_therapist_sees(&s).await?,
            view: Principal {
                credential_id: p.credential_id,
                credential_kind: p.credential_kind,
                access: Access::Full,
                keys: Keyring::partial(client.id, keys),
                seal_to: None,
                memo: None,
                user: client,
            },
            side: p.forgetful(),
            therapist: p.user.clone(),
            share: s,
            preview: false,
        })
    }

    /// The link with therapist `therapist`, as client `p` previews it.
    pub async fn preview_read(&self, p: &Principal, therapist: &str) -> Result<LinkRead, AppError> {
        require_full(p)?;
        let s = self.share_with(p, therapist).await?;
        if s.client_id != p.user.id {
            return Err(not_linked(therapist));
        }
        let link = self.link_key(p, &s).await?;
        let mut keys = Vec::new();
        for k in self.store.share_keys(s.id).await? {
            let Some(kind) = DataKind::parse(&k.kind) else {
                continue;
            };
            let item_kind = crate::sharing::key_item_kind(kind);
            let item = Item {
                id: k.key_id,
                kind: &item_kind,
            };
            // What the therapist's app would take: sealed by the client.
            let sealed_by_client = link
                .open(item, &k.sealed)
                .is_some_and(|o| matches!(o.author, ItemAuthor::Verified(a) if a == s.client_id));
            if !sealed_by_client {
                continue;
            }
            if let Ok(own) = p.keys.by_id(k.key_id) {
                if p.keys.kind_of(k.key_id) == Some(kind) {
                    keys.push((k.key_id, kind, own.clone()));
                }
            }
        }
        let therapist = self.user_of(&s, s.therapist_id).await?;
        Ok(LinkRead {
            link: self.link_as_therapist_sees(&s).await?,
            view: Principal {
                keys: Keyring::partial(p.user.id, keys),
                memo: None,
                seal_to: None,
                ..p.clone()
            },
            side: p.forgetful(),
            therapist,
            share: s,
            preview: true,
        })
    }

    /// Records a therapist's read in the client's access log: `what` the
    /// kind of data, `details` what exactly, sealed to the client. A
    /// preview is not a read by anyone else and is not recorded.
    pub(crate) async fn log_read(
        &self,
        r: &LinkRead,
        what: &str,
        item: Option<uuid::Uuid>,
        details: Vec<String>,
    ) -> Result<(), AppError> {
        if r.preview {
            return Ok(());
        }
        let details = self.sealed_details(r, &details).await;
        self.log(
            r.share.client_id,
            Some(r.therapist.id),
            &r.therapist.name,
            what,
            item,
            details,
        )
        .await
    }

    /// `lines` sealed to the client of link `r`, with their public key as
    /// the therapist's own record pinned it; `None` when there is nothing
    /// to say or no pinned key (then the row keeps only its plain,
    /// generic columns).
    pub(crate) async fn sealed_details(&self, r: &LinkRead, lines: &[String]) -> Option<Vec<u8>> {
        if lines.is_empty() {
            return None;
        }
        match self.pinned_client_key(&r.side, &r.share).await {
            Ok(key) => crate::access_details::seal(&key, lines),
            Err(err) => {
                tracing::warn!(error = %err, "access-log details left out: no pinned key");
                None
            }
        }
    }

    async fn user_of(&self, s: &ShareRow, id: uuid::Uuid) -> Result<User, AppError> {
        let row = self
            .store
            .user_by_id(id)
            .await?
            .ok_or_else(|| not_linked(&s.id.to_string()))?;
        Ok(User::from_row(&row))
    }
}
