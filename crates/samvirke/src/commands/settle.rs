//! `samvirke settle`: settlement runs for a cooperation's payment agreements, and the bulk
//! `settle adhoc`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use samvirke_core::model::{CooperationDoc, Fact, RecordedInput, SettlementLine};
use samvirke_core::{CooperationId, PartyId};
use samvirke_settle::money::format_hundredths;
use samvirke_settle::statement::Statement;
use samvirke_settle::{AdhocError, AdhocOptions, UsageRow, settle_adhoc, settle_year};
use samvirke_store::Store;

use samvirke_i18n::Lang;

use super::{now, open_store};
use crate::cli_error::CliError;
use crate::files::{read_text, write_atomically, write_parts_atomically};

/// Arguments of `samvirke settle`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[command(
    after_help = "Examples:\n  samvirke settle dragoer-taarnby --year 2025\n  samvirke settle vastra-malardalen --year 2025 --usage activity.csv --format html -o statement.html\n  samvirke settle vastra-malardalen --year 2025 --usage activity.csv --explain SE-1984\n  samvirke settle adhoc --costs costs.csv --activity activity.csv --out settlement.csv\n\nEach run is recorded in the journal with its inputs; a rerun that gives other figures is recorded\nagain and the differences to the earlier run are printed."
)]
pub struct SettleArgs {
    #[command(subcommand)]
    command: Option<SettleCommand>,
    /// Cooperation id (see `samvirke cooperations`).
    #[arg(required = true)]
    cooperation: Option<String>,
    /// The year to settle.
    #[arg(long, required = true)]
    year: Option<i32>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Show how every amount for this payer came about (key, inputs, formula, rounding), as text,
    /// HTML or PDF (the same as the web's explanation page).
    #[arg(long, value_name = "MUNICIPALITY")]
    explain: Option<String>,
    /// Activity for usage and hybrid keys: CSV with sub_agreement,municipality,date,units.
    #[arg(long, value_name = "ACTIVITY.csv")]
    usage: Option<PathBuf>,
    /// Write the statement to a file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Why the run is made (stored with the journal event).
    #[arg(long)]
    reason: Option<String>,
}

/// Statement formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Csv,
    Json,
    Html,
    Pdf,
}

/// `samvirke settle` subcommands.
#[derive(Subcommand, Debug)]
pub enum SettleCommand {
    /// Split each agreement's cost over municipalities by their units in an activity file.
    #[command(
        after_help = "COSTS.csv: agreement,cost (cost in major units, at most two decimals).\nACTIVITY.csv: agreement,municipality,date,units (date YYYY-MM-DD; units ≥ 0, at most two decimals).\n`,` or `;` between fields (a decimal comma with `;`), a byte-order mark, CRLF and spaces around fields are accepted.\nOUT.csv: agreement,municipality,units,amount, sorted; amounts sum exactly to each agreement's cost\n(largest remainder, ties to the lower municipality id). Any bad row: exit 2, nothing written.\n\nExample:\n  samvirke settle adhoc --costs costs.csv --activity activity.csv --out settlement.csv"
    )]
    Adhoc(AdhocArgs),
}

