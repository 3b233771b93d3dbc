//! The CLI contract, run as a real process: names of commands and flags,
//! output, exit codes (2 for bad input, 1 for the system), and that bad
//! input writes nothing.

#![allow(clippy::unwrap_used)]

#[path = "support/fhir_r4.rs"]
mod fhir_r4;
#[path = "support/poppler.rs"]
mod poppler;

use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Cli {
    data: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli {
            data: tempfile::tempdir().unwrap(),
            config: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_between"))
            .args(args)
            .env("BETWEEN_DATA_DIR", self.data.path())
            .env("BETWEEN_CONFIG_DIR", self.config.path())
            // Cheap key derivation: these tests are about the CLI's contract.
            .env("BETWEEN_KDF", "m=64,t=1,p=1")
            .env_remove("BETWEEN_USER")
            .env_remove("BETWEEN_DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str], stdin: &str, code: i32) -> String {
        let out = self.run(args, stdin);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn with_account(name: &str) -> Cli {
        let cli = Cli::new();
        cli.ok(
            &[
                "user",
                "add",
                name,
                "--password-stdin",
                "--tz",
                "Europe/Berlin",
                "--login",
            ],
            "pass word 123\n",
        );
        cli
    }
}

#[test]
fn user_add_prints_a_recovery_code_and_saves_a_private_device_login() {
    let cli = Cli::new();
    let out = cli.ok(
        &[
            "user",
            "add",
            "ada",
            "--password-stdin",
            "--tz",
            "Europe/Berlin",
            "--login",
        ],
        "pass word 123\n",
    );
    assert!(out.contains("Recovery code"));
    let code_line = out
        .lines()
        .find(|l| l.len() == 29 && l.matches('-').count() == 4);
    assert!(code_line.is_some(), "{out}");
    let logins = cli.config.path().join("logins.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&logins).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(!cli.data.path().join("logins.json").exists());
    let err = cli.fails(
        &["user", "add", "ada", "--password-stdin"],
        "another password\n",
        2,
    );
    assert!(err.contains("already taken"), "{err}");
}

#[test]
fn journal_add_list_show_edit_delete_restore_and_search() {
    let cli = Cli::with_account("bo");
    let id = cli
        .ok(
            &[
                "journal",
                "add",
                "Hard meeting",
                "--mood",
                "4",
                "--feeling",
                "anxious=7",
                "--feeling",
                "calm=2",
                "--trigger",
                "work meeting",
                "--tag",
                "work",
                "--at",
                "2026-02-03 09:15",
                "--star",
            ],
            "",
        )
        .trim()
        .to_string();
    let from_stdin = cli
        .ok(
            &["journal", "add", "--mood", "7"],
            "Written on stdin\nwith two lines\n",
        )
        .trim()
        .to_string();
    let shown: serde_json::Value =
        serde_json::from_str(&cli.ok(&["journal", "show", &id, "--json"], "")).unwrap();
    assert_eq!(shown["occurred_at"], "2026-02-03T09:15:00+01:00");
    assert_eq!(shown["feelings"][0]["name"], "anxious");
    assert_eq!(shown["starred"], true);
    let stdin_entry: serde_json::Value =
        serde_json::from_str(&cli.ok(&["journal", "show", &from_stdin, "--json"], "")).unwrap();
    assert_eq!(stdin_entry["text"], "Written on stdin\nwith two lines");

    let list = cli.ok(&["journal", "list"], "");
    assert!(
        list.contains("Tuesday 3 February 2026")
            && list.contains("anxious 7")
            && list.contains(&id),
        "{list}"
    );
    let ranged: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "journal",
            "list",
            "--since",
            "2026-02-03",
            "--until",
            "2026-02-03",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(ranged.as_array().unwrap().len(), 1);

    cli.ok(&["journal", "edit", &id, "--mood", "6", "--unstar"], "");
    let edited: serde_json::Value =
        serde_json::from_str(&cli.ok(&["journal", "show", &id, "--json"], "")).unwrap();
    assert_eq!(
        (
            edited["mood"].clone(),
            edited["starred"].clone(),
            edited["text"].clone()
        ),
        (6.into(), false.into(), "Hard meeting".into())
    );

    let found: serde_json::Value =
        serde_json::from_str(&cli.ok(&["journal", "search", "MEETING", "--json"], "")).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);

    cli.ok(&["journal", "delete", &id], "");
    assert!(!cli.ok(&["journal", "list"], "").contains(&id));
    assert!(cli.ok(&["journal", "list", "--deleted"], "").contains(&id));
    cli.ok(&["journal", "restore", &id], "");
    assert!(cli.ok(&["journal", "list"], "").contains(&id));
}

#[test]
fn bad_input_exits_2_with_one_clear_sentence_and_writes_nothing() {
    let cli = Cli::with_account("cy");
    for (args, says) in [
        (
            vec!["journal", "add", "x", "--mood", "11"],
            "--mood must be between 1 and 10",
        ),
        (
            vec!["journal", "add", "x", "--feeling", "sad"],
            "NAME=INTENSITY",
        ),
        (vec!["journal", "add", "x", "--feeling", "sad=12"], "sad=12"),
        (vec!["journal", "add", "x", "--at", "someday"], "someday"),
        (vec!["journal", "add"], "needs something"),
        (
            vec!["journal", "show", "nope"],
            "\"nope\" is not an entry id",
        ),
        (
            vec!["journal", "show", "01900000-0000-7000-8000-000000000000"],
            "was not found",
        ),
        (vec!["journal", "list", "--since", "yesterday"], "yesterday"),
        (vec!["token", "revoke", "x"], "not a token id"),
    ] {
        let err = cli.fails(&args, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    assert_eq!(cli.ok(&["journal", "list"], "").trim(), "No entries.");
    let err = cli.fails(&["--user", "nobody", "journal", "list"], "", 2);
    assert!(err.contains("no saved login for \"nobody\""), "{err}");
}

#[test]
fn system_failures_exit_1() {
    let cli = Cli::with_account("dee");
    let out = Command::new(env!("CARGO_BIN_EXE_between"))
        .args(["journal", "list"])
        .env("BETWEEN_CONFIG_DIR", cli.config.path())
        .env("BETWEEN_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tokens_are_created_with_the_password_listed_and_revoked() {
    let cli = Cli::with_account("eve");
    // A saved device login is not enough to mint a token.
    let err = cli.fails(&["token", "create", "--name", "shortcut"], "", 2);
    assert!(err.contains("--password-stdin"), "{err}");
    let err = cli.fails(
        &["token", "create", "--name", "shortcut", "--password-stdin"],
        "not the password\n",
        2,
    );
    assert!(err.contains("not your password"), "{err}");
    assert!(!cli.ok(&["token", "list"], "").contains("shortcut"));
    let plain = cli.ok(
        &[
            "token",
            "create",
            "--name",
            "shortcut",
            "--scope",
            "write-only",
            "--expires-days",
            "30",
            "--password-stdin",
        ],
        "pass word 123\n",
    );
    assert!(plain.trim().starts_with("btw_") && plain.trim().lines().count() == 1);
    let err = cli.fails(
        &["token", "create", "--expires-days", "0", "--password-stdin"],
        "pass word 123\n",
        2,
    );
    assert!(err.contains("expires-days"), "{err}");
    let json: serde_json::Value = serde_json::from_str(&cli.ok(
        &["token", "create", "--json", "--password-stdin"],
        "pass word 123\n",
    ))
    .unwrap();
    assert!(json["token"].as_str().unwrap().starts_with("btw_"));
    let list = cli.ok(&["token", "list"], "");
    assert!(
        list.contains("shortcut")
            && list.contains("write-only")
            && list.contains("expires 20")
            && list.contains("(this device)"),
        "{list}"
    );
    cli.ok(&["token", "revoke", json["id"].as_str().unwrap()], "");
    assert!(!cli
        .ok(&["token", "list", "--json"], "")
        .contains(json["id"].as_str().unwrap()));
}

#[test]
fn logout_revokes_the_device_login() {
    let cli = Cli::with_account("fay");
    cli.ok(&["logout"], "");
    let err = cli.fails(&["journal", "list"], "", 2);
    assert!(err.contains("no saved login"), "{err}");
    cli.ok(&["login", "fay", "--password-stdin"], "pass word 123\n");
    cli.ok(&["journal", "list"], "");
    cli.fails(&["login", "fay", "--password-stdin"], "wrong password\n", 2);
}

#[test]
fn demo_fills_an_account_deterministically() {
    let cli = Cli::new();
    let out = cli.ok(&["demo", "--years", "1", "--seed", "3"], "");
    assert!(out.contains("password:"), "{out}");
    let first: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "demo", "journal", "list", "--json"], ""))
            .unwrap();
    let n = first.as_array().unwrap().len();
    assert!((250..=450).contains(&n), "{n}");
    cli.ok(&["demo", "--years", "1", "--seed", "3"], "");
    let second: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "demo", "journal", "list", "--json"], ""))
            .unwrap();
    let texts = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts(&first),
        texts(&second),
        "a refill with the same seed gives the same journal"
    );
    // The demo therapist sees what the demo client shares, not the journal.
    let shared: serde_json::Value = serde_json::from_str(&cli.ok(
        &["--user", "demo-therapist", "client", "demo", "--json"],
        "",
    ))
    .unwrap();
    assert_eq!(
        shared["scopes"],
        serde_json::json!(["agenda", "measures", "goals", "practice"])
    );
    assert!(!shared["shared"]["agenda"].as_array().unwrap().is_empty());
    assert_eq!(shared["assignments"].as_array().map(Vec::len), None);
    assert_eq!(shared["shared"]["assignments"][0]["state"], "pending");
    assert!(!shared["shared"]["measures"].as_array().unwrap().is_empty());
    assert!(shared["shared"].get("journal").is_none());
    // Beyond the two-weekly pair: a PCL-5 series and a WHO-5 series.
    let taken: std::collections::BTreeSet<&str> = shared["shared"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["instrument"].as_str())
        .collect();
    assert!(
        ["phq9", "gad7", "who5", "pcl5-weekly"]
            .iter()
            .all(|i| taken.contains(i)),
        "{taken:?}"
    );
    // A warning sign that matched last month, told to the therapist.
    let signs: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "demo", "warning-sign", "list", "--json"], ""))
            .unwrap();
    assert_eq!(signs[0]["tell"], serde_json::json!(["demo-therapist"]));
    assert!(signs[0]["last_matched"]["noticed"].is_string(), "{signs}");

    // The demo client sees exactly what their therapist sees, and looking
    // is not a read by the therapist.
    let log = cli.ok(&["--user", "demo", "access-log"], "");
    let preview: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "--user",
            "demo",
            "share",
            "preview",
            "demo-therapist",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(preview, shared);
    assert_eq!(cli.ok(&["--user", "demo", "access-log"], ""), log);
    let text = cli.ok(
        &["--user", "demo", "share", "preview", "demo-therapist"],
        "",
    );
    assert!(
        text.starts_with("What demo-therapist sees about you"),
        "{text}"
    );
}

