//! The OpenAPI document is as strict as the server: every request body
//! and query parameter it describes is closed and bounded (objects name
//! their properties, lists and strings have a most, whole numbers a range),
//! every operation lists the errors the API's boundary answers, and the
//! error codes are exactly those the server sends. (That it is valid
//! OpenAPI 3.1 and that the server keeps to it is `api_conformance.rs`.)

#![allow(clippy::unwrap_used)]

use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(include_str!("../openapi.json")).unwrap()
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').unwrap();
            resolve(doc, doc.pointer(pointer).unwrap_or_else(|| panic!("{r}")))
        }
        None => schema,
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Where `schema` (something a client sends) is open or unbounded.
fn loose(doc: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            for (i, b) in branches.iter().enumerate() {
                loose(doc, b, &format!("{at}/{key}[{i}]"), out);
            }
        }
    }
    if schema.get("const").is_some() || schema.get("enum").is_some() {
        return;
    }
    let ts = types(schema);
    if ts.contains(&"object") || schema.get("properties").is_some() {
        match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => {}
            Some(extra @ Value::Object(_))
                if schema.get("propertyNames").is_some()
                    || schema.get("maxProperties").is_some() =>
            {
                loose(doc, extra, &format!("{at}/additionalProperties"), out);
            }
            _ => out.push(format!("{at}: an object open to any property")),
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                loose(doc, p, &format!("{at}.{name}"), out);
            }
        }
    }
    if ts.contains(&"array") {
        if schema.get("maxItems").is_none() {
            out.push(format!("{at}: a list without maxItems"));
        }
        if let Some(items) = schema.get("items") {
            loose(doc, items, &format!("{at}[]"), out);
        }
    }
    if ts.contains(&"string") {
        let bounded = schema.get("maxLength").is_some()
            || schema.get("pattern").is_some()
            || matches!(
                schema.get("format").and_then(Value::as_str),
                Some("uuid" | "date" | "binary")
            );
        if !bounded {
            out.push(format!("{at}: a string without maxLength or pattern"));
        }
    }
    if ts.contains(&"integer")
        && (schema.get("minimum").is_none() || schema.get("maximum").is_none())
    {
        out.push(format!("{at}: a whole number without minimum and maximum"));
    }
}

fn operations(doc: &Value) -> Vec<(String, String, &Value, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), op, item));
            }
        }
    }
    out
}

#[test]
fn every_request_body_and_query_parameter_is_closed_and_bounded() {
    let doc = document();
    let mut found = Vec::new();
    for (method, path, op, item) in operations(&doc) {
        let parameters = op["parameters"]
            .as_array()
            .into_iter()
            .chain(item["parameters"].as_array())
            .flatten();
        for p in parameters {
            let name = p["name"].as_str().unwrap();
            loose(
                &doc,
                &p["schema"],
                &format!("{method} {path} ?{name}"),
                &mut found,
            );
        }
        let Some(content) = op["requestBody"]["content"].as_object() else {
            continue;
        };
        for (media, body) in content {
            // An archive's own schema is docs/archive-v1.schema.json; import
            // checks every record of it.
            if path == "/import" {
                continue;
            }
            loose(
                &doc,
                &body["schema"],
                &format!("{method} {path} ({media})"),
                &mut found,
            );
        }
    }
    assert!(
        found.is_empty(),
        "looser than the server:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_operation_lists_the_errors_the_boundary_answers() {
    let doc = document();
    let mut missing = Vec::new();
    for (method, path, op, _) in operations(&doc) {
        // Any query string is checked before a handler runs.
        let mut codes = vec!["400"];
        if path != "/openapi.json" {
            codes.extend(["401", "403"]);
        }
        if path.contains('{') {
            codes.push("404");
        }
        if op.get("requestBody").is_some() {
            codes.extend(["413", "422"]);
        }
        for code in codes {
            let r = &op["responses"][code];
            if r["$ref"] != "#/components/responses/Error" {
                missing.push(format!("{method} {path}: {code}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented errors:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_error_codes_are_exactly_those_the_server_sends() {
    let doc = document();
    let documented: Vec<&str> = doc["components"]["schemas"]["Error"]["properties"]["error"]
        ["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let sent: Vec<&str> = between::web::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(documented, sent);
}
