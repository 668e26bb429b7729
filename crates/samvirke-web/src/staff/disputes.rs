//! Disputes of a settled year, for the staff concerned only:
//!
//! - `/staff/disputes`: every dispute the account may see, open ones first;
//! - `/staff/cooperations/{id}/settlement/{year}/dispute`: a paying member's staff dispute a line
//!   or the whole statement (reason, the amount they believe is right);
//! - `/staff/cooperations/{id}/disputes/{number}`: the dispute, and for the payee's staff the
//!   answer: accept with a correction (the year settled again, the difference shown) or reject
//!   with a reason (`…/answer`).
//!
//! Each step is a journal event (a new version of the `Fact::Dispute`); an account that may not
//! see a dispute gets 404. The money comes from `samvirke_settle::dispute`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use samvirke_core::model::{CooperationDoc, Dispute, DisputeAnswer, Fact, RecordedInput};
use samvirke_core::{CooperationId, PartyId, Registry};
use samvirke_settle::dispute::{
    Correction, agreement_for, amount_in_run, corrected, key_parts, rerun, respond_by,
};
use samvirke_store::accounts::Role;
use samvirke_store::{Change, StoreError};

use super::{SignedIn, csrf_field, page, see_other, staff_form};
use crate::auth::Staff;
use crate::html::components::{self, party_link};
use crate::html::errors::{PageError, not_found_page};
use crate::html::forms::{Field, FormData, Input, error_summary, field, render_field};
use crate::html::{day, lang, time, tr, tra};
use crate::{AppState, WebError, i18n, now, today};

/// The amount a hint shows as an example of how to write one (123,456.78 in minor units).
const EXAMPLE_MINOR: i64 = 12_345_678;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/staff/disputes", get(list))
        .route(
            "/staff/cooperations/{id}/settlement/{year}/dispute",
            get(new_form).post(open),
        )
        .route("/staff/cooperations/{id}/disputes/{number}", get(show))
        .route(
            "/staff/cooperations/{id}/disputes/{number}/answer",
            post(answer),
        )
}

/// Whether the account speaks for municipality `party` (a party id as statements write it).
fn speaks_for(staff: &Staff, party: &str) -> bool {
    staff
        .municipalities()
        .iter()
        .any(|m| m.to_string() == party)
}

/// Whether the account may see `dispute`: admins; accounts whose scope names the cooperation, the
/// disputing member or the payee.
pub(crate) fn may_see(staff: &Staff, doc: &CooperationDoc, dispute: &Dispute) -> bool {
    super::admin_or_secretariat(staff, doc)
        || speaks_for(staff, &dispute.payer)
        || speaks_for(staff, &dispute.payee)
}

/// Whether the account may answer `dispute`: not a viewer, and an admin, the cooperation's
/// secretariat (its id in the scope) or the payee's staff.
fn may_answer(staff: &Staff, doc: &CooperationDoc, dispute: &Dispute) -> bool {
    staff.user.role != Role::Viewer
        && (super::admin_or_secretariat(staff, doc) || speaks_for(staff, &dispute.payee))
}

/// Every dispute the account may see, open ones first (by deadline), then answered ones.
pub(crate) fn visible<'r>(
    registry: &'r Registry,
    staff: &Staff,
) -> Vec<(&'r CooperationDoc, &'r Dispute)> {
    let mut out: Vec<(&CooperationDoc, &Dispute)> = registry
        .all_disputes()
        .into_iter()
        .filter(|(doc, d)| may_see(staff, doc, d))
        .collect();
    out.sort_by_key(|(doc, d)| {
        (
            !d.is_open(),
            d.respond_by,
            doc.cooperation.id.clone(),
            d.number,
        )
    });
    out
}

pub(crate) fn party_name(doc: &CooperationDoc, party: &str) -> String {
    PartyId::parse(party).map_or_else(|_| party.to_string(), |p| doc.party_name(&p).to_string())
}

fn party(doc: &CooperationDoc, id: &str) -> Markup {
    match PartyId::parse(id) {
        Ok(p) => party_link(doc, &p),
        Err(_) => html! { (id) },
    }
}

fn money(minor: i64, currency: &str) -> String {
    i18n::money(lang(), minor, currency)
}

/// The disputed line in words: a payment agreement by its sub-agreement's title, or the year.
fn line_text(doc: &CooperationDoc, sub_agreement: Option<u32>, year: i32) -> String {
    i18n::dispute_line(lang(), doc, sub_agreement, year)
}

/// The state of a dispute in words, with its deadline.
fn state_tag(d: &Dispute) -> Markup {
    let text = i18n::dispute_state(lang(), d, today());
    html! {
        @if d.is_open() && d.respond_by < today() { span.tag.overdue { (text) } } @else { span.tag { (text) } }
    }
}

