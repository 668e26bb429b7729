//! `samvirke projects`: a cooperation's joint projects, each participant's share of every year's
//! budget (and actual cost) worked out by the settlement engine.

use std::fmt::Write as _;

use clap::Args;
use samvirke_core::PartyId;
use samvirke_core::model::CooperationDoc;
use samvirke_i18n::{self as i18n, Lang};
use samvirke_report::project::key_text;
use samvirke_settle::project::{ProjectYear, settle};

use super::{print_json, with_cooperation};
use crate::cli_error::CliError;

/// Arguments of `samvirke projects`.
#[derive(Args, Debug)]
#[command(
    after_help = "Each year's budget is split over the participants by the project's key (equal shares when it has none) with the largest-remainder rule, so the shares add up exactly to the budget.\n\nExamples:\n  samvirke projects koebenhavn-syd\n  samvirke --lang da projects koebenhavn-syd\n  samvirke projects koebenhavn-syd --json"
)]
pub struct ProjectsArgs {
    /// The cooperation, e.g. koebenhavn-syd.
    cooperation: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `samvirke projects`.
pub fn run(db: &str, args: ProjectsArgs, lang: Lang) -> Result<(), CliError> {
    with_cooperation(db, &args.cooperation, |_registry, doc| {
        let id = &doc.cooperation.id;
        let mut settled = Vec::new();
        for p in &doc.projects {
            let years = settle(doc, p).map_err(|e| {
                CliError::Input(format!("project \"{}\" cannot be settled: {}", p.id, e.0))
            })?;
            settled.push((p, years));
        }
        if args.json {
            let items: Vec<serde_json::Value> = settled
                .iter()
                .map(|(p, years)| serde_json::json!({ "project": p, "years": years }))
                .collect();
            return print_json(&serde_json::json!({ "cooperation": id, "projects": items }));
        }
        print!("{}", render(doc, &settled, lang));
        Ok(())
    })
}

fn render(
    doc: &CooperationDoc,
    settled: &[(&samvirke_core::model::Project, Vec<ProjectYear>)],
    lang: Lang,
) -> String {
    let t = |key: &str| i18n::t(lang, key);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        i18n::message(lang, "projects-title", &[("name", &doc.cooperation.name)])
    );
    if settled.is_empty() {
        let _ = writeln!(out, "{}", t("projects-none"));
    }
    for (p, years) in settled {
        let _ = writeln!(
            out,
            "\n{} ({})",
            p.name,
            t(&format!("project-status-{}", p.status.as_str()))
        );
        let names: Vec<String> = p.participants.iter().map(|x| doc.party_name(x)).collect();
        let _ = writeln!(
            out,
            "  {}: {}",
            t("project-participants"),
            i18n::and_list(lang, &names)
        );
        let _ = writeln!(
            out,
            "  {}: {}",
            t("project-lead"),
            p.lead
                .as_ref()
                .map_or_else(|| t("project-not-stated"), |l| doc.party_name(l))
        );
        let _ = writeln!(
            out,
            "  {}: {}",
            t("project-period"),
            p.valid
                .map_or_else(|| t("project-not-stated"), |v| period(lang, v))
        );
        let _ = writeln!(out, "  {}: {}", t("project-key"), key_text(lang, p));
        if years.is_empty() {
            let _ = writeln!(out, "  {}", t("project-no-budget"));
        }
        for y in years {
            let money = |m: u64| i18n::money(lang, m as i64, &y.currency);
            let _ = writeln!(
                out,
                "  {}:",
                i18n::message(
                    lang,
                    "project-budget-caption",
                    &[("name", &p.name), ("year", &y.year.to_string())]
                )
            );
            for s in &y.shares {
                let name = PartyId::parse(&s.party)
                    .map_or_else(|_| s.party.clone(), |id| doc.party_name(&id));
                let _ = writeln!(out, "    {name}: {}", money(s.budget_minor));
            }
            let _ = writeln!(out, "    {}: {}", t("project-total"), money(y.budget_minor));
        }
        for r in &p.results {
            let _ = writeln!(out, "  {} {}: {}", t("project-results"), r.year, r.text);
        }
    }
    out
}

/// A half-open period as its first and last day.
fn period(lang: Lang, v: samvirke_core::Interval) -> String {
    match v.to() {
        Some(to) => format!(
            "{} – {}",
            i18n::date(lang, v.from()),
            i18n::date(lang, to.pred())
        ),
        None => format!("{} –", i18n::date(lang, v.from())),
    }
}
