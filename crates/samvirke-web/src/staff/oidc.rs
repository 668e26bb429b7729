//! `/staff/login/oidc` and `/staff/login/oidc/callback`: sign-in with the municipality's identity
//! provider by OpenID Connect (the authorization code flow with PKCE, the `openidconnect` crate).
//!
//! 1. `GET /staff/login/oidc?next=` makes a state, a nonce and a PKCE verifier, keeps them for
//!    [`OIDC_LOGIN_MINUTES`] (the state only as its hash, in `oidc_login` beside the journal, so
//!    that any server on the database can finish the sign-in), binds the state to the browser with
//!    a cookie, and sends the browser to the provider.
//! 2. `GET /staff/login/oidc/callback?code=&state=` takes the kept values once (a state is used at
//!    most once), checks that the browser's cookie holds the same state, exchanges the code with
//!    the verifier, and has the ID token checked by `openidconnect`: signature by the provider's
//!    published keys, issuer, audience (this server's client id), expiry and nonce.
//! 3. The configured claim (`email` unless configured otherwise) names the Samvirke account (read
//!    from the ID token, or, when the token does not carry it, from the provider's userinfo
//!    endpoint with the access token, for the same subject); the
//!    account, not the provider, gives the role and scope. An unknown or disabled account is
//!    refused with a page that says what to do. Then a session opens as after a password login.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::html;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreIdToken};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    LogoutRequest, Nonce, OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope, TokenResponse as _,
    UserInfoClaims, UserInfoError,
};

use super::{public_page, see_other};
use crate::auth;
use crate::html::errors::PageError;
use crate::html::{same_site_path, tr, tra};
use crate::{AppState, WebError, bounded, now};

/// How long a sign-in may take at the provider before it must start again.
pub const OIDC_LOGIN_MINUTES: i64 = 10;
/// Sign-ins under way at once (each is one small row until it ends or expires).
pub const OIDC_PENDING_MAX: u64 = 10_000;
/// Calls to the provider under way at once (discovery, code exchange).
const OIDC_CALLS_CONCURRENT_MAX: usize = 2;
/// How long one call to the provider may take.
const OIDC_CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from the provider.
const OIDC_RESPONSE_BYTES_MAX: u64 = 1024 * 1024;
/// How long the provider's metadata and signing keys are kept before they are read again (and at
/// once after a signature that none of them verifies, as when the provider has new keys).
const METADATA_KEPT: Duration = Duration::from_secs(15 * 60);
/// The cookie that binds a sign-in under way to the browser that started it.
const STATE_COOKIE: &str = "samvirke_oidc";

/// How Samvirke signs in with an identity provider.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// The provider's issuer URL (its discovery document is at
    /// `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    /// This server's client id at the provider.
    pub client_id: String,
    /// This server's client secret, if the provider gave one.
    pub client_secret: Option<String>,
    /// The ID-token claim whose value is the account's e-mail address (`email`,
    /// `preferred_username`, `upn`, …).
    pub claim: String,
    /// The address the site is reached at (`https://samvirke.taarnby.dk`); the provider sends
    /// the browser back to `{public_url}/staff/login/oidc/callback`.
    pub public_url: String,
    /// The provider's name on the login button ("Tårnby Kommune", "MitID Erhverv").
    pub name: String,
}

impl OidcConfig {
    /// The address the provider sends the browser back to (register it at the provider).
    pub fn redirect_url(&self) -> String {
        format!(
            "{}/staff/login/oidc/callback",
            self.public_url.trim_end_matches('/')
        )
    }

    /// Checks the configuration, naming the option at fault.
    pub fn check(&self) -> Result<(), String> {
        IssuerUrl::new(self.issuer.clone()).map_err(|e| {
            format!(
                "--oidc-issuer: \"{}\" is not a URL ({e}); give the provider's issuer, such as https://login.microsoftonline.com/TENANT/v2.0",
                self.issuer
            )
        })?;
        RedirectUrl::new(self.redirect_url()).map_err(|e| {
            format!(
                "--public-url: \"{}\" is not a URL ({e}); give the address the site is reached at, such as https://samvirke.taarnby.dk",
                self.public_url
            )
        })?;
        if self.client_id.trim().is_empty() {
            return Err("--oidc-client-id: empty; give the client (application) id the provider gave this server".to_string());
        }
        if self.claim.trim().is_empty() {
            return Err("--oidc-claim: empty; give the claim that holds the account's e-mail address, such as email".to_string());
        }
        Ok(())
    }
}

