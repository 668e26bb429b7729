//! `/open-data`: the registry as open data, for the people who reuse it: the files to download
//! (for today or as known at a past moment), their licence, the change feed that keeps a copy up
//! to date, and the DCAT-AP description for data portals.

use axum::response::Html;
use maud::html;

use crate::api::bulk::{DATA_LICENCE, DATA_LICENCE_NAME, FILES};
use crate::html::layout::page;
use crate::html::{tr, tra};

/// `GET /open-data`.
pub(crate) async fn open_data_page() -> Html<String> {
    let title = tr("open-data-title");
    let body = html! {
        h1 { (title) }
        p.lead { (tr("open-data-intro")) }
        h2 { (tr("open-data-files-h")) }
        p { (tr("open-data-files")) }
        ul {
            @for (name, _, _) in FILES {
                @let what = format!("open-data-file-{}", name.split('.').next().unwrap_or(name));
                li {
                    a href={ "/api/v1/bulk/" (name) } download { (tr(&what)) }
                    " " span.muted { "(" (name) ")" }
                }
            }
        }
        p { (tr("open-data-as-known-on")) " " code { "/api/v1/bulk/delegations.csv.gz?as_known_on=2021-08-31T12:00:00Z" } }
        h2 { (tr("open-data-licence-h")) }
        p { (tra("open-data-licence", &[("licence", DATA_LICENCE_NAME)])) " " a href=(DATA_LICENCE) { (DATA_LICENCE) } }
        p { (tr("open-data-private")) }
        h2 { (tr("open-data-feed-h")) }
        p { (tr("open-data-feed")) " " code { "/api/v1/changes?after=0&limit=1000" } }
        h2 { (tr("open-data-more-h")) }
        ul {
            li { a href="/api/v1/bulk/dcat.jsonld" { (tr("open-data-dcat")) } }
            li { a href="/api/v1/openapi.json" { (tr("open-data-openapi")) } }
            li { a href="/matrix" { (tr("footer-matrix")) } }
        }
    };
    Html(page(&title, body).into_string())
}
