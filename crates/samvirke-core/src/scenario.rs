//! Scenarios: proposed changes worked out on a copy of the registry, never on the recorded truth.
//!
//! `apply` turns a scenario's changes into the documents the cooperation would have (delegations
//! ended or split at the change's first day, sub-agreements ended or revised, payment agreements
//! split with the year's cost divided by days, a take-back recorded), so that the resolver and the
//! settlement engine can be run on them unchanged. `evaluate` adds what a council needs before it
//! votes: the earliest lawful date of each change, the decisions it needs under the voting rule
//! and the statutes, and every municipality and service whose responsible body changes.
//! The money effect is worked out by `samvirke_settle::scenario` from the same documents.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::calendar::{Shift, shift_to_working_day};
use crate::diagnostic::{Arg, Said};
use crate::due::notice_deadline;
use crate::ids::{CooperationId, MunicipalityId, PartyId, ServiceId};
use crate::model::*;
use crate::partial_date::PartialDate;
use crate::registry::Registry;
use crate::resolver::{Body, Named};
use crate::said;
use crate::statutory::{self, StatutoryDue};
use crate::time::{Date, Interval, TimeError};

/// What is wrong with a scenario, at a field of it (`change[1].services[0]`), in English and as a
/// message key for the pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field, relative to the scenario.
    pub field: String,
    /// What is wrong and how to fix it, in English.
    pub message: String,
    /// The same as a message key with arguments.
    #[serde(skip)]
    pub said: Said,
}

fn problem(field: String, said: Said, message: String) -> Problem {
    Problem {
        field,
        message,
        said,
    }
}

/// The documents a scenario touches, before and after.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The touched cooperations as the base has them (a new cooperation is not here).
    pub before: Vec<CooperationDoc>,
    /// The touched cooperations as the scenario makes them (new ones included).
    pub after: Vec<CooperationDoc>,
}

/// The earliest day a change can take effect under the agreement's term model or the statute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Earliest {
    /// The earliest lawful first day, moved to a working day.
    pub date: Date,
    /// The day notice is taken to be given (the scenario's `prepared`).
    pub notice_given: Date,
    /// The notice period in months.
    pub notice_months: u32,
    /// What the notice runs to (`end_of_year`, …, or `statute`).
    pub anchor: String,
    /// The last day notice can be given for that date.
    pub last_notice_day: Date,
    /// The first day after the notice, before the move to a working day.
    pub ends: Date,
}

/// One change as worked out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeOutcome {
    /// The change's kind.
    pub kind: &'static str,
    /// The first day asked for.
    pub from: Date,
    /// The earliest lawful day; `None` when neither the agreement nor the statute sets a notice.
    pub earliest: Option<Earliest>,
}

/// The vote a decision needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Vote {
    /// The rule.
    pub rule: VotingRule,
    /// What it counts.
    pub by: VoteBasis,
    /// Whether the agreement states the rule (otherwise: unanimity, the default of a contract).
    pub stated: bool,
    /// A qualified majority's share in whole percent.
    pub threshold_percent: Option<u32>,
    /// The voters and their weight (1 each, or residents).
    pub voters: Vec<Voter>,
    /// The weight of all voters.
    pub total: u64,
    /// The weight the yes side needs.
    pub needed: u64,
    /// Voters whose no alone defeats the proposal.
    pub blocking: Vec<PartyId>,
    /// The clause that sets the rule.
    pub clause: Option<String>,
}

/// A voter and its weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voter {
    /// The party.
    pub party: PartyId,
    /// 1, or its residents.
    pub weight: u64,
}

/// What a decision is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NeededKind {
    /// A member's council decides its own take-back, withdrawal or accession.
    OwnCouncil,
    /// The parties adopt the changed agreement.
    AdoptChange,
    /// Each member adopts the new cooperation's agreement.
    AdoptNew,
    /// A duty the statute puts on the change.
    Statutory,
}

/// A decision the scenario needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeededDecision {
    /// What it is.
    pub kind: NeededKind,
    /// The change it belongs to (its index).
    pub change: usize,
    /// The change's kind.
    pub change_kind: &'static str,
    /// The councils that decide.
    pub bodies: Vec<PartyId>,
    /// By when (the last notice day, or the change's first day).
    pub deadline: Option<Date>,
    /// The vote, where several councils decide together.
    pub vote: Option<Vote>,
    /// The statutory line's id, title in the cooperation's language, reference, source and
    /// certainty (`Statutory` only).
    pub statute: Option<StatuteCited>,
}

/// A statutory line as a decision cites it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatuteCited {
    /// Its id in the statutory data file.
    pub id: String,
    /// Its title per language.
    pub title: Names,
    /// The law and section.
    pub reference: String,
    /// The source it was checked against.
    pub source: String,
    /// Within how long, as the law says it.
    pub within: String,
    /// Whether it was checked (`false`: something in it is unsure).
    pub checked: bool,
}

/// Who answers a citizen for a service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Responsibility {
    /// Who decides and performs.
    pub responsible: Named,
    /// Where the resident goes.
    pub contact: Named,
    /// Where complaints go.
    pub complaints_to: Body,
    /// Where requests for access to documents go.
    pub documents_access_to: Body,
    /// Where data-subject access requests go.
    pub data_access_to: Body,
}

/// A municipality and service whose responsible body the scenario changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenChange {
    /// The residents' municipality.
    pub municipality: MunicipalityId,
    /// The service.
    pub service: ServiceId,
    /// From which day.
    pub from: Date,
    /// As the registry has it.
    pub before: Responsibility,
    /// As the scenario makes it.
    pub after: Responsibility,
}

/// A scenario worked out (without the money, which `samvirke_settle::scenario` adds).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// The cooperation that holds the scenario.
    pub cooperation: CooperationId,
    /// The scenario.
    pub scenario: Scenario,
    /// Each change.
    pub changes: Vec<ChangeOutcome>,
    /// The decisions it needs, in the order they are taken.
    pub decisions: Vec<NeededDecision>,
    /// Whose responsible body changes.
    pub citizens: Vec<CitizenChange>,
    /// The documents before and after (not in the JSON).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub applied: Option<Applied>,
}

