//! Printing results: JSON for `--json`, shared by every subcommand.

use anyhow::Context as _;

use super::CliResult;

pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value).context("could not encode JSON")?;
    println!("{text}");
    Ok(())
}
