//! `/about/accessibility`, `/about/privacy`, `/about/contact`: the accessibility statement, the
//! privacy notice and how to reach the people who run the site, as a Nordic public web site must
//! have them. The words are the translations'; the owner and contact come from the site settings.

use axum::extract::Path;
use axum::response::{Html, IntoResponse, Response};
use maud::{Markup, html};

use super::not_found_page;
use crate::html::layout::page;
use crate::html::{ctx, tr, tra};

/// A section: its heading and its paragraphs, by message id (no heading: "").
type Section = (&'static str, &'static [&'static str]);

/// Each page: its address, its title and its sections.
const PAGES: &[(&str, &str, &[Section])] = &[
    (
        "accessibility",
        "accessibility-title",
        &[
            ("", &["accessibility-intro"]),
            ("accessibility-status-h", &["accessibility-status"]),
            ("accessibility-tested-h", &["accessibility-tested"]),
            ("accessibility-known-h", &["accessibility-known"]),
            ("accessibility-feedback-h", &["accessibility-feedback"]),
            (
                "accessibility-enforcement-h",
                &["accessibility-enforcement"],
            ),
        ],
    ),
    (
        "privacy",
        "privacy-title",
        &[
            ("", &["privacy-intro"]),
            ("privacy-public-h", &["privacy-public"]),
            ("privacy-staff-h", &["privacy-staff"]),
            ("privacy-cases-h", &["privacy-cases"]),
            ("privacy-rights-h", &["privacy-rights"]),
        ],
    ),
    (
        "contact",
        "contact-title",
        &[
            ("", &["contact-intro"]),
            ("contact-cases-h", &["contact-cases"]),
        ],
    ),
];

fn contact_block() -> Markup {
    let site = ctx().site;
    html! {
        h2 { (tr("contact-site-h")) }
        @if site.owner.is_none() && site.contact_email.is_none() && site.contact_phone.is_none() {
            p { (tr("contact-none")) }
        } @else {
            ul {
                @if let Some(owner) = &site.owner { li { (owner) } }
                @if let Some(email) = &site.contact_email { li { a href={ "mailto:" (email) } { (email) } } }
                @if let Some(phone) = &site.contact_phone { li { a href={ "tel:" (phone.replace(' ', "")) } { (phone) } } }
            }
        }
    }
}

/// `GET /about/{page}`.
pub(crate) async fn about_page(Path(name): Path<String>) -> Response {
    let Some((_, title, sections)) = PAGES.iter().find(|(id, _, _)| *id == name) else {
        return not_found_page();
    };
    let owner = ctx()
        .site
        .owner
        .clone()
        .unwrap_or_else(|| tr("owner-unnamed"));
    let body = html! {
        h1 { (tr(title)) }
        @for (heading, paragraphs) in sections.iter() {
            @if !heading.is_empty() { h2 { (tr(heading)) } }
            @for p in paragraphs.iter() { p { (tra(p, &[("owner", &owner)])) } }
        }
        (contact_block())
    };
    Html(page(&tr(title), body).into_string()).into_response()
}
