//! `/staff`: my tasks (overdue deadlines of the cooperations I work on, fact sheets waiting for my
//! review, register cases due), the cooperations I may change, and my API tokens
//! (`POST /staff/tokens` creates one, working for the days asked, and shows it once;
//! `POST /staff/tokens/{id}/revoke` stops one).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
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
use crate::html::{lang, time, tr, tra};
use crate::{AppState, Snapshot, WebError, i18n, now, today};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff", get(overview))
        .route("/staff/tokens", post(create_token))
        .route("/staff/tokens/{id}/revoke", post(revoke_token))
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
            (super::disputes::table(open_disputes.get(..open_disputes.len().min(TASKS_MAX)).unwrap_or_default()))
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
        (token_table(&staff, &tokens))
        form method="post" action="/staff/tokens" {
            (csrf_field(&staff))
            label for="token-name" { (tr("token-name")) }
            input #token-name type="text" name="name" required;
            label for="token-days" { (tr("token-days")) }
            p.hint #token-days-hint { (tra("token-days-hint", &[("max", &auth::API_TOKEN_DAYS_MAX.to_string())])) }
            input #token-days type="number" name="days" min="1" max=(auth::API_TOKEN_DAYS_MAX)
                value=(auth::API_TOKEN_DAYS_DEFAULT) required aria-describedby="token-days-hint";
            button.secondary type="submit" { (tr("token-create")) }
        }
    };
    page(StatusCode::OK, &staff, &tr("staff-overview"), body)
}

/// The signed-in person's API tokens: what each is for, when it was made, until when it works, and
/// a button to revoke each that still works.
fn token_table(staff: &Staff, tokens: &[samvirke_store::accounts::ApiToken]) -> Markup {
    let now = now();
    html! {
        @if !tokens.is_empty() {
            table {
                caption.visually-hidden { (tr("api-tokens")) }
                thead { tr {
                    th scope="col" { (tr("token-name")) }
                    th scope="col" { (tr("token-made")) }
                    th scope="col" { (tr("token-works-until")) }
                    th scope="col" { (tr("token-state")) }
                } }
                tbody {
                    @for t in tokens {
                        tr {
                            td { (t.name) }
                            td { (i18n::datetime(lang(), t.created_at)) }
                            td { (i18n::datetime(lang(), t.expires_at)) }
                            td {
                                @if t.revoked {
                                    (tr("revoked"))
                                } @else if t.expires_at <= now {
                                    (tr("token-expired"))
                                } @else {
                                    form.inline method="post" action={ "/staff/tokens/" (t.id) "/revoke" } {
                                        (csrf_field(staff))
                                        button.secondary type="submit" aria-label=(tra("token-revoke-named", &[("name", &t.name)])) { (tr("token-revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /staff/tokens/{id}/revoke`: one of the signed-in person's own tokens stops working now.
async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (staff, _) = match staff_form(&state, &headers, "/staff", &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let email = staff.user.email.clone();
    let actor = staff.actor();
    let revoke_id = id.clone();
    let found = state
        .with_store(move |store| {
            let name = store
                .api_tokens(&email)?
                .into_iter()
                .find(|t| t.id == revoke_id && !t.revoked)
                .map(|t| t.name);
            if name.is_some() {
                store.api_token_revoke(&email, &revoke_id, &actor, now())?;
            }
            Ok(name)
        })
        .await;
    match found {
        Ok(Some(name)) => {
            let body = html! {
                h1 { (tr("token-revoked")) }
                (components::confirmation(&tr("token-revoked"), Some(&tra("token-revoked-text", &[("name", &name)]))))
                p { a href="/staff" { (tr("staff-overview")) } }
            };
            page(StatusCode::OK, &staff, &tr("token-revoked"), body)
        }
        Ok(None) => PageError(WebError::NotFound(tr("token-not-found"))).into_response(),
        Err(e) => PageError(e).into_response(),
    }
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
    let days = match form
        .get("days")
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=auth::API_TOKEN_DAYS_MAX).contains(d))
    {
        Some(d) => d,
        None => {
            return PageError(WebError::BadRequest {
                field: "days",
                detail: tra(
                    "token-days-wrong",
                    &[
                        ("value", form.get("days")),
                        ("max", &auth::API_TOKEN_DAYS_MAX.to_string()),
                    ],
                ),
            })
            .into_response();
        }
    };
    let token = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return PageError(WebError::Internal(e)).into_response(),
    };
    let hash = auth::token_hash(&token);
    let email = staff.user.email.clone();
    let stored_name = name.clone();
    let made = now();
    let expires = auth::token_expiry(made, days);
    if let Err(e) = state
        .with_store(move |store| {
            Ok(store.api_token_create(&hash, &email, &stored_name, made, expires)?)
        })
        .await
    {
        return PageError(e).into_response();
    }
    let body = html! {
        h1 { (tr("token-created")) }
        (components::confirmation(&tr("token-created"), Some(&tra("token-created-text", &[("name", &name)]))))
        p { (tra("token-works-until-text", &[("when", &i18n::datetime(lang(), expires))])) }
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
