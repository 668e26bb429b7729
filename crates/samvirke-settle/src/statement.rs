//! Settlement of a cooperation's payment agreements for one year: each payer's share of the budget
//! (paid aconto), of the actual cost (once the year is closed), its share of the performer's savings
//! (Dragør–Tårnby § 3.4), and the year-end true-up, with an explanation of every amount.
//!
//! Cost bases are the calculated cost *before* savings are shared: each saving is credited to the
//! payers from its effective date, pro rata by days, at the agreed share, and split by the same key.

use samvirke_core::model::{
    AcontoFrequency, AllocationKey, CooperationDoc, KeyShare, MonthUsage, PaymentAgreement,
    PaymentYear,
};
use samvirke_core::{Date, PartyId};
use serde::Serialize;

use crate::allocate::{Allocation, allocate};
use crate::explain::{Amount, KeyInput, KeyUsed, Portion, SavingStep, Step};
use crate::money::format_hundredths;

/// One activity row for a usage key: units (hundredths) for a payer under a sub-agreement on a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageRow {
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// The payer.
    pub party: PartyId,
    /// The measurement date.
    pub date: Date,
    /// Units in hundredths.
    pub hundredths: u64,
}

/// Reads a usage file, `sub_agreement,municipality,date,units` (units at most two decimals, a
/// decimal point): every bad row is an error with its line, all at once.
pub fn usage_rows(text: &str) -> Result<Vec<UsageRow>, Vec<samvirke_core::csv::RowError>> {
    let columns = ["sub_agreement", "municipality", "date", "units"];
    samvirke_core::csv::read_rows(text, &columns, |fields| {
        let [sub, m, d, u] = fields else {
            return Err(format!("expected 4 fields, found {}", fields.len()));
        };
        let sub_agreement = sub
            .parse::<u32>()
            .map_err(|_| format!("sub_agreement \"{sub}\" is not a number"))?;
        let party = PartyId::parse(m).map_err(|e| format!("municipality: {e}"))?;
        let date = Date::parse(d).map_err(|e| format!("date: {e}"))?;
        let hundredths = crate::money::parse_hundredths(u.as_bytes(), b'.')
            .map_err(|e| format!("units \"{u}\" {e}"))?;
        Ok(UsageRow {
            sub_agreement,
            party,
            date,
            hundredths,
        })
    })
}

/// Why a settlement cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettleError(pub String);

/// An aconto instalment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Instalment {
    /// Due date.
    pub due: Date,
    /// Amount in minor units.
    pub amount_minor: u64,
}

/// How one amount came about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explanation {
    /// The key, in words.
    pub key: String,
    /// The inputs (shares, population with date and source, usage rows).
    pub inputs: Vec<String>,
    /// The formula.
    pub formula: String,
    /// Each rounding step.
    pub rounding: Vec<String>,
}

/// One payer under one payment agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PayerLine {
    /// The payer.
    pub payer: String,
    /// Its weight in the key (parts, residents, or units in hundredths).
    pub weight: u64,
    /// Share of the budget.
    pub budget_minor: u64,
    /// Share of the actual cost, once the year is closed.
    pub actual_minor: Option<u64>,
    /// Share of the savings (a credit).
    pub savings_minor: u64,
    /// Aconto instalments (the budget share).
    pub aconto: Vec<Instalment>,
    /// Year-end true-up: positive is still owed, negative is refunded. `None` while the year is open.
    pub true_up_minor: Option<i64>,
    /// How the budget share came about.
    pub explanation: Explanation,
}

/// One payment agreement settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementSettlement {
    /// Its sub-agreement.
    pub sub_agreement: u32,
    /// The sub-agreement's title.
    pub title: String,
    /// When the payment agreement applies (a sub-agreement can have several in a year, one after
    /// the other).
    pub valid: samvirke_core::Interval,
    /// Who is paid.
    pub payee: String,
    /// Budgeted cost.
    pub budget_minor: u64,
    /// Actual cost, once the year is closed.
    pub actual_minor: Option<u64>,
    /// The payers' share of the savings in this year.
    pub savings_minor: u64,
    /// How the savings were computed.
    pub savings_explanation: Vec<String>,
    /// The same, as data.
    pub savings_steps: Vec<SavingStep>,
    /// The key, as data.
    pub key_used: KeyUsed,
    /// Every payer's numbers in the key.
    pub key_inputs: Vec<KeyInput>,
    /// Every split, bound and re-split of the budget, the actual cost and the savings, as data
    /// (the same for every payer: each is one row of each split).
    pub steps: Vec<Step>,
    /// Per payer.
    pub payers: Vec<PayerLine>,
    /// The clauses of the agreement the settlement rests on (payment, the cost principle, the
    /// sharing of savings) that cover the sub-agreement's services, in force when the payment
    /// agreement's part of the year begins; empty when the cooperation records none.
    pub clauses: Vec<samvirke_core::model::Clause>,
}

