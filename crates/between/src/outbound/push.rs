//! A reminder as a Web Push message (RFC 8030): the JSON the service
//! worker shows, encrypted for the browser's subscription keys (RFC 8291,
//! aes128gcm, by `web-push-native` on RustCrypto), signed with the
//! server's VAPID key (RFC 8292) and POSTed through the guarded client.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use between_app::reminders::{Delivery, Outgoing};
use jiff::Timestamp;

use super::http::Outbound;
use super::vapid::Vapid;
use super::webhook::delivery;

/// How long a push service keeps a message for an offline browser: a
/// reminder a day late is not worth showing.
const TTL_SECONDS: u64 = 12 * 3600;

pub async fn send(
    outbound: &Outbound,
    vapid: &Vapid,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    message: &Outgoing,
    now: Timestamp,
) -> Delivery {
    let prepared = (|| {
        let url =
            url::Url::parse(endpoint).map_err(|e| format!("the endpoint is not a URL: {e}"))?;
        let key = URL_SAFE_NO_PAD
            .decode(p256dh)
            .ok()
            .and_then(|k| web_push_native::p256::PublicKey::from_sec1_bytes(&k).ok())
            .ok_or("the subscription's key is not a P-256 key")?;
        let secret = URL_SAFE_NO_PAD
            .decode(auth)
            .ok()
            .filter(|s| s.len() == 16)
            .ok_or("the subscription's auth secret is not 16 bytes")?;
        let body = serde_json::json!({
            "title": message.title,
            "body": message.body,
            "url": message.url,
            "tag": message.tag,
        })
        .to_string();
        let request = web_push_native::WebPushBuilder::new(
            endpoint
                .parse()
                .map_err(|e| format!("the endpoint is not a URI: {e}"))?,
            key,
            web_push_native::Auth::clone_from_slice(&secret),
        )
        .with_valid_duration(std::time::Duration::from_secs(TTL_SECONDS))
        .build(body.into_bytes())
        .map_err(|e| format!("the message could not be encrypted: {e}"))?;
        let mut headers: Vec<(&'static str, String)> = vec![
            ("authorization", vapid.authorization(&url, now)),
            ("urgency", "normal".into()),
        ];
        for name in ["ttl", "content-encoding", "content-type"] {
            if let Some(v) = request.headers().get(name).and_then(|v| v.to_str().ok()) {
                headers.push((name, v.to_string()));
            }
        }
        Ok::<_, String>((headers, request.into_body()))
    })();
    let (headers, body) = match prepared {
        Ok(p) => p,
        Err(why) => return Delivery::Failed(why.to_string()),
    };
    let answer = outbound.post(endpoint, &headers, body).await;
    delivery(answer, true)
}
