//! Deadlines: the dated occurrences of every obligation, from the cooperations' own yearly wheels
//! (`[[obligation]]`) and from the statutory obligations of their country and legal form, in a
//! window of days; and the same as an iCalendar (RFC 5545) feed.

use std::fmt::Write as _;

use serde::Serialize;

use crate::calendar::{Shift, shift_to_working_day};
use crate::due::{notice_deadline, occurrences};
use crate::ids::{CooperationId, MunicipalityId, PartyId};
use crate::model::{CooperationDoc, EVALUATION_MONTHS, Language, ObligationState};
use crate::registry::Registry;
use crate::statutory::{self, StatutoryDue};
use crate::time::{Date, TimeError, Timestamp};
use crate::words::{Phrase, Words};

/// Where an obligation comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Basis {
    /// The cooperation's own agreement.
    Agreement {
        /// The clause, in the agreement's words, if recorded.
        clause: Option<String>,
    },
    /// The law.
    Statute {
        /// The law and section.
        reference: String,
        /// Whether something in the line is unsure (see the statutory file).
        unsure: bool,
    },
}

/// Where a deadline stands: the recorded state, or `overdue` once the day has passed while it is
/// still planned or in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    /// Past its day and not done or waived.
    Overdue,
    /// Nothing recorded yet.
    Planned,
    /// Work has started.
    InProgress,
    /// Done.
    Done,
    /// Not to be done this time.
    Waived,
}

impl Status {
    /// The written form.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Planned => "planned",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Waived => "waived",
        }
    }

    /// The status of a deadline due on `due` whose recorded state is `state`, on `today`.
    pub fn of(state: Option<ObligationState>, due: Date, today: Date) -> Status {
        match state {
            Some(ObligationState::Done) => Status::Done,
            Some(ObligationState::Waived) => Status::Waived,
            _ if due < today => Status::Overdue,
            Some(ObligationState::InProgress) => Status::InProgress,
            Some(ObligationState::Planned) | None => Status::Planned,
        }
    }
}

/// One dated deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    /// The day it falls due (already moved to a working day when the obligation says so).
    pub due: Date,
    /// The cooperation.
    pub cooperation: CooperationId,
    /// The obligation's id (`agreement:ID` or `statute:ID`), stable across years.
    pub obligation: String,
    /// What is to be done, in the cooperation's language (or the first one given).
    pub title: String,
    /// Who must do it: parties, or a role in words for statutory ones.
    pub owners: Vec<String>,
    /// The sub-agreement, if the obligation belongs to one.
    pub sub_agreement: Option<u32>,
    /// Where it comes from.
    pub basis: Basis,
    /// Where it stands (`planned` until [`Registry::deadlines`] reads the recorded state).
    pub status: Status,
    /// The note recorded with the state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Which deadlines to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only those this municipality must meet (as an owner, or as a party when the law puts the
    /// duty on each party or on the body it belongs to).
    pub municipality: Option<MunicipalityId>,
    /// Only this cooperation.
    pub cooperation: Option<CooperationId>,
}

impl Filter {
    /// Whether the cooperation is listed: the one asked for, and one the municipality is party to.
    fn admits(&self, doc: &CooperationDoc) -> bool {
        let c = &doc.cooperation;
        self.cooperation.as_ref().is_none_or(|id| id == &c.id)
            && self
                .municipality
                .is_none_or(|m| c.parties.iter().any(|p| p.id == PartyId::Municipality(m)))
    }
}

/// A statutory duty that falls due when something happens rather than on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDuty {
    /// The cooperation.
    pub cooperation: CooperationId,
    /// What is to be done, in the cooperation's language.
    pub title: String,
    /// `creation`, `withdrawal`, `dissolution`.
    pub events: Vec<String>,
    /// The time allowed, in the law's words.
    pub within: String,
    /// The law and section.
    pub reference: String,
}

