//! `/staff/cooperations/{id}/settlement/{year}/runs`: every settlement run recorded for a year,
//! newest first, and what changed between two of them (`?from=EVENT&to=EVENT`; by default the two
//! latest), line by line in the reader's language. For the staff of the cooperation and its
//! members; anyone else gets 404.
//!
//! The runs are the versions of the year's `Fact::SettlementRun`, read back along the journal's
//! `supersedes` links (`Store::versions`: one indexed read per run, at most [`MAX_RUNS`]). The
//! comparison is `samvirke_settle::recorded::compare`, the same as `samvirke settle` prints.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::Timestamp;
use samvirke_core::model::{CooperationDoc, Fact, SettlementLine, SettlementRecord};
use samvirke_settle::recorded::{LineChange, compare, paid_minor};

use super::disputes::{currency_of, party_name};
use super::{SignedIn, page};
use crate::html::errors::{PageError, not_found_page};
use crate::html::{lang, tr, tra};
use crate::{AppState, i18n};

/// The most runs of one year a page reads back (one indexed journal read each).
pub(crate) const MAX_RUNS: usize = 100;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/staff/cooperations/{id}/settlement/{year}/runs", get(runs))
}

/// The page's address.
pub(crate) fn runs_url(doc: &CooperationDoc, year: i32) -> String {
    format!(
        "/staff/cooperations/{}/settlement/{year}/runs",
        doc.cooperation.id
    )
}

/// The two runs asked for.
#[derive(serde::Deserialize, Default)]
pub(crate) struct Choice {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// A recorded run: its event, when and by whom, why, and the figures.
struct Run {
    event: u64,
    at: Timestamp,
    actor: String,
    reason: String,
    record: SettlementRecord,
}

async fn runs(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, year)): Path<(String, String)>,
    Query(choice): Query<Choice>,
) -> Response {
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Some(year) = crate::report_year(&year) else {
        return not_found_page();
    };
    let Ok(doc) = crate::cooperation_in(&snapshot, &id) else {
        return not_found_page();
    };
    if !super::speaks_for_cooperation(&staff, doc) {
        return not_found_page();
    }
    let key = format!("{}/settlement/{year}", doc.cooperation.id);
    let Some(latest) = snapshot.registry.record_of(&key).map(|r| r.event) else {
        return not_found_page();
    };
    let read = state
        .with_store(move |store| Ok(store.versions(latest, MAX_RUNS)?))
        .await;
    let versions = match read {
        Ok(v) => v,
        Err(e) => return PageError(e).into_response(),
    };
    let runs: Vec<Run> = versions
        .into_iter()
        .filter_map(|(event, fact)| match fact {
            Fact::SettlementRun { run, .. } => Some(Run {
                event: event.seq,
                at: event.recorded_at,
                actor: event.actor,
                reason: event.reason,
                record: run,
            }),
            _ => None,
        })
        .collect();
    let title = tra("runs-title", &[("year", &year.to_string())]);
    let body = runs_page(doc, year, &runs, &choice);
    page(StatusCode::OK, &staff, &title, body)
}

/// The run with event `text`, if it is one of `runs`.
fn pick<'a>(runs: &'a [Run], text: Option<&str>) -> Option<&'a Run> {
    let event: u64 = text?.trim().parse().ok()?;
    runs.iter().find(|r| r.event == event)
}

fn runs_page(doc: &CooperationDoc, year: i32, runs: &[Run], choice: &Choice) -> Markup {
    let c = &doc.cooperation;
    let l = lang();
    let currency = currency_of(doc, year);
    let asked = choice.from.is_some() || choice.to.is_some();
    // The chosen pair, earlier first; the two latest when nothing (or nothing usable) is chosen.
    let chosen = match (
        pick(runs, choice.from.as_deref()),
        pick(runs, choice.to.as_deref()),
    ) {
        (Some(a), Some(b)) if a.event != b.event => {
            Some(if a.event < b.event { (a, b) } else { (b, a) })
        }
        _ => None,
    };
    let bad_choice = asked && chosen.is_none();
    let latest_two = match runs {
        [latest, before, ..] => Some((before, latest)),
        _ => None,
    };
    let pair = chosen.or(latest_two);
    let when = |r: &Run| i18n::datetime(l, r.at);
    html! {
        p.breadcrumb {
            a href={ "/cooperations/" (c.id) } { (c.name) } " › "
            a href={ "/cooperations/" (c.id) "/settlement/" (year) } {
                (tra("settlement-year-link", &[("year", &year.to_string())]))
            }
        }
        h1 { (tra("runs-title", &[("year", &year.to_string())])) }
        table.stack {
            caption { (tra("runs-caption", &[("year", &year.to_string())])) }
            thead { tr {
                th scope="col" { (tr("runs-recorded")) }
                th scope="col" { (tr("runs-by")) }
                th scope="col" { (tr("runs-reason")) }
                th scope="col" .num { (tr("runs-total")) }
            } }
            tbody {
                @for (i, r) in runs.iter().enumerate() {
                    tr {
                        td data-label=(tr("runs-recorded")) {
                            time datetime=(r.at.to_string()) { (when(r)) }
                            @if i == 0 { " " span.tag { (tr("runs-current")) } }
                        }
                        td data-label=(tr("runs-by")) {
                            @if r.actor == samvirke_store::CLI_ACTOR { (tr("runs-by-cli")) } @else { (r.actor) }
                        }
                        td data-label=(tr("runs-reason")) {
                            // `samvirke settle` without --reason records an English line of its own.
                            @if r.reason == format!("settlement run {year} for {}", doc.cooperation.id) {
                                (tr("runs-no-reason"))
                            } @else { (r.reason) }
                        }
                        td.num data-label=(tr("runs-total")) {
                            (i18n::money(l, total_paid(&r.record), &currency))
                        }
                    }
                }
            }
        }
        @if runs.len() >= MAX_RUNS {
            p { (tra("runs-truncated", &[("limit", &MAX_RUNS.to_string())])) }
        }
        @match pair {
            None => p { (tra("runs-only-one", &[("year", &year.to_string())])) },
            Some((before, after)) => {
                h2 { (tr("runs-compare-heading")) }
                @if bad_choice {
                    div.notice role="status" { p { (tra("runs-bad-choice", &[("year", &year.to_string())])) } }
                }
                form.compare method="get" {
                    (run_select("from", "runs-earlier", runs, before.event, &when))
                    (run_select("to", "runs-later", runs, after.event, &when))
                    button type="submit" { (tr("runs-compare")) }
                }
                h3 { (tra("runs-changes-heading", &[("from", &when(before)), ("to", &when(after))])) }
                (changes(doc, year, &before.record, &after.record, &currency))
            }
        }
    }
}

