//! `samvirke deadlines`: the coming due dates of the cooperations' yearly wheels and of the law.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use samvirke_core::deadlines::{self, Basis, Filter, Status};
use samvirke_core::model::{Fact, ObligationState};
use samvirke_core::{CooperationId, Date};

use super::{actor, now, open_store, parse_date_flag, print_json, today};
use crate::cli_error::CliError;

/// How many days ahead the list goes when `--to` is not given.
const DAYS_AHEAD_DEFAULT: i32 = 365;

/// Arguments of `samvirke deadlines`.
#[derive(Args, Debug)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Lists the dated obligations: the cooperations' own yearly wheels ([[obligation]] in the agreement files) and the statutory ones for their country and legal form (with their legal reference; lines whose source could not be fully confirmed are marked unsure). Due dates on a Saturday, Sunday or public holiday are already moved as each obligation says.\n\nExamples:\n  samvirke deadlines --cooperation dragoer-taarnby --from 2026-01-01 --to 2026-12-31\n  samvirke deadlines --municipality DK-0155 --json\n  samvirke deadlines --municipality DK-0155 --ics -o dragoer.ics\n  samvirke deadlines --overdue\n  samvirke deadlines mark dragoer-taarnby aarsrapportering 2026-01-30 done --note \"Sent 28 January\""
)]
pub struct DeadlinesArgs {
    #[command(subcommand)]
    command: Option<DeadlinesCommand>,
    /// Only what this municipality must do, e.g. DK-0155.
    #[arg(long, value_name = "ID")]
    municipality: Option<String>,
    /// Only this cooperation.
    #[arg(long, value_name = "ID")]
    cooperation: Option<String>,
    /// First day (YYYY-MM-DD). Default: today.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day (YYYY-MM-DD). Default: a year after --from.
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only the deadlines whose day has passed while they are neither done nor waived (from a year
    /// back, unless --from says otherwise, up to today).
    #[arg(long)]
    overdue: bool,
    /// Print JSON.
    #[arg(long, conflicts_with = "ics")]
    json: bool,
    /// Print an iCalendar (RFC 5545) file, for a calendar program.
    #[arg(long)]
    ics: bool,
    /// Write to this file instead of standard output (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Record what has been done about a deadline.
#[derive(Subcommand, Debug)]
pub enum DeadlinesCommand {
    /// Record the state of one deadline: planned, in_progress, done or waived. Each change is a
    /// journal event (who, when, why), so the history of a deadline is kept; a deadline still
    /// planned or in progress after its day is overdue.
    Mark(MarkArgs),
}

/// Arguments of `samvirke deadlines mark`.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  samvirke deadlines mark dragoer-taarnby aarsrapportering 2026-01-30 done --note \"Sent to Dragør 28 January\"\n  samvirke deadlines mark dragoer-taarnby skabelon-og-aarshjul 2026-02-02 waived --note \"No changes agreed for 2026\"\n  samvirke db log --key dragoer-taarnby/obligation-status/agreement:aarsrapportering/2026-01-30"
)]
pub struct MarkArgs {
    /// The cooperation.
    cooperation: String,
    /// The obligation: its id in the agreement file (e.g. aarsrapportering), or as `samvirke
    /// deadlines --json` names it (agreement:ID, statute:ID).
    obligation: String,
    /// The due date of the occurrence, as `samvirke deadlines` lists it.
    due: String,
    /// planned, in_progress, done or waived.
    state: String,
    /// What was done, or why it is waived (required for waived).
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Why the state changed, for the journal. Default: a sentence naming the deadline and state.
    #[arg(long, env = "SAMVIRKE_REASON", value_name = "TEXT")]
    reason: Option<String>,
}

