//! `/search?q=`: municipalities, cooperations and services by name, with Nordic letters folded
//! and one typo per four letters forgiven.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::{Markup, html};
use samvirke_core::MunicipalityRegister;

use super::{PageError, snapshot};
use crate::html::layout::page;
use crate::html::{components, tr, trm};
use crate::{AppState, today};

#[derive(serde::Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
}

/// How many hits of each kind are shown.
const SEARCH_HITS_MAX: usize = 10;

/// The search box.
pub(crate) fn search_form(q: &str) -> Markup {
    html! {
        form.search-form role="search" method="get" action="/search" {
            label for="q" { (tr("search-label")) }
            input #q name="q" type="search" value=(q) autocomplete="off";
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
    let allowed = (query.chars().count() / 4).max(1);
    let best = candidate
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .chain(std::iter::once(candidate.as_str()))
        .map(|w| {
            strsim::levenshtein(query, w).min(
                strsim::levenshtein(
                    query,
                    &w.chars().take(query.chars().count()).collect::<String>(),
                ) + 1,
            )
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

/// `GET /search?q=`.
pub(crate) async fn search_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, PageError> {
    let q = query.q.unwrap_or_default();
    let folded = fold(q.trim());
    if folded.chars().count() < 2 {
        let body = html! {
            h1 { (tr("search-title")) }
            (search_form(&q))
            p { (tr("search-short")) }
        };
        return Ok(Html(page(&tr("search-title"), body).into_string()));
    }
    let snapshot = snapshot(&state)?;
    let registry = &snapshot.registry;
    let register = MunicipalityRegister::embedded();
    let municipalities: Vec<Markup> = ranked(
        register
            .in_force_on(today(), None)
            .into_iter()
            .filter_map(|v| {
                score(&folded, &format!("{} {}", v.name, v.id)).map(|s| {
                    (
                        s,
                        v.name.clone(),
                        html! {
                            a href={ "/municipalities/" (v.id) } { (v.name) }
                            ", " (v.region)
                        },
                    )
                })
            })
            .collect(),
    );
    let cooperations: Vec<Markup> = ranked(
        registry
            .cooperations()
            .iter()
            .filter_map(|d| {
                score(
                    &folded,
                    &format!("{} {}", d.cooperation.name, d.cooperation.id),
                )
                .map(|s| {
                    (
                        s,
                        d.cooperation.name.clone(),
                        components::cooperation_link(d),
                    )
                })
            })
            .collect(),
    );
    let services: Vec<Markup> = ranked(
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
                score(&folded, &format!("{all_names} {id}")).map(|s| {
                    (
                        s,
                        id.to_string(),
                        html! {
                            (components::service(registry, id)) " – "
                            a href={ "/?service=" (id) } { (tr("ask-who")) }
                        },
                    )
                })
            })
            .collect(),
    );
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
    Ok(Html(page(&tr("search-title"), body).into_string()))
}
