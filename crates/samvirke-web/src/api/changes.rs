//! `GET /api/v1/changes?after=SEQ&limit=N`: the registry's public change feed. Each item is one
//! journal event that put or withdrew a fact anyone may read (an agreement file's facts; never a
//! settlement run, an e-invoice, a dispute or a name that is not public; a scenario not
//! published is given as withdrawn), in journal order, so
//! that a consumer that applies the items from `after=0` holds the registry `GET /api/v1/export`
//! gives, and one that remembers the last `seq` it applied reads on from there. The same `seq`
//! always gives the same item: events are never changed.
//!
//! A request reads at most [`CHANGES_LIMIT_MAX`] events by index (`journal_fact (class, seq)`),
//! whatever the journal's length.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samvirke_core::Timestamp;
use samvirke_store::Change;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Problem, Query, not_empty};
use crate::{AppState, WebError};

/// The most items one request returns.
pub(crate) const CHANGES_LIMIT_MAX: u64 = 1000;
const CHANGES_LIMIT_DEFAULT: u64 = 100;

/// Query of `GET /api/v1/changes`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ChangesQuery {
    /// Items after this journal sequence number (default 0: from the first). Give the
    /// `next_after` of the last answer to read on.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 9223372036854775807_u64)]
    after: Option<String>,
    /// How many items at most (1–1000, default 100).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

impl ChangesQuery {
    /// `after` and `limit`, or a 400 naming the field and the fix.
    fn window(&self) -> Result<(u64, u64), WebError> {
        not_empty("after", self.after.as_deref())?;
        not_empty("limit", self.limit.as_deref())?;
        let after = match self.after.as_deref().map(str::trim) {
            None => 0,
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= i64::MAX as u64)
                .ok_or_else(|| WebError::BadRequest {
                    field: "after",
                    detail: format!(
                        "after: \"{text}\" is not a journal sequence number; give a whole number from 0 (the start) up, such as the next_after of the last answer"
                    ),
                })?,
        };
        let limit = match self.limit.as_deref().map(str::trim) {
            None => CHANGES_LIMIT_DEFAULT,
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=CHANGES_LIMIT_MAX).contains(n))
                .ok_or_else(|| WebError::BadRequest {
                    field: "limit",
                    detail: format!(
                        "limit: \"{text}\" is not a whole number from 1 to {CHANGES_LIMIT_MAX}"
                    ),
                })?,
        };
        Ok((after, limit))
    }
}

/// One change of the registry.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct ChangeItem {
    /// The event's number in the journal; the items come in this order.
    pub(crate) seq: u64,
    /// When it was recorded (record time).
    pub(crate) recorded_at: Timestamp,
    /// The cooperation whose fact it is.
    pub(crate) cooperation: String,
    /// The fact's key, e.g. `dragoer-taarnby/take-back/DK-0155/2021-09-01`: a later item with
    /// the same key replaces or withdraws this one.
    pub(crate) key: String,
    /// `put` (the fact is new or replaces the version `supersedes` put) or `retract` (the fact
    /// is withdrawn, or is a scenario not published: a consumer drops the key if it holds it).
    pub(crate) op: String,
    /// The fact, with its valid time inside it (a put only; a name that is not public left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub(crate) fact: Option<serde_json::Value>,
    /// The event whose version this one replaces or withdraws, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) supersedes: Option<u64>,
}

/// A page of the change feed.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct Changes {
    /// The changes after `after`, oldest first.
    pub(crate) items: Vec<ChangeItem>,
    /// The `after` of the next request: the last item's `seq`, or the `after` asked when there
    /// was none.
    pub(crate) next_after: u64,
    /// The journal's last event when this was read: with fewer than `limit` items, the consumer
    /// holds the registry as of this event.
    pub(crate) journal_head: u64,
}

/// The registry's public changes after `after`, oldest first: apply them from 0 to hold the
/// registry as `GET /api/v1/export` gives it, and read on with `next_after`.
#[utoipa::path(get, path = "/api/v1/changes", tag = "registry", params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = Changes, headers(("ETag" = String, description = "The version of this page"))),
        (status = 304, description = "Not modified since the ETag sent in If-None-Match"),
        (status = 400, description = "after or limit is not a number in range", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn changes(
    State(state): State<Arc<AppState>>,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, WebError> {
    let (after, limit) = query.window()?;
    let page = state
        .with_reader(move |store| {
            let journal_head = store.head()?;
            let events = store.public_events_after(after, limit)?;
            let mut items = Vec::with_capacity(events.len());
            for event in events {
                let payload = event
                    .payload()
                    .map_err(|e| WebError::Internal(format!("event {}: {e}", event.seq)))?;
                let key = payload.change.key();
                let cooperation = key.split('/').next().unwrap_or_default().to_string();
                let (op, fact, supersedes) = match payload.change.for_public().as_ref() {
                    // A scenario not published is, to anyone, not there: it says so as a
                    // withdrawal of the key (a no-op for a consumer that never had it).
                    Change::Put { fact, supersedes } if !fact.is_published() => {
                        ("retract", None, *supersedes)
                    }
                    Change::Put { fact, supersedes } => (
                        "put",
                        Some(
                            serde_json::to_value(&**fact)
                                .map_err(|e| WebError::Internal(e.to_string()))?,
                        ),
                        *supersedes,
                    ),
                    Change::Retract { supersedes, .. } => ("retract", None, Some(*supersedes)),
                };
                items.push(ChangeItem {
                    seq: event.seq,
                    recorded_at: event.recorded_at,
                    cooperation,
                    key,
                    op: op.to_string(),
                    fact,
                    supersedes,
                });
            }
            let next_after = items.last().map_or(after, |i| i.seq);
            Ok(Changes {
                items,
                next_after,
                journal_head,
            })
        })
        .await?;
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(page)).into_response())
}
