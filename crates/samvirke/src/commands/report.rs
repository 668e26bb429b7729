//! `samvirke report`: the annual report with a fact sheet per sub-agreement: templates, sheets,
//! review, and the report as text, HTML or PDF.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use samvirke_core::model::Fact;
use samvirke_core::report::{
    FigureDef, ReportTemplate, SheetAction, TemplateSection, apply_sheet_action,
};
use samvirke_core::{CooperationId, Date};
use samvirke_i18n::Lang;
use samvirke_report::Block;
use serde::Deserialize;

use super::{actor, now, open_store, today};
use crate::cli_error::CliError;

/// The annual report.
#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Print or write the report on a year: text, HTML or PDF, in the cooperation's language.
    #[command(
        after_help = "Examples:\n  samvirke report show dragoer-taarnby --year 2026\n  samvirke report show dragoer-taarnby --year 2026 --format pdf -o aarsrapport-2026.pdf\n  samvirke report show dragoer-taarnby --year 2026 --format html -o aarsrapport-2026.html"
    )]
    Show(ShowArgs),
    /// Record a new version of a cooperation's report template (the yearly adjustment).
    #[command(
        after_help = "The file (TOML):\n  version = 1\n  from = 2026-02-02\n  note = \"Justeret februar 2026\"\n  [[sections]]\n  id = \"results\"\n  title = { da = \"Resultater\" }\n  [[figures]]\n  id = \"cases\"\n  title = { da = \"Sager\" }\n  money = false     # true: an amount in øre\n\nA recorded version does not change; record the next adjustment as the next version."
    )]
    Template(TemplateArgs),
    /// List the report templates a cooperation has recorded.
    Templates(TemplatesArgs),
    /// Write a sub-agreement's fact sheet from a file (the performing municipality), and submit it.
    #[command(
        after_help = "The file (TOML), with the ids of the template in force that year (see `samvirke report templates`):\n  [sections]\n  results = \"\"\"Flere borgere fik genoptræning.\"\"\"\n  outlook-short = \"...\"\n  outlook-long = \"...\"\n  [figures]\n  cases = 1250\n  cost = 123456789   # øre"
    )]
    Sheet(SheetArgs),
    /// Approve a submitted fact sheet, or return it with a note (the delegating municipality).
    Review(ReviewArgs),
}

/// The output of `samvirke report show`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// Plain text.
    Text,
    /// A whole HTML file.
    Html,
    /// A PDF, typeset in-process.
    Pdf,
}

/// Arguments of `samvirke report show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The cooperation.
    cooperation: String,
    /// The year reported on. Default: last year.
    #[arg(long)]
    year: Option<i32>,
    /// text, html or pdf.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write to this file (written whole or not at all); a PDF needs one.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Arguments of `samvirke report template`.
#[derive(Args, Debug)]
pub struct TemplateArgs {
    /// The cooperation.
    cooperation: String,
    /// The template file (TOML).
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Why, for the journal.
    #[arg(long, env = "SAMVIRKE_REASON", value_name = "TEXT")]
    reason: Option<String>,
}

/// Arguments of `samvirke report templates`.
#[derive(Args, Debug)]
pub struct TemplatesArgs {
    /// The cooperation.
    cooperation: String,
}

/// Arguments of `samvirke report sheet`.
#[derive(Args, Debug)]
pub struct SheetArgs {
    /// The cooperation.
    cooperation: String,
    /// The year reported on.
    #[arg(long)]
    year: i32,
    /// The sub-agreement's number.
    #[arg(long = "sub-agreement", value_name = "N")]
    sub_agreement: u32,
    /// The sheet (TOML).
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Submit it for review after saving.
    #[arg(long)]
    submit: bool,
    /// Why, for the journal.
    #[arg(long, env = "SAMVIRKE_REASON", value_name = "TEXT")]
    reason: Option<String>,
}

/// Arguments of `samvirke report review`.
#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The cooperation.
    cooperation: String,
    /// The year reported on.
    #[arg(long)]
    year: i32,
    /// The sub-agreement's number.
    #[arg(long = "sub-agreement", value_name = "N")]
    sub_agreement: u32,
    /// Approve the sheet.
    #[arg(
        long,
        conflicts_with = "return_sheet",
        required_unless_present = "return_sheet"
    )]
    approve: bool,
    /// Return the sheet for changes (--note says what).
    #[arg(long = "return")]
    return_sheet: bool,
    /// A remark on approval; what to change on return (required).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    version: u32,
    from: toml::Value,
    #[serde(default)]
    note: Option<String>,
    sections: Vec<TemplateSection>,
    #[serde(default)]
    figures: Vec<FigureDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SheetFile {
    #[serde(default)]
    sections: BTreeMap<String, String>,
    #[serde(default)]
    figures: BTreeMap<String, i64>,
}