fn dispute_url(doc: &CooperationDoc, d: &Dispute) -> String {
    format!(
        "/staff/cooperations/{}/disputes/{}",
        doc.cooperation.id, d.number
    )
}

/// A table of disputes (the list page, the overview).
pub(crate) fn table(list: &[(&CooperationDoc, &Dispute)]) -> Markup {
    html! {
        table.stack {
            caption { (tr("disputes-caption")) }
            thead { tr {
                th scope="col" { (tr("dispute-heading")) }
                th scope="col" { (tr("dispute-state")) }
                th scope="col" { (tr("dispute-cooperation")) }
                th scope="col" { (tr("dispute-payer")) }
                th scope="col" { (tr("dispute-line")) }
            } }
            tbody {
                @for (doc, d) in list {
                    tr {
                        th scope="row" { a href=(dispute_url(doc, d)) { (tra("dispute-title", &[("number", &d.number.to_string()), ("year", &d.year.to_string())])) } }
                        td data-label=(tr("dispute-state")) { (state_tag(d)) }
                        td data-label=(tr("dispute-cooperation")) { (doc.cooperation.name) }
                        td data-label=(tr("dispute-payer")) { (party_name(doc, &d.payer)) }
                        td data-label=(tr("dispute-line")) { (line_text(doc, d.sub_agreement, d.year)) }
                    }
                }
            }
        }
    }
}

/// The open disputes of `list`, for the public statement and municipality pages: which line,
/// by whom, answered by when, each a link to its page for the staff concerned (who sign in to
/// read the reason and answer). Nothing when none is open.
pub(crate) fn open_section(list: &[(&CooperationDoc, &Dispute)]) -> Markup {
    let open: Vec<&(&CooperationDoc, &Dispute)> =
        list.iter().filter(|(_, d)| d.is_open()).collect();
    html! {
        @if !open.is_empty() {
            section.notice aria-labelledby="open-disputes" {
                h2 #open-disputes { (tr("disputes-open-heading")) }
                p { (tr("disputes-open-intro")) }
                ul {
                    @for (doc, d) in open {
                        li {
                            a href=(dispute_url(doc, d)) { (tra("dispute-title", &[("number", &d.number.to_string()), ("year", &d.year.to_string())])) }
                            ": " (doc.cooperation.name) ", " (line_text(doc, d.sub_agreement, d.year))
                            ", " (tra("disputes-open-by", &[("payer", &party_name(doc, &d.payer)), ("payee", &party_name(doc, &d.payee))]))
                            " · " (state_tag(d))
                        }
                    }
                }
            }
        }
    }
}

/// The address of the form that opens a dispute of `year`'s settlement.
pub(crate) fn new_url(doc: &CooperationDoc, year: i32) -> String {
    format!(
        "/staff/cooperations/{}/settlement/{year}/dispute",
        doc.cooperation.id
    )
}

async fn list(State(state): State<Arc<AppState>>, SignedIn(staff): SignedIn) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let all = visible(&snapshot.registry, &staff);
    let body = html! {
        h1 { (tr("disputes-title")) }
        p { (tr("disputes-intro")) }
        @if all.is_empty() {
            p { (tr("disputes-none")) }
        } @else {
            (table(&all))
        }
    };
    page(StatusCode::OK, &staff, &tr("disputes-title"), body)
}

/// The cooperation and year of an address, and the year's recorded run; `None` for a 404.
fn settled<'r>(
    registry: &'r Registry,
    id: &str,
    year: &str,
) -> Option<(
    &'r CooperationDoc,
    i32,
    &'r samvirke_core::model::SettlementRecord,
)> {
    let doc = registry.cooperation(&CooperationId::parse(id).ok()?)?;
    let year: i32 = year.parse().ok()?;
    let run = registry.settlement_run(&doc.cooperation.id, year)?;
    Some((doc, year, run))
}

/// What a dispute form of `id` and `year` stands on for this account: the cooperation, the year,
/// its recorded run, the members the account may dispute for and the page title; the 404 or 403
/// page otherwise.
#[allow(clippy::type_complexity)]
fn disputable<'r>(
    registry: &'r Registry,
    staff: &Staff,
    id: &str,
    year: &str,
) -> Result<
    (
        &'r CooperationDoc,
        i32,
        &'r samvirke_core::model::SettlementRecord,
        Vec<String>,
        String,
    ),
    Box<Response>,
