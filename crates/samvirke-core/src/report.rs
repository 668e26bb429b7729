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
    CooperationDoc, Fact, Language, Names, SettlementLine, SettlementRecord, SubAgreement,
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

    /// The value of a figure.
    pub fn figure(&self, id: &str) -> Option<i64> {
        self.figures.iter().find(|(k, _)| k == id).map(|(_, v)| *v)
    }
}

/// The longest text of one section, in characters: a fact sheet is a page or two, not a book.
pub const SECTION_CHARS_MAX: usize = 20_000;

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
            .filter(|s| s.valid.overlaps(&span))
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

#[cfg(test)]
mod tests {
    use super::*;

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
