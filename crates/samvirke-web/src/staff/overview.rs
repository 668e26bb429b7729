//! `/staff`: my tasks (overdue deadlines of the cooperations I work on, fact sheets waiting for my
//! review, register cases due), the cooperations I may change, and my API tokens
//! (`POST /staff/tokens` creates one and shows it once).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use samvirke_core::deadlines::{Filter, Status};
use samvirke_core::report::SheetState;

use super::{SignedIn, csrf_field, page, read_only, sheets, staff_form};
use crate::auth::{self, Staff};
use crate::html::components::{self, cooperation_link};
use crate::html::errors::PageError;
use crate::html::{time, tr, tra};
use crate::{AppState, Snapshot, WebError, now, today};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff", get(overview))
        .route("/staff/tokens", post(create_token))
}

/// How far ahead "my tasks" lists register cases that fall due, in days.
const CASES_DUE_DAYS: i32 = 14;
/// How many tasks of each kind the overview lists (the full lists are a link away).
const TASKS_MAX: usize = 20;

/// The overdue deadlines of the cooperations the account may change, oldest first.
fn overdue_deadlines(snapshot: &Snapshot, staff: &Staff) -> Result<Markup, WebError> {
    let registry = &snapshot.registry;
    let mut items = Vec::new();
    for doc in registry.cooperations().iter().filter(|d| staff.can_edit(d)) {
        let filter = Filter {
            municipality: None,
            cooperation: Some(doc.cooperation.id.clone()),
        };
        let list = registry
            .deadlines_page(&filter, today(), 0)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        for d in list.into_iter().filter(|d| d.status == Status::Overdue) {
            items.push((d.due, doc, d));
        }
    }
    items.sort_by_key(|(due, _, _)| *due);
    Ok(html! {
        h3 { (tr("tasks-deadlines")) }
        @if items.is_empty() {
            p { (tr("tasks-none")) }
        } @else {
            ul {
                @for (due, doc, d) in items.iter().take(TASKS_MAX) {
                    li {
                        (time(*due)) ": "
                        (components::in_language(&d.title, doc.cooperation.language)) " – "
                        a href={ "/staff/cooperations/" (doc.cooperation.id) "#deadlines" } { (doc.cooperation.name) }
                    }
                }
            }
        }
    })
}

/// Last year's fact sheets that are submitted and wait for this account's review.
fn sheets_to_review(snapshot: &Snapshot, staff: &Staff) -> Markup {
    let registry = &snapshot.registry;
    let year = today().ymd().0 - 1;
    let mut items = Vec::new();
    for doc in registry.cooperations() {
        let Some(report) = registry.annual_report(&doc.cooperation.id, year) else {
            continue;
        };
        for part in &report.parts {
            let submitted = part.sheet.is_some_and(|s| s.state == SheetState::Submitted);
            if submitted && sheets::roles(staff, part).1 {
                items.push((
                    doc,
                    part.sub_agreement.number,
                    part.sub_agreement.title.clone(),
                ));
            }
        }
    }
    html! {
        h3 { (tr("tasks-sheets")) }
        @if items.is_empty() {
            p { (tr("tasks-none")) }
        } @else {
            ul {
                @for (doc, number, title) in &items {
                    li {
                        a href={ "/staff/cooperations/" (doc.cooperation.id) "/report/" (year) "/sheet-" (number) } {
                            (samvirke_report::annual::sheet_heading(crate::html::lang(), *number, title))
                        }
                        " – " (cooperation_link(doc))
                    }
                }
            }
        }
    }
}

