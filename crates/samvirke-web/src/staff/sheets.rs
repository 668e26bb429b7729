//! The fact sheet of a sub-agreement in the annual report,
//! `/staff/cooperations/{id}/report/{year}/sheet-{n}`: staff whose scope names the performing
//! municipality save and submit it, those of the delegating one approve or return it (admins
//! both); each step is a journal event, refused when someone else changed the sheet in between.
//! Money figures are typed in kroner as the reader's language writes them.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::model::Fact;
use samvirke_core::report::{
    AnnualReport, FactSheet, SheetAction, SheetPart, SheetState, apply_sheet_action,
};
use samvirke_core::{CooperationId, PartyId, Registry};

use super::{SignedIn, csrf_field, page, see_other, staff_form};
use crate::auth::Staff;
use crate::html::components::{self, in_language};
use crate::html::errors::{PageError, not_found_page};
use crate::html::forms::{Field, FormData, Input, error_summary, field, render_field};
use crate::html::{lang, tr, tra};
use crate::{AppState, WebError, i18n};

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route(
        "/staff/cooperations/{id}/report/{year}/{sheet}",
        get(sheet_form).post(sheet_save),
    )
}

#[derive(serde::Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// Last year's fact sheets of a cooperation with their states, for its editor's page.
pub(crate) fn links(registry: &Registry, cooperation: &CooperationId) -> Markup {
    let year = crate::today().ymd().0 - 1;
    let Some(report) = registry.annual_report(cooperation, year) else {
        return html! {};
    };
    html! {
        @if !report.parts.is_empty() {
            h2 { (tra("report-link", &[("year", &year.to_string())])) }
            ul {
                @for part in &report.parts {
                    @let n = part.sub_agreement.number;
                    li {
                        a href={ "/staff/cooperations/" (cooperation) "/report/" (year) "/sheet-" (n) } {
                            (samvirke_report::annual::sheet_heading(lang(), n, &part.sub_agreement.title))
                        }
                        " – " (tr(&format!("sheet-{}", part.sheet.map_or("not_started", |s| s.state.as_str()))))
                    }
                }
            }
        }
    }
}

/// The form field of a section or figure id the core names in a problem.
fn field_of(report: &AnnualReport<'_>, id: &str) -> String {
    if report.template.sections.iter().any(|s| s.id == id) {
        format!("section-{id}")
    } else if report.template.figures.iter().any(|f| f.id == id) {
        format!("figure-{id}")
    } else {
        id.to_string()
    }
}

