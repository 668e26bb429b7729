//! E-invoices and credit notes as UBL 2.1 documents conforming to Peppol BIS Billing 3.0: one per
//! document `samvirke_settle::invoice::plan` says to issue. Seller and buyer carry their legal
//! identifiers and Peppol endpoints from the agreement file; the VAT treatment is the payment
//! agreement's; the lines and notes are in the cooperation's language. Everything that is missing
//! for a document is reported at once, in the reader's language, naming the party and the field.
//! The bytes depend only on the inputs: the same document made twice is the same file.

use std::fmt::Write as _;

use samvirke_core::Date;
use samvirke_core::identifiers;
use samvirke_core::model::{
    Account, CooperationDoc, InvoiceItem, IssuedInvoice, Party, PaymentAgreement, VatTreatment,
};
use samvirke_core::{Country, PartyId};
use samvirke_i18n::{self as i18n, Lang};
use samvirke_settle::invoice::{Planned, vat_on};

const CUSTOMIZATION: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

/// What a document needs that the agreement file does not give, each in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing(pub Vec<String>);

/// One side of the document: the party, its name and country.
struct Side<'a> {
    party: &'a Party,
    name: String,
    country: Country,
    org_number: String,
}

fn side<'a>(
    doc: &'a CooperationDoc,
    id: &str,
    lang: Lang,
    problems: &mut Vec<String>,
) -> Option<Side<'a>> {
    let pid = PartyId::parse(id).ok()?;
    let name = doc.party_name(&pid);
    let Some(party) = doc.cooperation.parties.iter().find(|p| p.id == pid) else {
        problems.push(i18n::message(
            lang,
            "invoice-missing-party",
            &[("party", &name)],
        ));
        return None;
    };
    let country = match &pid {
        PartyId::Municipality(m) => m.country(),
        PartyId::Organisation(o) => doc.organisation(o)?.country,
    };
    let org_number = party
        .org_number
        .as_deref()
        .and_then(|n| identifiers::org_number(country, n).ok());
    let Some(org_number) = org_number else {
        problems.push(i18n::message(
            lang,
            "invoice-missing-org-number",
            &[("party", &name), ("id", id)],
        ));
        return None;
    };
    let name = match (&pid, country) {
        (PartyId::Organisation(_), _) => name,
        (_, Country::Dk) => format!("{name} Kommune"),
        (_, Country::Se) => format!("{name} kommun"),
        (_, Country::No) => format!("{name} kommune"),
    };
    Some(Side {
        party,
        name,
        country,
        org_number,
    })
}

