//! The register of complaints and access requests: what a case is, where the agreement sends it,
//! and the statutory clocks it runs against (`data/obligations/case_clocks.toml`, compiled in).
//!
//! A case holds as little personal data as it can: the handling authority's own case reference
//! (never a national identity number, which [`CaseReference::parse`] refuses), the service, the
//! date of the decision and the citizen's municipality. Routing asks the resolver who handled the
//! service for that municipality on the decision's date, so a complaint about a Dragør decision
//! from 2020 goes to Tårnby and one from 2022 to Dragør.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::calendar::{Shift, add_working_days, shift_to_working_day};
use crate::due::add_months;
use crate::ids::{Country, MunicipalityId};
use crate::model::{Language, Names};
use crate::registry::{Registry, ResolveError};
use crate::resolver::{Answer, BasisStep, Body};
use crate::statutory::Certainty;
use crate::time::{Date, TimeError};

const DATA: &str = include_str!("../../../data/obligations/case_clocks.toml");

/// What a case is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A complaint (appeal) about a decision.
    Complaint,
    /// A request for access to documents (aktindsigt, allmän handling, innsyn).
    DocumentAccess,
    /// A data subject's access request under GDPR article 15.
    GdprAccess,
}

impl CaseKind {
    /// Every kind.
    pub const ALL: &'static [CaseKind] = &[
        CaseKind::Complaint,
        CaseKind::DocumentAccess,
        CaseKind::GdprAccess,
    ];

    /// The written form.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::Complaint => "complaint",
            CaseKind::DocumentAccess => "document_access",
            CaseKind::GdprAccess => "gdpr_access",
        }
    }

    /// Reads the written form.
    pub fn parse(text: &str) -> Result<CaseKind, String> {
        CaseKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "unknown kind of case \"{text}\"; use complaint (about a decision), document_access (aktindsigt, allmän handling, innsyn) or gdpr_access (GDPR article 15)"
                )
            })
    }

    /// Whether the case goes to the body for complaints (else the one for access requests).
    pub fn is_complaint(self) -> bool {
        self == CaseKind::Complaint
    }
}

impl fmt::Display for CaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A length of time from the day of receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Span {
    /// Calendar months (the same day of the month, or the month's last day).
    Months(u32),
    /// Calendar weeks (seven days each).
    Weeks(u32),
    /// Calendar days.
    Days(u32),
    /// Working days of the country's calendar, the day of receipt not counted.
    WorkingDays(u32),
}

impl Span {
    /// The day this span after `day` under the calendar of `country` (not yet moved off a
    /// non-working day).
    pub fn after(self, country: Country, day: Date) -> Result<Date, TimeError> {
        match self {
            Span::Months(n) => add_months(day, n as i32),
            Span::Weeks(n) => Ok(Date::from_days_since_epoch(
                day.days_since_epoch() + 7 * n as i32,
            )),
            Span::Days(n) => Ok(Date::from_days_since_epoch(
                day.days_since_epoch() + n as i32,
            )),
            Span::WorkingDays(n) => add_working_days(country, day, n),
        }
    }
}

/// Whether the law sets the number or only says "without undue delay".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// The law sets the time.
    Statute,
    /// The law says "promptly"; the time is the outer edge of the ombudsman's practice.
    Guidance,
}

/// One statutory clock.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clock {
    /// Stable id.
    pub id: String,
    /// The countries whose law it is.
    pub countries: Vec<Country>,
    /// The kinds of case it runs for.
    pub kinds: Vec<CaseKind>,
    /// What must have happened by the due date.
    pub title: Names,
    /// The time from receipt.
    pub span: Span,
    /// The further time the law allows when the requester is told in time.
    #[serde(default)]
    pub extension: Option<Span>,
    /// A due date on a non-working day moves this way.
    #[serde(default = "later")]
    pub shift: Shift,
    /// Whether the law sets the time.
    pub binding: Binding,
    /// The law and section as the law writes it ("offentlighedsloven § 36, stk. 2").
    pub law: String,
    /// The law and section and what it requires, in English.
    pub reference: String,
    /// The public source it was checked against.
    pub source: String,
    /// Whether anything in it is unsure.
    pub certainty: Certainty,
    /// What is unsure, or anything else a reader must know.
    #[serde(default)]
    pub note: Option<String>,
}

