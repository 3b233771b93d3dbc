//! Words for numbers in sentences people read: "1 day", "2 days", never
//! "1 days" or "day(s)".

/// `n` with the right form of its noun: `plural(1, "day", "days")` is
/// "1 day", `plural(2, "day", "days")` is "2 days", 0 takes the plural.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The form of a noun that goes with `n`, for sentences that put the
/// number elsewhere.
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1, "day", "days"), "1 day");
        assert_eq!(plural(0, "day", "days"), "0 days");
        assert_eq!(plural(2, "entry", "entries"), "2 entries");
        assert_eq!(noun(1, "time", "times"), "time");
    }
}