#[test]
fn appointments_are_added_listed_marked_and_edited_from_the_cli() {
    let cli = Cli::with_account("gus");
    let id = cli
        .ok(
            &[
                "appointment",
                "add",
                "--at",
                "2020-03-03 17:00",
                "--with",
                "Dr. Rivera",
                "--where",
                "Room 4",
                "--repeat",
                "weekly",
                "--until",
                "2020-03-24",
            ],
            "",
        )
        .trim()
        .to_string();
    let list: serde_json::Value =
        serde_json::from_str(&cli.ok(&["appointment", "list", "--json"], "")).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 4);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["starts_at"], "2020-03-03T17:00:00+01:00");
    assert_eq!(
        list[3]["starts_at"], "2020-03-24T17:00:00+01:00",
        "local time kept across the change to summer time"
    );
    assert!(cli
        .ok(&["appointment", "attend", &id], "")
        .contains("attended"));
    let second = list[1]["id"].as_str().unwrap();
    cli.ok(&["appointment", "cancel", second], "");
    let shown: serde_json::Value =
        serde_json::from_str(&cli.ok(&["appointment", "show", second, "--json"], "")).unwrap();
    assert_eq!(shown["status"], "cancelled");
    let edited: serde_json::Value = serde_json::from_str(&cli.ok(
        &["appointment", "edit", &id, "--duration", "80", "--json"],
        "",
    ))
    .unwrap();
    assert_eq!(edited["duration_minutes"], 80);
    let future = cli
        .ok(&["appointment", "add", "--at", "2099-01-01 09:00"], "")
        .trim()
        .to_string();
    let err = cli.fails(&["appointment", "attend", &future], "", 2);
    assert!(err.contains("not started yet"), "{err}");
    let upcoming: serde_json::Value =
        serde_json::from_str(&cli.ok(&["appointment", "list", "--upcoming", "--json"], ""))
            .unwrap();
    assert_eq!(upcoming.as_array().unwrap().len(), 1);
    for (args, says) in [
        (vec!["appointment", "add", "--at", "soon"], "\"soon\""),
        (
            vec![
                "appointment",
                "add",
                "--at",
                "2026-01-01 10:00",
                "--repeat",
                "monthly",
            ],
            "monthly",
        ),
        (
            vec![
                "appointment",
                "add",
                "--at",
                "2026-01-01 10:00",
                "--duration",
                "0",
            ],
            "not 0",
        ),
        (vec!["appointment", "show", "x"], "not an appointment id"),
    ] {
        let err = cli.fails(&args, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let deleted: serde_json::Value =
        serde_json::from_str(&cli.ok(&["appointment", "delete", &future, "--json"], "")).unwrap();
    assert_eq!(deleted["deleted"], future.as_str());
    assert_eq!(
        cli.ok(&["appointment", "list", "--upcoming"], "").trim(),
        "No appointments."
    );
}

#[test]
fn questions_insights_and_feedback_from_the_cli() {
    let cli = Cli::with_account("hal");
    let session = cli
        .ok(
            &[
                "appointment",
                "add",
                "--at",
                "2020-05-05 10:00",
                "--with",
                "Dr. Rivera",
            ],
            "",
        )
        .trim()
        .to_string();
    cli.ok(&["appointment", "attend", &session], "");

    let q = cli
        .ok(&["question", "add", "Why do I avoid calls?"], "")
        .trim()
        .to_string();
    cli.ok(&["question", "add", "What is schema therapy?"], "");
    let open: serde_json::Value =
        serde_json::from_str(&cli.ok(&["question", "list", "--open", "--json"], "")).unwrap();
    assert_eq!(open[0]["text"], "Why do I avoid calls?", "oldest first");
    cli.ok(
        &[
            "question",
            "answer",
            &q,
            "--answer",
            "Anticipatory anxiety",
            "--appointment",
            &session,
        ],
        "",
    );
    let answered: serde_json::Value =
        serde_json::from_str(&cli.ok(&["question", "list", "--answered", "--json"], "")).unwrap();
    assert_eq!(
        (
            answered[0]["answer"].clone(),
            answered[0]["appointment_id"].clone()
        ),
        ("Anticipatory anxiety".into(), session.clone().into())
    );
    assert!(cli
        .ok(&["question", "search", "anticipatory"], "")
        .contains("Why do I avoid calls?"));
    let err = cli.fails(&["question", "answer", &q, "--answer", " "], "", 2);
    assert!(err.contains("answer"), "{err}");

    let i: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "insight",
            "add",
            "Calls get easier once started",
            "--kind",
            "strategy",
            "--last",
            "--tag",
            "calls",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        (i["kind"].clone(), i["appointment_id"].clone()),
        ("strategy".into(), session.clone().into())
    );
    assert!(cli
        .ok(&["insight", "search", "EASIER"], "")
        .contains("#calls"));
    let err = cli.fails(&["insight", "add", "x", "--kind", "lesson"], "", 2);
    assert!(err.contains("\"lesson\" is not a kind"), "{err}");

    let fb: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "feedback",
            "add",
            &session,
            "--heard",
            "9",
            "--worked-on",
            "5",
            "--approach",
            "8",
            "--overall",
            "8",
            "--change",
            "More structure",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        (
            fb["total"].clone(),
            fb["low"].clone(),
            fb["falling"].clone()
        ),
        (30.into(), true.into(), false.into())
    );
    let err = cli.fails(
        &[
            "feedback",
            "add",
            &session,
            "--heard",
            "11",
            "--worked-on",
            "5",
            "--approach",
            "8",
            "--overall",
            "8",
        ],
        "",
        2,
    );
    assert!(err.contains("not 11"), "{err}");
    assert!(cli.ok(&["feedback", "list"], "").contains("low"));
}

#[test]
fn goals_from_the_cli() {
    let cli = Cli::with_account("ivy");
    let gas = cli
        .ok(
            &[
                "goal",
                "add",
                "Speak up in meetings",
                "--area",
                "work",
                "--gas-level",
                "-2=Silent",
                "--gas-level",
                "-1=Once a week",
                "--gas-level",
                "0=Once per meeting",
                "--gas-level",
                "1=Twice",
                "--gas-level",
                "2=Lead an item",
            ],
            "",
        )
        .trim()
        .to_string();
    let err = cli.fails(&["goal", "add", "Half", "--gas-level", "0=Once"], "", 2);
    assert!(
        err.contains("missing --gas-level for -2, -1, +1, +2"),
        "{err}"
    );
    cli.ok(
        &[
            "goal", "checkin", &gas, "--level", "-1", "--note", "nervous",
        ],
        "",
    );
    cli.ok(&["goal", "checkin", &gas, "--level", "1"], "");
    let shown: serde_json::Value =
        serde_json::from_str(&cli.ok(&["goal", "show", &gas, "--json"], "")).unwrap();
    assert_eq!(
        (
            shown["progress"].clone(),
            shown["check_ins"].as_array().unwrap().len()
        ),
        (1.0.into(), 2)
    );
    let num: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "goal",
            "add",
            "Fewer panic attacks",
            "--baseline",
            "6",
            "--target",
            "1",
            "--unit",
            "per week",
            "--lower-is-better",
            "--review-every",
            "2w",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(num["review_every_days"], 14);
    let id = num["id"].as_str().unwrap();
    cli.ok(
        &[
            "goal",
            "checkin",
            id,
            "--value",
            "3.5",
            "--at",
            "2026-01-05",
        ],
        "",
    );
    let shown: serde_json::Value =
        serde_json::from_str(&cli.ok(&["goal", "show", id, "--json"], "")).unwrap();
    assert_eq!(shown["progress"], 0.5);
    let err = cli.fails(&["goal", "checkin", id, "--level", "1"], "", 2);
    assert!(err.contains("per week"), "{err}");
    cli.ok(&["goal", "set-status", &gas, "achieved"], "");
    assert!(cli.ok(&["goal", "list"], "").contains("achieved"));
    assert!(cli
        .fails(&["goal", "set-status", &gas, "done"], "", 2)
        .contains("\"done\""));
    assert_eq!(
        cli.ok(&["goal", "review-due"], "").trim(),
        "No goal is due for review."
    );
}

