//! The entry form as the person typed it. Every value is kept as raw text,
//! so a form that fails validation (or a stale token, or an expired session)
//! comes back exactly as it was sent: nothing typed is ever lost.

use crate::web::forms::{split_list, FormData, FromForm};
use std::collections::BTreeMap;

use between_domain::feelings::{self, Quadrant};
use between_domain::prompts::GUIDED_PROMPTS;
use between_domain::{Entry, EntryContent, ValidationErrors};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::json::{EntryInput, FeelingInput};

const OTHER_ROWS: usize = 3;

#[derive(Debug, Clone, Default)]
pub struct EntryForm {
    pub text: String,
    pub mood: String,
    pub occurred_at: String,
    pub triggers: String,
    pub tags: String,
    pub starred: bool,
    pub shared: bool,
    /// Built-in feeling name → intensity as typed.
    pub feelings: BTreeMap<String, String>,
    /// Feelings in the person's own words: (name, intensity) as typed.
    pub others: Vec<(String, String)>,
    /// (prompt, answer) pairs.
    pub prompts: Vec<(String, String)>,
}

pub struct FeelingField {
    pub name: &'static str,
    pub explanation: &'static str,
    pub value: String,
}

pub struct QuadrantView {
    pub label: &'static str,
    pub slug: &'static str,
    pub feelings: Vec<FeelingField>,
}

/// What the template shows.
pub struct EntryFormView {
    pub text: String,
    pub mood: String,
    pub occurred_at: String,
    pub triggers: String,
    pub tags: String,
    pub starred: bool,
    pub shared: bool,
    pub quadrants: Vec<QuadrantView>,
    pub others: Vec<(String, String)>,
    pub prompts: Vec<(usize, String, String)>,
    pub has_answers: bool,
}