/// `GET /staff`.
async fn overview(State(state): State<Arc<AppState>>, SignedIn(staff): SignedIn) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let email = staff.user.email.clone();
    let tokens = match state
        .with_store(move |store| Ok(store.api_tokens(&email)?))
        .await
    {
        Ok(t) => t,
        Err(e) => return PageError(e).into_response(),
    };
    let cases = match crate::register::visible_cases(&state, &staff).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let deadlines = match overdue_deadlines(&snapshot, &staff) {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let soon =
        samvirke_core::Date::from_days_since_epoch(today().days_since_epoch() + CASES_DUE_DAYS);
    let language = crate::html::lang().language();
    let due_cases: Vec<_> = cases
        .iter()
        .filter(|c| c.closed_on.is_none())
        .filter_map(|c| c.dues(language).first().map(|d| (d.due, c)))
        .filter(|(due, _)| *due <= soon)
        .collect();
    let open_disputes: Vec<_> = super::disputes::visible(&snapshot.registry, &staff)
        .into_iter()
        .filter(|(_, d)| d.is_open())
        .collect();
    let body = html! {
        h1 { (tr("staff-overview")) }
        p { (tra("signed-in-as", &[("email", &staff.user.email), ("role", &tr(&format!("role-account-{}", staff.user.role.as_str())))])) }
        h2 { (tr("tasks-title")) }
        (deadlines)
        (sheets_to_review(&snapshot, &staff))
        h3 { (tr("tasks-cases")) }
        @if due_cases.is_empty() {
            p { (tr("tasks-none")) }
        } @else {
            ul {
                @for (due, c) in due_cases.iter().take(TASKS_MAX) {
                    li {
                        (time(*due)) ": "
                        a href={ "/staff/cases/" (c.id) } { (tra("case-title", &[("id", &c.id.to_string())])) }
                        " – " (tr(&format!("kind-{}", c.case.kind.as_str())))
                        @if c.is_overdue(today()) { " " span.tag.overdue { (tr("cases-overdue")) } }
                    }
                }
            }
        }
        p { a href="/staff/cases" { (tr("cases-all")) } }
        h3 { (tr("tasks-disputes")) }
        @if open_disputes.is_empty() {
            p { (tr("tasks-none")) }
        } @else {
            (super::disputes::table(&open_disputes[..open_disputes.len().min(TASKS_MAX)]))
        }
        p { a href="/staff/disputes" { (tr("disputes-all")) } }
        h2 { (tr("cooperations")) }
        ul {
            @for doc in snapshot.registry.cooperations() {
                li {
                    (doc.cooperation.name) " – "
                    @if staff.can_edit(doc) {
                        a href={ "/staff/cooperations/" (doc.cooperation.id) } { (tr("edit")) }
                    } @else {
                        a href={ "/cooperations/" (doc.cooperation.id) "/history" } { (tr("view-history")) }
                    }
                }
            }
        }
        @if !read_only(&staff) {
            p { a.button.secondary href="/staff/cooperations/new/details" { (tr("new-cooperation")) } }
        }
        h2 { (tr("api-tokens")) }
        p { (tr("api-tokens-text")) }
        @if !tokens.is_empty() {
            ul {
                @for t in &tokens {
                    li {
                        (t.name)
                        @if t.revoked { " – " (tr("revoked")) }
                    }
                }
            }
        }
        form method="post" action="/staff/tokens" {
            (csrf_field(&staff))
            label for="token-name" { (tr("token-name")) }
            input #token-name type="text" name="name" required;
            button.secondary type="submit" { (tr("token-create")) }
        }
    };
    page(StatusCode::OK, &staff, &tr("staff-overview"), body)
}

/// `POST /staff/tokens`: a new API token, shown once.
async fn create_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (staff, form) = match staff_form(&state, &headers, "/staff", &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let name = form.get("name").trim().to_string();
    if name.is_empty() {
        return PageError(WebError::BadRequest {
            field: "name",
            detail: tra("required-field", &[("label", &tr("token-name"))]),
        })
        .into_response();
    }
    let token = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return PageError(WebError::Internal(e)).into_response(),
    };
    let hash = auth::token_hash(&token);
    let email = staff.user.email.clone();
    let stored_name = name.clone();
    if let Err(e) = state
        .with_store(move |store| Ok(store.api_token_create(&hash, &email, &stored_name, now())?))
        .await
    {
        return PageError(e).into_response();
    }
    let body = html! {
        h1 { (tr("token-created")) }
        (components::confirmation(&tr("token-created"), Some(&tra("token-created-text", &[("name", &name)]))))
        p { code #token { (token) } }
        p { a href="/staff" { (tr("staff-overview")) } }
    };
    let mut response = page(StatusCode::OK, &staff, &tr("token-created"), body);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}
