//! `samvirke evaluate`: what an evaluation of a cooperation rests on: its purpose, per
//! sub-agreement the key figures of its fact sheets, the yearly cost from the recorded
//! settlements, the cost per case and its trend, and every party's evaluations.

use std::fmt::Write as _;

use clap::Args;
use samvirke_core::model::{CooperationDoc, Evaluation};
use samvirke_i18n::{self as i18n, Lang};

use super::{print_json, with_cooperation};
use crate::cli_error::CliError;

/// Arguments of `samvirke evaluate`.
#[derive(Args, Debug)]
#[command(
    after_help = "The cost of a year is what the payers paid in its recorded settlement run (`samvirke settle`): the actual cost, else the budget, less the savings credited. Each party must evaluate at least every 24 months; `samvirke deadlines` lists when.\n\nExamples:\n  samvirke evaluate dragoer-taarnby\n  samvirke --lang da evaluate dragoer-taarnby --json"
)]
pub struct EvaluateArgs {
    /// The cooperation, e.g. dragoer-taarnby.
    cooperation: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `samvirke evaluate`.
pub fn run(db: &str, args: EvaluateArgs, lang: Lang) -> Result<(), CliError> {
    with_cooperation(db, &args.cooperation, |registry, doc| {
        let id = &doc.cooperation.id;
        let summary = registry
            .evaluation_summary(id)
            .ok_or_else(|| CliError::Failure(format!("no evaluation summary for \"{id}\"")))?;
        if args.json {
            return print_json(&summary);
        }
        let money = |m: i64| {
            i18n::money(
                lang,
                m,
                samvirke_report::annual::currency(doc.cooperation.country),
            )
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}",
            i18n::message(lang, "evaluate-title", &[("name", &doc.cooperation.name)])
        );
        if let Some(p) = &summary.purpose {
            let _ = writeln!(
                out,
                "{}",
                i18n::message(lang, "evaluate-purpose", &[("purpose", p)])
            );
        }
        for part in &summary.parts {
            let _ = writeln!(
                out,
                "\n{}",
                i18n::message(
                    lang,
                    "evaluate-sub",
                    &[
                        ("number", &part.sub_agreement.to_string()),
                        ("title", &part.title)
                    ]
                )
            );
            for y in &part.years {
                let line = match y.cost_minor {
                    Some(c) => i18n::message(
                        lang,
                        "evaluate-year",
                        &[("year", &y.year.to_string()), ("cost", &money(c))],
                    ),
                    None => i18n::message(
                        lang,
                        "evaluate-year-no-cost",
                        &[("year", &y.year.to_string())],
                    ),
                };
                let cases = y
                    .figures
                    .iter()
                    .find(|(id, _)| id == "cases")
                    .map(|(_, n)| *n);
                match (y.cost_per_case_minor, cases) {
                    (Some(per), Some(n)) => {
                        let _ = writeln!(
                            out,
                            "  {line}; {}",
                            i18n::message(
                                lang,
                                "evaluate-per-case",
                                &[
                                    ("amount", &money(per)),
                                    ("cases", &i18n::integer(lang, n.unsigned_abs()))
                                ]
                            )
                        );
                    }
                    _ => {
                        let _ = writeln!(out, "  {line}");
                    }
                }
            }
            if let Some(p) = part.cost_trend_percent {
                let _ = writeln!(
                    out,
                    "  {}",
                    i18n::message(lang, "evaluate-trend", &[("percent", &format!("{p:+}"))])
                );
            }
            evaluations(&mut out, doc, &part.evaluations, lang);
        }
        let _ = writeln!(out, "\n{}", i18n::t(lang, "evaluate-whole"));
        evaluations(&mut out, doc, &summary.whole, lang);
        print!("{out}");
        Ok(())
    })
}

fn evaluations(out: &mut String, doc: &CooperationDoc, list: &[Evaluation], lang: Lang) {
    if list.is_empty() {
        let _ = writeln!(out, "  {}", i18n::t(lang, "evaluate-none"));
    }
    for e in list {
        let _ = writeln!(
            out,
            "  {}",
            i18n::message(
                lang,
                "evaluate-evaluation",
                &[
                    ("party", &doc.party_name(&e.party)),
                    ("date", &i18n::date(lang, e.on)),
                    (
                        "delivers",
                        &i18n::t(lang, &format!("verdict-{}", e.delivers.as_str()))
                    ),
                    (
                        "value",
                        &i18n::t(lang, &format!("verdict-{}", e.value_for_money.as_str()))
                    ),
                    ("reasons", &e.reasons),
                ]
            )
        );
    }
}
