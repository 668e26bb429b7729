//! Recording what has been done about a deadline, from the editor's page of a cooperation: the
//! overdue deadlines of the past year and the coming ones, each with a small form (state and
//! note, in a fieldset named by the deadline) that posts to `/staff/cooperations/{id}/deadline`.
//! The same checks as `samvirke deadlines mark` (`Registry::mark_deadline`); each change is a
//! journal event.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use maud::{Markup, html};
use samvirke_core::Date;
use samvirke_core::Registry;
use samvirke_core::deadlines::{Filter, MarkError};
use samvirke_core::model::{CooperationDoc, ObligationState};

use super::{csrf_field, page, see_other, staff_form};
use crate::auth::Staff;
use crate::html::components::{self, in_language};
use crate::html::errors::{PageError, not_found_page};
use crate::html::{day, time, tr, tra};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/staff/cooperations/{id}/deadline", post(save))
}

/// How far ahead the editor's page lists deadlines to mark.
const DAYS_AHEAD: i32 = 120;

/// The deadlines section of the editor's page, one form per deadline.
pub(crate) fn section(registry: &Registry, doc: &CooperationDoc, staff: &Staff) -> Markup {
    let filter = Filter {
        municipality: None,
        cooperation: Some(doc.cooperation.id.clone()),
    };
    let list = registry
        .deadlines_page(&filter, crate::today(), DAYS_AHEAD)
        .unwrap_or_default();
    html! {
        h2 #deadlines { (tr("deadlines-mark")) }
        @if list.is_empty() {
            p { (tr("deadlines-none")) }
        }
        @for (idx, d) in list.iter().enumerate() {
            @let current = registry
                .obligation_status(&d.cooperation, &d.obligation, d.due)
                .map_or(ObligationState::Planned, |s| s.state);
            form method="post" action={ "/staff/cooperations/" (doc.cooperation.id) "/deadline" } {
                fieldset {
                    legend {
                        (time(d.due)) ": " (in_language(&d.title, doc.cooperation.language)) " " (components::deadline_status(d.status))
                    }
                    (csrf_field(staff))
                    input type="hidden" name="obligation" value=(d.obligation);
                    input type="hidden" name="due" value=(d.due.to_string());
                    label for={ "m" (idx) "-state" } { (tr("deadline-state-label")) }
                    select id={ "m" (idx) "-state" } name="state" {
                        @for state in ObligationState::ALL {
                            option value=(state.as_str()) selected[*state == current] {
                                (tr(&format!("deadline-{}", state.as_str())))
                            }
                        }
                    }
                    label for={ "m" (idx) "-note" } { (tr("deadline-note-label")) }
                    input id={ "m" (idx) "-note" } name="note" type="text" value=(d.note.as_deref().unwrap_or_default());
                    button.secondary type="submit" {
                        (tr("deadline-save"))
                        span.visually-hidden { " " (day(d.due)) }
                    }
                }
            }
        }
    }
}

async fn save(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let hub = format!("/staff/cooperations/{id}");
    let (staff, data) = match staff_form(&state, &headers, &hub, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Ok(doc) = crate::cooperation_in(&snapshot, &id) else {
        return not_found_page();
    };
    if !staff.can_edit(doc) {
        return PageError(WebError::Forbidden(tra("may-not-edit", &[("id", &id)]))).into_response();
    }
    let refused = |message: String| {
        let body = html! {
            h1 { (tr("deadlines-mark")) }
            (components::error_box(&tr("error-summary-title"), &message))
            p { a href={ "/staff/cooperations/" (id) "#deadlines" } { (tr("deadline-back")) } }
        };
        page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff,
            &tr("deadlines-mark"),
            body,
        )
    };
    let Some(new_state) = ObligationState::parse(data.get("state")) else {
        return refused(tra(
            "deadline-state-invalid",
            &[("value", data.get("state"))],
        ));
    };
    let due = match Date::parse(data.get("due")) {
        Ok(d) => d,
        Err(_) => return refused(tra("deadline-due-invalid", &[("value", data.get("due"))])),
    };
    let note = data.get("note");
    let mark = match snapshot.registry.mark_deadline(
        &doc.cooperation.id,
        data.get("obligation"),
        due,
        new_state,
        Some(note),
        crate::today(),
    ) {
        Ok(m) => m,
        Err(e) => return refused(mark_message(&e, data.get("obligation"))),
    };
    // The journal's reason, in the language of the person who marked it.
    let reason = {
        let state_word = tr(&format!("deadline-{}", new_state.as_str()));
        tra(
            "reason-deadline-marked",
            &[
                ("title", &mark.deadline.title),
                ("due", &day(due)),
                ("state", &state_word),
            ],
        )
    };
    if let Err(e) = state
        .save_fact(
            snapshot.head,
            mark.fact,
            staff.actor(),
            reason,
            tr("deadline-conflict"),
        )
        .await
    {
        return PageError(e).into_response();
    }
    see_other(&format!("{hub}?marked=1#deadlines"))
}

/// Why the deadline's state cannot be recorded, in the reader's words.
fn mark_message(e: &MarkError, given: &str) -> String {
    match e {
        MarkError::WaivedWithoutNote => tr("mark-waived-without-note"),
        MarkError::OtherDays { due, days, .. } => {
            let days: Vec<String> = days.iter().map(|d| day(*d)).collect();
            tra(
                "mark-other-days",
                &[("due", &day(*due)), ("days", &days.join(", "))],
            )
        }
        MarkError::NoDueDateNear { due, .. } => tra("mark-no-due", &[("due", &day(*due))]),
        MarkError::NotAnObligation { .. } => tra("deadline-due-invalid", &[("value", given)]),
        MarkError::Time(_) => tr("mark-time"),
    }
}
