//! Reads an agreement file into a [`CooperationDoc`], collecting every problem with its place.
//!
//! The reader walks the spanned TOML tree itself (rather than deriving `Deserialize`) so that a
//! wrong type, a missing field or an unknown field in one place does not hide the problems in the
//! others: every error in the file is reported.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::calendar::Shift;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::due::DueRule;
use crate::identifiers;
use crate::ids::{CooperationId, Country, MunicipalityId, OrganisationId, PartyId, ServiceId};
use crate::model::*;
use crate::municipalities::MunicipalityRegister;
use crate::partial_date::PartialDate;
use crate::time::{Date, Interval};

/// The format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// Byte spans of the values read, by field path (`delegation[2].to`), for later diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Spans(HashMap<String, Range<usize>>);

impl Spans {
    /// The span of a field, or of its closest recorded parent.
    pub fn of(&self, path: &str) -> Range<usize> {
        let mut probe = path;
        loop {
            if let Some(span) = self.0.get(probe) {
                return span.clone();
            }
            match probe.rfind(['.', '[']) {
                Some(idx) => probe = &probe[..idx],
                None => return 0..0,
            }
        }
    }
}

pub(crate) struct Reader {
    pub(crate) map: SourceMap,
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) spans: Spans,
    /// Population keys whose numbers are in a CSV file: the file as written and the field path.
    pub(crate) population_files: Vec<(String, String)>,
}

struct Tbl<'a, 'i> {
    table: &'a DeTable<'i>,
    span: Range<usize>,
    path: String,
    used: BTreeSet<String>,
}

impl<'a, 'i> Tbl<'a, 'i> {
    /// The table's keys, in the file's order (for tables keyed by party or criterion).
    fn keys(&self) -> Vec<String> {
        self.table
            .iter()
            .map(|(k, _)| k.get_ref().to_string())
            .collect()
    }

    fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

type Val<'a, 'i> = &'a Spanned<DeValue<'i>>;

impl Reader {
    pub(crate) fn new(map: SourceMap) -> Reader {
        Reader {
            map,
            errors: Vec::new(),
            spans: Spans::default(),
            population_files: Vec::new(),
        }
    }

    pub(crate) fn error(&mut self, span: &Range<usize>, field: &str, message: String) {
        let diagnostic = self.map.diagnostic(span, field, message);
        self.errors.push(diagnostic);
    }

    fn value<'a, 'i>(&mut self, t: &mut Tbl<'a, 'i>, key: &str) -> Option<Val<'a, 'i>> {
        let (_, value) = t.table.get_key_value(key)?;
        t.used.insert(key.to_string());
        self.spans.0.insert(t.field(key), value.span());
        Some(value)
    }

    fn missing(&mut self, t: &Tbl<'_, '_>, key: &str, example: &str) {
        let where_ = if t.path.is_empty() {
            "the file".to_string()
        } else {
            format!("[{}]", t.path)
        };
        self.error(
            &t.span,
            &t.field(key),
            format!("missing; {where_} needs `{key} = {example}`"),
        );
    }

    fn type_error(&mut self, value: Val<'_, '_>, field: &str, expected: &str, example: &str) {
        let found = value.get_ref().type_str();
        self.error(
            &value.span(),
            field,
            format!("expected {expected}, found {found}; write e.g. `{example}`"),
        );
    }

    fn string(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &str,
        example: &str,
    ) -> Option<(String, Range<usize>)> {
        let value = self.value(t, key)?;
        match value.get_ref().as_str() {
            Some(s) => Some((s.to_string(), value.span())),
            None => {
                let field = t.field(key);
                self.type_error(
                    value,
                    &field,
                    "a string in quotes",
                    &format!("{key} = {example}"),
                );
                None
            }
        }
    }

    fn req_str(&mut self, t: &mut Tbl<'_, '_>, key: &str, example: &str) -> Option<String> {
        if !t.table.contains_key(key) {
            self.missing(t, key, example);
            return None;
        }
        let (text, span) = self.string(t, key, example)?;
        if text.trim().is_empty() {
            self.error(
                &span,
                &t.field(key),
                format!("is empty; write e.g. `{key} = {example}`"),
            );
            return None;
        }
        Some(text)
    }

    fn opt_str(&mut self, t: &mut Tbl<'_, '_>, key: &str) -> Option<String> {
        self.string(t, key, "\"...\"").map(|(s, _)| s)
    }

    /// A string parsed by `parse`; the error message of `parse` is shown with the field.
    fn parsed<T>(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &str,
        example: &str,
        required: bool,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        if !t.table.contains_key(key) {
            if required {
                self.missing(t, key, example);
            }
            return None;
        }
        let (text, span) = self.string(t, key, example)?;
        match parse(&text) {
            Ok(v) => Some(v),
            Err(message) => {
                let field = t.field(key);
                self.error(&span, &field, message);
                None
            }
        }
    }

