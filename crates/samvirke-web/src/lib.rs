//! # samvirke-web
//!
//! The web server: public pages rendered on the server (no JavaScript needed) and the JSON API under
//! `/api/v1`, over the same journal as the CLI. The only crate that knows HTTP.
//!
//! Key design decision: **answers come from an in-memory snapshot of the registry**, rebuilt when
//! the journal's head moves (checked per request with one indexed query), so a `who` question is a
//! hash lookup, not a database round trip. Errors are RFC 9457 `application/problem+json` in the API
//! and a page with the message in HTML; the cause of an internal error goes to the log only.
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod api;
pub mod auth;
mod bounded;
mod edit;
mod html;
mod public;
mod register;
mod request_id;
mod scenarios;
mod staff;
pub use staff::oidc::{Oidc, OidcConfig};

pub use html::layout::Site;
pub(crate) use samvirke_i18n as i18n;

use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use samvirke_core::{Date, MunicipalityId, Registry, ResolveError, Timestamp};
use samvirke_store::{Answering, Store, StoreError};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies are small forms; anything bigger is refused.
const REQUEST_BODY_BYTES_MAX: usize = 64 * 1024;
/// A request that takes longer than this is cut off.
const REQUEST_TIMEOUT_MS: u64 = 10_000;
/// How often the server checks whether the journal has moved (written by another process).
pub const SNAPSHOT_REFRESH_MS: u64 = 250;

/// The registry as of one journal head.
pub struct Snapshot {
    /// The journal head the snapshot reflects.
    pub head: u64,
    /// The registry.
    pub registry: Registry,
}

/// Shared state: the store and the current snapshot.
pub struct AppState {
    /// The connection every write and login uses (writes to one journal go one at a time in
    /// the database anyway; here they do not wait for reads).
    store: Mutex<Store>,
    /// Connections for reads (history, past registries, pages of the change feed), at most
    /// [`READERS_MAX`], opened when first needed: reads wait neither for one another nor for
    /// writes.
    readers: r2d2::Pool<StoreManager>,
    /// The connection that keeps the snapshot fresh and writes the projection's checkpoint, so
    /// that a rebuild holds up neither writes nor reads.
    refresher: Mutex<Refresher>,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Mark cookies `Secure` on every response (the site is served over HTTPS by a proxy).
    pub secure_cookies: bool,
    /// Who runs the site, for the header, the footer and the about pages.
    pub site: Arc<Site>,
    /// The proxies in front of the server: only from these are `X-Forwarded-For` (the client's
    /// address, for the login limit) and `X-Forwarded-Proto` (for HSTS) believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Worked-out scenarios of the current journal head, and the cap on working them out.
    scenarios: scenarios::Scenarios,
    /// The cap on searches running at once.
    searches: bounded::Limit,
    /// Registries as known at past times, by the journal head known then.
    past: bounded::Cache<u64, Arc<Snapshot>>,
    /// The cap on password checks running at once.
    passwords: bounded::Limit,
    /// Typeset PDFs by their document and date.
    pdfs: bounded::Cache<(samvirke_report::Document, Date), axum::body::Bytes>,
    /// The open-data files, compressed, by journal head and name (`api::bulk`).
    bulk: bounded::Cache<(u64, &'static str), axum::body::Bytes>,
    /// The identity provider staff sign in with, if one is configured.
    pub(crate) oidc: Option<Arc<staff::oidc::Oidc>>,
    /// Whether staff may sign in with an e-mail address and password (on unless switched off).
    pub password_login: bool,
    /// The PostgreSQL database whose commits `serve` listens for (`None` for SQLite: it looks
    /// for a new head every `SNAPSHOT_REFRESH_MS`).
    listen_url: Option<String>,
}

/// How often a server that listens for commits looks for a new head by itself.
const LISTEN_FALLBACK_MS: u64 = 5_000;
/// How many reader connections a server keeps at most.
const READERS_MAX: u32 = 4;
/// How long a read waits for a free reader connection before it is answered 503.
const READER_WAIT_S: u64 = 10;

/// Opens the journal for the reader pool; a connection that broke is made again by the store
/// itself on its next call, so the pool never tests one.
struct StoreManager {
    location: String,
}

impl r2d2::ManageConnection for StoreManager {
    type Connection = Store;
    type Error = StoreError;

