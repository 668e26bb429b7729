//! # samvirke-report
//!
//! Typesets a report (the annual report of a cooperation, with a fact sheet per sub-agreement) as
//! a PDF, in-process, with [Typst](https://typst.app) and the fonts embedded in `typst-assets`: no
//! external program, no font lookup on the machine, the same bytes on every machine for the same
//! input and stamp.
//!
//! Key design decision: **the caller hands over words, not data.** A [`Document`] is headings,
//! paragraphs, term lists and tables of strings, already in the reader's language ([`annual`]
//! builds the annual report's from the registry with the translations of `samvirke-i18n`;
//! [`html`] renders the same document as HTML for the web page and the CLI). Every string reaches Typst as a string literal, never as markup, so nothing a user
//! types can change the layout or run code. The PDF is tagged and checked against PDF/UA-1.
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod annual;
pub mod decision;
pub mod html;
pub mod invoice;
pub mod mapping;
pub mod project;
pub mod settlement;

use std::fmt::Write as _;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// A block of the document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    /// A heading; level 1 is a part (a fact sheet), 2 a section within it.
    Heading {
        /// 1 or 2.
        level: u8,
        /// Its text.
        text: String,
    },
    /// Text; blank lines separate paragraphs.
    Text(String),
    /// Text in another language than the document's (a scenario's description in the agreement's
    /// language): marked with its language, so that a screen reader reads it in that language.
    Foreign {
        /// ISO 639-1 code of its language.
        lang: String,
        /// The text; blank lines separate paragraphs.
        text: String,
    },
    /// Terms and their descriptions (who performs, for whom, the template version, …).
    Terms(Vec<(String, String)>),
    /// A table with a caption and a header row.
    Table {
        /// What the table shows.
        caption: String,
        /// The column headings.
        header: Vec<String>,
        /// The rows (each as long as the header).
        rows: Vec<Vec<String>>,
    },
}

impl Block {
    /// `text` written in `lang`, in a document in `document`: plain text when the two are the
    /// same, else marked with its language.
    pub fn text_in(lang: &str, document: &str, text: String) -> Block {
        if lang == document {
            Block::Text(text)
        } else {
            Block::Foreign {
                lang: lang.to_string(),
                text,
            }
        }
    }
}

/// A document in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Document {
    /// ISO 639-1 code of the language (`da`, `sv`, `nb`, `en`).
    pub lang: String,
    /// The title (also the PDF's title in its metadata).
    pub title: String,
    /// The line under the title.
    pub subtitle: String,
    /// The text of the page footer, before the page number.
    pub footer: String,
    /// The content.
    pub blocks: Vec<Block>,
}

/// What can go wrong when typesetting.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A table row does not have as many cells as the header.
    #[error("table \"{caption}\": row {row} has {cells} cells, the header {header}")]
    Ragged {
        /// The table.
        caption: String,
        /// The row (1 = the first).
        row: usize,
        /// Cells in the row.
        cells: usize,
        /// Cells in the header.
        header: usize,
    },
    /// Typst refused the document (a bug in the generated source: the message says where).
    #[error("typesetting failed: {0}")]
    Typst(String),
}

/// The most blocks a document may have: a bound on the work of one request.
pub const BLOCKS_MAX: usize = 10_000;

/// A Typst string literal holding `text` exactly.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Typst source of `doc`: set rules, then one code line per block.
pub fn source(doc: &Document) -> Result<String, ReportError> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#set document(title: {})\n#set text(lang: {}, font: \"Libertinus Serif\", size: 11pt)\n#set page(paper: \"a4\", margin: (x: 2.2cm, y: 2.4cm), footer: context [#text(size: 9pt)[#{} #h(1fr) #counter(page).display(\"1 / 1\", both: true)]])\n#set par(justify: false, leading: 0.65em)\n#set heading(numbering: none)\n#show heading.where(level: 1): set text(size: 15pt)\n#show heading.where(level: 2): set text(size: 12pt)\n#set table(stroke: 0.5pt + luma(160), inset: 5pt)\n#show figure.where(kind: table): set align(start)\n#show figure.caption: set align(start)",
        literal(&doc.title),
        literal(&doc.lang),
        literal(&doc.footer)
    );
    let _ = writeln!(
        s,
        "#title({})\n#par(text(size: 12pt, {}))",
        literal(&doc.title),
        literal(&doc.subtitle)
    );
    for block in doc.blocks.iter().take(BLOCKS_MAX) {
        match block {
            Block::Heading { level, text } => {
                let _ = writeln!(
                    s,
                    "#heading(level: {}, {})",
                    (*level).clamp(1, 2),
                    literal(text)
                );
            }
            Block::Text(text) => {
                for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    let _ = writeln!(s, "#par({})", literal(para));
                }
            }
            Block::Foreign { lang, text } => {
                for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                    let _ = writeln!(s, "#text(lang: {}, par({}))", literal(lang), literal(para));
                }
            }
            Block::Terms(items) => {
                s.push_str("#terms(");
                for (term, description) in items {
                    let _ = write!(
                        s,
                        "terms.item({}, {}), ",
                        literal(term),
                        literal(description)
                    );
                }
                s.push_str(")\n");
            }
            Block::Table {
                caption,
                header,
                rows,
            } => {
                for (idx, row) in rows.iter().enumerate() {
                    if row.len() != header.len() {
                        return Err(ReportError::Ragged {
                            caption: caption.clone(),
                            row: idx + 1,
                            cells: row.len(),
                            header: header.len(),
                        });
                    }
                }
                let _ = write!(
                    s,
                    "#figure(kind: table, supplement: none, caption: figure.caption(position: top, {}), table(columns: {}, align: left, table.header(",
                    literal(caption),
                    header.len().max(1)
                );
                for h in header {
                    let _ = write!(s, "strong({}), ", literal(h));
                }
                s.push_str("), ");
                for row in rows {
                    for cell in row {
                        let _ = write!(s, "{}, ", literal(cell));
                    }
                }
                s.push_str("))\n");
            }
        }
    }
    Ok(s)
}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let mut book = FontBook::new();
        for font in &fonts {
            book.push(font.info().clone());
        }
        Fonts {
            book: LazyHash::new(book),
            fonts,
        }
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// One document to compile: its source and the day it is dated.
struct OneFile {
    main: Source,
    today: Option<Datetime>,
}

