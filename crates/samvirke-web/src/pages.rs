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
        .route("/search", get(search_page))
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
.error{border-left:4px solid #b3261e;padding-left:1rem}dt{font-weight:600}dd{margin:0 0 .5rem 0}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
caption{text-align:left;font-weight:600}.scroll{overflow-x:auto}.scroll th,.scroll td{overflow-wrap:normal}\
main{overflow-wrap:anywhere}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} – Samvirke</title><style>{STYLE}</style></head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header><p><a href=\"/\">Samvirke</a> – who does what between municipalities</p></header>\n<main id=\"main\">\n{body}\n</main>\n<footer><p>Data: the cooperations' own agreements as recorded in Samvirke. <a href=\"/matrix\">Who cooperates with whom</a> · <a href=\"/api/v1/cooperations\">JSON API</a></p></footer>\n</body>\n</html>\n",
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
    state.snapshot()
}

async fn front(
    State(state): State<Arc<AppState>>,
    Query(prefill): Query<WhoQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(state).await?;
    let search = search_form("");
    let body = format!(
        "<h1>Who handles my case?</h1>\n{search}<p>Municipalities often do tasks for each other. Choose where you live and what your case is about to see which municipality handles it, where to complain and where to ask for access to documents.</p>\n{}",
        form(&snapshot, &prefill)
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
    out.push_str("</ol>\n");
    for step in a.basis.iter().filter(|s| s.step == "cooperation") {
        if let Some(id) = &step.id {
            let _ = writeln!(
                out,
                "<p><a href=\"/cooperations/{}\">Read about the cooperation and its agreements</a></p>",
                escape(id)
            );
        }
    }
    out.push_str("</section>\n");
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

// ---- Registry pages: a cooperation, a municipality, the membership matrix ----

use axum::extract::Path;
use samvirke_core::model::{CooperationDoc, DecisionKind};
use samvirke_core::{CooperationId, Date, MunicipalityId, PartyId};

pub(crate) fn registry_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}", get(cooperation_page))
        .route("/municipalities/{id}", get(municipality_page))
        .route("/matrix", get(matrix_page))
        .route("/matrix.csv", get(matrix_csv))
}

fn party_name(doc: &CooperationDoc, party: &PartyId) -> String {
    match party {
        PartyId::Municipality(m) => MunicipalityRegister::embedded()
            .name(*m)
            .unwrap_or_default()
            .to_string(),
        PartyId::Organisation(o) => doc
            .organisation(o)
            .map_or_else(|| o.to_string(), |org| org.name.clone()),
    }
}

fn party_link(doc: &CooperationDoc, party: &PartyId) -> String {
    match party {
        PartyId::Municipality(m) => format!(
            "<a href=\"/municipalities/{m}\">{}</a> ({m})",
            escape(&party_name(doc, party))
        ),
        PartyId::Organisation(_) => escape(&party_name(doc, party)),
    }
}

/// A "Timeline" section, oldest first (nothing when there is nothing to show).
fn push_timeline(b: &mut String, mut timeline: Vec<(Date, String)>) {
    if timeline.is_empty() {
        return;
    }
    timeline.sort();
    b.push_str("<h2>Timeline</h2>\n<ol>\n");
    for (d, text) in timeline {
        let _ = writeln!(
            b,
            "<li><time datetime=\"{d}\">{d}</time>: {}</li>",
            escape(&text)
        );
    }
    b.push_str("</ol>\n");
}

fn until(to: Option<Date>) -> String {
    to.map_or_else(
        || "open-ended".to_string(),
        |t| format!("until {}", t.pred()),
    )
}

#[derive(serde::Deserialize)]
pub(crate) struct OnQuery {
    on: Option<String>,
}

fn on_date(query: &OnQuery) -> Result<Date, WebError> {
    match query.on.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => crate::date_field("on", text),
        None => Ok(today()),
    }
}

