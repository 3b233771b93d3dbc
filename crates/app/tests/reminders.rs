//! Reminders as a person and a server operator meet them: turned on only
//! with a server key, a plan the database alone cannot open, practices
//! already done left out, each slot sent at most once however many
//! schedulers tick, definite failures retried, ended subscriptions
//! stopped, and a server with the wrong key sending nothing.

#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use between_app::reminders::{
    Channel, Deliver, Delivery, Outgoing, ReminderStatus, Scheduler, ServerKey, Target,
};
use between_app::{App, Clock, Config, Principal};
use between_domain::reminder::{Kind, Reminder};
use between_store::testing::TestDb;
use jiff::civil::Time;
use jiff::Timestamp;
use uuid::Uuid;

mod support;
use support::signed_in;

on_both_backends!(
    reminders_need_a_server_key_and_turn_on_with_the_first_reminder,
    the_database_alone_opens_no_plan_and_titles_stay_out_unless_detailed,
    a_practice_done_today_is_not_reminded_of,
    each_slot_goes_out_once_however_many_schedulers_tick,
    a_definite_failure_is_retried_and_an_ended_subscription_stops,
    a_server_with_another_key_sends_nothing_and_the_person_sees_paused,
    an_email_address_is_used_only_after_its_opt_in,
    turning_reminders_off_deletes_the_plan_and_its_claims,
    a_new_time_zone_keeps_reminders_at_their_local_time,
);

/// Monday 2026-12-07, 07:00 in Berlin.
const START: &str = "2026-12-07T06:00:00Z";

fn app_with(db: &TestDb, key: Option<Arc<ServerKey>>) -> App {
    App::new(
        db.store.clone(),
        Config {
            clock: Clock::manual(START.parse().unwrap()),
            server_key: key,
            allow_loopback_targets: true,
            ..Config::testing()
        },
    )
}

fn checkin(times: &[(i8, i8)]) -> Reminder {
    Reminder {
        kind: Kind::Checkin,
        times: times
            .iter()
            .map(|(h, m)| Time::constant(*h, *m, 0, 0))
            .collect(),
        weekdays: vec![],
        enabled: true,
    }
}

fn webhook(n: u16) -> Channel {
    Channel {
        target: Target::Webhook {
            url: format!("http://127.0.0.1:{n}/hook"),
        },
        detailed: false,
    }
}

/// Records what would have been sent, answering with a scripted outcome.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<(Uuid, Uuid, Outgoing)>>,
    answers: Mutex<Vec<Delivery>>,
}

impl Deliver for Recorder {
    fn deliver<'a>(
        &'a self,
        user: Uuid,
        channel: Uuid,
        _target: &'a Target,
        message: &'a Outgoing,
    ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>> {
        Box::pin(async move {
            self.sent
                .lock()
                .unwrap()
                .push((user, channel, message.clone()));
            self.answers.lock().unwrap().pop().unwrap_or(Delivery::Sent)
        })
    }
}

impl Recorder {
    fn count(&self) -> usize {
        self.sent.lock().unwrap().len()
    }
}

fn at(app: &App, s: &str) {
    app.clock().set(s.parse::<Timestamp>().unwrap());
}

async fn person(app: &App, name: &str) -> Principal {
    signed_in(app, name).await.0
}

