//! `/search?q=`: municipalities, cooperations and services by name, with Nordic letters folded
//! and one typo per four letters forgiven.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};
use samvirke_core::municipalities::CodeVersion;
use samvirke_core::{CooperationId, MunicipalityRegister, Registry, ServiceId};

use super::{PageError, snapshot};
use crate::html::layout::page;
use crate::html::{components, tr, tra, trm};
use crate::{AppState, today};

#[derive(serde::Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
}

/// How many hits of each kind are shown.
const SEARCH_HITS_MAX: usize = 10;

/// The longest query searched, in characters: longer names than this do not exist, and the cost
/// of a search grows with the query's length. The search box does not let one type more.
pub(crate) const SEARCH_QUERY_CHARS_MAX: usize = 100;

/// How many searches run at once at most (each on a blocking thread): a flood of searches waits
/// for these instead of taking the cores from other requests.
pub(crate) const SEARCH_CONCURRENT_MAX: usize = 1;

/// The search box.
pub(crate) fn search_form(q: &str) -> Markup {
    html! {
        form.search-form role="search" method="get" action="/search" {
            label for="q" { (tr("search-label")) }
            input #q name="q" type="search" value=(q) autocomplete="off" maxlength=(SEARCH_QUERY_CHARS_MAX);
            button type="submit" { (tr("search-button")) }
        }
    }
}

/// Lowercase, with Nordic letters spelled out the way ids spell them (ø → oe, ä → a).
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match samvirke_core::ids::spell_out(ch) {
            Some(piece) => out.push_str(piece),
            None => out.push(ch),
        }
    }
    out
}

/// 0 for a substring match, else the edit distance to the closest word or the whole text; `None`
/// when too far for the query's length (one typo per four letters).
fn score(query: &str, candidate: &str) -> Option<usize> {
    let candidate = fold(candidate);
    if candidate.contains(query) {
        return Some(0);
    }
    let length = query.chars().count();
    let allowed = (length / 4).max(1);
    // The distance is at least the difference in length: a word shorter than the query by more
    // than the allowed typos is not compared letter by letter (this bounds the work per word).
    let best = candidate
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .chain(std::iter::once(candidate.as_str()))
        .filter(|w| w.chars().count() + allowed >= length)
        .map(|w| {
            let prefix: String = w.chars().take(length).collect();
            let whole = if w.chars().count() <= length + allowed {
                strsim::levenshtein(query, w)
            } else {
                usize::MAX
            };
            whole.min(strsim::levenshtein(query, &prefix).saturating_add(1))
        })
        .min()?;
    (best <= allowed).then_some(best)
}

fn ranked<T>(mut hits: Vec<(usize, String, T)>) -> Vec<T> {
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    hits.into_iter()
        .take(SEARCH_HITS_MAX)
        .map(|(_, _, t)| t)
        .collect()
}

/// What a search found: the names to show, best first.
struct Hits {
    municipalities: Vec<&'static CodeVersion>,
    cooperations: Vec<CooperationId>,
    services: Vec<ServiceId>,
}

/// Matches `folded` against every municipality in force `on`, every cooperation and every
/// service of `registry`.
fn find(folded: &str, registry: &Registry, on: samvirke_core::Date) -> Hits {
    let register = MunicipalityRegister::embedded();
    Hits {
        municipalities: ranked(
            register
                .in_force_on(on, None)
                .into_iter()
                .filter_map(|v| {
                    score(folded, &format!("{} {}", v.name, v.id)).map(|s| (s, v.name.clone(), v))
                })
                .collect(),
        ),
        cooperations: ranked(
            registry
                .cooperations()
                .iter()
                .filter_map(|d| {
                    let c = &d.cooperation;
                    score(folded, &format!("{} {}", c.name, c.id))
                        .map(|s| (s, c.name.clone(), c.id.clone()))
                })
                .collect(),
        ),
        services: ranked(
            registry
                .service_ids()
                .iter()
                .filter_map(|id| {
                    let names = registry.service_names(id).map(|(n, _)| n);
                    let all_names = names.map_or_else(String::new, |n| {
                        [&n.da, &n.sv, &n.nb, &n.en]
                            .into_iter()
                            .flatten()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(" ")
                    });
                    score(folded, &format!("{all_names} {id}"))
                        .map(|s| (s, id.to_string(), id.clone()))
                })
                .collect(),
        ),
    }
}

/// `n` as the page's language writes a count.
fn integer(n: usize) -> String {
    crate::i18n::integer(crate::html::lang(), n as u64)
}

/// `GET /search?q=`: a query of 2 to [`SEARCH_QUERY_CHARS_MAX`] characters, matched off the
/// async threads, at most [`SEARCH_CONCURRENT_MAX`] at once.
pub(crate) async fn search_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let q = query.q.unwrap_or_default();
    let length = q.trim().chars().count();
    if length > SEARCH_QUERY_CHARS_MAX {
        let shortened: String = q.trim().chars().take(SEARCH_QUERY_CHARS_MAX).collect();
        let body = html! {
            h1 { (tr("search-title")) }
            p.error role="alert" {
                (tra("search-too-long", &[
                    ("max", &integer(SEARCH_QUERY_CHARS_MAX)),
                    ("length", &integer(length)),
                ]))
            }
            (search_form(&shortened))
        };
        let page = page(&tr("search-title"), body).into_string();
        return Ok((StatusCode::BAD_REQUEST, Html(page)).into_response());
    }
    let folded = fold(q.trim());
    if folded.chars().count() < 2 {
        let body = html! {
            h1 { (tr("search-title")) }
            (search_form(&q))
            p { (tr("search-short")) }
        };
        return Ok(Html(page(&tr("search-title"), body).into_string()).into_response());
    }
    let snapshot = snapshot(&state)?;
    let found = {
        let snapshot = snapshot.clone();
        let today = today();
        state
            .searches
            .run(move || Ok(find(&folded, &snapshot.registry, today)))
            .await?
    };
    let registry = &snapshot.registry;
    let municipalities: Vec<Markup> = found
        .municipalities
        .iter()
        .map(|v| {
            html! {
                a href={ "/municipalities/" (v.id) } { (v.name) }
                ", " (v.region)
            }
        })
        .collect();
    let cooperations: Vec<Markup> = found
        .cooperations
        .iter()
        .filter_map(|id| registry.cooperation(id))
        .map(components::cooperation_link)
        .collect();
    let services: Vec<Markup> = found
        .services
        .iter()
        .map(|id| {
            html! {
                (components::service(registry, id)) " – "
                a href={ "/?service=" (id) } { (tr("ask-who")) }
            }
        })
        .collect();
    let body = html! {
        h1 { (tr("search-title")) }
        (search_form(&q))
        @if municipalities.is_empty() && cooperations.is_empty() && services.is_empty() {
            p { (trm("search-nothing", &[("q", html! { (q) })])) }
        }
        @for (title, hits) in [(tr("municipalities"), &municipalities), (tr("cooperations"), &cooperations), (tr("services"), &services)] {
            @if !hits.is_empty() {
                h2 { (title) }
                ul { @for hit in hits { li { (hit) } } }
            }
        }
    };
    Ok(Html(page(&tr("search-title"), body).into_string()).into_response())
}
