//! The static files of every page, compiled in and served under names that carry a hash of their
//! content, so that browsers may keep them for a year: a new file is a new name.
//!
//! - the stylesheet: the type-ahead component's rules, then `assets/samvirke.css`, which overrides
//!   them with the site's own;
//! - the script: GOV.UK's accessible autocomplete (`assets/vendor/`, MIT), then
//!   `assets/samvirke.js`, which turns a `<select data-autocomplete>` into a type-ahead. Pages work
//!   without it.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How long a browser may keep a file: a year (its name changes with its content).
const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// One served file: its path with the hash, its type and its content.
struct Asset {
    path: String,
    content_type: &'static str,
    body: String,
}

impl Asset {
    fn new(stem: &str, extension: &str, content_type: &'static str, parts: &[&str]) -> Asset {
        let body = parts.join("\n");
        let digest = Sha256::digest(body.as_bytes());
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        Asset {
            path: format!("/assets/{stem}-{hex}.{extension}"),
            content_type,
            body,
        }
    }
}

fn all() -> &'static [Asset; 2] {
    static ALL: OnceLock<[Asset; 2]> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            Asset::new(
                "samvirke",
                "css",
                "text/css; charset=utf-8",
                &[
                    include_str!(
                        "../../assets/vendor/accessible-autocomplete/accessible-autocomplete.min.css"
                    ),
                    include_str!("../../assets/samvirke.css"),
                ],
            ),
            Asset::new(
                "samvirke",
                "js",
                "text/javascript; charset=utf-8",
                &[
                    include_str!(
                        "../../assets/vendor/accessible-autocomplete/accessible-autocomplete.min.js"
                    ),
                    include_str!("../../assets/samvirke.js"),
                ],
            ),
        ]
    })
}

/// `/assets/samvirke-<12 hex digits of its SHA-256>.css`.
pub(crate) fn stylesheet_path() -> &'static str {
    &all()[0].path
}

/// `/assets/samvirke-<12 hex digits of its SHA-256>.js`.
pub(crate) fn script_path() -> &'static str {
    &all()[1].path
}

/// `GET /assets/{name}`: a file under its current name; anything else is a 404.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match all()
        .iter()
        .find(|a| a.path.strip_prefix("/assets/") == Some(name.as_str()))
    {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, CACHE_CONTROL),
            ],
            a.body.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
