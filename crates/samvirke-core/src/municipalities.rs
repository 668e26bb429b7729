//! The municipality register: 98 Danish, 290 Swedish and 357 Norwegian (2024) municipalities, and
//! the Norwegian code history of 2020 and 2024, read from the CSV files in `data/municipalities/`
//! (see `data/municipalities/SOURCES.md` for where each file comes from).
//!
//! A code is a *code version*: a code with a name over a validity interval. Danish and Swedish codes
//! have no recorded history (their structures are unchanged since 2007 and 2003), so each has one
//! version with no start and no end. A Norwegian code that was retired in 2020 or 2024 has a version
//! that ends on the change date; one that was introduced then starts on it.
//!
//! [`MunicipalityRegister::resolve`] answers "which municipality does this id mean on this date":
//! an old code follows its renumbering forward (`NO-0119` on 2025-01-01 is `NO-3122`), a new code
//! follows it backward, and a merge or split with several candidates is reported, never decided.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

use crate::ids::{Country, MunicipalityId};
use crate::time::{Date, Interval};

const DK_CSV: &str = include_str!("../../../data/municipalities/dk_municipalities.csv");
const SE_CSV: &str = include_str!("../../../data/municipalities/se_municipalities.csv");
const NO_CSV: &str = include_str!("../../../data/municipalities/no_municipalities.csv");
const NO_CHANGES_CSV: &str =
    include_str!("../../../data/municipalities/no_municipality_code_changes.csv");

/// One code with one name over one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeVersion {
    /// The id, e.g. `NO-0119`.
    pub id: MunicipalityId,
    /// The name as the official register writes it.
    pub name: String,
    /// The region (DK), county (SE, län) or county (NO, fylke).
    pub region: String,
    /// First day the code was in force, when known.
    pub from: Option<Date>,
    /// First day the code was no longer in force, if it has been retired.
    pub to: Option<Date>,
}

impl CodeVersion {
    /// Whether the code was in force on `day` (an unknown start counts as "always before").
    pub fn in_force_on(&self, day: Date) -> bool {
        self.from.is_none_or(|from| from <= day) && self.to.is_none_or(|to| day < to)
    }

    /// The validity as an interval, with an unknown start shown as open.
    pub fn validity_text(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "in force (no recorded start)".to_string(),
            (Some(from), None) => format!("in force from {from}"),
            (None, Some(to)) => format!("in force until {}", to.pred()),
            (Some(from), Some(to)) => format!(
                "in force {}",
                Interval::new(from, Some(to)).map_or_else(|_| from.to_string(), |i| i.to_string())
            ),
        }
    }
}

/// How a Norwegian code changed on a date (`kind` from SSB's change table, by rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// One code became another (one-to-one).
    Renumbered,
    /// Several codes became one.
    Merged,
    /// One code became several.
    Split,
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangeKind::Renumbered => "renumbered",
            ChangeKind::Merged => "merged",
            ChangeKind::Split => "split",
        })
    }
}

/// A row of the change table: `old` became (part of) `new` on `date`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeChange {
    /// The code before.
    pub old: MunicipalityId,
    /// The code after.
    pub new: MunicipalityId,
    /// The day the change took effect.
    pub date: Date,
    /// What kind of change it was.
    pub kind: ChangeKind,
}

impl fmt::Display for CodeChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ChangeKind::Renumbered => write!(
                f,
                "{} was renumbered to {} on {}",
                self.old, self.new, self.date
            ),
            ChangeKind::Merged => write!(
                f,
                "{} was merged into {} on {}",
                self.old, self.new, self.date
            ),
            ChangeKind::Split => write!(
                f,
                "{} was split on {}; one part became {}",
                self.old, self.date, self.new
            ),
        }
    }
}

/// What an id means on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolved<'r> {
    /// The code version in force on the date.
    pub version: &'r CodeVersion,
    /// The changes followed to get there, oldest first (empty when the id was in force itself).
    pub changes: Vec<CodeChange>,
}

