//! `/` and `/who`: the citizen's question (where do I live, what is my case about, on which day)
//! and the answer in words: who handles it, where to go and how to reach it, where to complain
//! and to ask for documents or for one's personal data, a notice
//! when the responsible municipality changes within a year or changed within the last one, and the
//! proof chain folded into a disclosure.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};
use samvirke_core::laws;
use samvirke_core::resolver::{Answer, Body, WhereToGo};
use samvirke_core::statutory::Certainty;
use samvirke_core::{Country, Date, MunicipalityId, MunicipalityRegister, ServiceId};

use super::{PageError, search, snapshot};
use crate::api::WhoQuery;
use crate::html::layout::page;
use crate::html::{components, day, resolver, time, tr, tra, trm};
use crate::{AppState, Snapshot, WebError, today};

/// How far ahead and back the answer looks for a change of the responsible municipality, in days.
const CHANGE_NOTICE_DAYS: i32 = 366;

/// The question form; the services offered are those of the chosen municipality's country (all
/// countries' when none is chosen yet), by their names in the page's language.
fn form(snapshot: &Snapshot, query: &WhoQuery) -> Markup {
    let chosen_m = query.municipality.as_deref().unwrap_or("");
    let chosen_s = query.service.as_deref().unwrap_or("");
    let on = query.on.clone().unwrap_or_else(|| today().to_string());
    let country = MunicipalityId::parse(chosen_m, None)
        .ok()
        .map(|m| m.country());
    let register = MunicipalityRegister::embedded();
    let registry = &snapshot.registry;
    // The chosen municipality's country, when no cooperation records a service there yet.
    let none_for = country.filter(|c| {
        !registry
            .service_ids()
            .iter()
            .any(|id| registry.service_names(id).is_some_and(|(_, sc)| sc == *c))
    });
    html! {
        form method="get" action="/who" {
            label for="municipality" { (tr("form-municipality")) }
            select #municipality name="municipality" required data-autocomplete data-filters="service" {
                option value="" { (tr("form-municipality-choose")) }
                @for (c, label) in [(Country::Dk, "country-dk"), (Country::Se, "country-se"), (Country::No, "country-no")] {
                    optgroup label=(tr(label)) data-country=(c.code()) {
                        @for v in sorted_by_name(register.in_force_on(today(), Some(c))) {
                            @let id = v.id.to_string();
                            option value=(id) selected[id == chosen_m] { (v.name) }
                        }
                    }
                }
            }
            label for="service" { (tr("form-service")) }
            @if let Some(c) = none_for {
                p.hint #service-none {
                    (tra("form-service-none", &[("country", &tr(&format!("country-{}", c.code().to_ascii_lowercase())))]))
                }
            }
            select #service name="service" required aria-describedby=[none_for.map(|_| "service-none")] {
                option value="" { (tr("form-service-choose")) }
                @for (c, label) in [(Country::Dk, "country-dk"), (Country::Se, "country-se"), (Country::No, "country-no")] {
                    @let ids: Vec<&ServiceId> = registry.service_ids().iter()
                        .filter(|id| registry.service_names(id).is_some_and(|(_, sc)| sc == c))
                        .collect();
                    // Another country's services are in the page but hidden, so that the
                    // script can offer them when another country's municipality is chosen.
                    @let other = country.is_some_and(|mine| mine != c);
                    @if !ids.is_empty() {
                        optgroup label=(tr(label)) data-country=(c.code()) hidden[other] disabled[other] {
                            @for id in ids {
                                option value=(id) selected[id.as_str() == chosen_s] {
                                    (components::service_text(registry, id))
                                }
                            }
                        }
                    }
                }
            }
            label for="on" { (tr("form-date")) }
            input #on .narrow name="on" type="date" value=(on);
            button type="submit" { (tr("form-submit")) }
        }
    }
}

