//! A year's statement worked out again from a recorded run: the agreement as it stands, with the
//! usage totals the run recorded (for keys that split by usage), and whether the run has the same
//! figures. The web's statement pages and `samvirke invoice` both stand on it.

use samvirke_core::model::{
    AllocationKey, CooperationDoc, RecordedInput, SettlementLine, SettlementRecord, UsageTotal,
};
use samvirke_core::{Date, PartyId};

use crate::statement::{Statement, UsageRow, settle_year};

/// The run to record for `statement`: the inputs it stood on, the year's usage summed per
/// sub-agreement and payer (rows and units), and every payer's line.
pub fn record(
    statement: &Statement,
    usage: &[UsageRow],
    inputs: Vec<RecordedInput>,
) -> SettlementRecord {
    // Summed in a map by (sub-agreement, payer): one step per row, in that order.
    let mut sums: std::collections::BTreeMap<(u32, String), (u64, u64)> = Default::default();
    for row in usage.iter().filter(|r| r.date.ymd().0 == statement.year) {
        let sum = sums
            .entry((row.sub_agreement, row.party.to_string()))
            .or_default();
        sum.0 += 1;
        sum.1 += row.hundredths;
    }
    let usage_totals: Vec<UsageTotal> = sums
        .into_iter()
        .map(|((sub_agreement, party), (rows, hundredths))| UsageTotal {
            sub_agreement,
            party,
            rows,
            hundredths,
        })
        .collect();
    let lines = statement
        .agreements
        .iter()
        .flat_map(|a| {
            a.payers.iter().map(move |p| SettlementLine {
                sub_agreement: a.sub_agreement,
                payer: p.payer.clone(),
                budget_minor: p.budget_minor,
                actual_minor: p.actual_minor,
                savings_minor: p.savings_minor,
                true_up_minor: p.true_up_minor,
            })
        })
        .collect();
    SettlementRecord {
        year: statement.year,
        inputs,
        usage: usage_totals,
        lines,
    }
}

/// The usage rows a run's totals stand for: per payer its rows, the units on the first.
pub fn usage_of(run: &SettlementRecord) -> Vec<UsageRow> {
    let mut out = Vec::new();
    let Ok(day) = Date::from_ymd(run.year, 1, 1) else {
        return out;
    };
    for total in &run.usage {
        let Ok(party) = PartyId::parse(&total.party) else {
            continue;
        };
        for i in 0..total.rows {
            out.push(UsageRow {
                sub_agreement: total.sub_agreement,
                party: party.clone(),
                date: day,
                hundredths: if i == 0 { total.hundredths } else { 0 },
            });
        }
    }
    out
}

/// Whether a payment agreement of the year splits by usage (and so needs an activity file or a
/// recorded run's totals).
pub fn needs_usage(doc: &CooperationDoc, year: i32) -> bool {
    doc.payment_agreements.iter().any(|p| {
        p.years.iter().any(|y| y.year == year)
            && matches!(
                p.key,
                Some(AllocationKey::Usage { .. } | AllocationKey::Hybrid { .. })
            )
    })
}

/// Whether the recorded run has the statement's figures.
pub fn matches_run(s: &Statement, run: &SettlementRecord) -> bool {
    let lines: Vec<(u32, &str, u64, Option<u64>, u64)> = s
        .agreements
        .iter()
        .flat_map(|a| {
            a.payers.iter().map(move |p| {
                (
                    a.sub_agreement,
                    p.payer.as_str(),
                    p.budget_minor,
                    p.actual_minor,
                    p.savings_minor,
                )
            })
        })
        .collect();
    lines.len() == run.lines.len()
        && run.lines.iter().all(|l| {
            lines.contains(&(
                l.sub_agreement,
                l.payer.as_str(),
                l.budget_minor,
                l.actual_minor,
                l.savings_minor,
            ))
        })
}

/// Why a year has no statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoStatement {
    /// A key splits by usage and no run has been recorded with its activity.
    NeedsRun,
    /// No payment agreement has a cost basis for the year (the settlement's own message).
    NoBasis(String),
}

/// The year's statement from the agreement as it stands, with the recorded run's usage totals.
pub fn statement_for(
    doc: &CooperationDoc,
    year: i32,
    run: Option<&SettlementRecord>,
) -> Result<Statement, NoStatement> {
    let usage = match run {
        Some(r) => usage_of(r),
        None if needs_usage(doc, year) => return Err(NoStatement::NeedsRun),
        None => Vec::new(),
    };
    settle_year(doc, year, &usage).map_err(|e| NoStatement::NoBasis(e.to_string()))
}
