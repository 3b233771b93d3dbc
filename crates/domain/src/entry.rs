//! A journal entry: what a person wrote between sessions, and the rules that
//! make it valid. `EntryContent` is exactly what gets encrypted at rest.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::feelings;
use crate::validation::ValidationErrors;

pub const MAX_TEXT_CHARS: usize = 100_000;
pub const MAX_ANSWER_CHARS: usize = 20_000;
pub const MAX_LABEL_CHARS: usize = 60;
pub const MAX_LIST_ITEMS: usize = 40;
pub const MAX_PROMPTS: usize = 20;

/// A named feeling and how strongly it was felt, 0–10.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feeling {
    pub name: String,
    pub intensity: u8,
}

/// A guided prompt and the person's answer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PromptAnswer {
    pub prompt: String,
    pub answer: String,
}

/// Everything a person wrote in one entry. Stored only encrypted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryContent {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub mood: Option<u8>,
    #[serde(default)]
    pub feelings: Vec<Feeling>,
    #[serde(default)]
    pub triggers: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub prompts: Vec<PromptAnswer>,
    #[serde(default)]
    pub starred: bool,
    #[serde(default)]
    pub shared: bool,
}

/// A stored entry: its content plus the plain metadata the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: Uuid,
    pub occurred_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
    pub content: EntryContent,
}

impl Entry {
    /// The strongest feeling, used for at-a-glance lists.
    pub fn strongest_feeling(&self) -> Option<&Feeling> {
        self.content.feelings.iter().max_by_key(|f| f.intensity)
    }
}

impl EntryContent {
    /// Checks every field and returns the content in canonical form: trimmed
    /// text, built-in feeling names in lower case, triggers and tags without
    /// duplicates, empty prompt answers dropped. All problems are reported at
    /// once so a form can show them next to their fields.
    pub fn validated(self) -> Result<EntryContent, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.check_storable(&mut errors);
        let text = self
            .text
            .trim_end()
            .trim_start_matches(['\n', '\r'])
            .to_string();
        if text.chars().count() > MAX_TEXT_CHARS {
            errors.add(
                "text",
                format!("The text is too long: at most {MAX_TEXT_CHARS} characters."),
            );
        }
        if let Some(mood) = self.mood {
            if !(1..=10).contains(&mood) {
                errors.add(
                    "mood",
                    format!("Mood must be between 1 and 10 (10 = best), not {mood}."),
                );
            }
        }
        let feelings = normalise_feelings(self.feelings, &mut errors);
        let triggers = normalise_labels(self.triggers, "triggers", "trigger", &mut errors);
        let tags = normalise_labels(
            self.tags
                .into_iter()
                .map(|t| t.trim().trim_start_matches(['#', '@']).to_string())
                .collect(),
            "tags",
            "tag",
            &mut errors,
        );
        let prompts = normalise_prompts(self.prompts, &mut errors);
        if text.trim().is_empty()
            && self.mood.is_none()
            && feelings.is_empty()
            && prompts.is_empty()
        {
            errors.add(
                "text",
                "An entry needs something in it: some text, a mood, a feeling or an answer to a prompt.",
            );
        }
        errors.into_result(EntryContent {
            text,
            mood: self.mood,
            feelings,
            triggers,
            tags,
            prompts,
            starred: self.starred,
            shared: self.shared,
        })
    }

    /// Every piece of text must be storable (no NUL), whichever way it
    /// came in (a form, the API, an imported file).
    fn check_storable(&self, errors: &mut ValidationErrors) {
        let fields = std::iter::once(("text", self.text.as_str()))
            .chain(self.triggers.iter().map(|t| ("triggers", t.as_str())))
            .chain(self.tags.iter().map(|t| ("tags", t.as_str())))
            .chain(self.feelings.iter().map(|f| ("feelings", f.name.as_str())))
            .chain(self.prompts.iter().flat_map(|p| {
                [
                    ("prompts", p.prompt.as_str()),
                    ("prompts", p.answer.as_str()),
                ]
            }));
        for (field, text) in fields {
            if let Err(e) = crate::storable::check_text(field, text) {
                errors.add(field, e.get(field).unwrap_or_default().to_string());
            }
        }
    }

    /// A one-line excerpt for lists: the first non-empty line of the text
    /// (or of the first answer), cut at a word boundary.
    pub fn excerpt(&self, max_chars: usize) -> String {
        let source = std::iter::once(self.text.as_str())
            .chain(self.prompts.iter().map(|p| p.answer.as_str()))
            .flat_map(str::lines)
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("");
        if source.chars().count() <= max_chars {
            return source.to_string();
        }
        let cut: String = source.chars().take(max_chars).collect();
        let cut = match cut.rfind(' ') {
            Some(space) if space > max_chars / 2 => cut[..space].to_string(),
            _ => cut,
        };
        format!("{}…", cut.trim_end())
    }
}

