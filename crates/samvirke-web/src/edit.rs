//! Saving a change made in a form or through the API: the same checks as `samvirke import`, journal
//! events with the actor and a required reason, and no silent overwrite.
//!
//! A change is made against the state the user saw (`base`, the journal head when the form was
//! opened, or the version named by `If-Match`). It is a set of facts put or withdrawn. If any of
//! those facts was changed by someone else after `base`, the save is refused with a [`Conflict`]
//! that shows both changes; if other facts moved meanwhile, the change is applied on top of them
//! (a three-way merge at the level of facts) and the whole cooperation is checked again.

use std::collections::BTreeMap;

use samvirke_core::model::{CooperationDoc, Fact};
use samvirke_core::{CooperationId, Timestamp};
use samvirke_store::{Change, Projection, Store, StoreError};

use samvirke_i18n::{self as i18n, Lang};

use crate::WebError;
use crate::auth::Staff;

/// How often a save is retried when unrelated writes move the journal under it.
const SAVE_ATTEMPTS_MAX: usize = 5;

/// Someone else changed the same facts after the user's version.
#[derive(Debug, Clone)]
pub(crate) struct Conflict {
    /// The keys both changed.
    pub keys: Vec<String>,
    /// The other changes: (event, recorded at, actor, reason).
    pub theirs: Vec<(u64, Timestamp, String, String)>,
    /// The agreement file from the user's version to the current one (unified diff).
    pub diff_theirs: String,
    /// The agreement file from the user's version to what the user wanted.
    pub diff_mine: String,
    /// The current journal head (a new form is based on it).
    pub head: u64,
}

/// What a save did.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// Events were written.
    Saved,
    /// The change changes nothing.
    Unchanged,
    /// Refused: see the conflict.
    Conflict(Box<Conflict>),
}

/// The document of `cooperation` in a projection (agreement-file facts only).
pub(crate) fn doc_in(
    projection: &Projection,
    cooperation: &CooperationId,
) -> Option<CooperationDoc> {
    agreement_doc(projection.facts_of(cooperation))
}

/// The agreement document the facts of one cooperation (by key, as
/// `Store::cooperation_state_through` reads them) make, if they hold one.
pub(crate) fn doc_of(
    facts: &std::collections::BTreeMap<String, samvirke_core::registry::RecordedFact>,
) -> Option<CooperationDoc> {
    agreement_doc(facts.values().collect())
}

fn agreement_doc(facts: Vec<&samvirke_core::registry::RecordedFact>) -> Option<CooperationDoc> {
    CooperationDoc::from_facts(
        facts
            .into_iter()
            .map(|r| &r.fact)
            .filter(|f| f.in_agreement_file())
            .collect::<Vec<&Fact>>(),
    )
}

/// The agreement file text of a document (empty when there is none).
pub(crate) fn file_text(doc: Option<&CooperationDoc>) -> String {
    doc.map(samvirke_core::format::write_toml)
        .unwrap_or_default()
}

/// A unified diff of two agreement files, 3 lines of context.
pub(crate) fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// Runs the agreement-file checks on `doc` (as `samvirke import` would: the file's own rules,
/// its new or changed scenarios against `stored`, the cooperation as it stands) and those across
/// cooperations against `others`; returns the checked, canonical document.
pub(crate) fn check(
    doc: &CooperationDoc,
    others: &[&CooperationDoc],
    stored: Option<&CooperationDoc>,
) -> Result<CooperationDoc, WebError> {
    let name = format!("{}.toml", doc.cooperation.id);
    let text = samvirke_core::format::write_toml(doc);
    let parsed = samvirke_core::format::parse_file(&name, &text).map_err(WebError::Rejected)?;
    let mut found = parsed.scenario_problems(stored);
    found.extend(samvirke_core::format::check_set(
        std::slice::from_ref(&parsed),
        others,
    ));
    if !found.is_empty() {
        return Err(WebError::Rejected(found));
    }
    Ok(parsed.doc)
}

/// Who saves, why, on which version, in which language the refusals are said, and when.
pub(crate) struct Saving<'a> {
    /// The account.
    pub(crate) staff: &'a Staff,
    /// Why (required; kept in the history).
    pub(crate) reason: &'a str,
    /// The journal head the change was made on.
    pub(crate) base: u64,
    /// The language of the messages (English for the API).
    pub(crate) lang: Lang,
    /// The record time.
    pub(crate) now: Timestamp,
    /// The server's registry snapshot, if it has one: when it is at the head the change is
    /// checked against, its cooperations are the others the change is checked with (else that
    /// registry is built from the journal's facts, as long again as the rest of a save).
    pub(crate) present: Option<&'a crate::Snapshot>,
}

