//! The register of complaints and access requests: `/staff/cases` (overdue first),
//! `/staff/cases/new` (routed through the resolver; every field's problem at once),
//! `/staff/cases/{id}` with its due dates, log, and the extend and close forms. Visibility comes
//! from the municipality ids in the account's scope, whatever the role: a case the account may not
//! see is a 404, like one that does not exist.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use samvirke_core::cases::{self, Binding, CaseKind, CaseReference};
use samvirke_core::{Country, Date, MunicipalityRegister};
use samvirke_store::register::{Case, CaseError, LogEvent, NewCase, Refusal};

use super::{SignedIn, csrf_field, page, see_other, staff_form};
use crate::auth::Staff;
use crate::html::components::{self, in_language, municipality_name};
use crate::html::errors::{PageError, not_found_page};
use crate::html::forms::{Field, FormData, Input, error_summary, field, render_field};
use crate::html::{day, lang, resolver, time, tr, tra};
use crate::{AppState, WebError, i18n, now, today};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/cases", get(list))
        .route("/staff/cases/new", get(new_form).post(create))
        .route("/staff/cases/{id}", get(show))
        .route("/staff/cases/{id}/close", post(close))
        .route("/staff/cases/{id}/extend", post(extend))
}

#[derive(serde::Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

fn kind_name(kind: CaseKind) -> String {
    tr(&format!("kind-{}", kind.as_str()))
}

/// Why the register refused a change, in the reader's words.
fn refusal_message(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Closed(on) => tra("refused-closed", &[("date", &day(*on))]),
        Refusal::NoExtension(kind, _) => {
            tra("refused-no-extension", &[("kind", &kind_name(*kind))])
        }
        Refusal::AlreadyExtended => tr("refused-extended"),
        Refusal::TooLate { by, .. } => tra("refused-too-late", &[("date", &day(*by))]),
        Refusal::NoReason => tr("refused-no-reason"),
        Refusal::BeforeReceived { received, .. } => {
            tra("refused-before-received", &[("date", &day(*received))])
        }
    }
}

/// A line of the case log in the reader's words; a line written before the log kept its parts
/// as it was written, marked as English.
fn log_line(registry: &samvirke_core::Registry, event: &LogEvent) -> Markup {
    match event {
        LogEvent::Registered {
            kind,
            service,
            decided_on,
            received_on,
            citizen,
            routed_to,
            routed_to_name,
        } => {
            let to = if routed_to_name.is_empty() {
                routed_to.as_str()
            } else {
                routed_to_name.as_str()
            };
            crate::html::trm(
                "log-registered",
                &[
                    ("kind", html! { (kind_name(*kind)) }),
                    ("service", service_name(registry, service)),
                    ("decided", time(*decided_on)),
                    ("received", time(*received_on)),
                    ("citizen", html! { (municipality_name(*citizen)) }),
                    ("to", html! { (to) }),
                ],
            )
        }
        LogEvent::Extended { on, reason } => crate::html::trm(
            "log-extended",
            &[("date", time(*on)), ("reason", html! { (reason) })],
        ),
        LogEvent::Closed { on } => crate::html::trm("log-closed", &[("date", time(*on))]),
        LogEvent::Deleted {
            closed_on,
            retention_days,
            today,
        } => crate::html::trm(
            "log-deleted",
            &[
                ("closed", closed_on.map_or_else(|| html! {}, time)),
                ("days", html! { (retention_days) }),
                ("today", time(*today)),
            ],
        ),
        LogEvent::Text { text } => {
            components::in_language(text, samvirke_core::model::Language::En)
        }
    }
}

fn state_tag(case: &Case, on: Date) -> Markup {
    html! {
        @match case.closed_on {
            Some(d) => (tra("cases-closed", &[("date", &day(d))])),
            None if case.is_overdue(on) => span.tag.overdue { (tr("cases-overdue")) },
            None => (tr("cases-open")),
        }
    }
}

