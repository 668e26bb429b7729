//! `/cooperations/{id}/settlement/{year}` (and `.pdf`, `.csv`, `.json`): a cooperation's
//! settlement of a year, every payer's key, share, aconto instalments, savings credit, actual
//! share and true-up; `/cooperations/{id}/settlement/{year}/{payer}` (and `.pdf`): how one payer's
//! amounts came about. Both are the documents `samvirke settle` prints
//! (`samvirke_report::settlement`), worked out by `settle_year` from the agreement as it stands,
//! with the usage totals of the year's recorded run where the key splits by usage; the page says
//! whether the recorded run has the same figures.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::model::{AllocationKey, CooperationDoc, SettlementRecord};
use samvirke_core::{Date, PartyId, Registry};
use samvirke_settle::statement::Statement;
use samvirke_settle::{UsageRow, settle_year};

use super::{PageError, not_found_page, pdf_response, snapshot};
use crate::html::layout::page;
use crate::html::{lang, tr, tra};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}/settlement/{year}", get(statement_page))
        .route(
            "/cooperations/{id}/settlement/{year}/{payer}",
            get(explanation_page),
        )
}

/// The usage rows a run's totals stand for: per payer its rows, the units on the first.
fn usage_of(run: &SettlementRecord) -> Vec<UsageRow> {
    let mut out = Vec::new();
    let Ok(day) = Date::from_ymd(run.year, 1, 1) else {
        return out;
    };
    for total in &run.usage {
        let Ok(party) = PartyId::parse(&total.party) else {
            continue;
        };
        for i in 0..total.rows.max(1) {
            out.push(UsageRow {
                sub_agreement: total.sub_agreement,
                party: party.clone(),
                date: day,
                hundredths: if i == 0 { total.hundredths } else { 0 },
            });
        }
    }
    out
}

/// Whether a payment agreement of the year splits by usage.
fn needs_usage(doc: &CooperationDoc, year: i32) -> bool {
    doc.payment_agreements.iter().any(|p| {
        p.years.iter().any(|y| y.year == year)
            && matches!(
                p.key,
                Some(AllocationKey::Usage { .. } | AllocationKey::Hybrid { .. })
            )
    })
}

/// The year's statement and its recorded run, or why there is none (a page in the reader's
/// language).
fn worked_out<'r>(
    registry: &'r Registry,
    doc: &CooperationDoc,
    year: i32,
) -> Result<(Statement, Option<&'r SettlementRecord>), WebError> {
    let run = registry.settlement_run(&doc.cooperation.id, year);
    let usage = match run {
        Some(r) => usage_of(r),
        None if needs_usage(doc, year) => {
            return Err(WebError::NotFound(tra(
                "settlement-needs-run",
                &[("year", &year.to_string())],
            )));
        }
        None => Vec::new(),
    };
    let statement = settle_year(doc, year, &usage).map_err(|_| {
        WebError::NotFound(tra("settlement-no-basis", &[("year", &year.to_string())]))
    })?;
    Ok((statement, run))
}

/// Whether the recorded run has the statement's figures.
fn matches_run(s: &Statement, run: &SettlementRecord) -> bool {
    let lines: Vec<(u32, &str, u64, Option<u64>, u64)> = s
        .agreements
        .iter()
        .flat_map(|a| {
            a.payers.iter().map(move |p| {
                (
                    a.sub_agreement,
                    p.payer.as_str(),
                    p.budget_minor,
                    p.actual_minor,
                    p.savings_minor,
                )
            })
        })
        .collect();
    lines.len() == run.lines.len()
        && run.lines.iter().all(|l| {
            lines.contains(&(
                l.sub_agreement,
                l.payer.as_str(),
                l.budget_minor,
                l.actual_minor,
                l.savings_minor,
            ))
        })
}