    fn date(&mut self, t: &mut Tbl<'_, '_>, key: &str, required: bool) -> Option<Date> {
        let Some(value) = self.value(t, key) else {
            if required {
                self.missing(t, key, "2021-09-01");
            }
            return None;
        };
        let field = t.field(key);
        let parsed = match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => {
                    Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                        .map_err(|e| e.to_string())
                }
                _ => Err(format!(
                    "{dt} has a time of day; a date is only YYYY-MM-DD, e.g. {key} = 2021-09-01"
                )),
            },
            DeValue::String(s) => Date::parse(s).map_err(|e| e.to_string()),
            _ => {
                self.type_error(value, &field, "a date", &format!("{key} = 2021-09-01"));
                return None;
            }
        };
        match parsed {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(&value.span(), &field, message);
                None
            }
        }
    }

    /// A date as precise as its source: a TOML date for a day, or a string (`"2016-09"`,
    /// `"2019-autumn"`, `"2016"`, `"--09-08"`, …; see [`PartialDate`]).
    fn partial_date(&mut self, t: &mut Tbl<'_, '_>, key: &str) -> Option<PartialDate> {
        let value = self.value(t, key)?;
        if let DeValue::String(s) = value.get_ref() {
            return match PartialDate::parse(s) {
                Ok(d) => Some(d),
                Err(e) => {
                    let field = t.field(key);
                    self.error(&value.span(), &field, e.to_string());
                    None
                }
            };
        }
        if !matches!(value.get_ref(), DeValue::Datetime(_)) {
            let field = t.field(key);
            self.type_error(
                value,
                &field,
                "a date (2016-08-31) or, less precise, one in quotes",
                &format!("{key} = \"2016-09\" or {key} = \"2016\""),
            );
            return None;
        }
        self.date(t, key, false).map(PartialDate::Day)
    }

    fn integer(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &str,
        required: bool,
        range: Range<i64>,
        example: &str,
    ) -> Option<i64> {
        let Some(value) = self.value(t, key) else {
            if required {
                self.missing(t, key, example);
            }
            return None;
        };
        let field = t.field(key);
        let Some(int) = value.get_ref().as_integer() else {
            self.type_error(
                value,
                &field,
                "a whole number",
                &format!("{key} = {example}"),
            );
            return None;
        };
        let digits = int.as_str().replace('_', "");
        match i64::from_str_radix(&digits, int.radix()) {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                self.error(
                    &value.span(),
                    &field,
                    format!(
                        "{} is out of range; it must be between {} and {}",
                        int.as_str(),
                        range.start,
                        range.end - 1
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, t: &mut Tbl<'_, '_>, key: &str) -> Option<bool> {
        let value = self.value(t, key)?;
        let field = t.field(key);
        match value.get_ref().as_bool() {
            Some(b) => Some(b),
            None => {
                self.type_error(value, &field, "true or false", &format!("{key} = true"));
                None
            }
        }
    }

    /// A list of strings, each parsed by `parse`. Missing → empty.
    fn list<T>(
        &mut self,
        t: &mut Tbl<'_, '_>,
        key: &str,
        example: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Vec<T> {
        let Some(value) = self.value(t, key) else {
            return Vec::new();
        };
        let field = t.field(key);
        let Some(items) = value.get_ref().as_array() else {
            self.type_error(value, &field, "a list", &format!("{key} = [{example}]"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            let item_field = format!("{field}[{idx}]");
            self.spans.0.insert(item_field.clone(), item.span());
            match item.get_ref().as_str() {
                Some(s) => match parse(s) {
                    Ok(v) => out.push(v),
                    Err(message) => self.error(&item.span(), &item_field, message),
                },
                None => self.type_error(
                    item,
                    &item_field,
                    "a string in quotes",
                    &format!("{key} = [{example}]"),
                ),
            }
        }
        out
    }

    fn int_list(&mut self, t: &mut Tbl<'_, '_>, key: &str) -> Vec<u32> {
        let Some(value) = self.value(t, key) else {
            return Vec::new();
        };
        let field = t.field(key);
        let Some(items) = value.get_ref().as_array() else {
            self.type_error(
                value,
                &field,
                "a list of numbers",
                &format!("{key} = [1, 2]"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            let item_field = format!("{field}[{idx}]");
            self.spans.0.insert(item_field.clone(), item.span());
            match item
                .get_ref()
                .as_integer()
                .and_then(|i| u32::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok())
            {
                Some(n) => out.push(n),
                None => self.type_error(
                    item,
                    &item_field,
                    "a whole number",
                    &format!("{key} = [1, 2]"),
                ),
            }
        }
        out
    }

    fn sub_table<'a, 'i>(
        &mut self,
        t: &mut Tbl<'a, 'i>,
        key: &str,
        required: bool,
        example: &str,
    ) -> Option<Tbl<'a, 'i>> {
        let Some(value) = self.value(t, key) else {
            if required {
                self.missing(t, key, example);
            }
            return None;
        };
        let field = t.field(key);
        match value.get_ref().as_table() {
            Some(table) => Some(Tbl {
                table,
                span: value.span(),
                path: field,
                used: BTreeSet::new(),
            }),
            None => {
                self.type_error(value, &field, "a table", &format!("[{field}]"));
                None
            }
        }
    }

    fn tables<'a, 'i>(&mut self, t: &mut Tbl<'a, 'i>, key: &str) -> Vec<Tbl<'a, 'i>> {
        let Some(value) = self.value(t, key) else {
            return Vec::new();
        };
        let field = t.field(key);
        let Some(items) = value.get_ref().as_array() else {
            self.type_error(value, &field, "a list of tables", &format!("[[{field}]]"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (idx, item) in items.iter().enumerate() {
            let item_field = format!("{field}[{idx}]");
            self.spans.0.insert(item_field.clone(), item.span());
            match item.get_ref().as_table() {
                Some(table) => out.push(Tbl {
                    table,
                    span: item.span(),
                    path: item_field,
                    used: BTreeSet::new(),
                }),
                None => self.type_error(item, &item_field, "a table", &format!("[[{field}]]")),
            }
        }
        out
    }

    /// Reports keys that are not part of the format, with the closest known one.
    fn finish(&mut self, t: Tbl<'_, '_>, known: &[&str]) {
        for (key, _value) in t.table.iter() {
            let name: &str = key.get_ref();
            if t.used.contains(name) || known.contains(&name) {
                continue;
            }
            let closest = known
                .iter()
                .min_by_key(|k| strsim::levenshtein(k, name))
                .filter(|k| strsim::levenshtein(k, name) <= 3);
            let hint = match closest {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("known fields here are: {}", known.join(", ")),
            };
            let where_ = if t.path.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in [{}]", t.path)
            };
            self.error(
                &key.span(),
                &t.field(name),
                format!("unknown field {where_}; {hint}"),
            );
        }
    }
}

fn party(text: &str) -> Result<PartyId, String> {
    let id = PartyId::parse(text).map_err(|e| e.to_string())?;
    if let PartyId::Municipality(m) = id {
        municipality_exists(m)?;
    }
    Ok(id)
}

fn municipality(text: &str) -> Result<MunicipalityId, String> {
    let id = MunicipalityId::parse(text, None).map_err(|e| e.to_string())?;
    municipality_exists(id)?;
    Ok(id)
}

fn municipality_exists(id: MunicipalityId) -> Result<(), String> {
    MunicipalityRegister::embedded()
        .check_known(id)
        .map_err(|e| e.to_string())
}

fn enum_value<T>(
    parse: fn(&str) -> Option<T>,
    choices: String,
) -> impl Fn(&str) -> Result<T, String> {
    move |text| parse(text).ok_or_else(|| format!("\"{text}\" is not one of: {choices}"))
}

fn service_id(text: &str) -> Result<ServiceId, String> {
    ServiceId::parse(text).map_err(|e| e.to_string())
}

fn local_id(text: &str) -> Result<String, String> {
    OrganisationId::parse(text)
        .map(|o| o.to_string())
        .map_err(|e| e.to_string().replace("organisation id", "id"))
}

fn interval(
    reader: &mut Reader,
    t: &mut Tbl<'_, '_>,
    from_key: &str,
    to_key: &str,
    required: bool,
) -> Option<Interval> {
    let from = reader.date(t, from_key, required);
    let to = reader.date(t, to_key, false);
    let from = from?;
    match Interval::new(from, to) {
        Ok(i) => Some(i),
        Err(e) => {
            let span = reader.spans.of(&t.field(to_key));
            reader.error(&span, &t.field(to_key), e.to_string());
            None
        }
    }
}

/// For each list in a [`CooperationDoc`], the index each item had in the file (items that could not be
/// read are left out of the document, so the two can differ).
#[derive(Clone, Debug, Default)]
pub struct Origins {
    pub(crate) party: Vec<usize>,
    pub(crate) service: Vec<usize>,
    pub(crate) main_agreement: Vec<usize>,
    pub(crate) sub_agreement: Vec<usize>,
    pub(crate) delegation: Vec<usize>,
    pub(crate) take_back: Vec<usize>,
    pub(crate) decision: Vec<usize>,
    pub(crate) staff_transfer: Vec<usize>,
    pub(crate) contact: Vec<usize>,
    pub(crate) event: Vec<usize>,
    pub(crate) document: Vec<usize>,
    pub(crate) clause: Vec<usize>,
    pub(crate) role: Vec<usize>,
    pub(crate) figure: Vec<usize>,
    pub(crate) candidate_area: Vec<usize>,
    pub(crate) evaluation: Vec<usize>,
    pub(crate) scenario: Vec<usize>,
    pub(crate) project: Vec<usize>,
    pub(crate) obligation: Vec<usize>,
    pub(crate) payment_agreement: Vec<usize>,
}

fn read_all<'a, 'i, T>(
    r: &mut Reader,
    top: &mut Tbl<'a, 'i>,
    key: &str,
    origins: &mut Vec<usize>,
    read: fn(&mut Reader, Tbl<'a, 'i>) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    for (idx, t) in r.tables(top, key).into_iter().enumerate() {
        if let Some(item) = read(r, t) {
            origins.push(idx);
            out.push(item);
        }
    }
    out
}

/// Reads the whole document. `None` when a required part could not be read; the errors say why.
pub(crate) fn read_document(
    reader: &mut Reader,
    root: &Spanned<DeTable<'_>>,
) -> Option<(CooperationDoc, Origins)> {
    let mut top = Tbl {
        table: root.get_ref(),
        span: 0..0,
        path: String::new(),
        used: BTreeSet::new(),
    };
    if let Some(version) = reader.integer(&mut top, "format", true, 0..i64::MAX, "1")
        && version != FORMAT_VERSION
    {
        let span = reader.spans.of("format");
        reader.error(&span, "format", format!("this build reads format {FORMAT_VERSION}, the file says {version}; convert the file or use a matching samvirke"));
    }
    let mut o = Origins::default();
    let r = reader;
    let cooperation = read_cooperation(r, &mut top);
    let mut organisation_origins = Vec::new();
    let organisations = read_all(
        r,
        &mut top,
        "organisation",
        &mut organisation_origins,
        read_organisation,
    );
    let mut parties = Vec::new();
    for (idx, t) in r.tables(&mut top, "party").into_iter().enumerate() {
        if let Some(p) = read_party(r, t, &organisations) {
            o.party.push(idx);
            parties.push(p);
        }
    }
    let services = read_all(r, &mut top, "service", &mut o.service, read_service);
    let main_agreement = read_all(
        r,
        &mut top,
        "main_agreement",
        &mut o.main_agreement,
        read_main_version,
    );
    let sub_agreements = read_all(
        r,
        &mut top,
        "sub_agreement",
        &mut o.sub_agreement,
        read_sub_agreement,
    );
    let delegations = read_all(
        r,
        &mut top,
        "delegation",
        &mut o.delegation,
        read_delegation,
    );
    let take_backs = read_all(r, &mut top, "take_back", &mut o.take_back, read_take_back);
    let decisions = read_all(r, &mut top, "decision", &mut o.decision, read_decision);
    let staff_transfers = read_all(
        r,
        &mut top,
        "staff_transfer",
        &mut o.staff_transfer,
        read_staff_transfer,
    );
    let contacts = read_all(r, &mut top, "contact", &mut o.contact, read_contact);
    let events = read_all(r, &mut top, "event", &mut o.event, read_event);
    let documents = read_all(
        r,
        &mut top,
        "document",
        &mut o.document,
        read_agreement_document,
    );
    let clauses = read_all(r, &mut top, "clause", &mut o.clause, read_clause);
    let roles = read_all(r, &mut top, "role", &mut o.role, read_role);
    let figures = read_all(r, &mut top, "figure", &mut o.figure, read_figure);
    let obligations = read_all(
        r,
        &mut top,
        "obligation",
        &mut o.obligation,
        read_obligation,
    );
    let candidate_areas = read_all(
        r,
        &mut top,
        "candidate_area",
        &mut o.candidate_area,
        read_candidate_area,
    );
    let payment_agreements = read_all(
        r,
        &mut top,
        "payment_agreement",
        &mut o.payment_agreement,
        read_payment_agreement,
    );
    let mapping = read_mapping(r, &mut top);
    let evaluations = read_all(
        r,
        &mut top,
        "evaluation",
        &mut o.evaluation,
        read_evaluation,
    );
    let voting = read_voting(r, &mut top);
    let scenarios = read_all(r, &mut top, "scenario", &mut o.scenario, read_scenario);
    let projects = read_all(r, &mut top, "project", &mut o.project, read_project);
    r.finish(
        top,
        &[
            "format",
            "cooperation",
            "organisation",
            "party",
            "service",
            "main_agreement",
            "sub_agreement",
            "delegation",
            "take_back",
            "decision",
            "staff_transfer",
            "contact",
            "event",
            "document",
            "clause",
            "role",
            "figure",
            "candidate_area",
            "obligation",
            "payment_agreement",
            "mapping",
            "evaluation",
            "voting",
            "scenario",
            "project",
        ],
    );
    let mut cooperation = cooperation?;
    cooperation.parties = parties;
    cooperation.organisations = organisations;
    Some((
        CooperationDoc {
            cooperation,
            services,
            main_agreement,
            sub_agreements,
            delegations,
            take_backs,
            decisions,
            staff_transfers,
            contacts,
            events,
            documents,
            clauses,
            roles,
            figures,
            candidate_areas,
            obligations,
            payment_agreements,
            mapping,
            evaluations,
            voting,
            scenarios,
            projects,
        },
        o,
    ))
}

fn read_cooperation(r: &mut Reader, top: &mut Tbl<'_, '_>) -> Option<Cooperation> {
    let mut t = r.sub_table(top, "cooperation", true, "{ id = \"...\", ... }")?;
    let id = r.parsed(&mut t, "id", "\"dragoer-taarnby\"", true, |s| {
        CooperationId::parse(s).map_err(|e| e.to_string())
    });
    let name = r.req_str(
        &mut t,
        "name",
        "\"Forpligtende samarbejde mellem Dragør og Tårnby\"",
    );
    let country = r.parsed(&mut t, "country", "\"DK\"", true, |s| {
        Country::parse(s).map_err(|e| e.to_string())
    });
    let legal_form = r.parsed(
        &mut t,
        "legal_form",
        "\"dk-forpligtende-samarbejde\"",
        true,
        enum_value(LegalForm::parse, LegalForm::choices()),
    );
    let status = r.parsed(
        &mut t,
        "status",
        "\"in_force\"",
        true,
        enum_value(CooperationStatus::parse, CooperationStatus::choices()),
    );
    let language = r.parsed(
        &mut t,
        "language",
        "\"da\"",
        true,
        enum_value(Language::parse, Language::choices()),
    );
    let purpose = r.opt_str(&mut t, "purpose");
    let has_from = t.table.contains_key("from");
    let valid = if has_from || t.table.contains_key("to") {
        interval(r, &mut t, "from", "to", true)
    } else {
        None
    };
    let sources = r.list(&mut t, "sources", "\"...\"", |s| Ok(s.to_string()));
    let settlements = if t.table.contains_key("settlements") {
        r.parsed(
            &mut t,
            "settlements",
            "\"members\"",
            true,
            enum_value(SettlementAccess::parse, SettlementAccess::choices()),
        )
    } else {
        Some(SettlementAccess::Public)
    };
    let term = r
        .sub_table(&mut t, "term", false, "")
        .and_then(|tt| read_term(r, tt));
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "name",
            "country",
            "legal_form",
            "status",
            "language",
            "purpose",
            "from",
            "to",
            "sources",
            "settlements",
            "term",
            "note",
        ],
    );
    Some(Cooperation {
        id: id?,
        name: name?,
        country: country?,
        legal_form: legal_form?,
        status: status?,
        language: language?,
        purpose,
        valid,
        parties: Vec::new(),
        organisations: Vec::new(),
        term,
        sources,
        settlements: settlements?,
        note,
    })
}

fn read_term(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<TermModel> {
    let start = r.date(&mut t, "start", true);
    let months = |r: &mut Reader, t: &mut Tbl<'_, '_>, key: &str| {
        r.integer(t, key, false, 1..1201, "48").map(|n| n as u32)
    };
    let initial_term_months = months(r, &mut t, "initial_term_months");
    let renewal_term_months = months(r, &mut t, "renewal_term_months");
    let tacit_renewal = r.boolean(&mut t, "tacit_renewal");
    let notice_period_months = r
        .integer(&mut t, "notice_period_months", false, 0..121, "6")
        .map(|n| n as u32);
    let notice_anchor = r.parsed(
        &mut t,
        "notice_anchor",
        "\"end_of_year\"",
        false,
        enum_value(NoticeAnchor::parse, NoticeAnchor::choices()),
    );
    r.finish(
        t,
        &[
            "start",
            "initial_term_months",
            "renewal_term_months",
            "tacit_renewal",
            "notice_period_months",
            "notice_anchor",
        ],
    );
    Some(TermModel {
        start: start?,
        initial_term_months,
        renewal_term_months,
        tacit_renewal,
        notice_period_months,
        notice_anchor,
    })
}

fn read_organisation(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Organisation> {
    let id = r.parsed(
        &mut t,
        "id",
        "\"industriforeningen-vastra-malardalen\"",
        true,
        |s| OrganisationId::parse(s).map_err(|e| e.to_string()),
    );
    let name = r.req_str(&mut t, "name", "\"Industriföreningen Västra Mälardalen\"");
    let country = r.parsed(&mut t, "country", "\"SE\"", true, |s| {
        Country::parse(s).map_err(|e| e.to_string())
    });
    let org_number = match country {
        Some(c) => r.parsed(&mut t, "org_number", "\"212000-2122\"", false, |s| {
            identifiers::org_number(c, s).map(|_| s.to_string())
        }),
        None => r.opt_str(&mut t, "org_number"),
    };
    let kind = r.opt_str(&mut t, "kind");
    let note = r.opt_str(&mut t, "note");
    r.finish(t, &["id", "name", "country", "org_number", "kind", "note"]);
    Some(Organisation {
        id: id?,
        name: name?,
        country: country?,
        org_number,
        kind,
        note,
    })
}

fn read_party(r: &mut Reader, mut t: Tbl<'_, '_>, organisations: &[Organisation]) -> Option<Party> {
    let id = r.parsed(&mut t, "id", "\"DK-0155\"", true, party);
    let roles = r.list(
        &mut t,
        "roles",
        "\"performer\"",
        enum_value(PartyRole::parse, PartyRole::choices()),
    );
    let joined = r.date(&mut t, "joined", false);
    let left = r.date(&mut t, "left", false);
    // The country whose rules the party's numbers follow (an undefined organisation is reported
    // by the document checks).
    let country = match &id {
        Some(PartyId::Municipality(m)) => Some(m.country()),
        Some(PartyId::Organisation(o)) => organisations
            .iter()
            .find(|org| &org.id == o)
            .map(|org| org.country),
        None => None,
    };
    let org_number = match country {
        Some(c) => r.parsed(&mut t, "org_number", "\"212000-2122\"", false, |s| {
            identifiers::org_number(c, s).map(|_| s.to_string())
        }),
        None => r.opt_str(&mut t, "org_number"),
    };
    let invoicing = r
        .sub_table(&mut t, "invoicing", false, "")
        .and_then(|it| read_invoicing(r, it, country));
    if invoicing.is_some() && org_number.is_none() && t.table.get("org_number").is_none() {
        r.error(
            &t.span,
            &t.field("org_number"),
            "missing; a party with [party.invoicing] needs its legal identifier, `org_number = \"…\"` (a CVR number in Denmark, an organisation number in Sweden and Norway)".to_string(),
        );
    }
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "roles",
            "joined",
            "left",
            "org_number",
            "invoicing",
            "note",
        ],
    );
    Some(Party {
        id: id?,
        roles,
        joined,
        left,
        org_number,
        invoicing,
        note,
    })
}

/// `[party.invoicing]`: the Peppol endpoint, VAT number, address, reference and account, each
/// checked by the rules of the party's country.
fn read_invoicing(
    r: &mut Reader,
    mut t: Tbl<'_, '_>,
    country: Option<Country>,
) -> Option<Invoicing> {
    let endpoint = r.parsed(&mut t, "endpoint", "\"0088:5798000416604\"", false, |s| {
        identifiers::peppol_endpoint(s).map(|(scheme, id)| format!("{scheme}:{id}"))
    });
    let vat_number = match country {
        Some(c) => r.parsed(&mut t, "vat_number", "\"DK29189846\"", false, |s| {
            identifiers::vat_number(c, s)
        }),
        None => r.opt_str(&mut t, "vat_number"),
    };
    let street = r.opt_str(&mut t, "street");
    let postal_code = r.opt_str(&mut t, "postal_code");
    let city = r.opt_str(&mut t, "city");
    let reference = r.opt_str(&mut t, "reference");
    let account = r
        .sub_table(&mut t, "account", false, "")
        .and_then(|at| read_account(r, at, country));
    r.finish(
        t,
        &[
            "endpoint",
            "vat_number",
            "street",
            "postal_code",
            "city",
            "reference",
            "account",
        ],
    );
    Some(Invoicing {
        endpoint,
        vat_number,
        street,
        postal_code,
        city,
        reference,
        account,
    })
}

/// `account = { iban = "…", bic = "…" }`, `{ registration = "1234", account = "…" }` (Danish),
/// `{ account = "…" }` (Norwegian or Swedish), `{ bankgiro = "…" }` or `{ plusgiro = "…" }`.
fn read_account(r: &mut Reader, mut t: Tbl<'_, '_>, country: Option<Country>) -> Option<Account> {
    let example = "{ iban = \"DK5000400440116243\", bic = \"DABADKKK\" }";
    let kinds: Vec<&str> = ["iban", "account", "bankgiro", "plusgiro"]
        .into_iter()
        .filter(|k| t.table.contains_key(*k))
        .collect();
    if kinds.len() != 1 {
        let span = t.span.clone();
        r.error(
            &span,
            &t.path,
            format!(
                "give exactly one of `iban`, `account`, `bankgiro` or `plusgiro` (found {}); e.g. `account = {example}`",
                if kinds.is_empty() { "none".to_string() } else { kinds.join(", ") }
            ),
        );
        r.finish(
            t,
            &[
                "iban",
                "bic",
                "registration",
                "account",
                "bankgiro",
                "plusgiro",
            ],
        );
        return None;
    }
    let account = match kinds.first().copied() {
        Some("iban") => {
            let iban = r.parsed(
                &mut t,
                "iban",
                "\"DK5000400440116243\"",
                true,
                identifiers::iban,
            );
            let bic = r.parsed(&mut t, "bic", "\"DABADKKK\"", false, |s| {
                let s = s.trim().to_uppercase();
                if (s.len() == 8 || s.len() == 11) && s.chars().all(|c| c.is_ascii_alphanumeric()) {
                    Ok(s)
                } else {
                    Err(format!("\"{s}\" is not a BIC; a BIC is 8 or 11 letters and digits, e.g. \"DABADKKK\""))
                }
            });
            iban.map(|iban| Account::Iban { iban, bic })
        }
        Some("bankgiro") => r
            .parsed(&mut t, "bankgiro", "\"5050-1055\"", true, |s| {
                identifiers::giro("bankgiro", s, 7..=8)
            })
            .map(|number| Account::Bankgiro { number }),
        Some("plusgiro") => r
            .parsed(&mut t, "plusgiro", "\"4711-8\"", true, |s| {
                identifiers::giro("plusgiro", s, 2..=8)
            })
            .map(|number| Account::Plusgiro { number }),
        _ => {
            let digits_only = |what: &str, s: &str, len: std::ops::RangeInclusive<usize>| {
                let d: String = s
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '.'))
                    .collect();
                if len.contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()) {
                    Ok(d)
                } else {
                    Err(format!(
                        "\"{s}\" is not a {what}; it is {} to {} digits",
                        len.start(),
                        len.end()
                    ))
                }
            };
            let registration = r.parsed(
                &mut t,
                "registration",
                "\"1234\"",
                country == Some(Country::Dk),
                |s| digits_only("registration (clearing) number", s, 4..=5),
            );
            let account = r.parsed(
                &mut t,
                "account",
                "\"0001234567\"",
                true,
                |s| match country {
                    Some(Country::No) => identifiers::no_account(s),
                    _ => digits_only("account number", s, 1..=12),
                },
            );
            account.map(|account| Account::Domestic {
                registration,
                account,
            })
        }
    };
    r.finish(
        t,
        &[
            "iban",
            "bic",
            "registration",
            "account",
            "bankgiro",
            "plusgiro",
        ],
    );
    account
}

fn read_service(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Service> {
    let id = r.parsed(&mut t, "id", "\"genoptraening-sel86\"", true, service_id);
    let names = read_names(
        r,
        &mut t,
        "name",
        "{ da = \"Genoptræning\", en = \"Rehabilitation\" }",
    );
    let legal_basis = r.list(&mut t, "legal_basis", "\"DK:SEL §86\"", |s| {
        check_legal_basis(s)
    });
    let public_code = r.opt_str(&mut t, "public_code");
    let note = r.opt_str(&mut t, "note");
    r.finish(t, &["id", "name", "legal_basis", "public_code", "note"]);
    Some(Service {
        id: id?,
        names: names?,
        legal_basis,
        public_code,
        note,
    })
}

/// A required table of names in the four languages, at least one given.
fn read_names(r: &mut Reader, t: &mut Tbl<'_, '_>, key: &str, example: &str) -> Option<Names> {
    let mut nt = r.sub_table(t, key, true, example)?;
    let names = Names {
        da: r.opt_str(&mut nt, "da"),
        sv: r.opt_str(&mut nt, "sv"),
        nb: r.opt_str(&mut nt, "nb"),
        en: r.opt_str(&mut nt, "en"),
    };
    if names == Names::default() {
        let field = nt.path.clone();
        r.error(
            &nt.span,
            &field,
            "has no name; give at least one of da, sv, nb, en".into(),
        );
    }
    r.finish(nt, &["da", "sv", "nb", "en"]);
    Some(names)
}

/// `[[obligation]]`: a duty on the yearly wheel.
fn read_obligation(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Obligation> {
    let id = r.parsed(&mut t, "id", "\"order-services\"", true, local_id);
    let title = read_names(
        r,
        &mut t,
        "title",
        "{ da = \"Bestilling af ydelser\", en = \"Order next year's services\" }",
    );
    if !t.table.contains_key("owners") {
        r.missing(&t, "owners", "[\"DK-0155\"]");
    }
    let owners = r.list(&mut t, "owners", "\"DK-0155\"", party);
    let role = r.opt_str(&mut t, "role");
    let sub_agreement = r
        .integer(&mut t, "sub_agreement", false, 0..100_000, "1")
        .map(|n| n as u32);
    let due = r
        .sub_table(
            &mut t,
            "due",
            true,
            "{ kind = \"end_of_month\", month = 5 }",
        )
        .and_then(|dt| read_due(r, dt));
    let shift = r.parsed(&mut t, "shift", "\"earlier\"", false, |s: &str| match s {
        "earlier" => Ok(Shift::Earlier),
        "later" => Ok(Shift::Later),
        "keep" => Ok(Shift::Keep),
        other => Err(format!(
            "\"{other}\" is not a shift; use earlier, later or keep"
        )),
    });
    let valid = interval(r, &mut t, "from", "to", true);
    let clause = r.opt_str(&mut t, "clause");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "title",
            "owners",
            "role",
            "sub_agreement",
            "due",
            "shift",
            "from",
            "to",
            "clause",
            "note",
        ],
    );
    Some(Obligation {
        id: id?,
        title: title?,
        owners,
        role,
        sub_agreement,
        due: due?,
        shift: shift.unwrap_or_default(),
        valid: valid?,
        clause,
        note,
    })
}

/// `due = { kind = "...", month = M, day = D | n = N }`.
fn read_due(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<DueRule> {
    let (path, table_span) = (t.path.clone(), t.span.clone());
    let kind = r.req_str(&mut t, "kind", "\"end_of_month\"");
    if kind.as_deref() == Some("once_per_term") {
        r.finish(t, &["kind"]);
        return Some(DueRule::OncePerTerm);
    }
    let month = r
        .integer(&mut t, "month", true, 1..13, "5")
        .map(|m| m as u32);
    let rule = match kind.as_deref() {
        Some("fixed_day") => {
            let day = r
                .integer(&mut t, "day", true, 1..32, "31")
                .map(|d| d as u32);
            r.finish(t, &["kind", "month", "day"]);
            DueRule::FixedDay {
                month: month?,
                day: day?,
            }
        }
        Some("end_of_month") => {
            r.finish(t, &["kind", "month"]);
            DueRule::EndOfMonth { month: month? }
        }
        Some("start_of_month") => {
            r.finish(t, &["kind", "month"]);
            DueRule::StartOfMonth { month: month? }
        }
        Some("working_day") => {
            let n = r.integer(&mut t, "n", true, -23..24, "5").map(|n| n as i32);
            r.finish(t, &["kind", "month", "n"]);
            DueRule::WorkingDay {
                month: month?,
                n: n?,
            }
        }
        Some(other) => {
            let field = t.field("kind");
            let span = r.spans.of(&field);
            r.error(&span, &field, format!("\"{other}\" is not a kind of due date; use fixed_day, end_of_month, start_of_month, working_day or once_per_term"));
            return None;
        }
        None => return None,
    };
    if let Err(message) = rule.check() {
        r.error(&table_span, &path, message);
        return None;
    }
    Some(rule)
}

fn check_legal_basis(text: &str) -> Result<String, String> {
    let well_formed = text.len() > 3
        && text.get(..2).is_some_and(|c| Country::parse(c).is_ok())
        && text.as_bytes()[2] == b':'
        && !text[3..].trim().is_empty();
    if well_formed {
        Ok(text.to_string())
    } else {
        Err(format!(
            "\"{text}\" is not a legal-basis reference; write COUNTRY:LAW §, e.g. \"DK:SEL §86\" or \"NO:kommuneloven §20-2\""
        ))
    }
}

fn read_main_version(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<MainAgreementVersion> {
    let number = r.integer(&mut t, "version", true, 1..10_000, "1");
    let title = r.opt_str(&mut t, "title");
    let effective = r.date(&mut t, "effective", false);
    let summary = r.req_str(
        &mut t,
        "summary",
        "\"Revised after the 2019 service review\"",
    );
    let mut adopted = Vec::new();
    for mut at in r.tables(&mut t, "adopted") {
        let party = r.parsed(&mut at, "party", "\"DK-0155\"", true, party);
        let date = r.date(&mut at, "date", true);
        r.finish(at, &["party", "date"]);
        if let (Some(party), Some(date)) = (party, date) {
            adopted.push(Adoption { party, date });
        }
    }
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "version",
            "title",
            "effective",
            "summary",
            "adopted",
            "note",
        ],
    );
    Some(MainAgreementVersion {
        number: number? as u32,
        title,
        effective,
        adopted,
        summary: summary?,
        note,
    })
}

fn read_sub_agreement(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<SubAgreement> {
    let number = r.integer(&mut t, "number", true, 0..100_000, "1");
    let title = r.req_str(&mut t, "title", "\"Genoptræning\"");
    let services = r.list(&mut t, "services", "\"genoptraening-sel86\"", service_id);
    let valid = interval(r, &mut t, "from", "to", true);
    let placeholder = r.boolean(&mut t, "placeholder").unwrap_or(false);
    let note = r.opt_str(&mut t, "note");
    let mut revisions = Vec::new();
    for mut rt in r.tables(&mut t, "revision") {
        let effective = r.date(&mut rt, "effective", true);
        let summary = r.req_str(&mut rt, "summary", "\"What changed\"");
        r.finish(rt, &["effective", "summary"]);
        if let (Some(effective), Some(summary)) = (effective, summary) {
            revisions.push(Revision { effective, summary });
        }
    }
    r.finish(
        t,
        &[
            "number",
            "title",
            "services",
            "from",
            "to",
            "placeholder",
            "note",
            "revision",
        ],
    );
    Some(SubAgreement {
        number: number? as u32,
        title: title?,
        services,
        valid: valid?,
        revisions,
        placeholder,
        note,
    })
}

fn read_delegation(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Delegation> {
    let service = r.parsed(
        &mut t,
        "service",
        "\"genoptraening-sel86\"",
        true,
        service_id,
    );
    let performer = r.parsed(&mut t, "performer", "\"DK-0185\"", true, party);
    if !t.table.contains_key("for") {
        r.missing(&t, "for", "[\"DK-0155\"]");
    }
    let for_municipalities = r.list(&mut t, "for", "\"DK-0155\"", municipality);
    let valid = interval(r, &mut t, "from", "to", true);
    let sub_agreement = r
        .integer(&mut t, "sub_agreement", false, 0..100_000, "1")
        .map(|n| n as u32);
    let clause = r.opt_str(&mut t, "clause");
    let contact = r.parsed(
        &mut t,
        "contact",
        "\"residence\"",
        false,
        enum_value(ContactPlace::parse, ContactPlace::choices()),
    );
    let complaints_to = r.parsed(&mut t, "complaints_to", "\"DK-0185\"", false, party);
    let mut documents_access_to =
        r.parsed(&mut t, "documents_access_to", "\"DK-0185\"", false, party);
    let mut data_access_to = r.parsed(&mut t, "data_access_to", "\"DK-0185\"", false, party);
    // The earlier name, for one body handling both kinds of access request.
    if let Some(both) = r.parsed(&mut t, "access_requests_to", "\"DK-0185\"", false, party) {
        if documents_access_to.is_some() || data_access_to.is_some() {
            let field = t.field("access_requests_to");
            let span = r.spans.of(&field);
            r.error(
                &span,
                &field,
                "is the earlier name for both `documents_access_to` and `data_access_to`; write only those two".to_string(),
            );
        } else {
            documents_access_to = Some(both.clone());
            data_access_to = Some(both);
        }
    }
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "service",
            "performer",
            "for",
            "from",
            "to",
            "sub_agreement",
            "clause",
            "contact",
            "complaints_to",
            "documents_access_to",
            "data_access_to",
            "access_requests_to",
            "note",
        ],
    );
    Some(Delegation {
        service: service?,
        performer: performer?,
        for_municipalities,
        valid: valid?,
        sub_agreement,
        clause,
        contact,
        complaints_to,
        documents_access_to,
        data_access_to,
        note,
    })
}

fn read_event(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Occurrence> {
    let id = r.parsed(&mut t, "id", "\"seminar-inspiria\"", true, local_id);
    let kind = r.parsed(
        &mut t,
        "kind",
        "\"seminar\"",
        true,
        enum_value(EventKind::parse, EventKind::choices()),
    );
    let date = r.partial_date(&mut t, "date");
    let subject = r.req_str(
        &mut t,
        "subject",
        "\"Seminar for the five management teams\"",
    );
    let participants = r.list(&mut t, "participants", "\"NO-3122\"", party);
    let place = r.opt_str(&mut t, "place");
    let source = r.opt_str(&mut t, "source");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "kind",
            "date",
            "subject",
            "participants",
            "place",
            "source",
            "note",
        ],
    );
    Some(Occurrence {
        id: id?,
        kind: kind?,
        date,
        subject: subject?,
        participants,
        place,
        source,
        note,
    })
}

fn read_agreement_document(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<AgreementDocument> {
    let id = r.parsed(
        &mut t,
        "id",
        "\"forretningsgang-klagebehandling\"",
        true,
        local_id,
    );
    let kind = r.parsed(
        &mut t,
        "kind",
        "\"complaint_procedure\"",
        true,
        enum_value(DocumentKind::parse, DocumentKind::choices()),
    );
    let title = r.req_str(&mut t, "title", "\"Forretningsgang for klagebehandling\"");
    let date = r.partial_date(&mut t, "date");
    let main_agreement = r
        .integer(&mut t, "main_agreement", false, 1..100_000, "2")
        .map(|n| n as u32);
    let sub_agreements = r.int_list(&mut t, "sub_agreements");
    let clauses = r.list(&mut t, "clauses", "\"3.2\"", clause_number);
    let url = r.parsed(
        &mut t,
        "url",
        "\"https://www.dragoer.dk/…\"",
        false,
        web_address,
    );
    let file = r.opt_str(&mut t, "file");
    let sha256 = r.parsed(&mut t, "sha256", "\"9f86d0…\" (64 digits)", false, sha256);
    let source = r.opt_str(&mut t, "source");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "kind",
            "title",
            "date",
            "main_agreement",
            "sub_agreements",
            "clauses",
            "url",
            "file",
            "sha256",
            "source",
            "note",
        ],
    );
    Some(AgreementDocument {
        id: id?,
        kind: kind?,
        title: title?,
        date,
        main_agreement,
        sub_agreements,
        clauses,
        url,
        file,
        sha256,
        source,
        note,
    })
}

/// A clause number: numbers separated by dots (`"3.4"`, `"2"`, `"4.2.1"`).
fn clause_number(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text.split('.').all(|part| {
            !part.is_empty() && part.len() <= 4 && part.bytes().all(|b| b.is_ascii_digit())
        });
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "\"{text}\" is not a clause number; write numbers separated by dots, e.g. \"3.4\""
        ))
    }
}

