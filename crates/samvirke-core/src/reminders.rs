//! Who is reminded of which deadline, and when: the planning of reminder mails and weekly digests,
//! without sending anything (the CLI sends, the store remembers what was sent).
//!
//! A staff member hears about a deadline when their account's scope names its cooperation, a
//! municipality that owns it, or (for a statutory duty, which the law puts on the body or each
//! party) a municipality that is party to the cooperation.

use std::fmt::Write as _;

use crate::deadlines::{Basis, Deadline, Status};
use crate::ids::{Country, MunicipalityId, PartyId};
use crate::model::{CooperationDoc, Language};
use crate::registry::Registry;
use crate::time::Date;

/// Reminders go out this many days before a due date unless configured.
pub const DAYS_BEFORE_DEFAULT: &[u32] = &[14, 3];

/// A weekly digest looks this many days ahead.
pub const DIGEST_DAYS_AHEAD: i32 = 28;

/// A staff member who can be reminded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// Email address.
    pub email: String,
    /// The cooperation and municipality ids of the account's scope.
    pub scopes: Vec<String>,
}

impl Recipient {
    fn municipalities(&self) -> impl Iterator<Item = MunicipalityId> + '_ {
        self.scopes
            .iter()
            .filter_map(|s| MunicipalityId::parse(s, None).ok())
    }

    /// Whether this person hears about `deadline` of `doc`.
    pub fn concerned_by(&self, deadline: &Deadline, doc: &CooperationDoc) -> bool {
        if self
            .scopes
            .iter()
            .any(|s| s == deadline.cooperation.as_str())
        {
            return true;
        }
        match &deadline.basis {
            Basis::Agreement { .. } => self
                .municipalities()
                .any(|m| deadline.owners.contains(&m.to_string())),
            Basis::Statute { .. } => self.municipalities().any(|m| {
                doc.cooperation
                    .parties
                    .iter()
                    .any(|p| p.id == PartyId::Municipality(m))
            }),
        }
    }

    /// The language mail to this person is written in: that of the country of the first
    /// municipality in the scope, else English.
    pub fn language(&self) -> Language {
        match self.municipalities().next().map(MunicipalityId::country) {
            Some(Country::Dk) => Language::Da,
            Some(Country::Se) => Language::Sv,
            Some(Country::No) => Language::Nb,
            None => Language::En,
        }
    }
}

/// One mail to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// To whom.
    pub to: String,
    /// What it is, stable across runs, so that a mail is sent once: `reminder/COOP/OBLIGATION/DUE/N`
    /// or `digest/YYYY-Www`.
    pub key: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// The reminder threshold a deadline `days_left` days away has reached: the smallest of
/// `days_before` that is at least `days_left` (so a run that was missed for a few days sends the
/// nearer reminder, not every one it skipped).
pub fn threshold(days_left: i32, days_before: &[u32]) -> Option<u32> {
    if days_left < 0 {
        return None;
    }
    days_before
        .iter()
        .copied()
        .filter(|n| *n as i64 >= days_left as i64)
        .min()
}

struct Words {
    due_in: &'static str,
    days: &'static str,
    today: &'static str,
    overdue: &'static str,
    coming: &'static str,
    cases: &'static str,
    digest: &'static str,
    owners: &'static str,
    basis: &'static str,
    footer: &'static str,
}

fn words(language: Language) -> Words {
    match language {
        Language::Da => Words {
            due_in: "Frist om",
            days: "dage",
            today: "Frist i dag",
            overdue: "Overskredne frister",
            coming: "Kommende frister",
            cases: "Klager og aktindsigtssager med frist",
            digest: "Ugens frister",
            owners: "Ansvarlig",
            basis: "Grundlag",
            footer: "Sendt af Samvirke. Registrér, at en frist er overholdt, med samvirke deadlines mark.",
        },
        Language::Sv => Words {
            due_in: "Frist om",
            days: "dagar",
            today: "Frist i dag",
            overdue: "Försenade tidsfrister",
            coming: "Kommande tidsfrister",
            cases: "Ärenden om överklagande och allmänna handlingar med frist",
            digest: "Veckans tidsfrister",
            owners: "Ansvarig",
            basis: "Grund",
            footer: "Skickat av Samvirke. Registrera att en frist är klar med samvirke deadlines mark.",
        },
        Language::Nb => Words {
            due_in: "Frist om",
            days: "dager",
            today: "Frist i dag",
            overdue: "Oversittede frister",
            coming: "Kommende frister",
            cases: "Klager og innsynskrav med frist",
            digest: "Ukens frister",
            owners: "Ansvarlig",
            basis: "Grunnlag",
            footer: "Sendt av Samvirke. Registrer at en frist er overholdt med samvirke deadlines mark.",
        },
        Language::En => Words {
            due_in: "Due in",
            days: "days",
            today: "Due today",
            overdue: "Overdue deadlines",
            coming: "Coming deadlines",
            cases: "Complaints and access requests falling due",
            digest: "This week's deadlines",
            owners: "Owner",
            basis: "Basis",
            footer: "Sent by Samvirke. Record that a deadline was met with samvirke deadlines mark.",
        },
    }
}

fn basis_text(d: &Deadline) -> String {
    match &d.basis {
        Basis::Agreement { clause } => clause.clone().unwrap_or_default(),
        Basis::Statute { reference, .. } => reference.clone(),
    }
}

