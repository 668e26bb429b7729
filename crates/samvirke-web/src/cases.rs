//! Staff pages for the register of complaints and access requests: the list (overdue first), the
//! form that registers a case (routed through the resolver), and a page per case with its due
//! dates, log, and the forms that extend or close it.
//!
//! A case is seen only by staff of the municipalities it names (the citizen's and the handling
//! one), through the municipality ids in their account's scope; for anyone else it does not exist
//! (404, the same answer as for a number never used), whatever their role.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use samvirke_core::cases::{self, Binding, CaseKind, CaseReference};
use samvirke_core::model::Language;
use samvirke_core::{Date, MunicipalityId};
use samvirke_store::register::{Case, CaseError, NewCase};

use crate::auth::Staff;
use crate::legacy::{PageError, day, escape, not_found_page, tr, tra};
use crate::staff::{
    FormData, Input, field, now, page, page_language, push_problems, render_field, require_staff,
    see_other, staff_form,
};
use crate::{AppState, WebError, today};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/cases", get(list))
        .route("/staff/cases/new", get(new_form).post(create))
        .route("/staff/cases/{id}", get(show))
        .route("/staff/cases/{id}/close", post(close))
        .route("/staff/cases/{id}/extend", post(extend))
}

/// The municipalities whose cases this account sees: the municipality ids in its scope.
pub(crate) fn municipalities_of(staff: &Staff) -> Vec<MunicipalityId> {
    staff
        .user
        .scopes
        .iter()
        .filter_map(|s| MunicipalityId::parse(s, None).ok())
        .collect()
}

fn may_see(staff: &Staff, case: &Case) -> bool {
    municipalities_of(staff).iter().any(|m| case.visible_to(*m))
}

fn kind_name(kind: CaseKind) -> String {
    tr(&format!("kind-{}", kind.as_str()))
}

fn state_cell(case: &Case, on: Date) -> String {
    match case.closed_on {
        Some(d) => tra("cases-closed", &[("date", &day(d))]),
        None if case.is_overdue(on) => format!("<strong>{}</strong>", tr("cases-overdue")),
        None => tr("cases-open"),
    }
}

async fn list(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let staff = match require_staff(&state, &headers, "/staff/cases").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mine = municipalities_of(&staff);
    let scopes = mine.clone();
    let found = state
        .with_store(move |store| {
            let mut out: Vec<Case> = Vec::new();
            for m in scopes {
                for case in store.cases(Some(m))? {
                    if !out.iter().any(|c| c.id == case.id) {
                        out.push(case);
                    }
                }
            }
            Ok(out)
        })
        .await;
    let mut all = match found {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let on = today();
    all.sort_by_key(|c| {
        (
            c.closed_on.is_some(),
            !c.is_overdue(on),
            c.dues(Language::En).first().map(|d| d.due),
            c.id,
        )
    });
    let mut b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        tr("cases-title"),
        tr("cases-intro")
    );
    if mine.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tr("cases-no-scope"));
    } else {
        let _ = writeln!(
            b,
            "<p><a href=\"/staff/cases/new\">{}</a></p>",
            tr("cases-new")
        );
    }
    if all.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tr("cases-none"));
    } else {
        let _ = writeln!(
            b,
            "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"cases-caption\"><table><caption id=\"cases-caption\">{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            tr("cases-caption"),
            tr("cases-number"),
            tr("cases-state"),
            tr("cases-due"),
            tr("cases-kind"),
            tr("cases-service"),
            tr("cases-citizen"),
            tr("cases-handled-by"),
            tr("cases-reference"),
        );
        for c in &all {
            let due = c
                .dues(page_language())
                .first()
                .map(|d| day(d.due))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<tr><td><a href=\"/staff/cases/{id}\">{id}</a></td><td>{}</td><td>{due}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                state_cell(c, on),
                kind_name(c.case.kind),
                escape(&c.case.service),
                c.case.citizen_municipality,
                escape(&c.case.handled_by.1),
                escape(c.case.reference.as_str()),
                id = c.id
            );
        }
        b.push_str("</tbody></table></div>\n");
    }
    page(StatusCode::OK, &tr("cases-title"), &b)
}