    fn connect(&self) -> Result<Store, StoreError> {
        Store::open(&self.location)
    }

    fn is_valid(&self, store: &mut Store) -> Result<(), StoreError> {
        store.head().map(|_| ())
    }

    fn has_broken(&self, _: &mut Store) -> bool {
        false
    }
}

/// The refresher's connection and the journal head at which it last looked at the checkpoint.
struct Refresher {
    store: Store,
    checkpoint_looked_at: u64,
}

/// How long the commit listener waits before it looks again whether the server is stopping.
const LISTEN_WAIT_MS: u64 = 500;
/// How long it waits before it connects again when its connection is lost.
const LISTEN_RETRY_MS: u64 = 1_000;

/// How many password checks run at once at most (argon2id takes about 19 MiB and a core for
/// tens of milliseconds each); they hold no database lock.
const PASSWORD_CHECKS_CONCURRENT_MAX: usize = 1;
/// How many typeset PDFs are kept (a report is a few hundred kilobytes).
const PDF_CACHE_MAX: usize = 32;
/// How many PDFs are typeset at once at most (each takes a core for a fraction of a second).
const PDF_CONCURRENT_MAX: usize = 1;

/// How many registries as known at past times are kept (each is the size of the current one).
const PAST_REGISTRIES_MAX: usize = 8;
/// How many past registries are built at once at most (each replays the journal up to its head).
const PAST_CONCURRENT_MAX: usize = 1;

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The request is wrong: 400 with the field named.
    #[error("{detail}")]
    BadRequest {
        /// The field at fault.
        field: &'static str,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// No such thing: 404.
    #[error("{0}")]
    NotFound(String),
    /// Not signed in (API): 401.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in but not allowed, or a form without its CSRF token: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The request conflicts with the current state (e.g. the id exists): 409.
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` does not match the current version: 412.
    #[error("{0}")]
    PreconditionFailed(String),
    /// A write without `If-Match`: 428.
    #[error("{0}")]
    PreconditionRequired(String),
    /// The change is well-formed but breaks the agreement rules: 422, with every problem.
    #[error("{detail}")]
    Invalid {
        /// A summary.
        detail: String,
        /// Each problem: the field path and the message.
        errors: Vec<(String, String)>,
    },
    /// The agreement checks refused the changed document: 422, with every problem as the checks
    /// found it (in English here; staff pages say each in the reader's language).
    #[error("the change was not saved: {} with the agreement; nothing was written", problem_count(.0))]
    Rejected(Vec<samvirke_core::Diagnostic>),
    /// Too many failed logins: 429, try again after `retry_after` seconds.
    #[error("{detail}")]
    TooManyRequests {
        /// What happened and when to try again.
        detail: String,
        /// Seconds.
        retry_after: i64,
    },
    /// The database cannot be reached just now (it is down or restarting): 503, try again in
    /// `RETRY_AFTER_UNAVAILABLE_S` seconds; the cause is logged.
    #[error("{0}")]
    Unavailable(String),
    /// Something broke inside: 500, the cause is logged.
    #[error("internal error: {0}")]
    Internal(String),
}

fn problem_count(problems: &[samvirke_core::Diagnostic]) -> String {
    match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::Unavailable { .. } => WebError::Unavailable(e.to_string()),
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// How long a client is asked to wait when the database cannot be reached.
pub(crate) const RETRY_AFTER_UNAVAILABLE_S: u32 = 5;

impl WebError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            WebError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            WebError::Invalid { .. } | WebError::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What a reader of a page may see, in the page's language (internal causes are logged, not
    /// shown).
    pub(crate) fn page_detail(&self) -> String {
        match self {
            WebError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                html::tr("error-internal")
            }
            WebError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                html::tr("error-unavailable")
            }
            other => other.to_string(),
        }
    }

    /// What the user may see (internal causes are not shown).
    pub(crate) fn public_detail(&self) -> String {
        match self {
            WebError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                "Something went wrong on the server; the cause has been logged. Try again, or report it with the time of the request.".to_string()
            }
            WebError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                format!(
                    "The database cannot be reached just now; nothing was written. Try again in {RETRY_AFTER_UNAVAILABLE_S} seconds."
                )
            }
            other => other.to_string(),
        }
    }
}

impl AppState {
    /// Opens the store at `db` (a SQLite path or a `postgres://` URL) and loads the registry.
    pub fn open(db: &str) -> Result<Arc<AppState>, WebError> {
        AppState::open_with(db, false)
    }

    /// The same, with cookies always marked `Secure` when `secure_cookies` is set (behind a proxy
    /// that serves the site over HTTPS).
    pub fn open_with(db: &str, secure_cookies: bool) -> Result<Arc<AppState>, WebError> {
        let store = Store::open(db)?;
        let mut refresher = Store::open(db)?;
        let started = std::time::Instant::now();
        let projection = refresher.projection(None)?;
        let snapshot = Snapshot {
            head: projection.head,
            registry: projection.registry(),
        };
        drop(projection);
        log_start(refresher.checkpoint_use(), snapshot.head, started.elapsed());
        // A checkpoint that was refused, or none while the journal is long, is written now, so
        // that the next start does not replay the journal again.
        let due = match refresher.checkpoint_use() {
            Some(samvirke_store::CheckpointUse::Refused { .. }) => snapshot.head > 0,
            Some(samvirke_store::CheckpointUse::Used { applied, .. }) => {
                *applied >= samvirke_store::CHECKPOINT_EVERY_EVENTS
            }
            _ => snapshot.head >= samvirke_store::CHECKPOINT_EVERY_EVENTS,
        };
        if due {
            write_checkpoint(&mut refresher);
        }
        let readers = r2d2::Pool::builder()
            .max_size(READERS_MAX)
            .min_idle(Some(0))
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(READER_WAIT_S))
            .build_unchecked(StoreManager {
                location: db.to_string(),
            });
        Ok(Arc::new(AppState {
            store: Mutex::new(store),
            readers,
            refresher: Mutex::new(Refresher {
                checkpoint_looked_at: snapshot.head,
                store: refresher,
            }),
            snapshot: RwLock::new(Arc::new(snapshot)),
            secure_cookies,
            site: Arc::new(Site::default()),
            trusted_proxies: Vec::new(),
            scenarios: scenarios::scenarios(),
            searches: bounded::Limit::new("search", public::search::SEARCH_CONCURRENT_MAX),
            past: bounded::Cache::new("as_known_on", PAST_REGISTRIES_MAX, PAST_CONCURRENT_MAX),
            pdfs: bounded::Cache::new("pdf", PDF_CACHE_MAX, PDF_CONCURRENT_MAX),
            bulk: bounded::Cache::new(
                "bulk",
                api::bulk::BULK_CACHE_MAX,
                api::bulk::BULK_CONCURRENT_MAX,
            ),
            passwords: bounded::Limit::new("password check", PASSWORD_CHECKS_CONCURRENT_MAX),
            oidc: None,
            password_login: true,
            listen_url: (db.starts_with("postgres://") || db.starts_with("postgresql://"))
                .then(|| db.to_string()),
        }))
    }