fn run_select(
    name: &str,
    label: &str,
    runs: &[Run],
    selected: u64,
    when: &dyn Fn(&Run) -> String,
) -> Markup {
    html! {
        p {
            label for=(name) { (tr(label)) }
            select id=(name) name=(name) {
                @for r in runs {
                    option value=(r.event) selected[r.event == selected] { (when(r)) }
                }
            }
        }
    }
}

/// What the members pay under a run, line by line ([`paid_minor`]).
fn total_paid(run: &SettlementRecord) -> i64 {
    run.lines.iter().map(paid_minor).sum()
}

/// The lines that changed, each figure as it became with what it was.
fn changes(
    doc: &CooperationDoc,
    year: i32,
    before: &SettlementRecord,
    after: &SettlementRecord,
    currency: &str,
) -> Markup {
    let l = lang();
    let diff = compare(before, after);
    let money = |v: i64| i18n::money(l, v, currency);
    let signed = |v: i64| {
        if v > 0 {
            format!("+{}", money(v))
        } else {
            money(v)
        }
    };
    // A figure of the later run, and what it was when it changed.
    let figure = |c: &LineChange, get: &dyn Fn(&SettlementLine) -> Option<i64>| -> Markup {
        let now = c.after.as_ref().and_then(get);
        let was = c.before.as_ref().and_then(get);
        html! {
            @if c.after.is_none() {
                span.muted { (tra("runs-was", &[("amount", &was.map_or_else(|| tr("runs-open"), money))])) }
            } @else {
                @match now { Some(v) => (money(v)), None => (tr("runs-open")) }
            }
            @if c.before.is_some() && c.after.is_some() && now != was {
                br;
                span.muted {
                    (tra("runs-was", &[("amount", &was.map_or_else(|| tr("runs-open"), money))]))
                }
            }
        }
    };
    let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    html! {
        @if diff.inputs_changed { p { (tr("runs-inputs-changed")) } }
        @if diff.usage_changed { p { (tr("runs-usage-changed")) } }
        @if diff.lines.is_empty() {
            p { (tr("runs-same")) }
        } @else {
            table.stack {
                caption { (tr("runs-changes-caption")) }
                thead { tr {
                    th scope="col" { (tr("runs-line")) }
                    th scope="col" { (tr("runs-payer")) }
                    th scope="col" .num { (tr("runs-budget")) }
                    th scope="col" .num { (tr("runs-actual")) }
                    th scope="col" .num { (tr("runs-savings")) }
                    th scope="col" .num { (tr("runs-true-up")) }
                    th scope="col" .num { (tr("runs-difference")) }
                } }
                tbody {
                    @for c in &diff.lines {
                        tr {
                            th scope="row" data-label=(tr("runs-line")) {
                                (i18n::dispute_line(l, doc, Some(c.sub_agreement), year))
                                @if c.before.is_none() { " " span.tag { (tr("runs-new")) } }
                                @if c.after.is_none() { " " span.tag { (tr("runs-gone")) } }
                            }
                            td data-label=(tr("runs-payer")) { (party_name(doc, &c.payer)) }
                            td.num data-label=(tr("runs-budget")) { (figure(c, &|s| Some(as_i64(s.budget_minor)))) }
                            td.num data-label=(tr("runs-actual")) { (figure(c, &|s| s.actual_minor.map(as_i64))) }
                            td.num data-label=(tr("runs-savings")) { (figure(c, &|s| Some(as_i64(s.savings_minor)))) }
                            td.num data-label=(tr("runs-true-up")) { (figure(c, &|s| s.true_up_minor)) }
                            td.num data-label=(tr("runs-difference")) { (signed(c.difference_minor())) }
                        }
                    }
                }
            }
        }
    }
}
