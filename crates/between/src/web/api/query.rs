//! The API's only way to read a query string: [`ApiQuery`] decodes it into
//! a type whose fields are the parameters. Names and values are checked by
//! the storable rule (no NUL, valid UTF-8 after percent-decoding); an empty
//! value means the parameter is absent; a parameter the type does not know,
//! or one given twice where one is expected, is refused; numbers and
//! booleans are read as the field's type. Every failure is a 400 in the
//! API's error shape naming the parameter.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use between_domain::storable::check_bytes;
use between_domain::ValidationErrors;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::strict::{self, Source};
use super::ApiError;

/// At most this many parameters are read; a longer query is refused.
const MAX_PARAMETERS: usize = 100;

/// The query string decoded into `T`.
pub struct ApiQuery<T>(pub T);

/// One `name=value` pair, decoded: `+` is a space, `%XX` a byte.
fn decode_part(raw: &str) -> Vec<u8> {
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).collect()
}

/// The parameters as a JSON object of strings (arrays when repeated).
pub fn parameters(query: &str) -> Result<Map<String, Value>, ValidationErrors> {
    let mut out = Map::new();
    let mut errors = ValidationErrors::new();
    for (n, pair) in query.split('&').filter(|p| !p.is_empty()).enumerate() {
        if n >= MAX_PARAMETERS {
            return Err(ValidationErrors::single(
                "query",
                format!("A query takes at most {MAX_PARAMETERS} parameters."),
            ));
        }
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name_bytes = decode_part(raw_name);
        let name = match check_bytes(&String::from_utf8_lossy(&name_bytes), &name_bytes) {
            Ok(name) => name.to_string(),
            Err(e) => {
                merge(&mut errors, e);
                continue;
            }
        };
        let value_bytes = decode_part(raw_value);
        let value = match check_bytes(&name, &value_bytes) {
            Ok(value) => value.trim().to_string(),
            Err(e) => {
                merge(&mut errors, e);
                continue;
            }
        };
        if value.is_empty() {
            continue;
        }
        match out.get_mut(&name) {
            None => {
                out.insert(name, Value::String(value));
            }
            Some(Value::Array(values)) => values.push(Value::String(value)),
            Some(first) => {
                let first = first.take();
                out.insert(name, Value::Array(vec![first, Value::String(value)]));
            }
        }
    }
    errors.into_result(out)
}

fn merge(into: &mut ValidationErrors, from: ValidationErrors) {
    for (field, message) in from.fields() {
        into.add(field, message.clone());
    }
}

/// Decodes a query string (without the `?`) into `T`.
pub fn decode<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let params = parameters(query).map_err(ApiError::bad_query)?;
    strict::from_value(&Value::Object(params), Source::Query).map_err(|e| {
        let name = if e.path == "." {
            "query".to_string()
        } else {
            e.path
        };
        let quoted = between_domain::echo::quote(&name);
        let message = if e.message.starts_with("unknown field") {
            // serde names the field again; say which are known instead.
            match e.message.split_once(", expected ") {
                Some((_, known)) => format!(
                    "{quoted} is not a parameter of this endpoint (expected {}).",
                    between_domain::echo::cut(known, 300)
                ),
                None => format!("{quoted} is not a parameter of this endpoint."),
            }
        } else {
            format!("{quoted}: {}.", between_domain::echo::cut(&e.message, 300))
        };
        ApiError::bad_query(ValidationErrors::single(
            &between_domain::storable::field_label(&name),
            message,
        ))
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        decode(parts.uri.query().unwrap_or("")).map(ApiQuery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Params {
        since: Option<String>,
        limit: Option<u32>,
        #[serde(default)]
        map: Vec<String>,
    }

    fn fields(query: &str) -> ValidationErrors {
        parameters(query).unwrap_err()
    }

    #[test]
    fn values_are_percent_decoded_and_empty_means_absent() {
        let p: Params = decode("since=2026-01-01+10%3A00&limit=&map=a%3Db&map=c=d").unwrap();
        assert_eq!(
            p,
            Params {
                since: Some("2026-01-01 10:00".into()),
                limit: None,
                map: vec!["a=b".into(), "c=d".into()]
            }
        );
    }

    #[test]
    fn nul_and_invalid_utf8_are_refused_naming_the_parameter() {
        assert!(fields("since=a%00b").get("since").unwrap().contains("NUL"));
        assert!(fields("since=%FF").get("since").unwrap().contains("UTF-8"));
        assert!(fields("q%00=1").to_string().contains("NUL"));
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        for q in ["colour=red", "since=a&since=b", "limit=ten"] {
            assert!(decode::<Params>(q).is_err(), "{q}");
        }
    }

    #[test]
    fn a_flood_of_parameters_is_refused() {
        let q = vec!["a=1"; MAX_PARAMETERS + 1].join("&");
        assert!(fields(&q).get("query").is_some());
    }
}
