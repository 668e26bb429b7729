//! The annual report: one fact sheet per sub-agreement, written by the performing municipality,
//! reviewed by the delegating one, laid out by the report template in force that year.
//!
//! Templates are versioned (`ReportTemplate::version`, in force from `from`): the yearly
//! adjustment, e.g. Dragør–Tårnby's each February, is a new version, and the report on a year uses
//! the version in force at the end of that year. Both templates and fact sheets are journal facts
//! (not part of the agreement file), so every draft, submission and review is kept with who and
//! why.

use serde::{Deserialize, Serialize};

use crate::ids::{CooperationId, MunicipalityId, PartyId};
use crate::model::{
    CooperationDoc, Dispute, Evaluation, Fact, IssuedInvoice, Language, Names, SettlementLine,
    SettlementRecord, SubAgreement,
};
use crate::registry::Registry;
use crate::time::{Date, Interval};

/// One text section of a fact sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateSection {
    /// Slug id, e.g. `results`.
    pub id: String,
    /// Its heading.
    pub title: Names,
    /// What to write there, for the author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<Names>,
}

/// One key figure of a fact sheet (a whole number: cases, hours, units; money is the settlement's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FigureDef {
    /// Slug id, e.g. `cases`.
    pub id: String,
    /// Its label.
    pub title: Names,
    /// Whether the figure is an amount in minor units of the cooperation's currency.
    #[serde(default)]
    pub money: bool,
}

/// A version of the report template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportTemplate {
    /// 1, 2, …; version 0 is Samvirke's default, used until a cooperation records its own.
    pub version: u32,
    /// The day it comes into force.
    pub from: Date,
    /// The text sections, in order.
    pub sections: Vec<TemplateSection>,
    /// The key figures, in order.
    pub figures: Vec<FigureDef>,
    /// What changed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn names(da: &str, sv: &str, nb: &str, en: &str) -> Names {
    Names {
        da: Some(da.into()),
        sv: Some(sv.into()),
        nb: Some(nb.into()),
        en: Some(en.into()),
    }
}

impl ReportTemplate {
    /// Samvirke's default: the past year's results, the outlook for the short and the long term;
    /// cases, units delivered and cost.
    pub fn default_template() -> ReportTemplate {
        ReportTemplate {
            version: 0,
            from: Date::from_days_since_epoch(0),
            sections: vec![
                TemplateSection {
                    id: "results".into(),
                    title: names(
                        "Resultater i det forløbne år",
                        "Resultat under det gångna året",
                        "Resultater i året som gikk",
                        "Results of the past year",
                    ),
                    guidance: None,
                },
                TemplateSection {
                    id: "outlook-short".into(),
                    title: names(
                        "Forventninger på kort sigt",
                        "Utsikter på kort sikt",
                        "Utsikter på kort sikt",
                        "Outlook for the short term",
                    ),
                    guidance: None,
                },
                TemplateSection {
                    id: "outlook-long".into(),
                    title: names(
                        "Forventninger på lang sigt",
                        "Utsikter på lång sikt",
                        "Utsikter på lang sikt",
                        "Outlook for the long term",
                    ),
                    guidance: None,
                },
            ],
            figures: vec![
                FigureDef {
                    id: "cases".into(),
                    title: names("Sager", "Ärenden", "Saker", "Cases"),
                    money: false,
                },
                FigureDef {
                    id: "units".into(),
                    title: names(
                        "Leverede enheder",
                        "Levererade enheter",
                        "Leverte enheter",
                        "Units delivered",
                    ),
                    money: false,
                },
                FigureDef {
                    id: "cost".into(),
                    title: names("Omkostning", "Kostnad", "Kostnad", "Cost"),
                    money: true,
                },
            ],
            note: None,
        }
    }

