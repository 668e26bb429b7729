//! The decision paper of a mapping of candidate areas as a [`Document`] in the reader's language:
//! the criteria and their weights, the ranking with each participant's view beside the mean, how
//! robust the top three is, and per area its status moves, how each participant delivers it today
//! and every score with its justification. The web's PDF (`/cooperations/{id}/mapping.pdf`) and
//! `samvirke mapping --format html|pdf` start from [`document`]; `samvirke mapping` prints the
//! robustness with [`robustness_line`].

use samvirke_core::mapping::{self, Fraction, Report};
use samvirke_core::model::{CandidateArea, CooperationDoc, DeliveryKind};
use samvirke_core::{Date, PartyId, Registry};
use samvirke_i18n::{self as i18n, Lang};

use crate::{Block, Document};

/// A score as the language writes a decimal with two places.
pub fn score(lang: Lang, f: Fraction) -> String {
    i18n::hundredths(lang, f.hundredths())
}

/// An area by its name in the file (its id when it has none there).
pub fn area_name(doc: &CooperationDoc, id: &str) -> String {
    doc.candidate_areas
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| id.to_string(), |a| a.area.clone())
}

/// "The top three holds for every single weight from 0 to 100", or the smallest change of one
/// weight that moves it.
pub fn robustness_line(doc: &CooperationDoc, report: &Report, lang: Lang) -> String {
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

/// "Not scored yet: A; B", or `None` when every area is scored.
pub fn unscored_line(doc: &CooperationDoc, report: &Report, lang: Lang) -> Option<String> {
    if report.ranking.unscored.is_empty() {
        return None;
    }
    let names: Vec<String> = report
        .ranking
        .unscored
        .iter()
        .map(|a| area_name(doc, a))
        .collect();
    Some(format!(
        "{}: {}",
        i18n::t(lang, "mapping-unscored"),
        names.join("; ")
    ))
}

/// The participants in the order they first appear in the ranking's views.
fn participants(report: &Report) -> Vec<&PartyId> {
    let mut out: Vec<&PartyId> = Vec::new();
    for r in &report.ranking.ranked {
        for v in &r.views {
            if !out.contains(&&v.party) {
                out.push(&v.party);
            }
        }
    }
    out
}

/// One area: its status and moves, its deliveries today, its scores with their justifications.
fn area_blocks(
    registry: &Registry,
    doc: &CooperationDoc,
    area: &CandidateArea,
    report: &Report,
    lang: Lang,
) -> Vec<Block> {
    let t = |key: &str| i18n::t(lang, key);
    let status =
        |s: samvirke_core::model::CandidateStatus| t(&format!("area-status-{}", s.as_str()));
    let mut blocks = vec![
        Block::Heading {
            level: 2,
            text: area.area.clone(),
        },
        Block::Terms(vec![(t("mapping-status"), status(area.status))]),
    ];
    if !area.transitions.is_empty() {
        blocks.push(Block::Table {
            caption: i18n::message(lang, "mapping-paper-moves", &[("area", &area.area)]),
            header: vec![
                t("mapping-col-on"),
                t("mapping-status"),
                t("mapping-col-why"),
            ],
            rows: area
                .transitions
                .iter()
                .map(|m| vec![i18n::date(lang, m.on), status(m.to), m.reason.clone()])
                .collect(),
        });
    }
    if !area.deliveries.is_empty() {
        blocks.push(Block::Table {
            caption: i18n::message(lang, "mapping-paper-deliveries", &[("area", &area.area)]),
            header: vec![
                t("mapping-col-participant"),
                t("mapping-col-how"),
                t("mapping-col-staff-years"),
                t("mapping-col-cost"),
                t("mapping-col-volume"),
            ],
            rows: area
                .deliveries
                .iter()
                .map(|d| {
                    let how = match d.how {
                        DeliveryKind::Own => t("mapping-how-own"),
                        DeliveryKind::Agreement => {
                            let with = d
                                .cooperation
                                .as_ref()
                                .map(|c| {
                                    registry.cooperation(c).map_or_else(
                                        || c.to_string(),
                                        |x| x.cooperation.name.clone(),
                                    )
                                })
                                .or_else(|| d.outside.clone())
                                .unwrap_or_default();
                            format!("{}: {with}", t("mapping-how-agreement"))
                        }
                    };
                    vec![
                        doc.party_name(&d.party),
                        how,
                        d.staff_years_hundredths
                            .map(|n| i18n::hundredths(lang, n as i64))
                            .unwrap_or_default(),
                        match (d.yearly_cost_minor, &d.currency) {
                            (Some(m), Some(c)) => i18n::money(lang, m as i64, c),
                            _ => String::new(),
                        },
                        match (d.volume, &d.unit) {
                            (Some(v), Some(u)) => format!("{} {u}", i18n::integer(lang, v)),
                            _ => String::new(),
                        },
                    ]
                })
                .collect(),
        });
    }
    let mut rows = Vec::new();
    for a in &area.assessments {
        let who = if a.illustrative {
            format!(
                "{} ({})",
                doc.party_name(&a.party),
                t("mapping-illustrative")
            )
        } else {
            doc.party_name(&a.party)
        };
        for c in &report.criteria {
            if let Some(s) = a.scores.get(&c.id) {
                rows.push(vec![
                    who.clone(),
                    i18n::criterion_name(lang, c),
                    s.to_string(),
                    a.justification_of(&c.id).unwrap_or_default().to_string(),
                ]);
            }
        }
    }
    if !rows.is_empty() {
        blocks.push(Block::Table {
            caption: i18n::message(lang, "mapping-paper-scores", &[("area", &area.area)]),
            header: vec![
                t("mapping-col-participant"),
                t("mapping-col-criterion"),
                t("mapping-col-score"),
                t("mapping-col-why"),
            ],
            rows,
        });
    }
    blocks
}

/// The mapping's decision paper in `lang`, prepared on `today`.
pub fn document(
    registry: &Registry,
    doc: &CooperationDoc,
    report: &Report,
    lang: Lang,
    today: Date,
) -> Document {
    let t = |key: &str| i18n::t(lang, key);
    let name = &doc.cooperation.name;
    let mut terms = vec![
        (t("scenario-term-cooperation"), name.clone()),
        (
            t("scenario-term-prepared"),
            i18n::message(
                lang,
                "mapping-paper-prepared",
                &[("date", &i18n::date(lang, today))],
            ),
        ),
    ];
    if let Some(count) = report.prioritised_count {
        terms.push((
            t("mapping-paper-prioritised"),
            i18n::message(
                lang,
                "mapping-prioritised-count",
                &[
                    ("count", &count.to_string()),
                    ("named", &report.prioritised_named.to_string()),
                ],
            ),
        ));
    }
    let mut blocks = vec![Block::Terms(terms)];
    if let Some(p) = &doc.cooperation.purpose {
        blocks.push(Block::text_in(
            doc.cooperation.language.as_str(),
            lang.code(),
            p.clone(),
        ));
    }
    if report.illustrative {
        blocks.push(Block::Text(t("mapping-illustrative-notice")));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: t("mapping-ranking"),
    });
    if report.ranking.ranked.is_empty() {
        blocks.push(Block::Text(t("mapping-none-scored")));
    } else {
        let parties = participants(report);
        let mut header = vec![
            t("mapping-col-rank"),
            t("mapping-col-area"),
            t("mapping-col-mean"),
        ];
        header.extend(parties.iter().map(|p| doc.party_name(p)));
        blocks.push(Block::Table {
            caption: t("mapping-table-caption"),
            header,
            rows: report
                .ranking
                .ranked
                .iter()
                .map(|r| {
                    let mut row = vec![
                        r.rank.to_string(),
                        area_name(doc, &r.area),
                        score(lang, r.score),
                    ];
                    row.extend(parties.iter().map(|p| {
                        r.views
                            .iter()
                            .find(|v| &v.party == *p)
                            .map_or_else(|| t("mapping-not-scored"), |v| score(lang, v.score))
                    }));
                    row
                })
                .collect(),
        });
        blocks.push(Block::Heading {
            level: 2,
            text: t("mapping-robustness"),
        });
        blocks.push(Block::Text(robustness_line(doc, report, lang)));
    }
    if let Some(line) = unscored_line(doc, report, lang) {
        blocks.push(Block::Text(line));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: t("mapping-criteria"),
    });
    if report.default_criteria {
        blocks.push(Block::Text(t("mapping-default-criteria")));
    }
    blocks.push(Block::Table {
        caption: t("mapping-criteria"),
        header: vec![
            t("mapping-col-criterion"),
            t("mapping-col-group"),
            t("mapping-col-weight"),
        ],
        rows: report
            .criteria
            .iter()
            .map(|c| {
                vec![
                    i18n::criterion_name(lang, c),
                    t(&format!("criterion-group-{}", c.group.as_str())),
                    c.weight.to_string(),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Heading {
        level: 1,
        text: t("mapping-areas"),
    });
    for a in &doc.candidate_areas {
        blocks.extend(area_blocks(registry, doc, a, report, lang));
    }
    Document {
        lang: lang.code().to_string(),
        title: i18n::message(lang, "mapping-paper-title", &[("name", name)]),
        subtitle: name.clone(),
        footer: i18n::message(lang, "mapping-paper-footer", &[("cooperation", name)]),
        blocks,
    }
}
