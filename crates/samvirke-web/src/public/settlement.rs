//! `/cooperations/{id}/settlement/{year}` (and `.pdf`, `.csv`, `.json`): a cooperation's
//! settlement of a year, every payer's key, share, aconto instalments, savings credit, actual
//! share and true-up; `/cooperations/{id}/settlement/{year}/{payer}` (and `.pdf`): how one payer's
//! amounts came about. Both are the documents `samvirke settle` prints
//! (`samvirke_report::settlement`), worked out by `settle_year` from the agreement as it stands,
//! with the usage totals of the year's recorded run where the key splits by usage; the page says
//! whether the recorded run has the same figures.
//!
//! A cooperation with `settlements = "members"` shows them only to the signed-in staff of its
//! parties and its secretariat ([`reader`], [`shows`]); everyone else gets 404 with the reason.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::model::{CooperationDoc, SettlementRecord};
use samvirke_core::{PartyId, Registry};
use samvirke_settle::recorded::{NoStatement, matches_run, statement_for};
use samvirke_settle::statement::Statement;

use super::{PageError, not_found_page, pdf_response, snapshot};
use crate::auth::Staff;
use crate::html::layout::page;
use crate::html::{lang, tr, tra};
use crate::{AppState, WebError};

/// Who reads a page with the settlements of `docs`: the signed-in staff member (session or API
/// token), looked up only when one of them shows its settlements to members only; `None` for the
/// public.
pub(crate) async fn reader<'d>(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    mut docs: impl Iterator<Item = &'d CooperationDoc>,
) -> Result<Option<Staff>, WebError> {
    if docs.all(|d| d.cooperation.settlements.is_public()) {
        return Ok(None);
    }
    crate::staff::staff_of(state, headers).await
}

/// Whether `reader` may see the settlements of `doc`.
pub(crate) fn shows(doc: &CooperationDoc, reader: Option<&Staff>) -> bool {
    doc.cooperation.settlements.is_public()
        || reader.is_some_and(|s| crate::staff::speaks_for_cooperation(s, doc))
}

/// The page of settlements the reader may not see (`None` when the reader may see them): 404,
/// why, and the way to sign in and back to `path`.
async fn unless_shown(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    doc: &CooperationDoc,
    path: &str,
) -> Result<Option<Response>, WebError> {
    let reader = reader(state, headers, std::iter::once(doc)).await?;
    if shows(doc, reader.as_ref()) {
        return Ok(None);
    }
    Ok(Some(closed(doc, path)))
}

/// The page of settlements the reader may not see: 404, why, and the way to sign in.
fn closed(doc: &CooperationDoc, path: &str) -> Response {
    let c = &doc.cooperation;
    let title = tr("settlements-members");
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (title) }
        p { (tr("settlements-closed")) }
        p { a href={ "/staff/login?next=" (crate::html::encode(path)) } { (tr("login-title")) } }
    };
    (
        StatusCode::NOT_FOUND,
        Html(page(&title, body).into_string()),
    )
        .into_response()
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}/settlement/{year}", get(statement_page))
        .route(
            "/cooperations/{id}/settlement/{year}/{payer}",
            get(explanation_page),
        )
        .route(
            "/cooperations/{id}/settlement/{year}/{payer}/usage.csv",
            get(usage_file),
        )
        .route(
            "/cooperations/{id}/settlement/{year}/invoices/{file}",
            get(invoice_file),
        )
        .route(
            "/municipalities/{id}/settlements/{year}",
            get(municipality_page),
        )
}

/// How many years the municipality page's chart and year list go back.
const MUNICIPALITY_YEARS_MAX: usize = 10;

/// One payment agreement a municipality pays under: for what, to whom, and its shares.
struct Paying {
    what: String,
    payee: String,
    budget: u64,
    actual: Option<u64>,
    savings: u64,
    true_up: Option<i64>,
}

/// What a municipality pays and receives under one cooperation in one year.
struct Money<'r> {
    cooperation: &'r CooperationDoc,
    currency: String,
    /// Per payment agreement it pays under: the sub-agreement heading, the payee, its budget
    /// share, actual share and true-up.
    pays: Vec<Paying>,
    /// Per payment agreement it is paid under: the heading and the payers' budget total.
    receives: Vec<(String, u64)>,
}

