//! The annual report of a cooperation: one [`Document`] in the cooperation's language, built from
//! the registry, and rendered twice from it: as the page `/cooperations/{id}/report/{year}` and as
//! the PDF `/cooperations/{id}/report/{year}.pdf` (typeset in-process by `samvirke-report`).
//! Staff of the performing municipality write a sub-agreement's fact sheet at
//! `/staff/cooperations/{id}/report/{year}/sheet-{n}`; staff of the delegating municipality
//! approve or return it there.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use samvirke_core::model::{CooperationDoc, Fact, Language};
use samvirke_core::report::{
    AnnualReport, FactSheet, SheetAction, SheetPart, SheetState, apply_sheet_action,
};
use samvirke_core::{CooperationId, Country, PartyId, Registry};
use samvirke_report::{Block, Document};

use crate::auth::Staff;
use crate::i18n::{self, Lang};
use crate::pages::{PageError, escape, layout, not_found_page};
use crate::staff::{FormData, page, push_problems, require_staff, see_other, staff_form};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/cooperations/{id}/report/{year}", get(report_page))
        .route(
            "/staff/cooperations/{id}/report/{year}/{sheet}",
            get(sheet_form).post(sheet_save),
        )
}

/// The years a report can be asked for.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

fn currency(country: Country) -> &'static str {
    match country {
        Country::Dk => "DKK",
        Country::Se => "SEK",
        Country::No => "NOK",
    }
}

fn party(doc: &CooperationDoc, p: &PartyId) -> String {
    crate::pages::party_name(doc, p)
}

/// The report as words in `lang`.
pub fn document(report: &AnnualReport<'_>, lang: Lang) -> Document {
    let t = |key: &str| i18n::t(lang, key);
    let ta = |key: &str, args: &[(&str, &str)]| i18n::message(lang, key, args);
    let doc = report.doc;
    let c = &doc.cooperation;
    let money = |minor: i64| i18n::money(lang, minor, currency(c.country));
    let language = lang.language();
    let year = report.year.to_string();
    let mut blocks = vec![Block::Terms(vec![
        (t("report-cooperation"), c.name.clone()),
        (
            t("report-template"),
            if report.template.version == 0 {
                t("report-template-default")
            } else {
                ta(
                    "report-template-version",
                    &[
                        ("version", &report.template.version.to_string()),
                        ("from", &i18n::date(lang, report.template.from)),
                    ],
                )
            },
        ),
    ])];
    if report.parts.is_empty() {
        blocks.push(Block::Text(ta(
            "report-no-sub-agreements",
            &[("year", &year)],
        )));
    }
    for part in &report.parts {
        push_part(&mut blocks, report, part, lang, language, &money);
    }
    Document {
        lang: lang.code().to_string(),
        title: ta("report-title", &[("year", &year)]),
        subtitle: c.name.clone(),
        footer: ta("report-footer", &[("name", &c.name), ("year", &year)]),
        blocks,
    }
}

