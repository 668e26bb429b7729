//! The history of a cooperation from the journal (who changed what, when and why) and the
//! difference between two versions of its agreement file. Public, like the journal's facts.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use samvirke_core::CooperationId;

use crate::edit::{doc_in, file_text, unified_diff};
use crate::pages::{PageError, escape, layout, tr, tra};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}/history", get(history_page))
        .route("/cooperations/{id}/diff", get(diff_page))
}

#[derive(serde::Deserialize)]
pub(crate) struct HistoryQuery {
    key: Option<String>,
    saved: Option<String>,
}

/// One event about the cooperation, as shown.
struct Entry {
    seq: u64,
    at: String,
    actor: String,
    reason: String,
    key: String,
    what: &'static str,
}

async fn entries(state: &Arc<AppState>, id: &CooperationId) -> Result<Vec<Entry>, WebError> {
    let cooperation = id.clone();
    let state = state.clone();
    let items = tokio::task::spawn_blocking(move || state.events_of(&cooperation))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))??;
    Ok(items
        .into_iter()
        .map(|item| {
            let what = match (item.change["op"].as_str(), item.change.get("supersedes")) {
                (Some("retract"), _) => "history-withdrawn",
                (_, Some(_)) => "history-changed",
                _ => "history-added",
            };
            Entry {
                seq: item.seq,
                at: item.recorded_at.to_string(),
                actor: item.actor,
                reason: item.reason,
                key: item.key,
                what,
            }
        })
        .collect())
}

async fn history_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let id = doc.cooperation.id.clone();
    let mut all = entries(&state, &id).await?;
    if let Some(key) = query.key.as_deref().filter(|k| !k.is_empty()) {
        all.retain(|e| e.key == key);
    }
    all.reverse();
    let title = tra("history-title", &[("name", &doc.cooperation.name)]);
    let mut b = format!("<h1>{}</h1>\n", escape(&title));
    if query.saved.is_some() {
        let _ = writeln!(
            b,
            "<div class=\"answer\" role=\"status\" id=\"saved\"><p>{}</p></div>",
            tr("history-saved")
        );
    }
    let _ = writeln!(
        b,
        "<p><a href=\"/cooperations/{id}\">{}</a></p>\n<p>{}</p>",
        tr("public-page"),
        tr("history-intro")
    );
    if let Some(key) = query.key.as_deref().filter(|k| !k.is_empty()) {
        let _ = writeln!(
            b,
            "<p>{} <a href=\"/cooperations/{id}/history\">{}</a></p>",
            escape(&tra("history-only-key", &[("key", key)])),
            tr("history-all")
        );
    }
    b.push_str("<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"history-caption\"><table>\n");
    let _ = writeln!(
        b,
        "<caption id=\"history-caption\">{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
        tr("history-caption"),
        tr("history-when"),
        tr("history-who"),
        tr("history-what"),
        tr("history-why"),
        tr("history-diff")
    );
    for e in &all {
        let _ = writeln!(
            b,
            "<tr><td><time datetime=\"{at}\">{at}</time></td><td>{}</td><td>{} <a href=\"/cooperations/{id}/history?key={}\">{}</a></td><td>{}</td><td><a href=\"/cooperations/{id}/diff?from={}&amp;to={}\">{}</a></td></tr>",
            escape(&e.actor),
            tr(e.what),
            crate::pages::encode(&e.key),
            escape(&e.key),
            escape(&e.reason),
            e.seq - 1,
            e.seq,
            tra("history-event", &[("seq", &e.seq.to_string())]),
            at = escape(&e.at)
        );
    }
    b.push_str("</tbody></table></div>\n");
    // Compare any two versions.
    let options: String = all
        .iter()
        .map(|e| {
            format!(
                "<option value=\"{}\">{} – {}</option>",
                e.seq,
                e.seq,
                escape(&e.at)
            )
        })
        .collect();
    let _ = write!(
        b,
        "<h2>{}</h2>\n<form method=\"get\" action=\"/cooperations/{id}/diff\">\n<label for=\"from\">{}</label><select id=\"from\" name=\"from\">{options}</select>\n<label for=\"to\">{}</label><select id=\"to\" name=\"to\">{options}</select>\n<button type=\"submit\">{}</button>\n</form>\n",
        tr("history-compare"),
        tr("history-from"),
        tr("history-to"),
        tr("history-show")
    );
    Ok(Html(layout(&title, &b)))
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
        detail: format!("{field}: \"{text}\" is not an event number; pick one from the history"),
    })
}

async fn diff_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> Result<Html<String>, PageError> {
    let id = CooperationId::parse(&id).map_err(|e| WebError::NotFound(e.to_string()))?;
    let from = seq_field("from", query.from.as_deref())?;
    let to = seq_field("to", query.to.as_deref())?;
    let (from, to) = (from.min(to), from.max(to));
    let coop = id.clone();
    let (old, new, head) = state
        .with_store(move |store| {
            let head = store.head()?;
            let old = doc_in(&store.projection_through(from)?, &coop);
            let new = doc_in(&store.projection_through(to)?, &coop);
            Ok((old, new, head))
        })
        .await?;
    if to > head {
        return Err(WebError::NotFound(format!(
            "event {to} does not exist; the journal is at {head}"
        ))
        .into());
    }
    if old.is_none() && new.is_none() {
        return Err(
            WebError::NotFound(format!("no cooperation \"{id}\" at events {from}–{to}")).into(),
        );
    }
    let diff = unified_diff(
        &file_text(old.as_ref()),
        &file_text(new.as_ref()),
        &format!("{id}.toml @ {from}"),
        &format!("{id}.toml @ {to}"),
    );
    let title = tra(
        "diff-title",
        &[("from", &from.to_string()), ("to", &to.to_string())],
    );
    let mut b = format!(
        "<h1>{}</h1>\n<p><a href=\"/cooperations/{id}/history\">{}</a></p>\n",
        escape(&title),
        tr("history")
    );
    if diff.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tr("diff-none"));
    } else {
        let _ = writeln!(
            b,
            "<p>{}</p>\n<pre class=\"diff\" tabindex=\"0\" aria-label=\"{}\">",
            tr("diff-intro"),
            escape(&title)
        );
        for line in diff.lines() {
            let class = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => " class=\"add\"",
                Some(b'-') if !line.starts_with("---") => " class=\"del\"",
                _ => "",
            };
            let _ = writeln!(b, "<span{class}>{}</span>", escape(line));
        }
        b.push_str("</pre>\n");
    }
    Ok(Html(layout(&title, &b)))
}