fn err_text(e: TimeError) -> String {
    e.to_string()
}

/// The earliest lawful first day of a take-back or a withdrawal prepared on `prepared`: the end
/// the term model's notice reaches, or the statute's notice for the legal form, whichever is
/// later, moved to the next working day.
pub fn earliest(doc: &CooperationDoc, change: &ScenarioChange, prepared: Date) -> Option<Earliest> {
    if !matches!(
        change,
        ScenarioChange::TakeBack { .. } | ScenarioChange::Leave { .. }
    ) {
        return None;
    }
    let c = &doc.cooperation;
    let mut best: Option<Earliest> = None;
    if let Some(term) = &c.term
        && let Ok(Some(n)) = notice_deadline(term, prepared)
    {
        let date = shift_to_working_day(c.country, n.ends, Shift::Later).unwrap_or(n.ends);
        best = Some(Earliest {
            date,
            notice_given: prepared,
            notice_months: term.notice_period_months.unwrap_or(0),
            anchor: term
                .notice_anchor
                .unwrap_or(NoticeAnchor::EndOfTerm)
                .as_str()
                .to_string(),
            last_notice_day: n.last_notice_day,
            ends: n.ends,
        });
    }
    if matches!(change, ScenarioChange::Leave { .. }) {
        for st in statutory::applying_to(c.country, c.legal_form) {
            if let StatutoryDue::OnEvent {
                events,
                notice_months: Some(months),
                ..
            } = &st.due
                && events.iter().any(|e| e == "withdrawal")
                && let Ok(ends) = crate::due::add_months(prepared, *months as i32)
            {
                let date = shift_to_working_day(c.country, ends, Shift::Later).unwrap_or(ends);
                if best.as_ref().is_none_or(|b| date > b.date) {
                    best = Some(Earliest {
                        date,
                        notice_given: prepared,
                        notice_months: *months,
                        anchor: "statute".to_string(),
                        last_notice_day: prepared,
                        ends,
                    });
                }
            }
        }
    }
    best
}

/// Splits `p` at `day`: the part before (ending the day before) and the part from it. The year
/// `day` falls in is divided by days (budget and actual; the part before gets the floor, the part
/// from `day` what is left, so the two add up exactly); savings go with the part they take effect
/// in.
fn split_payment(
    p: &PaymentAgreement,
    day: Date,
) -> Result<(Option<PaymentAgreement>, Option<PaymentAgreement>), String> {
    if p.valid.from() >= day {
        return Ok((None, Some(p.clone())));
    }
    if p.valid.to().is_some_and(|t| t <= day) {
        return Ok((Some(p.clone()), None));
    }
    let (y, m, d) = day.ymd();
    let jan1 = Date::from_ymd(y, 1, 1).map_err(err_text)?;
    let next = Date::from_ymd(y + 1, 1, 1).map_err(err_text)?;
    let days_before = u64::try_from(day.days_since_epoch() - jan1.days_since_epoch()).unwrap_or(0);
    let days_year = u64::try_from(next.days_since_epoch() - jan1.days_since_epoch()).unwrap_or(365);
    let part = |total: u64| -> u64 {
        (u128::from(total) * u128::from(days_before) / u128::from(days_year)) as u64
    };
    let mut before = p.clone();
    let mut after = p.clone();
    before.valid = Interval::new(p.valid.from(), Some(day)).map_err(err_text)?;
    after.valid = Interval::new(day, p.valid.to()).map_err(err_text)?;
    before.years.clear();
    after.years.clear();
    for year in &p.years {
        if year.year < y {
            before.years.push(year.clone());
        } else if year.year > y || (m, d) == (1, 1) {
            after.years.push(year.clone());
        } else {
            let b = part(year.budget_minor);
            let a = year.actual_minor.map(part);
            before.years.push(PaymentYear {
                year: year.year,
                budget_minor: b,
                actual_minor: a,
                savings: year
                    .savings
                    .iter()
                    .filter(|s| s.effective < day)
                    .cloned()
                    .collect(),
            });
            after.years.push(PaymentYear {
                year: year.year,
                budget_minor: year.budget_minor - b,
                actual_minor: year.actual_minor.zip(a).map(|(t, b)| t - b),
                savings: year
                    .savings
                    .iter()
                    .filter(|s| s.effective >= day)
                    .cloned()
                    .collect(),
            });
        }
    }
    Ok((Some(before), Some(after)))
}

/// A key without `party`.
fn key_without(key: &AllocationKey, party: &PartyId) -> AllocationKey {
    let keep = |list: &[KeyShare]| -> Vec<KeyShare> {
        list.iter().filter(|s| &s.party != party).cloned().collect()
    };
    match key {
        AllocationKey::Fixed { shares } => AllocationKey::Fixed {
            shares: keep(shares),
        },
        AllocationKey::Population {
            reference_date,
            source,
            population,
        } => AllocationKey::Population {
            reference_date: *reference_date,
            source: source.clone(),
            population: keep(population),
        },
        AllocationKey::Usage { unit } => AllocationKey::Usage { unit: unit.clone() },
        AllocationKey::Hybrid {
            fixed_basis_points,
            shares,
            unit,
        } => AllocationKey::Hybrid {
            fixed_basis_points: *fixed_basis_points,
            shares: keep(shares),
            unit: unit.clone(),
        },
    }
}