fn later() -> Shift {
    Shift::Later
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: u32,
    clock: Vec<Clock>,
}

fn parse_clocks(text: &str) -> Result<Vec<Clock>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    if file.format != 1 {
        return Err(format!("format {} is not 1", file.format));
    }
    Ok(file.clock)
}

/// Every clock in the file (the tests below parse it, so it is never empty in a build that passed).
pub fn clocks() -> &'static [Clock] {
    static ALL: OnceLock<Vec<Clock>> = OnceLock::new();
    ALL.get_or_init(|| parse_clocks(DATA).unwrap_or_default())
}

/// A due date of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDue {
    /// The clock's id.
    pub clock: String,
    /// What must have happened, in the language asked for.
    pub title: String,
    /// The day (moved to a working day as the clock says).
    pub due: Date,
    /// Whether the extension the law allows is counted in `due`.
    pub extended: bool,
    /// `statute` or `guidance`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub binding: Binding,
    /// The law and section as the law writes it, in the language of the case's country.
    pub law: String,
    /// The law and section and what it requires, in English.
    pub reference: String,
    /// Whether something in the rule is unsure (see the clocks file).
    pub unsure: bool,
}

/// The due dates of a case of `kind` received on `received`, under the law of `country`, earliest
/// first. `extended` counts the extension where the clock has one (a clock without one ignores it).
pub fn due_dates(
    country: Country,
    kind: CaseKind,
    received: Date,
    extended: bool,
    language: Language,
) -> Result<Vec<CaseDue>, TimeError> {
    let mut out = Vec::new();
    for clock in clocks()
        .iter()
        .filter(|c| c.countries.contains(&country) && c.kinds.contains(&kind))
    {
        let mut due = clock.span.after(country, received)?;
        let extended = extended && clock.extension.is_some();
        if let (true, Some(extension)) = (extended, clock.extension) {
            due = extension.after(country, due)?;
        }
        out.push(CaseDue {
            clock: clock.id.clone(),
            title: clock.title.get(language).to_string(),
            due: shift_to_working_day(country, due, clock.shift)?,
            extended,
            binding: clock.binding,
            law: clock.law.clone(),
            reference: clock.reference.clone(),
            unsure: clock.certainty == Certainty::Unsure,
        });
    }
    out.sort_by_key(|d| d.due);
    Ok(out)
}

/// What is wrong with the dates of a case being registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// A complaint received before the decision it is about.
    ReceivedBeforeDecision,
    /// Received after `today`: the clocks would run from a day that has not come.
    ReceivedInFuture,
}

/// Checks the dates of a case of `kind` decided on `decided` and received on `received`, on
/// `today`.
pub fn check_dates(
    kind: CaseKind,
    decided: Date,
    received: Date,
    today: Date,
) -> Option<DateProblem> {
    if received > today {
        return Some(DateProblem::ReceivedInFuture);
    }
    if kind.is_complaint() && received < decided {
        return Some(DateProblem::ReceivedBeforeDecision);
    }
    None
}

/// Whether a case of `kind` under the law of `country` can be given more time.
pub fn can_extend(country: Country, kind: CaseKind) -> bool {
    clocks()
        .iter()
        .any(|c| c.countries.contains(&country) && c.kinds.contains(&kind) && c.extension.is_some())
}

/// The handling authority's reference for a case: its own case number, never a national identity
/// number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CaseReference(String);

/// The longest reference accepted.
pub const CASE_REFERENCE_CHARS_MAX: usize = 64;

