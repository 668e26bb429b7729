//! `/cooperations/{id}/scenarios` (the published scenarios, with a form to compare two to four),
//! `/cooperations/{id}/scenarios/{scenario}` (its decision paper with the money chart) and
//! `…/{scenario}.pdf`, and `/cooperations/{id}/scenarios/compare?s=A&s=B` (side by side).
//!
//! The words come from `samvirke_report::decision`, the same as `samvirke scenario paper` and the
//! PDF; the page adds a chart of each payer's cost before and after. Staff see every scenario, and
//! adopt one, at `/staff/cooperations/{id}/scenarios/{scenario}` (`staff::scenario`), which shows
//! the same [`paper`].

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::Registry;
use samvirke_core::model::{CooperationDoc, Scenario};
use samvirke_core::scenario::Problem;
use samvirke_report::decision::{self, Namer};
use samvirke_settle::scenario::{Report, YearEffect};

use super::{PageError, not_found_page, pdf_response, snapshot};
use crate::AppState;
use crate::html::layout::page;
use crate::html::problems::said;
use crate::html::{day, lang, tr, tra};
use crate::i18n;
use crate::scenarios;

/// The most scenarios compared side by side.
pub(crate) const COMPARE_MAX: usize = 4;

/// How many years of a scenario get a chart (the paper's tables hold every year).
const CHART_YEARS_MAX: usize = 3;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}/scenarios", get(list_page))
        .route("/cooperations/{id}/scenarios/compare", get(compare_page))
        .route("/cooperations/{id}/scenarios/{file}", get(scenario_page))
}

/// A scenario's status in words.
pub(crate) fn status(s: &Scenario) -> String {
    match &s.adopted {
        Some(a) => tra("scenario-status-adopted", &[("date", &day(a.on))]),
        None if s.published => tr("scenario-status-proposed"),
        None => tr("scenario-status-unpublished"),
    }
}

/// The list of `scenarios` with the compare form; `base` is the address the links and the form
/// start from (the public pages' or the staff pages').
pub(crate) fn list(doc: &CooperationDoc, scenarios: &[&Scenario], base: &str) -> Markup {
    html! {
        table.stack {
            caption { (tra("scenarios-title", &[("name", &doc.cooperation.name)])) }
            thead { tr {
                th scope="col" { (tr("scenarios-col-name")) }
                th scope="col" { (tr("scenarios-col-prepared")) }
                th scope="col" { (tr("scenarios-col-status")) }
            } }
            tbody {
                @for s in scenarios {
                    tr {
                        th scope="row" { a href={ (base) "/" (s.id) } { (s.name) } }
                        td data-label=(tr("scenarios-col-prepared")) { (crate::html::time(s.prepared)) }
                        td data-label=(tr("scenarios-col-status")) { (status(s)) }
                    }
                }
            }
        }
        @if scenarios.len() >= 2 {
            form method="get" action={ (base) "/compare" } {
                fieldset {
                    legend { (tr("scenario-compare-legend")) }
                    @for s in scenarios {
                        div.check {
                            input type="checkbox" name="s" value=(s.id) id={ "compare-" (s.id) };
                            label for={ "compare-" (s.id) } { (s.name) }
                        }
                    }
                }
                button type="submit" { (tr("scenario-compare-submit")) }
            }
        }
    }
}

/// `GET /cooperations/{id}/scenarios`.
async fn list_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let published: Vec<&Scenario> = doc.scenarios.iter().filter(|s| s.published).collect();
    let title = tra("scenarios-title", &[("name", &doc.cooperation.name)]);
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (doc.cooperation.id) } { (doc.cooperation.name) } }
        h1 { (title) }
        p { (tr("scenarios-intro")) }
        @if published.is_empty() {
            p { (tr("scenarios-none")) }
        } @else {
            (list(doc, &published, &format!("/cooperations/{}/scenarios", doc.cooperation.id)))
        }
    };
    Ok(Html(page(&title, body).into_string()))
}

/// The problems that keep a scenario from being worked out, in the page's language.
pub(crate) fn problems(registry: &Registry, doc: &CooperationDoc, found: &[Problem]) -> Markup {
    html! {
        div.error-summary role="alert" {
            h2 { (tr("scenario-cannot")) }
            ul {
                @for p in found {
                    li { code { "scenario." (p.field) } ": " (said(Some(&p.said), &p.message, registry, Some(doc))) }
                }
            }
        }
    }
}