fn push_part(
    blocks: &mut Vec<Block>,
    report: &AnnualReport<'_>,
    part: &SheetPart<'_>,
    lang: Lang,
    language: Language,
    money: &dyn Fn(i64) -> String,
) {
    let t = |key: &str| i18n::t(lang, key);
    let ta = |key: &str, args: &[(&str, &str)]| i18n::message(lang, key, args);
    let doc = report.doc;
    let sub = part.sub_agreement;
    blocks.push(Block::Heading {
        level: 1,
        text: sheet_heading(lang, sub.number, &sub.title),
    });
    let state = part.sheet.map_or("not_started", |s| s.state.as_str());
    let mut terms = vec![
        (
            t("report-performed-by"),
            part.performers
                .iter()
                .map(|p| party(doc, p))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            t("report-for"),
            part.delegating
                .iter()
                .map(|m| party(doc, &PartyId::Municipality(*m)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (t("report-state"), t(&format!("sheet-{state}"))),
    ];
    if let Some(sheet) = part.sheet {
        if sheet.template_version != report.template.version {
            terms.push((
                t("report-template"),
                ta(
                    "report-written-to",
                    &[("version", &sheet.template_version.to_string())],
                ),
            ));
        }
        if let Some(note) = &sheet.review_note {
            terms.push((t("report-review-note"), note.clone()));
        }
    }
    blocks.push(Block::Terms(terms));
    let Some(sheet) = part.sheet else {
        blocks.push(Block::Text(t("report-not-started")));
        return;
    };
    for section in &report.template.sections {
        blocks.push(Block::Heading {
            level: 2,
            text: section.title.get(language).to_string(),
        });
        let text = sheet.section(&section.id);
        blocks.push(Block::Text(if text.is_empty() {
            t("report-empty-section")
        } else {
            text.to_string()
        }));
    }
    let figures: Vec<Vec<String>> = report
        .template
        .figures
        .iter()
        .map(|f| {
            let value = match (sheet.figure(&f.id), f.money) {
                (None, _) => "–".to_string(),
                (Some(v), true) => money(v),
                (Some(v), false) if v < 0 => format!("-{}", i18n::integer(lang, v.unsigned_abs())),
                (Some(v), false) => i18n::integer(lang, v as u64),
            };
            vec![f.title.get(language).to_string(), value]
        })
        .collect();
    if !figures.is_empty() {
        blocks.push(Block::Table {
            caption: t("report-key-figures"),
            header: vec![t("report-figure"), t("report-value")],
            rows: figures,
        });
    }
    if !part.settlement.is_empty() {
        let open = t("report-open");
        // Budget, actual and savings are unsigned minor units; no real amount exceeds i64.
        let unsigned = |v: u64| money(i64::try_from(v).unwrap_or(i64::MAX));
        blocks.push(Block::Table {
            caption: ta("report-settlement", &[("year", &report.year.to_string())]),
            header: vec![
                t("report-payer"),
                t("report-budget"),
                t("report-actual"),
                t("report-savings"),
                t("report-true-up"),
            ],
            rows: part
                .settlement
                .iter()
                .map(|l| {
                    vec![
                        l.payer.clone(),
                        unsigned(l.budget_minor),
                        l.actual_minor.map_or(open.clone(), unsigned),
                        unsigned(l.savings_minor),
                        l.true_up_minor.map_or(open.clone(), money),
                    ]
                })
                .collect(),
        });
    }
}

/// "Sub-agreement 3: Title", or the title alone when it already names the number.
fn sheet_heading(lang: Lang, number: u32, title: &str) -> String {
    let named = title
        .split(|c: char| !c.is_ascii_digit())
        .any(|token| token == number.to_string());
    if named {
        title.to_string()
    } else {
        i18n::message(
            lang,
            "report-sheet-heading",
            &[("number", &number.to_string()), ("title", title)],
        )
    }
}

/// The document as HTML inside an `<article>` in the report's language; headings start at `h2`
/// (the page has the title as its `h1`).
pub fn html_body(doc: &Document) -> String {
    let mut b = format!("<article lang=\"{}\">\n", escape(&doc.lang));
    let mut tables = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let h = if *level <= 1 { 2 } else { 3 };
                let _ = writeln!(b, "<h{h}>{}</h{h}>", escape(text));
            }
            Block::Text(text) => {
                for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    let _ = writeln!(b, "<p>{}</p>", escape(para).replace('\n', "<br>"));
                }
            }
            Block::Terms(items) => {
                b.push_str("<dl>");
                for (term, description) in items {
                    let _ = write!(
                        b,
                        "<dt>{}</dt><dd>{}</dd>",
                        escape(term),
                        escape(description)
                    );
                }
                b.push_str("</dl>\n");
            }
            Block::Table {
                caption,
                header,
                rows,
            } => {
                tables += 1;
                let _ = write!(
                    b,
                    "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"t{tables}\"><table><caption id=\"t{tables}\">{}</caption><thead><tr>",
                    escape(caption)
                );
                for h in header {
                    let _ = write!(b, "<th scope=\"col\">{}</th>", escape(h));
                }
                b.push_str("</tr></thead><tbody>");
                for row in rows {
                    b.push_str("<tr>");
                    for (idx, cell) in row.iter().enumerate() {
                        if idx == 0 {
                            let _ = write!(b, "<th scope=\"row\">{}</th>", escape(cell));
                        } else {
                            let _ = write!(b, "<td>{}</td>", escape(cell));
                        }
                    }
                    b.push_str("</tr>");
                }
                b.push_str("</tbody></table></div>\n");
            }
        }
    }
    b.push_str("</article>\n");
    b
}