async fn cooperation_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(state).await?;
    let id = CooperationId::parse(&id).map_err(|e| WebError::NotFound(e.to_string()))?;
    let doc = snapshot
        .registry
        .cooperation(&id)
        .ok_or_else(|| WebError::NotFound(format!("There is no cooperation \"{id}\".")))?;
    let c = &doc.cooperation;
    let mut b = format!(
        "<h1>{}</h1>\n<p>{} · {} · {}</p>\n",
        escape(&c.name),
        c.country,
        escape(c.legal_form.as_str()),
        escape(c.status.as_str())
    );
    if let Some(purpose) = &c.purpose {
        let _ = writeln!(b, "<p>{}</p>", escape(purpose));
    }
    b.push_str("<h2>Parties</h2>\n<ul>\n");
    for p in &c.parties {
        let performs: Vec<&str> = doc
            .delegations
            .iter()
            .filter(|d| d.performer == p.id)
            .map(|d| d.service.as_str())
            .collect();
        let role = if performs.is_empty() {
            p.roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("performs {}", performs.join(", "))
        };
        let _ = writeln!(b, "<li>{} – {}</li>", party_link(doc, &p.id), escape(&role));
    }
    b.push_str("</ul>\n");
    if !doc.main_agreement.is_empty() {
        b.push_str("<h2>Main agreement</h2>\n<ol>\n");
        for v in &doc.main_agreement {
            let when = v
                .counts_from()
                .map(|d| format!(" (from {d})"))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<li>Version {}{when}: {}</li>",
                v.number,
                escape(&v.summary)
            );
        }
        b.push_str("</ol>\n");
    }
    if !doc.sub_agreements.is_empty() {
        b.push_str("<h2>Sub-agreements</h2>\n<table>\n<caption>Numbered as the parties number them</caption>\n<thead><tr><th scope=\"col\">No.</th><th scope=\"col\">Title</th><th scope=\"col\">Services</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
        for s in &doc.sub_agreements {
            let status = match s.valid.to() {
                Some(to) if to <= today() => format!("ended {}", to),
                Some(to) => format!("in force until {}", to.pred()),
                None => format!("in force since {}", s.valid.from()),
            };
            let revised = s
                .revisions
                .iter()
                .map(|r| format!("; revised {}", r.effective))
                .collect::<String>();
            let _ = writeln!(
                b,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}{}</td></tr>",
                s.number,
                escape(&s.title),
                escape(
                    &s.services
                        .iter()
                        .map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                escape(&status),
                escape(&revised)
            );
        }
        b.push_str("</tbody>\n</table>\n");
    }
    if !doc.decisions.is_empty() {
        b.push_str("<h2>Decisions</h2>\n<ul>\n");
        for d in &doc.decisions {
            let when = d
                .date
                .map_or_else(|| "date not known".to_string(), |d| d.to_string());
            let mut line = format!(
                "{} ({when}): {}",
                d.kind.as_str().replace('_', " "),
                escape(&d.subject)
            );
            if let (DecisionKind::Referendum, Some(r)) = (d.kind, &d.referendum) {
                let turnout = r
                    .turnout_basis_points
                    .map(|t| format!(", turnout {}.{:02} %", t / 100, t % 100))
                    .unwrap_or_default();
                line.push_str(&format!(
                    " – “{}”: yes {}, no {}, valid {}, cast {}{turnout}",
                    escape(&r.question),
                    r.yes,
                    r.no,
                    r.valid,
                    r.cast
                ));
            }
            let _ = writeln!(b, "<li>{line}</li>");
        }
        b.push_str("</ul>\n");
    }
    if !doc.candidate_areas.is_empty() {
        b.push_str("<h2>Areas</h2>\n<ul>\n");
        for a in &doc.candidate_areas {
            let _ = writeln!(
                b,
                "<li>{} – {}</li>",
                escape(&a.area),
                escape(a.status.as_str())
            );
        }
        b.push_str("</ul>\n");
    }
    let mut timeline: Vec<(Date, String)> = Vec::new();
    for v in &doc.main_agreement {
        if let Some(d) = v.counts_from() {
            timeline.push((d, format!("main agreement version {}", v.number)));
        }
    }
    for s in &doc.sub_agreements {
        for r in &s.revisions {
            timeline.push((
                r.effective,
                format!("sub-agreement {} revised: {}", s.number, r.summary),
            ));
        }
    }
    for t in &doc.take_backs {
        timeline.push((
            t.effective,
            format!(
                "{} takes back {} from {}",
                party_name(doc, &PartyId::Municipality(t.by)),
                t.services
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                party_name(doc, &t.from)
            ),
        ));
    }
    push_timeline(&mut b, timeline);
    Ok(Html(layout(&c.name, &b)))
}