    /// The problems of a template, each with the field it concerns (empty when it is sound).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.version == 0 {
            out.push((
                "version".into(),
                "version 0 is Samvirke's default; number your templates from 1".into(),
            ));
        }
        if self.sections.is_empty() {
            out.push((
                "sections".into(),
                "a template needs at least one section".into(),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (idx, id) in self
            .sections
            .iter()
            .map(|s| &s.id)
            .chain(self.figures.iter().map(|f| &f.id))
            .enumerate()
        {
            if !slug_ok(id) {
                out.push((
                    format!("id {idx}"),
                    format!("\"{id}\" is not a slug: use lower-case letters, digits and dashes"),
                ));
            }
            if !seen.insert(id.clone()) {
                out.push((
                    format!("id {idx}"),
                    format!("\"{id}\" is used twice; each section and figure needs its own id"),
                ));
            }
        }
        for s in &self.sections {
            if s.title.get(Language::En).is_empty() {
                out.push((
                    s.id.clone(),
                    "the section has no title; give one in at least one language".into(),
                ));
            }
        }
        for f in &self.figures {
            if f.title.get(Language::En).is_empty() {
                out.push((
                    f.id.clone(),
                    "the figure has no title; give one in at least one language".into(),
                ));
            }
        }
        out
    }
}

fn slug_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Where a fact sheet stands in its review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SheetState {
    /// Being written by the performing municipality.
    Draft,
    /// Handed to the delegating municipality for review.
    Submitted,
    /// Accepted by the delegating municipality.
    Approved,
    /// Sent back by the delegating municipality with a note.
    Returned,
}

impl SheetState {
    /// The written form.
    pub fn as_str(self) -> &'static str {
        match self {
            SheetState::Draft => "draft",
            SheetState::Submitted => "submitted",
            SheetState::Approved => "approved",
            SheetState::Returned => "returned",
        }
    }
}

/// One fact sheet: a sub-agreement's year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactSheet {
    /// The year reported on.
    pub year: i32,
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// The template version it was written to.
    pub template_version: u32,
    /// Text per section id.
    pub sections: Vec<(String, String)>,
    /// Value per figure id (money in minor units).
    pub figures: Vec<(String, i64)>,
    /// Where it stands.
    pub state: SheetState,
    /// The reviewer's note (why it was returned, or remarks on approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_note: Option<String>,
}

impl FactSheet {
    /// The text of a section.
    pub fn section(&self, id: &str) -> &str {
        self.sections
            .iter()
            .find(|(k, _)| k == id)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The journal's reason when the user gives none: which sheet, and where it now stands.
    pub fn default_reason(&self) -> String {
        format!(
            "fact sheet {} of {} {}",
            self.sub_agreement,
            self.year,
            self.state.as_str()
        )
    }

    /// The value of a figure.
    pub fn figure(&self, id: &str) -> Option<i64> {
        self.figures.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
    }
}

/// The longest text of one section, in characters: a fact sheet is a page or two, not a book.
pub const SECTION_CHARS_MAX: usize = 20_000;

/// A change to a fact sheet: the performing municipality saves and submits, the delegating one
/// approves or returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetAction {
    /// Write the draft: text per section id, value per figure id (`None`: not given).
    Save {
        /// Text per section.
        sections: Vec<(String, String)>,
        /// Value per figure.
        figures: Vec<(String, Option<i64>)>,
    },
    /// Hand the sheet to the delegating municipality.
    Submit,
    /// Accept it, with an optional remark.
    Approve {
        /// A remark.
        note: Option<String>,
    },
    /// Send it back with what to change.
    Return {
        /// What to change (required).
        note: String,
    },
}

impl SheetAction {
    /// Whether the performing municipality takes this step (else the delegating one).
    pub fn by_performer(&self) -> bool {
        matches!(self, SheetAction::Save { .. } | SheetAction::Submit)
    }
}