/// The settlement of a cooperation for a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statement {
    /// The cooperation.
    pub cooperation: String,
    /// The year.
    pub year: i32,
    /// Currency.
    pub currency: String,
    /// Per payment agreement.
    pub agreements: Vec<AgreementSettlement>,
}

impl Statement {
    /// Whether `payer` has usage by month under the statement (a usage or hybrid key).
    pub fn has_usage(&self, payer: &str) -> bool {
        self.agreements
            .iter()
            .flat_map(|a| &a.key_inputs)
            .any(|k| k.payer == payer && !k.usage_months.is_empty())
    }

    /// `payer`'s usage as CSV: one row per sub-agreement and month with rows (the year's activity
    /// the key split by), units with two decimals and a point. Only the header when it has none.
    pub fn usage_csv(&self, payer: &str) -> String {
        use std::fmt::Write as _;
        let mut out = String::from("cooperation,year,sub_agreement,payer,month,rows,units\n");
        for a in &self.agreements {
            for k in a.key_inputs.iter().filter(|k| k.payer == payer) {
                for m in &k.usage_months {
                    let _ = writeln!(
                        out,
                        "{},{},{},{payer},{}-{:02},{},{}",
                        self.cooperation,
                        self.year,
                        a.sub_agreement,
                        self.year,
                        m.month,
                        m.rows,
                        format_hundredths(i128::from(m.hundredths))
                    );
                }
            }
        }
        out
    }

    /// The statement as CSV: one row per payer and item (budget share, each aconto instalment,
    /// savings credit, actual share, true-up), amounts with two decimals and a point.
    pub fn csv(&self) -> String {
        use std::fmt::Write as _;
        let money = |minor: u64| format_hundredths(i128::from(minor));
        let mut out =
            String::from("cooperation,year,sub_agreement,payer,item,due,amount,currency\n");
        for a in &self.agreements {
            for p in &a.payers {
                let mut row = |item: &str, due: String, amount: String| {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{item},{due},{amount},{}",
                        self.cooperation, self.year, a.sub_agreement, p.payer, self.currency
                    );
                };
                row("budget_share", String::new(), money(p.budget_minor));
                for i in &p.aconto {
                    row("aconto", i.due.to_string(), money(i.amount_minor));
                }
                row("savings_credit", String::new(), money(p.savings_minor));
                if let Some(actual) = p.actual_minor {
                    row("actual_share", String::new(), money(actual));
                }
                if let Some(t) = p.true_up_minor {
                    row(
                        "true_up",
                        format!("{}-12-31", self.year),
                        format_hundredths(i128::from(t)),
                    );
                }
            }
        }
        out
    }
}

fn days_in_year(year: i32) -> u64 {
    if samvirke_core::time::is_leap(year) {
        366
    } else {
        365
    }
}

fn date(year: i32, month: u32, day: u32) -> Result<Date, SettleError> {
    Date::from_ymd(year, month, day).map_err(|e| SettleError(e.to_string()))
}

