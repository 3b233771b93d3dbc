//! The links in reminder emails, followed without signing in: the opt-in
//! that must be followed before an address gets any reminder (sent once,
//! valid 7 days), and the unsubscribe link every email carries. Only a
//! lookup derived from each link's secret is stored.

use uuid::Uuid;

use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::App;

pub(crate) const CONFIRM: &str = "confirm";
pub(crate) const UNSUBSCRIBE: &str = "unsubscribe";

/// How long an opt-in link works.
const CONFIRM_DAYS: i64 = 7;

fn lookup(secret: &str) -> String {
    crypto::derive(secret.trim().as_bytes(), "reminder-link/lookup")
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl App {
    /// A new opt-in link's secret for a channel, kept as a lookup.
    pub(crate) async fn new_confirm_link(
        &self,
        user: Uuid,
        channel: Uuid,
    ) -> Result<String, AppError> {
        let secret = crypto::new_secret();
        let expires = self.now_micros() + CONFIRM_DAYS * 24 * 3600 * 1_000_000;
        self.store
            .keep_reminder_link(&lookup(&secret), user, channel, CONFIRM, expires)
            .await?;
        Ok(secret)
    }

    /// A channel's unsubscribe link's secret: the same for every email
    /// (derived from the plan's key, which only the scheduler holds).
    pub(crate) async fn unsubscribe_link(
        &self,
        message_key: &Key,
        user: Uuid,
        channel: Uuid,
    ) -> Result<String, AppError> {
        let secret: String =
            crypto::derive(message_key.as_bytes(), &format!("unsubscribe|{channel}"))
                .as_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
        self.store
            .keep_reminder_link(&lookup(&secret), user, channel, UNSUBSCRIBE, i64::MAX)
            .await?;
        Ok(secret)
    }

    /// Follows an opt-in link: the address gets reminders from now on.
    pub async fn confirm_reminder_email(&self, secret: &str) -> Result<(), AppError> {
        let lookup = lookup(secret);
        let Some((user, channel)) = self
            .store
            .reminder_link(&lookup, CONFIRM, self.now_micros())
            .await?
        else {
            return Err(AppError::NotFound("This confirmation link".into()));
        };
        self.store
            .confirm_channel(user, channel, self.now_micros())
            .await?;
        self.store.delete_reminder_link(&lookup).await?;
        Ok(())
    }

    /// Follows an unsubscribe link: nothing more goes to that address
    /// (the person sees it stopped in their settings).
    pub async fn unsubscribe_reminder_email(&self, secret: &str) -> Result<(), AppError> {
        let Some((user, channel)) = self
            .store
            .reminder_link(&lookup(secret), UNSUBSCRIBE, self.now_micros())
            .await?
        else {
            return Err(AppError::NotFound("This unsubscribe link".into()));
        };
        self.store
            .stop_channel(
                user,
                channel,
                "unsubscribed by the link in an email",
                self.now_micros(),
            )
            .await?;
        Ok(())
    }
}

#[cfg(any(test, feature = "testing"))]
impl App {
    /// An emailed link for a channel, as the scheduler makes them (tests).
    pub async fn reminder_link_for_tests(
        &self,
        user: Uuid,
        channel: Uuid,
        unsubscribe: bool,
    ) -> Result<String, AppError> {
        if !unsubscribe {
            return self.new_confirm_link(user, channel).await;
        }
        let secret = crypto::new_secret();
        self.store
            .keep_reminder_link(&lookup(&secret), user, channel, UNSUBSCRIBE, i64::MAX)
            .await?;
        Ok(secret)
    }
}