/// Saves the document `edit` makes from the cooperation as it was at `saving.base` (`None` when
/// it did not exist then). The reason is required. Permissions are checked on the version edited
/// and on the current one.
pub(crate) fn save(
    store: &mut Store,
    saving: Saving<'_>,
    cooperation: &CooperationId,
    edit: impl FnOnce(Option<CooperationDoc>) -> Result<CooperationDoc, WebError>,
) -> Result<Outcome, WebError> {
    let Saving {
        staff,
        reason,
        base,
        lang,
        now,
        present,
    } = saving;
    let say = |key: &str, args: &[(&str, &str)]| i18n::message(lang, key, args);
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(WebError::BadRequest {
            field: "reason",
            detail: say("edit-reason-missing", &[]),
        });
    }
    let base_projection = store.projection_through(base)?;
    if base_projection.head != base {
        return Err(WebError::BadRequest {
            field: "base",
            detail: say(
                "edit-base-missing",
                &[
                    ("base", &base.to_string()),
                    ("head", &base_projection.head.to_string()),
                ],
            ),
        });
    }
    let base_doc = doc_in(&base_projection, cooperation);
    if let Some(doc) = &base_doc
        && !staff.can_edit(doc)
    {
        return Err(forbidden(staff, doc, lang));
    }
    let wanted = edit(base_doc.clone())?;
    if &wanted.cooperation.id != cooperation {
        return Err(WebError::BadRequest {
            field: "id",
            detail: say(
                "edit-id-changed",
                &[
                    ("id", wanted.cooperation.id.as_str()),
                    ("address", cooperation.as_str()),
                ],
            ),
        });
    }
    if base_doc.is_none() {
        let parties: Vec<_> = wanted
            .cooperation
            .parties
            .iter()
            .map(|p| p.id.clone())
            .collect();
        if !staff.can_create(&parties) {
            return Err(WebError::Forbidden(say(
                "edit-create-forbidden",
                &[
                    ("email", &staff.user.email),
                    ("scopes", &staff.user.scopes.join(", ")),
                ],
            )));
        }
    }
    let wanted = check(&wanted, &[], base_doc.as_ref())?;
    let mine = Store::diff(&base_projection, cooperation, &wanted.to_facts());
    if mine.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    let keys: Vec<String> = mine.iter().map(Change::key).collect();
    for _ in 0..SAVE_ATTEMPTS_MAX {
        let current = store.projection(None)?;
        let moved: Vec<String> = keys
            .iter()
            .filter(|k| {
                current.facts.get(*k).map(|f| f.seq) != base_projection.facts.get(*k).map(|f| f.seq)
            })
            .cloned()
            .collect();
        let current_doc = doc_in(&current, cooperation);
        if !moved.is_empty() {
            let theirs = store
                .key_events_after(cooperation, &moved, base)?
                .into_iter()
                .map(|e| (e.seq, e.recorded_at, e.actor, e.reason))
                .collect();
            let base_text = file_text(base_doc.as_ref());
            return Ok(Outcome::Conflict(Box::new(Conflict {
                keys: moved,
                theirs,
                diff_theirs: unified_diff(
                    &base_text,
                    &file_text(current_doc.as_ref()),
                    &say("edit-diff-yours", &[]),
                    &say("edit-diff-current", &[]),
                ),
                diff_mine: unified_diff(
                    &base_text,
                    &file_text(Some(&wanted)),
                    &say("edit-diff-yours", &[]),
                    &say("edit-diff-change", &[]),
                ),
                head: current.head,
            })));
        }
        if let Some(doc) = &current_doc
            && !staff.can_edit(doc)
        {
            return Err(forbidden(staff, doc, lang));
        }
        // Apply the user's puts and withdrawals to the current facts of the cooperation.
        let mut facts: BTreeMap<String, Fact> = current
            .facts_of(cooperation)
            .into_iter()
            .filter(|f| f.fact.in_agreement_file())
            .map(|f| (f.fact.key(), f.fact.clone()))
            .collect();
        for change in &mine {
            match change {
                Change::Put { fact, .. } => {
                    facts.insert(fact.key(), (**fact).clone());
                }
                Change::Retract { key, .. } => {
                    facts.remove(key);
                }
            }
        }
        let merged =
            CooperationDoc::from_facts(facts.values()).ok_or_else(|| WebError::BadRequest {
                field: "cooperation",
                detail: say("edit-header-removed", &[]),
            })?;
        let built;
        let registry = match present.filter(|p| p.head == current.head) {
            Some(present) => &present.registry,
            None => {
                built = current.registry();
                &built
            }
        };
        let others: Vec<&CooperationDoc> = registry
            .cooperations()
            .iter()
            .filter(|d| &d.cooperation.id != cooperation)
            .collect();
        let merged = check(&merged, &others, current_doc.as_ref())?;
        let changes = Store::diff(&current, cooperation, &merged.to_facts());
        if changes.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        match store.commit(current.head, &staff.actor(), reason, changes, now) {
            Ok(events) => {
                let head = events.last().map_or(current.head, |e| e.seq);
                tracing::info!(cooperation = %cooperation, events = events.len(), head, actor = %staff.actor(), "change saved");
                return Ok(Outcome::Saved);
            }
            // An unrelated write got in between: look again.
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(WebError::Conflict(say("edit-journal-moving", &[])))
}

fn forbidden(staff: &Staff, doc: &CooperationDoc, lang: Lang) -> WebError {
    WebError::Forbidden(i18n::message(
        lang,
        "edit-forbidden",
        &[
            ("email", &staff.user.email),
            ("role", staff.user.role.as_str()),
            ("cooperation", &doc.cooperation.name),
        ],
    ))
}
