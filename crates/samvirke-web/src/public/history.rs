//! `/cooperations/{id}/history`: every version of a cooperation's record, newest first, each with
//! its date, reason and the changes in words ("Sub-agreement 3: ends 31.12.2026"); and
//! `/cooperations/{id}/diff?from=&to=`: the changes between two versions in words, with the
//! agreement file's unified diff behind a disclosure.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::model::{CooperationDoc, Fact};
use samvirke_core::{Interval, MunicipalityId, MunicipalityRegister, PartyId, Registry, Timestamp};
use samvirke_store::Change;

use super::PageError;
use crate::edit::{doc_of, file_text, unified_diff};
use crate::html::components::{self, in_language, party_link};
use crate::html::layout::page;
use crate::html::{day, lang, tr, tra, trm};
use crate::{AppState, WebError, i18n};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}/history", get(history_page))
        .route("/cooperations/{id}/diff", get(diff_page))
}

/// Versions shown on one page of the history.
const VERSIONS_PER_PAGE: usize = 50;

/// Changes listed on a comparison of two versions (the file diff behind it is whole); the rest
/// are counted.
const DIFF_STEPS_MAX: u64 = 500;

#[derive(serde::Deserialize)]
pub(crate) struct HistoryQuery {
    saved: Option<String>,
    page: Option<String>,
}

/// One event, read back: the change and the fact it replaced (for saying what changed).
struct Step {
    change: Change,
    before: Option<Fact>,
}

/// One version: the events written together, by one person, for one reason.
struct Version {
    /// The last event of the version.
    seq: u64,
    /// The event before the version's first.
    base: u64,
    at: Timestamp,
    actor: Actor,
    reason: String,
    steps: Vec<Step>,
}

/// The events of a page of history and the facts they replaced, read on the reader connection.
struct Read {
    /// A count the reader asked for with the events (versions or events in all).
    count: u64,
    items: Vec<(crate::api::HistoryItem, Change)>,
    /// The fact each superseded event put, by its sequence number.
    replaced: HashMap<u64, Fact>,
}

/// Reads `events` (chosen by `pick` from the journal index) with the facts they replaced.
async fn read(
    state: &Arc<AppState>,
    pick: impl FnOnce(&mut samvirke_store::Store) -> Result<(u64, Vec<samvirke_store::Event>), WebError>
    + Send
    + 'static,
) -> Result<Read, WebError> {
    state
        .with_reader(move |store| {
            let (count, events) = pick(store)?;
            let items = AppState::history_entries(store, events)?;
            let superseded: Vec<u64> = items
                .iter()
                .filter_map(|(_, change)| match change {
                    Change::Put { supersedes, .. } => *supersedes,
                    Change::Retract { supersedes, .. } => Some(*supersedes),
                })
                .collect();
            let mut replaced = HashMap::new();
            for event in store.events_by_seq(&superseded)? {
                if let Ok(samvirke_store::Payload {
                    change: Change::Put { fact, .. },
                }) = event.payload()
                {
                    replaced.insert(event.seq, *fact);
                }
            }
            Ok(Read {
                count,
                items,
                replaced,
            })
        })
        .await
}

/// The versions the events of `read` make, oldest first: each event with the fact it replaced.
fn versions(read: Read) -> Result<Vec<Version>, WebError> {
    let mut out: Vec<Version> = Vec::new();
    for (item, change) in read.items {
        let superseded = match &change {
            Change::Put { supersedes, .. } => *supersedes,
            Change::Retract { supersedes, .. } => Some(*supersedes),
        };
        let before = superseded.and_then(|s| read.replaced.get(&s).cloned());
        let step = Step { change, before };
        let actor = Actor {
            name: item.actor,
            role: item.actor_role,
            municipality: item.actor_municipality,
        };
        match out.last_mut() {
            Some(v) if v.at == item.recorded_at && v.actor == actor && v.reason == item.reason => {
                v.seq = item.seq;
                v.steps.push(step);
            }
            _ => out.push(Version {
                seq: item.seq,
                base: item.seq - 1,
                at: item.recorded_at,
                actor,
                reason: item.reason,
                steps: vec![step],
            }),
        }
    }
    Ok(out)
}