> {
    let Some((doc, year_n, run)) = settled(registry, id, year) else {
        return Err(Box::new(not_found_page()));
    };
    let payers = payers_for(staff, doc, run);
    if payers.is_empty() {
        return Err(Box::new(
            PageError(WebError::Forbidden(tra(
                "dispute-not-a-payer",
                &[("name", &doc.cooperation.name), ("year", year)],
            )))
            .into_response(),
        ));
    }
    let title = tra(
        "dispute-new-title",
        &[("name", &doc.cooperation.name), ("year", year)],
    );
    Ok((doc, year_n, run, payers, title))
}

/// The members this account may dispute for in `run`: payers that are not the payee of their
/// line, in the account's scope (any payer for an admin).
fn payers_for(
    staff: &Staff,
    doc: &CooperationDoc,
    run: &samvirke_core::model::SettlementRecord,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in &run.lines {
        let payee = agreement_for(doc, line.sub_agreement, run.year).map(|a| a.payee.to_string());
        if payee.as_deref() == Some(line.payer.as_str()) || out.contains(&line.payer) {
            continue;
        }
        if staff.user.role != Role::Viewer
            && (staff.user.role == Role::Admin || speaks_for(staff, &line.payer))
        {
            out.push(line.payer.clone());
        }
    }
    out
}

fn dispute_fields(
    doc: &CooperationDoc,
    run: &samvirke_core::model::SettlementRecord,
    payers: &[String],
    currency: &str,
) -> Vec<Field> {
    let mut lines: Vec<(String, String)> =
        vec![("all".to_string(), line_text(doc, None, run.year))];
    let mut subs: Vec<u32> = run.lines.iter().map(|l| l.sub_agreement).collect();
    subs.sort_unstable();
    subs.dedup();
    lines.extend(
        subs.iter()
            .map(|n| (n.to_string(), line_text(doc, Some(*n), run.year))),
    );
    let mut fields = Vec::new();
    if payers.len() > 1 {
        fields.push(field(
            "payer",
            "dispute-payer",
            Input::Select(
                payers
                    .iter()
                    .map(|p| (p.clone(), party_name(doc, p)))
                    .collect(),
            ),
            true,
        ));
    }
    fields.push(
        field("line", "dispute-line", Input::Select(lines), true).hint(tr("dispute-line-hint")),
    );
    fields
        .push(field("reason", "dispute-reason", Input::Area, true).hint(tr("dispute-reason-hint")));
    fields.push(
        field("amount", "dispute-amount", Input::Text, false).hint(tra(
            "dispute-amount-hint",
            &[("example", &money(EXAMPLE_MINOR, currency))],
        )),
    );
    fields
}

/// The currency of the year's payment agreements (the country's when none has the year).
pub(crate) fn currency_of(doc: &CooperationDoc, year: i32) -> String {
    doc.payment_agreements
        .iter()
        .find(|p| p.years.iter().any(|y| y.year == year))
        .map_or_else(
            || doc.cooperation.country.currency_code().to_string(),
            |p| p.currency.clone(),
        )
}

#[allow(clippy::too_many_arguments)]
fn dispute_form(
    staff: &Staff,
    doc: &CooperationDoc,
    run: &samvirke_core::model::SettlementRecord,
    payers: &[String],
    data: &FormData,
    errors: &[(String, String)],
) -> Markup {
    let currency = currency_of(doc, run.year);
    let fields = dispute_fields(doc, run, payers, &currency);
    let year = run.year.to_string();
    let action = format!(
        "/staff/cooperations/{}/settlement/{year}/dispute",
        doc.cooperation.id
    );
    html! {
        h1 { (tra("dispute-new-title", &[("name", &doc.cooperation.name), ("year", &year)])) }
        (error_summary(&fields, errors))
        p { (tr("dispute-new-intro")) }
        table.stack {
            caption { (tra("dispute-lines-caption", &[("year", &year)])) }
            thead { tr {
                th scope="col" { (tr("dispute-payer")) }
                th scope="col" { (tr("dispute-line")) }
                th scope="col" class="num" { (tr("dispute-run-amount")) }
            } }
            tbody {
                @for l in run.lines.iter().filter(|l| payers.contains(&l.payer)) {
                    tr {
                        th scope="row" { (party_name(doc, &l.payer)) }
                        td data-label=(tr("dispute-line")) { (line_text(doc, Some(l.sub_agreement), run.year)) }
                        td.num data-label=(tr("dispute-run-amount")) { (money(samvirke_settle::dispute::line_amount(l), &currency)) }
                    }
                }
            }
        }
        form method="post" action=(action) novalidate {
            (csrf_field(staff))
            @if payers.len() == 1 {
                input type="hidden" name="payer" value=(payers[0]);
            }
            @for f in &fields { (render_field(f, data, errors)) }
            button type="submit" { (tr("dispute-submit")) }
            a.button.secondary href={ "/cooperations/" (doc.cooperation.id) "/settlement/" (year) } { (tr("cancel")) }
        }
    }
}

