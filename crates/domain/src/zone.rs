//! Time zones by IANA name, found without listing the whole tz database.
//!
//! `jiff::tz::TimeZone::get` indexes every file under the zoneinfo
//! directory the first time it is asked (about 0.7 ms), which a command
//! that reads one person's zone pays at every start. A well-formed name is
//! read straight from its file instead; anything else (names in another
//! case, systems without the directory) goes through jiff's database, so
//! the answer is the same either way. Zones read are kept for the
//! process's life (a server meets the same few again and again; there are
//! only so many files to read).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use jiff::tz::TimeZone;

/// Where the system keeps its tz database (honouring `TZDIR`, as jiff does).
fn zoneinfo_dir() -> PathBuf {
    std::env::var_os("TZDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/zoneinfo"))
}

/// True for names shaped like the tz database's ("Europe/Berlin",
/// "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC"): no empty, dot
/// or hidden parts, so the name can never leave the directory.
fn well_formed(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+'))
        })
}

/// The zone called `name`, or an error when the tz database has none.
pub fn get(name: &str) -> Result<TimeZone, jiff::Error> {
    if name == "UTC" {
        return Ok(TimeZone::UTC);
    }
    if !well_formed(name) {
        return TimeZone::get(name);
    }
    static READ: OnceLock<Mutex<HashMap<String, TimeZone>>> = OnceLock::new();
    let read = READ.get_or_init(Default::default);
    if let Some(zone) = read.lock().ok().and_then(|m| m.get(name).cloned()) {
        return Ok(zone);
    }
    let from_file = std::fs::read(zoneinfo_dir().join(name))
        .ok()
        .and_then(|bytes| TimeZone::tzif(name, &bytes).ok());
    match from_file {
        Some(zone) => {
            if let Ok(mut m) = read.lock() {
                m.insert(name.to_string(), zone.clone());
            }
            Ok(zone)
        }
        None => TimeZone::get(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_the_database_give_the_same_zone_as_jiff() {
        for name in [
            "Europe/Berlin",
            "America/New_York",
            "America/Argentina/Buenos_Aires",
            "Australia/Lord_Howe",
            "Etc/GMT+5",
            "UTC",
        ] {
            let ours = get(name).unwrap();
            let jiffs = TimeZone::get(name).unwrap();
            assert_eq!(ours.iana_name(), jiffs.iana_name(), "{name}");
            let at: jiff::Timestamp = "2026-03-29T01:30:00Z".parse().unwrap();
            assert_eq!(ours.to_offset(at), jiffs.to_offset(at), "{name}");
        }
    }

    #[test]
    fn names_that_could_leave_the_directory_are_not_read_as_files() {
        for name in [
            "../etc/passwd",
            "/etc/passwd",
            "Europe/../../etc/passwd",
            ".hidden",
            "a//b",
            "",
        ] {
            assert!(!well_formed(name), "{name}");
            assert!(get(name).is_err(), "{name}");
        }
    }

    #[test]
    fn unknown_names_are_an_error() {
        assert!(get("Mars/Olympus_Mons").is_err());
    }
}
