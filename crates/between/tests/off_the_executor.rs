//! CPU-heavy work stays off the async workers: every PDF is rendered by
//! `pdf_file::render`, which runs on the blocking pool. This test reads the
//! sources and fails on any other call of the renderer.

#![allow(clippy::unwrap_used)]

#[path = "support/sources.rs"]
mod source_files;

use std::path::Path;

use source_files::sources;

#[test]
fn only_the_blocking_helper_renders_pdfs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in ["app/src", "between/src"] {
        sources(&root.join(krate), &mut files);
    }
    assert!(files.len() > 50, "found only {} files", files.len());
    let mut found = Vec::new();
    for file in &files {
        if file.ends_with("between/src/pdf_file.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("between_pdf::render(") || line.contains("between_pdf::render;") {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "render PDFs with crate::pdf_file::render (on the blocking pool) instead of:\n{}",
        found.join("\n")
    );
}