    /// The same state, with who runs the site (call before serving).
    pub fn with_site(self: Arc<Self>, site: Site) -> Arc<AppState> {
        self.configured(|state| state.site = Arc::new(site))
    }

    /// The same state, believing the forwarded headers of these proxies (call before serving).
    pub fn with_trusted_proxies(self: Arc<Self>, proxies: Vec<std::net::IpAddr>) -> Arc<AppState> {
        self.configured(|state| state.trusted_proxies = proxies)
    }

    /// The same state, signing staff in with this identity provider (call before serving).
    pub fn with_oidc(self: Arc<Self>, config: staff::oidc::OidcConfig) -> Arc<AppState> {
        self.configured(|state| state.oidc = Some(Arc::new(staff::oidc::Oidc::new(config))))
    }

    /// The same state, with password logins switched off (staff sign in with the identity
    /// provider only; call before serving).
    pub fn without_password_login(self: Arc<Self>) -> Arc<AppState> {
        self.configured(|state| state.password_login = false)
    }

    /// The state changed by `change`, while nothing else holds it yet (before serving).
    fn configured(self: Arc<Self>, change: impl FnOnce(&mut AppState)) -> Arc<AppState> {
        match Arc::try_unwrap(self) {
            Ok(mut state) => {
                change(&mut state);
                Arc::new(state)
            }
            Err(shared) => shared,
        }
    }