/// The client `openidconnect` makes from the provider's metadata (authorization endpoint set,
/// token and user-info endpoints as the provider publishes them).
type Client = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The configured provider, its metadata as last read, and the cap on calls to it.
pub struct Oidc {
    config: OidcConfig,
    metadata: Mutex<Option<(Instant, ProviderMetadataWithLogout)>>,
    calls: bounded::Limit,
    agent: ureq::Agent,
}

/// A failed call to the provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct CallError(String);

impl Oidc {
    /// The provider of `config` (nothing is fetched until the first sign-in).
    pub fn new(config: OidcConfig) -> Oidc {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(OIDC_CALL_TIMEOUT))
            .build()
            .into();
        Oidc {
            config,
            metadata: Mutex::new(None),
            calls: bounded::Limit::new("identity provider", OIDC_CALLS_CONCURRENT_MAX),
            agent,
        }
    }

    /// The origin of the provider's issuer URL (`https://login.example.dk`), which the pages'
    /// policy lets the sign-out form lead to.
    pub fn provider_origin(&self) -> Option<String> {
        let issuer = IssuerUrl::new(self.config.issuer.clone()).ok()?;
        let origin = issuer.url().origin();
        origin.is_tuple().then(|| origin.ascii_serialization())
    }

    /// The provider's name, for the login page.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// One HTTP call to the provider, as `openidconnect` asks for it (no redirects followed).
    fn call(
        &self,
        request: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, CallError> {
        let mut response = self
            .agent
            .run(request)
            .map_err(|e| CallError(e.to_string()))?;
        let body = response
            .body_mut()
            .with_config()
            .limit(OIDC_RESPONSE_BYTES_MAX)
            .read_to_vec()
            .map_err(|e| CallError(e.to_string()))?;
        let mut out = openidconnect::HttpResponse::new(body);
        *out.status_mut() = response.status();
        *out.headers_mut() = response.headers().clone();
        Ok(out)
    }

    /// The provider's metadata and keys: as kept, or read again when older than
    /// [`METADATA_KEPT`] (blocking: run it on a blocking thread).
    fn metadata(&self) -> Result<ProviderMetadataWithLogout, Failure> {
        if let Ok(kept) = self.metadata.lock()
            && let Some((at, metadata)) = kept.as_ref()
            && at.elapsed() < METADATA_KEPT
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| Failure::Unreachable(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover(&issuer, &|r| self.call(r))
            .map_err(|e| Failure::Unreachable(error_chain(&e)))?;
        if let Ok(mut kept) = self.metadata.lock() {
            *kept = Some((Instant::now(), metadata.clone()));
        }
        Ok(metadata)
    }

    /// Where to send the browser to end the sign-in at the provider too (OpenID Connect
    /// RP-Initiated Logout: the ID token as the hint, back to the front page afterwards), when
    /// the provider has such an endpoint. Blocking (it may read the metadata).
    fn end_session_url(&self, id_token: &str) -> Result<Option<String>, Failure> {
        let metadata = self.metadata()?;
        let Some(endpoint) = metadata.additional_metadata().end_session_endpoint.clone() else {
            return Ok(None);
        };
        let hint: CoreIdToken = id_token
            .parse()
            .map_err(|e: serde_json::Error| Failure::Unreachable(e.to_string()))?;
        let back = PostLogoutRedirectUrl::new(format!(
            "{}/",
            self.config.public_url.trim_end_matches('/')
        ))
        .map_err(|e| Failure::Unreachable(e.to_string()))?;
        let url = LogoutRequest::from(endpoint)
            .set_id_token_hint(&hint)
            .set_client_id(ClientId::new(self.config.client_id.clone()))
            .set_post_logout_redirect_uri(back)
            .http_get_url();
        // The pages' policy lets the sign-out form lead to the issuer's origin only.
        if Some(url.origin().ascii_serialization()) != self.provider_origin() {
            tracing::warn!(
                endpoint = %url.origin().ascii_serialization(),
                "the provider's end-session endpoint is not at its issuer's origin; signed out of Samvirke only"
            );
            return Ok(None);
        }
        Ok(Some(url.to_string()))
    }

    /// Forgets the metadata (the next sign-in reads it again).
    fn forget_metadata(&self) {
        if let Ok(mut kept) = self.metadata.lock() {
            *kept = None;
        }
    }

    fn client(&self, metadata: ProviderMetadataWithLogout) -> Result<Client, Failure> {
        let redirect = RedirectUrl::new(self.config.redirect_url())
            .map_err(|e| Failure::Unreachable(e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }
}

/// Where a signed-out browser goes to end its sign-in at the provider too: `None` when the
/// provider has no end-session endpoint or cannot be reached (the session at Samvirke is ended
/// either way; the failure is logged).
pub(super) async fn sign_out_at_provider(oidc: &Arc<Oidc>, id_token: String) -> Option<String> {
    let provider = oidc.clone();
    match oidc
        .calls
        .run(move || Ok(provider.end_session_url(&id_token)))
        .await
    {
        Ok(Ok(url)) => url,
        Ok(Err(failure)) => {
            tracing::warn!(
                ?failure,
                "could not end the sign-in at the identity provider"
            );
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not end the sign-in at the identity provider");
            None
        }
    }
}

/// Why a sign-in with the provider did not succeed, each worded for the person signing in.
#[derive(Debug)]
enum Failure {
    /// The provider could not be reached or gave an unreadable answer.
    Unreachable(String),
    /// The provider said no (the `error` of the callback, or of the token endpoint).
    Refused(String),
    /// The ID token failed a check (the key of its reason in the translations).
    Untrusted(&'static str, String),
    /// The sign-in is unknown, used, expired, or from another browser.
    Expired,
    /// The token lacks the configured claim.
    NoClaim,
    /// No enabled account has the name the provider vouched for.
    NoAccount(String),
    /// The server failed (the database).
    Server(WebError),
}

impl From<WebError> for Failure {
    fn from(e: WebError) -> Failure {
        Failure::Server(e)
    }
}

/// An error with its causes, for the log.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// The translation key of the reason an ID token is not trusted.
fn untrusted_reason(error: &ClaimsVerificationError) -> &'static str {
    match error {
        ClaimsVerificationError::InvalidAudience(_) => "oidc-reason-audience",
        ClaimsVerificationError::InvalidNonce(_) => "oidc-reason-nonce",
        ClaimsVerificationError::Expired(_) => "oidc-reason-expired",
        ClaimsVerificationError::InvalidIssuer(_) => "oidc-reason-issuer",
        ClaimsVerificationError::SignatureVerification(_) => "oidc-reason-signature",
        _ => "oidc-reason-other",
    }
}

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/login/oidc", get(start))
        .route("/staff/login/oidc/callback", get(callback))
}

#[derive(serde::Deserialize)]
struct StartQuery {
    next: Option<String>,
}

/// The provider of this server; without one, the sign-in addresses are 404.
fn provider(state: &AppState) -> Result<Arc<Oidc>, PageError> {
    state
        .oidc
        .clone()
        .ok_or(PageError(WebError::NotFound(String::new())))
}

fn state_cookie(headers: &HeaderMap, state: &AppState, value: &str, max_age: i64) -> String {
    format!(
        "{STATE_COOKIE}={value}; {}; Max-Age={max_age}",
        auth::cookie_attributes(headers, state.secure_cookies)
    )
}

/// `GET /staff/login/oidc?next=`: to the provider.
async fn start(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Result<Response, PageError> {
    let oidc = provider(&state)?;
    let next = q
        .next
        .filter(|n| same_site_path(n))
        .unwrap_or_else(|| "/staff".to_string());
    let provider = oidc.clone();
    let begun = oidc
        .calls
        .run(move || {
            let client = match provider.metadata().and_then(|m| provider.client(m)) {
                Ok(c) => c,
                Err(f) => return Ok(Err(f)),
            };
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            let (url, csrf, nonce) = client
                .authorize_url(
                    CoreAuthenticationFlow::AuthorizationCode,
                    CsrfToken::new_random,
                    Nonce::new_random,
                )
                .add_scope(Scope::new("email".to_string()))
                .add_scope(Scope::new("profile".to_string()))
                .set_pkce_challenge(challenge)
                .url();
            Ok(Ok((
                url.to_string(),
                csrf.secret().clone(),
                nonce.secret().clone(),
                verifier.secret().clone(),
            )))
        })
        .await;
    let (url, csrf, nonce, verifier) = match begun? {
        Ok(begun) => begun,
        Err(failure) => return Ok(failure_page(&oidc, failure)),
    };
    let hash = auth::token_hash(&csrf);
    let kept = state
        .with_store(move |store| {
            Ok(store.oidc_login_put(
                &hash,
                &nonce,
                &verifier,
                &next,
                now(),
                OIDC_LOGIN_MINUTES,
                OIDC_PENDING_MAX,
            )?)
        })
        .await?;
    if !kept {
        return Err(PageError(WebError::TooManyRequests {
            detail: tr("oidc-busy"),
            retry_after: 60,
        }));
    }
    let mut response = see_other(&url);
    super::login::set_cookie(
        &mut response,
        &state_cookie(&headers, &state, &csrf, OIDC_LOGIN_MINUTES * 60),
    );
    Ok(response)
}

#[derive(serde::Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /staff/login/oidc/callback?code=&state=`: back from the provider.
async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let oidc = provider(&state)?;
    let result = finish(&state, &oidc, &headers, q).await;
    let clear = state_cookie(&headers, &state, "", 0);
    let mut response = match result {
        Ok((token, next)) => {
            let mut response = see_other(&next);
            super::login::set_session_cookie(&mut response, &headers, &state, &token);
            response
        }
        Err(failure) => failure_page(&oidc, failure),
    };
    super::login::set_cookie(&mut response, &clear);
    Ok(response)
}

/// Checks the provider's answer and opens a session: its token and where to go.
async fn finish(
    state: &Arc<AppState>,
    oidc: &Arc<Oidc>,
    headers: &HeaderMap,
    q: CallbackQuery,
) -> Result<(String, String), Failure> {
    if let Some(error) = q.error {
        let reason = q.error_description.unwrap_or_default();
        tracing::info!(%error, %reason, "the identity provider refused a sign-in");
        return Err(Failure::Refused(if reason.is_empty() {
            error
        } else {
            reason
        }));
    }
    let (Some(code), Some(csrf)) = (q.code, q.state) else {
        return Err(Failure::Expired);
    };
    // The state must be the one this browser was given: else another browser's sign-in (or an
    // attacker's) would be finished in this one.
    let cookie = auth::cookie(headers, STATE_COOKIE).unwrap_or("");
    let hash = auth::token_hash(&csrf);
    let same_browser = !cookie.is_empty() && auth::same_secret(cookie, &csrf);
    let pending = state
        .with_store(move |store| Ok(store.oidc_login_take(&hash, now(), OIDC_LOGIN_MINUTES)?))
        .await?;
    let Some(pending) = pending.filter(|_| same_browser) else {
        return Err(Failure::Expired);
    };
    let provider = oidc.clone();
    let nonce = pending.nonce.clone();
    let verified = oidc
        .calls
        .run(move || Ok(exchange(&provider, code, pending.verifier, &nonce)))
        .await?;
    let (name, id_token) = verified?;
    let email = name.trim().to_lowercase();
    let who = email.clone();
    let token = state
        .with_store(move |store| {
            let Some(user) = store.user(&email)?.filter(|u| !u.disabled) else {
                return Ok(None);
            };
            let token = super::login::open_session(store, &user.email, now())?;
            store.session_set_id_token(&auth::token_hash(&token), &id_token)?;
            Ok(Some(token))
        })
        .await?;
    match token {
        Some(token) => {
            tracing::info!(account = %who, "signed in with the identity provider");
            Ok((token, pending.next))
        }
        None => Err(Failure::NoAccount(who)),
    }
}

/// Exchanges the code (with the PKCE verifier) and checks the ID token: the configured claim's
/// value and the ID token (kept with the session, for signing out at the provider). Blocking:
/// runs on a blocking thread under the cap on calls to the provider.
fn exchange(
    oidc: &Oidc,
    code: String,
    verifier: String,
    nonce: &str,
) -> Result<(String, String), Failure> {
    let client = oidc.client(oidc.metadata()?)?;
    let request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Failure::Unreachable(error_chain(&e)))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier));
    let response = request.request(&|r| oidc.call(r)).map_err(|e| match e {
        openidconnect::RequestTokenError::ServerResponse(r) => Failure::Refused(
            r.error_description()
                .cloned()
                .unwrap_or_else(|| r.error().to_string()),
        ),
        other => Failure::Unreachable(error_chain(&other)),
    })?;
    let id_token = response.id_token().ok_or_else(|| {
        Failure::Untrusted("oidc-reason-other", "no ID token in the answer".to_string())
    })?;
    let claims = match id_token.claims(&client.id_token_verifier(), &Nonce::new(nonce.to_string()))
    {
        Ok(claims) => claims,
        Err(e) => {
            if matches!(e, ClaimsVerificationError::SignatureVerification(_)) {
                // The provider may have new keys: read them again for the next sign-in.
                oidc.forget_metadata();
            }
            return Err(Failure::Untrusted(untrusted_reason(&e), e.to_string()));
        }
    };
    let claim = oidc.config.claim.as_str();
    let value = match claim {
        "email" => claims.email().map(|e| e.to_string()),
        "preferred_username" => claims.preferred_username().map(|e| e.to_string()),
        "sub" => Some(claims.subject().to_string()),
        other => claim_of(&id_token.to_string(), other),
    };
    if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
        return Ok((value, id_token.to_string()));
    }
    // Providers that keep the ID token small (OpenID Connect's default for a code flow) give
    // the person's claims at the userinfo endpoint instead: asked with the access token, and
    // accepted only for the subject the ID token names.
    if client.user_info_url().is_none() {
        return Err(Failure::NoClaim);
    }
    let info: UserInfoClaims<OtherClaims, CoreGenderClaim> = client
        .user_info(
            response.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .map_err(|e| Failure::Unreachable(error_chain(&e)))?
        .request(&|r| oidc.call(r))
        .map_err(|e| match e {
            UserInfoError::ClaimsVerification(e) => {
                Failure::Untrusted("oidc-reason-other", e.to_string())
            }
            other => Failure::Unreachable(error_chain(&other)),
        })?;
    let value = match claim {
        "email" => info.email().map(|e| e.to_string()),
        "preferred_username" => info.preferred_username().map(|e| e.to_string()),
        other => info
            .additional_claims()
            .all
            .get(other)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string),
    };
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v, id_token.to_string()))
        .ok_or(Failure::NoClaim)
}

