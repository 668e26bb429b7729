//! `samvirke cases`: the register of complaints and access requests.

use std::fmt::Write as _;
use std::io::Write as _;

use clap::{Args, Subcommand};
use samvirke_core::Date;
use samvirke_core::cases::{self, Binding, CaseKind, CaseReference};
use samvirke_core::model::Language;
use samvirke_store::register::{Case, CaseError, NewCase};
use serde::Serialize;

use super::{actor, now, open_store, parse_date_flag, parse_municipality_flag, print_json, today};
use crate::cli_error::CliError;

/// How long a closed case is kept before `purge` deletes it, unless configured.
pub const RETENTION_DAYS_DEFAULT: u32 = 1826;

/// The register of complaints and access requests.
#[derive(Subcommand, Debug)]
pub enum CasesCommand {
    /// Register a complaint or an access request: routed to the body the agreement names for the
    /// service on the decision's date, with its statutory due dates.
    #[command(
        after_help = "The case keeps as little personal data as it can: your case reference (never a CPR number, personnummer or fødselsnummer, which are refused), the service, the decision's date and the citizen's municipality.\n\nExamples:\n  samvirke cases add --kind complaint --service genoptraening-sel86 --municipality DK-0155 --decided 2020-03-01 --received 2020-03-10 --reference 27.15.00-G01-123-20\n  samvirke cases add --kind gdpr_access --service ppr --municipality DK-0155 --decided 2021-05-01 --reference SAG-2026-17 --json"
    )]
    Add(AddArgs),
    /// List cases: open ones by due date, the overdue first.
    List(ListArgs),
    /// Show one case with its routing, due dates and log.
    Show(ShowArgs),
    /// Take the extension the law allows (GDPR: two more months), before the first period ends.
    Extend(ExtendArgs),
    /// Close a case on the day it was answered or decided.
    Close(CloseArgs),
    /// Delete the cases closed longer ago than the retention period; each deletion is logged.
    Purge(PurgeArgs),
    /// The statutory clocks, by country and kind, with their legal references.
    Clocks(ClocksArgs),
    /// The register log (no personal data): every registration, extension, closing and deletion.
    Log(LogArgs),
}

