//! Reminders leaving the server: the webhook's JSON, what each answer
//! means (retry only what certainly did not arrive, follow no redirect),
//! addresses refused before and after resolving, the CLI, and two server
//! instances on one PostgreSQL database sending each reminder once.

#![allow(clippy::unwrap_used)]

mod support;

use between::outbound::http::{Failure, Outbound};
use between::outbound::webhook;
use between_app::reminders::{Delivery, Outgoing};
use between_store::testing::TestDb;
use support::process::{between, run_with_stdin, serve_with_env};
use support::receiver::Receiver;
use support::PASSWORD;

fn message() -> Outgoing {
    Outgoing {
        title: "A moment for yourself?".into(),
        body: "Open the app when you have a minute.".into(),
        url: "https://between.example/journal/new".into(),
        tag: "checkin".into(),
        unsubscribe: None,
    }
}

#[tokio::test]
async fn a_webhook_gets_json_and_each_answer_means_what_it_says() {
    let (receiver, base) = Receiver::start().await;
    let outbound = Outbound::new(true).unwrap();
    let url = format!("{base}/topic");
    assert_eq!(
        webhook::send(&outbound, &url, &message()).await,
        Delivery::Sent
    );
    let got = receiver.received.lock().unwrap()[0].clone();
    assert_eq!(got.path, "/topic");
    assert_eq!(got.header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(json["title"], "A moment for yourself?");
    assert_eq!(json["url"], "https://between.example/journal/new");

    receiver.answer(503, &[]);
    assert!(matches!(
        webhook::send(&outbound, &url, &message()).await,
        Delivery::Retry(_)
    ));
    receiver.answer(429, &[]);
    assert!(matches!(
        webhook::send(&outbound, &url, &message()).await,
        Delivery::Retry(_)
    ));
    receiver.answer(400, &[]);
    assert!(matches!(
        webhook::send(&outbound, &url, &message()).await,
        Delivery::Failed(_)
    ));
    // A redirect is not followed: one request, not two.
    let before = receiver.count();
    receiver.answer(
        302,
        &[("location", "http://169.254.169.254/latest/meta-data")],
    );
    let redirected = webhook::send(&outbound, &url, &message()).await;
    assert!(
        matches!(&redirected, Delivery::Failed(why) if why.contains("redirects are not followed")),
        "{redirected:?}"
    );
    assert_eq!(receiver.count(), before + 1);

    // Nothing listening: certainly not delivered, so worth a retry.
    let closed = format!("http://127.0.0.1:{}/x", support::process::free_port());
    assert!(matches!(
        webhook::send(&outbound, &closed, &message()).await,
        Delivery::Retry(_)
    ));
}

/// The push service here is a local receiver; the test decrypts what it
/// got with the subscription's own keys, by RFC 8291 written out again
/// (not the library that encrypted it), and checks the VAPID signature.
#[tokio::test]
async fn a_push_message_is_encrypted_for_the_subscription_and_signed_with_vapid() {
    use aes_gcm::aead::{Aead, KeyInit};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    use p256::ecdsa::signature::Verifier;
    use p256::elliptic_curve::sec1::ToEncodedPoint;

    let (receiver, base) = Receiver::start().await;
    let outbound = Outbound::new(true).unwrap();
    let vapid = between::outbound::vapid::Vapid::generate("mailto:ops@example.org");
    // The browser's side of a subscription.
    let browser = p256::SecretKey::random(&mut rand::rngs::OsRng);
    let browser_public = browser.public_key().to_encoded_point(false);
    let auth: [u8; 16] = rand::random();
    let endpoint = format!("{base}/push/subscription-1");
    let sent = between::outbound::push::send(
        &outbound,
        &vapid,
        &endpoint,
        &B64.encode(browser_public.as_bytes()),
        &B64.encode(auth),
        &message(),
        jiff::Timestamp::now(),
    )
    .await;
    assert_eq!(sent, Delivery::Sent);
    let got = receiver.received.lock().unwrap()[0].clone();
    assert_eq!(got.path, "/push/subscription-1");
    assert_eq!(got.header("content-encoding"), Some("aes128gcm"));
    assert_eq!(got.header("ttl"), Some("43200"));

    // RFC 8188 header: salt, record size, key id (the sender's public key).
    let body = &got.body;
    let salt = &body[..16];
    let id_len = usize::from(body[20]);
    let sender = p256::PublicKey::from_sec1_bytes(&body[21..21 + id_len]).unwrap();
    let ciphertext = &body[21 + id_len..];
    // RFC 8291 section 3.3–3.4.
    let shared = p256::ecdh::diffie_hellman(browser.to_nonzero_scalar(), sender.as_affine());
    let mut info = b"WebPush: info\0".to_vec();
    info.extend_from_slice(browser_public.as_bytes());
    info.extend_from_slice(&body[21..21 + id_len]);
    let mut ikm = [0u8; 32];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&auth), shared.raw_secret_bytes().as_slice())
        .expand(&info, &mut ikm)
        .unwrap();
    let prk = hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .unwrap();
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .unwrap();
    let plain = aes_gcm::Aes128Gcm::new(&cek.into())
        .decrypt(aes_gcm::Nonce::from_slice(&nonce), ciphertext)
        .expect("the message opens with the subscription's keys");
    let end = plain.iter().rposition(|b| *b != 0).unwrap();
    assert_eq!(plain[end], 2, "the last record's delimiter");
    let json: serde_json::Value = serde_json::from_slice(&plain[..end]).unwrap();
    assert_eq!(json["title"], "A moment for yourself?");
    assert_eq!(json["url"], "https://between.example/journal/new");
    assert!(
        !body.windows(8).any(|w| w == b"A moment"),
        "the push service sees no text"
    );

    // RFC 8292: a JWT for the push service's origin, signed with the key
    // the browser subscribed with.
    let header = got.header("authorization").unwrap();
    let (t, k) = header
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .unwrap();
    assert_eq!(k, vapid.public_key());
    let (signed, signature) = t.rsplit_once('.').unwrap();
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap()).unwrap();
    let signature = p256::ecdsa::Signature::from_slice(&B64.decode(signature).unwrap()).unwrap();
    key.verify(signed.as_bytes(), &signature)
        .expect("a valid ES256 signature");
    let claims: serde_json::Value =
        serde_json::from_slice(&B64.decode(signed.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(claims["aud"], base);
    assert_eq!(claims["sub"], "mailto:ops@example.org");
    assert!(claims["exp"].as_i64().unwrap() > jiff::Timestamp::now().as_second());

    // An ended subscription is gone; a busy push service is tried again.
    for (status, gone) in [(410, true), (404, true), (503, false)] {
        receiver.answer(status, &[]);
        let d = between::outbound::push::send(
            &outbound,
            &vapid,
            &endpoint,
            &B64.encode(browser_public.as_bytes()),
            &B64.encode(auth),
            &message(),
            jiff::Timestamp::now(),
        )
        .await;
        assert_eq!(matches!(d, Delivery::Gone(_)), gone, "{status}: {d:?}");
    }
}

#[tokio::test]
async fn loopback_and_private_addresses_are_refused_after_resolving_too() {
    let (receiver, base) = Receiver::start().await;
    let strict = Outbound::new(false).unwrap();
    // A name that resolves to loopback is refused like the address itself.
    let port = base.rsplit(':').next().unwrap();
    for url in [
        format!("https://localhost:{port}/x"),
        format!("https://127.0.0.1:{port}/x"),
        "https://10.0.0.1/x".to_string(),
        "https://[::1]/x".to_string(),
        format!("http://localhost:{port}/x"),
    ] {
        let answer = strict.post(&url, &[], b"{}".to_vec()).await;
        assert!(
            matches!(answer, Err(Failure::Refused(_))),
            "{url}: {answer:?}"
        );
    }
    assert_eq!(receiver.count(), 0, "nothing reached the receiver");
    // Even with loopback allowed for tests, private ranges stay refused.
    let tests = Outbound::new(true).unwrap();
    assert!(matches!(
        tests.post("https://192.168.1.1/x", &[], vec![]).await,
        Err(Failure::Refused(_))
    ));
}

#[test]
fn the_cli_adds_reminders_and_refuses_private_webhooks() {
    let data = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/b.db", data.path().display());
    let mut add = between(&url);
    add.env("BETWEEN_CONFIG_DIR", config.path()).args([
        "user",
        "add",
        "ida",
        "--password-stdin",
        "--login",
        "--tz",
        "Europe/Berlin",
    ]);
    run_with_stdin(add, &format!("{PASSWORD}\n"));
    let cli = |args: &[&str]| {
        between(&url)
            .env("BETWEEN_CONFIG_DIR", config.path())
            .args(args)
            .output()
            .unwrap()
    };
    // No server key yet (serve makes one): the reminder is kept, and off.
    let out = cli(&["reminder", "add", "checkin", "--at", "20:00,08:00"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("unavailable"));
    std::fs::write(
        config.path().join("server.key"),
        between_app::reminders::ServerKey::generate().encoded(),
    )
    .unwrap();
    let out = cli(&["reminder", "on"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = String::from_utf8(cli(&["reminder", "list"]).stdout).unwrap();
    assert!(list.contains("Reminders are on."), "{list}");
    assert!(
        list.contains("Check-in: every day at 08:00, 20:00"),
        "{list}"
    );
    assert!(list.contains("Next:"), "{list}");

    for (target, says) in [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("http://ntfy.example.org/topic", "Only https"),
    ] {
        let out = cli(&["reminder", "channel", "add", "webhook", target]);
        assert!(!out.status.success(), "{target} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{target}: {err}");
    }
    let out = cli(&[
        "reminder",
        "channel",
        "add",
        "webhook",
        "https://ntfy.example.org/a-long-topic",
        "--detailed",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let channels = String::from_utf8(cli(&["reminder", "channel", "list"]).stdout).unwrap();
    assert!(
        channels.contains("webhook ntfy.example.org, detailed"),
        "{channels}"
    );
    assert!(
        !channels.contains("a-long-topic"),
        "a URL's path is not shown: {channels}"
    );

    let quiet = String::from_utf8(
        cli(&[
            "reminder",
            "quiet",
            "--hours",
            "22:00-07:00",
            "--days",
            "sun",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(quiet.trim(), "quiet from 22:00 to 07:00; quiet on Sun.");
    let json: serde_json::Value =
        serde_json::from_slice(&cli(&["reminder", "list", "--json"]).stdout).unwrap();
    assert_eq!(json["status"], "on");
    assert_eq!(
        json["reminders"][0]["times"],
        serde_json::json!(["08:00", "20:00"])
    );
    let out = cli(&["reminder", "off"]);
    assert!(out.status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&cli(&["reminder", "list", "--json"]).stdout).unwrap();
    assert_eq!(json["status"], "off");
}

/// Two instances with the same server key start after a reminder came
/// due a minute ago (both look back over the grace period): one sends it.
#[tokio::test]
async fn two_instances_on_one_postgresql_database_send_a_reminder_once() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let config = tempfile::tempdir().unwrap();
    let (receiver, base) = Receiver::start().await;
    let key = between_app::reminders::ServerKey::generate().encoded();
    let with_key = |c: &mut std::process::Command| {
        c.env("BETWEEN_CONFIG_DIR", config.path())
            .env("BETWEEN_SERVER_KEY", &key)
            .env("BETWEEN_ALLOW_LOOPBACK_TARGETS", "true");
    };
    let mut add = between(&url);
    with_key(&mut add);
    add.args([
        "user",
        "add",
        "joe",
        "--password-stdin",
        "--login",
        "--tz",
        "UTC",
    ]);
    run_with_stdin(add, &format!("{PASSWORD}\n"));
    let due = (jiff::Timestamp::now() - jiff::SignedDuration::from_secs(90))
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%H:%M")
        .to_string();
    for args in [
        vec!["reminder", "add", "checkin", "--at", &due],
        vec![
            "reminder",
            "channel",
            "add",
            "webhook",
            &format!("{base}/joe"),
        ],
    ] {
        let mut c = between(&url);
        with_key(&mut c);
        let out = c.args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let tick = ["--reminder-tick-seconds", "1", "--db-max-connections", "3"];
    let env = [
        ("BETWEEN_SERVER_KEY", key.as_str()),
        ("BETWEEN_ALLOW_LOOPBACK_TARGETS", "true"),
    ];
    let (_a, _) = serve_with_env(&url, config.path(), &tick, &env);
    let (_b, _) = serve_with_env(&url, config.path(), &tick, &env);
    // Both have ticked several times by now.
    let started = std::time::Instant::now();
    while receiver.count() == 0 && started.elapsed() < std::time::Duration::from_secs(20) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(receiver.count(), 1, "sent once, not by both");
    let got = receiver.received.lock().unwrap()[0].clone();
    assert_eq!(got.path, "/joe");
    let json: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(json["title"], "A moment for yourself?");
}

/// An address gets one opt-in email and nothing else until its link is
/// followed; then reminders, each with `List-Unsubscribe`, until that link
/// is followed.
#[tokio::test]
async fn an_email_address_gets_one_opt_in_then_reminders_it_can_stop() {
    use between::outbound::deliver::Transports;
    use between_app::reminders::{Channel, Scheduler, Target};
    use between_domain::reminder::{Kind, Reminder};
    use std::sync::Arc;

    let (sink, port) = support::smtp_sink::SmtpSink::start().await;
    let clock = between_app::Clock::manual("2026-12-07T05:00:00Z".parse().unwrap());
    let t = support::TestApp::with(
        between_app::Config {
            clock: clock.clone(),
            ..support::test_config()
        },
        between::web::WebSettings::default(),
    )
    .await;
    t.signed_in_as("mia", between_app::Role::Client).await;
    let (p, _) = t
        .app
        .sign_in(
            "mia",
            PASSWORD,
            "test",
            between_app::sessions::SignInAs::Device,
            "test",
        )
        .await
        .unwrap();
    t.app
        .add_reminder(
            &p,
            Reminder {
                kind: Kind::Checkin,
                times: vec![jiff::civil::Time::constant(8, 0, 0, 0)],
                weekdays: vec![],
                enabled: true,
            },
        )
        .await
        .unwrap();
    let channel = t
        .app
        .add_reminder_channel(
            &p,
            Channel {
                target: Target::Email {
                    address: "mia@example.org".into(),
                },
                detailed: false,
            },
        )
        .await
        .unwrap()
        .id;
    let smtp = between::outbound::email::Smtp::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Between <reminders@example.org>",
    )
    .unwrap();
    let transports = Arc::new(Transports {
        outbound: Outbound::new(true).unwrap(),
        vapid: None,
        smtp: Some(Arc::new(smtp)),
        clock: clock.clone(),
    });
    let mut scheduler = Scheduler::new(t.app.clone(), transports, "https://between.example");
    let at = |s: &str| clock.set(s.parse().unwrap());
    let link = |mail: &support::smtp_sink::Mail, path: &str| -> String {
        let start = mail
            .data
            .find(path)
            .unwrap_or_else(|| panic!("no {path} in {}", mail.data))
            + path.len();
        mail.data[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    };

    assert_eq!(scheduler.tick().await.unwrap().opt_ins, 1);
    assert_eq!(
        scheduler.tick().await.unwrap().opt_ins,
        0,
        "one opt-in email"
    );
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["mia@example.org"]);
    assert!(
        mails[0].data.contains("Subject: Confirm email reminders"),
        "{}",
        mails[0].data
    );
    let confirm = link(&mails[0], "https://between.example/reminders/confirm/");

    // 08:00 in Berlin: not before the address is confirmed.
    at("2026-12-07T07:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(sink.mails().len(), 1, "nothing before the opt-in");
    let page = t
        .get(
            &format!("/reminders/confirm/{confirm}"),
            &support::Jar::default(),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm this address"));
    assert_eq!(sink.mails().len(), 1, "opening the page confirms nothing");
    t.app.confirm_reminder_email(&confirm).await.unwrap();
    assert!(
        t.app.confirm_reminder_email(&confirm).await.is_err(),
        "an opt-in link works once"
    );

    at("2026-12-08T07:00:30Z");
    scheduler.tick().await.unwrap();
    let mails = sink.mails();
    assert_eq!(mails.len(), 2);
    let reminder = &mails[1];
    assert!(
        reminder.data.contains("Subject: A moment for yourself?"),
        "{}",
        reminder.data
    );
    assert!(
        reminder
            .data
            .contains("List-Unsubscribe: <https://between.example/reminders/unsubscribe/"),
        "{}",
        reminder.data
    );
    assert!(reminder
        .data
        .contains("https://between.example/journal/new"));
    let unsubscribe = link(reminder, "https://between.example/reminders/unsubscribe/");
    t.app
        .unsubscribe_reminder_email(&unsubscribe)
        .await
        .unwrap();
    let view = t.app.reminder_channels(&p).await.unwrap();
    let view = view.iter().find(|c| c.id() == channel).unwrap();
    assert!(view.stopped.as_deref().unwrap().contains("unsubscribed"));

    at("2026-12-09T07:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(sink.mails().len(), 2, "nothing after unsubscribing");
}