async fn new_form(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, year)): Path<(String, String)>,
) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let (doc, _, run, payers, title) = match disputable(&snapshot.registry, &staff, &id, &year) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    page(
        StatusCode::OK,
        &staff,
        &title,
        dispute_form(&staff, doc, run, &payers, &FormData::default(), &[]),
    )
}

/// Reads the dispute form: (payer, line, reason, proposed amount), or every field's problem.
#[allow(clippy::type_complexity)]
fn read_dispute(
    data: &FormData,
    payers: &[String],
    run: &samvirke_core::model::SettlementRecord,
) -> Result<(String, Option<u32>, String, Option<i64>), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let payer = data.get("payer").trim().to_string();
    if !payers.contains(&payer) {
        errors.push((
            "payer".to_string(),
            tra("required-choice", &[("label", &tr("dispute-payer"))]),
        ));
    }
    let line = match data.get("line").trim() {
        "all" => Some(None),
        text => text
            .parse::<u32>()
            .ok()
            .filter(|n| {
                run.lines
                    .iter()
                    .any(|l| l.sub_agreement == *n && l.payer == payer)
            })
            .map(Some),
    };
    if line.is_none() {
        errors.push((
            "line".to_string(),
            tra("required-choice", &[("label", &tr("dispute-line"))]),
        ));
    }
    let reason = data.get("reason").trim().to_string();
    if reason.is_empty() {
        errors.push(("reason".to_string(), tr("dispute-reason-missing")));
    }
    let amount_text = data.get("amount").trim();
    let amount = if amount_text.is_empty() {
        None
    } else {
        match i18n::parse_amount(lang(), amount_text) {
            Some(a) if a >= 0 => Some(a),
            _ => {
                errors.push((
                    "amount".to_string(),
                    tra(
                        "dispute-amount-invalid",
                        &[
                            ("value", amount_text),
                            ("example", &i18n::hundredths(lang(), EXAMPLE_MINOR)),
                        ],
                    ),
                ));
                None
            }
        }
    };
    match (errors.is_empty(), line) {
        (true, Some(line)) => Ok((payer, line, reason, amount)),
        _ => Err(errors),
    }
}

/// The facts a new run stands on: the cooperation's payment and sub-agreements, each at the event
/// that recorded its version (`changed` keys at the events they get in this commit).
fn inputs_of(
    projection: &samvirke_store::Projection,
    coop: &CooperationId,
    changed: &[(String, u64)],
) -> Vec<RecordedInput> {
    projection
        .facts_of(coop)
        .into_iter()
        .filter(|f| {
            matches!(
                f.fact,
                Fact::PaymentAgreement { .. } | Fact::SubAgreement { .. }
            )
        })
        .map(|f| {
            let key = f.fact.key();
            let event = changed
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(f.seq, |(_, e)| *e);
            RecordedInput { key, event }
        })
        .collect()
}

async fn open(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let path = format!("/staff/cooperations/{id}/settlement/{year}/dispute");
    let (staff, data) = match staff_form(&state, &headers, &path, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let (doc, year_n, run, payers, title) = match disputable(&snapshot.registry, &staff, &id, &year)
    {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let (payer, line, reason, proposed) = match read_dispute(&data, &payers, run) {
        Ok(x) => x,
        Err(errors) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &staff,
                &title,
                dispute_form(&staff, doc, run, &payers, &data, &errors),
            );
        }
    };
    // The payee and deadline of the line (of the payer's first line for the whole statement).
    let subs: Vec<u32> = run
        .lines
        .iter()
        .filter(|l| l.payer == payer && line.is_none_or(|n| n == l.sub_agreement))
        .map(|l| l.sub_agreement)
        .collect();
    let agreements: Vec<_> = subs
        .iter()
        .filter_map(|n| agreement_for(doc, *n, year_n))
        .collect();
    let Some(first) = agreements.first() else {
        return not_found_page();
    };
    // The shortest deadline of the agreements disputed.
    let days = agreements
        .iter()
        .map(|a| a.dispute_days())
        .fold(first.dispute_days(), u32::min);
    let opened = today();
    let respond = match respond_by(doc.cooperation.country, opened, days) {
        Ok(d) => d,
        Err(e) => return PageError(WebError::Internal(e.to_string())).into_response(),
    };
    let number = snapshot
        .registry
        .disputes(&doc.cooperation.id)
        .iter()
        .map(|d| d.number)
        .max()
        .unwrap_or(0)
        + 1;
    let coop_lang = i18n::Lang::of(doc.cooperation.language);
    let dispute = Dispute {
        number,
        year: year_n,
        payer: payer.clone(),
        payee: first.payee.to_string(),
        sub_agreement: line,
        reason,
        proposed_minor: proposed,
        disputed_minor: amount_in_run(run, &payer, line).unwrap_or(0),
        currency: first.currency.clone(),
        run_event: snapshot
            .registry
            .record_of(&format!("{}/settlement/{year_n}", doc.cooperation.id))
            .map_or(0, |r| r.event),
        opened,
        respond_by: respond,
        title: i18n::message(
            coop_lang,
            "dispute-deadline-title",
            &[
                ("number", &number.to_string()),
                ("payer", &party_name(doc, &payer)),
                ("year", &year),
            ],
        ),
        answer: None,
    };
    let reason = tra(
        "reason-dispute-opened",
        &[("number", &number.to_string()), ("year", &year)],
    );
    let fact = Fact::Dispute {
        cooperation: doc.cooperation.id.clone(),
        dispute,
    };
    let url = format!(
        "/staff/cooperations/{}/disputes/{number}",
        doc.cooperation.id
    );
    if let Err(e) = state
        .save_fact(
            snapshot.head,
            fact,
            staff.actor(),
            reason,
            tr("dispute-conflict"),
        )
        .await
    {
        return PageError(e).into_response();
    }
    see_other(&format!("{url}?opened=1"))
}