fn sorted_by_name(
    mut list: Vec<&samvirke_core::municipalities::CodeVersion>,
) -> Vec<&samvirke_core::municipalities::CodeVersion> {
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// `GET /`: the search box and the question.
pub(crate) async fn front(
    State(state): State<Arc<AppState>>,
    Query(prefill): Query<WhoQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(&state)?;
    let body = html! {
        h1 { (tr("who-title")) }
        p.lead { (tr("who-intro")) }
        (form(&snapshot, &prefill))
        h2 { (tr("search-title")) }
        (search::search_form(""))
    };
    Ok(Html(page(&tr("who-title"), body).into_string()))
}

fn body_line(label: &str, body: &Body) -> Markup {
    html! {
        dt { (label) }
        dd {
            (body.name)
            @if !body.stated_in_agreement {
                " " span.muted { "(" (tr("body-default")) ")" }
            }
        }
    }
}

/// Where the resident goes: the place, why there, and each unit's channels as recorded.
fn contact_html(a: &Answer) -> Markup {
    let c: &WhereToGo = &a.contact;
    let place = html! { strong { (c.name) } };
    let performer = html! { (a.responsible.name) };
    let why = trm(
        &format!("answer-contact-{}", c.reason()),
        &[("place", place), ("performer", performer)],
    );
    html! {
        section.contact aria-labelledby="contact-heading" {
            h3 #contact-heading { (tr("answer-contact-heading")) }
            p { (why) }
            @for unit in &c.contacts {
                div.contact-unit {
                    p { strong { (unit.unit) } }
                    (components::contact_channels(unit))
                }
            }
            @if c.contacts.is_empty() {
                p.muted { (tr("answer-contact-none")) }
            }
        }
    }
}

/// When the responsible municipality changes within a year after the day asked about, or changed
/// within the year before it: the day and who handles it from then.
fn change_notice(snapshot: &Snapshot, a: &Answer) -> Option<Markup> {
    let valid = a.basis.last()?.valid.as_ref()?;
    let municipality = MunicipalityId::parse(&a.municipality.id, None).ok()?;
    let registry = &snapshot.registry;
    let name_on = |d: Date| {
        registry
            .who(municipality, &a.service.id, d, None)
            .ok()
            .map(|other| other.responsible)
    };
    let soon = Date::from_days_since_epoch(a.on.days_since_epoch() + CHANGE_NOTICE_DAYS);
    if let Some(to) = valid.to.filter(|to| *to <= soon) {
        let next = name_on(to)?;
        if next.id != a.responsible.id {
            return Some(html! {
                p.notice { (trm("answer-changes", &[("date", time(to)), ("name", html! { strong { (next.name) } })])) }
            });
        }
    }
    let recently = Date::from_days_since_epoch(a.on.days_since_epoch() - CHANGE_NOTICE_DAYS);
    if valid.from > recently && valid.from <= a.on {
        let before = name_on(valid.from.pred())?;
        if before.id != a.responsible.id {
            return Some(html! {
                p.notice { (trm("answer-changed", &[("date", time(valid.from)), ("name", html! { strong { (a.responsible.name) } }), ("before", html! { (before.name) })])) }
            });
        }
    }
    None
}

/// The legal basis, each law by its name in the reader's language linked to its text
/// ("Serviceloven § 86"); a citation of a law Samvirke does not know as written.
fn law_line(citations: &[String]) -> Markup {
    html! {
        @for (i, text) in citations.iter().enumerate() {
            @if i > 0 { "; " }
            @match laws::cite(text) {
                Some(c) => a href=(c.law.url) {
                    (components::localized(&c.law.name))
                    @if !c.section.is_empty() { " " (c.section) }
                },
                None => (text),
            }
        }
    }
}

/// How to complain about a decision in the case, from the first law of the legal basis that says:
/// to whom, by which day (counted from the day asked about, as the day the decision was
/// received), what the deciding municipality does with it, and who decides it in the end.
fn complain_html(a: &Answer) -> Option<Markup> {
    let (law, appeal) = a
        .legal_basis
        .iter()
        .filter_map(|text| laws::cite(text))
        .find_map(|c| c.law.appeal.as_ref().map(|appeal| (c.law, appeal)))?;
    let last = appeal.last_day(law.country, a.on).ok()?;
    let body = html! {
        @match &appeal.body_url {
            Some(url) => a href=(url) { (components::localized(&appeal.body)) },
            None => (components::localized(&appeal.body)),
        }
    };
    let decider = html! { strong { (a.complaints_to.name) } };
    let within = html! { strong { (components::span(appeal.within)) } };
    let reconsider = appeal
        .clock
        .as_ref()
        .and_then(|id| samvirke_core::cases::clocks().iter().find(|c| &c.id == id))
        .filter(|_| appeal.to_decider)
        .map(|clock| components::span(clock.span));
    Some(html! {
        section.complain aria-labelledby="complain-heading" {
            h3 #complain-heading { (tr("answer-complain-heading")) }
            p {
                @if appeal.to_decider {
                    (trm("answer-complain-to-decider", &[("decider", decider.clone()), ("within", within)]))
                } @else {
                    (trm("answer-complain-to-body", &[("body", body.clone()), ("within", within)]))
                }
            }
            p { (trm("answer-complain-last-day", &[("received", time(a.on)), ("last", html! { strong { (time(last)) } })])) }
            @if let Some(span) = reconsider {
                p { (trm("answer-complain-reconsider", &[("decider", html! { (a.complaints_to.name) }), ("body", body.clone()), ("span", html! { (span) })])) }
            }
            p { (trm("answer-complain-final", &[("body", body)])) }
            @if appeal.certainty == Certainty::Unsure {
                p.muted { (tr("answer-complain-unsure")) }
            }
        }
    })
}

/// The clauses of the agreement that bear on the answer (Dragør–Tårnby's 2.3: a Dragør resident
/// may receive the service in Dragør although Tårnby performs it), in the agreement's language.
fn clauses_html(snapshot: &Snapshot, a: &Answer) -> Markup {
    let language = a
        .basis
        .iter()
        .find(|s| s.step == "cooperation")
        .and_then(|s| s.id.as_deref())
        .and_then(|id| samvirke_core::CooperationId::parse(id).ok())
        .and_then(|id| snapshot.registry.cooperation(&id))
        .map(|doc| doc.cooperation.language);
    let Some(language) = language.filter(|_| !a.clauses.is_empty()) else {
        return html! {};
    };
    html! {
        section.clauses aria-labelledby="answer-clauses-heading" {
            h3 #answer-clauses-heading { (tr("answer-clauses-heading")) }
            dl.clauses {
                @for c in &a.clauses { (components::clause_entry(c, language, html! {})) }
            }
        }
    }
}

fn answer_html(snapshot: &Snapshot, a: &Answer) -> Markup {
    let service_name = ServiceId::parse(&a.service.id)
        .map(|id| components::service_text(&snapshot.registry, &id))
        .unwrap_or_else(|_| a.service.name.clone());
    html! {
        section.answer aria-labelledby="answer-heading" {
            h2 #answer-heading { (tra("answer-heading", &[("name", &a.responsible.name)])) }
            p.lead {
                (trm("answer-text", &[
                    ("municipality", html! { (a.municipality.name) }),
                    ("responsible", html! { strong { (a.responsible.name) } }),
                    ("service", html! { (service_name) }),
                    ("date", time(a.on)),
                ]))
            }
            @if let Some(notice) = change_notice(snapshot, a) { (notice) }
            (contact_html(a))
            dl.summary {
                (body_line(&tr("answer-complaints"), &a.complaints_to))
                (body_line(&tr("answer-access"), &a.documents_access_to))
                (body_line(&tr("answer-data-access"), &a.data_access_to))
                @if !a.legal_basis.is_empty() {
                    dt { (tr("answer-law")) }
                    dd { (law_line(&a.legal_basis)) }
                }
            }
            @if let Some(complain) = complain_html(a) { (complain) }
            (clauses_html(snapshot, a))
            @for note in &a.municipality_notes {
                p { (tr("answer-note")) ": " (note) }
            }
            details {
                summary { (tr("answer-why")) }
                ol {
                    @for step in &a.basis {
                        li {
                            (resolver::step_text(step.step, &step.text, &step.args, &service_name))
                            @if let Some(v) = &step.valid {
                                " (" (tra("answer-valid", &[("from", &day(v.from)), ("to", &v.last_day.map_or_else(|| tr("open-ended"), day))])) ")"
                            }
                        }
                    }
                }
            }
            @for step in a.basis.iter().filter(|s| s.step == "cooperation") {
                @if let Some(id) = &step.id {
                    p.no-print { a href={ "/cooperations/" (id) } { (tr("answer-read-more")) } }
                }
            }
        }
    }
}

/// What is wrong with a question, in the reader's words.
enum Unanswered {
    /// The reader's mistake: 400 or 404 with the message.
    Question(axum::http::StatusCode, String),
    /// Ours: a 500, the cause logged.
    Server(WebError),
}

/// The answer to a question from the page's form, or what is wrong with it in the reader's words.
async fn page_answer(state: &Arc<AppState>, query: &WhoQuery) -> Result<Answer, Unanswered> {
    use axum::http::StatusCode;
    let question = |key: &str| Unanswered::Question(StatusCode::BAD_REQUEST, tr(key));
    let municipality = query.municipality.as_deref().unwrap_or("").trim();
    let service = query.service.as_deref().unwrap_or("").trim().to_string();
    if municipality.is_empty() {
        return Err(question("who-choose-municipality"));
    }
    if service.is_empty() {
        return Err(question("who-choose-service"));
    }
    let id = MunicipalityId::parse(municipality, None).map_err(|_| {
        Unanswered::Question(
            StatusCode::BAD_REQUEST,
            tra("who-unknown-municipality", &[("input", municipality)]),
        )
    })?;
    let on = match query.on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => Date::parse(text).map_err(|_| {
            Unanswered::Question(
                StatusCode::BAD_REQUEST,
                tra("date-invalid", &[("label", &tr("form-date"))]),
            )
        })?,
        None => today(),
    };
    let as_known_on = match query
        .as_known_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(text) => Some(samvirke_core::Timestamp::parse(text).map_err(|_| {
            Unanswered::Question(StatusCode::BAD_REQUEST, tr("who-as-known-on-invalid"))
        })?),
        None => None,
    };
    let answered = state
        .who(id, service, on, as_known_on)
        .await
        .map_err(Unanswered::Server)?;
    answered.map_err(|e| match resolver::error_message(&e) {
        (axum::http::StatusCode::INTERNAL_SERVER_ERROR, _) => {
            Unanswered::Server(WebError::Internal(e.to_string()))
        }
        (status, message) => Unanswered::Question(status, message),
    })
}

/// `GET /who?municipality=&service=&on=`: the answer, or what is wrong with the question.
pub(crate) async fn who_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<WhoQuery>,
) -> Result<Response, PageError> {
    let snapshot = snapshot(&state)?;
    let form_html = form(&snapshot, &query);
    match page_answer(&state, &query).await {
        Ok(a) => {
            let body = html! {
                h1 { (tr("who-title")) }
                (answer_html(&snapshot, &a))
                h2.no-print { (tr("ask-again")) }
                (form_html)
            };
            Ok(Html(
                page(
                    &tra("answer-heading", &[("name", &a.responsible.name)]),
                    body,
                )
                .into_string(),
            )
            .into_response())
        }
        Err(Unanswered::Server(e)) => Err(PageError(e)),
        Err(Unanswered::Question(status, message)) => {
            let body = html! {
                h1 { (tr("who-title")) }
                (components::error_box(&tr("error-answer"), &message))
                (form_html)
            };
            Ok((status, Html(page(&tr("error-answer"), body).into_string())).into_response())
        }
    }
}
