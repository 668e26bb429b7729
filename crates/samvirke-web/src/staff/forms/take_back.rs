//! `take-back`: a municipality takes services back from their performer on a date. The form
//! offers the delegating municipalities first and only the services delegated on or after today;
//! the delegations end the day before (and go on for the other municipalities they cover), the
//! sub-agreements ticked end or are revised.

use samvirke_core::model::{CooperationDoc, Delegation, Revision, TakeBack};
use samvirke_core::{CooperationId, Interval, MunicipalityId, PartyId, Registry};

use super::{Problems, StaffForm, party_options, sub_options};
use crate::html::components::{municipality_name, service_text};
use crate::html::forms::{Field, FormData, Input, field};
use crate::html::{day, tr, tra};
use crate::{WebError, today};

/// The take-back form.
pub(crate) struct TakeBackForm;

/// The municipalities that delegate a service in force now or later, first, then the others.
fn by_options(doc: Option<&CooperationDoc>) -> Vec<(String, String)> {
    let Some(d) = doc else {
        return Vec::new();
    };
    let now = today();
    let delegating = |m: MunicipalityId| {
        d.delegations.iter().any(|x| {
            x.for_municipalities.contains(&m)
                && x.performer != PartyId::Municipality(m)
                && x.valid.to().is_none_or(|to| to > now)
        })
    };
    let mut members: Vec<MunicipalityId> = d
        .cooperation
        .parties
        .iter()
        .filter_map(|p| p.id.municipality())
        .collect();
    members.sort_by_key(|m| (!delegating(*m), municipality_name(*m)));
    members
        .into_iter()
        .map(|m| (m.to_string(), municipality_name(m)))
        .collect()
}

/// The services delegated to someone on or after today (only those can be taken back).
fn delegated_services(doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<(String, String)> {
    let Some(d) = doc else {
        return Vec::new();
    };
    let now = today();
    let mut out: Vec<(String, String)> = Vec::new();
    for x in d
        .delegations
        .iter()
        .filter(|x| x.valid.to().is_none_or(|to| to > now))
    {
        let id = x.service.to_string();
        if !out.iter().any(|(s, _)| *s == id) {
            out.push((id, service_text(registry, &x.service)));
        }
    }
    out
}

impl StaffForm for TakeBackForm {
    fn slug(&self) -> String {
        "take-back".to_string()
    }

    fn title(&self) -> String {
        tr("form-take-back")
    }

    fn fields(&self, doc: Option<&CooperationDoc>, registry: &Registry) -> Vec<Field> {
        vec![
            field("by", "field-by", Input::Select(by_options(doc)), true),
            field(
                "from_party",
                "field-from-party",
                Input::Select(party_options(doc)),
                true,
            ),
            field("effective", "field-effective", Input::Date, true).hint(tr("hint-effective")),
            field(
                "services",
                "col-services",
                Input::Checks(delegated_services(doc, registry)),
                true,
            ),
            field(
                "ended",
                "field-subs-ended",
                Input::Checks(sub_options(doc)),
                false,
            ),
            field(
                "revised",
                "field-subs-revised",
                Input::Checks(sub_options(doc)),
                false,
            ),
            field("summary", "field-summary", Input::Area, true),
        ]
    }

    fn initial(&self, doc: Option<&CooperationDoc>) -> Result<FormData, WebError> {
        let mut data = FormData::default();
        if let Some((first, _)) = by_options(doc).first() {
            data.set("by", first.clone());
        }
        // The performer most of the cooperation's delegations name.
        if let Some(d) = doc {
            let mut counts: Vec<(PartyId, usize)> = Vec::new();
            for x in &d.delegations {
                match counts.iter_mut().find(|(p, _)| *p == x.performer) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((x.performer.clone(), 1)),
                }
            }
            if let Some((p, _)) = counts.iter().max_by_key(|(_, n)| *n) {
                data.set("from_party", p.to_string());
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
        let by = p.party(data, "by", true).and_then(|b| b.municipality());
        let from = p.party(data, "from_party", true);
        let effective = p.date(data, "effective", true);
        let services = p.services(data, "services");
        let summary = p.required(data, "summary").to_string();
        let numbers = |field: &str| {
            data.all(field)
                .iter()
                .filter_map(|v| v.parse::<u32>().ok())
                .collect::<Vec<u32>>()
        };
        let ended = numbers("ended");
        let revised = numbers("revised");
        p.finish()?;
        let (Some(by), Some(from), Some(effective)) = (by, from, effective) else {
            return Err(WebError::Internal("form fields checked above".to_string()));
        };
        for service in &services {
            let found = doc.delegations.iter().position(|d| {
                &d.service == service
                    && d.performer == from
                    && d.for_municipalities.contains(&by)
                    && d.valid.contains(effective)
                    && d.valid.from() < effective
            });
            let Some(delegation) = found.and_then(|i| doc.delegations.get_mut(i)) else {
                p.add(
                    "services",
                    tra(
                        "take-back-no-delegation",
                        &[
                            ("service", &service_text_of(&doc, service)),
                            ("from", &doc.party_name(&from)),
                            ("by", &municipality_name(by)),
                            ("date", &day(effective)),
                        ],
                    ),
                );
                continue;
            };
            let old = delegation.clone();
            delegation.valid = Interval::new(old.valid.from(), Some(effective))
                .map_err(|e| WebError::Internal(e.to_string()))?;
            let rest: Vec<MunicipalityId> = old
                .for_municipalities
                .iter()
                .copied()
                .filter(|m| *m != by)
                .collect();
            if !rest.is_empty() {
                // The others keep the delegation: it goes on for them from the same day.
                let continued = Delegation {
                    for_municipalities: rest,
                    valid: Interval::new(effective, old.valid.to())
                        .map_err(|e| WebError::Internal(e.to_string()))?,
                    ..old
                };
                doc.delegations.push(continued);
            }
        }
        for number in &ended {
            if let Some(s) = doc.sub_agreements.iter_mut().find(|s| s.number == *number) {
                match Interval::new(s.valid.from(), Some(effective)) {
                    Ok(v) => s.valid = v,
                    Err(_) => p.add(
                        "ended",
                        tra(
                            "take-back-sub-starts-later",
                            &[
                                ("number", &number.to_string()),
                                ("date", &day(s.valid.from())),
                            ],
                        ),
                    ),
                }
            }
        }
        for number in &revised {
            if let Some(s) = doc.sub_agreements.iter_mut().find(|s| s.number == *number) {
                s.revisions.push(Revision {
                    effective,
                    summary: summary.clone(),
                });
            }
        }
        p.finish()?;
        doc.take_backs.push(TakeBack {
            by,
            from,
            effective,
            services,
            sub_agreements_ended: ended,
            sub_agreements_revised: revised,
            summary,
            note: None,
        });
        doc.canonicalise();
        Ok(doc)
    }
}

/// A service's name in the page's language from the document (its id when the document lacks it).
fn service_text_of(doc: &CooperationDoc, service: &samvirke_core::ServiceId) -> String {
    doc.services.iter().find(|s| &s.id == service).map_or_else(
        || service.to_string(),
        |s| s.names.get(crate::html::lang().language()).to_string(),
    )
}
