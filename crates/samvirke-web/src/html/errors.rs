//! The pages of errors: the 404 page in the reader's language, and [`PageError`], which turns a
//! [`WebError`] into an HTML page with the message (not a problem document).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use super::layout::page;
use super::{components, tr, tra};
use crate::WebError;

/// The page of an address that names nothing.
pub(crate) fn not_found_page() -> Response {
    let body = html! {
        h1 { (tr("not-found-title")) }
        p { (tr("not-found-text")) " " a href="/" { (tr("front-page-link")) } "." }
        (reference())
    };
    (
        StatusCode::NOT_FOUND,
        Html(page(&tr("not-found-title"), body).into_string()),
    )
        .into_response()
}

/// The request's id, for the reader to give when reporting the error (it is in the log line).
pub(crate) fn reference() -> maud::Markup {
    html! {
        @if let Some(id) = crate::request_id::current() {
            p.reference { (tra("error-reference", &[("id", &id)])) }
        }
    }
}

/// An error on a page: an HTML page with the message, not a problem document.
pub(crate) struct PageError(pub(crate) WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status == StatusCode::NOT_FOUND {
            return not_found_page();
        }
        let body = html! {
            h1 { (tr("error-page")) }
            (components::error_box(&tr("error-page"), &self.0.page_detail()))
            (reference())
        };
        let mut response =
            (status, Html(page(&tr("error-page"), body).into_string())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(crate::RETRY_AFTER_UNAVAILABLE_S),
            );
        }
        response
    }
}