/// Arguments of `samvirke settle adhoc`.
#[derive(Args, Debug)]
pub struct AdhocArgs {
    /// Costs per agreement: agreement,cost.
    #[arg(long, value_name = "COSTS.csv")]
    costs: PathBuf,
    /// Activity rows: agreement,municipality,date,units.
    #[arg(long, value_name = "ACTIVITY.csv")]
    activity: PathBuf,
    /// Where to write the settlement (written whole or not at all).
    #[arg(long, value_name = "OUT.csv")]
    out: PathBuf,
    /// No progress or summary on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// Runs the command.
pub fn run(db: &str, args: SettleArgs, lang: Lang) -> Result<(), CliError> {
    match args.command {
        Some(SettleCommand::Adhoc(adhoc_args)) => adhoc(adhoc_args),
        None => cooperation(db, args, lang),
    }
}

fn adhoc(args: AdhocArgs) -> Result<(), CliError> {
    let mut options = AdhocOptions {
        progress: !args.quiet,
        ..AdhocOptions::default()
    };
    if let Some(threads) = args.threads {
        if threads == 0 {
            return Err(CliError::Input("--threads must be at least 1".to_string()));
        }
        options.threads = threads;
    }
    let (csv, summary) =
        settle_adhoc(&args.costs, &args.activity, &options).map_err(|e| match e {
            AdhocError::At { .. } => CliError::Input(format!("{e}\nnothing was written")),
            AdhocError::Whole(message) => {
                CliError::Input(format!("{message}\nnothing was written"))
            }
        })?;
    write_parts_atomically(&args.out, &csv)?;
    if !args.quiet {
        writeln!(
            std::io::stderr(),
            "settle: {} activity rows, {} agreements, {} rows written to {}",
            summary.rows,
            summary.agreements,
            summary.pairs,
            args.out.display()
        )?;
    }
    Ok(())
}

/// Reads `sub_agreement,municipality,date,units`; every bad row is reported with its line.
fn read_usage(path: &Path) -> Result<Vec<UsageRow>, CliError> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    samvirke_settle::usage_rows(&text).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|(line, e)| format!("{name}:{line}: {e}"))
            .collect();
        CliError::Input(format!(
            "{}\n{} bad row{} in {name}; nothing was settled",
            lines.join("\n"),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        ))
    })
}

fn money(minor: u64) -> String {
    format_hundredths(i128::from(minor))
}

fn signed(minor: i64) -> String {
    format_hundredths(i128::from(minor))
}

fn cooperation(db: &str, args: SettleArgs, lang: Lang) -> Result<(), CliError> {
    let (Some(id), Some(year)) = (&args.cooperation, args.year) else {
        return Err(CliError::Input(
            "give COOPERATION and --year, or use `samvirke settle adhoc`".to_string(),
        ));
    };
    let id = CooperationId::parse(id).map_err(|e| CliError::Input(e.to_string()))?;
    let mut store = open_store(db)?;
    let projection = store.projection(None)?;
    let doc = super::cooperation_doc(&projection, &id)?;
    let usage = match &args.usage {
        Some(path) => read_usage(path)?,
        None => {
            let needs_usage = doc.payment_agreements.iter().any(|p| {
                p.years.iter().any(|y| y.year == year)
                    && matches!(
                        p.key,
                        Some(
                            samvirke_core::model::AllocationKey::Usage { .. }
                                | samvirke_core::model::AllocationKey::Hybrid { .. }
                        )
                    )
            });
            if needs_usage {
                return Err(CliError::Input(format!(
                    "a payment agreement of \"{id}\" splits by usage; give the activity with --usage ACTIVITY.csv (sub_agreement,municipality,date,units)"
                )));
            }
            Vec::new()
        }
    };
    let statement = settle_year(&doc, year, &usage).map_err(|e| CliError::Input(e.to_string()))?;
    let document = |document: samvirke_report::Document,
                    format: Format|
     -> Result<Vec<u8>, CliError> {
        match format {
            Format::Text => Ok(super::report::text(&document).into_bytes()),
            Format::Html => Ok(samvirke_report::html::standalone(&document).into_bytes()),
            Format::Pdf if args.output.is_none() => Err(CliError::Input(
                "a PDF is written to a file: add -o statement.pdf".into(),
            )),
            Format::Pdf => samvirke_report::annual::pdf_on(&document, super::today())
                .map_err(|e| CliError::Failure(e.to_string())),
            Format::Json | Format::Csv => Err(CliError::Input(
                "--explain is written as text, html or pdf; for the figures as data use --format json without --explain".into(),
            )),
        }
    };
    let body = match (&args.explain, args.format) {
        (Some(m), format) => document(explanation_of(&doc, &statement, m, lang)?, format)?,
        (None, Format::Json) => (serde_json::to_string_pretty(&statement)
            .map_err(|e| CliError::Failure(e.to_string()))?
            + "\n")
            .into_bytes(),
        (None, Format::Csv) => statement.csv().into_bytes(),
        (None, format) => document(
            samvirke_report::settlement::statement(&doc, &statement, lang),
            format,
        )?,
    };
    let recorded = record_run(
        &mut store,
        &projection,
        &doc,
        &statement,
        &usage,
        args.reason.as_deref(),
    )?;
    match &args.output {
        Some(path) => write_atomically(path, &body)?,
        None => std::io::stdout().lock().write_all(&body)?,
    }
    writeln!(std::io::stderr(), "{recorded}")?;
    Ok(())
}