impl Resolved<'_> {
    /// The id in force on the date.
    pub fn id(&self) -> MunicipalityId {
        self.version.id
    }

    /// Human-readable notes: "NO-0119 was renumbered to NO-3013 on 2020-01-01", ...
    pub fn notes(&self) -> Vec<String> {
        self.changes.iter().map(ToString::to_string).collect()
    }
}

/// Why an id cannot be resolved on a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityError {
    /// No such code in any version; `suggestions` are the closest valid ids.
    #[error("unknown municipality {input}{}", suggestion_text(suggestions))]
    Unknown {
        /// What was asked for.
        input: String,
        /// Closest existing ids with names.
        suggestions: Vec<(MunicipalityId, String)>,
    },
    /// The code was merged or split and more than one municipality could be meant on the date.
    #[error("{id} is ambiguous on {on}: {reason}; it could be any of {}. Say which one you mean", candidates.iter().map(|(id, name)| format!("{id} {name}")).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        /// The id asked for.
        id: MunicipalityId,
        /// The date asked about.
        on: Date,
        /// The change that made it ambiguous.
        reason: String,
        /// All candidates, never one picked.
        candidates: Vec<(MunicipalityId, String)>,
    },
    /// The code exists but no municipality had it on the date and it has no recorded predecessor.
    #[error("{id} ({name}) was not in force on {on}; it is {validity}")]
    NotInForce {
        /// The id asked for.
        id: MunicipalityId,
        /// Its name.
        name: String,
        /// The date asked about.
        on: Date,
        /// When it was in force.
        validity: String,
    },
}

fn not_in_force(version: &CodeVersion, day: Date) -> MunicipalityError {
    MunicipalityError::NotInForce {
        id: version.id,
        name: version.name.clone(),
        on: day,
        validity: version.validity_text(),
    }
}

fn suggestion_text(suggestions: &[(MunicipalityId, String)]) -> String {
    if suggestions.is_empty() {
        return "; list valid ids with `samvirke municipalities`".to_string();
    }
    let list: Vec<String> = suggestions
        .iter()
        .map(|(id, name)| format!("{id} ({name})"))
        .collect();
    format!("; did you mean {}?", list.join(", "))
}

const SLOTS_N: usize = 3 * 10_000;

/// The dense index of an id: country × four-digit code.
fn slot(id: MunicipalityId) -> usize {
    let country = match id.country() {
        Country::Dk => 0,
        Country::Se => 1,
        Country::No => 2,
    };
    country * 10_000 + usize::from(id.code())
}

/// All code versions and changes. Build once with [`MunicipalityRegister::embedded`].
#[derive(Debug)]
pub struct MunicipalityRegister {
    /// Every code version, sorted by id, then start.
    versions: Vec<CodeVersion>,
    /// For each (country, code) slot, the range of `versions` with that id (start, count).
    slots: Vec<(u32, u32)>,
    changes: Vec<CodeChange>,
    /// The changes sorted by old code, with per-slot ranges; and sorted by new code.
    changes_by_old: Vec<CodeChange>,
    old_slots: Vec<(u32, u32)>,
    changes_by_new: Vec<CodeChange>,
    new_slots: Vec<(u32, u32)>,
    /// Each known id's lineage, worked out when the register is built.
    spans: BTreeMap<MunicipalityId, Box<[LineageSpan]>>,
}

/// One id of a lineage with the first day it was in force and the day it ended (`None`: open).
pub type LineageSpan = (MunicipalityId, Option<Date>, Option<Date>);

/// A defect in the embedded data files (caught by the crate's tests).
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    file: &'static str,
    line: usize,
    message: String,
}

