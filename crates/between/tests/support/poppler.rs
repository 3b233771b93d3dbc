//! Reading PDFs back with poppler's `pdfinfo` and `pdftotext`, as a person's
//! PDF viewer would. A missing poppler fails the test where services are
//! required (CI), so the check cannot be skipped silently.

use std::path::Path;
use std::process::Command;

/// (page count, extracted text), or `None` when poppler is not installed
/// and services are not required.
pub fn read_back(pdf: &Path) -> Option<(u32, String)> {
    let info = run("pdfinfo", &[pdf.to_str()?])?;
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let text = run("pdftotext", &[pdf.to_str()?, "-"])?;
    Some((pages, text))
}

fn run(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(e) => {
            assert!(
                !between_store::testing::services_required(),
                "{tool} could not run ({e}); install poppler-utils"
            );
            eprintln!("skipping the PDF read-back: {tool} is not installed ({e})");
            None
        }
    }
}
