//! Pieces that several pages show: names with their codes as secondary text, links to
//! municipalities and cooperations, text in another language marked with its `lang`, status
//! words, the deadline list, the timeline, messages and the page of an error.

use maud::{Markup, html};
use samvirke_core::model::{Contact, CooperationDoc, Language, LegalForm, Names};
use samvirke_core::{
    Date, MunicipalityId, MunicipalityRegister, PartialDate, PartyId, Registry, ServiceId,
};

use super::{lang, partial_time, tr, tra};

/// A municipality's name from the register (its code when the register has none).
pub(crate) fn municipality_name(id: MunicipalityId) -> String {
    MunicipalityRegister::embedded()
        .name(id)
        .map_or_else(|| id.to_string(), str::to_string)
}

/// A link to a municipality's page by its name.
pub(crate) fn municipality_link(id: MunicipalityId) -> Markup {
    html! { a href={ "/municipalities/" (id) } { (municipality_name(id)) } }
}

/// A link to a party's page (municipalities have pages; organisations are named).
pub(crate) fn party_link(doc: &CooperationDoc, party: &PartyId) -> Markup {
    match party {
        PartyId::Municipality(m) => municipality_link(*m),
        PartyId::Organisation(_) => html! { (doc.party_name(party)) },
    }
}

/// A link to a cooperation's page by its name.
pub(crate) fn cooperation_link(doc: &CooperationDoc) -> Markup {
    html! { a href={ "/cooperations/" (doc.cooperation.id) } { (doc.cooperation.name) } }
}

/// A code after a name, as secondary text ("DK-0155").
pub(crate) fn code(text: impl std::fmt::Display) -> Markup {
    html! { " " span.code { "(" (text) ")" } }
}

/// Text written in `language`, marked with its `lang` when it is not the page's language.
pub(crate) fn in_language(text: &str, language: Language) -> Markup {
    if language.as_str() == lang().code() {
        html! { (text) }
    } else {
        html! { span lang=(language.as_str()) { (text) } }
    }
}

/// One clause of an agreement as a `dt`/`dd` pair: "Punkt 3.4 – Deling af besparelser", its
/// text (marked with the agreement's language), `more`, and its note.
pub(crate) fn clause_entry(
    c: &samvirke_core::model::Clause,
    language: Language,
    more: Markup,
) -> Markup {
    html! {
        dt { (tra("clause-heading", &[("number", &c.number)])) " – " (tr(&format!("clause-{}", c.subject.as_str()))) }
        dd {
            (in_language(&c.text, language))
            (more)
            @if let Some(note) = &c.note { br; span.muted { (in_language(note, language)) } }
        }
    }
}

/// A name from an agreement file in the page's language where the file gives it, otherwise in
/// the language it is written in, marked as such.
pub(crate) fn localized(names: &Names) -> Markup {
    let (text, language) = names.get_in(lang().language());
    in_language(text, language)
}

/// A service by its name in the page's language (the id only when no cooperation defines it).
pub(crate) fn service(registry: &Registry, id: &ServiceId) -> Markup {
    match registry.service_names(id) {
        Some((names, _)) => localized(names),
        None => html! { (id) },
    }
}

/// A service's name as plain text in the page's language (for attributes and messages).
pub(crate) fn service_text(registry: &Registry, id: &ServiceId) -> String {
    registry.service_names(id).map_or_else(
        || id.to_string(),
        |(names, _)| names.get(lang().language()).to_string(),
    )
}

/// Several services by name, separated by commas.
pub(crate) fn services(registry: &Registry, ids: &[ServiceId]) -> Markup {
    html! {
        @for (i, id) in ids.iter().enumerate() {
            @if i > 0 { ", " }
            (service(registry, id))
        }
    }
}

/// A length of time in words: "4 uger", "7 arbetsdagar".
pub(crate) fn span(span: samvirke_core::cases::Span) -> String {
    use samvirke_core::cases::Span;
    let (key, n) = match span {
        Span::Weeks(n) => ("span-weeks", n),
        Span::Days(n) => ("span-days", n),
        Span::Months(n) => ("span-months", n),
        Span::WorkingDays(n) => ("span-working-days", n),
    };
    tra(key, &[("n", &n.to_string())])
}

/// A legal form in words.
pub(crate) fn legal_form(form: LegalForm) -> String {
    tr(&format!("form-{}", form.as_str()))
}

/// "until 31.12.2026" (the last day in force) or "open-ended".
pub(crate) fn until(to: Option<Date>) -> String {
    to.map_or_else(
        || tr("open-ended"),
        |t| tra("until-date", &[("date", &super::day(t.pred()))]),
    )
}

