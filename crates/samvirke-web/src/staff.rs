//! Staff pages: login and logout, the editor's overview, and the forms that change a cooperation
//! (its details, main-agreement versions, sub-agreements, delegations and take-backs), each saved
//! as journal events with a required reason through [`crate::edit::save`]. Every form carries a
//! CSRF token and the journal head it was opened at; a stale save gets the conflict page.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use samvirke_core::model::{
    CooperationDoc, CooperationStatus, Delegation, Language, LegalForm, MainAgreementVersion,
    Party, Revision, SubAgreement, TakeBack,
};
use samvirke_core::{
    CooperationId, Country, Date, Interval, MunicipalityId, PartyId, ServiceId, Timestamp,
};

use crate::auth::{self, Staff};
use crate::edit::{self, Outcome};
pub(crate) use crate::html::forms::{Field, FormData, Input, field};
pub(crate) use crate::legacy::render_field;
use crate::legacy::{PageError, day, escape, layout, party_name, tr, tra};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/login", get(login_form).post(login))
        .route("/staff/logout", post(logout))
        .route("/staff", get(overview))
        .route("/staff/tokens", post(create_token))
        .route("/staff/cooperations/{id}", get(cooperation_hub))
        .route(
            "/staff/cooperations/{id}/{form}",
            get(edit_form).post(edit_save),
        )
}

pub(crate) use crate::now;

