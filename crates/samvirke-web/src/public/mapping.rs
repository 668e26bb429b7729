//! `/cooperations/{id}/mapping`: the mapping of a cooperation's candidate areas. It shows:
//!
//! - the ranking as bars (an SVG with a text alternative) beside a table of the mean and each
//!   participant's view;
//! - how robust the top three is;
//! - the criteria with their weights;
//! - per area, its status moves, how each participant delivers it today, and each score with its
//!   justification.
//!
//! `/cooperations/{id}/mapping.pdf` is its decision paper (`samvirke_report::mapping`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use samvirke_core::mapping::{self, Fraction, Report};
use samvirke_core::model::{CandidateArea, CooperationDoc, Criterion, DeliveryKind};

use super::{PageError, snapshot};
use crate::html::components::{in_language, party_link};
use crate::html::layout::page;
use crate::html::{lang, time, tr, tra};
use crate::i18n;
use crate::{AppState, WebError};

/// A score as the page's language writes it, two decimals.
fn score(f: Fraction) -> String {
    i18n::hundredths(lang(), f.hundredths())
}

/// A criterion's name in the page's language (a default criterion's from the translations).
pub(crate) fn criterion_name(c: &Criterion) -> Markup {
    match &c.names {
        Some(names) => crate::html::components::localized(names),
        None => html! { (tr(&format!("criterion-{}", c.id))) },
    }
}

fn area_name(doc: &CooperationDoc, id: &str) -> Markup {
    match doc.candidate_areas.iter().find(|a| a.id == id) {
        Some(a) => in_language(&a.area, doc.cooperation.language),
        None => html! { (id) },
    }
}

/// The ranking as horizontal bars, 0–4, with a title and a description for screen readers; the
/// table after it holds the same numbers.
fn chart(doc: &CooperationDoc, report: &Report) -> Markup {
    const ROW: u32 = 34;
    // Room on the left for each bar's rank, which the table beside it names.
    const LABEL: u32 = 28;
    const WIDTH: u32 = 600;
    let rows = report.ranking.ranked.len() as u32;
    let height = rows * ROW + 24;
    let max = f64::from(mapping::SCORE_MAX);
    let summary: Vec<String> = report
        .ranking
        .ranked
        .iter()
        .map(|r| {
            let name = doc
                .candidate_areas
                .iter()
                .find(|a| a.id == r.area)
                .map_or_else(|| r.area.clone(), |a| a.area.clone());
            format!("{}. {name}: {}", r.rank, score(r.score))
        })
        .collect();
    html! {
        figure.chart {
            svg role="img" aria-labelledby="ranking-title ranking-desc" viewBox={ "0 0 " (WIDTH) " " (height) }
                width="100%" preserveAspectRatio="xMinYMin meet" {
                title #ranking-title { (tr("mapping-chart-title")) }
                desc #ranking-desc { (summary.join("; ")) }
                @for (i, r) in report.ranking.ranked.iter().enumerate() {
                    @let y = i as u32 * ROW;
                    @let value = r.score.num as f64 / r.score.den as f64;
                    @let bar = ((value / max) * f64::from(WIDTH - 80 - LABEL)).round();
                    text x="0" y=(y + ROW / 2 + 4) class="tick" { (r.rank) "." }
                    rect x=(LABEL) y=(y + 4) width=(bar) height=(ROW - 12) class="bar" {}
                    text x=(f64::from(LABEL) + bar + 6.0) y=(y + ROW / 2 + 4) class="bar-value" { (score(r.score)) }
                }
                @for tick in 0..=mapping::SCORE_MAX {
                    @let x = f64::from(LABEL) + f64::from(tick) / max * f64::from(WIDTH - 80 - LABEL);
                    text x=(x) y=(height - 4) class="tick" { (tick) }
                }
            }
            figcaption { (tr("mapping-chart-caption")) }
        }
    }
}