/// Every deadline from `from` up to and including `to`, by date, then cooperation and obligation.
pub fn deadlines(
    docs: &[CooperationDoc],
    filter: &Filter,
    from: Date,
    to: Date,
) -> Result<Vec<Deadline>, TimeError> {
    let mut out = Vec::new();
    for doc in docs {
        if !filter.admits(doc) {
            continue;
        }
        let c = &doc.cooperation;
        for ob in &doc.obligations {
            if let Some(m) = filter.municipality
                && !ob.owners.contains(&PartyId::Municipality(m))
            {
                continue;
            }
            for due in occurrences(ob, c.country, from, to)? {
                out.push(Deadline {
                    due,
                    cooperation: c.id.clone(),
                    obligation: format!("agreement:{}", ob.id),
                    title: ob.title.get(c.language).to_string(),
                    owners: ob.owners.iter().map(ToString::to_string).collect(),
                    sub_agreement: ob.sub_agreement,
                    basis: Basis::Agreement {
                        clause: ob.clause.clone(),
                    },
                    status: Status::Planned,
                    note: None,
                });
            }
        }
        for st in statutory::applying_to(c.country, c.legal_form) {
            let dates = match &st.due {
                StatutoryDue::OnEvent { .. } => continue,
                due => match due.yearly() {
                    Some(rule) => rule.due_between(c.country, st.shift, from, to)?,
                    None => continue,
                },
            };
            for due in dates {
                if c.valid.is_some_and(|v| !v.contains(due)) {
                    continue;
                }
                out.push(Deadline {
                    due,
                    cooperation: c.id.clone(),
                    obligation: format!("statute:{}", st.id),
                    title: st.title.get(c.language).to_string(),
                    owners: vec![st.owner_role.clone()],
                    sub_agreement: None,
                    basis: Basis::Statute {
                        reference: st.reference.clone(),
                        unsure: st.certainty == statutory::Certainty::Unsure,
                    },
                    status: Status::Planned,
                    note: None,
                });
            }
        }
        push_notice_deadlines(&mut out, doc, from, to)?;
        push_evaluation_deadlines(&mut out, doc, filter, from, to)?;
    }
    out.sort_by(|a, b| {
        (a.due, &a.cooperation, &a.obligation).cmp(&(b.due, &b.cooperation, &b.obligation))
    });
    Ok(out)
}

/// The last days to give notice under the cooperation's term model that fall in the window, each
/// with the day the agreement would then end (moved earlier to a working day: notice must be
/// received by then).
fn push_notice_deadlines(
    out: &mut Vec<Deadline>,
    doc: &CooperationDoc,
    from: Date,
    to: Date,
) -> Result<(), TimeError> {
    let c = &doc.cooperation;
    let Some(term) = &c.term else {
        return Ok(());
    };
    let mut on = from;
    // A bound on the loop: one deadline per notice period at most, over any sane window.
    for _ in 0..1200 {
        let Some(next) = notice_deadline(term, on)? else {
            break;
        };
        if next.last_notice_day > to {
            break;
        }
        let ends = next.ends.pred();
        let title = match c.language {
            Language::Da => {
                format!("Sidste frist for opsigelse, så aftalen ophører med udgangen af {ends}")
            }
            Language::Sv => {
                format!("Sista dag för uppsägning, så att avtalet upphör vid utgången av {ends}")
            }
            Language::Nb => format!(
                "Siste frist for oppsigelse, slik at avtalen opphører ved utgangen av {ends}"
            ),
            Language::En => {
                format!("Last day to give notice for the agreement to end after {ends}")
            }
        };
        out.push(Deadline {
            due: shift_to_working_day(c.country, next.last_notice_day, Shift::Earlier)?,
            cooperation: c.id.clone(),
            obligation: "term:notice".to_string(),
            title,
            owners: c.parties.iter().map(|p| p.id.to_string()).collect(),
            sub_agreement: None,
            basis: Basis::Agreement {
                clause: Some(format!(
                    "term model: notice of {} month(s)",
                    term.notice_period_months.unwrap_or(0)
                )),
            },
            status: Status::Planned,
            note: None,
        });
        on = next.last_notice_day.succ();
    }
    Ok(())
}

