//! Where reminders go, as the person set them: a browser's push
//! subscription, an email address (used once its opt-in link is followed)
//! or a webhook. Kept under the account's own key; the plan carries a copy
//! for the scheduler.

use base64::Engine;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::targets::check_url;
use crate::error::AppError;
use crate::records::Stored;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// A Web Push subscription (RFC 8030): the push service's endpoint and
    /// the browser's P-256 key and auth secret (URL-safe base64).
    Push {
        endpoint: String,
        p256dh: String,
        auth: String,
    },
    Email {
        address: String,
    },
    /// A URL that receives a JSON POST (an ntfy topic, say).
    Webhook {
        url: String,
    },
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Push { .. } => "push",
            Target::Email { .. } => "email",
            Target::Webhook { .. } => "webhook",
        }
    }

    /// What the settings page shows: the host of a URL, the address.
    pub fn describe(&self) -> String {
        let host = |u: &str| {
            url::Url::parse(u)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default()
        };
        match self {
            Target::Push { endpoint, .. } => format!("this browser (via {})", host(endpoint)),
            Target::Email { address } => address.clone(),
            Target::Webhook { url } => host(url),
        }
    }

    /// Checked: URLs by [`check_url`], keys by their lengths, addresses by
    /// their shape.
    pub fn validated(self, allow_loopback: bool) -> Result<Target, AppError> {
        match self {
            Target::Webhook { url } => Ok(Target::Webhook {
                url: check_url("url", &url, allow_loopback)?.to_string(),
            }),
            Target::Push {
                endpoint,
                p256dh,
                auth,
            } => {
                let endpoint = check_url("endpoint", &endpoint, allow_loopback)?.to_string();
                let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
                let key = b64.decode(p256dh.trim().trim_end_matches('='));
                if !matches!(&key, Ok(k) if k.len() == 65 && k[0] == 4) {
                    return Err(AppError::invalid(
                        "p256dh",
                        "The subscription's p256dh must be an uncompressed P-256 key (65 bytes, URL-safe base64).",
                    ));
                }
                let secret = b64.decode(auth.trim().trim_end_matches('='));
                if !matches!(&secret, Ok(s) if s.len() == 16) {
                    return Err(AppError::invalid(
                        "auth",
                        "The subscription's auth secret must be 16 bytes in URL-safe base64.",
                    ));
                }
                Ok(Target::Push {
                    endpoint,
                    p256dh: p256dh.trim().trim_end_matches('=').to_string(),
                    auth: auth.trim().trim_end_matches('=').to_string(),
                })
            }
            Target::Email { address } => {
                let address = address.trim().to_string();
                let ok = address.len() <= 254
                    && !address
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
                    && matches!(address.split_once('@'), Some((local, domain))
                        if !local.is_empty() && !domain.contains('@') && domain.contains('.')
                            && !domain.starts_with('.') && !domain.ends_with('.'));
                if !ok {
                    return Err(AppError::invalid(
                        "address",
                        format!("\"{address}\" is not an email address."),
                    ));
                }
                Ok(Target::Email { address })
            }
        }
    }
}

/// A channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub target: Target,
    /// Say what is due ("Breathing is due today") instead of the neutral
    /// "A moment for yourself?".
    #[serde(default)]
    pub detailed: bool,
}

/// A channel with what the server knows of its deliveries.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelView {
    pub channel: Stored<Channel>,
    /// Email: the opt-in link was followed. Other kinds: always.
    pub confirmed: bool,
    /// Unsubscribed, or ended by the push service, and why.
    pub stopped: Option<String>,
    pub last_delivered_at: Option<jiff::Timestamp>,
    pub last_error: Option<String>,
}

impl ChannelView {
    pub fn id(&self) -> Uuid {
        self.channel.id
    }

    /// Whether reminders go out through it now.
    pub fn active(&self) -> bool {
        self.confirmed && self.stopped.is_none()
    }
}