#[test]
fn practices_from_the_cli() {
    let cli = Cli::with_account("joy");
    let id = cli
        .ok(
            &[
                "practice",
                "add",
                "Thought record",
                "--template",
                "thought-record",
                "--schedule",
                "mon,wed,fri",
                "--start",
                "2026-03-02",
                "--instructions",
                "After a strong feeling",
            ],
            "",
        )
        .trim()
        .to_string();
    for day in [
        "2026-03-02 20:00",
        "2026-03-04 20:00",
        "2026-03-06 20:00",
        "2026-03-09 20:00",
    ] {
        cli.ok(
            &[
                "practice",
                "log",
                &id,
                "--at",
                day,
                "--field",
                "intensity_before=8",
                "--field",
                "intensity_after=5",
            ],
            "",
        );
    }
    let stats: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "practice",
            "stats",
            &id,
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-09",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        (
            stats[0]["scheduled"].clone(),
            stats[0]["done"].clone(),
            stats[0]["longest_streak"].clone()
        ),
        (4.into(), 4.into(), 4.into())
    );
    assert_eq!(
        stats[0]["current_streak"], 0,
        "streaks are as of today, and it has been missed since"
    );
    assert_eq!(stats[0]["adherence"], 1.0);
    let log: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "practice",
            "log",
            &id,
            "--at",
            "2026-03-11 08:00",
            "--difficulty",
            "7",
            "--note",
            "rushed",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(log["difficulty"], 7);
    cli.ok(&["practice", "unlog", log["id"].as_str().unwrap()], "");
    let shown: serde_json::Value =
        serde_json::from_str(&cli.ok(&["practice", "show", &id, "--json"], "")).unwrap();
    assert_eq!(shown["logs"].as_array().unwrap().len(), 4);
    assert_eq!(shown["logs"][0]["fields"]["intensity_before"], 8);
    assert_eq!(shown["schedule"]["rrule"], "FREQ=WEEKLY;BYDAY=MO,WE,FR");
    for (args, says) in [
        (
            vec!["practice", "add", "x", "--schedule", "sometimes"],
            "sometimes",
        ),
        (vec!["practice", "add", "x"], "When is it due?"),
        (
            vec![
                "practice",
                "add",
                "x",
                "--schedule",
                "daily",
                "--template",
                "yoga",
            ],
            "yoga",
        ),
        (
            vec!["practice", "log", &id, "--field", "colour=blue"],
            "colour",
        ),
        (vec!["practice", "log", &id, "--difficulty", "12"], "not 12"),
        (
            vec![
                "practice",
                "add",
                "x",
                "--schedule",
                "daily",
                "--start",
                "2026-05-01",
                "--end",
                "2026-04-01",
            ],
            "before the start",
        ),
    ] {
        let err = cli.fails(&args, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let daily = cli
        .ok(
            &[
                "practice",
                "add",
                "Breathing",
                "--template",
                "mindfulness",
                "--schedule",
                "daily",
            ],
            "",
        )
        .trim()
        .to_string();
    assert!(cli.ok(&["practice", "today"], "").contains("Breathing"));
    cli.ok(
        &[
            "practice",
            "log",
            &daily,
            "--minutes",
            "10",
            "--field",
            "how_it_felt=6",
        ],
        "",
    );
    assert!(cli.ok(&["practice", "today"], "").contains("done today"));
    cli.ok(&["practice", "archive", &daily], "");
    assert!(!cli.ok(&["practice", "today"], "").contains("Breathing"));
}

#[test]
fn the_calendar_exports_and_its_link_rotates() {
    let cli = Cli::with_account("kai");
    cli.ok(
        &[
            "appointment",
            "add",
            "--at",
            "2030-01-08 17:00",
            "--with",
            "Dr. Rivera",
        ],
        "",
    );
    cli.ok(&["practice", "add", "Walk", "--schedule", "per-week:3"], "");
    let ics = cli.ok(&["calendar", "export"], "");
    assert!(
        ics.starts_with("BEGIN:VCALENDAR")
            && ics.contains("SUMMARY:Appointment")
            && ics.contains("RRULE:FREQ=WEEKLY;BYDAY=MO")
    );
    let first = cli.ok(&["calendar", "url"], "");
    assert!(first.starts_with("http://127.0.0.1:8080/ical/") && first.trim().ends_with(".ics"));
    assert_eq!(
        cli.ok(&["calendar", "url"], ""),
        first,
        "the same link until rotated"
    );
    let rotated: serde_json::Value =
        serde_json::from_str(&cli.ok(&["calendar", "url", "--rotate", "--json"], "")).unwrap();
    assert_ne!(rotated["url"].as_str().unwrap(), first.trim());
}

#[test]
fn measures_from_the_cli() {
    let cli = Cli::with_account("lou");
    let first: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "measure",
            "take",
            "phq9",
            "--answers",
            "2,2,2,2,2,2,2,2,0",
            "--at",
            "2026-01-05",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        (
            first["total"].clone(),
            first["severity"].clone(),
            first["safety_alert"].clone()
        ),
        (16.into(), "moderately_severe".into(), false.into())
    );
    assert!(
        first.get("change").is_none(),
        "no change on the first response"
    );
    let second = cli.run(
        &["measure", "take", "phq9", "--json"],
        "1 1 1 1 1 1 1 1 1\n",
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(
        (
            second["total"].clone(),
            second["change"].clone(),
            second["safety_alert"].clone()
        ),
        (9.into(), "reliable_improvement".into(), true.into())
    );
    let who5 = cli.run(&["measure", "take", "who5", "--answers", "3,2,2,3,2"], "");
    assert!(who5.status.success());
    assert!(
        String::from_utf8_lossy(&who5.stdout).contains("WHO-5: 48% (poor wellbeing)"),
        "{}",
        String::from_utf8_lossy(&who5.stdout)
    );
    let pcl = cli.run(
        &[
            "measure",
            "take",
            "pcl5-weekly",
            "--answers",
            &["1"; 20].join(","),
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&pcl.stdout).contains("PCL-5 (past week): 20 of 80"));
    let warned = cli.run(
        &["measure", "take", "phq9", "--answers", "0,0,0,0,0,0,0,0,2"],
        "",
    );
    assert!(String::from_utf8_lossy(&warned.stderr).contains("not an emergency service"));
    for (args, says) in [
        (
            vec!["measure", "take", "phq9", "--answers", "1,2,3"],
            "9 questions; 3 answers",
        ),
        (
            vec!["measure", "take", "gad7", "--answers", "0,0,0,0,0,0,-1"],
            "not -1",
        ),
        (
            vec!["measure", "take", "bdi", "--answers", "1"],
            "not a measure",
        ),
        (
            vec!["measure", "take", "who5", "--answers", "6,0,0,0,0"],
            "from 0 to 5",
        ),
    ] {
        let err = cli.fails(&args, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let list: serde_json::Value =
        serde_json::from_str(&cli.ok(&["measure", "list", "--json"], "")).unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        5,
        "three PHQ-9s, a WHO-5, a PCL-5"
    );
    let out = cli.ok(&["measure", "schedule", "pcl5-weekly", "--every", "1w"], "");
    assert!(out.contains("PCL-5 (past week)  every week"), "{out}");
    let out = cli.ok(&["measure", "schedule", "who5", "--before-appointment"], "");
    assert!(
        out.contains("before each appointment (from 2 days before)"),
        "{out}"
    );
    let all = cli.ok(&["measure", "schedule"], "");
    assert_eq!(all.lines().count(), 5, "{all}");
    assert!(all.contains("PCL-5              off"), "{all}");
    for (args, says) in [
        (
            vec!["measure", "schedule", "who5", "--every", "10d"],
            "whole weeks",
        ),
        (
            vec!["measure", "schedule", "--every", "2w"],
            "name the instrument",
        ),
        (
            vec![
                "measure",
                "schedule",
                "who5",
                "--before-appointment",
                "--days",
                "30",
            ],
            "1 to 14 days",
        ),
    ] {
        let err = cli.fails(&args, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn daily_trackers_from_the_cli() {
    let cli = Cli::with_account("ada");
    let out = cli.ok(&["tracker", "add", "--preset", "sleep"], "");
    assert!(out.contains("between track sleep="), "{out}");
    cli.ok(&["tracker", "add", "--preset", "exercise"], "");
    cli.ok(
        &[
            "tracker", "add", "Coffee", "--kind", "number", "--unit", "cups",
        ],
        "",
    );
    let out = cli.ok(&["track", "sleep=7.5", "exercise=yes", "coffee=2"], "");
    assert!(
        out.contains("Sleep 7.5 hours, Exercise yes, Coffee 2 cups."),
        "{out}"
    );
    cli.ok(&["track", "sleep=6", "--at", "yesterday"], "");
    let shown: serde_json::Value =
        serde_json::from_str(&cli.ok(&["tracker", "show", "sleep", "--json"], "")).unwrap();
    let values: Vec<f64> = shown["readings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .collect();
    assert_eq!(values, vec![6.0, 7.5]);
    let list = cli.ok(&["tracker", "list"], "");
    assert!(
        list.contains("7.5 hours") && list.contains("Coffee"),
        "{list}"
    );
    // Bad readings say what is wrong and record nothing, not even the good ones.
    for (args, says) in [
        (
            vec!["track", "sleep=8", "exercise=perhaps"],
            "Exercise is yes or no",
        ),
        (vec!["track", "sleep=30"], "cannot be above 24"),
        (vec!["track", "tea=1"], "no tracker called \"tea\""),
        (vec!["track", "sleep"], "is not KEY=VALUE"),
        (
            vec!["track", "sleep=8", "--at", "someday"],
            "today, yesterday",
        ),
        (
            vec!["tracker", "add", "--preset", "caffeine"],
            "not a ready-made",
        ),
        (vec!["tracker", "add", "Sleep"], "already have a tracker"),
    ] {
        let err = cli.fails(&args, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let again: serde_json::Value =
        serde_json::from_str(&cli.ok(&["tracker", "show", "sleep", "--json"], "")).unwrap();
    assert_eq!(again["readings"].as_array().unwrap().len(), 2);
    cli.ok(&["tracker", "delete", "coffee"], "");
    assert!(!cli.ok(&["tracker", "list"], "").contains("Coffee"));
}

#[test]
fn the_archive_exports_to_a_private_file_and_imports_once() {
    let cli = Cli::with_account("ada");
    cli.ok(&["journal", "add", "First entry", "--mood", "6"], "");
    cli.ok(&["tracker", "add", "--preset", "sleep"], "");
    cli.ok(&["track", "sleep=7"], "");
    let path = cli.data.path().join("ada.json");
    let path_str = path.to_str().unwrap();
    cli.ok(&["export", "--output", path_str], "");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner can read the export");
    }
    let err = cli.fails(&["export", "--output", path_str], "", 2);
    assert!(err.contains("already exists"), "{err}");
    let archive: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(archive["format_version"], 1);
    assert_eq!(archive["entries"][0]["content"]["text"], "First entry");

    cli.ok(
        &[
            "user",
            "add",
            "bea",
            "--password-stdin",
            "--tz",
            "Europe/Berlin",
            "--login",
        ],
        "another pass 123\n",
    );
    let dry: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "--user",
            "bea",
            "import",
            path_str,
            "--from",
            "between",
            "--dry-run",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        (dry["added"].clone(), dry["dry_run"].clone()),
        (3.into(), true.into())
    );
    let out = cli.ok(
        &["--user", "bea", "import", path_str, "--from", "between"],
        "",
    );
    assert!(
        out.starts_with("Added 3 (1 entry, 1 tracker, 1 tracker_month)"),
        "{out}"
    );
    let again = cli.ok(
        &["--user", "bea", "import", "-", "--from", "between"],
        &std::fs::read_to_string(&path).unwrap(),
    );
    assert!(again.starts_with("Added 0, skipped 3"), "{again}");
    assert!(cli
        .ok(&["--user", "bea", "journal", "list"], "")
        .contains("First entry"));

    let broken = cli.data.path().join("broken.json");
    std::fs::write(&broken, "{\"format\": \"between-archive\", \"entries\": [").unwrap();
    let err = cli.fails(
        &[
            "--user",
            "bea",
            "import",
            broken.to_str().unwrap(),
            "--from",
            "between",
        ],
        "",
        2,
    );
    assert!(
        err.contains("is not a Between archive") && err.contains("line 1"),
        "{err}"
    );
}

#[test]
fn an_account_is_deleted_only_with_its_name_and_password_typed_again() {
    let cli = Cli::with_account("ada");
    cli.ok(&["journal", "add", "Something private"], "");
    let err = cli.fails(
        &[
            "user",
            "delete",
            "ada",
            "--confirm",
            "ad",
            "--password-stdin",
        ],
        "pass word 123\n",
        2,
    );
    assert!(err.contains("nothing was deleted"), "{err}");
    // A saved device login is not enough: the password is asked for.
    let err = cli.fails(&["user", "delete", "ada", "--confirm", "ada"], "", 2);
    assert!(
        err.contains("--password-stdin") && err.contains("nothing was deleted"),
        "{err}"
    );
    let err = cli.fails(
        &[
            "user",
            "delete",
            "ada",
            "--confirm",
            "ada",
            "--password-stdin",
        ],
        "not the password\n",
        2,
    );
    assert!(err.contains("not your password"), "{err}");
    assert!(cli
        .ok(&["journal", "list"], "")
        .contains("Something private"));
    let out = cli.ok(
        &[
            "user",
            "delete",
            "ada",
            "--confirm",
            "ada",
            "--password-stdin",
        ],
        "pass word 123\n",
    );
    assert!(
        out.contains("Backups made before today still hold it"),
        "{out}"
    );
    // The account and its saved login are gone.
    let err = cli.fails(&["journal", "list"], "", 2);
    assert!(err.contains("login"), "{err}");
    let err = cli.fails(
        &[
            "user",
            "delete",
            "ada",
            "--confirm",
            "ada",
            "--password-stdin",
        ],
        "pass word 123\n",
        2,
    );
    assert!(!err.is_empty());
}

#[test]
fn the_journal_exports_as_markdown_to_one_file_or_a_file_per_month() {
    let cli = Cli::with_account("ada");
    cli.ok(
        &[
            "journal",
            "add",
            "Spring walk",
            "--mood",
            "7",
            "--feeling",
            "calm=6",
            "--tag",
            "outside",
            "--at",
            "2026-04-02 09:00",
        ],
        "",
    );
    cli.ok(
        &[
            "journal",
            "add",
            "A hard day",
            "--at",
            "2026-05-10 21:00",
            "--trigger",
            "deadline",
        ],
        "",
    );
    let out = cli.ok(&["export", "--format", "markdown"], "");
    assert!(out.contains("# Journal — April 2026"), "{out}");
    assert!(out.contains("### 09:00 · mood 7/10"), "{out}");
    assert!(out.contains("*Feelings: calm 6 · Tags: #outside*"), "{out}");
    assert!(out.contains("# Journal — May 2026"));

    let folder = cli.data.path().join("journal");
    let folder_arg = format!("{}/", folder.display());
    cli.ok(
        &["export", "--format", "markdown", "--output", &folder_arg],
        "",
    );
    let april = std::fs::read_to_string(folder.join("2026-04.md")).unwrap();
    assert!(april.contains("Spring walk") && !april.contains("A hard day"));
    assert!(std::fs::read_to_string(folder.join("2026-05.md"))
        .unwrap()
        .contains("Triggers: deadline"));
    let err = cli.fails(
        &["export", "--format", "markdown", "--output", &folder_arg],
        "",
        2,
    );
    assert!(err.contains("already exists"), "{err}");
}

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_jrnl_export_imports_once_and_bad_files_write_nothing() {
    let cli = Cli::with_account("ada");
    for (file, says) in [
        (
            "jrnl/bad-date.json",
            "Entry 2: \"2026-02-30\" is not a date",
        ),
        ("jrnl/wrong-types.json", "Entry 2: invalid type"),
        ("jrnl/truncated.json", "not a jrnl JSON export"),
        ("jrnl/latin1.json", "is not UTF-8 text"),
    ] {
        let err = cli.fails(&["import", &fixture(file), "--from", "jrnl"], "", 2);
        assert!(err.contains(says), "{file}: {err}");
    }
    assert_eq!(
        cli.ok(&["journal", "list", "--json"], "").trim(),
        "[]",
        "nothing was written"
    );

    let report: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "import",
            &fixture("jrnl/journal.json"),
            "--from",
            "jrnl",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(
        (report["added"].clone(), report["skipped"].clone()),
        (4.into(), 0.into())
    );
    let again = cli.ok(
        &["import", &fixture("jrnl/journal.json"), "--from", "jrnl"],
        "",
    );
    assert!(again.starts_with("Added 0, skipped 4"), "{again}");

    let listed: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "journal",
            "list",
            "--json",
            "--since",
            "2026-09-01",
            "--until",
            "2026-09-30",
        ],
        "",
    ))
    .unwrap();
    let entries = listed.as_array().unwrap().clone();
    assert_eq!(entries.len(), 4);
    let review = entries
        .iter()
        .find(|e| {
            e["text"]
                .as_str()
                .unwrap()
                .starts_with("The review went fine.")
        })
        .unwrap();
    assert_eq!(
        review["text"],
        "The review went fine.\n\nTold my manager about the deadline.\n\nFelt lighter after."
    );
    assert_eq!(review["tags"], serde_json::json!(["work"]));
    assert!(review["occurred_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-09-03T18:40:00+02:00"));
    let slept = entries
        .iter()
        .find(|e| e["text"] == "Slept badly again.")
        .unwrap();
    assert_eq!(slept["starred"], true);
    assert!(entries
        .iter()
        .any(|e| e["text"] == "Café with Jo — first time in weeks."));
}

#[test]
fn day_one_daylio_and_csv_files_import_once_with_clear_errors() {
    let cli = Cli::with_account("ada");
    for (args, says) in [
        (
            vec!["--from", "dayone", &fixture("dayone/missing-date.json")],
            "missing field `creationDate`",
        ),
        (
            vec!["--from", "dayone", &fixture("dayone/truncated.zip")],
            "cannot be read",
        ),
        (
            vec!["--from", "daylio", &fixture("daylio/daylio_export.csv")],
            "These moods have no number yet: sleepy.",
        ),
        (
            vec![
                "--from",
                "daylio",
                &fixture("daylio/truncated.csv"),
                "--mood-map",
                "sleepy=4",
            ],
            "Entry 1:",
        ),
        (
            vec![
                "--from",
                "daylio",
                &fixture("daylio/daylio_export.csv"),
                "--mood-map",
                "sleepy=11",
            ],
            "from 1 to 10",
        ),
        (
            vec![
                "--from",
                "csv",
                &fixture("csv/diary.csv"),
                "--map",
                "Words=text",
            ],
            "date or datetime",
        ),
        (
            vec!["--from", "daylio", &fixture("daylio/latin1.csv")],
            "not UTF-8 text",
        ),
        (
            vec!["--from", "daylio", &fixture("daylio/bad-date.csv")],
            "Entry 2: \"2026-02-30\" is not a date",
        ),
        (
            vec![
                "--from",
                "csv",
                &fixture("csv/wrong-types.csv"),
                "--map",
                "When=datetime",
                "--map",
                "How=mood",
                "--map",
                "Words=text",
            ],
            "Entry 1: \"four\" is not a mood from 1 to 10",
        ),
        (
            vec![
                "--from",
                "csv",
                &fixture("csv/truncated.csv"),
                "--map",
                "When=datetime",
                "--map",
                "Words=text",
            ],
            "looks cut off",
        ),
    ] {
        let mut full = vec!["import"];
        full.extend(args.iter().copied());
        let err = cli.fails(&full, "", 2);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(
        cli.ok(&["journal", "list", "--json"], "").trim(),
        "[]",
        "nothing was written"
    );

    let out = cli.ok(
        &[
            "import",
            &fixture("dayone/Journal.json"),
            "--from",
            "dayone",
        ],
        "",
    );
    assert!(out.starts_with("Added 2"), "{out}");
    let out = cli.ok(
        &[
            "import",
            &fixture("daylio/daylio_export.csv"),
            "--from",
            "daylio",
            "--mood-map",
            "Sleepy=4",
        ],
        "",
    );
    assert!(out.starts_with("Added 3"), "{out}");
    let csv_args = [
        "import",
        &fixture("csv/diary.csv"),
        "--from",
        "csv",
        "--map",
        "When=datetime",
        "--map",
        "How=mood",
        "--map",
        "Words=text",
        "--map",
        "Labels=tags",
        "--map",
        "Ref=id",
    ];
    assert!(cli.ok(&csv_args, "").starts_with("Added 2"));
    // Day One's zip holds the same journal: nothing new.
    assert!(cli
        .ok(
            &["import", &fixture("dayone/export.zip"), "--from", "dayone"],
            ""
        )
        .starts_with("Added 0, skipped 2"));
    // All three again: nothing new.
    assert!(cli.ok(&csv_args, "").starts_with("Added 0, skipped 2"));
    assert!(cli
        .ok(
            &[
                "import",
                &fixture("dayone/Journal.json"),
                "--from",
                "dayone"
            ],
            ""
        )
        .starts_with("Added 0, skipped 2"));

    let all: serde_json::Value =
        serde_json::from_str(&cli.ok(&["journal", "list", "--json", "--since", "2017-01-01"], ""))
            .unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 7);
    let bangkok = all
        .iter()
        .find(|e| e["text"].as_str().unwrap().starts_with("First line"))
        .unwrap();
    assert!(bangkok["text"]
        .as_str()
        .unwrap()
        .contains("(a photo or other media from Day One, not imported)"));
    assert_eq!(bangkok["starred"], true);
    let dinner = all
        .iter()
        .find(|e| e["text"].as_str().unwrap().starts_with("Dinner"))
        .unwrap();
    assert_eq!(
        (dinner["mood"].clone(), dinner["tags"].clone()),
        (10.into(), serde_json::json!(["friends", "cooking"]))
    );
    let early = all.iter().find(|e| e["text"] == "Early night").unwrap();
    assert_eq!(early["mood"], 4);
    let hard = all
        .iter()
        .find(|e| e["text"] == "A long, hard day")
        .unwrap();
    assert_eq!(hard["tags"], serde_json::json!(["work", "tired"]));
}

#[test]
fn a_zip_bomb_or_a_file_over_the_limit_exits_2_and_imports_nothing() {
    use between_app::import::MAX_FILE_BYTES;
    let cli = Cli::with_account("ada");
    let dir = tempfile::tempdir().unwrap();
    // Its headers claim 1 KiB; it unpacks to 1 GiB.
    let bomb = dir.path().join("bomb.zip");
    std::fs::write(
        &bomb,
        between_app::testing::zips::bomb("Journal.json", 1024),
    )
    .unwrap();
    let err = cli.fails(
        &["import", bomb.to_str().unwrap(), "--from", "dayone"],
        "",
        2,
    );
    assert!(
        err.contains(
            "This zip unpacks to more than 16 MiB (at \"Journal.json\"), the most Between imports from one file."
        ),
        "{err}"
    );
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; MAX_FILE_BYTES as usize + 1]).unwrap();
    for (path, stdin) in [
        (big.to_str().unwrap(), String::new()),
        ("-", " ".repeat(MAX_FILE_BYTES as usize + 1)),
    ] {
        let err = cli.fails(&["import", path, "--from", "jrnl"], &stdin, 2);
        assert!(
            err.contains("larger than 16 MiB, the most Between imports at once"),
            "{err}"
        );
    }
    let listed = cli.ok(&["journal", "list", "--json", "--since", "1970-01-01"], "");
    assert_eq!(listed.trim(), "[]");
}

#[test]
fn a_day_one_zip_larger_than_an_upload_imports_from_disk_reading_only_its_json() {
    use between_app::import::MAX_FILE_BYTES;
    let cli = Cli::with_account("ada");
    let dir = tempfile::tempdir().unwrap();
    let journal = br#"{"entries": [{"uuid": "B1", "creationDate": "2026-09-01T10:00:00Z", "text": "Beside a large photo"}]}"#;
    let photo = vec![0xD8u8; MAX_FILE_BYTES as usize + 4 * 1024 * 1024];
    let zip = dir.path().join("export.zip");
    std::fs::write(
        &zip,
        between_app::testing::zips::stored(&[
            ("Journal.json", journal),
            ("photos/large.jpeg", &photo),
        ]),
    )
    .unwrap();
    assert!(std::fs::metadata(&zip).unwrap().len() > MAX_FILE_BYTES);
    let out = cli.ok(&["import", zip.to_str().unwrap(), "--from", "dayone"], "");
    assert!(out.starts_with("Added 1"), "{out}");
}

#[test]
fn measures_export_as_valid_fhir_r4_with_loinc_codes_and_import_back() {
    let cli = Cli::with_account("ada");
    cli.ok(
        &[
            "measure",
            "take",
            "phq9",
            "--answers",
            "1,2,1,0,3,1,0,1,0",
            "--difficulty",
            "1",
        ],
        "",
    );
    cli.ok(
        &["measure", "take", "gad7", "--answers", "2,2,1,1,0,0,1"],
        "",
    );
    let text = cli.ok(&["export", "--format", "fhir"], "");
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fhir_r4::R4::load().check(&bundle), Vec::<String>::new());
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 4, "two Questionnaires, two responses");
    let (phq_form, gad_form) = (&entries[0]["resource"], &entries[1]["resource"]);
    assert_eq!(phq_form["code"][0]["code"], "44249-1");
    assert_eq!(gad_form["code"][0]["code"], "69737-5");
    let phq = &entries[2]["resource"];
    assert_eq!(phq["questionnaire"], phq_form["url"]);
    assert_eq!(fhir_r4::fits(phq, phq_form), Vec::<String>::new());
    let links: Vec<&str> = phq["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["linkId"].as_str().unwrap())
        .collect();
    assert_eq!(
        links,
        vec![
            "44250-9",
            "44255-8",
            "44259-0",
            "44254-1",
            "44251-7",
            "44258-2",
            "44252-5",
            "44253-3",
            "44260-8",
            "difficulty",
            "44261-6"
        ]
    );
    assert_eq!(
        phq["item"][4]["answer"][0]["valueCoding"]["code"],
        "LA6571-9"
    );
    assert_eq!(
        phq["item"][4]["answer"][0]["valueCoding"]["display"],
        "Nearly every day"
    );
    assert_eq!(phq["item"][10]["answer"][0]["valueInteger"], 9);
    let gad = &entries[3]["resource"];
    assert_eq!(gad["questionnaire"], "urn:between:questionnaire:gad7");
    assert_eq!(gad["item"][7]["answer"][0]["valueInteger"], 7);

    let other = Cli::with_account("bea");
    let file = other.config.path().join("measures.fhir.json");
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();
    let out = other.ok(&["import", path, "--from", "fhir"], "");
    assert!(out.starts_with("Added 2"), "{out}");
    let listed = other.ok(&["measure", "list"], "");
    assert!(
        listed.contains("9 of 27") && listed.contains("7 of 21"),
        "{listed}"
    );
    let again = other.ok(&["import", path, "--from", "fhir"], "");
    assert!(again.contains("Added 0") && again.contains("2"), "{again}");
    std::fs::write(&file, r#"{"resourceType": "Observation"}"#).unwrap();
    let err = other.fails(&["import", path, "--from", "fhir"], "", 2);
    assert!(err.contains("Observation"), "{err}");
}

#[test]
fn a_backup_restores_the_store_and_never_overwrites() {
    let cli = Cli::with_account("ada");
    cli.ok(&["journal", "add", "Before the backup"], "");
    let backup = cli.config.path().join("backup.db");
    let backup_arg = backup.to_str().unwrap();
    let out = cli.ok(&["backup", backup_arg], "");
    assert!(
        out.contains("reveals nothing without each person's password"),
        "{out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let err = cli.fails(&["backup", backup_arg], "", 2);
    assert!(err.contains("never overwrites"), "{err}");
    cli.ok(&["journal", "add", "After the backup"], "");

    let err = cli.fails(&["restore", backup_arg], "", 2);
    assert!(err.contains("--force"), "{err}");
    let not_a_backup = cli.config.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    let err = cli.fails(
        &["restore", not_a_backup.to_str().unwrap(), "--force"],
        "",
        2,
    );
    assert!(err.contains("is not a Between backup"), "{err}");
    assert!(
        cli.ok(&["journal", "list"], "")
            .contains("After the backup"),
        "a failed restore changes nothing"
    );

    cli.ok(&["restore", backup_arg, "--force"], "");
    let list = cli.ok(&["journal", "list"], "");
    assert!(
        list.contains("Before the backup") && !list.contains("After the backup"),
        "{list}"
    );
    let kept = std::fs::read_dir(cli.data.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("between.db.before-restore-")
        });
    assert!(kept, "the replaced store is kept");
}

#[test]
fn a_postgres_store_is_backed_up_with_pg_dump_and_restored() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(first) = rt.block_on(between_store::testing::TestDb::postgres()) else {
        return; // no PostgreSQL here, and CI did not ask for it
    };
    let second = rt
        .block_on(between_store::testing::TestDb::postgres())
        .unwrap();
    rt.block_on(first.store.close());
    rt.block_on(second.store.close());
    let cli = Cli::new();
    let on = |url: &str, args: &[&str], stdin: &str| {
        let mut full = vec!["--database-url", url];
        full.extend_from_slice(args);
        cli.ok(&full, stdin)
    };
    on(
        &first.url,
        &[
            "user",
            "add",
            "ada",
            "--password-stdin",
            "--tz",
            "UTC",
            "--login",
        ],
        "pass word 123\n",
    );
    on(&first.url, &["journal", "add", "Kept in PostgreSQL"], "");
    let backup = cli.config.path().join("between.dump");
    let backup_arg = backup.to_str().unwrap();
    on(&first.url, &["backup", backup_arg], "");
    assert!(std::fs::metadata(&backup).unwrap().len() > 0);
    on(&second.url, &["restore", backup_arg, "--force"], "");
    let list = on(&second.url, &["journal", "list"], "");
    assert!(list.contains("Kept in PostgreSQL"), "{list}");
}

