//! `main-N` and `main-new`: a version of the main agreement.

use samvirke_core::model::{CooperationDoc, MainAgreementVersion};
use samvirke_core::{CooperationId, Registry};

use super::{Problems, StaffForm, date_value, replace_numbered, some_text};
use crate::WebError;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{tr, tra};

/// A main-agreement version: `None` adds one.
pub(crate) struct MainVersionForm(pub(crate) Option<u32>);

impl StaffForm for MainVersionForm {
    fn slug(&self) -> String {
        self.0
            .map_or_else(|| "main-new".to_string(), |n| format!("main-{n}"))
    }

    fn title(&self) -> String {
        match self.0 {
            None => tr("form-main-new"),
            Some(n) => tra("main-version", &[("number", &n.to_string())]),
        }
    }

    fn fields(&self, _doc: Option<&CooperationDoc>, _registry: &Registry) -> Vec<Field> {
        vec![
            field("number", "col-number", Input::Number, true),
            field("title", "col-title", Input::Text, false),
            field("effective", "field-effective", Input::Date, false)
                .hint(tr("hint-main-effective")),
            field("summary", "field-summary", Input::Area, true),
        ]
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        match self.0 {
            None => {
                let next = doc.map_or(1, |d| {
                    d.main_agreement.iter().map(|v| v.number).max().unwrap_or(0) + 1
                });
                data.set("number", next.to_string());
            }
            Some(n) => {
                let v = doc
                    .and_then(|d| d.main_agreement.iter().find(|v| v.number == n))
                    .ok_or_else(|| {
                        WebError::NotFound(tra("no-main-version", &[("number", &n.to_string())]))
                    })?;
                data.set("number", v.number.to_string());
                data.set("title", v.title.clone().unwrap_or_default());
                data.set("effective", date_value(v.effective));
                data.set("summary", v.summary.clone());
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
        let effective = p.date(data, "effective", false);
        let summary = p.required(data, "summary").to_string();
        p.finish()?;
        let Some(number) = number else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        replace_numbered(
            &mut doc.main_agreement,
            self.0,
            number,
            |v| v.number,
            |old| MainAgreementVersion {
                number,
                title: some_text(data.get("title")),
                effective,
                // Adoptions are not on the form: an edit keeps them.
                adopted: old.map(|v| v.adopted.clone()).unwrap_or_default(),
                summary,
                note: old.and_then(|v| v.note.clone()),
            },
        )?;
        doc.canonicalise();
        Ok(doc)
    }
}
