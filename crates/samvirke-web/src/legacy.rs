//! Transitional: the staff pages still assemble strings; they are being moved to the templates of
//! `html`. This module goes when the last of them has.

use maud::PreEscaped;

pub(crate) use crate::html::{ctx, day, encode, tr, tra};
pub(crate) use crate::public::{PageError, not_found_page};

pub(crate) fn escape(text: &str) -> String {
    maud::html! { (text) }.into_string()
}

pub(crate) fn layout(title: &str, body: &str) -> String {
    crate::html::layout::page(title, PreEscaped(body.to_string())).into_string()
}

pub(crate) fn party_name(
    doc: &samvirke_core::model::CooperationDoc,
    party: &samvirke_core::PartyId,
) -> String {
    doc.party_name(party)
}

pub(crate) fn render_field(
    b: &mut String,
    f: &crate::html::forms::Field,
    data: &crate::html::forms::FormData,
    problems: &[(String, String)],
) {
    b.push_str(&crate::html::forms::render_field(f, data, problems).into_string());
}