/// Checks that every document of `planned` can be made: both parties' identifiers, the payee's
/// account for invoices, the VAT treatment and, where VAT is charged, the seller's VAT number.
pub fn check(doc: &CooperationDoc, planned: &[Planned], lang: Lang) -> Result<(), Missing> {
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in planned {
        let d = &p.due;
        if !seen.insert((
            d.sub_agreement,
            d.agreement_from,
            d.payee.clone(),
            d.payer.clone(),
            p.net_minor > 0,
        )) {
            continue;
        }
        let mut local = Vec::new();
        let seller = side(doc, &d.payee, lang, &mut local);
        side(doc, &d.payer, lang, &mut local);
        let agreement = agreement_of(doc, d.sub_agreement, d.agreement_from);
        match agreement.and_then(|a| a.vat.as_ref()) {
            None => local.push(i18n::message(
                lang,
                "invoice-missing-vat",
                &[("number", &d.sub_agreement.to_string())],
            )),
            Some(VatTreatment::Standard { .. }) => {
                if let Some(s) = &seller
                    && s.party
                        .invoicing
                        .as_ref()
                        .and_then(|i| i.vat_number.as_ref())
                        .is_none()
                {
                    local.push(i18n::message(
                        lang,
                        "invoice-missing-vat-number",
                        &[("party", &s.name), ("id", &d.payee)],
                    ));
                }
            }
            Some(VatTreatment::OutsideScope) => {}
        }
        if p.net_minor > 0
            && let Some(s) = &seller
            && s.party
                .invoicing
                .as_ref()
                .and_then(|i| i.account.as_ref())
                .is_none()
        {
            local.push(i18n::message(
                lang,
                "invoice-missing-account",
                &[("party", &s.name), ("id", &d.payee)],
            ));
        }
        for l in local {
            if !problems.contains(&l) {
                problems.push(l);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Missing(problems))
    }
}

fn agreement_of(doc: &CooperationDoc, sub: u32, from: Date) -> Option<&PaymentAgreement> {
    doc.payment_agreements
        .iter()
        .find(|a| a.sub_agreement == sub && a.valid.from() == from)
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!("{sign}{}.{:02}", m / 100, m % 100)
}

/// The document for one planned item, numbered `number` and issued on `issued`, resting on the
/// settlement run recorded as journal event `run_event`. Call [`check`] first: a party without
/// what the document needs is left out of it.
#[allow(clippy::too_many_arguments)]
pub fn issue(
    doc: &CooperationDoc,
    year: i32,
    planned: &Planned,
    number: &str,
    issued: Date,
    run_event: u64,
) -> Result<IssuedInvoice, Missing> {
    let lang = Lang::of(doc.cooperation.language);
    let d = &planned.due;
    let mut problems = Vec::new();
    let seller = side(doc, &d.payee, lang, &mut problems);
    let buyer = side(doc, &d.payer, lang, &mut problems);
    let agreement = agreement_of(doc, d.sub_agreement, d.agreement_from);
    let vat = agreement.and_then(|a| a.vat.clone());
    let (Some(seller), Some(buyer), Some(agreement), Some(vat)) = (seller, buyer, agreement, vat)
    else {
        check(doc, std::slice::from_ref(planned), lang)?;
        return Err(Missing(problems));
    };
    let credit = planned.net_minor < 0;
    // A credit note states its amounts as positive credits: every line's sign is turned.
    let sign = if credit { -1 } else { 1 };
    let currency = esc(&agreement.currency);
    let what = crate::annual::sheet_heading(lang, d.sub_agreement, &d.title);
    let year_s = year.to_string();
    let mut lines: Vec<(String, i64)> = Vec::new();
    match (d.item, d.true_up, planned.difference) {
        (InvoiceItem::Instalment { number: n }, _, false) => lines.push((
            i18n::message(
                lang,
                "invoice-line-instalment",
                &[
                    ("n", &n.to_string()),
                    ("of", &d.instalments.to_string()),
                    ("year", &year_s),
                    ("what", &what),
                ],
            ),
            planned.net_minor,
        )),
        (InvoiceItem::TrueUp, Some(parts), false) => {
            lines.push((
                i18n::message(
                    lang,
                    "invoice-line-actual",
                    &[("year", &year_s), ("what", &what)],
                ),
                parts.actual_minor as i64,
            ));
            if parts.savings_minor > 0 {
                lines.push((
                    i18n::message(lang, "invoice-line-savings", &[("year", &year_s)]),
                    -(parts.savings_minor as i64),
                ));
            }
            if parts.aconto_minor > 0 {
                lines.push((
                    i18n::message(lang, "invoice-line-aconto-paid", &[("year", &year_s)]),
                    -(parts.aconto_minor as i64),
                ));
            }
        }
        (item, _, _) => {
            let of = match item {
                InvoiceItem::Instalment { number: n } => i18n::message(
                    lang,
                    "invoice-line-instalment",
                    &[
                        ("n", &n.to_string()),
                        ("of", &d.instalments.to_string()),
                        ("year", &year_s),
                        ("what", &what),
                    ],
                ),
                InvoiceItem::TrueUp => i18n::message(
                    lang,
                    "invoice-line-actual",
                    &[("year", &year_s), ("what", &what)],
                ),
            };
            lines.push((
                i18n::message(lang, "invoice-line-correction", &[("what", &of)]),
                planned.net_minor,
            ));
        }
    }
    let net: i64 = lines.iter().map(|(_, a)| a).sum::<i64>() * sign;
    debug_assert_eq!(net, planned.net_minor.abs());
    let net_u = net.unsigned_abs();
    let tax = vat_on(net_u, &vat);
    let payable = net_u + tax;
    let (root, ns, type_tag, type_code, line_tag, qty_tag) = if credit {
        (
            "CreditNote",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            "CreditNoteTypeCode",
            "381",
            "CreditNoteLine",
            "CreditedQuantity",
        )
    } else {
        (
            "Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            "InvoiceTypeCode",
            "380",
            "InvoiceLine",
            "InvoicedQuantity",
        )
    };
    let due = if credit {
        None
    } else {
        match d.item {
            InvoiceItem::Instalment { .. } if !planned.difference => d.due,
            _ => Some(Date::from_days_since_epoch(
                issued.days_since_epoch() + agreement.payment_days() as i32,
            )),
        }
    };
    let coop = &doc.cooperation;
    let mut x = String::with_capacity(6_000);
    let _ = writeln!(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(
        x,
        "<{root} xmlns=\"{ns}\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
    );
    let _ = writeln!(
        x,
        "  <cbc:CustomizationID>{CUSTOMIZATION}</cbc:CustomizationID>"
    );
    let _ = writeln!(x, "  <cbc:ProfileID>{PROFILE}</cbc:ProfileID>");
    let _ = writeln!(x, "  <cbc:ID>{}</cbc:ID>", esc(number));
    let _ = writeln!(x, "  <cbc:IssueDate>{issued}</cbc:IssueDate>");
    if let (false, Some(due)) = (credit, due) {
        let _ = writeln!(x, "  <cbc:DueDate>{due}</cbc:DueDate>");
    }
    let _ = writeln!(x, "  <cbc:{type_tag}>{type_code}</cbc:{type_tag}>");
    let note = i18n::message(
        lang,
        "invoice-note",
        &[
            ("cooperation", &coop.name),
            ("what", &what),
            ("year", &year_s),
            ("event", &run_event.to_string()),
        ],
    );
    let _ = writeln!(x, "  <cbc:Note>{}</cbc:Note>", esc(&note));
    let _ = writeln!(
        x,
        "  <cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>"
    );
    let reference = buyer
        .party
        .invoicing
        .as_ref()
        .and_then(|i| i.reference.clone())
        .unwrap_or_else(|| coop.id.to_string());
    let _ = writeln!(
        x,
        "  <cbc:BuyerReference>{}</cbc:BuyerReference>",
        esc(&reference)
    );
    let _ = writeln!(
        x,
        "  <cac:InvoicePeriod>\n    <cbc:StartDate>{year}-01-01</cbc:StartDate>\n    <cbc:EndDate>{year}-12-31</cbc:EndDate>\n  </cac:InvoicePeriod>"
    );
    for n in &planned.corrects {
        let _ = writeln!(
            x,
            "  <cac:BillingReference>\n    <cac:InvoiceDocumentReference>\n      <cbc:ID>{}</cbc:ID>\n    </cac:InvoiceDocumentReference>\n  </cac:BillingReference>",
            esc(n)
        );
    }
    let _ = writeln!(
        x,
        "  <cac:ContractDocumentReference>\n    <cbc:ID>{}/{}/{}</cbc:ID>\n  </cac:ContractDocumentReference>",
        esc(coop.id.as_str()),
        d.sub_agreement,
        d.agreement_from
    );
    let run_description = i18n::message(
        lang,
        "invoice-run-reference",
        &[("year", &year_s), ("event", &run_event.to_string())],
    );
    let _ = writeln!(
        x,
        "  <cac:AdditionalDocumentReference>\n    <cbc:ID>{}/settlement/{year}/{run_event}</cbc:ID>\n    <cbc:DocumentDescription>{}</cbc:DocumentDescription>\n  </cac:AdditionalDocumentReference>",
        esc(coop.id.as_str()),
        esc(&run_description)
    );
    let standard = matches!(vat, VatTreatment::Standard { .. });
    party_xml(&mut x, "AccountingSupplierParty", &seller, standard);
    party_xml(&mut x, "AccountingCustomerParty", &buyer, standard);
    if !credit
        && let Some(account) = seller
            .party
            .invoicing
            .as_ref()
            .and_then(|i| i.account.as_ref())
    {
        payment_means(&mut x, account, seller.country, number);
    }
    let terms = match due {
        Some(due) => i18n::message(
            lang,
            "invoice-terms-due",
            &[("date", &i18n::date(lang, due))],
        ),
        None => i18n::t(lang, "invoice-terms-credit"),
    };
    let _ = writeln!(
        x,
        "  <cac:PaymentTerms>\n    <cbc:Note>{}</cbc:Note>\n  </cac:PaymentTerms>",
        esc(&terms)
    );
    let category = tax_category(&vat, lang);
    let _ = writeln!(
        x,
        "  <cac:TaxTotal>\n    <cbc:TaxAmount currencyID=\"{currency}\">{}</cbc:TaxAmount>\n    <cac:TaxSubtotal>\n      <cbc:TaxableAmount currencyID=\"{currency}\">{}</cbc:TaxableAmount>\n      <cbc:TaxAmount currencyID=\"{currency}\">{}</cbc:TaxAmount>\n      <cac:TaxCategory>\n{category}      </cac:TaxCategory>\n    </cac:TaxSubtotal>\n  </cac:TaxTotal>",
        amount(tax as i64),
        amount(net),
        amount(tax as i64),
    );
    let _ = writeln!(
        x,
        "  <cac:LegalMonetaryTotal>\n    <cbc:LineExtensionAmount currencyID=\"{currency}\">{}</cbc:LineExtensionAmount>\n    <cbc:TaxExclusiveAmount currencyID=\"{currency}\">{}</cbc:TaxExclusiveAmount>\n    <cbc:TaxInclusiveAmount currencyID=\"{currency}\">{}</cbc:TaxInclusiveAmount>\n    <cbc:PayableAmount currencyID=\"{currency}\">{}</cbc:PayableAmount>\n  </cac:LegalMonetaryTotal>",
        amount(net),
        amount(net),
        amount(payable as i64),
        amount(payable as i64),
    );
    let line_category = match vat {
        VatTreatment::OutsideScope => "        <cbc:ID>O</cbc:ID>\n".to_string(),
        VatTreatment::Standard { percent } => {
            format!("        <cbc:ID>S</cbc:ID>\n        <cbc:Percent>{percent}</cbc:Percent>\n")
        }
    };
    for (i, (text, line_amount)) in lines.iter().enumerate() {
        let a = line_amount * sign;
        let qty = if a < 0 { "-1" } else { "1" };
        let _ = writeln!(
            x,
            "  <cac:{line_tag}>\n    <cbc:ID>{}</cbc:ID>\n    <cbc:{qty_tag} unitCode=\"C62\">{qty}</cbc:{qty_tag}>\n    <cbc:LineExtensionAmount currencyID=\"{currency}\">{}</cbc:LineExtensionAmount>\n    <cac:Item>\n      <cbc:Name>{}</cbc:Name>\n      <cac:ClassifiedTaxCategory>\n{line_category}        <cac:TaxScheme>\n          <cbc:ID>VAT</cbc:ID>\n        </cac:TaxScheme>\n      </cac:ClassifiedTaxCategory>\n    </cac:Item>\n    <cac:Price>\n      <cbc:PriceAmount currencyID=\"{currency}\">{}</cbc:PriceAmount>\n    </cac:Price>\n  </cac:{line_tag}>",
            i + 1,
            amount(a),
            esc(text),
            amount(a.abs()),
        );
    }
    let _ = writeln!(x, "</{root}>");
    Ok(IssuedInvoice {
        number: number.to_string(),
        seller: d.payee.clone(),
        buyer: d.payer.clone(),
        year,
        sub_agreement: d.sub_agreement,
        agreement_from: d.agreement_from,
        item: d.item,
        credit_note: credit,
        net_minor: planned.net_minor,
        payable_minor: payable,
        currency: agreement.currency.clone(),
        issued,
        due,
        run_event,
        corrects: planned.corrects.clone(),
        xml: x,
    })
}

fn tax_category(vat: &VatTreatment, lang: Lang) -> String {
    match vat {
        VatTreatment::OutsideScope => format!(
            "        <cbc:ID>O</cbc:ID>\n        <cbc:TaxExemptionReasonCode>VATEX-EU-O</cbc:TaxExemptionReasonCode>\n        <cbc:TaxExemptionReason>{}</cbc:TaxExemptionReason>\n        <cac:TaxScheme>\n          <cbc:ID>VAT</cbc:ID>\n        </cac:TaxScheme>\n",
            esc(&i18n::t(lang, "invoice-vat-outside-scope"))
        ),
        VatTreatment::Standard { percent } => format!(
            "        <cbc:ID>S</cbc:ID>\n        <cbc:Percent>{percent}</cbc:Percent>\n        <cac:TaxScheme>\n          <cbc:ID>VAT</cbc:ID>\n        </cac:TaxScheme>\n"
        ),
    }
}

fn party_xml(x: &mut String, tag: &str, s: &Side<'_>, standard: bool) {
    let inv = s.party.invoicing.clone().unwrap_or_default();
    let (scheme, endpoint) = inv
        .endpoint
        .as_deref()
        .and_then(|e| identifiers::peppol_endpoint(e).ok())
        .unwrap_or_else(|| {
            (
                identifiers::org_scheme(s.country).to_string(),
                s.org_number.clone(),
            )
        });
    let _ = writeln!(x, "  <cac:{tag}>\n    <cac:Party>");
    let _ = writeln!(
        x,
        "      <cbc:EndpointID schemeID=\"{scheme}\">{}</cbc:EndpointID>",
        esc(&endpoint)
    );
    let _ = writeln!(
        x,
        "      <cac:PartyName>\n        <cbc:Name>{}</cbc:Name>\n      </cac:PartyName>",
        esc(&s.name)
    );
    let _ = writeln!(x, "      <cac:PostalAddress>");
    if let Some(street) = &inv.street {
        let _ = writeln!(
            x,
            "        <cbc:StreetName>{}</cbc:StreetName>",
            esc(street)
        );
    }
    if let Some(city) = &inv.city {
        let _ = writeln!(x, "        <cbc:CityName>{}</cbc:CityName>", esc(city));
    }
    if let Some(zone) = &inv.postal_code {
        let _ = writeln!(x, "        <cbc:PostalZone>{}</cbc:PostalZone>", esc(zone));
    }
    let _ = writeln!(
        x,
        "        <cac:Country>\n          <cbc:IdentificationCode>{}</cbc:IdentificationCode>\n        </cac:Country>\n      </cac:PostalAddress>",
        s.country.code()
    );
    if standard
        && let Some(vat) = inv
            .vat_number
            .as_deref()
            .and_then(|v| identifiers::vat_number(s.country, v).ok())
    {
        let _ = writeln!(
            x,
            "      <cac:PartyTaxScheme>\n        <cbc:CompanyID>{}</cbc:CompanyID>\n        <cac:TaxScheme>\n          <cbc:ID>VAT</cbc:ID>\n        </cac:TaxScheme>\n      </cac:PartyTaxScheme>",
            esc(&vat)
        );
    }
    let _ = writeln!(
        x,
        "      <cac:PartyLegalEntity>\n        <cbc:RegistrationName>{}</cbc:RegistrationName>\n        <cbc:CompanyID schemeID=\"{}\">{}</cbc:CompanyID>\n      </cac:PartyLegalEntity>",
        esc(&s.name),
        identifiers::org_scheme(s.country),
        esc(&s.org_number)
    );
    let _ = writeln!(x, "    </cac:Party>\n  </cac:{tag}>");
}

/// The payee's account as Peppol payment means: an IBAN as a SEPA credit transfer (58); a Danish
/// registration and account number as a payment to a bank account (42, which the Danish rules
/// allow); a Swedish or Norwegian account, bankgiro or plusgiro as a credit transfer (30, giro
/// marked `SE:BANKGIRO` / `SE:PLUSGIRO` as the Swedish rules ask).
fn payment_means(x: &mut String, account: &Account, country: Country, number: &str) {
    let (code, id, branch) = match account {
        Account::Iban { iban, bic } => ("58", iban.clone(), bic.clone()),
        Account::Domestic {
            registration,
            account,
        } => (
            if country == Country::Dk { "42" } else { "30" },
            account.clone(),
            registration.clone(),
        ),
        Account::Bankgiro { number } => ("30", number.clone(), Some("SE:BANKGIRO".to_string())),
        Account::Plusgiro { number } => ("30", number.clone(), Some("SE:PLUSGIRO".to_string())),
    };
    let _ = writeln!(
        x,
        "  <cac:PaymentMeans>\n    <cbc:PaymentMeansCode>{code}</cbc:PaymentMeansCode>\n    <cbc:PaymentID>{}</cbc:PaymentID>\n    <cac:PayeeFinancialAccount>\n      <cbc:ID>{}</cbc:ID>",
        esc(number),
        esc(&id)
    );
    if let Some(b) = branch {
        let _ = writeln!(
            x,
            "      <cac:FinancialInstitutionBranch>\n        <cbc:ID>{}</cbc:ID>\n      </cac:FinancialInstitutionBranch>",
            esc(&b)
        );
    }
    let _ = writeln!(x, "    </cac:PayeeFinancialAccount>\n  </cac:PaymentMeans>");
}

/// Which documents are asked for: one payer's, and one instalment or the true-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only this payer (a party id as the statement writes it).
    pub payer: Option<String>,
    /// Only this item.
    pub item: Option<InvoiceItem>,
}

impl Selection {
    fn wants(&self, buyer: &str, item: InvoiceItem) -> bool {
        self.payer.as_deref().is_none_or(|p| p == buyer) && self.item.is_none_or(|i| i == item)
    }
}

/// The documents of a year: those already issued that the selection asks for, and the new ones
/// to record (numbered after every number their seller has used, in any cooperation).
#[derive(Debug)]
pub struct Prepared<'a> {
    /// Issued before, unchanged (written again as they were).
    pub existing: Vec<&'a IssuedInvoice>,
    /// To record now.
    pub new: Vec<IssuedInvoice>,
}

