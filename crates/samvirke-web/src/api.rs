//! The JSON API under `/api/v1`, and `/health`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use samvirke_core::model::CooperationDoc;
use samvirke_core::{CooperationId, Country, MunicipalityRegister, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{AppState, WebError, date_field, municipality_field, resolve_error, today};

pub(crate) fn routes() -> axum::Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/who", get(who))
        .route("/api/v1/municipalities", get(municipalities))
        .route("/api/v1/cooperations", get(cooperations).post(create))
        .route("/api/v1/cooperations/{id}", get(cooperation).put(replace))
        .route("/api/v1/cooperations/{id}/history", get(history))
        .route("/api/v1/services", get(services))
        .route("/api/v1/export", get(export))
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
#[derive(Deserialize)]
struct Page {
    limit: Option<usize>,
    offset: Option<usize>,
}

const PAGE_ITEMS_DEFAULT: usize = 100;
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
        Ok((limit, self.offset.unwrap_or(0)))
    }
}

/// A page of `items` with `total` and, when there is more, the `next` offset.
fn paged<T: Serialize>(items: Vec<T>, page: &Page) -> Result<serde_json::Value, WebError> {
    let (limit, offset) = page.window()?;
    let total = items.len();
    let slice: Vec<T> = items.into_iter().skip(offset).take(limit).collect();
    let next = (offset + limit < total).then_some(offset + limit);
    Ok(
        serde_json::json!({"total": total, "offset": offset, "limit": limit, "next_offset": next, "items": slice}),
    )
}

async fn export(State(state): State<Arc<AppState>>) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let body = serde_json::json!({"journal_head": snapshot.head, "cooperations": snapshot.registry.cooperations()});
    Ok((
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"samvirke-registry.json\"",
            ),
        ],
        Json(body),
    )
        .into_response())
}

/// An RFC 9457 problem document.
#[derive(Serialize)]
struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'static str>,
    /// Every problem, for a change that breaks the agreement rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ProblemItem>,
}

/// One problem of a rejected change.
#[derive(Serialize)]
struct ProblemItem {
    field: String,
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
        _ => Vec::new(),
    };
    let body = Problem {
        kind: "about:blank",
        title,
        status: status.as_u16(),
        detail: error.public_detail(),
        field,
        errors,
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
    if let WebError::Unauthorized(_) = error {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"samvirke\""),
        );
    }
    response
}

async fn health(State(state): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, WebError> {
    let snapshot = state.snapshot()?;
    Ok(Json(
        serde_json::json!({"status": "ok", "journal_head": snapshot.head}),
    ))
}

/// Query of `GET /api/v1/who`.
#[derive(Deserialize)]
pub(crate) struct WhoQuery {
    pub(crate) municipality: Option<String>,
    pub(crate) service: Option<String>,
    pub(crate) on: Option<String>,
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
    match as_known_on {
        // Building a past registry reads the journal: off the async threads.
        Some(k) => tokio::task::spawn_blocking(move || {
            state
                .registry_as_known_on(k)?
                .who(id, &service, on, Some(k))
                .map_err(resolve_error)
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?,
        // The current registry is in memory: a lookup takes well under a microsecond.
        None => state
            .snapshot()?
            .registry
            .who(id, &service, on, None)
            .map_err(resolve_error),
    }
}

async fn who(
    State(state): State<Arc<AppState>>,
    Query(query): Query<WhoQuery>,
) -> Result<Response, WebError> {
    let answer = answer(state, query).await?;
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(answer)).into_response())
}

#[derive(Deserialize)]
struct MunicipalitiesQuery {
    country: Option<String>,
    on: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

#[derive(Serialize)]
struct MunicipalityItem<'a> {
    id: String,
    name: &'a str,
    region: &'a str,
}

async fn municipalities(Query(query): Query<MunicipalitiesQuery>) -> Result<Response, WebError> {
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
    let items: Vec<MunicipalityItem<'_>> = MunicipalityRegister::embedded()
        .in_force_on(on, country)
        .into_iter()
        .map(|v| MunicipalityItem {
            id: v.id.to_string(),
            name: &v.name,
            region: &v.region,
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
            body["on"] = serde_json::json!(on);
            body
        }),
    )
        .into_response())
}

async fn cooperations(
    State(state): State<Arc<AppState>>,
    Query(page): Query<Page>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let items: Vec<serde_json::Value> = snapshot
        .registry
        .cooperations()
        .iter()
        .map(|d| {
            let c = &d.cooperation;
            serde_json::json!({"id": c.id, "name": c.name, "country": c.country, "legal_form": c.legal_form, "status": c.status, "parties": c.parties.iter().map(|p| p.id.to_string()).collect::<Vec<_>>()})
        })
        .collect();
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(paged(items, &page)?),
    )
        .into_response())
}

async fn cooperation(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = CooperationId::parse(&id).map_err(|e| WebError::NotFound(e.to_string()))?;
    let snapshot = state.snapshot()?;
    let doc: &CooperationDoc = snapshot.registry.cooperation(&id).ok_or_else(|| {
        WebError::NotFound(format!(
            "no cooperation \"{id}\"; GET /api/v1/cooperations lists them"
        ))
    })?;
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(doc)).into_response())
}

async fn services(
    State(state): State<Arc<AppState>>,
    Query(page): Query<Page>,
) -> Result<Response, WebError> {
    let snapshot = state.snapshot()?;
    let mut items = Vec::new();
    for doc in snapshot.registry.cooperations() {
        for service in &doc.services {
            items.push(serde_json::json!({
                "id": service.id,
                "names": service.names,
                "legal_basis": service.legal_basis,
                "cooperation": doc.cooperation.id,
            }));
        }
    }
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(paged(items, &page)?),
    )
        .into_response())
}

/// Every journal event about a cooperation, oldest first: who changed what, when and why.
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
    let events = tokio::task::spawn_blocking(move || state.events_of(&id))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok((
        [(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        Json(paged(events, &page)?),
    )
        .into_response())
}

/// The body of a write: the whole agreement document (as `GET` returns it) and why it changes.
#[derive(Deserialize)]
struct WriteBody {
    reason: String,
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

/// `PUT /api/v1/cooperations/{id}` with `If-Match`: replaces the agreement document.
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
            crate::edit::save(store, &staff, &write.reason, projection.head, &coop, |_| Ok(write.cooperation), crate::staff::now())
        })
        .await?;
    written(&state, &id, outcome, StatusCode::OK).await
}

/// `POST /api/v1/cooperations`: records a new cooperation.
async fn create(
    State(state): State<Arc<AppState>>,
    headers: header::HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let staff = writer(&state, &headers).await?;
    let write = parse_write(&body)?;
    let id = write.cooperation.cooperation.id.clone();
    let coop = id.clone();
    let outcome = state
        .with_store(move |store| {
            let projection = store.projection(None)?;
            if crate::edit::doc_in(&projection, &coop).is_some() {
                return Err(WebError::Conflict(format!("cooperation \"{coop}\" exists; change it with PUT /api/v1/cooperations/{coop} and If-Match")));
            }
            crate::edit::save(store, &staff, &write.reason, projection.head, &coop, |_| Ok(write.cooperation), crate::staff::now())
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
