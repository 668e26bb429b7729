//! Staff pages, one module per address:
//!
//! | address | module |
//! |---|---|
//! | `/staff/login`, `/staff/logout` | [`login`] |
//! | `/staff/login/oidc`, `/staff/login/oidc/callback` (sign-in with the identity provider) | [`oidc`] |
//! | `/staff` (my tasks, API tokens), `/staff/tokens` | [`overview`] |
//! | `/staff/cooperations/{id}` | [`hub`] |
//! | `/staff/cooperations/{id}/{form}` (`details`, `take-back`, `main-N`, `sub-N`, `delegation-N`, `…-new`, `move.AREA`, `assess.AREA.PARTY`, `evaluate.PARTY`, `scenario-new`, `scenario.ID`, `project-new`, `project.ID`) | [`forms`] |
//! | `/staff/cooperations/{id}/deadline` | [`marks`] |
//! | `/staff/cooperations/{id}/scenarios`, `…/scenarios/{scenario}` (adopt), `…/scenarios/compare` | [`scenario`] |
//! | `/staff/cooperations/{id}/report/{year}/sheet-{n}` | [`sheets`] |
//! | `/staff/cases`, `/staff/cases/new`, `/staff/cases/{id}` (and `/extend`, `/close`) | [`cases`] |
//! | `/staff/disputes`, `/staff/cooperations/{id}/settlement/{year}/dispute`, `/staff/cooperations/{id}/disputes/{n}` (and `/answer`) | [`disputes`] |
//!
//! Every form carries a CSRF token; a change to a cooperation also carries the journal head it was
//! opened at, and a stale save gets the conflict page.

pub(crate) mod cases;
pub(crate) mod disputes;
mod forms;
mod hub;
mod login;
pub(crate) mod marks;
pub mod oidc;
mod overview;
pub(crate) mod runs;
mod scenario;
pub(crate) mod sheets;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};
use samvirke_store::accounts::Role;

use crate::auth::{self, Staff};
use crate::html::errors::PageError;
use crate::html::forms::FormData;
use crate::html::layout;
use crate::html::{components, tr};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    login::routes()
        .merge(overview::routes())
        .merge(hub::routes())
        .merge(marks::routes())
        .merge(sheets::routes())
        .merge(cases::routes())
        .merge(disputes::routes())
        .merge(runs::routes())
        .merge(forms::routes())
        .merge(scenario::routes())
}

/// The signed-in staff member of a request: a session cookie, or an API token.
pub(crate) async fn staff_of(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> Result<Option<Staff>, WebError> {
    if let Some(token) = auth::bearer(headers) {
        let hash = auth::token_hash(token);
        return state
            .with_store(move |store| {
                Ok(store
                    .api_token_user(&hash, crate::now())?
                    .map(|user| Staff {
                        user,
                        csrf: String::new(),
                        session_hash: None,
                    }))
            })
            .await;
    }
    let Some(token) = auth::cookie(headers, auth::SESSION_COOKIE).map(str::to_string) else {
        return Ok(None);
    };
    let hash = auth::token_hash(&token);
    state
        .with_store(move |store| {
            let idle = std::time::Duration::from_secs(auth::SESSION_IDLE_MINUTES * 60);
            let Some(session) = store.session(&hash, crate::now(), idle)? else {
                return Ok(None);
            };
            Ok(store.user(&session.email)?.map(|user| Staff {
                user,
                csrf: session.csrf,
                session_hash: Some(hash),
            }))
        })
        .await
}

/// A redirect after a POST.
pub(crate) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// A staff page with its status.
pub(crate) fn page(status: StatusCode, staff: &Staff, title: &str, body: Markup) -> Response {
    (
        status,
        Html(layout::staff_page(staff, title, body).into_string()),
    )
        .into_response()
}

/// A page for someone who is not signed in (the login page, a refused form).
pub(crate) fn public_page(status: StatusCode, title: &str, body: Markup) -> Response {
    (status, Html(layout::page(title, body).into_string())).into_response()
}

/// The page of a form sent without its CSRF token, or an expired one: 403, nothing saved.
pub(crate) fn csrf_refused() -> Response {
    public_page(
        StatusCode::FORBIDDEN,
        &tr("csrf-title"),
        html! {
            h1 { (tr("csrf-title")) }
            (components::error_box(&tr("csrf-title"), &tr("csrf-text")))
        },
    )
}

/// The staff member, or the response that sends the browser to the login page.
pub(crate) async fn require_staff(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    path: &str,
) -> Result<Staff, Response> {
    match staff_of(state, headers).await {
        Ok(Some(staff)) => Ok(staff),
        Ok(None) => Err(see_other(&format!(
            "/staff/login?next={}",
            crate::html::encode(path)
        ))),
        Err(e) => Err(PageError(e).into_response()),
    }
}

/// The signed-in staff member of a page; a stranger is sent to the login page and back to the
/// page afterwards.
pub(crate) struct SignedIn(pub(crate) Staff);

impl axum::extract::FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<SignedIn, Response> {
        let path = parts.uri.path().to_string();
        require_staff(state, &parts.headers, &path)
            .await
            .map(SignedIn)
    }
}

/// The staff member and the form of a POST to `path`, or the response that refuses it: the login
/// page for a stranger, 403 for a form without its CSRF token.
pub(crate) async fn staff_form(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
) -> Result<(Staff, FormData), Response> {
    let staff = require_staff(state, headers, path).await?;
    let data = FormData::parse(body);
    if staff.csrf.is_empty() || !auth::same_secret(&staff.csrf, data.get("csrf")) {
        return Err(csrf_refused());
    }
    Ok((staff, data))
}

/// The hidden CSRF field of a staff form.
pub(crate) fn csrf_field(staff: &Staff) -> Markup {
    html! { input type="hidden" name="csrf" value=(staff.csrf); }
}

/// Whether the account is an admin or the secretariat of `doc` (its id in the scope).
pub(crate) fn admin_or_secretariat(
    staff: &Staff,
    doc: &samvirke_core::model::CooperationDoc,
) -> bool {
    staff.user.role == Role::Admin
        || staff
            .user
            .scopes
            .iter()
            .any(|s| s == doc.cooperation.id.as_str())
}

/// Whether the account speaks for `doc`: an admin, the cooperation's secretariat (its id in the
/// scope), or the staff of one of its municipalities.
pub(crate) fn speaks_for_cooperation(
    staff: &Staff,
    doc: &samvirke_core::model::CooperationDoc,
) -> bool {
    admin_or_secretariat(staff, doc)
        || staff.municipalities().iter().any(|m| {
            doc.cooperation
                .parties
                .iter()
                .any(|p| p.id == samvirke_core::PartyId::Municipality(*m))
        })
}

/// Whether the account may only read.
pub(crate) fn read_only(staff: &Staff) -> bool {
    staff.user.role == Role::Viewer
}
