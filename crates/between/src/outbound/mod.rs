//! Requests this server makes to addresses people gave it: reminder
//! webhooks, Web Push endpoints and, through the operator's SMTP server,
//! email. Nothing else here
//! reaches another host.

pub mod deliver;
pub mod email;
pub mod http;
pub mod push;
pub mod vapid;
pub mod webhook;
