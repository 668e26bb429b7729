//! The stylesheet, a static file compiled in and served under a name that carries a hash of its
//! content, so that browsers may keep it for a year: a new stylesheet is a new name.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The stylesheet of every page.
const CSS: &str = include_str!("../../assets/samvirke.css");

/// How long a browser may keep the stylesheet: a year (its name changes with its content).
const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// `/assets/samvirke-<12 hex digits of its SHA-256>.css`.
pub(crate) fn stylesheet_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let digest = Sha256::digest(CSS.as_bytes());
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        format!("/assets/samvirke-{hex}.css")
    })
}

/// `GET /assets/{name}`: the stylesheet under its current name; anything else is a 404.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    if stylesheet_path().strip_prefix("/assets/") == Some(name.as_str()) {
        (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, CACHE_CONTROL),
            ],
            CSS,
        )
            .into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}
