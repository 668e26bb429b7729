//! The "Deadlines" section of the cooperation and municipality pages, and their calendar feeds.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use samvirke_core::deadlines::Filter;
use samvirke_core::model::Language;
use samvirke_core::{Date, Registry};

use crate::html::{components, time, tr};
use crate::{WebError, today};

/// How far ahead the pages list deadlines, in days.
const DEADLINE_PAGE_DAYS: i32 = 366;
/// How far back and ahead a calendar feed reaches, in days.
const FEED_DAYS_BACK: i32 = 366;
const FEED_DAYS_AHEAD: i32 = 2 * 366;

/// Who must meet a deadline, by name: parties by their names, roles in words as given.
pub(crate) fn owners(
    doc: Option<&samvirke_core::model::CooperationDoc>,
    owners: &[String],
) -> String {
    owners
        .iter()
        .map(|o| match (samvirke_core::PartyId::parse(o), doc) {
            (Ok(party), Some(doc)) => doc.party_name(&party),
            (Ok(samvirke_core::PartyId::Municipality(m)), None) => components::municipality_name(m),
            _ => o.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The overdue deadlines of the past year first, then the next year's, each with its state, and
/// the link to the calendar feed.
pub(crate) fn section(
    registry: &Registry,
    filter: &Filter,
    feed: &str,
) -> Result<Markup, WebError> {
    let list = registry
        .deadlines_page(filter, today(), DEADLINE_PAGE_DAYS)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let several = filter.cooperation.is_none();
    Ok(html! {
        h2 { (tr("deadlines")) }
        @if list.is_empty() {
            p { (tr("deadlines-none")) }
        } @else {
            ul {
                @for d in &list {
                    @let doc = registry.cooperation(&d.cooperation);
                    li {
                        (time(d.due)) ": "
                        @match doc {
                            Some(doc) => (components::in_language(&d.title, doc.cooperation.language)),
                            None => (d.title),
                        }
                        @if several { @if let Some(doc) = doc { " – " (components::cooperation_link(doc)) } }
                        " (" (owners(doc, &d.owners)) ") "
                        (components::deadline_status(d.status))
                        @if let Some(note) = &d.note { " – " (note) }
                    }
                }
            }
        }
        p { a href=(feed) { (tr("deadlines-feed")) } }
    })
}

/// `text/calendar` for the deadlines around today, in `language`.
pub(crate) fn feed(
    registry: &Registry,
    filter: &Filter,
    name: &str,
    language: Language,
) -> Result<Response, WebError> {
    let now = today();
    let from = Date::from_days_since_epoch(now.days_since_epoch() - FEED_DAYS_BACK);
    let to = Date::from_days_since_epoch(now.days_since_epoch() + FEED_DAYS_AHEAD);
    let list = registry
        .deadlines(filter, from, to, now)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let text = samvirke_core::deadlines::to_ics(
        &list,
        name,
        crate::now(),
        &samvirke_i18n::Lang::of(language),
        |id| {
            registry
                .cooperation(id)
                .map_or_else(|| id.to_string(), |c| c.cooperation.name.clone())
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        text,
    )
        .into_response())
}
