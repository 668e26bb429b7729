//! `/cooperations/{id}/projects`: a cooperation's joint projects: status, period, who runs them,
//! the participants, the cost key, each participant's share of every year's budget (worked out by
//! the settlement engine, the same as `samvirke projects`) and the results.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use samvirke_core::PartyId;
use samvirke_core::model::{CooperationDoc, Project};
use samvirke_report::project::key_text;
use samvirke_settle::project::settle;

use super::{PageError, snapshot};
use crate::html::components::{in_language, party_link};
use crate::html::layout::page;
use crate::html::{day, lang, tr, tra};
use crate::i18n;
use crate::{AppState, WebError};

fn period(p: &Project) -> String {
    match p.valid {
        None => tr("project-not-stated"),
        Some(v) => match v.to() {
            Some(to) => format!("{} – {}", day(v.from()), day(to.pred())),
            None => format!("{} –", day(v.from())),
        },
    }
}

fn project(doc: &CooperationDoc, p: &Project) -> Markup {
    let language = doc.cooperation.language;
    let years = settle(doc, p);
    let party = |text: &str| {
        PartyId::parse(text).map_or_else(|_| html! { (text) }, |id| party_link(doc, &id))
    };
    html! {
        section.area aria-labelledby={ "project-" (p.id) } {
            h2 #{ "project-" (p.id) } { (in_language(&p.name, language)) }
            dl {
                dt { (tr("project-status")) }
                dd { (tr(&format!("project-status-{}", p.status.as_str()))) }
                dt { (tr("project-period")) }
                dd { (period(p)) }
                dt { (tr("project-lead")) }
                dd {
                    @match &p.lead {
                        Some(l) => (party_link(doc, l)),
                        None => (tr("project-not-stated")),
                    }
                }
                dt { (tr("project-participants")) }
                dd {
                    @for (i, x) in p.participants.iter().enumerate() {
                        @if i > 0 { ", " }
                        (party_link(doc, x))
                    }
                }
                @if let Some(area) = p.area.as_ref().and_then(|a| doc.candidate_areas.iter().find(|c| &c.id == a)) {
                    dt { (tr("project-area")) }
                    dd { (in_language(&area.area, language)) }
                }
                dt { (tr("project-key")) }
                dd { (key_text(lang(), p)) }
            }
            @if let Some(note) = &p.note { p { (in_language(note, language)) } }
            @match &years {
                Err(e) => p { (tra("project-cannot", &[("message", &e.0)])) },
                Ok(list) if list.is_empty() => p { (tr("project-no-budget")) },
                Ok(list) => {
                    @for y in list {
                        @let money = |m: u64| i18n::money(lang(), m as i64, &y.currency);
                        table.stack {
                            caption { (tra("project-budget-caption", &[("name", &p.name), ("year", &y.year.to_string())])) }
                            thead { tr {
                                th scope="col" { (tr("project-col-participant")) }
                                th scope="col" .num { (tr("project-col-weight")) }
                                th scope="col" .num { (tr("project-col-budget")) }
                                @if y.actual_minor.is_some() { th scope="col" .num { (tr("project-col-actual")) } }
                            } }
                            tbody {
                                @for s in &y.shares {
                                    tr {
                                        th scope="row" { (party(&s.party)) }
                                        td.num data-label=(tr("project-col-weight")) { (i18n::integer(lang(), s.weight)) }
                                        td.num data-label=(tr("project-col-budget")) { (money(s.budget_minor)) }
                                        @if let Some(a) = s.actual_minor { td.num data-label=(tr("project-col-actual")) { (money(a)) } }
                                    }
                                }
                                tr {
                                    th scope="row" { (tr("project-total")) }
                                    td.num data-label=(tr("project-col-weight")) {}
                                    td.num data-label=(tr("project-col-budget")) { strong { (money(y.budget_minor)) } }
                                    @if let Some(a) = y.actual_minor { td.num data-label=(tr("project-col-actual")) { strong { (money(a)) } } }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.results.is_empty() {
                h3 { (tr("project-results")) }
                ul {
                    @for r in &p.results { li { (r.year) ": " (in_language(&r.text, language)) } }
                }
            }
        }
    }
}

/// `GET /cooperations/{id}/projects`.
pub(crate) async fn projects_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if doc.projects.is_empty() {
        return Err(PageError(WebError::NotFound(String::new())));
    }
    let c = &doc.cooperation;
    let title = tra("projects-title", &[("name", &c.name)]);
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (title) }
        p { (tr("projects-intro")) }
        @for p in &doc.projects { (project(doc, p)) }
        p { a href={ "/api/v1/cooperations/" (c.id) "/projects" } { (tr("project-json")) } }
    };
    Ok(Html(page(&title, body).into_string()))
}