/// Works out the documents of `year` for `selection` from the recorded run (`run`, journal event
/// `run_event`), given every document issued so far (`issued`, all cooperations), issued on
/// `today`. Every problem is an error in `lang` that says what to do.
#[allow(clippy::too_many_arguments)]
pub fn prepare<'a>(
    doc: &CooperationDoc,
    year: i32,
    run: &samvirke_core::model::SettlementRecord,
    run_event: u64,
    issued: &[&'a IssuedInvoice],
    selection: &Selection,
    today: Date,
    lang: Lang,
) -> Result<Prepared<'a>, Missing> {
    use samvirke_settle::recorded::{NoStatement, matches_run, statement_for};
    let year_s = year.to_string();
    let statement = statement_for(doc, year, Some(run)).map_err(|e| {
        Missing(vec![match e {
            NoStatement::NeedsRun => {
                i18n::message(lang, "settlement-needs-run", &[("year", &year_s)])
            }
            NoStatement::NoBasis(_) => {
                i18n::message(lang, "settlement-no-basis", &[("year", &year_s)])
            }
        }])
    })?;
    if !matches_run(&statement, run) {
        return Err(Missing(vec![i18n::message(
            lang,
            "invoice-run-changed",
            &[
                ("year", &year_s),
                ("cooperation", doc.cooperation.id.as_str()),
            ],
        )]));
    }
    let all = samvirke_settle::invoice::dues(&statement);
    if let Some(p) = &selection.payer
        && !all.iter().any(|d| &d.payer == p)
    {
        let payers: std::collections::BTreeSet<String> = all
            .iter()
            .map(|d| crate::settlement::party_name(doc, &d.payer))
            .collect();
        // The host is paid, not a payer: it does not invoice itself.
        let host = statement.agreements.iter().any(|a| &a.payee == p);
        return Err(Missing(vec![i18n::message(
            lang,
            if host {
                "invoice-host-not-payer"
            } else {
                "invoice-not-a-payer"
            },
            &[
                ("party", &crate::settlement::party_name(doc, p)),
                ("year", &year_s),
                ("payers", &payers.into_iter().collect::<Vec<_>>().join(", ")),
            ],
        )]));
    }
    match selection.item {
        Some(InvoiceItem::TrueUp) if !all.iter().any(|d| d.item == InvoiceItem::TrueUp) => {
            return Err(Missing(vec![i18n::message(
                lang,
                "invoice-year-open",
                &[("year", &year_s)],
            )]));
        }
        Some(InvoiceItem::Instalment { number })
            if !all
                .iter()
                .any(|d| d.item == InvoiceItem::Instalment { number }) =>
        {
            let most = all.iter().map(|d| d.instalments).max().unwrap_or(0);
            return Err(Missing(vec![i18n::message(
                lang,
                "invoice-no-instalment",
                &[
                    ("n", &number.to_string()),
                    ("year", &year_s),
                    ("of", &most.to_string()),
                ],
            )]));
        }
        _ => {}
    }
    let dues: Vec<_> = all
        .into_iter()
        .filter(|d| selection.wants(&d.payer, d.item))
        .collect();
    let own: Vec<&IssuedInvoice> = issued.iter().copied().filter(|i| doc_of(i, doc)).collect();
    let planned = samvirke_settle::invoice::plan(year, &dues, &own);
    check(doc, &planned, lang)?;
    // Each seller's last number, found once: a batch numbers on from it.
    let mut last: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for p in &planned {
        last.entry(p.due.payee.clone()).or_insert_with(|| {
            samvirke_settle::invoice::last_number(
                &p.due.payee,
                issued.iter().map(|i| i.number.as_str()),
            )
        });
    }
    let mut new = Vec::with_capacity(planned.len());
    for p in &planned {
        // A first, negative true-up corrects the payer's instalment invoices, also those issued
        // a moment ago in this same batch.
        let mut p = p.clone();
        if p.net_minor < 0 && !p.difference && p.corrects.is_empty() {
            p.corrects = new
                .iter()
                .filter(|i: &&IssuedInvoice| {
                    !i.credit_note
                        && i.sub_agreement == p.due.sub_agreement
                        && i.agreement_from == p.due.agreement_from
                        && i.buyer == p.due.payer
                        && matches!(i.item, InvoiceItem::Instalment { .. })
                })
                .map(|i| i.number.clone())
                .collect();
        }
        let p = &p;
        let seq = last.entry(p.due.payee.clone()).or_insert(0);
        *seq += 1;
        let number = samvirke_settle::invoice::number(&p.due.payee, *seq);
        new.push(issue(doc, year, p, &number, today, run_event)?);
    }
    let existing = issued
        .iter()
        .copied()
        .filter(|i| doc_of(i, doc) && i.year == year && selection.wants(&i.buyer, i.item))
        .collect();
    Ok(Prepared { existing, new })
}

/// Whether an issued document belongs to `doc`'s payment agreements.
fn doc_of(i: &IssuedInvoice, doc: &CooperationDoc) -> bool {
    doc.payment_agreements.iter().any(|a| {
        a.sub_agreement == i.sub_agreement
            && a.valid.from() == i.agreement_from
            && a.payee.to_string() == i.seller
    })
}
