//! `scenario-new` and `scenario.ID`: a scenario as planners write it: its name, the day it is
//! prepared, the registry it starts from, whether the public may read it, its changes (a member
//! takes services back, leaves, joins; a candidate area becomes a cooperation of its own) and the
//! staff who would move. Each change and each staff figure is one numbered group of fields; the
//! form offers the scenario's own and one empty group to add another, and a group whose kind (or
//! count) is emptied is removed. An adopted scenario is a decision and cannot be changed here.
//!
//! The save runs the same checks as an import (`ParsedFile::scenario_problems`): a take-back of a
//! service the member never delegated, a date before the earliest lawful one, a performer nobody
//! replaces, each said at its field.

use samvirke_core::model::{CooperationDoc, LegalForm, Scenario, ScenarioChange, StaffFigure};
use samvirke_core::{CooperationId, Date, MunicipalityId, PartyId, Registry, ServiceId};

use super::{Problems, StaffForm, date_value, party_options, service_options, some_text};
use crate::WebError;
use crate::html::components::legal_form;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{tr, tra};

/// The kinds of change, as the file writes them.
const KINDS: [&str; 4] = ["take_back", "leave", "join", "new_cooperation"];

/// The name of field `name` of change group `n` (1, 2, …).
pub(crate) fn change_field(n: usize, name: &str) -> String {
    format!("c{n}_{name}")
}

/// The name of field `name` of staff group `n` (1, 2, …).
pub(crate) fn staff_field(n: usize, name: &str) -> String {
    format!("s{n}_{name}")
}

/// A new scenario (`None`) or the scenario with this id.
pub(crate) struct ScenarioForm(pub(crate) Option<String>);

impl ScenarioForm {
    fn existing<'d>(&self, doc: Option<&'d CooperationDoc>) -> Option<&'d Scenario> {
        let id = self.0.as_ref()?;
        doc?.scenarios.iter().find(|s| &s.id == id)
    }

    /// How many change and staff groups the form shows: the scenario's own and one more.
    fn groups(&self, doc: Option<&CooperationDoc>) -> (usize, usize) {
        self.existing(doc)
            .map_or((1, 1), |s| (s.changes.len() + 1, s.staff.len() + 1))
    }
}

fn kind_options() -> Vec<(String, String)> {
    KINDS
        .iter()
        .map(|k| (k.to_string(), tr(&format!("scenario-kind-{k}"))))
        .collect()
}

fn area_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    doc.map(|d| {
        d.candidate_areas
            .iter()
            .map(|a| (a.id.clone(), a.area.clone()))
            .collect()
    })
    .unwrap_or_default()
}

fn legal_form_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    let prefix = doc.map(|d| format!("{}-", d.cooperation.country.code().to_ascii_lowercase()));
    LegalForm::ALL
        .iter()
        .filter(|f| {
            prefix
                .as_ref()
                .is_none_or(|p| f.as_str().starts_with(p.as_str()))
        })
        .map(|f| (f.as_str().to_string(), legal_form(*f)))
        .collect()
}