#[test]
fn roadblocks_are_listed_with_a_way_to_raise_them() {
    let cli = Cli::with_account("ada");
    assert!(cli.ok(&["roadblocks"], "").contains("Nothing looks stuck"));
    let today = jiff::Zoned::now().date();
    for days in [10, 3] {
        let day = today.checked_sub(jiff::Span::new().days(days)).unwrap();
        let id = cli
            .ok(&["appointment", "add", "--at", &format!("{day} 10:00")], "")
            .trim()
            .to_string();
        cli.ok(&["appointment", "miss", &id], "");
    }
    let out = cli.ok(&["roadblocks"], "");
    assert!(
        out.contains("2 appointments were cancelled or missed in the last 6 weeks."),
        "{out}"
    );
    assert!(
        out.contains("You could say:") && out.contains("If therapy feels stuck:"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&cli.ok(&["roadblocks", "--json"], "")).unwrap();
    assert_eq!(json["roadblocks"][0]["kind"], "missed_sessions");
}

#[test]
fn prep_drafts_the_agenda_from_what_happened_since_the_last_session() {
    let cli = Cli::with_account("ada");
    cli.ok(
        &[
            "journal",
            "add",
            "Panic before the review",
            "--mood",
            "3",
            "--feeling",
            "anxious=9",
            "--trigger",
            "work meeting",
        ],
        "",
    );
    cli.ok(&["question", "add", "Why do I freeze in meetings?"], "");
    let out = cli.ok(&["prep"], "");
    assert!(out.starts_with("Agenda for my next session\n"), "{out}");
    assert!(out.contains("A draft:"), "{out}");
    assert!(
        out.contains("Since last time\n  1. 1 journal entry since last time; average mood 3.0 (only 1 day with a mood: too few to tell how it moved)."),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("  2. ")
                && l.ends_with("(anxious 9/10): Panic before the review")),
        "{out}"
    );
    assert!(
        out.contains("Questions\n  3. Why do I freeze in meetings?"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&cli.ok(&["prep", "--json"], "")).unwrap();
    assert_eq!(json["saved"], false);
    let sections: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["section"].as_str().unwrap())
        .collect();
    assert_eq!(sections, vec!["since_last", "since_last", "questions"]);
    assert_eq!(json["items"][2]["fits"], true);
    assert_eq!(json["session_minutes"], 50);
}