/// Who made a version, for the public: a staff account by its role and municipality (never its
/// e-mail address), anyone else by the name the journal has.
fn actor_text(actor: &Actor) -> String {
    let municipality = actor
        .municipality
        .as_deref()
        .and_then(|m| MunicipalityId::parse(m, None).ok())
        .and_then(|m| MunicipalityRegister::embedded().name(m));
    match (&actor.role, municipality) {
        (Some(role), Some(name)) => tra(
            "history-by-role-in",
            &[
                ("role", &tr(&format!("role-account-{role}"))),
                ("municipality", name),
            ],
        ),
        (Some(role), None) => tr(&format!("role-account-{role}")),
        (None, _) if actor.name == "staff" => tr("history-by-staff"),
        (None, _) if actor.name == samvirke_store::CLI_ACTOR => tr("history-by-cli"),
        (None, _) => actor.name.clone(),
    }
}

/// Who recorded a version, as the public history has it.
#[derive(PartialEq, Eq)]
struct Actor {
    name: String,
    role: Option<String>,
    municipality: Option<String>,
}

/// What a fact is about, in words.
fn subject(registry: &Registry, doc: Option<&CooperationDoc>, fact: &Fact) -> Markup {
    let language = doc.map_or(lang().language(), |d| d.cooperation.language);
    let party = |p: &PartyId| match doc {
        Some(d) => party_link(d, p),
        None => html! { (p) },
    };
    match fact {
        Fact::Cooperation(c) => trm("change-cooperation", &[("name", html! { (c.name) })]),
        Fact::Service { service, .. } => trm(
            "change-service",
            &[("name", components::localized(&service.names))],
        ),
        Fact::MainAgreementVersion { version, .. } => html! {
            (tra("change-main", &[("number", &version.number.to_string())]))
        },
        Fact::SubAgreement {
            sub_agreement: s, ..
        } => trm(
            "change-sub",
            &[
                ("number", html! { (s.number) }),
                ("title", in_language(&s.title, language)),
            ],
        ),
        Fact::Delegation { delegation: d, .. } => trm(
            "change-delegation",
            &[
                ("service", components::service(registry, &d.service)),
                ("performer", party(&d.performer)),
            ],
        ),
        Fact::TakeBack { take_back: t, .. } => trm(
            "change-take-back",
            &[
                ("by", party(&PartyId::Municipality(t.by))),
                ("date", crate::html::time(t.effective)),
            ],
        ),
        Fact::Decision { decision, .. } => trm(
            "change-decision",
            &[("subject", in_language(&decision.subject, language))],
        ),
        Fact::StaffTransfer {
            staff_transfer: s, ..
        } => trm(
            "change-staff-transfer",
            &[("from", party(&s.from)), ("to", party(&s.to))],
        ),
        Fact::Event { event, .. } => trm(
            "change-event",
            &[("subject", in_language(&event.subject, language))],
        ),
        Fact::Document { document: d, .. } => trm(
            "change-document",
            &[
                (
                    "kind",
                    html! { (tr(&format!("document-{}", d.kind.as_str()))) },
                ),
                ("title", in_language(&d.title, language)),
            ],
        ),
        Fact::Clause { clause: c, .. } => trm(
            "change-clause",
            &[
                ("number", html! { (c.number) }),
                (
                    "subject",
                    html! { (tr(&format!("clause-{}", c.subject.as_str()))) },
                ),
            ],
        ),
        // A name the file does not publish is left out of the public history too.
        Fact::Role { role: r, .. } if r.public => trm(
            "change-role",
            &[
                ("role", in_language(&r.role, language)),
                ("person", html! { (r.person) }),
            ],
        ),
        Fact::Role { role: r, .. } => trm(
            "change-role-unnamed",
            &[("role", in_language(&r.role, language))],
        ),
        Fact::Figure { figure: f, .. } => trm(
            "change-figure",
            &[("subject", in_language(&f.subject, language))],
        ),
        Fact::Contact { contact: c, .. } => trm(
            "change-contact",
            &[("unit", html! { (c.unit) }), ("party", party(&c.party))],
        ),
        Fact::CandidateArea { candidate_area, .. } => trm(
            "change-area",
            &[("area", in_language(&candidate_area.area, language))],
        ),
        Fact::Mapping { .. } => html! { (tr("change-mapping")) },
        Fact::Voting { .. } => html! { (tr("change-voting")) },
        Fact::Project { project, .. } => trm(
            "change-project",
            &[("name", in_language(&project.name, language))],
        ),
        Fact::Scenario { scenario, .. } if !scenario.published => {
            html! { (tr("change-scenario-unpublished")) }
        }
        Fact::Scenario { scenario, .. } => trm(
            "change-scenario",
            &[("name", in_language(&scenario.name, language))],
        ),
        Fact::Evaluation { evaluation: e, .. } => trm(
            "change-evaluation",
            &[
                ("party", party(&e.party)),
                ("date", crate::html::time(e.on)),
            ],
        ),
        Fact::Obligation { obligation, .. } => trm(
            "change-obligation",
            &[("title", components::localized(&obligation.title))],
        ),
        Fact::PaymentAgreement {
            payment_agreement: p,
            ..
        } => html! {
            (tra("change-payment", &[("number", &p.sub_agreement.to_string())]))
        },
        Fact::SettlementRun { run, .. } => html! {
            (tra("change-settlement", &[("year", &run.year.to_string())]))
        },
        Fact::Invoice { invoice, .. } => html! {
            (tra(if invoice.credit_note { "change-credit-note" } else { "change-invoice" }, &[("number", &invoice.number), ("year", &invoice.year.to_string())]))
        },
        Fact::Dispute { dispute, .. } => html! {
            (tra("change-dispute", &[("number", &dispute.number.to_string()), ("year", &dispute.year.to_string())]))
        },
        Fact::ReportTemplate { template, .. } => html! {
            (tra("change-report-template", &[("version", &template.version.to_string())]))
        },
        Fact::FactSheet { sheet, .. } => html! {
            (tra("change-fact-sheet", &[("year", &sheet.year.to_string()), ("number", &sheet.sub_agreement.to_string())]))
        },
        Fact::ObligationStatus { status, .. } => html! {
            (tra("change-deadline", &[("date", &day(status.due)), ("state", &tr(&format!("deadline-{}", status.state.as_str())))]))
        },
    }
}