async fn municipality_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<OnQuery>,
) -> Result<Html<String>, PageError> {
    let on = on_date(&query)?;
    let id = MunicipalityId::parse(&id, None).map_err(|e| WebError::NotFound(e.to_string()))?;
    let register = MunicipalityRegister::embedded();
    register
        .check_known(id)
        .map_err(|e| WebError::NotFound(e.to_string()))?;
    let name = register.name(id).unwrap_or_default().to_string();
    let snapshot = snapshot(state).await?;
    let member_of: Vec<&CooperationDoc> = snapshot
        .registry
        .cooperations()
        .iter()
        .filter(|d| {
            d.cooperation
                .parties
                .iter()
                .any(|p| p.id == PartyId::Municipality(id))
        })
        .collect();
    let mut b = format!(
        "<h1>{} ({id})</h1>\n<p>On <time datetime=\"{on}\">{on}</time>. <a href=\"/municipalities/{id}?on={}\">Change the date</a> by adding <code>?on=YYYY-MM-DD</code>. <a href=\"/?municipality={id}\">Ask who handles a case for its residents</a>.</p>\n<h2>Cooperations</h2>\n",
        escape(&name),
        on
    );
    if member_of.is_empty() {
        b.push_str("<p>Not a party to any cooperation in the registry: it performs its tasks itself.</p>\n");
    } else {
        b.push_str("<ul>\n");
        for d in &member_of {
            let _ = writeln!(
                b,
                "<li><a href=\"/cooperations/{}\">{}</a> ({})</li>",
                d.cooperation.id,
                escape(&d.cooperation.name),
                escape(d.cooperation.status.as_str())
            );
        }
        b.push_str("</ul>\n");
    }
    let me = PartyId::Municipality(id);
    let mut performs = String::new();
    let mut performed = String::new();
    for d in &member_of {
        for del in d.delegations.iter().filter(|x| x.valid.contains(on)) {
            let others: Vec<String> = del
                .for_municipalities
                .iter()
                .filter(|m| **m != id)
                .map(|m| party_link(d, &PartyId::Municipality(*m)))
                .collect();
            if del.performer == me && !others.is_empty() {
                let _ = writeln!(
                    performs,
                    "<li>{} for {} ({})</li>",
                    escape(del.service.as_str()),
                    others.join(", "),
                    until(del.valid.to())
                );
            } else if del.performer != me && del.for_municipalities.contains(&id) {
                let _ = writeln!(
                    performed,
                    "<li>{} by {} ({})</li>",
                    escape(del.service.as_str()),
                    party_link(d, &del.performer),
                    until(del.valid.to())
                );
            }
        }
    }
    let _ = write!(
        b,
        "<h2>Performs for others</h2>\n{}\n<h2>Others perform for it</h2>\n{}\n",
        if performs.is_empty() {
            "<p>Nothing.</p>".to_string()
        } else {
            format!("<ul>\n{performs}</ul>")
        },
        if performed.is_empty() {
            "<p>Nothing.</p>".to_string()
        } else {
            format!("<ul>\n{performed}</ul>")
        }
    );
    let mut timeline: Vec<(Date, String)> = Vec::new();
    for d in &member_of {
        for del in d
            .delegations
            .iter()
            .filter(|x| x.performer == me || x.for_municipalities.contains(&id))
        {
            timeline.push((
                del.valid.from(),
                format!(
                    "{} by {} starts ({})",
                    del.service,
                    party_name(d, &del.performer),
                    d.cooperation.id
                ),
            ));
            if let Some(to) = del.valid.to() {
                timeline.push((
                    to,
                    format!(
                        "{} by {} ends ({})",
                        del.service,
                        party_name(d, &del.performer),
                        d.cooperation.id
                    ),
                ));
            }
        }
    }
    push_timeline(&mut b, timeline);
    Ok(Html(layout(&name, &b)))
}

#[derive(serde::Deserialize)]
pub(crate) struct MatrixQuery {
    country: Option<String>,
    legal_form: Option<String>,
}

