//! The JSON API under `/api/v1`, and `/health`.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use samvirke_core::model::CooperationDoc;
use samvirke_core::{CooperationId, Country, MunicipalityRegister, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{AppState, WebError, date_field, municipality_field, resolve_error, today};

pub(crate) mod bulk;
mod changes;
mod resources;

/// `Query<T>` whose rejection is a problem document naming the query, like every other API error.
pub(crate) struct Query<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for Query<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| WebError::BadRequest {
                field: "query",
                detail: format!("query: {}", e.body_text()),
            })
    }
}

pub(crate) fn routes() -> axum::Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/who", get(who))
        .route("/api/v1/municipalities", get(municipalities))
        .route("/api/v1/cooperations", get(cooperations).post(create))
        .route("/api/v1/cooperations/{id}", get(cooperation).put(replace))
        .route("/api/v1/cooperations/{id}/history", get(history))
        .route("/api/v1/services", get(services))
        .route("/api/v1/deadlines", get(resources::deadlines))
        .route(
            "/api/v1/cooperations/{id}/reports/{year}",
            get(resources::report),
        )
        .route("/api/v1/cooperations/{id}/mapping", get(resources::mapping))
        .route(
            "/api/v1/cooperations/{id}/evaluation",
            get(resources::evaluation),
        )
        .route(
            "/api/v1/cooperations/{id}/settlements/{year}",
            get(resources::settlement),
        )
        .route(
            "/api/v1/cooperations/{id}/invoices/{year}",
            get(resources::invoices),
        )
        .route(
            "/api/v1/cooperations/{id}/disputes",
            get(resources::disputes),
        )
        .route(
            "/api/v1/cooperations/{id}/disputes/{number}",
            get(resources::dispute),
        )
        .route(
            "/api/v1/cooperations/{id}/projects",
            get(resources::projects),
        )
        .route(
            "/api/v1/cooperations/{id}/scenarios",
            get(resources::scenarios),
        )
        .route(
            "/api/v1/cooperations/{id}/scenarios/{scenario}",
            get(resources::scenario),
        )
        .route("/api/v1/cases", get(resources::cases))
        .route("/api/v1/cases/{id}", get(resources::case))
        .route("/api/v1/export", get(export))
        .route("/api/v1/changes", get(changes::changes))
        .route("/api/v1/bulk/dcat.jsonld", get(bulk::dcat))
        .route("/api/v1/bulk/{file}", get(bulk::file))
        .route("/api/v1/openapi.json", get(openapi))
        .layer(axum::middleware::from_fn(etag))
        .route("/health", get(health))
}

/// Responses larger than this are sent without an ETag (the body would have to be held twice).
const ETAG_BODY_BYTES_MAX: usize = 16 << 20;

/// Strong ETags on successful API reads, from a hash of the body, and `304 Not Modified` when the
/// client's `If-None-Match` already has it.
async fn etag(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_BODY_BYTES_MAX).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "response too large to tag",
        )
            .into_response();
    };
    let tag = etag_of(&bytes);
    if let Ok(value) = header::HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, value);
    }
    let matches =
        if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::empty());
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The strong ETag of a response body: a hash and the length.
pub(crate) fn etag_of(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    std::hash::Hasher::write(&mut hasher, bytes);
    format!(
        "\"{:016x}-{:x}\"",
        std::hash::Hasher::finish(&hasher),
        bytes.len()
    )
}

/// `?limit=&offset=` for lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Page {
    /// How many items (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// How many items to skip (default 0).
    #[param(maximum = 4294967295_u64)]
    offset: Option<usize>,
}

const PAGE_ITEMS_DEFAULT: usize = 100;
/// The largest offset accepted (as the API document says).
const PAGE_OFFSET_MAX: usize = u32::MAX as usize;

/// An optional query field that is present must not be empty: leave it out for the default.
fn not_empty(field: &'static str, value: Option<&str>) -> Result<(), WebError> {
    if value.is_some_and(|v| v.trim().is_empty()) {
        return Err(WebError::BadRequest {
            field,
            detail: format!("{field}: empty; give a value or leave {field} out for the default"),
        });
    }
    Ok(())
}
const PAGE_ITEMS_MAX: usize = 1000;

