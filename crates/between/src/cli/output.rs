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

/// Whether writing a private file may replace one that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    Never,
    Allowed,
}

/// Writes decrypted `bytes` (an export, an agenda, a review) to `path`,
/// readable only by its owner whatever the umask — also when it replaces a
/// file that was readable by others — and on disk before returning.
/// `what` names the document in the refusal to replace a file.
pub fn write_private_file(
    path: &std::path::Path,
    bytes: &[u8],
    replace: Replace,
    what: &str,
) -> CliResult {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    match replace {
        Replace::Never => options.create_new(true),
        Replace::Allowed => options.create(true).truncate(true),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => super::CliError::input(format!(
            "{} already exists; choose another name ({what} never overwrites a file)",
            path.display()
        )),
        _ => super::CliError::input(format!("could not create {}: {e}", path.display())),
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("could not make {} private", path.display()))?;
    }
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

/// A bar on standard error, drawn only when it is a terminal, after
/// `what` ("Checking and encrypting").
pub fn progress_bar(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(10),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{what} {{bar:30}} {{pos}}/{{len}} ({{per_sec}}, {{eta}} left)"
    )) {
        bar.set_style(style);
    }
    bar
}