/// A whole HTML file of the report, for `samvirke report html` (no server needed to read it).
pub fn standalone_html(doc: &Document) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} – {subtitle}</title><style>body{{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1b1b1b}}table{{border-collapse:collapse;width:100%}}th,td{{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}}caption{{text-align:left;font-weight:600}}dt{{font-weight:600}}dd{{margin:0 0 .5rem 0}}.scroll{{overflow-x:auto}}</style></head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{subtitle}</p>\n{body}</main>\n</body>\n</html>\n",
        lang = escape(&doc.lang),
        title = escape(&doc.title),
        subtitle = escape(&doc.subtitle),
        body = html_body(doc)
    )
}

/// The PDF of a document, dated `today`.
pub fn pdf(doc: &Document, today: samvirke_core::Date) -> Result<Vec<u8>, WebError> {
    let (y, m, d) = today.ymd();
    samvirke_report::pdf(doc, (y, m as u8, d as u8)).map_err(|e| WebError::Internal(e.to_string()))
}

fn year_of(text: &str) -> Option<i32> {
    text.parse().ok().filter(|y| YEARS.contains(y))
}

async fn report_page(
    State(state): State<Arc<AppState>>,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (year_text, as_pdf) = match file.strip_suffix(".pdf") {
        Some(y) => (y, true),
        None => (file.as_str(), false),
    };
    let Some(year) = year_of(year_text) else {
        return Ok(not_found_page());
    };
    let snapshot = state.snapshot()?;
    let doc = crate::cooperation_in(&snapshot, &id)?;
    let Some(report) = snapshot.registry.annual_report(&doc.cooperation.id, year) else {
        return Ok(not_found_page());
    };
    let lang = Lang::of(doc.cooperation.language);
    let document = document(&report, lang);
    if as_pdf {
        let today = crate::today();
        let bytes = tokio::task::spawn_blocking(move || pdf(&document, today))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))??;
        return Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{}-{year}.pdf\"", doc.cooperation.id),
                ),
            ],
            bytes,
        )
            .into_response());
    }
    let mut b = format!(
        "<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/cooperations/{id}/report/{year}.pdf\">{}</a> · <a href=\"/cooperations/{id}\">{}</a></p>\n",
        escape(&document.title),
        escape(&document.subtitle),
        crate::pages::tr("report-pdf-link"),
        escape(&doc.cooperation.name),
        id = doc.cooperation.id
    );
    b.push_str(&html_body(&document));
    Ok(Html(layout(&document.title, &b)).into_response())
}

// ---- Staff: writing and reviewing a fact sheet ----