fn shares_text(shares: &[KeyShare]) -> String {
    shares
        .iter()
        .map(|s| format!("{} {}", s.party, s.parts))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A payer's usage under a payment agreement: its rows in the year, their units, and both per
/// month.
struct Counted {
    rows: u64,
    hundredths: u64,
    months: Vec<MonthUsage>,
}

/// The weights of a key and a description of it.
struct KeyWeights {
    /// Fixed parts, population, or (for a usage key) units.
    fixed: Vec<u64>,
    /// For a hybrid key: the usage weights.
    usage: Option<Vec<u64>>,
    /// For a hybrid key: the fixed part in basis points.
    fixed_bp: u32,
    /// The key in words.
    text: String,
    /// The inputs in words.
    inputs: Vec<String>,
    /// The key as data.
    used: KeyUsed,
    /// Every payer's numbers in it.
    key_inputs: Vec<KeyInput>,
}

/// Weights per payer (in `payers` order) and a description of the key and its inputs.
fn weights(p: &PaymentAgreement, year: i32, usage: &[UsageRow]) -> Result<KeyWeights, SettleError> {
    let of = |shares: &[KeyShare]| -> Vec<u64> {
        p.payers
            .iter()
            .map(|payer| {
                shares
                    .iter()
                    .find(|s| &s.party == payer)
                    .map_or(0, |s| s.parts)
            })
            .collect()
    };
    let usage_weights =
        |unit: &str, inputs: &mut Vec<String>, counted: &mut Vec<Counted>| -> Vec<u64> {
            p.payers
                .iter()
                .map(|payer| {
                    let rows: Vec<&UsageRow> = usage
                        .iter()
                        .filter(|r| {
                            r.sub_agreement == p.sub_agreement
                                && &r.party == payer
                                && r.date.ymd().0 == year
                        })
                        .collect();
                    let total: u64 = rows.iter().map(|r| r.hundredths).sum();
                    let mut months: std::collections::BTreeMap<u8, (u64, u64)> = Default::default();
                    for r in &rows {
                        let m = months.entry(r.date.ymd().1 as u8).or_default();
                        m.0 += 1;
                        m.1 += r.hundredths;
                    }
                    counted.push(Counted {
                        rows: rows.len() as u64,
                        hundredths: total,
                        months: months
                            .into_iter()
                            .map(|(month, (rows, hundredths))| MonthUsage {
                                month,
                                rows,
                                hundredths,
                            })
                            .collect(),
                    });
                    inputs.push(format!(
                        "{payer}: {} activity rows dated in {year}, {} {unit}",
                        rows.len(),
                        format_hundredths(i128::from(total))
                    ));
                    total
                })
                .collect()
        };
    let mut inputs = Vec::new();
    let mut counted: Vec<Counted> = Vec::new();
    // Every payer's parts (or residents) and usage, in the payers' order.
    let key_inputs = |parts: Option<&[u64]>, counted: &[Counted]| -> Vec<KeyInput> {
        p.payers
            .iter()
            .enumerate()
            .map(|(i, payer)| KeyInput {
                payer: payer.to_string(),
                parts: parts.and_then(|w| w.get(i).copied()),
                usage_rows: counted.get(i).map(|c| c.rows),
                usage_hundredths: counted.get(i).map(|c| c.hundredths),
                usage_months: counted.get(i).map(|c| c.months.clone()).unwrap_or_default(),
            })
            .collect()
    };
    match &p.key {
        None => Err(SettleError(format!(
            "payment agreement for sub-agreement {} has no allocation key; add [payment_agreement.key]",
            p.sub_agreement
        ))),
        Some(AllocationKey::Fixed { shares }) => {
            inputs.push(format!("fixed parts: {}", shares_text(shares)));
            let fixed = of(shares);
            Ok(KeyWeights {
                key_inputs: key_inputs(Some(&fixed), &counted),
                fixed,
                usage: None,
                fixed_bp: 0,
                text: "fixed shares".to_string(),
                inputs,
                used: KeyUsed::Fixed,
            })
        }
        Some(AllocationKey::Population {
            reference_date,
            source,
            population,
        }) => {
            inputs.push(format!(
                "residents on {reference_date} (source: {source}): {}",
                shares_text(population)
            ));
            let fixed = of(population);
            Ok(KeyWeights {
                key_inputs: key_inputs(Some(&fixed), &counted),
                fixed,
                usage: None,
                fixed_bp: 0,
                text: format!("population on {reference_date}"),
                inputs,
                used: KeyUsed::Population {
                    reference_date: *reference_date,
                    source: source.clone(),
                },
            })
        }
        Some(AllocationKey::Usage { unit }) => {
            let w = usage_weights(unit, &mut inputs, &mut counted);
            Ok(KeyWeights {
                key_inputs: key_inputs(None, &counted),
                fixed: w,
                usage: None,
                fixed_bp: 0,
                text: format!("usage ({unit})"),
                inputs,
                used: KeyUsed::Usage { unit: unit.clone() },
            })
        }
        Some(AllocationKey::Hybrid {
            fixed_basis_points,
            shares,
            unit,
        }) => {
            inputs.push(format!(
                "fixed part {} % by parts: {}",
                format_hundredths(i128::from(*fixed_basis_points)),
                shares_text(shares)
            ));
            let w = usage_weights(unit, &mut inputs, &mut counted);
            let fixed = of(shares);
            Ok(KeyWeights {
                key_inputs: key_inputs(Some(&fixed), &counted),
                used: KeyUsed::Hybrid {
                    fixed_basis_points: *fixed_basis_points,
                    unit: unit.clone(),
                },
                fixed,
                usage: Some(w),
                fixed_bp: *fixed_basis_points,
                text: format!(
                    "hybrid: {} % fixed shares, the rest by usage ({unit})",
                    format_hundredths(i128::from(*fixed_basis_points))
                ),
                inputs,
            })
        }
    }
}

fn rounding_lines(label: &str, allocation: &Allocation, payers: &[PartyId]) -> Vec<String> {
    let n = allocation.shares.len();
    let mut out = vec![format!(
        "{label}: {} over weights totalling {}; the bases leave {} unit{} for the largest remainders (ties to the lower id)",
        format_hundredths(i128::from(allocation.total)),
        allocation.total_weight,
        allocation.leftover,
        if allocation.leftover == 1 { "" } else { "s" }
    )];
    for (payer, share) in payers.iter().zip(&allocation.shares) {
        let extra = if share.extra {
            "gets one extra øre"
        } else {
            "gets no extra øre"
        };
        out.push(format!(
            "  {payer}: base {} (remainder {}, rank {} of {n}) {extra} → {}",
            format_hundredths(i128::from(share.base)),
            share.remainder,
            share.rank,
            format_hundredths(i128::from(share.amount))
        ));
    }
    out
}

/// What a split or a bound made: the parts, the steps in English, the steps as data.
type Worked = (Vec<u64>, Vec<String>, Vec<Step>);

/// Splits `total` by the key: plain weights, or for a hybrid key first into the fixed and usage
/// parts (by basis points), then each part by its own weights. Returns the parts and the rounding
/// steps.
fn split(
    total: u64,
    fixed: &[u64],
    usage: Option<&[u64]>,
    fixed_bp: u32,
    payers: &[PartyId],
    label: &str,
    amount: Amount,
) -> Result<Worked, SettleError> {
    let fail = |e: crate::allocate::AllocationError| SettleError(format!("{label}: {e}"));
    let ids: Vec<String> = payers.iter().map(ToString::to_string).collect();
    match usage {
        None => {
            let a = allocate(total, fixed).map_err(fail)?;
            Ok((
                a.shares.iter().map(|s| s.amount).collect(),
                rounding_lines(label, &a, payers),
                vec![Step::split(amount, Portion::Whole, &a, &ids)],
            ))
        }
        Some(usage) => {
            let parts = allocate(
                total,
                &[
                    u64::from(fixed_bp),
                    u64::from(10_000 - fixed_bp.min(10_000)),
                ],
            )
            .map_err(fail)?;
            let (fixed_total, usage_total) =
                (nth_amount(&parts, 0, label)?, nth_amount(&parts, 1, label)?);
            let mut lines = vec![format!(
                "{label}: {} splits into a fixed part {} and a usage part {}",
                format_hundredths(i128::from(total)),
                format_hundredths(i128::from(fixed_total)),
                format_hundredths(i128::from(usage_total))
            )];
            let mut steps = vec![Step::Portions {
                amount,
                total_minor: total,
                fixed_basis_points: fixed_bp,
                fixed_minor: fixed_total,
                usage_minor: usage_total,
            }];
            let a = allocate(fixed_total, fixed).map_err(fail)?;
            let b = if usage_total == 0 {
                None
            } else {
                Some(allocate(usage_total, usage).map_err(|e| {
                    SettleError(format!(
                        "{label} (usage part): {e}; the payers have no activity in the year"
                    ))
                })?)
            };
            lines.extend(rounding_lines(&format!("{label}, fixed part"), &a, payers));
            steps.push(Step::split(amount, Portion::Fixed, &a, &ids));
            if let Some(b) = &b {
                lines.extend(rounding_lines(&format!("{label}, usage part"), b, payers));
                steps.push(Step::split(amount, Portion::Usage, b, &ids));
            }
            let amounts = (0..payers.len())
                .map(|i| {
                    Ok(nth_amount(&a, i, label)?
                        + b.as_ref().map_or(Ok(0), |b| nth_amount(b, i, label))?)
                })
                .collect::<Result<Vec<u64>, SettleError>>()?;
            Ok((amounts, lines, steps))
        }
    }
}

/// Clamps each payer's part of `total` to its floor and cap. The rest is re-split over the payers
/// still free, in proportion to their parts before clamping (largest remainder again), until no part
/// is out of bounds. Each round fixes the side (floors or caps) with the larger total gap.
fn apply_bounds(
    total: u64,
    parts: &[u64],
    floors: &[Option<u64>],
    caps: &[Option<u64>],
    payers: &[PartyId],
    label: &str,
    amount: Amount,
) -> Result<Worked, SettleError> {
    let floor_sum: u64 = floors.iter().map(|f| f.unwrap_or(0)).sum();
    if floor_sum > total {
        return Err(SettleError(format!(
            "{label}: the floors add up to {}, more than the cost {}; lower the floors",
            format_hundredths(i128::from(floor_sum)),
            format_hundredths(i128::from(total))
        )));
    }
    if floors.len() != parts.len() || caps.len() != parts.len() || payers.len() != parts.len() {
        return Err(SettleError(format!(
            "{label}: {} parts for {} payers, {} floors and {} caps",
            parts.len(),
            payers.len(),
            floors.len(),
            caps.len()
        )));
    }
    /// One payer in the rounds: its bounds, its part now, and the bound it was fixed at.
    struct Payer<'p> {
        id: &'p PartyId,
        part: u64,
        floor: Option<u64>,
        cap: Option<u64>,
        current: u64,
        fixed: Option<u64>,
    }
    let mut all: Vec<Payer> = payers
        .iter()
        .zip(parts)
        .zip(floors.iter().zip(caps))
        .map(|((id, part), (floor, cap))| Payer {
            id,
            part: *part,
            floor: *floor,
            cap: *cap,
            current: *part,
            fixed: None,
        })
        .collect();
    let current = |all: &[Payer]| all.iter().map(|p| p.current).collect::<Vec<u64>>();
    let mut lines = Vec::new();
    let mut steps = Vec::new();
    for _round in 0..=all.len() {
        let free = |p: &&mut Payer| p.fixed.is_none();
        let under_gap: u64 = all
            .iter()
            .filter(|p| p.fixed.is_none())
            .filter_map(|p| p.floor.filter(|f| p.current < *f).map(|f| f - p.current))
            .sum();
        let over_gap: u64 = all
            .iter()
            .filter(|p| p.fixed.is_none())
            .filter_map(|p| p.cap.filter(|c| p.current > *c).map(|c| p.current - c))
            .sum();
        // A payer below its floor or above its cap always leaves a gap of at least one øre.
        if under_gap == 0 && over_gap == 0 {
            return Ok((current(&all), lines, steps));
        }
        let raise = under_gap > 0 && under_gap >= over_gap;
        let what = if raise {
            "raised to its floor"
        } else {
            "lowered to its cap"
        };
        for p in all.iter_mut().filter(free) {
            let bound = if raise {
                p.floor.filter(|f| p.current < *f)
            } else {
                p.cap.filter(|c| p.current > *c)
            };
            let Some(bound) = bound else { continue };
            lines.push(format!(
                "{label}: {} {what} {} (from {})",
                p.id,
                format_hundredths(i128::from(bound)),
                format_hundredths(i128::from(p.current))
            ));
            steps.push(Step::Bound {
                amount,
                payer: p.id.to_string(),
                from_minor: p.current,
                to_minor: bound,
                floor: raise,
            });
            p.fixed = Some(bound);
        }
        let fixed_sum: u64 = all.iter().filter_map(|p| p.fixed).sum();
        let rest = total.checked_sub(fixed_sum).ok_or_else(|| SettleError(format!("{label}: the floors and caps cannot be met together; the fixed parts exceed the cost")))?;
        let mut active: Vec<&mut Payer> = all.iter_mut().filter(free).collect();
        if active.is_empty() {
            if rest != 0 {
                return Err(SettleError(format!(
                    "{label}: every payer is at its cap and {} is left that nobody may pay; raise a cap",
                    format_hundredths(i128::from(rest))
                )));
            }
        } else {
            let weights: Vec<u64> = active.iter().map(|p| p.part).collect();
            let weights = if weights.iter().all(|w| *w == 0) {
                vec![1; active.len()]
            } else {
                weights
            };
            let a = allocate(rest, &weights).map_err(|e| SettleError(format!("{label}: {e}")))?;
            let sharing: Vec<String> = active.iter().map(|p| p.id.to_string()).collect();
            lines.push(format!("{label}: the remaining {} re-split over {} in proportion to their parts before the bounds", format_hundredths(i128::from(rest)), sharing.join(", ")));
            steps.push(Step::Resplit {
                amount,
                rest_minor: rest,
                payers: sharing,
            });
            for (p, share) in active.iter_mut().zip(&a.shares) {
                p.current = share.amount;
            }
        }
        for p in all.iter_mut() {
            if let Some(v) = p.fixed {
                p.current = v;
            }
        }
    }
    Err(SettleError(format!(
        "{label}: the floors and caps did not settle; check them"
    )))
}

