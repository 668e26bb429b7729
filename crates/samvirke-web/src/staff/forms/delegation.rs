//! `delegation-N` and `delegation-new`: who performs a service for whose residents, from when
//! to when (the last day in force), under which sub-agreement and clause, where the resident
//! goes, who handles complaints, requests for access to documents and data-subject access
//! requests, and a note.

use samvirke_core::model::{ContactPlace, CooperationDoc, Delegation};
use samvirke_core::{CooperationId, Registry, ServiceId};

use super::{
    Problems, StaffForm, date_value, last_day_value, member_options, party_options,
    service_options, some_text, sub_options,
};
use crate::WebError;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::tr;

/// A delegation, by its place in the document: `None` adds one.
pub(crate) struct DelegationForm(pub(crate) Option<usize>);

impl StaffForm for DelegationForm {
    fn slug(&self) -> String {
        self.0.map_or_else(
            || "delegation-new".to_string(),
            |i| format!("delegation-{i}"),
        )
    }

    fn title(&self) -> String {
        match self.0 {
            None => tr("form-delegation-new"),
            Some(_) => tr("form-delegation"),
        }
    }

    fn fields(&self, doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<Field> {
        vec![
            field(
                "service",
                "field-service",
                Input::Select(service_options(doc, registry)),
                true,
            ),
            field(
                "performer",
                "field-performer",
                Input::Select(party_options(doc)),
                true,
            ),
            field("for", "field-for", Input::Checks(member_options(doc)), true),
            field("from", "field-from", Input::Date, true),
            field("last_day", "field-last-day", Input::Date, false).hint(tr("hint-last-day")),
            field(
                "sub_agreement",
                "field-sub-agreement",
                // A placeholder (only its number known) cannot carry a delegation.
                Input::Select(
                    sub_options(doc)
                        .into_iter()
                        .filter(|(n, _)| {
                            !doc.is_some_and(|d| {
                                d.sub_agreements
                                    .iter()
                                    .any(|s| s.placeholder && s.number.to_string() == *n)
                            })
                        })
                        .collect(),
                ),
                false,
            ),
            field("clause", "field-clause", Input::Text, false).hint(tr("hint-clause")),
            field(
                "complaints_to",
                "field-complaints-to",
                Input::Select(party_options(doc)),
                false,
            )
            .hint(tr("hint-body-default")),
            field(
                "documents_access_to",
                "field-access-to",
                Input::Select(party_options(doc)),
                false,
            )
            .hint(tr("hint-body-default")),
            field(
                "data_access_to",
                "field-data-access-to",
                Input::Select(party_options(doc)),
                false,
            )
            .hint(tr("hint-body-default")),
            field(
                "contact",
                "field-contact",
                Input::Select(
                    ContactPlace::ALL
                        .iter()
                        .map(|c| (c.as_str().to_string(), tr(&format!("contact-place-{c}"))))
                        .collect(),
                ),
                false,
            )
            .hint(tr("hint-contact")),
            field("note", "field-note", Input::Area, false),
        ]
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        let Some(i) = self.0 else {
            return Ok(data);
        };
        let d = doc
            .and_then(|d| d.delegations.get(i))
            .ok_or_else(|| WebError::NotFound(tr("no-delegation")))?;
        data.set("service", d.service.to_string());
        data.set("performer", d.performer.to_string());
        for m in &d.for_municipalities {
            data.push("for", m.to_string());
        }
        data.set("from", date_value(Some(d.valid.from())));
        data.set("last_day", last_day_value(Some(d.valid)));
        data.set(
            "sub_agreement",
            d.sub_agreement.map(|n| n.to_string()).unwrap_or_default(),
        );
        data.set("clause", d.clause.clone().unwrap_or_default());
        data.set(
            "complaints_to",
            d.complaints_to
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        );
        for (key, body) in [
            ("documents_access_to", &d.documents_access_to),
            ("data_access_to", &d.data_access_to),
        ] {
            data.set(
                key,
                body.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            );
        }
        data.set(
            "contact",
            d.contact
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        );
        data.set("note", d.note.clone().unwrap_or_default());
        Ok(data)
    }

    fn change(
        &self,
        _id: &CooperationId,
        mut doc: CooperationDoc,
        data: &FormData,
        mut p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError> {
        let service = ServiceId::parse(data.get("service"))
            .map_err(|_| p.labelled("service", "required-choice"))
            .ok();
        let performer = p.party(data, "performer", true);
        let for_municipalities = p.municipalities(data, "for");
        let valid = p.validity(data, "from", "last_day", true);
        let sub_agreement = match data.get("sub_agreement").trim() {
            "" => None,
            v => v
                .parse::<u32>()
                .map_err(|_| p.labelled("sub_agreement", "required-choice"))
                .ok(),
        };
        let complaints_to = p.party(data, "complaints_to", false);
        let documents_access_to = p.party(data, "documents_access_to", false);
        let data_access_to = p.party(data, "data_access_to", false);
        let contact = match data.get("contact").trim() {
            "" => None,
            v => ContactPlace::parse(v)
                .ok_or(())
                .map_err(|()| p.labelled("contact", "required-choice"))
                .ok(),
        };
        p.finish()?;
        let (Some(service), Some(performer), Some(valid)) = (service, performer, valid) else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        if let Some(i) = self.0 {
            if i >= doc.delegations.len() {
                return Err(WebError::NotFound(tr("no-delegation")));
            }
            doc.delegations.remove(i);
        }
        doc.delegations.push(Delegation {
            service,
            performer,
            for_municipalities,
            valid,
            sub_agreement,
            clause: some_text(data.get("clause")),
            contact,
            complaints_to,
            documents_access_to,
            data_access_to,
            note: some_text(data.get("note")),
        });
        doc.canonicalise();
        Ok(doc)
    }
}