/// Every claim of a userinfo answer, so that the configured one can be read whatever its name.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
struct OtherClaims {
    #[serde(flatten)]
    all: serde_json::Map<String, serde_json::Value>,
}

impl openidconnect::AdditionalClaims for OtherClaims {}

/// A claim of a token whose signature and claims are already verified, read from its payload.
fn claim_of(jwt: &str, claim: &str) -> Option<String> {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    json.get(claim)?.as_str().map(str::to_string)
}

/// The page of a sign-in that did not succeed: what happened and what to do, in the reader's
/// language (the details go to the log with the request id).
fn failure_page(oidc: &Oidc, failure: Failure) -> Response {
    let provider = oidc.name().to_string();
    let (status, text) = match failure {
        Failure::Unreachable(detail) => {
            tracing::warn!(%detail, "the identity provider cannot be reached");
            (
                StatusCode::BAD_GATEWAY,
                tra("oidc-unreachable", &[("provider", &provider)]),
            )
        }
        Failure::Refused(reason) => (
            StatusCode::FORBIDDEN,
            tra(
                "oidc-refused",
                &[("provider", &provider), ("reason", &reason)],
            ),
        ),
        Failure::Untrusted(reason, detail) => {
            tracing::warn!(%detail, "an ID token was refused");
            (
                StatusCode::FORBIDDEN,
                tra(
                    "oidc-untrusted",
                    &[("provider", &provider), ("reason", &tr(reason))],
                ),
            )
        }
        Failure::Expired => (StatusCode::BAD_REQUEST, tr("oidc-expired")),
        Failure::NoClaim => (
            StatusCode::FORBIDDEN,
            tra(
                "oidc-no-claim",
                &[("provider", &provider), ("claim", &oidc.config.claim)],
            ),
        ),
        Failure::NoAccount(who) => (
            StatusCode::FORBIDDEN,
            tra("oidc-no-account", &[("provider", &provider), ("who", &who)]),
        ),
        Failure::Server(e) => return PageError(e).into_response(),
    };
    public_page(
        status,
        &tr("oidc-failed-title"),
        html! {
            h1 { (tr("oidc-failed-title")) }
            div.error-summary #login-error role="alert" tabindex="-1" {
                p { (text) }
            }
            (crate::html::errors::reference())
            p { a href="/staff/login" { (tr("oidc-again")) } }
        },
    )
}