/// A service by its name (the id only when no cooperation defines it any more).
fn service_name(registry: &samvirke_core::Registry, id: &str) -> Markup {
    match samvirke_core::ServiceId::parse(id) {
        Ok(service) => components::service(registry, &service),
        Err(_) => html! { (id) },
    }
}

async fn list(State(state): State<Arc<AppState>>, SignedIn(staff): SignedIn) -> Response {
    let all = match crate::register::visible_cases(&state, &staff).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let on = today();
    let language = lang().language();
    let body = html! {
        h1 { (tr("cases-title")) }
        p { (tr("cases-intro")) }
        @if staff.municipalities().is_empty() {
            p { (tr("cases-no-scope")) }
        } @else {
            p { a.button href="/staff/cases/new" { (tr("cases-new")) } }
        }
        @if all.is_empty() {
            p { (tr("cases-none")) }
        } @else {
            table.stack {
                caption { (tr("cases-caption")) }
                thead { tr {
                    th scope="col" { (tr("cases-number")) }
                    th scope="col" { (tr("cases-state")) }
                    th scope="col" { (tr("cases-due")) }
                    th scope="col" { (tr("cases-kind")) }
                    th scope="col" { (tr("cases-service")) }
                    th scope="col" { (tr("cases-citizen")) }
                    th scope="col" { (tr("cases-handled-by")) }
                    th scope="col" { (tr("cases-reference")) }
                } }
                tbody {
                    @for c in &all {
                        tr {
                            th scope="row" { a href={ "/staff/cases/" (c.id) } { (tra("case-title", &[("id", &c.id.to_string())])) } }
                            td data-label=(tr("cases-state")) { (state_tag(c, on)) }
                            td data-label=(tr("cases-due")) { @if let Some(d) = c.dues(language).first() { (time(d.due)) } }
                            td data-label=(tr("cases-kind")) { (kind_name(c.case.kind)) }
                            td data-label=(tr("cases-service")) { (service_name(&snapshot.registry, &c.case.service)) }
                            td data-label=(tr("cases-citizen")) { (municipality_name(c.case.citizen_municipality)) }
                            td data-label=(tr("cases-handled-by")) { (c.case.handled_by.1) }
                            td data-label=(tr("cases-reference")) { (c.case.reference.as_str()) }
                        }
                    }
                }
            }
        }
    };
    page(StatusCode::OK, &staff, &tr("cases-title"), body)
}

fn kind_options() -> Vec<(String, String)> {
    CaseKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), kind_name(*k)))
        .collect()
}

/// Every municipality in force, by name and then country: a select that the browser lets a
/// person jump through by typing the first letters of a name, without JavaScript.
/// The municipalities of one country in force today, by name (a form about one cooperation).
pub(crate) fn municipality_options_in(country: Country) -> Vec<(String, String)> {
    let mut list = MunicipalityRegister::embedded().in_force_on(today(), Some(country));
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list.into_iter()
        .map(|v| (v.id.to_string(), v.name.to_string()))
        .collect()
}

pub(crate) fn municipality_options() -> Vec<(String, String)> {
    let register = MunicipalityRegister::embedded();
    let mut out = Vec::new();
    for country in [Country::Dk, Country::Se, Country::No] {
        let mut list = register.in_force_on(today(), Some(country));
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let label = tr(&format!("country-{}", country.code().to_ascii_lowercase()));
        out.extend(
            list.into_iter()
                .map(|v| (v.id.to_string(), format!("{} ({label})", v.name))),
        );
    }
    out
}

