//! `details` (and `new/details`): a cooperation's name, status, purpose and period; for a new one
//! also its id, country, legal form, language and member municipalities.

use samvirke_core::model::{
    Cooperation, CooperationDoc, CooperationStatus, Language, LegalForm, Party, PartyRole,
    SettlementAccess,
};
use samvirke_core::{CooperationId, Country, PartyId, Registry};

use super::{Labels, Problems, StaffForm, date_value, last_day_value, some_text};
use crate::WebError;
use crate::html::components::legal_form;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{tr, tra};
use crate::staff::cases::municipality_options;

/// The details form.
pub(crate) struct Details;

impl StaffForm for Details {
    fn slug(&self) -> String {
        "details".to_string()
    }

    fn title(&self) -> String {
        tr("form-details")
    }

    fn fields(&self, doc: Option<&CooperationDoc>, _registry: &Registry) -> Vec<Field> {
        let mut out = Vec::new();
        if doc.is_none() {
            out.push(field("id", "field-id", Input::Text, true).hint(tr("hint-id")));
            out.push(field(
                "country",
                "country",
                Input::Select(
                    Country::ALL
                        .iter()
                        .map(|c| {
                            let key = format!("country-{}", c.code().to_ascii_lowercase());
                            (c.code().to_string(), tr(&key))
                        })
                        .collect(),
                ),
                true,
            ));
            out.push(field(
                "legal_form",
                "legal-form",
                Input::Select(
                    LegalForm::ALL
                        .iter()
                        .map(|f| (f.as_str().to_string(), legal_form(*f)))
                        .collect(),
                ),
                true,
            ));
            out.push(field(
                "language",
                "field-language",
                Input::Select(
                    Language::ALL
                        .iter()
                        .map(|l| {
                            (
                                l.as_str().to_string(),
                                tr(&format!("language-{}", l.as_str())),
                            )
                        })
                        .collect(),
                ),
                true,
            ));
            out.push(
                field(
                    "parties",
                    "parties",
                    Input::Several(municipality_options()),
                    true,
                )
                .hint(tr("hint-parties")),
            );
        }
        out.push(field("name", "field-name", Input::Text, true));
        out.push(field(
            "status",
            "col-status",
            Input::Select(
                CooperationStatus::ALL
                    .iter()
                    .map(|s| {
                        (
                            s.as_str().to_string(),
                            tr(&format!("status-{}", s.as_str())),
                        )
                    })
                    .collect(),
            ),
            true,
        ));
        out.push(field("purpose", "field-purpose", Input::Area, false));
        out.push(
            field(
                "settlements",
                "field-settlements",
                Input::Select(
                    SettlementAccess::ALL
                        .iter()
                        .map(|a| {
                            (
                                a.as_str().to_string(),
                                tr(&format!("settlements-{}", a.as_str())),
                            )
                        })
                        .collect(),
                ),
                true,
            )
            .hint(tr("hint-settlements")),
        );
        out.push(field("from", "field-from", Input::Date, false));
        out.push(field("last_day", "field-last-day", Input::Date, false).hint(tr("hint-last-day")));
        out
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        match doc {
            Some(d) => {
                let c = &d.cooperation;
                data.set("name", c.name.clone());
                data.set("status", c.status.as_str());
                data.set("purpose", c.purpose.clone().unwrap_or_default());
                data.set("settlements", c.settlements.as_str());
                data.set("from", date_value(c.valid.map(|v| v.from())));
                data.set("last_day", last_day_value(c.valid));
            }
            None => {
                data.set("status", CooperationStatus::Exploring.as_str());
                data.set("settlements", SettlementAccess::Public.as_str());
            }
        }
        Ok(data)
    }

    fn apply(
        &self,
        id: &CooperationId,
        doc: Option<CooperationDoc>,
        data: &FormData,
        labels: &Labels,
    ) -> Result<CooperationDoc, WebError> {
        self.make(id, doc, data, Problems::new(labels))
    }

    fn change(
        &self,
        id: &CooperationId,
        doc: CooperationDoc,
        data: &FormData,
        p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError> {
        self.make(id, Some(doc), data, p)
    }
}

impl Details {
    /// The cooperation the details make: a new one (`doc` is `None`) or a change of `doc`.
    fn make(
        &self,
        id: &CooperationId,
        doc: Option<CooperationDoc>,
        data: &FormData,
        mut p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError> {
        let name = p.required(data, "name").to_string();
        let status = CooperationStatus::parse(data.get("status"));
        if status.is_none() {
            p.labelled("status", "required-choice");
        }
        // Left out (a form from before the field existed): unchanged.
        let given = data.get("settlements").trim();
        let settlements = SettlementAccess::parse(given);
        if settlements.is_none() && !given.is_empty() {
            p.labelled("settlements", "required-choice");
        }
        let from_given = !data.get("from").trim().is_empty();
        let last_given = !data.get("last_day").trim().is_empty();
        let valid = if !from_given && last_given {
            p.labelled("from", "required-field");
            None
        } else if from_given {
            p.validity(data, "from", "last_day", false)
        } else {
            None
        };
        let mut doc = match doc {
            Some(doc) => doc,
            None => {
                let country = Country::parse(data.get("country"))
                    .map_err(|_| p.labelled("country", "required-choice"))
                    .ok();
                let legal_form = LegalForm::parse(data.get("legal_form"));
                if legal_form.is_none() {
                    p.labelled("legal_form", "required-choice");
                }
                let language = Language::parse(data.get("language"));
                if language.is_none() {
                    p.labelled("language", "required-choice");
                }
                if data.get("id").trim() != id.as_str() {
                    p.add("id", tra("id-mismatch", &[("id", id.as_str())]));
                }
                let parties = p.municipalities(data, "parties");
                p.finish()?;
                let (Some(country), Some(legal_form), Some(language), Some(status)) =
                    (country, legal_form, language, status)
                else {
                    return Err(WebError::Internal("form fields checked above".to_string()));
                };
                CooperationDoc::new(Cooperation {
                    id: id.clone(),
                    name: name.clone(),
                    country,
                    legal_form,
                    status,
                    language,
                    purpose: None,
                    valid: None,
                    parties: parties
                        .into_iter()
                        .map(|m| Party {
                            id: PartyId::Municipality(m),
                            roles: vec![PartyRole::Member],
                            joined: None,
                            left: None,
                            org_number: None,
                            invoicing: None,
                            note: None,
                        })
                        .collect(),
                    organisations: Vec::new(),
                    term: None,
                    sources: Vec::new(),
                    settlements: SettlementAccess::Public,
                    note: None,
                })
            }
        };
        p.finish()?;
        let c = &mut doc.cooperation;
        c.name = name;
        if let Some(status) = status {
            c.status = status;
        }
        c.purpose = some_text(data.get("purpose"));
        if let Some(settlements) = settlements {
            c.settlements = settlements;
        }
        c.valid = valid;
        Ok(doc)
    }
}
