//! `sub-N` and `sub-new`: a numbered sub-agreement, its services and its period (first and last
//! day in force).

use samvirke_core::model::{CooperationDoc, SubAgreement};
use samvirke_core::{CooperationId, Registry};

use super::{
    Problems, StaffForm, date_value, last_day_value, replace_numbered, service_options, some_text,
};
use crate::WebError;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{tr, tra};

/// A sub-agreement: `None` adds one.
pub(crate) struct SubAgreementForm(pub(crate) Option<u32>);

impl StaffForm for SubAgreementForm {
    fn slug(&self) -> String {
        self.0
            .map_or_else(|| "sub-new".to_string(), |n| format!("sub-{n}"))
    }

    fn title(&self) -> String {
        match self.0 {
            None => tr("form-sub-new"),
            Some(n) => tra("form-sub", &[("number", &n.to_string())]),
        }
    }

    fn fields(&self, doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<Field> {
        vec![
            field("number", "col-number", Input::Number, true),
            field("title", "col-title", Input::Text, true),
            field(
                "services",
                "col-services",
                Input::Checks(service_options(doc, registry)),
                false,
            )
            .hint(tr("hint-sub-services")),
            field(
                "placeholder",
                "field-placeholder",
                Input::Checks(vec![("yes".to_string(), tr("field-placeholder-yes"))]),
                false,
            )
            .hint(tr("hint-placeholder")),
            field("from", "field-from", Input::Date, true),
            field("last_day", "field-last-day", Input::Date, false).hint(tr("hint-last-day")),
            field("note", "field-note", Input::Area, false),
        ]
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        match self.0 {
            None => {
                let next = doc.map_or(1, |d| {
                    d.sub_agreements.iter().map(|s| s.number).max().unwrap_or(0) + 1
                });
                data.set("number", next.to_string());
            }
            Some(n) => {
                let s = doc
                    .and_then(|d| d.sub_agreements.iter().find(|s| s.number == n))
                    .ok_or_else(|| {
                        WebError::NotFound(tra("no-sub", &[("number", &n.to_string())]))
                    })?;
                data.set("number", s.number.to_string());
                data.set("title", s.title.clone());
                for service in &s.services {
                    data.push("services", service.to_string());
                }
                data.set("from", date_value(Some(s.valid.from())));
                data.set("last_day", last_day_value(Some(s.valid)));
                if s.placeholder {
                    data.push("placeholder", "yes".to_string());
                }
                data.set("note", s.note.clone().unwrap_or_default());
            }
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
        let number = p.number(data, "number");
        let title = p.required(data, "title").to_string();
        let placeholder = data.all("placeholder").contains(&"yes");
        let services = if placeholder {
            let ticked = data.all("services");
            if !ticked.is_empty() {
                p.labelled("services", "error-placeholder-services");
            }
            Vec::new()
        } else {
            p.services(data, "services")
        };
        let valid = p.validity(data, "from", "last_day", true);
        p.finish()?;
        let (Some(number), Some(valid)) = (number, valid) else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        replace_numbered(
            &mut doc.sub_agreements,
            self.0,
            number,
            |s| s.number,
            |old| SubAgreement {
                number,
                title,
                services,
                valid,
                // Revisions are not on the form: an edit keeps them.
                revisions: old.map(|s| s.revisions.clone()).unwrap_or_default(),
                placeholder,
                note: some_text(data.get("note")),
            },
        )?;
        doc.canonicalise();
        Ok(doc)
    }
}