impl Page {
    /// The window, or a 400 naming the field.
    fn window(&self) -> Result<(usize, usize), WebError> {
        let limit = self.limit.unwrap_or(PAGE_ITEMS_DEFAULT);
        if !(1..=PAGE_ITEMS_MAX).contains(&limit) {
            return Err(WebError::BadRequest {
                field: "limit",
                detail: format!("limit: {limit} is outside 1–{PAGE_ITEMS_MAX}"),
            });
        }
        let offset = self.offset.unwrap_or(0);
        if offset > PAGE_OFFSET_MAX {
            return Err(WebError::BadRequest {
                field: "offset",
                detail: format!("offset: {offset} is above {PAGE_OFFSET_MAX}"),
            });
        }
        Ok((limit, offset))
    }
}

/// A page of a list: `items`, the `total`, and the `next_offset` when there is more.
#[derive(Serialize, ToSchema)]
pub(crate) struct Paged<T> {
    /// How many items there are in all.
    total: usize,
    /// The first item's position.
    offset: usize,
    /// The most items on a page.
    limit: usize,
    /// The offset of the next page (`null` on the last).
    next_offset: Option<usize>,
    /// The items.
    items: Vec<T>,
    /// The date the list is for (municipalities only).
    #[serde(skip_serializing_if = "Option::is_none")]
    on: Option<samvirke_core::Date>,
}

/// A page of `items` with `total` and, when there is more, the `next` offset.
fn paged<T: Serialize>(items: Vec<T>, page: &Page) -> Result<Paged<T>, WebError> {
    let (limit, offset) = page.window()?;
    let total = items.len();
    let slice: Vec<T> = items.into_iter().skip(offset).take(limit).collect();
    Ok(Paged::window(slice, total, limit, offset))
}

impl<T> Paged<T> {
    /// The page `items` at `offset` (at most `limit`) of a list of `total`.
    fn window(items: Vec<T>, total: usize, limit: usize, offset: usize) -> Paged<T> {
        Paged {
            total,
            offset,
            limit,
            next_offset: (offset + limit < total).then_some(offset + limit),
            items,
            on: None,
        }
    }
}

/// The whole registry.
#[derive(Serialize, ToSchema)]
pub(crate) struct Export<'a> {
    /// The journal event the export reflects.
    journal_head: u64,
    /// Every cooperation, as its agreement file holds it; without the names of people in roles
    /// that are not public unless the request is signed in (an API token or a staff session).
    #[schema(value_type = Vec<CooperationDoc>)]
    cooperations: &'a [Cow<'a, CooperationDoc>],
}

/// The whole registry as JSON: every cooperation's document, and the journal head it reflects.
#[utoipa::path(get, path = "/api/v1/export", tag = "registry",
    responses(
        (status = 200, description = "Every cooperation", body = Export, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
    ))]
async fn export(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
) -> Result<Response, WebError> {
    let reader = Reader::of(&state, &headers).await?;
    let snapshot = state.snapshot()?;
    let cooperations: Vec<Cow<'_, CooperationDoc>> = snapshot
        .registry
        .cooperations()
        .iter()
        .map(|doc| reader.doc(doc))
        .collect();
    let body = Export {
        journal_head: snapshot.head,
        cooperations: &cooperations,
    };
    Ok((
        reader.headers(),
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"samvirke-registry.json\"",
        )],
        Json(body),
    )
        .into_response())
}

/// Who reads a document: anyone, or a signed-in account (an API token or a staff session).
/// Those who may change a cooperation (its editors, administrators) read the whole of it: the
/// names of people in roles that are not public and the scenarios not published; everyone else
/// reads it as the public does.
enum Reader {
    Anyone,
    Staff(Box<crate::auth::Staff>),
}

impl Reader {
    /// The reader of a request. Only a request that sends a token or a session cookie costs a
    /// look-up.
    async fn of(state: &Arc<AppState>, headers: &header::HeaderMap) -> Result<Reader, WebError> {
        Ok(match crate::staff::staff_of(state, headers).await? {
            Some(staff) => Reader::Staff(Box::new(staff)),
            None => Reader::Anyone,
        })
    }

