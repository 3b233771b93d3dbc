//! Between in a real browser (headless Chromium over WebDriver): the journal
//! (create an account, write an entry with two feelings, find it, sign out)
//! and the session loop (appointment, goal with check-ins and chart,
//! question and answer, insight and feedback after the session), practice,
//! the PHQ-9 safety message, and shaping an agenda and reading its PDF back.
//!
//! Needs `chromedriver` and `chromium` (Debian packages). Without them the
//! test skips with a message, unless BETWEEN_REQUIRE_SERVICES=1 (CI), where
//! it fails.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use between::web::{self, WebSettings};
use between_app::{App, Config};
use between_store::testing::TestDb;
use fantoccini::{Client, Locator};

#[path = "support/browser.rs"]
mod browser;
#[path = "support/poppler.rs"]
mod poppler;
use browser::start_browser;

async fn fill(c: &Client, css: &str, value: &str) {
    let mut last = String::new();
    for _ in 0..50 {
        match c.find(Locator::Css(css)).await {
            Ok(element) => match element.send_keys(value).await {
                Ok(()) => return,
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not type into {css}: {last}");
}

/// Clicks the element `css` names, finding it again if the page was still
/// being replaced when it was first found.
async fn click(c: &Client, css: &str) {
    let mut last = String::new();
    for _ in 0..50 {
        match c.find(Locator::Css(css)).await {
            Ok(element) => match element.click().await {
                Ok(()) => return,
                // Stale or detached: the page was still being replaced.
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not click {css}: {last}");
}

/// Signs out through the header's "More" menu (a `<details>`, no script).
async fn sign_out(c: &Client) {
    click(c, "details.more > summary").await;
    click(c, "details.more form[action='/signout'] button").await;
}

/// Waits until the browser has navigated to `path` (clicks do not wait).
async fn wait_for_path(c: &Client, path: &str) {
    let started = Instant::now();
    loop {
        let url = c.current_url().await.unwrap();
        if url.path() == path {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "expected {path}, still at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the page's main content says `text`.
async fn wait_for_text(c: &Client, text: &str) {
    let started = Instant::now();
    while !text_of_page(c).await.contains(text) {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the page never said {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of the page's main content ("" while a page is being replaced).
async fn text_of_page(c: &Client) -> String {
    match c.find(Locator::Css("main")).await {
        Ok(main) => main.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_writes_finds_and_leaves_their_journal_in_a_browser() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let db = TestDb::sqlite().await;
    let app = App::new(db.store.clone(), Config::testing());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // Quick exit must lead somewhere local: tests make no outside calls.
    let settings = WebSettings {
        exit_url: format!("{base}/healthz"),
        ..WebSettings::default()
    };
    let server = tokio::spawn(web::serve(listener, app, settings, async move {
        let _ = stopped.await;
    }));

    // Create the account (first visit) and continue past the recovery code.
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/setup"));
    fill(&c, "input[name=name]", "robin").await;
    fill(&c, "input[name=password]", "a long enough password").await;
    let zone = c.find(Locator::Css("input[name=time_zone]")).await.unwrap();
    zone.clear().await.unwrap();
    zone.send_keys("Europe/London").await.unwrap();
    click(&c, "form[action='/setup'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css(".recovery-code"))
        .await
        .unwrap();
    assert!(text_of_page(&c).await.contains("recovery code"));
    click(&c, "a.button").await;
    wait_for_path(&c, "/journal/new").await;

    // Sign out and in again, as a person coming back would.
    sign_out(&c).await;
    wait_for_path(&c, "/signin").await;
    fill(&c, "input[name=name]", "robin").await;
    fill(&c, "input[name=password]", "a long enough password").await;
    click(&c, "form[action='/signin'] button[type=submit]").await;
    wait_for_path(&c, "/").await;

    // Write an entry with two feelings.
    c.goto(&format!("{base}/journal/new")).await.unwrap();
    fill(
        &c,
        "textarea[name=text]",
        "The quokka meeting went better than feared.\nStill tense afterwards.",
    )
    .await;
    click(&c, "label.mood-4").await;
    fill(&c, "input[name='feel:anxious']", "7").await;
    fill(&c, "input[name='feel:hopeful']", "4").await;
    fill(&c, "input[name=triggers]", "work meeting").await;
    click(&c, ".entry-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("article.entry"))
        .await
        .unwrap();
    let entry_url = c.current_url().await.unwrap();
    let page = text_of_page(&c).await;
    assert!(
        page.contains("Saved.") && page.contains("quokka meeting") && page.contains("anxious 7"),
        "{page}"
    );

    // It is in the list, with its mood and feelings at a glance.
    c.goto(&format!("{base}/journal")).await.unwrap();
    let list = text_of_page(&c).await;
    assert!(
        list.contains("quokka meeting") && list.contains("anxious 7") && list.contains("hopeful 4"),
        "{list}"
    );

    // Search finds it.
    c.goto(&format!("{base}/journal/search")).await.unwrap();
    fill(&c, "input[name=q]", "QUOKKA").await;
    click(&c, "form.search button").await;
    c.wait()
        .for_element(Locator::Css("p[role=status]"))
        .await
        .unwrap();
    let found = text_of_page(&c).await;
    assert!(
        found.contains("One entry found") && found.contains("quokka meeting"),
        "{found}"
    );

    // Quick exit leaves at once and replaces this page in the history.
    let history = |c: Client| async move {
        c.execute("return history.length", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap()
    };
    let before = history(c.clone()).await;
    click(&c, "a.quick-exit").await;
    wait_for_path(&c, "/healthz").await;
    assert_eq!(
        history(c.clone()).await,
        before,
        "the journal page is no longer in the history"
    );
    c.goto(&format!("{base}/journal")).await.unwrap();

    // Sign out; the entry's page now sends us to sign in.
    sign_out(&c).await;
    wait_for_path(&c, "/signin").await;
    c.goto(entry_url.as_str()).await.unwrap();
    let after = c.current_url().await.unwrap();
    assert_eq!(after.path(), "/signin", "{after}");
    assert!(!text_of_page(&c).await.contains("quokka"));

    c.close().await.unwrap();
    let _ = stop.send(());
    let _ = server.await;
}

/// A server on a fresh store, reachable at `base`, stopped on drop.
struct Server {
    base: String,
    app: App,
    _db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start_server() -> Server {
    let db = TestDb::sqlite().await;
    let app = App::new(db.store.clone(), Config::testing());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let settings = WebSettings {
        exit_url: format!("{base}/healthz"),
        ..WebSettings::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(web::serve(listener, app.clone(), settings, async move {
        let _ = stopped.await;
    }));
    Server {
        base,
        app,
        _db: db,
        stop: Some(stop),
    }
}

/// Clicks `css` (a form's button) and waits until the page it leads to has
/// loaded, even when it has the same address as the one before.
async fn click_and_wait_for_new_page(c: &Client, css: &str) {
    c.execute("window.__old_page = true;", vec![])
        .await
        .unwrap();
    click(c, css).await;
    let started = Instant::now();
    loop {
        let loaded = c
            .execute(
                "return window.__old_page !== true && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no new page after clicking {css}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates a client account in the app and signs in to it through the page.
async fn sign_up_and_in(c: &Client, server: &Server, name: &str) {
    sign_up_and_in_as(c, server, name, between_app::Role::Client, "/").await;
}

/// Sets an input's value directly (date and time pickers do not take typing
/// the same way in every locale).
async fn set_value(c: &Client, css: &str, value: &str) {
    let script = "document.querySelector(arguments[0]).value = arguments[1];";
    c.execute(
        script,
        vec![serde_json::json!(css), serde_json::json!(value)],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_runs_the_session_loop_in_a_browser() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    let base = server.base.clone();
    sign_up_and_in(&c, &server, "sam").await;

    // An appointment that started two hours ago, then marked attended.
    c.goto(&format!("{base}/appointments/new")).await.unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/London").unwrap();
    let two_hours_ago = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2))
        .to_zoned(tz)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string();
    set_value(&c, "input[name=starts_at]", &two_hours_ago).await;
    fill(&c, "input[name=with]", "Dr. Rivera").await;
    click(&c, "form[action='/appointments'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("article.appointment"))
        .await
        .unwrap();
    click(&c, "form[action$='/status'] button").await;
    wait_for_text(&c, "How was this session?").await;
    let appointment_url = c.current_url().await.unwrap();

    // Feedback on the session.
    for (item, score) in [
        ("heard", 9),
        ("worked_on", 8),
        ("approach", 9),
        ("overall", 9),
    ] {
        let radio = format!(".feedback-form input[name={item}][value='{score}']");
        c.execute(
            "document.querySelector(arguments[0]).click();",
            vec![serde_json::json!(radio)],
        )
        .await
        .unwrap();
        let checked = c
            .find(Locator::Css(&format!(
                ".feedback-form input[name={item}]:checked"
            )))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(checked, Some(score.to_string()), "{item}");
    }
    fill(
        &c,
        ".feedback-form textarea[name=working]",
        "Looking at the week together",
    )
    .await;
    click(&c, ".feedback-form button[type=submit]").await;
    wait_for_text(&c, "Your feedback is saved").await;

    // An insight from that session, via its link.
    click(&c, ".feedback-form a[href^='/insights']").await;
    wait_for_path(&c, "/insights").await;
    fill(
        &c,
        "textarea[name=text]",
        "Name the feeling before acting on it",
    )
    .await;
    click(&c, "form[action='/insights'] button[type=submit]").await;
    wait_for_text(&c, "Saved.").await;
    let insights = text_of_page(&c).await;
    assert!(
        insights.contains("Session of")
            && insights.contains("Name the feeling before acting on it"),
        "{insights}"
    );

    // A question, answered in that session.
    c.goto(&format!("{base}/questions")).await.unwrap();
    fill(&c, "#question-text", "Why do I freeze in meetings?").await;
    click(&c, "form[action='/questions'] button[type=submit]").await;
    wait_for_text(&c, "It will be on your list").await;
    click(&c, "ol.questions details summary").await;
    fill(
        &c,
        "ol.questions textarea[name=answer]",
        "Fight or flight; it passes if I stay",
    )
    .await;
    click(
        &c,
        "ol.questions form[action$='/answer'] button[type=submit]",
    )
    .await;
    c.wait()
        .for_element(Locator::Css("ul.answered li"))
        .await
        .unwrap();
    let questions = text_of_page(&c).await;
    assert!(
        questions.contains("Fight or flight") && questions.contains("Asked in the session of"),
        "{questions}"
    );

    // A GAS goal with five levels, two check-ins, and its chart.
    c.goto(&format!("{base}/goals/new")).await.unwrap();
    fill(&c, "input[name=title]", "Speak up in team meetings").await;
    for (level, text) in [
        ("-2", "Silent"),
        ("-1", "Once a week"),
        ("0", "Once per meeting"),
        ("1", "Twice per meeting"),
        ("2", "Lead an item"),
    ] {
        fill(&c, &format!("input[name='level{level}']"), text).await;
    }
    click(&c, "form[action='/goals'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("article.goal"))
        .await
        .unwrap();
    for (n, level) in ["-1", "+1"].into_iter().enumerate() {
        click(&c, &format!("input[name=level][value='{level}']")).await;
        click(&c, "form[action$='/checkins'] button[type=submit]").await;
        // Wait for the page after this check-in: one more point on the chart.
        let started = Instant::now();
        while c
            .find_all(Locator::Css("svg.chart circle"))
            .await
            .unwrap()
            .len()
            != n + 1
        {
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "check-in {level} did not appear on the chart"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert!(text_of_page(&c)
        .await
        .contains("level +1: Twice per meeting"));

    // The appointment remembers its feedback.
    c.goto(appointment_url.as_str()).await.unwrap();
    let source = c.source().await.unwrap();
    assert!(
        source.contains(r#"name="heard" value="9" checked"#),
        "the saved rating is shown"
    );
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sets_up_a_mon_wed_fri_practice_and_logs_it_from_today() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    let base = server.base.clone();
    sign_up_and_in(&c, &server, "pat").await;

    // Mon/Wed/Fri, plus today's weekday so that it is due today whatever day the test runs.
    c.goto(&format!("{base}/practices/new")).await.unwrap();
    fill(&c, "input[name=title]", "Thought record").await;
    click(&c, "input[name=kind][value=days]").await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/London").unwrap())
        .date();
    let today_code = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        [today.weekday().to_monday_zero_offset() as usize];
    let mut days = vec!["mon", "wed", "fri"];
    if !days.contains(&today_code) {
        days.push(today_code);
    }
    for day in days {
        click(&c, &format!("input[name=day][value={day}]")).await;
    }
    click(&c, "form[action='/practices'] button[type=submit]").await;
    wait_for_text(&c, "Last twelve weeks").await;

    // Today lists it; one click logs it.
    c.goto(&format!("{base}/practices")).await.unwrap();
    wait_for_text(&c, "Today").await;
    click(&c, "ul.today button[type=submit]").await;
    wait_for_text(&c, "Well done").await;
    assert!(text_of_page(&c).await.contains("Done today"));

    // Its page shows the streak and the calendar, with today done.
    click(&c, "ul.today a.goal-title").await;
    wait_for_text(&c, "Streak 1").await;
    let cells = c.find_all(Locator::Css("svg.heatmap rect")).await.unwrap();
    assert_eq!(cells.len(), 12 * 7, "twelve weeks of days");
    let source = c.source().await.unwrap();
    assert!(
        source.contains(&format!("{}: done", today.strftime("%a %-d %b %Y"))),
        "today is done on the calendar"
    );
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phq9_with_thoughts_of_self_harm_shows_the_safety_message() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    let base = server.base.clone();
    sign_up_and_in(&c, &server, "lee").await;

    c.goto(&format!("{base}/measures/take/phq9")).await.unwrap();
    for item in 1..=9 {
        let answer = if item == 9 { 1 } else { 2 };
        click(&c, &format!("input[name=q{item}][value='{answer}']")).await;
    }
    click(&c, "form.measure-form button[type=submit]").await;
    wait_for_text(&c, "Between is not an emergency service").await;
    let page = text_of_page(&c).await;
    assert!(
        page.contains("116 123") && page.contains("988") && page.contains("17 of 27"),
        "{page}"
    );
    let alert = c.find(Locator::Css("section.safety[role=alert]")).await;
    assert!(alert.is_ok(), "the message is announced to screen readers");
    click(&c, "section.safety a[href='/safety-plan']").await;
    wait_for_path(&c, "/safety-plan").await;
    c.close().await.unwrap();
}

/// The points of the agenda page, in order.
async fn agenda_points(c: &Client) -> Vec<String> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('.agenda li .point')].map(p => p.textContent.replace(/\\s+/g, ' ').trim());",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_shapes_the_agenda_and_downloads_it_as_a_one_page_pdf() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    let base = server.base.clone();
    sign_up_and_in(&c, &server, "kit").await;
    for q in [
        "Why do I freeze in meetings?",
        "Can we talk about my sister?",
    ] {
        c.goto(&format!("{base}/questions")).await.unwrap();
        fill(&c, "#question-text", q).await;
        click(&c, "form[action='/questions'] button[type=submit]").await;
        wait_for_text(&c, q).await;
    }

    c.goto(&format!("{base}/agenda")).await.unwrap();
    wait_for_text(&c, "A draft from your latest data.").await;
    assert_eq!(agenda_points(&c).await.len(), 3);

    // Add an own point (Greek too: the PDF must carry it), make it the top
    // priority from its small menu (it moves first), remove the first
    // question, move the other one up.
    fill(&c, "#own-point", "Ask about the holidays — Καλημέρα").await;
    click(&c, "button[value=add]").await;
    wait_for_text(&c, "Agenda saved.").await;
    click(&c, "#point-4 details summary").await;
    click(&c, "#point-4 button[value=top]").await;
    wait_for_text(&c, "Top priorities").await;
    assert!(
        agenda_points(&c).await[0].contains("holidays"),
        "a top priority moves first"
    );
    click(&c, "#point-3 details summary").await;
    click(&c, "#point-3 button[value=remove]").await;
    let started = Instant::now();
    while agenda_points(&c).await.len() != 3 {
        assert!(started.elapsed() < Duration::from_secs(15), "never removed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    click(&c, "#point-3 button[value=up]").await;
    let started = Instant::now();
    while !agenda_points(&c)
        .await
        .get(1)
        .is_some_and(|p| p.contains("sister"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "never moved up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let points = agenda_points(&c).await;
    assert!(
        points[0].contains("★") && points[0].contains("Ask about the holidays"),
        "{points:?}"
    );
    assert!(
        points[1].contains("Can we talk about my sister?"),
        "{points:?}"
    );
    assert!(points[2].starts_with("0 journal entries"), "{points:?}");
    assert!(!points.iter().any(|p| p.contains("freeze")));

    // Download the PDF with the browser's own session, as the link does.
    let link = c
        .find(Locator::Css("a[href^='/agenda/download?format=pdf']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let b64 = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
               let s = ''; for (const x of new Uint8Array(b)) s += String.fromCharCode(x);
               done(btoa(s));
             });",
            vec![serde_json::json!(link)],
        )
        .await
        .unwrap();
    let bytes = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap()
    };
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agenda.pdf");
    std::fs::write(&path, &bytes).unwrap();
    if let Some((pages, text)) = poppler::read_back(&path) {
        assert_eq!(pages, 1, "the agenda fits one page");
        assert!(text.contains("Ask about the holidays — Καλημέρα"), "{text}");
        assert!(!text.contains("freeze"), "{text}");
    }
    c.close().await.unwrap();
}

/// Creates an account with `role` and signs in through the page, landing on `home`.
async fn sign_up_and_in_as(
    c: &Client,
    server: &Server,
    name: &str,
    role: between_app::Role,
    home: &str,
) {
    server
        .app
        .register(between_app::accounts::NewUser {
            name,
            password: "a long enough password",
            role,
            time_zone: "Europe/London",
        })
        .await
        .unwrap();
    c.goto(&format!("{}/signin", server.base)).await.unwrap();
    fill(c, "input[name=name]", name).await;
    fill(c, "input[name=password]", "a long enough password").await;
    click(c, "form[action='/signin'] button[type=submit]").await;
    wait_for_path(c, home).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_therapist_sees_the_shared_agenda_until_the_client_ends_the_link() {
    // Two browsers: the client's and the therapist's, each with its session.
    let Some((_client_driver, c)) = start_browser().await else {
        return;
    };
    let Some((_therapist_driver, d)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    let base = server.base.clone();
    sign_up_and_in(&c, &server, "kim").await;

    // A private entry and a question for the therapist.
    c.goto(&format!("{base}/journal/new")).await.unwrap();
    fill(
        &c,
        "textarea[name=text]",
        "PRIVATE-ENTRY my worst night in months",
    )
    .await;
    click(&c, "label.mood-2").await;
    click(&c, ".entry-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("article.entry"))
        .await
        .unwrap();
    c.goto(&format!("{base}/questions")).await.unwrap();
    fill(&c, "#question-text", "Can we talk about sleep?").await;
    click(&c, "form[action='/questions'] button[type=submit]").await;
    wait_for_text(&c, "Can we talk about sleep?").await;

    // The client invites; the therapist accepts from the link.
    c.goto(&format!("{base}/sharing")).await.unwrap();
    click(&c, "form[action='/sharing/invite'] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("p.notice code"))
        .await
        .unwrap();
    let invite = c
        .find(Locator::Css("p.notice code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(invite.contains("/share/accept?code="), "{invite}");
    sign_up_and_in_as(
        &d,
        &server,
        "dr-lee",
        between_app::Role::Therapist,
        "/clients",
    )
    .await;
    // The link carries the configured public address; this server has its own.
    let path = &invite[invite.find("/share/accept").unwrap()..];
    d.goto(&format!("{base}{path}")).await.unwrap();
    click(&d, "form[action='/share/accept'] button[type=submit]").await;
    wait_for_text(&d, "You are linked with kim.").await;

    // The client shares the agenda and shared journal entries (not private ones).
    c.goto(&format!("{base}/sharing")).await.unwrap();
    click(&c, "input[name=scope][value=agenda]").await;
    click(&c, "input[name=scope][value=journal]").await;
    click_and_wait_for_new_page(&c, "form.stack button[type=submit]").await;

    // The therapist opens the client from the dashboard: the agenda with the
    // question, and nothing of the private entry.
    d.goto(&format!("{base}/clients")).await.unwrap();
    click(&d, "td a[href^='/clients/']").await;
    wait_for_text(&d, "Can we talk about sleep?").await;
    let client_page = d.current_url().await.unwrap();
    let page = text_of_page(&d).await;
    assert!(page.contains("Agenda"), "{page}");
    assert!(!page.contains("PRIVATE-ENTRY"), "{page}");
    assert!(!page.contains("worst night"), "{page}");

    // The client ends the link, after saying yes on the confirm page; the
    // therapist's next page load is refused.
    c.goto(&format!("{base}/sharing")).await.unwrap();
    click_and_wait_for_new_page(&c, "a[href$='/end']").await;
    wait_for_text(&c, "End the link with dr-lee?").await;
    click_and_wait_for_new_page(&c, "form[action$='/end'] button[type=submit]").await;
    assert!(
        !text_of_page(&c).await.contains("dr-lee"),
        "the link is gone"
    );
    d.goto(client_page.as_str()).await.unwrap();
    wait_for_text(&d, "There is nothing here").await;
    let page = text_of_page(&d).await;
    assert!(!page.contains("Can we talk about sleep?"), "{page}");
    d.goto(&format!("{base}/sharing")).await.unwrap();
    assert!(!text_of_page(&d).await.contains("kim"));
    c.close().await.unwrap();
    d.close().await.unwrap();
}

/// Chromium's network emulation through chromedriver: with `offline` the
/// page (and what it fetches) has no network, as in a tunnel.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({"network_conditions": {
            "offline": self.offline, "latency": 0,
            "download_throughput": -1, "upload_throughput": -1
        }});
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

async fn set_offline(c: &Client, offline: bool) {
    c.issue_cmd(NetworkConditions { offline }).await.unwrap();
    // The page hears about it through `navigator.onLine`.
    let started = Instant::now();
    while c.execute("return navigator.onLine;", vec![]).await.unwrap()
        != serde_json::Value::Bool(!offline)
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "onLine never changed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Everything this origin keeps in the browser, as text: the IndexedDB
/// queue and keys, the service worker's cache (addresses and bodies), and
/// local and session storage.
const BROWSER_STORAGE: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const out = { idb: [], cached: [], bodies: "", local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) };
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    for (const name of db.objectStoreNames) {
      const all = await new Promise((ok) => { const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result); });
      out.idb.push({ store: name, rows: all });
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      out.cached.push(new URL(request.url).pathname);
      out.bodies += await (await cache.match(request)).text();
    }
  }
  return out;
})().then(done, (e) => done({ error: String(e) }));
"#;

/// The service worker has taken over this page.
async fn wait_for_service_worker(c: &Client) {
    let started = Instant::now();
    loop {
        let controlled = c
            .execute(
                "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);",
                vec![],
            )
            .await
            .unwrap();
        if controlled == serde_json::Value::Bool(true) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the service worker never took over the page"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        c.refresh().await.unwrap();
    }
}

async fn status_line(c: &Client) -> String {
    match c.find(Locator::Css("[data-offline-count]")).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn wait_for_status(c: &Client, text: &str) {
    let started = Instant::now();
    while !status_line(c).await.contains(text) {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the status never said {text:?}: {:?}",
            status_line(c).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A TCP relay in front of the server that can be cut, like a network:
/// Chromium's network emulation covers the page but not its service
/// worker's own requests, so for those the way to the server goes too.
struct Cable {
    base: String,
    up: tokio::sync::watch::Sender<bool>,
}

impl Cable {
    async fn to(server: &Server) -> Cable {
        let target = server.base.trim_start_matches("http://").to_string();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (up, watch) = tokio::sync::watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*watch.borrow() {
                    continue; // dropped: the connection is refused
                }
                let target = target.clone();
                let mut cut = watch.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Cable { base, up }
    }

    fn set(&self, up: bool) {
        self.up.send_replace(up);
    }
}

/// Offline as a phone in a tunnel is: the page's network emulated away
/// (so `navigator.onLine` is false) and the way to the server cut.
async fn go_offline(c: &Client, cable: &Cable, offline: bool) {
    cable.set(!offline);
    set_offline(c, offline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_written_offline_is_kept_sealed_and_arrives_once() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    let cable = Cable::to(&server).await;
    let base = cable.base.clone();
    // Signed in through the cable, so the session cookie is for its address.
    server
        .app
        .register(between_app::accounts::NewUser {
            name: "olive",
            password: "a long enough password",
            role: between_app::Role::Client,
            time_zone: "Europe/London",
        })
        .await
        .unwrap();
    c.goto(&format!("{base}/signin")).await.unwrap();
    fill(&c, "input[name=name]", "olive").await;
    fill(&c, "input[name=password]", "a long enough password").await;
    click(&c, "form[action='/signin'] button[type=submit]").await;
    wait_for_path(&c, "/").await;
    c.goto(&format!("{base}/practices/new")).await.unwrap();
    fill(&c, "input[name=title]", "Grounding walk").await;
    click(&c, "input[name=kind][value=days]").await;
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        click(&c, &format!("input[name=day][value={day}]")).await;
    }
    click(&c, "form[action='/practices'] button[type=submit]").await;
    wait_for_text(&c, "Last twelve weeks").await;
    c.goto(&format!("{base}/practices")).await.unwrap();
    wait_for_service_worker(&c).await;

    // The network goes: the practice is marked done on the open page…
    go_offline(&c, &cable, true).await;
    click(&c, "ul.today form[data-offline] button[type=submit]").await;
    wait_for_text(&c, "Kept on this device, sealed").await;
    // …and a new entry is written on the kept blank form.
    c.goto(&format!("{base}/journal/new")).await.unwrap();
    let secret = "Rain on the bus window, written in a tunnel";
    fill(&c, "textarea[name=text]", secret).await;
    click(&c, "form[data-offline] button[type=submit]").await;
    wait_for_text(&c, "Kept on this device, sealed").await;
    wait_for_status(&c, "2 waiting to be sent").await;
    // A page with data is not kept: offline it says so.
    c.goto(&format!("{base}/journal")).await.unwrap();
    wait_for_text(&c, "You are offline").await;
    wait_for_status(&c, "2 waiting to be sent").await;

    // Nothing in the browser reads as what was written.
    let stored = c.execute_async(BROWSER_STORAGE, vec![]).await.unwrap();
    assert!(stored.get("error").is_none(), "{stored}");
    let all = stored.to_string();
    for plain in ["Rain on the bus", "tunnel", "Grounding", "olive"] {
        assert!(
            !all.contains(plain),
            "{plain:?} is readable in the browser: {all}"
        );
    }
    // Nor which form an item came from.
    let queued = stored["idb"].to_string();
    for plain in ["journal", "practices", "logs", "text", "written_at"] {
        assert!(
            !queued.contains(plain),
            "{plain:?} is readable in the queue: {queued}"
        );
    }
    let mut cached: Vec<String> = stored["cached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    cached.sort();
    assert_eq!(
        cached,
        [
            "/offline",
            "/offline/check-in",
            "/offline/write",
            "/static/app.js",
            "/static/icon.svg",
            "/static/style.css"
        ],
        "only the shell is kept"
    );
    let queue = stored["idb"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["store"] == "queue")
        .unwrap()["rows"]
        .clone();
    assert_eq!(queue.as_array().unwrap().len(), 2);
    let first = queue[0].clone();

    // Back online and signed in, the queue is sent and stored.
    go_offline(&c, &cable, false).await;
    c.goto(&format!("{base}/journal")).await.unwrap();
    wait_for_status(&c, "2 things written offline were saved").await;
    c.refresh().await.unwrap();
    let journal = text_of_page(&c).await;
    assert_eq!(journal.matches("Rain on the bus").count(), 1, "{journal}");

    // Sent again (a retry after a lost answer), the item is not stored twice.
    let again = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const item = arguments[0];
               const body = new URLSearchParams();
               body.append("csrf", document.querySelector("input[name=csrf]").value);
               body.append("item", JSON.stringify({ id: item.id, epk: item.epk, iv: item.iv, ct: item.ct }));
               fetch("/sync", { method: "POST", body }).then((r) => r.json()).then(done, (e) => done(String(e)));"#,
            vec![first],
        )
        .await
        .unwrap();
    assert_eq!(again["results"][0]["status"], "already-stored", "{again}");
    c.goto(&format!("{base}/journal")).await.unwrap();
    wait_for_text(&c, "Rain on the bus").await;
    assert_eq!(text_of_page(&c).await.matches("Rain on the bus").count(), 1);
    c.goto(&format!("{base}/practices")).await.unwrap();
    wait_for_text(&c, "Done today").await;
    click(&c, "ul.today a.goal-title").await;
    wait_for_text(&c, "Logs (1)").await;
    assert!(status_line(&c).await.is_empty(), "nothing waits any more");
    c.close().await.unwrap();
}

/// A code of the server's clock (the system clock here), for a step later
/// than `after` (so that a code is never the one used just before).
async fn code_after(
    server: &Server,
    totp: &between_domain::totp::Totp,
    after: u64,
) -> (String, u64) {
    loop {
        let now = u64::try_from(server.app.now().as_second()).unwrap();
        if now / 30 > after / 30 && now % 30 < 25 {
            return (totp.code_at(now), now);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_turns_on_two_step_sign_in_and_a_replayed_code_is_refused() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server().await;
    sign_up_and_in(&c, &server, "tova").await;

    // Enrol: the QR code is on the page; the key beside it is what an app
    // would read from it.
    c.goto(&format!("{}/settings/two-step", server.base))
        .await
        .unwrap();
    wait_for_text(&c, "Turn it on").await;
    assert!(c
        .find(Locator::Css("figure.qr svg[role=img]"))
        .await
        .is_ok());
    let secret = c
        .find(Locator::Css("input[name=secret]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    let totp = between_domain::totp::Totp::from_base32(&secret).unwrap();
    let (first, at) = code_after(&server, &totp, 0).await;
    fill(
        &c,
        "form[action='/settings/two-step'] input[name=code]",
        &first,
    )
    .await;
    fill(
        &c,
        "form[action='/settings/two-step'] input[name=password]",
        "a long enough password",
    )
    .await;
    click(&c, "form[action='/settings/two-step'] button[type=submit]").await;
    wait_for_text(&c, "Two-step sign-in is on").await;
    sign_out(&c).await;
    wait_for_path(&c, "/signin").await;

    // Password, then the code on a page of its own.
    let password_step = |c: Client| async move {
        fill(&c, "input[name=name]", "tova").await;
        fill(&c, "input[name=password]", "a long enough password").await;
        click(&c, "form[action='/signin'] button[type=submit]").await;
        wait_for_text(&c, "One more step").await;
        c
    };
    let c = password_step(c).await;
    let (second, at) = code_after(&server, &totp, at).await;
    fill(&c, "input[name=code]", &second).await;
    click(&c, "form[action='/signin/code'] button[type=submit]").await;
    wait_for_path(&c, "/").await;
    sign_out(&c).await;
    wait_for_path(&c, "/signin").await;

    // The same code again is refused, and the next one works.
    let c = password_step(c).await;
    fill(&c, "input[name=code]", &second).await;
    click(&c, "form[action='/signin/code'] button[type=submit]").await;
    wait_for_text(&c, "used already").await;
    let (third, _) = code_after(&server, &totp, at).await;
    fill(&c, "input[name=code]", &third).await;
    click(&c, "form[action='/signin/code'] button[type=submit]").await;
    wait_for_path(&c, "/").await;
}

/// A WebDriver command of Chromium's WebAuthn extension (a virtual
/// authenticator), sent with the session's id.
#[derive(Debug)]
struct WebAuthnCommand {
    method: axum::http::Method,
    path: String,
    body: Option<serde_json::Value>,
}

impl fantoccini::wd::WebDriverCompatibleCommand for WebAuthnCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(|b| b.to_string()),
        )
    }
}

/// Adds a virtual authenticator (internal, with user verification and
/// resident keys), with the PRF extension or without; returns its id.
async fn virtual_authenticator(c: &Client, prf: bool) -> String {
    let extensions: Vec<&str> = if prf { vec!["prf"] } else { vec![] };
    let added = c
        .issue_cmd(WebAuthnCommand {
            method: axum::http::Method::POST,
            path: "webauthn/authenticator".into(),
            body: Some(serde_json::json!({
                "protocol": "ctap2", "transport": "internal", "hasResidentKey": true,
                "hasUserVerification": true, "isUserVerified": true, "extensions": extensions
            })),
        })
        .await
        .unwrap();
    added.as_str().unwrap().to_string()
}

/// A server at `http://localhost:PORT`, the address passkeys are bound to.
async fn start_server_at_localhost() -> Server {
    let db = TestDb::sqlite().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let app = App::new(
        db.store.clone(),
        Config {
            public_url: Some(base.clone()),
            ..Config::testing()
        },
    );
    let settings = WebSettings {
        exit_url: format!("{base}/healthz"),
        public_url: base.clone(),
        ..WebSettings::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(web::serve(listener, app.clone(), settings, async move {
        let _ = stopped.await;
    }));
    Server {
        base,
        app,
        _db: db,
        stop: Some(stop),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_signs_in_and_opens_the_journal() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server_at_localhost().await;
    sign_up_and_in(&c, &server, "pia").await;
    // Something to read back after signing in with the passkey.
    c.goto(&format!("{}/journal/new", server.base))
        .await
        .unwrap();
    fill(&c, "textarea[name=text]", "Walked to the harbour at dawn").await;
    click(&c, ".entry-form button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("article.entry"))
        .await
        .unwrap();

    virtual_authenticator(&c, true).await;
    c.goto(&format!("{}/settings/passkeys", server.base))
        .await
        .unwrap();
    fill(&c, "input[name=label]", "test phone").await;
    fill(
        &c,
        "form[data-passkey-add] input[name=password]",
        "a long enough password",
    )
    .await;
    click(&c, "form[data-passkey-add] button[type=submit]").await;
    wait_for_text(&c, "Passkey added: it signs you in").await;
    assert!(text_of_page(&c).await.contains("test phone"));

    // Signed out, then in with the passkey alone; the entry opens.
    sign_out(&c).await;
    wait_for_path(&c, "/signin").await;
    fill(&c, "input[name=name]", "pia").await;
    click(&c, "button[data-passkey-signin]").await;
    wait_for_path(&c, "/").await;
    c.goto(&format!("{}/journal", server.base)).await.unwrap();
    wait_for_text(&c, "Walked to the harbour at dawn").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_without_prf_becomes_the_second_step_of_password_sign_in() {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let server = start_server_at_localhost().await;
    sign_up_and_in(&c, &server, "quin").await;
    virtual_authenticator(&c, false).await;
    c.goto(&format!("{}/settings/passkeys", server.base))
        .await
        .unwrap();
    fill(&c, "input[name=label]", "old key").await;
    fill(
        &c,
        "form[data-passkey-add] input[name=password]",
        "a long enough password",
    )
    .await;
    click(&c, "form[data-passkey-add] button[type=submit]").await;
    // Turning a second step on offers to end what was signed in before.
    wait_for_text(&c, "Two-step sign-in is on").await;
    c.goto(&format!("{}/settings/passkeys", server.base))
        .await
        .unwrap();
    wait_for_text(&c, "A second step only").await;

    // The password is not enough any more: the passkey is the next step.
    sign_out(&c).await;
    wait_for_path(&c, "/signin").await;
    fill(&c, "input[name=name]", "quin").await;
    fill(&c, "input[name=password]", "a long enough password").await;
    click(&c, "form[action='/signin'] button[type=submit]").await;
    wait_for_text(&c, "Now use your passkey").await;
    click(&c, "button[data-passkey-confirm]").await;
    wait_for_path(&c, "/").await;

    // Lasting access asks for it too: a token with the password and it.
    c.goto(&format!("{}/settings/devices", server.base))
        .await
        .unwrap();
    fill(&c, "input[name=name]", "script").await;
    fill(
        &c,
        "form[action^='/settings/tokens'] input[name=password]",
        "a long enough password",
    )
    .await;
    click(&c, "form[action^='/settings/tokens'] button[type=submit]").await;
    wait_for_text(&c, "btw_").await;
}