impl CaseReference {
    /// Accepts 1–64 printable characters that do not contain what looks like a Danish CPR number,
    /// a Swedish personnummer or a Norwegian fødselsnummer.
    pub fn parse(text: &str) -> Result<CaseReference, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the case reference is empty; give the case number from your case system (e.g. 27.15.00-G01-123-26)".into());
        }
        if text.chars().count() > CASE_REFERENCE_CHARS_MAX {
            return Err(format!(
                "the case reference has {} characters; at most {CASE_REFERENCE_CHARS_MAX} are kept, so give the case number only",
                text.chars().count()
            ));
        }
        if text.chars().any(char::is_control) {
            return Err("the case reference contains a control character (a line break or tab); give it on one line".into());
        }
        if let Some(found) = national_id_in(text) {
            return Err(format!(
                "the case reference contains \"{found}\", which looks like a national identity number (CPR, personnummer or fødselsnummer); the register keeps no identity numbers: give the case number from your case system instead"
            ));
        }
        Ok(CaseReference(text.to_string()))
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn plausible_date(year: u32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month)
        && day >= 1
        && day <= crate::time::days_in_month(year as i32 + if year < 100 { 1900 } else { 0 }, month)
}

/// The first run in `text` shaped like a national identity number: DDMMYY or YYMMDD (with or
/// without a `-`, `+` or space) and four digits (DK CPR, SE personnummer), YYYYMMDD and four digits
/// (SE), or DDMMYY and five digits (NO fødselsnummer); the date part must be a real day.
fn national_id_in(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let n_chars = chars.len();
    let mut start = 0;
    while start < n_chars {
        let starts_run = chars.get(start).is_some_and(char::is_ascii_digit)
            && (start == 0 || chars.get(start - 1).is_some_and(|c| !c.is_ascii_digit()));
        if !starts_run {
            start += 1;
            continue;
        }
        // The digits from `start`, allowing one separator, up to the end of the digit run.
        let mut digits = String::new();
        let mut separators = 0;
        let mut end = start;
        while let Some(&c) = chars.get(end) {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if matches!(c, '-' | '+' | ' ')
                && separators == 0
                && chars.get(end + 1).is_some_and(char::is_ascii_digit)
                && (digits.len() == 6 || digits.len() == 8)
            {
                separators += 1;
            } else {
                break;
            }
            end += 1;
        }
        if looks_like_national_id(&digits) {
            return Some(chars.get(start..end)?.iter().collect());
        }
        start = end.max(start + 1);
    }
    None
}

fn looks_like_national_id(digits: &str) -> bool {
    let num = |range: std::ops::Range<usize>| -> u32 {
        digits.get(range).and_then(|t| t.parse().ok()).unwrap_or(0)
    };
    match digits.len() {
        // DDMMYY-SSSS (DK) or YYMMDD-NNNN (SE).
        10 => {
            plausible_date(num(4..6), num(2..4), num(0..2))
                || plausible_date(num(0..2), num(2..4), num(4..6))
        }
        // DDMMYYIIIKK (NO).
        11 => plausible_date(num(4..6), num(2..4), num(0..2)),
        // YYYYMMDD-NNNN (SE).
        12 => (1850..=2100).contains(&num(0..4)) && plausible_date(num(0..4), num(4..6), num(6..8)),
        _ => false,
    }
}

/// Where a case goes, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Routing {
    /// The service, by its id.
    pub service: String,
    /// The body that handles the case (the agreement's complaint or access-request body on the
    /// decision's date, or the performer when the agreement names none).
    pub handled_by: Body,
    /// The municipality whose staff handle it: the body, if it is a municipality, else the
    /// performer.
    pub handling_municipality: Option<MunicipalityId>,
    /// The citizen's municipality on the decision's date (the delegating municipality when the
    /// service was delegated).
    pub citizen_municipality: MunicipalityId,
    /// Who performed the service on the decision's date.
    pub responsible: String,
    /// The proof chain, from cooperation to delegation (or the take-back).
    pub basis: Vec<BasisStep>,
}

