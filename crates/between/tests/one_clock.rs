//! One clock: every "now" of the app and of the binary comes from the app's
//! clock (`between_app::Clock`), so tests can set and advance time and no
//! expiry or throttle window silently uses another. This test reads the
//! sources and fails on any other way of asking the system for the time.

#![allow(clippy::unwrap_used)]

#[path = "support/sources.rs"]
mod source_files;

use std::path::Path;

use source_files::sources;

#[test]
fn only_the_clock_module_asks_the_system_for_the_time() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in ["app/src", "between/src", "store/src"] {
        sources(&root.join(krate), &mut files);
    }
    assert!(files.len() > 50, "found only {} files", files.len());
    let forbidden = ["Timestamp::now()", "SystemTime::now()", "Zoned::now()"];
    let mut found = Vec::new();
    for file in &files {
        if file.ends_with("app/src/clock.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Unit tests live at the end of a file, after `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            if forbidden.iter().any(|f| line.contains(f)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "use the app's clock (App::now, App::now_micros, App::today) instead of:\n{}",
        found.join("\n")
    );
}
