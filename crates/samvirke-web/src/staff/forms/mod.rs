//! The forms that change a cooperation, `/staff/cooperations/{id}/{form}`: each its own type
//! behind [`StaffForm`] (its fields, the values it opens with, and how a submission changes the
//! document), rendered and saved by the one pair of handlers here. Every problem of a submission
//! is found at once and shown in the error summary and next to its field, with every value kept;
//! the save goes through [`crate::edit::save`] (reason required, the checks of an import, a
//! conflict page when someone changed the same facts since the form was opened).
//!
//! | form | type |
//! |---|---|
//! | `details`, `new/details` | [`details::Details`] |
//! | `take-back` | [`take_back::TakeBackForm`] |
//! | `main-N`, `main-new` | [`main_version::MainVersionForm`] |
//! | `sub-N`, `sub-new` | [`sub_agreement::SubAgreementForm`] |
//! | `delegation-N`, `delegation-new` | [`delegation::DelegationForm`] |
//! | `move.AREA` | [`area::MoveForm`] |
//! | `assess.AREA.PARTY` | [`area::AssessForm`] |
//! | `evaluate.PARTY` | [`evaluation::EvaluateForm`] |
//! | `scenario-new`, `scenario.ID` | [`scenario::ScenarioForm`] |
//! | `project-new`, `project.ID` | [`project::ProjectForm`] |

mod area;
mod delegation;
mod details;
mod evaluation;
mod main_version;
mod project;
mod scenario;
mod sub_agreement;
mod take_back;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use samvirke_core::model::CooperationDoc;
use samvirke_core::{CooperationId, Date, Interval, MunicipalityId, PartyId, Registry, ServiceId};

use super::{SignedIn, csrf_field, csrf_refused, page, read_only, see_other};
use crate::auth::{self, Staff};
use crate::edit::{self, Outcome};
use crate::html::components::{self, municipality_name};
use crate::html::errors::{PageError, not_found_page};
use crate::html::forms::{Field, FormData, Input, Problem, error_summary, field, render_fields};
use crate::html::{day, tr, tra};
use crate::{AppState, WebError, i18n, now};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new().route(
        "/staff/cooperations/{id}/{form}",
        get(edit_form).post(edit_save),
    )
}

/// A form that changes one cooperation.
pub(crate) trait StaffForm: Send + Sync {
    /// The last part of its address (`take-back`, `sub-3`).
    fn slug(&self) -> String;
    /// Its title.
    fn title(&self) -> String;
    /// Its fields, with the choices the document offers.
    fn fields(&self, doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<Field>;
    /// Whether `staff` may use this form beyond being allowed to change the cooperation (a
    /// participant's scores are that participant's to give).
    fn allowed(&self, _staff: &Staff) -> bool {
        true
    }
    /// The values it opens with, from the document as it is.
    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError>;
    /// The document the submission makes of `doc` (the cooperation as it was when the form was
    /// opened; `None` for a new one), or every problem of the submission. A form that only changes
    /// an existing cooperation keeps this and writes [`StaffForm::change`]; there is none to change
    /// at an address such as `/staff/cooperations/new/take-back` (404).
    fn apply(
        &self,
        id: &CooperationId,
        doc: Option<CooperationDoc>,
        data: &FormData,
        labels: &Labels,
    ) -> Result<CooperationDoc, WebError> {
        let doc = doc.ok_or_else(|| WebError::NotFound(String::new()))?;
        self.change(id, doc, data, Problems::new(labels))
    }
    /// The document the submission makes of the existing cooperation `doc`, the problems found
    /// gathered in `p` (every one at once).
    fn change(
        &self,
        id: &CooperationId,
        doc: CooperationDoc,
        data: &FormData,
        p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError>;
}

/// The form an address names; `None` for an address that names none.
fn parse_form(text: &str) -> Option<Box<dyn StaffForm>> {
    let numbered = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|n| n.parse::<u32>().ok())
    };
    Some(match text {
        "details" => Box::new(details::Details),
        "take-back" => Box::new(take_back::TakeBackForm),
        "main-new" => Box::new(main_version::MainVersionForm(None)),
        "sub-new" => Box::new(sub_agreement::SubAgreementForm(None)),
        "delegation-new" => Box::new(delegation::DelegationForm(None)),
        "scenario-new" => Box::new(scenario::ScenarioForm(None)),
        "project-new" => Box::new(project::ProjectForm(None)),
        _ => {
            if let Some(id) = text.strip_prefix("project.") {
                Box::new(project::ProjectForm(Some(id.to_string())))
            } else if let Some(id) = text.strip_prefix("scenario.") {
                Box::new(scenario::ScenarioForm(Some(id.to_string())))
            } else if let Some(party) = text.strip_prefix("evaluate.") {
                Box::new(evaluation::EvaluateForm(party.to_string()))
            } else if let Some(id) = text.strip_prefix("move.") {
                Box::new(area::MoveForm(id.to_string()))
            } else if let Some((id, party)) = text
                .strip_prefix("assess.")
                .and_then(|rest| rest.split_once('.'))
            {
                Box::new(area::AssessForm {
                    area: id.to_string(),
                    party: party.to_string(),
                })
            } else if let Some(n) = numbered("main-") {
                Box::new(main_version::MainVersionForm(Some(n)))
            } else if let Some(n) = numbered("sub-") {
                Box::new(sub_agreement::SubAgreementForm(Some(n)))
            } else if let Some(n) = numbered("delegation-") {
                Box::new(delegation::DelegationForm(Some(n as usize)))
            } else {
                return None;
            }
        }
    })
}

