//! `between journal …`: quick capture and reading from the terminal.

use std::io::{IsTerminal, Read};

use anyhow::Context as _;
use between_app::journal::ListEntries;
use between_app::Principal;
use between_domain::timespec;
use between_domain::{Entry, EntryContent, Feeling};
use clap::{Args, Subcommand};
use jiff::Timestamp;
use uuid::Uuid;

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::EntryJson;

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Write an entry (TEXT from standard input when omitted).
    Add(EntryArgs),
    /// List entries, newest first.
    List(ListArgs),
    /// Show one entry.
    Show(ShowArgs),
    /// Change an entry: given flags replace those fields, the rest stay.
    Edit(EditArgs),
    /// Move an entry to "Recently deleted" (restorable for 30 days).
    Delete(DeleteArgs),
    /// Share an entry with your therapist: all of it, or only --excerpt TEXT
    /// (the entry stays private) or a --summary TEXT you write.
    Share(ShareArgs),
    /// Bring an entry back from "Recently deleted".
    Restore(IdArg),
    /// Find entries containing every word of QUERY.
    Search(SearchArgs),
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    id: String,
    /// For an entry with an excerpt shared: delete the excerpt too.
    #[arg(long, conflicts_with = "keep_excerpt")]
    with_excerpt: bool,
    /// For an entry with an excerpt shared: keep sharing the excerpt.
    #[arg(long)]
    keep_excerpt: bool,
}

