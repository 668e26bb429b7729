//! Public pages, rendered on the server: they work without JavaScript. One module per address:
//!
//! | address | module |
//! |---|---|
//! | `/`, `/who` | [`who`] |
//! | `/search` | [`search`] |
//! | `/cooperations/{id}`, `/cooperations/{id}/deadlines.ics` | [`cooperation`] |
//! | `/cooperations/{id}/history`, `/cooperations/{id}/diff` | [`history`] |
//! | `/cooperations/{id}/report/{year}` (and `.pdf`) | [`report`] |
//! | `/cooperations/{id}/mapping` (and `.pdf`) | [`mapping`] |
//! | `/cooperations/{id}/evaluation` | [`evaluation`] |
//! | `/cooperations/{id}/projects` | [`projects`] |
//! | `/cooperations/{id}/settlement/{year}` (and `.pdf`, `.csv`, `.json`), `…/{year}/{payer}` (and `.pdf`), `/municipalities/{id}/settlements/{year}` | [`settlement`] |
//! | `/cooperations/{id}/scenarios`, `…/scenarios/{scenario}` (and `.pdf`), `…/scenarios/compare` | [`scenario`] |
//! | `/municipalities/{id}`, `/municipalities/{id}/deadlines.ics` | [`municipality`] |
//! | `/matrix`, `/matrix.csv` | [`matrix`] |
//! | `/open-data` | [`open_data`] |
//! | `/about/accessibility`, `/about/privacy`, `/about/contact` | [`about`] |
//! | `/lang/{code}`, 404 | here |

mod about;
mod cooperation;
mod deadlines;
pub(crate) mod evaluation;
pub(crate) mod history;
mod mapping;
mod matrix;
mod municipality;
mod open_data;
mod projects;
mod report;
pub(crate) mod scenario;
pub(crate) mod search;
pub(crate) mod settlement;
mod who;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::html;
pub(crate) use crate::html::errors::{PageError, not_found_page};
use crate::i18n::{self, Lang};
use crate::{AppState, WebError};

/// Every public page's route.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(who::front))
        .route("/who", get(who::who_page))
        .route("/search", get(search::search_page))
        .route("/open-data", get(open_data::open_data_page))
        .route("/lang/{code}", get(switch_language))
        .route("/cooperations/{id}", get(cooperation::cooperation_page))
        .route(
            "/cooperations/{id}/deadlines.ics",
            get(cooperation::cooperation_feed),
        )
        .route("/cooperations/{id}/mapping", get(mapping::mapping_page))
        .route("/cooperations/{id}/mapping.pdf", get(mapping::mapping_pdf))
        .route(
            "/cooperations/{id}/evaluation",
            get(evaluation::evaluation_page),
        )
        .route("/cooperations/{id}/projects", get(projects::projects_page))
        .route("/municipalities/{id}", get(municipality::municipality_page))
        .route(
            "/municipalities/{id}/deadlines.ics",
            get(municipality::municipality_feed),
        )
        .route("/matrix", get(matrix::matrix_page))
        .route("/matrix.csv", get(matrix::matrix_csv))
        .route("/about/{page}", get(about::about_page))
        .merge(history::routes())
        .merge(report::routes())
        .merge(scenario::routes())
        .merge(settlement::routes())
}

#[derive(serde::Deserialize)]
pub(crate) struct BackQuery {
    back: Option<String>,
}

/// `/lang/{code}?back=PATH`: remembers the language in a cookie and goes back to the page.
async fn switch_language(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(query): Query<BackQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return not_found_page();
    };
    let back = query
        .back
        .filter(|b| html::same_site_path(b))
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        i18n::COOKIE,
        lang.code()
    );
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, back), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

/// The 404 page for any address no route takes, in the request's language.
pub(crate) async fn fallback(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Response {
    let response = html::in_context_of(&state, &request, async { not_found_page() });
    response.await
}

/// A report document as an inline PDF named `file` (the annual report, a statement, a decision
/// paper, scenarios side by side): typeset off the async threads, at most
/// `PDF_CONCURRENT_MAX` at once, and kept by its content and date in a cache of `PDF_CACHE_MAX`,
/// so the same PDF asked for again costs a lookup.
pub(crate) async fn pdf_response(
    state: &AppState,
    document: samvirke_report::Document,
    file: &str,
) -> Result<Response, PageError> {
    let today = crate::today();
    let key = (document.clone(), today);
    let bytes = state
        .pdfs
        .get_or_work(key, move || {
            samvirke_report::annual::pdf_on(&document, today)
                .map(axum::body::Bytes::from)
                .map_err(|e| WebError::Internal(e.to_string()))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The registry the page is rendered from.
pub(crate) fn snapshot(state: &AppState) -> Result<Arc<crate::Snapshot>, WebError> {
    state.snapshot()
}