/// When each municipality that is party to a cooperation in force must next evaluate it: at most
/// [`EVALUATION_MONTHS`] after its last evaluation, or after the cooperation began when it has
/// none (the Council of Europe IMC toolkit, step 14). One deadline per party, listed when it falls
/// in the window; an evaluation recorded later moves it on.
pub fn evaluation_due(doc: &CooperationDoc, party: &PartyId) -> Result<Option<Date>, TimeError> {
    let c = &doc.cooperation;
    if c.status != crate::model::CooperationStatus::InForce {
        return Ok(None);
    }
    let last = doc
        .evaluations
        .iter()
        .filter(|e| &e.party == party)
        .map(|e| e.on)
        .max();
    let began = c.valid.map(|v| v.from()).or_else(|| {
        doc.main_agreement
            .iter()
            .filter_map(|v| v.counts_from())
            .min()
    });
    match last.or(began) {
        Some(day) => Ok(Some(shift_to_working_day(
            c.country,
            crate::due::add_months(day, EVALUATION_MONTHS)?,
            Shift::Earlier,
        )?)),
        None => Ok(None),
    }
}

fn push_evaluation_deadlines(
    out: &mut Vec<Deadline>,
    doc: &CooperationDoc,
    filter: &Filter,
    from: Date,
    to: Date,
) -> Result<(), TimeError> {
    let c = &doc.cooperation;
    for p in &c.parties {
        let PartyId::Municipality(m) = p.id else {
            continue;
        };
        if filter.municipality.is_some_and(|f| f != m) {
            continue;
        }
        let Some(due) = evaluation_due(doc, &p.id)? else {
            continue;
        };
        if due < from || due > to {
            continue;
        }
        let title = match c.language {
            Language::Da => {
                "Evaluer samarbejdet: leverer det efter hensigten, og giver det værdi for pengene?"
            }
            Language::Sv => {
                "Utvärdera samverkan: levererar den enligt syftet, och ger den valuta för pengarna?"
            }
            Language::Nb => {
                "Evaluer samarbeidet: leverer det etter hensikten, og gir det god effekt for pengene?"
            }
            Language::En => {
                "Evaluate the cooperation: does it deliver on its purpose, and does it give value for money?"
            }
        };
        out.push(Deadline {
            due,
            cooperation: c.id.clone(),
            obligation: format!("evaluation:{m}"),
            title: title.to_string(),
            owners: vec![p.id.to_string()],
            sub_agreement: None,
            basis: Basis::Agreement {
                clause: Some(format!(
                    "Council of Europe IMC toolkit, step 14: each party evaluates the agreement at least every {EVALUATION_MONTHS} months"
                )),
            },
            status: Status::Planned,
            note: None,
        });
    }
    Ok(())
}

/// A deadline's recorded state, checked and ready to be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The deadline it concerns (as the list shows it now).
    pub deadline: Deadline,
    /// The fact to record (`COOPERATION/obligation-status/OBLIGATION/DUE`).
    pub fact: crate::model::Fact,
}

impl Mark {
    /// The journal's reason when the user gives none: which deadline, and what it became.
    pub fn default_reason(&self) -> String {
        let state = match &self.fact {
            crate::model::Fact::ObligationStatus { status, .. } => status.state.as_str(),
            _ => "",
        };
        format!(
            "{} due {} ({}) marked {state}",
            self.deadline.obligation, self.deadline.due, self.deadline.title
        )
    }
}