fn csv_rows(
    file: &'static str,
    text: &'static str,
    columns: &[&str],
) -> Result<Vec<(usize, Vec<&'static str>)>, DataError> {
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, h)| h).unwrap_or_default();
    let expected = columns.join(",");
    if header != expected {
        return Err(DataError {
            file,
            line: 1,
            message: format!("header is {header:?}, expected {expected:?}"),
        });
    }
    let mut rows = Vec::new();
    for (idx, line) in lines {
        if line.is_empty() {
            continue;
        }
        if line.contains('"') {
            return Err(DataError {
                file,
                line: idx + 1,
                message: "quoted fields are not expected".into(),
            });
        }
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != columns.len() {
            return Err(DataError {
                file,
                line: idx + 1,
                message: format!("{} fields, expected {}", fields.len(), columns.len()),
            });
        }
        rows.push((idx + 1, fields));
    }
    Ok(rows)
}

fn data_id(
    file: &'static str,
    line: usize,
    country: Country,
    code: &str,
) -> Result<MunicipalityId, DataError> {
    MunicipalityId::parse(code, Some(country)).map_err(|e| DataError {
        file,
        line,
        message: e.to_string(),
    })
}

fn data_date(file: &'static str, line: usize, text: &str) -> Result<Date, DataError> {
    Date::parse(text).map_err(|e| DataError {
        file,
        line,
        message: e.to_string(),
    })
}

