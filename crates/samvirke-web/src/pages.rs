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
use crate::i18n::{self, Lang};
use crate::{AppState, WebError, today};

tokio::task_local! {
    static PAGE: PageContext;
}

/// The language and address of the page being rendered (set by [`with_language`]).
#[derive(Clone)]
pub(crate) struct PageContext {
    pub(crate) lang: Lang,
    pub(crate) path: String,
}

pub(crate) fn ctx() -> PageContext {
    PAGE.try_with(Clone::clone).unwrap_or(PageContext {
        lang: Lang::En,
        path: "/".to_string(),
    })
}

pub(crate) fn tr(key: &str) -> String {
    i18n::t(ctx().lang, key)
}

pub(crate) fn tra(key: &str, args: &[(&str, &str)]) -> String {
    i18n::message(ctx().lang, key, args)
}

pub(crate) fn day(d: samvirke_core::Date) -> String {
    i18n::date(ctx().lang, d)
}

/// Picks the language of the request (cookie, then `Accept-Language`) for everything it renders.
pub(crate) async fn with_language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let context = context_of(&request);
    PAGE.scope(context, next.run(request)).await
}

fn context_of(request: &axum::extract::Request) -> PageContext {
    let lang = i18n::negotiate(request.headers());
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |p| p.to_string());
    PageContext { lang, path }
}

/// The 404 page for any address no route takes, in the request's language.
pub(crate) async fn fallback(request: axum::extract::Request) -> Response {
    PAGE.scope(context_of(&request), async { not_found_page() })
        .await
}

/// Percent-encodes a path and query for use as a query value.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[derive(serde::Deserialize)]
pub(crate) struct BackQuery {
    back: Option<String>,
}

/// `/lang/{code}?back=PATH`: remembers the language in a cookie and goes back to the page.
async fn switch_language(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(query): Query<BackQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return not_found_page();
    };
    // Only a path on this site: never an open redirect.
    let back = query
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        i18n::COOKIE,
        lang.code()
    );
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, back), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(front))
        .route("/who", get(who_page))
        .route("/search", get(search_page))
        .route("/lang/{code}", get(switch_language))
}