fn case_fields(state: &AppState) -> Result<Vec<Field>, WebError> {
    let snapshot = state.snapshot()?;
    let registry = &snapshot.registry;
    let mut services: Vec<(String, String)> = registry
        .service_ids()
        .iter()
        .map(|s| (s.to_string(), components::service_text(registry, s)))
        .collect();
    services.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(vec![
        field("kind", "cases-kind", Input::Select(kind_options()), true),
        field("service", "cases-service", Input::Select(services), true),
        field(
            "municipality",
            "cases-citizen",
            Input::Search(municipality_options()),
            true,
        )
        .hint(tr("cases-hint-municipality")),
        field("decided", "cases-decided", Input::Date, true).hint(tr("cases-hint-decided")),
        field("received", "cases-received", Input::Date, true),
        field("reference", "cases-reference", Input::Text, true).hint(tr("cases-hint-reference")),
    ])
}

fn case_form(
    state: &AppState,
    staff: &Staff,
    data: &FormData,
    errors: &[(String, String)],
) -> Result<Markup, WebError> {
    let fields = case_fields(state)?;
    Ok(html! {
        h1 { (tr("cases-new")) }
        (error_summary(&fields, errors))
        form method="post" action="/staff/cases/new" novalidate {
            (csrf_field(staff))
            @for f in &fields { (render_field(f, data, errors)) }
            button type="submit" { (tr("cases-register")) }
            a.button.secondary href="/staff/cases" { (tr("cancel")) }
        }
    })
}

async fn new_form(State(state): State<Arc<AppState>>, SignedIn(staff): SignedIn) -> Response {
    let mut data = FormData::default();
    data.set("received", today().to_string());
    if let Some(m) = staff.municipalities().first() {
        data.set("municipality", m.to_string());
    }
    match case_form(&state, &staff, &data, &[]) {
        Ok(b) => page(StatusCode::OK, &staff, &tr("cases-new"), b),
        Err(e) => PageError(e).into_response(),
    }
}

/// Reads the form into a case, routed; every field's problem at once.
fn read_case(
    state: &AppState,
    staff: &Staff,
    data: &FormData,
) -> Result<NewCase, Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut fail = |name: &str, message: String| errors.push((name.to_string(), message));
    let kind = CaseKind::parse(data.get("kind"))
        .map_err(|_| {
            fail(
                "kind",
                tra("required-choice", &[("label", &tr("cases-kind"))]),
            )
        })
        .ok();
    let reference = CaseReference::parse(data.get("reference"))
        .map_err(|e| fail("reference", e))
        .ok();
    let municipality = crate::known_municipality(data.get("municipality").trim())
        .map_err(|_| {
            fail(
                "municipality",
                tra("required-choice", &[("label", &tr("cases-citizen"))]),
            )
        })
        .ok();
    let date = |name: &str, fail: &mut dyn FnMut(&str, String)| {
        Date::parse(data.get(name).trim())
            .map_err(|_| {
                fail(
                    name,
                    tra("date-invalid", &[("label", &tr(&format!("cases-{name}")))]),
                )
            })
            .ok()
    };
    let decided = date("decided", &mut fail);
    let received = date("received", &mut fail);
    if let (Some(d), Some(r), Some(k)) = (decided, received, kind) {
        match cases::check_dates(k, d, r, today()) {
            Some(cases::DateProblem::ReceivedBeforeDecision) => fail(
                "received",
                tra("cases-received-before", &[("decided", &day(d))]),
            ),
            Some(cases::DateProblem::ReceivedInFuture) => fail(
                "received",
                tra("cases-received-future", &[("today", &day(today()))]),
            ),
            None => {}
        }
    }
    let (Some(kind), Some(reference), Some(municipality), Some(decided), Some(received)) =
        (kind, reference, municipality, decided, received)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let snapshot = state
        .snapshot()
        .map_err(|e| vec![("service".to_string(), e.public_detail())])?;
    let routing = cases::route(
        &snapshot.registry,
        kind,
        municipality,
        data.get("service"),
        decided,
    )
    .map_err(|e| vec![("service".to_string(), resolver::error_message(&e).1)])?;
    let new = NewCase::routed(reference, kind, decided, received, &routing);
    let mine = staff.municipalities();
    if !new.visible_to.iter().any(|m| mine.contains(m)) {
        return Err(vec![(
            "municipality".to_string(),
            tra(
                "cases-not-yours",
                &[
                    ("handled", &new.handled_by.1),
                    ("citizen", &municipality_name(municipality)),
                ],
            ),
        )]);
    }
    Ok(new)
}