#[test]
fn prep_edits_save_the_agenda_and_later_data_waits_for_a_refresh() {
    let cli = Cli::with_account("ada");
    cli.ok(&["question", "add", "Why do I freeze in meetings?"], "");
    let out = cli.ok(&["prep", "add", "Talk about my sister"], "");
    assert!(out.contains("  3. Talk about my sister"), "{out}");
    assert!(!out.contains("A draft:"), "the first edit saves it: {out}");
    cli.ok(&["prep", "move", "3", "--to", "1"], "");
    cli.ok(&["prep", "top", "1"], "");
    let question_id = {
        let json: serde_json::Value =
            serde_json::from_str(&cli.ok(&["prep", "--json"], "")).unwrap();
        assert_eq!(json["saved"], true);
        assert_eq!(json["items"][0]["text"], "Talk about my sister");
        assert_eq!(json["items"][0]["top"], true);
        assert_eq!(json["items"][0]["section"], "own");
        json["items"][2]["id"].as_str().unwrap().to_string()
    };
    cli.ok(&["prep", "remove", &question_id], "");
    cli.ok(&["question", "add", "Is group therapy for me?"], "");
    let out = cli.ok(&["prep"], "");
    assert!(
        !out.contains("group therapy"),
        "a saved agenda is stable: {out}"
    );
    assert!(!out.contains("freeze"), "removed: {out}");
    let changes = cli.ok(&["prep", "changes"], "");
    assert!(changes.contains("+ Is group therapy for me?"), "{changes}");
    assert!(
        !changes.contains("freeze"),
        "a removed point stays removed: {changes}"
    );
    let out = cli.ok(&["prep", "refresh"], "");
    assert!(out.contains("Is group therapy for me?"), "{out}");
    assert!(out.contains("★ Talk about my sister"), "{out}");
    let md = cli.ok(&["prep", "--format", "md"], "");
    assert!(md.starts_with("# Agenda for my next session\n"), "{md}");
    assert!(md.contains("1. **Talk about my sister**"), "{md}");
    let err = cli.fails(&["prep", "move", "1", "--to", "9"], "", 2);
    assert!(
        err.contains("Position 9 is outside the agenda (1 to 3)"),
        "{err}"
    );
    let err = cli.fails(&["prep", "remove", "7"], "", 2);
    assert!(err.contains("There is no point 7 on this agenda."), "{err}");
    let pdf = cli.data.path().join("agenda.pdf");
    cli.ok(
        &["prep", "--format", "pdf", "--output", pdf.to_str().unwrap()],
        "",
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Some((pages, text)) = poppler::read_back(&pdf) {
        assert_eq!(pages, 1);
        assert!(text.contains("Talk about my sister"), "{text}");
        assert!(text.contains("Agenda for my next session"), "{text}");
    }
    cli.ok(&["prep", "minutes", "30"], "");
    let json: serde_json::Value = serde_json::from_str(&cli.ok(&["prep", "--json"], "")).unwrap();
    assert_eq!(json["session_minutes"], 30);
    let err = cli.fails(&["prep", "minutes", "3"], "", 2);
    assert!(err.contains("10 to 240 minutes"), "{err}");
}

#[test]
fn review_shows_a_period_saves_it_with_reflections_and_compares() {
    let cli = Cli::with_account("ada");
    cli.ok(&["journal", "add", "A calmer week", "--mood", "7"], "");
    cli.ok(
        &[
            "insight",
            "add",
            "Breathe out longer than in",
            "--kind",
            "strategy",
        ],
        "",
    );
    let out = cli.ok(&["review", "--since", "4w"], "");
    assert!(out.starts_with("Progress review: "), "{out}");
    assert!(out.contains("4 weeks"), "{out}");
    assert!(
        out.contains("Strategies I learned\n- ") && out.contains(": Breathe out longer than in"),
        "{out}"
    );
    assert!(
        out.contains("Mood\n- 1 entry with a mood.\n- Your average mood was 7.0. There was only 1 day with a mood: too few to tell how it moved."),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&cli.ok(&["review", "--since", "4w", "--json"], "")).unwrap();
    assert_eq!(json["strategies"][0]["text"], "Breathe out longer than in");
    let saved = cli.ok(
        &[
            "review",
            "save",
            "--since",
            "4w",
            "--learned",
            "I can slow down",
        ],
        "",
    );
    let id = saved
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('.')
        .to_string();
    cli.ok(&["review", "save", "--since", "2w"], "");
    let list = cli.ok(&["review", "list"], "");
    assert_eq!(list.lines().count(), 2, "{list}");
    let shown = cli.ok(&["review", "show", &id], "");
    assert!(
        shown.contains("What have I learned?\n  I can slow down"),
        "{shown}"
    );
    let second = list
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let shown = cli.ok(&["review", "show", &second], "");
    assert!(shown.contains("Compared with the review of"), "{shown}");
    let pdf = cli.data.path().join("review.pdf");
    cli.ok(
        &[
            "review",
            "show",
            &id,
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ],
        "",
    );
    if let Some((pages, text)) = poppler::read_back(&pdf) {
        assert!(pages >= 1);
        assert!(text.contains("I can slow down"), "{text}");
        assert!(text.contains("Breathe out longer than in"), "{text}");
    }
    let html = cli.ok(&["review", "--since", "4w", "--format", "html"], "");
    assert!(
        html.starts_with("<!doctype html>") && html.contains("<svg"),
        "{html}"
    );
    let err = cli.fails(&["review", "--since", "soon"], "", 2);
    assert!(err.contains("soon"), "{err}");
    let err = cli.fails(&["review", "every", "0"], "", 2);
    assert!(err.contains("1 to 52 weeks"), "{err}");
    cli.ok(&["review", "every", "6"], "");
    let due = cli.ok(&["review", "due"], "");
    assert!(due.contains("due on"), "{due}");
    cli.ok(&["review", "delete", &id], "");
    assert_eq!(cli.ok(&["review", "list"], "").lines().count(), 1);
}

#[test]
fn a_client_links_a_therapist_and_chooses_what_they_see() {
    let cli = Cli::with_account("ada");
    cli.ok(
        &[
            "user",
            "add",
            "dr-rivera",
            "--role",
            "therapist",
            "--password-stdin",
            "--tz",
            "Europe/Berlin",
            "--login",
        ],
        "pass word 456\n",
    );
    cli.ok(
        &[
            "--user",
            "ada",
            "measure",
            "take",
            "gad7",
            "--answers",
            "1,1,1,1,1,1,1",
        ],
        "",
    );
    let invite: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "ada", "share", "invite", "--json"], "")).unwrap();
    let code = invite["code"].as_str().unwrap();
    assert!(invite["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/share/accept?code={code}")));
    assert!(invite["expires_at"].is_string());
    let err = cli.fails(&["--user", "ada", "share", "accept", code], "", 2);
    assert!(err.contains("Only a therapist"), "{err}");
    let out = cli.ok(&["--user", "dr-rivera", "share", "accept", code], "");
    assert!(out.contains("Linked with ada."), "{out}");
    let out = cli.ok(&["--user", "dr-rivera", "client", "ada"], "");
    assert!(out.contains("ada shares: nothing yet"), "{out}");
    assert!(!out.contains("GAD-7"), "{out}");

    let err = cli.fails(
        &[
            "--user",
            "ada",
            "share",
            "scope",
            "dr-rivera",
            "--on",
            "everything",
        ],
        "",
        2,
    );
    assert!(
        err.contains("\"everything\" is not something to share"),
        "{err}"
    );
    let out = cli.ok(
        &[
            "--user",
            "ada",
            "share",
            "scope",
            "dr-rivera",
            "--on",
            "measures",
            "goals",
        ],
        "",
    );
    assert!(
        out.contains("dr-rivera now sees: measures, goals."),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "dr-rivera", "client", "ada", "--json"], ""))
            .unwrap();
    assert_eq!(json["shared"]["measures"][0]["instrument"], "gad7");
    assert_eq!(json["shared"]["measures"][0]["total"], 7);
    let clients: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "dr-rivera", "clients", "--json"], "")).unwrap();
    assert_eq!(clients["clients"][0]["name"], "ada");

    let log = cli.ok(&["--user", "ada", "access-log"], "");
    assert!(log.contains("dr-rivera  measures"), "{log}");
    let list = cli.ok(&["--user", "ada", "share", "list"], "");
    assert!(list.contains("dr-rivera (since"), "{list}");

    // The shared agenda: the therapist reads it and adds a point the
    // client sees under their agenda.
    cli.ok(&["--user", "ada", "question", "add", "Is this normal?"], "");
    cli.ok(
        &[
            "--user",
            "ada",
            "share",
            "scope",
            "dr-rivera",
            "--on",
            "agenda",
        ],
        "",
    );
    let out = cli.ok(&["--user", "dr-rivera", "client", "ada"], "");
    assert!(out.contains("Is this normal?"), "{out}");
    let out = cli.ok(
        &[
            "--user",
            "dr-rivera",
            "client",
            "ada",
            "--point",
            "Sleep first",
        ],
        "",
    );
    assert!(out.contains("Added your point to ada's agenda"), "{out}");
    let out = cli.ok(&["--user", "ada", "prep"], "");
    assert!(out.contains("From your therapist"), "{out}");
    assert!(out.contains("dr-rivera (a point): Sleep first"), "{out}");

    // Assigned practice: the therapist assigns, the client declines one
    // with a note and accepts another on a schedule of their own.
    let err = cli.fails(
        &[
            "--user",
            "ada",
            "assign",
            "dr-rivera",
            "--practice",
            "x",
            "--schedule",
            "daily",
        ],
        "",
        2,
    );
    assert!(err.contains("Only a therapist assigns practice"), "{err}");
    let letter = cli.ok(
        &[
            "--user",
            "dr-rivera",
            "assign",
            "ada",
            "--practice",
            "Write a letter",
            "--schedule",
            "daily",
        ],
        "",
    );
    let walk = cli.ok(
        &[
            "--user",
            "dr-rivera",
            "assign",
            "ada",
            "--practice",
            "Walk",
            "--schedule",
            "daily",
            "--instructions",
            "Twenty minutes outside",
        ],
        "",
    );
    let list = cli.ok(&["--user", "ada", "practice", "assigned"], "");
    assert!(
        list.contains("Walk (daily) from dr-rivera, pending"),
        "{list}"
    );
    let err = cli.fails(
        &[
            "--user",
            "ada",
            "practice",
            "decline",
            letter.trim(),
            "--note",
            " ",
        ],
        "",
        2,
    );
    assert!(err.contains("Say in a few words why"), "{err}");
    cli.ok(
        &[
            "--user",
            "ada",
            "practice",
            "decline",
            letter.trim(),
            "--note",
            "Not yet",
        ],
        "",
    );
    let out = cli.ok(
        &[
            "--user",
            "ada",
            "practice",
            "accept",
            walk.trim(),
            "--schedule",
            "mon,wed,fri",
        ],
        "",
    );
    assert!(out.contains("Walk"), "{out}");
    let practices = cli.ok(&["--user", "ada", "practice", "list", "--json"], "");
    assert!(
        practices.contains("\"assigned_by\": \"dr-rivera\""),
        "{practices}"
    );
    let out = cli.ok(&["--user", "dr-rivera", "client", "ada"], "");
    assert!(
        out.contains("Write a letter (daily): declined: \"Not yet\""),
        "{out}"
    );
    assert!(
        out.contains("Walk (Mon, Wed, Fri): accepted as Mon, Wed, Fri"),
        "{out}"
    );

    // An appointment can name the linked therapist.
    let err = cli.fails(
        &[
            "--user",
            "ada",
            "appointment",
            "add",
            "--at",
            "2030-01-07 10:00",
            "--therapist",
            "dr-nobody",
        ],
        "",
        2,
    );
    assert!(err.contains("not linked with a therapist called"), "{err}");
    let a: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "--user",
            "ada",
            "appointment",
            "add",
            "--at",
            "2030-01-07 10:00",
            "--therapist",
            "dr-rivera",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(a["with"], "dr-rivera");
    assert!(a["therapist_id"].is_string(), "{a}");
    let out = cli.ok(&["--user", "dr-rivera", "client", "ada"], "");
    assert!(out.contains("Mon 7 Jan 2030, 10:00 (planned)"), "{out}");

    // A private link of the agenda: printed once, listed, revoked.
    let err = cli.fails(
        &[
            "--user",
            "ada",
            "share",
            "link",
            "agenda",
            "--expires",
            "soon",
        ],
        "",
        2,
    );
    assert!(err.contains("\"soon\" is not a length of time"), "{err}");
    let link: serde_json::Value = serde_json::from_str(&cli.ok(
        &[
            "--user",
            "ada",
            "share",
            "link",
            "agenda",
            "--expires",
            "2d",
            "--max-views",
            "3",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert!(link["url"].as_str().unwrap().contains("/s/"), "{link}");
    assert_eq!(link["max_views"], 3);
    let links = cli.ok(&["--user", "ada", "share", "links"], "");
    assert!(
        links.contains("Agenda for Monday 7 January 2030, 10:00  open"),
        "{links}"
    );
    let id = link["id"].as_str().unwrap();
    cli.ok(&["--user", "ada", "share", "revoke-link", id], "");
    let links: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "ada", "share", "links", "--json"], "")).unwrap();
    assert_eq!(links["private_links"][0]["state"], "revoked");

    cli.ok(&["--user", "ada", "share", "end", "dr-rivera"], "");
    let err = cli.fails(&["--user", "dr-rivera", "client", "ada"], "", 2);
    assert!(err.contains("not a linked client"), "{err}");
}