pub(crate) fn escape(text: &str) -> String {
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
main{overflow-wrap:anywhere}.langs{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:1rem}\
textarea{font:inherit;padding:.5rem;width:100%;box-sizing:border-box}input[type=text],input[type=email],input[type=password],input[type=date],input[type=number],select{width:100%;box-sizing:border-box}\
fieldset{border:1px solid #ccc;margin-top:1rem;padding:.5rem 1rem}legend{font-weight:600}.check{display:flex;gap:.5rem;align-items:baseline}.check label{font-weight:400;margin:0}\
.hint{margin:.25rem 0;color:#4a4a4a}.field-error{color:#b3261e}.staffbar{margin:0}.diff{overflow-x:auto;background:#f6f6f6;padding:.5rem;white-space:pre}\
.diff .add{color:#0d5b1d;background:#e3f4e6}.diff .del{color:#8a1c14;background:#fbe4e2}.actions{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;list-style:none;padding:0}";

pub(crate) fn layout(title: &str, body: &str) -> String {
    let c = ctx();
    let mut switch = String::new();
    for lang in Lang::ALL {
        let current = if lang == c.lang {
            " aria-current=\"true\""
        } else {
            ""
        };
        let _ = write!(
            switch,
            "<li><a href=\"/lang/{code}?back={}\" lang=\"{code}\" hreflang=\"{code}\"{current}>{}</a></li>",
            encode(&c.path),
            lang.own_name(),
            code = lang.code()
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} – Samvirke</title><style>{STYLE}</style></head>\n<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n<header><p><a href=\"/\">Samvirke</a> – {}</p>\n<nav aria-label=\"{}\"><ul class=\"langs\">{switch}</ul></nav></header>\n<main id=\"main\">\n{body}\n</main>\n<footer><p>{} <a href=\"/matrix\">{}</a> · <a href=\"/api/v1/cooperations\">{}</a> · <a href=\"/staff\">{}</a></p></footer>\n</body>\n</html>\n",
        c.lang.code(),
        escape(title),
        tr("skip-link"),
        tr("site-tagline"),
        tr("language"),
        tr("footer-data"),
        tr("footer-matrix"),
        tr("footer-api"),
        tr("staff-login")
    )
}

fn form(state_snapshot: &crate::Snapshot, query: &WhoQuery) -> String {
    let chosen_m = query.municipality.as_deref().unwrap_or("");
    let chosen_s = query.service.as_deref().unwrap_or("");
    let on = query.on.clone().unwrap_or_else(|| today().to_string());
    let mut out = format!(
        "<form method=\"get\" action=\"/who\">\n<label for=\"municipality\">{}</label>\n<select id=\"municipality\" name=\"municipality\" required>\n<option value=\"\">{}</option>\n",
        tr("form-municipality"),
        tr("form-municipality-choose")
    );
    let register = MunicipalityRegister::embedded();
    for (country, label) in [
        (Country::Dk, tr("country-dk")),
        (Country::Se, tr("country-se")),
        (Country::No, tr("country-no")),
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
    let _ = write!(
        out,
        "</select>\n<label for=\"service\">{}</label>\n<select id=\"service\" name=\"service\" required>\n<option value=\"\">{}</option>\n",
        tr("form-service"),
        tr("form-service-choose")
    );
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
        "</select>\n<label for=\"on\">{}</label>\n<input id=\"on\" name=\"on\" type=\"date\" value=\"{}\">\n<button type=\"submit\">{}</button>\n</form>\n",
        tr("form-date"),
        escape(&on),
        tr("form-submit")
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
        "<h1>{}</h1>\n{search}<p>{}</p>\n{}",
        tr("who-title"),
        tr("who-intro"),
        form(&snapshot, &prefill)
    );
    Ok(Html(layout(&tr("who-title"), &body)))
}

fn body_line(label: &str, body: &Body) -> String {
    let note = if body.stated_in_agreement {
        tr("body-stated")
    } else {
        tr("body-default")
    };
    format!(
        "<dt>{label}</dt><dd>{} ({}) – {note}</dd>\n",
        escape(&body.name),
        escape(&body.id)
    )
}

fn answer_html(a: &Answer) -> String {
    let municipality = format!(
        "{} ({})",
        escape(&a.municipality.name),
        escape(&a.municipality.id)
    );
    let responsible = format!(
        "<strong>{}</strong> ({})",
        escape(&a.responsible.name),
        escape(&a.responsible.id)
    );
    let mut out = format!(
        "<section class=\"answer\" aria-labelledby=\"answer-heading\">\n<h2 id=\"answer-heading\">{}</h2>\n<p>{}</p>\n<dl>\n",
        tra("answer-heading", &[("name", &escape(&a.responsible.name))]),
        tra(
            "answer-text",
            &[
                ("municipality", &municipality),
                ("responsible", &responsible),
                ("service", &escape(&a.service.name)),
                ("date", &day(a.on))
            ]
        )
    );
    out.push_str(&body_line(&tr("answer-complaints"), &a.complaints_to));
    out.push_str(&body_line(&tr("answer-access"), &a.access_requests_to));
    if !a.legal_basis.is_empty() {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            tr("answer-law"),
            escape(&a.legal_basis.join("; "))
        );
    }
    out.push_str("</dl>\n");
    for note in &a.municipality_notes {
        let _ = writeln!(out, "<p>{}: {}</p>", tr("answer-note"), escape(note));
    }
    let _ = writeln!(out, "<h3>{}</h3>\n<ol>", tr("answer-why"));
    for step in &a.basis {
        let valid = step
            .valid
            .as_ref()
            .map(|v| {
                format!(
                    " ({})",
                    tra(
                        "answer-valid",
                        &[
                            ("from", &day(v.from)),
                            ("to", &v.last_day.map_or_else(|| tr("open-ended"), day))
                        ]
                    )
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li>{}{valid}</li>",
            escape(&basis_text(step, &a.service.name))
        );
    }
    out.push_str("</ol>\n");
    for step in a.basis.iter().filter(|s| s.step == "cooperation") {
        if let Some(id) = &step.id {
            let _ = writeln!(
                out,
                "<p><a href=\"/cooperations/{}\">{}</a></p>",
                escape(id),
                tr("answer-read-more")
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
                "<h1>{}</h1>\n{}\n<h2>{}</h2>\n{form_html}",
                tr("who-title"),
                answer_html(&a),
                tr("ask-again")
            );
            Ok(Html(layout(
                &tra("answer-heading", &[("name", &a.responsible.name)]),
                &body,
            ))
            .into_response())
        }
        Err(WebError::Internal(cause)) => Err(PageError(WebError::Internal(cause))),
        Err(e) => {
            let status = e.status();
            let body = format!(
                "<h1>{}</h1>\n<div class=\"error\" role=\"alert\"><h2>{}</h2><p>{}</p></div>\n{form_html}",
                tr("who-title"),
                tr("error-answer"),
                escape(&e.public_detail())
            );
            Ok((status, Html(layout(&tr("error-answer"), &body))).into_response())
        }
    }
}

/// A legal form in the page's language.
pub(crate) fn form_name(form: samvirke_core::model::LegalForm) -> String {
    tr(&format!("form-{}", form.as_str()))
}

/// A step of the legal basis in the page's language (the core's `text` is English): the message
/// `basis-{step}[-{variant}]` with the step's parts; dates as the language writes them, legal forms
/// and statuses in words, the service by its name.
fn basis_text(step: &samvirke_core::resolver::BasisStep, service_name: &str) -> String {
    let variant = step
        .args
        .iter()
        .find(|(k, _)| *k == "variant")
        .map(|(_, v)| v.as_str());
    let key = match variant {
        Some(v) => format!("basis-{}-{v}", step.step.replace('_', "-")),
        None => format!("basis-{}", step.step.replace('_', "-")),
    };
    let values: Vec<(&str, String)> =
        step.args
            .iter()
            .filter(|(k, _)| *k != "variant")
            .map(|(k, v)| {
                let shown = match *k {
                    "form" => samvirke_core::model::LegalForm::parse(v)
                        .map_or_else(|| v.clone(), form_name),
                    "status" => tr(&format!("status-{v}")),
                    "service" if !service_name.is_empty() => service_name.to_string(),
                    _ => Date::parse(v).map_or_else(|_| v.clone(), day),
                };
                (*k, shown)
            })
            .collect();
    if step.args.is_empty() {
        return step.text.clone();
    }
    let args: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    tra(&key, &args)
}

pub(crate) fn not_found_page() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        layout(
            &tr("not-found-title"),
            &format!(
                "<h1>{}</h1>\n<p>{} <a href=\"/\">{}</a>.</p>",
                tr("not-found-title"),
                tr("not-found-text"),
                tr("front-page-link")
            ),
        ),
    )
        .into_response()
}

/// An error on a page: an HTML page with the message, not a problem document.
pub(crate) struct PageError(pub(crate) WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = format!(
            "<h1>{}</h1>\n<div class=\"error\" role=\"alert\"><p>{}</p></div>",
            tr("error-page"),
            escape(&self.0.public_detail())
        );
        (status, Html(layout(&tr("error-page"), &body))).into_response()
    }
}

// ---- Registry pages: a cooperation, a municipality, the membership matrix ----

use axum::extract::Path;
use samvirke_core::model::{CooperationDoc, DecisionKind};
use samvirke_core::{Date, MunicipalityId, PartyId};

pub(crate) fn registry_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}", get(cooperation_page))
        .route("/municipalities/{id}", get(municipality_page))
        .route("/cooperations/{id}/deadlines.ics", get(cooperation_feed))
        .route("/municipalities/{id}/deadlines.ics", get(municipality_feed))
        .route("/matrix", get(matrix_page))
        .route("/matrix.csv", get(matrix_csv))
}

