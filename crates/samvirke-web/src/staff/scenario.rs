//! `/staff/cooperations/{id}/scenarios` (every scenario, published or not),
//! `/staff/cooperations/{id}/scenarios/{scenario}` (its decision paper and the form that adopts
//! it) and `/staff/cooperations/{id}/scenarios/compare?s=A&s=B`.
//!
//! Adopting does what `samvirke scenario adopt` does, inside one store write: the scenario is
//! worked out again on the registry as it stands now, the changed cooperations are written as
//! agreement files and checked as an import would check them, and every changed fact and the
//! adopted scenario are recorded in one transaction, or nothing is.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::model::{CooperationDoc, Scenario};
use samvirke_core::scenario;
use samvirke_core::{Diagnostic, PartyId};
use samvirke_store::Store;

use super::forms::{Labels, Problems, party_options};
use super::{SignedIn, csrf_field, page, read_only, see_other, staff_form};
use crate::auth::Staff;
use crate::html::components;
use crate::html::errors::{PageError, not_found_page};
use crate::html::forms::{FormData, Input, error_summary, field, render_field};
use crate::html::{tr, tra};
use crate::public::scenario as public;
use crate::scenarios;
use crate::{AppState, Snapshot, WebError};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/cooperations/{id}/scenarios", get(list_page))
        .route("/staff/cooperations/{id}/scenarios/compare", get(compare))
        .route(
            "/staff/cooperations/{id}/scenarios/{scenario}",
            get(scenario_page).post(adopt),
        )
}

/// The cooperation of a staff page, if the account may edit it.
fn editable<'s>(
    snapshot: &'s Snapshot,
    staff: &Staff,
    id: &str,
) -> Result<&'s CooperationDoc, Box<Response>> {
    let Ok(doc) = crate::cooperation_in(snapshot, id) else {
        return Err(Box::new(not_found_page()));
    };
    if !staff.can_edit(doc) {
        return Err(Box::new(
            PageError(WebError::Forbidden(tra(
                "may-not-edit",
                &[("id", &doc.cooperation.name)],
            )))
            .into_response(),
        ));
    }
    Ok(doc)
}

async fn list_page(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let doc = match editable(&snapshot, &staff, &id) {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let all: Vec<&Scenario> = doc.scenarios.iter().collect();
    let title = tra("scenarios-title", &[("name", &doc.cooperation.name)]);
    let body = html! {
        p.breadcrumb { a href={ "/staff/cooperations/" (doc.cooperation.id) } { (doc.cooperation.name) } }
        h1 { (title) }
        p { (tr("scenarios-intro")) }
        ul.actions { li { a href={ "/staff/cooperations/" (doc.cooperation.id) "/scenario-new" } { (tr("form-scenario-new")) } } }
        @if all.is_empty() {
            p { (tr("scenario-list-none")) }
        } @else {
            (public::list(doc, &all, &format!("/staff/cooperations/{}/scenarios", doc.cooperation.id)))
        }
    };
    page(StatusCode::OK, &staff, &title, body)
}

/// The adopt form's fields.
fn fields(doc: &CooperationDoc) -> Vec<crate::html::forms::Field> {
    vec![
        field("decision", "scenario-adopt-decision", Input::Text, true)
            .hint(tr("scenario-adopt-decision-hint")),
        field("decided_on", "scenario-adopt-decided-on", Input::Date, true),
        field(
            "body",
            "scenario-adopt-body",
            Input::Select(party_options(Some(doc))),
            false,
        )
        .hint(tr("scenario-adopt-body-hint")),
        field("reason", "scenario-adopt-reason", Input::Area, true)
            .hint(tr("scenario-adopt-reason-hint")),
    ]
}

fn adopt_form(
    doc: &CooperationDoc,
    found: &Scenario,
    staff: &Staff,
    data: &FormData,
    problems: &[(String, String)],
) -> Markup {
    let fields = fields(doc);
    html! {
        section #adopt aria-labelledby="adopt-title" {
            h2 #adopt-title { (tr("scenario-adopt-heading")) }
            @if let Some(a) = &found.adopted {
                p { (tra("scenario-adopt-already", &[("date", &crate::html::day(a.on)), ("decision", &a.decision)])) }
            } @else if read_only(staff) {
                p { (tr("scenario-adopt-readonly")) }
            } @else {
                p { (tr("scenario-adopt-help")) }
                (error_summary(&fields, problems))
                form method="post" action={ "/staff/cooperations/" (doc.cooperation.id) "/scenarios/" (found.id) } novalidate {
                    (csrf_field(staff))
                    @for f in &fields { (render_field(f, data, problems)) }
                    button type="submit" { (tr("scenario-adopt-submit")) }
                }
            }
        }
    }
}

