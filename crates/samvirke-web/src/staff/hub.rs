//! `/staff/cooperations/{id}`: the editor's page of a cooperation: what can be changed (each a
//! form), its deadlines to mark, and last year's fact sheets.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::html;
use samvirke_core::CooperationId;

use super::{SignedIn, marks, page, sheets};
use crate::html::components::{self, in_language, party_link};
use crate::html::errors::{PageError, not_found_page};
use crate::html::{day, tr, tra};
use crate::{AppState, WebError};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/staff/cooperations/{id}", get(cooperation_hub))
}

#[derive(serde::Deserialize)]
pub(crate) struct HubQuery {
    marked: Option<String>,
}

async fn cooperation_hub(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<HubQuery>,
) -> Response {
    let path = format!("/staff/cooperations/{id}");
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Some(doc) = CooperationId::parse(&id)
        .ok()
        .and_then(|id| snapshot.registry.cooperation(&id))
    else {
        return not_found_page();
    };
    if !staff.can_edit(doc) {
        return PageError(WebError::Forbidden(tra(
            "may-not-edit",
            &[("id", &doc.cooperation.name)],
        )))
        .into_response();
    }
    let registry = &snapshot.registry;
    let c = &doc.cooperation;
    let language = c.language;
    let body = html! {
        h1 { (c.name) }
        @if query.marked.is_some() {
            (components::confirmation(&tr("saved-title"), Some(&tr("deadline-saved"))))
        }
        p {
            a href={ "/cooperations/" (c.id) } { (tr("public-page")) } " · "
            a href={ "/cooperations/" (c.id) "/history" } { (tr("history")) }
        }
        ul.actions {
            li { a href={ (path) "/take-back" } { (tr("form-take-back")) } }
            li { a href={ (path) "/details" } { (tr("form-details")) } }
            li { a href={ (path) "/main-new" } { (tr("form-main-new")) } }
            li { a href={ (path) "/sub-new" } { (tr("form-sub-new")) } }
            li { a href={ (path) "/delegation-new" } { (tr("form-delegation-new")) } }
            @if doc.scenarios.is_empty() {
                li { a href={ (path) "/scenario-new" } { (tr("form-scenario-new")) } }
            } @else {
                li { a href={ (path) "/scenarios" } { (tra("scenario-link", &[("count", &doc.scenarios.len().to_string())])) } }
            }
        }
        h2 { (tr("main-agreement")) }
        ul {
            @for v in &doc.main_agreement {
                li { a href={ (path) "/main-" (v.number) } { (tra("main-version", &[("number", &v.number.to_string())])) } }
            }
        }
        h2 { (tr("sub-agreements")) }
        ul {
            @for s in &doc.sub_agreements {
                li { a href={ (path) "/sub-" (s.number) } { (s.number) " " (in_language(&s.title, language)) } }
            }
        }
        h2 { (tr("delegations")) }
        ul {
            @for (i, d) in doc.delegations.iter().enumerate() {
                li {
                    a href={ (path) "/delegation-" (i) } { (components::service(registry, &d.service)) }
                    " – " (party_link(doc, &d.performer)) " ("
                    (tra("answer-valid", &[("from", &day(d.valid.from())), ("to", &d.valid.to().map_or_else(|| tr("open-ended"), |t| day(t.pred())))]))
                    ")"
                }
            }
        }
        @if !doc.candidate_areas.is_empty() {
            h2 { (tr("mapping-areas")) }
            p { a href={ "/cooperations/" (c.id) "/mapping" } { (tr("mapping-link")) } }
            @for a in &doc.candidate_areas {
                h3 { (in_language(&a.area, language)) }
                p { (tr("mapping-status")) ": " (tr(&format!("area-status-{}", a.status.as_str()))) }
                ul.actions {
                    @if samvirke_core::model::CandidateStatus::ALL.iter().any(|s| a.status.may_move_to(*s)) {
                        li { a href={ (path) "/move." (a.id) } { (tr("form-area-move")) } }
                    }
                    @for party in area_participants(doc, a) {
                        li { a href={ (path) "/assess." (a.id) "." (party) } { (tra("form-area-assess-by", &[("party", &doc.party_name(&party))])) } }
                    }
                }
            }
        }
        h2 { (tr("projects-heading")) }
        @if !doc.projects.is_empty() {
            p { a href={ "/cooperations/" (c.id) "/projects" } { (tra("projects-link", &[("count", &doc.projects.len().to_string())])) } }
            ul {
                @for x in &doc.projects {
                    li { a href={ (path) "/project." (x.id) } { (in_language(&x.name, language)) } }
                }
            }
        }
        ul.actions { li { a href={ (path) "/project-new" } { (tr("form-project-new")) } } }
        h2 { (tr("evaluations")) }
        p { a href={ "/cooperations/" (c.id) "/evaluation" } { (tr("evaluation-link")) } }
        @let mine: Vec<_> = c.parties.iter().filter(|p| super::forms::own_party(&staff, &p.id.to_string())).collect();
        @if !mine.is_empty() {
            ul.actions {
                @for p in mine {
                    li { a href={ (path) "/evaluate." (p.id) } { (tra("form-evaluate-by", &[("party", &doc.party_name(&p.id))])) } }
                }
            }
        }
        (marks::section(registry, doc, &staff))
        (sheets::links(registry, &c.id))
    };
    page(StatusCode::OK, &staff, &c.name, body)
}

/// Who takes part in an area: its participants, or every party when it names none.
fn area_participants(
    doc: &samvirke_core::model::CooperationDoc,
    area: &samvirke_core::model::CandidateArea,
) -> Vec<samvirke_core::PartyId> {
    if area.participants.is_empty() {
        doc.cooperation
            .parties
            .iter()
            .map(|p| p.id.clone())
            .collect()
    } else {
        area.participants.clone()
    }
}
