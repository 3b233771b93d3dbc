//! A reminder as an email, through the SMTP server the operator named
//! (`--smtp-url`, e.g. `smtps://user:password@smtp.example.org` or
//! `smtp://host:587?tls=required`; TLS from rustls with the Mozilla
//! roots). Plain text; every reminder carries `List-Unsubscribe`.

use between_app::reminders::{Delivery, Outgoing};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Smtp(from {})", self.from)
    }
}

impl Smtp {
    /// The transport for `url`, sending as `from` ("Name <address>").
    pub fn new(url: &str, from: &str) -> Result<Smtp, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("the sender {from:?} is not an address: {e}"))?;
        Ok(Smtp { transport, from })
    }

    pub async fn send(&self, address: &str, message: &Outgoing) -> Delivery {
        let to: Mailbox = match address.parse() {
            Ok(to) => to,
            Err(e) => return Delivery::Failed(format!("not an address: {e}")),
        };
        let mut text = format!("{}\n\n{}\n", message.body, message.url);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.title.clone())
            .header(ContentType::TEXT_PLAIN);
        if let Some(link) = &message.unsubscribe {
            text.push_str(&format!("\nTo get no more of these emails: {link}\n"));
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{link}>"),
            ));
        }
        let email = match builder.body(text) {
            Ok(email) => email,
            Err(e) => return Delivery::Failed(format!("the email could not be made: {e}")),
        };
        match self.transport.send(email).await {
            Ok(_) => Delivery::Sent,
            // 5xx: the server refused it for good.
            Err(e) if e.is_permanent() => {
                Delivery::Failed(format!("the mail server refused it: {e}"))
            }
            // 4xx: try again later.
            Err(e) if e.is_transient() => {
                Delivery::Retry(format!("the mail server said later: {e}"))
            }
            // A timeout may come after the server took the message.
            Err(e) if e.is_timeout() => Delivery::Failed(format!("no answer in time: {e}")),
            // No connection: nothing was sent.
            Err(e) => Delivery::Retry(format!("the mail server could not be reached: {e}")),
        }
    }
}