/// The municipality's money under every cooperation it is party to that settles `year`.
fn money_of<'r>(
    registry: &'r Registry,
    me: &PartyId,
    year: i32,
    reader: Option<&Staff>,
) -> Vec<Money<'r>> {
    let payer = me.to_string();
    registry
        .cooperations()
        .iter()
        .filter(|d| d.cooperation.parties.iter().any(|p| &p.id == me) && shows(d, reader))
        .filter_map(|d| {
            let (statement, _) = worked_out(registry, d, year).ok()?;
            let l = lang();
            let pays: Vec<_> = statement
                .agreements
                .iter()
                .flat_map(|a| {
                    a.payers
                        .iter()
                        .filter(|p| p.payer == payer)
                        .map(move |p| Paying {
                            what: samvirke_report::annual::sheet_heading(
                                l,
                                a.sub_agreement,
                                &a.title,
                            ),
                            payee: samvirke_report::settlement::party_name(d, &a.payee),
                            budget: p.budget_minor,
                            actual: p.actual_minor,
                            savings: p.savings_minor,
                            true_up: p.true_up_minor,
                        })
                })
                .collect();
            let receives: Vec<_> = statement
                .agreements
                .iter()
                .filter(|a| a.payee == payer)
                .map(|a| {
                    (
                        samvirke_report::annual::sheet_heading(l, a.sub_agreement, &a.title),
                        a.payers.iter().map(|p| p.budget_minor).sum(),
                    )
                })
                .collect();
            (!pays.is_empty() || !receives.is_empty()).then(|| Money {
                cooperation: d,
                currency: statement.currency.clone(),
                pays,
                receives,
            })
        })
        .collect()
}

/// What the municipality pays in a year, per currency: its actual shares where the year is
/// closed, else its budget shares, less its savings credits (as the evaluation counts a cost).
fn cost_of(list: &[Money<'_>]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for m in list {
        let sum: u64 = m
            .pays
            .iter()
            .map(|p| p.actual.unwrap_or(p.budget).saturating_sub(p.savings))
            .sum();
        match out.iter_mut().find(|(c, _)| *c == m.currency) {
            Some((_, total)) => *total += sum,
            None => out.push((m.currency.clone(), sum)),
        }
    }
    out
}