/// Municipalities (rows) that are party to at least one of the selected cooperations (columns).
fn matrix<'s>(
    snapshot: &'s crate::Snapshot,
    query: &MatrixQuery,
) -> Result<(Vec<&'s CooperationDoc>, Vec<MunicipalityId>), WebError> {
    let country = match query.country.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(Country::parse(text).map_err(|e| WebError::BadRequest {
            field: "country",
            detail: format!("country: {e}"),
        })?),
        None => None,
    };
    let form = query.legal_form.as_deref().filter(|s| !s.is_empty());
    let coops: Vec<&CooperationDoc> = snapshot
        .registry
        .cooperations()
        .iter()
        .filter(|d| {
            country.is_none_or(|c| d.cooperation.country == c)
                && form.is_none_or(|f| d.cooperation.legal_form.as_str() == f)
        })
        .collect();
    let mut members: Vec<MunicipalityId> = coops
        .iter()
        .flat_map(|d| {
            d.cooperation
                .parties
                .iter()
                .filter_map(|p| p.id.municipality())
        })
        .collect();
    members.sort();
    members.dedup();
    Ok((coops, members))
}

async fn matrix_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<MatrixQuery>,
) -> Result<Html<String>, PageError> {
    let snapshot = snapshot(state).await?;
    let (coops, members) = matrix(&snapshot, &query)?;
    let mut b = String::from(
        "<h1>Who cooperates with whom</h1>\n<form method=\"get\" action=\"/matrix\">\n<label for=\"country\">Country</label>\n<select id=\"country\" name=\"country\"><option value=\"\">All</option><option value=\"DK\">Denmark</option><option value=\"SE\">Sweden</option><option value=\"NO\">Norway</option></select>\n<label for=\"legal_form\">Legal form</label>\n<input id=\"legal_form\" name=\"legal_form\" placeholder=\"e.g. dk-forpligtende-samarbejde\">\n<button type=\"submit\">Filter</button>\n</form>\n",
    );
    let csv_query = format!(
        "?country={}&legal_form={}",
        escape(query.country.as_deref().unwrap_or("")),
        escape(query.legal_form.as_deref().unwrap_or(""))
    );
    let _ = writeln!(
        b,
        "<p><a href=\"/matrix.csv{csv_query}\">Download as CSV</a></p>"
    );
    b.push_str("<div class=\"scroll\" role=\"region\" aria-label=\"Membership matrix\" tabindex=\"0\">\n<table>\n<caption>Municipalities (rows) and the cooperations they are party to (columns)</caption>\n<thead><tr><th scope=\"col\">Municipality</th>");
    for d in &coops {
        let _ = write!(
            b,
            "<th scope=\"col\"><a href=\"/cooperations/{}\">{}</a></th>",
            d.cooperation.id,
            escape(&d.cooperation.name)
        );
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for m in &members {
        let name = MunicipalityRegister::embedded()
            .name(*m)
            .unwrap_or_default();
        let _ = write!(
            b,
            "<tr><th scope=\"row\"><a href=\"/municipalities/{m}\">{}</a></th>",
            escape(name)
        );
        for d in &coops {
            let member = d
                .cooperation
                .parties
                .iter()
                .any(|p| p.id == PartyId::Municipality(*m));
            b.push_str(if member {
                "<td>member</td>"
            } else {
                "<td><span class=\"skip\">not a member</span></td>"
            });
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody>\n</table>\n</div>\n");
    Ok(Html(layout("Who cooperates with whom", &b)))
}

async fn matrix_csv(
    State(state): State<Arc<AppState>>,
    Query(query): Query<MatrixQuery>,
) -> Result<Response, WebError> {
    let snapshot = snapshot(state).await?;
    let (coops, members) = matrix(&snapshot, &query)?;
    let mut out = String::from("municipality,name");
    for d in &coops {
        let _ = write!(out, ",{}", d.cooperation.id);
    }
    out.push('\n');
    for m in &members {
        let name = MunicipalityRegister::embedded()
            .name(*m)
            .unwrap_or_default();
        let _ = write!(out, "{m},\"{}\"", name.replace('"', "\"\""));
        for d in &coops {
            let member = d
                .cooperation
                .parties
                .iter()
                .any(|p| p.id == PartyId::Municipality(*m));
            out.push_str(if member { ",1" } else { ",0" });
        }
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"samvirke-matrix.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

// ---- Search: municipalities, cooperations and services, tolerant of typos ----

#[derive(serde::Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
}

/// How many hits of each kind are shown.
const SEARCH_HITS_MAX: usize = 10;

fn search_form(q: &str) -> String {
    format!(
        "<form role=\"search\" method=\"get\" action=\"/search\">\n<label for=\"q\">Search for a municipality, a cooperation or a service</label>\n<input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" autocomplete=\"off\">\n<button type=\"submit\">Search</button>\n</form>\n",
        escape(q)
    )
}

/// Lowercase, Nordic letters spelled out the way ids spell them (ø → oe), other marks dropped.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match ch {
            'æ' => out.push_str("ae"),
            'ø' | 'ö' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'ä' => out.push_str("ae"),
            'é' | 'è' => out.push('e'),
            'ü' => out.push('u'),
            c => out.push(c),
        }
    }
    out
}

/// 0 for a substring match, else the edit distance to the closest word or the whole text; `None`
/// when too far for the query's length (one typo per four letters).
fn score(query: &str, candidate: &str) -> Option<usize> {
    let candidate = fold(candidate);
    if candidate.contains(query) {
        return Some(0);
    }
    let allowed = (query.chars().count() / 4).max(1);
    let best = candidate
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .chain(std::iter::once(candidate.as_str()))
        .map(|w| {
            strsim::levenshtein(query, w).min(
                strsim::levenshtein(
                    query,
                    &w.chars().take(query.chars().count()).collect::<String>(),
                ) + 1,
            )
        })
        .min()?;
    (best <= allowed).then_some(best)
}

fn ranked<T>(mut hits: Vec<(usize, String, T)>) -> Vec<T> {
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    hits.into_iter()
        .take(SEARCH_HITS_MAX)
        .map(|(_, _, t)| t)
        .collect()
}

async fn search_page(
    State(state): State<Arc<AppState>>,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, PageError> {
    let q = query.q.unwrap_or_default();
    let folded = fold(q.trim());
    let mut b = format!("<h1>Search</h1>\n{}", search_form(&q));
    if folded.chars().count() < 2 {
        b.push_str("<p>Type at least two letters.</p>\n");
        return Ok(Html(layout("Search", &b)));
    }
    let snapshot = snapshot(state).await?;
    let register = MunicipalityRegister::embedded();
    let municipalities = ranked(
        register
            .in_force_on(today(), None)
            .into_iter()
            .filter_map(|v| {
                score(&folded, &format!("{} {}", v.name, v.id)).map(|s| {
                    (
                        s,
                        v.name.clone(),
                        format!(
                            "<li><a href=\"/municipalities/{}\">{}</a> ({}, {})</li>",
                            v.id,
                            escape(&v.name),
                            v.id,
                            escape(&v.region)
                        ),
                    )
                })
            })
            .collect(),
    );
    let cooperations = ranked(
        snapshot
            .registry
            .cooperations()
            .iter()
            .filter_map(|d| {
                score(
                    &folded,
                    &format!("{} {}", d.cooperation.name, d.cooperation.id),
                )
                .map(|s| {
                    (
                        s,
                        d.cooperation.name.clone(),
                        format!(
                            "<li><a href=\"/cooperations/{}\">{}</a></li>",
                            d.cooperation.id,
                            escape(&d.cooperation.name)
                        ),
                    )
                })
            })
            .collect(),
    );
    let services = ranked(
        snapshot
            .registry
            .service_ids()
            .iter()
            .filter_map(|id| {
                let name = snapshot.registry.service_name(id).unwrap_or_default();
                score(&folded, &format!("{name} {id}")).map(|s| (s, id.to_string(), format!("<li>{} ({id}) – <a href=\"/?service={id}\">ask who handles it</a></li>", escape(name))))
            })
            .collect(),
    );
    if municipalities.is_empty() && cooperations.is_empty() && services.is_empty() {
        let _ = writeln!(
            b,
            "<p>Nothing matches “{}”. Check the spelling, or try part of a name.</p>",
            escape(&q)
        );
    }
    for (title, hits) in [
        ("Municipalities", municipalities),
        ("Cooperations", cooperations),
        ("Services", services),
    ] {
        if !hits.is_empty() {
            let _ = writeln!(b, "<h2>{title}</h2>\n<ul>\n{}</ul>", hits.concat());
        }
    }
    Ok(Html(layout("Search", &b)))
}
