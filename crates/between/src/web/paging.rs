//! Paging of long lists on pages, without JavaScript: the newest [`SIZE`]
//! items, then an "Older" link carrying a cursor (`?before=<cursor>`) and a
//! "Newest" link back. A cursor names the last item shown (its time and
//! id), so a page never repeats or skips an item when new ones arrive. A
//! cursor the page cannot read is refused by [`PageQuery`] with a 400 page.
//!
//! A page lists `paging: Links` and includes `paging.html` under its list.
//!
//! [`PageQuery`]: crate::web::forms::PageQuery

use jiff::Timestamp;
use serde::{Deserialize, Deserializer};
use uuid::Uuid;

/// How many items one page shows.
pub const SIZE: usize = 20;

/// A position in a newest-first list: the time (in microseconds) and id of
/// the last item shown. Items strictly older than it come next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub at: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn of(at: Timestamp, id: Uuid) -> Cursor {
        Cursor {
            at: at.as_microsecond(),
            id,
        }
    }

    /// `<microseconds>.<id without dashes>`, the journal's format.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at, self.id.simple())
    }

    pub fn parse(s: &str) -> Result<Cursor, String> {
        let bad = || {
            format!(
                "\"before={}\" is not a place in this list. Go back to the newest and page from there.",
                s.chars().take(60).collect::<String>()
            )
        };
        let (at, id) = s.split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            at: at.parse().map_err(|_| bad())?,
            id: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cursor::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One page of a list and the cursor of the next (older) one.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub older: Option<Cursor>,
}

/// The page of `items` after `before` (the first page without one): at
/// most `size` items, newest first by `key`, whatever order they came in.
pub fn page<T>(
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> Cursor,
    before: Option<Cursor>,
    size: usize,
) -> Page<T> {
    let mut keyed: Vec<(Cursor, T)> = items
        .into_iter()
        .map(|item| (key(&item), item))
        .filter(|(k, _)| before.is_none_or(|b| *k < b))
        .collect();
    keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
    let more = keyed.len() > size;
    keyed.truncate(size);
    let older = if more {
        keyed.last().map(|(k, _)| *k)
    } else {
        None
    };
    Page {
        items: keyed.into_iter().map(|(_, item)| item).collect(),
        older,
    }
}

/// The links under a paged list: "Newest" (when not on the first page) and
/// "Older" (when there is more).
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub newest: Option<String>,
    pub older: Option<String>,
    /// What the list is, for the navigation's label ("Older logs").
    pub what: &'static str,
}

impl Links {
    /// Links for a list at `path` (with its own parameters, e.g. a search's
    /// `q`, which every link keeps), ending in `anchor` (e.g. `#logs`).
    pub fn new<T>(
        what: &'static str,
        path: &str,
        params: &[(&str, &str)],
        anchor: &str,
        before: Option<Cursor>,
        page: &Page<T>,
    ) -> Links {
        let link = |cursor: Option<Cursor>| {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
                query.append_pair(k, v);
            }
            if let Some(c) = cursor {
                query.append_pair("before", &c.encode());
            }
            let query = query.finish();
            if query.is_empty() {
                format!("{path}{anchor}")
            } else {
                format!("{path}?{query}{anchor}")
            }
        };
        Links {
            newest: before.map(|_| link(None)),
            older: page.older.map(|c| link(Some(c))),
            what,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.newest.is_none() && self.older.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: i64) -> Vec<(i64, Uuid)> {
        (0..n).map(|i| (i * 1_000_000, Uuid::now_v7())).collect()
    }

    fn key(x: &(i64, Uuid)) -> Cursor {
        Cursor { at: x.0, id: x.1 }
    }

    #[test]
    fn pages_walk_newest_first_without_repeating_or_skipping() {
        let all = items(45);
        let mut seen = Vec::new();
        let mut before = None;
        let mut pages = 0;
        loop {
            let p = page(all.clone(), key, before, SIZE);
            assert!(p.items.len() <= SIZE);
            seen.extend(p.items.iter().map(|x| x.0));
            pages += 1;
            match p.older {
                Some(c) => before = Some(c),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        let mut expected: Vec<i64> = all.iter().map(|x| x.0).collect();
        expected.reverse();
        assert_eq!(seen, expected);
    }

    #[test]
    fn items_at_the_same_time_are_ordered_by_id() {
        let mut all = items(3);
        for x in &mut all {
            x.0 = 5;
        }
        let first = page(all.clone(), key, None, 2);
        let rest = page(all.clone(), key, first.older, 2);
        assert_eq!(first.items.len() + rest.items.len(), 3);
        assert!(rest.older.is_none());
        assert!(!rest.items.iter().any(|x| first.items.contains(x)));
    }

    #[test]
    fn a_cursor_round_trips_and_garbage_is_named() {
        let c = Cursor::of(Timestamp::UNIX_EPOCH, Uuid::now_v7());
        assert_eq!(Cursor::parse(&c.encode()), Ok(c));
        for bad in ["", "abc", "12.nope", "x.0190a0b0c0d07e0f8a9b0c1d2e3f4a5b"] {
            let e = Cursor::parse(bad).unwrap_err();
            assert!(e.contains("is not a place in this list"), "{e}");
        }
    }

    #[test]
    fn links_keep_the_list_parameters_and_say_where_they_go() {
        let all = items(25);
        let first = page(all.clone(), key, None, SIZE);
        let links = Links::new(
            "results",
            "/s",
            &[("q", "a b&c"), ("tag", "")],
            "#r",
            None,
            &first,
        );
        assert_eq!(links.newest, None);
        let older = links.older.unwrap();
        assert!(older.starts_with("/s?q=a+b%26c&before="), "{older}");
        assert!(older.ends_with("#r"));
        let second = page(all, key, first.older, SIZE);
        let links = Links::new("results", "/s", &[], "", first.older, &second);
        assert_eq!(links.newest.as_deref(), Some("/s"));
        assert_eq!(links.older, None);
    }
}