fn kind_options() -> Vec<(String, String)> {
    CaseKind::ALL
        .iter()
        .map(|k| (k.as_str().to_string(), kind_name(*k)))
        .collect()
}

fn case_form(
    state: &AppState,
    staff: &Staff,
    data: &FormData,
    errors: &[(String, String)],
) -> Result<String, WebError> {
    let snapshot = state.snapshot()?;
    let services: Vec<(String, String)> = snapshot
        .registry
        .service_ids()
        .iter()
        .map(|s| {
            let name = snapshot.registry.service_name(s).unwrap_or_default();
            (s.to_string(), format!("{name} ({s})"))
        })
        .collect();
    let fields = [
        field("kind", "cases-kind", Input::Select(kind_options()), true),
        field("service", "cases-service", Input::Select(services), true),
        crate::staff::Field {
            hint: Some(tr("cases-hint-municipality")),
            ..field("municipality", "cases-citizen", Input::Text, true)
        },
        crate::staff::Field {
            hint: Some(tr("cases-hint-decided")),
            ..field("decided", "cases-decided", Input::Date, true)
        },
        field("received", "cases-received", Input::Date, true),
        crate::staff::Field {
            hint: Some(tr("cases-hint-reference")),
            ..field("reference", "cases-reference", Input::Text, true)
        },
    ];
    let mut b = format!("<h1>{}</h1>\n", tr("cases-new"));
    push_problems(&mut b, errors);
    let _ = writeln!(
        b,
        "<form method=\"post\" action=\"/staff/cases/new\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(&staff.csrf)
    );
    for f in &fields {
        render_field(&mut b, f, data, errors);
    }
    let _ = writeln!(
        b,
        "<button type=\"submit\">{}</button></form>",
        tr("cases-register")
    );
    Ok(b)
}