async fn reminders_need_a_server_key_and_turn_on_with_the_first_reminder(db: &TestDb) {
    let without = app_with(db, None);
    let p = person(&without, "ann").await;
    assert_eq!(
        without.reminder_status(&p).await.unwrap(),
        ReminderStatus::Unavailable
    );
    // The reminder is kept; reminders stay off and say why.
    without.add_reminder(&p, checkin(&[(9, 0)])).await.unwrap();
    let e = without.turn_reminders_on(&p).await.unwrap_err().to_string();
    assert!(e.contains("no server key"), "{e}");

    let with = app_with(db, Some(Arc::new(ServerKey::generate())));
    assert_eq!(with.reminder_status(&p).await.unwrap(), ReminderStatus::Off);
    with.add_reminder(&p, checkin(&[(20, 0)])).await.unwrap();
    assert_eq!(with.reminder_status(&p).await.unwrap(), ReminderStatus::On);

    let e = with
        .add_reminder(&p, checkin(&[]))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("at least one time"), "{e}");
    let e = with
        .add_reminder(
            &p,
            Reminder {
                kind: Kind::Practice {
                    practice: Uuid::now_v7(),
                },
                ..checkin(&[(9, 0)])
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not found"), "{e}");
}

async fn the_database_alone_opens_no_plan_and_titles_stay_out_unless_detailed(db: &TestDb) {
    let key = Arc::new(ServerKey::generate());
    let app = app_with(db, Some(key.clone()));
    let p = person(&app, "bea").await;
    let practice = app
        .add_practice(
            &p,
            support::daily_practice("Zebrafinch breathing", "2026-12-01".parse().unwrap()),
        )
        .await
        .unwrap();
    app.add_reminder(
        &p,
        Reminder {
            kind: Kind::Practice {
                practice: practice.practice.id,
            },
            ..checkin(&[(18, 0)])
        },
    )
    .await
    .unwrap();
    app.add_reminder_channel(
        &p,
        Channel {
            target: Target::Webhook {
                url: "https://ntfy.example.org/quokka-topic".into(),
            },
            detailed: false,
        },
    )
    .await
    .unwrap();
    app.add_reminder_channel(
        &p,
        Channel {
            target: Target::Email {
                address: "wombat.walker@example.org".into(),
            },
            detailed: false,
        },
    )
    .await
    .unwrap();
    // Every table, every column: nothing the person wrote or gave as an
    // address reads in the clear (ARCHITECTURE.md lists what does).
    let dump = support::stored_bytes(db).await;
    for secret in [
        "Zebrafinch",
        "quokka-topic",
        "ntfy.example.org",
        "wombat.walker",
    ] {
        assert!(
            !dump.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is readable in the database"
        );
    }
    let plan = app.reminder_plan(&p).await.unwrap();
    assert_eq!(plan.plan.items[0].title, None, "neutral unless asked");
    let channel = app.reminder_channels(&p).await.unwrap()[0].id();
    app.set_channel_detailed(&p, channel, true).await.unwrap();
    assert_eq!(
        app.reminder_plan(&p).await.unwrap().plan.items[0]
            .title
            .as_deref(),
        Some("Zebrafinch breathing")
    );
}

async fn a_practice_done_today_is_not_reminded_of(db: &TestDb) {
    let app = app_with(db, Some(Arc::new(ServerKey::generate())));
    let p = person(&app, "cid").await;
    let practice = app
        .add_practice(
            &p,
            support::daily_practice("Walk", "2026-12-01".parse().unwrap()),
        )
        .await
        .unwrap()
        .practice
        .id;
    app.add_reminder(
        &p,
        Reminder {
            kind: Kind::Practice { practice },
            ..checkin(&[(18, 0)])
        },
    )
    .await
    .unwrap();
    app.add_reminder_channel(&p, webhook(9)).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let mut scheduler = Scheduler::new(app.clone(), recorder.clone(), "https://between.example");
    // Logged at noon: the 18:00 reminder does not come that day.
    at(&app, "2026-12-07T11:00:00Z");
    app.log_practice(&p, practice, Default::default(), None)
        .await
        .unwrap();
    at(&app, "2026-12-07T16:55:00Z");
    scheduler.tick().await.unwrap();
    at(&app, "2026-12-07T17:05:00Z");
    scheduler.tick().await.unwrap();
    assert_eq!(recorder.count(), 0, "done today: no reminder");
    // The next day it comes, neutral, and opens the practice.
    at(&app, "2026-12-08T16:55:00Z");
    scheduler.tick().await.unwrap();
    at(&app, "2026-12-08T17:01:00Z");
    scheduler.tick().await.unwrap();
    let sent = recorder.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].2.title, "A moment for yourself?");
    assert!(!sent[0].2.body.contains("Walk"));
    assert_eq!(
        sent[0].2.url,
        format!("https://between.example/practices/{practice}")
    );
}