    /// `doc` as this reader may see it.
    fn doc<'a>(&self, doc: &'a CooperationDoc) -> Cow<'a, CooperationDoc> {
        match self {
            Reader::Staff(staff) if staff.can_edit(doc) => Cow::Borrowed(doc),
            _ => doc.for_public(),
        }
    }

    /// The headers of the answer: open to every origin; what staff read is kept out of shared
    /// caches, and a cache tells the two apart.
    fn headers(&self) -> [(header::HeaderName, &'static str); 3] {
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::VARY, "Authorization, Cookie"),
            (
                header::CACHE_CONTROL,
                match self {
                    Reader::Anyone => "no-cache",
                    Reader::Staff(_) => "private, no-store",
                },
            ),
        ]
    }
}

/// An RFC 9457 problem document.
#[derive(Serialize, ToSchema)]
pub(crate) struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The status's name.
    title: &'static str,
    /// The HTTP status.
    status: u16,
    /// What is wrong and how to fix it.
    detail: String,
    /// The query field or body part at fault (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    /// Every problem, for a change that breaks the agreement rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ProblemItem>,
    /// The request's id, as in the `X-Request-Id` header and the server's log: give it when
    /// reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

/// One problem of a rejected change.
#[derive(Serialize, ToSchema)]
pub(crate) struct ProblemItem {
    /// Where in the agreement document, e.g. `delegation[2].performer`.
    field: String,
    /// What is wrong and how to fix it.
    message: String,
}

pub(crate) fn problem(error: &WebError) -> Response {
    let status = error.status();
    let title = status.canonical_reason().unwrap_or("Error");
    let field = match error {
        WebError::BadRequest { field, .. } => Some(*field),
        _ => None,
    };
    let errors = match error {
        WebError::Invalid { errors, .. } => errors
            .iter()
            .map(|(field, message)| ProblemItem {
                field: field.clone(),
                message: message.clone(),
            })
            .collect(),
        WebError::Rejected(problems) => problems
            .iter()
            .map(|d| ProblemItem {
                field: d.field.clone(),
                message: d.message.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let body = Problem {
        kind: "about:blank",
        title,
        status: status.as_u16(),
        detail: error.public_detail(),
        field,
        errors,
        request_id: crate::request_id::current(),
    };
    let text = serde_json::to_string(&body)
        .unwrap_or_else(|_| format!("{{\"title\":\"{title}\",\"status\":{}}}", status.as_u16()));
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        text,
    )
        .into_response();
    if let WebError::TooManyRequests { retry_after, .. } = error {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(*retry_after));
    }
    if let WebError::Unavailable(_) = error {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(crate::RETRY_AFTER_UNAVAILABLE_S),
        );
    }
    if let WebError::Unauthorized(_) = error {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"samvirke\""),
        );
    }
    response
}

/// The server's health.
#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok`.
    status: &'static str,
    /// The journal event the server's registry reflects.
    journal_head: u64,
}

/// Whether the server is up, and how far it has read the journal.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "The server answers", body = Health)))]
async fn health(State(state): State<Arc<AppState>>) -> Result<Json<Health>, WebError> {
    let snapshot = state.snapshot()?;
    Ok(Json(Health {
        status: "ok",
        journal_head: snapshot.head,
    }))
}

/// Query of `GET /api/v1/who`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WhoQuery {
    /// The municipality where the citizen lives, e.g. `DK-0155` (old codes are followed).
    #[param(
        required = true,
        pattern = "^(DK|SE|NO)-[0-9]{1,4}$",
        example = "DK-0155"
    )]
    pub(crate) municipality: Option<String>,
    /// The service, e.g. `genoptraening-sel86` (`GET /api/v1/services` lists them).
    #[param(
        required = true,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$",
        example = "genoptraening-sel86"
    )]
    pub(crate) service: Option<String>,
    /// The date asked about, `YYYY-MM-DD` (default today).
    #[param(format = Date, pattern = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$", example = "2021-08-31")]
    pub(crate) on: Option<String>,
    /// Answer as the registry was known at this moment (RFC 3339), e.g. before a correction.
    #[param(format = DateTime, pattern = "^[1-9][0-9]{3}-")]
    pub(crate) as_known_on: Option<String>,
}