/// An address on the web: `https://` or `http://` and a host.
fn web_address(text: &str) -> Result<String, String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !text.chars().any(char::is_whitespace) => {
            Ok(text.to_string())
        }
        _ => Err(format!(
            "\"{text}\" is not a web address; write it with https://, e.g. \"https://www.dragoer.dk/\""
        )),
    }
}

/// A SHA-256 digest: 64 hexadecimal digits, kept in lower case.
fn sha256(text: &str) -> Result<String, String> {
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(format!(
            "\"{text}\" is not a SHA-256 digest; it must be 64 hexadecimal digits (sha256sum prints it)"
        ))
    }
}

fn read_clause(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Clause> {
    let number = r.parsed(&mut t, "number", "\"3.4\"", true, clause_number);
    let main_agreement = r
        .integer(&mut t, "main_agreement", false, 1..100_000, "2")
        .map(|n| n as u32);
    let subject = r.parsed(
        &mut t,
        "subject",
        "\"savings_sharing\"",
        true,
        enum_value(ClauseSubject::parse, ClauseSubject::choices()),
    );
    let text = r.req_str(&mut t, "text", "\"Den delegerende kommune betaler …\"");
    let services = r.list(&mut t, "services", "\"genoptraening-sel86\"", service_id);
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "number",
            "main_agreement",
            "subject",
            "text",
            "services",
            "note",
        ],
    );
    Some(Clause {
        number: number?,
        main_agreement,
        subject: subject?,
        text: text?,
        services,
        note,
    })
}