pub(crate) fn party_name(doc: &CooperationDoc, party: &PartyId) -> String {
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
    let _ = writeln!(b, "<h2>{}</h2>\n<ol>", tr("timeline"));
    for (d, text) in timeline {
        let _ = writeln!(
            b,
            "<li><time datetime=\"{d}\">{}</time>: {}</li>",
            day(d),
            escape(&text)
        );
    }
    b.push_str("</ol>\n");
}

fn until(to: Option<Date>) -> String {
    to.map_or_else(
        || tr("open-ended"),
        |t| tra("until-date", &[("date", &day(t.pred()))]),
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
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let c = &doc.cooperation;
    let mut b = format!(
        "<h1>{}</h1>\n<p>{} · {} · {}</p>\n",
        escape(&c.name),
        c.country,
        escape(&form_name(c.legal_form)),
        escape(&tr(&format!("status-{}", c.status.as_str())))
    );
    if let Some(purpose) = &c.purpose {
        let _ = writeln!(b, "<p>{}</p>", escape(purpose));
    }
    let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("parties"));
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
            tra("performs", &[("services", &performs.join(", "))])
        };
        let _ = writeln!(b, "<li>{} – {}</li>", party_link(doc, &p.id), escape(&role));
    }
    b.push_str("</ul>\n");
    if !doc.main_agreement.is_empty() {
        let _ = writeln!(b, "<h2>{}</h2>\n<ol>", tr("main-agreement"));
        for v in &doc.main_agreement {
            let when = v
                .counts_from()
                .map(|d| format!(" ({})", tra("main-from", &[("date", &day(d))])))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<li>{}{when}: {}</li>",
                tra("main-version", &[("number", &v.number.to_string())]),
                escape(&v.summary)
            );
        }
        b.push_str("</ol>\n");
    }
    if !doc.sub_agreements.is_empty() {
        let _ = writeln!(
            b,
            "<h2>{}</h2>\n<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            tr("sub-agreements"),
            tr("sub-caption"),
            tr("col-number"),
            tr("col-title"),
            tr("col-services"),
            tr("col-status")
        );
        for s in &doc.sub_agreements {
            let status = match s.valid.to() {
                Some(to) if to <= today() => tra("status-ended", &[("date", &day(to))]),
                Some(to) => tra("status-until", &[("date", &day(to.pred()))]),
                None => tra("status-since", &[("date", &day(s.valid.from()))]),
            };
            let revised = s
                .revisions
                .iter()
                .map(|r| {
                    format!(
                        "; {}",
                        tra("status-revised", &[("date", &day(r.effective))])
                    )
                })
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
        let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("decisions"));
        for d in &doc.decisions {
            let when = d.date.map_or_else(|| tr("date-unknown"), day);
            let mut line = format!(
                "{} ({when}): {}",
                escape(&tr(&format!("decision-{}", d.kind.as_str()))),
                escape(&d.subject)
            );
            if let (DecisionKind::Referendum, Some(r)) = (d.kind, &d.referendum) {
                let turnout = r
                    .turnout_basis_points
                    .map(|t| {
                        format!(
                            ", {}",
                            tra(
                                "turnout",
                                &[("percent", &i18n::hundredths(ctx().lang, i64::from(t)))]
                            )
                        )
                    })
                    .unwrap_or_default();
                line.push_str(&format!(
                    " – {}{turnout}",
                    tra(
                        "referendum",
                        &[
                            ("question", &escape(&r.question)),
                            ("yes", &i18n::integer(ctx().lang, r.yes)),
                            ("no", &i18n::integer(ctx().lang, r.no)),
                            ("valid", &i18n::integer(ctx().lang, r.valid)),
                            ("cast", &i18n::integer(ctx().lang, r.cast))
                        ]
                    )
                ));
            }
            let _ = writeln!(b, "<li>{line}</li>");
        }
        b.push_str("</ul>\n");
    }
    if !doc.candidate_areas.is_empty() {
        let _ = writeln!(b, "<h2>{}</h2>\n<ul>", tr("areas"));
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
            timeline.push((
                d,
                tra("tl-main-version", &[("number", &v.number.to_string())]),
            ));
        }
    }
    for s in &doc.sub_agreements {
        for r in &s.revisions {
            timeline.push((
                r.effective,
                tra(
                    "tl-sub-revised",
                    &[("number", &s.number.to_string()), ("summary", &r.summary)],
                ),
            ));
        }
    }
    for t in &doc.take_backs {
        timeline.push((
            t.effective,
            tra(
                "tl-take-back",
                &[
                    ("by", &party_name(doc, &PartyId::Municipality(t.by))),
                    (
                        "services",
                        &t.services
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    ("from", &party_name(doc, &t.from)),
                ],
            ),
        ));
    }
    if !doc.sub_agreements.is_empty() {
        // The report on the year that has ended (written in January of the next).
        let (this_year, _, _) = today().ymd();
        let _ = writeln!(
            b,
            "<p><a href=\"/cooperations/{}/report/{}\">{}</a></p>",
            c.id,
            this_year - 1,
            tra("report-link", &[("year", &(this_year - 1).to_string())])
        );
    }
    push_deadlines(
        &mut b,
        &snapshot.registry,
        &samvirke_core::deadlines::Filter {
            municipality: None,
            cooperation: Some(c.id.clone()),
        },
        &format!("/cooperations/{}/deadlines.ics", c.id),
    )?;
    push_timeline(&mut b, timeline);
    Ok(Html(layout(&c.name, &b)))
}

