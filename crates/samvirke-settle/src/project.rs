//! A joint project's cost split over its participants, year by year, by the settlement engine:
//! the project becomes one payment agreement (its participants the payers, its lead the payee,
//! its key or equal shares) and `settle_year` splits each year's budget and actual cost with the
//! largest-remainder rule, so the shares sum exactly to the budget and every rounding step is
//! explained.

use samvirke_core::model::{AllocationKey, CooperationDoc, KeyShare, PaymentAgreement, Project};
use samvirke_core::{Date, Interval};
use serde::Serialize;

use crate::statement::{PayerLine, SettleError, settle_year};

/// A project's year settled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectYear {
    /// The year.
    pub year: i32,
    /// The currency.
    pub currency: String,
    /// The budget.
    pub budget_minor: u64,
    /// The actual cost, once the year is closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_minor: Option<u64>,
    /// Each participant's share, in id order.
    pub shares: Vec<ProjectShare>,
}

/// One participant's share of a project's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectShare {
    /// The participant.
    pub party: String,
    /// Its weight in the key (1 each for equal shares, residents, or parts).
    pub weight: u64,
    /// Its share of the budget.
    pub budget_minor: u64,
    /// Its share of the actual cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_minor: Option<u64>,
    /// How the share came about: the key, the formula and every rounding step.
    pub rounding: Vec<String>,
}

/// The key a project splits its cost by: its own, or one part each.
pub fn key_of(project: &Project) -> AllocationKey {
    project.key.clone().unwrap_or_else(|| AllocationKey::Fixed {
        shares: project
            .participants
            .iter()
            .map(|p| KeyShare {
                party: p.clone(),
                parts: 1,
            })
            .collect(),
    })
}

/// Every year of `project` with a budget, settled.
pub fn settle(doc: &CooperationDoc, project: &Project) -> Result<Vec<ProjectYear>, SettleError> {
    let Some(payee) = project
        .lead
        .clone()
        .or_else(|| project.participants.first().cloned())
    else {
        return Err(SettleError(format!(
            "project \"{}\" has no participants to share its cost",
            project.id
        )));
    };
    // A project without dates is open-ended: each of its years is settled whole.
    let valid = match project.valid {
        Some(v) => v,
        None => {
            let from = Date::from_ymd(1900, 1, 1).map_err(|e| SettleError(e.to_string()))?;
            Interval::new(from, None).map_err(|e| SettleError(e.to_string()))?
        }
    };
    let mut virtual_doc = CooperationDoc::new(doc.cooperation.clone());
    virtual_doc.payment_agreements.push(PaymentAgreement {
        sub_agreement: 1,
        valid,
        payers: project.participants.clone(),
        payee,
        currency: project.currency.clone(),
        principle: project.name.clone(),
        key: Some(key_of(project)),
        aconto: None,
        aconto_due_day: None,
        years: project.years.clone(),
        floors: Vec::new(),
        caps: Vec::new(),
        vat: None,
        payment_days: None,
        dispute_days: None,
        note: None,
    });
    let mut out = Vec::new();
    for y in &project.years {
        let statement = settle_year(&virtual_doc, y.year, &[])?;
        let Some(a) = statement.agreements.into_iter().next() else {
            continue;
        };
        out.push(ProjectYear {
            year: y.year,
            currency: statement.currency,
            budget_minor: a.budget_minor,
            actual_minor: a.actual_minor,
            shares: a.payers.into_iter().map(share).collect(),
        });
    }
    Ok(out)
}

fn share(p: PayerLine) -> ProjectShare {
    ProjectShare {
        party: p.payer,
        weight: p.weight,
        budget_minor: p.budget_minor,
        actual_minor: p.actual_minor,
        rounding: p.explanation.rounding,
    }
}