fn read_role(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<RoleHolder> {
    let id = r.parsed(&mut t, "id", "\"formand\"", true, local_id);
    let person = r.parsed(&mut t, "person", "\"Hans Barlach\"", true, |s| {
        if s.trim().is_empty() {
            Err("is empty; write the person's name, e.g. `person = \"Hans Barlach\"` (a document read without signing in leaves out the names that are not public: read it with your API token before you send it back)".to_string())
        } else {
            Ok(s.to_string())
        }
    });
    let role = r.req_str(&mut t, "role", "\"formand for samarbejdet\"");
    let party = r.parsed(&mut t, "party", "\"DK-0253\"", false, party);
    let from = r.partial_date(&mut t, "from");
    let to = r.partial_date(&mut t, "to");
    if !t.table.contains_key("public") {
        r.missing(
            &t,
            "public",
            "true` (an elected office the source names), or `public = false",
        );
    }
    let public = r.boolean(&mut t, "public");
    let source = r.opt_str(&mut t, "source");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id", "person", "role", "party", "from", "to", "public", "source", "note",
        ],
    );
    Some(RoleHolder {
        id: id?,
        person: person?,
        role: role?,
        party,
        from,
        to,
        public: public?,
        source,
        note,
    })
}

fn read_figure(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Figure> {
    let id = r.parsed(&mut t, "id", "\"borgere\"", true, local_id);
    let subject = r.req_str(
        &mut t,
        "subject",
        "\"borgere i de fire kommuner tilsammen\"",
    );
    let value = r.integer(&mut t, "value", true, 0..i64::MAX, "150000");
    let approximate = r.boolean(&mut t, "approximate").unwrap_or(false);
    let named = r.list(&mut t, "named", "\"gemensam-rekrytering\"", local_id);
    let date = r.partial_date(&mut t, "date");
    let source = r.opt_str(&mut t, "source");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "subject",
            "value",
            "approximate",
            "named",
            "date",
            "source",
            "note",
        ],
    );
    Some(Figure {
        id: id?,
        subject: subject?,
        value: value? as u64,
        approximate,
        named,
        date,
        source,
        note,
    })
}

