//! A [`Document`] as HTML, through maud: every string of the document is escaped by the template;
//! nothing is assembled by hand.

use maud::{DOCTYPE, Markup, html};

use crate::{Block, Document};

/// The stylesheet of the standalone file (the web pages use the site's own).
const STANDALONE_CSS: &str = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;line-height:1.5;color:#1b1b1b}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;overflow-wrap:normal;word-break:normal;hyphens:auto}caption{text-align:left;font-weight:600}dt{font-weight:600}dd{margin:0 0 .5rem 0}.scroll{overflow-x:auto}";

/// The document inside an `<article>` in the report's language; headings start at `h2` (the page
/// has the title as its `h1`).
pub fn body(doc: &Document) -> Markup {
    body_with(doc, None, html! {})
}

/// The same, with `extra` (a chart the page draws) right after block `after`.
pub fn body_with(doc: &Document, after: Option<usize>, extra: Markup) -> Markup {
    html! {
        article lang=(doc.lang) {
            @for (index, block) in doc.blocks.iter().enumerate() {
                (block_html(index, block))
                @if Some(index) == after { (extra) }
            }
        }
    }
}

/// Paragraphs (blank lines between them, line breaks kept), marked with `lang` when given.
fn paragraphs(lang: Option<&str>, text: &str) -> Markup {
    html! {
        @for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            p lang=[lang] {
                @for (n, line) in para.lines().enumerate() {
                    @if n > 0 { br; }
                    (line)
                }
            }
        }
    }
}

fn block_html(index: usize, block: &Block) -> Markup {
    match block {
        Block::Heading { level, text } => html! {
            @if *level <= 1 { h2 { (text) } } @else { h3 { (text) } }
        },
        Block::Text(text) => paragraphs(None, text),
        Block::Foreign { lang, text } => paragraphs(Some(lang), text),
        Block::Terms(items) => html! {
            dl {
                @for (term, description) in items {
                    dt { (term) }
                    dd { (description) }
                }
            }
        },
        Block::Table {
            caption,
            header,
            rows,
        } => {
            let id = format!("t{index}");
            html! {
                div.scroll tabindex="0" role="region" aria-labelledby=(id) {
                    table {
                        caption id=(id) { (caption) }
                        thead { tr { @for h in header { th scope="col" { (h) } } } }
                        tbody {
                            @for row in rows {
                                tr {
                                    @for (i, cell) in row.iter().enumerate() {
                                        @if i == 0 { th scope="row" { (cell) } } @else { td { (cell) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A whole HTML file of the report, for `samvirke report html` (no server needed to read it).
pub fn standalone(doc: &Document) -> String {
    html! {
        (DOCTYPE)
        html lang=(doc.lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (doc.title) " – " (doc.subtitle) }
                style { (maud::PreEscaped(STANDALONE_CSS)) }
            }
            body {
                main {
                    h1 { (doc.title) }
                    p { (doc.subtitle) }
                    (body(doc))
                }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_is_escaped() {
        let doc = Document {
            lang: "da\"><script>".to_string(),
            title: "<b>T</b>".to_string(),
            subtitle: "S & co".to_string(),
            footer: String::new(),
            blocks: vec![
                Block::Text("a <i>\nb".to_string()),
                Block::Terms(vec![("<k>".to_string(), "<v>".to_string())]),
                Block::Table {
                    caption: "<c>".to_string(),
                    header: vec!["<h>".to_string()],
                    rows: vec![vec!["<r>".to_string(), "<d>".to_string()]],
                },
            ],
        };
        let out = standalone(&doc);
        for raw in [
            "<b>", "<i>", "<k>", "<v>", "<c>", "<h>", "<r>", "<d>", "<script>",
        ] {
            assert!(!out.contains(raw), "{raw} in {out}");
        }
        assert!(out.contains("a &lt;i&gt;<br>b"), "{out}");
        assert!(out.contains("S &amp; co"));
    }
}