/// Records the run in the journal unless the same figures from the same inputs are already
/// recorded; returns a line for the user (with the differences to the earlier run, if any).
fn record_run(
    store: &mut Store,
    projection: &samvirke_store::Projection,
    doc: &CooperationDoc,
    statement: &Statement,
    usage: &[UsageRow],
    reason: Option<&str>,
) -> Result<String, CliError> {
    let coop = &doc.cooperation.id;
    let inputs: Vec<RecordedInput> = projection
        .facts_of(coop)
        .into_iter()
        .filter(|f| {
            matches!(
                f.fact,
                Fact::PaymentAgreement { .. } | Fact::SubAgreement { .. }
            )
        })
        .map(|f| RecordedInput {
            key: f.fact.key(),
            event: f.seq,
        })
        .collect();
    let run = samvirke_settle::recorded::record(statement, usage, inputs);
    let fact = Fact::SettlementRun {
        cooperation: coop.clone(),
        run: run.clone(),
    };
    let previous = projection.facts.get(&fact.key());
    if let Some(prev) = previous
        && prev.fact == fact
    {
        return Ok(format!(
            "settle: same inputs and figures as the run recorded {} (event {}); nothing new recorded",
            prev.recorded_at, prev.seq
        ));
    }
    let reason = reason.map_or_else(
        || format!("settlement run {} for {}", statement.year, coop),
        str::to_string,
    );
    let actor = super::actor();
    let seq = store.put(projection, fact, &actor, &reason, now())?;
    let Some(prev) = previous else {
        return Ok(format!("settle: run recorded as event {seq}"));
    };
    let Fact::SettlementRun { run: old, .. } = &prev.fact else {
        return Ok(format!("settle: run recorded as event {seq}"));
    };
    let mut out = format!(
        "settle: run recorded as event {seq}; differences to the run recorded {} (event {}):",
        prev.recorded_at, prev.seq
    );
    let changes = samvirke_settle::recorded::compare(old, &run);
    let describe = |l: &SettlementLine| {
        format!(
            "budget {}, actual {}, savings {}, true-up {}",
            money(l.budget_minor),
            l.actual_minor.map_or("open".into(), money),
            money(l.savings_minor),
            l.true_up_minor.map_or("open".into(), signed)
        )
    };
    for c in &changes.lines {
        let _ = write!(out, "\n  sub-agreement {} {}: ", c.sub_agreement, c.payer);
        let _ = match (&c.before, &c.after) {
            (Some(b), Some(a)) => write!(out, "{} → {}", describe(b), describe(a)),
            (None, Some(a)) => write!(out, "new: {}", describe(a)),
            (Some(b), None) => write!(out, "gone (was {})", describe(b)),
            (None, None) => Ok(()),
        };
    }
    if changes.inputs_changed {
        let _ = write!(
            out,
            "\n  inputs changed: payment agreements or sub-agreements were revised since"
        );
    }
    if changes.usage_changed {
        let _ = write!(
            out,
            "\n  usage changed: the activity file differs from the earlier run's"
        );
    }
    Ok(out)
}

/// How `member`'s amounts came about, in `lang`; an error naming the payers when it pays nothing.
fn explanation_of(
    doc: &CooperationDoc,
    s: &Statement,
    member: &str,
    lang: Lang,
) -> Result<samvirke_report::Document, CliError> {
    let wanted = PartyId::parse(member)
        .map_err(|e| CliError::Input(format!("--explain: {e}")))?
        .to_string();
    samvirke_report::settlement::explanation(doc, s, &wanted, lang).ok_or_else(|| {
        let payers: std::collections::BTreeSet<&str> = s
            .agreements
            .iter()
            .flat_map(|a| a.payers.iter().map(|p| p.payer.as_str()))
            .collect();
        CliError::Input(format!(
            "--explain: {wanted} pays nothing under \"{}\" in {}; the payers are {}",
            s.cooperation,
            s.year,
            payers.into_iter().collect::<Vec<_>>().join(", ")
        ))
    })
}
