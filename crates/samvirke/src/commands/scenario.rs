//! `samvirke scenario`: a scenario of proposed changes worked out on a copy of the registry (the
//! earliest lawful date, the decisions and votes it needs, whose responsible body changes, every
//! member's money before and after, staff), scenarios compared side by side, and adopting one.
//!
//! Flow of `adopt`: read the scenario from the journal → work it out on the registry as it stands
//! now → write the changed cooperations as agreement files and check them as `import` does →
//! record every changed fact and the adopted scenario in one transaction.

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use samvirke_core::model::Scenario;
use samvirke_core::scenario::{self, Problem};
use samvirke_core::{CooperationId, PartyId, Registry};
use samvirke_i18n::{self as i18n, Lang};
use samvirke_report::decision::{
    self, Namer, change_text, decision_text, earliest_text, net_by_payer, respread_text, signed,
    staff_total,
};
use samvirke_settle::scenario::{Report, report};
use samvirke_store::{Projection, Store};

use super::report::{Format, emit};
use super::{actor, now, open_store, parse_date_flag, print_json};
use crate::cli_error::CliError;

/// `samvirke scenario …`.
#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Work out one scenario: dates, decisions, citizens, money, staff.
    #[command(
        after_help = "A scenario starts from the registry as known at the end of its known_on day (or as known now) and is never part of the recorded truth until it is adopted.\n\nExamples:\n  samvirke scenario show dragoer-taarnby hjemtagelse-2021\n  samvirke --lang da scenario show dragoer-taarnby hjemtagelse-2021\n  samvirke scenario show dragoer-taarnby hjemtagelse-2021 --json"
    )]
    Show(ShowArgs),
    /// Compare two to four scenarios of a cooperation side by side.
    #[command(
        after_help = "Examples:\n  samvirke scenario compare vastra-malardalen a b\n  samvirke scenario compare vastra-malardalen a b c --json"
    )]
    Compare(CompareArgs),
    /// The decision paper of a scenario (or of two to four side by side) as text, HTML or PDF.
    #[command(
        after_help = "Examples:\n  samvirke --lang da scenario paper dragoer-taarnby hjemtagelse-2021 --format pdf -o beslutningsgrundlag.pdf\n  samvirke scenario paper vastra-malardalen a b --format html -o comparison.html"
    )]
    Paper(PaperArgs),
    /// List a cooperation's scenarios.
    List(ListArgs),
    /// Adopt a scenario: record its changes as facts, with the decision that adopted it.
    #[command(
        after_help = "The changes are worked out again on the registry as it stands now and checked as an import would check them; all are recorded in one transaction, or none. A scenario is adopted once: a second time is refused.\n\nExample:\n  samvirke scenario adopt ishoej-vallensbaek udtraeden --decision udtraeden-vedtaget --decided-on 2027-03-01 --body DK-0187 --reason \"Adopted by the council 1 March 2027\""
    )]
    Adopt(AdoptArgs),
}

/// Arguments of `samvirke scenario show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The cooperation, e.g. dragoer-taarnby.
    cooperation: String,
    /// The scenario's id.
    scenario: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke scenario compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The cooperation.
    cooperation: String,
    /// Two to four scenario ids.
    #[arg(required = true, num_args = 2..=4)]
    scenarios: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke scenario paper`.
#[derive(Args, Debug)]
pub struct PaperArgs {
    /// The cooperation.
    cooperation: String,
    /// One scenario id (its decision paper), or two to four (side by side).
    #[arg(required = true, num_args = 1..=4)]
    scenarios: Vec<String>,
    /// text, html or pdf.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write to this file (written whole or not at all); a PDF needs one.
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// Arguments of `samvirke scenario list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// The cooperation.
    cooperation: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `samvirke scenario adopt`.