    /// Runs `f` on the store off the async threads (database calls block).
    pub(crate) async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = state
                .store
                .lock()
                .map_err(|_| WebError::Internal("store lock poisoned".to_string()))?;
            f(&mut store)
        })
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
    }

    /// Runs `f` on the second connection, kept for reads (history, past registries), off the
    /// async threads, so such reads wait neither for nor on writes and logins.
    pub(crate) async fn with_reader<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    ) -> Result<T, WebError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || f(&mut *state.reader()?))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
    }

    /// The current snapshot (kept fresh by [`AppState::refresh`], which `serve` runs every
    /// `SNAPSHOT_REFRESH_MS`): a request only clones an `Arc`.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, WebError> {
        Ok(self
            .snapshot
            .read()
            .map_err(|_| WebError::Internal("snapshot lock poisoned".to_string()))?
            .clone())
    }

    /// Rebuilds the snapshot now, off the async threads, after this server wrote to the journal
    /// (so the next request shows the change); a failure leaves the previous one and is logged.
    pub(crate) async fn refresh_now(self: &Arc<Self>) {
        let state = self.clone();
        match tokio::task::spawn_blocking(move || state.refresh()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "could not refresh the registry snapshot"),
            Err(e) => tracing::warn!(error = %e, "snapshot refresh task failed"),
        }
    }

    /// Records `fact` for a form opened at journal head `base`: nothing when it is already
    /// recorded, a conflict (`conflict`, in the page's words) when someone changed the same fact
    /// after `base`, and otherwise one event, after which the snapshot is rebuilt.
    pub(crate) async fn save_fact(
        self: &Arc<Self>,
        base: u64,
        fact: samvirke_core::model::Fact,
        actor: String,
        reason: String,
        conflict: String,
    ) -> Result<(), WebError> {
        self.with_store(move |store| {
            let projection = store.projection(None)?;
            match projection.facts.get(&fact.key()) {
                Some(current) if current.fact == fact => return Ok(()),
                Some(current) if current.seq > base => return Err(WebError::Conflict(conflict)),
                _ => {}
            }
            store.put(&projection, fact, &actor, &reason, crate::now())?;
            Ok(())
        })
        .await?;
        self.refresh_now().await;
        Ok(())
    }

    /// Rebuilds the snapshot if the journal has moved (this or another process wrote to it),
    /// on the refresher's own connection: the events since the last rebuild are applied to the
    /// projection it keeps. Once the journal is [`samvirke_store::CHECKPOINT_EVERY_EVENTS`] past
    /// the checkpoint, a new one is written.
    pub fn refresh(&self) -> Result<(), WebError> {
        let mut refresher = self
            .refresher
            .lock()
            .map_err(|_| WebError::Internal("refresher lock poisoned".to_string()))?;
        let store = &mut refresher.store;
        let head = store.head()?;
        if self.snapshot()?.head != head {
            let projection = store.projection(None)?;
            let fresh = Arc::new(Snapshot {
                head: projection.head,
                registry: projection.registry(),
            });
            *self
                .snapshot
                .write()
                .map_err(|_| WebError::Internal("snapshot lock poisoned".to_string()))? = fresh;
            tracing::info!(head, "registry snapshot rebuilt");
        }
        let every = samvirke_store::CHECKPOINT_EVERY_EVENTS;
        if head >= refresher.checkpoint_looked_at + every {
            refresher.checkpoint_looked_at = head;
            let at = refresher.store.checkpoint_head()?.unwrap_or(0);
            if head >= at + every {
                write_checkpoint(&mut refresher.store);
            }
        }
        Ok(())
    }

    /// Which of a cooperation's events its public history shows: never disputes, and settlement
    /// runs and e-invoices only when the cooperation publishes its settlements.
    pub(crate) fn shown(
        &self,
        cooperation: &samvirke_core::CooperationId,
    ) -> Result<samvirke_store::Shown, WebError> {
        let members_only = self
            .snapshot()?
            .registry
            .cooperation(cooperation)
            .is_some_and(|d| !d.cooperation.settlements.is_public());
        Ok(samvirke_store::Shown {
            settlements: !members_only,
        })
    }

    /// Journal events about one cooperation, as the public history gives them: sequence, record
    /// time, who (a staff account by role and municipality), reason, and the change (a put names
    /// the event it supersedes).
    pub(crate) fn history_items(
        store: &mut Store,
        events: Vec<samvirke_store::Event>,
    ) -> Result<Vec<api::HistoryItem>, WebError> {
        Self::history_entries(store, events)?
            .into_iter()
            .map(|(mut item, change)| {
                item.change = serde_json::to_value(&change)
                    .map_err(|e| WebError::Internal(format!("event {}: {e}", item.seq)))?;
                Ok(item)
            })
            .collect()
    }

    /// The items [`AppState::history_items`] gives, each with its change as the public sees it,
    /// parsed once (the item's `change` is left empty): the history page words the change
    /// itself, where the API writes it as JSON.
    pub(crate) fn history_entries(
        store: &mut Store,
        events: Vec<samvirke_store::Event>,
    ) -> Result<Vec<(api::HistoryItem, samvirke_store::Change)>, WebError> {
        let mut staff = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let payload = event
                .payload()
                .map_err(|e| WebError::Internal(format!("event {}: {e}", event.seq)))?;
            let (actor, actor_role, actor_municipality) =
                public_actor(store, &mut staff, event.actor)?;
            let item = api::HistoryItem {
                seq: event.seq,
                recorded_at: event.recorded_at,
                actor,
                actor_role,
                actor_municipality,
                reason: event.reason,
                key: payload.change.key(),
                change: serde_json::Value::Null,
            };
            // The public form when it differs, else the change itself (no copy).
            let public = match payload.change.for_public() {
                std::borrow::Cow::Owned(public) => Some(public),
                std::borrow::Cow::Borrowed(_) => None,
            };
            out.push((item, public.unwrap_or(payload.change)));
        }
        Ok(out)
    }

    /// Who performs `service` for `municipality` on `on`, as known at `as_known_on` (or now): the
    /// resolver's answer or its error, for the API and the pages to word each in their own way.
    /// The present is answered from the snapshot in memory. A past moment is answered from the
    /// few cooperations that could answer, each read by index as it was known then
    /// (`Store::registry_answering`: a cost that grows with the number of their facts, neither
    /// with their histories nor with the journal); only an unknown service, whose suggestions
    /// come from every service, needs the whole registry as known then.
    pub(crate) async fn who(
        self: &Arc<Self>,
        municipality: MunicipalityId,
        service: String,
        on: Date,
        as_known_on: Option<Timestamp>,
    ) -> Result<Result<samvirke_core::resolver::Answer, ResolveError>, WebError> {
        let snapshot = self.snapshot()?;
        let Some(known_on) = as_known_on else {
            // The current registry is in memory: a lookup takes well under a microsecond.
            return Ok(snapshot.registry.who(municipality, &service, on, None));
        };
        let asked = service.clone();
        let head = snapshot.head;
        let answering = self
            .with_reader(move |store| {
                Ok(store.registry_answering(municipality, &asked, on, known_on, head)?)
            })
            .await?;
        Ok(match answering {
            Answering::Present => snapshot
                .registry
                .who(municipality, &service, on, as_known_on),
            Answering::Registry(registry) => registry.who(municipality, &service, on, as_known_on),
            Answering::Whole(seq) => self.registry_through(seq).await?.registry.who(
                municipality,
                &service,
                on,
                as_known_on,
            ),
        })
    }

    /// The registry scenario `scenario` of `cooperation` starts from, if not the current one
    /// (`Store::scenario_base`).
    pub(crate) fn scenario_base(
        &self,
        cooperation: &samvirke_core::CooperationId,
        scenario: &samvirke_core::model::Scenario,
    ) -> Result<Option<Registry>, WebError> {
        let recorded_at = self
            .snapshot()?
            .registry
            .record_of(&format!("{cooperation}/scenario/{}", scenario.id))
            .map(|r| r.recorded_at);
        Ok(self.reader()?.scenario_base(recorded_at, scenario)?)
    }

    /// A reader connection from the pool (503 when none is free within [`READER_WAIT_S`]).
    fn reader(&self) -> Result<r2d2::PooledConnection<StoreManager>, WebError> {
        self.readers.get().map_err(|e| {
            WebError::Unavailable(format!("no connection to the journal for reading: {e}"))
        })
    }

    /// The registry as it was known at `as_known_on`: the journal head known then is found by a
    /// read of the index over record time (`Store::seq_known_on`, one indexed read), and the
    /// registry right after it is [`AppState::registry_through`].
    pub(crate) async fn registry_as_known_on(
        self: &Arc<Self>,
        as_known_on: Timestamp,
    ) -> Result<Arc<Snapshot>, WebError> {
        let seq = self
            .with_reader(move |store| Ok(store.seq_known_on(as_known_on)?))
            .await?;
        self.registry_through(seq).await
    }

    /// The registry right after event `seq`: the current snapshot when that is its head, else
    /// one built by index on a reader connection, kept in a cache of [`PAST_REGISTRIES_MAX`]
    /// and built at most [`PAST_CONCURRENT_MAX`] at a time.
    async fn registry_through(self: &Arc<Self>, seq: u64) -> Result<Arc<Snapshot>, WebError> {
        let snapshot = self.snapshot()?;
        if seq == snapshot.head {
            return Ok(snapshot);
        }
        let state = self.clone();
        self.past
            .get_or_work(seq, move || {
                let projection = state.reader()?.projection_through(seq)?;
                Ok(Arc::new(Snapshot {
                    head: projection.head,
                    registry: projection.registry(),
                }))
            })
            .await
    }
}

