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
}

impl ParsedFile {
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

    /// The file name.
    pub fn file_name(&self) -> &str {
        self.map.name()
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
        ..
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
