//! `/cooperations/{id}`: a cooperation's figures, parties with organisation numbers,
//! organisations, people in roles, staff transfers, main-agreement versions, sub-agreements with
//! their status (placeholders as such), clauses, payment agreements and their principles,
//! documents, where residents go and how to reach the parties' units, decisions with referendum
//! counts, candidate areas with expected gains, deadlines and timeline; and
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
        @if let Some(note) = &c.note { p.muted { (tr("cooperation-note")) ": " (in_language(note, language)) } }
        (figures(doc))
        h2 { (tr("parties")) }
        ul {
            @for p in &c.parties {
                @let performs: Vec<samvirke_core::ServiceId> = doc.delegations.iter()
                    .filter(|d| d.performer == p.id)
                    .map(|d| d.service.clone())
                    .fold(Vec::new(), |mut acc, s| { if !acc.contains(&s) { acc.push(s); } acc });
                li {
                    (party_link(doc, &p.id))
                    @if let Some(n) = &p.org_number { " " span.muted { "(" (tra("org-number", &[("number", n)])) ")" } }
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
        (organisations(doc))
        (roles(doc))
        (staff_transfers(doc))
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
                            td data-label=(tr("col-services")) {
                                @if s.placeholder { em { (tr("sub-placeholder")) } } @else { (services(registry, &s.services)) }
                            }
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
        (sub_agreement_count(doc))
        (clauses(doc, registry))
        (payments(doc))
        (documents(doc))
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
                    li {
                        (in_language(&a.area, language)) " – " (tr(&format!("area-status-{}", a.status.as_str())))
                        @if !a.expected_gains.is_empty() {
                            br;
                            span.muted { (tr("expected-gains")) ": " }
                            @for (i, g) in a.expected_gains.iter().enumerate() {
                                @if i > 0 { "; " }
                                (in_language(g, language))
                            }
                        }
                        @if let Some(note) = &a.note { " " span.muted { (in_language(note, language)) } }
                    }
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

/// Figures of the cooperation as a whole and counts without names ("about 150,000 residents",
/// "14 areas, 6 of them named").
fn figures(doc: &CooperationDoc) -> Markup {
    if doc.figures.is_empty() {
        return html! {};
    }
    let language = doc.cooperation.language;
    html! {
        h2 #figures { (tr("figures-heading")) }
        ul {
            @for f in &doc.figures {
                @let value = i18n::integer(lang(), f.value);
                li {
                    strong { @if f.approximate { (tra("figure-approximate", &[("value", &value)])) } @else { (value) } }
                    " " (in_language(&f.subject, language))
                    @if let Some(d) = f.date { " (" (partial_time(d)) ")" }
                    @if !f.named.is_empty() {
                        br;
                        (tra("figure-named", &[("count", &f.named.len().to_string())])) ": "
                        @for (i, id) in f.named.iter().enumerate() {
                            @if i > 0 { "; " }
                            @match doc.candidate_areas.iter().find(|a| &a.id == id) {
                                Some(a) => (in_language(&a.area, language)),
                                None => (id),
                            }
                        }
                    }
                    @if let Some(source) = &f.source { br; span.muted { (tr("source")) ": " (in_language(source, language)) } }
                    @if let Some(note) = &f.note { " " span.muted { (in_language(note, language)) } }
                }
            }
        }
    }
}

/// Organisations that are parties or bodies, with their kind and organisation number.
fn organisations(doc: &CooperationDoc) -> Markup {
    let orgs = &doc.cooperation.organisations;
    if orgs.is_empty() {
        return html! {};
    }
    let language = doc.cooperation.language;
    html! {
        h2 #organisations { (tr("organisations-heading")) }
        ul {
            @for o in orgs {
                li {
                    (o.name)
                    @if let Some(kind) = &o.kind { " – " (in_language(kind, language)) }
                    @if let Some(n) = &o.org_number { " " span.muted { "(" (tra("org-number", &[("number", n)])) ")" } }
                }
            }
        }
    }
}

/// People in roles. A name the file does not mark public is not shown; the role is.
fn roles(doc: &CooperationDoc) -> Markup {
    if doc.roles.is_empty() {
        return html! {};
    }
    let language = doc.cooperation.language;
    html! {
        h2 #roles { (tr("roles-heading")) }
        ul {
            @for r in &doc.roles {
                li {
                    @if r.public { strong { (r.person) } } @else { em { (tr("role-name-not-public")) } }
                    " – " (in_language(&r.role, language))
                    @if let Some(p) = &r.party { " (" (party_link(doc, p)) ")" }
                    @match (r.from, r.to) {
                        (Some(from), Some(to)) => { ", " (trm("held-from-to", &[("from", partial_time(from)), ("to", partial_time(to))])) }
                        (Some(from), None) => { ", " (trm("held-from", &[("from", partial_time(from))])) }
                        (None, Some(to)) => { ", " (trm("held-to", &[("to", partial_time(to))])) }
                        (None, None) => {}
                    }
                    @if let Some(note) = &r.note { " " span.muted { (in_language(note, language)) } }
                }
            }
        }
    }
}

/// Staff who moved between the parties, about how many, and when.
fn staff_transfers(doc: &CooperationDoc) -> Markup {
    if doc.staff_transfers.is_empty() {
        return html! {};
    }
    let language = doc.cooperation.language;
    html! {
        h2 #staff { (tr("staff-transfers-heading")) }
        ul {
            @for t in &doc.staff_transfers {
                li {
                    (trm("staff-transfer-line", &[
                        ("count", html! { (i18n::integer(lang(), u64::from(t.approx_count))) }),
                        ("from", party_link(doc, &t.from)),
                        ("to", party_link(doc, &t.to)),
                    ]))
                    @if let Some(d) = t.date { " (" (time(d)) ")" }
                    @if let Some(note) = &t.note { " " span.muted { (in_language(note, language)) } }
                }
            }
        }
    }
}

/// How many sub-agreements the file knows, how many only by number, and how many have a payment
/// agreement: the "eight sub-agreements, six with payment agreements" of a source.
fn sub_agreement_count(doc: &CooperationDoc) -> Markup {
    let placeholders = doc.sub_agreements.iter().filter(|s| s.placeholder).count();
    if placeholders == 0 {
        return html! {};
    }
    let with_payment = doc
        .sub_agreements
        .iter()
        .filter(|s| {
            doc.payment_agreements
                .iter()
                .any(|p| p.sub_agreement == s.number)
        })
        .count();
    html! {
        p {
            (tra("sub-count", &[
                ("count", &doc.sub_agreements.len().to_string()),
                ("placeholders", &placeholders.to_string()),
                ("with_payment", &with_payment.to_string()),
            ]))
        }
    }
}

/// The agreement's numbered clauses by version, with their subject and the tasks they cover.
fn clauses(doc: &CooperationDoc, registry: &samvirke_core::Registry) -> Markup {
    if doc.clauses.is_empty() {
        return html! {};
    }
    let language = doc.cooperation.language;
    // The clauses arrive sorted by version, then number: group them by version.
    let mut versions: Vec<(Option<u32>, Vec<&samvirke_core::model::Clause>)> = Vec::new();
    for c in &doc.clauses {
        match versions.last_mut() {
            Some((v, group)) if *v == c.main_agreement => group.push(c),
            _ => versions.push((c.main_agreement, vec![c])),
        }
    }
    html! {
        h2 #clauses { (tr("clauses-heading")) }
        p { (tr("clauses-intro")) }
        @for (version, group) in versions {
            @if let Some(v) = version { h3 { (tra("clauses-version", &[("number", &v.to_string())])) } }
            dl.clauses {
                @for c in group {
                    (components::clause_entry(c, language, html! {
                        @if !c.services.is_empty() {
                            br; span.muted { (trm("clause-tasks", &[("services", services(registry, &c.services))])) }
                        }
                    }))
                }
            }
        }
    }
}

/// Who pays whom under each payment agreement, and on which principle.
fn payments(doc: &CooperationDoc) -> Markup {
    let Some(first) = doc.payment_agreements.first().map(|p| &p.principle) else {
        return html! {};
    };
    let language = doc.cooperation.language;
    // One principle for every payment agreement (Dragør–Tårnby's 3.2–3.4) is said once.
    let shared = doc.payment_agreements.iter().all(|p| &p.principle == first);
    html! {
        h2 #payment { (tr("payments-heading")) }
        @if shared { p { (tr("payment-principle-all")) ": " (in_language(first, language)) } }
        ul {
            @for p in &doc.payment_agreements {
                li {
                    (trm("payment-line", &[
                        ("number", html! { (p.sub_agreement) }),
                        ("payers", html! {
                            @for (i, payer) in p.payers.iter().enumerate() { @if i > 0 { ", " } (party_link(doc, payer)) }
                        }),
                        ("payee", party_link(doc, &p.payee)),
                        ("period", html! { (day(p.valid.from())) " – " (p.valid.last_day().map_or_else(|| tr("open-ended"), day)) }),
                    ]))
                    @if !shared {
                        br;
                        span.muted { (tr("payment-principle")) ": " } (in_language(&p.principle, language))
                    }
                }
            }
        }
    }
}

/// The documents the agreement rests on: kind, title, date, what each frames, and where a copy is.
fn documents(doc: &CooperationDoc) -> Markup {
    if doc.documents.is_empty() {
        return html! {};
    }
    let language = doc.cooperation.language;
    html! {
        h2 #documents { (tr("documents-heading")) }
        ul {
            @for d in &doc.documents {
                li {
                    @match &d.url {
                        Some(url) => { a href=(url) { (in_language(&d.title, language)) } }
                        None => { strong { (in_language(&d.title, language)) } }
                    }
                    @let kind = tr(&format!("document-{}", d.kind.as_str()));
                    @if kind.to_lowercase() != d.title.to_lowercase() { " – " (kind) }
                    @if let Some(date) = d.date { ", " (partial_time(date)) }
                    @let frames = frames(d);
                    @if !frames.is_empty() { br; span.muted { (tr("document-frames")) ": " } (frames) }
                    @if let Some(file) = &d.file {
                        br; span.muted { (tr("document-copy")) ": " } code { (file) }
                        @if let Some(digest) = &d.sha256 { " " span.muted { "SHA-256 " code title=(digest) { (digest[..12]) "…" } } }
                    }
                    @if d.url.is_none() && d.file.is_none() { br; span.muted { (tr("document-no-copy")) } }
                    @if let Some(note) = &d.note { br; span.muted { (in_language(note, language)) } }
                }
            }
        }
    }
}

/// What a document frames, in words ("main agreement, version 2; sub-agreements 3, 4; clause 3.2").
fn frames(d: &samvirke_core::model::AgreementDocument) -> String {
    let mut parts = Vec::new();
    if let Some(v) = d.main_agreement {
        parts.push(tra("tl-main-version", &[("number", &v.to_string())]));
    }
    if !d.sub_agreements.is_empty() {
        let numbers: Vec<String> = d.sub_agreements.iter().map(u32::to_string).collect();
        parts.push(tra(
            "document-frames-subs",
            &[
                ("count", &numbers.len().to_string()),
                ("numbers", &numbers.join(", ")),
            ],
        ));
    }
    for c in &d.clauses {
        parts.push(tra("clause-number", &[("number", c)]));
    }
    parts.join("; ")
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