/// Applies `action` to the sheet of `sub_agreement`'s `year` (`current`, or none yet) under
/// `template`; every problem at once, each with its field.
pub fn apply_sheet_action(
    current: Option<&FactSheet>,
    template: &ReportTemplate,
    year: i32,
    sub_agreement: u32,
    action: SheetAction,
) -> Result<FactSheet, Vec<(String, String)>> {
    let state = current.map_or(SheetState::Draft, |c| c.state);
    let mut sheet = current.cloned().unwrap_or(FactSheet {
        year,
        sub_agreement,
        template_version: template.version,
        sections: Vec::new(),
        figures: Vec::new(),
        state: SheetState::Draft,
        review_note: None,
    });
    let refuse = |message: String| Err(vec![("state".to_string(), message)]);
    // Only a submitted sheet is reviewed.
    let unless_submitted = |verb: &str| {
        let what = match current {
            None => "not started",
            Some(_) if state == SheetState::Submitted => return None,
            Some(_) => state.as_str(),
        };
        Some(refuse(format!(
            "only a submitted sheet can be {verb}; this one is {what}"
        )))
    };
    match action {
        SheetAction::Save { sections, figures } => {
            if !matches!(state, SheetState::Draft | SheetState::Returned) {
                return refuse(format!(
                    "the sheet is {}; it can be changed again only if the delegating municipality returns it",
                    state.as_str()
                ));
            }
            let mut problems = Vec::new();
            for (id, text) in &sections {
                if !template.sections.iter().any(|t| &t.id == id) {
                    problems.push((id.clone(), format!(
                        "the template (version {}) has no section \"{id}\"; its sections are {}",
                        template.version,
                        template.sections.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
                    )));
                } else if text.chars().count() > SECTION_CHARS_MAX {
                    problems.push((
                        id.clone(),
                        format!(
                            "{} characters; a section holds at most {SECTION_CHARS_MAX}",
                            text.chars().count()
                        ),
                    ));
                }
            }
            for (id, _) in &figures {
                if !template.figures.iter().any(|f| &f.id == id) {
                    problems.push((id.clone(), format!(
                        "the template (version {}) has no key figure \"{id}\"; its figures are {}",
                        template.version,
                        template.figures.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            sheet.template_version = template.version;
            sheet.sections = template
                .sections
                .iter()
                .filter_map(|t| {
                    sections
                        .iter()
                        .find(|(id, _)| id == &t.id)
                        .map(|(id, text)| (id.clone(), text.trim().replace("\r\n", "\n")))
                })
                .filter(|(_, text)| !text.is_empty())
                .collect();
            sheet.figures = template
                .figures
                .iter()
                .filter_map(|f| {
                    figures
                        .iter()
                        .find(|(id, _)| id == &f.id)
                        .and_then(|(id, v)| v.map(|v| (id.clone(), v)))
                })
                .collect();
            sheet.state = SheetState::Draft;
        }
        SheetAction::Submit => {
            if !matches!(state, SheetState::Draft | SheetState::Returned) || current.is_none() {
                return refuse(match current {
                    None => "there is no draft to submit; write the sheet first".to_string(),
                    Some(_) => format!("the sheet is {} already", state.as_str()),
                });
            }
            let missing: Vec<(String, String)> = template
                .sections
                .iter()
                .filter(|t| sheet.section(&t.id).is_empty())
                .map(|t| (t.id.clone(), "empty; every section of the template is written before the sheet is submitted".to_string()))
                .collect();
            if !missing.is_empty() {
                return Err(missing);
            }
            sheet.state = SheetState::Submitted;
        }
        SheetAction::Approve { note } => {
            if let Some(refused) = unless_submitted("approved") {
                return refused;
            }
            sheet.state = SheetState::Approved;
            sheet.review_note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        }
        SheetAction::Return { note } => {
            if let Some(refused) = unless_submitted("returned") {
                return refused;
            }
            if note.trim().is_empty() {
                return Err(vec![(
                    "note".to_string(),
                    "say what is to be changed; the performing municipality reads it".to_string(),
                )]);
            }
            sheet.state = SheetState::Returned;
            sheet.review_note = Some(note.trim().to_string());
        }
    }
    Ok(sheet)
}

/// What a sub-agreement's part of the report holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetPart<'r> {
    /// The sub-agreement.
    pub sub_agreement: &'r SubAgreement,
    /// Who performs its services (the writers of the sheet).
    pub performers: Vec<PartyId>,
    /// For whom (the reviewers).
    pub delegating: Vec<MunicipalityId>,
    /// The sheet, if one has been started.
    pub sheet: Option<&'r FactSheet>,
    /// The settlement lines of this sub-agreement for the year, if a settlement was run.
    pub settlement: Vec<&'r SettlementLine>,
}

/// A cooperation's annual report on one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualReport<'r> {
    /// The cooperation.
    pub doc: &'r CooperationDoc,
    /// The year reported on.
    pub year: i32,
    /// The template in force at the end of the year.
    pub template: ReportTemplate,
    /// One part per sub-agreement in force at some time in the year, by number.
    pub parts: Vec<SheetPart<'r>>,
    /// The settlement run of the year, if any.
    pub settlement: Option<&'r SettlementRecord>,
}

impl AnnualReport<'_> {
    /// The report without the year's settlement (for a reader who may not see the
    /// cooperation's settlements).
    pub fn without_settlement(mut self) -> Self {
        self.settlement = None;
        for part in &mut self.parts {
            part.settlement.clear();
        }
        self
    }
}

fn year_interval(year: i32) -> Option<Interval> {
    let from = Date::from_ymd(year, 1, 1).ok()?;
    let to = Date::from_ymd(year + 1, 1, 1).ok()?;
    Interval::new(from, Some(to)).ok()
}

impl Registry {
    /// The report templates a cooperation has recorded, by version.
    pub fn report_templates(&self, cooperation: &CooperationId) -> Vec<&ReportTemplate> {
        let mut out: Vec<&ReportTemplate> = self
            .extra_facts(cooperation)
            .filter_map(|f| match f {
                Fact::ReportTemplate { template, .. } => Some(template),
                _ => None,
            })
            .collect();
        out.sort_by_key(|t| t.version);
        out
    }

    /// The template in force on the last day of `year` (the default when none is recorded).
    pub fn report_template_for(&self, cooperation: &CooperationId, year: i32) -> ReportTemplate {
        let last = Date::from_ymd(year, 12, 31).unwrap_or(Date::from_days_since_epoch(0));
        self.report_templates(cooperation)
            .into_iter()
            .filter(|t| t.from <= last)
            .max_by_key(|t| (t.from, t.version))
            .cloned()
            .unwrap_or_else(ReportTemplate::default_template)
    }

    /// The fact sheet of a sub-agreement's year, if one has been started.
    pub fn fact_sheet(
        &self,
        cooperation: &CooperationId,
        year: i32,
        sub_agreement: u32,
    ) -> Option<&FactSheet> {
        self.extra_facts(cooperation).find_map(|f| match f {
            Fact::FactSheet { sheet, .. }
                if sheet.year == year && sheet.sub_agreement == sub_agreement =>
            {
                Some(sheet)
            }
            _ => None,
        })
    }

    /// The report of `cooperation` on `year`; `None` for an unknown cooperation or a year outside
    /// the calendar.
    pub fn annual_report(
        &self,
        cooperation: &CooperationId,
        year: i32,
    ) -> Option<AnnualReport<'_>> {
        let doc = self.cooperation(cooperation)?;
        let span = year_interval(year)?;
        let settlement = self.extra_facts(cooperation).find_map(|f| match f {
            Fact::SettlementRun { run, .. } if run.year == year => Some(run),
            _ => None,
        });
        let parts = doc
            .sub_agreements
            .iter()
            // A placeholder is known only by its number: there is nothing to report on.
            .filter(|s| s.valid.overlaps(&span) && !s.placeholder)
            .map(|sub| {
                let delegations: Vec<_> = doc
                    .delegations
                    .iter()
                    .filter(|d| d.sub_agreement == Some(sub.number) && d.valid.overlaps(&span))
                    .collect();
                let mut performers: Vec<PartyId> =
                    delegations.iter().map(|d| d.performer.clone()).collect();
                performers.sort();
                performers.dedup();
                let mut delegating: Vec<MunicipalityId> = delegations
                    .iter()
                    .flat_map(|d| d.for_municipalities.iter().copied())
                    .collect();
                delegating.sort();
                delegating.dedup();
                SheetPart {
                    sub_agreement: sub,
                    performers,
                    delegating,
                    sheet: self.fact_sheet(cooperation, year, sub.number),
                    settlement: settlement
                        .map(|r| {
                            r.lines
                                .iter()
                                .filter(|l| l.sub_agreement == sub.number)
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        Some(AnnualReport {
            doc,
            year,
            template: self.report_template_for(cooperation, year),
            parts,
            settlement,
        })
    }
}

/// One year of a sub-agreement as its evaluation sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationYear {
    /// The year.
    pub year: i32,
    /// What the payers paid in the recorded settlement run (the actual cost, else the budget,
    /// less the savings credited), in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_minor: Option<i64>,
    /// The key figures of the year's fact sheet (money figures in minor units).
    pub figures: Vec<(String, i64)>,
    /// The cost per case, where the sheet gives a number of cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_case_minor: Option<i64>,
}

/// A sub-agreement's key figures, cost and evaluations over the years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationPart {
    /// The sub-agreement.
    pub sub_agreement: u32,
    /// Its title.
    pub title: String,
    /// Each year with a settlement run or a fact sheet, oldest first.
    pub years: Vec<EvaluationYear>,
    /// How the cost moved from the first year with a cost to the last, in whole percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_trend_percent: Option<i64>,
    /// The parties' evaluations of this sub-agreement, oldest first.
    pub evaluations: Vec<Evaluation>,
}

impl EvaluationSummary {
    /// The summary without the costs from the settlement runs (for a reader who may not see the
    /// cooperation's settlements); the sheets' own figures stay.
    pub fn without_costs(mut self) -> Self {
        for part in &mut self.parts {
            part.cost_trend_percent = None;
            for y in &mut part.years {
                y.cost_minor = None;
                y.cost_per_case_minor = None;
            }
        }
        self
    }
}

/// What an evaluation of a cooperation rests on: its purpose, per sub-agreement the key figures,
/// the yearly cost and its trend, and every party's evaluations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationSummary {
    /// The cooperation.
    pub cooperation: CooperationId,
    /// Its purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Per sub-agreement.
    pub parts: Vec<EvaluationPart>,
    /// The evaluations of the whole cooperation, oldest first.
    pub whole: Vec<Evaluation>,
}

/// The change from `first` to `last` in whole percent, rounded half away from zero.
fn percent_change(first: i64, last: i64) -> Option<i64> {
    if first == 0 {
        return None;
    }
    let diff = i128::from(last - first) * 100;
    let den = i128::from(first);
    let q = diff / den;
    let r = diff % den;
    let rounded = if 2 * r.abs() >= den.abs() {
        q + (diff.signum() * den.signum())
    } else {
        q
    };
    i64::try_from(rounded).ok()
}

impl Registry {
    /// The recorded settlement runs of a cooperation, by year.
    fn settlement_runs(&self, cooperation: &CooperationId) -> Vec<&SettlementRecord> {
        let mut runs: Vec<&SettlementRecord> = self
            .extra_facts(cooperation)
            .filter_map(|f| match f {
                Fact::SettlementRun { run, .. } => Some(run),
                _ => None,
            })
            .collect();
        runs.sort_by_key(|r| r.year);
        runs
    }

    /// The settlement run recorded for `cooperation` and `year`, if one is.
    pub fn settlement_run(
        &self,
        cooperation: &CooperationId,
        year: i32,
    ) -> Option<&SettlementRecord> {
        self.settlement_runs(cooperation)
            .into_iter()
            .find(|r| r.year == year)
    }

    /// The e-invoices and credit notes issued under `cooperation` for `year`, by number.
    pub fn invoices(&self, cooperation: &CooperationId, year: i32) -> Vec<&IssuedInvoice> {
        let mut out: Vec<&IssuedInvoice> = self
            .extra_facts(cooperation)
            .filter_map(|f| match f {
                Fact::Invoice { invoice, .. } if invoice.year == year => Some(invoice),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.number.cmp(&b.number));
        out
    }

    /// The disputes of `cooperation`, by number (open and answered).
    pub fn disputes(&self, cooperation: &CooperationId) -> Vec<&Dispute> {
        let mut out: Vec<&Dispute> = self
            .extra_facts(cooperation)
            .filter_map(|f| match f {
                Fact::Dispute { dispute, .. } => Some(dispute),
                _ => None,
            })
            .collect();
        out.sort_by_key(|d| d.number);
        out
    }

    /// The disputes of every cooperation: (cooperation, dispute), by cooperation and number. It
    /// looks only at the cooperations that have disputes.
    pub fn all_disputes(&self) -> Vec<(&CooperationDoc, &Dispute)> {
        self.disputed_cooperations()
            .flat_map(|doc| {
                self.disputes(&doc.cooperation.id)
                    .into_iter()
                    .map(move |d| (doc, d))
            })
            .collect()
    }

    /// The years of `cooperation` with a cost basis in a payment agreement or a recorded run,
    /// oldest first.
    pub fn settlement_years(&self, cooperation: &CooperationId) -> Vec<i32> {
        let mut years: Vec<i32> = self
            .cooperation(cooperation)
            .map(|d| {
                d.payment_agreements
                    .iter()
                    .flat_map(|p| p.years.iter().map(|y| y.year))
                    .collect()
            })
            .unwrap_or_default();
        years.extend(self.settlement_runs(cooperation).iter().map(|r| r.year));
        years.sort_unstable();
        years.dedup();
        years
    }

    /// What an evaluation of `cooperation` rests on (`samvirke evaluate`).
    pub fn evaluation_summary(&self, cooperation: &CooperationId) -> Option<EvaluationSummary> {
        let doc = self.cooperation(cooperation)?;
        let runs = self.settlement_runs(cooperation);
        let sheets: Vec<&FactSheet> = self
            .extra_facts(cooperation)
            .filter_map(|f| match f {
                Fact::FactSheet { sheet, .. } => Some(sheet),
                _ => None,
            })
            .collect();
        let parts = doc
            .sub_agreements
            .iter()
            .filter(|sub| !sub.placeholder)
            .map(|sub| {
                let mut years: Vec<i32> = runs
                    .iter()
                    .filter(|r| r.lines.iter().any(|l| l.sub_agreement == sub.number))
                    .map(|r| r.year)
                    .chain(
                        sheets
                            .iter()
                            .filter(|s| s.sub_agreement == sub.number)
                            .map(|s| s.year),
                    )
                    .collect();
                years.sort_unstable();
                years.dedup();
                let years: Vec<EvaluationYear> = years
                    .into_iter()
                    .map(|year| {
                        let cost_minor = runs.iter().find(|r| r.year == year).and_then(|r| {
                            let lines: Vec<&SettlementLine> = r
                                .lines
                                .iter()
                                .filter(|l| l.sub_agreement == sub.number)
                                .collect();
                            (!lines.is_empty()).then(|| {
                                lines
                                    .iter()
                                    .map(|l| {
                                        l.actual_minor.unwrap_or(l.budget_minor) as i64
                                            - l.savings_minor as i64
                                    })
                                    .sum()
                            })
                        });
                        let figures = sheets
                            .iter()
                            .find(|s| s.sub_agreement == sub.number && s.year == year)
                            .map(|s| s.figures.clone())
                            .unwrap_or_default();
                        let cases = figures
                            .iter()
                            .find(|(id, _)| id == "cases")
                            .map(|(_, n)| *n)
                            .filter(|n| *n > 0);
                        let cost_per_case_minor = match (cost_minor, cases) {
                            (Some(c), Some(n)) => Some(c / n),
                            _ => None,
                        };
                        EvaluationYear {
                            year,
                            cost_minor,
                            figures,
                            cost_per_case_minor,
                        }
                    })
                    .collect();
                let costs: Vec<i64> = years.iter().filter_map(|y| y.cost_minor).collect();
                let cost_trend_percent = match (costs.first(), costs.last()) {
                    (Some(first), Some(last)) if costs.len() >= 2 => percent_change(*first, *last),
                    _ => None,
                };
                EvaluationPart {
                    sub_agreement: sub.number,
                    title: sub.title.clone(),
                    years,
                    cost_trend_percent,
                    evaluations: doc
                        .evaluations
                        .iter()
                        .filter(|e| e.sub_agreement == Some(sub.number))
                        .cloned()
                        .collect(),
                }
            })
            .collect();
        Some(EvaluationSummary {
            cooperation: cooperation.clone(),
            purpose: doc.cooperation.purpose.clone(),
            parts,
            whole: doc
                .evaluations
                .iter()
                .filter(|e| e.sub_agreement.is_none())
                .cloned()
                .collect(),
        })
    }

    /// What `party` paid under `cooperation` in the last recorded settlement run: the year and
    /// the amount in minor units (the actual cost, else the budget, less the savings credited).
    pub fn last_cost_of(&self, cooperation: &CooperationId, party: &PartyId) -> Option<(i32, i64)> {
        let run = self.settlement_runs(cooperation).into_iter().last()?;
        let payer = party.to_string();
        let lines: Vec<&SettlementLine> = run.lines.iter().filter(|l| l.payer == payer).collect();
        (!lines.is_empty()).then(|| {
            (
                run.year,
                lines
                    .iter()
                    .map(|l| {
                        l.actual_minor.unwrap_or(l.budget_minor) as i64 - l.savings_minor as i64
                    })
                    .sum(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cost_trend_is_rounded_half_away_from_zero() {
        assert_eq!(percent_change(115_479_452, 130_000_000), Some(13));
        assert_eq!(percent_change(200, 201), Some(1));
        assert_eq!(percent_change(200, 199), Some(-1));
        assert_eq!(percent_change(300, 301), Some(0));
        assert_eq!(percent_change(0, 5), None);
    }

    #[test]
    fn a_sheet_is_written_submitted_returned_and_approved_in_order() {
        let t = ReportTemplate::default_template();
        let save = |sections: &[(&str, &str)], figures: &[(&str, Option<i64>)]| SheetAction::Save {
            sections: sections
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            figures: figures.iter().map(|(a, b)| (a.to_string(), *b)).collect(),
        };
        // Nothing to submit, approve or return before a draft exists.
        assert!(apply_sheet_action(None, &t, 2026, 3, SheetAction::Submit).is_err());
        assert!(
            apply_sheet_action(None, &t, 2026, 3, SheetAction::Approve { note: None }).is_err()
        );
        let draft = apply_sheet_action(
            None,
            &t,
            2026,
            3,
            save(
                &[("results", "Godt år.\r\n\r\nFlere sager.")],
                &[("cases", Some(120)), ("units", None)],
            ),
        )
        .unwrap();
        assert_eq!(draft.state, SheetState::Draft);
        assert_eq!(draft.section("results"), "Godt år.\n\nFlere sager.");
        assert_eq!(draft.figures, [("cases".to_string(), 120)]);
        // Submitting needs every section.
        let missing =
            apply_sheet_action(Some(&draft), &t, 2026, 3, SheetAction::Submit).unwrap_err();
        let fields: Vec<&str> = missing.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["outlook-short", "outlook-long"]);
        // Unknown ids are named with the template's own.
        let bad = apply_sheet_action(
            Some(&draft),
            &t,
            2026,
            3,
            save(&[("resultater", "x")], &[("sager", Some(1))]),
        )
        .unwrap_err();
        assert!(
            bad[0]
                .1
                .contains("its sections are results, outlook-short, outlook-long"),
            "{bad:?}"
        );
        assert!(
            bad[1].1.contains("its figures are cases, units, cost"),
            "{bad:?}"
        );
        let full = apply_sheet_action(
            Some(&draft),
            &t,
            2026,
            3,
            save(
                &[
                    ("results", "a"),
                    ("outlook-short", "b"),
                    ("outlook-long", "c"),
                ],
                &[],
            ),
        )
        .unwrap();
        let submitted = apply_sheet_action(Some(&full), &t, 2026, 3, SheetAction::Submit).unwrap();
        assert_eq!(submitted.state, SheetState::Submitted);
        // A submitted sheet is not edited; it is returned with a note, or approved.
        assert!(
            apply_sheet_action(
                Some(&submitted),
                &t,
                2026,
                3,
                save(&[("results", "x")], &[])
            )
            .unwrap_err()[0]
                .1
                .contains("returns it")
        );
        assert_eq!(
            apply_sheet_action(
                Some(&submitted),
                &t,
                2026,
                3,
                SheetAction::Return { note: " ".into() }
            )
            .unwrap_err()[0]
                .0,
            "note"
        );
        let returned = apply_sheet_action(
            Some(&submitted),
            &t,
            2026,
            3,
            SheetAction::Return {
                note: "Tilføj ventetider".into(),
            },
        )
        .unwrap();
        assert_eq!(returned.state, SheetState::Returned);
        assert_eq!(returned.review_note.as_deref(), Some("Tilføj ventetider"));
        let again = apply_sheet_action(Some(&returned), &t, 2026, 3, SheetAction::Submit).unwrap();
        let approved = apply_sheet_action(
            Some(&again),
            &t,
            2026,
            3,
            SheetAction::Approve {
                note: Some("Fint".into()),
            },
        )
        .unwrap();
        assert_eq!(approved.state, SheetState::Approved);
        assert!(
            apply_sheet_action(
                Some(&approved),
                &t,
                2026,
                3,
                SheetAction::Return { note: "x".into() }
            )
            .is_err()
        );
        assert!(SheetAction::Submit.by_performer());
        assert!(!SheetAction::Approve { note: None }.by_performer());
    }

    #[test]
    fn the_default_template_is_sound_and_recorded_ones_are_checked() {
        let default = ReportTemplate::default_template();
        assert_eq!(
            default.problems(),
            [(
                "version".to_string(),
                "version 0 is Samvirke's default; number your templates from 1".to_string()
            )]
        );
        let mut t = ReportTemplate {
            version: 1,
            ..default
        };
        assert!(t.problems().is_empty());
        t.figures[0].id = "results".into();
        t.sections[1].id = "Outlook".into();
        let problems: Vec<String> = t.problems().into_iter().map(|(_, m)| m).collect();
        assert!(
            problems.iter().any(|m| m.contains("used twice")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|m| m.contains("not a slug")),
            "{problems:?}"
        );
    }
}
