//! Agreements as code: the TOML agreement file (documented in `docs/agreement-format.md`).
//!
//! [`parse_file`] reads one file into a [`CooperationDoc`] and reports every problem in it;
//! [`check_set`] adds the checks that span files and the stored registry; [`write_toml`] writes a
//! document back in the canonical layout, which parses to an equal document.

mod read;
mod validate;
mod write;

use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, SourceMap};
use crate::model::CooperationDoc;

pub use read::{FORMAT_VERSION, Origins, Spans};
pub use validate::{DelegationSource, PerformerConflict, PlacedDelegation, check_performers};
pub use write::write_toml;

const FILE_BYTES_MAX: usize = 4 * 1024 * 1024;

/// A file that was read and checked on its own.
#[derive(Clone, Debug)]
pub struct ParsedFile {
    /// The document, in canonical order.
    pub doc: CooperationDoc,
    /// The document in file order (for placing diagnostics).
    file_order: CooperationDoc,
    origins: Origins,
    spans: Spans,
    map: SourceMap,
    population_files: Vec<PopulationFile>,
}

/// A population key whose numbers are in a CSV file, still to be read (by the caller: core does no
/// I/O) and filled in with [`ParsedFile::fill_population`].
#[derive(Clone, Debug)]
pub struct PopulationFile {
    /// The file as written in the agreement file (relative to it).
    pub path: String,
    /// Where it was written, for messages.
    pub place: Diagnostic,
    sub_agreement: u32,
    from: crate::time::Date,
}

/// A document's copy on disk (`[[document]] file`), still to be read and compared with its
/// SHA-256 by the caller (core does no I/O).
#[derive(Clone, Debug)]
pub struct DocumentFile {
    /// The file as written in the agreement file (relative to it).
    pub path: String,
    /// The SHA-256 the agreement file gives, in lower-case hex, if it gives one.
    pub sha256: Option<String>,
    /// Where `file` was written, for messages.
    pub place: Diagnostic,
    /// Where `sha256` was written (else where `file` was), for a digest that does not match.
    pub digest_place: Diagnostic,
}

impl ParsedFile {
    /// The documents of this file that name a copy on disk.
    pub fn document_files(&self) -> Vec<DocumentFile> {
        self.file_order
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let file = d.file.as_ref()?;
                let base = format!("document[{}]", self.origins.document[i]);
                let place = |field: &str| {
                    let path = format!("{base}.{field}");
                    self.map
                        .diagnostic(&self.spans.of(&path), &path, String::new())
                };
                Some(DocumentFile {
                    path: file.clone(),
                    sha256: d.sha256.as_ref().map(|s| s.to_ascii_lowercase()),
                    place: place("file"),
                    digest_place: place(if d.sha256.is_some() { "sha256" } else { "file" }),
                })
            })
            .collect()
    }

    /// Where each delegation of this file was written, for [`check_performers`].
    pub fn placed_delegations(&self) -> Vec<PlacedDelegation<'_>> {
        self.file_order
            .delegations
            .iter()
            .enumerate()
            .map(|(i, delegation)| {
                let path = format!("delegation[{}]", self.origins.delegation[i]);
                let span = self.spans.of(&path);
                PlacedDelegation {
                    cooperation: self.doc.cooperation.id.as_str(),
                    delegation,
                    source: DelegationSource::File(self.map.diagnostic(
                        &span,
                        &path,
                        String::new(),
                    )),
                }
            })
            .collect()
    }

    /// A diagnostic pointing at the cooperation id of this file.
    pub fn at_cooperation_id(&self, message: String) -> Diagnostic {
        let span = self.spans.of("cooperation.id");
        self.map.diagnostic(&span, "cooperation.id", message)
    }

    /// The problems of each scenario of this file that starts from the registry as known now, is
    /// not adopted, and is new or changed against `stored` (the cooperation as recorded, if it
    /// is): its changes must apply to the file's cooperation, on lawful dates. A scenario that was
    /// recorded before and no longer applies (another was adopted since) is not refused here; its
    /// page says why it cannot be worked out.
    pub fn scenario_problems(&self, stored: Option<&CooperationDoc>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, sc) in self.file_order.scenarios.iter().enumerate() {
            if sc.adopted.is_some() || sc.known_on.is_some() {
                continue;
            }
            if stored.is_some_and(|d| d.scenarios.iter().any(|s| s == sc)) {
                continue;
            }
            let base = format!("scenario[{}]", self.origins.scenario[i]);
            for p in crate::scenario::check(&self.doc, sc) {
                let path = format!("{base}.{}", p.field);
                let span = self.spans.of(&path);
                out.push(self.map.said(&span, &path, p.said, p.message));
            }
        }
        out
    }

    /// The file name.
    pub fn file_name(&self) -> &str {
        self.map.name()
    }

    /// Population keys that name a CSV file.
    pub fn population_files(&self) -> &[PopulationFile] {
        &self.population_files
    }

    /// Fills in the numbers read from `self.population_files()[index]` and checks them against the
    /// payers: every payer needs a number, only payers may have one, and not all may be 0.
    pub fn fill_population(
        &mut self,
        index: usize,
        counts: Vec<crate::model::KeyShare>,
    ) -> Vec<Diagnostic> {
        let Some(file) = self.population_files.get(index).cloned() else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        let say = |message: String| {
            let mut d = file.place.clone();
            d.message = message;
            d
        };
        for doc in [&mut self.doc, &mut self.file_order] {
            for p in doc
                .payment_agreements
                .iter_mut()
                .filter(|p| p.sub_agreement == file.sub_agreement && p.valid.from() == file.from)
            {
                if let Some(crate::model::AllocationKey::Population { population, .. }) = &mut p.key
                {
                    let mut sorted = counts.clone();
                    sorted.sort_by(|a, b| a.party.cmp(&b.party));
                    *population = sorted;
                }
            }
        }
        if let Some(p) = self
            .doc
            .payment_agreements
            .iter()
            .find(|p| p.sub_agreement == file.sub_agreement && p.valid.from() == file.from)
        {
            for payer in &p.payers {
                if !counts.iter().any(|c| &c.party == payer) {
                    problems.push(say(format!(
                        "{} has no row for payer {payer}; add one",
                        file.path
                    )));
                }
            }
            for count in &counts {
                if !p.payers.contains(&count.party) {
                    problems.push(say(format!(
                        "{} has a row for {}, which is not a payer; remove it or add the payer",
                        file.path, count.party
                    )));
                }
            }
            if counts.iter().all(|c| c.parts == 0) {
                problems.push(say(format!(
                    "{} gives every payer 0 residents, so no cost could be split",
                    file.path
                )));
            }
        }
        problems
    }
}

