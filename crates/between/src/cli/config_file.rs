//! `between.toml`: every server setting in one file. Its keys are the
//! settings' own names (`listen`, `public_url`, `trusted_proxies`, …); a
//! flag or environment variable wins over the file, and the file wins over
//! the built-in default. The keys are read off the command line's own
//! definition (the global store flags and every `serve` flag), so a new
//! server flag is a key of the file by construction, checked by the same
//! parser as the flag.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches};

use super::{Cli, CliError, CliResult};

/// The file's name in the config directory.
pub const FILE_NAME: &str = "between.toml";

/// Global flags that configure a server (and every command on its store).
/// The others (`--user`, `--config-dir`, `--config`) name who acts and
/// where the file is, so they cannot come from it.
pub const GLOBAL_KEYS: &[&str] = &[
    "data_dir",
    "database_url",
    "db_max_connections",
    "public_url",
    "kdf",
    "server_key_file",
];

/// The subcommand whose every flag is a key of the file.
const SERVE: &str = "serve";

/// A value read from the file for one setting.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSetting {
    pub key: String,
    pub values: Vec<String>,
    pub line: usize,
}

/// Parses the command line, taking defaults from the config file when
/// there is one: `--config FILE` (or `BETWEEN_CONFIG`), else `between.toml`
/// in the config directory.
pub fn parse_cli() -> CliResult<Cli> {
    parse_cli_from(std::env::args_os().collect())
}

/// [`parse_cli`] over given arguments (the first is the program name).
pub fn parse_cli_from(args: Vec<std::ffi::OsString>) -> CliResult<Cli> {
    let first = Cli::command().get_matches_from(args.clone());
    // `between config …` reads the file itself, so that `example` works
    // beside a broken file and `check` reports what is wrong with it.
    if first.subcommand_name() == Some("config") {
        return from_matches(&first);
    }
    let Some(path) = file_path(&first)? else {
        return from_matches(&first);
    };
    let settings = read(&path)?;
    let command = with_defaults(Cli::command(), &settings);
    from_matches(&command.get_matches_from(args))
}

fn from_matches(matches: &ArgMatches) -> CliResult<Cli> {
    Cli::from_arg_matches(matches).map_err(|e| CliError::input(first_line(&e.to_string())))
}

/// The file to read: the one named, which must exist, or the config
/// directory's, when it exists.
pub fn file_path(matches: &ArgMatches) -> CliResult<Option<PathBuf>> {
    if let Some(named) = matches.get_one::<PathBuf>("config") {
        if !named.is_file() {
            return Err(CliError::input(format!(
                "the config file {} does not exist",
                named.display()
            )));
        }
        return Ok(Some(named.clone()));
    }
    let dir = match matches.get_one::<PathBuf>("config_dir") {
        Some(dir) => dir.clone(),
        None => match dirs::config_dir() {
            Some(dir) => dir.join("between"),
            None => return Ok(None),
        },
    };
    let path = dir.join(FILE_NAME);
    Ok(path.is_file().then_some(path))
}

/// Reads and checks the file: every key known, every value accepted by its
/// flag's parser. All problems are reported at once, each with its line.
pub fn read(path: &Path) -> CliResult<Vec<FileSetting>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::input(format!(
            "could not read the config file {}: {e}",
            path.display()
        ))
    })?;
    parse(&text).map_err(|problems| {
        CliError::input(format!(
            "the config file {} has {}:\n  {}",
            path.display(),
            if problems.len() == 1 {
                "a problem".to_string()
            } else {
                format!("{} problems", problems.len())
            },
            problems.join("\n  ")
        ))
    })
}

/// Parses the file's text against the command line's definition.
pub fn parse(text: &str) -> Result<Vec<FileSetting>, Vec<String>> {
    let doc = toml_edit::Document::parse(text.to_string())
        .map_err(|e| vec![format!("{}", e.to_string().trim_end())])?;
    let command = built_command();
    let mut settings = Vec::new();
    let mut problems = Vec::new();
    for (key, item) in doc.as_table().iter() {
        let line = doc
            .as_table()
            .key(key)
            .and_then(|k| k.span())
            .map(|span| line_of(text, span.start))
            .unwrap_or(0);
        let Some((owner, arg)) = find_setting(&command, key) else {
            problems.push(format!(
                "line {line}: unknown setting `{key}`{}",
                suggestion(&command, key)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default()
            ));
            continue;
        };
        match values_of(item, arg) {
            Ok(values) => {
                let mut ok = true;
                for value in &values {
                    if let Err(message) = check_value(owner, arg, value) {
                        problems.push(format!("line {line}: `{key}`: {message}"));
                        ok = false;
                    }
                }
                if ok {
                    settings.push(FileSetting {
                        key: key.to_string(),
                        values,
                        line,
                    });
                }
            }
            Err(message) => problems.push(format!("line {line}: `{key}`: {message}")),
        }
    }
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(problems)
    }
}

