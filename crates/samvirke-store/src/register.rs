//! The register of complaints and access requests, and the record of reminder mails sent: tables
//! beside the journal.
//!
//! A case is personal data, however little of it is kept, and must be deleted when its retention
//! period ends; the journal never deletes, so cases live here instead. Nothing is lost silently:
//! every change to a case (registered, extended, closed, deleted) is written to `register_log` in
//! the same transaction, and the log holds no personal data (no case reference), so it outlives
//! the case it describes.

use samvirke_core::cases::{CaseDue, CaseKind, CaseReference, RoutingRecord, due_dates};
use samvirke_core::model::Language;
use samvirke_core::{Country, Date, MunicipalityId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{SqlValue, Store, StoreError};

/// Schema version 2 over version 1: the case number counter starts after the highest number
/// already given (a new database starts it at 0 in [`SCHEMA`]).
pub(crate) const MIGRATION_2: &str = "
UPDATE register_number SET n = (SELECT COALESCE(MAX(x), 0) FROM (SELECT id AS x FROM register_case UNION ALL SELECT case_id AS x FROM register_log) AS given);
";

/// The register tables (both dialects accept this text).
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS register_case (
    id BIGINT PRIMARY KEY,
    reference TEXT NOT NULL,
    kind TEXT NOT NULL,
    service TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    received_on TEXT NOT NULL,
    country TEXT NOT NULL,
    citizen_municipality TEXT NOT NULL,
    handled_by TEXT NOT NULL,
    handled_by_name TEXT NOT NULL,
    visible_to TEXT NOT NULL,
    routing TEXT NOT NULL,
    extended_on TEXT,
    closed_on TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS register_log (
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    case_id BIGINT NOT NULL,
    what TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS register_number (one INTEGER PRIMARY KEY CHECK (one = 1), n BIGINT NOT NULL);
INSERT INTO register_number (one, n) VALUES (1, 0) ON CONFLICT (one) DO NOTHING;
CREATE TABLE IF NOT EXISTS mail_sent (
    mail_key TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (mail_key, recipient)
);
";

/// A case as it is registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCase {
    /// The handling authority's case reference.
    pub reference: CaseReference,
    /// What it is.
    pub kind: CaseKind,
    /// The service it concerns (its id).
    pub service: String,
    /// The date of the decision it concerns (for an access request: the date the service is asked
    /// about).
    pub decided_on: Date,
    /// When the complaint or request was received: the clocks run from here.
    pub received_on: Date,
    /// The citizen's municipality.
    pub citizen_municipality: MunicipalityId,
    /// The body that handles it (id and name), from the routing.
    pub handled_by: (String, String),
    /// The municipalities whose staff may see it.
    pub visible_to: Vec<MunicipalityId>,
    /// Why it goes there: the proof chain, step by step.
    pub routing: RoutingRecord,
}

impl NewCase {
    /// A case of `kind` with `reference`, decided on `decided_on` and received on `received_on`,
    /// as `routing` sends it.
    pub fn routed(
        reference: CaseReference,
        kind: CaseKind,
        decided_on: Date,
        received_on: Date,
        routing: &samvirke_core::cases::Routing,
    ) -> NewCase {
        NewCase {
            reference,
            kind,
            service: routing.service.clone(),
            decided_on,
            received_on,
            citizen_municipality: routing.citizen_municipality,
            handled_by: (
                routing.handled_by.id.clone(),
                routing.handled_by.name.clone(),
            ),
            visible_to: routing.visible_to(),
            routing: routing.record(),
        }
    }
}

/// A registered case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// Its number in the register.
    pub id: i64,
    /// What was registered.
    pub case: NewCase,
    /// The country whose law sets its clocks.
    pub country: Country,
    /// When the extension the law allows was taken, if it was.
    pub extended_on: Option<Date>,
    /// When it was closed, if it is.
    pub closed_on: Option<Date>,
    /// When it was registered.
    pub created_at: Timestamp,
    /// Who registered it.
    pub created_by: String,
}

impl Case {
    /// Its due dates, earliest first, titles in `language`.
    pub fn dues(&self, language: Language) -> Vec<CaseDue> {
        due_dates(
            self.country,
            self.case.kind,
            self.case.received_on,
            self.extended_on.is_some(),
            language,
        )
        .unwrap_or_default()
    }

    /// Whether it is open and its first due date has passed on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.closed_on.is_none()
            && self
                .dues(Language::En)
                .first()
                .is_some_and(|d| d.due < today)
    }

    /// Whether staff of `municipality` may see it.
    pub fn visible_to(&self, municipality: MunicipalityId) -> bool {
        self.case.visible_to.contains(&municipality)
    }
}

