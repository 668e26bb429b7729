//! `samvirke deadlines`: the coming due dates of the cooperations' yearly wheels and of the law.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use samvirke_core::CooperationId;
use samvirke_core::deadlines::{self, Basis, Filter};
use samvirke_core::model::Language;

use super::{now, open_store, parse_date_flag, print_json, today};
use crate::cli_error::CliError;

/// How many days ahead the list goes when `--to` is not given.
const DAYS_AHEAD_DEFAULT: i32 = 365;

/// Arguments of `samvirke deadlines`.
#[derive(Args, Debug)]
#[command(
    after_help = "Lists the dated obligations: the cooperations' own yearly wheels ([[obligation]] in the agreement files) and the statutory ones for their country and legal form (with their legal reference; lines whose source could not be fully confirmed are marked unsure). Due dates on a Saturday, Sunday or public holiday are already moved as each obligation says.\n\nExamples:\n  samvirke deadlines --cooperation dragoer-taarnby --from 2026-01-01 --to 2026-12-31\n  samvirke deadlines --municipality DK-0155 --json\n  samvirke deadlines --municipality DK-0155 --ics -o dragoer.ics"
)]
pub struct DeadlinesArgs {
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

/// Runs `samvirke deadlines`.
pub fn run(db: &str, args: DeadlinesArgs) -> Result<(), CliError> {
    let from = match &args.from {
        Some(text) => parse_date_flag("--from", text)?,
        None => today(),
    };
    let to = match &args.to {
        Some(text) => parse_date_flag("--to", text)?,
        None => {
            samvirke_core::Date::from_days_since_epoch(from.days_since_epoch() + DAYS_AHEAD_DEFAULT)
        }
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
    let list = deadlines::deadlines(registry.cooperations(), &filter, from, to)
        .map_err(|e| CliError::Input(e.to_string()))?;
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
        deadlines::to_ics(&list, &name, now(), Language::En)
    } else {
        let mut out = String::new();
        if list.is_empty() {
            out.push_str(&format!("No deadlines from {from} to {to}.\n"));
        }
        for d in &list {
            let basis = match &d.basis {
                Basis::Agreement { .. } => "agreement".to_string(),
                Basis::Statute { reference, unsure } => {
                    format!("{reference}{}", if *unsure { " (unsure)" } else { "" })
                }
            };
            out.push_str(&format!(
                "{}  {:<24} {}  [{}; {}]\n",
                d.due,
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