/// Each payer's cost before and after in one year, as grouped bars with a title and a description
/// for screen readers; the paper's table after it holds the same amounts.
fn chart(n: &Namer<'_>, y: &YearEffect, index: usize) -> Markup {
    // Narrow and with large type (see `figure.chart.money` in the stylesheet), so the names and
    // amounts stay readable when a phone scales the drawing down to its width.
    const ROW: u32 = 70;
    const WIDTH: u32 = 460;
    const ROOM: u32 = 230;
    let l = lang();
    let max = y
        .payers
        .iter()
        .map(|p| p.before_minor.max(p.after_minor))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = y.payers.len() as u32 * ROW + 8;
    let bar = |minor: i64| ((minor.max(0) as f64 / max) * f64::from(WIDTH - ROOM)).round();
    let money = |minor: i64| i18n::money(l, minor, &y.currency);
    let desc: Vec<String> = y
        .payers
        .iter()
        .map(|p| {
            tra(
                "scenario-chart-item",
                &[
                    ("party", &n.party_text(&p.party)),
                    ("before", &money(p.before_minor)),
                    ("after", &money(p.after_minor)),
                ],
            )
        })
        .collect();
    let title = tra("scenario-chart-title", &[("year", &y.year.to_string())]);
    html! {
        figure.chart.money {
            svg role="img" aria-labelledby={ "money-title-" (index) " money-desc-" (index) }
                viewBox={ "0 0 " (WIDTH) " " (height) } width="100%" preserveAspectRatio="xMinYMin meet" {
                title id={ "money-title-" (index) } { (title) }
                desc id={ "money-desc-" (index) } { (desc.join("; ")) }
                @for (i, p) in y.payers.iter().enumerate() {
                    @let top = i as u32 * ROW;
                    text x="0" y=(top + 16) class="tick" { (n.party_text(&p.party)) }
                    rect x="1" y=(top + 22) width=(bar(p.before_minor)) height="18" class="bar-before" {}
                    text x=(bar(p.before_minor) + 8.0) y=(top + 37) class="bar-value" {
                        (tr("scenario-legend-before")) ": " (money(p.before_minor))
                    }
                    rect x="1" y=(top + 44) width=(bar(p.after_minor)) height="18" class="bar" {}
                    text x=(bar(p.after_minor) + 8.0) y=(top + 59) class="bar-value" {
                        (tr("scenario-legend-after")) ": " (money(p.after_minor))
                    }
                }
            }
            figcaption { (tr("scenario-chart-caption")) }
        }
    }
}

/// The decision paper of a worked-out scenario, with its charts and links to the PDF and JSON.
pub(crate) fn paper(
    registry: &Registry,
    doc: &CooperationDoc,
    rep: &Report,
    public: bool,
) -> Markup {
    let document = decision::document(registry, rep, lang());
    let n = Namer::new(registry, rep, lang());
    let id = &doc.cooperation.id;
    let sid = &rep.outcome.scenario.id;
    let changed: Vec<&YearEffect> = rep
        .money
        .years
        .iter()
        .filter(|y| y.payers.iter().any(|p| p.before_minor != p.after_minor))
        .take(CHART_YEARS_MAX)
        .collect();
    // The charts go right under the money heading, above the tables with the same amounts.
    let money_heading = document.blocks.iter().position(
        |b| matches!(b, samvirke_report::Block::Heading { text, .. } if *text == tr("scenario-money")),
    );
    let charts = html! { @for (i, y) in changed.iter().enumerate() { (chart(&n, y, i)) } };
    html! {
        p.breadcrumb {
            a href={ "/cooperations/" (id) } { (doc.cooperation.name) }
            @if public { " · " a href={ "/cooperations/" (id) "/scenarios" } { (tr("scenario-back")) } }
        }
        h1 { (document.title) }
        p.lead { (document.subtitle) " · " (status(&rep.outcome.scenario)) }
        @if public || rep.outcome.scenario.published {
            p.no-print {
                a href={ "/cooperations/" (id) "/scenarios/" (sid) ".pdf" } { (tr("scenario-pdf-link")) }
                " · "
                a href={ "/api/v1/cooperations/" (id) "/scenarios/" (sid) } { (tr("scenario-json-link")) }
            }
        }
        (samvirke_report::html::body_with(&document, money_heading, charts))
    }
}

