//! Who is reminded of which deadline, and when: the planning of reminder mails and weekly digests,
//! without sending anything (the CLI sends, the store remembers what was sent).
//!
//! A staff member hears about a deadline when their account's scope names its cooperation, a
//! municipality that owns it, or (for a statutory duty, which the law puts on the body or each
//! party) a municipality that is party to the cooperation.

use std::fmt::Write as _;

use crate::deadlines::{Basis, Deadline, Status};
use crate::ids::{MunicipalityId, PartyId};
use crate::model::{CooperationDoc, Dispute, Language};
use crate::registry::Registry;
use crate::time::Date;
use crate::words::{Phrase, Words};

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

    /// Whether this person must answer `dispute` of `doc`: the scope names the cooperation (its
    /// secretariat) or the payee.
    pub fn answers(&self, dispute: &Dispute, doc: &CooperationDoc) -> bool {
        self.scopes
            .iter()
            .any(|s| s == doc.cooperation.id.as_str() || *s == dispute.payee)
    }

    /// Whether this person hears about `dispute` of `doc`: one who answers it, or staff of the
    /// disputing member.
    pub fn sees(&self, dispute: &Dispute, doc: &CooperationDoc) -> bool {
        self.answers(dispute, doc) || self.scopes.contains(&dispute.payer)
    }

    /// The language mail to this person is written in: that of the country of the first
    /// municipality in the scope, else English.
    pub fn language(&self) -> Language {
        self.municipalities()
            .next()
            .map_or(Language::En, |m| Language::of_country(m.country()))
    }
}

/// One mail to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// To whom.
    pub to: String,
    /// What it is, stable across runs, so that a mail is sent once: `reminder/COOP/OBLIGATION/DUE/N`,
    /// `reminder/COOP/dispute:NUMBER/DUE/N` or `digest/YYYY-Www`.
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

/// The owners by name: parties by the names the cooperation gives them, anything else (a role in
/// words) as written.
fn owner_names(doc: &CooperationDoc, owners: &[String]) -> String {
    owners
        .iter()
        .map(|o| PartyId::parse(o).map_or_else(|_| o.clone(), |p| doc.party_name(&p).to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn basis_text(d: &Deadline) -> String {
    match &d.basis {
        Basis::Agreement { clause } => clause.clone().unwrap_or_default(),
        Basis::Statute { reference, .. } => reference.clone(),
    }
}

/// A reminder's subject line: when, what, in which cooperation, on which day.
fn subject<W: Words>(w: &W, when: &str, title: &str, doc: &CooperationDoc, due: Date) -> String {
    format!(
        "{when}: {title} ({}), {}",
        doc.cooperation.name,
        w.date(due)
    )
}

/// The reminders due on `today`: for every open deadline within the largest of `days_before`
/// days, one mail per concerned recipient at the threshold it has reached.
/// Each mail is in the cooperation's language, in the words `words` gives for it.
pub fn reminders<W: Words>(
    registry: &Registry,
    recipients: &[Recipient],
    today: Date,
    days_before: &[u32],
    words: impl Fn(Language) -> W,
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
            let when = w.due_in(days_left);
            let subject = subject(&w, &when, &d.title, doc, d.due);
            let mut body = format!(
                "{when}: {}\n\n{}: {}\n{}: {}\n{}\n\n",
                d.title,
                w.phrase(Phrase::Owners),
                owner_names(doc, &d.owners),
                w.phrase(Phrase::Basis),
                basis_text(d),
                doc.cooperation.name
            );
            body.push_str(&w.phrase(Phrase::Footer));
            body.push('\n');
            out.push(Mail {
                to: r.email.clone(),
                key: format!("reminder/{}/{}/{}/{n}", d.cooperation, d.obligation, d.due),
                subject,
                body,
            });
        }
    }
    for (doc, d) in registry.all_disputes() {
        if !d.is_open() {
            continue;
        }
        let days_left = d.respond_by.days_since_epoch() - today.days_since_epoch();
        let Some(n) = threshold(days_left, days_before) else {
            continue;
        };
        for r in recipients.iter().filter(|r| r.answers(d, doc)) {
            let w = words(doc.cooperation.language);
            let when = w.due_in(days_left);
            let subject = subject(&w, &when, &d.title, doc, d.respond_by);
            let payee = owner_names(doc, std::slice::from_ref(&d.payee));
            let body = format!(
                "{when}: {}\n\n{}: {payee}\n{}: {}\n{}\n\n{}\n",
                d.title,
                w.phrase(Phrase::Owners),
                w.phrase(Phrase::Reason),
                d.reason,
                doc.cooperation.name,
                w.phrase(Phrase::DisputeFooter),
            );
            out.push(Mail {
                to: r.email.clone(),
                key: format!(
                    "reminder/{}/dispute:{}/{}/{n}",
                    doc.cooperation.id, d.number, d.respond_by
                ),
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
/// four weeks, the open disputes the recipient answers or opened, and the register cases given (already filtered to what the recipient may see).
/// `None` when there is nothing to say.
/// The mail is in the recipient's language, in the words `words` gives for it.
pub fn digest<W: Words>(
    registry: &Registry,
    recipient: &Recipient,
    cases: &[DigestCase],
    today: Date,
    words: impl Fn(Language) -> W,
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
    let disputes: Vec<(&CooperationDoc, &Dispute)> = registry
        .all_disputes()
        .into_iter()
        .filter(|(doc, d)| d.is_open() && recipient.sees(d, doc))
        .collect();
    if mine.is_empty() && cases.is_empty() && disputes.is_empty() {
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
    for (heading, items) in [
        (w.phrase(Phrase::Overdue), &overdue),
        (w.phrase(Phrase::Coming), &coming),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(body, "{heading}:");
        for d in items.iter() {
            let name = registry
                .cooperation(&d.cooperation)
                .map_or_else(|| d.cooperation.to_string(), |c| c.cooperation.name.clone());
            let _ = writeln!(body, "  {}  {} ({name})", w.date(d.due), d.title);
        }
        body.push('\n');
    }
    if !cases.is_empty() {
        let _ = writeln!(body, "{}:", w.phrase(Phrase::Cases));
        for (due, text) in cases {
            let _ = writeln!(body, "  {}  {text}", w.date(*due));
        }
        body.push('\n');
    }
    if !disputes.is_empty() {
        let _ = writeln!(body, "{}:", w.phrase(Phrase::Disputes));
        for (doc, d) in &disputes {
            let _ = writeln!(
                body,
                "  {}  {} ({})",
                w.date(d.respond_by),
                d.title,
                doc.cooperation.name
            );
        }
        body.push('\n');
    }
    body.push_str(&w.phrase(Phrase::Footer));
    body.push('\n');
    let late = |due: Date| due < today;
    Ok(Some(Mail {
        to: recipient.email.clone(),
        key: format!("digest/{week}"),
        subject: format!(
            "{} {week}: {} / {}",
            w.phrase(Phrase::Digest),
            overdue.len()
                + cases.iter().filter(|(d, _)| late(*d)).count()
                + disputes.iter().filter(|(_, d)| late(d.respond_by)).count(),
            coming.len()
                + cases.iter().filter(|(d, _)| !late(*d)).count()
                + disputes.iter().filter(|(_, d)| !late(d.respond_by)).count()
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
