//! `/cooperations/{id}`: a cooperation's parties, main-agreement versions, sub-agreements with
//! their status, where residents go and how to reach the parties' units, decisions with
//! referendum counts, candidate areas, deadlines and timeline; and
//! its calendar feed `/cooperations/{id}/deadlines.ics`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Html, Response};
use maud::{Markup, html};
use samvirke_core::deadlines::Filter;
use samvirke_core::model::{CooperationDoc, DecisionKind};
use samvirke_core::{PartialDate, PartyId};

use super::{PageError, deadlines, evaluation, snapshot};
use crate::html::components::{self, in_language, party_link, services};
use crate::html::layout::page;
use crate::html::{day, lang, partial_time, time, tr, tra, trm};
use crate::i18n;
use crate::{AppState, today};

/// A sub-agreement's status on today's date, in words.
fn sub_status(valid: &samvirke_core::Interval) -> String {
    match valid.to() {
        Some(to) if to <= today() => tra("sub-status-ended", &[("date", &day(to.pred()))]),
        Some(to) => tra("sub-status-until", &[("date", &day(to.pred()))]),
        None => tra("sub-status-since", &[("date", &day(valid.from()))]),
    }
}

fn timeline(doc: &CooperationDoc) -> Vec<(Option<PartialDate>, Markup)> {
    let language = doc.cooperation.language;
    let service_names = |ids: &[samvirke_core::ServiceId]| {
        ids.iter()
            .map(|id| {
                doc.services.iter().find(|s| &s.id == id).map_or_else(
                    || id.to_string(),
                    |s| s.names.get(lang().language()).to_string(),
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<(Option<PartialDate>, Markup)> = Vec::new();
    for v in &doc.main_agreement {
        if let Some(d) = v.counts_from() {
            out.push((
                Some(d.into()),
                html! { (tra("tl-main-version", &[("number", &v.number.to_string())])) },
            ));
        }
    }
    for s in &doc.sub_agreements {
        for r in &s.revisions {
            out.push((
                Some(r.effective.into()),
                trm(
                    "tl-sub-revised",
                    &[
                        ("number", html! { (s.number) }),
                        ("summary", in_language(&r.summary, language)),
                    ],
                ),
            ));
        }
    }
    for t in &doc.take_backs {
        out.push((
            Some(t.effective.into()),
            trm(
                "tl-take-back",
                &[
                    ("by", party_link(doc, &PartyId::Municipality(t.by))),
                    ("services", html! { (service_names(&t.services)) }),
                    ("from", party_link(doc, &t.from)),
                ],
            ),
        ));
    }
    for d in &doc.decisions {
        if let Some(date) = d.date {
            out.push((
                Some(date),
                html! { (tr(&format!("decision-{}", d.kind.as_str()))) ": " (in_language(&d.subject, language)) },
            ));
        }
    }
    for e in &doc.events {
        out.push((
            e.date,
            html! {
                (tr(&format!("event-{}", e.kind.as_str()))) ": " (in_language(&e.subject, language))
                @if let Some(place) = &e.place { " (" (in_language(place, language)) ")" }
                @if !e.participants.is_empty() {
                    " – "
                    @for (i, p) in e.participants.iter().enumerate() {
                        @if i > 0 { ", " }
                        (party_link(doc, p))
                    }
                }
                @if let Some(note) = &e.note { " " span.muted { (in_language(note, language)) } }
            },
        ));
    }
    out
}

/// `GET /cooperations/{id}`.
pub(crate) async fn cooperation_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let registry = &snapshot.registry;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let c = &doc.cooperation;
    let language = c.language;
    let (this_year, _, _) = today().ymd();
    let deadlines = deadlines::section(
        registry,
        &Filter {
            municipality: None,
            cooperation: Some(c.id.clone()),
        },
        &format!("/cooperations/{}/deadlines.ics", c.id),
    )?;
    let country_name = tr(&format!(
        "country-{}",
        c.country.code().to_ascii_lowercase()
    ));
    let form_name = components::legal_form(c.legal_form);
    let body = html! {
        h1 { (c.name) }
        p.lead {
            // The country, unless the legal form's name already says it ("forpligtende
            // samarbejde (Danmark)" on a Swedish page).
            @if !form_name.contains(&country_name) { (country_name) " · " }
            (form_name) " · "
            (tr(&format!("status-{}", c.status.as_str())))
        }
        @if let Some(purpose) = &c.purpose { p { (in_language(purpose, language)) } }
        h2 { (tr("parties")) }
        ul {
            @for p in &c.parties {
                @let performs: Vec<samvirke_core::ServiceId> = doc.delegations.iter()
                    .filter(|d| d.performer == p.id)
                    .map(|d| d.service.clone())
                    .fold(Vec::new(), |mut acc, s| { if !acc.contains(&s) { acc.push(s); } acc });
                li {
                    (party_link(doc, &p.id))
                    @if !performs.is_empty() {
                        " – " (trm("performs", &[("services", services(registry, &performs))]))
                    } @else if !p.roles.is_empty() {
                        " – "
                        @for (i, r) in p.roles.iter().enumerate() {
                            @if i > 0 { ", " }
                            (tr(&format!("role-{}", r.as_str())))
                        }
                    }
                }
            }
        }
        @if !doc.main_agreement.is_empty() {
            h2 { (tr("main-agreement")) }
            ol {
                @for v in &doc.main_agreement {
                    li {
                        (tra("main-version", &[("number", &v.number.to_string())]))
                        @if let Some(d) = v.counts_from() { " (" (trm("main-from", &[("date", time(d))])) ")" }
                        ": " (in_language(&v.summary, language))
                    }
                }
            }
        }
        @if !doc.sub_agreements.is_empty() {
            h2 { (tr("sub-agreements")) }
            table.stack {
                caption { (tr("sub-caption")) }
                thead { tr {
                    th scope="col" { (tr("col-number")) }
                    th scope="col" { (tr("col-title")) }
                    th scope="col" { (tr("col-services")) }
                    th scope="col" { (tr("col-status")) }
                } }
                tbody {
                    @for s in &doc.sub_agreements {
                        tr {
                            th scope="row" { (s.number) }
                            td data-label=(tr("col-title")) { (in_language(&s.title, language)) }
                            td data-label=(tr("col-services")) { (services(registry, &s.services)) }
                            td data-label=(tr("col-status")) {
                                (sub_status(&s.valid))
                                @for r in &s.revisions { "; " (tra("status-revised", &[("date", &day(r.effective))])) }
                            }
                        }
                    }
                }
            }
            p { a href={ "/cooperations/" (c.id) "/report/" (this_year - 1) } { (tra("report-link", &[("year", &(this_year - 1).to_string())])) } }
        }
        (contacts(doc, registry))
        @if !doc.decisions.is_empty() {
            h2 { (tr("decisions")) }
            ul {
                @for d in &doc.decisions {
                    li {
                        (tr(&format!("decision-{}", d.kind.as_str())))
                        " (" @match d.date { Some(date) => (partial_time(date)), None => (tr("date-unknown")) } "): "
                        (in_language(&d.subject, language))
                        @if let (DecisionKind::Referendum, Some(r)) = (d.kind, &d.referendum) {
                            " – "
                            (trm("referendum", &[
                                ("question", in_language(&r.question, language)),
                                ("yes", html! { (i18n::integer(lang(), r.yes)) }),
                                ("no", html! { (i18n::integer(lang(), r.no)) }),
                                ("valid", html! { (i18n::integer(lang(), r.valid)) }),
                                ("cast", html! { (i18n::integer(lang(), r.cast)) }),
                            ]))
                            @if let Some(t) = r.turnout_basis_points {
                                ", " (tra("turnout", &[("percent", &i18n::hundredths(lang(), i64::from(t)))]))
                            }
                        }
                    }
                }
            }
        }
        @if !doc.candidate_areas.is_empty() {
            h2 { (tr("areas")) }
            ul {
                @for a in &doc.candidate_areas {
                    li { (in_language(&a.area, language)) " – " (tr(&format!("area-status-{}", a.status.as_str()))) }
                }
            }
            p { a href={ "/cooperations/" (c.id) "/mapping" } { (tr("mapping-link")) } }
        }
        @if !doc.projects.is_empty() {
            p { a href={ "/cooperations/" (c.id) "/projects" } { (tra("projects-link", &[("count", &doc.projects.len().to_string())])) } }
        }
        @let published = doc.scenarios.iter().filter(|s| s.published).count();
        @if published > 0 {
            p { a href={ "/cooperations/" (c.id) "/scenarios" } { (tra("scenario-link", &[("count", &published.to_string())])) } }
        }
        @let years = snapshot.registry.settlement_years(&c.id);
        @if !years.is_empty() {
            h2 #settlement { (tr("settlement-heading")) }
            @if !c.settlements.is_public() { p { (tr("settlements-members-note")) } }
            ul.actions {
                @for y in &years {
                    li { a href={ "/cooperations/" (c.id) "/settlement/" (y) } { (tra("settlement-year-link", &[("year", &y.to_string())])) } }
                }
            }
        }
        (evaluations(doc))
        (deadlines)
        (components::timeline(timeline(doc)))
        p { a href={ "/cooperations/" (c.id) "/history" } { (tr("history-link")) } }
    };
    Ok(Html(page(&c.name, body).into_string()))
}

/// Where residents go when it is not the performer (each such delegation, in the agreement's
/// words), and the units the cooperation records with their channels.
fn contacts(doc: &CooperationDoc, registry: &samvirke_core::Registry) -> Markup {
    let language = doc.cooperation.language;
    let elsewhere: Vec<_> = doc
        .delegations
        .iter()
        .filter(|d| d.contact == Some(samvirke_core::model::ContactPlace::Residence))
        .collect();
    if doc.contacts.is_empty() && elsewhere.is_empty() {
        return html! {};
    }
    html! {
        h2 #contact { (tr("contact-heading")) }
        @if !elsewhere.is_empty() {
            ul {
                @for d in &elsewhere {
                    li {
                        (trm("contact-residence-line", &[
                            ("service", components::service(registry, &d.service)),
                            ("performer", party_link(doc, &d.performer)),
                            ("period", html! { (day(d.valid.from())) " – " (d.valid.last_day().map_or_else(|| tr("open-ended"), day)) }),
                        ]))
                        @if let Some(note) = &d.note { " " span.muted { (in_language(note, language)) } }
                    }
                }
            }
        }
        @for unit in &doc.contacts {
            div.contact-unit {
                p {
                    strong { (unit.unit) } ", " (party_link(doc, &unit.party))
                    @if !unit.services.is_empty() { " – " (services(registry, &unit.services)) }
                }
                (components::contact_channels(unit))
                @if let Some(note) = &unit.note { p.muted { (in_language(note, language)) } }
            }
        }
    }
}

/// When each municipality last evaluated the agreement and must next, the newest evaluation, and
/// the link to the evaluation page (shown when there is an evaluation or one is due).
fn evaluations(doc: &CooperationDoc) -> Markup {
    if doc.evaluations.is_empty() && evaluation::next_due(doc).is_empty() {
        return html! {};
    }
    html! {
        h2 #evaluations { (tr("evaluations")) }
        p { (tr("evaluations-intro")) }
        (evaluation::due_table(doc))
        @if let Some(e) = doc.evaluations.iter().max_by_key(|e| e.on) {
            (evaluation::evaluation_item(doc, e, 3))
        }
        p { a href={ "/cooperations/" (doc.cooperation.id) "/evaluation" } { (tr("evaluation-link")) } }
    }
}

/// `GET /cooperations/{id}/deadlines.ics`.
pub(crate) async fn cooperation_feed(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    Ok(deadlines::feed(
        &snapshot.registry,
        &Filter {
            municipality: None,
            cooperation: Some(doc.cooperation.id.clone()),
        },
        &format!("Samvirke: {}", doc.cooperation.name),
        doc.cooperation.language,
    )?)
}