/// Reads and checks one agreement file. `name` is how the user named the file (used in messages).
/// On failure, every problem found is returned, sorted by position.
pub fn parse_file(name: &str, text: &str) -> Result<ParsedFile, Vec<Diagnostic>> {
    let map = SourceMap::new(name, text);
    if text.len() > FILE_BYTES_MAX {
        return Err(vec![map.diagnostic(&(0..0), "", format!("the file is {} bytes; agreement files are limited to {FILE_BYTES_MAX} bytes, split it per cooperation", text.len()))]);
    }
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    let mut reader = read::Reader::new(map);
    for e in &syntax_errors {
        let span = e.span().unwrap_or(0..0);
        let message = format!("TOML syntax: {}", e.message().trim_end());
        reader.error(&span, "", message);
    }
    let read = read::read_document(&mut reader, &root);
    let read::Reader {
        map,
        mut errors,
        spans,
        population_files,
    } = reader;
    let Some((file_order, origins)) = read else {
        errors.sort_by_key(|d| (d.line, d.column));
        return Err(errors);
    };
    let checker = validate::Checker {
        doc: &file_order,
        origins: &origins,
        spans: &spans,
        map: &map,
        errors: Vec::new(),
    };
    errors.extend(checker.run());
    let population_files = population_files
        .into_iter()
        .filter_map(|(path, field)| {
            // The field is payment_agreement[i].key.population_csv, i counted in the file.
            let index: usize = field
                .strip_prefix("payment_agreement[")?
                .split(']')
                .next()?
                .parse()
                .ok()?;
            let position = origins.payment_agreement.iter().position(|o| *o == index)?;
            let p = file_order.payment_agreements.get(position)?;
            let span = spans.of(&field);
            Some(PopulationFile {
                path,
                place: map.diagnostic(&span, &field, String::new()),
                sub_agreement: p.sub_agreement,
                from: p.valid.from(),
            })
        })
        .collect();
    let parsed = ParsedFile {
        doc: {
            let mut d = file_order.clone();
            d.canonicalise();
            d
        },
        file_order,
        origins,
        spans,
        map,
        population_files,
    };
    errors.extend(
        check_performers(&parsed.placed_delegations())
            .into_iter()
            .map(|c| c.diagnostic),
    );
    if errors.is_empty() {
        Ok(parsed)
    } else {
        errors.sort_by_key(|d| (d.line, d.column));
        errors.dedup();
        Err(errors)
    }
}

/// Checks that span several files and the stored registry: one file per cooperation id, and no two
/// performers for the same municipality, service and day anywhere. `stored` are the documents
/// already in the registry that the files do not replace.
pub fn check_set(files: &[ParsedFile], stored: &[&CooperationDoc]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if let Some(first) = files[..i]
            .iter()
            .find(|f| f.doc.cooperation.id == file.doc.cooperation.id)
        {
            out.push(file.at_cooperation_id(format!(
                "cooperation \"{}\" is also defined in {}; keep one file per cooperation",
                file.doc.cooperation.id,
                first.file_name()
            )));
        }
    }
    let mut placed: Vec<PlacedDelegation<'_>> = Vec::new();
    for doc in stored {
        placed.extend(doc.delegations.iter().map(|delegation| PlacedDelegation {
            cooperation: doc.cooperation.id.as_str(),
            delegation,
            source: DelegationSource::Stored(doc.cooperation.id.to_string()),
        }));
    }
    for file in files {
        placed.extend(file.placed_delegations());
    }
    // Conflicts inside one file were reported by `parse_file`; keep only those across cooperations.
    out.extend(
        check_performers(&placed)
            .into_iter()
            .filter(|c| c.across_cooperations)
            .map(|c| c.diagnostic),
    );
    out
}
