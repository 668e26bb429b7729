//! The `samvirke` command: CLI definition plus glue. The domain lives in `samvirke-core`, the
//! journal in `samvirke-store`; this crate parses arguments, reads and writes files, and prints.
//!
//! Exit codes: 0 success; 1 `db verify` found a broken journal; 2 bad input (unknown id, invalid
//! file, bad flag); 3 conflict with another writer (nothing written; run again); 4 database or
//! other failure.

mod cli_error;
mod commands;
mod examples;
mod files;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::cli_error::CliError;

/// jemalloc rather than glibc's allocator, for the bundled SQLite too (the crate's unprefixed
/// `malloc`): under a server's load glibc's per-thread arenas keep what each save frees and
/// memory creeps up while the live heap does not; jemalloc gives the pages back (see
/// `bench/web/load`).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Samvirke: the system of record for inter-municipal cooperation in Denmark, Sweden and Norway.
///
/// Keep cooperations as agreement files (TOML), import them into a journal that never forgets,
/// and ask who is responsible for a service for a municipality's residents on any date.
#[derive(Parser, Debug)]
#[command(
    name = "samvirke",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 success, 1 broken journal (db verify), 2 bad input, 3 conflict with another writer (nothing written; run again), 4 database failure.\n\nExamples:\n  samvirke --demo who DK-0155 genoptraening-sel86 --on 2021-08-31\n  samvirke import examples/cooperations\n  samvirke who DK-0183 beskaeftigelse --json"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options for every command.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Database: a SQLite file path (created if missing) or a postgres:// URL.
    #[arg(
        long,
        global = true,
        env = "SAMVIRKE_DB",
        default_value = "samvirke.db",
        value_name = "PATH|URL"
    )]
    pub db: String,
    /// Use a fresh temporary database with the five example cooperations loaded (ignores --db).
    #[arg(long, global = true)]
    pub demo: bool,
    /// The language of answers and reports written for people: da, sv, nb or en. Default: the
    /// language LC_ALL, LC_MESSAGES or LANG names (da_DK.UTF-8 is Danish), else English; a report
    /// without --lang is in the cooperation's language. Ids, JSON and errors stay as they are.
    #[arg(long, global = true, value_name = "da|sv|nb|en", value_parser = parse_lang)]
    pub lang: Option<samvirke_i18n::Lang>,
}

fn parse_lang(text: &str) -> Result<samvirke_i18n::Lang, String> {
    samvirke_i18n::Lang::parse(text).ok_or_else(|| {
        format!("\"{text}\" is not a language Samvirke writes; use da, sv, nb or en")
    })
}

/// The language the environment names: the first of LC_ALL, LC_MESSAGES and LANG that is set and
/// not empty (as POSIX orders them); `None` for C, POSIX or a language Samvirke does not write.
fn locale_lang() -> Option<samvirke_i18n::Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .and_then(|value| samvirke_i18n::Lang::from_locale(&value))
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the public pages and the JSON API (http://127.0.0.1:8080 by default).
    Serve(commands::serve::ServeArgs),
    /// Who performs a service for a municipality's residents on a date, with the legal basis.
    Who(commands::who::WhoArgs),
    /// Import agreement files (or directories of them): all or nothing, idempotent.
    Import(commands::import::ImportArgs),
    /// Check agreement files without writing anything.
    Check(commands::import::CheckArgs),
    /// Write a cooperation as an agreement file that imports back to the same state.
    Export(commands::export::ExportArgs),
    /// List municipalities in force on a date.
    Municipalities(commands::list::MunicipalitiesArgs),
    /// List the services the registry knows.
    Services(commands::list::ServicesArgs),
    /// List the cooperations in the registry.
    Cooperations(commands::list::CooperationsArgs),
    /// The coming due dates of the cooperations' yearly wheels and of the law (text, JSON, iCalendar).
    Deadlines(commands::deadlines::DeadlinesArgs),
    /// The mapping of candidate areas: criteria and weights, the ranking with each participant's
    /// view, and how robust the top three is.
    Mapping(commands::mapping::MappingArgs),
    /// Joint projects with shared costs: each participant's share of every year's budget.
    Projects(commands::projects::ProjectsArgs),
    /// Disputes of a cooperation's settlements: what was disputed, the amounts, the deadline and
    /// the answer.
    Disputes(commands::disputes::DisputesArgs),
    /// What an evaluation of a cooperation rests on: purpose, key figures, yearly cost and its
    /// trend, and the parties' evaluations.
    Evaluate(commands::evaluate::EvaluateArgs),
    /// Scenarios of proposed changes: dates, decisions, citizens, money; compare; adopt.
    #[command(subcommand)]
    Scenario(commands::scenario::ScenarioCommand),
    /// The annual report: templates, fact sheets per sub-agreement, review, text/HTML/PDF.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// Reminder mails before due dates, and a weekly digest per staff member (SMTP).
    Remind(commands::remind::RemindArgs),
    /// The register of complaints and access requests: routing, statutory due dates, retention.
    #[command(subcommand)]
    Cases(commands::cases::CasesCommand),
    /// Settlement: each member's share of the payment agreements, exactly, to the øre.
    Settle(commands::settle::SettleArgs),
    /// E-invoices and credit notes (Peppol BIS Billing 3.0, UBL 2.1) for a settled year.
    Invoice(commands::invoice::InvoiceArgs),
    /// Staff accounts for the web application: add, list, password, disable, API tokens.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// Database maintenance: verify the journal, show its events.
    #[command(subcommand)]
    Db(commands::db::DbCommand),
}

fn run(cli: Cli) -> Result<(), CliError> {
    let demo = if cli.global.demo {
        Some(examples::DemoDatabase::create()?)
    } else {
        None
    };
    let db = demo
        .as_ref()
        .map_or(cli.global.db.clone(), |d| d.location());
    // The language of what is written for people: --lang, else the locale's, else English.
    let lang = cli
        .global
        .lang
        .or_else(locale_lang)
        .unwrap_or(samvirke_i18n::Lang::En);
    match cli.command {
        Command::Serve(args) => commands::serve::run(&db, cli.global.demo, args),
        Command::Who(args) => commands::who::run(&db, args, lang),
        Command::Import(args) => commands::import::run(&db, args),
        Command::Check(args) => commands::import::check(&db, cli.global.demo, args),
        Command::Export(args) => commands::export::run(&db, args),
        Command::Municipalities(args) => commands::list::municipalities(args),
        Command::Services(args) => commands::list::services(&db, args),
        Command::Cooperations(args) => commands::list::cooperations(&db, args),
        Command::Settle(args) => commands::settle::run(&db, args, lang),
        Command::Invoice(args) => commands::invoice::run(&db, args, lang),
        Command::Deadlines(args) => commands::deadlines::run(&db, args, lang),
        Command::Mapping(args) => commands::mapping::run(&db, args, lang),
        Command::Projects(args) => commands::projects::run(&db, args, lang),
        Command::Disputes(args) => commands::disputes::run(&db, args, lang),
        Command::Evaluate(args) => commands::evaluate::run(&db, args, lang),
        Command::Scenario(command) => commands::scenario::run(&db, command, lang),
        Command::Cases(command) => commands::cases::run(&db, command),
        Command::Remind(args) => commands::remind::run(&db, args),
        // A report is the cooperation's document, in its language unless --lang asks otherwise.
        Command::Report(command) => commands::report::run(&db, command, cli.global.lang),
        Command::User(command) => commands::user::run(&db, command),
        Command::Db(command) => commands::db::run(&db, command),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
