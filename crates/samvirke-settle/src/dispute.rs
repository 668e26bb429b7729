//! Disputes of a settled year: what the disputed run has a member pay, when the payee must answer,
//! and the settlement again after an accepted dispute's correction (a payment agreement's budget,
//! actual cost or the member's key figure), with what changes for the member.

use samvirke_core::calendar::{Shift, shift_to_working_day};
use samvirke_core::model::{
    AllocationKey, CooperationDoc, PaymentAgreement, RecordedInput, SettlementLine,
    SettlementRecord,
};
use samvirke_core::time::TimeError;
use samvirke_core::{Country, Date};

use crate::recorded::{NoStatement, record, statement_for, usage_of};

/// What a line has a payer pay for the year: its share of the actual cost (of the budget while
/// there is none) less its savings credit, in minor units.
pub fn line_amount(line: &SettlementLine) -> i64 {
    line.actual_minor.unwrap_or(line.budget_minor) as i64 - line.savings_minor as i64
}

/// What `run` has `payer` pay for the line of `sub_agreement` (all its lines when `None`);
/// `None` when the payer has no such line.
pub fn amount_in_run(
    run: &SettlementRecord,
    payer: &str,
    sub_agreement: Option<u32>,
) -> Option<i64> {
    let lines: Vec<&SettlementLine> = run
        .lines
        .iter()
        .filter(|l| l.payer == payer && sub_agreement.is_none_or(|s| s == l.sub_agreement))
        .collect();
    (!lines.is_empty()).then(|| lines.iter().map(|l| line_amount(l)).sum())
}

/// The last day for the payee to answer a dispute opened on `opened`: `days` later, moved to the
/// next working day of `country` when it falls on a weekend or holiday.
pub fn respond_by(country: Country, opened: Date, days: u32) -> Result<Date, TimeError> {
    let day = Date::from_days_since_epoch(opened.days_since_epoch() + days as i32);
    shift_to_working_day(country, day, Shift::Later)
}

/// A correction of one payment agreement's figures for the year, as the payee gives it when it
/// accepts a dispute: each `None` leaves the figure as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Correction {
    /// The payment agreement's sub-agreement.
    pub sub_agreement: u32,
    /// The year's budget.
    pub budget_minor: Option<u64>,
    /// The year's actual cost.
    pub actual_minor: Option<u64>,
    /// The disputing member's figure in the key (its population or parts).
    pub parts: Option<u64>,
}

/// The payment agreement in force for `sub_agreement` in `year`.
pub fn agreement_for(
    doc: &CooperationDoc,
    sub_agreement: u32,
    year: i32,
) -> Option<&PaymentAgreement> {
    doc.payment_agreements
        .iter()
        .filter(|p| p.sub_agreement == sub_agreement && p.years.iter().any(|y| y.year == year))
        .max_by_key(|p| p.valid.from())
}

/// The member's figure in the key of `agreement` (population or parts); `None` for a key by usage.
pub fn key_parts(agreement: &PaymentAgreement, payer: &str) -> Option<u64> {
    let shares = match agreement.key.as_ref()? {
        AllocationKey::Fixed { shares } | AllocationKey::Hybrid { shares, .. } => shares,
        AllocationKey::Population { population, .. } => population,
        AllocationKey::Usage { .. } => return None,
    };
    shares
        .iter()
        .find(|s| s.party.to_string() == payer)
        .map(|s| s.parts)
}