/// Answers a `who` question; shared by the API and the page.
pub(crate) async fn answer(
    state: Arc<AppState>,
    query: WhoQuery,
) -> Result<samvirke_core::resolver::Answer, WebError> {
    let municipality =
        query
            .municipality
            .filter(|m| !m.trim().is_empty())
            .ok_or(WebError::BadRequest {
                field: "municipality",
                detail: "municipality: missing; give an id such as DK-0155".to_string(),
            })?;
    let service = query
        .service
        .filter(|s| !s.trim().is_empty())
        .ok_or(WebError::BadRequest {
            field: "service",
            detail: "service: missing; give a service id such as genoptraening-sel86".to_string(),
        })?;
    let id = municipality_field(&municipality)?;
    let on = match query.on.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => date_field("on", text)?,
        None => today(),
    };
    let as_known_on = match query.as_known_on.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(Timestamp::parse(text).map_err(|e| WebError::BadRequest {
            field: "as_known_on",
            detail: format!("as_known_on: {e}"),
        })?),
        None => None,
    };
    state
        .who(id, service, on, as_known_on)
        .await?
        .map_err(resolve_error)
}

/// Who performs a service for a municipality's residents on a date, where to complain, where to ask
/// for access to documents, and the legal basis: the same answer as `samvirke who --json`.
#[utoipa::path(get, path = "/api/v1/who", tag = "registry", params(WhoQuery),
    responses(
        (status = 200, description = "The answer", body = samvirke_core::resolver::Answer, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "A field is missing or malformed; `field` names it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such municipality or service; the detail suggests the closest", body = Problem, content_type = "application/problem+json"),
    ))]
async fn who(
    State(state): State<Arc<AppState>>,
    Query(query): Query<WhoQuery>,
) -> Result<Response, WebError> {
    not_empty("on", query.on.as_deref())?;
    not_empty("as_known_on", query.as_known_on.as_deref())?;
    let answer = answer(state, query).await?;
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(answer)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct MunicipalitiesQuery {
    /// `DK`, `SE` or `NO` (default all three).
    #[param(pattern = "^(DK|SE|NO)$")]
    country: Option<String>,
    /// The date, `YYYY-MM-DD` (default today).
    #[param(format = Date, pattern = "^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    on: Option<String>,
    /// How many items (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
    /// How many items to skip (default 0).
    #[param(maximum = 4294967295_u64)]
    offset: Option<usize>,
}

/// A municipality in force on the date asked about.
#[derive(Serialize, ToSchema)]
pub(crate) struct MunicipalityItem {
    /// Its id, e.g. `DK-0155`.
    id: String,
    /// Its name as it is officially written.
    name: String,
    /// Its region or county.
    region: String,
}

/// The municipalities in force on a date, with their official names.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "registry", params(MunicipalitiesQuery),
    responses(
        (status = 200, description = "A page of municipalities", body = Paged<MunicipalityItem>),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "A field is malformed; `field` names it", body = Problem, content_type = "application/problem+json"),
    ))]
async fn municipalities(Query(query): Query<MunicipalitiesQuery>) -> Result<Response, WebError> {
    not_empty("on", query.on.as_deref())?;
    not_empty("country", query.country.as_deref())?;
    let country = match query.country.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(Country::parse(text).map_err(|e| WebError::BadRequest {
            field: "country",
            detail: format!("country: {e}"),
        })?),
        None => None,
    };
    let on = match query.on.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => date_field("on", text)?,
        None => today(),
    };
    let items: Vec<MunicipalityItem> = MunicipalityRegister::embedded()
        .in_force_on(on, country)
        .into_iter()
        .map(|v| MunicipalityItem {
            id: v.id.to_string(),
            name: v.name.clone(),
            region: v.region.clone(),
        })
        .collect();
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json({
            let mut body = paged(
                items,
                &Page {
                    limit: query.limit,
                    offset: query.offset,
                },
            )?;
            body.on = Some(on);
            body
        }),
    )
        .into_response())
}