/// The signed-in staff member of a request: a session cookie, or an API token.
pub(crate) async fn staff_of(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> Result<Option<Staff>, WebError> {
    if let Some(token) = auth::bearer(headers) {
        let hash = auth::token_hash(token);
        return state
            .with_store(move |store| {
                Ok(store.api_token_user(&hash)?.map(|user| Staff {
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
            let Some(session) = store.session(&hash, now())? else {
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

pub(crate) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    (status, Html(staff_layout(title, body))).into_response()
}

/// The public layout with the staff bar on top of the content.
fn staff_layout(title: &str, body: &str) -> String {
    layout(
        title,
        &format!(
            "<p class=\"staffbar\"><a href=\"/staff\">{}</a></p>\n{body}",
            tr("staff-overview")
        ),
    )
}

/// Only paths on this site are followed after login.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/staff".to_string()
    }
}

// ---- Login and logout ----

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

fn login_page(
    status: StatusCode,
    csrf: &str,
    email: &str,
    next: &str,
    message: Option<&str>,
) -> Response {
    let mut b = format!("<h1>{}</h1>\n", tr("login-title"));
    if let Some(message) = message {
        let _ = writeln!(
            b,
            "<div class=\"error\" role=\"alert\" id=\"login-error\"><p>{}</p></div>",
            escape(message)
        );
    }
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/staff/login\">\n<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n<input type=\"hidden\" name=\"next\" value=\"{}\">\n<label for=\"email\">{}</label>\n<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{}\">\n<label for=\"password\">{}</label>\n<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n<button type=\"submit\">{}</button>\n</form>\n",
        escape(csrf),
        escape(next),
        tr("login-email"),
        escape(email),
        tr("login-password"),
        tr("login-submit")
    );
    (status, Html(layout(&tr("login-title"), &b))).into_response()
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
    let mut response = login_page(StatusCode::OK, &csrf, "", &next, None);
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

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = header::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn client_address(connect: Option<&ConnectInfo<SocketAddr>>) -> String {
    connect.map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}

async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    connect: Option<axum::extract::Extension<ConnectInfo<SocketAddr>>>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let next = safe_next(form.get("next"));
    let email = form.get("email").trim().to_lowercase();
    let csrf_cookie = auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE).unwrap_or("");
    if csrf_cookie.is_empty() || !auth::same_secret(csrf_cookie, form.get("csrf")) {
        return csrf_refused();
    }
    let csrf = csrf_cookie.to_string();
    let client = client_address(connect.as_ref().map(|c| &c.0));
    let password = form.get("password").to_string();
    let secure = auth::cookie_attributes(&headers, state.secure_cookies);
    let account_subject = format!("email:{email}");
    let client_subject = format!("client:{client}");
    let checked = state
        .with_store(move |store| {
            let now = now();
            let since =
                Timestamp::from_micros(now.micros() - auth::LOGIN_WINDOW_MINUTES * 60 * 1_000_000);
            let (by_account, oldest_a) = store.login_failures_since(&account_subject, since)?;
            let (by_client, oldest_c) = store.login_failures_since(&client_subject, since)?;
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
            let user = store.user(&email)?.filter(|u| !u.disabled);
            let hash = user
                .as_ref()
                .map_or(auth::decoy_hash(), |u| u.password_hash.as_str());
            let ok = auth::verify_password(hash, &password) && user.is_some();
            if !ok {
                store.login_failure(&[&account_subject, &client_subject], now)?;
                return Ok(None);
            }
            store.login_failures_clear(&account_subject)?;
            let token = auth::new_token().map_err(WebError::Internal)?;
            let session_csrf = auth::new_token().map_err(WebError::Internal)?;
            let expires =
                Timestamp::from_micros(now.micros() + auth::SESSION_HOURS * 3600 * 1_000_000);
            store.session_create(
                &auth::token_hash(&token),
                &email,
                &session_csrf,
                now,
                expires,
            )?;
            Ok(Some(token))
        })
        .await;
    let email = form.get("email").trim().to_string();
    match checked {
        Ok(Some(token)) => {
            let mut response = see_other(&next);
            set_cookie(
                &mut response,
                &format!(
                    "{}={token}; {secure}; Max-Age={}",
                    auth::SESSION_COOKIE,
                    auth::SESSION_HOURS * 3600
                ),
            );
            set_cookie(
                &mut response,
                &format!("{}=; {secure}; Max-Age=0", auth::LOGIN_CSRF_COOKIE),
            );
            response
        }
        Ok(None) => login_page(
            StatusCode::UNAUTHORIZED,
            &csrf,
            &email,
            &next,
            Some(&tr("login-wrong")),
        ),
        Err(WebError::TooManyRequests { retry_after, .. }) => {
            let minutes = (retry_after + 59) / 60;
            let mut response = login_page(
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

pub(crate) fn csrf_refused() -> Response {
    page(
        StatusCode::FORBIDDEN,
        &tr("csrf-title"),
        &format!(
            "<h1>{}</h1>\n<div class=\"error\" role=\"alert\"><p>{}</p></div>",
            tr("csrf-title"),
            tr("csrf-text")
        ),
    )
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
    if let Some(hash) = staff.session_hash.clone()
        && let Err(e) = state
            .with_store(move |store| Ok(store.session_delete(&hash)?))
            .await
    {
        return PageError(e).into_response();
    }
    let mut response = see_other("/");
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
            crate::legacy::encode(path)
        ))),
        Err(e) => Err(PageError(e).into_response()),
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
    if !auth::same_secret(&staff.csrf, data.get("csrf")) {
        return Err(csrf_refused());
    }
    Ok((staff, data))
}

fn logout_form(staff: &Staff) -> String {
    format!(
        "<form method=\"post\" action=\"/staff/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">{}</button></form>",
        escape(&staff.csrf),
        tr("logout")
    )
}

// ---- Overview ----

async fn overview(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let staff = match require_staff(&state, &headers, "/staff").await {
        Ok(s) => s,
        Err(r) => return r,
    };
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
    let mut b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n{}\n",
        tr("staff-overview"),
        tra(
            "signed-in-as",
            &[
                ("email", &escape(&staff.user.email)),
                ("role", staff.user.role.as_str())
            ]
        ),
        logout_form(&staff)
    );
    let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("cooperations"));
    for doc in snapshot.registry.cooperations() {
        let c = &doc.cooperation;
        let what = if staff.can_edit(doc) {
            tr("edit")
        } else {
            tr("view-history")
        };
        let link = if staff.can_edit(doc) {
            format!("/staff/cooperations/{}", c.id)
        } else {
            format!("/cooperations/{}/history", c.id)
        };
        let _ = writeln!(
            b,
            "<li>{} – <a href=\"{link}\">{what}</a></li>",
            escape(&c.name)
        );
    }
    b.push_str("</ul>\n");
    if staff.user.role != samvirke_store::accounts::Role::Viewer {
        let _ = writeln!(
            b,
            "<p><a href=\"/staff/cooperations/new/details\">{}</a></p>",
            tr("new-cooperation")
        );
    }
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<p><a href=\"/staff/cases\">{}</a></p>",
        tr("cases-title"),
        tr("cases-title")
    );
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<p>{}</p>",
        tr("api-tokens"),
        tr("api-tokens-text")
    );
    if !tokens.is_empty() {
        b.push_str("<ul>\n");
        for t in &tokens {
            let _ = writeln!(
                b,
                "<li>{} ({}){}</li>",
                escape(&t.name),
                escape(&t.id),
                if t.revoked {
                    format!(" – {}", tr("revoked"))
                } else {
                    String::new()
                }
            );
        }
        b.push_str("</ul>\n");
    }
    let _ = writeln!(
        b,
        "<form method=\"post\" action=\"/staff/tokens\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><label for=\"token-name\">{}</label><input id=\"token-name\" name=\"name\" required><button type=\"submit\">{}</button></form>",
        escape(&staff.csrf),
        tr("token-name"),
        tr("token-create")
    );
    page(StatusCode::OK, &tr("staff-overview"), &b)
}

async fn create_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let staff = match require_staff(&state, &headers, "/staff").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    if !auth::same_secret(&staff.csrf, form.get("csrf")) {
        return csrf_refused();
    }
    let name = form.get("name").trim().to_string();
    if name.is_empty() {
        return PageError(WebError::BadRequest {
            field: "name",
            detail: "name: missing; name the token after where it is used".to_string(),
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
    let b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n<p><code id=\"token\">{token}</code></p>\n<p><a href=\"/staff\">{}</a></p>",
        tr("token-created"),
        tra("token-created-text", &[("name", &escape(&name))]),
        tr("staff-overview")
    );
    let mut response = page(StatusCode::OK, &tr("token-created"), &b);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

// ---- The editor's page for one cooperation ----

async fn cooperation_hub(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/staff/cooperations/{id}");
    let staff = match require_staff(&state, &headers, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Some(doc) = CooperationId::parse(&id)
        .ok()
        .and_then(|id| snapshot.registry.cooperation(&id))
    else {
        return crate::legacy::not_found_page();
    };
    if !staff.can_edit(doc) {
        return PageError(WebError::Forbidden(tra("may-not-edit", &[("id", &id)]))).into_response();
    }
    let c = &doc.cooperation;
    let mut b = format!(
        "<h1>{}</h1>\n<p><a href=\"/cooperations/{id}\">{}</a> · <a href=\"/cooperations/{id}/history\">{}</a></p>\n<ul class=\"actions\">\n<li><a href=\"{path}/take-back\">{}</a></li>\n<li><a href=\"{path}/details\">{}</a></li>\n<li><a href=\"{path}/main-new\">{}</a></li>\n<li><a href=\"{path}/sub-new\">{}</a></li>\n<li><a href=\"{path}/delegation-new\">{}</a></li>\n</ul>\n",
        escape(&c.name),
        tr("public-page"),
        tr("history"),
        tr("form-take-back"),
        tr("form-details"),
        tr("form-main-new"),
        tr("form-sub-new"),
        tr("form-delegation-new"),
    );
    let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("main-agreement"));
    for v in &doc.main_agreement {
        let _ = writeln!(
            b,
            "<li><a href=\"{path}/main-{}\">{}</a></li>",
            v.number,
            tra("main-version", &[("number", &v.number.to_string())])
        );
    }
    let _ = writeln!(b, "</ul>\n<h2>{}</h2>\n<ul>", tr("sub-agreements"));
    for s in &doc.sub_agreements {
        let _ = writeln!(
            b,
            "<li><a href=\"{path}/sub-{}\">{} {}</a></li>",
            s.number,
            s.number,
            escape(&s.title)
        );
    }
    let _ = writeln!(b, "</ul>\n<h2>{}</h2>\n<ul>", tr("delegations"));
    for (i, d) in doc.delegations.iter().enumerate() {
        let _ = writeln!(
            b,
            "<li><a href=\"{path}/delegation-{i}\">{} – {} ({})</a></li>",
            escape(&d.service.to_string()),
            escape(&party_name(doc, &d.performer)),
            d.valid
        );
    }
    b.push_str("</ul>\n");
    crate::marks::push_forms(&mut b, &snapshot.registry, doc, &staff);
    crate::report::push_sheet_links(&mut b, &snapshot.registry, &c.id);
    page(StatusCode::OK, &c.name, &b)
}

// ---- Forms ----

/// Which form: the part of the address after the cooperation.
#[derive(Clone, Debug, PartialEq)]
enum Form {
    Details,
    TakeBack,
    Main(Option<u32>),
    Sub(Option<u32>),
    Delegation(Option<usize>),
}

impl Form {
    fn parse(text: &str) -> Option<Form> {
        match text {
            "details" => Some(Form::Details),
            "take-back" => Some(Form::TakeBack),
            "main-new" => Some(Form::Main(None)),
            "sub-new" => Some(Form::Sub(None)),
            "delegation-new" => Some(Form::Delegation(None)),
            _ => {
                if let Some(n) = text.strip_prefix("main-") {
                    n.parse().ok().map(|n| Form::Main(Some(n)))
                } else if let Some(n) = text.strip_prefix("sub-") {
                    n.parse().ok().map(|n| Form::Sub(Some(n)))
                } else if let Some(n) = text.strip_prefix("delegation-") {
                    n.parse().ok().map(|n| Form::Delegation(Some(n)))
                } else {
                    None
                }
            }
        }
    }

    fn title(&self) -> String {
        match self {
            Form::Details => tr("form-details"),
            Form::TakeBack => tr("form-take-back"),
            Form::Main(None) => tr("form-main-new"),
            Form::Main(Some(n)) => tra("main-version", &[("number", &n.to_string())]),
            Form::Sub(None) => tr("form-sub-new"),
            Form::Sub(Some(n)) => tra("form-sub", &[("number", &n.to_string())]),
            Form::Delegation(None) => tr("form-delegation-new"),
            Form::Delegation(Some(_)) => tr("form-delegation"),
        }
    }
}

fn party_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    doc.map(|d| {
        d.cooperation
            .parties
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    format!("{} ({})", party_name(d, &p.id), p.id),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

fn service_options(doc: Option<&CooperationDoc>, lang: Language) -> Vec<(String, String)> {
    doc.map(|d| {
        d.services
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    format!("{} ({})", s.names.get(lang), s.id),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

fn sub_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    doc.map(|d| {
        d.sub_agreements
            .iter()
            .map(|s| (s.number.to_string(), format!("{} {}", s.number, s.title)))
            .collect()
    })
    .unwrap_or_default()
}

pub(crate) fn page_language() -> Language {
    crate::legacy::ctx().lang.language()
}

fn fields(form: &Form, doc: Option<&CooperationDoc>) -> Vec<Field> {
    let lang = page_language();
    match form {
        Form::Details => {
            let mut out = Vec::new();
            if doc.is_none() {
                out.push(Field {
                    hint: Some(tr("hint-id")),
                    ..field("id", "field-id", Input::Text, true)
                });
                out.push(field(
                    "country",
                    "country",
                    Input::Select(
                        Country::ALL
                            .iter()
                            .map(|c| (c.code().to_string(), c.code().to_string()))
                            .collect(),
                    ),
                    true,
                ));
                out.push(field(
                    "legal_form",
                    "legal-form",
                    Input::Select(
                        LegalForm::ALL
                            .iter()
                            .map(|f| (f.as_str().to_string(), f.as_str().to_string()))
                            .collect(),
                    ),
                    true,
                ));
                out.push(field(
                    "language",
                    "field-language",
                    Input::Select(
                        Language::ALL
                            .iter()
                            .map(|l| (l.as_str().to_string(), l.as_str().to_string()))
                            .collect(),
                    ),
                    true,
                ));
                out.push(Field {
                    hint: Some(tr("hint-parties")),
                    ..field("parties", "parties", Input::Text, true)
                });
            }
            out.push(field("name", "field-name", Input::Text, true));
            out.push(field(
                "status",
                "col-status",
                Input::Select(
                    CooperationStatus::ALL
                        .iter()
                        .map(|s| (s.as_str().to_string(), s.as_str().to_string()))
                        .collect(),
                ),
                true,
            ));
            out.push(field("purpose", "field-purpose", Input::Area, false));
            out.push(field("from", "field-from", Input::Date, false));
            out.push(Field {
                hint: Some(tr("hint-to")),
                ..field("to", "field-to", Input::Date, false)
            });
            out
        }
        Form::TakeBack => vec![
            field(
                "by",
                "field-by",
                Input::Select(
                    party_options(doc)
                        .into_iter()
                        .filter(|(id, _)| id.contains('-') && id.len() == 7)
                        .collect(),
                ),
                true,
            ),
            field(
                "from_party",
                "field-from-party",
                Input::Select(party_options(doc)),
                true,
            ),
            Field {
                hint: Some(tr("hint-effective")),
                ..field("effective", "field-effective", Input::Date, true)
            },
            field(
                "services",
                "col-services",
                Input::Checks(service_options(doc, lang)),
                true,
            ),
            field(
                "ended",
                "field-subs-ended",
                Input::Checks(sub_options(doc)),
                false,
            ),
            field(
                "revised",
                "field-subs-revised",
                Input::Checks(sub_options(doc)),
                false,
            ),
            field("summary", "field-summary", Input::Area, true),
        ],
        Form::Main(_) => vec![
            field("number", "col-number", Input::Number, true),
            field("title", "col-title", Input::Text, false),
            field("effective", "field-effective", Input::Date, false),
            field("summary", "field-summary", Input::Area, true),
        ],
        Form::Sub(_) => vec![
            field("number", "col-number", Input::Number, true),
            field("title", "col-title", Input::Text, true),
            field(
                "services",
                "col-services",
                Input::Checks(service_options(doc, lang)),
                true,
            ),
            field("from", "field-from", Input::Date, true),
            Field {
                hint: Some(tr("hint-to")),
                ..field("to", "field-to", Input::Date, false)
            },
            field("note", "field-note", Input::Area, false),
        ],
        Form::Delegation(_) => vec![
            field(
                "service",
                "field-service",
                Input::Select(service_options(doc, lang)),
                true,
            ),
            field(
                "performer",
                "field-performer",
                Input::Select(party_options(doc)),
                true,
            ),
            Field {
                hint: Some(tr("hint-for")),
                ..field("for", "field-for", Input::Text, true)
            },
            field("from", "field-from", Input::Date, true),
            Field {
                hint: Some(tr("hint-to")),
                ..field("to", "field-to", Input::Date, false)
            },
            field(
                "sub_agreement",
                "field-sub-agreement",
                Input::Select(sub_options(doc)),
                false,
            ),
            field("clause", "field-clause", Input::Text, false),
            field(
                "complaints_to",
                "field-complaints-to",
                Input::Select(party_options(doc)),
                false,
            ),
            field(
                "access_requests_to",
                "field-access-to",
                Input::Select(party_options(doc)),
                false,
            ),
        ],
    }
}

fn opt_date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The form's values for the current state of the object (what the form shows when opened).
fn initial(form: &Form, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
    let mut data = FormData::default();
    let missing = |what: String| WebError::NotFound(what);
    match form {
        Form::Details => {
            if let Some(d) = doc {
                let c = &d.cooperation;
                data.set("name", c.name.clone());
                data.set("status", c.status.as_str());
                data.set("purpose", c.purpose.clone().unwrap_or_default());
                data.set("from", opt_date(c.valid.map(|v| v.from())));
                data.set("to", opt_date(c.valid.and_then(|v| v.to())));
            } else {
                data.set(
                    "status",
                    CooperationStatus::ALL.first().map_or("", |s| s.as_str()),
                );
            }
        }
        Form::TakeBack => {}
        Form::Main(None) => {
            let next = doc.map_or(1, |d| {
                d.main_agreement.iter().map(|v| v.number).max().unwrap_or(0) + 1
            });
            data.set("number", next.to_string());
        }
        Form::Main(Some(n)) => {
            let v = doc
                .and_then(|d| d.main_agreement.iter().find(|v| v.number == *n))
                .ok_or_else(|| missing(tra("no-main-version", &[("number", &n.to_string())])))?;
            data.set("number", v.number.to_string());
            data.set("title", v.title.clone().unwrap_or_default());
            data.set("effective", opt_date(v.effective));
            data.set("summary", v.summary.clone());
        }
        Form::Sub(None) => {
            let next = doc.map_or(1, |d| {
                d.sub_agreements.iter().map(|s| s.number).max().unwrap_or(0) + 1
            });
            data.set("number", next.to_string());
        }
        Form::Sub(Some(n)) => {
            let s = doc
                .and_then(|d| d.sub_agreements.iter().find(|s| s.number == *n))
                .ok_or_else(|| missing(tra("no-sub", &[("number", &n.to_string())])))?;
            data.set("number", s.number.to_string());
            data.set("title", s.title.clone());
            for service in &s.services {
                data.push("services", service.to_string());
            }
            data.set("from", s.valid.from().to_string());
            data.set("to", opt_date(s.valid.to()));
            data.set("note", s.note.clone().unwrap_or_default());
        }
        Form::Delegation(None) => {}
        Form::Delegation(Some(i)) => {
            let d = doc
                .and_then(|d| d.delegations.get(*i))
                .ok_or_else(|| missing(tr("no-delegation")))?;
            data.set("service", d.service.to_string());
            data.set("performer", d.performer.to_string());
            data.set(
                "for",
                d.for_municipalities
                    .iter()
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            data.set("from", d.valid.from().to_string());
            data.set("to", opt_date(d.valid.to()));
            data.set(
                "sub_agreement",
                d.sub_agreement.map(|n| n.to_string()).unwrap_or_default(),
            );
            data.set("clause", d.clause.clone().unwrap_or_default());
            data.set(
                "complaints_to",
                d.complaints_to
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            );
            data.set(
                "access_requests_to",
                d.access_requests_to
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            );
        }
    }
    Ok(data)
}

/// Collects the field errors of one form submission.
#[derive(Default)]
struct Problems(Vec<(String, String)>);

impl Problems {
    fn add(&mut self, field: &str, message: String) {
        self.0.push((field.to_string(), message));
    }

    fn required<'d>(&mut self, data: &'d FormData, field: &str) -> &'d str {
        let v = data.get(field).trim();
        if v.is_empty() {
            self.add(field, tr("required"));
        }
        v
    }

    /// A field read with `parse`: `None` when empty (a problem if `required`) or malformed.
    fn parsed<T, E: std::fmt::Display>(
        &mut self,
        data: &FormData,
        field: &str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = data.get(field).trim();
        if v.is_empty() {
            if required {
                self.add(field, tr("required"));
            }
            return None;
        }
        parse(v).map_err(|e| self.add(field, e.to_string())).ok()
    }

    fn date(&mut self, data: &FormData, field: &str, required: bool) -> Option<Date> {
        self.parsed(data, field, required, Date::parse)
    }

    fn number(&mut self, data: &FormData, field: &str) -> Option<u32> {
        let v = self.required(data, field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<u32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.add(field, tr("bad-number"));
                None
            }
        }
    }

    fn party(&mut self, data: &FormData, field: &str, required: bool) -> Option<PartyId> {
        self.parsed(data, field, required, PartyId::parse)
    }

    fn interval(&mut self, from: Option<Date>, to: Option<Date>) -> Option<Interval> {
        let from = from?;
        match Interval::new(from, to) {
            Ok(i) => Some(i),
            Err(e) => {
                self.add("to", e.to_string());
                None
            }
        }
    }

    fn municipalities(&mut self, data: &FormData, field: &str) -> Vec<MunicipalityId> {
        let mut out = Vec::new();
        for part in data
            .get(field)
            .split([',', ' ', ';'])
            .filter(|p| !p.trim().is_empty())
        {
            match MunicipalityId::parse(part.trim(), None) {
                Ok(m) => out.push(m),
                Err(e) => self.add(field, format!("{part}: {e}")),
            }
        }
        if out.is_empty() && !self.0.iter().any(|(k, _)| k == field) {
            self.add(field, tr("required"));
        }
        out
    }

    fn services(&mut self, data: &FormData, field: &str) -> Vec<ServiceId> {
        let mut out = Vec::new();
        for v in data.all(field) {
            match ServiceId::parse(v) {
                Ok(s) => out.push(s),
                Err(e) => self.add(field, e.to_string()),
            }
        }
        if out.is_empty() {
            self.add(field, tr("choose-one"));
        }
        out
    }

    fn finish(&mut self) -> Result<(), WebError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(WebError::Invalid {
                detail: tr("form-problems"),
                errors: std::mem::take(&mut self.0),
            })
        }
    }
}

fn some_text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Puts `make(old)` in place of item `existing` (or adds it when `None`), refusing a `number` that
/// another item has.
fn replace_numbered<T>(
    list: &mut Vec<T>,
    existing: Option<u32>,
    number: u32,
    number_of: impl Fn(&T) -> u32,
    make: impl FnOnce(Option<&T>) -> T,
) -> Result<(), WebError> {
    if existing != Some(number) && list.iter().any(|item| number_of(item) == number) {
        return Err(number_taken(number));
    }
    let position = existing.and_then(|n| list.iter().position(|item| number_of(item) == n));
    let item = make(position.and_then(|i| list.get(i)));
    if let Some(i) = position {
        list.remove(i);
    }
    list.push(item);
    Ok(())
}

/// The problem of a number another version or sub-agreement has.
fn number_taken(number: u32) -> WebError {
    WebError::Invalid {
        detail: tr("form-problems"),
        errors: vec![(
            "number".to_string(),
            tra("number-taken", &[("number", &number.to_string())]),
        )],
    }
}

/// Applies a submitted form to the cooperation as it was when the form was opened.
fn apply(
    form: &Form,
    id: &CooperationId,
    doc: Option<CooperationDoc>,
    data: &FormData,
) -> Result<CooperationDoc, WebError> {
    let mut p = Problems::default();
    let not_found = || WebError::NotFound(format!("no cooperation \"{id}\""));
    match form {
        Form::Details => {
            let name = p.required(data, "name").to_string();
            let status = CooperationStatus::parse(data.get("status"));
            if status.is_none() {
                p.add("status", tr("required"));
            }
            let from = p.date(data, "from", false);
            let to = p.date(data, "to", false);
            let valid = match (from, to) {
                (None, None) => None,
                (None, Some(_)) => {
                    p.add("from", tr("required"));
                    None
                }
                (from, to) => p.interval(from, to),
            };
            let mut doc = match doc {
                Some(doc) => doc,
                None => {
                    let country = Country::parse(data.get("country"))
                        .map_err(|e| p.add("country", e.to_string()))
                        .ok();
                    let legal_form = LegalForm::parse(data.get("legal_form"));
                    if legal_form.is_none() {
                        p.add("legal_form", tr("required"));
                    }
                    let language = Language::parse(data.get("language"));
                    if language.is_none() {
                        p.add("language", tr("required"));
                    }
                    let new_id = data.get("id").trim();
                    if new_id != id.as_str() {
                        p.add("id", tra("id-mismatch", &[("id", id.as_str())]));
                    }
                    let parties = p.municipalities(data, "parties");
                    p.finish()?;
                    let (Some(country), Some(legal_form), Some(language), Some(status)) =
                        (country, legal_form, language, status)
                    else {
                        return Err(WebError::Internal("form fields checked above".to_string()));
                    };
                    CooperationDoc::new(samvirke_core::model::Cooperation {
                        id: id.clone(),
                        name: name.clone(),
                        country,
                        legal_form,
                        status,
                        language,
                        purpose: None,
                        valid: None,
                        parties: parties
                            .into_iter()
                            .map(|m| Party {
                                id: PartyId::Municipality(m),
                                roles: vec![samvirke_core::model::PartyRole::Member],
                                joined: None,
                                left: None,
                                org_number: None,
                            })
                            .collect(),
                        organisations: Vec::new(),
                        term: None,
                        sources: Vec::new(),
                    })
                }
            };
            p.finish()?;
            let c = &mut doc.cooperation;
            c.name = name;
            if let Some(status) = status {
                c.status = status;
            }
            c.purpose = some_text(data.get("purpose"));
            c.valid = valid;
            Ok(doc)
        }
        Form::TakeBack => {
            let mut doc = doc.ok_or_else(not_found)?;
            let by = p.party(data, "by", true).and_then(|b| b.municipality());
            let from = p.party(data, "from_party", true);
            let effective = p.date(data, "effective", true);
            let services = p.services(data, "services");
            let summary = p.required(data, "summary").to_string();
            let numbers = |field: &str| {
                data.all(field)
                    .iter()
                    .filter_map(|v| v.parse::<u32>().ok())
                    .collect::<Vec<u32>>()
            };
            let ended = numbers("ended");
            let revised = numbers("revised");
            p.finish()?;
            let (Some(by), Some(from), Some(effective)) = (by, from, effective) else {
                return Err(WebError::Internal("form fields checked above".to_string()));
            };
            for service in &services {
                let found = doc.delegations.iter().position(|d| {
                    &d.service == service
                        && d.performer == from
                        && d.for_municipalities.contains(&by)
                        && d.valid.contains(effective)
                        && d.valid.from() < effective
                });
                let Some(i) = found else {
                    p.add(
                        "services",
                        tra(
                            "take-back-no-delegation",
                            &[
                                ("service", service.as_str()),
                                ("from", &from.to_string()),
                                ("by", &by.to_string()),
                                ("date", &day(effective)),
                            ],
                        ),
                    );
                    continue;
                };
                let old = doc.delegations[i].clone();
                let ends_at = Interval::new(old.valid.from(), Some(effective))
                    .map_err(|e| WebError::Internal(e.to_string()))?;
                doc.delegations[i].valid = ends_at;
                let rest: Vec<MunicipalityId> = old
                    .for_municipalities
                    .iter()
                    .copied()
                    .filter(|m| *m != by)
                    .collect();
                if !rest.is_empty() {
                    // The others keep the delegation: it goes on for them from the same day.
                    doc.delegations[i].for_municipalities = old.for_municipalities.clone();
                    let continued = Delegation {
                        for_municipalities: rest,
                        valid: Interval::new(effective, old.valid.to())
                            .map_err(|e| WebError::Internal(e.to_string()))?,
                        ..old
                    };
                    doc.delegations.push(continued);
                }
            }
            for number in &ended {
                if let Some(s) = doc.sub_agreements.iter_mut().find(|s| s.number == *number) {
                    match Interval::new(s.valid.from(), Some(effective)) {
                        Ok(v) => s.valid = v,
                        Err(e) => p.add("ended", format!("{number}: {e}")),
                    }
                }
            }
            for number in &revised {
                if let Some(s) = doc.sub_agreements.iter_mut().find(|s| s.number == *number) {
                    s.revisions.push(Revision {
                        effective,
                        summary: summary.clone(),
                    });
                }
            }
            p.finish()?;
            doc.take_backs.push(TakeBack {
                by,
                from,
                effective,
                services,
                sub_agreements_ended: ended,
                sub_agreements_revised: revised,
                summary,
            });
            doc.canonicalise();
            Ok(doc)
        }
        Form::Main(existing) => {
            let mut doc = doc.ok_or_else(not_found)?;
            let number = p.number(data, "number");
            let effective = p.date(data, "effective", false);
            let summary = p.required(data, "summary").to_string();
            p.finish()?;
            let Some(number) = number else {
                return Err(WebError::Internal("form fields checked above".to_string()));
            };
            replace_numbered(
                &mut doc.main_agreement,
                *existing,
                number,
                |v| v.number,
                |old| MainAgreementVersion {
                    number,
                    title: some_text(data.get("title")),
                    effective,
                    // Adoptions are not on the form: an edit keeps them.
                    adopted: old.map(|v| v.adopted.clone()).unwrap_or_default(),
                    summary,
                },
            )?;
            doc.canonicalise();
            Ok(doc)
        }
        Form::Sub(existing) => {
            let mut doc = doc.ok_or_else(not_found)?;
            let number = p.number(data, "number");
            let title = p.required(data, "title").to_string();
            let services = p.services(data, "services");
            let from = p.date(data, "from", true);
            let to = p.date(data, "to", false);
            let valid = p.interval(from, to);
            p.finish()?;
            let (Some(number), Some(valid)) = (number, valid) else {
                return Err(WebError::Internal("form fields checked above".to_string()));
            };
            replace_numbered(
                &mut doc.sub_agreements,
                *existing,
                number,
                |s| s.number,
                |old| SubAgreement {
                    number,
                    title,
                    services,
                    valid,
                    // Revisions are not on the form: an edit keeps them.
                    revisions: old.map(|s| s.revisions.clone()).unwrap_or_default(),
                    note: some_text(data.get("note")),
                },
            )?;
            doc.canonicalise();
            Ok(doc)
        }
        Form::Delegation(existing) => {
            let mut doc = doc.ok_or_else(not_found)?;
            let service = ServiceId::parse(data.get("service"))
                .map_err(|e| p.add("service", e.to_string()))
                .ok();
            let performer = p.party(data, "performer", true);
            let for_municipalities = p.municipalities(data, "for");
            let from = p.date(data, "from", true);
            let to = p.date(data, "to", false);
            let valid = p.interval(from, to);
            let sub_agreement = match data.get("sub_agreement").trim() {
                "" => None,
                v => v
                    .parse::<u32>()
                    .map_err(|_| p.add("sub_agreement", tr("bad-number")))
                    .ok(),
            };
            let complaints_to = p.party(data, "complaints_to", false);
            let access_requests_to = p.party(data, "access_requests_to", false);
            p.finish()?;
            let (Some(service), Some(performer), Some(valid)) = (service, performer, valid) else {
                return Err(WebError::Internal("form fields checked above".to_string()));
            };
            if let Some(i) = existing {
                if *i >= doc.delegations.len() {
                    return Err(WebError::NotFound(tr("no-delegation")));
                }
                doc.delegations.remove(*i);
            }
            doc.delegations.push(Delegation {
                service,
                performer,
                for_municipalities,
                valid,
                sub_agreement,
                clause: some_text(data.get("clause")),
                complaints_to,
                access_requests_to,
            });
            doc.canonicalise();
            Ok(doc)
        }
    }
}

/// The list of a form's problems, each linked to its field (nothing when there are none).
pub(crate) fn push_problems(b: &mut String, problems: &[(String, String)]) {
    if problems.is_empty() {
        return;
    }
    let _ = writeln!(
        b,
        "<div class=\"error\" role=\"alert\" id=\"problems\"><h2>{}</h2>\n<ul>",
        tr("form-problems")
    );
    for (field, message) in problems {
        let _ = writeln!(
            b,
            "<li><a href=\"#f-{}\">{}</a>: {}</li>",
            escape(field),
            escape(field),
            escape(message)
        );
    }
    b.push_str("</ul></div>\n");
}

/// Renders the form page: the problems or the conflict first, then the fields, the reason, and the
/// hidden CSRF token and base.
#[allow(clippy::too_many_arguments)]
fn form_page(
    status: StatusCode,
    form: &Form,
    id: &str,
    doc: Option<&CooperationDoc>,
    data: &FormData,
    staff: &Staff,
    base: u64,
    problems: &[(String, String)],
    conflict: Option<&edit::Conflict>,
) -> Response {
    let title = form.title();
    let name = doc.map_or(id.to_string(), |d| d.cooperation.name.clone());
    let mut b = format!("<h1>{}</h1>\n<p>{}</p>\n", escape(&title), escape(&name));
    if let Some(c) = conflict {
        let _ = writeln!(
            b,
            "<section class=\"error\" role=\"alert\" id=\"conflict\" aria-labelledby=\"conflict-h\"><h2 id=\"conflict-h\">{}</h2>\n<p>{}</p>\n<ul>",
            tr("conflict-title"),
            tr("conflict-text")
        );
        for (seq, at, actor, reason) in &c.theirs {
            let _ = writeln!(
                b,
                "<li>{}</li>",
                escape(&tra(
                    "conflict-event",
                    &[
                        ("seq", &seq.to_string()),
                        ("at", &at.to_string()),
                        ("actor", actor),
                        ("reason", reason)
                    ]
                ))
            );
        }
        let _ = writeln!(
            b,
            "</ul>\n<h3>{}</h3>\n<pre class=\"diff\" tabindex=\"0\">{}</pre>\n<h3>{}</h3>\n<pre class=\"diff\" tabindex=\"0\">{}</pre>\n<p>{}</p></section>",
            tr("conflict-theirs"),
            escape(&c.diff_theirs),
            tr("conflict-mine"),
            escape(&c.diff_mine),
            tr("conflict-how")
        );
    }
    push_problems(&mut b, problems);
    let _ = write!(
        b,
        "<form method=\"post\" action=\"/staff/cooperations/{id}/{}\" novalidate>\n<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n<input type=\"hidden\" name=\"base\" value=\"{base}\">\n",
        form_slug(form),
        escape(&staff.csrf)
    );
    for f in fields(form, doc) {
        render_field(&mut b, &f, data, problems);
    }
    render_field(
        &mut b,
        &Field {
            hint: Some(tr("hint-reason")),
            ..field("reason", "field-reason", Input::Area, true)
        },
        data,
        problems,
    );
    let _ = write!(
        b,
        "<button type=\"submit\">{}</button>\n</form>\n",
        tr("save")
    );
    page(status, &title, &b)
}

fn form_slug(form: &Form) -> String {
    match form {
        Form::Details => "details".to_string(),
        Form::TakeBack => "take-back".to_string(),
        Form::Main(None) => "main-new".to_string(),
        Form::Main(Some(n)) => format!("main-{n}"),
        Form::Sub(None) => "sub-new".to_string(),
        Form::Sub(Some(n)) => format!("sub-{n}"),
        Form::Delegation(None) => "delegation-new".to_string(),
        Form::Delegation(Some(i)) => format!("delegation-{i}"),
    }
}

/// The cooperation id of a form address, and the form; `new` is the id of a cooperation being
/// created (its id comes from the form).
fn parse_target(id: &str, form: &str) -> Option<(Option<CooperationId>, Form)> {
    let form = Form::parse(form)?;
    if id == "new" {
        return (form == Form::Details).then_some((None, form));
    }
    CooperationId::parse(id).ok().map(|id| (Some(id), form))
}

async fn edit_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, form_name)): Path<(String, String)>,
) -> Response {
    let path = format!("/staff/cooperations/{id}/{form_name}");
    let staff = match require_staff(&state, &headers, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((coop, form)) = parse_target(&id, &form_name) else {
        return crate::legacy::not_found_page();
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let doc = match &coop {
        Some(c) => match snapshot.registry.cooperation(c) {
            Some(d) => Some(d),
            None => return crate::legacy::not_found_page(),
        },
        None => None,
    };
    let allowed = match doc {
        Some(d) => staff.can_edit(d),
        None => staff.user.role != samvirke_store::accounts::Role::Viewer,
    };
    if !allowed {
        return PageError(WebError::Forbidden(tra("may-not-edit", &[("id", &id)]))).into_response();
    }
    let data = match initial(&form, doc) {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    form_page(
        StatusCode::OK,
        &form,
        &id,
        doc,
        &data,
        &staff,
        snapshot.head,
        &[],
        None,
    )
}

async fn edit_save(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, form_name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let path = format!("/staff/cooperations/{id}/{form_name}");
    let staff = match require_staff(&state, &headers, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let data = FormData::parse(&body);
    if staff.csrf.is_empty() || !auth::same_secret(&staff.csrf, data.get("csrf")) {
        return csrf_refused();
    }
    let Some((coop, form)) = parse_target(&id, &form_name) else {
        return crate::legacy::not_found_page();
    };
    let Ok(base) = data.get("base").parse::<u64>() else {
        return PageError(WebError::BadRequest {
            field: "base",
            detail: "base: missing or not a number; reload the form".to_string(),
        })
        .into_response();
    };
    let coop = match coop {
        Some(c) => c,
        None => match CooperationId::parse(data.get("id").trim()) {
            Ok(c) => c,
            Err(e) => {
                return form_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form,
                    &id,
                    None,
                    &data,
                    &staff,
                    base,
                    &[("id".to_string(), e.to_string())],
                    None,
                );
            }
        },
    };
    if id == "new"
        && let Ok(snapshot) = state.snapshot()
        && snapshot.registry.cooperation(&coop).is_some()
    {
        return form_page(
            StatusCode::CONFLICT,
            &form,
            &id,
            None,
            &data,
            &staff,
            base,
            &[("id".to_string(), tra("id-taken", &[("id", coop.as_str())]))],
            None,
        );
    }
    let reason = data.get("reason").to_string();
    let saving_staff = staff.clone();
    let saving_form = form.clone();
    let saving_coop = coop.clone();
    let saving_data = data.clone();
    let outcome = state
        .with_store(move |store| {
            edit::save(
                store,
                &saving_staff,
                &reason,
                base,
                &saving_coop,
                |doc| apply(&saving_form, &saving_coop, doc, &saving_data),
                now(),
            )
        })
        .await;
    // Re-render against the current state when the save did not go through.
    let current = state.snapshot().ok();
    let current_doc = current
        .as_ref()
        .and_then(|s| s.registry.cooperation(&coop).cloned());
    match outcome {
        Ok(Outcome::Saved) | Ok(Outcome::Unchanged) => {
            // The snapshot is rebuilt at once so the public page shows the change on the next request.
            state.refresh_now().await;
            see_other(&format!("/cooperations/{coop}/history?saved=1"))
        }
        Ok(Outcome::Conflict(conflict)) => form_page(
            StatusCode::CONFLICT,
            &form,
            &id,
            current_doc.as_ref(),
            &data,
            &staff,
            conflict.head,
            &[],
            Some(&conflict),
        ),
        Err(WebError::Invalid { errors, .. }) => form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            &id,
            current_doc.as_ref(),
            &data,
            &staff,
            base,
            &errors,
            None,
        ),
        Err(WebError::BadRequest { field, detail }) => form_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            &id,
            current_doc.as_ref(),
            &data,
            &staff,
            base,
            &[(field.to_string(), detail)],
            None,
        ),
        Err(e) => PageError(e).into_response(),
    }
}
