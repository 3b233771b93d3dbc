//! `between export` and `between import`: the account's complete archive
//! out and back in.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use between_app::archive::ImportReport;
use between_app::import::{FileImport, Input, Options, Source as ImportSource};
use clap::{Args, ValueEnum};

use super::output::print_json;
use super::{CliError, CliResult, Context};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// The complete, versioned archive (docs/archive-v1.schema.json).
    Json,
    /// The journal to read: one document, or one file per month when
    /// --output is a folder (ending in / or existing).
    Markdown,
    /// Measure responses as a FHIR R4 Bundle: each instrument's
    /// Questionnaire and every QuestionnaireResponse (LOINC-coded where
    /// codes exist), for a clinic; reads back with import --from fhir.
    Fhir,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "json")]
    format: ExportFormat,
    /// Write here (readable only by you) instead of standard output; an
    /// existing file is not overwritten. For Markdown, a folder gets one
    /// file per month.
    #[arg(long, short, value_name = "PATH")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Source {
    /// An archive made by `between export`.
    Between,
    /// jrnl's JSON export (`jrnl --format json`); times are read in your zone.
    Jrnl,
    /// Day One's export: the zip itself or the .json inside it.
    Dayone,
    /// Daylio's CSV export; custom moods need --mood-map NAME=N.
    Daylio,
    /// Any CSV with a header; say which column is which with --map COLUMN=FIELD.
    Csv,
    /// Measures as FHIR R4: a Bundle of QuestionnaireResponses (PHQ-9,
    /// GAD-7, WHO-5, PCL-5), or one; Between's own FHIR export reads back.
    Fhir,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import; - reads standard input.
    path: PathBuf,
    /// What made the file.
    #[arg(long, value_enum)]
    from: Source,
    /// For --from csv: which column holds which field (text, title, date,
    /// time, datetime, mood, tags, starred, id), e.g. --map Date=date.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// For --from daylio: a mood's number from 1 to 10, e.g. --mood-map sleepy=4
    /// (rad 10, good 8, meh 5, bad 3 and awful 1 are known).
    #[arg(long = "mood-map", value_name = "NAME=N")]
    mood_map: Vec<String>,
    /// Check everything and say what would be added, but write nothing.
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

pub async fn export(ctx: &Context, args: ExportArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    match args.format {
        ExportFormat::Markdown => return export_markdown(&app, &p, args.output.as_deref()).await,
        ExportFormat::Fhir => {
            let bundle = between_app::fhir::bundle(&app.measures(&p).await?, app.now());
            let text =
                serde_json::to_string_pretty(&bundle).context("could not encode the bundle")?;
            return write_out(args.output.as_deref(), &text, "measures");
        }
        ExportFormat::Json => {}
    }
    let archive = app.export_archive(&p, None).await?;
    let text = serde_json::to_string_pretty(&archive).context("could not encode the archive")?;
    match args.output {
        None => {
            outln!("{text}");
        }
        Some(path) => {
            write_private(&path, text.as_bytes())?;
            eprintln!(
                "Wrote {} entries and {} other records to {}. {NOT_ENCRYPTED}",
                archive.entries.len(),
                archive.records.len(),
                path.display()
            );
        }
    }
    Ok(())
}

const NOT_ENCRYPTED: &str = "This file is NOT encrypted: keep it somewhere only you can read.";

async fn export_markdown(
    app: &between_app::App,
    p: &between_app::Principal,
    output: Option<&Path>,
) -> CliResult {
    let entries = app.all_entries(p).await?;
    let tz = &p.user.time_zone;
    let Some(path) = output else {
        out!("{}", crate::markdown::single(&entries, tz));
        return Ok(());
    };
    let folder = path.is_dir() || path.to_string_lossy().ends_with('/');
    if !folder {
        write_private(path, crate::markdown::single(&entries, tz).as_bytes())?;
        eprintln!("Wrote the journal to {}. {NOT_ENCRYPTED}", path.display());
        return Ok(());
    }
    create_private_dir(path)?;
    let months = crate::markdown::by_month(&entries, tz);
    for (month, text) in &months {
        write_private(&path.join(format!("{month}.md")), text.as_bytes())?;
    }
    eprintln!(
        "Wrote {} monthly files to {}. These files are NOT encrypted: keep them somewhere only you can read.",
        months.len(),
        path.display()
    );
    Ok(())
}