/// Runs `value` through the flag's own parser (alone: no environment, no
/// default, no splitting).
fn check_value(owner: &Command, arg: &Arg, value: &str) -> Result<(), String> {
    let probe = arg
        .clone()
        .env(None)
        .default_value(None)
        .required(false)
        .global(false)
        .action(ArgAction::Set)
        .num_args(1)
        .value_delimiter(None);
    let long = arg.get_long().unwrap_or(arg.get_id().as_str()).to_string();
    Command::new(owner.get_name().to_string())
        .no_binary_name(true)
        .arg(probe.long(long.clone()))
        .try_get_matches_from([format!("--{long}={value}")])
        .map(|_| ())
        .map_err(|e| first_line(&e.to_string()))
}

/// The command line with the file's settings as its defaults.
pub fn with_defaults(mut command: Command, settings: &[FileSetting]) -> Command {
    for setting in settings {
        let values: Vec<clap::builder::OsStr> = setting
            .values
            .iter()
            .map(clap::builder::OsStr::from)
            .collect();
        let apply = |arg: Arg| arg.default_values(values.clone());
        if GLOBAL_KEYS.contains(&setting.key.as_str()) {
            command = command.mut_arg(setting.key.as_str(), apply);
        } else {
            command =
                command.mut_subcommand(SERVE, |serve| serve.mut_arg(setting.key.as_str(), apply));
        }
    }
    command
}

/// Every key of the file with the flag it stands for, in the order of
/// `between config example`.
pub fn keys(command: &Command) -> Vec<(&Command, &Arg)> {
    let mut keys: Vec<(&Command, &Arg)> = GLOBAL_KEYS
        .iter()
        .filter_map(|key| {
            command
                .get_arguments()
                .find(|a| a.get_id() == *key)
                .map(|a| (command, a))
        })
        .collect();
    if let Some(serve) = command.find_subcommand(SERVE) {
        keys.extend(
            serve
                .get_arguments()
                .filter(|a| is_setting(a))
                .map(|a| (serve, a)),
        );
    }
    keys
}

/// The command line's definition, built so that global flags and their
/// parsers are in place.
pub fn built_command() -> Command {
    let mut command = Cli::command();
    command.build();
    command
}

fn is_setting(arg: &Arg) -> bool {
    !matches!(
        arg.get_action(),
        ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
    ) && !arg.is_global_set()
}

fn find_setting<'c>(command: &'c Command, key: &str) -> Option<(&'c Command, &'c Arg)> {
    keys(command)
        .into_iter()
        .find(|(_, arg)| arg.get_id() == key)
}

fn suggestion(command: &Command, key: &str) -> Option<String> {
    let wanted = key.replace('-', "_").to_lowercase();
    keys(command)
        .into_iter()
        .map(|(_, a)| a.get_id().to_string())
        .find(|id| {
            *id == wanted
                || Some(id.as_str()) == long_of(command, &wanted)
                || (wanted.len() > 3
                    && (id.starts_with(&wanted) || wanted.starts_with(id.as_str())))
                || edit_distance(id, &wanted) <= 2
        })
}

/// Letters to insert, delete or replace to turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The key whose flag is `--wanted` (e.g. `trusted_proxy` for
/// `trusted_proxies`).
fn long_of<'c>(command: &'c Command, wanted: &str) -> Option<&'c str> {
    keys(command)
        .into_iter()
        .find(|(_, a)| a.get_long().map(|l| l.replace('-', "_")) == Some(wanted.to_string()))
        .map(|(_, a)| a.get_id().as_str())
}