/// One line of the register log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterLogEntry {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// Which case.
    pub case_id: i64,
    /// What happened (never personal data).
    pub event: LogEvent,
    /// The same in English, for the command line.
    pub what: String,
}

/// What happened to a case, as the log keeps it: the parts, so that a page can say it in the
/// reader's language. Lines written before the log kept parts are read as [`LogEvent::Text`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LogEvent {
    /// The case was registered.
    Registered {
        /// Its kind.
        kind: CaseKind,
        /// The service (its id).
        service: String,
        /// The date of the decision.
        decided_on: Date,
        /// The day it came in.
        received_on: Date,
        /// The citizen's municipality.
        citizen: MunicipalityId,
        /// The body it was routed to (its id).
        routed_to: String,
        /// Its name.
        #[serde(default)]
        routed_to_name: String,
    },
    /// The extension the law allows was taken.
    Extended {
        /// On which day.
        on: Date,
        /// Why (the requester is told).
        reason: String,
    },
    /// The case was answered or decided.
    Closed {
        /// On which day.
        on: Date,
    },
    /// The case was deleted when its retention period ended.
    Deleted {
        /// The day it was closed.
        closed_on: Option<Date>,
        /// The retention period.
        retention_days: u32,
        /// The day of the purge.
        today: Date,
    },
    /// A line in English, as the log kept it before.
    Text {
        /// The line.
        text: String,
    },
}

impl LogEvent {
    /// Reads a stored line: the parts as JSON, or an older English line.
    fn from_stored(text: &str) -> LogEvent {
        if text.starts_with('{')
            && let Ok(event) = serde_json::from_str(text)
        {
            return event;
        }
        LogEvent::Text {
            text: text.to_string(),
        }
    }

    fn to_stored(&self) -> String {
        match self {
            LogEvent::Text { text } => text.clone(),
            other => serde_json::to_string(other).unwrap_or_default(),
        }
    }

    /// The line in English.
    pub fn english(&self) -> String {
        match self {
            LogEvent::Registered {
                kind,
                service,
                decided_on,
                received_on,
                citizen,
                routed_to,
                ..
            } => format!(
                "registered {kind} about {service} (decision {decided_on}, received {received_on}), citizen of {citizen}, routed to {routed_to}"
            ),
            LogEvent::Extended { on, reason } => format!("extended on {on}: {reason}"),
            LogEvent::Closed { on } => format!("closed on {on}"),
            LogEvent::Deleted {
                closed_on,
                retention_days,
                today,
            } => format!(
                "deleted: closed on {}, retention period of {retention_days} days ended before {today}",
                closed_on.map(|d| d.to_string()).unwrap_or_default()
            ),
            LogEvent::Text { text } => text.clone(),
        }
    }
}

/// What the register stores of a routing: the steps as JSON (an older English line as it was).
fn routing_to_stored(routing: &RoutingRecord) -> String {
    match routing {
        RoutingRecord::Steps(steps) => serde_json::to_string(steps).unwrap_or_default(),
        RoutingRecord::Text(text) => text.clone(),
    }
}

/// Reads a stored routing: the steps as JSON, or the English line cases registered before the
/// register kept steps have.
fn routing_from_stored(text: &str) -> RoutingRecord {
    // Only a JSON array is read as steps; an older English line is not parsed at all.
    match text.starts_with('[').then(|| serde_json::from_str(text)) {
        Some(Ok(steps)) => RoutingRecord::Steps(steps),
        _ => RoutingRecord::Text(text.to_string()),
    }
}

fn t(s: &str) -> SqlValue {
    SqlValue::Text(s.to_string())
}

fn text(v: &SqlValue) -> String {
    match v {
        SqlValue::Text(t) => t.clone(),
        SqlValue::Int(i) => i.to_string(),
        SqlValue::Null => String::new(),
    }
}

const CASE_COLUMNS: &str = "id, reference, kind, service, decided_on, received_on, country, citizen_municipality, handled_by, handled_by_name, visible_to, routing, extended_on, closed_on, created_at, created_by";