/// The agreements `corrections` change for `payer` in `year`, as they become; those whose figures
/// stay the same are left out.
pub fn corrected(
    doc: &CooperationDoc,
    year: i32,
    payer: &str,
    corrections: &[Correction],
) -> Vec<PaymentAgreement> {
    let mut out = Vec::new();
    for c in corrections {
        let Some(original) = agreement_for(doc, c.sub_agreement, year) else {
            continue;
        };
        let mut p = original.clone();
        if let Some(y) = p.years.iter_mut().find(|y| y.year == year) {
            if let Some(b) = c.budget_minor {
                y.budget_minor = b;
            }
            if let Some(a) = c.actual_minor {
                y.actual_minor = Some(a);
            }
        }
        if let Some(parts) = c.parts {
            let shares = match p.key.as_mut() {
                Some(
                    AllocationKey::Fixed { shares }
                    | AllocationKey::Hybrid { shares, .. }
                    | AllocationKey::Population {
                        population: shares, ..
                    },
                ) => Some(shares),
                _ => None,
            };
            if let Some(s) =
                shares.and_then(|shares| shares.iter_mut().find(|s| s.party.to_string() == payer))
            {
                s.parts = parts;
            }
        }
        if &p != original {
            out.push(p);
        }
    }
    out
}

/// The settlement after an accepted dispute: the run to record and what it has the member pay.
#[derive(Clone, Debug)]
pub struct Rerun {
    /// The run to record.
    pub run: SettlementRecord,
    /// What it has the member pay for the disputed line or year.
    pub amount_minor: i64,
}

/// Settles `year` again with the agreements `changed` put in place of theirs in `doc` and the
/// usage `disputed` recorded; `inputs` are the facts it stands on.
pub fn rerun(
    doc: &CooperationDoc,
    changed: &[PaymentAgreement],
    disputed: &SettlementRecord,
    payer: &str,
    sub_agreement: Option<u32>,
    inputs: Vec<RecordedInput>,
) -> Result<Rerun, NoStatement> {
    let mut doc = doc.clone();
    for c in changed {
        if let Some(slot) = doc
            .payment_agreements
            .iter_mut()
            .find(|p| p.sub_agreement == c.sub_agreement && p.valid.from() == c.valid.from())
        {
            *slot = c.clone();
        }
    }
    let statement = statement_for(&doc, disputed.year, Some(disputed))?;
    let run = record(&statement, &usage_of(disputed), inputs);
    let amount_minor = amount_in_run(&run, payer, sub_agreement).unwrap_or(0);
    Ok(Rerun { run, amount_minor })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_is_due_on_a_working_day() {
        let d = |t: &str| Date::parse(t).unwrap();
        // 30 days after 2026-11-06 is Sunday 6 December: Monday 7 December.
        assert_eq!(
            respond_by(Country::Dk, d("2026-11-06"), 30).unwrap(),
            d("2026-12-07")
        );
        // 30 days after 2026-11-25 is Christmas Day: the 28th (26th is a holiday, 27th Sunday).
        assert_eq!(
            respond_by(Country::Dk, d("2026-11-25"), 30).unwrap(),
            d("2026-12-28")
        );
        assert_eq!(
            respond_by(Country::Se, d("2026-03-02"), 14).unwrap(),
            d("2026-03-16")
        );
    }

    #[test]
    fn a_line_is_what_the_payer_pays_for_the_year() {
        let line = SettlementLine {
            sub_agreement: 1,
            payer: "DK-0155".into(),
            budget_minor: 10_000,
            actual_minor: Some(12_000),
            savings_minor: 5_00,
            true_up_minor: Some(15_00),
        };
        assert_eq!(line_amount(&line), 11_500);
        let open = SettlementLine {
            actual_minor: None,
            true_up_minor: None,
            ..line.clone()
        };
        assert_eq!(line_amount(&open), 95_00);
        let run = SettlementRecord {
            year: 2025,
            inputs: Vec::new(),
            usage: Vec::new(),
            lines: vec![
                line.clone(),
                SettlementLine {
                    sub_agreement: 2,
                    ..open.clone()
                },
            ],
        };
        assert_eq!(amount_in_run(&run, "DK-0155", None), Some(21_000));
        assert_eq!(amount_in_run(&run, "DK-0155", Some(2)), Some(95_00));
        assert_eq!(amount_in_run(&run, "DK-0185", None), None);
    }
}
