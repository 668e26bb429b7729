//! The journal's index by subject: which cooperations have ever defined a service, and which
//! have ever delegated a service for a municipality. Written in the same transaction as the
//! events and never deleted from (a cooperation that once delegated a service for a
//! municipality may still answer for a past moment), so that "who performs this service for
//! this municipality, as known then" is answered from the few cooperations concerned, read by
//! index as they were known then ([`Store::registry_answering`]), instead of from the whole
//! registry replayed to that moment.

use std::collections::BTreeSet;

use samvirke_core::model::Fact;
use samvirke_core::registry::RecordedFact;
use samvirke_core::{MunicipalityId, MunicipalityRegister, Registry, Timestamp};

use crate::{Change, Event, SqlValue, Store, StoreError};

/// The table, created with the journal (both backends take this SQL as it is). A service
/// definition has the empty municipality.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS journal_subject (
    service TEXT NOT NULL,
    municipality TEXT NOT NULL,
    cooperation TEXT NOT NULL,
    PRIMARY KEY (service, municipality, cooperation)
);
";

/// The statement that writes one row (`$1`-style parameters, as both backends take them).
pub(crate) const INSERT: &str = "INSERT INTO journal_subject (service, municipality, cooperation) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

/// The key in `samvirke_meta` that says the table holds the rows of every event before it was
/// created (a database written before schema version 6 gets them when it is opened).
const FILLED: &str = "journal_subject_filled";

/// A row: service, municipality (empty for a definition), cooperation.
pub(crate) type Row = (String, String, String);