impl Routing {
    /// The proof chain in one line, in English (see [`RoutingRecord::summary`]).
    pub fn basis_summary(&self) -> String {
        self.record().summary()
    }

    /// The proof chain as the register keeps it: each step with its parts, so that a page can
    /// say it in the reader's language long after the registry has changed.
    pub fn record(&self) -> RoutingRecord {
        RoutingRecord::Steps(
            self.basis
                .iter()
                .map(|step| StepRecord {
                    step: step.step.to_string(),
                    id: step.id.clone(),
                    text: step.text.clone(),
                    args: step
                        .args
                        .iter()
                        .map(|(k, v)| ((*k).to_string(), v.clone()))
                        .collect(),
                })
                .collect(),
        )
    }

    /// The municipalities whose staff may see the case: the handling one and the citizen's.
    pub fn visible_to(&self) -> Vec<MunicipalityId> {
        let mut out = vec![self.citizen_municipality];
        if let Some(m) = self.handling_municipality
            && m != self.citizen_municipality
        {
            out.push(m);
        }
        out
    }
}

/// One step of a case's proof chain as the register keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRecord {
    /// `cooperation`, `main_agreement`, `sub_agreement`, `delegation`, `take_back` or
    /// `own_performer`.
    pub step: String,
    /// The thing's id or number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What the step said, in English.
    pub text: String,
    /// Its parts, for saying it in another language (message `basis-{step}[-{variant}]`), as
    /// `[name, value]` pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub args: Vec<(String, String)>,
}

/// Why a case went where it did, as the register keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoutingRecord {
    /// The proof chain, step by step (every case registered since the register kept steps).
    Steps(Vec<StepRecord>),
    /// An English line, as cases registered before kept it.
    Text(String),
}

