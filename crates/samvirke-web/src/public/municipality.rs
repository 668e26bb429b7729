//! `/municipalities/{id}?on=`: a municipality on a date: its cooperations, what it performs for
//! others and others for it, its deadlines and timeline; and its calendar feed.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use maud::{Markup, html};
use samvirke_core::deadlines::Filter;
use samvirke_core::model::{CooperationDoc, Language};
use samvirke_core::{Date, PartyId};

use super::{PageError, deadlines, snapshot};
use crate::html::components::{self, cooperation_link, municipality_name, party_link, until};
use crate::html::layout::page;
use crate::html::{lang, time, tr, tra, trm};
use crate::i18n;
use crate::{AppState, WebError, today};

#[derive(serde::Deserialize)]
pub(crate) struct OnQuery {
    on: Option<String>,
}

fn on_date(query: &OnQuery) -> Result<Date, WebError> {
    match query.on.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => crate::date_field("on", text),
        None => Ok(today()),
    }
}

fn list_or_nothing(items: &[Markup]) -> Markup {
    html! {
        @if items.is_empty() {
            p { (tr("nothing")) }
        } @else {
            ul { @for item in items { li { (item) } } }
        }
    }
}

/// `GET /municipalities/{id}`.
pub(crate) async fn municipality_page(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<OnQuery>,
) -> Result<Html<String>, PageError> {
    let on = on_date(&query)?;
    let id = crate::known_municipality(&id)?;
    let name = municipality_name(id);
    let snapshot = snapshot(&state)?;
    let registry = &snapshot.registry;
    let me = PartyId::Municipality(id);
    let member_of: Vec<&CooperationDoc> = registry
        .cooperations()
        .iter()
        .filter(|d| d.cooperation.parties.iter().any(|p| p.id == me))
        .collect();
    // Money only of the cooperations whose settlements the reader may see.
    let reader = super::settlement::reader(&state, &headers, member_of.iter().copied()).await?;
    let shows = |d: &CooperationDoc| super::settlement::shows(d, reader.as_ref());
    let mut performs = Vec::new();
    let mut performed = Vec::new();
    let mut events: Vec<(Option<samvirke_core::PartialDate>, Markup)> = Vec::new();
    for d in &member_of {
        for del in &d.delegations {
            let involved = del.performer == me || del.for_municipalities.contains(&id);
            if !involved {
                continue;
            }
            let service = components::service(registry, &del.service);
            let by = party_link(d, &del.performer);
            events.push((
                Some(del.valid.from().into()),
                trm(
                    "tl-starts",
                    &[
                        ("service", service.clone()),
                        ("performer", by.clone()),
                        ("cooperation", cooperation_link(d)),
                    ],
                ),
            ));
            if let Some(to) = del.valid.to() {
                events.push((
                    Some(to.into()),
                    trm(
                        "tl-ends",
                        &[
                            ("service", service.clone()),
                            ("performer", by.clone()),
                            ("cooperation", cooperation_link(d)),
                        ],
                    ),
                ));
            }
            if !del.valid.contains(on) {
                continue;
            }
            let others: Vec<_> = del
                .for_municipalities
                .iter()
                .filter(|m| **m != id)
                .collect();
            if del.performer == me && !others.is_empty() {
                let whom = html! {
                    @for (i, m) in others.iter().enumerate() {
                        @if i > 0 { ", " }
                        (components::municipality_link(**m))
                    }
                };
                performs.push(html! {
                    (trm("for-whom", &[("service", service), ("whom", whom)])) " (" (until(del.valid.to())) ")"
                });
            } else if del.performer != me {
                performed.push(html! {
                    (trm("by-whom", &[("service", service), ("whom", by)])) " (" (until(del.valid.to())) ")"
                });
            }
        }
    }
    let deadlines = deadlines::section(
        registry,
        &Filter {
            municipality: Some(id),
            cooperation: None,
        },
        &format!("/municipalities/{id}/deadlines.ics"),
    )?;
    let mine = me.to_string();
    let disputes: Vec<_> = registry
        .all_disputes()
        .into_iter()
        .filter(|(_, d)| d.payer == mine || d.payee == mine)
        .collect();
    let body = html! {
        h1 { (name) (components::code(id)) }
        p {
            (trm("muni-on", &[("date", time(on))]))
        }
        form.search-form method="get" action={ "/municipalities/" (id) } {
            label for="on" { (tr("change-date")) }
            input #on .narrow type="date" name="on" value=(on.to_string());
            button.secondary type="submit" { (tr("show")) }
        }
        p { a href={ "/?municipality=" (id) } { (tr("ask-for-residents")) } }
        (crate::staff::disputes::open_section(&disputes))
        h2 { (tr("cooperations")) }
        @if member_of.is_empty() {
            p { (tr("not-party")) }
        } @else {
            ul {
                @for d in &member_of {
                    @let me = PartyId::Municipality(id);
                    @let last = d.evaluations.iter().filter(|e| e.party == me).max_by_key(|e| e.on);
                    @let next = samvirke_core::deadlines::evaluation_due(d, &me).ok().flatten();
                    li {
                        (cooperation_link(d)) " (" (tr(&format!("status-{}", d.cooperation.status.as_str()))) ")"
                        @if let Some(e) = last {
                            br;
                            (tra("municipality-last-evaluation", &[
                                ("date", &crate::html::day(e.on)),
                                ("delivers", &tr(&format!("verdict-{}", e.delivers.as_str()))),
                                ("value", &tr(&format!("verdict-{}", e.value_for_money.as_str()))),
                            ]))
                        }
                        @if let Some((year, amount)) = snapshot.registry.last_cost_of(&d.cooperation.id, &me).filter(|_| shows(d)) {
                            br;
                            (tra("municipality-last-cost", &[
                                ("year", &year.to_string()),
                                ("amount", &i18n::money(lang(), amount, samvirke_report::annual::currency(d.cooperation.country))),
                            ]))
                        }
                        @if let Some(n) = next {
                            br;
                            (tra("municipality-next-evaluation", &[("date", &crate::html::day(n))]))
                            @if n < crate::today() { " " strong.overdue { (tr("evaluation-overdue-short")) } }
                        }
                    }
                }
            }
        }
        // The latest year any of its cooperations settles (a payment agreement's cost basis or a
        // recorded run): what it pays and is paid.
        @let settled = member_of.iter().filter(|d| shows(d)).flat_map(|d| registry.settlement_years(&d.cooperation.id)).max();
        @if let Some(year) = settled {
            p { a href={ "/municipalities/" (id) "/settlements/" (year) } { (tra("settlement-municipality-link", &[("year", &year.to_string())])) } }
        }
        h2 { (tr("performs-for-others")) }
        (list_or_nothing(&performs))
        h2 { (tr("others-perform")) }
        (list_or_nothing(&performed))
        (deadlines)
        (components::timeline(events))
    };
    Ok(Html(page(&name, body).into_string()))
}

/// `GET /municipalities/{id}/deadlines.ics`, in the country's language.
pub(crate) async fn municipality_feed(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = crate::known_municipality(&id)?;
    let snapshot = snapshot(&state)?;
    let language = Language::of_country(id.country());
    Ok(deadlines::feed(
        &snapshot.registry,
        &Filter {
            municipality: Some(id),
            cooperation: None,
        },
        &format!("Samvirke: {}", municipality_name(id)),
        language,
    )?)
}
