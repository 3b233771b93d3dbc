//! Making a private link of an agenda or a saved review: the snapshot the
//! link opens (built here, where documents are rendered) and its address.
//! Shared by the CLI, the web pages and the API.

use between_app::agenda_saved::Target;
use between_app::private_links::{LinkKind, PrivateLink};
use between_app::{App, AppError, Principal};
use jiff::SignedDuration;
use uuid::Uuid;

use crate::review_doc::{self, ReviewDoc};

/// The address a link's secret opens.
pub fn url(public_url: &str, secret: &str) -> String {
    format!("{}/s/{secret}", public_url.trim_end_matches('/'))
}

/// A new private link: of the agenda of appointment `id` (the next one when
/// `None`), or of the saved review `id`. Returns the link and its address.
pub async fn create(
    app: &App,
    p: &Principal,
    kind: LinkKind,
    id: Option<Uuid>,
    valid_for: SignedDuration,
    max_views: Option<u32>,
    public_url: &str,
) -> Result<(PrivateLink, String), AppError> {
    let (item_id, snapshot) = match kind {
        LinkKind::Agenda => {
            let target = id.map_or(Target::Next, Target::Appointment);
            let (agenda, snapshot) = app.agenda_snapshot(p, target).await?;
            (agenda.appointment.map(|(id, _)| id), snapshot)
        }
        LinkKind::Review => {
            let id = id.ok_or_else(|| {
                AppError::invalid("id", "Say which saved review to send (its id).")
            })?;
            let shown = app.saved_review(p, id).await?;
            (Some(id), review_doc::snapshot(&ReviewDoc::of_saved(&shown)))
        }
    };
    let (link, secret) = app
        .create_private_link(p, kind, item_id, &snapshot, valid_for, max_views)
        .await?;
    Ok((link, url(public_url, &secret)))
}

/// A private link in JSON, as `share links --json` and the API show it.
pub fn json(l: &PrivateLink, tz: &jiff::tz::TimeZone) -> serde_json::Value {
    serde_json::json!({
        "id": l.id,
        "kind": l.kind.as_str(),
        "item_id": l.item_id,
        "title": l.title,
        "created_at": crate::json::rfc3339(l.created_at, tz),
        "expires_at": crate::json::rfc3339(l.expires_at, tz),
        "max_views": l.max_views,
        "views": l.views,
        "state": l.state.as_str(),
    })
}
