//! The frame of every page: a service header with the site's owner and the language switch, the
//! staff bar for signed-in staff, the content, and a footer with contact, privacy and the
//! accessibility statement.

use maud::{DOCTYPE, Markup, html};
use samvirke_i18n::Lang;

use super::{assets, ctx, encode, tr};
use crate::auth::Staff;

/// Who runs this Samvirke site, for the header and the footer (from `samvirke serve --owner`,
/// `--contact-email` and `--contact-phone`).
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// The organisation that runs the site ("Tårnby Kommune"); the header says it is run by them.
    pub owner: Option<String>,
    /// Where people write about the site, its content or its accessibility.
    pub contact_email: Option<String>,
    /// A telephone number for the same.
    pub contact_phone: Option<String>,
}

/// A public page.
pub(crate) fn page(title: &str, body: Markup) -> Markup {
    frame(title, None, body)
}

/// A staff page: the public frame with the staff bar (overview, who is signed in, sign out).
pub(crate) fn staff_page(staff: &Staff, title: &str, body: Markup) -> Markup {
    frame(title, Some(staff), body)
}

fn frame(title: &str, staff: Option<&Staff>, body: Markup) -> Markup {
    let c = ctx();
    let site = c.site.clone();
    html! {
        (DOCTYPE)
        html lang=(c.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Samvirke" }
                link rel="stylesheet" href=(assets::stylesheet_path());
                // The type-ahead's words, in the page's language ("%n" and the like are filled in
                // by the script).
                script src=(assets::script_path()) defer
                    data-ac-no-results=(tr("ac-no-results"))
                    data-ac-too-short=(super::tra("ac-too-short", &[("n", "%n")]))
                    data-ac-selected=(super::tra("ac-selected", &[("option", "%option"), ("index", "%index"), ("total", "%total")]))
                    data-ac-results-one=(super::tra("ac-results-one", &[("n", "%n")]))
                    data-ac-results-other=(super::tra("ac-results-other", &[("n", "%n")]))
                    data-ac-hint=(tr("ac-hint")) {}
            }
            body {
                a.skip href="#main" { (tr("skip-link")) }
                header.site-header {
                    div.owner-band {
                        div.wrap {
                            @match &site.owner {
                                Some(owner) => (super::tra("site-run-by", &[("owner", owner)])),
                                None => (tr("site-run-by-samvirke")),
                            }
                        }
                    }
                    div.service-bar {
                        div.wrap {
                            div {
                                a.service-name href="/" { "Samvirke" }
                                p.tagline { (tr("site-tagline")) }
                            }
                            nav aria-label=(tr("language")) {
                                ul.langs {
                                    @for lang in Lang::ALL {
                                        li {
                                            a href={ "/lang/" (lang.code()) "?back=" (encode(&c.path)) }
                                                lang=(lang.code()) hreflang=(lang.code())
                                                aria-current=[(lang == c.lang).then_some("true")] {
                                                (lang.own_name())
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(staff) = staff {
                        div.staffbar {
                            div.wrap {
                                a href="/staff" { (tr("staff-overview")) }
                                a href="/staff/cases" { (tr("cases-title")) }
                                a href="/staff/disputes" { (tr("disputes-title")) }
                                span { (super::tra("staffbar-signed-in", &[("name", &staff.user.name)])) }
                                @if !staff.csrf.is_empty() {
                                    form.inline-form method="post" action="/staff/logout" {
                                        input type="hidden" name="csrf" value=(staff.csrf);
                                        button.secondary type="submit" { (tr("logout")) }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main .wrap {
                    (body)
                }
                footer.site-footer {
                    div.wrap.footer-cols {
                        section aria-labelledby="footer-contact" {
                            h2 #footer-contact { (tr("footer-contact")) }
                            ul {
                                @if let Some(owner) = &site.owner { li { (owner) } }
                                @if let Some(email) = &site.contact_email {
                                    li { a href={ "mailto:" (email) } { (email) } }
                                }
                                @if let Some(phone) = &site.contact_phone {
                                    li { a href={ "tel:" (phone.replace(' ', "")) } { (phone) } }
                                }
                                li { a href="/about/contact" { (tr("footer-contact-page")) } }
                            }
                        }
                        section aria-labelledby="footer-about" {
                            h2 #footer-about { (tr("footer-about")) }
                            ul {
                                li { a href="/about/accessibility" { (tr("accessibility-title")) } }
                                li { a href="/about/privacy" { (tr("privacy-title")) } }
                                li { a href="/staff" { (tr("staff-login")) } }
                            }
                        }
                        section aria-labelledby="footer-data" {
                            h2 #footer-data { (tr("footer-data-title")) }
                            p { (tr("footer-data")) }
                            ul {
                                li { a href="/matrix" { (tr("footer-matrix")) } }
                                li { a href="/open-data" { (tr("open-data-title")) } }
                                li { a href="/api/v1/cooperations" { (tr("footer-api")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