/// The value of a `datetime-local` input for `t` in `tz`.
pub fn local_input(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

impl EntryForm {
    pub fn blank(now: Timestamp, tz: &TimeZone) -> EntryForm {
        EntryForm {
            occurred_at: local_input(now, tz),
            ..EntryForm::default()
        }
    }

    pub fn from_entry(e: &Entry, tz: &TimeZone) -> EntryForm {
        let c = &e.content;
        let mut form = EntryForm {
            text: c.text.clone(),
            mood: c.mood.map(|m| m.to_string()).unwrap_or_default(),
            occurred_at: local_input(e.occurred_at, tz),
            triggers: c.triggers.join(", "),
            tags: c.tags.join(", "),
            starred: c.starred,
            shared: c.shared,
            prompts: c
                .prompts
                .iter()
                .map(|p| (p.prompt.clone(), p.answer.clone()))
                .collect(),
            ..EntryForm::default()
        };
        for f in &c.feelings {
            match feelings::lookup(&f.name) {
                Some(known) => {
                    form.feelings
                        .insert(known.name.to_string(), f.intensity.to_string());
                }
                None => form.others.push((f.name.clone(), f.intensity.to_string())),
            }
        }
        form
    }

    /// Reads the form's fields (a draft carried through the sign-in page is
    /// read from `FormData::under`).
    pub fn read(f: &FormData) -> EntryForm {
        let field = |name: &str| f.get(name).to_string();
        let mut form = EntryForm {
            text: field("text"),
            mood: field("mood"),
            occurred_at: field("occurred_at"),
            triggers: field("triggers"),
            tags: field("tags"),
            starred: f.has("starred"),
            shared: f.has("shared"),
            ..EntryForm::default()
        };
        let names = f.all("other_feeling");
        let values = f.all("other_intensity");
        for (i, name) in names.iter().enumerate() {
            form.others
                .push((name.to_string(), values.get(i).unwrap_or(&"").to_string()));
        }
        for (key, value) in f.pairs() {
            if let Some(name) = key.strip_prefix("feel:") {
                form.feelings.insert(name.to_string(), value.clone());
            } else if let Some(i) = key.strip_prefix("prompt:") {
                let answer = f.get(&format!("answer:{i}"));
                form.prompts.push((value.clone(), answer.to_string()));
            }
        }
        form
    }

    /// Every field as (name, value) pairs, the way the form would send them.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("text".to_string(), self.text.clone()),
            ("mood".into(), self.mood.clone()),
            ("occurred_at".into(), self.occurred_at.clone()),
            ("triggers".into(), self.triggers.clone()),
            ("tags".into(), self.tags.clone()),
        ];
        if self.starred {
            pairs.push(("starred".into(), "1".into()));
        }
        if self.shared {
            pairs.push(("shared".into(), "1".into()));
        }
        for (name, value) in &self.feelings {
            if !value.trim().is_empty() {
                pairs.push((format!("feel:{name}"), value.clone()));
            }
        }
        for (name, value) in &self.others {
            pairs.push(("other_feeling".into(), name.clone()));
            pairs.push(("other_intensity".into(), value.clone()));
        }
        for (i, (prompt, answer)) in self.prompts.iter().enumerate() {
            pairs.push((format!("prompt:{i}"), prompt.clone()));
            pairs.push((format!("answer:{i}"), answer.clone()));
        }
        pairs
    }

    /// Turns the typed text into content, with a message per bad field.
    pub fn parse(
        &self,
        tz: &TimeZone,
    ) -> Result<(EntryContent, Option<Timestamp>), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mood = match self.mood.trim() {
            "" => None,
            m => match m.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add(
                        "mood",
                        format!("Mood must be a number from 1 to 10, not \"{m}\"."),
                    );
                    None
                }
            },
        };
        let mut feelings = Vec::new();
        let typed = self
            .feelings
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str(), true))
            .chain(
                self.others
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str(), false)),
            );
        for (name, value, built_in) in typed {
            let (name, value) = (name.trim(), value.trim());
            match (name.is_empty(), value.is_empty()) {
                (_, true) if built_in => {}
                (true, true) => {}
                (true, false) => errors.add("feelings", format!("The intensity {value} needs the name of a feeling beside it.")),
                (false, true) => errors.add("feelings", format!("Give \"{name}\" an intensity from 0 to 10.")),
                (false, false) => match value.parse::<i64>() {
                    Ok(intensity) => feelings.push(FeelingInput { name: name.to_string(), intensity }),
                    Err(_) => errors.add(
                        "feelings",
                        format!("The intensity of \"{name}\" must be a whole number from 0 to 10, not \"{value}\"."),
                    ),
                },
            }
        }
        let input = EntryInput {
            occurred_at: Some(self.occurred_at.clone()),
            text: self.text.replace("\r\n", "\n"),
            mood,
            feelings,
            triggers: split_list(&self.triggers),
            tags: split_list(&self.tags),
            prompts: self
                .prompts
                .iter()
                .map(|(p, a)| between_domain::PromptAnswer {
                    prompt: p.clone(),
                    answer: a.replace("\r\n", "\n"),
                })
                .collect(),
            starred: self.starred,
            shared: self.shared,
        };
        let parsed = input.into_parts(tz);
        match parsed {
            Ok(parts) if errors.is_empty() => Ok(parts),
            Ok(_) => Err(errors),
            Err(more) => {
                for (field, message) in more.fields() {
                    errors.add(field, message.clone());
                }
                Err(errors)
            }
        }
    }

    pub fn view(&self) -> EntryFormView {
        // Laid out like a mood meter: energy up, pleasantness to the right.
        let meter = [
            Quadrant::UnpleasantHighEnergy,
            Quadrant::PleasantHighEnergy,
            Quadrant::UnpleasantLowEnergy,
            Quadrant::PleasantLowEnergy,
        ];
        let quadrants = meter
            .iter()
            .map(|q| QuadrantView {
                label: q.label(),
                slug: q.slug(),
                feelings: feelings::in_quadrant(*q)
                    .map(|f| FeelingField {
                        name: f.name,
                        explanation: f.explanation,
                        value: self.feelings.get(f.name).cloned().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect();
        let mut others: Vec<(String, String)> = self
            .others
            .iter()
            .filter(|(n, v)| !n.trim().is_empty() || !v.trim().is_empty())
            .cloned()
            .collect();
        while others.len() < OTHER_ROWS {
            others.push((String::new(), String::new()));
        }
        let mut prompts: Vec<(String, String)> = GUIDED_PROMPTS
            .iter()
            .map(|p| {
                let answer = self
                    .prompts
                    .iter()
                    .find(|(q, _)| q == p)
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default();
                (p.to_string(), answer)
            })
            .collect();
        for (p, a) in &self.prompts {
            if !GUIDED_PROMPTS.contains(&p.as_str()) && !p.trim().is_empty() {
                prompts.push((p.clone(), a.clone()));
            }
        }
        EntryFormView {
            text: self.text.clone(),
            mood: self.mood.trim().to_string(),
            occurred_at: self.occurred_at.clone(),
            triggers: self.triggers.clone(),
            tags: self.tags.clone(),
            starred: self.starred,
            shared: self.shared,
            quadrants,
            others,
            has_answers: prompts.iter().any(|(_, a)| !a.trim().is_empty()),
            prompts: prompts
                .into_iter()
                .enumerate()
                .map(|(i, (p, a))| (i, p, a))
                .collect(),
        }
    }
}

impl FromForm for EntryForm {
    fn from_fields(fields: FormData) -> Self {
        EntryForm::read(&fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    #[test]
    fn a_filled_form_becomes_content() {
        let body = "text=Hello%0D%0Athere&mood=6&feel:anxious=7&feel:calm=&other_feeling=wistful&other_intensity=3\
                    &other_feeling=&other_intensity=&prompt:0=What+happened%3F&answer:0=A+meeting&triggers=work+meeting,+call&tags=%23sleep&occurred_at=2026-03-01T09:30&starred=1";
        let form = EntryForm::read(&FormData::for_test(body));
        let (content, at) = form.parse(&tz()).unwrap();
        assert_eq!(content.text, "Hello\nthere");
        assert_eq!(content.mood, Some(6));
        let names: Vec<_> = content
            .feelings
            .iter()
            .map(|f| (f.name.as_str(), f.intensity))
            .collect();
        assert_eq!(names, vec![("anxious", 7), ("wistful", 3)]);
        assert_eq!(content.triggers, vec!["work meeting", "call"]);
        assert_eq!(content.prompts[0].answer, "A meeting");
        assert!(content.starred && !content.shared);
        assert_eq!(at, Some("2026-03-01T08:30:00Z".parse().unwrap()));
    }

    #[test]
    fn bad_values_are_reported_per_field_and_the_text_survives() {
        let body = "text=Keep+me&mood=eleven&feel:sad=lots&other_feeling=odd&other_intensity=";
        let form = EntryForm::read(&FormData::for_test(body));
        let errors = form.parse(&tz()).unwrap_err();
        assert!(errors.get("mood").unwrap().contains("eleven"));
        assert!(errors.get("feelings").is_some());
        let view = form.view();
        assert_eq!(view.text, "Keep me");
        assert_eq!(view.mood, "eleven");
    }

    #[test]
    fn a_draft_survives_the_round_trip_through_hidden_fields() {
        let body = "text=Long+text&mood=4&feel:angry=8&other_feeling=odd&other_intensity=2&shared=1&prompt:0=P&answer:0=A";
        let form = EntryForm::read(&FormData::for_test(body));
        let hidden: String = form
            .to_pairs()
            .iter()
            .map(|(k, v)| {
                format!(
                    "draft:{}={}&",
                    k,
                    form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect();
        let back = EntryForm::read(&FormData::for_test(&hidden).under("draft:"));
        assert_eq!(back.parse(&tz()).unwrap(), form.parse(&tz()).unwrap());
    }
}
