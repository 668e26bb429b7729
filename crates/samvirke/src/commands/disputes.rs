//! `samvirke disputes`: the disputes of a cooperation's settlements, open ones first, with what
//! was disputed, by whom, the amounts, the deadline and the answer (opened and answered on
//! `/staff/disputes`).

use std::fmt::Write as _;

use clap::Args;
use samvirke_core::PartyId;
use samvirke_core::model::{CooperationDoc, Dispute};
use samvirke_i18n::{self as i18n, Lang};
use samvirke_settle::dispute::amount_in_run;

use super::{parse_date_flag, print_json, today, with_cooperation};
use crate::cli_error::CliError;

/// Arguments of `samvirke disputes`.
#[derive(Args, Debug)]
#[command(
    after_help = "A paying member's staff open a dispute on the statement page; the payee's staff accept it (the year is settled again) or reject it on /staff/disputes. The payee is reminded of the deadline by `samvirke remind`.\n\nExamples:\n  samvirke disputes dragoer-taarnby\n  samvirke --lang da disputes dragoer-taarnby --year 2025 --open\n  samvirke disputes dragoer-taarnby --json"
)]
pub struct DisputesArgs {
    /// The cooperation, e.g. dragoer-taarnby.
    cooperation: String,
    /// Only those of this settled year.
    #[arg(long)]
    year: Option<i32>,
    /// Only those waiting for an answer.
    #[arg(long)]
    open: bool,
    /// The day to count overdue from (YYYY-MM-DD). Default: today.
    #[arg(long)]
    on: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `samvirke disputes`.
pub fn run(db: &str, args: DisputesArgs, lang: Lang) -> Result<(), CliError> {
    let on = match &args.on {
        Some(text) => parse_date_flag("--on", text)?,
        None => today(),
    };
    with_cooperation(db, &args.cooperation, |registry, doc| {
        let mut list: Vec<&Dispute> = registry
            .disputes(&doc.cooperation.id)
            .into_iter()
            .filter(|d| args.year.is_none_or(|y| d.year == y) && (!args.open || d.is_open()))
            .collect();
        list.sort_by_key(|d| (!d.is_open(), d.respond_by, d.number));
        if args.json {
            return print_json(&serde_json::json!({
                "cooperation": doc.cooperation.id,
                "disputes": list,
            }));
        }
        let current = |d: &Dispute| {
            registry
                .settlement_run(&doc.cooperation.id, d.year)
                .and_then(|r| amount_in_run(r, &d.payer, d.sub_agreement))
        };
        let replaced = |d: &Dispute| {
            d.is_open()
                && registry
                    .record_of(&format!("{}/settlement/{}", doc.cooperation.id, d.year))
                    .is_some_and(|r| r.event != d.run_event)
        };
        print!("{}", render(doc, &list, lang, on, &current, &replaced));
        Ok(())
    })
}

fn name(doc: &CooperationDoc, party: &str) -> String {
    PartyId::parse(party).map_or_else(|_| party.to_string(), |p| doc.party_name(&p).to_string())
}

fn render(
    doc: &CooperationDoc,
    list: &[&Dispute],
    lang: Lang,
    on: samvirke_core::Date,
    current: &dyn Fn(&Dispute) -> Option<i64>,
    replaced: &dyn Fn(&Dispute) -> bool,
) -> String {
    let t = |key: &str| i18n::t(lang, key);
    let mut out = String::new();
    let _ = writeln!(out, "{} · {}", t("disputes-title"), doc.cooperation.name);
    if list.is_empty() {
        let _ = writeln!(out, "{}", t("disputes-none"));
    }
    for d in list {
        let money = |minor: i64| i18n::money(lang, minor, &d.currency);
        let _ = writeln!(
            out,
            "\n{} — {}",
            i18n::message(
                lang,
                "dispute-title",
                &[
                    ("number", &d.number.to_string()),
                    ("year", &d.year.to_string())
                ]
            ),
            i18n::dispute_state(lang, d, on)
        );
        let mut row = |label: String, value: String| {
            let _ = writeln!(out, "  {label}: {value}");
        };
        row(t("dispute-payer"), name(doc, &d.payer));
        row(t("dispute-payee"), name(doc, &d.payee));
        row(
            t("dispute-line"),
            i18n::dispute_line(lang, doc, d.sub_agreement, d.year),
        );
        row(t("dispute-reason"), d.reason.clone());
        row(t("dispute-run-amount"), money(d.disputed_minor));
        if let Some(p) = d.proposed_minor {
            row(
                i18n::message(lang, "dispute-proposed", &[("payer", &name(doc, &d.payer))]),
                money(p),
            );
        }
        if let Some(a) = &d.answer {
            if let Some(c) = a.corrected_minor {
                row(
                    t("dispute-corrected"),
                    format!(
                        "{} ({})",
                        money(c),
                        i18n::message(
                            lang,
                            "dispute-difference",
                            &[("amount", &money(c - d.disputed_minor))]
                        )
                    ),
                );
            }
            if !a.reason.is_empty() {
                row(t("dispute-answer-reason"), a.reason.clone());
            }
        } else if replaced(d) {
            let _ = writeln!(out, "  {}", t("dispute-run-replaced"));
            if let Some(now) = current(d) {
                let _ = writeln!(
                    out,
                    "  {}",
                    i18n::message(lang, "dispute-now", &[("amount", &money(now))])
                );
            }
        }
    }
    out
}