/// How far ahead the pages list deadlines, in days.
const DEADLINE_PAGE_DAYS: i32 = 366;

/// A "Deadlines" section: the overdue ones of the past year first, then the next year's, each with
/// its status, and the link to the calendar feed.
fn push_deadlines(
    b: &mut String,
    registry: &samvirke_core::Registry,
    filter: &samvirke_core::deadlines::Filter,
    feed: &str,
) -> Result<(), WebError> {
    use samvirke_core::deadlines::Status;
    let list = registry
        .deadlines_page(filter, today(), DEADLINE_PAGE_DAYS)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let _ = writeln!(b, "<h2>{}</h2>", tr("deadlines"));
    if list.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tr("deadlines-none"));
    } else {
        b.push_str("<ul>\n");
        for d in &list {
            let status = tr(&format!("deadline-{}", d.status.as_str()));
            let status = if d.status == Status::Overdue {
                format!("<strong>{status}</strong>")
            } else {
                status
            };
            let note = d
                .note
                .as_deref()
                .map(|n| format!(" – {}", escape(n)))
                .unwrap_or_default();
            let _ = writeln!(
                b,
                "<li><time datetime=\"{}\">{}</time>: {} ({}) – {status}{note}</li>",
                d.due,
                day(d.due),
                escape(&d.title),
                escape(&d.owners.join(", "))
            );
        }
        b.push_str("</ul>\n");
    }
    let _ = writeln!(b, "<p><a href=\"{feed}\">{}</a></p>", tr("deadlines-feed"));
    Ok(())
}