async fn create(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let (staff, data) = match staff_form(&state, &headers, "/staff/cases/new", &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let new = match read_case(&state, &staff, &data) {
        Ok(n) => n,
        Err(errors) => {
            return match case_form(&state, &staff, &data, &errors) {
                Ok(b) => page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &staff,
                    &tr("cases-new"),
                    b,
                ),
                Err(e) => PageError(e).into_response(),
            };
        }
    };
    let actor = staff.actor();
    match state
        .with_store(move |store| Ok(store.case_create(&new, &actor, now())?))
        .await
    {
        Ok(id) => see_other(&format!("/staff/cases/{id}?saved=1")),
        Err(e) => PageError(e).into_response(),
    }
}

/// The case if this account may see it; `None` (a 404) otherwise.
async fn visible_case(
    state: &Arc<AppState>,
    staff: &Staff,
    id: &str,
) -> Result<Option<Case>, WebError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let case = state.with_store(move |store| Ok(store.case(id)?)).await?;
    Ok(case.filter(|c| staff.may_see_case(c)))
}

fn case_page(
    case: &Case,
    staff: &Staff,
    log: &[samvirke_store::register::RegisterLogEntry],
    error: Option<&str>,
    saved: bool,
    registry: &samvirke_core::Registry,
) -> Markup {
    let language = lang().language();
    let law_language = samvirke_core::model::Language::of_country(case.country);
    let c = &case.case;
    let service = service_name(registry, &c.service);
    let service_text = samvirke_core::ServiceId::parse(&c.service)
        .map(|id| components::service_text(registry, &id))
        .unwrap_or_else(|_| c.service.clone());
    let routing = resolver::routing_line(registry, &c.routing, &service_text);
    let on = today();
    let title = tra("cases-case", &[("id", &case.id.to_string())]);
    html! {
        h1 { (title) }
        @if saved { (components::confirmation(&tr("saved-title"), None)) }
        @if let Some(message) = error { (components::error_box(&tr("error-summary-title"), message)) }
        dl.summary {
            dt { (tr("cases-state")) } dd { (state_tag(case, on)) }
            dt { (tr("cases-reference")) } dd { (c.reference.as_str()) }
            dt { (tr("cases-kind")) } dd { (kind_name(c.kind)) }
            dt { (tr("cases-service")) } dd { (service) }
            dt { (tr("cases-decided")) } dd { (time(c.decided_on)) }
            dt { (tr("cases-received")) } dd { (time(c.received_on)) }
            dt { (tr("cases-handled-by")) } dd { (c.handled_by.1) }
            dt { (tr("cases-citizen")) } dd { (municipality_name(c.citizen_municipality)) }
            dt { (tr("cases-because")) } dd { (routing) }
            dt { (tr("cases-visible-to")) }
            dd {
                @for (i, m) in c.visible_to.iter().enumerate() {
                    @if i > 0 { ", " }
                    (municipality_name(*m))
                }
            }
        }
        h2 { (tr("cases-dues")) }
        ul {
            @for d in case.dues(language) {
                li {
                    strong { (time(d.due)) } ": " (d.title)
                    @if d.extended { " (" (tr("cases-extended")) ")" }
                    @if d.binding == Binding::Guidance { " (" (tr("cases-guidance")) ")" }
                    @if d.unsure { " (" (tr("cases-unsure")) ")" }
                    br;
                    small { (in_language(&d.law, law_language)) }
                }
            }
        }
        @if case.closed_on.is_none() {
            @if cases::can_extend(case.country, c.kind) && case.extended_on.is_none() {
                form method="post" action={ "/staff/cases/" (case.id) "/extend" } {
                    fieldset {
                        legend { (tr("cases-extend")) }
                        (csrf_field(staff))
                        label for="f-reason" { (tr("cases-extend-reason")) }
                        textarea #f-reason name="reason" rows="2" required {}
                        button.secondary type="submit" { (tr("cases-extend")) }
                    }
                }
            }
            form method="post" action={ "/staff/cases/" (case.id) "/close" } {
                fieldset {
                    legend { (tr("cases-close")) }
                    (csrf_field(staff))
                    label for="f-on" { (tr("cases-closed-on")) }
                    input #f-on .narrow name="on" type="date" value=(on.to_string()) required;
                    button.destructive type="submit" { (tr("cases-close")) }
                }
            }
        }
        h2 { (tr("cases-log")) }
        ul {
            @for entry in log {
                li { (i18n::datetime(lang(), entry.at)) " – " (entry.actor) ": " (log_line(registry, &entry.event)) }
            }
        }
        p { a href="/staff/cases" { (tr("cases-title")) } }
    }
}

