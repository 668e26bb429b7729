//! Public pages, rendered on the server: they work without JavaScript.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use samvirke_core::resolver::{Answer, Body};
use samvirke_core::{Country, MunicipalityRegister};

use crate::api::{WhoQuery, answer};
use crate::{AppState, WebError, today};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(front))
        .route("/who", get(who_page))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1b1b1b;background:#fff;line-height:1.5}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;outline:3px solid #0b5394}\
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}header{border-bottom:1px solid #ccc}\
a{color:#0b5394}label{display:block;font-weight:600;margin-top:1rem}select,input,button{font:inherit;padding:.5rem;max-width:100%}\
button{margin-top:1rem;background:#0b5394;color:#fff;border:0;border-radius:4px;padding:.6rem 1.2rem;cursor:pointer}\
:focus-visible{outline:3px solid #e8a317;outline-offset:2px}.answer{border-left:4px solid #0b5394;padding-left:1rem}\
.error{border-left:4px solid #b3261e;padding-left:1rem}dt{font-weight:600}dd{margin:0 0 .5rem 0}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} – Samvirke</title><style>{STYLE}</style></head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header><p><a href=\"/\">Samvirke</a> – who does what between municipalities</p></header>\n<main id=\"main\">\n{body}\n</main>\n<footer><p>Data: the cooperations' own agreements as recorded in Samvirke. <a href=\"/api/v1/cooperations\">JSON API</a></p></footer>\n</body>\n</html>\n",
        escape(title)
    )
}

fn form(state_snapshot: &crate::Snapshot, query: &WhoQuery) -> String {
    let chosen_m = query.municipality.as_deref().unwrap_or("");
    let chosen_s = query.service.as_deref().unwrap_or("");
    let on = query.on.clone().unwrap_or_else(|| today().to_string());
    let mut out = String::from(
        "<form method=\"get\" action=\"/who\">\n<label for=\"municipality\">Where do you live?</label>\n<select id=\"municipality\" name=\"municipality\" required>\n<option value=\"\">Choose a municipality</option>\n",
    );
    let register = MunicipalityRegister::embedded();
    for (country, label) in [
        (Country::Dk, "Denmark"),
        (Country::Se, "Sweden"),
        (Country::No, "Norway"),
    ] {
        let _ = writeln!(out, "<optgroup label=\"{label}\">");
        let mut list = register.in_force_on(today(), Some(country));
        list.sort_by(|a, b| a.name.cmp(&b.name));
        for v in list {
            let id = v.id.to_string();
            let selected = if id == chosen_m { " selected" } else { "" };
            let _ = writeln!(
                out,
                "<option value=\"{id}\"{selected}>{}</option>",
                escape(&v.name)
            );
        }
        out.push_str("</optgroup>\n");
    }
    out.push_str("</select>\n<label for=\"service\">What is your case about?</label>\n<select id=\"service\" name=\"service\" required>\n<option value=\"\">Choose a service</option>\n");
    for id in state_snapshot.registry.service_ids() {
        let name = state_snapshot.registry.service_name(id).unwrap_or_default();
        let selected = if id.as_str() == chosen_s {
            " selected"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<option value=\"{id}\"{selected}>{} ({id})</option>",
            escape(name)
        );
    }
    let _ = write!(
        out,
        "</select>\n<label for=\"on\">On which date? <span>(YYYY-MM-DD)</span></label>\n<input id=\"on\" name=\"on\" type=\"date\" value=\"{}\">\n<button type=\"submit\">Find who handles it</button>\n</form>\n",
        escape(&on)
    );
    out
}

async fn snapshot(state: Arc<AppState>) -> Result<Arc<crate::Snapshot>, WebError> {
    tokio::task::spawn_blocking(move || state.snapshot())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
}

async fn front(State(state): State<Arc<AppState>>) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(state).await?;
    let body = format!(
        "<h1>Who handles my case?</h1>\n<p>Municipalities often do tasks for each other. Choose where you live and what your case is about to see which municipality handles it, where to complain and where to ask for access to documents.</p>\n{}",
        form(
            &snapshot,
            &WhoQuery {
                municipality: None,
                service: None,
                on: None,
                as_known_on: None
            }
        )
    );
    Ok(Html(layout("Who handles my case?", &body)))
}

fn body_line(label: &str, body: &Body) -> String {
    let note = if body.stated_in_agreement {
        "named in the agreement"
    } else {
        "the agreement names no other body, so the municipality that handles the case does"
    };
    format!(
        "<dt>{label}</dt><dd>{} ({}) – {note}</dd>\n",
        escape(&body.name),
        escape(&body.id)
    )
}

fn answer_html(a: &Answer) -> String {
    let mut out = format!(
        "<section class=\"answer\" aria-labelledby=\"answer-heading\">\n<h2 id=\"answer-heading\">{} handles it</h2>\n<p>For residents of {} ({}), <strong>{}</strong> ({}) handles “{}” on {}.</p>\n<dl>\n",
        escape(&a.responsible.name),
        escape(&a.municipality.name),
        escape(&a.municipality.id),
        escape(&a.responsible.name),
        escape(&a.responsible.id),
        escape(&a.service.name),
        a.on
    );
    out.push_str(&body_line("Complaints", &a.complaints_to));
    out.push_str(&body_line("Access to documents", &a.access_requests_to));
    if !a.legal_basis.is_empty() {
        let _ = writeln!(
            out,
            "<dt>Law</dt><dd>{}</dd>",
            escape(&a.legal_basis.join("; "))
        );
    }
    out.push_str("</dl>\n");
    for note in &a.municipality_notes {
        let _ = writeln!(out, "<p>Note: {}</p>", escape(note));
    }
    out.push_str("<h3>Why</h3>\n<ol>\n");
    for step in &a.basis {
        let valid = step
            .valid
            .as_ref()
            .map(|v| {
                format!(
                    " (valid {} – {})",
                    v.from,
                    v.last_day
                        .map_or("open-ended".to_string(), |d| d.to_string())
                )
            })
            .unwrap_or_default();
        let _ = writeln!(out, "<li>{}{valid}</li>", escape(&step.text));
    }
    out.push_str("</ol>\n</section>\n");
    out
}

async fn who_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<WhoQuery>,
) -> Result<Response, PageError> {
    let snapshot = snapshot(state.clone()).await?;
    let form_html = form(&snapshot, &query);
    let echo = WhoQuery {
        municipality: query.municipality.clone(),
        service: query.service.clone(),
        on: query.on.clone(),
        as_known_on: query.as_known_on.clone(),
    };
    match answer(state, echo).await {
        Ok(a) => {
            let body = format!(
                "<h1>Who handles my case?</h1>\n{}\n<h2>Ask again</h2>\n{form_html}",
                answer_html(&a)
            );
            Ok(Html(layout(&format!("{} handles it", a.responsible.name), &body)).into_response())
        }
        Err(WebError::Internal(cause)) => Err(PageError(WebError::Internal(cause))),
        Err(e) => {
            let status = e.status();
            let body = format!(
                "<h1>Who handles my case?</h1>\n<div class=\"error\" role=\"alert\"><h2>We could not answer</h2><p>{}</p></div>\n{form_html}",
                escape(&e.public_detail())
            );
            Ok((status, Html(layout("We could not answer", &body))).into_response())
        }
    }
}

pub(crate) fn not_found_page() -> Response {
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], layout("Page not found", "<h1>Page not found</h1>\n<p>There is no page at this address. <a href=\"/\">Go to the front page</a>.</p>")).into_response()
}

/// An error on a page: an HTML page with the message, not a problem document.
pub(crate) struct PageError(WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = format!(
            "<h1>Something went wrong</h1>\n<div class=\"error\" role=\"alert\"><p>{}</p></div>",
            escape(&self.0.public_detail())
        );
        (status, Html(layout("Something went wrong", &body))).into_response()
    }
}