fn row_to_case(location: &str, row: &[SqlValue]) -> Result<Case, StoreError> {
    let bad = |message: String| StoreError::Database {
        location: location.to_string(),
        message,
    };
    let [
        id,
        reference,
        kind,
        service,
        decided,
        received,
        country,
        citizen,
        handled_by,
        handled_by_name,
        visible,
        routing,
        extended,
        closed,
        created_at,
        created_by,
    ] = row
    else {
        return Err(bad(format!("register_case row has {} columns", row.len())));
    };
    let SqlValue::Int(id) = id else {
        return Err(bad("register_case.id is not a number".into()));
    };
    let id = *id;
    let field = |name: &str, e: String| bad(format!("register case {id}, {name}: {e}"));
    let date =
        |name: &str, v: &SqlValue| Date::parse(&text(v)).map_err(|e| field(name, e.to_string()));
    let optional_date = |name: &str, v: &SqlValue| match v {
        SqlValue::Null => Ok(None),
        other => date(name, other).map(Some),
    };
    let municipality =
        |v: &str| MunicipalityId::parse(v, None).map_err(|e| field("municipality", e.to_string()));
    Ok(Case {
        id,
        case: NewCase {
            reference: CaseReference::parse(&text(reference)).map_err(|e| field("reference", e))?,
            kind: CaseKind::parse(&text(kind)).map_err(|e| field("kind", e))?,
            service: text(service),
            decided_on: date("decided_on", decided)?,
            received_on: date("received_on", received)?,
            citizen_municipality: municipality(&text(citizen))?,
            handled_by: (text(handled_by), text(handled_by_name)),
            visible_to: text(visible)
                .split_whitespace()
                .map(municipality)
                .collect::<Result<_, _>>()?,
            routing: routing_from_stored(&text(routing)),
        },
        country: Country::parse(&text(country)).map_err(|e| field("country", e.to_string()))?,
        extended_on: optional_date("extended_on", extended)?,
        closed_on: optional_date("closed_on", closed)?,
        created_at: Timestamp::from_micros(match created_at {
            SqlValue::Int(v) => *v,
            _ => 0,
        }),
        created_by: text(created_by),
    })
}

/// Why a change to a case was refused.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No case with that number (or it was deleted).
    #[error("no case {0} in the register; `samvirke cases list` shows the open ones")]
    NotFound(i64),
    /// The change does not fit the case.
    #[error("case {id}: {refusal}")]
    Refused {
        /// Which case.
        id: i64,
        /// Why, and what to do.
        refusal: Refusal,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a change to a case does not fit it; `Display` says it in English, with what to do (a
/// page says it in the reader's language from the parts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The case was closed on this day; a closed case does not change.
    Closed(Date),
    /// The law of the country gives no extension for this kind of case.
    NoExtension(CaseKind, Country),
    /// The one extension the law allows was taken.
    AlreadyExtended,
    /// The extension had to be taken by `by`; `on` is too late.
    TooLate {
        /// The last day for it.
        by: Date,
        /// The day asked for.
        on: Date,
    },
    /// No reason for the extension was given.
    NoReason,
    /// A case cannot close on `on`, before it was received.
    BeforeReceived {
        /// The day asked for.
        on: Date,
        /// The day it came in.
        received: Date,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Closed(closed) => {
                write!(
                    f,
                    "it was closed on {closed}; a closed case does not change"
                )
            }
            Refusal::NoExtension(kind, country) => write!(
                f,
                "the law gives no extension for a {kind} case in {}",
                country.code()
            ),
            Refusal::AlreadyExtended => {
                f.write_str("it has been extended already; the law allows one extension")
            }
            Refusal::TooLate { by, on } => write!(
                f,
                "the extension must be taken, and the requester told, by {by}; on {on} it is too late"
            ),
            Refusal::NoReason => {
                f.write_str("say why more time is needed (--reason); the requester must be told")
            }
            Refusal::BeforeReceived { on, received } => write!(
                f,
                "it cannot be closed on {on}, before it was received ({received})"
            ),
        }
    }
}