#[test]
fn a_therapist_asks_for_questionnaires_and_the_client_accepts_them() {
    let cli = Cli::with_account("ada");
    cli.ok(
        &[
            "user",
            "add",
            "dr-rivera",
            "--role",
            "therapist",
            "--password-stdin",
            "--tz",
            "Europe/Berlin",
            "--login",
        ],
        "pass word 456\n",
    );
    let invite: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "ada", "share", "invite", "--json"], "")).unwrap();
    let code = invite["code"].as_str().unwrap();
    cli.ok(&["--user", "dr-rivera", "share", "accept", code], "");
    let ask = [
        "--user",
        "dr-rivera",
        "measure",
        "ask",
        "ada",
        "--ask",
        "pcl5-weekly=every:1w",
        "--ask",
        "phq9=before",
    ];
    let err = cli.fails(&ask, "", 2);
    assert!(err.contains("not shared with you"), "{err}");
    cli.ok(
        &[
            "--user",
            "ada",
            "share",
            "scope",
            "dr-rivera",
            "--on",
            "measures",
        ],
        "",
    );
    let err = cli.fails(
        &[
            "--user",
            "dr-rivera",
            "measure",
            "ask",
            "ada",
            "--ask",
            "who5=fortnightly",
        ],
        "",
        2,
    );
    assert!(err.contains("fortnightly"), "{err}");
    let out = cli.ok(&ask, "");
    assert!(
        out.contains("Asked ada for: PCL-5 (past week) every week"),
        "{out}"
    );
    let requests: serde_json::Value =
        serde_json::from_str(&cli.ok(&["--user", "ada", "measure", "requests", "--json"], ""))
            .unwrap();
    assert_eq!(requests[0]["state"], "pending");
    let id = requests[0]["id"].as_str().unwrap();
    let out = cli.ok(&["--user", "ada", "measure", "accept", id], "");
    assert!(out.starts_with("Accepted"), "{out}");
    let schedule = cli.ok(&["--user", "ada", "measure", "schedule", "pcl5-weekly"], "");
    assert!(schedule.contains("every week"), "{schedule}");
    let err = cli.fails(&["--user", "ada", "measure", "decline", id], "", 2);
    assert!(err.contains("already"), "{err}");
}

