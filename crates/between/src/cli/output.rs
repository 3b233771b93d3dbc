//! Printing results: every byte a command writes to standard output goes
//! through here (`outln!`, `out!`, `write_bytes`, and `print_json` for
//! `--json`). A reader that went away — a closed pipe, as in
//! `between journal list --json | head` — ends the command quietly with
//! status 0, like other Unix tools; any other failure to write ends it with
//! status 1 and says why. A test reads the sources for any other way of
//! writing to standard output.

use std::io::Write as _;

use anyhow::Context as _;

use super::CliResult;

/// Like `println!`, through [`write_fmt`].
macro_rules! outln {
    () => {
        $crate::cli::output::write_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Like `print!`, through [`write_fmt`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_fmt(format_args!($($arg)*))
    };
}

/// Writes formatted text to standard output (see the module's comment for
/// what happens when that fails).
pub fn write_fmt(args: std::fmt::Arguments<'_>) {
    if let Err(err) = std::io::stdout().lock().write_fmt(args) {
        stdout_failed(err);
    }
}

/// Writes bytes (a PDF, a long document) to standard output.
pub fn write_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = out.write_all(bytes).and_then(|()| out.flush()) {
        stdout_failed(err);
    }
}

/// A line for whoever watches a long-running server; a closed standard
/// output does not stop the server.
pub fn announce(args: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stdout().lock(), "{args}");
}

pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let text = serde_json::to_string_pretty(value).context("could not encode JSON")?;
    outln!("{text}");
    Ok(())
}

/// Ends the command: quietly when the reader has gone away, with a message
/// otherwise. Whatever the command wrote to the store before is kept.
fn stdout_failed(err: std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    let _ = writeln!(
        std::io::stderr(),
        "between: could not write to standard output: {err}"
    );
    std::process::exit(1);
}