impl Store {
    /// Registers a case and logs it, in one transaction; returns its number.
    pub fn case_create(
        &mut self,
        case: &NewCase,
        actor: &str,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let visible = format!(
            " {} ",
            case.visible_to
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        );
        let country = case.citizen_municipality.country();
        let what = LogEvent::Registered {
            kind: case.kind,
            service: case.service.clone(),
            decided_on: case.decided_on,
            received_on: case.received_on,
            citizen: case.citizen_municipality,
            routed_to: case.handled_by.0.clone(),
            routed_to_name: case.handled_by.1.clone(),
        };
        // The number is the last one given plus one, taken inside the transaction that writes the
        // case: the first statement locks the counter (PostgreSQL holds the row until the commit;
        // SQLite writes one transaction at a time), so two servers never give the same number.
        // Numbers are never reused, even after a case is deleted: the log still names it.
        let taken = self.backend.account_batch_query(
            &[
                ("UPDATE register_number SET n = n + 1", Vec::new()),
                (
                    "INSERT INTO register_case (id, reference, kind, service, decided_on, received_on, country, citizen_municipality, handled_by, handled_by_name, visible_to, routing, created_at, created_by) VALUES ((SELECT n FROM register_number), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                    vec![
                        t(case.reference.as_str()),
                        t(case.kind.as_str()),
                        t(&case.service),
                        t(&case.decided_on.to_string()),
                        t(&case.received_on.to_string()),
                        t(country.code()),
                        t(&case.citizen_municipality.to_string()),
                        t(&case.handled_by.0),
                        t(&case.handled_by.1),
                        t(&visible),
                        t(&routing_to_stored(&case.routing)),
                        SqlValue::Int(now.micros()),
                        t(actor),
                    ],
                ),
                (
                    "INSERT INTO register_log (at, actor, case_id, what) VALUES ($1, $2, (SELECT n FROM register_number), $3)",
                    vec![SqlValue::Int(now.micros()), t(actor), t(&what.to_stored())],
                ),
            ],
            Some(("SELECT n FROM register_number", Vec::new())),
        )?;
        match taken.first().and_then(|row| row.first()) {
            Some(SqlValue::Int(id)) => Ok(*id),
            _ => Err(StoreError::Database {
                location: self.location().to_string(),
                message: "register_number has no number; the register tables are damaged"
                    .to_string(),
            }),
        }
    }

    /// The case with this number.
    pub fn case(&mut self, id: i64) -> Result<Option<Case>, StoreError> {
        let location = self.location().to_string();
        let rows = self.backend.account_query(
            &format!("SELECT {CASE_COLUMNS} FROM register_case WHERE id = $1"),
            &[SqlValue::Int(id)],
        )?;
        rows.first().map(|r| row_to_case(&location, r)).transpose()
    }

    /// Every case, or those staff of `visible_to` may see, by number.
    pub fn cases(&mut self, visible_to: Option<MunicipalityId>) -> Result<Vec<Case>, StoreError> {
        let location = self.location().to_string();
        let rows = match visible_to {
            Some(m) => self.backend.account_query(
                &format!(
                    "SELECT {CASE_COLUMNS} FROM register_case WHERE visible_to LIKE $1 ORDER BY id"
                ),
                &[t(&format!("% {m} %"))],
            )?,
            None => self.backend.account_query(
                &format!("SELECT {CASE_COLUMNS} FROM register_case ORDER BY id"),
                &[],
            )?,
        };
        rows.iter().map(|r| row_to_case(&location, r)).collect()
    }

    fn open_case(&mut self, id: i64) -> Result<Case, CaseError> {
        let case = self.case(id)?.ok_or(CaseError::NotFound(id))?;
        if let Some(closed) = case.closed_on {
            return Err(CaseError::Refused {
                id,
                refusal: Refusal::Closed(closed),
            });
        }
        Ok(case)
    }

    /// Takes the extension the law allows (GDPR: two more months), on `on`, before the first
    /// period has run out.
    pub fn case_extend(
        &mut self,
        id: i64,
        on: Date,
        reason: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<Case, CaseError> {
        let case = self.open_case(id)?;
        if !samvirke_core::cases::can_extend(case.country, case.case.kind) {
            return Err(CaseError::Refused {
                id,
                refusal: Refusal::NoExtension(case.case.kind, case.country),
            });
        }
        if case.extended_on.is_some() {
            return Err(CaseError::Refused {
                id,
                refusal: Refusal::AlreadyExtended,
            });
        }
        if let Some(first) = case.dues(Language::En).first()
            && on > first.due
        {
            return Err(CaseError::Refused {
                id,
                refusal: Refusal::TooLate { by: first.due, on },
            });
        }
        if reason.trim().is_empty() {
            return Err(CaseError::Refused {
                id,
                refusal: Refusal::NoReason,
            });
        }
        self.backend.account_batch(&[
            (
                "UPDATE register_case SET extended_on = $1 WHERE id = $2",
                vec![t(&on.to_string()), SqlValue::Int(id)],
            ),
            log_statement(
                id,
                actor,
                &LogEvent::Extended {
                    on,
                    reason: reason.to_string(),
                },
                now,
            ),
        ])?;
        self.case(id)?.ok_or(CaseError::NotFound(id))
    }

    /// Closes a case on `on` (the day it was answered or decided).
    pub fn case_close(
        &mut self,
        id: i64,
        on: Date,
        actor: &str,
        now: Timestamp,
    ) -> Result<Case, CaseError> {
        let case = self.open_case(id)?;
        if on < case.case.received_on {
            return Err(CaseError::Refused {
                id,
                refusal: Refusal::BeforeReceived {
                    on,
                    received: case.case.received_on,
                },
            });
        }
        self.backend.account_batch(&[
            (
                "UPDATE register_case SET closed_on = $1 WHERE id = $2",
                vec![t(&on.to_string()), SqlValue::Int(id)],
            ),
            log_statement(id, actor, &LogEvent::Closed { on }, now),
        ])?;
        self.case(id)?.ok_or(CaseError::NotFound(id))
    }

    /// Deletes every case closed more than `retention_days` days before `today`, logging each
    /// deletion; returns the numbers deleted. With `dry_run`, only says which.
    pub fn cases_purge(
        &mut self,
        today: Date,
        retention_days: u32,
        dry_run: bool,
        actor: &str,
        now: Timestamp,
    ) -> Result<Vec<i64>, StoreError> {
        let cutoff = Date::from_days_since_epoch(today.days_since_epoch() - retention_days as i32);
        let due: Vec<Case> = self
            .cases(None)?
            .into_iter()
            .filter(|c| c.closed_on.is_some_and(|closed| closed < cutoff))
            .collect();
        if dry_run || due.is_empty() {
            return Ok(due.iter().map(|c| c.id).collect());
        }
        let mut statements = Vec::new();
        for case in &due {
            statements.push((
                "DELETE FROM register_case WHERE id = $1",
                vec![SqlValue::Int(case.id)],
            ));
            statements.push(log_statement(
                case.id,
                actor,
                &LogEvent::Deleted {
                    closed_on: case.closed_on,
                    retention_days,
                    today,
                },
                now,
            ));
        }
        self.backend.account_batch(&statements)?;
        Ok(due.iter().map(|c| c.id).collect())
    }

    /// The register log, oldest first; only the lines about `case_id` when given.
    pub fn register_log(
        &mut self,
        case_id: Option<i64>,
    ) -> Result<Vec<RegisterLogEntry>, StoreError> {
        let rows = match case_id {
            Some(id) => self.backend.account_query(
                "SELECT at, actor, case_id, what FROM register_log WHERE case_id = $1 ORDER BY at, case_id",
                &[SqlValue::Int(id)],
            )?,
            None => self.backend.account_query(
                "SELECT at, actor, case_id, what FROM register_log ORDER BY at, case_id",
                &[],
            )?,
        };
        Ok(rows
            .iter()
            .filter_map(|r| match r.as_slice() {
                [SqlValue::Int(at), actor, SqlValue::Int(id), what] => {
                    let event = LogEvent::from_stored(&text(what));
                    Some(RegisterLogEntry {
                        at: Timestamp::from_micros(*at),
                        actor: text(actor),
                        case_id: *id,
                        what: event.english(),
                        event,
                    })
                }
                _ => None,
            })
            .collect())
    }
}

fn log_statement(
    id: i64,
    actor: &str,
    what: &LogEvent,
    now: Timestamp,
) -> (&'static str, Vec<SqlValue>) {
    (
        "INSERT INTO register_log (at, actor, case_id, what) VALUES ($1, $2, $3, $4)",
        vec![
            SqlValue::Int(now.micros()),
            t(actor),
            SqlValue::Int(id),
            t(&what.to_stored()),
        ],
    )
}

impl Store {
    /// Whether the mail `key` was sent to `recipient` (reminders and digests go out once).
    pub fn mail_was_sent(&mut self, key: &str, recipient: &str) -> Result<bool, StoreError> {
        let rows = self.backend.account_query(
            "SELECT sent_at FROM mail_sent WHERE mail_key = $1 AND recipient = $2",
            &[t(key), t(recipient)],
        )?;
        Ok(!rows.is_empty())
    }

    /// Records that the mail `key` went to `recipient`.
    pub fn mail_sent(
        &mut self,
        key: &str,
        recipient: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.account_execute(
            "INSERT INTO mail_sent (mail_key, recipient, sent_at) VALUES ($1, $2, $3)",
            &[t(key), t(recipient), SqlValue::Int(now.micros())],
        )?;
        Ok(())
    }
}
