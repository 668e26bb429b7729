//! `project-new` and `project.ID`: a joint project whose costs the participants share: its name,
//! status, who runs it, who takes part, when, the cost key (equal shares, residents on a reference
//! date, or fixed parts), the budget (and, once closed, the actual cost) per year, and the results
//! its fact sheet records. Years and results are numbered groups of fields: the project's own and
//! one empty group to add another; a group emptied is removed. Each participant's share is then
//! worked out by the settlement engine on `/cooperations/{id}/projects`.

use samvirke_core::model::{
    AllocationKey, CooperationDoc, KeyShare, PaymentYear, Project, ProjectResult, ProjectStatus,
};
use samvirke_core::{CooperationId, Date, Interval, PartyId, Registry};

use super::{Problems, StaffForm, date_value, last_day_value, party_options, some_text};
use crate::WebError;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{lang, tr, tra};
use crate::i18n;

const CURRENCIES: [&str; 3] = ["DKK", "SEK", "NOK"];
const KEYS: [&str; 3] = ["equal", "population", "fixed"];

fn year_field(n: usize, name: &str) -> String {
    format!("y{n}_{name}")
}

fn result_field(n: usize, name: &str) -> String {
    format!("r{n}_{name}")
}

fn weight_field(party: &PartyId) -> String {
    format!("weight.{party}")
}

/// A new project (`None`) or the project with this id.
pub(crate) struct ProjectForm(pub(crate) Option<String>);

impl ProjectForm {
    fn existing<'d>(&self, doc: Option<&'d CooperationDoc>) -> Option<&'d Project> {
        let id = self.0.as_ref()?;
        doc?.projects.iter().find(|p| &p.id == id)
    }

    /// How many year and result groups the form shows: the project's own and one more.
    fn groups(&self, doc: Option<&CooperationDoc>) -> (usize, usize) {
        self.existing(doc)
            .map_or((1, 1), |p| (p.years.len() + 1, p.results.len() + 1))
    }
}

/// A year (1900–2200) of a budget year or a result, or a problem at its field.
fn year(p: &mut Problems<'_>, data: &FormData, name: &str) -> Option<i32> {
    let y = data
        .get(name)
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y));
    if y.is_none() {
        p.labelled(name, "project-not-a-year");
    }
    y
}

/// An amount typed as the reader's language writes it, as minor units; `None` when empty.
fn amount(p: &mut Problems<'_>, data: &FormData, name: &str) -> Option<u64> {
    let v = data.get(name).trim();
    if v.is_empty() {
        return None;
    }
    match i18n::parse_amount(lang(), v).and_then(|n| u64::try_from(n).ok()) {
        Some(n) => Some(n),
        None => {
            p.labelled(name, "project-not-an-amount");
            None
        }
    }
}

impl StaffForm for ProjectForm {
    fn slug(&self) -> String {
        match &self.0 {
            Some(id) => format!("project.{id}"),
            None => "project-new".to_string(),
        }
    }

    fn title(&self) -> String {
        match &self.0 {
            Some(_) => tr("form-project-edit"),
            None => tr("form-project-new"),
        }
    }