async fn each_slot_goes_out_once_however_many_schedulers_tick(db: &TestDb) {
    let key = Arc::new(ServerKey::generate());
    let app = app_with(db, Some(key.clone()));
    let p = person(&app, "dov").await;
    app.add_reminder(&p, checkin(&[(8, 0), (13, 0), (20, 0)]))
        .await
        .unwrap();
    app.add_reminder_channel(&p, webhook(9)).await.unwrap();
    // Two instances: their own caches and clocks, one database.
    let other = app_with(db, Some(key));
    let recorder = Arc::new(Recorder::default());
    let mut one = Scheduler::new(app.clone(), recorder.clone(), "https://b.example");
    let mut two = Scheduler::new(other.clone(), recorder.clone(), "https://b.example");
    let mut t: Timestamp = "2026-12-07T06:30:00Z".parse().unwrap();
    let end: Timestamp = "2026-12-08T00:00:00Z".parse().unwrap();
    while t < end {
        app.clock().set(t);
        other.clock().set(t);
        let (a, b) = tokio::join!(one.tick(), two.tick());
        a.unwrap();
        b.unwrap();
        // A restarted instance looks back over the grace period again.
        if t == "2026-12-07T12:06:00Z".parse().unwrap() {
            one = Scheduler::new(app.clone(), recorder.clone(), "https://b.example");
        }
        t += jiff::SignedDuration::from_mins(3);
    }
    let sent = recorder.sent.lock().unwrap().clone();
    assert_eq!(
        sent.len(),
        3,
        "08:00, 13:00 and 20:00 Berlin, once each: {sent:?}"
    );
    let claims = app.store().reminder_claims(p.user.id).await.unwrap();
    assert!(claims.iter().all(|c| c.2 == "sent"), "{claims:?}");
}

async fn a_definite_failure_is_retried_and_an_ended_subscription_stops(db: &TestDb) {
    let app = app_with(db, Some(Arc::new(ServerKey::generate())));
    let p = person(&app, "eve").await;
    app.add_reminder(&p, checkin(&[(8, 0)])).await.unwrap();
    app.add_reminder_channel(&p, webhook(9)).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    recorder
        .answers
        .lock()
        .unwrap()
        .push(Delivery::Retry("503 from the webhook".into()));
    let mut scheduler = Scheduler::new(app.clone(), recorder.clone(), "https://b.example");
    at(&app, "2026-12-07T07:00:30Z");
    let first = scheduler.tick().await.unwrap();
    assert_eq!((first.sent, first.retrying), (0, 1));
    let channel = &app.reminder_channels(&p).await.unwrap()[0];
    assert_eq!(channel.last_error.as_deref(), Some("503 from the webhook"));
    // The first retry waits a minute, later ones 5 and 25.
    at(&app, "2026-12-07T07:01:00Z");
    assert_eq!(
        scheduler.tick().await.unwrap().sent,
        0,
        "not before its back-off"
    );
    at(&app, "2026-12-07T07:02:00Z");
    assert_eq!(
        scheduler.tick().await.unwrap().sent,
        1,
        "retried once it is due"
    );
    assert_eq!(recorder.count(), 2);
    assert!(app.reminder_channels(&p).await.unwrap()[0]
        .last_delivered_at
        .is_some());

    // A push service saying the subscription is gone stops the channel.
    recorder
        .answers
        .lock()
        .unwrap()
        .push(Delivery::Gone("410 Gone".into()));
    at(&app, "2026-12-08T07:00:30Z");
    scheduler.tick().await.unwrap();
    let channel = &app.reminder_channels(&p).await.unwrap()[0];
    assert_eq!(channel.stopped.as_deref(), Some("410 Gone"));
    assert!(!channel.active());
    at(&app, "2026-12-09T07:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(
        recorder.count(),
        3,
        "nothing more through a stopped channel"
    );
}

async fn a_server_with_another_key_sends_nothing_and_the_person_sees_paused(db: &TestDb) {
    let app = app_with(db, Some(Arc::new(ServerKey::generate())));
    let p = person(&app, "fay").await;
    app.add_reminder(&p, checkin(&[(8, 0)])).await.unwrap();
    app.add_reminder_channel(&p, webhook(9)).await.unwrap();
    let stranger = app_with(db, Some(Arc::new(ServerKey::generate())));
    let recorder = Arc::new(Recorder::default());
    let mut scheduler = Scheduler::new(stranger.clone(), recorder.clone(), "https://b.example");
    at(&stranger, "2026-12-07T07:00:30Z");
    assert!(scheduler.tick().await.unwrap().refused);
    assert_eq!(recorder.count(), 0);
    assert_eq!(
        stranger.reminder_status(&p).await.unwrap(),
        ReminderStatus::Paused
    );
    let e = stranger
        .turn_reminders_on(&p)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not the one"), "{e}");
}

