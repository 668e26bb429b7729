//! Scenarios worked out for the pages and the API, with a bounded cost per request.
//!
//! A scenario is worked out on the registry it starts from (`Store::scenario_base`: as known at
//! the end of its `known_on` day, or just before its adoption was recorded) or on the current
//! snapshot, off the async threads. The
//! result depends only on the cooperation, the scenario and the journal head, so it is kept in a
//! small cache keyed by those three: a page viewed again, its PDF and its JSON cost one lookup.
//! At most [`CONCURRENT_MAX`] scenarios are worked out at once; a request beyond that waits its
//! turn rather than adding load.

use std::sync::Arc;

use samvirke_core::model::{CooperationDoc, Scenario};
use samvirke_core::scenario::{self, Problem};
use samvirke_settle::scenario::{Report, report};

use crate::bounded::Cache;
use crate::{AppState, Snapshot, WebError};

/// How many worked-out scenarios are kept (each holds a few documents; a cache entry is a few
/// hundred kilobytes at most for the largest cooperations).
pub(crate) const CACHE_MAX: usize = 64;

/// How many scenarios are worked out at the same time at most.
pub(crate) const CONCURRENT_MAX: usize = 2;

/// A worked-out scenario, or why it cannot be.
pub(crate) type Worked = Result<Arc<Report>, Arc<Vec<Problem>>>;

/// Worked-out scenarios by journal head, cooperation and scenario.
pub(crate) type Scenarios = Cache<(u64, String, String), Worked>;

/// The cache of worked-out scenarios and the cap on working them out.
pub(crate) fn scenarios() -> Scenarios {
    Cache::new("scenarios", CACHE_MAX, CONCURRENT_MAX)
}

/// The scenario `id` of `doc`, if it has one and the reader may see it (`staff`, or published).
pub(crate) fn find<'d>(doc: &'d CooperationDoc, id: &str, staff: bool) -> Option<&'d Scenario> {
    doc.scenarios
        .iter()
        .find(|s| s.id == id && (staff || s.published))
}

/// Works out `scenario` of `doc` as of the snapshot's journal head (from the cache when it is
/// there).
pub(crate) async fn work_out(
    state: &Arc<AppState>,
    snapshot: &Arc<Snapshot>,
    doc: &CooperationDoc,
    scenario: &Scenario,
) -> Result<Worked, WebError> {
    let head = snapshot.head;
    let key = (head, doc.cooperation.id.to_string(), scenario.id.clone());
    // Entries of an older journal head are of no further use.
    state.scenarios.retain(|(h, _, _)| *h == head)?;
    let worker = state.clone();
    let snap = snapshot.clone();
    let id = doc.cooperation.id.clone();
    let found = scenario.clone();
    state
        .scenarios
        .get_or_work(key, move || {
            let older = if found.known_on.is_some() || found.adopted.is_some() {
                worker.scenario_base(&id, &found)?
            } else {
                None
            };
            let base = older.as_ref().unwrap_or(&snap.registry);
            Ok(match scenario::evaluate(base, &id, &found) {
                Ok(outcome) => Ok(Arc::new(report(outcome))),
                Err(problems) => Err(Arc::new(problems)),
            })
        })
        .await
}
