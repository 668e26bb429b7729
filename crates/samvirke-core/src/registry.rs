//! The registry: the state of all cooperations as a set of facts with their record metadata, and
//! the resolver index over it.
//!
//! [`Registry::build`] takes facts as the journal projects them (the store decides which events
//! count, e.g. only those recorded before an "as known on" time) and indexes every delegation by
//! (municipality, service) so that [`Registry::performer_index`] is a hash lookup and a short scan.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::ids::{CooperationId, MunicipalityId, PartyId, ServiceId};
use crate::model::{CooperationDoc, Delegation, Fact, ObligationStatus, Service};
use crate::municipalities::{MunicipalityError, MunicipalityRegister};
use crate::time::{Date, Interval, Timestamp};

/// A fact and when it was recorded (the journal event that last put it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedFact {
    /// The fact.
    pub fact: Fact,
    /// Sequence number of the event that recorded this version of it.
    pub seq: u64,
    /// Record time of that event.
    pub recorded_at: Timestamp,
}

/// When a fact was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordInfo {
    /// Journal sequence number.
    pub event: u64,
    /// Record time.
    pub recorded_at: Timestamp,
}

/// Index of one delegation inside the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DelegationRef {
    /// Index into the cooperations (in id order).
    pub cooperation: u32,
    /// Index into that cooperation's delegations.
    pub delegation: u32,
}

/// One code of a municipality's renumbering lineage, with the days it was in force.
type Lineage = (MunicipalityId, Option<Date>, Option<Date>);

/// The lineage of `m` through renumberings, each id with its days; the id alone when the
/// register does not know it.
fn lineage_of(register: &MunicipalityRegister, m: MunicipalityId) -> Vec<Lineage> {
    match register.lineage_spans(m) {
        Some(spans) if !spans.is_empty() => spans.to_vec(),
        _ => vec![(m, None, None)],
    }
}

#[derive(Clone, Copy, Debug)]
struct IndexEntry {
    from: i32,
    to: i32,
    delegation: DelegationRef,
}

/// The state of all cooperations, indexed for the resolver.
#[derive(Debug, Default)]
pub struct Registry {
    docs: Vec<CooperationDoc>,
    records: FxHashMap<String, RecordInfo>,
    services: BTreeMap<ServiceId, (u32, u32)>,
    service_ids: Vec<ServiceId>,
    index: FxHashMap<(MunicipalityId, u32), Vec<IndexEntry>>,
    statuses: FxHashMap<(CooperationId, String, Date), ObligationStatus>,
    extras: FxHashMap<CooperationId, Vec<Fact>>,
    /// The cooperations with a settlement dispute, so that listing disputes costs what there is
    /// of them, not a look at every cooperation.
    disputed: std::collections::BTreeSet<CooperationId>,
}

impl Registry {
    /// Builds the registry from the current facts (at most one per key).
    pub fn build(facts: Vec<RecordedFact>) -> Registry {
        let keyed: Vec<(String, RecordedFact)> =
            facts.into_iter().map(|f| (f.fact.key(), f)).collect();
        Registry::build_keyed(keyed.iter().map(|(key, fact)| (key.as_str(), fact)))
    }