/// Why a deadline's state cannot be recorded as asked; `Display` says it in English with what to
/// write instead (a page says it in the reader's language from the parts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkError {
    /// A waived deadline needs a note saying why.
    WaivedWithoutNote,
    /// The obligation is the cooperation's, but falls due on none of the days within a year.
    NoDueDateNear {
        /// The obligation as given.
        obligation: String,
        /// The day asked about.
        due: Date,
        /// The cooperation.
        cooperation: CooperationId,
    },
    /// The cooperation has no such obligation.
    NotAnObligation {
        /// The obligation as given.
        obligation: String,
        /// The cooperation.
        cooperation: CooperationId,
        /// Its obligations.
        ids: Vec<String>,
    },
    /// The obligation falls due on other days.
    OtherDays {
        /// The obligation as given.
        obligation: String,
        /// The day asked about.
        due: Date,
        /// The days it falls due within a year.
        days: Vec<Date>,
    },
    /// A date could not be counted.
    Time(TimeError),
}

impl std::fmt::Display for MarkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |days: &[Date]| {
            days.iter()
                .map(Date::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            MarkError::WaivedWithoutNote => {
                f.write_str("a waived deadline needs a note saying why it is not to be done")
            }
            MarkError::NoDueDateNear {
                obligation,
                due,
                cooperation,
            } => write!(
                f,
                "\"{obligation}\" has no due date within a year of {due}; `samvirke deadlines --cooperation {cooperation}` lists its dates"
            ),
            MarkError::NotAnObligation {
                obligation,
                cooperation,
                ids,
            } => write!(
                f,
                "\"{obligation}\" is not an obligation of {cooperation}; its obligations are {}",
                ids.join(", ")
            ),
            MarkError::OtherDays {
                obligation,
                due,
                days,
            } => write!(
                f,
                "\"{obligation}\" does not fall due on {due}; it falls due on {}",
                list(days)
            ),
            MarkError::Time(e) => write!(f, "{e}"),
        }
    }
}

/// How far back [`Registry::deadlines_page`] looks for deadlines that are overdue: one yearly cycle.
pub const OVERDUE_DAYS_BACK: i32 = 366;

impl Registry {
    /// Checks that `obligation` (its id, or `agreement:ID`, `statute:ID`, `term:notice`) of
    /// `cooperation` falls due on `due`, and gives the fact that records `state` for it. A waived
    /// deadline needs a note saying why. The error says what to write instead: the dates the
    /// obligation does fall due on around `due`, or the cooperation's obligations.
    pub fn mark_deadline(
        &self,
        cooperation: &CooperationId,
        obligation: &str,
        due: Date,
        state: ObligationState,
        note: Option<&str>,
        today: Date,
    ) -> Result<Mark, MarkError> {
        let note = note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        if state == ObligationState::Waived && note.is_none() {
            return Err(MarkError::WaivedWithoutNote);
        }
        let filter = Filter {
            municipality: None,
            cooperation: Some(cooperation.clone()),
        };
        let wanted = |id: &str| {
            id == obligation
                || id
                    .split_once(':')
                    .is_some_and(|(_, bare)| bare == obligation)
        };
        let on_day = self
            .deadlines(&filter, due, due, today)
            .map_err(MarkError::Time)?;
        let Some(deadline) = on_day.into_iter().find(|d| wanted(&d.obligation)) else {
            let around = self
                .deadlines(
                    &filter,
                    Date::from_days_since_epoch(due.days_since_epoch() - 366),
                    Date::from_days_since_epoch(due.days_since_epoch() + 366),
                    today,
                )
                .map_err(MarkError::Time)?;
            let same: Vec<Date> = around
                .iter()
                .filter(|d| wanted(&d.obligation))
                .map(|d| d.due)
                .collect();
            if same.is_empty() {
                let ids = self.obligation_ids(cooperation);
                if ids.iter().any(|id| wanted(id)) {
                    return Err(MarkError::NoDueDateNear {
                        obligation: obligation.to_string(),
                        due,
                        cooperation: cooperation.clone(),
                    });
                }
                return Err(MarkError::NotAnObligation {
                    obligation: obligation.to_string(),
                    cooperation: cooperation.clone(),
                    ids,
                });
            }
            return Err(MarkError::OtherDays {
                obligation: obligation.to_string(),
                due,
                days: same,
            });
        };
        let fact = crate::model::Fact::ObligationStatus {
            cooperation: cooperation.clone(),
            status: crate::model::ObligationStatus {
                obligation: deadline.obligation.clone(),
                due,
                state,
                note,
            },
        };
        Ok(Mark { deadline, fact })
    }