/// The labels of a form's fields, for messages that name the field in plain words.
pub(crate) struct Labels(Vec<(String, String)>);

impl Labels {
    pub(crate) fn of(fields: &[Field]) -> Labels {
        Labels(
            fields
                .iter()
                .map(|f| (f.name.clone(), f.label.clone()))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or_else(|| name.to_string(), |(_, l)| l.clone())
    }
}

/// The problems of one submission, each in plain words naming the field by its label.
pub(crate) struct Problems<'l> {
    labels: &'l Labels,
    found: Vec<Problem>,
}

impl<'l> Problems<'l> {
    pub(crate) fn new(labels: &'l Labels) -> Problems<'l> {
        Problems {
            labels,
            found: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, field: &str, message: String) {
        self.found.push((field.to_string(), message));
    }

    /// A message about `field` with its label as `label`.
    pub(crate) fn labelled(&mut self, field: &str, key: &str) {
        let message = tra(key, &[("label", &self.labels.get(field))]);
        self.add(field, message);
    }

    pub(crate) fn required<'d>(&mut self, data: &'d FormData, field: &str) -> &'d str {
        let v = data.get(field).trim();
        if v.is_empty() {
            self.labelled(field, "required-field");
        }
        v
    }

    pub(crate) fn date(&mut self, data: &FormData, field: &str, required: bool) -> Option<Date> {
        let v = data.get(field).trim();
        if v.is_empty() {
            if required {
                self.labelled(field, "required-field");
            }
            return None;
        }
        Date::parse(v)
            .map_err(|_| self.labelled(field, "date-invalid"))
            .ok()
    }