#[derive(serde::Deserialize)]
pub(crate) struct ShowQuery {
    opened: Option<String>,
    answered: Option<String>,
}

/// The dispute of an address if the account may see it; `None` for a 404.
fn visible_dispute<'r>(
    registry: &'r Registry,
    staff: &Staff,
    id: &str,
    number: &str,
) -> Option<(&'r CooperationDoc, &'r Dispute)> {
    let doc = registry.cooperation(&CooperationId::parse(id).ok()?)?;
    let number: u32 = number.parse().ok()?;
    let d = registry
        .disputes(&doc.cooperation.id)
        .into_iter()
        .find(|d| d.number == number)?;
    may_see(staff, doc, d).then_some((doc, d))
}

/// The correction fields of the answer form: per disputed line, the year's budget and actual
/// cost and the member's key figure, filled in with the figures as they stand.
fn correction_fields(
    doc: &CooperationDoc,
    d: &Dispute,
    run_subs: &[u32],
) -> (Vec<Field>, FormData) {
    let mut fields = Vec::new();
    let mut data = FormData::default();
    for n in run_subs {
        let Some(a) = agreement_for(doc, *n, d.year) else {
            continue;
        };
        let legend = line_text(doc, Some(*n), d.year);
        if let Some(y) = a.years.iter().find(|y| y.year == d.year) {
            fields.push(
                field(
                    &format!("budget-{n}"),
                    "dispute-fix-budget",
                    Input::Text,
                    false,
                )
                .in_group(legend.clone()),
            );
            data.set(
                &format!("budget-{n}"),
                i18n::hundredths(lang(), y.budget_minor as i64),
            );
            fields.push(
                field(
                    &format!("actual-{n}"),
                    "dispute-fix-actual",
                    Input::Text,
                    false,
                )
                .in_group(legend.clone()),
            );
            if let Some(actual) = y.actual_minor {
                data.set(
                    &format!("actual-{n}"),
                    i18n::hundredths(lang(), actual as i64),
                );
            }
        }
        if let Some(parts) = key_parts(a, &d.payer) {
            fields.push(
                field(
                    &format!("parts-{n}"),
                    "dispute-fix-parts",
                    Input::Text,
                    false,
                )
                .labelled(tra(
                    "dispute-fix-parts",
                    &[("payer", &party_name(doc, &d.payer))],
                ))
                .in_group(legend.clone()),
            );
            data.set(&format!("parts-{n}"), parts.to_string());
        }
    }
    fields.push(
        field("note", "dispute-answer-reason", Input::Area, false).hint(tr("dispute-answer-hint")),
    );
    (fields, data)
}