impl MunicipalityRegister {
    /// The register built from the data files compiled into this binary (parsed once).
    pub fn embedded() -> &'static MunicipalityRegister {
        static REGISTER: OnceLock<MunicipalityRegister> = OnceLock::new();
        REGISTER.get_or_init(|| match MunicipalityRegister::from_embedded_files() {
            Ok(register) => register,
            // The files are compiled in and checked by this crate's tests; a failure here is a
            // build defect, not an operating error.
            Err(e) => panic!("embedded municipality data is broken: {e}"),
        })
    }

    fn from_embedded_files() -> Result<MunicipalityRegister, DataError> {
        let mut versions: BTreeMap<MunicipalityId, Vec<CodeVersion>> = BTreeMap::new();
        for (file, text, country, region_col) in [
            ("dk_municipalities.csv", DK_CSV, Country::Dk, "region"),
            ("se_municipalities.csv", SE_CSV, Country::Se, "county"),
        ] {
            for (line, f) in csv_rows(file, text, &["code", "name", region_col])? {
                let id = data_id(file, line, country, f[0])?;
                let version = CodeVersion {
                    id,
                    name: f[1].to_string(),
                    region: f[2].to_string(),
                    from: None,
                    to: None,
                };
                versions.entry(id).or_default().push(version);
            }
        }
        let file = "no_municipalities.csv";
        for (line, f) in csv_rows(file, NO_CSV, &["code", "name", "county", "valid_from"])? {
            let id = data_id(file, line, Country::No, f[0])?;
            let from = data_date(file, line, f[3])?;
            let version = CodeVersion {
                id,
                name: f[1].to_string(),
                region: f[2].to_string(),
                from: Some(from),
                to: None,
            };
            versions.entry(id).or_default().push(version);
        }
        let file = "no_municipality_code_changes.csv";
        let mut changes = Vec::new();
        let mut old_names = BTreeMap::new();
        for (line, f) in csv_rows(
            file,
            NO_CHANGES_CSV,
            &[
                "old_code",
                "old_name",
                "new_code",
                "new_name",
                "change_date",
                "kind",
            ],
        )? {
            let old = data_id(file, line, Country::No, f[0])?;
            let new = data_id(file, line, Country::No, f[2])?;
            let date = data_date(file, line, f[4])?;
            let kind = match f[5] {
                "renumbered" => ChangeKind::Renumbered,
                "merged" => ChangeKind::Merged,
                "split" => ChangeKind::Split,
                other => {
                    return Err(DataError {
                        file,
                        line,
                        message: format!("unknown kind {other:?}"),
                    });
                }
            };
            old_names.insert((old, date), f[1].to_string());
            changes.push(CodeChange {
                old,
                new,
                date,
                kind,
            });
        }
        // A code that continues (a row `X → X`, e.g. 1103 Stavanger absorbing Finnøy) is not retired.
        for ((old, date), name) in &old_names {
            let continues = changes
                .iter()
                .any(|c| c.old == *old && c.new == *old && c.date == *date);
            if continues {
                continue;
            }
            let from = changes
                .iter()
                .filter(|c| c.new == *old && c.date < *date)
                .map(|c| c.date)
                .max();
            let region = county_of(&versions, *old);
            versions.entry(*old).or_default().push(CodeVersion {
                id: *old,
                name: name.clone(),
                region,
                from,
                to: Some(*date),
            });
        }
        let mut flat = Vec::new();
        let mut slots = vec![(0u32, 0u32); SLOTS_N];
        for (id, mut list) in versions {
            list.sort_by_key(|v| v.from);
            slots[slot(id)] = (flat.len() as u32, list.len() as u32);
            flat.extend(list);
        }
        let (changes_by_old, old_slots) = index_changes(&changes, |c| c.old);
        let (changes_by_new, new_slots) = index_changes(&changes, |c| c.new);
        let mut register = MunicipalityRegister {
            versions: flat,
            slots,
            changes,
            changes_by_old,
            old_slots,
            changes_by_new,
            new_slots,
            spans: BTreeMap::new(),
        };
        let ids: std::collections::BTreeSet<MunicipalityId> =
            register.versions.iter().map(|v| v.id).collect();
        register.spans = ids
            .into_iter()
            .map(|id| {
                let spans = register
                    .lineage(id)
                    .iter()
                    .map(|v| (v.id, v.from, v.to))
                    .collect();
                (id, spans)
            })
            .collect();
        Ok(register)
    }

    /// The lineage of `id` ([`MunicipalityRegister::lineage`]) as ids with their first and last
    /// days, worked out once when the register is built (a registry build asks for it for every
    /// member of every delegation); `None` for an id the register does not know.
    pub fn lineage_spans(&self, id: MunicipalityId) -> Option<&[LineageSpan]> {
        self.spans.get(&id).map(|s| &s[..])
    }

    /// The first id of the lineage of `id` (the id itself when it has none): one id for every
    /// code a municipality has had through renumberings.
    pub fn lineage_root(&self, id: MunicipalityId) -> MunicipalityId {
        self.lineage_spans(id)
            .and_then(|s| s.first())
            .map_or(id, |s| s.0)
    }

    /// The changes in which `id` is the old code.
    fn changes_from(&self, id: MunicipalityId) -> &[CodeChange] {
        let (start, count) = self.old_slots[slot(id)];
        &self.changes_by_old[start as usize..(start + count) as usize]
    }

    /// The changes in which `id` is the new code.
    fn changes_into(&self, id: MunicipalityId) -> &[CodeChange] {
        let (start, count) = self.new_slots[slot(id)];
        &self.changes_by_new[start as usize..(start + count) as usize]
    }

    /// The versions of one id, oldest first (empty when the id was never a code).
    fn versions_of(&self, id: MunicipalityId) -> &[CodeVersion] {
        let (start, count) = self.slots[slot(id)];
        &self.versions[start as usize..(start + count) as usize]
    }

    /// Every code version, by id.
    pub fn all_versions(&self) -> impl Iterator<Item = &CodeVersion> {
        self.versions.iter()
    }

    /// The versions in force on `day`, optionally for one country, in id order.
    pub fn in_force_on(&self, day: Date, country: Option<Country>) -> Vec<&CodeVersion> {
        self.all_versions()
            .filter(|v| country.is_none_or(|c| v.id.country() == c) && v.in_force_on(day))
            .collect()
    }

    /// `Ok` when the id was ever a code; otherwise the error with the closest ids.
    pub fn check_known(&self, id: MunicipalityId) -> Result<(), MunicipalityError> {
        if self.is_known(id) {
            return Ok(());
        }
        Err(MunicipalityError::Unknown {
            input: id.to_string(),
            suggestions: self.suggest(&id.to_string()),
        })
    }

    /// Whether the id was ever a code.
    pub fn is_known(&self, id: MunicipalityId) -> bool {
        !self.versions_of(id).is_empty()
    }

    /// The latest name of an id, if known.
    pub fn name(&self, id: MunicipalityId) -> Option<&str> {
        self.versions_of(id).last().map(|v| v.name.as_str())
    }

    /// The change rows.
    pub fn changes(&self) -> &[CodeChange] {
        &self.changes
    }

    /// Which municipality `id` means on `day`. See the module docs.
    pub fn resolve(
        &self,
        id: MunicipalityId,
        day: Date,
    ) -> Result<Resolved<'_>, MunicipalityError> {
        let list = self.versions_of(id);
        if list.is_empty() {
            return Err(MunicipalityError::Unknown {
                input: id.to_string(),
                suggestions: self.suggest(&id.to_string()),
            });
        };
        if let Some(version) = list.iter().find(|v| v.in_force_on(day)) {
            return Ok(Resolved {
                version,
                changes: Vec::new(),
            });
        }
        let retired_before = list
            .iter()
            .filter(|v| v.to.is_some_and(|to| to <= day))
            .max_by_key(|v| v.to);
        if let Some(version) = retired_before {
            return self.follow_forward(version, day);
        }
        let introduced_after = list
            .iter()
            .filter(|v| v.from.is_some_and(|from| day < from))
            .min_by_key(|v| v.from);
        if let Some(version) = introduced_after {
            return self.follow_backward(version, day);
        }
        let version = &list[0];
        Err(MunicipalityError::NotInForce {
            id,
            name: version.name.clone(),
            on: day,
            validity: version.validity_text(),
        })
    }

    fn version_at(&self, id: MunicipalityId, boundary: Date, ending: bool) -> Option<&CodeVersion> {
        self.versions_of(id).iter().find(|v| {
            if ending {
                v.to == Some(boundary)
            } else {
                v.from == Some(boundary) || v.in_force_on(boundary)
            }
        })
    }

    fn follow_forward<'r>(
        &'r self,
        version: &'r CodeVersion,
        day: Date,
    ) -> Result<Resolved<'r>, MunicipalityError> {
        let mut current = version;
        let mut followed = Vec::new();
        while let Some(to) = current.to {
            if day < to {
                break;
            }
            let next: Vec<&CodeChange> = self
                .changes_from(current.id)
                .iter()
                .filter(|c| c.date == to)
                .collect();
            match next.as_slice() {
                [change] => {
                    let Some(successor) = self.version_at(change.new, to, false) else {
                        break;
                    };
                    followed.push((*change).clone());
                    current = successor;
                }
                [] => break,
                several => {
                    return Err(MunicipalityError::Ambiguous {
                        id: version.id,
                        on: day,
                        reason: format!(
                            "{} ({}) was {} on {}",
                            current.id, current.name, several[0].kind, to
                        ),
                        candidates: several
                            .iter()
                            .map(|c| (c.new, self.name(c.new).unwrap_or_default().to_string()))
                            .collect(),
                    });
                }
            }
        }
        if !current.in_force_on(day) {
            return Err(not_in_force(version, day));
        }
        Ok(Resolved {
            version: current,
            changes: followed,
        })
    }

    fn follow_backward<'r>(
        &'r self,
        version: &'r CodeVersion,
        day: Date,
    ) -> Result<Resolved<'r>, MunicipalityError> {
        let mut current = version;
        let mut followed = Vec::new();
        while let Some(from) = current.from {
            if from <= day {
                break;
            }
            let previous: Vec<&CodeChange> = self
                .changes_into(current.id)
                .iter()
                .filter(|c| c.date == from)
                .collect();
            match previous.as_slice() {
                [change] if change.kind == ChangeKind::Renumbered => {
                    let Some(predecessor) = self.version_at(change.old, from, true) else {
                        break;
                    };
                    followed.push((*change).clone());
                    current = predecessor;
                }
                [] => break,
                several => {
                    return Err(MunicipalityError::Ambiguous {
                        id: version.id,
                        on: day,
                        reason: format!(
                            "{} ({}) was formed on {from} from more than one earlier municipality",
                            current.id, current.name
                        ),
                        candidates: several
                            .iter()
                            .map(|c| (c.old, self.name(c.old).unwrap_or_default().to_string()))
                            .collect(),
                    });
                }
            }
        }
        if !current.in_force_on(day) {
            return Err(not_in_force(version, day));
        }
        followed.reverse();
        Ok(Resolved {
            version: current,
            changes: followed,
        })
    }

    /// The ids that denote the same municipality as `id` through one-to-one renumberings, each with
    /// the days it was in force (`NO-0119`, `NO-3013`, `NO-3122` for Marker). Merges and splits end
    /// the lineage: the municipality after them is a different one.
    pub fn lineage(&self, id: MunicipalityId) -> Vec<&CodeVersion> {
        let mut out: Vec<&CodeVersion> = self.versions_of(id).iter().collect();
        let mut frontier: Vec<&CodeVersion> = out.clone();
        while let Some(version) = frontier.pop() {
            for change in self
                .changes
                .iter()
                .filter(|c| c.kind == ChangeKind::Renumbered)
            {
                let linked = if change.old == version.id && Some(change.date) == version.to {
                    self.version_at(change.new, change.date, false)
                } else if change.new == version.id && Some(change.date) == version.from {
                    self.version_at(change.old, change.date, true)
                } else {
                    None
                };
                if let Some(linked) = linked
                    && !out.iter().any(|v| std::ptr::eq(*v, linked))
                {
                    out.push(linked);
                    frontier.push(linked);
                }
            }
        }
        out.sort_by_key(|v| v.from);
        out
    }

    /// Up to three ids closest to what was typed: by code within the same country, and by name.
    pub fn suggest(&self, input: &str) -> Vec<(MunicipalityId, String)> {
        let wanted = input.trim().to_lowercase();
        let parsed = MunicipalityId::parse(input, None).ok();
        let mut scored: Vec<(usize, MunicipalityId, &str)> = Vec::new();
        for version in self.all_versions().filter(|v| v.to.is_none()) {
            let name_score = strsim::levenshtein(&wanted, &version.name.to_lowercase());
            let code_score = match parsed {
                Some(p) if p.country() == version.id.country() => strsim::levenshtein(
                    &format!("{:04}", p.code()),
                    &format!("{:04}", version.id.code()),
                ),
                Some(_) => usize::MAX,
                None => strsim::levenshtein(&wanted, &version.id.to_string().to_lowercase()),
            };
            let score = name_score.min(code_score);
            if score <= 2 || (parsed.is_none() && score <= wanted.chars().count() / 3) {
                scored.push((score, version.id, &version.name));
            }
        }
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(3)
            .map(|(_, id, name)| (id, name.to_string()))
            .collect()
    }
}