#[derive(Debug, Args)]
pub struct ShareArgs {
    id: String,
    /// Share only this part of the entry ("-" reads it from standard input).
    #[arg(long, conflicts_with_all = ["summary", "off"])]
    excerpt: Option<String>,
    /// Share a summary you write instead of the entry ("-": standard input).
    #[arg(long, conflicts_with = "off")]
    summary: Option<String>,
    /// Stop sharing it: the entry becomes private and its excerpt goes.
    #[arg(long)]
    off: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EntryArgs {
    /// The entry's text; read from standard input when omitted.
    text: Option<String>,
    /// Mood from 1 to 10 (10 = best).
    #[arg(long, value_name = "N")]
    mood: Option<i64>,
    /// A feeling and its intensity 0–10, e.g. --feeling anxious=7 (repeatable).
    #[arg(long = "feeling", value_name = "NAME=INTENSITY")]
    feelings: Vec<String>,
    /// A situation or trigger, e.g. --trigger "work meeting" (repeatable).
    #[arg(long = "trigger", value_name = "T")]
    triggers: Vec<String>,
    /// A free tag (repeatable).
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    /// When it happened (default: now): YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Star the entry, to come back to it.
    #[arg(long)]
    star: bool,
    /// Mark the entry to share with your therapist.
    #[arg(long)]
    share: bool,
    /// Print the entry as JSON instead of its id.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    id: String,
    /// New text ("-" reads standard input).
    text: Option<String>,
    #[arg(long, value_name = "N")]
    mood: Option<i64>,
    /// Remove the mood.
    #[arg(long, conflicts_with = "mood")]
    no_mood: bool,
    /// Replaces all feelings when given.
    #[arg(long = "feeling", value_name = "NAME=INTENSITY")]
    feelings: Vec<String>,
    /// Replaces all triggers when given.
    #[arg(long = "trigger", value_name = "T")]
    triggers: Vec<String>,
    /// Replaces all tags when given.
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[arg(long, conflicts_with = "unstar")]
    star: bool,
    #[arg(long)]
    unstar: bool,
    #[arg(long, conflicts_with = "unshare")]
    share: bool,
    #[arg(long)]
    unshare: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// From this day or time, or a relative 7d, 2w, 3m, 1y.
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// Up to and including this day or time.
    #[arg(long, value_name = "WHEN")]
    until: Option<String>,
    /// List "Recently deleted" instead.
    #[arg(long)]
    deleted: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    id: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct IdArg {
    id: String,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    query: String,
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, cmd: JournalCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    match cmd {
        JournalCommand::Add(args) => {
            let (content, at) = content_from_args(&p, args.text.clone(), &args)?;
            let entry = app.add_entry(&p, content, at).await?;
            if args.json {
                print_json(&EntryJson::new(&entry, &p.user.time_zone))
            } else {
                outln!("{}", entry.id);
                Ok(())
            }
        }
        JournalCommand::List(args) => {
            let range = timespec::parse_range(
                args.since.as_deref(),
                args.until.as_deref(),
                &p.user.time_zone,
                app.now(),
            )
            .map_err(|e| CliError::input(e.to_string()))?;
            let mut entries = Vec::new();
            let mut after = None;
            loop {
                let page = app
                    .list_entries(
                        &p,
                        &ListEntries {
                            range,
                            deleted: args.deleted,
                            after,
                            limit: Some(between_app::journal::MAX_PAGE),
                        },
                    )
                    .await?;
                entries.extend(page.entries);
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            print_entries(&p, &entries, args.json)
        }
        JournalCommand::Show(args) => {
            let entry = app.entry(&p, parse_id(&args.id)?).await?;
            if args.json {
                print_json(&EntryJson::new(&entry, &p.user.time_zone))
            } else {
                print_full(&p, &entry);
                Ok(())
            }
        }
        JournalCommand::Edit(args) => {
            let id = parse_id(&args.id)?;
            let current = app.entry(&p, id).await?;
            let (content, at) = edited_content(&p, current.content, args.text.clone(), &args)?;
            let entry = app.update_entry(&p, id, content, at).await?;
            if args.json {
                print_json(&EntryJson::new(&entry, &p.user.time_zone))
            } else {
                outln!("{}", entry.id);
                Ok(())
            }
        }
        JournalCommand::Delete(args) => {
            use between_app::excerpts::ExcerptOnDelete;
            let id = parse_id(&args.id)?;
            let excerpt = match (args.with_excerpt, args.keep_excerpt) {
                (true, _) => Some(ExcerptOnDelete::Delete),
                (_, true) => Some(ExcerptOnDelete::Keep),
                _ => None,
            };
            match app.delete_entry_choosing(&p, id, excerpt).await {
                Err(between_app::AppError::Conflict(_)) => {
                    return Err(CliError::input(
                        "part of this entry is shared with your therapist as an excerpt: add --with-excerpt to delete it too, or --keep-excerpt to keep sharing it",
                    ))
                }
                other => other?,
            }
            outln!("Deleted {id}; `between journal restore {id}` brings it back within 30 days.");
            Ok(())
        }
        JournalCommand::Share(args) => share(&app, &p, args).await,
        JournalCommand::Restore(args) => {
            let entry = app.restore_entry(&p, parse_id(&args.id)?).await?;
            outln!("Restored {}.", entry.id);
            Ok(())
        }
        JournalCommand::Search(args) => {
            let entries = app.search_entries(&p, &args.query, usize::MAX).await?;
            print_entries(&p, &entries, args.json)
        }
    }
}

fn parse_id(s: &str) -> CliResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| CliError::input(format!("\"{s}\" is not an entry id")))
}

fn parse_feeling(s: &str) -> CliResult<Feeling> {
    let bad = || {
        CliError::input(format!("--feeling \"{s}\" must look like NAME=INTENSITY with INTENSITY from 0 to 10, e.g. anxious=7"))
    };
    let (name, intensity) = s.rsplit_once('=').ok_or_else(bad)?;
    let intensity: u8 = intensity.trim().parse().map_err(|_| bad())?;
    if intensity > 10 || name.trim().is_empty() {
        return Err(bad());
    }
    Ok(Feeling {
        name: name.to_string(),
        intensity,
    })
}

fn parse_mood(mood: i64) -> CliResult<u8> {
    u8::try_from(mood)
        .ok()
        .filter(|m| (1..=10).contains(m))
        .ok_or_else(|| {
            CliError::input(format!(
                "--mood must be between 1 and 10 (10 = best), not {mood}"
            ))
        })
}

fn parse_at(p: &Principal, at: Option<&str>) -> CliResult<Option<Timestamp>> {
    at.map(|s| {
        timespec::parse_instant(s, &p.user.time_zone)
            .map_err(|e| CliError::input(format!("--at: {e}")))
    })
    .transpose()
}

fn read_text(text: Option<String>) -> CliResult<String> {
    match text {
        Some(t) if t != "-" => Ok(t),
        _ => {
            if std::io::stdin().is_terminal() {
                eprintln!("Write your entry, then press Ctrl-D:");
            }
            let mut buf = String::new();
            std::io::stdin()
                .read_to_string(&mut buf)
                .context("could not read the entry from standard input")?;
            Ok(buf)
        }
    }
}

fn content_from_args(
    p: &Principal,
    text: Option<String>,
    args: &EntryArgs,
) -> CliResult<(EntryContent, Option<Timestamp>)> {
    // Check every flag before reading stdin, so a typo does not swallow a long text.
    let feelings = args
        .feelings
        .iter()
        .map(|f| parse_feeling(f))
        .collect::<CliResult<Vec<_>>>()?;
    let mood = args.mood.map(parse_mood).transpose()?;
    let at = parse_at(p, args.at.as_deref())?;
    let content = EntryContent {
        text: read_text(text)?,
        mood,
        feelings,
        triggers: args.triggers.clone(),
        tags: args.tags.clone(),
        prompts: Vec::new(),
        starred: args.star,
        shared: args.share,
    };
    Ok((content, at))
}

fn edited_content(
    p: &Principal,
    mut c: EntryContent,
    text: Option<String>,
    args: &EditArgs,
) -> CliResult<(EntryContent, Option<Timestamp>)> {
    if !args.feelings.is_empty() {
        c.feelings = args
            .feelings
            .iter()
            .map(|f| parse_feeling(f))
            .collect::<CliResult<Vec<_>>>()?;
    }
    if let Some(m) = args.mood {
        c.mood = Some(parse_mood(m)?);
    }
    if args.no_mood {
        c.mood = None;
    }
    let at = parse_at(p, args.at.as_deref())?;
    if !args.triggers.is_empty() {
        c.triggers = args.triggers.clone();
    }
    if !args.tags.is_empty() {
        c.tags = args.tags.clone();
    }
    if args.star || args.unstar {
        c.starred = args.star;
    }
    if args.share || args.unshare {
        c.shared = args.share;
    }
    if text.is_some() {
        c.text = read_text(text)?;
    }
    Ok((c, at))
}

fn print_entries(p: &Principal, entries: &[Entry], json: bool) -> CliResult {
    let tz = &p.user.time_zone;
    if json {
        return print_json(
            &entries
                .iter()
                .map(|e| EntryJson::new(e, tz))
                .collect::<Vec<_>>(),
        );
    }
    if entries.is_empty() {
        outln!("No entries.");
        return Ok(());
    }
    let mut day = None;
    for e in entries {
        let local = e.occurred_at.to_zoned(tz.clone());
        if day != Some(local.date()) {
            day = Some(local.date());
            outln!("{}", local.strftime("%A %-d %B %Y"));
        }
        let mood = e
            .content
            .mood
            .map(|m| format!("mood {m:>2}"))
            .unwrap_or_else(|| "       ".into());
        let feelings: Vec<String> = e
            .content
            .feelings
            .iter()
            .map(|f| format!("{} {}", f.name, f.intensity))
            .collect();
        let star = if e.content.starred { "★ " } else { "" };
        outln!(
            "  {}  {mood}  {star}{}{}{}",
            local.strftime("%H:%M"),
            e.content.excerpt(60),
            if feelings.is_empty() {
                String::new()
            } else {
                format!("  [{}]", feelings.join(", "))
            },
            format_args!("  {}", e.id),
        );
    }
    Ok(())
}

fn print_full(p: &Principal, e: &Entry) {
    let tz = &p.user.time_zone;
    let c = &e.content;
    outln!(
        "{}",
        e.occurred_at
            .to_zoned(tz.clone())
            .strftime("%A %-d %B %Y, %H:%M")
    );
    if let Some(m) = c.mood {
        outln!("Mood: {m}/10");
    }
    if !c.feelings.is_empty() {
        let f: Vec<String> = c
            .feelings
            .iter()
            .map(|f| format!("{} {}", f.name, f.intensity))
            .collect();
        outln!("Feelings: {}", f.join(", "));
    }
    if !c.triggers.is_empty() {
        outln!("Triggers: {}", c.triggers.join(", "));
    }
    if !c.tags.is_empty() {
        outln!(
            "Tags: {}",
            c.tags
                .iter()
                .map(|t| format!("#{t}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let flags: Vec<&str> = [(c.starred, "starred"), (c.shared, "shared with therapist")]
        .into_iter()
        .filter_map(|(on, label)| on.then_some(label))
        .collect();
    if !flags.is_empty() {
        outln!("({})", flags.join(", "));
    }
    if !c.text.is_empty() {
        outln!("\n{}", c.text);
    }
    for pa in &c.prompts {
        outln!("\n{}\n{}", pa.prompt, pa.answer);
    }
    if let Some(d) = e.deleted_at {
        outln!(
            "\n(deleted {})",
            d.to_zoned(tz.clone()).strftime("%-d %B %Y")
        );
    }
}

/// `between journal share ID [--excerpt TEXT | --summary TEXT | --off]`.
async fn share(app: &between_app::App, p: &Principal, args: ShareArgs) -> CliResult {
    use between_domain::excerpt::{Excerpt, ExcerptKind};
    let id = parse_id(&args.id)?;
    let read = |text: String| -> CliResult<String> {
        if text != "-" {
            return Ok(text);
        }
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .context("reading standard input")?;
        Ok(buf)
    };
    let part = match (args.excerpt, args.summary) {
        (Some(text), _) => Some((read(text)?, ExcerptKind::Part)),
        (None, Some(text)) => Some((read(text)?, ExcerptKind::Summary)),
        (None, None) => None,
    };
    if let Some((text, kind)) = part {
        let stored = app.share_excerpt(p, id, Excerpt { text, kind }).await?;
        if args.json {
            return print_json(&crate::json::excerpt_json(
                &between_app::excerpts::SharedExcerpt {
                    id: stored.id,
                    entry_id: id,
                    at: stored.occurred_at,
                    excerpt: stored.data,
                },
                &p.user.time_zone,
            ));
        }
        outln!(
            "Shared {} of the entry; the rest stays private. Editing the entry later does not change it.",
            kind.label()
        );
        return Ok(());
    }
    let entry = app.entry(p, id).await?;
    let mut content = entry.content.clone();
    content.shared = !args.off;
    let entry = app.update_entry(p, id, content, None).await?;
    if args.off && app.excerpt_of(p, id).await?.is_some() {
        app.delete_excerpt(p, id).await?;
    }
    if args.json {
        return print_json(&EntryJson::new(&entry, &p.user.time_zone));
    }
    if args.off {
        outln!("The entry is private: nothing of it is shared.");
    } else {
        outln!("Shared all of the entry with therapists who see your journal.");
    }
    Ok(())
}
