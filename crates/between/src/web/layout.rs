//! What every page's frame needs: the app title, who is signed in, the form
//! token for the sign-out button, the quick-exit address, a notice, and
//! the key the page's script seals offline writing to.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::auth::SignedIn;
use super::WebState;

pub struct Layout {
    pub app_title: String,
    pub page_title: String,
    pub user: Option<String>,
    /// A therapist's frame: Clients, Sessions and Settings instead of the
    /// client's journal, practice and measures.
    pub therapist: bool,
    pub csrf: String,
    pub exit_url: String,
    pub notice: Option<String>,
    /// Which navigation item is current.
    pub section: &'static str,
    /// Whom the page's script seals what is written offline to.
    pub seal: Option<Seal>,
}

/// The signed-in account and its X25519 public key (base64url), for the
/// offline queue (`routes/offline.rs`).
pub struct Seal {
    pub account: String,
    pub key: String,
}

impl Layout {
    pub fn new(state: &WebState, page_title: impl Into<String>, section: &'static str) -> Layout {
        Layout {
            app_title: state.settings.title.clone(),
            page_title: page_title.into(),
            user: None,
            therapist: false,
            csrf: String::new(),
            exit_url: state.settings.exit_url.clone(),
            notice: None,
            section,
            seal: None,
        }
    }

    pub fn signed_in(
        state: &WebState,
        s: &SignedIn,
        page_title: impl Into<String>,
        section: &'static str,
    ) -> Layout {
        Layout {
            user: Some(s.principal.user.name.clone()),
            therapist: s.principal.user.role == between_app::Role::Therapist,
            csrf: s.csrf.clone(),
            seal: state
                .app
                .offline_public_key(&s.principal)
                .ok()
                .map(|key| Seal {
                    account: s.principal.user.id.to_string(),
                    key: URL_SAFE_NO_PAD.encode(key),
                }),
            ..Layout::new(state, page_title, section)
        }
    }

    pub fn with_notice(mut self, notice: Option<impl Into<String>>) -> Layout {
        self.notice = notice.map(Into::into);
        self
    }

    pub fn full_title(&self) -> String {
        if self.page_title.is_empty() {
            self.app_title.clone()
        } else {
            format!("{} · {}", self.page_title, self.app_title)
        }
    }
}
