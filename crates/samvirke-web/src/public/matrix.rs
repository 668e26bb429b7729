//! `/matrix?country=&legal_form=`: which municipality is party to which cooperation, and the same
//! as CSV (`/matrix.csv`).

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use samvirke_core::model::{CooperationDoc, LegalForm};
use samvirke_core::{Country, MunicipalityId, PartyId};

use super::{PageError, snapshot};
use crate::html::components::{self, cooperation_link, municipality_link};
use crate::html::layout::page;
use crate::html::tr;
use crate::{AppState, Snapshot, WebError};

#[derive(serde::Deserialize)]
pub(crate) struct MatrixQuery {
    country: Option<String>,
    legal_form: Option<String>,
}

/// Municipalities (rows) that are party to at least one of the selected cooperations (columns).
fn matrix<'s>(
    snapshot: &'s Snapshot,
    query: &MatrixQuery,
) -> Result<(Vec<&'s CooperationDoc>, Vec<MunicipalityId>), WebError> {
    let country = match query.country.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(Country::parse(text).map_err(|e| WebError::BadRequest {
            field: "country",
            detail: format!("country: {e}"),
        })?),
        None => None,
    };
    let form = query.legal_form.as_deref().filter(|s| !s.is_empty());
    let coops: Vec<&CooperationDoc> = snapshot
        .registry
        .cooperations()
        .iter()
        .filter(|d| {
            country.is_none_or(|c| d.cooperation.country == c)
                && form.is_none_or(|f| d.cooperation.legal_form.as_str() == f)
        })
        .collect();
    let mut members: Vec<MunicipalityId> = coops
        .iter()
        .flat_map(|d| {
            d.cooperation
                .parties
                .iter()
                .filter_map(|p| p.id.municipality())
        })
        .collect();
    members.sort();
    members.dedup();
    Ok((coops, members))
}

fn is_member(doc: &CooperationDoc, m: MunicipalityId) -> bool {
    doc.cooperation
        .parties
        .iter()
        .any(|p| p.id == PartyId::Municipality(m))
}

/// `GET /matrix`.
pub(crate) async fn matrix_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<MatrixQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let (coops, members) = matrix(&snapshot, &query)?;
    let chosen_country = query.country.as_deref().unwrap_or("");
    let chosen_form = query.legal_form.as_deref().unwrap_or("");
    let csv_query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("country", chosen_country)
        .append_pair("legal_form", chosen_form)
        .finish();
    let body = html! {
        h1 { (tr("matrix-title")) }
        form method="get" action="/matrix" {
            label for="country" { (tr("country")) }
            select #country name="country" {
                option value="" { (tr("all")) }
                @for (code, label) in [("DK", "country-dk"), ("SE", "country-se"), ("NO", "country-no")] {
                    option value=(code) selected[chosen_country == code] { (tr(label)) }
                }
            }
            label for="legal_form" { (tr("legal-form")) }
            select #legal_form name="legal_form" {
                option value="" { (tr("all")) }
                @for f in LegalForm::ALL {
                    option value=(f.as_str()) selected[chosen_form == f.as_str()] { (components::legal_form(*f)) }
                }
            }
            button type="submit" { (tr("filter")) }
        }
        p { a href={ "/matrix.csv?" (csv_query) } { (tr("download-csv")) } }
        div.scroll role="region" aria-labelledby="matrix-caption" tabindex="0" {
            table {
                caption #matrix-caption { (tr("matrix-caption")) }
                thead { tr {
                    th scope="col" { (tr("municipality")) }
                    @for d in &coops { th scope="col" { (cooperation_link(d)) } }
                } }
                tbody {
                    @for m in &members {
                        tr {
                            th scope="row" { (municipality_link(*m)) }
                            @for d in &coops {
                                @if is_member(d, *m) {
                                    td { (tr("member")) }
                                } @else {
                                    td { span.visually-hidden { (tr("not-member")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(page(&tr("matrix-title"), body).into_string()))
}

/// `GET /matrix.csv`: the same matrix for a spreadsheet (ids and names, 1 for a member).
pub(crate) async fn matrix_csv(
    State(state): State<Arc<AppState>>,
    Query(query): Query<MatrixQuery>,
) -> Result<Response, WebError> {
    let snapshot = snapshot(&state)?;
    let (coops, members) = matrix(&snapshot, &query)?;
    let mut out = String::from("municipality,name");
    for d in &coops {
        let _ = write!(out, ",{}", d.cooperation.id);
    }
    out.push('\n');
    for m in &members {
        let name = components::municipality_name(*m);
        let _ = write!(out, "{m},\"{}\"", name.replace('"', "\"\""));
        for d in &coops {
            out.push_str(if is_member(d, *m) { ",1" } else { ",0" });
        }
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"samvirke-matrix.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
