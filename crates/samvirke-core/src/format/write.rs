//! Writes a [`CooperationDoc`] as an agreement file in the canonical layout. Reading the output
//! gives back an equal document (tested by property tests).

use std::fmt::Write as _;

use crate::calendar::Shift;
use crate::due::DueRule;
use crate::ids::PartyId;
use crate::model::*;
use crate::partial_date::PartialDate;
use crate::time::{Date, Interval};

use super::FORMAT_VERSION;

fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let parts: Vec<String> = items.iter().map(show).collect();
    format!("[{}]", parts.join(", "))
}

struct Out(String);

impl Out {
    fn line(&mut self, key: &str, value: String) {
        let _ = writeln!(self.0, "{key} = {value}");
    }
    fn str(&mut self, key: &str, value: &str) {
        self.line(key, quote(value));
    }
    fn opt_str(&mut self, key: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.str(key, v);
        }
    }
    fn date(&mut self, key: &str, value: Date) {
        self.line(key, value.to_string());
    }
    fn opt_date(&mut self, key: &str, value: Option<Date>) {
        if let Some(v) = value {
            self.date(key, v);
        }
    }
    /// A day as a TOML date; anything less precise as a string (`"2016-09"`).
    fn opt_partial_date(&mut self, key: &str, value: Option<PartialDate>) {
        match value {
            Some(PartialDate::Day(d)) => self.date(key, d),
            Some(other) => self.str(key, &other.to_string()),
            None => {}
        }
    }
    fn opt_number(&mut self, key: &str, value: Option<u32>) {
        if let Some(n) = value {
            self.line(key, n.to_string());
        }
    }
    fn interval(&mut self, value: &Interval) {
        self.date("from", value.from());
        self.opt_date("to", value.to());
    }
    fn parties(&mut self, key: &str, value: &[PartyId]) {
        if !value.is_empty() {
            self.line(key, list(value, |p| quote(&p.to_string())));
        }
    }
    fn header(&mut self, header: &str) {
        let _ = writeln!(self.0, "\n{header}");
    }
}

fn money(minor: u64) -> String {
    crate::decimal::format_hundredths(i128::from(minor))
}

fn percent(basis_points: u32) -> String {
    let (whole, frac) = (basis_points / 100, basis_points % 100);
    if frac % 10 == 0 {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    }
}