/// The years to move between.
fn years_nav(registry: &Registry, doc: &CooperationDoc, year: i32) -> Markup {
    let years = registry.settlement_years(&doc.cooperation.id);
    html! {
        @if years.len() > 1 {
            nav aria-label=(tr("settlement-years")) {
                ul.inline {
                    @for y in &years {
                        li {
                            @if *y == year {
                                span aria-current="page" { (y) }
                            } @else {
                                a href={ "/cooperations/" (doc.cooperation.id) "/settlement/" (y) } { (y) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Splits `file` into the year and the format asked for (`2025`, `2025.pdf`).
fn year_and_format(file: &str) -> Option<(i32, &str)> {
    let (year, format) = file.split_once('.').unwrap_or((file, "html"));
    crate::report_year(year).map(|y| (y, format))
}

/// `GET /cooperations/{id}/settlement/{year}` and `….pdf`, `….csv`, `….json`.
async fn statement_page(
    State(state): State<Arc<AppState>>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let Some((year, format)) = year_and_format(&file) else {
        return Ok(not_found_page());
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let (statement, run) = worked_out(&snapshot.registry, doc, year)?;
    let document = samvirke_report::settlement::statement(doc, &statement, lang());
    let stem = format!("{}-settlement-{year}", doc.cooperation.id);
    match format {
        "html" => {}
        "pdf" => return pdf_response(document, &format!("{stem}.pdf")).await,
        "csv" => {
            return Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{stem}.csv\""),
                    ),
                ],
                statement.csv(),
            )
                .into_response());
        }
        "json" => return Ok(axum::Json(statement).into_response()),
        _ => return Ok(not_found_page()),
    }
    let c = &doc.cooperation;
    let base = format!("/cooperations/{}/settlement/{year}", c.id);
    let payers: Vec<&str> = {
        let mut list: Vec<&str> = statement
            .agreements
            .iter()
            .flat_map(|a| a.payers.iter().map(|p| p.payer.as_str()))
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    };
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (document.title) }
        (years_nav(&snapshot.registry, doc, year))
        @match run {
            Some(r) if matches_run(&statement, r) => p { (tr("settlement-run-matches")) },
            Some(_) => div.notice { p { (tr("settlement-run-differs")) } },
            None => p { (tr("settlement-no-run")) },
        }
        p.no-print {
            a href={ (base) ".pdf" } { (tr("settlement-pdf")) } " · "
            a href={ (base) ".csv" } { (tr("settlement-csv")) } " · "
            a href={ (base) ".json" } { (tr("settlement-json")) }
        }
        h2 { (tr("settlement-explain-heading")) }
        ul {
            @for p in &payers {
                li {
                    a href={ (base) "/" (p) } {
                        (tra("settlement-explain-link", &[("payer", &samvirke_report::settlement::party_name(doc, p))]))
                    }
                }
            }
        }
        (samvirke_report::html::body(&document))
    };
    Ok(Html(page(&document.title, body).into_string()).into_response())
}

/// `GET /cooperations/{id}/settlement/{year}/{payer}` and `….pdf`.
async fn explanation_page(
    State(state): State<Arc<AppState>>,
    Path((id, year, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (payer, as_pdf) = match file.strip_suffix(".pdf") {
        Some(p) => (p, true),
        None => (file.as_str(), false),
    };
    let Some(year) = crate::report_year(&year) else {
        return Ok(not_found_page());
    };
    let Ok(payer) = PartyId::parse(payer) else {
        return Ok(not_found_page());
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let (statement, _) = worked_out(&snapshot.registry, doc, year)?;
    let payer = payer.to_string();
    let Some(document) = samvirke_report::settlement::explanation(doc, &statement, &payer, lang())
    else {
        return Ok(not_found_page());
    };
    if as_pdf {
        return pdf_response(
            document,
            &format!("{}-settlement-{year}-{payer}.pdf", doc.cooperation.id),
        )
        .await;
    }
    let c = &doc.cooperation;
    let body = html! {
        p.breadcrumb {
            a href={ "/cooperations/" (c.id) } { (c.name) } " · "
            a href={ "/cooperations/" (c.id) "/settlement/" (year) } { (tra("settlement-back", &[("year", &year.to_string())])) }
        }
        h1 { (document.title) }
        p.no-print { a href={ "/cooperations/" (c.id) "/settlement/" (year) "/" (payer) ".pdf" } { (tr("settlement-pdf")) } }
        (samvirke_report::html::body(&document))
    };
    Ok(Html(page(&document.title, body).into_string()).into_response())
}