/// Whether the account is staff of the performing municipality of the part, and of a delegating
/// one (by the municipality ids of its scope; an admin may do both).
pub(crate) fn roles(staff: &Staff, part: &SheetPart<'_>) -> (bool, bool) {
    if staff.user.role == samvirke_store::accounts::Role::Admin {
        return (true, true);
    }
    if staff.user.role == samvirke_store::accounts::Role::Viewer {
        return (false, false);
    }
    let mine = staff.municipalities();
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

/// The fields of the sheet's form: a text per section, a number per figure (money in kroner).
fn sheet_fields(report: &AnnualReport<'_>) -> Vec<Field> {
    let language = lang().language();
    let currency = samvirke_report::annual::currency(report.doc.cooperation.country);
    let mut out: Vec<Field> = report
        .template
        .sections
        .iter()
        .map(|s| {
            field(
                &format!("section-{}", s.id),
                "field-note",
                Input::Area,
                false,
            )
            .labelled(s.title.get(language).to_string())
        })
        .collect();
    for f in &report.template.figures {
        let mut input = field(
            &format!("figure-{}", f.id),
            "field-note",
            Input::Text,
            false,
        )
        .labelled(f.title.get(language).to_string());
        if f.money {
            input = input.hint(tra(
                "sheet-amount-hint",
                &[
                    ("currency", currency),
                    ("example", &i18n::hundredths(lang(), 123_450)),
                ],
            ));
        }
        out.push(input);
    }
    out
}

/// The values the form opens with: the sheet as recorded (amounts in kroner).
fn sheet_values(report: &AnnualReport<'_>, sheet: Option<&FactSheet>) -> FormData {
    let mut data = FormData::default();
    let Some(sheet) = sheet else {
        return data;
    };
    for s in &report.template.sections {
        data.set(&format!("section-{}", s.id), sheet.section(&s.id));
    }
    for f in &report.template.figures {
        if let Some(v) = sheet.figure(&f.id) {
            let shown = if f.money {
                i18n::hundredths(lang(), v)
            } else if v < 0 {
                format!("-{}", i18n::integer(lang(), v.unsigned_abs()))
            } else {
                i18n::integer(lang(), v.unsigned_abs())
            };
            data.set(&format!("figure-{}", f.id), shown);
        }
    }
    data
}

fn sheet_page(
    registry: &Registry,
    t: &Target,
    staff: &Staff,
    data: Option<&FormData>,
    problems: &[(String, String)],
    saved: bool,
) -> Option<Markup> {
    let report = registry.annual_report(&t.cooperation, t.year)?;
    let part = find_part(&report, t.number)?;
    let language = report.doc.cooperation.language;
    let (performer, delegating) = roles(staff, part);
    let sheet: Option<&FactSheet> = part.sheet;
    let state = sheet.map_or(SheetState::Draft, |s| s.state);
    let editable = performer && matches!(state, SheetState::Draft | SheetState::Returned);
    let reviewable = delegating && state == SheetState::Submitted;
    let title = tra(
        "sheet-form-title",
        &[
            ("number", &t.number.to_string()),
            ("year", &t.year.to_string()),
        ],
    );
    let fields = sheet_fields(&report);
    let values = data
        .cloned()
        .unwrap_or_else(|| sheet_values(&report, sheet));
    let note_field = field("note", "report-review-note", Input::Area, false);
    let reason_field =
        field("reason", "field-reason", Input::Text, false).hint(tr("sheet-reason-hint"));
    Some(html! {
        h1 { (title) }
        p.lead { (report.doc.cooperation.name) " – " (in_language(&part.sub_agreement.title, language)) }
        @if saved {
            (components::confirmation(&tr("saved-title"), Some(&tr(&format!("sheet-saved-{}", state.as_str())))))
        }
        (error_summary(&fields, problems))
        p { a href={ "/cooperations/" (t.cooperation) "/report/" (t.year) } { (tr("report-view")) } }
        dl.summary {
            dt { (tr("report-state")) }
            dd { (tr(&format!("sheet-{}", sheet.map_or("not_started", |s| s.state.as_str())))) }
            dt { (tr("report-template")) }
            dd { (report.template.version) }
            @if let Some(note) = sheet.and_then(|s| s.review_note.as_ref()) {
                dt { (tr("report-review-note")) }
                dd { (note) }
            }
        }
        @if editable {
            form method="post" novalidate {
                (csrf_field(staff))
                @for f in &fields { (render_field(f, &values, problems)) }
                (render_field(&reason_field, &values, problems))
                button.secondary type="submit" name="action" value="save" { (tr("sheet-save")) }
                button type="submit" name="action" value="submit" { (tr("sheet-submit")) }
            }
        } @else if let Some(s) = sheet {
            @for section in &report.template.sections {
                h2 { (section.title.get(lang().language())) }
                p lang=(language.as_str()) {
                    @for (i, line) in s.section(&section.id).lines().enumerate() {
                        @if i > 0 { br; }
                        (line)
                    }
                }
            }
        }
        @if reviewable {
            h2 { (tr("sheet-review")) }
            form method="post" novalidate {
                (csrf_field(staff))
                (render_field(&note_field, &values, problems))
                button type="submit" name="action" value="approve" { (tr("sheet-approve")) }
                button.destructive type="submit" name="action" value="return" { (tr("sheet-return")) }
            }
        }
        @if !editable && !reviewable {
            p { (tr("sheet-nothing-to-do")) }
        }
    })
}

async fn sheet_form(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, year, sheet)): Path<(String, String, String)>,
    Query(saved): Query<SavedQuery>,
) -> Response {
    let Some(t) = target(&id, &year, &sheet) else {
        return not_found_page();
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    match sheet_page(
        &snapshot.registry,
        &t,
        &staff,
        None,
        &[],
        saved.saved.is_some(),
    ) {
        Some(b) => page(StatusCode::OK, &staff, &tr("report-title-short"), b),
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
        match sheet_page(
            &snapshot.registry,
            &t,
            &staff,
            Some(&data),
            &problems,
            false,
        ) {
            Some(b) => page(status, &staff, &tr("report-title-short"), b),
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
                    tra("sheet-unknown-action", &[("action", other)]),
                )],
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    if !(if by_performer { performer } else { delegating }) {
        return PageError(WebError::Forbidden(tr(if by_performer {
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
                let name = format!("figure-{}", f.id);
                let text = data.get(&name).trim();
                if text.is_empty() {
                    return (f.id.clone(), None);
                }
                let label = f.title.get(lang().language());
                let value = if f.money {
                    i18n::parse_amount(lang(), text)
                } else {
                    i18n::parse_integer(lang(), text)
                };
                match value {
                    Some(v) => (f.id.clone(), Some(v)),
                    None => {
                        let key = if f.money {
                            "sheet-not-an-amount"
                        } else {
                            "sheet-not-a-number"
                        };
                        problems.push((name, tra(key, &[("label", label), ("value", text)])));
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
            Err(problems) => {
                // The core names a section or figure by its id; the form's fields carry a prefix.
                let named = problems
                    .into_iter()
                    .map(|(field, message)| (field_of(&report, &field), message))
                    .collect();
                return fail(named, StatusCode::UNPROCESSABLE_ENTITY);
            }
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
            // In the language of the person who saved it.
            tra(
                "reason-sheet",
                &[
                    ("number", &next.sub_agreement.to_string()),
                    ("year", &next.year.to_string()),
                    ("state", &tr(&format!("sheet-{}", next.state.as_str()))),
                ],
            )
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
            tr("sheet-conflict"),
        )
        .await
    {
        return PageError(e).into_response();
    }
    see_other(&format!(
        "/staff/cooperations/{}/report/{}/sheet-{}?saved=1",
        t.cooperation, t.year, t.number
    ))
}