#[test]
fn warning_signs_are_added_listed_checked_and_deleted() {
    let cli = Cli::with_account("ada");
    let err = cli.fails(&["warning-sign", "add", "Not sleeping"], "", 2);
    assert!(err.contains("--tracker"), "{err}");
    let err = cli.fails(
        &[
            "warning-sign",
            "add",
            "Low",
            "--low-mood",
            "3",
            "--days",
            "9",
            "--within",
            "7",
        ],
        "",
        2,
    );
    assert!(err.contains("no more days than the window"), "{err}");
    let out = cli.ok(
        &[
            "warning-sign",
            "add",
            "Withdrawing",
            "--tag",
            "withdrew",
            "--times",
            "2",
            "--within",
            "7",
        ],
        "",
    );
    assert!(
        out.contains("Added: Withdrawing (the tag #withdrew 2 times within 7 days)"),
        "{out}"
    );
    assert!(out.contains("nobody watches it in real time"), "{out}");
    assert!(cli
        .ok(&["warning-sign", "check"], "")
        .contains("None of your warning signs matches now"));
    cli.ok(&["journal", "add", "Stayed in", "--tag", "withdrew"], "");
    cli.ok(
        &["journal", "add", "Cancelled on Sam", "--tag", "#Withdrew"],
        "",
    );
    let check = cli.ok(&["warning-sign", "check"], "");
    assert!(
        check.contains("Withdrawing") && check.contains("matches now: #withdrew 2 times"),
        "{check}"
    );
    let list: serde_json::Value =
        serde_json::from_str(&cli.ok(&["warning-sign", "list", "--json"], "")).unwrap();
    assert_eq!(list[0]["rule"]["kind"], "tag");
    assert!(
        list[0]["last_matched"]["noticed"].is_string(),
        "the match is recorded: {list}"
    );
    let err = cli.fails(
        &[
            "warning-sign",
            "add",
            "Low",
            "--low-mood",
            "3",
            "--tell",
            "dr-nobody",
        ],
        "",
        2,
    );
    assert!(
        err.contains("no link with a therapist of that name"),
        "{err}"
    );
    let id = list[0]["id"].as_str().unwrap();
    assert!(cli
        .ok(&["warning-sign", "show", id], "")
        .contains("Withdrawing"));
    cli.ok(&["warning-sign", "delete", id], "");
    assert!(cli
        .ok(&["warning-sign", "list"], "")
        .contains("No warning signs yet"));
}