/// Says in the log how the registry was loaded at start: from the checkpoint or from every event.
fn log_start(used: Option<&samvirke_store::CheckpointUse>, head: u64, took: Duration) {
    use samvirke_store::CheckpointUse;
    let ms = took.as_millis() as u64;
    match used {
        Some(CheckpointUse::Used {
            head: checkpoint,
            applied,
        }) => tracing::info!(
            head,
            checkpoint,
            applied,
            ms,
            "registry loaded from the checkpoint and the events after it"
        ),
        Some(CheckpointUse::Refused { reason }) => tracing::warn!(
            head,
            ms,
            %reason,
            "the projection checkpoint was not used; the registry was rebuilt from every event and a new checkpoint is written"
        ),
        _ => tracing::info!(
            head,
            ms,
            "registry loaded from every event (no checkpoint yet)"
        ),
    }
}

/// Writes the projection's checkpoint, logging the outcome: a failure only means the next start
/// applies more events.
fn write_checkpoint(store: &mut Store) {
    let started = std::time::Instant::now();
    match store.write_checkpoint() {
        Ok(head) => tracing::info!(
            head,
            ms = started.elapsed().as_millis() as u64,
            "projection checkpoint written"
        ),
        Err(e) => tracing::warn!(error = %e, "could not write the projection checkpoint"),
    }
}