/// Arguments of `samvirke cases add`.
#[derive(Args, Debug)]
pub struct AddArgs {
    /// complaint (about a decision), document_access (aktindsigt, allmän handling, innsyn) or
    /// gdpr_access (GDPR article 15).
    #[arg(long, value_name = "KIND")]
    kind: String,
    /// The service the decision or request concerns (see `samvirke services`).
    #[arg(long, value_name = "ID")]
    service: String,
    /// The citizen's municipality, e.g. DK-0155.
    #[arg(long, value_name = "ID")]
    municipality: String,
    /// The date of the decision (for an access request: the date the service is asked about).
    #[arg(long, value_name = "DATE")]
    decided: String,
    /// The day it was received; the clocks run from here. Default: today.
    #[arg(long, value_name = "DATE")]
    received: Option<String>,
    /// Your case reference (the case number in your case system; no identity numbers).
    #[arg(long, value_name = "TEXT")]
    reference: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke cases list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Only cases staff of this municipality may see (handling or citizen's municipality).
    #[arg(long, value_name = "ID")]
    municipality: Option<String>,
    /// Only open cases whose first due date has passed.
    #[arg(long, conflicts_with = "closed")]
    overdue: bool,
    /// Closed cases too.
    #[arg(long)]
    closed: bool,
    /// The day to count overdue from. Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke cases show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The case number.
    id: i64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke cases extend`.
#[derive(Args, Debug)]
pub struct ExtendArgs {
    /// The case number.
    id: i64,
    /// Why more time is needed (the requester must be told).
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// The day the extension is taken and the requester told. Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
}

/// Arguments of `samvirke cases close`.
#[derive(Args, Debug)]
pub struct CloseArgs {
    /// The case number.
    id: i64,
    /// The day it was answered or decided. Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
}

/// Arguments of `samvirke cases purge`.
#[derive(Args, Debug)]
pub struct PurgeArgs {
    /// Keep closed cases this many days after closing (default: 1826, five years).
    #[arg(long, env = "SAMVIRKE_CASE_RETENTION_DAYS", default_value_t = RETENTION_DAYS_DEFAULT, value_name = "DAYS")]
    retention_days: u32,
    /// Only say which cases would be deleted.
    #[arg(long)]
    dry_run: bool,
    /// The day to count from. Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
}

/// Arguments of `samvirke cases clocks`.
#[derive(Args, Debug)]
pub struct ClocksArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke cases log`.
#[derive(Args, Debug)]
pub struct LogArgs {
    /// Only the lines about this case.
    id: Option<i64>,
}

impl From<CaseError> for CliError {
    fn from(e: CaseError) -> CliError {
        match e {
            CaseError::Store(s) => s.into(),
            other => CliError::Input(other.to_string()),
        }
    }
}

/// A case as the CLI prints it in JSON.
#[derive(Serialize)]
struct CaseView {
    id: i64,
    reference: String,
    kind: CaseKind,
    service: String,
    decided_on: Date,
    received_on: Date,
    citizen_municipality: String,
    handled_by: String,
    handled_by_name: String,
    visible_to: Vec<String>,
    routing: String,
    extended_on: Option<Date>,
    closed_on: Option<Date>,
    overdue: bool,
    due: Vec<cases::CaseDue>,
}

fn view(case: &Case, today: Date) -> CaseView {
    CaseView {
        id: case.id,
        reference: case.case.reference.to_string(),
        kind: case.case.kind,
        service: case.case.service.clone(),
        decided_on: case.case.decided_on,
        received_on: case.case.received_on,
        citizen_municipality: case.case.citizen_municipality.to_string(),
        handled_by: case.case.handled_by.0.clone(),
        handled_by_name: case.case.handled_by.1.clone(),
        visible_to: case
            .case
            .visible_to
            .iter()
            .map(ToString::to_string)
            .collect(),
        routing: case.case.routing.summary(),
        extended_on: case.extended_on,
        closed_on: case.closed_on,
        overdue: case.is_overdue(today),
        due: case.dues(Language::En),
    }
}

fn date_or_today(flag: &str, text: Option<&str>) -> Result<Date, CliError> {
    text.map_or_else(|| Ok(today()), |t| parse_date_flag(flag, t))
}

/// Runs `samvirke cases …`.
pub fn run(db: &str, command: CasesCommand) -> Result<(), CliError> {
    match command {
        CasesCommand::Add(args) => add(db, args),
        CasesCommand::List(args) => list(db, args),
        CasesCommand::Show(args) => show(db, args),
        CasesCommand::Extend(args) => {
            let on = date_or_today("--on", args.on.as_deref())?;
            let case = open_store(db)?.case_extend(args.id, on, &args.reason, &actor(), now())?;
            let due = case.dues(Language::En).first().map(|d| d.due);
            println!(
                "case {}: extended on {on}; now due {}",
                case.id,
                due.map_or_else(String::new, |d| d.to_string())
            );
            Ok(())
        }
        CasesCommand::Close(args) => {
            let on = date_or_today("--on", args.on.as_deref())?;
            let case = open_store(db)?.case_close(args.id, on, &actor(), now())?;
            let late = case
                .dues(Language::En)
                .first()
                .filter(|d| d.due < on)
                .map(|d| {
                    format!(
                        " ({} days after its due date {})",
                        on.days_since_epoch() - d.due.days_since_epoch(),
                        d.due
                    )
                })
                .unwrap_or_default();
            println!("case {}: closed on {on}{late}", case.id);
            Ok(())
        }
        CasesCommand::Purge(args) => {
            let on = date_or_today("--on", args.on.as_deref())?;
            let ids = open_store(db)?.cases_purge(
                on,
                args.retention_days,
                args.dry_run,
                &actor(),
                now(),
            )?;
            let list = ids
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match (ids.is_empty(), args.dry_run) {
                (true, _) => println!(
                    "No case closed more than {} days before {on}; nothing to delete.",
                    args.retention_days
                ),
                (false, true) => println!(
                    "Would delete {} case(s): {list} (dry run; nothing deleted).",
                    ids.len()
                ),
                (false, false) => println!(
                    "Deleted {} case(s): {list}; each deletion is in `samvirke cases log`.",
                    ids.len()
                ),
            }
            Ok(())
        }
        CasesCommand::Clocks(args) => clocks(args),
        CasesCommand::Log(args) => {
            let entries = open_store(db)?.register_log(args.id)?;
            let mut out = std::io::stdout().lock();
            if entries.is_empty() {
                writeln!(out, "The register log is empty.")?;
            }
            for e in entries {
                writeln!(
                    out,
                    "{}  case {:<5} {:<16} {}",
                    e.at, e.case_id, e.actor, e.what
                )?;
            }
            Ok(())
        }
    }
}

fn add(db: &str, args: AddArgs) -> Result<(), CliError> {
    let kind = CaseKind::parse(&args.kind).map_err(|e| CliError::Input(format!("--kind: {e}")))?;
    let reference = CaseReference::parse(&args.reference)
        .map_err(|e| CliError::Input(format!("--reference: {e}")))?;
    let municipality = parse_municipality_flag("--municipality", &args.municipality)?;
    let decided_on = parse_date_flag("--decided", &args.decided)?;
    let received_on = date_or_today("--received", args.received.as_deref())?;
    match cases::check_dates(kind, decided_on, received_on, today()) {
        Some(cases::DateProblem::ReceivedBeforeDecision) => {
            return Err(CliError::Input(format!(
                "--received {received_on} is before --decided {decided_on}: a complaint comes after the decision; check the dates"
            )));
        }
        Some(cases::DateProblem::ReceivedInFuture) => {
            return Err(CliError::Input(format!(
                "--received {received_on} is after today ({}): the clocks run from the day it came in; check the date",
                today()
            )));
        }
        None => {}
    }
    let mut store = open_store(db)?;
    let registry = store.projection(None)?.registry();
    let routing = cases::route(&registry, kind, municipality, &args.service, decided_on)
        .map_err(|e| CliError::Input(format!("cannot route the case: {e}")))?;
    let new = NewCase::routed(reference, kind, decided_on, received_on, &routing);
    let id = store.case_create(&new, &actor(), now())?;
    let case = store.case(id)?.ok_or_else(|| {
        CliError::Failure(format!("case {id} was registered but cannot be read back"))
    })?;
    if args.json {
        return print_json(&view(&case, today()));
    }
    let mut out = format!(
        "case {id} registered: {kind} about {} for a resident of {}\n  handled by {} ({}){}\n  because {}\n",
        case.case.service,
        case.case.citizen_municipality,
        case.case.handled_by.1,
        case.case.handled_by.0,
        if routing.handled_by.stated_in_agreement {
            ", as the agreement states"
        } else {
            ", the performer (the agreement names no other body)"
        },
        case.case.routing.summary()
    );
    write_dues(&mut out, &case);
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn write_dues(out: &mut String, case: &Case) {
    for d in case.dues(Language::En) {
        let _ = writeln!(
            out,
            "  due {}: {}{} [{}]{}",
            d.due,
            d.title,
            if d.extended { " (extended)" } else { "" },
            d.reference,
            match (d.binding, d.unsure) {
                (Binding::Guidance, _) => " (guidance: the law says without undue delay)",
                (Binding::Statute, true) => " (unsure: see `samvirke cases clocks`)",
                (Binding::Statute, false) => "",
            }
        );
    }
}

fn list(db: &str, args: ListArgs) -> Result<(), CliError> {
    let on = date_or_today("--on", args.on.as_deref())?;
    let municipality = args
        .municipality
        .as_deref()
        .map(|m| parse_municipality_flag("--municipality", m))
        .transpose()?;
    let mut all = open_store(db)?.cases(municipality)?;
    all.retain(|c| (args.closed || c.closed_on.is_none()) && (!args.overdue || c.is_overdue(on)));
    // Overdue first, then by the first due date, then by number.
    all.sort_by_key(|c| {
        (
            !c.is_overdue(on),
            c.closed_on.is_some(),
            c.dues(Language::En).first().map(|d| d.due),
            c.id,
        )
    });
    if args.json {
        let views: Vec<CaseView> = all.iter().map(|c| view(c, on)).collect();
        return print_json(&serde_json::json!({ "on": on, "cases": views }));
    }
    let mut out = String::new();
    if all.is_empty() {
        let _ = writeln!(
            out,
            "No {}cases.",
            if args.overdue {
                "overdue "
            } else if args.closed {
                ""
            } else {
                "open "
            }
        );
    }
    for c in &all {
        let first = c
            .dues(Language::En)
            .first()
            .map(|d| d.due.to_string())
            .unwrap_or_default();
        let state = match (c.closed_on, c.is_overdue(on)) {
            (Some(d), _) => format!("closed {d}"),
            (None, true) => "OVERDUE".to_string(),
            (None, false) => "open".to_string(),
        };
        let _ = writeln!(
            out,
            "{:>5}  {:<10} due {}  {:<16} {:<28} {} → {}  [{}]",
            c.id,
            state,
            first,
            c.case.kind.as_str(),
            c.case.service,
            c.case.citizen_municipality,
            c.case.handled_by.0,
            c.case.reference
        );
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn show(db: &str, args: ShowArgs) -> Result<(), CliError> {
    let mut store = open_store(db)?;
    let case = store.case(args.id)?.ok_or(CaseError::NotFound(args.id))?;
    if args.json {
        return print_json(&view(&case, today()));
    }
    let c = &case.case;
    let mut out = format!(
        "case {}  [{}]\n  {} about {}, decision of {}, received {}\n  citizen of {}; handled by {} ({})\n  because {}\n",
        case.id,
        c.reference,
        c.kind,
        c.service,
        c.decided_on,
        c.received_on,
        c.citizen_municipality,
        c.handled_by.1,
        c.handled_by.0,
        c.routing.summary()
    );
    write_dues(&mut out, &case);
    if let Some(d) = case.extended_on {
        let _ = writeln!(out, "  extended on {d}");
    }
    match case.closed_on {
        Some(d) => {
            let _ = writeln!(out, "  closed on {d}");
        }
        None if case.is_overdue(today()) => {
            let _ = writeln!(out, "  OVERDUE");
        }
        None => {}
    }
    for e in store.register_log(Some(case.id))? {
        let _ = writeln!(out, "  {}  {}: {}", e.at, e.actor, e.what);
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn clocks(args: ClocksArgs) -> Result<(), CliError> {
    let all = cases::clocks();
    if args.json {
        let lines: Vec<serde_json::Value> = all
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "countries": c.countries.iter().map(|x| x.code()).collect::<Vec<_>>(),
                    "kinds": c.kinds,
                    "title": c.title.get(Language::En),
                    "span": c.span,
                    "extension": c.extension,
                    "binding": c.binding,
                    "reference": c.reference,
                    "source": c.source,
                    "unsure": c.certainty == samvirke_core::statutory::Certainty::Unsure,
                    "note": c.note,
                })
            })
            .collect();
        return print_json(&lines);
    }
    let mut out = String::new();
    for c in all {
        let span = |s: cases::Span| match s {
            cases::Span::Months(n) => format!("{n} month(s)"),
            cases::Span::Weeks(n) => format!("{n} weeks"),
            cases::Span::Days(n) => format!("{n} days"),
            cases::Span::WorkingDays(n) => format!("{n} working days"),
        };
        let _ = writeln!(
            out,
            "{} ({}; {}): {} after receipt{}{}\n  {}\n  {}\n  source: {}{}",
            c.id,
            c.countries
                .iter()
                .map(|x| x.code())
                .collect::<Vec<_>>()
                .join(", "),
            c.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            span(c.span),
            c.extension
                .map(|e| format!(", extendable by {}", span(e)))
                .unwrap_or_default(),
            match c.binding {
                Binding::Statute => "",
                Binding::Guidance => " (guidance)",
            },
            c.title.get(Language::En),
            c.reference,
            c.source,
            c.note
                .as_ref()
                .map(|n| format!("\n  note: {n}"))
                .unwrap_or_default()
        );
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}