/// The strings a TOML value stands for, as the flag would take them.
fn values_of(item: &toml_edit::Item, arg: &Arg) -> Result<Vec<String>, String> {
    use toml_edit::Value;
    let Some(value) = item.as_value() else {
        return Err("expected a value, found a table".into());
    };
    let scalar = |value: &Value| -> Result<String, String> {
        match value {
            Value::String(s) => Ok(s.value().clone()),
            Value::Integer(i) => Ok(i.value().to_string()),
            Value::Boolean(b) => Ok(b.value().to_string()),
            Value::Float(_) => {
                Err("expected a whole number, text or true/false, found a decimal".into())
            }
            Value::Datetime(_) => Err("expected text, found a date".into()),
            Value::Array(_) | Value::InlineTable(_) => Err("expected one value".into()),
        }
    };
    let takes_list = arg.get_value_delimiter().is_some();
    match value {
        Value::Array(items) if takes_list => items.iter().map(scalar).collect(),
        Value::Array(_) => Err("expected one value, found a list".into()),
        Value::Boolean(_)
            if !matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) =>
        {
            Err("expected a value, found true/false".into())
        }
        Value::String(s) if takes_list => {
            let delimiter = arg.get_value_delimiter().unwrap_or(',');
            Ok(s.value()
                .split(delimiter)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect())
        }
        other => Ok(vec![scalar(other)?]),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string()
}

/// A commented example of the file, every setting with its help, its
/// environment variable and its default.
pub fn example() -> String {
    let command = built_command();
    let mut out = String::from(
        "# between.toml: the server's settings. Put it in the config directory\n\
         # (~/.config/between/between.toml, or name it with --config FILE or\n\
         # BETWEEN_CONFIG). A flag or environment variable wins over the file;\n\
         # an unknown key is an error. Uncomment what you change. If it holds a\n\
         # database password, make it readable by the server's user alone.\n",
    );
    for (_, arg) in keys(&command) {
        out.push('\n');
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        for line in wrap(&help, 76) {
            let _ = writeln!(out, "# {line}");
        }
        let flag = arg.get_long().map(|l| format!("--{l}")).unwrap_or_default();
        match arg.get_env() {
            Some(env) => {
                let _ = writeln!(
                    out,
                    "# (flag {flag}, environment {})",
                    env.to_string_lossy()
                );
            }
            None => {
                let _ = writeln!(out, "# (flag {flag})");
            }
        }
        let _ = writeln!(out, "# {} = {}", arg.get_id(), example_value(arg));
    }
    out
}

