//! Page input at one boundary (`src/web/forms/`): no page handler reads a
//! body or a query string itself, every page refuses a query parameter
//! holding text no backend may store, naming it, and uploaded files are
//! left to the code that reads files while the text fields beside them are
//! held to the rule. (Every state-changing page's refusal of untrusted
//! forms is proved route by route in `authorization.rs`.)

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use between::web::route_table::endpoints;
use support::{Jar, TestApp};

/// Extractors that would hand a handler the raw body or query string.
const RAW: &[&str] = &[
    "body::Bytes",
    ": Bytes",
    "Bytes>",
    "Multipart",
    "RawForm",
    "RawQuery",
    "axum::Form",
    "extract::Form",
    "Json<",
    "Request<",
    "Request,",
    "BodyStream",
    " Query<",
    "(Query",
    "::Query",
];

#[test]
fn no_page_handler_reads_a_body_or_query_string_itself() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/routes");
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        files += 1;
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if RAW.iter().any(|raw| line.contains(raw)) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(files > 20, "read only {files} files");
    assert!(
        found.is_empty(),
        "read forms with SignedForm, SignedFormOrStale, MaybeSignedForm or AnonForm and \
         queries with PageQuery (crate::web::forms) instead of:\n{}",
        found.join("\n")
    );
}

#[tokio::test]
async fn every_page_refuses_a_query_parameter_with_a_nul_or_invalid_utf8_naming_it() {
    let t = TestApp::new().await;
    let signed_in = t.signed_in("ada").await;
    let pages: Vec<_> = endpoints()
        .into_iter()
        .filter(|e| !e.path.starts_with("/api/"))
        .collect();
    assert!(pages.len() > 100, "only {} page routes", pages.len());
    let id = uuid::Uuid::now_v7().to_string();
    let mut wrong = Vec::new();
    for e in &pages {
        let path: String = e
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { id.as_str() } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for (query, what) in [
            ("mood=5&look=ok%00", "a NUL"),
            ("look=caf%E9", "invalid UTF-8"),
        ] {
            for jar in [&Jar::default(), &signed_in] {
                let request = Request::builder()
                    .method(e.method.as_str())
                    .uri(format!("{path}?{query}"))
                    .header(header::COOKIE, jar.header())
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::empty())
                    .unwrap();
                let got = t.send(request).await;
                if got.status != StatusCode::BAD_REQUEST || !got.body.contains("&#34;look&#34;") {
                    wrong.push(format!("{} {path} with {what}: {}", e.method, got.status));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "not refused:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_page_query_that_does_not_parse_gets_a_page_saying_so() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let got = t.get("/journal?before=one&before=twice", &jar).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert!(
        got.body.contains("does not understand") && got.body.contains("before"),
        "{}",
        got.body
    );
    let got = t.get("/journal/search?q=caf%C3%A9", &jar).await;
    assert_eq!(got.status, StatusCode::OK, "a query in any script is read");
}

/// A multipart body of text fields and one file.
fn multipart(fields: &[(&str, &[u8])], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----between-input-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn an_uploaded_file_reaches_the_importer_while_its_text_fields_follow_the_rule() {
    let t = TestApp::new().await;
    let jar = t.signed_in("ada").await;
    let csrf = t.csrf(&jar).await;
    let send = |fields: Vec<(&'static str, Vec<u8>)>, file: &'static [u8]| {
        let borrowed: Vec<(&str, &[u8])> = fields.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        let (kind, body) = multipart(&borrowed, file);
        t.send(
            Request::post("/settings/import")
                .header(header::COOKIE, jar.header())
                .header(header::CONTENT_TYPE, kind)
                .body(Body::from(body))
                .unwrap(),
        )
    };
    // A file of any bytes is the importer's to judge: it answers, not the form.
    let binary = send(
        vec![
            ("csrf", csrf.clone().into_bytes()),
            ("from", b"daylio".to_vec()),
        ],
        b"\xff\xfe\x00not text",
    )
    .await;
    assert_eq!(
        binary.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        binary.body
    );
    assert!(
        binary.body.contains("Nothing was imported"),
        "{}",
        binary.body
    );
    // A text field beside it is held to the rule, naming the field.
    for bad in [b"dayl\x00io".to_vec(), b"dayl\xe9o".to_vec()] {
        let refused = send(
            vec![
                ("csrf", csrf.clone().into_bytes()),
                ("from", b"daylio".to_vec()),
                ("mood_map", bad),
            ],
            b"full_date,date,weekday,time,mood,activities,note_title,note\n",
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused.body.contains("&#34;mood_map&#34;"),
            "{}",
            refused.body
        );
    }
    let list = t.get("/journal", &jar).await;
    assert!(list.body.contains("No entries yet"));
}