    /// The ids of a cooperation's dated obligations, as deadlines name them: its own
    /// (`agreement:ID`), the statutory ones of its country and form (`statute:ID`) and, with a
    /// notice period in its term model, `term:notice`.
    pub fn obligation_ids(&self, cooperation: &CooperationId) -> Vec<String> {
        let Some(doc) = self.cooperation(cooperation) else {
            return Vec::new();
        };
        let c = &doc.cooperation;
        let mut ids: Vec<String> = doc
            .obligations
            .iter()
            .map(|o| format!("agreement:{}", o.id))
            .chain(
                statutory::applying_to(c.country, c.legal_form)
                    .into_iter()
                    .filter(|st| st.due.yearly().is_some())
                    .map(|st| format!("statute:{}", st.id)),
            )
            .collect();
        if c.term
            .as_ref()
            .is_some_and(|t| t.notice_period_months.is_some())
        {
            ids.push("term:notice".to_string());
        }
        ids.sort();
        ids
    }

    /// Every deadline from `from` to `to` (see [`deadlines`]) with its status on `today`: the
    /// recorded state, or `overdue` once the day has passed.
    pub fn deadlines(
        &self,
        filter: &Filter,
        from: Date,
        to: Date,
        today: Date,
    ) -> Result<Vec<Deadline>, TimeError> {
        let mut list = deadlines(self.cooperations(), filter, from, to)?;
        for d in &mut list {
            let recorded = self.obligation_status(&d.cooperation, &d.obligation, d.due);
            d.status = Status::of(recorded.map(|r| r.state), d.due, today);
            d.note = recorded.and_then(|r| r.note.clone());
        }
        Ok(list)
    }

    /// What a page shows: the overdue deadlines of the past year first (oldest first), then the
    /// coming ones up to `days_ahead` days from `today`.
    pub fn deadlines_page(
        &self,
        filter: &Filter,
        today: Date,
        days_ahead: i32,
    ) -> Result<Vec<Deadline>, TimeError> {
        let back = Date::from_days_since_epoch(today.days_since_epoch() - OVERDUE_DAYS_BACK);
        let ahead = Date::from_days_since_epoch(today.days_since_epoch() + days_ahead);
        let all = self.deadlines(filter, back, ahead, today)?;
        let (mut out, coming): (Vec<Deadline>, Vec<Deadline>) =
            all.into_iter().partition(|d| d.status == Status::Overdue);
        out.extend(coming.into_iter().filter(|d| d.due >= today));
        Ok(out)
    }
}

/// The statutory duties of the listed cooperations that fall due on an event rather than a date
/// (e.g. the Danish § 60 a notification).
pub fn on_event(docs: &[CooperationDoc], filter: &Filter) -> Vec<EventDuty> {
    let mut out = Vec::new();
    for doc in docs.iter().filter(|d| filter.admits(d)) {
        let c = &doc.cooperation;
        for st in statutory::applying_to(c.country, c.legal_form) {
            if let StatutoryDue::OnEvent { events, within, .. } = &st.due {
                out.push(EventDuty {
                    cooperation: c.id.clone(),
                    title: st.title.get(c.language).to_string(),
                    events: events.clone(),
                    within: within.clone(),
                    reference: st.reference.clone(),
                });
            }
        }
    }
    out
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets without splitting a character (RFC 5545 3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

fn ics_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y:04}{m:02}{day:02}")
}

