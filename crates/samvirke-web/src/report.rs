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
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use samvirke_core::model::Fact;
use samvirke_core::report::{
    AnnualReport, FactSheet, SheetAction, SheetPart, SheetState, apply_sheet_action,
};
use samvirke_core::{CooperationId, PartyId, Registry};

use crate::auth::Staff;
use crate::legacy::{PageError, escape, not_found_page};
use crate::staff::{FormData, page, push_problems, require_staff, see_other, staff_form};
use crate::{AppState, WebError};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route(
        "/staff/cooperations/{id}/report/{year}/{sheet}",
        get(sheet_form).post(sheet_save),
    )
}

pub(crate) fn push_sheet_links(b: &mut String, registry: &Registry, cooperation: &CooperationId) {
    let (this_year, _, _) = crate::today().ymd();
    let year = this_year - 1;
    let Some(report) = registry.annual_report(cooperation, year) else {
        return;
    };
    if report.parts.is_empty() {
        return;
    }
    let tr = crate::legacy::tr;
    let _ = writeln!(
        b,
        "<h2>{}</h2>\n<ul>",
        escape(&crate::legacy::tra(
            "report-link",
            &[("year", &year.to_string())]
        ))
    );
    for part in &report.parts {
        let n = part.sub_agreement.number;
        let _ = writeln!(
            b,
            "<li><a href=\"/staff/cooperations/{cooperation}/report/{year}/sheet-{n}\">{}</a> – {}</li>",
            escape(&samvirke_report::annual::sheet_heading(
                crate::legacy::ctx().lang,
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
        year: crate::report_year(year)?,
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
    let lang = crate::legacy::ctx().lang;
    let language = lang.language();
    let tr = crate::legacy::tr;
    let (performer, delegating) = roles(staff, part);
    let sheet: Option<&FactSheet> = part.sheet;
    let state = sheet.map_or(SheetState::Draft, |s| s.state);
    let editable = performer && matches!(state, SheetState::Draft | SheetState::Returned);
    let title = crate::legacy::tra(
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
                    samvirke_report::annual::currency(report.doc.cooperation.country),
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
        Some(b) => page(StatusCode::OK, &crate::legacy::tr("report-title-short"), &b),
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
            Some(b) => page(status, &crate::legacy::tr("report-title-short"), &b),
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
        return PageError(WebError::Forbidden(crate::legacy::tr(if by_performer {
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
                            crate::legacy::tra("sheet-not-a-number", &[("value", &text)]),
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
            crate::legacy::tr("sheet-conflict"),
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
