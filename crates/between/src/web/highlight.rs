//! Search results with the matched words marked: the text is HTML-escaped
//! and only the `<mark>` tags around the matches are markup, so what a
//! person wrote can never become markup in the page.

use between_domain::search::Query;
use between_domain::EntryContent;

/// The words of a search (the domain's query), for pages to parse.
pub type Words = Query;

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `text` as HTML, with every occurrence of the query's words in `<mark>`.
pub fn marked(text: &str, query: Option<&Query>) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for span in query.map(|q| q.spans(text)).unwrap_or_default() {
        let (Some(before), Some(hit)) = (text.get(at..span.start), text.get(span.clone())) else {
            continue;
        };
        escape_into(&mut out, before);
        out.push_str("<mark>");
        escape_into(&mut out, hit);
        out.push_str("</mark>");
        at = span.end;
    }
    escape_into(&mut out, text.get(at..).unwrap_or(""));
    out
}

/// The line of an entry (text, then answers) where the query's words first
/// occur, cut to about `max_chars` around the first of them; the usual
/// excerpt when the words are only in feelings, triggers or tags. Plain
/// text: pass it to [`marked`].
pub fn snippet(content: &EntryContent, query: Option<&Query>, max_chars: usize) -> String {
    let lines = std::iter::once(content.text.as_str())
        .chain(content.prompts.iter().map(|p| p.answer.as_str()))
        .flat_map(str::lines)
        .map(str::trim);
    let hit = query.and_then(|q| {
        lines
            .filter(|l| !l.is_empty())
            .find_map(|l| q.spans(l).first().map(|s| (l, s.start)))
    });
    let Some((line, start)) = hit else {
        return content.excerpt(max_chars);
    };
    let chars = line.chars().count();
    if chars <= max_chars {
        return line.to_string();
    }
    let first = line.get(..start).unwrap_or("").chars().count();
    let from = first.saturating_sub(max_chars / 3).min(chars - max_chars);
    let cut: String = line.chars().skip(from).take(max_chars).collect();
    format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        cut.trim(),
        if from + max_chars < chars { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_marked_and_everything_else_escaped() {
        let q = Query::parse("script walk").unwrap();
        assert_eq!(
            marked("<script>alert('Walk')</script> & more", Some(&q)),
            "&lt;<mark>script</mark>&gt;alert(&#39;<mark>Walk</mark>&#39;)&lt;/<mark>script</mark>&gt; &amp; more"
        );
        assert_eq!(marked("a \"b\"", None), "a &quot;b&quot;");
    }

    #[test]
    fn a_snippet_shows_the_line_with_the_match() {
        let content = EntryContent {
            text: format!(
                "First line.\n{} the bus was late {}",
                "x ".repeat(80),
                "y ".repeat(80)
            ),
            ..Default::default()
        };
        let q = Query::parse("BUS").unwrap();
        let s = snippet(&content, Some(&q), 60);
        assert!(s.contains("bus"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.chars().count() <= 62, "{s}");
        assert_eq!(snippet(&content, None, 60), "First line.");
    }
}