    fn fields(&self, doc: Option<&CooperationDoc>, _registry: &Registry) -> Vec<Field> {
        let parties = party_options(doc);
        let mut out = Vec::new();
        if self.0.is_none() {
            out.push(field("id", "field-project-id", Input::Text, true).hint(tr("hint-id")));
        }
        let statuses = ProjectStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    tr(&format!("project-status-{}", s.as_str())),
                )
            })
            .collect();
        let areas: Vec<(String, String)> = doc
            .map(|d| {
                d.candidate_areas
                    .iter()
                    .map(|a| (a.id.clone(), a.area.clone()))
                    .collect()
            })
            .unwrap_or_default();
        out.extend([
            field("name", "field-project-name", Input::Text, true),
            field("status", "project-status", Input::Select(statuses), true),
            field(
                "participants",
                "project-participants",
                Input::Checks(parties.clone()),
                true,
            ),
            field(
                "lead",
                "project-lead",
                Input::Select(parties.clone()),
                false,
            )
            .hint(tr("hint-project-lead")),
            field("from", "field-project-from", Input::Date, false).hint(tr("hint-project-period")),
            field("last_day", "field-project-last-day", Input::Date, false),
        ]);
        if !areas.is_empty() {
            out.push(field("area", "project-area", Input::Select(areas), false));
        }
        out.extend([
            field(
                "currency",
                "field-project-currency",
                Input::Select(
                    CURRENCIES
                        .iter()
                        .map(|c| (c.to_string(), c.to_string()))
                        .collect(),
                ),
                true,
            ),
            field(
                "key",
                "project-key",
                Input::Select(
                    KEYS.iter()
                        .map(|k| (k.to_string(), tr(&format!("field-project-key-{k}"))))
                        .collect(),
                ),
                true,
            )
            .hint(tr("hint-project-key")),
            field(
                "reference_date",
                "field-project-reference-date",
                Input::Date,
                false,
            )
            .hint(tr("hint-project-reference")),
            field("source", "field-project-source", Input::Text, false),
        ]);
        for (id, name) in &parties {
            if let Ok(party) = PartyId::parse(id) {
                out.push(
                    field(
                        &weight_field(&party),
                        "field-project-weight",
                        Input::Number,
                        false,
                    )
                    .labelled(tra("field-project-weight", &[("party", name)])),
                );
            }
        }
        let (years, results) = self.groups(doc);
        for n in 1..=years {
            let label = |key: &str| tra(key, &[("n", &n.to_string())]);
            let legend = tra("field-project-year", &[("n", &n.to_string())]);
            out.push(
                field(
                    &year_field(n, "year"),
                    "field-project-year",
                    Input::Number,
                    false,
                )
                .labelled(label("field-project-year-label"))
                .in_group(legend.clone())
                .hint(tr("hint-project-year")),
            );
            out.push(
                field(
                    &year_field(n, "budget"),
                    "field-project-budget",
                    Input::Text,
                    false,
                )
                .labelled(label("field-project-budget"))
                .in_group(legend.clone()),
            );
            out.push(
                field(
                    &year_field(n, "actual"),
                    "field-project-actual",
                    Input::Text,
                    false,
                )
                .labelled(label("field-project-actual"))
                .in_group(legend.clone())
                .hint(tr("hint-project-actual")),
            );
        }
        for n in 1..=results {
            let label = |key: &str| tra(key, &[("n", &n.to_string())]);
            let legend = tra("legend-result", &[("n", &n.to_string())]);
            out.push(
                field(
                    &result_field(n, "year"),
                    "field-project-result-year",
                    Input::Number,
                    false,
                )
                .labelled(label("field-project-result-year"))
                .in_group(legend.clone()),
            );
            out.push(
                field(
                    &result_field(n, "text"),
                    "field-project-result",
                    Input::Area,
                    false,
                )
                .labelled(label("field-project-result"))
                .in_group(legend.clone()),
            );
        }
        out.push(field("note", "field-project-note", Input::Area, false));
        out
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        let Some(id) = &self.0 else {
            data.set("status", "planned");
            data.set("key", "equal");
            if let Some(d) = doc {
                data.set(
                    "currency",
                    samvirke_report::annual::currency(d.cooperation.country),
                );
            }
            return Ok(data);
        };
        let p = doc
            .and_then(|d| d.projects.iter().find(|p| &p.id == id))
            .ok_or_else(|| WebError::NotFound(String::new()))?;
        let l = lang();
        data.set("name", p.name.clone());
        data.set("status", p.status.as_str());
        for x in &p.participants {
            data.push("participants", x.to_string());
        }
        if let Some(x) = &p.lead {
            data.set("lead", x.to_string());
        }
        data.set("from", date_value(p.valid.map(|v| v.from())));
        data.set("last_day", last_day_value(p.valid));
        if let Some(a) = &p.area {
            data.set("area", a.clone());
        }
        data.set("currency", p.currency.clone());
        let shares = |list: &[KeyShare], data: &mut FormData| {
            for s in list {
                data.set(&weight_field(&s.party), s.parts.to_string());
            }
        };
        match &p.key {
            None => data.set("key", "equal"),
            Some(AllocationKey::Population {
                reference_date,
                source,
                population,
            }) => {
                data.set("key", "population");
                data.set("reference_date", date_value(Some(*reference_date)));
                data.set("source", source.clone());
                shares(population, &mut data);
            }
            Some(AllocationKey::Fixed { shares: list }) => {
                data.set("key", "fixed");
                shares(list, &mut data);
            }
            // A usage or hybrid key cannot split a project's cost (the checks refuse it).
            Some(_) => {}
        }
        for (i, y) in p.years.iter().enumerate() {
            data.set(&year_field(i + 1, "year"), y.year.to_string());
            data.set(
                &year_field(i + 1, "budget"),
                i18n::hundredths(l, y.budget_minor as i64),
            );
            if let Some(a) = y.actual_minor {
                data.set(&year_field(i + 1, "actual"), i18n::hundredths(l, a as i64));
            }
        }
        for (i, r) in p.results.iter().enumerate() {
            data.set(&result_field(i + 1, "year"), r.year.to_string());
            data.set(&result_field(i + 1, "text"), r.text.clone());
        }
        data.set("note", p.note.clone().unwrap_or_default());
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
        let id = match &self.0 {
            Some(id) => id.clone(),
            None => p.new_id(
                data,
                |v| doc.projects.iter().any(|x| x.id == v),
                "project-id-taken",
            ),
        };
        let name = p.required(data, "name").to_string();
        let status = ProjectStatus::parse(data.get("status").trim());
        if status.is_none() {
            p.labelled("status", "required-choice");
        }
        let participants: Vec<PartyId> = data
            .all("participants")
            .into_iter()
            .filter_map(|v| PartyId::parse(v).ok())
            .collect();
        if participants.is_empty() {
            p.labelled("participants", "choose-one");
        }
        let lead = p.party(data, "lead", false);
        let from = p.date(data, "from", false);
        let last = p.date(data, "last_day", false);
        let valid = match (from, last) {
            (Some(f), Some(l)) if l < f => {
                p.add(
                    "last_day",
                    tra(
                        "last-before-first",
                        &[
                            ("label", &tr("field-project-last-day")),
                            ("from", &crate::html::day(f)),
                        ],
                    ),
                );
                None
            }
            (Some(f), l) => Interval::new(f, l.map(Date::succ)).ok(),
            (None, Some(_)) => {
                p.labelled("from", "project-last-without-first");
                None
            }
            (None, None) => None,
        };
        let currency = data.get("currency").trim().to_string();
        if !CURRENCIES.contains(&currency.as_str()) {
            p.labelled("currency", "required-choice");
        }
        let area = some_text(data.get("area"));
        // The key: each participant's residents or parts.
        let mut weights = Vec::new();
        let kind = data.get("key").trim();
        if kind != "equal" {
            for party in &participants {
                let name = weight_field(party);
                match p.whole(data, &name) {
                    Some(parts) => weights.push(KeyShare {
                        party: party.clone(),
                        parts,
                    }),
                    None if data.get(&name).trim().is_empty() => p.add(
                        &name,
                        tra(
                            "project-weight-missing",
                            &[("party", &doc.party_name(party))],
                        ),
                    ),
                    None => {}
                }
            }
        }
        let key = match kind {
            "equal" => None,
            "fixed" => Some(AllocationKey::Fixed { shares: weights }),
            "population" => {
                let reference_date = p.date(data, "reference_date", true);
                let source = p.required(data, "source").to_string();
                reference_date.map(|reference_date| AllocationKey::Population {
                    reference_date,
                    source,
                    population: weights,
                })
            }
            _ => {
                p.labelled("key", "required-choice");
                None
            }
        };
        let (year_groups, result_groups) = self.groups(Some(&doc));
        let mut years = Vec::new();
        for n in 1..=year_groups {
            let year_name = year_field(n, "year");
            let budget_name = year_field(n, "budget");
            if data.get(&year_name).trim().is_empty() && data.get(&budget_name).trim().is_empty() {
                continue;
            }
            let year = year(&mut p, data, &year_name);
            let budget = amount(&mut p, data, &budget_name);
            if budget.is_none() && data.get(&budget_name).trim().is_empty() {
                p.labelled(&budget_name, "required-field");
            }
            let actual = amount(&mut p, data, &year_field(n, "actual"));
            if let (Some(year), Some(budget_minor)) = (year, budget) {
                if years.iter().any(|y: &PaymentYear| y.year == year) {
                    p.add(
                        &year_name,
                        tra("project-year-twice", &[("year", &year.to_string())]),
                    );
                }
                years.push(PaymentYear {
                    year,
                    budget_minor,
                    actual_minor: actual,
                    savings: Vec::new(),
                });
            }
        }
        let mut results = Vec::new();
        for n in 1..=result_groups {
            let text = data.get(&result_field(n, "text")).trim();
            let year_name = result_field(n, "year");
            if text.is_empty() && data.get(&year_name).trim().is_empty() {
                continue;
            }
            let year = year(&mut p, data, &year_name);
            if text.is_empty() {
                p.labelled(&result_field(n, "text"), "required-field");
            }
            if let Some(year) = year {
                results.push(ProjectResult {
                    year,
                    text: text.to_string(),
                });
            }
        }
        p.finish()?;
        let Some(status) = status else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        let project = Project {
            id: id.clone(),
            name,
            area,
            participants,
            lead,
            valid,
            status,
            currency,
            key,
            years,
            results,
            note: some_text(data.get("note")),
        };
        match doc.projects.iter_mut().find(|x| x.id == id) {
            Some(x) => *x = project,
            None => doc.projects.push(project),
        }
        doc.canonicalise();
        Ok(doc)
    }
}