async fn render_case(
    state: &Arc<AppState>,
    staff: &Staff,
    case: &Case,
    status: StatusCode,
    error: Option<&str>,
    saved: bool,
) -> Response {
    let id = case.id;
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    match state
        .with_store(move |store| Ok(store.register_log(Some(id))?))
        .await
    {
        Ok(log) => page(
            status,
            staff,
            &tra("cases-case", &[("id", &id.to_string())]),
            case_page(case, staff, &log, error, saved, &snapshot.registry),
        ),
        Err(e) => PageError(e).into_response(),
    }
}

async fn show(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path(id): Path<String>,
    Query(saved): Query<SavedQuery>,
) -> Response {
    match visible_case(&state, &staff, &id).await {
        Ok(Some(case)) => {
            render_case(
                &state,
                &staff,
                &case,
                StatusCode::OK,
                None,
                saved.saved.is_some(),
            )
            .await
        }
        Ok(None) => not_found_page(),
        Err(e) => PageError(e).into_response(),
    }
}

/// What a case form posts: close on a date, or extend with a reason.
enum Action {
    Close,
    Extend,
}

async fn act(
    state: Arc<AppState>,
    headers: HeaderMap,
    id: String,
    body: Bytes,
    action: Action,
) -> Response {
    let (staff, data) =
        match staff_form(&state, &headers, &format!("/staff/cases/{id}"), &body).await {
            Ok(f) => f,
            Err(r) => return r,
        };
    let case = match visible_case(&state, &staff, &id).await {
        Ok(Some(case)) => case,
        Ok(None) => return not_found_page(),
        Err(e) => return PageError(e).into_response(),
    };
    let case_id = case.id;
    let actor = staff.actor();
    let result = match action {
        Action::Close => {
            let on = match Date::parse(data.get("on").trim()) {
                Ok(d) => d,
                Err(_) => {
                    let message = tra("date-invalid", &[("label", &tr("cases-closed-on"))]);
                    return render_case(
                        &state,
                        &staff,
                        &case,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Some(&message),
                        false,
                    )
                    .await;
                }
            };
            state
                .with_store(move |store| Ok(store.case_close(case_id, on, &actor, now())))
                .await
        }
        Action::Extend => {
            let reason = data.get("reason").to_string();
            state
                .with_store(move |store| {
                    Ok(store.case_extend(case_id, today(), &reason, &actor, now()))
                })
                .await
        }
    };
    match result {
        Ok(Ok(_)) => see_other(&format!("/staff/cases/{case_id}?saved=1")),
        Ok(Err(CaseError::Store(e))) => PageError(e.into()).into_response(),
        Ok(Err(CaseError::NotFound(_))) => not_found_page(),
        Ok(Err(CaseError::Refused { refusal, .. })) => {
            render_case(
                &state,
                &staff,
                &case,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&refusal_message(&refusal)),
                false,
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

async fn close(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    act(state, headers, id, body, Action::Close).await
}

async fn extend(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    act(state, headers, id, body, Action::Extend).await
}
