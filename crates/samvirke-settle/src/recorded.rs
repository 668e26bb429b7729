//! A year's statement worked out again from a recorded run: the agreement as it stands, with the
//! usage totals the run recorded (for keys that split by usage), and whether the run has the same
//! figures. The web's statement pages and `samvirke invoice` both stand on it.

use samvirke_core::model::{
    AllocationKey, CooperationDoc, MonthUsage, RecordedInput, SettlementLine, SettlementRecord,
    UsageTotal,
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
    // Summed in a map by (sub-agreement, payer, month): one step per row, in that order.
    let mut sums: std::collections::BTreeMap<(u32, String, u8), (u64, u64)> = Default::default();
    for row in usage.iter().filter(|r| r.date.ymd().0 == statement.year) {
        let sum = sums
            .entry((
                row.sub_agreement,
                row.party.to_string(),
                row.date.ymd().1 as u8,
            ))
            .or_default();
        sum.0 += 1;
        sum.1 += row.hundredths;
    }
    let mut usage_totals: Vec<UsageTotal> = Vec::new();
    for ((sub_agreement, party, month), (rows, hundredths)) in sums {
        let month = MonthUsage {
            month,
            rows,
            hundredths,
        };
        match usage_totals.last_mut() {
            Some(t) if t.sub_agreement == sub_agreement && t.party == party => {
                t.rows += rows;
                t.hundredths += hundredths;
                t.months.push(month);
            }
            _ => usage_totals.push(UsageTotal {
                sub_agreement,
                party,
                rows,
                hundredths,
                months: vec![month],
            }),
        }
    }
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

/// The usage rows a run's totals stand for: per payer and month its rows, dated the first of
/// the month, the month's units on the first of them (a run recorded without months: the year's
/// rows on 1 January).
pub fn usage_of(run: &SettlementRecord) -> Vec<UsageRow> {
    let mut out = Vec::new();
    for total in &run.usage {
        let Ok(party) = PartyId::parse(&total.party) else {
            continue;
        };
        let whole_year = [MonthUsage {
            month: 1,
            rows: total.rows,
            hundredths: total.hundredths,
        }];
        let months = if total.months.is_empty() {
            &whole_year[..]
        } else {
            &total.months[..]
        };
        for m in months {
            let Ok(day) = Date::from_ymd(run.year, u32::from(m.month), 1) else {
                continue;
            };
            for i in 0..m.rows {
                out.push(UsageRow {
                    sub_agreement: total.sub_agreement,
                    party: party.clone(),
                    date: day,
                    hundredths: if i == 0 { m.hundredths } else { 0 },
                });
            }
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

/// One payer's line under one sub-agreement in two runs: what it was and what it became.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineChange {
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// The payer.
    pub payer: String,
    /// The line in the earlier run (none: new in the later one).
    pub before: Option<SettlementLine>,
    /// The line in the later run (none: gone from it).
    pub after: Option<SettlementLine>,
}

/// What a payer pays under a line: its actual share where known, else its budget share, less
/// its savings.
pub fn paid_minor(l: &SettlementLine) -> i64 {
    i64::try_from(l.actual_minor.unwrap_or(l.budget_minor)).unwrap_or(i64::MAX)
        - i64::try_from(l.savings_minor).unwrap_or(i64::MAX)
}

impl LineChange {
    /// What the payer pays more (positive) or less under the later run ([`paid_minor`]).
    pub fn difference_minor(&self) -> i64 {
        let pays = |l: &Option<SettlementLine>| l.as_ref().map_or(0, paid_minor);
        pays(&self.after) - pays(&self.before)
    }
}

/// What changed from run `before` to run `after` of the same year: the lines that differ (by
/// sub-agreement and payer), and whether the agreements or the usage behind them changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunChanges {
    /// The lines that differ, by sub-agreement and payer.
    pub lines: Vec<LineChange>,
    /// A payment agreement or sub-agreement the runs stood on was revised in between.
    pub inputs_changed: bool,
    /// The usage the runs split by differs.
    pub usage_changed: bool,
}

/// The changes from `before` to `after`.
pub fn compare(before: &SettlementRecord, after: &SettlementRecord) -> RunChanges {
    let key = |l: &SettlementLine| (l.sub_agreement, l.payer.clone());
    let mut lines: std::collections::BTreeMap<(u32, String), LineChange> = Default::default();
    for (l, earlier) in before
        .lines
        .iter()
        .map(|l| (l, true))
        .chain(after.lines.iter().map(|l| (l, false)))
    {
        let entry = lines.entry(key(l)).or_insert_with(|| LineChange {
            sub_agreement: l.sub_agreement,
            payer: l.payer.clone(),
            before: None,
            after: None,
        });
        if earlier {
            entry.before = Some(l.clone());
        } else {
            entry.after = Some(l.clone());
        }
    }
    RunChanges {
        lines: lines
            .into_values()
            .filter(|c| c.before != c.after)
            .collect(),
        inputs_changed: before.inputs != after.inputs,
        usage_changed: before.usage != after.usage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sub: u32, payer: &str, budget: u64, actual: Option<u64>) -> SettlementLine {
        SettlementLine {
            sub_agreement: sub,
            payer: payer.into(),
            budget_minor: budget,
            actual_minor: actual,
            savings_minor: 0,
            true_up_minor: actual.map(|a| a as i64 - budget as i64),
        }
    }

    fn run(lines: Vec<SettlementLine>) -> SettlementRecord {
        SettlementRecord {
            year: 2025,
            inputs: vec![],
            usage: vec![],
            lines,
        }
    }

    #[test]
    fn compare_keeps_only_the_lines_that_moved_with_their_difference() {
        let a = run(vec![
            line(1, "DK-0155", 10000, None),
            line(1, "DK-0185", 20000, None),
            line(2, "DK-0155", 5000, None),
        ]);
        let b = run(vec![
            line(1, "DK-0155", 10000, None),
            line(1, "DK-0185", 20000, Some(21050)),
            line(3, "DK-0155", 700, None),
        ]);
        let c = compare(&a, &b);
        let got: Vec<(u32, &str, i64)> = c
            .lines
            .iter()
            .map(|l| (l.sub_agreement, l.payer.as_str(), l.difference_minor()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "DK-0185", 1050),
                (2, "DK-0155", -5000),
                (3, "DK-0155", 700)
            ]
        );
        assert!(!c.inputs_changed && !c.usage_changed);
        assert!(compare(&a, &a).lines.is_empty());
    }
}