/// Replaces the payment agreements of sub-agreement `number` in force on or after `day` by their
/// split, with `edit` applied to the part from `day` (`None` from `edit`: no part from `day`).
fn edit_payments(
    doc: &mut CooperationDoc,
    number: u32,
    day: Date,
    edit: &mut dyn FnMut(PaymentAgreement) -> Result<Option<PaymentAgreement>, Problem>,
) -> Result<(), Problem> {
    let mut out = Vec::new();
    for p in std::mem::take(&mut doc.payment_agreements) {
        let touched = p.sub_agreement == number && p.valid.to().is_none_or(|t| t > day);
        if !touched {
            out.push(p);
            continue;
        }
        let (before, after) = split_payment(&p, day).map_err(|message| {
            problem(
                String::new(),
                said!("diag-scenario-date", problem = message.as_str()),
                message.clone(),
            )
        })?;
        out.extend(before);
        if let Some(a) = after
            && let Some(a) = edit(a)?
        {
            out.push(a);
        }
    }
    doc.payment_agreements = out;
    Ok(())
}

/// Takes `member` out of delegation `index` from `day`: the delegation ends the day before, and a
/// copy for the others (if any) goes on from `day`.
fn end_for(doc: &mut CooperationDoc, index: usize, member: MunicipalityId, day: Date) {
    let d = doc.delegations[index].clone();
    let others: Vec<MunicipalityId> = d
        .for_municipalities
        .iter()
        .copied()
        .filter(|m| *m != member)
        .collect();
    if d.valid.from() >= day {
        if others.is_empty() {
            doc.delegations.remove(index);
        } else {
            doc.delegations[index].for_municipalities = others;
        }
        return;
    }
    if let Ok(ended) = Interval::new(d.valid.from(), Some(day)) {
        doc.delegations[index].valid = ended;
    }
    if !others.is_empty()
        && let Ok(rest) = Interval::new(day, d.valid.to())
    {
        doc.delegations.push(Delegation {
            for_municipalities: others,
            valid: rest,
            ..d
        });
    }
}

