//! The reminder scheduler's sender: each channel kind through its own
//! transport.

use std::future::Future;
use std::pin::Pin;

use between_app::reminders::{Deliver, Delivery, Outgoing, Target};
use uuid::Uuid;

use std::sync::Arc;

use super::http::Outbound;
use super::vapid::Vapid;

#[derive(Debug, Clone)]
pub struct Transports {
    pub outbound: Outbound,
    /// Web Push: only with a VAPID key the store agrees with.
    pub vapid: Option<Arc<Vapid>>,
    /// Email: only with an SMTP server configured.
    pub smtp: Option<Arc<super::email::Smtp>>,
    /// The app's clock (a VAPID token's expiry).
    pub clock: between_app::Clock,
}

impl Deliver for Transports {
    fn can_send(&self, target: &Target) -> bool {
        match target {
            Target::Webhook { .. } => true,
            Target::Push { .. } => self.vapid.is_some(),
            Target::Email { .. } => self.smtp.is_some(),
        }
    }

    fn deliver<'a>(
        &'a self,
        _user: Uuid,
        _channel: Uuid,
        target: &'a Target,
        message: &'a Outgoing,
    ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>> {
        Box::pin(async move {
            match target {
                Target::Webhook { url } => super::webhook::send(&self.outbound, url, message).await,
                Target::Push {
                    endpoint,
                    p256dh,
                    auth,
                } => match &self.vapid {
                    Some(vapid) => {
                        super::push::send(
                            &self.outbound,
                            vapid,
                            endpoint,
                            p256dh,
                            auth,
                            message,
                            self.clock.now(),
                        )
                        .await
                    }
                    None => Delivery::Failed("Web Push is not set up on this server".into()),
                },
                Target::Email { address } => match &self.smtp {
                    Some(smtp) => smtp.send(address, message).await,
                    None => Delivery::Failed("email is not set up on this server".into()),
                },
            }
        })
    }
}