/// The changes sorted by the code `key` picks, and for each slot the range with that code.
fn index_changes(
    changes: &[CodeChange],
    key: fn(&CodeChange) -> MunicipalityId,
) -> (Vec<CodeChange>, Vec<(u32, u32)>) {
    let mut sorted = changes.to_vec();
    sorted.sort_by_key(|c| (key(c), c.date, c.old, c.new));
    let mut slots = vec![(0u32, 0u32); SLOTS_N];
    for (idx, change) in sorted.iter().enumerate() {
        let entry = &mut slots[slot(key(change))];
        if entry.1 == 0 {
            entry.0 = idx as u32;
        }
        entry.1 += 1;
    }
    (sorted, slots)
}

fn county_of(versions: &BTreeMap<MunicipalityId, Vec<CodeVersion>>, id: MunicipalityId) -> String {
    // A retired code keeps its pre-change county as the two first digits; only the 2024 county names
    // are in the data, so say so rather than guess a historical county name.
    let prefix = id.code() / 100;
    versions
        .values()
        .flatten()
        .find(|v| v.id.country() == Country::No && v.id.code() / 100 == prefix && v.to.is_none())
        .map_or_else(
            || format!("county {prefix:02} (before 2024)"),
            |v| v.region.clone(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> &'static MunicipalityRegister {
        MunicipalityRegister::embedded()
    }

    fn id(text: &str) -> MunicipalityId {
        MunicipalityId::parse(text, None).unwrap()
    }

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn counts_match_the_reference_files() {
        let today = day("2025-01-01");
        assert_eq!(reg().in_force_on(today, Some(Country::Dk)).len(), 98);
        assert_eq!(reg().in_force_on(today, Some(Country::Se)).len(), 290);
        assert_eq!(reg().in_force_on(today, Some(Country::No)).len(), 357);
        assert_eq!(reg().changes().len(), 429);
    }

    #[test]
    fn marker_old_code_follows_renumbering() {
        let old = reg().resolve(id("NO-0119"), day("2019-06-01")).unwrap();
        assert_eq!(old.id(), id("NO-0119"));
        assert_eq!(old.version.name, "Marker");
        assert!(old.changes.is_empty());

        let later = reg().resolve(id("NO-0119"), day("2025-01-01")).unwrap();
        assert_eq!(later.id(), id("NO-3122"));
        assert_eq!(
            later.notes(),
            vec![
                "NO-0119 was renumbered to NO-3013 on 2020-01-01",
                "NO-3013 was renumbered to NO-3122 on 2024-01-01"
            ]
        );

        let backward = reg().resolve(id("NO-3122"), day("2019-06-01")).unwrap();
        assert_eq!(backward.id(), id("NO-0119"));
        assert_eq!(backward.changes.len(), 2);
        let lineage: Vec<String> = reg()
            .lineage(id("NO-3013"))
            .iter()
            .map(|v| v.id.to_string())
            .collect();
        assert_eq!(lineage, ["NO-0119", "NO-3013", "NO-3122"]);
    }

    #[test]
    fn splits_list_every_successor_and_pick_none() {
        let err = reg().resolve(id("NO-5012"), day("2021-01-01")).unwrap_err();
        let MunicipalityError::Ambiguous { candidates, .. } = &err else {
            panic!("{err:?}")
        };
        let ids: Vec<String> = candidates.iter().map(|(i, _)| i.to_string()).collect();
        assert_eq!(ids, ["NO-5055", "NO-5056", "NO-5059"]);
        assert!(err.to_string().contains("split"), "{err}");
        let err = reg().resolve(id("NO-1507"), day("2024-06-01")).unwrap_err();
        assert!(
            err.to_string().contains("NO-1508") && err.to_string().contains("NO-1580"),
            "{err}"
        );
    }

    #[test]
    fn merges_resolve_to_the_one_successor_with_a_note() {
        let finnoy = reg().resolve(id("NO-1141"), day("2021-01-01")).unwrap();
        assert_eq!(finnoy.id(), id("NO-1103"));
        assert_eq!(
            finnoy.notes(),
            ["NO-1141 was merged into NO-1103 on 2020-01-01"]
        );
        // Stavanger kept its code through the merger: in force on both sides.
        assert!(
            reg()
                .resolve(id("NO-1103"), day("2019-01-01"))
                .unwrap()
                .changes
                .is_empty()
        );
        // A code formed by merging cannot be taken back to one of its parts.
        let sandnes = reg().resolve(id("NO-1108"), day("2019-01-01")).unwrap_err();
        assert!(
            matches!(sandnes, MunicipalityError::Ambiguous { .. }),
            "{sandnes:?}"
        );
    }

    #[test]
    fn unknown_ids_get_suggestions() {
        let err = reg().resolve(id("DK-0156"), day("2021-01-01")).unwrap_err();
        assert!(err.to_string().contains("DK-0155 (Dragør)"), "{err}");
        let by_name = reg().suggest("Dragor");
        assert_eq!(by_name[0].0, id("DK-0155"));
    }
}
