//! `samvirke mapping`: the mapping of a cooperation's candidate areas: the criteria and weights,
//! the ranking with each participant's view beside the mean, and how robust the top three is; with
//! `--format html|pdf` its decision paper (`samvirke_report::mapping`, the same as the web's PDF).

use std::fmt::Write as _;

use clap::Args;
use samvirke_core::mapping;
use samvirke_core::model::CooperationDoc;
use samvirke_i18n::{self as i18n, Lang};
use samvirke_report::mapping::{area_name, robustness_line, score, unscored_line};

use super::report::{Format, emit};

use super::{print_json, with_cooperation};
use crate::cli_error::CliError;

/// Arguments of `samvirke mapping`.
#[derive(Args, Debug)]
#[command(
    after_help = "Scores are 0–4 per criterion; a participant's view is the weighted mean of the criteria it scored, an area's score the mean of the views. The robustness line names the smallest change of one weight that would change the top three or its order.\n\n--format html or pdf writes the mapping's decision paper: the ranking, the robustness, the criteria and per area its moves, deliveries and justified scores.\n\nExamples:\n  samvirke mapping marker-ostfold-kartlegging\n  samvirke --lang nb mapping marker-ostfold-kartlegging\n  samvirke --lang nb mapping marker-ostfold-kartlegging --format pdf -o kartlegging.pdf\n  samvirke mapping vastra-malardalen --json"
)]
pub struct MappingArgs {
    /// The cooperation, e.g. marker-ostfold-kartlegging.
    cooperation: String,
    /// Print JSON.
    #[arg(long, conflicts_with_all = ["format", "output"])]
    json: bool,
    /// text (the summary), html or pdf (the decision paper).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write to this file (written whole or not at all); a PDF needs one.
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// Runs `samvirke mapping`.
pub fn run(db: &str, args: MappingArgs, lang: Lang) -> Result<(), CliError> {
    with_cooperation(db, &args.cooperation, |registry, doc| {
        let id = &doc.cooperation.id;
        let report = mapping::report(doc);
        if args.json {
            return print_json(&serde_json::json!({
                "cooperation": id,
                "mapping": report,
            }));
        }
        match (args.format, args.output.as_deref()) {
            (Format::Text, None) => {
                print!("{}", render(doc, &report, lang));
                Ok(())
            }
            (Format::Text, Some(path)) => {
                let text = render(doc, &report, lang);
                crate::files::write_atomically(path, text.as_bytes())?;
                println!("{} written ({} bytes)", path.display(), text.len());
                Ok(())
            }
            (format, _) => {
                let document = samvirke_report::mapping::document(
                    registry,
                    doc,
                    &report,
                    lang,
                    crate::commands::today(),
                );
                emit(&document, format, args.output.as_deref())
            }
        }
    })
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
    if let Some(line) = unscored_line(doc, report, lang) {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "\n{}", robustness_line(doc, report, lang));
    out
}