async fn new_form(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let staff = match require_staff(&state, &headers, "/staff/cases/new").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut data = FormData::parse(b"");
    data.set("received", today().to_string());
    if let Some(m) = municipalities_of(&staff).first() {
        data.set("municipality", m.to_string());
    }
    match case_form(&state, &staff, &data, &[]) {
        Ok(b) => page(StatusCode::OK, &tr("cases-new"), &b),
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
        .map_err(|e| fail("kind", e))
        .ok();
    let reference = CaseReference::parse(data.get("reference"))
        .map_err(|e| fail("reference", e))
        .ok();
    let municipality = crate::known_municipality(data.get("municipality").trim())
        .map_err(|e| fail("municipality", format!("{e}; write the code as DK-0155")))
        .ok();
    let date = |name: &str, fail: &mut dyn FnMut(&str, String)| {
        Date::parse(data.get(name).trim())
            .map_err(|e| fail(name, e.to_string()))
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
    .map_err(|e| vec![("service".to_string(), e.to_string())])?;
    let new = NewCase::routed(reference, kind, decided, received, &routing);
    let mine = municipalities_of(staff);
    if !new.visible_to.iter().any(|m| mine.contains(m)) {
        return Err(vec![(
            "municipality".to_string(),
            tra(
                "cases-not-yours",
                &[
                    ("handled", &new.handled_by.0),
                    ("citizen", &municipality.to_string()),
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
                Ok(b) => page(StatusCode::UNPROCESSABLE_ENTITY, &tr("cases-new"), &b),
                Err(e) => PageError(e).into_response(),
            };
        }
    };
    let actor = staff.actor();
    match state
        .with_store(move |store| Ok(store.case_create(&new, &actor, now())?))
        .await
    {
        Ok(id) => see_other(&format!("/staff/cases/{id}")),
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
    Ok(case.filter(|c| may_see(staff, c)))
}

fn case_page(
    case: &Case,
    staff: &Staff,
    log: &[samvirke_store::register::RegisterLogEntry],
    error: Option<&str>,
) -> String {
    let lang = page_language();
    let c = &case.case;
    let on = today();
    let title = tra("cases-case", &[("id", &case.id.to_string())]);
    let mut b = format!("<h1>{}</h1>\n", escape(&title));
    if let Some(message) = error {
        let _ = writeln!(
            b,
            "<div class=\"error\" role=\"alert\"><p>{}</p></div>",
            escape(message)
        );
    }
    let visible: Vec<String> = c.visible_to.iter().map(ToString::to_string).collect();
    let _ = writeln!(
        b,
        "<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} ({})</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        tr("cases-state"),
        state_cell(case, on),
        tr("cases-reference"),
        escape(c.reference.as_str()),
        tr("cases-kind"),
        kind_name(c.kind),
        tr("cases-service"),
        escape(&c.service),
        tr("cases-decided"),
        day(c.decided_on),
        tr("cases-received"),
        day(c.received_on),
        tr("cases-handled-by"),
        escape(&c.handled_by.1),
        escape(&c.handled_by.0),
        tr("cases-citizen"),
        c.citizen_municipality,
        tr("cases-because"),
        escape(&c.routing),
        tr("cases-visible-to"),
        visible.join(", ")
    );
    let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("cases-dues"));
    for d in case.dues(lang) {
        let mut notes = Vec::new();
        if d.extended {
            notes.push(tr("cases-extended"));
        }
        if d.binding == Binding::Guidance {
            notes.push(tr("cases-guidance"));
        }
        if d.unsure {
            notes.push(tr("cases-unsure"));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        let _ = writeln!(
            b,
            "<li><strong>{}</strong>: {}{notes}<br><small>{}</small></li>",
            day(d.due),
            escape(&d.title),
            escape(&d.reference)
        );
    }
    b.push_str("</ul>\n");
    if case.closed_on.is_none() {
        let csrf = escape(&staff.csrf);
        if cases::can_extend(case.country, c.kind) && case.extended_on.is_none() {
            let _ = writeln!(
                b,
                "<h2>{}</h2>\n<form method=\"post\" action=\"/staff/cases/{}/extend\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"f-reason\">{}</label><textarea id=\"f-reason\" name=\"reason\" rows=\"2\" required></textarea><button type=\"submit\">{}</button></form>",
                tr("cases-extend"),
                case.id,
                tr("cases-extend-reason"),
                tr("cases-extend")
            );
        }
        let _ = writeln!(
            b,
            "<h2>{}</h2>\n<form method=\"post\" action=\"/staff/cases/{}/close\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"f-on\">{}</label><input id=\"f-on\" name=\"on\" type=\"date\" value=\"{}\" required><button type=\"submit\">{}</button></form>",
            tr("cases-close"),
            case.id,
            tr("cases-closed-on"),
            on,
            tr("cases-close")
        );
    }
    let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("cases-log"));
    for entry in log {
        let _ = writeln!(
            b,
            "<li>{} – {}: {}</li>",
            escape(&entry.at.to_string()),
            escape(&entry.actor),
            escape(&entry.what)
        );
    }
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<p><a href=\"/staff/cases\">{}</a></p>",
        tr("cases-title")
    );
    b
}

async fn render_case(
    state: &Arc<AppState>,
    staff: &Staff,
    case: &Case,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let id = case.id;
    match state
        .with_store(move |store| Ok(store.register_log(Some(id))?))
        .await
    {
        Ok(log) => page(
            status,
            &tra("cases-case", &[("id", &id.to_string())]),
            &case_page(case, staff, &log, error),
        ),
        Err(e) => PageError(e).into_response(),
    }
}

async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let staff = match require_staff(&state, &headers, &format!("/staff/cases/{id}")).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match visible_case(&state, &staff, &id).await {
        Ok(Some(case)) => render_case(&state, &staff, &case, StatusCode::OK, None).await,
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
                Err(e) => {
                    let message = format!("{}: {e}", tr("cases-closed-on"));
                    return render_case(
                        &state,
                        &staff,
                        &case,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Some(&message),
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
        Ok(Ok(_)) => see_other(&format!("/staff/cases/{case_id}")),
        Ok(Err(CaseError::Store(e))) => PageError(e.into()).into_response(),
        Ok(Err(e)) => {
            render_case(
                &state,
                &staff,
                &case,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&e.to_string()),
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