#[test]
fn part_of_an_entry_is_shared_and_deleting_the_entry_asks_about_it() {
    let cli = Cli::with_account("ada");
    let id = cli
        .ok(
            &["journal", "add", "Slept badly. My brother's debt again."],
            "",
        )
        .trim()
        .to_string();
    let out = cli.ok(&["journal", "share", &id, "--excerpt", "Slept badly."], "");
    assert!(
        out.contains("Shared an excerpt of the entry; the rest stays private"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&cli.ok(
        &["journal", "share", &id, "--summary", "-", "--json"],
        "A rough week for sleep.",
    ))
    .unwrap();
    assert_eq!(json["excerpt"], "summary");
    assert_eq!(json["text"], "A rough week for sleep.");
    let err = cli.fails(&["journal", "delete", &id], "", 2);
    assert!(
        err.contains("--with-excerpt") && err.contains("--keep-excerpt"),
        "{err}"
    );
    cli.ok(&["journal", "delete", &id, "--with-excerpt"], "");
    cli.ok(&["journal", "restore", &id], "");
    let out = cli.ok(&["journal", "share", &id], "");
    assert!(out.contains("Shared all of the entry"), "{out}");
    let out = cli.ok(&["journal", "share", &id, "--off"], "");
    assert!(out.contains("nothing of it is shared"), "{out}");
}

/// Waits until the current 30-second step has just begun, so that codes of
/// the step before, this one and the next are all accepted for a while.
fn at_the_start_of_a_step() -> u64 {
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if (1..=15).contains(&(now % 30)) {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

#[test]
fn two_step_sign_in_asks_the_cli_for_a_code_for_logins_tokens_and_deletion() {
    let cli = Cli::with_account("gia");
    let url = format!("sqlite://{}", cli.data.path().join("between.db").display());
    let now = at_the_start_of_a_step();
    // Codes turned on as the settings page does (with the code of the step
    // before, which leaves this step's and the next's for the CLI).
    let rt = tokio::runtime::Runtime::new().unwrap();
    let totp = rt.block_on(async {
        let store = between_store::Store::connect(&url).await.unwrap();
        let app = between_app::App::new(store.clone(), between_app::Config::testing());
        let (p, _) = app
            .sign_in(
                "gia",
                "pass word 123",
                "test",
                between_app::sessions::SignInAs::Device,
                "test",
            )
            .await
            .unwrap();
        let enrolment = app.totp_enrolment(&p).unwrap();
        let totp = between_domain::totp::Totp::from_base32(&enrolment.secret).unwrap();
        let confirmed = app
            .confirm_password(
                &p,
                "pass word 123",
                &between_app::throttle::Attempt::from("t"),
            )
            .await
            .unwrap();
        app.enable_totp(&p, confirmed, &enrolment.secret, &totp.code_at(now - 30))
            .await
            .unwrap();
        app.settle().await;
        store.close().await;
        totp
    });

    let err = cli.fails(&["login", "gia", "--password-stdin"], "pass word 123\n", 2);
    assert!(err.contains("--totp CODE"), "{err}");
    let err = cli.fails(
        &["login", "gia", "--password-stdin", "--totp", "12 34"],
        "pass word 123\n",
        2,
    );
    assert!(err.contains("6 digits"), "{err}");
    cli.ok(
        &[
            "login",
            "gia",
            "--password-stdin",
            "--totp",
            &totp.code_at(now),
        ],
        "pass word 123\n",
    );
    // The same code a second time is refused.
    let err = cli.fails(
        &[
            "login",
            "gia",
            "--password-stdin",
            "--totp",
            &totp.code_at(now),
        ],
        "pass word 123\n",
        2,
    );
    assert!(err.contains("used already"), "{err}");
    let err = cli.fails(
        &["token", "create", "--name", "script", "--password-stdin"],
        "pass word 123\n",
        2,
    );
    assert!(err.contains("--totp CODE"), "{err}");
    let token = cli.ok(
        &[
            "token",
            "create",
            "--name",
            "script",
            "--password-stdin",
            "--totp",
            &totp.code_at(now + 30),
        ],
        "pass word 123\n",
    );
    assert!(token.trim().starts_with("btw_"), "{token}");
    let err = cli.fails(
        &[
            "user",
            "delete",
            "gia",
            "--confirm",
            "gia",
            "--password-stdin",
        ],
        "pass word 123\n",
        2,
    );
    assert!(err.contains("--totp CODE"), "{err}");
    assert!(cli.ok(&["security-log"], "").contains("turned on"));
}