impl World for OneFile {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        // Reports read no files: no images, no data, nothing from the disk.
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Typesets `doc` as a tagged PDF (PDF/UA-1), dated `date` (year, month, day) in its metadata.
pub fn pdf(doc: &Document, date: (i32, u8, u8)) -> Result<Vec<u8>, ReportError> {
    let text = source(doc)?;
    let path = VirtualPath::new("/report.typ").map_err(|e| ReportError::Typst(e.to_string()))?;
    let id = RootedPath::new(VirtualRoot::Project, path).intern();
    let today = Datetime::from_ymd(date.0, date.1, date.2);
    let world = OneFile {
        main: Source::new(id, text),
        today,
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled.output.map_err(|errors| typst_error(&errors))?;
    let standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
        .map_err(|e| ReportError::Typst(e.message().to_string()))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(doc.title.clone()),
        creator: typst::foundations::Smart::Custom(Some("Samvirke".to_string())),
        timestamp: today.map(typst_pdf::Timestamp::new_utc),
        standards,
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| typst_error(&errors))
}

fn typst_error(errors: &[typst::diag::SourceDiagnostic]) -> ReportError {
    ReportError::Typst(
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        Document {
            lang: "da".into(),
            title: "Årsrapport 2026".into(),
            subtitle: "Forpligtende samarbejde mellem Tårnby og Dragør Kommuner".into(),
            footer: "Samvirke".into(),
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: "Delaftale 3".into(),
                },
                Block::Terms(vec![("Udføres af".into(), "Tårnby".into())]),
                Block::Text("Første afsnit med \"citat\", #hash, *stjerne*, $dollar$ og \\.\n\nAndet afsnit.".into()),
                Block::Table {
                    caption: "Nøgletal".into(),
                    header: vec!["Tal".into(), "Værdi".into()],
                    rows: vec![vec!["Sager".into(), "1.234".into()]],
                },
                Block::text_in("nb", "da", "Kommunene deler kostnadene.".into()),
            ],
        }
    }

    #[test]
    fn text_in_another_language_is_marked_with_it() {
        assert_eq!(
            Block::text_in("da", "da", "x".into()),
            Block::Text("x".into())
        );
        let s = source(&sample()).unwrap();
        assert!(
            s.contains("#text(lang: \"nb\", par(\"Kommunene deler kostnadene.\"))"),
            "{s}"
        );
        let html = html::standalone(&sample());
        assert!(
            html.contains("<p lang=\"nb\">Kommunene deler kostnadene.</p>"),
            "{html}"
        );
    }

    #[test]
    fn user_text_reaches_typst_as_string_literals() {
        assert_eq!(literal("a\"b\\c\nd#e"), "\"a\\\"b\\\\c\\nd#e\"");
        let s = source(&sample()).unwrap();
        assert!(
            s.contains(
                "#par(\"Første afsnit med \\\"citat\\\", #hash, *stjerne*, $dollar$ og \\\\.\")"
            ),
            "{s}"
        );
        assert!(s.contains("#par(\"Andet afsnit.\")"));
    }

    #[test]
    fn a_ragged_table_is_refused_with_its_row() {
        let mut doc = sample();
        doc.blocks.push(Block::Table {
            caption: "Forkert".into(),
            header: vec!["a".into(), "b".into()],
            rows: vec![vec!["1".into(), "2".into()], vec!["3".into()]],
        });
        let err = source(&doc).unwrap_err().to_string();
        assert_eq!(err, "table \"Forkert\": row 2 has 1 cells, the header 2");
    }

    #[test]
    fn the_pdf_is_made_in_process_and_is_the_same_for_the_same_input() {
        let a = pdf(&sample(), (2027, 1, 29)).unwrap();
        assert!(a.starts_with(b"%PDF-"), "{:?}", &a[..8]);
        let b = pdf(&sample(), (2027, 1, 29)).unwrap();
        assert_eq!(a, b, "deterministic");
    }
}
