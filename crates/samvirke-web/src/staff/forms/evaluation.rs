//! `evaluate.PARTY`: one party's evaluation of the cooperation or one of its sub-agreements: does
//! it deliver on its purpose, does it give value for money (yes, partly, no), why, and the
//! evidence it rests on. Given by that party's staff (or an administrator); the next evaluation
//! then falls due 24 months later.

use samvirke_core::model::{CooperationDoc, Evaluation, Verdict};
use samvirke_core::{CooperationId, PartyId, Registry};

use super::{Problems, StaffForm, date_value, own_party, sub_options};
use crate::WebError;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{tr, tra};

/// The value of the scope field that means the whole cooperation.
const WHOLE: &str = "whole";

/// One party's evaluation.
pub(crate) struct EvaluateForm(pub(crate) String);

impl EvaluateForm {
    fn party(&self) -> Option<PartyId> {
        PartyId::parse(&self.0).ok()
    }
}

fn verdicts() -> Vec<(String, String)> {
    ["yes", "partly", "no"]
        .iter()
        .map(|v| (v.to_string(), tr(&format!("verdict-{v}"))))
        .collect()
}

fn verdict(p: &mut Problems<'_>, data: &FormData, name: &str) -> Option<Verdict> {
    let v = Verdict::parse(data.get(name).trim());
    if v.is_none() {
        p.labelled(name, "required-choice");
    }
    v
}

impl StaffForm for EvaluateForm {
    fn slug(&self) -> String {
        format!("evaluate.{}", self.0)
    }

    fn title(&self) -> String {
        tr("form-evaluate")
    }

    /// A party's evaluation is given by its own staff (or an administrator).
    fn allowed(&self, staff: &crate::auth::Staff) -> bool {
        own_party(staff, &self.0)
    }

    fn fields(&self, doc: Option<&CooperationDoc>, _registry: &Registry) -> Vec<Field> {
        let whose = match (doc, self.party()) {
            (Some(d), Some(p)) => tra(
                "hint-evaluate-whose",
                &[("party", &d.party_name(&p)), ("name", &d.cooperation.name)],
            ),
            _ => String::new(),
        };
        let mut scopes = vec![(WHOLE.to_string(), tr("evaluation-whole-option"))];
        scopes.extend(sub_options(doc));
        vec![
            field("on", "field-evaluated-on", Input::Date, true).hint(whose),
            field(
                "scope",
                "field-evaluation-scope",
                Input::Select(scopes),
                true,
            ),
            field(
                "delivers",
                "evaluation-col-delivers",
                Input::Select(verdicts()),
                true,
            )
            .hint(tr("hint-evaluation-delivers")),
            field(
                "value",
                "evaluation-col-value",
                Input::Select(verdicts()),
                true,
            )
            .hint(tr("hint-evaluation-value")),
            field("reasons", "field-evaluation-reasons", Input::Area, true)
                .hint(tr("hint-evaluation-reasons")),
            field("evidence", "field-evaluation-evidence", Input::Area, false)
                .hint(tr("hint-evaluation-evidence")),
        ]
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let party = self
            .party()
            .ok_or_else(|| WebError::NotFound(String::new()))?;
        if !doc.is_some_and(|d| d.cooperation.parties.iter().any(|p| p.id == party)) {
            return Err(WebError::NotFound(String::new()));
        }
        let mut data = FormData::default();
        data.set("on", date_value(Some(crate::today())));
        data.set("scope", WHOLE.to_string());
        Ok(data)
    }

    fn change(
        &self,
        _id: &CooperationId,
        mut doc: CooperationDoc,
        data: &FormData,
        mut p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError> {
        let party = self
            .party()
            .filter(|x| doc.cooperation.parties.iter().any(|y| &y.id == x))
            .ok_or_else(|| WebError::NotFound(String::new()))?;
        let on = p.date(data, "on", true);
        if let Some(d) = on
            && d > crate::today()
        {
            p.labelled("on", "evaluation-in-future");
        }
        let scope = data.get("scope").trim();
        let sub_agreement = if scope == WHOLE {
            None
        } else {
            match scope.parse::<u32>() {
                Ok(n) if doc.sub_agreements.iter().any(|s| s.number == n) => Some(n),
                _ => {
                    p.labelled("scope", "required-choice");
                    None
                }
            }
        };
        let delivers = verdict(&mut p, data, "delivers");
        let value = verdict(&mut p, data, "value");
        let reasons = p.required(data, "reasons").to_string();
        let evidence: Vec<String> = data
            .get("evidence")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(d) = on
            && doc
                .evaluations
                .iter()
                .any(|e| e.party == party && e.on == d && e.sub_agreement == sub_agreement)
        {
            p.add(
                "on",
                tra(
                    "evaluation-same-day",
                    &[
                        ("party", &doc.party_name(&party)),
                        ("date", &crate::html::day(d)),
                    ],
                ),
            );
        }
        p.finish()?;
        let (Some(on), Some(delivers), Some(value_for_money)) = (on, delivers, value) else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        doc.evaluations.push(Evaluation {
            party,
            on,
            sub_agreement,
            delivers,
            value_for_money,
            reasons,
            evidence,
            note: None,
        });
        doc.canonicalise();
        Ok(doc)
    }
}
