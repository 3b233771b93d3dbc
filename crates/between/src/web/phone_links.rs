//! Telephone numbers in a line of text as `tel:` links, so a person in
//! crisis on a phone calls with one tap: "Samaritans: 116 123" becomes
//! "Samaritans: <a href="tel:116123">116 123</a>". Everything else in the
//! line is HTML-escaped.

/// Fewest digits a run needs to be taken for a number (not "24/7").
const MIN_DIGITS: usize = 3;

/// `line` as HTML, with every telephone number in it a `tel:` link.
pub fn html(line: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if starts_number {
            let (end, digits) = number_at(&chars, i);
            let text: String = chars[i..end].iter().collect();
            if digits.trim_start_matches('+').len() >= MIN_DIGITS {
                out.push_str(&format!("<a href=\"tel:{digits}\">{}</a>", escape(&text)));
            } else {
                out.push_str(&escape(&text));
            }
            i = end;
        } else {
            out.push_str(&escape(&chars[i].to_string()));
            i += 1;
        }
    }
    out
}

/// The end of the number starting at `start` (digits with single spaces,
/// dashes or dots between them) and its digits for dialling.
fn number_at(chars: &[char], start: usize) -> (usize, String) {
    let mut digits = String::new();
    let mut end = start;
    let mut i = start;
    if chars[i] == '+' {
        digits.push('+');
        i += 1;
    }
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            digits.push(c);
            i += 1;
            end = i;
        } else if matches!(c, ' ' | '-' | '.') && chars.get(i + 1).is_some_and(char::is_ascii_digit)
        {
            i += 1;
        } else {
            break;
        }
    }
    (end, digits)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::html;

    #[test]
    fn numbers_become_links_to_call() {
        assert_eq!(
            html("Samaritans (UK and Ireland): 116 123"),
            "Samaritans (UK and Ireland): <a href=\"tel:116123\">116 123</a>"
        );
        assert_eq!(
            html("988 Suicide & Crisis Lifeline (US): call or text 988"),
            "<a href=\"tel:988\">988</a> Suicide &amp; Crisis Lifeline (US): call or text <a href=\"tel:988\">988</a>"
        );
        assert_eq!(
            html("Clinic: +44 20-7946.0958."),
            "Clinic: <a href=\"tel:+442079460958\">+44 20-7946.0958</a>."
        );
    }

    #[test]
    fn short_runs_and_markup_stay_text() {
        assert_eq!(html("open 24/7"), "open 24/7");
        assert_eq!(
            html("<script>alert(1)</script> 112"),
            "&lt;script&gt;alert(1)&lt;/script&gt; <a href=\"tel:112\">112</a>"
        );
    }
}
