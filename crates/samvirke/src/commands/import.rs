//! `samvirke import` and `samvirke check`.
//!
//! Flow: expand paths → read and check every file on its own (all errors) → open the journal and
//! project the current state → check across files and the stored cooperations (two performers) →
//! diff each cooperation against its stored facts → append every change in one transaction, on the
//! condition that nobody else wrote in between.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use samvirke_core::Diagnostic;
use samvirke_core::format::{ParsedFile, check_set, parse_file};
use samvirke_core::model::CooperationDoc;
use samvirke_store::{Change, Projection, Store};

use super::{now, open_store};
use crate::cli_error::CliError;
use crate::files::{agreement_files, read_text};

/// Arguments of `samvirke import`.
#[derive(Args, Debug)]
#[command(
    after_help = "Importing the same files again records nothing. Importing an edited file records exactly the facts that changed; changing or removing recorded facts needs --reason.\n\nExamples:\n  samvirke import examples/cooperations\n  samvirke import dragoer-taarnby.toml --reason \"Take-back of 2021-09-01 decided by Dragør's council\""
)]
pub struct ImportArgs {
    /// Agreement files or directories (searched for *.toml).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Why the change is made (stored with every event). Required when recorded facts change.
    #[arg(long)]
    reason: Option<String>,
    /// Who makes the change (stored with every event). Default: $USER.
    #[arg(long, env = "SAMVIRKE_ACTOR")]
    actor: Option<String>,
    /// Show what would be recorded, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `samvirke check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Agreement files or directories (searched for *.toml).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also check against the cooperations in the database (two performers across cooperations).
    #[arg(long)]
    against_db: bool,
}

fn read_and_parse(
    paths: &[PathBuf],
) -> Result<(Vec<ParsedFile>, Vec<samvirke_core::Diagnostic>, usize), CliError> {
    let files = agreement_files(paths)?;
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for path in &files {
        let text = read_text(path)?;
        match parse_file(&path.display().to_string(), &text) {
            Ok(mut p) => {
                problems.extend(load_population_files(path, &mut p)?);
                problems.extend(check_document_files(path, &p));
                parsed.push(p);
            }
            Err(errors) => problems.extend(errors),
        }
    }
    Ok((parsed, problems, files.len()))
}

/// Reads the population CSV files a parsed agreement file names (relative to it) and fills them in.
/// The CSV is `municipality,population`; every bad row is a diagnostic with its line.
fn load_population_files(
    agreement_file: &Path,
    parsed: &mut ParsedFile,
) -> Result<Vec<Diagnostic>, CliError> {
    let mut problems = Vec::new();
    let dir = agreement_file.parent().unwrap_or(Path::new("."));
    for index in 0..parsed.population_files().len() {
        let file = parsed.population_files()[index].clone();
        let csv_path = dir.join(&file.path);
        let name = csv_path.display().to_string();
        let at = |line: usize, message: String| Diagnostic {
            file: name.clone(),
            line,
            column: 1,
            field: String::new(),
            message,
            said: None,
        };
        let text = match std::fs::read_to_string(&csv_path) {
            Ok(t) => t,
            Err(e) => {
                let mut d = file.place.clone();
                d.message = format!(
                    "cannot read {name}: {e}; population_csv is relative to the agreement file"
                );
                problems.push(d);
                continue;
            }
        };
        match samvirke_core::csv::population(&text) {
            Ok(counts) => problems.extend(parsed.fill_population(index, counts)),
            Err(errors) => problems.extend(errors.into_iter().map(|(line, e)| at(line, e))),
        }
    }
    Ok(problems)
}