/// An iCalendar feed of `deadlines` named `name`: one all-day event per deadline, with a UID that
/// stays the same from one download to the next so that calendar programs update rather than
/// duplicate. `stamp` is the time the feed was made; the words around the facts are `words`',
/// and each cooperation is named by `cooperation_name`.
pub fn to_ics(
    deadlines: &[Deadline],
    name: &str,
    stamp: Timestamp,
    words: &impl Words,
    cooperation_name: impl Fn(&CooperationId) -> String,
) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Samvirke//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ics_line(&mut out, line);
    }
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(name)));
    let stamp_text = {
        let text = stamp.to_string();
        // 2026-11-25T04:56:00.123456Z → 20261125T045600Z
        let digits: String = text
            .chars()
            .take(19)
            .filter(|c| c.is_ascii_digit() || *c == 'T')
            .collect();
        format!("{digits}Z")
    };
    for d in deadlines {
        let uid = format!("{}/{}/{}@samvirke", d.cooperation, d.obligation, d.due);
        let description = match &d.basis {
            Basis::Agreement { clause } => clause.clone().unwrap_or_default(),
            Basis::Statute { reference, unsure } => {
                let mut text = reference.clone();
                if *unsure {
                    text.push_str(&format!(" ({})", words.phrase(Phrase::StatuteUnsure)));
                }
                text
            }
        };
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &format!("UID:{}", ics_text(&uid)));
        ics_line(&mut out, &format!("DTSTAMP:{stamp_text}"));
        ics_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", ics_date(d.due)));
        ics_line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", ics_date(d.due.succ())),
        );
        ics_line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                ics_text(&format!(
                    "{} ({})",
                    d.title,
                    cooperation_name(&d.cooperation)
                ))
            ),
        );
        let mut desc = String::new();
        let _ = write!(desc, "{}", d.owners.join(", "));
        if d.status != Status::Planned {
            let _ = write!(
                desc,
                "\n{}: {}",
                words.phrase(Phrase::State),
                words.status(d.status)
            );
            if let Some(note) = &d.note {
                let _ = write!(desc, " ({note})");
            }
        }
        if !description.is_empty() {
            let _ = write!(desc, "\n{description}");
        }
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&desc)));
        if d.status == Status::Waived {
            ics_line(&mut out, "STATUS:CANCELLED");
        }
        ics_line(&mut out, "TRANSP:TRANSPARENT");
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Country;

    fn cooperation(country: Country, form: crate::model::LegalForm) -> CooperationDoc {
        CooperationDoc::new(crate::model::Cooperation {
            id: CooperationId::parse("test-iks").unwrap(),
            name: "Test".into(),
            country,
            legal_form: form,
            status: crate::model::CooperationStatus::InForce,
            language: Language::Nb,
            purpose: None,
            valid: None,
            parties: Vec::new(),
            organisations: Vec::new(),
            term: None,
            sources: Vec::new(),
            settlements: Default::default(),
            note: None,
        })
    }

    #[test]
    fn statutory_lines_are_dated_by_year_and_by_electoral_term() {
        let d = |t: &str| Date::parse(t).unwrap();
        let iks = cooperation(Country::No, crate::model::LegalForm::NoIks);
        let list = deadlines(
            std::slice::from_ref(&iks),
            &Filter::default(),
            d("2025-01-01"),
            d("2031-12-31"),
        )
        .unwrap();
        let dues: Vec<String> = list
            .iter()
            .map(|x| format!("{} {}", x.due, x.obligation))
            .collect();
        // An IKS in 2026: 15 February is a Sunday, so the accounts are due on Friday the 13th.
        let in_2026: Vec<&String> = dues.iter().filter(|x| x.starts_with("2026")).collect();
        assert_eq!(
            in_2026,
            [
                "2026-02-13 statute:no-iks-regnskap-avlagt",
                "2026-04-30 statute:no-iks-regnskap-fastsatt",
                "2026-12-31 statute:no-iks-budsjett"
            ]
        );
        // 30 April and 31 December 2028 are Sundays: the Fridays before.
        assert!(dues.contains(&"2028-04-28 statute:no-iks-regnskap-fastsatt".to_string()));
        assert!(dues.contains(&"2028-12-29 statute:no-iks-budsjett".to_string()));
        // The Norwegian term 2023–2027 ends on 30 September 2027 (a Thursday), the next on
        // 30 September 2031 (a Tuesday).
        let terms: Vec<&String> = dues
            .iter()
            .filter(|x| x.contains("eierskapsmelding"))
            .collect();
        assert_eq!(
            terms,
            [
                "2027-09-30 statute:no-eierskapsmelding",
                "2031-09-30 statute:no-eierskapsmelding"
            ]
        );
        assert!(matches!(
            &list[0].basis,
            Basis::Statute { unsure: true, .. }
        ));
        let ko = cooperation(Country::No, crate::model::LegalForm::NoKo);
        let list = deadlines(
            std::slice::from_ref(&ko),
            &Filter::default(),
            d("2026-01-01"),
            d("2026-12-31"),
        )
        .unwrap();
        let dues: Vec<String> = list
            .iter()
            .map(|x| format!("{} {}", x.due, x.obligation))
            .collect();
        // 22 February 2026 is a Sunday; 31 March 2026 a Tuesday.
        assert_eq!(
            dues,
            [
                "2026-02-20 statute:no-arsregnskap",
                "2026-03-31 statute:no-arsberetning"
            ]
        );
        let dk60 = cooperation(Country::Dk, crate::model::LegalForm::DkParagraph60);
        assert!(
            deadlines(
                std::slice::from_ref(&dk60),
                &Filter::default(),
                d("2026-01-01"),
                d("2026-12-31")
            )
            .unwrap()
            .is_empty()
        );
        assert_eq!(
            on_event(std::slice::from_ref(&dk60), &Filter::default()).len(),
            1
        );
    }

    #[test]
    fn notice_deadlines_come_from_the_term_model() {
        let d = |t: &str| Date::parse(t).unwrap();
        let mut doc = cooperation(Country::Dk, crate::model::LegalForm::DkAgreement);
        doc.cooperation.language = Language::Da;
        // Four years from 2024, renewing itself by four years, six months' notice to the end of a
        // term: notice by 30 June 2027 ends it after 31 December 2027.
        doc.cooperation.term = Some(crate::model::TermModel {
            start: d("2024-01-01"),
            initial_term_months: Some(48),
            renewal_term_months: Some(48),
            tacit_renewal: Some(true),
            notice_period_months: Some(6),
            notice_anchor: Some(crate::model::NoticeAnchor::EndOfTerm),
        });
        let list = deadlines(
            std::slice::from_ref(&doc),
            &Filter::default(),
            d("2026-01-01"),
            d("2032-12-31"),
        )
        .unwrap();
        let notices: Vec<String> = list
            .iter()
            .filter(|x| x.obligation == "term:notice")
            .map(|x| format!("{} {}", x.due, x.title))
            .collect();
        // 30 June 2031 is a Monday; 30 June 2027 a Wednesday.
        assert_eq!(
            notices,
            [
                "2027-06-30 Sidste frist for opsigelse, så aftalen ophører med udgangen af 2027-12-31",
                "2031-06-30 Sidste frist for opsigelse, så aftalen ophører med udgangen af 2031-12-31"
            ]
        );
        // A fixed term that does not renew: one chance, then none.
        doc.cooperation.term.as_mut().unwrap().tacit_renewal = Some(false);
        let list = deadlines(
            std::slice::from_ref(&doc),
            &Filter::default(),
            d("2026-01-01"),
            d("2032-12-31"),
        )
        .unwrap();
        assert_eq!(
            list.iter()
                .filter(|x| x.obligation == "term:notice")
                .count(),
            1
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "æ".repeat(60));
        ics_line(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
        assert_eq!(ics_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