    pub(crate) fn number(&mut self, data: &FormData, field: &str) -> Option<u32> {
        let v = self.required(data, field);
        if v.is_empty() {
            return None;
        }
        match v.parse::<u32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.labelled(field, "bad-number");
                None
            }
        }
    }

    /// A whole number of an optional field as the page's language writes it (`1.250`), or
    /// `None` when it is empty or not one (then with a problem).
    pub(crate) fn whole(&mut self, data: &FormData, field: &str) -> Option<u64> {
        let v = data.get(field).trim();
        if v.is_empty() {
            return None;
        }
        let n = i18n::parse_integer(crate::html::lang(), v).and_then(|n| u64::try_from(n).ok());
        if n.is_none() {
            self.labelled(field, "bad-number");
        }
        n
    }

    /// The short name of a new item (a scenario, a project) from the `id` field: required, a
    /// slug, and not one `taken` says is in use (then the message `taken_key` with the id).
    pub(crate) fn new_id(
        &mut self,
        data: &FormData,
        taken: impl Fn(&str) -> bool,
        taken_key: &str,
    ) -> String {
        let v = self.required(data, "id").to_string();
        if !v.is_empty() && CooperationId::parse(&v).is_err() {
            self.labelled("id", "id-invalid");
        } else if taken(&v) {
            self.add("id", tra(taken_key, &[("id", &v)]));
        }
        v
    }

    /// A party chosen from the cooperation's (a select).
    pub(crate) fn party(
        &mut self,
        data: &FormData,
        field: &str,
        required: bool,
    ) -> Option<PartyId> {
        let v = data.get(field).trim();
        if v.is_empty() {
            if required {
                self.labelled(field, "required-choice");
            }
            return None;
        }
        PartyId::parse(v)
            .map_err(|_| self.labelled(field, "required-choice"))
            .ok()
    }

    /// The validity from a first day and an inclusive last day (`last_day`, empty while in force).
    pub(crate) fn validity(
        &mut self,
        data: &FormData,
        from_field: &str,
        last_field: &str,
        required: bool,
    ) -> Option<Interval> {
        let from = self.date(data, from_field, required);
        let last = self.date(data, last_field, false);
        let from = from?;
        match last {
            Some(last) if last < from => {
                let message = tra(
                    "last-before-first",
                    &[
                        ("label", &self.labels.get(last_field)),
                        ("from", &day(from)),
                    ],
                );
                self.add(last_field, message);
                None
            }
            last => Interval::new(from, last.map(Date::succ)).ok(),
        }
    }

    /// Municipalities ticked among the cooperation's (checkboxes).
    pub(crate) fn municipalities(&mut self, data: &FormData, field: &str) -> Vec<MunicipalityId> {
        let out: Vec<MunicipalityId> = data
            .all(field)
            .into_iter()
            .filter_map(|v| MunicipalityId::parse(v, None).ok())
            .collect();
        if out.is_empty() {
            self.labelled(field, "choose-one");
        }
        out
    }

    /// Services ticked (checkboxes).
    pub(crate) fn services(&mut self, data: &FormData, field: &str) -> Vec<ServiceId> {
        let out: Vec<ServiceId> = data
            .all(field)
            .into_iter()
            .filter_map(|v| ServiceId::parse(v).ok())
            .collect();
        if out.is_empty() {
            self.labelled(field, "choose-one");
        }
        out
    }

    pub(crate) fn finish(&mut self) -> Result<(), WebError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(WebError::Invalid {
                detail: tr("error-summary-title"),
                errors: std::mem::take(&mut self.found),
            })
        }
    }
}

/// Whether `staff` speaks for `party` (an administrator speaks for every party): a participant's
/// scores and a party's evaluation are that party's to give.
pub(crate) fn own_party(staff: &Staff, party: &str) -> bool {
    staff.user.role == samvirke_store::accounts::Role::Admin
        || staff.user.scopes.iter().any(|s| s == party)
}

/// Text, or nothing when only spaces were typed.
pub(crate) fn some_text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// A date as the form shows it (ISO, as `<input type="date">` takes it).
pub(crate) fn date_value(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The inclusive last day of a validity, as the form shows it.
pub(crate) fn last_day_value(valid: Option<Interval>) -> String {
    date_value(valid.and_then(|v| v.to()).map(Date::pred))
}

/// The parties of the cooperation by name.
pub(crate) fn party_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    doc.map(|d| {
        d.cooperation
            .parties
            .iter()
            .map(|p| (p.id.to_string(), d.party_name(&p.id)))
            .collect()
    })
    .unwrap_or_default()
}

/// The municipalities among the cooperation's parties, by name.
pub(crate) fn member_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    doc.map(|d| {
        d.cooperation
            .parties
            .iter()
            .filter_map(|p| p.id.municipality())
            .map(|m| (m.to_string(), municipality_name(m)))
            .collect()
    })
    .unwrap_or_default()
}