/// Reads the copy of each document a parsed agreement file names (relative to it) and compares
/// it with the SHA-256 the file gives: a copy that cannot be read, a digest that does not match,
/// or a copy without its digest is a problem at the line that says so.
fn check_document_files(agreement_file: &Path, parsed: &ParsedFile) -> Vec<Diagnostic> {
    use sha2::{Digest, Sha256};
    let dir = agreement_file.parent().unwrap_or(Path::new("."));
    let mut problems = Vec::new();
    for file in parsed.document_files() {
        let path = dir.join(&file.path);
        let say = |place: &Diagnostic, message: String| {
            let mut d = place.clone();
            d.message = message;
            d
        };
        let digest = match std::fs::File::open(&path).and_then(|mut f| {
            let mut hasher = Sha256::new();
            std::io::copy(&mut f, &mut hasher)?;
            Ok(hasher.finalize())
        }) {
            Ok(d) => d.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            Err(e) => {
                problems.push(say(
                    &file.place,
                    format!(
                        "cannot read the document's copy {}: {e}; `file` is relative to the agreement file",
                        path.display()
                    ),
                ));
                continue;
            }
        };
        match &file.sha256 {
            Some(given) if *given == digest => {}
            Some(given) => problems.push(say(
                &file.digest_place,
                format!(
                    "the copy {} has SHA-256 {digest}, not {given}: the file has changed since the digest was written; check the copy, then write sha256 = \"{digest}\"",
                    path.display()
                ),
            )),
            None => problems.push(say(
                &file.digest_place,
                format!(
                    "the copy {} has no SHA-256 beside it; add sha256 = \"{digest}\", so that a changed copy is noticed",
                    path.display()
                ),
            )),
        }
    }
    problems
}

fn stored_others<'p>(
    projection_docs: &'p [CooperationDoc],
    files: &[ParsedFile],
) -> Vec<&'p CooperationDoc> {
    let replaced: BTreeSet<&str> = files
        .iter()
        .map(|f| f.doc.cooperation.id.as_str())
        .collect();
    projection_docs
        .iter()
        .filter(|d| !replaced.contains(d.cooperation.id.as_str()))
        .collect()
}

/// The problems of the new or changed scenarios of each file, against the stored cooperation.
fn scenario_problems(files: &[ParsedFile], stored: &[CooperationDoc]) -> Vec<Diagnostic> {
    files
        .iter()
        .flat_map(|f| {
            let id = &f.doc.cooperation.id;
            f.scenario_problems(stored.iter().find(|d| &d.cooperation.id == id))
        })
        .collect()
}