/// An actor as the public history names it: the name, the staff role and the municipality.
type PublicActor = (String, Option<String>, Option<String>);

/// Who recorded an event, as the public history says it: a staff account (an e-mail address in
/// the journal) as `staff` with its role and first municipality, looked up once per account in
/// `known`; any other actor (the command line, an import) as it is.
fn public_actor(
    store: &mut Store,
    known: &mut std::collections::HashMap<String, PublicActor>,
    actor: String,
) -> Result<PublicActor, WebError> {
    if !actor.contains('@') {
        return Ok((actor, None, None));
    }
    if let Some(found) = known.get(&actor) {
        return Ok(found.clone());
    }
    let user = store.user(&actor)?;
    let found = (
        "staff".to_string(),
        user.as_ref().map(|u| u.role.as_str().to_string()),
        user.as_ref().and_then(|u| {
            u.scopes
                .iter()
                .find_map(|s| MunicipalityId::parse(s, None).ok())
                .map(|m| m.to_string())
        }),
    );
    known.insert(actor, found.clone());
    Ok(found)
}

/// The years an annual report can be asked for.
const REPORT_YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// A report year in an address, or nothing (the page is then a 404).
pub(crate) fn report_year(text: &str) -> Option<i32> {
    text.parse().ok().filter(|y| REPORT_YEARS.contains(y))
}

