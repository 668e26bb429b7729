//! The shared HTML layer: the page context (language and address), translated words as text or
//! markup, the layout every page sits in, components, form handling and the stylesheet.
//!
//! Everything a page shows goes through maud's `html!`, which escapes every interpolated value;
//! markup enters only as [`Markup`] built by `html!` itself. Page modules (`public`, `staff`) use
//! this layer; it uses none of them.

pub(crate) mod assets;
pub(crate) mod components;
pub(crate) mod errors;
pub(crate) mod forms;
pub(crate) mod layout;
pub(crate) mod problems;
pub(crate) mod resolver;

use maud::{Markup, html};
use samvirke_core::Date;
use samvirke_i18n::{self as i18n, Lang, Piece};

tokio::task_local! {
    static PAGE: PageContext;
}

/// The language and address of the page being rendered (set by [`with_language`]).
#[derive(Clone)]
pub(crate) struct PageContext {
    pub(crate) lang: Lang,
    pub(crate) path: String,
    pub(crate) site: std::sync::Arc<layout::Site>,
}

/// The page being rendered (English at `/` outside a request, as in unit tests).
pub(crate) fn ctx() -> PageContext {
    PAGE.try_with(Clone::clone).unwrap_or_else(|_| PageContext {
        lang: Lang::En,
        path: "/".to_string(),
        site: std::sync::Arc::default(),
    })
}

/// The page's language.
pub(crate) fn lang() -> Lang {
    PAGE.try_with(|c| c.lang).unwrap_or(Lang::En)
}

/// A message of the page's language, as text (escaped where it is put into a page).
pub(crate) fn tr(key: &str) -> String {
    i18n::t(lang(), key)
}

/// A message with text arguments, as text.
pub(crate) fn tra(key: &str, args: &[(&str, &str)]) -> String {
    i18n::message(lang(), key, args)
}

/// A message whose arguments are markup (a link, a `<time>`, a strong name): the message's own
/// words are escaped, each argument goes in as the markup it is.
pub(crate) fn trm(key: &str, args: &[(&str, Markup)]) -> Markup {
    let names: Vec<(&str, &str)> = args.iter().map(|(k, _)| (*k, "")).collect();
    let pieces = i18n::pieces(lang(), key, &names);
    html! {
        @for piece in &pieces {
            @match piece {
                Piece::Text(text) => (text),
                Piece::Arg(i) => @if let Some((_, value)) = args.get(*i) { (value) },
            }
        }
    }
}

/// A date as the page's language writes it.
pub(crate) fn day(d: Date) -> String {
    i18n::date(lang(), d)
}

/// A date as a `<time>` element.
pub(crate) fn time(d: Date) -> Markup {
    html! { time datetime=(d.to_string()) { (day(d)) } }
}

/// A date as precise as its source (a day, a month, a season, a year, a day without a year), in
/// the page's language; a `<time>` element where HTML has a form for that precision.
pub(crate) fn partial_time(d: samvirke_core::PartialDate) -> Markup {
    use samvirke_core::PartialDate as P;
    let text = i18n::partial_date(lang(), d);
    match d {
        P::Day(day) => time(day),
        P::Month { .. } | P::Year(_) => html! { time datetime=(d.to_string()) { (text) } },
        P::DayOfMonth { month, day } => {
            html! { time datetime=(format!("{month:02}-{day:02}")) { (text) } }
        }
        P::Season { .. } | P::Half { .. } | P::Part { .. } => html! { (text) },
    }
}

/// Runs the rest of the request with its language and address known to every page function.
pub(crate) async fn with_language(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let context = context_of(&state, &request);
    PAGE.scope(context, next.run(request)).await
}

/// Runs `f` (on a blocking thread, say) in the page context `context` taken from the request with
/// [`ctx`], so that the words and numbers it reads and writes are the page's language.
pub(crate) fn within<R>(context: PageContext, f: impl FnOnce() -> R) -> R {
    PAGE.sync_scope(context, f)
}

/// Runs `f` as if rendering the page of `request` (the 404 fallback, outside the page routes).
pub(crate) fn in_context_of<F: std::future::Future>(
    state: &crate::AppState,
    request: &axum::extract::Request,
    f: F,
) -> impl std::future::Future<Output = F::Output> {
    PAGE.scope(context_of(state, request), f)
}

fn context_of(state: &crate::AppState, request: &axum::extract::Request) -> PageContext {
    let headers = request.headers();
    let lang = i18n::negotiate(
        crate::auth::cookie(headers, i18n::COOKIE),
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.to_string());
    PageContext {
        lang,
        path,
        site: state.site.clone(),
    }
}

/// Whether `back` is a path on this site (never an open redirect).
pub(crate) fn same_site_path(back: &str) -> bool {
    back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control)
}

/// Percent-encodes a path and query for use as a query value (slashes kept, for readability).
pub(crate) fn encode(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_arguments_stay_markup_and_words_are_escaped() {
        let out = trm(
            "answer-heading",
            &[("name", html! { strong { "Tårnby & co" } })],
        )
        .into_string();
        assert!(out.contains("<strong>Tårnby &amp; co</strong>"), "{out}");
    }
}
