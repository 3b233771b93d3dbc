//! A warning sign in JSON, for `between warning-sign … --json` and
//! `/api/v1/warning-signs`: its rule (as the domain writes it) and in
//! words, which therapists are told, whether it matches now and when it
//! last matched; and the flat input shape the API takes.

use between_app::sharing::Link;
use between_app::warning_signs::SignView;
use between_domain::measure::Instrument;
use between_domain::warning_sign::Rule;
use serde::Deserialize;
use serde_json::{json, Value};

/// The therapists a sign is told to, by name.
pub fn told(v: &SignView, links: &[Link]) -> Vec<String> {
    links
        .iter()
        .filter(|l| v.sign.data.tell.contains(&l.id))
        .map(|l| l.with.clone())
        .collect()
}

pub fn warning_sign_json(v: &SignView, links: &[Link]) -> Value {
    json!({
        "id": v.sign.id,
        "name": v.sign.data.name,
        "rule": v.sign.data.rule,
        "words": v.sign.data.rule.words(),
        "tell": told(v, links),
        "matches": v.fired.as_ref().map(|f| json!({
            "since": f.on.to_string(),
            "evidence": f.evidence,
        })),
        "last_matched": v.last.as_ref().map(|m| json!({
            "noticed": m.noticed.to_string(),
            "last_seen": m.last_seen.to_string(),
            "evidence": m.evidence,
        })),
    })
}

/// `POST /warning-signs`: what to look for, flat, as the CLI's flags.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningSignInput {
    pub name: String,
    /// tracker, low_mood, tag, feeling or measure_worse.
    pub look: String,
    #[serde(default)]
    pub tracker: Option<String>,
    #[serde(default)]
    pub below: Option<f64>,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub days: Option<i64>,
    #[serde(default)]
    pub at_most: Option<i64>,
    #[serde(default)]
    pub window: Option<i64>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub times: Option<i64>,
    #[serde(default)]
    pub feeling: Option<String>,
    #[serde(default)]
    pub at_least: Option<i64>,
    #[serde(default)]
    pub instrument: Option<String>,
    /// Names of linked therapists whose list of clients may flag it.
    #[serde(default)]
    pub tell: Vec<String>,
}

fn small(field: &str, n: Option<i64>, default: u8) -> Result<u8, between_app::AppError> {
    match n {
        None => Ok(default),
        Some(n) => u8::try_from(n).map_err(|_| {
            between_app::AppError::invalid(field, format!("{n} is out of range for {field}."))
        }),
    }
}

impl WarningSignInput {
    /// The rule described; what is missing or out of range is named.
    pub fn rule(&self) -> Result<Rule, between_app::AppError> {
        let need = |field: &str, v: &Option<String>| {
            v.clone().ok_or_else(|| {
                between_app::AppError::invalid(field, format!("Say which {field} to look for."))
            })
        };
        Ok(match self.look.as_str() {
            "tracker" => {
                let (below, value) = match (self.below, self.above) {
                    (Some(v), None) => (true, v),
                    (None, Some(v)) => (false, v),
                    _ => {
                        return Err(between_app::AppError::invalid(
                            "below",
                            "Give either below or above, the line to watch.",
                        ))
                    }
                };
                Rule::Tracker {
                    tracker: need("tracker", &self.tracker)?,
                    below,
                    value,
                    days: small("days", self.days, 3)?,
                }
            }
            "low_mood" => Rule::LowMood {
                at_most: small("at_most", self.at_most, 3)?,
                days: small("days", self.days, 2)?,
                window: small("window", self.window, 7)?,
            },
            "tag" => Rule::Tag {
                tag: need("tag", &self.tag)?,
                times: small("times", self.times, 2)?,
                window: small("window", self.window, 7)?,
            },
            "feeling" => Rule::Feeling {
                feeling: need("feeling", &self.feeling)?,
                at_least: small("at_least", self.at_least, 7)?,
                window: small("window", self.window, 7)?,
            },
            "measure_worse" => Rule::MeasureWorse {
                instrument: Instrument::parse(&need("instrument", &self.instrument)?)?,
            },
            other => {
                return Err(between_app::AppError::invalid(
                    "look",
                    format!(
                        "\"{other}\" is not something to look for: tracker, low_mood, tag, feeling or measure_worse."
                    ),
                ))
            }
        })
    }
}
