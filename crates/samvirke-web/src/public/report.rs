//! `/cooperations/{id}/report/{year}` and `…/{year}.pdf`: the annual report of a cooperation in
//! its language, as a page and as a PDF typeset in-process, both from the one document that
//! `samvirke_report::annual::document` builds.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::html;
use samvirke_i18n::Lang;

use super::{PageError, not_found_page, pdf_response};
use crate::AppState;
use crate::html::layout::page;
use crate::html::tr;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/cooperations/{id}/report/{year}", get(report_page))
}

async fn report_page(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (year_text, as_pdf) = match file.strip_suffix(".pdf") {
        Some(y) => (y, true),
        None => (file.as_str(), false),
    };
    let Some(year) = crate::report_year(year_text) else {
        return Ok(not_found_page());
    };
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let Some(mut report) = snapshot.registry.annual_report(&doc.cooperation.id, year) else {
        return Ok(not_found_page());
    };
    let reader = super::settlement::reader(&state, &headers, std::iter::once(doc)).await?;
    if !super::settlement::shows(doc, reader.as_ref()) {
        report = report.without_settlement();
    }
    let lang = Lang::of(doc.cooperation.language);
    let document = samvirke_report::annual::document(&report, lang);
    if as_pdf {
        return pdf_response(
            &state,
            document,
            &format!("{}-{year}.pdf", doc.cooperation.id),
        )
        .await;
    }
    let id = &doc.cooperation.id;
    let body = html! {
        div lang=(lang.code()) {
            h1 { (document.title) }
            p.lead { (document.subtitle) }
        }
        p.no-print {
            a href={ "/cooperations/" (id) "/report/" (year) ".pdf" } { (tr("report-pdf-link")) }
            " · "
            a href={ "/cooperations/" (id) } { (doc.cooperation.name) }
        }
        (samvirke_report::html::body(&document))
    };
    Ok(Html(page(&document.title, body).into_string()).into_response())
}