/// The `i`-th of a per-payer list (each has one entry per payer of the payment agreement).
fn nth<T: Copy>(list: &[T], i: usize, label: &str) -> Result<T, SettleError> {
    list.get(i)
        .copied()
        .ok_or_else(|| SettleError(format!("{label}: no figure for payer {}", i + 1)))
}

/// The amount of the `i`-th share of an allocation.
fn nth_amount(allocation: &Allocation, i: usize, label: &str) -> Result<u64, SettleError> {
    allocation
        .shares
        .get(i)
        .map(|s| s.amount)
        .ok_or_else(|| SettleError(format!("{label}: no share {}", i + 1)))
}

/// The payers' share of the savings that fall in `year`, and how it was computed.
fn savings(y: &PaymentYear) -> Result<(u64, Vec<String>, Vec<SavingStep>), SettleError> {
    let mut total = 0u64;
    let mut lines = Vec::new();
    let mut steps = Vec::new();
    let days = days_in_year(y.year);
    let year_end = date(y.year + 1, 1, 1)?;
    for saving in &y.savings {
        let days_in = (year_end.days_since_epoch() - saving.effective.days_since_epoch())
            .clamp(0, days as i32) as u64;
        let pro_rata = nth_amount(
            &allocate(saving.annual_minor, &[days_in, days - days_in])
                .map_err(|e| SettleError(e.to_string()))?,
            0,
            "saving",
        )?;
        let payers_part = nth_amount(
            &allocate(
                pro_rata,
                &[
                    u64::from(saving.share_basis_points),
                    u64::from(10_000 - saving.share_basis_points.min(10_000)),
                ],
            )
            .map_err(|e| SettleError(e.to_string()))?,
            0,
            "saving",
        )?;
        lines.push(format!(
            "saving \"{}\" from {}: {} a year × {days_in}/{days} days = {}; the payers' share {} % = {}",
            saving.note,
            saving.effective,
            format_hundredths(i128::from(saving.annual_minor)),
            format_hundredths(i128::from(pro_rata)),
            format_hundredths(i128::from(saving.share_basis_points)),
            format_hundredths(i128::from(payers_part))
        ));
        steps.push(SavingStep {
            note: saving.note.clone(),
            effective: saving.effective,
            annual_minor: saving.annual_minor,
            days_in,
            days,
            pro_rata_minor: pro_rata,
            share_basis_points: saving.share_basis_points,
            payers_minor: payers_part,
        });
        total += payers_part;
    }
    Ok((total, lines, steps))
}