/// The validity of a fact that has one.
fn validity(fact: &Fact) -> Option<Interval> {
    match fact {
        Fact::SubAgreement { sub_agreement, .. } => Some(sub_agreement.valid),
        Fact::Delegation { delegation, .. } => Some(delegation.valid),
        Fact::Obligation { obligation, .. } => Some(obligation.valid),
        Fact::Contact { contact, .. } => contact.valid,
        Fact::PaymentAgreement {
            payment_agreement, ..
        } => Some(payment_agreement.valid),
        _ => None,
    }
}

/// What happened to the fact: added (with its validity), withdrawn, or changed (its new first or
/// last day, when that is what changed).
fn what(step: &Step) -> String {
    match (&step.change, &step.before) {
        (Change::Retract { .. }, _) => tr("change-withdrawn"),
        (Change::Put { fact, .. }, None) => match validity(fact) {
            Some(v) => tra(
                "change-added-valid",
                &[
                    ("from", &day(v.from())),
                    (
                        "to",
                        &v.to().map_or_else(|| tr("open-ended"), |t| day(t.pred())),
                    ),
                ],
            ),
            None => tr("change-added"),
        },
        (Change::Put { fact, .. }, Some(old)) => {
            let mut parts = Vec::new();
            if let (Some(new), Some(old)) = (validity(fact), validity(old)) {
                if new.from() != old.from() {
                    parts.push(tra("change-starts", &[("date", &day(new.from()))]));
                }
                if new.to() != old.to() {
                    parts.push(match new.to() {
                        Some(t) => tra("change-ends", &[("date", &day(t.pred()))]),
                        None => tr("change-open-ended"),
                    });
                }
            }
            if parts.is_empty() {
                tr("change-changed")
            } else {
                parts.join("; ")
            }
        }
    }
}

