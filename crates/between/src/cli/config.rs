//! `between config`: print a commented example of the settings file, or
//! check the one in use and show where each server setting comes from.

use std::path::Path;

use clap::parser::ValueSource;
use clap::{CommandFactory, Subcommand};

use super::config_file::{self, FileSetting, FILE_NAME, GLOBAL_KEYS};
use super::paths::redact_url;
use super::{Cli, CliError, CliResult, Context};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented between.toml with every server setting and its default.
    Example,
    /// Read the settings file (--config, or between.toml in the config directory), report what is wrong with it, and show each server setting with where it comes from (file, environment or default).
    Check,
    /// Print a new server key for reminders (to put in a file named by --server-key-file, or in BETWEEN_SERVER_KEY, the same on every instance).
    NewServerKey,
}

pub fn run(named: Option<&Path>, ctx: &Context, cmd: ConfigCommand) -> CliResult {
    match cmd {
        ConfigCommand::Example => {
            out!("{}", config_file::example());
            Ok(())
        }
        ConfigCommand::Check => check(named, ctx),
        ConfigCommand::NewServerKey => {
            outln!(
                "{}",
                between_app::reminders::ServerKey::generate().encoded()
            );
            Ok(())
        }
    }
}

fn check(named: Option<&Path>, ctx: &Context) -> CliResult {
    let path = match named {
        Some(path) => path.to_path_buf(),
        None => ctx.paths.config_dir.join(FILE_NAME),
    };
    let settings = if path.is_file() {
        let settings = config_file::read(&path)?;
        outln!(
            "{} is valid: {} setting(s).",
            path.display(),
            settings.len()
        );
        settings
    } else if named.is_some() {
        return Err(CliError::input(format!(
            "the config file {} does not exist",
            path.display()
        )));
    } else {
        outln!("No settings file at {}.", path.display());
        Vec::new()
    };
    // What `between serve` would run with here (flags aside).
    let matches = config_file::with_defaults(Cli::command(), &settings)
        .try_get_matches_from(["between", "serve"])
        .map_err(|e| CliError::input(e.to_string().trim().to_string()))?;
    let Some(serve) = matches.subcommand_matches("serve") else {
        return Err(CliError::input("could not read the server's settings"));
    };
    let command = config_file::built_command();
    outln!("The server's settings here (a flag would win over each):");
    for (_, arg) in config_file::keys(&command) {
        let id = arg.get_id().as_str();
        let m = if GLOBAL_KEYS.contains(&id) {
            &matches
        } else {
            serve
        };
        let values: Vec<String> = m
            .get_raw(id)
            .map(|values| values.map(|v| v.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let shown = if id == "database_url" {
            values.iter().map(|v| redact_url(v)).collect()
        } else {
            values
        };
        let from = source(m.value_source(id), arg, &settings, &path);
        if shown.is_empty() {
            outln!("  {id}: not set ({from})");
        } else {
            outln!("  {id} = {} ({from})", shown.join(", "));
        }
    }
    Ok(())
}

fn source(
    source: Option<ValueSource>,
    arg: &clap::Arg,
    file: &[FileSetting],
    path: &Path,
) -> String {
    let id = arg.get_id().as_str();
    match source {
        Some(ValueSource::EnvVariable) => format!(
            "environment {}",
            arg.get_env()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        Some(ValueSource::CommandLine) => "flag".into(),
        Some(ValueSource::DefaultValue) => match file.iter().find(|s| s.key == id) {
            Some(setting) => format!("{} line {}", path.display(), setting.line),
            None => "default".into(),
        },
        _ => "default".into(),
    }
}