    /// The same, from facts with their keys already worked out (a projection holds them by key),
    /// borrowed: each fact is copied once, into its cooperation's document, not first into a
    /// list of its own (a save rebuilds the registry, so this is most of a save's cost).
    pub fn build_keyed<'f>(
        facts: impl IntoIterator<Item = (&'f str, &'f RecordedFact)>,
    ) -> Registry {
        let mut by_coop: BTreeMap<&CooperationId, Vec<&Fact>> = BTreeMap::new();
        let mut records = FxHashMap::default();
        let mut statuses = FxHashMap::default();
        let mut extras: FxHashMap<CooperationId, Vec<Fact>> = FxHashMap::default();
        let mut disputed = std::collections::BTreeSet::new();
        for (key, recorded) in facts {
            if let Fact::Dispute { cooperation, .. } = &recorded.fact {
                disputed.insert(cooperation.clone());
            }
            if !recorded.fact.in_agreement_file() {
                extras
                    .entry(recorded.fact.cooperation().clone())
                    .or_default()
                    .push(recorded.fact.clone());
            }
            if let Fact::ObligationStatus {
                cooperation,
                status,
            } = &recorded.fact
            {
                statuses.insert(
                    (cooperation.clone(), status.obligation.clone(), status.due),
                    status.clone(),
                );
            }
            records.insert(
                key.to_string(),
                RecordInfo {
                    event: recorded.seq,
                    recorded_at: recorded.recorded_at,
                },
            );
            by_coop
                .entry(recorded.fact.cooperation())
                .or_default()
                .push(&recorded.fact);
        }
        let docs = by_coop
            .into_values()
            .filter_map(CooperationDoc::from_facts)
            .collect();
        let mut registry = Registry::from_docs(docs, records);
        registry.statuses = statuses;
        registry.extras = extras;
        registry.disputed = disputed;
        registry
    }

    /// The cooperations with at least one settlement dispute, by id.
    pub fn disputed_cooperations(&self) -> impl Iterator<Item = &CooperationDoc> {
        self.disputed.iter().filter_map(|id| self.cooperation(id))
    }

    /// The facts of a cooperation that are not in its agreement file (settlement runs, deadline
    /// states, report templates and fact sheets).
    pub fn extra_facts(&self, cooperation: &CooperationId) -> impl Iterator<Item = &Fact> {
        self.extras.get(cooperation).into_iter().flatten()
    }

    /// The recorded state of one deadline (`obligation` as deadlines name it), if any.
    pub fn obligation_status(
        &self,
        cooperation: &CooperationId,
        obligation: &str,
        due: Date,
    ) -> Option<&ObligationStatus> {
        self.statuses
            .get(&(cooperation.clone(), obligation.to_string(), due))
    }

    /// Builds the registry from whole documents with no record metadata (for checks and benchmarks).
    pub fn from_documents(docs: Vec<CooperationDoc>) -> Registry {
        let mut docs = docs;
        docs.sort_by(|a, b| a.cooperation.id.cmp(&b.cooperation.id));
        Registry::from_docs(docs, FxHashMap::default())
    }

    fn from_docs(docs: Vec<CooperationDoc>, records: FxHashMap<String, RecordInfo>) -> Registry {
        let register = MunicipalityRegister::embedded();
        let mut registry = Registry {
            docs,
            records,
            ..Registry::default()
        };
        for (coop_idx, doc) in registry.docs.iter().enumerate() {
            for (service_idx, service) in doc.services.iter().enumerate() {
                registry
                    .services
                    .entry(service.id.clone())
                    .or_insert((coop_idx as u32, service_idx as u32));
            }
        }
        registry.service_ids = registry.services.keys().cloned().collect();
        let mut lineage_cache: FxHashMap<MunicipalityId, Vec<Lineage>> = FxHashMap::default();
        for (coop_idx, doc) in registry.docs.iter().enumerate() {
            for (del_idx, d) in doc.delegations.iter().enumerate() {
                let Some(service) = registry.service_index(&d.service) else {
                    continue;
                };
                let delegation = DelegationRef {
                    cooperation: coop_idx as u32,
                    delegation: del_idx as u32,
                };
                for m in &d.for_municipalities {
                    let lineage = lineage_cache
                        .entry(*m)
                        .or_insert_with(|| lineage_of(register, *m));
                    for (id, from, to) in lineage.iter() {
                        let version_interval = Interval::new(from.unwrap_or(d.valid.from()), *to);
                        let Some(valid) =
                            version_interval.ok().and_then(|v| v.intersection(&d.valid))
                        else {
                            continue;
                        };
                        let entry = IndexEntry {
                            from: valid.from().days_since_epoch(),
                            to: valid.to().map_or(i32::MAX, Date::days_since_epoch),
                            delegation,
                        };
                        registry
                            .index
                            .entry((*id, service))
                            .or_default()
                            .push(entry);
                    }
                }
            }
        }
        for entries in registry.index.values_mut() {
            entries.sort_by_key(|e| e.from);
        }
        registry
    }

    /// All cooperations, in id order.
    pub fn cooperations(&self) -> &[CooperationDoc] {
        &self.docs
    }

    /// One cooperation.
    pub fn cooperation(&self, id: &CooperationId) -> Option<&CooperationDoc> {
        self.docs.iter().find(|d| &d.cooperation.id == id)
    }

    /// When the fact with `key` was recorded, if it came from the journal.
    pub fn record_of(&self, key: &str) -> Option<RecordInfo> {
        self.records.get(key).copied()
    }

    /// The dense index of a service id, if any cooperation defines it.
    pub fn service_index(&self, id: &ServiceId) -> Option<u32> {
        self.service_ids.binary_search(id).ok().map(|i| i as u32)
    }

    /// The dense index of a service by its text id (no allocation; for bulk paths).
    pub fn service_index_str(&self, id: &str) -> Option<u32> {
        self.service_ids
            .binary_search_by(|s| s.as_str().cmp(id))
            .ok()
            .map(|i| i as u32)
    }

    /// The service definition (from the first cooperation in id order that defines it).
    pub fn service(&self, id: &ServiceId) -> Option<&Service> {
        let (coop, idx) = *self.services.get(id)?;
        self.docs.get(coop as usize)?.services.get(idx as usize)
    }

    /// The service's name in the language of the cooperation that defines it.
    pub fn service_name(&self, id: &ServiceId) -> Option<&str> {
        let (coop, idx) = *self.services.get(id)?;
        let doc = self.docs.get(coop as usize)?;
        doc.services
            .get(idx as usize)
            .map(|s| s.names.get(doc.cooperation.language))
    }

    /// The names of a service in every language its agreement file gives, and the country of the
    /// cooperation that defines it.
    pub fn service_names(&self, id: &ServiceId) -> Option<(&crate::model::Names, crate::Country)> {
        let (coop, idx) = *self.services.get(id)?;
        let doc = self.docs.get(coop as usize)?;
        doc.services
            .get(idx as usize)
            .map(|s| (&s.names, doc.cooperation.country))
    }

    /// A service's name in `language` where its agreement file gives one, else in the language it
    /// is written in; `None` for an id no cooperation defines.
    pub fn service_name_in(&self, id: &str, language: crate::model::Language) -> Option<&str> {
        let id = ServiceId::parse(id).ok()?;
        self.service_names(&id)
            .map(|(names, _)| names.get_in(language).0)
    }

    /// All service ids, sorted.
    pub fn service_ids(&self) -> &[ServiceId] {
        &self.service_ids
    }

    /// The delegation behind a reference.
    pub fn delegation(&self, r: DelegationRef) -> (&CooperationDoc, &Delegation) {
        let doc = &self.docs[r.cooperation as usize];
        (doc, &doc.delegations[r.delegation as usize])
    }

    /// The hot path: which delegations cover `municipality` (an id in force on `on`) for the service
    /// with dense index `service` on `on`. Returns the first match and whether there are more.
    pub fn performer_index(
        &self,
        municipality: MunicipalityId,
        service: u32,
        on: Date,
    ) -> Option<(DelegationRef, bool)> {
        let entries = self.index.get(&(municipality, service))?;
        let day = on.days_since_epoch();
        let mut found = None;
        for entry in entries {
            if entry.from > day {
                break;
            }
            if day < entry.to {
                if found.is_some() {
                    return found.map(|f| (f, true));
                }
                found = Some(entry.delegation);
            }
        }
        found.map(|f| (f, false))
    }

    /// The performer of a service for a municipality on a day: the delegation's performer, or the
    /// municipality itself when no cooperation covers it. `None` when two delegations claim it
    /// (which validation prevents; the full resolver reports it).
    pub fn performer(
        &self,
        municipality: MunicipalityId,
        service: u32,
        on: Date,
    ) -> Option<PartyId> {
        match self.performer_index(municipality, service, on) {
            None => Some(PartyId::Municipality(municipality)),
            Some((r, false)) => Some(self.delegation(r).1.performer.clone()),
            Some((_, true)) => None,
        }
    }

    /// Like [`Registry::performer`], with a performing municipality named by the code it had on
    /// `on` (a delegation written with today's code answers with the old one for an old date).
    pub fn performer_on(
        &self,
        municipality: MunicipalityId,
        service: u32,
        on: Date,
    ) -> Option<PartyId> {
        match self.performer(municipality, service, on)? {
            PartyId::Municipality(m) if m != municipality => {
                let in_force = MunicipalityRegister::embedded()
                    .resolve(m, on)
                    .map_or(m, |r| r.id());
                Some(PartyId::Municipality(in_force))
            }
            other => Some(other),
        }
    }

    /// All delegations of a service that cover a municipality (any time), in start order.
    pub fn delegations_for(
        &self,
        municipality: MunicipalityId,
        service: u32,
    ) -> Vec<DelegationRef> {
        self.index
            .get(&(municipality, service))
            .map(|entries| entries.iter().map(|e| e.delegation).collect())
            .unwrap_or_default()
    }

    /// The closest service ids to what was typed: ids that start with it (or it with them) first,
    /// then by edit distance.
    pub fn suggest_services(&self, input: &str) -> Vec<&ServiceId> {
        let mut scored: Vec<(bool, usize, &ServiceId)> = self
            .service_ids
            .iter()
            .map(|s| {
                let prefix = s.as_str().starts_with(input) || input.starts_with(s.as_str());
                (!prefix, strsim::levenshtein(s.as_str(), input), s)
            })
            .filter(|(not_prefix, distance, _)| !not_prefix || *distance <= input.len().max(4) / 2)
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, _, s)| s).collect()
    }
}

/// Why the resolver cannot answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResolveError {
    /// The municipality id is unknown, ambiguous or not in force.
    #[error(transparent)]
    Municipality(#[from] MunicipalityError),
    /// No cooperation defines the service.
    #[error("unknown service \"{input}\"{}", if suggestions.is_empty() { "; list services with `samvirke services`".to_string() } else { format!("; did you mean {}?", suggestions.join(", ")) })]
    UnknownService {
        /// What was asked for.
        input: String,
        /// Closest known ids.
        suggestions: Vec<String>,
    },
    /// Two delegations claim the same municipality, service and day (stored data that predates
    /// validation, or an "as known on" state that was later corrected).
    #[error(
        "the registry has two performers for {municipality}, service \"{service}\" on {on}: {first} and {second}; correct the agreements"
    )]
    Conflict {
        /// Municipality.
        municipality: MunicipalityId,
        /// Service.
        service: ServiceId,
        /// Day.
        on: Date,
        /// One claim.
        first: String,
        /// The other.
        second: String,
    },
}