fn step_fact(step: &Step) -> Option<&Fact> {
    match &step.change {
        Change::Put { fact, .. } => Some(fact),
        Change::Retract { .. } => step.before.as_ref(),
    }
}

fn changes_list(registry: &Registry, doc: Option<&CooperationDoc>, steps: &[Step]) -> Markup {
    html! {
        ul {
            @for step in steps {
                li {
                    @match step_fact(step) {
                        Some(fact) => { (subject(registry, doc, fact)) ": " }
                        None => {}
                    }
                    (what(step))
                }
            }
        }
    }
}

/// `GET /cooperations/{id}/history?page=`.
async fn history_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let id = doc.cooperation.id.clone();
    let page_number: usize = match query.page.as_deref().filter(|p| !p.is_empty()) {
        None => 1,
        Some(text) => {
            text.parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| WebError::BadRequest {
                    field: "page",
                    detail: tra("history-page-invalid", &[("page", text)]),
                })?
        }
    };
    let shown_events = state.shown(&id)?;
    let offset = ((page_number - 1) * VERSIONS_PER_PAGE) as u64;
    let coop = id.clone();
    let read = read(&state, move |store| {
        Ok(store.version_page(&coop, shown_events, offset, VERSIONS_PER_PAGE as u64)?)
    })
    .await?;
    let total = usize::try_from(read.count).unwrap_or(usize::MAX);
    let mut all = versions(read)?;
    all.reverse();
    let pages = total.div_ceil(VERSIONS_PER_PAGE).max(1);
    // Each version with its number in the cooperation's history (the first is 1), newest first.
    let first = total.saturating_sub((page_number - 1) * VERSIONS_PER_PAGE);
    let shown: Vec<(usize, &Version)> = all
        .iter()
        .enumerate()
        .map(|(i, v)| (first.saturating_sub(i), v))
        .collect();
    let title = tra("history-title", &[("name", &doc.cooperation.name)]);
    let body = html! {
        h1 { (title) }
        @if query.saved.is_some() {
            div.confirmation #saved role="status" tabindex="-1" {
                h2 { (tr("saved-title")) }
                p { (tr("history-saved")) }
            }
        }
        p { a href={ "/cooperations/" (id) } { (tr("public-page")) } }
        p { (tr("history-intro")) }
        @for (number, v) in &shown {
            section.version aria-labelledby={ "v" (v.seq) } {
                h2 #{ "v" (v.seq) } { (tra("history-version", &[("number", &number.to_string()), ("when", &i18n::datetime(lang(), v.at))])) }
                dl.summary {
                    dt { (tr("history-why")) } dd { (v.reason) }
                    dt { (tr("history-who")) } dd { (actor_text(&v.actor)) }
                }
                (changes_list(&snapshot.registry, Some(doc), &v.steps))
                p { a href={ "/cooperations/" (id) "/diff?from=" (v.base) "&to=" (v.seq) } { (tr("history-diff")) } }
            }
        }
        @if pages > 1 {
            nav aria-label=(tr("pages")) {
                ul.actions {
                    @if page_number > 1 { li { a href={ "/cooperations/" (id) "/history?page=" (page_number - 1) } { (tr("newer")) } } }
                    li { (tra("page-of", &[("page", &page_number.to_string()), ("pages", &pages.to_string())])) }
                    @if page_number < pages { li { a href={ "/cooperations/" (id) "/history?page=" (page_number + 1) } { (tr("older")) } } }
                }
            }
        }
        @if all.len() > 1 {
            h2 { (tr("history-compare")) }
            form method="get" action={ "/cooperations/" (id) "/diff" } {
                @for (name, label, chosen) in [("from", "history-from", all.get(1).map(|v| v.seq)), ("to", "history-to", all.first().map(|v| v.seq))] {
                    label for=(name) { (tr(label)) }
                    select id=(name) name=(name) {
                        @for v in &all {
                            option value=(v.seq) selected[Some(v.seq) == chosen] {
                                (i18n::datetime(lang(), v.at)) " – " (v.reason)
                            }
                        }
                    }
                }
                button type="submit" { (tr("history-show")) }
            }
        }
    };
    Ok(Html(page(&title, body).into_string()))
}