/// The fact sheets of the report on the year that has ended, each linked to its form with its
/// state (for the editor's page of a cooperation).
pub(crate) fn push_sheet_links(b: &mut String, registry: &Registry, cooperation: &CooperationId) {
    let (this_year, _, _) = crate::today().ymd();
    let year = this_year - 1;
    let Some(report) = registry.annual_report(cooperation, year) else {
        return;
    };
    if report.parts.is_empty() {
        return;
    }
    let tr = crate::pages::tr;
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<ul>",
        escape(&crate::pages::tra(
            "report-link",
            &[("year", &year.to_string())]
        ))
    );
    for part in &report.parts {
        let n = part.sub_agreement.number;
        let _ = writeln!(
            b,
            "<li><a href=\"/staff/cooperations/{cooperation}/report/{year}/sheet-{n}\">{}</a> – {}</li>",
            escape(&sheet_heading(
                crate::pages::ctx().lang,
                n,
                &part.sub_agreement.title
            )),
            tr(&format!(
                "sheet-{}",
                part.sheet.map_or("not_started", |s| s.state.as_str())
            ))
        );
    }
    b.push_str("</ul>\n");
}

/// Whether the account is staff of the performing municipality of the part, and of a delegating
/// one (by the municipality ids of its scope; an admin may do both).
fn roles(staff: &Staff, part: &SheetPart<'_>) -> (bool, bool) {
    if staff.user.role == samvirke_store::accounts::Role::Admin {
        return (true, true);
    }
    if staff.user.role == samvirke_store::accounts::Role::Viewer {
        return (false, false);
    }
    let mine = crate::cases::municipalities_of(staff);
    let performer = part
        .performers
        .iter()
        .any(|p| matches!(p, PartyId::Municipality(m) if mine.contains(m)));
    let delegating = part.delegating.iter().any(|m| mine.contains(m));
    (performer, delegating)
}

struct Target {
    cooperation: CooperationId,
    year: i32,
    number: u32,
}

fn target(id: &str, year: &str, sheet: &str) -> Option<Target> {
    Some(Target {
        cooperation: CooperationId::parse(id).ok()?,
        year: year_of(year)?,
        number: sheet.strip_prefix("sheet-")?.parse().ok()?,
    })
}

fn find_part<'r>(report: &'r AnnualReport<'r>, number: u32) -> Option<&'r SheetPart<'r>> {
    report
        .parts
        .iter()
        .find(|p| p.sub_agreement.number == number)
}