fn read_toml<T: for<'de> Deserialize<'de>>(path: &PathBuf) -> Result<T, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

fn cooperation_id(text: &str) -> Result<CooperationId, CliError> {
    CooperationId::parse(text).map_err(|e| CliError::Input(format!("COOPERATION: {e}")))
}

fn problems(path: &str, list: Vec<(String, String)>) -> CliError {
    CliError::Input(
        list.iter()
            .map(|(field, message)| format!("{path}: {field}: {message}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Runs `samvirke report …`.
pub fn run(db: &str, command: ReportCommand, lang: Option<Lang>) -> Result<(), CliError> {
    match command {
        ReportCommand::Show(args) => show(db, args, lang),
        ReportCommand::Template(args) => template(db, args),
        ReportCommand::Templates(args) => {
            let id = cooperation_id(&args.cooperation)?;
            let mut store = open_store(db)?;
            let projection = store.projection(None)?;
            super::cooperation_doc(&projection, &id)?;
            let registry = projection.registry();
            let list = registry.report_templates(&id);
            let mut out = String::new();
            if list.is_empty() {
                let _ = writeln!(
                    out,
                    "{id} has recorded no template; Samvirke's default (version 0) applies:"
                );
            }
            let default = ReportTemplate::default_template();
            for t in if list.is_empty() {
                vec![&default]
            } else {
                list
            } {
                let _ = writeln!(
                    out,
                    "version {} from {}{}\n  sections: {}\n  figures: {}",
                    t.version,
                    t.from,
                    t.note
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default(),
                    t.sections
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    t.figures
                        .iter()
                        .map(|f| f.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            std::io::stdout().lock().write_all(out.as_bytes())?;
            Ok(())
        }
        ReportCommand::Sheet(args) => {
            let file: SheetFile = read_toml(&args.file)?;
            let mut actions = vec![SheetAction::Save {
                sections: file.sections.into_iter().collect(),
                figures: file
                    .figures
                    .into_iter()
                    .map(|(k, v)| (k, Some(v)))
                    .collect(),
            }];
            if args.submit {
                actions.push(SheetAction::Submit);
            }
            let path = args.file.display().to_string();
            change_sheet(
                db,
                &args.cooperation,
                args.year,
                args.sub_agreement,
                actions,
                args.reason,
                &path,
            )
        }
        ReportCommand::Review(args) => {
            let action = if args.approve {
                SheetAction::Approve { note: args.note }
            } else {
                SheetAction::Return {
                    note: args.note.unwrap_or_default(),
                }
            };
            change_sheet(
                db,
                &args.cooperation,
                args.year,
                args.sub_agreement,
                vec![action],
                None,
                "review",
            )
        }
    }
}

fn template(db: &str, args: TemplateArgs) -> Result<(), CliError> {
    let id = cooperation_id(&args.cooperation)?;
    let file: TemplateFile = read_toml(&args.file)?;
    let path = args.file.display().to_string();
    let from_text = match &file.from {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s.clone(),
        other => {
            return Err(CliError::Input(format!(
                "{path}: from: a {} is not a date; write from = 2026-02-02",
                other.type_str()
            )));
        }
    };
    let from =
        Date::parse(&from_text).map_err(|e| CliError::Input(format!("{path}: from: {e}")))?;
    let template = ReportTemplate {
        version: file.version,
        from,
        sections: file.sections,
        figures: file.figures,
        note: file.note,
    };
    let found = template.problems();
    if !found.is_empty() {
        return Err(problems(&path, found));
    }
    let mut store = open_store(db)?;
    let projection = store.projection(None)?;
    super::cooperation_doc(&projection, &id)?;
    let fact = Fact::ReportTemplate {
        cooperation: id.clone(),
        template: template.clone(),
    };
    if let Some(previous) = projection.facts.get(&fact.key()) {
        if previous.fact == fact {
            println!(
                "template version {} of {id} is recorded already; nothing new",
                template.version
            );
            return Ok(());
        }
        return Err(CliError::Input(format!(
            "{path}: version {} of {id}'s template was recorded on {} with other content; a recorded version does not change: record the change as version {}",
            template.version,
            previous.recorded_at,
            projection
                .registry()
                .report_templates(&id)
                .last()
                .map_or(1, |t| t.version + 1)
        )));
    }
    let reason = args
        .reason
        .unwrap_or_else(|| format!("report template version {} from {from}", template.version));
    let seq = store.put(&projection, fact, &actor(), &reason, now())?;
    println!(
        "template version {} of {id} recorded (event {seq}); the reports on {} and later use it",
        template.version,
        from.ymd().0
    );
    Ok(())
}

fn change_sheet(
    db: &str,
    cooperation: &str,
    year: i32,
    number: u32,
    actions: Vec<SheetAction>,
    reason: Option<String>,
    place: &str,
) -> Result<(), CliError> {
    let id = cooperation_id(cooperation)?;
    let mut store = open_store(db)?;
    let projection = store.projection(None)?;
    super::cooperation_doc(&projection, &id)?;
    let registry = projection.registry();
    let report = registry
        .annual_report(&id, year)
        .ok_or_else(|| CliError::Input(format!("--year {year}: not a year Samvirke reports on")))?;
    let Some(part) = report
        .parts
        .iter()
        .find(|p| p.sub_agreement.number == number)
    else {
        let numbers: Vec<String> = report
            .parts
            .iter()
            .map(|p| p.sub_agreement.number.to_string())
            .collect();
        return Err(CliError::Input(format!(
            "--sub-agreement {number}: no sub-agreement {number} of {id} was in force in {year}; those that were: {}",
            if numbers.is_empty() {
                "none".to_string()
            } else {
                numbers.join(", ")
            }
        )));
    };
    let mut current = part.sheet.cloned();
    for action in actions {
        current = Some(
            apply_sheet_action(current.as_ref(), &report.template, year, number, action)
                .map_err(|p| problems(place, p))?,
        );
    }
    let Some(sheet) = current else {
        return Ok(());
    };
    if part.sheet == Some(&sheet) {
        println!(
            "fact sheet {number} of {year} is unchanged ({})",
            sheet.state.as_str()
        );
        return Ok(());
    }
    let state = sheet.state;
    let reason = reason.unwrap_or_else(|| sheet.default_reason());
    let fact = Fact::FactSheet {
        cooperation: id.clone(),
        sheet,
    };
    let seq = store.put(&projection, fact, &actor(), &reason, now())?;
    println!(
        "fact sheet {number} of {year}: {} (event {seq})",
        state.as_str()
    );
    Ok(())
}

fn show(db: &str, args: ShowArgs, lang: Option<Lang>) -> Result<(), CliError> {
    let id = cooperation_id(&args.cooperation)?;
    let year = args.year.unwrap_or(today().ymd().0 - 1);
    let mut store = open_store(db)?;
    let projection = store.projection(None)?;
    let doc = super::cooperation_doc(&projection, &id)?;
    let registry = projection.registry();
    let report = registry
        .annual_report(&id, year)
        .ok_or_else(|| CliError::Input(format!("--year {year}: not a year Samvirke reports on")))?;
    let document = samvirke_report::annual::document(
        &report,
        lang.unwrap_or_else(|| Lang::of(doc.cooperation.language)),
    );
    emit(&document, args.format, args.output.as_deref())
}

/// Writes `document` in `format` to `output` (whole or not at all), or to standard output.
pub(crate) fn emit(
    document: &samvirke_report::Document,
    format: Format,
    output: Option<&std::path::Path>,
) -> Result<(), CliError> {
    let bytes = match format {
        Format::Pdf => {
            if output.is_none() {
                return Err(CliError::Input(
                    "a PDF is written to a file: add -o report.pdf".into(),
                ));
            }
            samvirke_report::annual::pdf_on(document, today())
                .map_err(|e| CliError::Failure(e.to_string()))?
        }
        Format::Html => samvirke_report::html::standalone(document).into_bytes(),
        Format::Text => text(document).into_bytes(),
    };
    match output {
        Some(path) => {
            crate::files::write_atomically(path, &bytes)?;
            println!("{} written ({} bytes)", path.display(), bytes.len());
            Ok(())
        }
        None => {
            std::io::stdout().lock().write_all(&bytes)?;
            Ok(())
        }
    }
}

pub(crate) fn text(doc: &samvirke_report::Document) -> String {
    let mut out = format!("{}\n{}\n", doc.title, doc.subtitle);
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let rule = if *level <= 1 { '=' } else { '-' };
                let _ = write!(
                    out,
                    "\n{text}\n{}\n",
                    rule.to_string().repeat(text.chars().count())
                );
            }
            Block::Text(text) | Block::Foreign { text, .. } => {
                let _ = writeln!(out, "{text}");
            }
            Block::Terms(items) => {
                for (term, description) in items {
                    let _ = writeln!(out, "{term}: {description}");
                }
            }
            Block::Table {
                caption,
                header,
                rows,
            } => {
                let _ = writeln!(out, "{caption}:");
                let _ = writeln!(out, "  {}", header.join(" | "));
                for row in rows {
                    let _ = writeln!(out, "  {}", row.join(" | "));
                }
            }
        }
    }
    out
}