/// The document as an agreement file.
pub fn write_toml(doc: &CooperationDoc) -> String {
    let mut o = Out(String::new());
    let c = &doc.cooperation;
    let _ = writeln!(
        o.0,
        "# Samvirke agreement file: {} (format described in docs/agreement-format.md)",
        // A comment ends at the line break and may not hold control characters.
        c.name
            .chars()
            .map(|ch| if ch.is_control() { ' ' } else { ch })
            .collect::<String>()
    );
    o.line("format", FORMAT_VERSION.to_string());
    o.header("[cooperation]");
    o.str("id", c.id.as_str());
    o.str("name", &c.name);
    o.str("country", c.country.code());
    o.str("legal_form", c.legal_form.as_str());
    o.str("status", c.status.as_str());
    o.str("language", c.language.as_str());
    o.opt_str("purpose", &c.purpose);
    if let Some(valid) = &c.valid {
        o.interval(valid);
    }
    if !c.sources.is_empty() {
        o.line("sources", list(&c.sources, |s| quote(s)));
    }
    if !c.settlements.is_public() {
        o.str("settlements", c.settlements.as_str());
    }
    o.opt_str("note", &c.note);
    if let Some(term) = &c.term {
        o.header("[cooperation.term]");
        o.date("start", term.start);
        for (key, value) in [
            ("initial_term_months", term.initial_term_months),
            ("renewal_term_months", term.renewal_term_months),
            ("notice_period_months", term.notice_period_months),
        ] {
            if let Some(v) = value {
                o.line(key, v.to_string());
            }
        }
        if let Some(v) = term.tacit_renewal {
            o.line("tacit_renewal", v.to_string());
        }
        if let Some(v) = term.notice_anchor {
            o.str("notice_anchor", v.as_str());
        }
    }
    for org in &c.organisations {
        o.header("[[organisation]]");
        o.str("id", org.id.as_str());
        o.str("name", &org.name);
        o.str("country", org.country.code());
        o.opt_str("org_number", &org.org_number);
        o.opt_str("kind", &org.kind);
        o.opt_str("note", &org.note);
    }
    for party in &c.parties {
        o.header("[[party]]");
        o.str("id", &party.id.to_string());
        if !party.roles.is_empty() {
            o.line("roles", list(&party.roles, |r| quote(r.as_str())));
        }
        o.opt_date("joined", party.joined);
        o.opt_date("left", party.left);
        o.opt_str("org_number", &party.org_number);
        o.opt_str("note", &party.note);
        if let Some(inv) = &party.invoicing {
            o.header("[party.invoicing]");
            o.opt_str("endpoint", &inv.endpoint);
            o.opt_str("vat_number", &inv.vat_number);
            o.opt_str("street", &inv.street);
            o.opt_str("postal_code", &inv.postal_code);
            o.opt_str("city", &inv.city);
            o.opt_str("reference", &inv.reference);
            if let Some(account) = &inv.account {
                let fields: Vec<(&str, &str)> = match account {
                    Account::Iban { iban, bic } => std::iter::once(("iban", iban.as_str()))
                        .chain(bic.as_deref().map(|b| ("bic", b)))
                        .collect(),
                    Account::Domestic {
                        registration,
                        account,
                    } => registration
                        .as_deref()
                        .map(|r| ("registration", r))
                        .into_iter()
                        .chain(std::iter::once(("account", account.as_str())))
                        .collect(),
                    Account::Bankgiro { number } => vec![("bankgiro", number.as_str())],
                    Account::Plusgiro { number } => vec![("plusgiro", number.as_str())],
                };
                o.line(
                    "account",
                    format!(
                        "{{ {} }}",
                        fields
                            .iter()
                            .map(|(k, v)| format!("{k} = {}", quote(v)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    for s in &doc.services {
        o.header("[[service]]");
        o.str("id", s.id.as_str());
        o.line("name", names_table(&s.names));
        if !s.legal_basis.is_empty() {
            o.line("legal_basis", list(&s.legal_basis, |s| quote(s)));
        }
        o.opt_str("public_code", &s.public_code);
        o.opt_str("note", &s.note);
    }
    for v in &doc.main_agreement {
        o.header("[[main_agreement]]");
        o.line("version", v.number.to_string());
        o.opt_str("title", &v.title);
        o.opt_date("effective", v.effective);
        o.str("summary", &v.summary);
        o.opt_str("note", &v.note);
        for a in &v.adopted {
            o.header("[[main_agreement.adopted]]");
            o.str("party", &a.party.to_string());
            o.date("date", a.date);
        }
    }
    for s in &doc.sub_agreements {
        o.header("[[sub_agreement]]");
        o.line("number", s.number.to_string());
        o.str("title", &s.title);
        // A placeholder has no services; the line would say nothing.
        if !(s.placeholder && s.services.is_empty()) {
            o.line("services", list(&s.services, |s| quote(s.as_str())));
        }
        o.interval(&s.valid);
        if s.placeholder {
            o.line("placeholder", "true".to_string());
        }
        o.opt_str("note", &s.note);
        for r in &s.revisions {
            o.header("[[sub_agreement.revision]]");
            o.date("effective", r.effective);
            o.str("summary", &r.summary);
        }
    }
    for d in &doc.delegations {
        o.header("[[delegation]]");
        o.str("service", d.service.as_str());
        o.str("performer", &d.performer.to_string());
        o.line(
            "for",
            list(&d.for_municipalities, |m| quote(&m.to_string())),
        );
        o.interval(&d.valid);
        o.opt_number("sub_agreement", d.sub_agreement);
        o.opt_str("clause", &d.clause);
        if let Some(c) = d.contact {
            o.str("contact", c.as_str());
        }
        for (key, body) in [
            ("complaints_to", &d.complaints_to),
            ("documents_access_to", &d.documents_access_to),
            ("data_access_to", &d.data_access_to),
        ] {
            if let Some(p) = body {
                o.str(key, &p.to_string());
            }
        }
        o.opt_str("note", &d.note);
    }
    for t in &doc.take_backs {
        o.header("[[take_back]]");
        o.str("by", &t.by.to_string());
        o.str("from", &t.from.to_string());
        o.date("effective", t.effective);
        o.line("services", list(&t.services, |s| quote(s.as_str())));
        if !t.sub_agreements_ended.is_empty() {
            o.line(
                "sub_agreements_ended",
                list(&t.sub_agreements_ended, u32::to_string),
            );
        }
        if !t.sub_agreements_revised.is_empty() {
            o.line(
                "sub_agreements_revised",
                list(&t.sub_agreements_revised, u32::to_string),
            );
        }
        o.str("summary", &t.summary);
        o.opt_str("note", &t.note);
    }
    for d in &doc.decisions {
        o.header("[[decision]]");
        o.str("id", &d.id);
        o.str("kind", d.kind.as_str());
        o.opt_partial_date("date", d.date);
        if let Some(b) = &d.body {
            o.str("body", &b.to_string());
        }
        o.str("subject", &d.subject);
        o.opt_str("note", &d.note);
        if let Some(r) = &d.referendum {
            o.header("[decision.referendum]");
            o.str("question", &r.question);
            for (key, value) in [
                ("yes", Some(r.yes)),
                ("no", Some(r.no)),
                ("cast", Some(r.cast)),
                ("valid", Some(r.valid)),
                ("blank_invalid", r.blank_invalid),
                ("electorate", r.electorate),
            ] {
                if let Some(v) = value {
                    o.line(key, v.to_string());
                }
            }
            if let Some(t) = r.turnout_basis_points {
                o.line("turnout_percent", percent(t));
            }
        }
    }
    for s in &doc.staff_transfers {
        o.header("[[staff_transfer]]");
        o.str("from", &s.from.to_string());
        o.str("to", &s.to.to_string());
        o.line("approx_count", s.approx_count.to_string());
        o.opt_date("date", s.date);
        o.opt_str("note", &s.note);
    }
    for e in &doc.events {
        o.header("[[event]]");
        o.str("id", &e.id);
        o.str("kind", e.kind.as_str());
        o.opt_partial_date("date", e.date);
        o.str("subject", &e.subject);
        o.parties("participants", &e.participants);
        o.opt_str("place", &e.place);
        o.opt_str("source", &e.source);
        o.opt_str("note", &e.note);
    }
    for d in &doc.documents {
        o.header("[[document]]");
        o.str("id", &d.id);
        o.str("kind", d.kind.as_str());
        o.str("title", &d.title);
        o.opt_partial_date("date", d.date);
        o.opt_number("main_agreement", d.main_agreement);
        if !d.sub_agreements.is_empty() {
            o.line("sub_agreements", list(&d.sub_agreements, u32::to_string));
        }
        if !d.clauses.is_empty() {
            o.line("clauses", list(&d.clauses, |c| quote(c)));
        }
        o.opt_str("url", &d.url);
        o.opt_str("file", &d.file);
        o.opt_str("sha256", &d.sha256);
        o.opt_str("source", &d.source);
        o.opt_str("note", &d.note);
    }
    for c in &doc.clauses {
        o.header("[[clause]]");
        o.str("number", &c.number);
        o.opt_number("main_agreement", c.main_agreement);
        o.str("subject", c.subject.as_str());
        o.str("text", &c.text);
        if !c.services.is_empty() {
            o.line("services", list(&c.services, |s| quote(s.as_str())));
        }
        o.opt_str("note", &c.note);
    }
    for r in &doc.roles {
        o.header("[[role]]");
        o.str("id", &r.id);
        o.str("person", &r.person);
        o.str("role", &r.role);
        if let Some(p) = &r.party {
            o.str("party", &p.to_string());
        }
        o.opt_partial_date("from", r.from);
        o.opt_partial_date("to", r.to);
        o.line("public", r.public.to_string());
        o.opt_str("source", &r.source);
        o.opt_str("note", &r.note);
    }
    for f in &doc.figures {
        o.header("[[figure]]");
        o.str("id", &f.id);
        o.str("subject", &f.subject);
        o.line("value", f.value.to_string());
        if f.approximate {
            o.line("approximate", "true".to_string());
        }
        if !f.named.is_empty() {
            o.line("named", list(&f.named, |n| quote(n)));
        }
        o.opt_partial_date("date", f.date);
        o.opt_str("source", &f.source);
        o.opt_str("note", &f.note);
    }
    for c in &doc.contacts {
        o.header("[[contact]]");
        o.str("id", &c.id);
        o.str("party", &c.party.to_string());
        o.str("unit", &c.unit);
        if !c.services.is_empty() {
            o.line("services", list(&c.services, |s| quote(s.as_str())));
        }
        o.opt_str("address", &c.address);
        o.opt_str("visiting_address", &c.visiting_address);
        o.opt_str("phone", &c.phone);
        o.opt_str("email", &c.email);
        o.opt_str("web", &c.web);
        o.opt_str("digital_mail", &c.digital_mail);
        o.opt_str("opening_hours", &c.opening_hours);
        if let Some(v) = &c.valid {
            o.interval(v);
        }
        o.opt_str("source", &c.source);
        o.opt_str("note", &c.note);
    }
    for c in &doc.candidate_areas {
        o.header("[[candidate_area]]");
        o.str("id", &c.id);
        o.str("area", &c.area);
        if let Some(k) = c.kind {
            o.str("kind", k.as_str());
        }
        o.parties("participants", &c.participants);
        if !c.expected_gains.is_empty() {
            o.line("expected_gains", list(&c.expected_gains, |s| quote(s)));
        }
        o.str("status", c.status.as_str());
        o.opt_str("note", &c.note);
        for d in &c.deliveries {
            o.header("[[candidate_area.delivery]]");
            o.str("party", &d.party.to_string());
            o.str("how", d.how.as_str());
            if let Some(n) = d.staff_years_hundredths {
                o.line("staff_years", quote(&money(n)));
            }
            if let Some(n) = d.yearly_cost_minor {
                o.line("yearly_cost", quote(&money(n)));
            }
            o.opt_str("currency", &d.currency);
            if let Some(n) = d.volume {
                o.line("volume", n.to_string());
            }
            o.opt_str("unit", &d.unit);
            if let Some(coop) = &d.cooperation {
                o.str("cooperation", coop.as_str());
            }
            o.opt_str("outside", &d.outside);
            o.opt_str("note", &d.note);
        }
        for a in &c.assessments {
            o.header("[[candidate_area.assessment]]");
            o.str("party", &a.party.to_string());
            let scores: Vec<String> = a
                .scores
                .iter()
                .map(|(k, v)| format!("{} = {v}", quote(k)))
                .collect();
            o.line("scores", format!("{{ {} }}", scores.join(", ")));
            if !a.justifications.is_empty() {
                let texts: Vec<String> = a
                    .justifications
                    .iter()
                    .map(|(k, v)| format!("{} = {}", quote(k), quote(v)))
                    .collect();
                o.line("justifications", format!("{{ {} }}", texts.join(", ")));
            }
            o.opt_str("justification", &a.justification);
            o.opt_date("on", a.on);
            if a.illustrative {
                o.line("illustrative", "true".to_string());
            }
        }
        for t in &c.transitions {
            o.header("[[candidate_area.transition]]");
            o.str("to", t.to.as_str());
            o.date("on", t.on);
            o.str("reason", &t.reason);
        }
    }
    for e in &doc.evaluations {
        o.header("[[evaluation]]");
        o.str("party", &e.party.to_string());
        o.date("on", e.on);
        o.opt_number("sub_agreement", e.sub_agreement);
        o.str("delivers", e.delivers.as_str());
        o.str("value_for_money", e.value_for_money.as_str());
        o.str("reasons", &e.reasons);
        if !e.evidence.is_empty() {
            o.line("evidence", list(&e.evidence, |s| quote(s)));
        }
        o.opt_str("note", &e.note);
    }
    if let Some(m) = &doc.mapping {
        o.header("[mapping]");
        if let Some(n) = m.prioritised_count {
            o.line("prioritised_count", n.to_string());
        }
        o.opt_str("note", &m.note);
        for c in &m.criteria {
            o.header("[[mapping.criterion]]");
            o.str("id", &c.id);
            o.str("group", c.group.as_str());
            o.line("weight", c.weight.to_string());
            if let Some(names) = &c.names {
                o.line("name", names_table(names));
            }
        }
    }
    for ob in &doc.obligations {
        o.header("[[obligation]]");
        o.str("id", &ob.id);
        o.line("title", names_table(&ob.title));
        o.parties("owners", &ob.owners);
        o.opt_str("role", &ob.role);
        o.opt_number("sub_agreement", ob.sub_agreement);
        let due = match ob.due {
            DueRule::FixedDay { month, day } => {
                format!("{{ kind = \"fixed_day\", month = {month}, day = {day} }}")
            }
            DueRule::EndOfMonth { month } => {
                format!("{{ kind = \"end_of_month\", month = {month} }}")
            }
            DueRule::StartOfMonth { month } => {
                format!("{{ kind = \"start_of_month\", month = {month} }}")
            }
            DueRule::WorkingDay { month, n } => {
                format!("{{ kind = \"working_day\", month = {month}, n = {n} }}")
            }
            DueRule::OncePerTerm => "{ kind = \"once_per_term\" }".to_string(),
        };
        o.line("due", due);
        o.str(
            "shift",
            match ob.shift {
                Shift::Earlier => "earlier",
                Shift::Later => "later",
                Shift::Keep => "keep",
            },
        );
        o.interval(&ob.valid);
        o.opt_str("clause", &ob.clause);
        o.opt_str("note", &ob.note);
    }
    for p in &doc.payment_agreements {
        o.header("[[payment_agreement]]");
        o.line("sub_agreement", p.sub_agreement.to_string());
        o.interval(&p.valid);
        o.parties("payers", &p.payers);
        o.str("payee", &p.payee.to_string());
        o.str("currency", &p.currency);
        o.str("principle", &p.principle);
        if let Some(a) = p.aconto {
            o.str("aconto", a.as_str());
        }
        if let Some(d) = p.aconto_due_day {
            o.line("aconto_due_day", d.to_string());
        }
        match p.vat {
            Some(VatTreatment::OutsideScope) => o.str("vat", "outside_scope"),
            Some(VatTreatment::Standard { percent }) => {
                o.str("vat", "standard");
                o.line("vat_percent", percent.to_string());
            }
            None => {}
        }
        if let Some(d) = p.payment_days {
            o.line("payment_days", d.to_string());
        }
        if let Some(d) = p.dispute_days {
            o.line("dispute_days", d.to_string());
        }
        for (key, list) in [("floor", &p.floors), ("cap", &p.caps)] {
            if !list.is_empty() {
                o.line(
                    key,
                    format!(
                        "{{ {} }}",
                        list.iter()
                            .map(|m| format!(
                                "{} = {}",
                                quote(&m.party.to_string()),
                                quote(&money(m.minor))
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        o.opt_str("note", &p.note);
        if let Some(key) = &p.key {
            write_key(&mut o, "payment_agreement.key", key);
        }
        write_years(&mut o, "payment_agreement.year", &p.years);
    }
    write_voting(&mut o, doc.voting.as_ref());
    for sc in &doc.scenarios {
        write_scenario(&mut o, sc);
    }
    for x in &doc.projects {
        write_project(&mut o, x);
    }
    o.0
}

fn write_project(o: &mut Out, x: &Project) {
    o.header("[[project]]");
    o.str("id", &x.id);
    o.str("name", &x.name);
    o.opt_str("area", &x.area);
    o.parties("participants", &x.participants);
    if let Some(lead) = &x.lead {
        o.str("lead", &lead.to_string());
    }
    if let Some(valid) = &x.valid {
        o.interval(valid);
    }
    o.str("status", x.status.as_str());
    o.str("currency", &x.currency);
    o.opt_str("note", &x.note);
    if let Some(key) = &x.key {
        write_key(o, "project.key", key);
    }
    write_years(o, "project.year", &x.years);
    for r in &x.results {
        o.header("[[project.result]]");
        o.line("year", r.year.to_string());
        o.str("text", &r.text);
    }
}

fn write_key(o: &mut Out, table: &str, key: &AllocationKey) {
    o.header(&format!("[{table}]"));
    match key {
        AllocationKey::Fixed { shares: list } => {
            o.str("kind", "fixed");
            o.line("shares", shares(list));
        }
        AllocationKey::Population {
            reference_date,
            source,
            population,
        } => {
            o.str("kind", "population");
            o.date("reference_date", *reference_date);
            o.str("source", source);
            o.line("population", shares(population));
        }
        AllocationKey::Usage { unit } => {
            o.str("kind", "usage");
            o.str("unit", unit);
        }
        AllocationKey::Hybrid {
            fixed_basis_points,
            shares: list,
            unit,
        } => {
            o.str("kind", "hybrid");
            o.line("fixed_percent", percent(*fixed_basis_points));
            o.line("shares", shares(list));
            o.str("unit", unit);
        }
    }
}

/// `{ "DK-0155" = 1, … }`.
fn shares(list: &[KeyShare]) -> String {
    format!(
        "{{ {} }}",
        list.iter()
            .map(|s| format!("{} = {}", quote(&s.party.to_string()), s.parts))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn write_years(o: &mut Out, table: &str, years: &[PaymentYear]) {
    for y in years {
        o.header(&format!("[[{table}]]"));
        o.line("year", y.year.to_string());
        o.str("budget", &money(y.budget_minor));
        if let Some(a) = y.actual_minor {
            o.str("actual", &money(a));
        }
        for saving in &y.savings {
            o.header(&format!("[[{table}.saving]]"));
            o.date("effective", saving.effective);
            o.str("annual_amount", &money(saving.annual_minor));
            o.line("share_percent", percent(saving.share_basis_points));
            o.str("note", &saving.note);
        }
    }
}

fn write_voting(o: &mut Out, voting: Option<&Voting>) {
    let Some(v) = voting else {
        return;
    };
    o.header("[voting]");
    o.str("rule", v.rule.as_str());
    o.str("by", v.by.as_str());
    if let Some(t) = v.threshold_percent {
        o.line("threshold_percent", t.to_string());
    }
    if !v.population.is_empty() {
        o.line("population", shares(&v.population));
    }
    o.opt_date("population_date", v.population_date);
    o.opt_str("population_source", &v.population_source);
    o.opt_str("clause", &v.clause);
}

fn write_scenario(o: &mut Out, sc: &Scenario) {
    o.header("[[scenario]]");
    o.str("id", &sc.id);
    o.str("name", &sc.name);
    o.date("prepared", sc.prepared);
    o.opt_date("known_on", sc.known_on);
    o.opt_str("description", &sc.description);
    if sc.published {
        o.line("published", "true".to_string());
    }
    o.opt_str("note", &sc.note);
    if let Some(a) = &sc.adopted {
        o.header("[scenario.adopted]");
        o.date("on", a.on);
        o.str("decision", &a.decision);
    }
    for c in &sc.changes {
        o.header("[[scenario.change]]");
        o.str("kind", c.kind());
        match c {
            ScenarioChange::TakeBack {
                member,
                services,
                from,
            } => {
                o.str("member", &member.to_string());
                o.line("services", list(services, |s| quote(s.as_str())));
                o.date("from", *from);
            }
            ScenarioChange::Leave {
                member,
                from,
                successor,
            } => {
                o.str("member", &member.to_string());
                o.date("from", *from);
                if let Some(s) = successor {
                    o.str("successor", &s.to_string());
                }
            }
            ScenarioChange::Join {
                member,
                from,
                services,
                parts,
                population,
            } => {
                o.str("member", &member.to_string());
                o.date("from", *from);
                if !services.is_empty() {
                    o.line("services", list(services, |s| quote(s.as_str())));
                }
                if let Some(n) = parts {
                    o.line("parts", n.to_string());
                }
                if let Some(n) = population {
                    o.line("population", n.to_string());
                }
            }
            ScenarioChange::NewCooperation {
                area,
                id,
                name,
                legal_form,
                performer,
                members,
                from,
                currency,
                key,
                years,
            } => {
                o.str("area", area);
                o.str("id", id.as_str());
                o.str("name", name);
                o.str("legal_form", legal_form.as_str());
                o.str("performer", &performer.to_string());
                if !members.is_empty() {
                    o.line("members", list(members, |m| quote(&m.to_string())));
                }
                o.date("from", *from);
                o.opt_str("currency", currency);
                if let Some(k) = key {
                    write_key(o, "scenario.change.key", k);
                }
                write_years(o, "scenario.change.year", years);
            }
        }
    }
    for f in &sc.staff {
        o.header("[[scenario.staff]]");
        o.str("from", &f.from.to_string());
        o.str("to", &f.to.to_string());
        o.line("count", f.count.to_string());
        o.opt_str("note", &f.note);
    }
}

/// `{ da = "...", en = "..." }` with the languages given.
fn names_table(names: &Names) -> String {
    let parts: Vec<String> = [
        ("da", &names.da),
        ("sv", &names.sv),
        ("nb", &names.nb),
        ("en", &names.en),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} = {}", quote(v))))
    .collect();
    format!("{{ {} }}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_their_digits() {
        assert_eq!(percent(6580), "65.8");
        assert_eq!(percent(6500), "65.0");
        assert_eq!(percent(6583), "65.83");
        assert_eq!(percent(5), "0.05");
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }
}