/// `GET /cooperations/{id}/scenarios/{scenario}` and `….pdf`.
async fn scenario_page(
    State(state): State<Arc<AppState>>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (sid, as_pdf) = match file.strip_suffix(".pdf") {
        Some(s) => (s, true),
        None => (file.as_str(), false),
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let Some(found) = scenarios::find(doc, sid, false) else {
        return Ok(not_found_page());
    };
    let worked = scenarios::work_out(&state, &snapshot, doc, found).await?;
    let title = found.name.clone();
    let rep = match worked {
        Ok(rep) => rep,
        Err(found_problems) => {
            let body = html! {
                p.breadcrumb { a href={ "/cooperations/" (doc.cooperation.id) "/scenarios" } { (tr("scenario-back")) } }
                h1 { (title) }
                (problems(&snapshot.registry, doc, &found_problems))
            };
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(page(&title, body).into_string()),
            )
                .into_response());
        }
    };
    if as_pdf {
        return pdf_response(
            &state,
            decision::document(&snapshot.registry, &rep, lang()),
            &file,
        )
        .await;
    }
    let body = paper(&snapshot.registry, doc, &rep, true);
    Ok(Html(page(&title, body).into_string()).into_response())
}

/// The scenario ids of a query (`s=A&s=B`), each once, in order (all of them, so a refusal can
/// say how many were chosen; the work is bounded by the query's length).
fn chosen(query: Option<&str>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<String> = Vec::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if k == "s" && seen.insert(v.clone()) {
            out.push(v.into_owned());
        }
    }
    out
}

/// `GET /cooperations/{id}/scenarios/compare?s=A&s=B[&s=C&s=D]` (`&format=pdf` for the PDF).
async fn compare_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = snapshot(&state)?;
    Ok(
        match compare_body(&state, &snapshot, &id, query.as_deref(), false).await {
            Ok((status, title, body)) => {
                (status, Html(page(&title, body).into_string())).into_response()
            }
            Err(r) => r,
        },
    )
}

/// The comparison of the scenarios a query names (`staff`: any of them, else the published
/// ones): the status, the page title and the body; or a response (404, a PDF).
pub(crate) async fn compare_body(
    state: &Arc<AppState>,
    snapshot: &Arc<crate::Snapshot>,
    id: &str,
    query: Option<&str>,
    staff: bool,
) -> Result<(StatusCode, String, Markup), Response> {
    let Ok(doc) = crate::cooperation_in(snapshot, id) else {
        return Err(not_found_page());
    };
    let ids = chosen(query);
    let as_pdf = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .any(|(k, v)| k == "format" && v == "pdf");
    let title = tr("scenario-compare-title");
    let base = if staff {
        format!("/staff/cooperations/{}/scenarios", doc.cooperation.id)
    } else {
        format!("/cooperations/{}/scenarios", doc.cooperation.id)
    };
    let back = html! {
        p.breadcrumb {
            a href={ "/cooperations/" (doc.cooperation.id) } { (doc.cooperation.name) }
            " · " a href=(base) { (tr("scenario-back")) }
        }
    };
    if !(2..=COMPARE_MAX).contains(&ids.len()) {
        let detail = tra(
            "scenario-compare-choose",
            &[("count", &ids.len().to_string())],
        );
        let body = html! {
            (back)
            h1 { (title) }
            (crate::html::components::error_box(&title, &detail))
        };
        return Ok((StatusCode::BAD_REQUEST, title, body));
    }
    let mut reports = Vec::new();
    for sid in &ids {
        let Some(found) = scenarios::find(doc, sid, staff) else {
            return Err(not_found_page());
        };
        match scenarios::work_out(state, snapshot, doc, found).await {
            Ok(Ok(rep)) => reports.push((*rep).clone()),
            Ok(Err(found_problems)) => {
                let body = html! {
                    (back)
                    h1 { (found.name) }
                    (problems(&snapshot.registry, doc, &found_problems))
                };
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, title, body));
            }
            Err(e) => return Err(PageError(e).into_response()),
        }
    }
    let document = decision::comparison(&snapshot.registry, &reports, lang());
    if as_pdf {
        return Err(
            match pdf_response(
                state,
                document,
                &format!("{}-scenarios.pdf", doc.cooperation.id),
            )
            .await
            {
                Ok(r) => r,
                Err(e) => e.into_response(),
            },
        );
    }
    let pdf_link = {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for sid in &ids {
            q.append_pair("s", sid);
        }
        q.append_pair("format", "pdf");
        q.finish()
    };
    let body = html! {
        (back)
        h1 { (document.title) }
        p.lead { (document.subtitle) }
        p.no-print { a href={ (base) "/compare?" (pdf_link) } { (tr("scenario-pdf-link")) } }
        (samvirke_report::html::body(&document))
        ul {
            @for r in &reports {
                li { a href={ (base) "/" (r.outcome.scenario.id) } { (r.outcome.scenario.name) } }
            }
        }
    };
    Ok((StatusCode::OK, title, body))
}