#[derive(serde::Deserialize)]
pub(crate) struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

fn seq_field(field: &'static str, text: Option<&str>) -> Result<u64, WebError> {
    let text = text.unwrap_or("").trim();
    text.parse().map_err(|_| WebError::BadRequest {
        field,
        detail: tra("diff-not-a-version", &[("field", field), ("value", text)]),
    })
}

/// `GET /cooperations/{id}/diff?from=&to=`.
async fn diff_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let id = doc.cooperation.id.clone();
    let from = seq_field("from", query.from.as_deref())?;
    let to = seq_field("to", query.to.as_deref())?;
    let (from, to) = (from.min(to), from.max(to));
    let shown_events = state.shown(&id)?;
    let coop = id.clone();
    let (old, new, head, from_at, to_at) = state
        .with_reader(move |store| {
            let head = store.head()?;
            let old = doc_of(&store.cooperation_state_through(&coop, from)?);
            let new = doc_of(&store.cooperation_state_through(&coop, to)?);
            let mut at = |seq| -> Result<_, WebError> {
                Ok(store
                    .last_event_through(&coop, shown_events, seq)?
                    .map(|e| e.recorded_at))
            };
            let (from_at, to_at) = (at(from)?, at(to)?);
            Ok((old, new, head, from_at, to_at))
        })
        .await?;
    if to > head || (old.is_none() && new.is_none()) {
        return Err(WebError::NotFound(String::new()).into());
    }
    // The file as anyone may read it: no name that is not public, no scenario not published.
    let public = |doc: Option<CooperationDoc>| doc.map(|d| d.for_public().into_owned());
    let (old, new) = (public(old), public(new));
    let coop = id.clone();
    let read = read(&state, move |store| {
        let count = store.event_count_between(&coop, shown_events, (from, to))?;
        let events =
            store.cooperation_events(&coop, shown_events, (from, to), 0, DIFF_STEPS_MAX)?;
        Ok((count, events))
    })
    .await?;
    let more = read.count.saturating_sub(DIFF_STEPS_MAX);
    let all = versions(read)?;
    let steps: Vec<&Step> = all.iter().flat_map(|v| v.steps.iter()).collect();
    let label = |at: Option<Timestamp>| {
        at.map_or_else(|| tr("diff-nothing-yet"), |at| i18n::datetime(lang(), at))
    };
    let diff = unified_diff(
        &file_text(old.as_ref()),
        &file_text(new.as_ref()),
        &format!("{id}.toml @ {from}"),
        &format!("{id}.toml @ {to}"),
    );
    let title = tra(
        "diff-title",
        &[("from", &label(from_at)), ("to", &label(to_at))],
    );
    let body = html! {
        h1 { (title) }
        p { a href={ "/cooperations/" (id) "/history" } { (tr("history")) } }
        @if diff.is_empty() {
            p { (tr("diff-none")) }
        } @else {
            h2 { (tr("diff-changes")) }
            ul {
                @for step in &steps {
                    li {
                        @if let Some(fact) = step_fact(step) { (subject(&snapshot.registry, Some(doc), fact)) ": " }
                        (what(step))
                    }
                }
            }
            @if more > 0 {
                p { (tra("diff-more", &[("count", &more.to_string())])) }
            }
            details {
                summary { (tr("diff-raw")) }
                p { (tr("diff-intro")) }
                pre.diff tabindex="0" aria-label=(title) {
                    @for line in diff.lines() {
                        @let class = match line.as_bytes().first() {
                            Some(b'+') if !line.starts_with("+++") => Some("add"),
                            Some(b'-') if !line.starts_with("---") => Some("del"),
                            _ => None,
                        };
                        span class=[class] { (line) } "\n"
                    }
                }
            }
        }
    };
    Ok(Html(page(&title, body).into_string()))
}