fn read_contact(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Contact> {
    let id = r.parsed(
        &mut t,
        "id",
        "\"dragoer-borgmestersekretariatet\"",
        true,
        local_id,
    );
    let party = r.parsed(&mut t, "party", "\"DK-0155\"", true, party);
    let unit = r.req_str(&mut t, "unit", "\"Borgmestersekretariatet\"");
    let services = r.list(&mut t, "services", "\"genoptraening-sel86\"", service_id);
    let address = r.opt_str(&mut t, "address");
    let visiting_address = r.opt_str(&mut t, "visiting_address");
    let phone = r.opt_str(&mut t, "phone");
    let email = r.opt_str(&mut t, "email");
    let web = r.opt_str(&mut t, "web");
    let digital_mail = r.opt_str(&mut t, "digital_mail");
    let opening_hours = r.opt_str(&mut t, "opening_hours");
    let has_from = t.table.contains_key("from");
    let has_to = t.table.contains_key("to");
    let valid = if has_from {
        interval(r, &mut t, "from", "to", true)
    } else {
        if has_to {
            let field = t.field("to");
            r.date(&mut t, "to", false);
            let span = r.spans.of(&field);
            r.error(
                &span,
                &field,
                "has no `from`; write the first day these channels apply as `from = 2021-09-01`, or leave both out".to_string(),
            );
        }
        None
    };
    let source = r.opt_str(&mut t, "source");
    let note = r.opt_str(&mut t, "note");
    let known = [
        "id",
        "party",
        "unit",
        "services",
        "address",
        "visiting_address",
        "phone",
        "email",
        "web",
        "digital_mail",
        "opening_hours",
        "from",
        "to",
        "source",
        "note",
    ];
    r.finish(t, &known);
    Some(Contact {
        id: id?,
        party: party?,
        unit: unit?,
        services,
        address,
        visiting_address,
        phone,
        email,
        web,
        digital_mail,
        opening_hours,
        valid,
        source,
        note,
    })
}

fn read_take_back(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<TakeBack> {
    let by = r.parsed(&mut t, "by", "\"DK-0155\"", true, municipality);
    let from = r.parsed(&mut t, "from", "\"DK-0185\"", true, party);
    let effective = r.date(&mut t, "effective", true);
    let services = r.list(&mut t, "services", "\"genoptraening-sel86\"", service_id);
    let sub_agreements_ended = r.int_list(&mut t, "sub_agreements_ended");
    let sub_agreements_revised = r.int_list(&mut t, "sub_agreements_revised");
    let summary = r.req_str(&mut t, "summary", "\"Dragør takes back ...\"");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "by",
            "from",
            "effective",
            "services",
            "sub_agreements_ended",
            "sub_agreements_revised",
            "summary",
            "note",
        ],
    );
    Some(TakeBack {
        by: by?,
        from: from?,
        effective: effective?,
        services,
        sub_agreements_ended,
        sub_agreements_revised,
        summary: summary?,
        note,
    })
}

