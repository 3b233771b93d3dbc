//! A reminder as a webhook: a JSON POST (`title`, `body`, `url`, `tag`),
//! the shape ntfy and most automation tools accept.

use between_app::reminders::{Delivery, Outgoing};

use super::http::{Failure, Outbound};

pub async fn send(outbound: &Outbound, url: &str, message: &Outgoing) -> Delivery {
    let body = serde_json::json!({
        "title": message.title,
        "body": message.body,
        "message": message.body,
        "url": message.url,
        "click": message.url,
        "tag": message.tag,
    });
    let answer = outbound
        .post(
            url,
            &[("content-type", "application/json".into())],
            body.to_string().into_bytes(),
        )
        .await;
    delivery(answer, false)
}

/// What an answer means for a reminder: 2xx delivered; 429 and 5xx (and
/// nothing sent at all) worth another try; 404/410 from a push service an
/// ended subscription; anything else a failure not retried.
pub fn delivery(answer: Result<super::http::Answer, Failure>, push: bool) -> Delivery {
    match answer {
        Ok(a) if (200..300).contains(&a.status) => Delivery::Sent,
        Ok(a) if a.status == 429 || a.status >= 500 => {
            Delivery::Retry(format!("answered {}", a.status))
        }
        Ok(a) if push && (a.status == 404 || a.status == 410) => Delivery::Gone(format!(
            "the push service answered {}: the subscription ended",
            a.status
        )),
        Ok(a) if (300..400).contains(&a.status) => Delivery::Failed(format!(
            "answered {} (redirects are not followed)",
            a.status
        )),
        Ok(a) => Delivery::Failed(format!("answered {}", a.status)),
        Err(Failure::Unreachable(why)) => Delivery::Retry(why),
        Err(Failure::Refused(why)) => Delivery::Failed(format!("refused: {why}")),
        Err(Failure::Uncertain(why)) => Delivery::Failed(why),
    }
}