#[derive(Args, Debug)]
pub struct AdoptArgs {
    /// The cooperation.
    cooperation: String,
    /// The scenario's id.
    scenario: String,
    /// The id of the decision that adopts it (recorded as a council adoption unless it exists).
    #[arg(long)]
    decision: String,
    /// The day of the decision.
    #[arg(long, value_name = "DATE")]
    decided_on: String,
    /// The deciding council, e.g. DK-0155.
    #[arg(long)]
    body: Option<String>,
    /// Why (stored with every event).
    #[arg(long)]
    reason: String,
    /// Show what would be recorded, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `samvirke scenario …`.
pub fn run(db: &str, command: ScenarioCommand, lang: Lang) -> Result<(), CliError> {
    let mut store = open_store(db)?;
    match command {
        ScenarioCommand::Show(args) => {
            let (projection, registry, id) = current(&mut store, &args.cooperation)?;
            let found = find(&registry, &id, &args.scenario)?;
            let rep = work_out(&mut store, &projection, &registry, &id, &found)?;
            if args.json {
                return print_json(&rep);
            }
            print!("{}", render(&registry, &rep, lang));
            Ok(())
        }
        ScenarioCommand::Compare(args) => {
            let (projection, registry, id) = current(&mut store, &args.cooperation)?;
            let mut reports = Vec::new();
            for s in &args.scenarios {
                let found = find(&registry, &id, s)?;
                reports.push(work_out(&mut store, &projection, &registry, &id, &found)?);
            }
            if args.json {
                return print_json(&reports);
            }
            print!("{}", render_comparison(&registry, &reports, lang));
            Ok(())
        }
        ScenarioCommand::Paper(args) => {
            let (projection, registry, id) = current(&mut store, &args.cooperation)?;
            let mut reports = Vec::new();
            for s in &args.scenarios {
                let found = find(&registry, &id, s)?;
                reports.push(work_out(&mut store, &projection, &registry, &id, &found)?);
            }
            let document = match reports.as_slice() {
                [one] => decision::document(&registry, one, lang),
                many => decision::comparison(&registry, many, lang),
            };
            emit(&document, args.format, args.output.as_deref())
        }
        ScenarioCommand::List(args) => {
            let (_, registry, id) = current(&mut store, &args.cooperation)?;
            let doc = registry
                .cooperation(&id)
                .ok_or_else(|| no_cooperation(&id))?;
            if args.json {
                return print_json(&doc.scenarios);
            }
            if doc.scenarios.is_empty() {
                println!("{}", i18n::t(lang, "scenario-list-none"));
            }
            for s in &doc.scenarios {
                println!("{}  {}", s.id, s.name);
            }
            Ok(())
        }
        ScenarioCommand::Adopt(args) => adopt(&mut store, args),
    }
}

fn no_cooperation(id: &CooperationId) -> CliError {
    CliError::Input(format!(
        "COOPERATION: there is no cooperation \"{id}\"; `samvirke cooperations` lists them"
    ))
}

fn current(
    store: &mut Store,
    cooperation: &str,
) -> Result<(Projection, Registry, CooperationId), CliError> {
    let id = CooperationId::parse(cooperation)
        .map_err(|e| CliError::Input(format!("COOPERATION: {e}")))?;
    let projection = store.projection(None)?;
    let registry = projection.registry();
    if registry.cooperation(&id).is_none() {
        return Err(no_cooperation(&id));
    }
    Ok((projection, registry, id))
}

fn find(registry: &Registry, id: &CooperationId, scenario: &str) -> Result<Scenario, CliError> {
    let doc = registry.cooperation(id).ok_or_else(|| no_cooperation(id))?;
    doc.scenarios
        .iter()
        .find(|s| s.id == scenario)
        .cloned()
        .ok_or_else(|| {
            let known: Vec<&str> = doc.scenarios.iter().map(|s| s.id.as_str()).collect();
            CliError::Input(format!(
                "SCENARIO: \"{id}\" has no scenario \"{scenario}\"; its scenarios: {}",
                if known.is_empty() {
                    "none yet (add a [[scenario]] to its agreement file)".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })
}

fn problems_error(id: &CooperationId, scenario: &str, problems: Vec<Problem>) -> CliError {
    let mut text = format!("scenario \"{scenario}\" of \"{id}\" cannot be worked out:");
    for p in problems {
        let _ = write!(text, "\n  scenario.{}: {}", p.field, p.message);
    }
    CliError::Input(text)
}

/// Works the scenario out on the registry it starts from (`Store::scenario_base`), else `registry`.
fn work_out(
    store: &mut Store,
    projection: &Projection,
    registry: &Registry,
    id: &CooperationId,
    found: &Scenario,
) -> Result<Report, CliError> {
    let recorded_at = projection
        .facts
        .get(&format!("{id}/scenario/{}", found.id))
        .map(|f| f.recorded_at);
    let older = store.scenario_base(recorded_at, found)?;
    let on = older.as_ref().unwrap_or(registry);
    let outcome = scenario::evaluate(on, id, found)
        .map_err(|problems| problems_error(id, &found.id, problems))?;
    Ok(report(outcome))
}

fn adopt(store: &mut Store, args: AdoptArgs) -> Result<(), CliError> {
    let decided_on = parse_date_flag("--decided-on", &args.decided_on)?;
    let body = args
        .body
        .as_deref()
        .map(|b| PartyId::parse(b).map_err(|e| CliError::Input(format!("--body: {e}"))))
        .transpose()?;
    if args.reason.trim().is_empty() {
        return Err(CliError::Input(
            "--reason: say why the scenario is adopted (it is stored with every event)".to_string(),
        ));
    }
    let projection: Projection = store.projection(None)?;
    let registry = projection.registry();
    let id = CooperationId::parse(&args.cooperation)
        .map_err(|e| CliError::Input(format!("COOPERATION: {e}")))?;
    let found = find(&registry, &id, &args.scenario)?;
    if let Some(a) = &found.adopted {
        return Err(CliError::Input(format!(
            "SCENARIO: \"{}\" was adopted on {} (decision \"{}\"); adopting it again would record its changes twice. Copy it under a new id to adopt a variant",
            found.id, a.on, a.decision
        )));
    }
    let outcome = scenario::evaluate(&registry, &id, &found)
        .map_err(|problems| problems_error(&id, &found.id, problems))?;
    let decision = scenario::adopting_decision(&found, args.decision.clone(), decided_on, body);
    let docs = scenario::adoption_checked(&outcome, decision, &registry).map_err(|problems| {
        CliError::Diagnostics(
            problems,
            format!(
                "adopting scenario \"{}\" would leave the agreement inconsistent; nothing written",
                found.id
            ),
        )
    })?;
    let mut changes = Vec::new();
    for doc in &docs {
        changes.extend(Store::diff(
            &projection,
            &doc.cooperation.id,
            &doc.to_facts(),
        ));
    }
    if args.dry_run {
        println!(
            "would record {} change(s) adopting scenario \"{}\"; nothing written (--dry-run)",
            changes.len(),
            found.id
        );
        return Ok(());
    }
    let events = store.commit(projection.head, &actor(), &args.reason, changes, now())?;
    match (events.first(), events.last()) {
        (Some(first), Some(last)) => println!(
            "adopted scenario \"{}\" of \"{id}\": {} event(s) recorded ({}–{})",
            found.id,
            events.len(),
            first.seq,
            last.seq
        ),
        _ => println!("scenario \"{}\": nothing to record", found.id),
    }
    Ok(())
}

/// The report for people, in `lang`.
pub fn render(registry: &Registry, rep: &Report, lang: Lang) -> String {
    let n = Namer::new(registry, rep, lang);
    let t = |key: &str| i18n::t(lang, key);
    let o = &rep.outcome;
    let s = &o.scenario;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        i18n::message(
            lang,
            "scenario-title",
            &[
                ("name", &s.name),
                ("cooperation", &n.cooperation(o.cooperation.as_str()))
            ]
        )
    );
    let _ = writeln!(
        out,
        "{}",
        match s.known_on {
            Some(d) => i18n::message(
                lang,
                "scenario-base-known",
                &[("date", &i18n::date(lang, d))]
            ),
            None => t("scenario-base-now"),
        }
    );
    let _ = writeln!(
        out,
        "{}",
        i18n::message(
            lang,
            "scenario-prepared",
            &[("date", &i18n::date(lang, s.prepared))]
        )
    );
    if let Some(a) = &s.adopted {
        let _ = writeln!(
            out,
            "{}",
            i18n::message(
                lang,
                "scenario-adopted",
                &[("date", &i18n::date(lang, a.on)), ("decision", &a.decision)]
            )
        );
    }
    let _ = writeln!(out, "\n{}:", t("scenario-changes"));
    for (i, (c, co)) in s.changes.iter().zip(&o.changes).enumerate() {
        let _ = writeln!(out, "  {}. {}", i + 1, change_text(&n, c, lang));
        let _ = writeln!(out, "     {}", earliest_text(co, lang));
    }
    let _ = writeln!(out, "\n{}:", t("scenario-decisions"));
    for d in &o.decisions {
        let (main, vote) = decision_text(&n, d, lang);
        let _ = writeln!(out, "  - {main}");
        if let Some(v) = vote {
            let _ = writeln!(out, "    {v}");
        }
    }
    let _ = writeln!(out, "\n{}:", t("scenario-citizens"));
    if o.citizens.is_empty() {
        let _ = writeln!(out, "  {}", t("scenario-citizens-none"));
    }
    for c in &o.citizens {
        let _ = writeln!(
            out,
            "  {}",
            i18n::message(
                lang,
                "scenario-citizen",
                &[
                    (
                        "municipality",
                        &n.party(&PartyId::Municipality(c.municipality))
                    ),
                    ("service", &n.service(&c.service)),
                    ("from", &i18n::date(lang, c.from)),
                    ("before", &c.before.responsible.name),
                    ("after", &c.after.responsible.name),
                ]
            )
        );
        for (key, b, a) in [
            (
                "scenario-citizen-complaints",
                &c.before.complaints_to.name,
                &c.after.complaints_to.name,
            ),
            (
                "scenario-citizen-contact",
                &c.before.contact.name,
                &c.after.contact.name,
            ),
            (
                "scenario-citizen-access",
                &c.before.documents_access_to.name,
                &c.after.documents_access_to.name,
            ),
            (
                "scenario-citizen-data-access",
                &c.before.data_access_to.name,
                &c.after.data_access_to.name,
            ),
        ] {
            let _ = writeln!(
                out,
                "    {}",
                i18n::message(lang, key, &[("before", b), ("after", a)])
            );
        }
    }
    let _ = writeln!(out, "\n{}:", t("scenario-money"));
    if rep.money.years.is_empty() && rep.money.not_settled.is_empty() {
        let _ = writeln!(out, "  {}", t("scenario-money-none"));
    }
    for y in &rep.money.years {
        let money = |m: i64| i18n::money(lang, m, &y.currency);
        let _ = writeln!(
            out,
            "  {}",
            i18n::message(
                lang,
                "scenario-money-year",
                &[
                    ("cooperation", &n.cooperation(&y.cooperation)),
                    ("year", &y.year.to_string())
                ]
            )
        );
        for p in &y.payers {
            let diff = p.after_minor - p.before_minor;
            let _ = writeln!(
                out,
                "    {}",
                i18n::message(
                    lang,
                    "scenario-money-payer",
                    &[
                        ("party", &n.party_text(&p.party)),
                        ("before", &money(p.before_minor)),
                        ("after", &money(p.after_minor)),
                        ("difference", &signed(lang, diff, &y.currency)),
                    ]
                )
            );
        }
        let _ = writeln!(
            out,
            "    {}",
            i18n::message(
                lang,
                "scenario-money-total",
                &[
                    ("before", &money(y.total_before_minor)),
                    ("after", &money(y.total_after_minor))
                ]
            )
        );
        for r in &y.respread {
            let _ = writeln!(out, "    {}", respread_text(&n, r, lang));
        }
    }
    for ns in &rep.money.not_settled {
        let _ = writeln!(
            out,
            "  {}",
            i18n::message(
                lang,
                &format!("scenario-not-settled-{}", ns.reason),
                &[
                    ("cooperation", &n.cooperation(&ns.cooperation)),
                    ("year", &ns.year.to_string()),
                    ("message", &ns.message),
                ]
            )
        );
    }
    let _ = writeln!(out, "\n{}:", t("scenario-staff"));
    if s.staff.is_empty() {
        let _ = writeln!(out, "  {}", t("scenario-staff-none"));
    }
    for f in &s.staff {
        let _ = writeln!(
            out,
            "  {}",
            i18n::message(
                lang,
                "scenario-staff-line",
                &[
                    ("from", &n.party(&f.from)),
                    ("to", &n.party(&f.to)),
                    ("count", &f.count.to_string())
                ]
            )
        );
    }
    out
}

/// Two to four reports side by side: one block per scenario with the same lines in the same order.
pub fn render_comparison(registry: &Registry, reports: &[Report], lang: Lang) -> String {
    let t = |key: &str| i18n::t(lang, key);
    let mut out = String::new();
    let _ = writeln!(out, "{}", t("scenario-compare-title"));
    for rep in reports {
        let n = Namer::new(registry, rep, lang);
        let o = &rep.outcome;
        let _ = writeln!(out, "\n{}", o.scenario.name);
        for (c, co) in o.scenario.changes.iter().zip(&o.changes) {
            let _ = writeln!(out, "  {}", change_text(&n, c, lang));
            let _ = writeln!(out, "    {}", earliest_text(co, lang));
        }
        let _ = writeln!(
            out,
            "  {}",
            i18n::message(
                lang,
                "scenario-compare-counts",
                &[
                    ("decisions", &o.decisions.len().to_string()),
                    ("citizens", &o.citizens.len().to_string()),
                    ("staff", &staff_total(rep).to_string()),
                ]
            )
        );
        for (party, currency, diff) in net_by_payer(rep) {
            let _ = writeln!(
                out,
                "  {}",
                i18n::message(
                    lang,
                    "scenario-compare-net",
                    &[
                        ("party", &n.party_text(&party)),
                        ("difference", &signed(lang, diff, &currency)),
                    ]
                )
            );
        }
    }
    out
}