async fn municipality_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<OnQuery>,
) -> Result<Html<String>, PageError> {
    let on = on_date(&query)?;
    let id = crate::known_municipality(&id)?;
    let name = MunicipalityRegister::embedded()
        .name(id)
        .unwrap_or_default()
        .to_string();
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
        "<h1>{} ({id})</h1>\n<p>{} <a href=\"/municipalities/{id}?on={on}\">{}</a> {} <a href=\"/?municipality={id}\">{}</a>.</p>\n<h2>{}</h2>\n",
        escape(&name),
        tra(
            "muni-on",
            &[(
                "date",
                &format!("<time datetime=\"{on}\">{}</time>", day(on))
            )]
        ),
        tr("change-date"),
        tr("change-date-how"),
        tr("ask-for-residents"),
        tr("cooperations")
    );
    if member_of.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tr("not-party"));
    } else {
        b.push_str("<ul>\n");
        for d in &member_of {
            let _ = writeln!(
                b,
                "<li><a href=\"/cooperations/{}\">{}</a> ({})</li>",
                d.cooperation.id,
                escape(&d.cooperation.name),
                escape(&tr(&format!("status-{}", d.cooperation.status.as_str())))
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
                    "<li>{} ({})</li>",
                    tra(
                        "for-whom",
                        &[
                            ("service", &escape(del.service.as_str())),
                            ("whom", &others.join(", "))
                        ]
                    ),
                    until(del.valid.to())
                );
            } else if del.performer != me && del.for_municipalities.contains(&id) {
                let _ = writeln!(
                    performed,
                    "<li>{} ({})</li>",
                    tra(
                        "by-whom",
                        &[
                            ("service", &escape(del.service.as_str())),
                            ("whom", &party_link(d, &del.performer))
                        ]
                    ),
                    until(del.valid.to())
                );
            }
        }
    }
    let _ = write!(
        b,
        "<h2>{}</h2>\n{}\n<h2>{}</h2>\n{}\n",
        tr("performs-for-others"),
        if performs.is_empty() {
            format!("<p>{}</p>", tr("nothing"))
        } else {
            format!("<ul>\n{performs}</ul>")
        },
        tr("others-perform"),
        if performed.is_empty() {
            format!("<p>{}</p>", tr("nothing"))
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
                tra(
                    "tl-starts",
                    &[
                        ("service", del.service.as_str()),
                        ("performer", &party_name(d, &del.performer)),
                        ("cooperation", d.cooperation.id.as_str()),
                    ],
                ),
            ));
            if let Some(to) = del.valid.to() {
                timeline.push((
                    to,
                    tra(
                        "tl-ends",
                        &[
                            ("service", del.service.as_str()),
                            ("performer", &party_name(d, &del.performer)),
                            ("cooperation", d.cooperation.id.as_str()),
                        ],
                    ),
                ));
            }
        }
    }
    push_deadlines(
        &mut b,
        &snapshot.registry,
        &samvirke_core::deadlines::Filter {
            municipality: Some(id),
            cooperation: None,
        },
        &format!("/municipalities/{id}/deadlines.ics"),
    )?;
    push_timeline(&mut b, timeline);
    Ok(Html(layout(&name, &b)))
}