fn read_decision(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Decision> {
    let id = r.parsed(&mut t, "id", "\"council-adoption-2019\"", true, local_id);
    let kind = r.parsed(
        &mut t,
        "kind",
        "\"council_adoption\"",
        true,
        enum_value(DecisionKind::parse, DecisionKind::choices()),
    );
    let date = r.partial_date(&mut t, "date");
    let body = r.parsed(&mut t, "body", "\"DK-0155\"", false, party);
    let subject = r.req_str(&mut t, "subject", "\"Adopted the revised main agreement\"");
    let note = r.opt_str(&mut t, "note");
    let referendum = r
        .sub_table(&mut t, "referendum", false, "")
        .and_then(|rt| read_referendum(r, rt));
    if kind == Some(DecisionKind::Referendum) && !t.table.contains_key("referendum") {
        r.missing(
            &t,
            "referendum",
            "{ question = \"...\", yes = 0, no = 0, cast = 0, valid = 0, turnout_percent = 0.0 }",
        );
    }
    if kind.is_some_and(|k| k != DecisionKind::Referendum) && t.table.contains_key("referendum") {
        let span = r.spans.of(&t.field("referendum"));
        r.error(
            &span,
            &t.field("referendum"),
            "counts belong only to a decision with kind = \"referendum\"".into(),
        );
    }
    r.finish(
        t,
        &[
            "id",
            "kind",
            "date",
            "body",
            "subject",
            "note",
            "referendum",
        ],
    );
    Some(Decision {
        id: id?,
        kind: kind?,
        date,
        body,
        subject: subject?,
        referendum,
        note,
    })
}

fn read_referendum(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<ReferendumCounts> {
    let question = r.req_str(
        &mut t,
        "question",
        "\"Skal Vallensbæk fortsætte med at være en selvstændig kommune?\"",
    );
    let count = |r: &mut Reader, t: &mut Tbl<'_, '_>, key: &str, required: bool| {
        r.integer(t, key, required, 0..10_000_000_000, "0")
            .map(|n| n as u64)
    };
    let yes = count(r, &mut t, "yes", true);
    let no = count(r, &mut t, "no", true);
    let cast = count(r, &mut t, "cast", true);
    let valid = count(r, &mut t, "valid", true);
    let blank_invalid = count(r, &mut t, "blank_invalid", false);
    let electorate = count(r, &mut t, "electorate", false);
    let turnout_basis_points = read_percent(r, &mut t, "turnout_percent");
    let field = t.path.clone();
    let span = t.span.clone();
    r.finish(
        t,
        &[
            "question",
            "yes",
            "no",
            "cast",
            "valid",
            "blank_invalid",
            "electorate",
            "turnout_percent",
        ],
    );
    let counts = ReferendumCounts {
        question: question?,
        yes: yes?,
        no: no?,
        cast: cast?,
        valid: valid?,
        blank_invalid,
        electorate,
        turnout_basis_points,
    };
    let problems = counts.problems();
    for problem in &problems {
        r.error(
            &span,
            &field,
            format!("the counts do not add up: {problem}"),
        );
    }
    if problems.is_empty() {
        Some(counts)
    } else {
        None
    }
}

/// A percentage with at most two decimals, as hundredths of a percent (65.8 → 6580). Read from the
/// literal's text, not through a float, so nothing is rounded.
fn read_percent(r: &mut Reader, t: &mut Tbl<'_, '_>, key: &str) -> Option<u32> {
    let value = r.value(t, key)?;
    let field = t.field(key);
    let text = match value.get_ref() {
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::String(s) => s.to_string(),
        _ => {
            r.type_error(value, &field, "a percentage", &format!("{key} = 65.8"));
            return None;
        }
    };
    let text = text.replace('_', "");
    let bp = match crate::decimal::parse_hundredths(text.as_bytes(), b'.') {
        Ok(bp) => bp,
        Err(problem) => {
            r.error(
                &value.span(),
                &field,
                format!(
                    "{text} {problem}; write a percentage with at most two decimals, e.g. 65.8"
                ),
            );
            return None;
        }
    };
    if bp > 10_000 {
        r.error(&value.span(), &field, format!("{text} % is above 100 %"));
        return None;
    }
    let bp = bp as u32;
    Some(bp)
}

fn read_staff_transfer(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<StaffTransfer> {
    let from = r.parsed(&mut t, "from", "\"DK-0183\"", true, party);
    let to = r.parsed(&mut t, "to", "\"DK-0187\"", true, party);
    let approx_count = r
        .integer(&mut t, "approx_count", true, 0..1_000_000, "35")
        .map(|n| n as u32);
    let date = r.date(&mut t, "date", false);
    let note = r.opt_str(&mut t, "note");
    r.finish(t, &["from", "to", "approx_count", "date", "note"]);
    Some(StaffTransfer {
        from: from?,
        to: to?,
        approx_count: approx_count?,
        date,
        note,
    })
}

fn read_candidate_area(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<CandidateArea> {
    let id = r.parsed(&mut t, "id", "\"ppt\"", true, local_id);
    let area = r.req_str(&mut t, "area", "\"PPT\"");
    let kind = r.parsed(
        &mut t,
        "kind",
        "\"operations\"",
        false,
        enum_value(CandidateKind::parse, CandidateKind::choices()),
    );
    let participants = r.list(&mut t, "participants", "\"NO-3122\"", party);
    let expected_gains = r.list(&mut t, "expected_gains", "\"...\"", |s| Ok(s.to_string()));
    let status = r.parsed(
        &mut t,
        "status",
        "\"identified\"",
        true,
        enum_value(CandidateStatus::parse, CandidateStatus::choices()),
    );
    let note = r.opt_str(&mut t, "note");
    let deliveries = r
        .tables(&mut t, "delivery")
        .into_iter()
        .filter_map(|dt| read_delivery(r, dt))
        .collect();
    let assessments = r
        .tables(&mut t, "assessment")
        .into_iter()
        .filter_map(|at| read_assessment(r, at))
        .collect();
    let transitions = r
        .tables(&mut t, "transition")
        .into_iter()
        .filter_map(|tt| read_transition(r, tt))
        .collect();
    r.finish(
        t,
        &[
            "id",
            "area",
            "kind",
            "participants",
            "expected_gains",
            "status",
            "note",
            "delivery",
            "assessment",
            "transition",
        ],
    );
    Some(CandidateArea {
        id: id?,
        area: area?,
        kind,
        participants,
        expected_gains,
        status: status?,
        note,
        deliveries,
        assessments,
        transitions,
    })
}

fn currency(text: &str) -> Result<String, String> {
    match text {
        "DKK" | "SEK" | "NOK" => Ok(text.to_string()),
        _ => Err(format!(
            "\"{text}\" is not a currency Samvirke settles in; use DKK, SEK or NOK"
        )),
    }
}

/// `[[candidate_area.delivery]]`: how one participant delivers the area today.
fn read_delivery(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Delivery> {
    let party = r.parsed(&mut t, "party", "\"NO-3122\"", true, party);
    let how = r.parsed(
        &mut t,
        "how",
        "\"own\"",
        true,
        enum_value(DeliveryKind::parse, DeliveryKind::choices()),
    );
    let staff_years_hundredths =
        read_hundredths(r, &mut t, "staff_years", false, "1.5", "staff-years");
    let yearly_cost_minor = read_money(r, &mut t, "yearly_cost", false);
    let currency = r.parsed(&mut t, "currency", "\"NOK\"", false, currency);
    let volume = r
        .integer(&mut t, "volume", false, 0..1_000_000_000, "120")
        .map(|n| n as u64);
    let unit = r.opt_str(&mut t, "unit");
    let cooperation = r.parsed(&mut t, "cooperation", "\"vastra-malardalen\"", false, |s| {
        CooperationId::parse(s).map_err(|e| e.to_string())
    });
    let outside = r.opt_str(&mut t, "outside");
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "party",
            "how",
            "staff_years",
            "yearly_cost",
            "currency",
            "volume",
            "unit",
            "cooperation",
            "outside",
            "note",
        ],
    );
    Some(Delivery {
        party: party?,
        how: how?,
        staff_years_hundredths,
        yearly_cost_minor,
        currency,
        volume,
        unit,
        cooperation,
        outside,
        note,
    })
}

/// `[[candidate_area.assessment]]`: one participant's scores, `scores = { need = 3 }`, with
/// `justifications = { need = "…" }` and/or one `justification` for the rest.
fn read_assessment(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Assessment> {
    let party = r.parsed(&mut t, "party", "\"NO-3122\"", true, party);
    let mut scores = BTreeMap::new();
    if let Some(mut st) = r.sub_table(&mut t, "scores", true, "{ need = 3, scale = 2 }") {
        let names = st.keys();
        for name in names {
            let max = i64::from(crate::mapping::SCORE_MAX);
            if let Some(n) = r.integer(&mut st, &name, true, 0..max + 1, "3") {
                scores.insert(name, n as u8);
            }
        }
        r.finish(st, &[]);
    }
    let mut justifications = BTreeMap::new();
    if let Some(mut jt) = r.sub_table(&mut t, "justifications", false, "") {
        let names = jt.keys();
        for name in names {
            if let Some(text) = r.req_str(&mut jt, &name, "\"…\"") {
                justifications.insert(name, text);
            }
        }
        r.finish(jt, &[]);
    }
    let justification = r.opt_str(&mut t, "justification");
    let on = r.date(&mut t, "on", false);
    let illustrative = r.boolean(&mut t, "illustrative").unwrap_or(false);
    r.finish(
        t,
        &[
            "party",
            "scores",
            "justifications",
            "justification",
            "on",
            "illustrative",
        ],
    );
    Some(Assessment {
        party: party?,
        scores,
        justifications,
        justification,
        on,
        illustrative,
    })
}

/// `[[evaluation]]`: a party's evaluation of the agreement.
fn read_evaluation(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Evaluation> {
    let party = r.parsed(&mut t, "party", "\"DK-0155\"", true, party);
    let on = r.date(&mut t, "on", true);
    let sub_agreement = r
        .integer(&mut t, "sub_agreement", false, 0..100_000, "1")
        .map(|n| n as u32);
    let verdict = || enum_value(Verdict::parse, Verdict::choices());
    let delivers = r.parsed(&mut t, "delivers", "\"yes\"", true, verdict());
    let value_for_money = r.parsed(&mut t, "value_for_money", "\"partly\"", true, verdict());
    let reasons = r.req_str(&mut t, "reasons", "\"…\"");
    let evidence = r.list(&mut t, "evidence", "\"Faktaark 2025\"", |s| {
        Ok(s.to_string())
    });
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "party",
            "on",
            "sub_agreement",
            "delivers",
            "value_for_money",
            "reasons",
            "evidence",
            "note",
        ],
    );
    Some(Evaluation {
        party: party?,
        on: on?,
        sub_agreement,
        delivers: delivers?,
        value_for_money: value_for_money?,
        reasons: reasons?,
        evidence,
        note,
    })
}

/// `[[candidate_area.transition]]`: a dated, reasoned move to a new status.
fn read_transition(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Transition> {
    let to = r.parsed(
        &mut t,
        "to",
        "\"assessed\"",
        true,
        enum_value(CandidateStatus::parse, CandidateStatus::choices()),
    );
    let on = r.date(&mut t, "on", true);
    let reason = r.req_str(&mut t, "reason", "\"…\"");
    r.finish(t, &["to", "on", "reason"]);
    Some(Transition {
        to: to?,
        on: on?,
        reason: reason?,
    })
}

/// `[mapping]` with `[[mapping.criterion]]`: the criteria and how many areas were prioritised.
fn read_mapping(r: &mut Reader, top: &mut Tbl<'_, '_>) -> Option<Mapping> {
    let mut t = r.sub_table(top, "mapping", false, "")?;
    let prioritised_count = r
        .integer(&mut t, "prioritised_count", false, 0..100_000, "14")
        .map(|n| n as u32);
    let note = r.opt_str(&mut t, "note");
    let mut criteria = Vec::new();
    for mut ct in r.tables(&mut t, "criterion") {
        let id = r.parsed(&mut ct, "id", "\"need\"", true, local_id);
        let group = r.parsed(
            &mut ct,
            "group",
            "\"gain\"",
            true,
            enum_value(CriterionGroup::parse, CriterionGroup::choices()),
        );
        let max = i64::from(crate::mapping::WEIGHT_MAX);
        let weight = r.integer(&mut ct, "weight", true, 0..max + 1, "1");
        let names = if ct.table.contains_key("name") {
            read_names(r, &mut ct, "name", "{ en = \"…\" }")
        } else {
            None
        };
        r.finish(ct, &["id", "group", "weight", "name"]);
        if let (Some(id), Some(group), Some(weight)) = (id, group, weight) {
            criteria.push(Criterion {
                id,
                group,
                weight: weight as u32,
                names,
            });
        }
    }
    r.finish(t, &["prioritised_count", "note", "criterion"]);
    Some(Mapping {
        criteria,
        prioritised_count,
        note,
    })
}

fn read_payment_agreement(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<PaymentAgreement> {
    let sub_agreement = r
        .integer(&mut t, "sub_agreement", true, 0..100_000, "1")
        .map(|n| n as u32);
    let valid = interval(r, &mut t, "from", "to", true);
    let payer = r.list(&mut t, "payers", "\"DK-0155\"", party);
    let payee = r.parsed(&mut t, "payee", "\"DK-0185\"", true, party);
    let currency = r.parsed(&mut t, "currency", "\"DKK\"", true, currency);
    let principle = r.req_str(
        &mut t,
        "principle",
        "\"The delegating municipality pays the calculated annual cost (§ 3.2)\"",
    );
    if payer.is_empty() {
        r.missing(&t, "payers", "[\"DK-0155\"]");
    }
    let key = r
        .sub_table(&mut t, "key", false, "")
        .and_then(|kt| read_key(r, kt));
    let aconto = r.parsed(
        &mut t,
        "aconto",
        "\"monthly\"",
        false,
        enum_value(AcontoFrequency::parse, AcontoFrequency::choices()),
    );
    let aconto_due_day = r
        .integer(&mut t, "aconto_due_day", false, 1..29, "1")
        .map(|n| n as u32);
    let mut years = Vec::new();
    for yt in r.tables(&mut t, "year") {
        if let Some(year) = read_payment_year(r, yt) {
            years.push(year);
        }
    }
    let floors = read_money_shares(r, &mut t, "floor");
    let caps = read_money_shares(r, &mut t, "cap");
    let vat_kind = r.parsed(&mut t, "vat", "\"outside_scope\"", false, |s| match s {
        "outside_scope" | "standard" => Ok(s.to_string()),
        _ => Err(format!(
            "\"{s}\" is not a VAT treatment; write \"outside_scope\" (cost sharing between public bodies, VAT category O) or \"standard\" with `vat_percent = 25`"
        )),
    });
    let vat_percent = r.integer(&mut t, "vat_percent", false, 1..100, "25");
    let vat = match (vat_kind.as_deref(), vat_percent) {
        (Some("outside_scope"), None) => Some(VatTreatment::OutsideScope),
        (Some("standard"), Some(p)) => Some(VatTreatment::Standard { percent: p as u32 }),
        (Some("outside_scope"), Some(_)) => {
            let span = r.spans.of(&t.field("vat_percent"));
            r.error(&span, &t.field("vat_percent"), "a payment outside the scope of VAT has no rate; remove `vat_percent` or write `vat = \"standard\"`".to_string());
            None
        }
        (Some(_), None) => {
            let span = r.spans.of(&t.field("vat"));
            r.error(
                &span,
                &t.field("vat_percent"),
                "missing; standard-rated payments need their rate, e.g. `vat_percent = 25`"
                    .to_string(),
            );
            None
        }
        (None, Some(_)) => {
            let span = r.spans.of(&t.field("vat_percent"));
            r.error(
                &span,
                &t.field("vat"),
                "missing; a rate needs `vat = \"standard\"` beside it".to_string(),
            );
            None
        }
        _ => None,
    };
    let payment_days = r
        .integer(&mut t, "payment_days", false, 1..366, "30")
        .map(|n| n as u32);
    let dispute_days = r
        .integer(&mut t, "dispute_days", false, 1..366, "30")
        .map(|n| n as u32);
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "sub_agreement",
            "from",
            "to",
            "payers",
            "payee",
            "currency",
            "principle",
            "key",
            "aconto",
            "aconto_due_day",
            "year",
            "floor",
            "cap",
            "vat",
            "vat_percent",
            "payment_days",
            "dispute_days",
            "note",
        ],
    );
    Some(PaymentAgreement {
        sub_agreement: sub_agreement?,
        valid: valid?,
        payers: payer,
        payee: payee?,
        currency: currency?,
        principle: principle?,
        key,
        aconto,
        aconto_due_day,
        years,
        floors,
        caps,
        vat,
        payment_days,
        dispute_days,
        note,
    })
}

/// An amount in major units with at most two decimals, written as a string (`"1234567.89"`) or a
/// whole number, as minor units. A TOML float is refused: it cannot hold every amount exactly.
fn read_money(r: &mut Reader, t: &mut Tbl<'_, '_>, key: &str, required: bool) -> Option<u64> {
    read_hundredths(r, t, key, required, "1234567.89", "major units")
}

/// A decimal with at most two places in quotes (`"1.5"`), as hundredths; `what` says what the
/// number is in the error ("major units", "staff-years").
fn read_hundredths(
    r: &mut Reader,
    t: &mut Tbl<'_, '_>,
    key: &str,
    required: bool,
    example: &str,
    what: &str,
) -> Option<u64> {
    let Some(value) = r.value(t, key) else {
        if required {
            r.missing(t, key, &format!("\"{example}\""));
        }
        return None;
    };
    let field = t.field(key);
    let text = match value.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().replace('_', ""),
        DeValue::Float(f) => {
            r.error(&value.span(), &field, format!("{} is a floating-point number, which cannot hold every value exactly; write it in quotes: {key} = \"{}\"", f.as_str(), f.as_str()));
            return None;
        }
        _ => {
            r.type_error(
                value,
                &field,
                "a number with at most two decimals",
                &format!("{key} = \"{example}\""),
            );
            return None;
        }
    };
    match crate::decimal::parse_hundredths(text.as_bytes(), b'.') {
        Ok(minor) => Some(minor),
        Err(problem) => {
            r.error(&value.span(), &field, format!("\"{text}\" {problem}; write {what} with at most two decimals and no thousands separators, e.g. \"{example}\""));
            None
        }
    }
}

/// `{ "SE-1960" = "100000.00" }`: an amount per party (floors and caps). Missing: none.
fn read_money_shares(r: &mut Reader, t: &mut Tbl<'_, '_>, key: &str) -> Vec<MoneyShare> {
    let Some(mut st) = r.sub_table(t, key, false, "") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let names = st.keys();
    for name in names {
        let amount = read_money(r, &mut st, &name, true);
        match (party(&name), amount) {
            (Ok(p), Some(minor)) => out.push(MoneyShare { party: p, minor }),
            (Err(message), _) => {
                let field = st.field(&name);
                let span = r.spans.of(&field);
                r.error(&span, &field, message);
            }
            _ => {}
        }
    }
    r.finish(st, &[]);
    out.sort_by(|a, b| a.party.cmp(&b.party));
    out
}

/// `{ "DK-0155" = 1, "DK-0185" = 3 }`: whole numbers per party.
fn read_shares(
    r: &mut Reader,
    t: &mut Tbl<'_, '_>,
    key: &str,
    example: &str,
) -> Option<Vec<KeyShare>> {
    let mut st = r.sub_table(t, key, true, example)?;
    let mut out = Vec::new();
    let names = st.keys();
    for name in names {
        let parsed = party(&name);
        let parts = r.integer(&mut st, &name, true, 0..1_000_000_000_000, "1");
        match (parsed, parts) {
            (Ok(p), Some(n)) => out.push(KeyShare {
                party: p,
                parts: n as u64,
            }),
            (Err(message), _) => {
                let field = st.field(&name);
                let span = r.spans.of(&field);
                r.error(&span, &field, message);
            }
            _ => {}
        }
    }
    let known: Vec<&str> = Vec::new();
    r.finish(st, &known);
    if out.is_empty() {
        return None;
    }
    out.sort_by(|a, b| a.party.cmp(&b.party));
    Some(out)
}

fn read_key(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<AllocationKey> {
    let kind = r.req_str(&mut t, "kind", "\"fixed\"")?;
    let key = match kind.as_str() {
        "fixed" => {
            let shares = read_shares(r, &mut t, "shares", "{ \"DK-0155\" = 1 }");
            r.finish(t, &["kind", "shares"]);
            AllocationKey::Fixed { shares: shares? }
        }
        "population" => {
            let reference_date = r.date(&mut t, "reference_date", true);
            let source = r.req_str(&mut t, "source", "\"SSB table 07459, 1 January 2025\"");
            let population = match (
                t.table.contains_key("population"),
                t.table.contains_key("population_csv"),
            ) {
                (true, true) => {
                    let field = t.field("population_csv");
                    let _ = r.value(&mut t, "population_csv");
                    let span = r.spans.of(&field);
                    r.error(&span, &field, "give the numbers either inline (population = {...}) or in a file (population_csv = \"...\"), not both".to_string());
                    None
                }
                (false, true) => {
                    let file = r.req_str(&mut t, "population_csv", "\"population-2024.csv\"");
                    if let Some(file) = file {
                        r.population_files.push((file, t.field("population_csv")));
                    }
                    Some(Vec::new())
                }
                _ => read_shares(r, &mut t, "population", "{ \"NO-3122\" = 3600 }"),
            };
            r.finish(
                t,
                &[
                    "kind",
                    "reference_date",
                    "source",
                    "population",
                    "population_csv",
                ],
            );
            AllocationKey::Population {
                reference_date: reference_date?,
                source: source?,
                population: population?,
            }
        }
        "usage" => {
            let unit = r.req_str(&mut t, "unit", "\"cases\"");
            r.finish(t, &["kind", "unit"]);
            AllocationKey::Usage { unit: unit? }
        }
        "hybrid" => {
            let fixed = read_percent(r, &mut t, "fixed_percent");
            if fixed.is_none() && !t.table.contains_key("fixed_percent") {
                r.missing(&t, "fixed_percent", "40");
            }
            let shares = read_shares(r, &mut t, "shares", "{ \"SE-1984\" = 1 }");
            let unit = r.req_str(&mut t, "unit", "\"cases\"");
            r.finish(t, &["kind", "fixed_percent", "shares", "unit"]);
            AllocationKey::Hybrid {
                fixed_basis_points: fixed?,
                shares: shares?,
                unit: unit?,
            }
        }
        other => {
            let span = r.spans.of(&t.field("kind"));
            let field = t.field("kind");
            r.error(
                &span,
                &field,
                format!("\"{other}\" is not a key kind; use fixed, population, usage or hybrid"),
            );
            return None;
        }
    };
    Some(key)
}

fn read_payment_year(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<PaymentYear> {
    let year = r
        .integer(&mut t, "year", true, 1900..2200, "2025")
        .map(|n| n as i32);
    let budget = read_money(r, &mut t, "budget", true);
    let actual = read_money(r, &mut t, "actual", false);
    let mut savings = Vec::new();
    for mut st in r.tables(&mut t, "saving") {
        let effective = r.date(&mut st, "effective", true);
        let annual = read_money(r, &mut st, "annual_amount", true);
        let share = read_percent(r, &mut st, "share_percent");
        if share.is_none() && !st.table.contains_key("share_percent") {
            r.missing(&st, "share_percent", "50");
        }
        let note = r.req_str(&mut st, "note", "\"Merged two rehabilitation teams\"");
        if let (Some(y), Some(e)) = (year, effective)
            && e.ymd().0 != y
        {
            let field = st.field("effective");
            let span = r.spans.of(&field);
            r.error(&span, &field, format!("the saving takes effect in {}, not in {y}; put it under the [[payment_agreement.year]] of {}", e.ymd().0, e.ymd().0));
        }
        r.finish(st, &["effective", "annual_amount", "share_percent", "note"]);
        if let (Some(effective), Some(annual_minor), Some(share_basis_points), Some(note)) =
            (effective, annual, share, note)
        {
            savings.push(Saving {
                effective,
                annual_minor,
                share_basis_points,
                note,
            });
        }
    }
    r.finish(t, &["year", "budget", "actual", "saving"]);
    Some(PaymentYear {
        year: year?,
        budget_minor: budget?,
        actual_minor: actual,
        savings,
    })
}

/// `[[project]]`: a joint project with shared costs.
fn read_project(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Project> {
    let id = r.parsed(&mut t, "id", "\"stu\"", true, local_id);
    let name = r.req_str(&mut t, "name", "\"Fælles STU-tilbud\"");
    let area = r.parsed(&mut t, "area", "\"stu\"", false, local_id);
    let participants = r.list(&mut t, "participants", "\"DK-0253\"", party);
    if participants.is_empty() {
        r.missing(&t, "participants", "[\"DK-0253\", \"DK-0269\"]");
    }
    let lead = r.parsed(&mut t, "lead", "\"DK-0259\"", false, party);
    let valid = if t.table.contains_key("from") || t.table.contains_key("to") {
        interval(r, &mut t, "from", "to", true)
    } else {
        None
    };
    let status = r.parsed(
        &mut t,
        "status",
        "\"running\"",
        true,
        enum_value(ProjectStatus::parse, ProjectStatus::choices()),
    );
    let currency = r.parsed(&mut t, "currency", "\"DKK\"", true, currency);
    let key = r
        .sub_table(&mut t, "key", false, "")
        .and_then(|kt| read_key(r, kt));
    let mut years = Vec::new();
    for yt in r.tables(&mut t, "year") {
        if let Some(year) = read_payment_year(r, yt) {
            years.push(year);
        }
    }
    let mut results = Vec::new();
    for mut rt in r.tables(&mut t, "result") {
        let year = r
            .integer(&mut rt, "year", true, 1900..2200, "2026")
            .map(|n| n as i32);
        let text = r.req_str(&mut rt, "text", "\"40 unge fik et STU-forløb\"");
        r.finish(rt, &["year", "text"]);
        if let (Some(year), Some(text)) = (year, text) {
            results.push(ProjectResult { year, text });
        }
    }
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "name",
            "area",
            "participants",
            "lead",
            "from",
            "to",
            "status",
            "currency",
            "key",
            "year",
            "result",
            "note",
        ],
    );
    Some(Project {
        id: id?,
        name: name?,
        area,
        participants,
        lead,
        valid,
        status: status?,
        currency: currency?,
        key,
        years,
        results,
        note,
    })
}

/// `[voting]`: how the parties decide a change of the agreement.
fn read_voting(r: &mut Reader, top: &mut Tbl<'_, '_>) -> Option<Voting> {
    let mut t = r.sub_table(top, "voting", false, "")?;
    let rule = r.parsed(
        &mut t,
        "rule",
        "\"unanimity\"",
        true,
        enum_value(VotingRule::parse, VotingRule::choices()),
    );
    let by = r.parsed(
        &mut t,
        "by",
        "\"members\"",
        true,
        enum_value(VoteBasis::parse, VoteBasis::choices()),
    );
    let threshold_percent = r
        .integer(&mut t, "threshold_percent", false, 51..101, "67")
        .map(|n| n as u32);
    let population = if t.table.contains_key("population") {
        read_shares(r, &mut t, "population", "{ \"DK-0185\" = 43000 }").unwrap_or_default()
    } else {
        Vec::new()
    };
    let population_date = r.date(&mut t, "population_date", false);
    let population_source = r.opt_str(&mut t, "population_source");
    let clause = r.opt_str(&mut t, "clause");
    let field = t.field("threshold_percent");
    let span = t.span.clone();
    let pop_field = t.field("population");
    r.finish(
        t,
        &[
            "rule",
            "by",
            "threshold_percent",
            "population",
            "population_date",
            "population_source",
            "clause",
        ],
    );
    let (rule, by) = (rule?, by?);
    match (rule, threshold_percent) {
        (VotingRule::QualifiedMajority, None) => r.error(
            &span,
            &field,
            "a qualified majority needs its threshold; add threshold_percent = 67 (or the share the agreement names)".to_string(),
        ),
        (VotingRule::Unanimity | VotingRule::SimpleMajority, Some(_)) => {
            let place = r.spans.of(&field);
            r.error(&place, &field, format!("a threshold belongs to a qualified majority only; remove it or use rule = \"qualified_majority\" (the rule is {rule})"));
        }
        _ => {}
    }
    if by == VoteBasis::Population && population.is_empty() {
        r.error(
            &span,
            &pop_field,
            "a vote counted by population needs each party's residents; add population = { \"DK-0185\" = 43000, … } with population_date and population_source".to_string(),
        );
    }
    Some(Voting {
        rule,
        by,
        threshold_percent,
        population,
        population_date,
        population_source,
        clause,
    })
}

/// `[[scenario]]` with its `[[scenario.change]]` and `[[scenario.staff]]`.
fn read_scenario(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<Scenario> {
    let id = r.parsed(&mut t, "id", "\"hjemtagelse-2027\"", true, local_id);
    let name = r.req_str(&mut t, "name", "\"Dragør takes PPR back\"");
    let prepared = r.date(&mut t, "prepared", true);
    let known_on = r.date(&mut t, "known_on", false);
    let description = r.opt_str(&mut t, "description");
    let published = r.boolean(&mut t, "published").unwrap_or(false);
    let mut changes = Vec::new();
    let tables = r.tables(&mut t, "change");
    if tables.is_empty() && !t.table.contains_key("change") {
        r.missing(&t, "change", "[[scenario.change]] kind = \"take_back\" …");
    }
    for ct in tables {
        if let Some(c) = read_scenario_change(r, ct) {
            changes.push(c);
        }
    }
    let mut staff = Vec::new();
    for mut st in r.tables(&mut t, "staff") {
        let from = r.parsed(&mut st, "from", "\"DK-0185\"", true, party);
        let to = r.parsed(&mut st, "to", "\"DK-0155\"", true, party);
        let count = r
            .integer(&mut st, "count", true, 0..1_000_000, "4")
            .map(|n| n as u32);
        let note = r.opt_str(&mut st, "note");
        r.finish(st, &["from", "to", "count", "note"]);
        if let (Some(from), Some(to), Some(count)) = (from, to, count) {
            staff.push(StaffFigure {
                from,
                to,
                count,
                note,
            });
        }
    }
    let adopted = match r.sub_table(&mut t, "adopted", false, "") {
        Some(mut at) => {
            let on = r.date(&mut at, "on", true);
            let decision = r.parsed(&mut at, "decision", "\"vedtagelse-2027\"", true, local_id);
            r.finish(at, &["on", "decision"]);
            Some(ScenarioAdoption {
                on: on?,
                decision: decision?,
            })
        }
        None => None,
    };
    let note = r.opt_str(&mut t, "note");
    r.finish(
        t,
        &[
            "id",
            "name",
            "prepared",
            "known_on",
            "description",
            "published",
            "change",
            "staff",
            "adopted",
            "note",
        ],
    );
    Some(Scenario {
        id: id?,
        name: name?,
        prepared: prepared?,
        known_on,
        description,
        changes,
        staff,
        adopted,
        published,
        note,
    })
}

const CHANGE_KINDS: &str = "take_back, leave, join, new_cooperation";

fn read_scenario_change(r: &mut Reader, mut t: Tbl<'_, '_>) -> Option<ScenarioChange> {
    let kind = r.req_str(&mut t, "kind", "\"take_back\"")?;
    let member = |r: &mut Reader, t: &mut Tbl<'_, '_>| {
        r.parsed(t, "member", "\"DK-0155\"", true, |s| {
            municipality(s).and_then(|m| municipality_exists(m).map(|()| m))
        })
    };
    let change = match kind.as_str() {
        "take_back" => {
            let member = member(r, &mut t);
            let services = r.list(&mut t, "services", "\"ppr\"", service_id);
            if services.is_empty() {
                r.missing(&t, "services", "[\"ppr\"]");
            }
            let from = r.date(&mut t, "from", true);
            r.finish(t, &["kind", "member", "services", "from"]);
            ScenarioChange::TakeBack {
                member: member?,
                services,
                from: from?,
            }
        }
        "leave" => {
            let member = member(r, &mut t);
            let from = r.date(&mut t, "from", true);
            let successor = r.parsed(&mut t, "successor", "\"DK-0185\"", false, party);
            r.finish(t, &["kind", "member", "from", "successor"]);
            ScenarioChange::Leave {
                member: member?,
                from: from?,
                successor,
            }
        }
        "join" => {
            let member = member(r, &mut t);
            let from = r.date(&mut t, "from", true);
            let services = r.list(&mut t, "services", "\"ppr\"", service_id);
            let parts = r
                .integer(&mut t, "parts", false, 1..1_000_000_000_000, "1")
                .map(|n| n as u64);
            let population = r
                .integer(&mut t, "population", false, 1..1_000_000_000_000, "14000")
                .map(|n| n as u64);
            r.finish(
                t,
                &["kind", "member", "from", "services", "parts", "population"],
            );
            ScenarioChange::Join {
                member: member?,
                from: from?,
                services,
                parts,
                population,
            }
        }
        "new_cooperation" => {
            let area = r.parsed(&mut t, "area", "\"ppt\"", true, local_id);
            let id = r.parsed(&mut t, "id", "\"ppt-indre-ostfold\"", true, |s| {
                CooperationId::parse(s).map_err(|e| e.to_string())
            });
            let name = r.req_str(&mut t, "name", "\"PPT-samarbeid\"");
            let legal_form = r.parsed(
                &mut t,
                "legal_form",
                "\"no-vertskommune\"",
                true,
                enum_value(LegalForm::parse, LegalForm::choices()),
            );
            let performer = r.parsed(&mut t, "performer", "\"NO-3122\"", true, |s| {
                municipality(s).and_then(|m| municipality_exists(m).map(|()| m))
            });
            let members = r.list(&mut t, "members", "\"NO-3118\"", |s| {
                municipality(s).and_then(|m| municipality_exists(m).map(|()| m))
            });
            let from = r.date(&mut t, "from", true);
            let currency = r.parsed(&mut t, "currency", "\"NOK\"", false, currency);
            let files_before = r.population_files.len();
            let key = r
                .sub_table(&mut t, "key", false, "")
                .and_then(|kt| read_key(r, kt));
            if r.population_files.len() > files_before {
                r.population_files.truncate(files_before);
                let field = t.field("key");
                let span = r.spans.of(&field);
                r.error(&span, &field, "a scenario's key gives its numbers inline (population = { … }); population_csv is read for payment agreements only".to_string());
            }
            let mut years = Vec::new();
            for yt in r.tables(&mut t, "year") {
                if let Some(y) = read_payment_year(r, yt) {
                    years.push(y);
                }
            }
            let span = t.span.clone();
            let currency_field = t.field("currency");
            r.finish(
                t,
                &[
                    "kind",
                    "area",
                    "id",
                    "name",
                    "legal_form",
                    "performer",
                    "members",
                    "from",
                    "currency",
                    "key",
                    "year",
                ],
            );
            if key.is_some() && currency.is_none() {
                r.error(
                    &span,
                    &currency_field,
                    "a key needs the currency its costs are in; add currency = \"DKK\", \"SEK\" or \"NOK\"".to_string(),
                );
            }
            ScenarioChange::NewCooperation {
                area: area?,
                id: id?,
                name: name?,
                legal_form: legal_form?,
                performer: performer?,
                members,
                from: from?,
                currency,
                key,
                years,
            }
        }
        other => {
            let field = t.field("kind");
            let span = r.spans.of(&field);
            r.error(
                &span,
                &field,
                format!("\"{other}\" is not a kind of change; use {CHANGE_KINDS}"),
            );
            return None;
        }
    };
    Some(change)
}