fn normalise_feelings(feelings: Vec<Feeling>, errors: &mut ValidationErrors) -> Vec<Feeling> {
    if feelings.len() > MAX_LIST_ITEMS {
        errors.add(
            "feelings",
            format!("At most {MAX_LIST_ITEMS} feelings per entry."),
        );
    }
    let mut out: Vec<Feeling> = Vec::with_capacity(feelings.len());
    for feeling in feelings {
        let name = match feelings::lookup(&feeling.name) {
            Some(known) => known.name.to_string(),
            None => collapse_spaces(&feeling.name),
        };
        if name.is_empty() {
            errors.add("feelings", "A feeling needs a name.");
            continue;
        }
        if name.chars().count() > MAX_LABEL_CHARS {
            errors.add(
                "feelings",
                format!(
                    "The feeling name \"{}…\" is too long: at most {MAX_LABEL_CHARS} characters.",
                    name.chars().take(20).collect::<String>()
                ),
            );
            continue;
        }
        if feeling.intensity > 10 {
            errors.add(
                "feelings",
                format!(
                    "The intensity of \"{name}\" must be between 0 and 10, not {}.",
                    feeling.intensity
                ),
            );
            continue;
        }
        match out.iter_mut().find(|f| f.name.eq_ignore_ascii_case(&name)) {
            Some(existing) => existing.intensity = existing.intensity.max(feeling.intensity),
            None => out.push(Feeling {
                name,
                intensity: feeling.intensity,
            }),
        }
    }
    out
}

fn normalise_labels(
    labels: Vec<String>,
    field: &str,
    singular: &str,
    errors: &mut ValidationErrors,
) -> Vec<String> {
    if labels.len() > MAX_LIST_ITEMS {
        errors.add(
            field,
            format!("At most {MAX_LIST_ITEMS} {field} per entry."),
        );
    }
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        let label = collapse_spaces(&label);
        if label.is_empty() {
            continue;
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            errors.add(
                field,
                format!("A {singular} can be at most {MAX_LABEL_CHARS} characters long."),
            );
            continue;
        }
        if !out.iter().any(|l| l.eq_ignore_ascii_case(&label)) {
            out.push(label);
        }
    }
    out
}

