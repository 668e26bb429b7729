//! The money effect of a scenario: every payer's settlement for the years the scenario touches,
//! before and after, from the same settlement engine and the same keys, and which costs are
//! spread over whom instead.
//!
//! A year in which a change takes effect is divided by days between the agreement as it was and as
//! it becomes (`samvirke_core::scenario` splits the payment agreement), so each part is settled by
//! its own payers and the parts add up to the year's cost exactly.

use std::collections::{BTreeMap, BTreeSet};

use samvirke_core::model::CooperationDoc;
use samvirke_core::scenario::{Applied, Outcome};
use serde::Serialize;

use crate::statement::{Statement, settle_year};

/// How many years after the first change a money effect is worked out for at most.
pub const YEARS_MAX: i32 = 10;

/// One payer in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayerEffect {
    /// The payer.
    pub party: String,
    /// What it pays as the registry stands: its share of the actual cost (or of the budget while
    /// the year is open) less its share of the savings, in minor units.
    pub before_minor: i64,
    /// What it pays under the scenario.
    pub after_minor: i64,
}

/// A payment agreement whose cost is spread over other payers from a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Respread {
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// The payers before.
    pub before: Vec<String>,
    /// The payers after (empty: the agreement ends).
    pub after: Vec<String>,
}

/// One cooperation in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearEffect {
    /// The cooperation.
    pub cooperation: String,
    /// The year.
    pub year: i32,
    /// Its currency.
    pub currency: String,
    /// Each payer, in id order.
    pub payers: Vec<PayerEffect>,
    /// Total before.
    pub total_before_minor: i64,
    /// Total after.
    pub total_after_minor: i64,
    /// Whose costs are spread over whom.
    pub respread: Vec<Respread>,
}

/// A year that could not be settled, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotSettled {
    /// The cooperation.
    pub cooperation: String,
    /// The year.
    pub year: i32,
    /// `usage` (the key needs usage rows, which a scenario has none of) or `error`.
    pub reason: String,
    /// The settlement engine's words.
    pub message: String,
}

/// The money effect of a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyEffect {
    /// Per cooperation and year with a cost basis.
    pub years: Vec<YearEffect>,
    /// Years that could not be settled.
    pub not_settled: Vec<NotSettled>,
}

/// A scenario worked out with its money.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ScenarioReport))]
pub struct Report {
    /// Dates, decisions, citizens.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Money.
    pub money: MoneyEffect,
}

fn paid(statement: &Statement) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for a in &statement.agreements {
        for p in &a.payers {
            let cost = p.actual_minor.unwrap_or(p.budget_minor);
            *out.entry(p.payer.clone()).or_insert(0) += cost as i64 - p.savings_minor as i64;
        }
    }
    out
}

fn payers_from(doc: &CooperationDoc, number: u32, year: i32) -> BTreeSet<String> {
    doc.payment_agreements
        .iter()
        .filter(|p| p.sub_agreement == number && p.years.iter().any(|y| y.year == year))
        // The part in force on the year's last day says who pays from then on.
        .filter(|p| {
            samvirke_core::Date::from_ymd(year, 12, 31).is_ok_and(|last| p.valid.contains(last))
        })
        .flat_map(|p| p.payers.iter().map(ToString::to_string))
        .collect()
}

/// Settles each touched cooperation before and after for every year with a cost basis from the
/// year of the first change on (at most [`YEARS_MAX`] years).
pub fn money(applied: &Applied, first_year: i32) -> MoneyEffect {
    let mut effect = MoneyEffect::default();
    let ids: BTreeSet<&str> = applied
        .before
        .iter()
        .chain(&applied.after)
        .map(|d| d.cooperation.id.as_str())
        .collect();
    for id in ids {
        let before = applied
            .before
            .iter()
            .find(|d| d.cooperation.id.as_str() == id);
        let after = applied
            .after
            .iter()
            .find(|d| d.cooperation.id.as_str() == id);
        let years: BTreeSet<i32> = before
            .into_iter()
            .chain(after)
            .flat_map(|d| d.payment_agreements.iter())
            .flat_map(|p| p.years.iter().map(|y| y.year))
            .filter(|y| (first_year..first_year + YEARS_MAX).contains(y))
            .collect();
        for year in years {
            let settle = |doc: Option<&CooperationDoc>| -> Result<Option<Statement>, String> {
                doc.map(|d| settle_year(d, year, &[]).map_err(|e| e.0))
                    .transpose()
            };
            let usage_key = before.into_iter().chain(after).any(|d| {
                d.payment_agreements.iter().any(|p| {
                    p.years.iter().any(|y| y.year == year)
                        && matches!(
                            p.key,
                            Some(
                                samvirke_core::model::AllocationKey::Usage { .. }
                                    | samvirke_core::model::AllocationKey::Hybrid { .. }
                            )
                        )
                })
            });
            let (b, a) = match (settle(before), settle(after)) {
                (Ok(b), Ok(a)) => (b, a),
                (Err(message), _) | (_, Err(message)) => {
                    effect.not_settled.push(NotSettled {
                        cooperation: id.to_string(),
                        year,
                        reason: if usage_key { "usage" } else { "error" }.to_string(),
                        message,
                    });
                    continue;
                }
            };
            let pb = b.as_ref().map(paid).unwrap_or_default();
            let pa = a.as_ref().map(paid).unwrap_or_default();
            let parties: BTreeSet<&String> = pb.keys().chain(pa.keys()).collect();
            let payers: Vec<PayerEffect> = parties
                .into_iter()
                .map(|p| PayerEffect {
                    party: p.clone(),
                    before_minor: pb.get(p).copied().unwrap_or(0),
                    after_minor: pa.get(p).copied().unwrap_or(0),
                })
                .collect();
            let numbers: BTreeSet<u32> = before
                .into_iter()
                .chain(after)
                .flat_map(|d| d.payment_agreements.iter().map(|p| p.sub_agreement))
                .collect();
            let mut respread = Vec::new();
            for n in numbers {
                let was = before.map(|d| payers_from(d, n, year)).unwrap_or_default();
                let will = after.map(|d| payers_from(d, n, year)).unwrap_or_default();
                if was != will {
                    respread.push(Respread {
                        sub_agreement: n,
                        before: was.into_iter().collect(),
                        after: will.into_iter().collect(),
                    });
                }
            }
            let currency = a
                .as_ref()
                .or(b.as_ref())
                .map(|s| s.currency.clone())
                .unwrap_or_default();
            effect.years.push(YearEffect {
                cooperation: id.to_string(),
                year,
                currency,
                total_before_minor: payers.iter().map(|p| p.before_minor).sum(),
                total_after_minor: payers.iter().map(|p| p.after_minor).sum(),
                payers,
                respread,
            });
        }
    }
    effect
}

/// A scenario's outcome with its money.
pub fn report(outcome: Outcome) -> Report {
    let first_year = outcome
        .scenario
        .changes
        .iter()
        .map(|c| c.from().ymd().0)
        .min()
        .unwrap_or(0);
    let money = outcome
        .applied
        .as_ref()
        .map(|a| money(a, first_year))
        .unwrap_or_default();
    Report { outcome, money }
}