fn create_private_dir(path: &Path) -> CliResult {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|e| {
        CliError::input(format!(
            "could not create the folder {}: {e}",
            path.display()
        ))
    })
}

/// Writes `text` to `path` (private, never replacing a file) or stdout.
fn write_out(path: Option<&Path>, text: &str, what: &str) -> CliResult {
    match path {
        None => {
            outln!("{text}");
        }
        Some(path) => {
            write_private(path, text.as_bytes())?;
            eprintln!("Wrote your {what} to {}. {NOT_ENCRYPTED}", path.display());
        }
    }
    Ok(())
}

/// Creates `path` readable only by its owner, refusing to replace a file.
fn write_private(path: &Path, bytes: &[u8]) -> CliResult {
    super::output::write_private_file(path, bytes, super::output::Replace::Never, "an export")
}

/// The file to import: standard input is read (within the app's limit);
/// a file is opened and read by the import itself, so a Day One zip is
/// unpacked from disk member by member, whatever its size.
async fn open_input(path: &Path) -> CliResult<Input> {
    if path == Path::new("-") {
        let bytes = between_app::blocking::run(|| {
            between_app::import::read_capped(std::io::stdin().lock())
        })
        .await
        .map_err(|e| CliError::input(format!("standard input: {e}")))?;
        return Ok(Input::Bytes(bytes));
    }
    std::fs::File::open(path)
        .map(Input::File)
        .map_err(|e| CliError::input(format!("could not read {}: {e}", path.display())))
}

/// Splits repeated `A=B` options.
fn pairs(items: &[String], flag: &str, shape: &str) -> CliResult<Vec<(String, String)>> {
    items
        .iter()
        .map(|item| {
            item.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| CliError::input(format!("{flag} \"{item}\" is not {shape}")))
        })
        .collect()
}

fn summary(report: &ImportReport) -> String {
    let kinds: Vec<String> = report
        .added_by_kind
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    format!(
        "{} {}{}, skipped {} already here{}.",
        if report.dry_run { "Would add" } else { "Added" },
        report.added,
        if kinds.is_empty() {
            String::new()
        } else {
            format!(" ({})", kinds.join(", "))
        },
        report.skipped,
        if report.renumbered > 0 {
            format!(
                "; {} ids were in use by another account and got new ones",
                report.renumbered
            )
        } else {
            String::new()
        }
    )
}

pub async fn import(ctx: &Context, args: ImportArgs) -> CliResult {
    let input = open_input(&args.path).await?;
    let mut options = Options::default();
    for (column, field) in pairs(&args.map, "--map", "COLUMN=FIELD")? {
        options.add_map(&column, &field);
    }
    for (name, n) in pairs(&args.mood_map, "--mood-map", "NAME=N")? {
        options
            .add_mood(&name, &n)
            .map_err(|why| CliError::input(format!("--mood-map {why}")))?;
    }
    let source = match args.from {
        Source::Between => ImportSource::Between,
        Source::Jrnl => ImportSource::Jrnl,
        Source::Dayone => ImportSource::DayOne,
        Source::Daylio => ImportSource::Daylio,
        Source::Csv => ImportSource::Csv,
        Source::Fhir => ImportSource::Fhir,
    };
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let bar = super::output::progress_bar("Checking and encrypting");
    let tell = {
        let bar = bar.clone();
        move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let slot = app.import_slot().await?;
    let file = FileImport {
        source,
        input,
        options,
        dry_run: args.dry_run,
        progress: Some(std::sync::Arc::new(tell)),
    };
    let report = app.import_file(&slot, &p, file).await?;
    bar.finish_and_clear();
    if args.json {
        return print_json(&report);
    }
    outln!("{}", summary(&report));
    Ok(())
}