impl RoutingRecord {
    /// The proof chain in one English line: the agreement's parts by number, then what the last
    /// step says (without the notes that follow a colon), e.g. `cooperation dragoer-taarnby →
    /// main agreement 2 → sub-agreement 1 → DK-0185 Tårnby performs "genoptraening-sel86" for
    /// DK-0155 Dragør`.
    pub fn summary(&self) -> String {
        let steps = match self {
            RoutingRecord::Steps(steps) => steps,
            RoutingRecord::Text(text) => return text.clone(),
        };
        let n_steps = steps.len();
        steps
            .iter()
            .enumerate()
            .map(|(idx, step)| {
                let label = match step.step.as_str() {
                    "cooperation" => Some("cooperation"),
                    "main_agreement" => Some("main agreement"),
                    "sub_agreement" => Some("sub-agreement"),
                    _ => None,
                };
                match (label, &step.id) {
                    (Some(label), Some(id)) if idx + 1 < n_steps => format!("{label} {id}"),
                    _ => step
                        .text
                        .split_once("): ")
                        .map_or(step.text.clone(), |(head, _)| format!("{head})")),
                }
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// Routes a case of `kind` about `service` for a resident of `municipality`, decided (or, for an
/// access request, concerning the service as it was) on `decided_on`.
pub fn route(
    registry: &Registry,
    kind: CaseKind,
    municipality: MunicipalityId,
    service: &str,
    decided_on: Date,
) -> Result<Routing, ResolveError> {
    let answer: Answer = registry.who(municipality, service, decided_on, None)?;
    let handled_by = match kind {
        CaseKind::Complaint => answer.complaints_to,
        CaseKind::DocumentAccess => answer.documents_access_to,
        CaseKind::GdprAccess => answer.data_access_to,
    };
    let handling_municipality = MunicipalityId::parse(&handled_by.id, None)
        .ok()
        .or_else(|| MunicipalityId::parse(&answer.responsible.id, None).ok());
    let citizen_municipality =
        MunicipalityId::parse(&answer.municipality.id, None).unwrap_or(municipality);
    Ok(Routing {
        service: answer.service.id,
        handled_by,
        handling_municipality,
        citizen_municipality,
        responsible: format!("{} ({})", answer.responsible.name, answer.responsible.id),
        basis: answer.basis,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn dues(country: Country, kind: CaseKind, received: &str, extended: bool) -> Vec<String> {
        due_dates(country, kind, d(received), extended, Language::En)
            .unwrap()
            .iter()
            .map(|x| format!("{} {}", x.due, x.clock))
            .collect()
    }

    #[test]
    fn the_clock_file_parses_and_every_clock_is_sourced() {
        let all = parse_clocks(DATA).unwrap();
        assert_eq!(all.len(), clocks().len());
        for clock in &all {
            assert!(
                !clock.reference.is_empty() && !clock.source.is_empty(),
                "{}",
                clock.id
            );
            assert!(
                !clock.law.is_empty() && clock.reference.contains(&clock.law),
                "{}: the reference cites the law as `law` writes it",
                clock.id
            );
            // Every title in every language: a case is read by staff of either municipality,
            // whatever language their page is in.
            for (language, title) in [
                (Language::Da, &clock.title.da),
                (Language::Sv, &clock.title.sv),
                (Language::Nb, &clock.title.nb),
                (Language::En, &clock.title.en),
            ] {
                assert!(
                    title.as_deref().is_some_and(|t| !t.is_empty()),
                    "{}: no title in {}",
                    clock.id,
                    language.as_str()
                );
            }
            if clock.certainty == Certainty::Unsure || clock.binding == Binding::Guidance {
                assert!(
                    clock.note.is_some(),
                    "{}: say what is unsure or why the number",
                    clock.id
                );
            }
        }
        // Every kind has a clock in every country.
        for country in [Country::Dk, Country::Se, Country::No] {
            for kind in CaseKind::ALL {
                assert!(
                    !dues(country, *kind, "2026-03-02", false).is_empty(),
                    "{country:?} {kind}"
                );
            }
        }
    }

    #[test]
    fn gdpr_month_runs_to_the_same_date_moved_to_a_working_day_and_extends_by_two_months() {
        // Received Thursday 15 January 2026: due Sunday 15 February → Monday 16 February.
        assert_eq!(
            dues(Country::Dk, CaseKind::GdprAccess, "2026-01-15", false),
            ["2026-02-16 gdpr-art12-3"]
        );
        // Extended: 15 April 2026 is a Wednesday.
        assert_eq!(
            dues(Country::Dk, CaseKind::GdprAccess, "2026-01-15", true),
            ["2026-04-15 gdpr-art12-3"]
        );
        // 31 January in a leap year: 29 February 2028 (a Tuesday).
        assert_eq!(
            dues(Country::Se, CaseKind::GdprAccess, "2028-01-31", false),
            ["2028-02-29 gdpr-art12-3"]
        );
        // Over the year end: 1 December 2026 → 1 January 2027 (a holiday) → Monday 4 January in
        // Norway (2 and 3 January are a weekend).
        assert_eq!(
            dues(Country::No, CaseKind::GdprAccess, "2026-12-01", false),
            ["2027-01-04 gdpr-art12-3"]
        );
        assert!(can_extend(Country::No, CaseKind::GdprAccess));
        assert!(!can_extend(Country::Dk, CaseKind::DocumentAccess));
    }

    #[test]
    fn danish_access_requests_get_seven_working_days_and_complaints_four_weeks() {
        // Received Friday 22 March 2024, before Easter (28, 29 March and 1 April off).
        assert_eq!(
            dues(Country::Dk, CaseKind::DocumentAccess, "2024-03-22", false),
            ["2024-04-05 dk-offentlighedsloven-36"]
        );
        // An extension does not exist for this clock: the date stays.
        let list = due_dates(
            Country::Dk,
            CaseKind::DocumentAccess,
            d("2024-03-22"),
            true,
            Language::Da,
        )
        .unwrap();
        assert!(!list[0].extended);
        assert!(list[0].title.starts_with("Afgørelse om aktindsigt"));
        // Four weeks from Monday 2 November 2026: Monday 30 November.
        assert_eq!(
            dues(Country::Dk, CaseKind::Complaint, "2026-11-02", false),
            ["2026-11-30 dk-retssikkerhedsloven-66"]
        );
        // Four weeks from 27 November 2026 is Christmas Day (25 Dec): moved to Monday 28 December.
        assert_eq!(
            dues(Country::Dk, CaseKind::Complaint, "2026-11-27", false),
            ["2026-12-28 dk-retssikkerhedsloven-66"]
        );
    }

    #[test]
    fn swedish_and_norwegian_prompt_rules_are_guidance_dates() {
        // Sweden, Wednesday 23 December 2026: 24–26 off, then a weekend, 28, 29, 30.
        assert_eq!(
            dues(Country::Se, CaseKind::DocumentAccess, "2026-12-23", false),
            ["2026-12-30 se-tf-2-16"]
        );
        // Norway, Wednesday 13 May 2026: 14 May is Ascension Day; 15, 18, 19.
        assert_eq!(
            dues(Country::No, CaseKind::DocumentAccess, "2026-05-13", false),
            ["2026-05-19 no-offentleglova-29"]
        );
        let list = due_dates(
            Country::No,
            CaseKind::DocumentAccess,
            d("2026-05-13"),
            false,
            Language::Nb,
        )
        .unwrap();
        assert_eq!(list[0].binding, Binding::Guidance);
    }

    #[test]
    fn a_case_is_received_after_its_decision_and_not_in_the_future() {
        let today = d("2026-12-01");
        assert_eq!(
            check_dates(CaseKind::Complaint, d("2026-11-01"), d("2026-11-02"), today),
            None
        );
        assert_eq!(
            check_dates(CaseKind::Complaint, d("2026-11-01"), d("2026-12-01"), today),
            None
        );
        assert_eq!(
            check_dates(CaseKind::Complaint, d("2026-11-01"), d("2026-10-31"), today),
            Some(DateProblem::ReceivedBeforeDecision)
        );
        // An access request may concern a date after it came in.
        assert_eq!(
            check_dates(
                CaseKind::DocumentAccess,
                d("2026-11-01"),
                d("2026-10-31"),
                today
            ),
            None
        );
        assert_eq!(
            check_dates(
                CaseKind::GdprAccess,
                d("2026-11-01"),
                d("2026-12-02"),
                today
            ),
            Some(DateProblem::ReceivedInFuture)
        );
    }

    #[test]
    fn references_that_look_like_identity_numbers_are_refused() {
        for bad in [
            "010190-1234", // DK CPR
            "0101901234",  // DK CPR without the dash
            "Sag om 311299-4321",
            "19900101-1234", // SE personnummer, 12 digits
            "900101+1234",   // SE, over 100 years old
            "01019012345",   // NO fødselsnummer
        ] {
            let err = CaseReference::parse(bad).unwrap_err();
            assert!(err.contains("national identity number"), "{bad}: {err}");
        }
        for good in [
            "27.15.00-G01-123-26",
            "2026-0042",
            "SAG-2020-000123",
            "KS 2026/1234",
            "9999999999", // no such date
            "123456789012345",
        ] {
            assert_eq!(CaseReference::parse(good).unwrap().as_str(), good);
        }
        assert!(CaseReference::parse("  ").unwrap_err().contains("empty"));
        assert!(
            CaseReference::parse(&"x".repeat(65))
                .unwrap_err()
                .contains("65 characters")
        );
        assert!(
            CaseReference::parse("a\nb")
                .unwrap_err()
                .contains("one line")
        );
    }
}