/// A cooperation in a list.
#[derive(Serialize, ToSchema)]
pub(crate) struct CooperationItem {
    /// Its id.
    id: CooperationId,
    /// Its name.
    name: String,
    /// The country whose law governs it.
    country: Country,
    /// Its legal form.
    legal_form: samvirke_core::model::LegalForm,
    /// Where it stands.
    status: samvirke_core::model::CooperationStatus,
    /// The parties' ids.
    parties: Vec<String>,
}

/// The cooperations in the registry.
#[utoipa::path(get, path = "/api/v1/cooperations", tag = "registry", params(Page),
    responses(
        (status = 200, description = "A page of cooperations", body = Paged<CooperationItem>),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "limit or offset is out of range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn cooperations(
    State(state): State<Arc<AppState>>,
    Query(page): Query<Page>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let items: Vec<CooperationItem> = snapshot
        .registry
        .cooperations()
        .iter()
        .map(|d| {
            let c = &d.cooperation;
            CooperationItem {
                id: c.id.clone(),
                name: c.name.clone(),
                country: c.country,
                legal_form: c.legal_form,
                status: c.status,
                parties: c.parties.iter().map(|p| p.id.to_string()).collect(),
            }
        })
        .collect();
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(paged(items, &page)?),
    )
        .into_response())
}

/// One cooperation as its agreement file holds it: parties, agreements, delegations, take-backs,
/// decisions, payment agreements. Its ETag is the version to send in `If-Match` when changing it.
/// Read without signing in, it leaves out the names of people in roles that are not public; read
/// it with the API token you will write with, so that its ETag matches and no name is lost.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}", tag = "registry",
    params(("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby")),
    responses(
        (status = 200, description = "The cooperation", body = CooperationDoc, headers(("ETag" = String, description = "The version, for If-Match"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
    ))]
async fn cooperation(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: header::HeaderMap,
) -> Result<Response, WebError> {
    let id = CooperationId::parse(&id).map_err(|e| WebError::NotFound(e.to_string()))?;
    let reader = Reader::of(&state, &headers).await?;
    let snapshot = state.snapshot()?;
    let doc: &CooperationDoc = snapshot.registry.cooperation(&id).ok_or_else(|| {
        WebError::NotFound(format!(
            "no cooperation \"{id}\"; GET /api/v1/cooperations lists them"
        ))
    })?;
    Ok((reader.headers(), Json(reader.doc(doc))).into_response())
}

/// A service as a cooperation defines it.
#[derive(Serialize, ToSchema)]
pub(crate) struct ServiceItem {
    /// Its id, for `GET /api/v1/who?service=`.
    id: samvirke_core::ServiceId,
    /// Its names in the four languages.
    names: samvirke_core::model::Names,
    /// Its legal basis, e.g. `DK:SEL §86`.
    legal_basis: Vec<String>,
    /// The cooperation that defines it.
    cooperation: CooperationId,
}

/// The services the cooperations define.
#[utoipa::path(get, path = "/api/v1/services", tag = "registry", params(Page),
    responses(
        (status = 200, description = "A page of services", body = Paged<ServiceItem>),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "limit or offset is out of range", body = Problem, content_type = "application/problem+json"),
    ))]
async fn services(
    State(state): State<Arc<AppState>>,
    Query(page): Query<Page>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let mut items = Vec::new();
    for doc in snapshot.registry.cooperations() {
        for service in &doc.services {
            items.push(ServiceItem {
                id: service.id.clone(),
                names: service.names.clone(),
                legal_basis: service.legal_basis.clone(),
                cooperation: doc.cooperation.id.clone(),
            });
        }
    }
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(paged(items, &page)?),
    )
        .into_response())
}

