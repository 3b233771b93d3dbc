//! The reminder scheduler's sender: each channel kind through its own
//! transport.

use std::future::Future;
use std::pin::Pin;

use between_app::reminders::{Deliver, Delivery, Outgoing, Target};
use uuid::Uuid;

use super::http::Outbound;

#[derive(Debug, Clone)]
pub struct Transports {
    pub outbound: Outbound,
}

impl Deliver for Transports {
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
                Target::Push { .. } => {
                    Delivery::Failed("Web Push is not set up on this server".into())
                }
                Target::Email { .. } => {
                    Delivery::Failed("email is not set up on this server".into())
                }
            }
        })
    }
}