fn ranking_table(doc: &CooperationDoc, report: &Report) -> Markup {
    // The participants in the order they first appear in the assessments.
    let mut parties = Vec::new();
    for r in &report.ranking.ranked {
        for v in &r.views {
            if !parties.contains(&v.party) {
                parties.push(v.party.clone());
            }
        }
    }
    html! {
        table.stack {
            caption { (tr("mapping-table-caption")) }
            thead { tr {
                th scope="col" { (tr("mapping-col-rank")) }
                th scope="col" { (tr("mapping-col-area")) }
                th scope="col" .num { (tr("mapping-col-mean")) }
                @for p in &parties { th scope="col" .num { (doc.party_name(p)) } }
            } }
            tbody {
                @for r in &report.ranking.ranked {
                    tr {
                        th scope="row" { (r.rank) }
                        td data-label=(tr("mapping-col-area")) { (area_name(doc, &r.area)) }
                        td.num data-label=(tr("mapping-col-mean")) { strong { (score(r.score)) } }
                        @for p in &parties {
                            td.num data-label=(doc.party_name(p)) {
                                @match r.views.iter().find(|v| &v.party == p) {
                                    Some(v) => (score(v.score)),
                                    None => (tr("mapping-not-scored")),
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn robustness(doc: &CooperationDoc, report: &Report) -> Markup {
    let r = &report.robustness;
    html! {
        h2 { (tr("mapping-robustness")) }
        @if r.top.len() < 2 {
            p { (tr("mapping-robust-too-few")) }
        } @else {
            @match &r.smallest {
                None => p { (tra("mapping-robust-stable", &[("max", &mapping::WEIGHT_MAX.to_string())])) },
                Some(change) => {
                    @let criterion = report.criteria.iter().find(|c| c.id == change.criterion);
                    p {
                        (tr("mapping-robust-intro")) " "
                        strong { @if let Some(c) = criterion { (criterion_name(c)) } }
                        " " (tra("mapping-robust-from-to", &[("from", &change.from.to_string()), ("to", &change.to.to_string())]))
                    }
                    ol {
                        @for a in &change.top { li { (area_name(doc, a)) } }
                    }
                    @if r.changes.len() > 1 {
                        details {
                            summary { (tr("mapping-robust-each")) }
                            ul {
                                @for c in &r.changes {
                                    @let criterion = report.criteria.iter().find(|x| x.id == c.criterion);
                                    li {
                                        @if let Some(x) = criterion { (criterion_name(x)) }
                                        ": " (tra("mapping-robust-each-item", &[("from", &c.from.to_string()), ("to", &c.to.to_string())]))
                                        " "
                                        @for (i, a) in c.top.iter().enumerate() {
                                            @if i > 0 { "; " }
                                            (area_name(doc, a))
                                        }
                                    }
                                }
                            }
                            @let unmoved = report.criteria.len() - r.changes.len();
                            @if unmoved > 0 {
                                p { (tra("mapping-robust-unmoved", &[("n", &unmoved.to_string()), ("max", &mapping::WEIGHT_MAX.to_string())])) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn criteria_table(report: &Report) -> Markup {
    html! {
        h2 { (tr("mapping-criteria")) }
        @if report.default_criteria { p { (tr("mapping-default-criteria")) } }
        table.stack {
            thead { tr {
                th scope="col" { (tr("mapping-col-criterion")) }
                th scope="col" { (tr("mapping-col-group")) }
                th scope="col" .num { (tr("mapping-col-weight")) }
            } }
            tbody {
                @for c in &report.criteria {
                    tr {
                        th scope="row" { (criterion_name(c)) }
                        td data-label=(tr("mapping-col-group")) { (tr(&format!("criterion-group-{}", c.group.as_str()))) }
                        td.num data-label=(tr("mapping-col-weight")) { (c.weight) }
                    }
                }
            }
        }
    }
}

fn area_section(
    registry: &samvirke_core::Registry,
    doc: &CooperationDoc,
    area: &CandidateArea,
    criteria: &[Criterion],
) -> Markup {
    let language = doc.cooperation.language;
    html! {
        section.area aria-labelledby={ "area-" (area.id) } {
            h3 #{ "area-" (area.id) } { (in_language(&area.area, language)) }
            p { (tr("mapping-status")) ": " strong { (tr(&format!("area-status-{}", area.status.as_str()))) } }
            @if !area.transitions.is_empty() {
                ol.moves {
                    @for t in &area.transitions {
                        li { (time(t.on)) ": " (tr(&format!("area-status-{}", t.to.as_str()))) " – " (in_language(&t.reason, language)) }
                    }
                }
            }
            @if !area.deliveries.is_empty() {
                table.stack {
                    caption { (tr("mapping-deliveries")) }
                    thead { tr {
                        th scope="col" { (tr("mapping-col-participant")) }
                        th scope="col" { (tr("mapping-col-how")) }
                        th scope="col" .num { (tr("mapping-col-staff-years")) }
                        th scope="col" .num { (tr("mapping-col-cost")) }
                        th scope="col" .num { (tr("mapping-col-volume")) }
                    } }
                    tbody {
                        @for d in &area.deliveries {
                            tr {
                                th scope="row" { (party_link(doc, &d.party)) }
                                td data-label=(tr("mapping-col-how")) {
                                    @match d.how {
                                        DeliveryKind::Own => (tr("mapping-how-own")),
                                        DeliveryKind::Agreement => {
                                            (tr("mapping-how-agreement")) ": "
                                            @if let Some(c) = &d.cooperation {
                                                a href={ "/cooperations/" (c) } { (registry.cooperation(c).map_or_else(|| c.to_string(), |x| x.cooperation.name.clone())) }
                                            }
                                            @if let Some(o) = &d.outside { (in_language(o, language)) }
                                        }
                                    }
                                }
                                td.num data-label=(tr("mapping-col-staff-years")) {
                                    @if let Some(n) = d.staff_years_hundredths { (i18n::hundredths(lang(), n as i64)) }
                                }
                                td.num data-label=(tr("mapping-col-cost")) {
                                    @if let (Some(m), Some(cur)) = (d.yearly_cost_minor, &d.currency) { (i18n::money(lang(), m as i64, cur)) }
                                }
                                td.num data-label=(tr("mapping-col-volume")) {
                                    @if let (Some(v), Some(u)) = (d.volume, &d.unit) { (i18n::integer(lang(), v)) " " (in_language(u, language)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !area.assessments.is_empty() {
                details {
                    summary { (tr("mapping-scores-and-reasons")) }
                    @for a in &area.assessments {
                        h4 { (doc.party_name(&a.party)) @if a.illustrative { " (" (tr("mapping-illustrative")) ")" } }
                        ul {
                            @for c in criteria {
                                @if let Some(s) = a.scores.get(&c.id) {
                                    li {
                                        (criterion_name(c)) ": " strong { (s) } " – "
                                        @if let Some(j) = a.justification_of(&c.id) { (in_language(j, language)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /cooperations/{id}/mapping`.
pub(crate) async fn mapping_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if doc.candidate_areas.is_empty() {
        return Err(PageError(WebError::NotFound(String::new())));
    }
    let report = mapping::report(doc);
    let c = &doc.cooperation;
    let title = tra("mapping-title", &[("name", &c.name)]);
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (title) }
        @if report.illustrative { div.notice { p { (tr("mapping-illustrative-notice")) } } }
        @if let Some(count) = report.prioritised_count {
            p { (tra("mapping-prioritised-count", &[("count", &count.to_string()), ("named", &report.prioritised_named.to_string())])) }
        }
        h2 { (tr("mapping-ranking")) }
        @if report.ranking.ranked.is_empty() {
            p { (tr("mapping-none-scored")) }
        } @else {
            (chart(doc, &report))
            (ranking_table(doc, &report))
        }
        @if !report.ranking.unscored.is_empty() {
            p { (tr("mapping-unscored")) ": "
                @for (i, a) in report.ranking.unscored.iter().enumerate() {
                    @if i > 0 { "; " }
                    (area_name(doc, a))
                }
            }
        }
        @if !report.ranking.ranked.is_empty() { (robustness(doc, &report)) }
        (criteria_table(&report))
        h2 { (tr("mapping-areas")) }
        @for a in &doc.candidate_areas { (area_section(&snapshot.registry, doc, a, &report.criteria)) }
        p {
            a href={ "/cooperations/" (c.id) "/mapping.pdf" } { (tr("mapping-paper-link")) }
            " · "
            a href={ "/api/v1/cooperations/" (c.id) "/mapping" } { (tr("mapping-json")) }
        }
    };
    Ok(Html(page(&title, body).into_string()))
}

/// `GET /cooperations/{id}/mapping.pdf`: the mapping's decision paper, the same document as
/// `samvirke mapping --format pdf`.
pub(crate) async fn mapping_pdf(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<axum::response::Response, PageError> {
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if doc.candidate_areas.is_empty() {
        return Err(PageError(WebError::NotFound(String::new())));
    }
    let report = mapping::report(doc);
    let document = samvirke_report::mapping::document(
        &snapshot.registry,
        doc,
        &report,
        lang(),
        crate::today(),
    );
    super::pdf_response(
        &state,
        document,
        &format!("{}-mapping.pdf", doc.cooperation.id),
    )
    .await
}
