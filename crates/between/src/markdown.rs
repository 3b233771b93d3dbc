//! The journal as Markdown a person can read anywhere: one document per
//! month, days as headings, each entry with its time, mood, star, feelings,
//! triggers, tags and prompt answers. Entries in "Recently deleted" are left
//! out.

use std::collections::BTreeMap;
use std::fmt::Write;

use between_domain::Entry;
use jiff::tz::TimeZone;

/// Documents by month ("2026-11" → Markdown), oldest first.
pub fn by_month(entries: &[Entry], tz: &TimeZone) -> BTreeMap<String, String> {
    let mut months: BTreeMap<String, Vec<&Entry>> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.deleted_at.is_none()) {
        let local = e.occurred_at.to_zoned(tz.clone());
        months
            .entry(local.strftime("%Y-%m").to_string())
            .or_default()
            .push(e);
    }
    months
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_by_key(|e| (e.occurred_at, e.id));
            (key, month(&list, tz))
        })
        .collect()
}

/// The whole journal as one document.
pub fn single(entries: &[Entry], tz: &TimeZone) -> String {
    let months = by_month(entries, tz);
    if months.is_empty() {
        return "# Journal\n\nNo entries.\n".into();
    }
    months.into_values().collect::<Vec<_>>().join("\n")
}

fn month(entries: &[&Entry], tz: &TimeZone) -> String {
    let mut out = String::new();
    let mut day = String::new();
    for (i, e) in entries.iter().enumerate() {
        let local = e.occurred_at.to_zoned(tz.clone());
        if i == 0 {
            let _ = writeln!(out, "# Journal — {}\n", local.strftime("%B %Y"));
        }
        let this_day = local.strftime("%A %-d %B %Y").to_string();
        if this_day != day {
            let _ = writeln!(out, "## {this_day}\n");
            day = this_day;
        }
        let mut heading = vec![local.strftime("%H:%M").to_string()];
        if let Some(m) = e.content.mood {
            heading.push(format!("mood {m}/10"));
        }
        if e.content.starred {
            heading.push("★".into());
        }
        let _ = writeln!(out, "### {}\n", heading.join(" · "));
        let text = e.content.text.trim();
        if !text.is_empty() {
            let _ = writeln!(out, "{text}\n");
        }
        for p in &e.content.prompts {
            let _ = writeln!(out, "> **{}**", p.prompt.trim());
            for line in p.answer.trim().lines() {
                let _ = writeln!(out, "> {line}");
            }
            out.push('\n');
        }
        let mut facts = Vec::new();
        if !e.content.feelings.is_empty() {
            let feelings: Vec<String> = e
                .content
                .feelings
                .iter()
                .map(|f| format!("{} {}", f.name, f.intensity))
                .collect();
            facts.push(format!("Feelings: {}", feelings.join(", ")));
        }
        if !e.content.triggers.is_empty() {
            facts.push(format!("Triggers: {}", e.content.triggers.join(", ")));
        }
        if !e.content.tags.is_empty() {
            let tags: Vec<String> = e.content.tags.iter().map(|t| format!("#{t}")).collect();
            facts.push(format!("Tags: {}", tags.join(" ")));
        }
        if !facts.is_empty() {
            let _ = writeln!(out, "*{}*\n", facts.join(" · "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use between_domain::{EntryContent, Feeling, PromptAnswer};
    use jiff::Timestamp;
    use uuid::Uuid;

    fn entry(at: &str, content: EntryContent) -> Entry {
        let t: Timestamp = at.parse().unwrap();
        Entry {
            id: Uuid::now_v7(),
            occurred_at: t,
            created_at: t,
            updated_at: t,
            deleted_at: None,
            content,
        }
    }

    #[test]
    fn entries_read_as_a_journal_by_month_and_day() {
        let tz = TimeZone::get("Europe/London").unwrap();
        let meeting = entry(
            "2026-11-25T21:45:00Z",
            EntryContent {
                text: "The team meeting went better than I feared".into(),
                mood: Some(6),
                feelings: vec![
                    Feeling {
                        name: "anxious".into(),
                        intensity: 5,
                    },
                    Feeling {
                        name: "relieved".into(),
                        intensity: 7,
                    },
                ],
                triggers: vec!["work meeting".into()],
                tags: vec!["work".into()],
                prompts: vec![PromptAnswer {
                    prompt: "What went well?".into(),
                    answer: "I spoke up.\nTwice.".into(),
                }],
                starred: true,
                ..Default::default()
            },
        );
        let december = entry(
            "2026-12-01T08:00:00Z",
            EntryContent {
                text: "New month".into(),
                ..Default::default()
            },
        );
        let mut gone = entry(
            "2026-11-20T08:00:00Z",
            EntryContent {
                text: "Deleted one".into(),
                ..Default::default()
            },
        );
        gone.deleted_at = Some(gone.occurred_at);
        let months = by_month(&[december, meeting, gone], &tz);
        assert_eq!(
            months.keys().collect::<Vec<_>>(),
            vec!["2026-11", "2026-12"]
        );
        assert_eq!(
            months["2026-11"],
            "# Journal — November 2026\n\n## Wednesday 25 November 2026\n\n### 21:45 · mood 6/10 · ★\n\nThe team meeting went better than I feared\n\n> **What went well?**\n> I spoke up.\n> Twice.\n\n*Feelings: anxious 5, relieved 7 · Triggers: work meeting · Tags: #work*\n\n"
        );
        assert!(!months["2026-11"].contains("Deleted one"));
    }
}