/// Indices of the delegations of `service` for `member` in force on `day` or starting later.
fn delegations_of(
    doc: &CooperationDoc,
    member: MunicipalityId,
    service: Option<&ServiceId>,
    day: Date,
) -> Vec<usize> {
    doc.delegations
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            service.is_none_or(|s| &d.service == s)
                && d.for_municipalities.contains(&member)
                && d.valid.to().is_none_or(|t| t > day)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether `member` still has a delegation of sub-agreement `number` in force on `day` or later.
fn still_served(doc: &CooperationDoc, number: u32, member: &PartyId, day: Date) -> bool {
    doc.delegations.iter().any(|d| {
        d.sub_agreement == Some(number)
            && d.valid.to().is_none_or(|t| t > day)
            && d.for_municipalities
                .iter()
                .any(|m| &PartyId::Municipality(*m) == member)
    })
}

/// After delegations of `numbers` changed from `day`: each sub-agreement with nothing left ends
/// (and its payment agreements with it), the others are revised; `member` stops paying under each
/// it is no longer served by. Returns (ended, revised).
fn settle_sub_agreements(
    doc: &mut CooperationDoc,
    numbers: &BTreeSet<u32>,
    member: &PartyId,
    day: Date,
    summary: &str,
) -> Result<(Vec<u32>, Vec<u32>), Problem> {
    let (mut ended, mut revised) = (Vec::new(), Vec::new());
    for &n in numbers {
        let any_left = doc
            .delegations
            .iter()
            .any(|d| d.sub_agreement == Some(n) && d.valid.to().is_none_or(|t| t > day));
        if let Some(sub) = doc.sub_agreements.iter_mut().find(|s| s.number == n) {
            if any_left {
                sub.revisions.push(Revision {
                    effective: day,
                    summary: summary.to_string(),
                });
                revised.push(n);
            } else {
                if sub.valid.to().is_none_or(|t| t > day)
                    && let Ok(v) = Interval::new(sub.valid.from(), Some(day))
                {
                    sub.valid = v;
                }
                ended.push(n);
            }
        }
        if any_left {
            if !still_served(doc, n, member, day) {
                edit_payments(doc, n, day, &mut |mut p| {
                    p.payers.retain(|x| x != member);
                    p.key = p.key.as_ref().map(|k| key_without(k, member));
                    Ok((!p.payers.is_empty()).then_some(p))
                })?;
            }
        } else {
            edit_payments(doc, n, day, &mut |_| Ok(None))?;
        }
    }
    Ok((ended, revised))
}

fn not_a_party(field: String, member: MunicipalityId, doc: &CooperationDoc) -> Problem {
    let id = PartyId::Municipality(member);
    let parties: Vec<String> = doc
        .cooperation
        .parties
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    problem(
        field,
        said!("diag-scenario-not-party", party = &id),
        format!(
            "{member} is not a party to this cooperation; choose one of {}",
            parties.join(", ")
        ),
    )
}

/// Applies the change to `doc` (the cooperation's own document) or, for a new cooperation, adds
/// one to `added`. `name` is the scenario's name, used as the summary of what it records.
fn apply_change(
    doc: &mut CooperationDoc,
    added: &mut Vec<CooperationDoc>,
    existing: &dyn Fn(&CooperationId) -> bool,
    index: usize,
    change: &ScenarioChange,
    name: &str,
) -> Result<(), Vec<Problem>> {
    let at = |field: &str| format!("change[{index}].{field}");
    let is_party = |doc: &CooperationDoc, m: MunicipalityId| {
        doc.cooperation
            .parties
            .iter()
            .any(|p| p.id == PartyId::Municipality(m) && p.left.is_none())
    };
    match change {
        ScenarioChange::TakeBack {
            member,
            services,
            from,
        } => {
            if !is_party(doc, *member) {
                return Err(vec![not_a_party(at("member"), *member, doc)]);
            }
            if let Some(t) = doc
                .take_backs
                .iter()
                .find(|t| t.by == *member && t.effective == *from)
            {
                return Err(vec![problem(
                    at("from"),
                    said!(
                        "diag-scenario-already-recorded",
                        member = &PartyId::Municipality(*member),
                        on = *from,
                        services = Arg::Services(t.services.clone())
                    ),
                    format!(
                        "a take-back by {member} on {from} is already recorded (of {}); the scenario would record it twice",
                        t.services
                            .iter()
                            .map(ServiceId::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )]);
            }
            let mut problems = Vec::new();
            let mut numbers = BTreeSet::new();
            let mut performers = Vec::new();
            for (k, s) in services.iter().enumerate() {
                let found = delegations_of(doc, *member, Some(s), *from);
                let in_force: Vec<usize> = found
                    .iter()
                    .copied()
                    .filter(|&i| doc.delegations[i].valid.contains(*from))
                    .collect();
                if in_force.is_empty() {
                    let delegated: Vec<ServiceId> = doc
                        .delegations
                        .iter()
                        .filter(|d| {
                            d.for_municipalities.contains(member) && d.valid.contains(*from)
                        })
                        .map(|d| d.service.clone())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    problems.push(problem(
                        at(&format!("services[{k}]")),
                        if delegated.is_empty() {
                            said!("diag-scenario-delegates-nothing", member = &PartyId::Municipality(*member), service = s, on = *from)
                        } else {
                            said!("diag-scenario-not-delegated", member = &PartyId::Municipality(*member), service = s, on = *from, delegated = Arg::Services(delegated.clone()))
                        },
                        format!("{member} does not delegate {s} in this cooperation on {from}, so there is nothing to take back; services it delegates that day: {}", if delegated.is_empty() { "none".to_string() } else { delegated.iter().map(ServiceId::as_str).collect::<Vec<_>>().join(", ") }),
                    ));
                    continue;
                }
                for &i in found.iter().rev() {
                    let d = &doc.delegations[i];
                    if d.performer == PartyId::Municipality(*member) {
                        continue;
                    }
                    if !performers.contains(&d.performer) {
                        performers.push(d.performer.clone());
                    }
                    numbers.extend(d.sub_agreement);
                    end_for(doc, i, *member, *from);
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            let member_party = PartyId::Municipality(*member);
            let (ended, revised) = settle_sub_agreements(doc, &numbers, &member_party, *from, name)
                .map_err(|p| vec![p])?;
            doc.take_backs.push(TakeBack {
                by: *member,
                from: performers.into_iter().next().unwrap_or(member_party),
                effective: *from,
                services: services.clone(),
                sub_agreements_ended: ended,
                sub_agreements_revised: revised,
                summary: name.to_string(),
                note: None,
            });
            Ok(())
        }
        ScenarioChange::Leave {
            member,
            from,
            successor,
        } => {
            if !is_party(doc, *member) {
                return Err(vec![not_a_party(at("member"), *member, doc)]);
            }
            let member_party = PartyId::Municipality(*member);
            if let Some(s) = successor
                && (s == &member_party || !doc.cooperation.parties.iter().any(|p| &p.id == s))
            {
                return Err(vec![problem(
                    at("successor"),
                    said!("diag-scenario-bad-successor", party = s),
                    format!(
                        "{s} cannot take over: the successor must be another party to the cooperation"
                    ),
                )]);
            }
            // What the leaving member performs for others.
            let mut numbers = BTreeSet::new();
            let performed: Vec<usize> = doc
                .delegations
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    d.performer == member_party
                        && d.valid.to().is_none_or(|t| t > *from)
                        && d.for_municipalities.iter().any(|m| m != member)
                })
                .map(|(i, _)| i)
                .collect();
            if !performed.is_empty() && successor.is_none() {
                return Err(performed
                    .iter()
                    .map(|&i| {
                        let d = &doc.delegations[i];
                        let others: Vec<PartyId> = d
                            .for_municipalities
                            .iter()
                            .filter(|m| *m != member)
                            .map(|m| PartyId::Municipality(*m))
                            .collect();
                        problem(
                            at("member"),
                            said!("diag-scenario-no-successor", member = &member_party, service = &d.service, others = Arg::Parties(others.clone()), on = *from),
                            format!("{member} performs {} for {} and nobody takes it over from {from}; name the party that performs it then (successor = \"…\"), or let the others take it back first", d.service, others.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")),
                        )
                    })
                    .collect());
            }
            for &i in performed.iter().rev() {
                let d = doc.delegations[i].clone();
                numbers.extend(d.sub_agreement);
                let Some(s) = successor.clone() else { continue };
                if d.valid.from() >= *from {
                    doc.delegations[i].performer = s;
                    continue;
                }
                if let Ok(v) = Interval::new(d.valid.from(), Some(*from)) {
                    doc.delegations[i].valid = v;
                }
                if let Ok(v) = Interval::new(*from, d.valid.to()) {
                    doc.delegations.push(Delegation {
                        performer: s,
                        valid: v,
                        ..d
                    });
                }
            }
            for i in delegations_of(doc, *member, None, *from).into_iter().rev() {
                numbers.extend(doc.delegations[i].sub_agreement);
                end_for(doc, i, *member, *from);
            }
            let (_, _) = settle_sub_agreements(doc, &numbers, &member_party, *from, name)
                .map_err(|p| vec![p])?;
            if let Some(s) = successor {
                for n in numbers.clone() {
                    edit_payments(doc, n, *from, &mut |mut p| {
                        if p.payee == member_party {
                            p.payee = s.clone();
                        }
                        Ok(Some(p))
                    })
                    .map_err(|p| vec![p])?;
                }
            }
            if let Some(p) = doc
                .cooperation
                .parties
                .iter_mut()
                .find(|p| p.id == member_party)
            {
                p.left = Some(*from);
            }
            Ok(())
        }
        ScenarioChange::Join {
            member,
            from,
            services,
            parts,
            population,
        } => {
            let member_party = PartyId::Municipality(*member);
            if doc
                .cooperation
                .parties
                .iter()
                .any(|p| p.id == member_party && p.left.is_none_or(|l| l > *from))
            {
                return Err(vec![problem(
                    at("member"),
                    said!("diag-scenario-already-party", party = &member_party),
                    format!(
                        "{member} is a party already; a join is for a municipality that is not"
                    ),
                )]);
            }
            let wanted: Vec<ServiceId> = if services.is_empty() {
                doc.delegations
                    .iter()
                    .filter(|d| d.valid.contains(*from))
                    .map(|d| d.service.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            } else {
                services.clone()
            };
            let mut problems = Vec::new();
            let mut numbers = BTreeSet::new();
            for (k, s) in wanted.iter().enumerate() {
                let in_force: Vec<usize> = doc
                    .delegations
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| &d.service == s && d.valid.contains(*from))
                    .map(|(i, _)| i)
                    .collect();
                let performers: BTreeSet<&PartyId> = in_force
                    .iter()
                    .map(|&i| &doc.delegations[i].performer)
                    .collect();
                let field = if services.is_empty() {
                    at("services")
                } else {
                    at(&format!("services[{k}]"))
                };
                match (in_force.first(), performers.len()) {
                    (None, _) => problems.push(problem(
                        field,
                        said!("diag-scenario-nothing-to-join", service = s, on = *from),
                        format!("nobody performs {s} in this cooperation on {from}, so there is nothing to join; choose a service delegated that day or start a new cooperation"),
                    )),
                    (Some(_), n) if n > 1 => problems.push(problem(
                        field,
                        said!("diag-scenario-several-performers", service = s, on = *from),
                        format!("{s} has several performers on {from}; a join can name only one, so split the scenario per performer"),
                    )),
                    (Some(&i), _) => {
                        let d = doc.delegations[i].clone();
                        numbers.extend(d.sub_agreement);
                        if d.valid.from() == *from {
                            doc.delegations[i].for_municipalities.push(*member);
                        } else {
                            if let Ok(v) = Interval::new(d.valid.from(), Some(*from)) {
                                doc.delegations[i].valid = v;
                            }
                            let mut for_m = d.for_municipalities.clone();
                            for_m.push(*member);
                            if let Ok(v) = Interval::new(*from, d.valid.to()) {
                                doc.delegations.push(Delegation {
                                    for_municipalities: for_m,
                                    valid: v,
                                    ..d
                                });
                            }
                        }
                    }
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            for n in numbers {
                edit_payments(doc, n, *from, &mut |mut p| {
                    let share = |count: Option<u64>, what: &'static str, example: &str| {
                        count
                            .map(|parts| KeyShare {
                                party: member_party.clone(),
                                parts,
                            })
                            .ok_or_else(|| {
                                let key = if what == "parts" {
                                    "diag-scenario-join-parts"
                                } else {
                                    "diag-scenario-join-population"
                                };
                                problem(
                                    at("member"),
                                    Said {
                                        key,
                                        args: vec![
                                            ("number", Arg::from(n)),
                                            ("party", Arg::Party(member_party.clone())),
                                        ],
                                    },
                                    format!("the payment agreement of sub-agreement {n} splits its cost by {what}; give {member}'s {what}, e.g. {what} = {example}"),
                                )
                            })
                    };
                    p.key = match p.key.take() {
                        Some(AllocationKey::Fixed { mut shares }) => {
                            shares.push(share(*parts, "parts", "1")?);
                            Some(AllocationKey::Fixed { shares })
                        }
                        Some(AllocationKey::Hybrid {
                            fixed_basis_points,
                            mut shares,
                            unit,
                        }) => {
                            shares.push(share(*parts, "parts", "1")?);
                            Some(AllocationKey::Hybrid {
                                fixed_basis_points,
                                shares,
                                unit,
                            })
                        }
                        Some(AllocationKey::Population {
                            reference_date,
                            source,
                            population: mut people,
                        }) => {
                            people.push(share(*population, "population", "14000")?);
                            Some(AllocationKey::Population {
                                reference_date,
                                source,
                                population: people,
                            })
                        }
                        other => other,
                    };
                    if !p.payers.contains(&member_party) {
                        p.payers.push(member_party.clone());
                    }
                    Ok(Some(p))
                })
                .map_err(|p| vec![p])?;
            }
            doc.cooperation.parties.retain(|p| p.id != member_party);
            doc.cooperation.parties.push(Party {
                id: member_party,
                roles: vec![PartyRole::Delegating],
                joined: Some(*from),
                left: None,
                org_number: None,
                invoicing: None,
                note: None,
            });
            Ok(())
        }
        ScenarioChange::NewCooperation {
            area,
            id,
            name: new_name,
            legal_form,
            performer,
            members,
            from,
            currency,
            key,
            years,
        } => {
            let Some(candidate) = doc.candidate_areas.iter().find(|a| &a.id == area) else {
                let known: Vec<String> = doc.candidate_areas.iter().map(|a| a.id.clone()).collect();
                return Err(vec![problem(
                    at("area"),
                    said!("diag-scenario-no-area", area = area.as_str()),
                    format!(
                        "\"{area}\" is not a candidate area of this cooperation; choose one of {}",
                        if known.is_empty() {
                            "(none recorded)".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                )]);
            };
            if existing(id) || added.iter().any(|d| &d.cooperation.id == id) {
                return Err(vec![problem(
                    at("id"),
                    said!(
                        "diag-scenario-id-taken",
                        cooperation = Arg::Cooperation(id.clone())
                    ),
                    format!("a cooperation \"{id}\" exists already; choose another id"),
                )]);
            }
            // No members named: the area's participants, else every party of the cooperation.
            let members: Vec<MunicipalityId> = if !members.is_empty() {
                members.clone()
            } else {
                let from: Vec<&PartyId> = if candidate.participants.is_empty() {
                    doc.cooperation.parties.iter().map(|p| &p.id).collect()
                } else {
                    candidate.participants.iter().collect()
                };
                from.into_iter()
                    .filter_map(|p| match p {
                        PartyId::Municipality(m) => Some(*m),
                        PartyId::Organisation(_) => None,
                    })
                    .collect()
            };
            if !members.contains(performer) {
                return Err(vec![problem(
                    at("performer"),
                    said!(
                        "diag-scenario-performer-not-member",
                        party = &PartyId::Municipality(*performer)
                    ),
                    format!(
                        "{performer} performs the service but is not among the members ({}); add it to members",
                        members
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )]);
            }
            let service_id = ServiceId::parse(area).map_err(|e| {
                vec![problem(
                    at("area"),
                    said!("diag-scenario-no-area", area = area.as_str()),
                    e.to_string(),
                )]
            })?;
            let mut names = Names::default();
            names.set(doc.cooperation.language, candidate.area.clone());
            let valid = Interval::starting(*from);
            let cooperation = Cooperation {
                id: id.clone(),
                name: new_name.clone(),
                country: doc.cooperation.country,
                legal_form: *legal_form,
                status: CooperationStatus::Agreed,
                language: doc.cooperation.language,
                purpose: Some(candidate.area.clone()),
                valid: Some(valid),
                parties: members
                    .iter()
                    .map(|m| Party {
                        id: PartyId::Municipality(*m),
                        roles: vec![if m == performer {
                            PartyRole::Performer
                        } else {
                            PartyRole::Delegating
                        }],
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
                // As open about its money as the cooperation it was mapped in.
                settlements: doc.cooperation.settlements,
                note: None,
            };
            let mut new = CooperationDoc::new(cooperation);
            new.services.push(Service {
                id: service_id.clone(),
                names,
                legal_basis: Vec::new(),
                public_code: None,
                note: None,
            });
            new.sub_agreements.push(SubAgreement {
                number: 1,
                title: candidate.area.clone(),
                services: vec![service_id.clone()],
                valid,
                revisions: Vec::new(),
                placeholder: false,
                note: None,
            });
            new.delegations.push(Delegation {
                service: service_id,
                performer: PartyId::Municipality(*performer),
                for_municipalities: members.iter().copied().filter(|m| m != performer).collect(),
                valid,
                sub_agreement: Some(1),
                clause: None,
                contact: None,
                complaints_to: None,
                documents_access_to: None,
                data_access_to: None,
                note: None,
            });
            if let (Some(key), Some(currency)) = (key, currency) {
                let payers: Vec<PartyId> = match key {
                    AllocationKey::Fixed { shares } | AllocationKey::Hybrid { shares, .. } => {
                        shares.iter().map(|s| s.party.clone()).collect()
                    }
                    AllocationKey::Population { population, .. } => {
                        population.iter().map(|s| s.party.clone()).collect()
                    }
                    AllocationKey::Usage { .. } => {
                        members.iter().map(|m| PartyId::Municipality(*m)).collect()
                    }
                };
                new.payment_agreements.push(PaymentAgreement {
                    sub_agreement: 1,
                    valid,
                    payers,
                    payee: PartyId::Municipality(*performer),
                    currency: currency.clone(),
                    principle: name.to_string(),
                    key: Some(key.clone()),
                    aconto: None,
                    aconto_due_day: None,
                    years: years.clone(),
                    floors: Vec::new(),
                    caps: Vec::new(),
                    vat: None,
                    payment_days: None,
                    dispute_days: None,
                    note: None,
                });
            }
            new.canonicalise();
            added.push(new);
            Ok(())
        }
    }
}

/// Applies `scenario` of cooperation `coop` to the documents of `base` (the registry it starts
/// from). Every problem at once; nothing is applied unless all changes apply.
pub fn apply(
    base: &[CooperationDoc],
    coop: &CooperationId,
    scenario: &Scenario,
) -> Result<Applied, Vec<Problem>> {
    let Some(original) = base.iter().find(|d| &d.cooperation.id == coop) else {
        let on = scenario
            .known_on
            .map_or_else(String::new, |d| d.to_string());
        return Err(vec![problem(
            "known_on".to_string(),
            said!(
                "diag-scenario-base-empty",
                cooperation = Arg::Cooperation(coop.clone()),
                on = on.as_str()
            ),
            format!(
                "the registry the scenario starts from (as known at the end of {on}) does not hold the cooperation \"{coop}\"; choose a later known_on, or none to start from the registry as known now"
            ),
        )]);
    };
    let mut doc = original.clone();
    let mut added = Vec::new();
    let existing = |id: &CooperationId| base.iter().any(|d| &d.cooperation.id == id);
    let mut problems = Vec::new();
    for (index, change) in scenario.changes.iter().enumerate() {
        if let Err(mut p) = apply_change(
            &mut doc,
            &mut added,
            &existing,
            index,
            change,
            &scenario.name,
        ) {
            problems.append(&mut p);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    doc.canonicalise();
    let mut after = vec![doc];
    after.extend(added);
    Ok(Applied {
        before: vec![original.clone()],
        after,
    })
}

fn vote_for(doc: &CooperationDoc, voters: Vec<PartyId>) -> Vote {
    let stated = doc.voting.is_some();
    let voting = doc.voting.clone().unwrap_or(Voting {
        rule: VotingRule::Unanimity,
        by: VoteBasis::Members,
        threshold_percent: None,
        population: Vec::new(),
        population_date: None,
        population_source: None,
        clause: None,
    });
    let weighted: Vec<Voter> = voters
        .into_iter()
        .map(|party| {
            let weight = match voting.by {
                VoteBasis::Members => 1,
                VoteBasis::Population => voting
                    .population
                    .iter()
                    .find(|s| s.party == party)
                    .map_or(0, |s| s.parts),
            };
            Voter { party, weight }
        })
        .collect();
    let total: u64 = weighted.iter().map(|v| v.weight).sum();
    let needed = match voting.rule {
        VotingRule::Unanimity => total,
        VotingRule::SimpleMajority => total / 2 + 1,
        VotingRule::QualifiedMajority => {
            let t = u64::from(voting.threshold_percent.unwrap_or(67));
            (u128::from(total) * u128::from(t)).div_ceil(100) as u64
        }
    };
    let blocking = weighted
        .iter()
        .filter(|v| v.weight > 0 && total - v.weight < needed)
        .map(|v| v.party.clone())
        .collect();
    Vote {
        rule: voting.rule,
        by: voting.by,
        stated,
        threshold_percent: voting.threshold_percent,
        voters: weighted,
        total,
        needed,
        blocking,
        clause: voting.clause,
    }
}

fn cite(st: &statutory::StatutoryObligation) -> Option<StatuteCited> {
    let StatutoryDue::OnEvent { within, .. } = &st.due else {
        return None;
    };
    Some(StatuteCited {
        id: st.id.clone(),
        title: st.title.clone(),
        reference: st.reference.clone(),
        source: st.source.clone(),
        within: within.clone(),
        checked: st.certainty == statutory::Certainty::Checked,
    })
}

fn statutes_on(doc: &CooperationDoc, event: &str) -> Vec<StatuteCited> {
    statutory::applying_to(doc.cooperation.country, doc.cooperation.legal_form)
        .into_iter()
        .filter(|st| matches!(&st.due, StatutoryDue::OnEvent { events, .. } if events.iter().any(|e| e == event)))
        .filter_map(cite)
        .collect()
}

fn parties_on(doc: &CooperationDoc, day: Date) -> Vec<PartyId> {
    doc.cooperation
        .parties
        .iter()
        .filter(|p| p.joined.is_none_or(|j| j <= day) && p.left.is_none_or(|l| l > day))
        .map(|p| p.id.clone())
        .collect()
}

/// The decisions each change needs, with their deadlines and votes.
fn decisions(
    doc: &CooperationDoc,
    applied: &Applied,
    changes: &[ChangeOutcome],
    scenario: &Scenario,
) -> Vec<NeededDecision> {
    let mut out = Vec::new();
    for (index, (change, outcome)) in scenario.changes.iter().zip(changes).enumerate() {
        let kind = change.kind();
        let deadline = Some(outcome.earliest.as_ref().map_or(change.from().pred(), |e| {
            e.last_notice_day.min(change.from().pred())
        }));
        let base = |kind_: NeededKind,
                    bodies: Vec<PartyId>,
                    vote: Option<Vote>,
                    statute: Option<StatuteCited>| NeededDecision {
            kind: kind_,
            change: index,
            change_kind: kind,
            bodies,
            deadline,
            vote,
            statute,
        };
        match change {
            ScenarioChange::TakeBack { member, from, .. }
            | ScenarioChange::Leave { member, from, .. } => {
                let m = PartyId::Municipality(*member);
                out.push(base(NeededKind::OwnCouncil, vec![m.clone()], None, None));
                let mut voters = parties_on(doc, from.pred());
                if matches!(change, ScenarioChange::Leave { .. }) {
                    voters.retain(|p| p != &m);
                }
                out.push(base(
                    NeededKind::AdoptChange,
                    voters.clone(),
                    Some(vote_for(doc, voters)),
                    None,
                ));
                if matches!(change, ScenarioChange::Leave { .. }) {
                    for st in statutes_on(doc, "withdrawal") {
                        out.push(NeededDecision {
                            deadline: Some(*from),
                            ..base(NeededKind::Statutory, vec![m.clone()], None, Some(st))
                        });
                    }
                }
            }
            ScenarioChange::Join { member, from, .. } => {
                let m = PartyId::Municipality(*member);
                out.push(base(NeededKind::OwnCouncil, vec![m], None, None));
                let voters = parties_on(doc, from.pred());
                out.push(base(
                    NeededKind::AdoptChange,
                    voters.clone(),
                    Some(vote_for(doc, voters)),
                    None,
                ));
            }
            ScenarioChange::NewCooperation { id, from, .. } => {
                if let Some(new) = applied.after.iter().find(|d| &d.cooperation.id == id) {
                    let members: Vec<PartyId> = new
                        .cooperation
                        .parties
                        .iter()
                        .map(|p| p.id.clone())
                        .collect();
                    out.push(base(NeededKind::AdoptNew, members.clone(), None, None));
                    for st in statutes_on(new, "creation") {
                        out.push(NeededDecision {
                            deadline: Some(*from),
                            ..base(NeededKind::Statutory, members.clone(), None, Some(st))
                        });
                    }
                }
            }
        }
    }
    out
}

fn responsibility(a: &crate::resolver::Answer) -> Responsibility {
    Responsibility {
        responsible: a.responsible.clone(),
        contact: Named {
            id: a.contact.id.clone(),
            name: a.contact.name.clone(),
        },
        complaints_to: a.complaints_to.clone(),
        documents_access_to: a.documents_access_to.clone(),
        data_access_to: a.data_access_to.clone(),
    }
}

/// Every (municipality, service, day) the scenario could change: the delegations of the touched
/// documents, on the first day of each change.
fn pairs(applied: &Applied, scenario: &Scenario) -> BTreeSet<(MunicipalityId, ServiceId, Date)> {
    let days: BTreeSet<Date> = scenario.changes.iter().map(ScenarioChange::from).collect();
    let mut out = BTreeSet::new();
    for doc in applied.before.iter().chain(&applied.after) {
        for d in &doc.delegations {
            for day in &days {
                if d.valid.contains(*day) || d.valid.to() == Some(*day) {
                    for m in &d.for_municipalities {
                        out.insert((*m, d.service.clone(), *day));
                    }
                }
            }
        }
    }
    out
}

fn change_outcomes(doc: &CooperationDoc, scenario: &Scenario) -> Vec<ChangeOutcome> {
    scenario
        .changes
        .iter()
        .map(|c| ChangeOutcome {
            kind: c.kind(),
            from: c.from(),
            earliest: earliest(doc, c, scenario.prepared),
        })
        .collect()
}

/// A problem for each change asked for before its earliest lawful date.
fn too_early(changes: &[ChangeOutcome]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (index, c) in changes.iter().enumerate() {
        if let Some(e) = &c.earliest
            && c.from < e.date
        {
            problems.push(problem(
                format!("change[{index}].from"),
                said!("diag-scenario-too-early", from = c.from, earliest = e.date, notice = e.notice_given, months = e.notice_months),
                format!("{} is before the earliest lawful date {} (notice of {} months given on {}, to the {}); choose {} or later, or prepare the scenario earlier", c.from, e.date, e.notice_months, e.notice_given, e.anchor.replace('_', " "), e.date),
            ));
        }
    }
    problems
}

/// The checks an agreement file gets for a scenario that starts from the registry as known now
/// and is not adopted: its changes must apply to the file's own cooperation, on lawful dates.
pub fn check(doc: &CooperationDoc, scenario: &Scenario) -> Vec<Problem> {
    match apply(std::slice::from_ref(doc), &doc.cooperation.id, scenario) {
        Err(problems) => problems,
        Ok(_) => too_early(&change_outcomes(doc, scenario)),
    }
}

/// Works out `scenario` of `coop` on `base` (the registry as known at the scenario's `known_on`).
pub fn evaluate(
    base: &Registry,
    coop: &CooperationId,
    scenario: &Scenario,
) -> Result<Outcome, Vec<Problem>> {
    let applied = apply(base.cooperations(), coop, scenario)?;
    let doc = &applied.before[0];
    let mut problems = Vec::new();
    let changes = change_outcomes(doc, scenario);
    problems.extend(too_early(&changes));
    let mut docs: Vec<CooperationDoc> = base
        .cooperations()
        .iter()
        .filter(|d| {
            !applied
                .after
                .iter()
                .any(|a| a.cooperation.id == d.cooperation.id)
        })
        .cloned()
        .collect();
    docs.extend(applied.after.iter().cloned());
    let after = Registry::from_documents(docs);
    let mut citizens = Vec::new();
    for (m, s, day) in pairs(&applied, scenario) {
        let before = base.who(m, s.as_str(), day, None);
        let now = after.who(m, s.as_str(), day, None);
        match (before, now) {
            (Ok(b), Ok(a)) => {
                let (b, a) = (responsibility(&b), responsibility(&a));
                if b != a {
                    citizens.push(CitizenChange {
                        municipality: m,
                        service: s,
                        from: day,
                        before: b,
                        after: a,
                    });
                }
            }
            (_, Err(e)) => problems.push(problem(
                "change".to_string(),
                said!(
                    "diag-scenario-resolve",
                    municipality = &PartyId::Municipality(m),
                    service = &s,
                    on = day
                ),
                format!(
                    "after the scenario, who performs {s} for {m} on {day} cannot be answered: {e}"
                ),
            )),
            (Err(_), Ok(_)) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let decisions = decisions(doc, &applied, &changes, scenario);
    Ok(Outcome {
        cooperation: coop.clone(),
        scenario: scenario.clone(),
        changes,
        decisions,
        citizens,
        applied: Some(applied),
    })
}

/// The council decision that adopts `scenario`, decided on `on` by `body` (all councils together
/// when `None`), recorded under `id` unless the cooperation has a decision with that id already.
pub fn adopting_decision(
    scenario: &Scenario,
    id: String,
    on: Date,
    body: Option<PartyId>,
) -> Decision {
    Decision {
        id,
        kind: DecisionKind::CouncilAdoption,
        date: Some(PartialDate::Day(on)),
        body,
        subject: scenario.name.clone(),
        referendum: None,
        note: None,
    }
}

/// The documents [`adoption`] makes, each written as an agreement file and read back and checked
/// as `samvirke import` would, and across cooperations against the rest of `registry`: the
/// checked documents, or every problem (then nothing may be recorded).
pub fn adoption_checked(
    outcome: &Outcome,
    decision: Decision,
    registry: &Registry,
) -> Result<Vec<CooperationDoc>, Vec<crate::Diagnostic>> {
    let docs = adoption(outcome, decision);
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for doc in &docs {
        let name = format!(
            "{} (adopting scenario {})",
            doc.cooperation.id, outcome.scenario.id
        );
        match crate::format::parse_file(&name, &crate::format::write_toml(doc)) {
            Ok(p) => parsed.push(p),
            Err(mut e) => problems.append(&mut e),
        }
    }
    let others: Vec<&CooperationDoc> = registry
        .cooperations()
        .iter()
        .filter(|d| !docs.iter().any(|x| x.cooperation.id == d.cooperation.id))
        .collect();
    problems.extend(crate::format::check_set(&parsed, &others));
    if problems.is_empty() {
        Ok(parsed.into_iter().map(|p| p.doc).collect())
    } else {
        Err(problems)
    }
}

/// The documents adopting a worked-out scenario records: the changed cooperations, with the
/// scenario marked adopted by `decision` (added to the holding cooperation unless it is there
/// already), and each candidate area a new cooperation comes from moved to `decided`.
pub fn adoption(outcome: &Outcome, decision: Decision) -> Vec<CooperationDoc> {
    let Some(applied) = &outcome.applied else {
        return Vec::new();
    };
    let mut docs = applied.after.clone();
    if let Some(doc) = docs
        .iter_mut()
        .find(|d| d.cooperation.id == outcome.cooperation)
    {
        if let Some(s) = doc
            .scenarios
            .iter_mut()
            .find(|s| s.id == outcome.scenario.id)
        {
            s.adopted = Some(ScenarioAdoption {
                on: decision
                    .date
                    .and_then(PartialDate::day)
                    .unwrap_or(outcome.scenario.prepared),
                decision: decision.id.clone(),
            });
        }
        for change in &outcome.scenario.changes {
            if let ScenarioChange::NewCooperation { area, .. } = change
                && let Some(a) = doc.candidate_areas.iter_mut().find(|a| &a.id == area)
                && a.status.may_move_to(CandidateStatus::Decided)
            {
                a.status = CandidateStatus::Decided;
                a.transitions.push(Transition {
                    to: CandidateStatus::Decided,
                    on: decision
                        .date
                        .and_then(PartialDate::day)
                        .unwrap_or(outcome.scenario.prepared),
                    reason: outcome.scenario.name.clone(),
                });
            }
        }
        if !doc.decisions.iter().any(|d| d.id == decision.id) {
            doc.decisions.push(decision);
        }
        doc.canonicalise();
    }
    docs
}
