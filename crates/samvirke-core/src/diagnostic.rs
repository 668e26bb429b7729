//! Diagnostics: errors in an input file, each with file, line, column, field, what is wrong and how
//! to fix it.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

use crate::ids::{CooperationId, PartyId, ServiceId};
use crate::time::{Date, Interval};

/// One problem in one place of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diagnostic {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// The field, as a path: `delegation[2].to`.
    pub field: String,
    /// What is wrong and how to fix it, in English (the command line and the API say this).
    pub message: String,
    /// The same as a translation key with typed arguments, so that a page can say it in the
    /// reader's language and with names for ids; `None` where only the English text exists
    /// (TOML syntax and field types, which a form never produces).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub said: Option<Said>,
}

/// A message as a key of the translation files (`diag-…`) and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    /// The message key.
    pub key: &'static str,
    /// The arguments by name.
    pub args: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Said`] message, typed so that each reader's page can write it: a name for
/// an id, a date as the language writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Written as it is (a value the user typed, a number).
    Text(String),
    /// A day.
    Date(Date),
    /// A period of validity (shown with its last day, inclusive).
    Interval(Interval),
    /// A municipality or organisation, shown by name.
    Party(PartyId),
    /// Several, shown by name as a list.
    Parties(Vec<PartyId>),
    /// A service, shown by name.
    Service(ServiceId),
    /// Several, shown by name as a list.
    Services(Vec<ServiceId>),
    /// A cooperation, shown by name.
    Cooperation(CooperationId),
    /// A word of the translation files, by key, e.g. `status-exploring`.
    Term(String),
}

impl From<&PartyId> for Arg {
    fn from(p: &PartyId) -> Arg {
        Arg::Party(p.clone())
    }
}
impl From<&ServiceId> for Arg {
    fn from(s: &ServiceId) -> Arg {
        Arg::Service(s.clone())
    }
}
impl From<Date> for Arg {
    fn from(d: Date) -> Arg {
        Arg::Date(d)
    }
}
impl From<Interval> for Arg {
    fn from(i: Interval) -> Arg {
        Arg::Interval(i)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Text(n.to_string())
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Text(n.to_string())
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Arg {
        Arg::Text(n.to_string())
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

/// `said!("diag-…", name = value, …)`: a [`Said`] whose arguments convert with `Arg::from`.
#[macro_export]
macro_rules! said {
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::diagnostic::Said {
            key: $key,
            args: vec![$((stringify!($name), $crate::diagnostic::Arg::from($value))),*],
        }
    };
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        } else {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, self.line, self.column, self.field, self.message
            )
        }
    }
}

/// Maps byte offsets in a source text to lines and columns.
#[derive(Clone, Debug)]
pub struct SourceMap {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceMap {
    /// Indexes `text`, which came from the file `name`.
    pub fn new(name: &str, text: &str) -> SourceMap {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceMap {
            name: name.to_string(),
            text: text.to_string(),
            line_starts,
        }
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// 1-based line and column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_idx];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line_idx + 1, column)
    }

    /// A diagnostic at the start of `span` that pages can also say in the reader's language.
    pub fn said(
        &self,
        span: &Range<usize>,
        field: &str,
        said: Said,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            said: Some(said),
            ..self.diagnostic(span, field, message)
        }
    }

    /// A diagnostic at the start of `span`.
    pub fn diagnostic(&self, span: &Range<usize>, field: &str, message: String) -> Diagnostic {
        let (line, column) = self.line_column(span.start);
        Diagnostic {
            file: self.name.clone(),
            line,
            column,
            field: field.to_string(),
            message,
            said: None,
        }
    }
}