/// How far back and ahead a calendar feed reaches, in days.
const FEED_DAYS_BACK: i32 = 366;
const FEED_DAYS_AHEAD: i32 = 2 * 366;

/// `text/calendar` for a list of deadlines around today.
fn feed(
    registry: &samvirke_core::Registry,
    filter: &samvirke_core::deadlines::Filter,
    name: &str,
    language: samvirke_core::model::Language,
) -> Result<Response, WebError> {
    let now = today();
    let from = Date::from_days_since_epoch(now.days_since_epoch() - FEED_DAYS_BACK);
    let to = Date::from_days_since_epoch(now.days_since_epoch() + FEED_DAYS_AHEAD);
    let list = registry
        .deadlines(filter, from, to, now)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let text = samvirke_core::deadlines::to_ics(&list, name, crate::staff::now(), language);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        text,
    )
        .into_response())
}

async fn cooperation_feed(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = snapshot(state).await?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    Ok(feed(
        &snapshot.registry,
        &samvirke_core::deadlines::Filter {
            municipality: None,
            cooperation: Some(doc.cooperation.id.clone()),
        },
        &format!("Samvirke: {}", doc.cooperation.name),
        doc.cooperation.language,
    )?)
}

async fn municipality_feed(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = crate::known_municipality(&id)?;
    let register = MunicipalityRegister::embedded();
    let snapshot = snapshot(state).await?;
    let language = match id.country() {
        Country::Dk => samvirke_core::model::Language::Da,
        Country::Se => samvirke_core::model::Language::Sv,
        Country::No => samvirke_core::model::Language::Nb,
    };
    Ok(feed(
        &snapshot.registry,
        &samvirke_core::deadlines::Filter {
            municipality: Some(id),
            cooperation: None,
        },
        &format!("Samvirke: {}", register.name(id).unwrap_or_default()),
        language,
    )?)
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
    let mut b = format!(
        "<h1>{}</h1>\n<form method=\"get\" action=\"/matrix\">\n<label for=\"country\">{}</label>\n<select id=\"country\" name=\"country\"><option value=\"\">{}</option><option value=\"DK\">{}</option><option value=\"SE\">{}</option><option value=\"NO\">{}</option></select>\n<label for=\"legal_form\">{}</label>\n<select id=\"legal_form\" name=\"legal_form\"><option value=\"\">{}</option>{}</select>\n<button type=\"submit\">{}</button>\n</form>\n",
        tr("matrix-title"),
        tr("country"),
        tr("all"),
        tr("country-dk"),
        tr("country-se"),
        tr("country-no"),
        tr("legal-form"),
        tr("all"),
        samvirke_core::model::LegalForm::ALL
            .iter()
            .map(|f| {
                let selected = if query.legal_form.as_deref() == Some(f.as_str()) {
                    " selected"
                } else {
                    ""
                };
                format!(
                    "<option value=\"{}\"{selected}>{}</option>",
                    f.as_str(),
                    escape(&form_name(*f))
                )
            })
            .collect::<String>(),
        tr("filter")
    );
    let csv_query = format!(
        "?country={}&legal_form={}",
        escape(query.country.as_deref().unwrap_or("")),
        escape(query.legal_form.as_deref().unwrap_or(""))
    );
    let _ = writeln!(
        b,
        "<p><a href=\"/matrix.csv{csv_query}\">{}</a></p>",
        tr("download-csv")
    );
    let _ = write!(
        b,
        "<div class=\"scroll\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">\n<table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th>",
        tr("matrix-title"),
        tr("matrix-caption"),
        tr("municipality")
    );
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
            if member {
                let _ = write!(b, "<td>{}</td>", tr("member"));
            } else {
                let _ = write!(
                    b,
                    "<td><span class=\"skip\">{}</span></td>",
                    tr("not-member")
                );
            }
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody>\n</table>\n</div>\n");
    Ok(Html(layout(&tr("matrix-title"), &b)))
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
        "<form role=\"search\" method=\"get\" action=\"/search\">\n<label for=\"q\">{}</label>\n<input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" autocomplete=\"off\">\n<button type=\"submit\">{}</button>\n</form>\n",
        tr("search-label"),
        escape(q),
        tr("search-button")
    )
}