/// Parses a date query field, naming it in the error.
pub(crate) fn date_field(field: &'static str, text: &str) -> Result<Date, WebError> {
    Date::parse(text).map_err(|e| WebError::BadRequest {
        field,
        detail: format!("{field}: {e}"),
    })
}

/// The cooperation an address names, as `snapshot` has it; 404 with the id otherwise.
pub(crate) fn cooperation_in<'s>(
    snapshot: &'s Snapshot,
    text: &str,
) -> Result<&'s samvirke_core::model::CooperationDoc, WebError> {
    let id =
        samvirke_core::CooperationId::parse(text).map_err(|e| WebError::NotFound(e.to_string()))?;
    snapshot
        .registry
        .cooperation(&id)
        .ok_or_else(|| WebError::NotFound(format!("There is no cooperation \"{id}\".")))
}

/// The municipality an address names, if the register knows it; 404 with the reason otherwise.
pub(crate) fn known_municipality(text: &str) -> Result<MunicipalityId, WebError> {
    let id = MunicipalityId::parse(text, None).map_err(|e| WebError::NotFound(e.to_string()))?;
    samvirke_core::MunicipalityRegister::embedded()
        .check_known(id)
        .map_err(|e| WebError::NotFound(e.to_string()))?;
    Ok(id)
}

/// Parses a municipality query field.
pub(crate) fn municipality_field(text: &str) -> Result<MunicipalityId, WebError> {
    MunicipalityId::parse(text, None).map_err(|e| WebError::BadRequest {
        field: "municipality",
        detail: format!("municipality: {e}"),
    })
}

/// A resolver error as a web error: unknown ids are 404, an ambiguous id is 400.
pub(crate) fn resolve_error(e: ResolveError) -> WebError {
    use samvirke_core::municipalities::MunicipalityError;
    match e {
        ResolveError::Municipality(MunicipalityError::Unknown { .. })
        | ResolveError::UnknownService { .. } => WebError::NotFound(e.to_string()),
        ResolveError::Municipality(_) => WebError::BadRequest {
            field: "municipality",
            detail: e.to_string(),
        },
        ResolveError::Conflict { .. } => WebError::Internal(e.to_string()),
    }
}

pub(crate) use samvirke_store::clock::{now, today};

/// The Content-Security-Policy of every response: scripts, styles, fonts and images from this
/// site only (no inline script or style: the pages have none), forms posted only here, never
/// framed, no plugins, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The policy of a server whose staff sign in with an identity provider at `provider` (an
/// origin, `https://login.example.dk`): the sign-out form may also lead there, to end the
/// sign-in at the provider (browsers apply `form-action` to the redirects after a form too).
pub fn content_security_policy(provider: Option<&str>) -> String {
    match provider {
        Some(origin) => CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'",
            &format!("form-action 'self' {origin}"),
        ),
        None => CONTENT_SECURITY_POLICY.to_string(),
    }
}

/// The headers every response carries (a handler may set its own instead): the policy, no
/// framing for browsers that predate `frame-ancestors`, no content sniffing, and the address
/// of a page sent only to this site.
fn security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    policy: &str,
) -> Router<S> {
    use axum::http::{HeaderName, HeaderValue, header};
    use tower_http::set_header::SetResponseHeaderLayer;
    let policy = HeaderValue::from_str(policy)
        .unwrap_or_else(|_| HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    let headers: [(HeaderName, HeaderValue); 4] = [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
    ];
    headers.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::if_not_present(name, value))
    })
}

/// `Strict-Transport-Security` when the site is served over HTTPS: always with
/// `--secure-cookies`, else when a trusted proxy says so (`X-Forwarded-Proto: https`). Never over
/// plain HTTP, where browsers ignore it and a local test would be locked out of HTTP.
const HSTS: &str = "max-age=31536000; includeSubDomains";