async fn an_email_address_is_used_only_after_its_opt_in(db: &TestDb) {
    let app = app_with(db, Some(Arc::new(ServerKey::generate())));
    let p = person(&app, "gus").await;
    app.add_reminder(&p, checkin(&[(8, 0)])).await.unwrap();
    let channel = app
        .add_reminder_channel(
            &p,
            Channel {
                target: Target::Email {
                    address: "gus@example.org".into(),
                },
                detailed: false,
            },
        )
        .await
        .unwrap();
    let e = app
        .add_reminder_channel(
            &p,
            Channel {
                target: Target::Email {
                    address: "not an address".into(),
                },
                detailed: false,
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not an email address"), "{e}");
    let recorder = Arc::new(Recorder::default());
    let mut scheduler = Scheduler::new(app.clone(), recorder.clone(), "https://b.example");
    at(&app, "2026-12-07T07:00:30Z");
    assert_eq!(scheduler.tick().await.unwrap().opt_ins, 1);
    scheduler.tick().await.unwrap();
    let sent = recorder.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "one opt-in, no reminder: {sent:?}");
    assert_eq!((sent[0].1, sent[0].2.tag.as_str()), (channel.id, "opt-in"));
    let secret = sent[0]
        .2
        .url
        .strip_prefix("https://b.example/reminders/confirm/")
        .unwrap()
        .to_string();
    assert!(app.confirm_reminder_email("not-the-secret").await.is_err());
    app.confirm_reminder_email(&secret).await.unwrap();
    at(&app, "2026-12-08T07:00:30Z");
    scheduler.tick().await.unwrap();
    let sent = recorder.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].2.tag, "checkin");
    assert!(sent[1]
        .2
        .unsubscribe
        .as_deref()
        .is_some_and(|u| u.starts_with("https://b.example/reminders/unsubscribe/")));
}

async fn turning_reminders_off_deletes_the_plan_and_its_claims(db: &TestDb) {
    let app = app_with(db, Some(Arc::new(ServerKey::generate())));
    let p = person(&app, "hal").await;
    app.add_reminder(&p, checkin(&[(8, 0)])).await.unwrap();
    app.add_reminder_channel(&p, webhook(9)).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let mut scheduler = Scheduler::new(app.clone(), recorder.clone(), "https://b.example");
    at(&app, "2026-12-07T07:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(recorder.count(), 1);
    app.turn_reminders_off(&p).await.unwrap();
    assert_eq!(app.reminder_status(&p).await.unwrap(), ReminderStatus::Off);
    assert!(app
        .store()
        .reminder_plan(p.user.id)
        .await
        .unwrap()
        .is_none());
    assert!(app
        .store()
        .reminder_claims(p.user.id)
        .await
        .unwrap()
        .is_empty());
    at(&app, "2026-12-08T07:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(recorder.count(), 1, "off means nothing is sent");
    assert_eq!(
        app.reminders(&p).await.unwrap().len(),
        1,
        "the reminder itself stays"
    );
}

async fn a_new_time_zone_keeps_reminders_at_their_local_time(db: &TestDb) {
    let app = app_with(db, Some(Arc::new(ServerKey::generate())));
    let p = person(&app, "ivy").await;
    app.add_reminder(&p, checkin(&[(9, 0)])).await.unwrap();
    app.add_reminder_channel(&p, webhook(9)).await.unwrap();
    app.set_time_zone(&p, "America/New_York").await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let mut scheduler = Scheduler::new(app.clone(), recorder.clone(), "https://b.example");
    // 09:00 in Berlin passes without a reminder; 09:00 in New York brings it.
    at(&app, "2026-12-07T08:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(recorder.count(), 0);
    at(&app, "2026-12-07T14:00:30Z");
    scheduler.tick().await.unwrap();
    assert_eq!(recorder.count(), 1);
}