/// Lowercase, with Nordic letters spelled out the way ids spell them (ø → oe, ä → a).
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        match samvirke_core::ids::spell_out(ch) {
            Some(piece) => out.push_str(piece),
            None => out.push(ch),
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
    let mut b = format!("<h1>{}</h1>\n{}", tr("search-title"), search_form(&q));
    if folded.chars().count() < 2 {
        let _ = writeln!(b, "<p>{}</p>", tr("search-short"));
        return Ok(Html(layout(&tr("search-title"), &b)));
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
                score(&folded, &format!("{name} {id}")).map(|s| {
                    (
                        s,
                        id.to_string(),
                        format!(
                            "<li>{} ({id}) – <a href=\"/?service={id}\">{}</a></li>",
                            escape(name),
                            tr("ask-who")
                        ),
                    )
                })
            })
            .collect(),
    );
    if municipalities.is_empty() && cooperations.is_empty() && services.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", tra("search-nothing", &[("q", &escape(&q))]));
    }
    for (title, hits) in [
        (tr("municipalities"), municipalities),
        (tr("cooperations"), cooperations),
        (tr("services"), services),
    ] {
        if !hits.is_empty() {
            let _ = writeln!(b, "<h2>{title}</h2>\n<ul>\n{}</ul>", hits.concat());
        }
    }
    Ok(Html(layout(&tr("search-title"), &b)))
}