/// `GET /municipalities/{id}/settlements/{year}`: what the municipality pays, to whom and for
/// what, and what it receives, under every cooperation it is party to; and its cost per year.
async fn municipality_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let Some(year) = crate::report_year(&year) else {
        return Ok(not_found_page());
    };
    let id = crate::known_municipality(&id)?;
    let name = crate::html::components::municipality_name(id);
    let snapshot = snapshot(&state)?;
    let registry = &snapshot.registry;
    let me = PartyId::Municipality(id);
    let mine_all: Vec<&CooperationDoc> = registry
        .cooperations()
        .iter()
        .filter(|d| d.cooperation.parties.iter().any(|p| p.id == me))
        .collect();
    let reader = reader(&state, &headers, mine_all.iter().copied()).await?;
    // The years any of its cooperations the reader may see settles, the latest
    // MUNICIPALITY_YEARS_MAX.
    let mut years: Vec<i32> = mine_all
        .iter()
        .filter(|d| shows(d, reader.as_ref()))
        .flat_map(|d| registry.settlement_years(&d.cooperation.id))
        .collect();
    years.sort_unstable();
    years.dedup();
    let skip = years.len().saturating_sub(MUNICIPALITY_YEARS_MAX);
    let years: Vec<i32> = years.into_iter().skip(skip).collect();
    if !years.contains(&year) {
        return Ok(not_found_page());
    }
    // Each year worked out once: the chart's costs and this year's tables come from the same.
    let mut this_year = Vec::new();
    let mut costs: Vec<(i32, String, u64)> = Vec::new();
    for y in &years {
        let money = money_of(registry, &me, *y, reader.as_ref());
        costs.extend(cost_of(&money).into_iter().map(|(c, m)| (*y, c, m)));
        if *y == year {
            this_year = money;
        }
    }
    let mine = me.to_string();
    let disputes: Vec<_> = registry
        .all_disputes()
        .into_iter()
        .filter(|(doc, d)| {
            d.year == year && (d.payer == mine || d.payee == mine) && shows(doc, reader.as_ref())
        })
        .collect();
    let l = lang();
    let title = tra(
        "settlement-municipality-title",
        &[("name", &name), ("year", &year.to_string())],
    );
    let money = |minor: u64, currency: &str| crate::i18n::money(l, minor as i64, currency);
    let body = html! {
        p.breadcrumb { a href={ "/municipalities/" (id) } { (name) } }
        h1 { (title) }
        @if years.len() > 1 {
            nav aria-label=(tr("settlement-years")) {
                ul.actions {
                    @for y in &years {
                        li {
                            @if *y == year { span aria-current="page" { (y) } }
                            @else { a href={ "/municipalities/" (id) "/settlements/" (y) } { (y) } }
                        }
                    }
                }
            }
        }
        p { (tr("settlement-municipality-intro")) }
        (crate::staff::disputes::open_section(&disputes))
        @let paying: Vec<&Money<'_>> = this_year.iter().filter(|m| !m.pays.is_empty()).collect();
        h2 { (tr("settlement-pays")) }
        @if paying.is_empty() {
            p { (tr("settlement-pays-nothing")) }
        } @else {
            table.stack {
                caption { (tra("settlement-pays-caption", &[("name", &name), ("year", &year.to_string())])) }
                thead { tr {
                    th scope="col" { (tr("settlement-col-cooperation")) }
                    th scope="col" { (tr("settlement-col-for")) }
                    th scope="col" .num { (tr("settle-col-budget")) }
                    th scope="col" .num { (tr("settle-col-actual")) }
                    th scope="col" .num { (tr("settle-col-true-up")) }
                } }
                tbody {
                    @for m in &paying {
                        @for x in &m.pays {
                            tr {
                                th scope="row" {
                                    a href={ "/cooperations/" (m.cooperation.cooperation.id) "/settlement/" (year) "/" (me) } { (m.cooperation.cooperation.name) }
                                }
                                td data-label=(tr("settlement-col-for")) {
                                    (x.what) br;
                                    (tra("settlement-to", &[("payee", &x.payee)]))
                                }
                                td.num data-label=(tr("settle-col-budget")) { (money(x.budget, &m.currency)) }
                                td.num data-label=(tr("settle-col-actual")) {
                                    @match x.actual { Some(a) => (money(a, &m.currency)), None => "–" }
                                }
                                td.num data-label=(tr("settle-col-true-up")) {
                                    @match x.true_up {
                                        Some(t) => (samvirke_report::decision::signed(l, t, &m.currency)),
                                        None => (tr("settle-open")),
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @let receiving: Vec<&Money<'_>> = this_year.iter().filter(|m| !m.receives.is_empty()).collect();
        @if !receiving.is_empty() {
            h2 { (tr("settlement-receives")) }
            table.stack {
                caption { (tra("settlement-receives-caption", &[("name", &name), ("year", &year.to_string())])) }
                thead { tr {
                    th scope="col" { (tr("settlement-col-cooperation")) }
                    th scope="col" { (tr("settlement-col-for")) }
                    th scope="col" .num { (tr("settle-budget")) }
                } }
                tbody {
                    @for m in &receiving {
                        @for (what, total) in &m.receives {
                            tr {
                                th scope="row" { a href={ "/cooperations/" (m.cooperation.cooperation.id) "/settlement/" (year) } { (m.cooperation.cooperation.name) } }
                                td data-label=(tr("settlement-col-for")) { (what) }
                                td.num data-label=(tr("settle-budget")) { (money(*total, &m.currency)) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (tr("settlement-per-year")) }
        (crate::html::components::year_bars(
            "cost",
            &tra("settlement-chart-title", &[("name", &name)]),
            &tr("settlement-chart-caption"),
            &costs.iter().map(|(y, c, m)| (*y, c.clone(), *m as i64)).collect::<Vec<_>>(),
        ))
        table.stack {
            caption { (tra("settlement-per-year-caption", &[("name", &name)])) }
            thead { tr {
                th scope="col" { (tr("evaluation-col-year")) }
                th scope="col" .num { (tr("settlement-col-cost")) }
            } }
            tbody {
                @for (y, currency, minor) in &costs {
                    tr {
                        th scope="row" { (y) }
                        td.num data-label=(tr("settlement-col-cost")) { (money(*minor, currency)) }
                    }
                }
            }
        }
    };
    Ok(Html(page(&title, body).into_string()).into_response())
}

/// The year's statement and its recorded run, or why there is none (a page in the reader's
/// language).
pub(crate) fn worked_out<'r>(
    registry: &'r Registry,
    doc: &CooperationDoc,
    year: i32,
) -> Result<(Statement, Option<&'r SettlementRecord>), WebError> {
    let run = registry.settlement_run(&doc.cooperation.id, year);
    let statement = statement_for(doc, year, run).map_err(|e| match e {
        NoStatement::NeedsRun => {
            WebError::NotFound(tra("settlement-needs-run", &[("year", &year.to_string())]))
        }
        NoStatement::NoBasis(_) => {
            WebError::NotFound(tra("settlement-no-basis", &[("year", &year.to_string())]))
        }
    })?;
    Ok((statement, run))
}

/// The page of a year without a statement: 404 with the reason in the reader's language (no cost
/// basis, or a usage key without a recorded run) and the years there are.
fn no_statement(doc: &CooperationDoc, year: i32, e: WebError) -> Response {
    let WebError::NotFound(reason) = e else {
        return PageError(e).into_response();
    };
    let c = &doc.cooperation;
    let title = tra("settlement-year-link", &[("year", &year.to_string())]);
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (title) }
        p { (reason) }
        p { a href={ "/cooperations/" (c.id) "#settlement" } { (tr("settlement-other-years")) } }
    };
    (
        axum::http::StatusCode::NOT_FOUND,
        Html(page(&title, body).into_string()),
    )
        .into_response()
}

/// The years to move between.
fn years_nav(registry: &Registry, doc: &CooperationDoc, year: i32) -> Markup {
    let years = registry.settlement_years(&doc.cooperation.id);
    html! {
        @if years.len() > 1 {
            nav aria-label=(tr("settlement-years")) {
                ul.actions {
                    @for y in &years {
                        li {
                            @if *y == year {
                                span aria-current="page" { (y) }
                            } @else {
                                a href={ "/cooperations/" (doc.cooperation.id) "/settlement/" (y) } { (y) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Splits `file` into the year and the format asked for (`2025`, `2025.pdf`).
fn year_and_format(file: &str) -> Option<(i32, &str)> {
    let (year, format) = file.split_once('.').unwrap_or((file, "html"));
    crate::report_year(year).map(|y| (y, format))
}

/// `GET /cooperations/{id}/settlement/{year}` and `….pdf`, `….csv`, `….json`.
async fn statement_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let Some((year, format)) = year_and_format(&file) else {
        return Ok(not_found_page());
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if let Some(refused) = unless_shown(
        &state,
        &headers,
        doc,
        &format!("/cooperations/{id}/settlement/{file}"),
    )
    .await?
    {
        return Ok(refused);
    }
    let (statement, run) = match worked_out(&snapshot.registry, doc, year) {
        Ok(w) => w,
        Err(e) => return Ok(no_statement(doc, year, e)),
    };
    let document = samvirke_report::settlement::statement(doc, &statement, lang());
    let stem = format!("{}-settlement-{year}", doc.cooperation.id);
    match format {
        "html" => {}
        "pdf" => return pdf_response(&state, document, &format!("{stem}.pdf")).await,
        "csv" => {
            return Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{stem}.csv\""),
                    ),
                ],
                statement.csv(),
            )
                .into_response());
        }
        "json" => return Ok(axum::Json(statement).into_response()),
        _ => return Ok(not_found_page()),
    }
    let c = &doc.cooperation;
    let base = format!("/cooperations/{}/settlement/{year}", c.id);
    let payers: Vec<&str> = {
        let mut list: Vec<&str> = statement
            .agreements
            .iter()
            .flat_map(|a| a.payers.iter().map(|p| p.payer.as_str()))
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    };
    let disputes: Vec<_> = snapshot
        .registry
        .disputes(&c.id)
        .into_iter()
        .filter(|d| d.year == year)
        .map(|d| (doc, d))
        .collect();
    let body = html! {
        p.breadcrumb { a href={ "/cooperations/" (c.id) } { (c.name) } }
        h1 { (document.title) }
        (years_nav(&snapshot.registry, doc, year))
        @match run {
            Some(r) if matches_run(&statement, r) => p { (tr("settlement-run-matches")) },
            Some(_) => div.notice { p { (tr("settlement-run-differs")) } },
            None => p { (tr("settlement-no-run")) },
        }
        p.no-print {
            a href={ (base) ".pdf" } { (tr("settlement-pdf")) } " · "
            a href={ (base) ".csv" } { (tr("settlement-csv")) } " · "
            a href={ (base) ".json" } { (tr("settlement-json")) }
        }
        h2 { (tr("settlement-explain-heading")) }
        ul {
            @for p in &payers {
                li {
                    a href={ (base) "/" (p) } {
                        (tra("settlement-explain-link", &[("payer", &samvirke_report::settlement::party_name(doc, p))]))
                    }
                }
            }
        }
        (crate::staff::disputes::open_section(&disputes))
        @if run.is_some() {
            p.no-print { a href=(crate::staff::disputes::new_url(doc, year)) { (tr("dispute-link")) } }
            p.no-print { a href=(crate::staff::runs::runs_url(doc, year)) { (tr("runs-link")) } }
        }
        (samvirke_report::html::body(&document))
        (invoices_issued(&snapshot.registry, doc, year, &base))
    };
    Ok(Html(page(&document.title, body).into_string()).into_response())
}

/// The e-invoices and credit notes issued for the year (`samvirke invoice`), each a download.
fn invoices_issued(registry: &Registry, doc: &CooperationDoc, year: i32, base: &str) -> Markup {
    let issued = registry.invoices(&doc.cooperation.id, year);
    let l = lang();
    let name = |id: &str| samvirke_report::settlement::party_name(doc, id);
    html! {
        h2 #invoices { (tr("invoices-heading")) }
        @if issued.is_empty() {
            p { (tr("invoices-none")) }
        } @else {
            p { (tr("invoices-intro")) }
            table.stack {
                caption { (tra("invoices-caption", &[("year", &year.to_string())])) }
                thead { tr {
                    th scope="col" { (tr("invoices-col-number")) }
                    th scope="col" { (tr("invoices-col-kind")) }
                    th scope="col" { (tr("invoices-col-from-to")) }
                    th scope="col" { (tr("invoices-col-for")) }
                    th scope="col" { (tr("invoices-col-issued")) }
                    th scope="col" { (tr("invoices-col-due")) }
                    th scope="col" .num { (tr("invoices-col-amount")) }
                } }
                tbody {
                    @for i in &issued {
                        tr {
                            th scope="row" data-label=(tr("invoices-col-number")) {
                                a href={ (base) "/invoices/" (i.number) ".xml" } download { (i.number) }
                            }
                            td data-label=(tr("invoices-col-kind")) {
                                (tr(if i.credit_note { "invoices-credit-note" } else { "invoices-invoice" }))
                                @if !i.corrects.is_empty() {
                                    " " (tra("invoices-corrects", &[("numbers", &i.corrects.join(", "))]))
                                }
                            }
                            td data-label=(tr("invoices-col-from-to")) {
                                (tra("invoices-from-to", &[("seller", &name(&i.seller)), ("buyer", &name(&i.buyer))]))
                            }
                            td data-label=(tr("invoices-col-for")) {
                                (tra("invoices-sub-agreement", &[("number", &i.sub_agreement.to_string())])) ", "
                                @match i.item {
                                    samvirke_core::model::InvoiceItem::Instalment { number } => (tra("invoices-instalment", &[("n", &number.to_string())])),
                                    samvirke_core::model::InvoiceItem::TrueUp => (tr("invoices-true-up")),
                                }
                            }
                            td data-label=(tr("invoices-col-issued")) { (crate::html::day(i.issued)) }
                            td data-label=(tr("invoices-col-due")) { @if let Some(d) = i.due { (crate::html::day(d)) } }
                            td.num data-label=(tr("invoices-col-amount")) {
                                (samvirke_i18n::money(l, i.payable_minor as i64, &i.currency))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /cooperations/{id}/settlement/{year}/invoices/{number}.xml`: an issued document, the
/// bytes recorded when it was issued.
async fn invoice_file(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (Some(year), Some(number)) = (crate::report_year(&year), file.strip_suffix(".xml")) else {
        return Ok(not_found_page());
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if let Some(refused) = unless_shown(
        &state,
        &headers,
        doc,
        &format!("/cooperations/{id}/settlement/{year}"),
    )
    .await?
    {
        return Ok(refused);
    }
    let Some(invoice) = snapshot
        .registry
        .invoices(&doc.cooperation.id, year)
        .into_iter()
        .find(|i| i.number == number)
    else {
        return Ok(not_found_page());
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.xml\"", invoice.number),
            ),
        ],
        invoice.xml.clone(),
    )
        .into_response())
}

/// `GET /cooperations/{id}/settlement/{year}/{payer}/usage.csv`: the payer's activity the key
/// split by, per sub-agreement and month (404 when it has none that year).
async fn usage_file(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year, payer)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (Some(year), Ok(payer)) = (crate::report_year(&year), PartyId::parse(&payer)) else {
        return Ok(not_found_page());
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if let Some(refused) = unless_shown(
        &state,
        &headers,
        doc,
        &format!("/cooperations/{id}/settlement/{year}"),
    )
    .await?
    {
        return Ok(refused);
    }
    let Ok((statement, _)) = worked_out(&snapshot.registry, doc, year) else {
        return Ok(not_found_page());
    };
    let payer = payer.to_string();
    let has_usage = statement.has_usage(&payer);
    if !has_usage {
        return Ok(not_found_page());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-usage-{year}-{payer}.csv\"",
                    doc.cooperation.id
                ),
            ),
        ],
        statement.usage_csv(&payer),
    )
        .into_response())
}

/// `GET /cooperations/{id}/settlement/{year}/{payer}` and `….pdf`.
async fn explanation_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year, file)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (payer, as_pdf) = match file.strip_suffix(".pdf") {
        Some(p) => (p, true),
        None => (file.as_str(), false),
    };
    let Some(year) = crate::report_year(&year) else {
        return Ok(not_found_page());
    };
    let Ok(payer) = PartyId::parse(payer) else {
        return Ok(not_found_page());
    };
    let snapshot = snapshot(&state)?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    if let Some(refused) = unless_shown(
        &state,
        &headers,
        doc,
        &format!("/cooperations/{id}/settlement/{year}/{file}"),
    )
    .await?
    {
        return Ok(refused);
    }
    let (statement, _) = match worked_out(&snapshot.registry, doc, year) {
        Ok(w) => w,
        Err(e) => return Ok(no_statement(doc, year, e)),
    };
    let payer = payer.to_string();
    let Some(document) = samvirke_report::settlement::explanation(doc, &statement, &payer, lang())
    else {
        return Ok(not_found_page());
    };
    if as_pdf {
        return pdf_response(
            &state,
            document,
            &format!("{}-settlement-{year}-{payer}.pdf", doc.cooperation.id),
        )
        .await;
    }
    let c = &doc.cooperation;
    let has_usage = statement.has_usage(&payer);
    let body = html! {
        p.breadcrumb {
            a href={ "/cooperations/" (c.id) } { (c.name) } " · "
            a href={ "/cooperations/" (c.id) "/settlement/" (year) } { (tra("settlement-back", &[("year", &year.to_string())])) }
        }
        h1 { (document.title) }
        p.no-print { a href={ "/cooperations/" (c.id) "/settlement/" (year) "/" (payer) ".pdf" } { (tr("settlement-pdf")) } }
        (samvirke_report::html::body(&document))
        @if has_usage {
            p.no-print {
                a href={ "/cooperations/" (c.id) "/settlement/" (year) "/" (payer) "/usage.csv" } download {
                    (tr("settle-usage-download"))
                }
            }
        }
    };
    Ok(Html(page(&document.title, body).into_string()).into_response())
}
