//! `samvirke mapping`: the mapping of a cooperation's candidate areas: the criteria and weights,
//! the ranking with each participant's view beside the mean, and how robust the top three is.

use std::fmt::Write as _;

use clap::Args;
use samvirke_core::mapping::{self, Fraction};
use samvirke_core::model::CooperationDoc;
use samvirke_i18n::{self as i18n, Lang};

use super::{print_json, with_cooperation};
use crate::cli_error::CliError;

/// Arguments of `samvirke mapping`.
#[derive(Args, Debug)]
#[command(
    after_help = "Scores are 0–4 per criterion; a participant's view is the weighted mean of the criteria it scored, an area's score the mean of the views. The robustness line names the smallest change of one weight that would change the top three or its order.\n\nExamples:\n  samvirke mapping marker-ostfold-kartlegging\n  samvirke --lang nb mapping marker-ostfold-kartlegging\n  samvirke mapping vastra-malardalen --json"
)]
pub struct MappingArgs {
    /// The cooperation, e.g. marker-ostfold-kartlegging.
    cooperation: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `samvirke mapping`.
pub fn run(db: &str, args: MappingArgs, lang: Lang) -> Result<(), CliError> {
    with_cooperation(db, &args.cooperation, |_registry, doc| {
        let id = &doc.cooperation.id;
        let report = mapping::report(doc);
        if args.json {
            return print_json(&serde_json::json!({
                "cooperation": id,
                "mapping": report,
            }));
        }
        print!("{}", render(doc, &report, lang));
        Ok(())
    })
}

/// A score as the language writes a decimal with two places.
fn score(lang: Lang, f: Fraction) -> String {
    i18n::hundredths(lang, f.hundredths())
}

/// The mapping report for people, in `lang`.
pub fn render(doc: &CooperationDoc, report: &mapping::Report, lang: Lang) -> String {
    let t = |key: &str| i18n::t(lang, key);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        i18n::message(lang, "mapping-title", &[("name", &doc.cooperation.name)])
    );
    if let Some(count) = report.prioritised_count {
        let _ = writeln!(
            out,
            "{}",
            i18n::message(
                lang,
                "mapping-prioritised-count",
                &[
                    ("count", &count.to_string()),
                    ("named", &report.prioritised_named.to_string())
                ]
            )
        );
    }
    let _ = writeln!(out, "\n{}:", t("mapping-criteria"));
    for c in &report.criteria {
        let name = i18n::criterion_name(lang, c);
        let _ = writeln!(
            out,
            "  {name} ({}) – {}",
            t(&format!("criterion-group-{}", c.group.as_str())),
            i18n::message(lang, "mapping-weight", &[("weight", &c.weight.to_string())])
        );
    }
    let _ = writeln!(out, "\n{}:", t("mapping-ranking"));
    if report.ranking.ranked.is_empty() {
        let _ = writeln!(out, "  {}", t("mapping-none-scored"));
    }
    for r in &report.ranking.ranked {
        let _ = writeln!(
            out,
            "  {}. {}  {}{}",
            r.rank,
            area_name(doc, &r.area),
            score(lang, r.score),
            if r.illustrative {
                format!(" ({})", t("mapping-illustrative"))
            } else {
                String::new()
            }
        );
        for v in &r.views {
            let _ = writeln!(
                out,
                "       {}: {}",
                doc.party_name(&v.party),
                score(lang, v.score)
            );
        }
    }
    if !report.ranking.unscored.is_empty() {
        let names: Vec<String> = report
            .ranking
            .unscored
            .iter()
            .map(|a| area_name(doc, a))
            .collect();
        let _ = writeln!(out, "  {}: {}", t("mapping-unscored"), names.join("; "));
    }
    let _ = writeln!(out, "\n{}", robustness_line(doc, report, lang));
    out
}

/// "The top three holds for every single weight from 0 to 100" or the smallest change that moves it.
pub fn robustness_line(doc: &CooperationDoc, report: &mapping::Report, lang: Lang) -> String {
    if report.robustness.top.len() < 2 {
        return i18n::t(lang, "mapping-robust-too-few");
    }
    match &report.robustness.smallest {
        None => i18n::message(
            lang,
            "mapping-robust-stable",
            &[("max", &mapping::WEIGHT_MAX.to_string())],
        ),
        Some(change) => {
            let criterion = report
                .criteria
                .iter()
                .find(|c| c.id == change.criterion)
                .map_or_else(
                    || change.criterion.clone(),
                    |c| i18n::criterion_name(lang, c),
                );
            let top: Vec<String> = change.top.iter().map(|a| area_name(doc, a)).collect();
            i18n::message(
                lang,
                "mapping-robust-change",
                &[
                    ("criterion", &criterion),
                    ("from", &change.from.to_string()),
                    ("to", &change.to.to_string()),
                    ("top", &top.join("; ")),
                ],
            )
        }
    }
}

/// An area by its name in the file (its id when it has none there).
fn area_name(doc: &CooperationDoc, id: &str) -> String {
    doc.candidate_areas
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_string(), |a| a.area.clone())
}