/// A timeline of events, oldest first, each dated as precisely as its source (a day, a month,
/// a season, a year; mixed precision sorts by the first day each may mean), the undated last
/// (nothing when there is nothing to show).
pub(crate) fn timeline(mut events: Vec<(Option<PartialDate>, Markup)>) -> Markup {
    events.sort_by(|a, b| {
        match (a.0, b.0) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.1.0.cmp(&b.1.0))
    });
    html! {
        @if !events.is_empty() {
            h2 { (tr("timeline")) }
            ol.timeline {
                @for (d, text) in &events {
                    li {
                        @match d {
                            Some(d) => (partial_time(*d)),
                            None => (tr("date-unknown")),
                        }
                        ": " (text)
                    }
                }
            }
        }
    }
}

/// An alert box for an error, with a heading.
pub(crate) fn error_box(heading: &str, detail: &str) -> Markup {
    html! {
        div.error role="alert" {
            h2 { (heading) }
            p { (detail) }
        }
    }
}

/// A confirmation after a save ("Saved"), with what happened.
pub(crate) fn confirmation(heading: &str, detail: Option<&str>) -> Markup {
    html! {
        div.confirmation role="status" {
            h2 { (heading) }
            @if let Some(detail) = detail { p { (detail) } }
        }
    }
}

/// A deadline's state as a tag (overdue stands out).
pub(crate) fn deadline_status(status: samvirke_core::deadlines::Status) -> Markup {
    let class = match status {
        samvirke_core::deadlines::Status::Overdue => "tag overdue",
        samvirke_core::deadlines::Status::Done => "tag done",
        _ => "tag",
    };
    html! { span class=(class) { (tr(&format!("deadline-{}", status.as_str()))) } }
}

/// Amounts per year as horizontal bars, with a title and a description (every year's amount in
/// words) for screen readers, and a caption; the page puts the same amounts in a table. `id` makes
/// the title's and description's ids unique on the page. Nothing when there are no years.
pub(crate) fn year_bars(
    id: &str,
    title: &str,
    caption: &str,
    years: &[(i32, String, i64)],
) -> Markup {
    // Narrow with large type (`figure.chart.money`), so a phone scaling it down keeps it readable.
    const ROW: u32 = 40;
    const WIDTH: u32 = 460;
    const LABEL: u32 = 60;
    const ROOM: u32 = 200;
    if years.is_empty() {
        return html! {};
    }
    let l = lang();
    let max = years.iter().map(|y| y.2).max().unwrap_or(1).max(1) as f64;
    let bar = |minor: i64| ((minor.max(0) as f64 / max) * f64::from(WIDTH - LABEL - ROOM)).round();
    let money = |minor: i64, currency: &str| crate::i18n::money(l, minor, currency);
    let desc: Vec<String> = years
        .iter()
        .map(|(y, c, m)| format!("{y}: {}", money(*m, c)))
        .collect();
    let height = years.len() as u32 * ROW + 8;
    html! {
        figure.chart.money {
            svg role="img" aria-labelledby={ (id) "-title " (id) "-desc" }
                viewBox={ "0 0 " (WIDTH) " " (height) } width="100%" preserveAspectRatio="xMinYMin meet" {
                title id={ (id) "-title" } { (title) }
                desc id={ (id) "-desc" } { (desc.join("; ")) }
                @for (i, (year, currency, minor)) in years.iter().enumerate() {
                    @let top = i as u32 * ROW;
                    text x="0" y=(top + 25) class="tick" { (year) }
                    rect x=(LABEL) y=(top + 8) width=(bar(*minor)) height="24" class="bar" {}
                    text x=(f64::from(LABEL) + bar(*minor) + 8.0) y=(top + 25) class="bar-value" { (money(*minor, currency)) }
                }
            }
            figcaption { (caption) }
        }
    }
}

/// A unit's channels as a description list: telephone (a `tel:` link), secure digital mail,
/// e-mail (a `mailto:` link), web page, visiting and postal address, opening hours; only those
/// recorded.
pub(crate) fn contact_channels(unit: &Contact) -> Markup {
    let link_or_text = |text: &str| {
        if text.starts_with("https://") || text.starts_with("http://") {
            html! { a href=(text) { (text) } }
        } else {
            html! { (text) }
        }
    };
    html! {
        dl.channels {
            @if let Some(phone) = &unit.phone {
                dt { (tr("channel-phone")) }
                dd { a href={ "tel:" (phone.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect::<String>()) } { (phone) } }
            }
            @if let Some(mail) = &unit.digital_mail {
                dt { (tr("channel-digital-mail")) }
                dd { (link_or_text(mail)) }
            }
            @if let Some(email) = &unit.email {
                dt { (tr("channel-email")) }
                dd { a href={ "mailto:" (email) } { (email) } }
            }
            @if let Some(web) = &unit.web {
                dt { (tr("channel-web")) }
                dd { (link_or_text(web)) }
            }
            @if let Some(address) = &unit.visiting_address {
                dt { (tr("channel-visiting-address")) }
                dd { (address) }
            }
            @if let Some(address) = &unit.address {
                dt { (tr("channel-address")) }
                dd { (address) }
            }
            @if let Some(hours) = &unit.opening_hours {
                dt { (tr("channel-opening-hours")) }
                dd { (hours) }
            }
        }
    }
}