/// The rows of `events`: one per service a put defines, and one per municipality a put
/// delegates a service for.
pub(crate) fn rows_of(location: &str, events: &[Event]) -> Result<BTreeSet<Row>, StoreError> {
    let mut rows = BTreeSet::new();
    for event in events {
        let payload = event.payload().map_err(|message| StoreError::BadPayload {
            location: location.to_string(),
            seq: event.seq,
            message,
        })?;
        let Change::Put { fact, .. } = payload.change else {
            continue;
        };
        match *fact {
            Fact::Service {
                cooperation,
                service,
            } => {
                rows.insert((
                    service.id.to_string(),
                    String::new(),
                    cooperation.to_string(),
                ));
            }
            Fact::Delegation {
                cooperation,
                delegation,
            } => {
                for m in &delegation.for_municipalities {
                    rows.insert((
                        delegation.service.to_string(),
                        m.to_string(),
                        cooperation.to_string(),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(rows)
}

/// The municipality ids a delegation may name for residents of `municipality` on `on`: the id,
/// the id it resolves to that day, and every id in the renumbering lineage of either (the
/// registry counts a delegation for any of them).
fn lineage_ids(municipality: MunicipalityId, on: samvirke_core::Date) -> BTreeSet<String> {
    let register = MunicipalityRegister::embedded();
    let mut ids = vec![municipality];
    if let Ok(resolved) = register.resolve(municipality, on) {
        ids.push(resolved.id());
    }
    let mut out = BTreeSet::new();
    for id in ids {
        out.insert(id.to_string());
        out.extend(
            register
                .lineage_spans(id)
                .into_iter()
                .flatten()
                .map(|s| s.0.to_string()),
        );
    }
    out
}

impl Store {
    /// Writes the rows of every event, once, for a database whose table was created empty on an
    /// older journal.
    pub(crate) fn fill_subjects(&mut self) -> Result<(), StoreError> {
        let filled = self.backend.account_query(
            "SELECT value FROM samvirke_meta WHERE key = $1",
            &[SqlValue::Text(FILLED.to_string())],
        )?;
        if !filled.is_empty() {
            return Ok(());
        }
        let location = self.location().to_string();
        let events = self.backend.read_events(0)?;
        let mut statements: Vec<(&str, Vec<SqlValue>)> = rows_of(&location, &events)?
            .into_iter()
            .map(|(service, municipality, cooperation)| {
                (
                    INSERT,
                    vec![
                        SqlValue::Text(service),
                        SqlValue::Text(municipality),
                        SqlValue::Text(cooperation),
                    ],
                )
            })
            .collect();
        statements.push((
            "INSERT INTO samvirke_meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO NOTHING",
            vec![SqlValue::Text(FILLED.to_string())],
        ));
        self.backend.account_batch(&statements)
    }

    /// Who could answer who performs `service` for residents of `municipality` on `on`, as
    /// known at `as_known_on`, for a reader whose present registry is at event `head`: the
    /// journal head known then ([`Store::seq_known_on`]) and, unless that is `head`, the
    /// registry of the cooperations that could answer, as known then: every cooperation that
    /// has ever delegated the service for the municipality (or an id of its lineage), and the
    /// first in id order that defines the service then (the whole registry takes the service's
    /// name and legal basis from it). Each is read by index as it was then
    /// ([`Store::cooperation_state_through`]), so the cost grows with the number of those
    /// cooperations' facts, neither with their histories nor with the journal: two statements
    /// (the head known then with the subject rows, then the facts of the first definer and the
    /// candidates), a third only when the first definer did not define the service then.
    pub fn registry_answering(
        &mut self,
        municipality: MunicipalityId,
        service: &str,
        on: samvirke_core::Date,
        as_known_on: Timestamp,
        head: u64,
    ) -> Result<Answering, StoreError> {
        // One read for all three: the head known then, the cooperations naming the
        // municipality (any of its lineage) for the service, and the first in id order of those
        // defining it (the row with no municipality; a service defined by many cooperations
        // has hundreds, and the first usually answers). The head comes on every row, and on a
        // row of its own (no cooperation) when there is no subject row.
        let ids: Vec<String> = lineage_ids(municipality, on).into_iter().collect();
        let placeholders: Vec<String> = (3..ids.len() + 3).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT k.seq, s.cooperation, s.municipality
             FROM (SELECT COALESCE(({KNOWN_ON}), 0) AS seq) k
             LEFT JOIN (
                 SELECT cooperation, municipality FROM journal_subject
                 WHERE service = $2 AND municipality IN ({})
               UNION ALL
                 SELECT MIN(cooperation), '' FROM journal_subject
                 WHERE service = $2 AND municipality = ''
             ) s ON s.cooperation IS NOT NULL",
            placeholders.join(", ")
        );
        let mut params = vec![
            SqlValue::Text(as_known_on.to_string()),
            SqlValue::Text(service.to_string()),
        ];
        params.extend(ids.into_iter().map(SqlValue::Text));
        let rows = self.backend.account_query(&sql, &params)?;
        let location = self.location().to_string();
        let seq =
            crate::index::int(&location, rows.first().and_then(|row| row.first()))?.max(0) as u64;
        if seq == head {
            return Ok(Answering::Present);
        }
        let mut cooperations: BTreeSet<String> = BTreeSet::new();
        let mut first = None;
        for row in rows {
            // The head's own row has no cooperation (NULL).
            let mut columns = row.into_iter().skip(1);
            if let (Some(SqlValue::Text(cooperation)), Some(SqlValue::Text(m))) =
                (columns.next(), columns.next())
            {
                if m.is_empty() {
                    first = Some(cooperation);
                } else {
                    cooperations.insert(cooperation);
                }
            }
        }
        // The definers in id order, as the registry orders its cooperations, until one defines
        // the service at `seq`: usually the first, read with the candidates.
        let Some(first) = first else {
            return Ok(Answering::Whole(seq));
        };
        let mut read: Vec<&str> = vec![first.as_str()];
        read.extend(
            cooperations
                .iter()
                .map(String::as_str)
                .filter(|c| *c != first),
        );
        let mut facts: Vec<RecordedFact> = self
            .cooperations_state_through(&read, seq)?
            .into_values()
            .collect();
        let mut defined = defines(&facts, &first, service);
        if !defined && !cooperations.contains(&first) {
            facts.retain(|f| f.fact.cooperation().as_str() != first);
        }
        if !defined {
            // The first did not define it then (it was defined later, or withdrawn): the other
            // definers, read only now.
            let definers = self.backend.account_query(
                "SELECT cooperation FROM journal_subject
                 WHERE service = $1 AND municipality = '' AND cooperation > $2
                 ORDER BY cooperation",
                &[
                    SqlValue::Text(service.to_string()),
                    SqlValue::Text(first.clone()),
                ],
            )?;
            for row in definers {
                let Some(SqlValue::Text(cooperation)) = row.into_iter().next() else {
                    continue;
                };
                if cooperations.contains(&cooperation) {
                    // A candidate: its facts were read with the first.
                    defined = defines(&facts, &cooperation, service);
                } else {
                    let state: Vec<RecordedFact> = self
                        .cooperations_state_through(&[cooperation.as_str()], seq)?
                        .into_values()
                        .collect();
                    if defines(&state, &cooperation, service) {
                        facts.extend(state);
                        defined = true;
                    }
                }
                if defined {
                    break;
                }
            }
        }
        if !defined {
            return Ok(Answering::Whole(seq));
        }
        Ok(Answering::Registry(Box::new(Registry::build(facts))))
    }
}

/// The head known at a record time `$1`, as [`Store::seq_known_on`] reads it (no row when
/// nothing was recorded by then).
pub(crate) const KNOWN_ON: &str =
    "SELECT seq FROM journal WHERE recorded_at <= $1 ORDER BY recorded_at DESC, seq DESC LIMIT 1";

/// Whether `cooperation`, as its facts among `facts` have it, defines `service`, as the
/// registry sees it: a cooperation without its header is not in the registry.
fn defines(facts: &[RecordedFact], cooperation: &str, service: &str) -> bool {
    samvirke_core::model::CooperationDoc::from_facts(
        facts
            .iter()
            .filter(|f| f.fact.cooperation().as_str() == cooperation)
            .map(|f| &f.fact),
    )
    .is_some_and(|doc| doc.services.iter().any(|s| s.id.as_str() == service))
}

/// Who answers a question as known at a moment ([`Store::registry_answering`]).
#[derive(Debug)]
pub enum Answering {
    /// Nothing was recorded after the reader's present by then: its registry answers.
    Present,
    /// The registry of the cooperations that could answer, as known then.
    Registry(Box<Registry>),
    /// No cooperation defined the service then: the answer (an unknown service, with
    /// suggestions from every service) needs the whole registry as known right after this
    /// event.
    Whole(u64),
}
