//! How a settlement came about, as data: the key and its inputs per payer, every split with each
//! payer's base, remainder, rank and extra øre, the floors and caps applied, and the savings worked
//! out by days. `samvirke-report` says these in the reader's language (the web's statement and
//! "explain my bill" pages, `samvirke settle --explain`); nothing here is words.

use samvirke_core::Date;
use samvirke_core::model::MonthUsage;
use serde::Serialize;

use crate::allocate::Allocation;

/// The key a payment agreement split its cost by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyUsed {
    /// Fixed parts per payer.
    Fixed,
    /// Residents on a reference date.
    Population {
        /// The date the numbers describe.
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        reference_date: Date,
        /// Where they come from.
        source: String,
    },
    /// Units of activity in the year.
    Usage {
        /// What a unit is.
        unit: String,
    },
    /// A fixed part by parts, the rest by usage.
    Hybrid {
        /// The fixed part, in basis points.
        fixed_basis_points: u32,
        /// What a usage unit is.
        unit: String,
    },
}

/// One payer's numbers in the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyInput {
    /// The payer.
    pub payer: String,
    /// Its parts (a fixed or hybrid key) or residents (a population key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<u64>,
    /// Its activity rows dated in the year (a usage or hybrid key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_rows: Option<u64>,
    /// Its units in those rows, in hundredths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_hundredths: Option<u64>,
    /// The same per month (the months with rows).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub usage_months: Vec<MonthUsage>,
}

/// Which amount of the year is split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    /// The budget (the aconto basis).
    Budget,
    /// The actual cost, once the year is closed.
    Actual,
    /// The payers' share of the savings.
    Savings,
}

/// Which part of a hybrid key's amount is split (the whole amount under any other key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Portion {
    /// The whole amount.
    Whole,
    /// The fixed part.
    Fixed,
    /// The usage part.
    Usage,
}

/// One payer in a split: ⌊C·w ÷ W⌋, the remainder C·w mod W, its rank among the remainders and
/// whether it got one of the units left over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareStep {
    /// The payer.
    pub payer: String,
    /// Its weight.
    pub weight: u64,
    /// ⌊C·w ÷ W⌋ in minor units.
    pub base_minor: u64,
    /// C·w mod W (what decides the extra unit).
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub remainder: u128,
    /// 1 for the largest remainder; ties go to the lower id.
    pub rank: u32,
    /// Whether it got one of the units left over.
    pub extra: bool,
    /// base + extra.
    pub amount_minor: u64,
}

/// One step of how an amount was split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// An amount split by weights with the largest-remainder rule.
    Split {
        /// Which amount.
        amount: Amount,
        /// Which part of it.
        portion: Portion,
        /// C, in minor units.
        total_minor: u64,
        /// W, the sum of the weights.
        #[cfg_attr(feature = "openapi", schema(value_type = u64))]
        total_weight: u128,
        /// The units the bases leave, given to the largest remainders.
        leftover: u64,
        /// Per payer, in id order.
        shares: Vec<ShareStep>,
    },
    /// A hybrid key's amount divided into its fixed and usage parts.
    Portions {
        /// Which amount.
        amount: Amount,
        /// The whole, in minor units.
        total_minor: u64,
        /// The fixed part's percentage, in basis points.
        fixed_basis_points: u32,
        /// The fixed part.
        fixed_minor: u64,
        /// The usage part.
        usage_minor: u64,
    },
    /// A payer's part moved to its floor or cap.
    Bound {
        /// Which amount.
        amount: Amount,
        /// The payer.
        payer: String,
        /// Its part before.
        from_minor: u64,
        /// Its part after.
        to_minor: u64,
        /// Raised to a floor (else lowered to a cap).
        floor: bool,
    },
    /// What the bounded payers leave, split again over the others by their parts before.
    Resplit {
        /// Which amount.
        amount: Amount,
        /// The rest, in minor units.
        rest_minor: u64,
        /// Who shares it.
        payers: Vec<String>,
    },
}

impl Step {
    /// A split as the allocation made it, the payers in the allocation's order.
    pub fn split(
        amount: Amount,
        portion: Portion,
        allocation: &Allocation,
        payers: &[String],
    ) -> Step {
        Step::Split {
            amount,
            portion,
            total_minor: allocation.total,
            total_weight: allocation.total_weight,
            leftover: allocation.leftover,
            shares: payers
                .iter()
                .zip(&allocation.shares)
                .map(|(payer, s)| ShareStep {
                    payer: payer.clone(),
                    weight: s.weight,
                    base_minor: s.base,
                    remainder: s.remainder,
                    rank: s.rank,
                    extra: s.extra,
                    amount_minor: s.amount,
                })
                .collect(),
        }
    }

    /// The amount the step is about.
    pub fn amount(&self) -> Amount {
        match self {
            Step::Split { amount, .. }
            | Step::Portions { amount, .. }
            | Step::Bound { amount, .. }
            | Step::Resplit { amount, .. } => *amount,
        }
    }
}

/// A saving credited to the payers in the year: its yearly amount by the days it applies, then
/// the payers' percentage of that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavingStep {
    /// What the saving is, in the agreement's words.
    pub note: String,
    /// The first day it applies.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub effective: Date,
    /// The saving over a whole year.
    pub annual_minor: u64,
    /// The days of the year it applies.
    pub days_in: u64,
    /// The days of the year.
    pub days: u64,
    /// annual × days_in ÷ days (largest remainder).
    pub pro_rata_minor: u64,
    /// The payers' percentage, in basis points.
    pub share_basis_points: u32,
    /// The payers' part.
    pub payers_minor: u64,
}