fn instalments(
    amount: u64,
    frequency: AcontoFrequency,
    due_day: u32,
    year: i32,
) -> Result<Vec<Instalment>, SettleError> {
    let months: Vec<u32> = match frequency {
        AcontoFrequency::Monthly => (1..=12).collect(),
        AcontoFrequency::Quarterly => vec![1, 4, 7, 10],
    };
    let split = allocate(amount, &vec![1; months.len()]).map_err(|e| SettleError(e.to_string()))?;
    months
        .iter()
        .zip(&split.shares)
        .map(|(m, s)| {
            Ok(Instalment {
                due: date(year, *m, due_day)?,
                amount_minor: s.amount,
            })
        })
        .collect()
}

/// Settles every payment agreement of `doc` that has a cost basis for `year`.
pub fn settle_year(
    doc: &CooperationDoc,
    year: i32,
    usage: &[UsageRow],
) -> Result<Statement, SettleError> {
    let mut agreements = Vec::new();
    let mut currency = String::new();
    for p in &doc.payment_agreements {
        let Some(y) = p.years.iter().find(|y| y.year == year) else {
            continue;
        };
        // Ties in the rounding go to the lower id: allocate over the payers in id order.
        let mut sorted = p.clone();
        sorted.payers.sort();
        let p = &sorted;
        if !currency.is_empty() && currency != p.currency {
            return Err(SettleError(format!(
                "the payment agreements mix {currency} and {}; settle each currency on its own",
                p.currency
            )));
        }
        currency = p.currency.clone();
        let KeyWeights {
            fixed,
            usage: usage_w,
            fixed_bp,
            text: key_text,
            inputs,
            used,
            key_inputs,
        } = weights(p, year, usage)?;
        let label = format!("sub-agreement {} budget {year}", p.sub_agreement);
        let bound = |list: &[samvirke_core::model::MoneyShare]| -> Vec<Option<u64>> {
            p.payers
                .iter()
                .map(|payer| list.iter().find(|b| &b.party == payer).map(|b| b.minor))
                .collect()
        };
        let (floors, caps) = (bound(&p.floors), bound(&p.caps));
        let bounded = |total: u64, label: &str, amount: Amount| -> Result<Worked, SettleError> {
            let (parts, mut lines, mut steps) = split(
                total,
                &fixed,
                usage_w.as_deref(),
                fixed_bp,
                &p.payers,
                label,
                amount,
            )?;
            let (parts, bound_lines, bound_steps) =
                apply_bounds(total, &parts, &floors, &caps, &p.payers, label, amount)?;
            lines.extend(bound_lines);
            steps.extend(bound_steps);
            Ok((parts, lines, steps))
        };
        let (budget, budget_rounding, budget_steps) =
            bounded(y.budget_minor, &label, Amount::Budget)?;
        let actual = match y.actual_minor {
            Some(a) => Some(bounded(
                a,
                &format!("sub-agreement {} actual {year}", p.sub_agreement),
                Amount::Actual,
            )?),
            None => None,
        };
        let (savings_total, savings_explanation, savings_steps) = savings(y)?;
        let (savings_split, savings_rounding, savings_split_steps) = if savings_total > 0 {
            split(
                savings_total,
                &fixed,
                usage_w.as_deref(),
                fixed_bp,
                &p.payers,
                &format!("sub-agreement {} savings {year}", p.sub_agreement),
                Amount::Savings,
            )?
        } else {
            (vec![0; p.payers.len()], Vec::new(), Vec::new())
        };
        let mut steps = budget_steps;
        if let Some((_, _, s)) = &actual {
            steps.extend(s.iter().cloned());
        }
        steps.extend(savings_split_steps);
        let formula = match usage_w {
            None => "share = ⌊C × w ÷ W⌋, plus one øre for each of the L largest remainders (C × w mod W), where L is what the bases leave of C".to_string(),
            Some(_) => "C is first split into the fixed and usage parts by their percentages; each part is then split by its weights: share = ⌊C × w ÷ W⌋ plus one øre for the largest remainders".to_string(),
        };
        let mut payers = Vec::new();
        for (i, payer) in p.payers.iter().enumerate() {
            let aconto = match p.aconto {
                Some(frequency) => instalments(
                    nth(&budget, i, &label)?,
                    frequency,
                    p.aconto_due_day.unwrap_or(1),
                    year,
                )?,
                None => Vec::new(),
            };
            let paid: u64 = aconto.iter().map(|a| a.amount_minor).sum();
            let actual_share = match &actual {
                Some((a, _, _)) => Some(nth(a, i, &label)?),
                None => None,
            };
            let saving_share = nth(&savings_split, i, &label)?;
            let true_up = actual_share.map(|a| a as i64 - saving_share as i64 - paid as i64);
            let mut rounding = budget_rounding.clone();
            if let Some((_, lines, _)) = &actual {
                rounding.extend(lines.iter().cloned());
            }
            rounding.extend(savings_rounding.iter().cloned());
            payers.push(PayerLine {
                payer: payer.to_string(),
                weight: nth(usage_w.as_deref().unwrap_or(&fixed), i, &label)?,
                budget_minor: nth(&budget, i, &label)?,
                actual_minor: actual_share,
                savings_minor: saving_share,
                aconto,
                true_up_minor: true_up,
                explanation: Explanation {
                    key: key_text.clone(),
                    inputs: inputs.clone(),
                    formula: formula.clone(),
                    rounding,
                },
            });
        }
        let sub = doc
            .sub_agreements
            .iter()
            .find(|s| s.number == p.sub_agreement);
        let title = sub.map(|s| s.title.clone()).unwrap_or_default();
        let services: Vec<&samvirke_core::ServiceId> =
            sub.map(|s| s.services.iter().collect()).unwrap_or_default();
        let begins = samvirke_core::Date::from_ymd(year, 1, 1)
            .map_err(|e| SettleError(format!("year {year}: {e}")))?
            .max(p.valid.from());
        let clauses = doc
            .clauses_on(
                begins,
                &services,
                samvirke_core::model::ClauseSubject::SETTLEMENT,
            )
            .into_iter()
            .cloned()
            .collect();
        agreements.push(AgreementSettlement {
            sub_agreement: p.sub_agreement,
            title,
            valid: p.valid,
            payee: p.payee.to_string(),
            budget_minor: y.budget_minor,
            actual_minor: y.actual_minor,
            savings_minor: savings_total,
            savings_explanation,
            savings_steps,
            key_used: used,
            key_inputs,
            steps,
            payers,
            clauses,
        });
    }
    if agreements.is_empty() {
        let years: std::collections::BTreeSet<i32> = doc
            .payment_agreements
            .iter()
            .flat_map(|p| p.years.iter().map(|y| y.year))
            .collect();
        let known = if years.is_empty() {
            "none has a cost basis for any year yet (add [[payment_agreement.year]])".to_string()
        } else {
            format!(
                "years with a cost basis: {}",
                years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(SettleError(format!(
            "cooperation \"{}\" has no payment agreement with a cost basis for {year}; {known}",
            doc.cooperation.id
        )));
    }
    for a in &agreements {
        // The parts sum exactly to each total (checked here once more, after all the steps).
        let budget_sum: u64 = a.payers.iter().map(|p| p.budget_minor).sum();
        if budget_sum != a.budget_minor {
            return Err(SettleError(format!(
                "internal check failed: budget parts of sub-agreement {} sum to {budget_sum}, not {}",
                a.sub_agreement, a.budget_minor
            )));
        }
    }
    Ok(Statement {
        cooperation: doc.cooperation.id.to_string(),
        year,
        currency,
        agreements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<PartyId> {
        (0..n)
            .map(|i| PartyId::parse(&format!("DK-01{i:02}")).unwrap())
            .collect()
    }

    fn bounded(
        total: u64,
        parts: &[u64],
        floors: &[Option<u64>],
        caps: &[Option<u64>],
    ) -> Result<Vec<u64>, SettleError> {
        apply_bounds(
            total,
            parts,
            floors,
            caps,
            &ids(parts.len()),
            "test",
            Amount::Budget,
        )
        .map(|(p, _, _)| p)
    }

    #[test]
    fn caps_and_floors_move_the_rest_to_the_others() {
        // A capped at 40: the other 60 split 30:20.
        assert_eq!(
            bounded(100, &[50, 30, 20], &[None; 3], &[Some(40), None, None]).unwrap(),
            [40, 36, 24]
        );
        // C raised to 30: 70 split 50:30 = 43.75 / 26.25; the leftover unit to the larger remainder (A).
        assert_eq!(
            bounded(100, &[50, 30, 20], &[None, None, Some(30)], &[None; 3]).unwrap(),
            [44, 26, 30]
        );
        // A capped at 50 pushes B over its cap of 35 in the next round; C takes the rest.
        assert_eq!(
            bounded(100, &[60, 30, 10], &[None; 3], &[Some(50), Some(35), None]).unwrap(),
            [50, 35, 15]
        );
        // Nothing out of bounds: unchanged.
        assert_eq!(
            bounded(
                100,
                &[50, 30, 20],
                &[Some(10), None, None],
                &[Some(60), None, None]
            )
            .unwrap(),
            [50, 30, 20]
        );
    }

    #[test]
    fn impossible_bounds_are_errors() {
        let err = bounded(100, &[50, 50], &[Some(60), Some(60)], &[None; 2])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("floors add up to 1.20, more than the cost 1.00"),
            "{err}"
        );
        let err = bounded(100, &[50, 50], &[None; 2], &[Some(40), Some(40)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("every payer is at its cap"), "{err}");
    }
}