/// Runs `samvirke deadlines`.
pub fn run(db: &str, args: DeadlinesArgs, lang: samvirke_i18n::Lang) -> Result<(), CliError> {
    if let Some(DeadlinesCommand::Mark(mark_args)) = args.command {
        return mark(db, mark_args);
    }
    let from = match &args.from {
        Some(text) => parse_date_flag("--from", text)?,
        None if args.overdue => {
            Date::from_days_since_epoch(today().days_since_epoch() - deadlines::OVERDUE_DAYS_BACK)
        }
        None => today(),
    };
    let to = match &args.to {
        Some(text) => parse_date_flag("--to", text)?,
        None if args.overdue => today(),
        None => Date::from_days_since_epoch(from.days_since_epoch() + DAYS_AHEAD_DEFAULT),
    };
    if to < from {
        return Err(CliError::Input(format!(
            "--to {to} is before --from {from}; give a later --to"
        )));
    }
    let municipality = args
        .municipality
        .as_deref()
        .map(|m| super::parse_municipality_flag("--municipality", m))
        .transpose()?;
    let mut store = open_store(db)?;
    let projection = store.projection(None)?;
    let cooperation = match args.cooperation.as_deref() {
        Some(text) => {
            let id = CooperationId::parse(text)
                .map_err(|e| CliError::Input(format!("--cooperation: {e}")))?;
            // Unknown ids get the closest suggestion, as elsewhere.
            super::cooperation_doc(&projection, &id)?;
            Some(id)
        }
        None => None,
    };
    let registry = projection.registry();
    let filter = Filter {
        municipality,
        cooperation,
    };
    let mut list = registry
        .deadlines(&filter, from, to, today())
        .map_err(|e| CliError::Input(e.to_string()))?;
    if args.overdue {
        list.retain(|d| d.status == Status::Overdue);
    }
    let text = if args.json {
        let events = deadlines::on_event(registry.cooperations(), &filter);
        let body =
            serde_json::json!({"from": from, "to": to, "deadlines": list, "on_event": events});
        if args.output.is_none() {
            return print_json(&body);
        }
        serde_json::to_string_pretty(&body).map_err(|e| CliError::Failure(e.to_string()))? + "\n"
    } else if args.ics {
        let name = match (&filter.cooperation, &filter.municipality) {
            (Some(c), _) => format!("Samvirke: {c}"),
            (None, Some(m)) => format!("Samvirke: {m}"),
            (None, None) => "Samvirke".to_string(),
        };
        deadlines::to_ics(&list, &name, now(), &lang, |id| {
            registry
                .cooperation(id)
                .map_or_else(|| id.to_string(), |c| c.cooperation.name.clone())
        })
    } else {
        let mut out = String::new();
        if list.is_empty() {
            out.push_str(&format!(
                "No {}deadlines from {from} to {to}.\n",
                if args.overdue { "overdue " } else { "" }
            ));
        }
        for d in &list {
            let basis = match &d.basis {
                Basis::Agreement { .. } => "agreement".to_string(),
                Basis::Statute { reference, unsure } => {
                    format!("{reference}{}", if *unsure { " (unsure)" } else { "" })
                }
            };
            out.push_str(&format!(
                "{}  {:<11} {:<24} {}  [{}; {}]\n",
                d.due,
                d.status.as_str(),
                d.cooperation.as_str(),
                d.title,
                d.owners.join(", "),
                basis
            ));
        }
        for duty in deadlines::on_event(registry.cooperations(), &filter) {
            out.push_str(&format!(
                "on {}  {:<24} {}  [{}; {}]\n",
                duty.events.join(", "),
                duty.cooperation.as_str(),
                duty.title,
                duty.within,
                duty.reference
            ));
        }
        out
    };
    match &args.output {
        Some(path) => crate::files::write_atomically(path, text.as_bytes()),
        None => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

fn mark(db: &str, args: MarkArgs) -> Result<(), CliError> {
    let state = ObligationState::parse(&args.state).ok_or_else(|| {
        CliError::Input(format!(
            "state \"{}\" is not one of {}",
            args.state,
            ObligationState::choices()
        ))
    })?;
    let due = parse_date_flag("DUE", &args.due)?;
    let id = CooperationId::parse(&args.cooperation)
        .map_err(|e| CliError::Input(format!("COOPERATION: {e}")))?;
    let mut store = open_store(db)?;
    let projection = store.projection(None)?;
    super::cooperation_doc(&projection, &id)?;
    let registry = projection.registry();
    let mark = registry
        .mark_deadline(
            &id,
            &args.obligation,
            due,
            state,
            args.note.as_deref(),
            today(),
        )
        .map_err(|e| CliError::Input(e.to_string().replace("a note", "--note")))?;
    let obligation = mark.deadline.obligation.clone();
    let previous = projection.facts.get(&mark.fact.key());
    if previous.is_some_and(|p| p.fact == mark.fact) {
        println!("{obligation} {due} is already {state}; nothing new recorded");
        return Ok(());
    }
    let reason = args.reason.unwrap_or_else(|| mark.default_reason());
    let seq = store.put(&projection, mark.fact, &actor(), &reason, now())?;
    let was = previous
        .and_then(|p| match &p.fact {
            Fact::ObligationStatus { status, .. } => Some(status.state.as_str()),
            _ => None,
        })
        .unwrap_or("planned");
    println!("{obligation} due {due}: {was} → {state} (event {seq})");
    Ok(())
}