/// The cooperation's services by their names in the page's language.
pub(crate) fn service_options(
    doc: Option<&CooperationDoc>,
    registry: &Registry,
) -> Vec<(String, String)> {
    doc.map(|d| {
        d.services
            .iter()
            .map(|s| (s.id.to_string(), components::service_text(registry, &s.id)))
            .collect()
    })
    .unwrap_or_default()
}

/// The cooperation's sub-agreements by number and title.
pub(crate) fn sub_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    doc.map(|d| {
        d.sub_agreements
            .iter()
            .map(|s| {
                let title =
                    samvirke_report::annual::sheet_heading(crate::html::lang(), s.number, &s.title);
                (s.number.to_string(), title)
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Puts `make(old)` in place of item `existing` (or adds it when `None`), refusing a `number` that
/// another item has.
pub(crate) fn replace_numbered<T>(
    list: &mut Vec<T>,
    existing: Option<u32>,
    number: u32,
    number_of: impl Fn(&T) -> u32,
    make: impl FnOnce(Option<&T>) -> T,
) -> Result<(), WebError> {
    if existing != Some(number) && list.iter().any(|item| number_of(item) == number) {
        return Err(WebError::Invalid {
            detail: tr("error-summary-title"),
            errors: vec![(
                "number".to_string(),
                tra("number-taken", &[("number", &number.to_string())]),
            )],
        });
    }
    let position = existing.and_then(|n| list.iter().position(|item| number_of(item) == n));
    let item = make(position.and_then(|i| list.get(i)));
    if let Some(i) = position {
        list.remove(i);
    }
    list.push(item);
    Ok(())
}

/// The reason field every form ends with.
fn reason_field() -> Field {
    field("reason", "field-reason", Input::Area, true).hint(tr("hint-reason"))
}

/// The form field an agreement-file problem is about, where the path says so.
fn field_of_path(path: &str, fields: &[Field]) -> String {
    // A scenario's change or staff figure: its numbered group of fields.
    for (group, name) in [
        (
            "change[",
            scenario::change_field as fn(usize, &str) -> String,
        ),
        ("staff[", scenario::staff_field),
    ] {
        if let Some(rest) = path.rsplit_once(group).map(|(_, r)| r)
            && let Some((index, field)) = rest.split_once("].")
            && let Ok(i) = index.parse::<usize>()
        {
            // `services[0]` is the services field.
            let field = field.split('[').next().unwrap_or(field);
            let candidate = name(i + 1, field);
            if fields.iter().any(|f| f.name == candidate) {
                return candidate;
            }
        }
    }
    let last = path
        .rsplit(['.', '/'])
        .next()
        .unwrap_or(path)
        .trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[');
    let candidate = match last {
        "to" | "valid" => "last_day",
        "for" | "for_municipalities" => "for",
        other => other,
    };
    if fields.iter().any(|f| f.name == candidate) {
        candidate.to_string()
    } else {
        path.to_string()
    }
}

/// The conflict section: who saved first, their change and mine.
fn conflict_section(c: &edit::Conflict) -> Markup {
    html! {
        section.error #conflict role="alert" aria-labelledby="conflict-h" {
            h2 #conflict-h { (tr("conflict-title")) }
            p { (tr("conflict-text")) }
            ul {
                @for (_, at, actor, reason) in &c.theirs {
                    li { (tra("conflict-event", &[("at", &i18n::datetime(crate::html::lang(), *at)), ("actor", actor), ("reason", reason)])) }
                }
            }
            h3 { (tr("conflict-theirs")) }
            pre.diff tabindex="0" { (c.diff_theirs) }
            h3 { (tr("conflict-mine")) }
            pre.diff tabindex="0" { (c.diff_mine) }
            p { (tr("conflict-how")) }
        }
    }
}

/// Renders the form page: the conflict or the error summary first, then the fields, the reason,
/// and the hidden CSRF token and base.
#[allow(clippy::too_many_arguments)]
fn form_page(
    status: StatusCode,
    form: &dyn StaffForm,
    id: &str,
    doc: Option<&CooperationDoc>,
    registry: &Registry,
    data: &FormData,
    staff: &Staff,
    base: u64,
    problems: &[Problem],
    conflict: Option<&edit::Conflict>,
) -> Response {
    let title = form.title();
    let mut fields = form.fields(doc, registry);
    fields.push(reason_field());
    let problems: Vec<Problem> = problems
        .iter()
        .map(|(f, m)| (field_of_path(f, &fields), m.clone()))
        .collect();
    let back = if id == "new" {
        "/staff".to_string()
    } else {
        format!("/staff/cooperations/{id}")
    };
    let body = html! {
        h1 { (title) }
        @if let Some(d) = doc { p.lead { (d.cooperation.name) } }
        @if let Some(c) = conflict { (conflict_section(c)) }
        (error_summary(&fields, &problems))
        form method="post" action={ "/staff/cooperations/" (id) "/" (form.slug()) } novalidate {
            (csrf_field(staff))
            input type="hidden" name="base" value=(base);
            (render_fields(&fields, data, &problems))
            button type="submit" { (tr("save")) }
            a.button.secondary href=(back) { (tr("cancel")) }
        }
    };
    page(status, staff, &title, body)
}

/// The cooperation id of a form address; `new` is a cooperation being created (its id comes from
/// the form), which only the details form may do.
fn parse_target(id: &str, form: &str) -> Option<(Option<CooperationId>, Box<dyn StaffForm>)> {
    let parsed = parse_form(form)?;
    if id == "new" {
        return (form == "details").then_some((None, parsed));
    }
    CooperationId::parse(id).ok().map(|id| (Some(id), parsed))
}

async fn edit_form(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, form_name)): Path<(String, String)>,
) -> Response {
    let Some((coop, form)) = parse_target(&id, &form_name) else {
        return not_found_page();
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let doc = match &coop {
        Some(c) => match snapshot.registry.cooperation(c) {
            Some(d) => Some(d),
            None => return not_found_page(),
        },
        None => None,
    };
    let allowed = form.allowed(&staff)
        && match doc {
            Some(d) => staff.can_edit(d),
            None => !read_only(&staff),
        };
    if !allowed {
        let name = doc.map_or(id.clone(), |d| d.cooperation.name.clone());
        return PageError(WebError::Forbidden(tra("may-not-edit", &[("id", &name)])))
            .into_response();
    }
    let data = match form.initial(doc) {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    form_page(
        StatusCode::OK,
        form.as_ref(),
        &id,
        doc,
        &snapshot.registry,
        &data,
        &staff,
        snapshot.head,
        &[],
        None,
    )
}

async fn edit_save(
    State(state): State<Arc<AppState>>,
    SignedIn(staff): SignedIn,
    Path((id, form_name)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let data = FormData::parse(&body);
    if staff.csrf.is_empty() || !auth::same_secret(&staff.csrf, data.get("csrf")) {
        return csrf_refused();
    }
    let Some((coop, form)) = parse_target(&id, &form_name) else {
        return not_found_page();
    };
    if !form.allowed(&staff) {
        return PageError(WebError::Forbidden(tra("may-not-edit", &[("id", &id)]))).into_response();
    }
    let Ok(base) = data.get("base").parse::<u64>() else {
        return PageError(WebError::BadRequest {
            field: "base",
            detail: tr("form-base-missing"),
        })
        .into_response();
    };
    let snapshot = match state.snapshot() {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let registry = &snapshot.registry;
    let current_doc = coop.as_ref().and_then(|c| registry.cooperation(c)).cloned();
    let fields = {
        let mut f = form.fields(current_doc.as_ref(), registry);
        f.push(reason_field());
        f
    };
    let labels = Labels::of(&fields);
    let again = |status: StatusCode, problems: &[Problem]| {
        form_page(
            status,
            form.as_ref(),
            &id,
            current_doc.as_ref(),
            registry,
            &data,
            &staff,
            base,
            problems,
            None,
        )
    };
    let coop = match coop {
        Some(c) => c,
        None => match CooperationId::parse(data.get("id").trim()) {
            Ok(c) => c,
            Err(_) => {
                let mut found: Vec<Problem> = vec![(
                    "id".to_string(),
                    tra("id-invalid", &[("label", &labels.get("id"))]),
                )];
                // The other fields' problems too, read as if the id were right.
                if let Ok(stand_in) = CooperationId::parse("new-cooperation")
                    && let Err(WebError::Invalid { errors, .. }) =
                        form.apply(&stand_in, None, &data, &labels)
                {
                    found.extend(errors.into_iter().filter(|(f, _)| f != "id"));
                }
                if data.get("reason").trim().is_empty() {
                    found.push((
                        "reason".to_string(),
                        tra("required-field", &[("label", &labels.get("reason"))]),
                    ));
                }
                return again(StatusCode::UNPROCESSABLE_ENTITY, &found);
            }
        },
    };
    if id == "new" && registry.cooperation(&coop).is_some() {
        return again(
            StatusCode::CONFLICT,
            &[("id".to_string(), tra("id-taken", &[("id", coop.as_str())]))],
        );
    }
    // Every problem at once: the fields' (against the current version) and a missing reason.
    let mut problems: Vec<Problem> = Vec::new();
    if let Err(WebError::Invalid { errors, .. }) =
        form.apply(&coop, current_doc.clone(), &data, &labels)
    {
        problems.extend(errors);
    }
    if data.get("reason").trim().is_empty() {
        problems.push((
            "reason".to_string(),
            tra("required-field", &[("label", &labels.get("reason"))]),
        ));
    }
    if !problems.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, &problems);
    }
    let reason = data.get("reason").to_string();
    let saving_staff = staff.clone();
    let saving_coop = coop.clone();
    let saving_data = data.clone();
    let saving_id = id.clone();
    let saving_lang = crate::html::lang();
    // The form reads amounts and says its problems in the page's language on the store's thread too.
    let page_context = crate::html::ctx();
    // None only when the lock was poisoned: then the save builds the registry it checks with.
    let present = state.snapshot().ok();
    let outcome = state
        .with_store(move |store| {
            let Some((_, form)) = parse_target(&saving_id, &form_name) else {
                return Err(WebError::NotFound(String::new()));
            };
            crate::html::within(page_context, || {
                edit::save(
                    store,
                    edit::Saving {
                        staff: &saving_staff,
                        reason: &reason,
                        base,
                        lang: saving_lang,
                        now: now(),
                        present: present.as_deref(),
                    },
                    &saving_coop,
                    |doc| form.apply(&saving_coop, doc, &saving_data, &labels),
                )
            })
        })
        .await;
    match outcome {
        Ok(Outcome::Saved) | Ok(Outcome::Unchanged) => {
            // The snapshot is rebuilt at once so the public page shows the change on the next request.
            state.refresh_now().await;
            see_other(&format!("/cooperations/{coop}/history?saved=1"))
        }
        Ok(Outcome::Conflict(conflict)) => {
            let fresh = state.snapshot().ok();
            let fresh_doc = fresh
                .as_ref()
                .and_then(|s| s.registry.cooperation(&coop).cloned());
            form_page(
                StatusCode::CONFLICT,
                form.as_ref(),
                &id,
                fresh_doc.as_ref(),
                registry,
                &data,
                &staff,
                conflict.head,
                &[],
                Some(&conflict),
            )
        }
        Err(WebError::Invalid { errors, .. }) => again(StatusCode::UNPROCESSABLE_ENTITY, &errors),
        Err(WebError::Rejected(found)) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &crate::html::problems::problems(&found, registry, current_doc.as_ref()),
        ),
        Err(WebError::BadRequest { field, detail }) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[(field.to_string(), detail)],
        ),
        Err(e) => PageError(e).into_response(),
    }
}