/// The default of a flag, or an example where it has none, as TOML.
fn example_value(arg: &Arg) -> String {
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let values = if defaults.is_empty() || matches!(arg.get_action(), ArgAction::SetTrue) {
        match arg.get_id().as_str() {
            "data_dir" => vec!["/var/lib/between".into()],
            "database_url" => vec!["postgres://between@127.0.0.1/between".into()],
            "db_max_connections" => vec!["10".into()],
            "crisis_contacts" => crate::web::default_crisis_contacts(),
            "trusted_proxies" => vec!["127.0.0.1/32".into()],
            "metrics_listen" => vec!["127.0.0.1:9187".into()],
            "server_key_file" => vec!["/etc/between/server.key".into()],
            _ if matches!(arg.get_action(), ArgAction::SetTrue) => vec!["true".into()],
            _ => vec![String::new()],
        }
    } else {
        defaults
    };
    let literal = |v: &String| {
        if matches!(arg.get_action(), ArgAction::SetTrue) || v.parse::<i64>().is_ok() {
            v.clone()
        } else {
            format!("{v:?}")
        }
    };
    if arg.get_value_delimiter().is_some() && values.len() > 1 {
        let items: String = values
            .iter()
            .map(|v| format!("#   {},\n", literal(v)))
            .collect();
        format!("[\n{items}# ]")
    } else if arg.get_value_delimiter().is_some() {
        format!(
            "[{}]",
            values.iter().map(literal).collect::<Vec<_>>().join(", ")
        )
    } else {
        values.first().map(literal).unwrap_or_default()
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;

    fn key_ids(command: &Command) -> Vec<String> {
        keys(command)
            .iter()
            .map(|(_, a)| a.get_id().to_string())
            .collect()
    }

    #[test]
    fn every_server_flag_and_every_global_store_flag_is_a_key() {
        let command = built_command();
        let keys = key_ids(&command);
        let serve = command.find_subcommand("serve").unwrap();
        for arg in serve.get_arguments().filter(|a| is_setting(a)) {
            assert!(keys.contains(&arg.get_id().to_string()), "{}", arg.get_id());
        }
        for key in GLOBAL_KEYS {
            assert!(keys.contains(&key.to_string()), "{key}");
        }
        assert!(
            !keys.contains(&"user".to_string()),
            "who acts is no setting"
        );
        assert!(!keys.contains(&"config".to_string()));
    }

    #[test]
    fn the_example_uncommented_sets_every_key_validly() {
        let command = built_command();
        let keys = key_ids(&command);
        // Uncomment each `# key = value`, and the rest of a list it opens.
        let mut in_list = false;
        let text: String = example()
            .lines()
            .map(|line| {
                let rest = line.strip_prefix("# ").unwrap_or(line);
                let opens = rest
                    .split_once(" = ")
                    .is_some_and(|(k, _)| keys.contains(&k.to_string()));
                let uncomment = opens || in_list;
                if opens && rest.ends_with('[') {
                    in_list = true;
                } else if in_list && rest == "]" {
                    in_list = false;
                }
                if uncomment {
                    format!("{}\n", line.trim_start_matches('#').trim_start())
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        let settings = parse(&text).unwrap_or_else(|e| panic!("{e:?} in\n{text}"));
        assert_eq!(settings.len(), keys.len(), "{text}");
        assert!(
            text.contains("BETWEEN_LISTEN"),
            "names each environment variable"
        );
    }

    #[test]
    fn unknown_keys_are_all_named_with_their_lines_and_a_suggestion() {
        let problems =
            parse("listen = \"127.0.0.1:9000\"\nlissten = 1\ntrusted_proxy = [\"10.0.0.0/8\"]\ncolour = \"blue\"\n")
                .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].contains("line 2")
                && problems[0].contains("`lissten`")
                && problems[0].contains("did you mean `listen`"),
            "{problems:?}"
        );
        assert!(
            problems[1].contains("line 3") && problems[1].contains("`trusted_proxies`"),
            "{problems:?}"
        );
        assert!(
            problems[2].contains("line 4") && problems[2].contains("unknown setting `colour`"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_bad_value_names_its_key_its_line_and_what_is_wrong() {
        let cases = [
            (
                "session_idle_minutes = 0",
                "`session_idle_minutes`: invalid value '0'",
            ),
            ("listen = 8080", "`listen`: invalid value '8080'"),
            (
                "open_registration = \"yes\"",
                "`open_registration`: invalid value 'yes'",
            ),
            (
                "kdf = 3.5",
                "`kdf`: expected a whole number, text or true/false, found a decimal",
            ),
            (
                "app_title = true",
                "`app_title`: expected a value, found true/false",
            ),
            (
                "listen = [\"127.0.0.1:1\"]",
                "`listen`: expected one value, found a list",
            ),
            (
                "[serve]\nlisten = \"127.0.0.1:1\"",
                "unknown setting `serve`",
            ),
            (
                "trusted_proxies = [\"10.0.0.0/8\", \"nonsense\"]",
                "`trusted_proxies`: invalid value 'nonsense'",
            ),
        ];
        for (text, expected) in cases {
            let problems = parse(&format!("\n{text}\n")).unwrap_err();
            assert_eq!(problems.len(), 1, "{text}: {problems:?}");
            assert!(problems[0].starts_with("line 2: "), "{text}: {problems:?}");
            assert!(problems[0].contains(expected), "{text}: {problems:?}");
        }
    }

    #[test]
    fn text_that_is_not_toml_is_refused_with_its_place() {
        let problems = parse("listen = \"127.0.0.1:9000\"\nlisten =\n").unwrap_err();
        assert!(problems[0].contains("line 2"), "{problems:?}");
    }

    #[test]
    fn the_file_gives_defaults_that_a_flag_overrides() {
        let settings = parse(
            "listen = \"127.0.0.1:9000\"\n\
             app_title = \"Notes\"\n\
             trusted_proxies = [\"10.0.0.0/8\", \"127.0.0.1/32\"]\n\
             open_registration = true\n\
             db_max_connections = 3\n\
             crisis_contacts = [\"Call 111\", \"Text SHOUT to 85258\"]\n\
             log_format = \"json\"\n",
        )
        .unwrap();
        let matches = with_defaults(Cli::command(), &settings)
            .try_get_matches_from(["between", "serve", "--listen", "127.0.0.1:9001"])
            .unwrap();
        assert_eq!(matches.get_one::<u32>("db_max_connections"), Some(&3));
        let serve = matches.subcommand_matches("serve").unwrap();
        assert_eq!(
            serve.get_one::<SocketAddr>("listen").map(|a| a.port()),
            Some(9001),
            "the flag wins"
        );
        assert_eq!(
            serve.get_one::<String>("app_title").map(String::as_str),
            Some("Notes")
        );
        assert_eq!(serve.get_one::<bool>("open_registration"), Some(&true));
        let contacts: Vec<&String> = serve.get_many("crisis_contacts").unwrap().collect();
        assert_eq!(contacts, ["Call 111", "Text SHOUT to 85258"]);
        assert_eq!(serve.get_raw("trusted_proxies").unwrap().count(), 2);
        assert!(Cli::from_arg_matches(&matches).is_ok());
    }
}
