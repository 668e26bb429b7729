//! `/cooperations/{id}/evaluation`: what an evaluation of a cooperation rests on, and the
//! evaluations made. It shows:
//!
//! - the purpose, and when each municipality last evaluated and must next evaluate (24 months);
//! - per sub-agreement, the yearly cost from the recorded settlement runs as bars (an SVG with a
//!   text alternative) beside a table with the same amounts, the cost per case and the key
//!   figures of the fact sheets, and how the cost moved from the first year to the last;
//! - every evaluation with its verdicts, reasons and evidence, newest first.
//!
//! The same numbers as `samvirke evaluate` (`Registry::evaluation_summary`); staff record an
//! evaluation through the `evaluate.PARTY` form.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use samvirke_core::model::{CooperationDoc, Evaluation, Verdict};
use samvirke_core::report::{EvaluationPart, EvaluationSummary};
use samvirke_core::{Date, PartyId, Registry};

use super::{PageError, snapshot};
use crate::html::components::{in_language, party_link};
use crate::html::layout::page;
use crate::html::{day, lang, time, tr, tra, trm};
use crate::{AppState, WebError, i18n, today};

/// Each municipality of the cooperation with the day it must next evaluate it.
pub(crate) fn next_due(doc: &CooperationDoc) -> Vec<(&PartyId, Date)> {
    doc.cooperation
        .parties
        .iter()
        .map(|p| &p.id)
        .filter(|p| matches!(p, PartyId::Municipality(_)))
        .filter_map(|p| {
            samvirke_core::deadlines::evaluation_due(doc, p)
                .ok()
                .flatten()
                .map(|d| (p, d))
        })
        .collect()
}