/// One journal event about a cooperation.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct HistoryItem {
    /// The event's number in the journal.
    pub(crate) seq: u64,
    /// When it was recorded.
    pub(crate) recorded_at: samvirke_core::Timestamp,
    /// Who recorded it: `staff` for a staff account (whose e-mail address is not published; the
    /// role and municipality say who), else the name the command line or the import gave.
    pub(crate) actor: String,
    /// The staff account's role (`admin`, `editor`, `viewer`), when a staff account recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) actor_role: Option<String>,
    /// The municipality the staff account works for (the first in its scope), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) actor_municipality: Option<String>,
    /// Why.
    pub(crate) reason: String,
    /// The fact it changed, e.g. `dragoer-taarnby/take-back/DK-0155/2021-09-01`.
    pub(crate) key: String,
    /// The change: `op` is `put` (with the fact and the event it supersedes) or `retract`.
    #[schema(value_type = Object)]
    pub(crate) change: serde_json::Value,
}

/// Every journal event about a cooperation, oldest first: who changed what, when and why. The
/// names of people in roles that are not public are left out, for every reader.
#[utoipa::path(get, path = "/api/v1/cooperations/{id}/history", tag = "registry",
    params(("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"), Page),
    responses(
        (status = 200, description = "A page of events", body = Paged<HistoryItem>),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "limit or offset is out of range", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
    ))]
async fn history(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(page): Query<Page>,
) -> Result<Response, WebError> {
    let id = CooperationId::parse(&id).map_err(|e| WebError::NotFound(e.to_string()))?;
    if state.snapshot()?.registry.cooperation(&id).is_none() {
        return Err(WebError::NotFound(format!(
            "no cooperation \"{id}\"; GET /api/v1/cooperations lists them"
        )));
    }
    let (limit, offset) = page.window()?;
    let shown = state.shown(&id)?;
    let (total, items) = state
        .with_reader(move |store| {
            let total = store.event_count(&id, shown)?;
            let events =
                store.cooperation_events(&id, shown, (0, u64::MAX), offset as u64, limit as u64)?;
            Ok((total, AppState::history_items(store, events)?))
        })
        .await?;
    let total = usize::try_from(total).unwrap_or(usize::MAX);
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(Paged::window(items, total, limit, offset)),
    )
        .into_response())
}

/// The body of a write: the whole agreement document (as `GET` returns it) and why it changes.
#[derive(Deserialize, ToSchema)]
pub(crate) struct WriteBody {
    /// Why the change is made; kept in the history with the token's account.
    reason: String,
    /// The cooperation as it should be.
    cooperation: CooperationDoc,
}

/// The signed-in caller of a write (an API token, or a browser session with its CSRF header).
async fn writer(
    state: &Arc<AppState>,
    headers: &header::HeaderMap,
) -> Result<crate::auth::Staff, WebError> {
    let staff = crate::staff::staff_of(state, headers).await?.ok_or_else(|| {
        WebError::Unauthorized("writes need an API token: send `Authorization: Bearer TOKEN` (create one on /staff)".to_string())
    })?;
    // A session cookie is sent by the browser on its own: it must come with the session's CSRF token.
    if !staff.csrf.is_empty() {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !crate::auth::same_secret(&staff.csrf, sent) {
            return Err(WebError::Forbidden("a write with a session cookie needs the X-CSRF-Token header; use an API token instead".to_string()));
        }
    }
    Ok(staff)
}

fn parse_write(body: &[u8]) -> Result<WriteBody, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::BadRequest {
        field: "body",
        detail: format!("body: {e}; send {{\"reason\": \"why\", \"cooperation\": {{…the document as GET returns it…}}}}"),
    })
}