fn normalise_prompts(
    prompts: Vec<PromptAnswer>,
    errors: &mut ValidationErrors,
) -> Vec<PromptAnswer> {
    if prompts.len() > MAX_PROMPTS {
        errors.add(
            "prompts",
            format!("At most {MAX_PROMPTS} prompts per entry."),
        );
    }
    let mut out = Vec::with_capacity(prompts.len());
    for p in prompts {
        let prompt = collapse_spaces(&p.prompt);
        let answer = p.answer.trim().to_string();
        if answer.is_empty() {
            continue;
        }
        if prompt.is_empty() {
            errors.add("prompts", "Every answer needs the prompt it answers.");
            continue;
        }
        if prompt.chars().count() > 200 {
            errors.add("prompts", "A prompt can be at most 200 characters long.");
            continue;
        }
        if answer.chars().count() > MAX_ANSWER_CHARS {
            errors.add(
                "prompts",
                format!("An answer can be at most {MAX_ANSWER_CHARS} characters long."),
            );
            continue;
        }
        out.push(PromptAnswer { prompt, answer });
    }
    out
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_a_nul_anywhere_is_refused_naming_the_field() {
        let base = EntryContent {
            text: "fine".into(),
            ..Default::default()
        };
        let with_text = EntryContent {
            text: "a\0b".into(),
            ..base.clone()
        };
        assert!(with_text
            .validated()
            .unwrap_err()
            .get("text")
            .unwrap()
            .contains("NUL"));
        let with_tag = EntryContent {
            tags: vec!["wo\0rk".into()],
            ..base.clone()
        };
        assert!(with_tag.validated().unwrap_err().get("tags").is_some());
        let with_answer = EntryContent {
            prompts: vec![PromptAnswer {
                prompt: "What helped?".into(),
                answer: "\0".into(),
            }],
            ..base
        };
        assert!(with_answer
            .validated()
            .unwrap_err()
            .get("prompts")
            .is_some());
    }

    fn text(s: &str) -> EntryContent {
        EntryContent {
            text: s.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_empty_entry_is_rejected_with_a_reason() {
        let err = text("   \n ").validated().unwrap_err();
        assert!(err.get("text").unwrap().contains("needs something"));
    }

    #[test]
    fn a_mood_alone_is_a_valid_entry() {
        let content = EntryContent {
            mood: Some(4),
            ..Default::default()
        };
        assert!(content.validated().is_ok());
    }

    #[test]
    fn mood_outside_one_to_ten_names_the_value() {
        for bad in [0u8, 11] {
            let err = EntryContent {
                mood: Some(bad),
                ..text("x")
            }
            .validated()
            .unwrap_err();
            assert!(err.get("mood").unwrap().contains(&bad.to_string()));
        }
    }

    #[test]
    fn intensity_above_ten_is_rejected_naming_the_feeling() {
        let err = EntryContent {
            feelings: vec![Feeling {
                name: "sad".into(),
                intensity: 11,
            }],
            ..text("x")
        }
        .validated()
        .unwrap_err();
        let message = err.get("feelings").unwrap();
        assert!(
            message.contains("sad") && message.contains("11"),
            "{message}"
        );
    }

    #[test]
    fn built_in_feelings_are_canonicalised_and_duplicates_merged_keeping_the_strongest() {
        let content = EntryContent {
            feelings: vec![
                Feeling {
                    name: " Anxious".into(),
                    intensity: 3,
                },
                Feeling {
                    name: "anxious".into(),
                    intensity: 7,
                },
                Feeling {
                    name: "wistful  and   odd".into(),
                    intensity: 2,
                },
            ],
            ..text("x")
        }
        .validated()
        .unwrap();
        assert_eq!(
            content.feelings,
            vec![
                Feeling {
                    name: "anxious".into(),
                    intensity: 7
                },
                Feeling {
                    name: "wistful and odd".into(),
                    intensity: 2
                },
            ]
        );
    }

    #[test]
    fn tags_lose_their_symbol_and_duplicates() {
        let content = EntryContent {
            tags: vec!["#work".into(), "Work".into(), "@family".into(), " ".into()],
            triggers: vec!["call with mum".into(), "Call with mum".into()],
            ..text("x")
        }
        .validated()
        .unwrap();
        assert_eq!(content.tags, vec!["work", "family"]);
        assert_eq!(content.triggers, vec!["call with mum"]);
    }

    #[test]
    fn line_breaks_inside_the_text_are_kept() {
        let content = text("\nfirst line\n\nsecond line  \n").validated().unwrap();
        assert_eq!(content.text, "first line\n\nsecond line");
    }

    #[test]
    fn unanswered_prompts_are_dropped() {
        let content = EntryContent {
            prompts: vec![
                PromptAnswer {
                    prompt: "What happened?".into(),
                    answer: "  ".into(),
                },
                PromptAnswer {
                    prompt: "What did I do?".into(),
                    answer: "Went for a walk".into(),
                },
            ],
            ..Default::default()
        }
        .validated()
        .unwrap();
        assert_eq!(content.prompts.len(), 1);
    }

    #[test]
    fn the_excerpt_is_the_first_line_cut_at_a_word() {
        let content = text("\n\nA long first line about the meeting at work today\nsecond");
        assert_eq!(
            content.excerpt(100),
            "A long first line about the meeting at work today"
        );
        assert_eq!(content.excerpt(20), "A long first line…");
    }

    #[test]
    fn too_long_text_is_rejected() {
        let err = text(&"a".repeat(MAX_TEXT_CHARS + 1))
            .validated()
            .unwrap_err();
        assert!(err.get("text").unwrap().contains("too long"));
    }
}
