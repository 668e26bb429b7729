//! `/staff/login` (double-submit CSRF cookie, rate limit per account and per client address, the
//! same answer for a wrong email and a wrong password) and `/staff/logout`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;
use samvirke_core::Timestamp;

use super::{csrf_refused, see_other, staff_of};
use crate::auth;
use crate::html::errors::PageError;
use crate::html::forms::FormData;
use crate::html::same_site_path;
use crate::html::{tr, tra};
use crate::{AppState, WebError, now};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/login", get(login_form).post(login))
        .route("/staff/logout", post(logout))
        .merge(super::oidc::routes())
}

/// Only paths on this site are followed after login.
fn safe_next(next: &str) -> String {
    if same_site_path(next) {
        next.to_string()
    } else {
        "/staff".to_string()
    }
}

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// The login page: the identity provider's button when one is configured, and the password
/// form unless the server has it switched off.
fn login_page(
    state: &AppState,
    status: StatusCode,
    csrf: &str,
    email: &str,
    next: &str,
    message: Option<&str>,
) -> Response {
    let body = html! {
        h1 { (tr("login-title")) }
        @if let Some(message) = message {
            div.error-summary #login-error role="alert" tabindex="-1" autofocus {
                h2 { (tr("error-summary-title")) }
                p { (message) }
            }
        }
        @if let Some(oidc) = &state.oidc {
            p {
                a.button #oidc-login href={ "/staff/login/oidc?next=" (crate::html::encode(next)) } {
                    (tra("login-oidc", &[("provider", oidc.name())]))
                }
            }
            @if state.password_login {
                h2 { (tr("login-oidc-or")) }
            }
        }
        @if state.password_login {
            form method="post" action="/staff/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                label for="email" { (tr("login-email")) }
                input #email name="email" type="email" autocomplete="username" required value=(email);
                label for="password" { (tr("login-password")) }
                input #password name="password" type="password" autocomplete="current-password" required;
                button type="submit" { (tr("login-submit")) }
            }
        }
    };
    super::public_page(status, &tr("login-title"), body)
}

async fn login_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref().unwrap_or("/staff"));
    let csrf = match auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE) {
        Some(c) if c.len() == 64 => c.to_string(),
        _ => match auth::new_token() {
            Ok(t) => t,
            Err(e) => return PageError(WebError::Internal(e)).into_response(),
        },
    };
    let mut response = login_page(&state, StatusCode::OK, &csrf, "", &next, None);
    set_cookie(
        &mut response,
        &format!(
            "{}={csrf}; {}",
            auth::LOGIN_CSRF_COOKIE,
            auth::cookie_attributes(&headers, state.secure_cookies)
        ),
    );
    response
}

pub(super) fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = header::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Checks a login in three steps, so that the slow password check holds no database lock: (1)
/// refuse when the account or the client is over its limit of failures, else count this attempt
/// as failed up front (so that attempts sent in parallel cannot get past the limit while their
/// passwords are checked); (2) check the password (argon2id, or a decoy hash for an unknown or
/// disabled account, which takes as long) under the server's cap on password checks; (3) when it
/// is right, forget the attempt and the account's failures and open a session. `Ok(None)` is a
/// wrong e-mail or password.
async fn check_password(
    state: &Arc<AppState>,
    email: String,
    client: String,
    password: String,
) -> Result<Option<String>, WebError> {
    let now = now();
    let account_subject = format!("email:{email}");
    let client_subject = format!("client:{client}");
    let (account, client) = (account_subject.clone(), client_subject.clone());
    let user = state
        .with_store(move |store| {
            let since =
                Timestamp::from_micros(now.micros() - auth::LOGIN_WINDOW_MINUTES * 60 * 1_000_000);
            let (by_account, oldest_a) = store.login_failures_since(&account, since)?;
            let (by_client, oldest_c) = store.login_failures_since(&client, since)?;
            if by_account >= auth::LOGIN_FAILURES_PER_ACCOUNT_MAX
                || by_client >= auth::LOGIN_FAILURES_PER_CLIENT_MAX
            {
                let oldest = if by_account >= auth::LOGIN_FAILURES_PER_ACCOUNT_MAX {
                    oldest_a
                } else {
                    oldest_c
                };
                return Err(WebError::TooManyRequests {
                    detail: String::new(),
                    retry_after: auth::retry_after_seconds(oldest, now),
                });
            }
            store.login_failure(&[&account, &client], now)?;
            Ok(store
                .user(&email)?
                .filter(|u| !u.disabled)
                .map(|u| (u.email, u.password_hash)))
        })
        .await?;
    let ok = {
        let hash = user
            .as_ref()
            .map_or_else(|| auth::decoy_hash().to_string(), |(_, h)| h.clone());
        state
            .passwords
            .run(move || Ok(auth::verify_password(&hash, &password)))
            .await?
    };
    let Some((email, _)) = user.filter(|_| ok) else {
        return Ok(None);
    };
    state
        .with_store(move |store| {
            store.login_failures_clear(&account_subject)?;
            store.login_attempt_forget(&client_subject, now)?;
            Ok(Some(open_session(store, &email, now)?))
        })
        .await
}