/// Replaces a cooperation's document. Send `If-Match` with the ETag of `GET`: if it has changed
/// since, nothing is written (412). The change passes the same checks as `samvirke import` and is kept
/// in the journal with the token's account and the reason.
#[utoipa::path(put, path = "/api/v1/cooperations/{id}", tag = "staff",
    params(
        ("id" = String, Path, description = "The cooperation's id", example = "dragoer-taarnby"),
        ("If-Match" = String, Header, description = "The ETag of GET /api/v1/cooperations/{id}"),
    ),
    request_body(content = WriteBody, description = "The whole document and the reason", content_type = "application/json"),
    security(("token" = [])),
    responses(
        (status = 200, description = "Saved (or unchanged); the document as it now is", body = CooperationDoc, headers(("ETag" = String, description = "The new version"))),
        (status = 400, description = "The body is not the expected JSON, or the reason is empty", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account may not change this cooperation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cooperation", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "It changed since the ETag was read; nothing was written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The document breaks the agreement rules; `errors` lists every problem", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    ))]
async fn replace(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: header::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let id = CooperationId::parse(&id).map_err(|e| WebError::NotFound(e.to_string()))?;
    let staff = writer(&state, &headers).await?;
    let if_match = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| WebError::PreconditionRequired(format!("send If-Match with the ETag of GET /api/v1/cooperations/{id}, so that a change made meanwhile is not overwritten")))?;
    let write = parse_write(&body)?;
    let coop = id.clone();
    let present = state.snapshot()?;
    let outcome = state
        .with_store(move |store| {
            let projection = store.projection(None)?;
            let current = crate::edit::doc_in(&projection, &coop).ok_or_else(|| {
                WebError::NotFound(format!("no cooperation \"{coop}\"; create it with POST /api/v1/cooperations"))
            })?;
            let tag = etag_of(&serde_json::to_vec(&current).map_err(|e| WebError::Internal(e.to_string()))?);
            if !if_match.split(',').any(|t| t.trim() == tag || t.trim() == "*") {
                return Err(WebError::PreconditionFailed(format!("cooperation \"{coop}\" has changed since you read it (its ETag is now {tag}); GET it again, apply your change to that version and send it with the new ETag")));
            }
            crate::edit::save(store, crate::edit::Saving { staff: &staff, reason: &write.reason, base: projection.head, lang: samvirke_i18n::Lang::En, now: crate::now(), present: Some(&present) }, &coop, |_| Ok(write.cooperation))
        })
        .await?;
    written(&state, &id, outcome, StatusCode::OK).await
}

/// Records a new cooperation.
#[utoipa::path(post, path = "/api/v1/cooperations", tag = "staff",
    request_body(content = WriteBody, description = "The new document and the reason", content_type = "application/json"),
    security(("token" = [])),
    responses(
        (status = 201, description = "Recorded", body = CooperationDoc, headers(("ETag" = String, description = "The version"), ("Location" = String, description = "Its address"))),
        (status = 400, description = "The body is not the expected JSON, or the reason is empty", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's account may not create it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A cooperation with that id exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The document breaks the agreement rules; `errors` lists every problem", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let staff = writer(&state, &headers).await?;
    let write = parse_write(&body)?;
    let id = write.cooperation.cooperation.id.clone();
    let coop = id.clone();
    let present = state.snapshot()?;
    let outcome = state
        .with_store(move |store| {
            let projection = store.projection(None)?;
            if crate::edit::doc_in(&projection, &coop).is_some() {
                return Err(WebError::Conflict(format!("cooperation \"{coop}\" exists; change it with PUT /api/v1/cooperations/{coop} and If-Match")));
            }
            crate::edit::save(store, crate::edit::Saving { staff: &staff, reason: &write.reason, base: projection.head, lang: samvirke_i18n::Lang::En, now: crate::now(), present: Some(&present) }, &coop, |_| Ok(write.cooperation))
        })
        .await?;
    let mut response = written(&state, &id, outcome, StatusCode::CREATED).await?;
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/v1/cooperations/{id}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// The answer to a write: the document as it now is (with its new ETag), or 412 on a conflict.
async fn written(
    state: &Arc<AppState>,
    id: &CooperationId,
    outcome: crate::edit::Outcome,
    status: StatusCode,
) -> Result<Response, WebError> {
    match outcome {
        crate::edit::Outcome::Conflict(c) => Err(WebError::PreconditionFailed(format!(
            "{} changed after the version you sent was read (by {}); nothing was written; GET it again and apply your change to that version",
            c.keys.join(", "),
            c.theirs
                .iter()
                .map(|(seq, _, actor, reason)| format!("event {seq} by {actor}: {reason}"))
                .collect::<Vec<_>>()
                .join("; ")
        ))),
        crate::edit::Outcome::Saved | crate::edit::Outcome::Unchanged => {
            let refreshing = state.clone();
            tokio::task::spawn_blocking(move || refreshing.refresh())
                .await
                .map_err(|e| WebError::Internal(e.to_string()))??;
            let coop = id.clone();
            let doc = state
                .with_store(move |store| Ok(crate::edit::doc_in(&store.projection(None)?, &coop)))
                .await?
                .ok_or_else(|| {
                    WebError::Internal(format!("cooperation \"{id}\" missing after it was written"))
                })?;
            let bytes = serde_json::to_vec(&doc).map_err(|e| WebError::Internal(e.to_string()))?;
            let tag = etag_of(&bytes);
            let mut response =
                (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response();
            if let Ok(value) = header::HeaderValue::from_str(&tag) {
                response.headers_mut().insert(header::ETAG, value);
            }
            Ok(response)
        }
    }
}

/// The OpenAPI 3.1 document of this API, generated from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samvirke API",
        description = "Who performs which task for whose residents, under which agreement, on any date; and the agreements themselves. Reads are public (CORS allowed); writes need an API token (`samvirke user token`). Errors are RFC 9457 problem documents.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(health, who, municipalities, cooperations, cooperation, services, history, export, changes::changes, bulk::file, bulk::dcat, replace, create, openapi, resources::deadlines, resources::report, resources::mapping, resources::evaluation, resources::settlement, resources::invoices, resources::disputes, resources::dispute, resources::projects, resources::scenarios, resources::scenario, resources::cases, resources::case),
    modifiers(&TokenSecurity),
    tags(
        (name = "registry", description = "Public reads"),
        (name = "staff", description = "Writes, with an API token"),
        (name = "operations", description = "For monitoring"),
    ),
)]
pub(crate) struct ApiDoc;

struct TokenSecurity;

impl utoipa::Modify for TokenSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from `samvirke user token` or the staff overview",
                    ))
                    .build(),
            ),
        );
    }
}