async fn hsts(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let https = state.secure_cookies
        || auth::forwarded_https(peer, request.headers(), &state.trusted_proxies);
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(
            axum::http::header::STRICT_TRANSPORT_SECURITY,
            axum::http::HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// The whole application: pages, API, health, with limits and request tracing.
pub fn app(state: Arc<AppState>) -> Router {
    let with_hsts = state.clone();
    let policy = content_security_policy(
        state
            .oidc
            .as_ref()
            .and_then(|oidc| oidc.provider_origin())
            .as_deref(),
    );
    security_headers(app_routes(state), &policy)
        .layer(axum::middleware::from_fn_with_state(with_hsts, hsts))
}

/// The application without the security headers.
fn app_routes(state: Arc<AppState>) -> Router {
    Router::new()
        // Only pages are rendered in a language: the API's hot path does not negotiate one.
        .merge(
            public::routes()
                .merge(staff::routes())
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    html::with_language,
                )),
        )
        .route("/assets/{name}", axum::routing::get(html::assets::asset))
        .merge(api::routes())
        .fallback(public::fallback)
        .layer(RequestBodyLimitLayer::new(REQUEST_BODY_BYTES_MAX))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_millis(REQUEST_TIMEOUT_MS),
        ))
        .layer(TraceLayer::new_for_http())
        // A bug must cost one request a 500, never the connection without an answer.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |cause: Box<dyn std::any::Any + Send + 'static>| {
                let cause = cause
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| cause.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic without a message".to_string());
                WebError::Internal(format!("panic: {cause}")).into_response()
            },
        ))
        // Outermost: everything above logs and answers with the request's id.
        .layer(axum::middleware::from_fn(request_id::layer))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests under way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Another process (the CLI, another server) may write to the journal: look for a new head now
    // and then, off the async threads, and swap in a fresh snapshot when there is one.
    let refresher_state = state.clone();
    let refresher = tokio::spawn(async move {
        // With the commit listener the look is only a fallback (a lost announcement).
        let every = if refresher_state.listen_url.is_some() {
            LISTEN_FALLBACK_MS
        } else {
            SNAPSHOT_REFRESH_MS
        };
        let mut tick = tokio::time::interval(Duration::from_millis(every));
        loop {
            tick.tick().await;
            let state = refresher_state.clone();
            match tokio::task::spawn_blocking(move || state.refresh()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "could not refresh the registry snapshot; serving the previous one")
                }
                Err(e) => tracing::warn!(error = %e, "snapshot refresh task failed"),
            }
        }
    });
    // On PostgreSQL a commit by any process is announced (`JournalListener`): the snapshot is
    // swapped as soon as one arrives, so a write through another server shows here at once.
    let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let listener_thread = state.listen_url.clone().map(|url| {
        let state = state.clone();
        let stopping = stopping.clone();
        std::thread::spawn(move || listen_for_commits(&state, &url, &stopping))
    });
    let last_reference = state.clone();
    let result = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    refresher.abort();
    let _ = refresher.await;
    stopping.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(thread) = listener_thread {
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    }
    // The store may hold a PostgreSQL client, which must not be dropped on an async thread.
    let _ = tokio::task::spawn_blocking(move || drop(last_reference)).await;
    result
}

/// Listens for commits to the journal of the PostgreSQL database at `url` and rebuilds the
/// snapshot after each, until `stopping` is set (looked at every `LISTEN_WAIT_MS`). A lost
/// connection is logged and made again after `LISTEN_RETRY_MS`; meanwhile the periodic refresh
/// still finds new heads.
fn listen_for_commits(state: &AppState, url: &str, stopping: &std::sync::atomic::AtomicBool) {
    use std::sync::atomic::Ordering;
    let mut listener = None;
    while !stopping.load(Ordering::Relaxed) {
        let Some(current) = listener.as_mut() else {
            match samvirke_store::JournalListener::connect(url) {
                Ok(l) => listener = Some(l),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for journal commits; looking for them every {SNAPSHOT_REFRESH_MS} ms");
                    std::thread::sleep(Duration::from_millis(LISTEN_RETRY_MS));
                }
            }
            continue;
        };
        match current.wait(Duration::from_millis(LISTEN_WAIT_MS)) {
            Ok(None) => {}
            Ok(Some(head)) => {
                if let Err(e) = state.refresh() {
                    tracing::warn!(error = %e, head, "could not refresh the registry snapshot after a commit");
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "lost the connection that listens for journal commits");
                listener = None;
                std::thread::sleep(Duration::from_millis(LISTEN_RETRY_MS));
            }
        }
    }
}

/// Resolves when the process gets Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests under way");
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        api::problem(&self).into_response()
    }
}