/// The fields of change group `n`.
fn change_fields(n: usize, doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<Field> {
    let label = |key: &str| tra(key, &[("n", &n.to_string())]);
    let legend = tra("legend-change", &[("n", &n.to_string())]);
    // The municipalities of the cooperation's country: who may take back, leave, join or perform.
    let municipalities = match doc {
        Some(d) => crate::staff::cases::municipality_options_in(d.cooperation.country),
        None => crate::staff::cases::municipality_options(),
    };
    [
        field(
            &change_field(n, "kind"),
            "field-change-kind",
            Input::Select(kind_options()),
            false,
        )
        .labelled(label("field-change-kind"))
        .hint(tr("hint-change-kind")),
        field(
            &change_field(n, "member"),
            "field-change-member",
            Input::Search(municipalities.clone()),
            false,
        )
        .labelled(label("field-change-member"))
        .hint(tr("hint-change-member")),
        field(
            &change_field(n, "from"),
            "field-change-from",
            Input::Date,
            false,
        )
        .labelled(label("field-change-from")),
        field(
            &change_field(n, "services"),
            "field-change-services",
            Input::Checks(service_options(doc, registry)),
            false,
        )
        .labelled(label("field-change-services"))
        .hint(tr("hint-change-services")),
        field(
            &change_field(n, "successor"),
            "field-change-successor",
            Input::Select(party_options(doc)),
            false,
        )
        .labelled(label("field-change-successor"))
        .hint(tr("hint-change-successor")),
        field(
            &change_field(n, "population"),
            "field-change-population",
            Input::Number,
            false,
        )
        .labelled(label("field-change-population"))
        .hint(tr("hint-change-population")),
        field(
            &change_field(n, "parts"),
            "field-change-parts",
            Input::Number,
            false,
        )
        .labelled(label("field-change-parts"))
        .hint(tr("hint-change-parts")),
        field(
            &change_field(n, "area"),
            "field-change-area",
            Input::Select(area_options(doc)),
            false,
        )
        .labelled(label("field-change-area"))
        .hint(tr("hint-change-new")),
        field(
            &change_field(n, "new_id"),
            "field-change-new-id",
            Input::Text,
            false,
        )
        .labelled(label("field-change-new-id"))
        .hint(tr("hint-id")),
        field(
            &change_field(n, "new_name"),
            "field-change-new-name",
            Input::Text,
            false,
        )
        .labelled(label("field-change-new-name")),
        field(
            &change_field(n, "legal_form"),
            "legal-form",
            Input::Select(legal_form_options(doc)),
            false,
        )
        .labelled(label("field-change-legal-form")),
        field(
            &change_field(n, "performer"),
            "field-change-performer",
            Input::Search(municipalities),
            false,
        )
        .labelled(label("field-change-performer")),
    ]
    .into_iter()
    .map(|f| f.in_group(legend.clone()))
    .collect()
}

/// The fields of staff group `n`.
fn staff_fields(n: usize, doc: Option<&CooperationDoc>) -> Vec<Field> {
    let label = |key: &str| tra(key, &[("n", &n.to_string())]);
    let legend = tra("legend-staff", &[("n", &n.to_string())]);
    [
        field(
            &staff_field(n, "from"),
            "field-staff-from",
            Input::Select(party_options(doc)),
            false,
        )
        .labelled(label("field-staff-from")),
        field(
            &staff_field(n, "to"),
            "field-staff-to",
            Input::Select(party_options(doc)),
            false,
        )
        .labelled(label("field-staff-to")),
        field(
            &staff_field(n, "count"),
            "field-staff-count",
            Input::Number,
            false,
        )
        .labelled(label("field-staff-count"))
        .hint(tr("hint-staff-count")),
        field(
            &staff_field(n, "note"),
            "field-staff-note",
            Input::Text,
            false,
        )
        .labelled(label("field-staff-note")),
    ]
    .into_iter()
    .map(|f| f.in_group(legend.clone()))
    .collect()
}

fn municipality(p: &mut Problems<'_>, data: &FormData, name: &str) -> Option<MunicipalityId> {
    let v = data.get(name).trim();
    if v.is_empty() {
        p.labelled(name, "required-choice");
        return None;
    }
    MunicipalityId::parse(v, None)
        .map_err(|_| p.labelled(name, "required-choice"))
        .ok()
}

/// The change of group `n`, `None` when its kind is left empty.
fn read_change(p: &mut Problems<'_>, data: &FormData, n: usize) -> Option<ScenarioChange> {
    let f = |name: &str| change_field(n, name);
    let kind = data.get(&f("kind")).trim();
    if kind.is_empty() {
        return None;
    }
    let from = p.date(data, &f("from"), true);
    let services: Vec<ServiceId> = data
        .all(&f("services"))
        .into_iter()
        .filter_map(|v| ServiceId::parse(v).ok())
        .collect();
    let change = match kind {
        "take_back" => {
            let member = municipality(p, data, &f("member"));
            if services.is_empty() {
                p.labelled(&f("services"), "choose-one");
            }
            ScenarioChange::TakeBack {
                member: member?,
                services,
                from: from?,
            }
        }
        "leave" => {
            let member = municipality(p, data, &f("member"));
            let successor = match data.get(&f("successor")).trim() {
                "" => None,
                v => PartyId::parse(v)
                    .map_err(|_| p.labelled(&f("successor"), "required-choice"))
                    .ok(),
            };
            ScenarioChange::Leave {
                member: member?,
                from: from?,
                successor,
            }
        }
        "join" => {
            let member = municipality(p, data, &f("member"));
            let population = p.whole(data, &f("population"));
            let parts = p.whole(data, &f("parts"));
            ScenarioChange::Join {
                member: member?,
                from: from?,
                services,
                parts,
                population,
            }
        }
        "new_cooperation" => {
            let area = data.get(&f("area")).trim().to_string();
            if area.is_empty() {
                p.labelled(&f("area"), "required-choice");
            }
            let id = CooperationId::parse(data.get(&f("new_id")).trim())
                .map_err(|_| p.labelled(&f("new_id"), "id-invalid"))
                .ok();
            let name = p.required(data, &f("new_name")).to_string();
            let legal_form = LegalForm::parse(data.get(&f("legal_form")).trim());
            if legal_form.is_none() {
                p.labelled(&f("legal_form"), "required-choice");
            }
            let performer = municipality(p, data, &f("performer"));
            if area.is_empty() || name.is_empty() {
                return None;
            }
            ScenarioChange::NewCooperation {
                area,
                id: id?,
                name,
                legal_form: legal_form?,
                performer: performer?,
                members: Vec::new(),
                from: from?,
                currency: None,
                key: None,
                years: Vec::new(),
            }
        }
        _ => {
            p.labelled(&f("kind"), "required-choice");
            return None;
        }
    };
    Some(change)
}

/// The staff figure of group `n`, `None` when its count is left empty.
fn read_staff(p: &mut Problems<'_>, data: &FormData, n: usize) -> Option<StaffFigure> {
    let f = |name: &str| staff_field(n, name);
    if data.get(&f("count")).trim().is_empty() {
        return None;
    }
    let count = p.number(data, &f("count"));
    let from = p.party(data, &f("from"), true);
    let to = p.party(data, &f("to"), true);
    Some(StaffFigure {
        from: from?,
        to: to?,
        count: count?,
        note: some_text(data.get(&f("note"))),
    })
}

impl StaffForm for ScenarioForm {
    fn slug(&self) -> String {
        match &self.0 {
            Some(id) => format!("scenario.{id}"),
            None => "scenario-new".to_string(),
        }
    }

    fn title(&self) -> String {
        match &self.0 {
            Some(_) => tr("form-scenario-edit"),
            None => tr("form-scenario-new"),
        }
    }

    fn fields(&self, doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<Field> {
        let mut out = Vec::new();
        if self.0.is_none() {
            out.push(field("id", "field-scenario-id", Input::Text, true).hint(tr("hint-id")));
        }
        out.extend([
            field("name", "field-scenario-name", Input::Text, true),
            field("prepared", "field-scenario-prepared", Input::Date, true)
                .hint(tr("hint-scenario-prepared")),
            field("known_on", "field-scenario-known-on", Input::Date, false)
                .hint(tr("hint-scenario-known-on")),
            field(
                "description",
                "field-scenario-description",
                Input::Area,
                false,
            ),
            field(
                "published",
                "field-scenario-published",
                Input::Checks(vec![(
                    "yes".to_string(),
                    tr("field-scenario-published-yes"),
                )]),
                false,
            )
            .hint(tr("hint-scenario-published")),
        ]);
        let (changes, staff) = self.groups(doc);
        for n in 1..=changes {
            out.extend(change_fields(n, doc, registry));
        }
        for n in 1..=staff {
            out.extend(staff_fields(n, doc));
        }
        out
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        let Some(id) = &self.0 else {
            data.set("prepared", date_value(Some(crate::today())));
            return Ok(data);
        };
        let s = doc
            .and_then(|d| d.scenarios.iter().find(|s| &s.id == id))
            .ok_or_else(|| WebError::NotFound(String::new()))?;
        data.set("name", s.name.clone());
        data.set("prepared", date_value(Some(s.prepared)));
        data.set("known_on", date_value(s.known_on));
        data.set("description", s.description.clone().unwrap_or_default());
        if s.published {
            data.set("published", "yes");
        }
        for (i, c) in s.changes.iter().enumerate() {
            let f = |name: &str| change_field(i + 1, name);
            data.set(&f("kind"), c.kind());
            data.set(&f("from"), date_value(Some(c.from())));
            match c {
                ScenarioChange::TakeBack {
                    member, services, ..
                } => {
                    data.set(&f("member"), member.to_string());
                    for s in services {
                        data.push(&f("services"), s.to_string());
                    }
                }
                ScenarioChange::Leave {
                    member, successor, ..
                } => {
                    data.set(&f("member"), member.to_string());
                    if let Some(x) = successor {
                        data.set(&f("successor"), x.to_string());
                    }
                }
                ScenarioChange::Join {
                    member,
                    services,
                    parts,
                    population,
                    ..
                } => {
                    data.set(&f("member"), member.to_string());
                    for s in services {
                        data.push(&f("services"), s.to_string());
                    }
                    if let Some(n) = population {
                        data.set(&f("population"), n.to_string());
                    }
                    if let Some(n) = parts {
                        data.set(&f("parts"), n.to_string());
                    }
                }
                ScenarioChange::NewCooperation {
                    area,
                    id,
                    name,
                    legal_form,
                    performer,
                    ..
                } => {
                    data.set(&f("area"), area.clone());
                    data.set(&f("new_id"), id.to_string());
                    data.set(&f("new_name"), name.clone());
                    data.set(&f("legal_form"), legal_form.as_str());
                    data.set(&f("performer"), performer.to_string());
                }
            }
        }
        for (i, x) in s.staff.iter().enumerate() {
            let f = |name: &str| staff_field(i + 1, name);
            data.set(&f("from"), x.from.to_string());
            data.set(&f("to"), x.to.to_string());
            data.set(&f("count"), x.count.to_string());
            data.set(&f("note"), x.note.clone().unwrap_or_default());
        }
        Ok(data)
    }

    fn change(
        &self,
        _id: &CooperationId,
        mut doc: CooperationDoc,
        data: &FormData,
        mut p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError> {
        let old = self.existing(Some(&doc)).cloned();
        if self.0.is_some() && old.is_none() {
            return Err(WebError::NotFound(String::new()));
        }
        if let Some(a) = old.as_ref().and_then(|s| s.adopted.as_ref()) {
            p.add(
                "name",
                tra(
                    "scenario-edit-adopted",
                    &[("date", &crate::html::day(a.on)), ("decision", &a.decision)],
                ),
            );
            p.finish()?;
        }
        let id = match &self.0 {
            Some(id) => id.clone(),
            None => p.new_id(
                data,
                |v| doc.scenarios.iter().any(|s| s.id == v),
                "scenario-id-taken",
            ),
        };
        let name = p.required(data, "name").to_string();
        let prepared = p.date(data, "prepared", true);
        let known_on: Option<Date> = p.date(data, "known_on", false);
        let (change_groups, staff_groups) = self.groups(Some(&doc));
        let changes: Vec<ScenarioChange> = (1..=change_groups)
            .filter_map(|n| read_change(&mut p, data, n))
            .collect();
        if changes.is_empty()
            && (1..=change_groups).all(|n| data.get(&change_field(n, "kind")).trim().is_empty())
        {
            p.labelled(&change_field(1, "kind"), "scenario-no-change");
        }
        let staff: Vec<StaffFigure> = (1..=staff_groups)
            .filter_map(|n| read_staff(&mut p, data, n))
            .collect();
        p.finish()?;
        let Some(prepared) = prepared else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        let scenario = Scenario {
            id: id.clone(),
            name,
            prepared,
            known_on,
            description: some_text(data.get("description")),
            changes,
            staff,
            adopted: None,
            published: data.all("published").contains(&"yes"),
            // The note is not on the form: an edit keeps it.
            note: doc
                .scenarios
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.note.clone()),
        };
        match doc.scenarios.iter_mut().find(|s| s.id == id) {
            Some(s) => *s = scenario,
            None => doc.scenarios.push(scenario),
        }
        doc.canonicalise();
        Ok(doc)
    }
}