/// The links between operations (OpenAPI 3.1 `links`): how a client goes from a created
/// cooperation to reading it, from reading it to replacing it with the `ETag` it was
/// sent as `If-Match`, and from a replacement to reading the result and its history. Clients
/// and stateful testers (schemathesis) follow them. Written into the JSON: utoipa 5.5 writes a
/// `Link`'s fields in snake case (`operation_id`), which no client reads.
fn with_links(doc: utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    let by_id = "/api/v1/cooperations/{id}";
    let links: [(&str, &str, &str, &str, serde_json::Value); 5] = [
        (
            "/api/v1/cooperations",
            "post",
            "201",
            "ReadCreated",
            serde_json::json!({
            "operationId": "cooperation", "description": "The cooperation just created",
            "parameters": {"id": "$response.body#/cooperation/id"}}),
        ),
        (
            by_id,
            "get",
            "200",
            "Replace",
            serde_json::json!({
            "operationId": "replace",
            "description": "Replace it, on the condition that nobody changed it since it was read",
            "parameters": {"id": "$request.path.id", "header.If-Match": "$response.header.ETag"}}),
        ),
        (
            by_id,
            "get",
            "200",
            "History",
            serde_json::json!({
            "operationId": "history", "description": "Its history",
            "parameters": {"id": "$request.path.id"}}),
        ),
        (
            by_id,
            "put",
            "200",
            "ReadReplaced",
            serde_json::json!({
            "operationId": "cooperation", "description": "The cooperation as it now is",
            "parameters": {"id": "$request.path.id"}}),
        ),
        (
            by_id,
            "put",
            "200",
            "HistoryAfter",
            serde_json::json!({
            "operationId": "history", "description": "Its history, with the replacement",
            "parameters": {"id": "$request.path.id"}}),
        ),
    ];
    for (path, method, status, name, link) in links {
        if let Some(response) = doc
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/{status}",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(serde_json::Value::as_object_mut)
        {
            let links = response
                .entry("links")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(links) = links.as_object_mut() {
                links.insert(name.to_string(), link);
            }
        }
    }
    doc
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
    ))]
async fn openapi() -> Response {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let text = DOCUMENT.get_or_init(|| with_links(ApiDoc::openapi()).to_string());
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        text.clone(),
    )
        .into_response()
}