/// Opens a session for the account `email` (signed in by password or by the identity
/// provider): its token, for the cookie.
pub(super) fn open_session(
    store: &mut samvirke_store::Store,
    email: &str,
    now: Timestamp,
) -> Result<String, WebError> {
    let token = auth::new_token().map_err(WebError::Internal)?;
    let session_csrf = auth::new_token().map_err(WebError::Internal)?;
    let expires = Timestamp::from_micros(now.micros() + auth::SESSION_HOURS * 3600 * 1_000_000);
    store.session_create(
        &auth::token_hash(&token),
        email,
        &session_csrf,
        now,
        expires,
    )?;
    Ok(token)
}

/// Sets the session cookie of a new session (and clears the login form's CSRF cookie).
pub(super) fn set_session_cookie(
    response: &mut Response,
    headers: &HeaderMap,
    state: &AppState,
    token: &str,
) {
    let secure = auth::cookie_attributes(headers, state.secure_cookies);
    set_cookie(
        response,
        &format!(
            "{}={token}; {secure}; Max-Age={}",
            auth::SESSION_COOKIE,
            auth::SESSION_HOURS * 3600
        ),
    );
    set_cookie(
        response,
        &format!("{}=; {secure}; Max-Age=0", auth::LOGIN_CSRF_COOKIE),
    );
}

async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    connect: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    body: Bytes,
) -> Response {
    if !state.password_login {
        return password_login_off(&state);
    }
    let form = FormData::parse(&body);
    let next = safe_next(form.get("next"));
    let email = form.get("email").trim().to_lowercase();
    let csrf_cookie = auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE).unwrap_or("");
    if csrf_cookie.is_empty() || !auth::same_secret(csrf_cookie, form.get("csrf")) {
        return csrf_refused();
    }
    let csrf = csrf_cookie.to_string();
    let client = auth::client_address(
        connect.as_ref().map(|c| c.0.0.ip()),
        &headers,
        &state.trusted_proxies,
    )
    .map_or_else(|| "unknown".to_string(), |a| a.to_string());
    let password = form.get("password").to_string();
    let checked = check_password(&state, email, client, password).await;
    let email = form.get("email").trim().to_string();
    match checked {
        Ok(Some(token)) => {
            let mut response = see_other(&next);
            set_session_cookie(&mut response, &headers, &state, &token);
            response
        }
        Ok(None) => login_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &csrf,
            &email,
            &next,
            Some(&tr("login-wrong")),
        ),
        Err(WebError::TooManyRequests { retry_after, .. }) => {
            let minutes = (retry_after + 59) / 60;
            let mut response = login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &csrf,
                &email,
                &next,
                Some(&tra("login-too-many", &[("minutes", &minutes.to_string())])),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            response
        }
        Err(e) => PageError(e).into_response(),
    }
}

async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    let staff = match staff_of(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other("/"),
        Err(e) => return PageError(e).into_response(),
    };
    if !auth::same_secret(&staff.csrf, form.get("csrf")) {
        return csrf_refused();
    }
    let id_token = match staff.session_hash.clone() {
        Some(hash) => match state
            .with_store(move |store| Ok(store.session_delete(&hash)?))
            .await
        {
            Ok(id_token) => id_token,
            Err(e) => return PageError(e).into_response(),
        },
        None => None,
    };
    // A session the identity provider opened ends there too, and the provider sends the
    // browser back to the front page.
    let away = match (&state.oidc, id_token) {
        (Some(oidc), Some(id_token)) => super::oidc::sign_out_at_provider(oidc, id_token).await,
        _ => None,
    };
    let mut response = match away {
        Some(url) => see_other(&url),
        None => see_other("/"),
    };
    set_cookie(
        &mut response,
        &format!(
            "{}=; {}; Max-Age=0",
            auth::SESSION_COOKIE,
            auth::cookie_attributes(&headers, state.secure_cookies)
        ),
    );
    response
}

/// A password login sent to a server that has password logins switched off: 403, and the way in.
fn password_login_off(state: &AppState) -> Response {
    let text = match &state.oidc {
        Some(oidc) => tra("login-password-off", &[("provider", oidc.name())]),
        None => tr("login-password-off-no-provider"),
    };
    super::public_page(
        StatusCode::FORBIDDEN,
        &tr("login-title"),
        html! {
            h1 { (tr("login-title")) }
            (crate::html::components::error_box(&tr("login-title"), &text))
            p { a href="/staff/login" { (tr("oidc-again")) } }
        },
    )
}