fn fail_with(problems: Vec<samvirke_core::Diagnostic>, n_files: usize, action: &str) -> CliError {
    let n_bad_files = problems
        .iter()
        .map(|d| d.file.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let summary = format!(
        "{} error{} in {n_bad_files} of {n_files} file{}; {action}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        if n_files == 1 { "" } else { "s" }
    );
    CliError::Diagnostics(problems, summary)
}

/// `samvirke check`.
pub fn check(db: &str, demo: bool, args: CheckArgs) -> Result<(), CliError> {
    let (parsed, mut problems, n_files) = read_and_parse(&args.paths)?;
    let docs: Vec<CooperationDoc> = if args.against_db || demo {
        open_store(db)?
            .projection(None)?
            .registry()
            .cooperations()
            .to_vec()
    } else {
        Vec::new()
    };
    problems.extend(check_set(&parsed, &stored_others(&docs, &parsed)));
    problems.extend(scenario_problems(&parsed, &docs));
    if !problems.is_empty() {
        return Err(fail_with(problems, n_files, "nothing was written"));
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{n_files} file{} OK: {}",
        if n_files == 1 { "" } else { "s" },
        parsed
            .iter()
            .map(|p| p.doc.cooperation.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    Ok(())
}

fn describe(change: &Change) -> String {
    match change {
        Change::Put {
            supersedes: None, ..
        } => format!("+ {}", change.key()),
        Change::Put {
            supersedes: Some(seq),
            ..
        } => format!("~ {} (replaces event {seq})", change.key()),
        Change::Retract { supersedes, .. } => {
            format!("- {} (withdraws event {supersedes})", change.key())
        }
    }
}

const REASON_FILES_NAMED_MAX: usize = 3;

/// "import of a.toml" or "import of 3193 files: a.toml, b.toml, c.toml and 3190 more": short,
/// because the reason is stored with every event, and by file name only, because the public
/// history shows it (the folders are this machine's business).
fn default_reason(parsed: &[ParsedFile]) -> String {
    let names: Vec<&str> = parsed
        .iter()
        .take(REASON_FILES_NAMED_MAX)
        .map(|p| {
            std::path::Path::new(p.file_name())
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(p.file_name())
        })
        .collect();
    match parsed.len() {
        0 | 1 => format!("import of {}", names.join("")),
        n if n <= REASON_FILES_NAMED_MAX => format!("import of {n} files: {}", names.join(", ")),
        n => format!(
            "import of {n} files: {} and {} more",
            names.join(", "),
            n - REASON_FILES_NAMED_MAX
        ),
    }
}

/// `samvirke import`.
pub fn run(db: &str, args: ImportArgs) -> Result<(), CliError> {
    let (parsed, mut problems, n_files) = read_and_parse(&args.paths)?;
    let mut store = open_store(db)?;
    let projection: Projection = store.projection(None)?;
    let stored_docs = projection.registry().cooperations().to_vec();
    problems.extend(check_set(&parsed, &stored_others(&stored_docs, &parsed)));
    problems.extend(scenario_problems(&parsed, &stored_docs));
    if !problems.is_empty() {
        return Err(fail_with(problems, n_files, "nothing was imported"));
    }
    let mut changes = Vec::new();
    let mut summary = Vec::new();
    for file in &parsed {
        let diff = Store::diff(&projection, &file.doc.cooperation.id, &file.doc.to_facts());
        summary.push((
            file.doc.cooperation.id.to_string(),
            file.file_name().to_string(),
            diff.iter().map(describe).collect::<Vec<_>>(),
        ));
        changes.extend(diff);
    }
    let mut out = std::io::stdout().lock();
    if changes.is_empty() {
        writeln!(
            out,
            "Nothing to record: the {} cooperation{} in {n_files} file{} already match the registry ({}).",
            parsed.len(),
            if parsed.len() == 1 { "" } else { "s" },
            if n_files == 1 { "" } else { "s" },
            store.location()
        )?;
        return Ok(());
    }
    let rewrites = changes
        .iter()
        .filter(|c| {
            !matches!(
                c,
                Change::Put {
                    supersedes: None,
                    ..
                }
            )
        })
        .count();
    let reason = match (&args.reason, rewrites) {
        (Some(r), _) if !r.trim().is_empty() => r.trim().to_string(),
        (_, 0) => default_reason(&parsed),
        _ => {
            let list: Vec<String> = changes
                .iter()
                .filter(|c| {
                    !matches!(
                        c,
                        Change::Put {
                            supersedes: None,
                            ..
                        }
                    )
                })
                .map(describe)
                .collect();
            return Err(CliError::Input(format!(
                "this import changes or withdraws {rewrites} recorded fact{}:\n  {}\nsay why with --reason \"...\" (the reason is kept with each event); nothing was imported",
                if rewrites == 1 { "" } else { "s" },
                list.join("\n  ")
            )));
        }
    };
    let actor = args
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|a| !a.trim().is_empty())
        .unwrap_or_else(|| samvirke_store::CLI_ACTOR.to_string());
    for (coop, file, lines) in &summary {
        if lines.is_empty() {
            writeln!(out, "{coop} ({file}): no changes")?;
        } else {
            writeln!(
                out,
                "{coop} ({file}): {} change{}",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            )?;
            for line in lines {
                writeln!(out, "  {line}")?;
            }
        }
    }
    if args.dry_run {
        writeln!(
            out,
            "Dry run: {} change{} would be recorded; nothing was written.",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        )?;
        return Ok(());
    }
    let n_changes = changes.len();
    let events = store.commit(projection.head, &actor, &reason, changes, now())?;
    let (first, last) = (
        events.first().map_or(0, |e| e.seq),
        events.last().map_or(0, |e| e.seq),
    );
    writeln!(
        out,
        "Recorded {n_changes} change{} as events {first}–{last} in {} (actor {actor}, reason \"{reason}\").",
        if n_changes == 1 { "" } else { "s" },
        store.location()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The public history shows the reason: the files by name, never the folders they were in.
    #[test]
    fn the_default_reason_names_files_without_their_folders() {
        let text = include_str!("../../../../examples/cooperations/dragoer-taarnby.toml");
        let parsed = |path: &str| parse_file(path, text).unwrap();
        assert_eq!(
            default_reason(&[parsed("/srv/import/2026/dragoer-taarnby.toml")]),
            "import of dragoer-taarnby.toml"
        );
        let many: Vec<ParsedFile> = (0..5)
            .map(|n| parsed(&format!("/home/anna/aftaler/{n}.toml")))
            .collect();
        assert_eq!(
            default_reason(&many),
            "import of 5 files: 0.toml, 1.toml, 2.toml and 2 more"
        );
    }
}
