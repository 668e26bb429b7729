//! `move.AREA` and `assess.AREA.PARTY`: a candidate area's next status (on a day, for a reason),
//! and one participant's scores of it, 0–4 on each of the mapping's criteria with a justification.

use samvirke_core::mapping;
use samvirke_core::model::{
    Assessment, CandidateArea, CandidateStatus, CooperationDoc, Transition,
};
use samvirke_core::{CooperationId, PartyId, Registry};

use super::{Problems, StaffForm, date_value};
use crate::WebError;
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{tr, tra};

fn area<'d>(doc: Option<&'d CooperationDoc>, id: &str) -> Result<&'d CandidateArea, WebError> {
    doc.and_then(|d| d.candidate_areas.iter().find(|a| a.id == id))
        .ok_or_else(|| WebError::NotFound(String::new()))
}

fn area_mut<'d>(doc: &'d mut CooperationDoc, id: &str) -> Result<&'d mut CandidateArea, WebError> {
    doc.candidate_areas
        .iter_mut()
        .find(|a| a.id == id)
        .ok_or_else(|| WebError::NotFound(String::new()))
}

/// The next status of an area.
pub(crate) struct MoveForm(pub(crate) String);

impl StaffForm for MoveForm {
    fn slug(&self) -> String {
        format!("move.{}", self.0)
    }

    fn title(&self) -> String {
        tr("form-area-move")
    }

    fn fields(&self, doc: Option<&CooperationDoc>, _registry: &Registry) -> Vec<Field> {
        let now = area(doc, &self.0).map_or(CandidateStatus::Identified, |a| a.status);
        let choices = CandidateStatus::ALL
            .iter()
            .filter(|s| now.may_move_to(**s))
            .map(|s| {
                (
                    s.as_str().to_string(),
                    tr(&format!("area-status-{}", s.as_str())),
                )
            })
            .collect();
        vec![
            field("to", "field-area-to", Input::Select(choices), true).hint(tra(
                "hint-area-to",
                &[("status", &tr(&format!("area-status-{}", now.as_str())))],
            )),
            field("on", "field-area-on", Input::Date, true),
            field("why", "field-area-why", Input::Area, true).hint(tr("hint-area-why")),
        ]
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        area(doc, &self.0)?;
        let mut data = FormData::default();
        data.set("on", date_value(Some(crate::today())));
        Ok(data)
    }

    fn change(
        &self,
        _id: &CooperationId,
        mut doc: CooperationDoc,
        data: &FormData,
        mut p: Problems<'_>,
    ) -> Result<CooperationDoc, WebError> {
        let to = CandidateStatus::parse(data.get("to").trim());
        if to.is_none() {
            p.labelled("to", "required-choice");
        }
        let on = p.date(data, "on", true);
        let why = p.required(data, "why").to_string();
        p.finish()?;
        let (Some(to), Some(on)) = (to, on) else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        let a = area_mut(&mut doc, &self.0)?;
        a.transitions.push(Transition {
            to,
            on,
            reason: why,
        });
        a.status = to;
        doc.canonicalise();
        Ok(doc)
    }
}

/// One participant's scores of an area.
pub(crate) struct AssessForm {
    pub(crate) area: String,
    pub(crate) party: String,
}

impl AssessForm {
    fn party(&self) -> Option<PartyId> {
        PartyId::parse(&self.party).ok()
    }
}

impl StaffForm for AssessForm {
    fn slug(&self) -> String {
        format!("assess.{}.{}", self.area, self.party)
    }

    fn title(&self) -> String {
        tr("form-area-assess")
    }

    /// A participant's scores are given by its own staff (or an administrator).
    fn allowed(&self, staff: &crate::auth::Staff) -> bool {
        super::own_party(staff, &self.party)
    }

    fn fields(&self, doc: Option<&CooperationDoc>, _registry: &Registry) -> Vec<Field> {
        // The form says whose scores of which area it records (its title cannot see the file).
        let whose = match (doc, area(doc, &self.area), self.party()) {
            (Some(d), Ok(a), Some(p)) => tra(
                "hint-assess-whose",
                &[("party", &d.party_name(&p)), ("area", &a.area)],
            ),
            _ => String::new(),
        };
        let mut out = vec![field("on", "field-assessed-on", Input::Date, false).hint(whose)];
        let scores: Vec<(String, String)> = (0..=mapping::SCORE_MAX)
            .map(|n| (n.to_string(), tr(&format!("score-{n}"))))
            .collect();
        for c in mapping::criteria(doc.and_then(|d| d.mapping.as_ref())) {
            let name = crate::i18n::criterion_name(crate::html::lang(), &c);
            out.push(
                field(
                    &format!("score-{}", c.id),
                    "field-score",
                    Input::Select(scores.clone()),
                    false,
                )
                .labelled(tra("field-score-of", &[("criterion", &name)])),
            );
            out.push(
                field(&format!("why-{}", c.id), "field-why", Input::Area, false)
                    .labelled(tra("field-why-of", &[("criterion", &name)])),
            );
        }
        out
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let a = area(doc, &self.area)?;
        let party = self
            .party()
            .ok_or_else(|| WebError::NotFound(String::new()))?;
        let takes_part = if a.participants.is_empty() {
            doc.is_some_and(|d| d.cooperation.parties.iter().any(|p| p.id == party))
        } else {
            a.participants.contains(&party)
        };
        if !takes_part {
            return Err(WebError::NotFound(String::new()));
        }
        let mut data = FormData::default();
        // Illustrative scores are not the participant's: the form starts empty rather than offer
        // them as if they were, and saving replaces them.
        if let Some(old) = a
            .assessments
            .iter()
            .find(|x| x.party == party && !x.illustrative)
        {
            data.set("on", date_value(old.on));
            for (c, s) in &old.scores {
                data.set(&format!("score-{c}"), s.to_string());
                if let Some(j) = old.justification_of(c) {
                    data.set(&format!("why-{c}"), j.to_string());
                }
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
        let party = self
            .party()
            .ok_or_else(|| WebError::NotFound(String::new()))?;
        let on = p.date(data, "on", false);
        let mut scores = std::collections::BTreeMap::new();
        let mut justifications = std::collections::BTreeMap::new();
        for c in mapping::criteria(doc.mapping.as_ref()) {
            let score_field = format!("score-{}", c.id);
            let why_field = format!("why-{}", c.id);
            let text = data.get(&score_field).trim();
            let why = data.get(&why_field).trim();
            if text.is_empty() {
                if !why.is_empty() {
                    p.labelled(&score_field, "score-missing");
                }
                continue;
            }
            match text.parse::<u8>() {
                Ok(n) if n <= mapping::SCORE_MAX => {
                    scores.insert(c.id.clone(), n);
                }
                _ => p.labelled(&score_field, "required-choice"),
            }
            if why.is_empty() {
                p.labelled(&why_field, "required-field");
            } else {
                justifications.insert(c.id.clone(), why.to_string());
            }
        }
        if scores.is_empty()
            && let Some(first) = mapping::criteria(doc.mapping.as_ref()).first()
        {
            p.add(&format!("score-{}", first.id), tr("score-none"));
        }
        p.finish()?;
        let a = area_mut(&mut doc, &self.area)?;
        a.assessments.retain(|x| x.party != party);
        a.assessments.push(Assessment {
            party,
            scores,
            justifications,
            justification: None,
            on,
            // Scores entered by staff are their municipality's own.
            illustrative: false,
        });
        doc.canonicalise();
        Ok(doc)
    }
}