/// What the staff page of a scenario shows besides the scenario: the form as typed, its problems,
/// the status, and a confirmation.
struct Shown<'a> {
    data: &'a FormData,
    problems: &'a [(String, String)],
    status: StatusCode,
    notice: Option<Markup>,
}

/// The staff page of scenario `sid` of cooperation `id`.
async fn render(
    state: &Arc<AppState>,
    staff: &Staff,
    id: &str,
    sid: &str,
    shown: Shown<'_>,
) -> Response {
    let Shown {
        data,
        problems,
        status,
        notice,
    } = shown;
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let doc = match editable(&snapshot, staff, id) {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let Some(found) = scenarios::find(doc, sid, true) else {
        return not_found_page();
    };
    let worked = match scenarios::work_out(state, &snapshot, doc, found).await {
        Ok(w) => w,
        Err(e) => return PageError(e).into_response(),
    };
    let body = html! {
        @if let Some(n) = notice { (n) }
        @match &worked {
            Ok(rep) => (public::paper(&snapshot.registry, doc, rep, false)),
            Err(found_problems) => {
                h1 { (found.name) }
                (public::problems(&snapshot.registry, doc, found_problems))
            }
        }
        @if found.adopted.is_none() {
            p { a href={ "/staff/cooperations/" (doc.cooperation.id) "/scenario." (found.id) } { (tr("form-scenario-edit")) } }
        }
        @if worked.is_ok() { (adopt_form(doc, found, staff, data, problems)) }
        p { a href={ "/staff/cooperations/" (doc.cooperation.id) "/scenarios" } { (tr("scenario-back")) } }
    };
    let status = if worked.is_err() && status == StatusCode::OK {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    page(status, staff, &found.name, body)
}

#[derive(serde::Deserialize)]
struct PageQuery {
    adopted: Option<usize>,
}

async fn scenario_page(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, sid)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<PageQuery>,
) -> Response {
    let notice = query.adopted.map(|count| {
        components::confirmation(
            &tr("saved-title"),
            Some(&tra(
                "scenario-adopt-done",
                &[("count", &count.to_string())],
            )),
        )
    });
    render(
        &state,
        &staff,
        &id,
        &sid,
        Shown {
            data: &FormData::parse(b""),
            problems: &[],
            status: StatusCode::OK,
            notice,
        },
    )
    .await
}

async fn compare(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    if let Err(r) = editable(&snapshot, &staff, &id) {
        return *r;
    }
    match public::compare_body(&state, &snapshot, &id, query.as_deref(), true).await {
        Ok((status, title, body)) => page(status, &staff, &title, body),
        Err(r) => r,
    }
}

/// Why an adoption was refused.
enum Refused {
    /// Fields of the form.
    Fields(Vec<(String, String)>),
    /// The agreement checks of the adopted documents.
    Checks(Vec<Diagnostic>),
    /// The scenario no longer works out on the registry as it stands.
    Scenario(Vec<scenario::Problem>),
}

async fn adopt(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, sid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let path = format!("/staff/cooperations/{id}/scenarios/{sid}");
    let (staff, data) = match staff_form(&state, &headers, &path, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let doc = match editable(&snapshot, &staff, &id) {
        Ok(d) => d.clone(),
        Err(r) => return *r,
    };
    if read_only(&staff) {
        return PageError(WebError::Forbidden(tr("scenario-adopt-readonly"))).into_response();
    }
    let labels = Labels::of(&fields(&doc));
    let mut problems = Problems::new(&labels);
    let decision_id = problems.required(&data, "decision").to_string();
    let decided_on = problems.date(&data, "decided_on", true);
    let body_party = problems.party(&data, "body", false);
    if let Some(p) = &body_party
        && !doc.cooperation.parties.iter().any(|x| &x.id == p)
    {
        problems.add(
            "body",
            tra("scenario-adopt-unknown-body", &[("body", data.get("body"))]),
        );
    }
    let reason = problems.required(&data, "reason").to_string();
    let again = |state: Arc<AppState>, found: Vec<(String, String)>| {
        let staff = staff.clone();
        let data = FormData::parse(&body);
        let id = id.clone();
        let sid = sid.clone();
        async move {
            render(
                &state,
                &staff,
                &id,
                &sid,
                Shown {
                    data: &data,
                    problems: &found,
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    notice: None,
                },
            )
            .await
        }
    };
    // A required date that is missing or wrong is among the problems, so `finish` refuses first.
    let checked = problems.finish().and_then(|()| {
        decided_on.ok_or_else(|| WebError::Invalid {
            detail: tr("error-summary-title"),
            errors: vec![(
                "decided_on".to_string(),
                tra(
                    "required-field",
                    &[("label", &tr("scenario-adopt-decided-on"))],
                ),
            )],
        })
    });
    let decided_on = match checked {
        Ok(d) => d,
        Err(WebError::Invalid { errors, .. }) => return again(state.clone(), errors).await,
        Err(e) => return PageError(e).into_response(),
    };
    let actor = staff.actor();
    let coop = doc.cooperation.id.clone();
    let scenario_id = sid.clone();
    let lang = crate::html::lang();
    let outcome = state
        .with_store(move |store| {
            adopt_in_store(
                store,
                &coop,
                &scenario_id,
                (decision_id, decided_on, body_party),
                &actor,
                &reason,
                lang,
            )
        })
        .await;
    match outcome {
        Ok(Ok(count)) => {
            state.refresh_now().await;
            see_other(&format!("{path}?adopted={count}#main"))
        }
        Ok(Err(Refused::Fields(found))) => again(state.clone(), found).await,
        Ok(Err(Refused::Checks(found))) => {
            let mut list = vec![(String::new(), tr("scenario-adopt-inconsistent"))];
            list.extend(crate::html::problems::problems(
                &found,
                &snapshot.registry,
                Some(&doc),
            ));
            again(state.clone(), list).await
        }
        Ok(Err(Refused::Scenario(found))) => {
            let list = found
                .iter()
                .map(|p| {
                    (
                        String::new(),
                        crate::html::problems::said(
                            Some(&p.said),
                            &p.message,
                            &snapshot.registry,
                            Some(&doc),
                        ),
                    )
                })
                .collect();
            again(state.clone(), list).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// Adopts scenario `sid` of `coop` on the journal as it stands: the number of events recorded, or
/// why nothing was.
#[allow(clippy::too_many_arguments)]
fn adopt_in_store(
    store: &mut Store,
    coop: &samvirke_core::CooperationId,
    sid: &str,
    (decision_id, decided_on, body): (String, samvirke_core::Date, Option<PartyId>),
    actor: &str,
    reason: &str,
    lang: samvirke_i18n::Lang,
) -> Result<Result<usize, Refused>, WebError> {
    let projection = store.projection(None)?;
    let registry = projection.registry();
    let Some(doc) = registry.cooperation(coop) else {
        return Err(WebError::NotFound(String::new()));
    };
    let Some(found) = doc.scenarios.iter().find(|s| s.id == sid).cloned() else {
        return Err(WebError::NotFound(String::new()));
    };
    if let Some(a) = &found.adopted {
        return Ok(Err(Refused::Fields(vec![(
            "decision".to_string(),
            samvirke_i18n::message(
                lang,
                "scenario-adopt-already",
                &[
                    ("date", &samvirke_i18n::date(lang, a.on)),
                    ("decision", &a.decision),
                ],
            ),
        )])));
    }
    let outcome = match scenario::evaluate(&registry, coop, &found) {
        Ok(o) => o,
        Err(problems) => return Ok(Err(Refused::Scenario(problems))),
    };
    let decision = scenario::adopting_decision(&found, decision_id, decided_on, body);
    let docs = match scenario::adoption_checked(&outcome, decision, &registry) {
        Ok(d) => d,
        Err(problems) => return Ok(Err(Refused::Checks(problems))),
    };
    let mut changes = Vec::new();
    for d in &docs {
        changes.extend(Store::diff(&projection, &d.cooperation.id, &d.to_facts()));
    }
    let events = store.commit(projection.head, actor, reason, changes, crate::now())?;
    Ok(Ok(events.len()))
}