/// The reminders due on `today`: for every open deadline within the largest of `days_before`
/// days, one mail per concerned recipient at the threshold it has reached.
pub fn reminders(
    registry: &Registry,
    recipients: &[Recipient],
    today: Date,
    days_before: &[u32],
) -> Result<Vec<Mail>, crate::time::TimeError> {
    let horizon = days_before.iter().copied().max().unwrap_or(0) as i32;
    let to = Date::from_days_since_epoch(today.days_since_epoch() + horizon);
    let list = registry.deadlines(&Default::default(), today, to, today)?;
    let mut out = Vec::new();
    for d in list
        .iter()
        .filter(|d| matches!(d.status, Status::Planned | Status::InProgress))
    {
        let days_left = d.due.days_since_epoch() - today.days_since_epoch();
        let Some(n) = threshold(days_left, days_before) else {
            continue;
        };
        let Some(doc) = registry.cooperation(&d.cooperation) else {
            continue;
        };
        for r in recipients.iter().filter(|r| r.concerned_by(d, doc)) {
            let w = words(doc.cooperation.language);
            let when = if days_left == 0 {
                w.today.to_string()
            } else {
                format!("{} {days_left} {}", w.due_in, w.days)
            };
            let subject = format!("{when}: {} ({}), {}", d.title, doc.cooperation.name, d.due);
            let mut body = format!(
                "{when}: {}\n\n{}: {}\n{}: {}\n{}\n\n",
                d.title,
                w.owners,
                d.owners.join(", "),
                w.basis,
                basis_text(d),
                doc.cooperation.name
            );
            body.push_str(w.footer);
            body.push('\n');
            out.push(Mail {
                to: r.email.clone(),
                key: format!("reminder/{}/{}/{}/{n}", d.cooperation, d.obligation, d.due),
                subject,
                body,
            });
        }
    }
    Ok(out)
}

/// A case line for a digest: (due date, text), already in the recipient's words.
pub type DigestCase = (Date, String);

/// The ISO week of `day` as `YYYY-Www`.
pub fn iso_week(day: Date) -> String {
    // The Thursday of the same week decides the year.
    let weekday = crate::calendar::weekday(day) as i32;
    let thursday = Date::from_days_since_epoch(day.days_since_epoch() - weekday + 3);
    let (year, _, _) = thursday.ymd();
    let jan1 = Date::from_ymd(year, 1, 1).map_or(0, Date::days_since_epoch);
    let week = (thursday.days_since_epoch() - jan1) / 7 + 1;
    format!("{year:04}-W{week:02}")
}

/// The weekly digest for one recipient: the overdue deadlines of the past year, those of the next
/// four weeks, and the register cases given (already filtered to what the recipient may see).
/// `None` when there is nothing to say.
pub fn digest(
    registry: &Registry,
    recipient: &Recipient,
    cases: &[DigestCase],
    today: Date,
) -> Result<Option<Mail>, crate::time::TimeError> {
    let list = registry.deadlines_page(&Default::default(), today, DIGEST_DAYS_AHEAD)?;
    let mine: Vec<&Deadline> = list
        .iter()
        .filter(|d| {
            registry
                .cooperation(&d.cooperation)
                .is_some_and(|doc| recipient.concerned_by(d, doc))
        })
        .filter(|d| !matches!(d.status, Status::Done | Status::Waived))
        .collect();
    if mine.is_empty() && cases.is_empty() {
        return Ok(None);
    }
    let w = words(recipient.language());
    let week = iso_week(today);
    let mut body = String::new();
    let overdue: Vec<&&Deadline> = mine
        .iter()
        .filter(|d| d.status == Status::Overdue)
        .collect();
    let coming: Vec<&&Deadline> = mine
        .iter()
        .filter(|d| d.status != Status::Overdue)
        .collect();
    for (heading, items) in [(w.overdue, &overdue), (w.coming, &coming)] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(body, "{heading}:");
        for d in items.iter() {
            let _ = writeln!(body, "  {}  {} ({})", d.due, d.title, d.cooperation);
        }
        body.push('\n');
    }
    if !cases.is_empty() {
        let _ = writeln!(body, "{}:", w.cases);
        for (due, text) in cases {
            let _ = writeln!(body, "  {due}  {text}");
        }
        body.push('\n');
    }
    body.push_str(w.footer);
    body.push('\n');
    Ok(Some(Mail {
        to: recipient.email.clone(),
        key: format!("digest/{week}"),
        subject: format!(
            "{} {week}: {} / {}",
            w.digest,
            overdue.len() + cases.iter().filter(|(d, _)| *d < today).count(),
            coming.len() + cases.iter().filter(|(d, _)| *d >= today).count()
        ),
        body,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_threshold_reached_is_the_one_sent() {
        assert_eq!(threshold(20, &[14, 3]), None);
        assert_eq!(threshold(14, &[14, 3]), Some(14));
        assert_eq!(threshold(5, &[14, 3]), Some(14));
        assert_eq!(threshold(3, &[14, 3]), Some(3));
        assert_eq!(threshold(0, &[14, 3]), Some(3));
        assert_eq!(threshold(-1, &[14, 3]), None);
        assert_eq!(threshold(0, &[]), None);
    }

    #[test]
    fn iso_weeks_across_year_ends() {
        let w = |t: &str| iso_week(Date::parse(t).unwrap());
        assert_eq!(w("2026-12-01"), "2026-W49");
        // 1 January 2027 is a Friday: it belongs to the last week of 2026.
        assert_eq!(w("2027-01-01"), "2026-W53");
        assert_eq!(w("2027-01-04"), "2027-W01");
        // 29 December 2025 is a Monday in week 1 of 2026.
        assert_eq!(w("2025-12-29"), "2026-W01");
    }
}