/// When each municipality last evaluated the agreement and must next (shown while the cooperation
/// is in force); nothing when no municipality has an evaluation due.
pub(crate) fn due_table(doc: &CooperationDoc) -> Markup {
    let due = next_due(doc);
    html! {
        @if !due.is_empty() {
            table.stack {
                caption { (tr("evaluation-due-caption")) }
                thead { tr {
                    th scope="col" { (tr("evaluation-col-party")) }
                    th scope="col" { (tr("evaluation-col-on")) }
                    th scope="col" { (tr("evaluation-col-next")) }
                } }
                tbody {
                    @for (p, next) in &due {
                        @let last = doc.evaluations.iter().filter(|e| &e.party == *p).map(|e| e.on).max();
                        tr {
                            th scope="row" { (party_link(doc, p)) }
                            td data-label=(tr("evaluation-col-on")) {
                                @match last { Some(d) => (time(d)), None => (tr("evaluation-never")) }
                            }
                            td data-label=(tr("evaluation-col-next")) {
                                (time(*next))
                                @if *next < today() {
                                    " " strong.overdue { (tra("evaluation-overdue", &[("date", &day(*next))])) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn verdict(v: Verdict) -> String {
    tr(&format!("verdict-{}", v.as_str()))
}

/// One evaluation: who, when, of what, the two verdicts, the reasons and the evidence.
pub(crate) fn evaluation_item(doc: &CooperationDoc, e: &Evaluation, level: u8) -> Markup {
    let language = doc.cooperation.language;
    let heading = html! { (party_link(doc, &e.party)) ", " (time(e.on)) };
    html! {
        section.evaluation {
            @if level == 3 { h3 { (heading) } } @else { h4 { (heading) } }
            dl {
                dt { (tr("evaluation-col-scope")) }
                dd {
                    @match e.sub_agreement {
                        Some(n) => (tra("evaluation-sub", &[("number", &n.to_string())])),
                        None => (tr("evaluation-whole")),
                    }
                }
                dt { (tr("evaluation-col-delivers")) } dd { (verdict(e.delivers)) }
                dt { (tr("evaluation-col-value")) } dd { (verdict(e.value_for_money)) }
            }
            p { (in_language(&e.reasons, language)) }
            @if !e.evidence.is_empty() {
                p { (tr("evaluation-evidence")) }
                ul { @for x in &e.evidence { li { (in_language(x, language)) } } }
            }
        }
    }
}

/// The yearly cost as bars, one per year with a settlement run.
fn cost_chart(part: &EvaluationPart, currency: &str) -> Markup {
    let years: Vec<(i32, String, i64)> = part
        .years
        .iter()
        .filter_map(|y| y.cost_minor.map(|c| (y.year, currency.to_string(), c)))
        .collect();
    crate::html::components::year_bars(
        &format!("cost-{}", part.sub_agreement),
        &tra("evaluation-chart-title", &[("title", &part.title)]),
        &tr("evaluation-chart-caption"),
        &years,
    )
}

/// A sub-agreement: its cost and key figures per year, the trend, and its evaluations.
fn part_section(
    registry: &Registry,
    doc: &CooperationDoc,
    part: &EvaluationPart,
    currency: &str,
) -> Markup {
    let l = lang();
    let language = doc.cooperation.language;
    let money = |minor: i64| i18n::money(l, minor, currency);
    // The key figures the sheets give, named by the report template of the last year.
    let template = part
        .years
        .last()
        .map(|y| registry.report_template_for(&doc.cooperation.id, y.year));
    let figures: Vec<&samvirke_core::report::FigureDef> = template
        .as_ref()
        .map(|t| {
            t.figures
                .iter()
                .filter(|f| {
                    part.years
                        .iter()
                        .any(|y| y.figures.iter().any(|(id, _)| *id == f.id))
                })
                .collect()
        })
        .unwrap_or_default();
    let per_case = part.years.iter().any(|y| y.cost_per_case_minor.is_some());
    let figure = |f: &samvirke_core::report::FigureDef, value: i64| {
        if f.money {
            money(value)
        } else if value < 0 {
            format!("−{}", i18n::integer(l, value.unsigned_abs()))
        } else {
            i18n::integer(l, value.unsigned_abs())
        }
    };
    let anchor = format!("sub-{}", part.sub_agreement);
    html! {
        section.area aria-labelledby=(anchor) {
            h2 #(anchor) {
                // "Sub-agreement 3: Title", or the title alone when it already names the number.
                @if samvirke_report::annual::sheet_heading(l, part.sub_agreement, &part.title) == part.title {
                    (in_language(&part.title, language))
                } @else {
                    (trm("evaluate-sub", &[
                        ("number", html! { (part.sub_agreement) }),
                        ("title", in_language(&part.title, language)),
                    ]))
                }
            }
            @if part.years.is_empty() {
                p { (tr("evaluation-no-years")) }
            } @else {
                (cost_chart(part, currency))
                table.stack {
                    caption { (tra("evaluation-table-caption", &[("title", &part.title)])) }
                    thead { tr {
                        th scope="col" { (tr("evaluation-col-year")) }
                        th scope="col" .num { (tr("evaluation-col-cost")) }
                        @if per_case { th scope="col" .num { (tr("evaluation-col-per-case")) } }
                        @for f in &figures { th scope="col" .num { (f.title.get(l.language())) } }
                    } }
                    tbody {
                        @for y in &part.years {
                            tr {
                                th scope="row" { (y.year) }
                                td.num data-label=(tr("evaluation-col-cost")) {
                                    @match y.cost_minor { Some(c) => (money(c)), None => (tr("evaluation-no-run")) }
                                }
                                @if per_case {
                                    td.num data-label=(tr("evaluation-col-per-case")) {
                                        @if let Some(c) = y.cost_per_case_minor { (money(c)) }
                                    }
                                }
                                @for f in &figures {
                                    td.num data-label=(f.title.get(l.language())) {
                                        @if let Some((_, v)) = y.figures.iter().find(|(id, _)| *id == f.id) { (figure(f, *v)) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(p) = part.cost_trend_percent {
                    p { (tra("evaluate-trend", &[("percent", &format!("{p:+}"))])) }
                }
            }
            h3 { (tr("evaluations")) }
            @if part.evaluations.is_empty() {
                p { (tr("evaluate-none")) }
            }
            @for e in part.evaluations.iter().rev() { (evaluation_item(doc, e, 4)) }
        }
    }
}

/// The page's body.
fn body(registry: &Registry, doc: &CooperationDoc, summary: &EvaluationSummary) -> Markup {
    let c = &doc.cooperation;
    let currency = samvirke_report::annual::currency(c.country);
    html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (tra("evaluate-title", &[("name", &c.name)])) }
        p.lead { (tr("evaluations-intro")) }
        @if let Some(p) = &summary.purpose {
            h2 { (tr("evaluation-purpose")) }
            p { (in_language(p, c.language)) }
        }
        (due_table(doc))
        p { (tr("evaluation-cost-basis")) }
        @for part in &summary.parts { (part_section(registry, doc, part, currency)) }
        section.area aria-labelledby="whole" {
            h2 #whole { (tr("evaluate-whole")) }
            @if summary.whole.is_empty() { p { (tr("evaluate-none")) } }
            @for e in summary.whole.iter().rev() { (evaluation_item(doc, e, 3)) }
        }
        p { a href={ "/api/v1/cooperations/" (c.id) "/evaluation" } { (tr("evaluation-json")) } }
    }
}

/// `GET /cooperations/{id}/evaluation`.
pub(crate) async fn evaluation_page(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let mut summary = snapshot
        .registry
        .evaluation_summary(&doc.cooperation.id)
        .ok_or_else(|| PageError(WebError::NotFound(String::new())))?;
    let reader = super::settlement::reader(&state, &headers, std::iter::once(doc)).await?;
    if !super::settlement::shows(doc, reader.as_ref()) {
        summary = summary.without_costs();
    }
    let title = tra("evaluate-title", &[("name", &doc.cooperation.name)]);
    Ok(Html(
        page(&title, body(&snapshot.registry, doc, &summary)).into_string(),
    ))
}