fn sheet_page(
    registry: &Registry,
    t: &Target,
    staff: &Staff,
    data: Option<&FormData>,
    problems: &[(String, String)],
) -> Option<String> {
    let report = registry.annual_report(&t.cooperation, t.year)?;
    let part = find_part(&report, t.number)?;
    let lang = crate::pages::ctx().lang;
    let language = lang.language();
    let tr = crate::pages::tr;
    let (performer, delegating) = roles(staff, part);
    let sheet: Option<&FactSheet> = part.sheet;
    let state = sheet.map_or(SheetState::Draft, |s| s.state);
    let editable = performer && matches!(state, SheetState::Draft | SheetState::Returned);
    let title = crate::pages::tra(
        "sheet-form-title",
        &[
            ("number", &t.number.to_string()),
            ("year", &t.year.to_string()),
        ],
    );
    let mut b = format!(
        "<h1>{}</h1>\n<p>{} – {}</p>\n<p><a href=\"/cooperations/{}/report/{}\">{}</a></p>\n",
        escape(&title),
        escape(&report.doc.cooperation.name),
        escape(&part.sub_agreement.title),
        t.cooperation,
        t.year,
        tr("report-view")
    );
    push_problems(&mut b, problems);
    let _ = writeln!(
        b,
        "<dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{} {}</dd></dl>",
        tr("report-state"),
        tr(&format!(
            "sheet-{}",
            sheet.map_or("not_started", |s| s.state.as_str())
        )),
        tr("report-template"),
        report.template.version,
        sheet
            .and_then(|s| s.review_note.as_ref())
            .map(|n| format!("– {}: {}", tr("report-review-note"), escape(n)))
            .unwrap_or_default()
    );
    let csrf = escape(&staff.csrf);
    if editable {
        let _ = writeln!(
            b,
            "<form method=\"post\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">"
        );
        for section in &report.template.sections {
            let name = format!("section-{}", section.id);
            let value = data.map_or_else(
                || sheet.map_or("", |s| s.section(&section.id)).to_string(),
                |d| d.get(&name).to_string(),
            );
            let error = problems.iter().find(|(f, _)| f == &section.id);
            let _ = writeln!(
                b,
                "<label for=\"f-{}\">{}</label>{}<textarea id=\"f-{}\" name=\"{name}\" rows=\"6\"{}>{}</textarea>",
                escape(&section.id),
                escape(section.title.get(language)),
                error
                    .map(|(_, m)| format!("<p id=\"f-{}-hint\" class=\"hint\"><strong class=\"field-error\">{}</strong></p>", escape(&section.id), escape(m)))
                    .unwrap_or_default(),
                escape(&section.id),
                if error.is_some() {
                    format!(" aria-invalid=\"true\" aria-describedby=\"f-{}-hint\"", escape(&section.id))
                } else {
                    String::new()
                },
                escape(&value)
            );
        }
        for figure in &report.template.figures {
            let name = format!("figure-{}", figure.id);
            let value = data.map_or_else(
                || {
                    sheet
                        .and_then(|s| s.figure(&figure.id))
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                },
                |d| d.get(&name).to_string(),
            );
            let unit = if figure.money {
                format!(
                    " ({}, {})",
                    currency(report.doc.cooperation.country),
                    tr("report-in-minor-units")
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                b,
                "<label for=\"f-{}\">{}{}</label><input id=\"f-{}\" name=\"{name}\" type=\"text\" inputmode=\"numeric\" value=\"{}\">",
                escape(&figure.id),
                escape(figure.title.get(language)),
                escape(&unit),
                escape(&figure.id),
                escape(&value)
            );
        }
        let _ = writeln!(
            b,
            "<label for=\"f-reason\">{}</label><input id=\"f-reason\" name=\"reason\" type=\"text\">\n<button type=\"submit\" name=\"action\" value=\"save\">{}</button> <button type=\"submit\" name=\"action\" value=\"submit\">{}</button></form>",
            tr("field-reason"),
            tr("sheet-save"),
            tr("sheet-submit")
        );
    } else if let Some(s) = sheet {
        for section in &report.template.sections {
            let _ = writeln!(
                b,
                "<h2>{}</h2>\n<p>{}</p>",
                escape(section.title.get(language)),
                escape(s.section(&section.id)).replace('\n', "<br>")
            );
        }
    }
    if delegating && state == SheetState::Submitted {
        let _ = writeln!(
            b,
            "<h2>{}</h2>\n<form method=\"post\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label for=\"f-note\">{}</label><textarea id=\"f-note\" name=\"note\" rows=\"3\"></textarea><button type=\"submit\" name=\"action\" value=\"approve\">{}</button> <button type=\"submit\" name=\"action\" value=\"return\">{}</button></form>",
            tr("sheet-review"),
            tr("report-review-note"),
            tr("sheet-approve"),
            tr("sheet-return")
        );
    }
    if !editable && !(delegating && state == SheetState::Submitted) {
        let _ = writeln!(b, "<p>{}</p>", tr("sheet-nothing-to-do"));
    }
    Some(b)
}

async fn sheet_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year, sheet)): Path<(String, String, String)>,
) -> Response {
    let path = format!("/staff/cooperations/{id}/report/{year}/{sheet}");
    let staff = match require_staff(&state, &headers, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(t) = target(&id, &year, &sheet) else {
        return not_found_page();
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    match sheet_page(&snapshot.registry, &t, &staff, None, &[]) {
        Some(b) => page(StatusCode::OK, &crate::pages::tr("report-title-short"), &b),
        None => not_found_page(),
    }
}

async fn sheet_save(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, year, sheet)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let path = format!("/staff/cooperations/{id}/report/{year}/{sheet}");
    let (staff, data) = match staff_form(&state, &headers, &path, &body).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(t) = target(&id, &year, &sheet) else {
        return not_found_page();
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let Some(report) = snapshot.registry.annual_report(&t.cooperation, t.year) else {
        return not_found_page();
    };
    let Some(part) = find_part(&report, t.number) else {
        return not_found_page();
    };
    let (performer, delegating) = roles(&staff, part);
    let fail = |problems: Vec<(String, String)>, status: StatusCode| -> Response {
        match sheet_page(&snapshot.registry, &t, &staff, Some(&data), &problems) {
            Some(b) => page(status, &crate::pages::tr("report-title-short"), &b),
            None => not_found_page(),
        }
    };
    let by_performer = match data.get("action") {
        "save" | "submit" => true,
        "approve" | "return" => false,
        other => {
            return fail(
                vec![(
                    "action".to_string(),
                    format!("unknown action \"{other}\"; use the form's buttons"),
                )],
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    if !(if by_performer { performer } else { delegating }) {
        return PageError(WebError::Forbidden(crate::pages::tr(if by_performer {
            "sheet-not-performer"
        } else {
            "sheet-not-delegating"
        })))
        .into_response();
    }
    let actions = if by_performer {
        // A save (and a submit, which saves first) reads every field of the template.
        let mut problems = Vec::new();
        let sections = report
            .template
            .sections
            .iter()
            .map(|s| {
                (
                    s.id.clone(),
                    data.get(&format!("section-{}", s.id)).to_string(),
                )
            })
            .collect();
        let figures = report
            .template
            .figures
            .iter()
            .map(|f| {
                let text = data
                    .get(&format!("figure-{}", f.id))
                    .trim()
                    .replace([' ', '.', '\u{a0}'], "");
                if text.is_empty() {
                    return (f.id.clone(), None);
                }
                match text.parse::<i64>() {
                    Ok(v) => (f.id.clone(), Some(v)),
                    Err(_) => {
                        problems.push((
                            f.id.clone(),
                            crate::pages::tra("sheet-not-a-number", &[("value", &text)]),
                        ));
                        (f.id.clone(), None)
                    }
                }
            })
            .collect();
        if !problems.is_empty() {
            return fail(problems, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let mut actions = vec![SheetAction::Save { sections, figures }];
        if data.get("action") == "submit" {
            actions.push(SheetAction::Submit);
        }
        actions
    } else if data.get("action") == "approve" {
        vec![SheetAction::Approve {
            note: Some(data.get("note").to_string()),
        }]
    } else {
        vec![SheetAction::Return {
            note: data.get("note").to_string(),
        }]
    };
    let mut current: Option<FactSheet> = part.sheet.cloned();
    for a in actions {
        match apply_sheet_action(current.as_ref(), &report.template, t.year, t.number, a) {
            Ok(next) => current = Some(next),
            Err(problems) => return fail(problems, StatusCode::UNPROCESSABLE_ENTITY),
        }
    }
    let Some(next) = current else {
        return not_found_page();
    };
    if part.sheet == Some(&next) {
        return see_other(&format!(
            "/cooperations/{}/report/{}",
            t.cooperation, t.year
        ));
    }
    let fact = Fact::FactSheet {
        cooperation: t.cooperation.clone(),
        sheet: next.clone(),
    };
    let reason = {
        let given = data.get("reason").trim();
        if given.is_empty() {
            next.default_reason()
        } else {
            given.to_string()
        }
    };
    if let Err(e) = state
        .save_fact(
            snapshot.head,
            fact,
            staff.actor(),
            reason,
            crate::pages::tr("sheet-conflict"),
        )
        .await
    {
        return PageError(e).into_response();
    }
    see_other(&format!(
        "/staff/cooperations/{}/report/{}/sheet-{}",
        t.cooperation, t.year, t.number
    ))
}
