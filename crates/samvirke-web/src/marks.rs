//! Recording what has been done about a deadline, from the editor's page of a cooperation: the
//! overdue deadlines of the past year and the coming ones, each with a small form (state and
//! note) that posts to `/staff/cooperations/{id}/deadline`. The same checks as
//! `samvirke deadlines mark` (`Registry::mark_deadline`); each change is a journal event.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use samvirke_core::deadlines::{Filter, Status};
use samvirke_core::model::{CooperationDoc, ObligationState};
use samvirke_core::{Date, Registry};

use crate::auth::Staff;
use crate::legacy::{PageError, day, escape, not_found_page, tr, tra};
use crate::staff::{page, see_other, staff_form};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/staff/cooperations/{id}/deadline", post(save))
}

/// How far ahead the editor's page lists deadlines to mark.
const DAYS_AHEAD: i32 = 120;

/// The deadlines section of the editor's page, one form per deadline.
pub(crate) fn push_forms(b: &mut String, registry: &Registry, doc: &CooperationDoc, staff: &Staff) {
    let filter = Filter {
        municipality: None,
        cooperation: Some(doc.cooperation.id.clone()),
    };
    let Ok(list) = registry.deadlines_page(&filter, crate::today(), DAYS_AHEAD) else {
        return;
    };
    let _ = writeln!(b, "<h2 id=\"deadlines\">{}</h2>", tr("deadlines-mark"));
    if list.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tr("deadlines-none"));
        return;
    }
    let csrf = escape(&staff.csrf);
    b.push_str("<ul>\n");
    for (idx, d) in list.iter().enumerate() {
        let current = registry
            .obligation_status(&d.cooperation, &d.obligation, d.due)
            .map_or(ObligationState::Planned, |s| s.state);
        let mut options = String::new();
        for state in ObligationState::ALL {
            let _ = write!(
                options,
                "<option value=\"{}\"{}>{}</option>",
                state.as_str(),
                if *state == current { " selected" } else { "" },
                tr(&format!("deadline-{}", state.as_str()))
            );
        }
        let status = tr(&format!("deadline-{}", d.status.as_str()));
        let status = if d.status == Status::Overdue {
            format!("<strong>{status}</strong>")
        } else {
            status
        };
        let _ = writeln!(
            b,
            "<li><time datetime=\"{due}\">{}</time>: {} – {status}\n<form method=\"post\" action=\"/staff/cooperations/{}/deadline\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"obligation\" value=\"{}\"><input type=\"hidden\" name=\"due\" value=\"{due}\"><label for=\"m{idx}-state\">{}</label><select id=\"m{idx}-state\" name=\"state\">{options}</select><label for=\"m{idx}-note\">{}</label><input id=\"m{idx}-note\" name=\"note\" type=\"text\" value=\"{}\"><button type=\"submit\">{}</button></form></li>",
            day(d.due),
            escape(&d.title),
            doc.cooperation.id,
            escape(&d.obligation),
            tr("deadline-state-label"),
            tr("deadline-note-label"),
            escape(d.note.as_deref().unwrap_or_default()),
            tr("deadline-save"),
            due = d.due,
        );
    }
    b.push_str("</ul>\n");
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
        let body = format!(
            "<h1>{}</h1>\n<div class=\"error\" role=\"alert\"><p>{}</p></div>\n<p><a href=\"/staff/cooperations/{id}#deadlines\">{}</a></p>",
            tr("deadlines-mark"),
            escape(&message),
            tr("deadline-back")
        );
        page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &tr("deadlines-mark"),
            &body,
        )
    };
    let Some(new_state) = ObligationState::parse(data.get("state")) else {
        return refused(format!(
            "state \"{}\" is not one of {}",
            data.get("state"),
            ObligationState::choices()
        ));
    };
    let due = match Date::parse(data.get("due")) {
        Ok(d) => d,
        Err(e) => return refused(format!("due: {e}")),
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
        Err(message) => return refused(message),
    };
    let reason = mark.default_reason();
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
    see_other(&format!("{hub}#deadlines"))
}
