//! The words around the facts in what Samvirke writes for people outside a page (reminder and
//! digest mails, calendar feeds): a trait the translations implement (`samvirke-i18n`'s `Lang`),
//! so that the core composes the text and writes no words of its own.

use crate::deadlines::Status;
use crate::time::Date;

/// A fixed phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    /// Heading: overdue deadlines.
    Overdue,
    /// Heading: coming deadlines.
    Coming,
    /// Heading: register cases falling due.
    Cases,
    /// The digest's subject: this week's deadlines.
    Digest,
    /// Label: who must do it.
    Owners,
    /// Label: the agreement clause or law.
    Basis,
    /// A mail's last line: who sent it and how to record a deadline as met.
    Footer,
    /// After a statutory reference that is not fully confirmed.
    StatuteUnsure,
    /// Label: the recorded state of a deadline.
    State,
    /// Heading: disputes waiting for an answer.
    Disputes,
    /// Label: why a dispute was opened.
    Reason,
    /// A dispute reminder's last line: who sent it and where to answer.
    DisputeFooter,
}

/// The words of one language.
pub trait Words {
    /// "Due in 3 days"; "Due today" for 0.
    fn due_in(&self, days: i32) -> String;
    /// A fixed phrase.
    fn phrase(&self, phrase: Phrase) -> String;
    /// A date as the language writes it.
    fn date(&self, day: Date) -> String;
    /// A deadline's state in words.
    fn status(&self, status: Status) -> String;
}