/// The sub-agreements a dispute is about.
fn disputed_subs(d: &Dispute, run: Option<&samvirke_core::model::SettlementRecord>) -> Vec<u32> {
    match d.sub_agreement {
        Some(n) => vec![n],
        None => {
            let mut subs: Vec<u32> = run
                .map(|r| {
                    r.lines
                        .iter()
                        .filter(|l| l.payer == d.payer)
                        .map(|l| l.sub_agreement)
                        .collect()
                })
                .unwrap_or_default();
            subs.sort_unstable();
            subs.dedup();
            subs
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dispute_page(
    staff: &Staff,
    registry: &Registry,
    doc: &CooperationDoc,
    d: &Dispute,
    data: Option<&FormData>,
    errors: &[(String, String)],
    query: &ShowQuery,
) -> Markup {
    let run = registry.settlement_run(&doc.cooperation.id, d.year);
    let current_event = registry
        .record_of(&format!("{}/settlement/{}", doc.cooperation.id, d.year))
        .map(|r| r.event);
    let replaced = d.is_open() && current_event.is_some_and(|e| e != d.run_event);
    let now_amount = run.and_then(|r| amount_in_run(r, &d.payer, d.sub_agreement));
    let url = dispute_url(doc, d);
    let subs = disputed_subs(d, run);
    let (fields, prefilled) = correction_fields(doc, d, &subs);
    let data = data.unwrap_or(&prefilled);
    let year = d.year.to_string();
    html! {
        h1 { (tra("dispute-title", &[("number", &d.number.to_string()), ("year", &year)])) " · " (doc.cooperation.name) }
        @if query.opened.is_some() {
            (components::confirmation(&tr("saved-title"), Some(&tra("dispute-opened", &[("date", &day(d.respond_by))]))))
        }
        @if query.answered.is_some() {
            (components::confirmation(&tr("saved-title"), Some(&tr("dispute-answered"))))
        }
        (error_summary(&fields, errors))
        p { (state_tag(d)) }
        dl.summary {
            dt { (tr("dispute-payer")) } dd { (party(doc, &d.payer)) }
            dt { (tr("dispute-payee")) } dd { (party(doc, &d.payee)) }
            dt { (tr("dispute-line")) } dd { (line_text(doc, d.sub_agreement, d.year)) }
            dt { (tr("dispute-opened-on")) } dd { (time(d.opened)) }
            dt { (tr("dispute-respond-by")) } dd { (time(d.respond_by)) }
            dt { (tr("dispute-reason")) } dd { (d.reason) }
            dt { (tr("dispute-run-amount")) } dd { (money(d.disputed_minor, &d.currency)) }
            dt { (tra("dispute-proposed", &[("payer", &party_name(doc, &d.payer))])) } dd {
                @match d.proposed_minor {
                    Some(p) => {
                        (money(p, &d.currency)) " (" (tra("dispute-difference", &[("amount", &money(p - d.disputed_minor, &d.currency))])) ")"
                    },
                    None => (tr("dispute-amount-none")),
                }
            }
        }
        @if replaced {
            div.notice role="note" {
                p { (tr("dispute-run-replaced")) }
                @if let Some(a) = now_amount {
                    p { (tra("dispute-now", &[("amount", &money(a, &d.currency))])) }
                }
            }
        }
        @if let Some(a) = &d.answer {
            h2 { (tr("dispute-answer-heading")) }
            dl.summary {
                dt { (tr("dispute-state")) } dd { (state_tag(d)) }
                @if let Some(c) = a.corrected_minor {
                    dt { (tr("dispute-corrected")) } dd {
                        (money(c, &d.currency)) " (" (tra("dispute-difference", &[("amount", &money(c - d.disputed_minor, &d.currency))])) ")"
                    }
                }
                @if !a.reason.is_empty() {
                    dt { (tr("dispute-answer-reason")) } dd { (a.reason) }
                }
            }
        } @else if may_answer(staff, doc, d) {
            h2 #answer { (tr("dispute-answer-heading")) }
            p { (tr("dispute-answer-intro")) }
            form method="post" action={ (url) "/answer" } novalidate {
                (csrf_field(staff))
                (crate::html::forms::render_fields(&fields, data, errors))
                div.actions {
                    button type="submit" name="decision" value="accept" { (tr("dispute-accept")) }
                    button.secondary type="submit" name="decision" value="reject" { (tr("dispute-reject")) }
                }
            }
        } @else {
            p { (tra("dispute-waiting", &[("payee", &party_name(doc, &d.payee))])) }
        }
        p {
            a href={ "/cooperations/" (doc.cooperation.id) "/settlement/" (year) } { (tra("settlement-back", &[("year", &year)])) }
            " · "
            a href="/staff/disputes" { (tr("disputes-title")) }
        }
    }
}

async fn show(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, number)): Path<(String, String)>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Some((doc, d)) = visible_dispute(&snapshot.registry, &staff, &id, &number) else {
        return not_found_page();
    };
    let title = tra(
        "dispute-title",
        &[
            ("number", &d.number.to_string()),
            ("year", &d.year.to_string()),
        ],
    );
    page(
        StatusCode::OK,
        &staff,
        &title,
        dispute_page(&staff, &snapshot.registry, doc, d, None, &[], &query),
    )
}

/// Reads the corrections of the answer form; every field's problem at once.
fn read_corrections(
    doc: &CooperationDoc,
    d: &Dispute,
    subs: &[u32],
    data: &FormData,
) -> Result<Vec<Correction>, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for n in subs {
        let Some(a) = agreement_for(doc, *n, d.year) else {
            continue;
        };
        let mut c = Correction {
            sub_agreement: *n,
            ..Correction::default()
        };
        let legend = line_text(doc, Some(*n), d.year);
        let mut amount = |name: String, label: &str| -> Option<u64> {
            let text = data.get(&name).trim();
            if text.is_empty() {
                return None;
            }
            match i18n::parse_amount(lang(), text).and_then(|v| u64::try_from(v).ok()) {
                Some(v) => Some(v),
                None => {
                    errors.push((
                        name.clone(),
                        tra(
                            "dispute-fix-invalid",
                            &[
                                ("label", &format!("{legend}: {}", tr(label))),
                                ("value", text),
                                ("example", &i18n::hundredths(lang(), EXAMPLE_MINOR)),
                            ],
                        ),
                    ));
                    None
                }
            }
        };
        c.budget_minor = amount(format!("budget-{n}"), "dispute-fix-budget");
        c.actual_minor = amount(format!("actual-{n}"), "dispute-fix-actual");
        if key_parts(a, &d.payer).is_some() {
            let name = format!("parts-{n}");
            let text = data.get(&name).trim();
            if !text.is_empty() {
                match i18n::parse_integer(lang(), text).and_then(|v| u64::try_from(v).ok()) {
                    Some(v) => c.parts = Some(v),
                    None => errors.push((
                        name,
                        tra(
                            "dispute-parts-invalid",
                            &[("value", text), ("payer", &party_name(doc, &d.payer))],
                        ),
                    )),
                }
            }
        }
        out.push(c);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What went wrong with an accepted answer, to show on the form.
enum AnswerError {
    Field(String, String),
    Web(WebError),
}

impl From<WebError> for AnswerError {
    fn from(e: WebError) -> AnswerError {
        AnswerError::Web(e)
    }
}

impl From<StoreError> for AnswerError {
    fn from(e: StoreError) -> AnswerError {
        AnswerError::Web(e.into())
    }
}

async fn answer(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, number)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let path = format!("/staff/cooperations/{id}/disputes/{number}");
    let (staff, data) = match staff_form(&state, &headers, &path, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Some((doc, d)) = visible_dispute(&snapshot.registry, &staff, &id, &number) else {
        return not_found_page();
    };
    let title = tra(
        "dispute-title",
        &[
            ("number", &d.number.to_string()),
            ("year", &d.year.to_string()),
        ],
    );
    let no_query = ShowQuery {
        opened: None,
        answered: None,
    };
    let refuse = |errors: Vec<(String, String)>| {
        page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff,
            &title,
            dispute_page(
                &staff,
                &snapshot.registry,
                doc,
                d,
                Some(&data),
                &errors,
                &no_query,
            ),
        )
    };
    if !may_answer(&staff, doc, d) {
        return PageError(WebError::Forbidden(tra(
            "dispute-may-not-answer",
            &[("payee", &party_name(doc, &d.payee))],
        )))
        .into_response();
    }
    if !d.is_open() {
        return refuse(vec![("note".to_string(), tr("dispute-already-answered"))]);
    }
    let note = data.get("note").trim().to_string();
    let accept = match data.get("decision") {
        "accept" => true,
        "reject" => false,
        other => {
            return refuse(vec![(
                "note".to_string(),
                tra("dispute-decision-invalid", &[("value", other)]),
            )]);
        }
    };
    let coop = doc.cooperation.id.clone();
    let mut dispute = d.clone();
    if !accept {
        if note.is_empty() {
            return refuse(vec![(
                "note".to_string(),
                tr("dispute-reject-reason-missing"),
            )]);
        }
        dispute.answer = Some(DisputeAnswer {
            accepted: false,
            reason: note,
            on: today(),
            corrected_minor: None,
        });
        let reason = tra(
            "reason-dispute-rejected",
            &[
                ("number", &d.number.to_string()),
                ("year", &d.year.to_string()),
            ],
        );
        let fact = Fact::Dispute {
            cooperation: coop.clone(),
            dispute,
        };
        if let Err(e) = state
            .save_fact(
                snapshot.head,
                fact,
                staff.actor(),
                reason,
                tr("dispute-conflict"),
            )
            .await
        {
            return PageError(e).into_response();
        }
        return see_other(&format!("{path}?answered=1"));
    }
    let run = snapshot.registry.settlement_run(&coop, d.year);
    let subs = disputed_subs(d, run);
    let corrections = match read_corrections(doc, d, &subs, &data) {
        Ok(c) => c,
        Err(errors) => return refuse(errors),
    };
    let changed = corrected(doc, d.year, &d.payer, &corrections);
    if changed.is_empty() {
        return refuse(vec![(
            subs.first()
                .map_or_else(|| "note".to_string(), |n| format!("budget-{n}")),
            tr("dispute-accept-unchanged"),
        )]);
    }
    let base = snapshot.head;
    let actor = staff.actor();
    let reason = tra("reason-dispute-accepted", &[("year", &d.year.to_string())]);
    let doc_owned = doc.clone();
    let payer = d.payer.clone();
    let sub = d.sub_agreement;
    let messages = (
        tr("dispute-accept-no-difference"),
        tr("dispute-conflict"),
        tra("settlement-needs-run", &[("year", &d.year.to_string())]),
    );
    let field_name = subs
        .first()
        .map_or_else(|| "note".to_string(), |n| format!("budget-{n}"));
    let result = state
        .with_store(move |store| -> Result<Result<(), AnswerError>, WebError> {
            let projection = store.projection(None)?;
            if projection.head != base {
                return Ok(Err(AnswerError::Web(WebError::Conflict(messages.1))));
            }
            let run_key = format!("{coop}/settlement/{}", dispute.year);
            let Some((old_run, run_seq)) =
                projection.facts.get(&run_key).and_then(|f| match &f.fact {
                    Fact::SettlementRun { run, .. } => Some((run.clone(), f.seq)),
                    _ => None,
                })
            else {
                return Ok(Err(AnswerError::Field(field_name, messages.2)));
            };
            let mut changes = Vec::new();
            let mut changed_keys = Vec::new();
            for (offset, p) in changed.into_iter().enumerate() {
                let fact = Fact::PaymentAgreement {
                    cooperation: coop.clone(),
                    payment_agreement: p,
                };
                let key = fact.key();
                let supersedes = projection.facts.get(&key).map(|f| f.seq);
                changed_keys.push((key, base + 1 + offset as u64));
                changes.push(Change::Put {
                    fact: Box::new(fact),
                    supersedes,
                });
            }
            let changed_agreements: Vec<_> = changes
                .iter()
                .filter_map(|c| match c {
                    Change::Put { fact, .. } => match fact.as_ref() {
                        Fact::PaymentAgreement {
                            payment_agreement, ..
                        } => Some(payment_agreement.clone()),
                        _ => None,
                    },
                    Change::Retract { .. } => None,
                })
                .collect();
            let inputs = inputs_of(&projection, &coop, &changed_keys);
            let again = match rerun(
                &doc_owned,
                &changed_agreements,
                &old_run,
                &payer,
                sub,
                inputs,
            ) {
                Ok(r) => r,
                Err(e) => {
                    let message = match e {
                        samvirke_settle::recorded::NoStatement::NeedsRun => messages.2,
                        samvirke_settle::recorded::NoStatement::NoBasis(m) => m,
                    };
                    return Ok(Err(AnswerError::Field(field_name, message)));
                }
            };
            let before = amount_in_run(&old_run, &payer, sub).unwrap_or(0);
            if again.amount_minor == before {
                return Ok(Err(AnswerError::Field(field_name, messages.0)));
            }
            changes.push(Change::Put {
                fact: Box::new(Fact::SettlementRun {
                    cooperation: coop.clone(),
                    run: again.run,
                }),
                supersedes: Some(run_seq),
            });
            let key = format!("{coop}/dispute/{}", dispute.number);
            dispute.answer = Some(DisputeAnswer {
                accepted: true,
                reason: note,
                on: today(),
                corrected_minor: Some(again.amount_minor),
            });
            changes.push(Change::Put {
                fact: Box::new(Fact::Dispute {
                    cooperation: coop.clone(),
                    dispute,
                }),
                supersedes: projection.facts.get(&key).map(|f| f.seq),
            });
            match store.commit(base, &actor, &reason, changes, now()) {
                Ok(_) => Ok(Ok(())),
                Err(StoreError::Conflict { .. }) => {
                    Ok(Err(AnswerError::Web(WebError::Conflict(messages.1))))
                }
                Err(e) => Err(e.into()),
            }
        })
        .await;
    match result {
        Ok(Ok(())) => {
            state.refresh_now().await;
            see_other(&format!("{path}?answered=1"))
        }
        Ok(Err(AnswerError::Field(name, message))) => refuse(vec![(name, message)]),
        Ok(Err(AnswerError::Web(e))) | Err(e) => PageError(e).into_response(),
    }
}
