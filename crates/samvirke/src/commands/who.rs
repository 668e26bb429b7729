//! `samvirke who`: the resolver, one question or a batch.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use samvirke_core::model::Contact;
use samvirke_core::resolver::{Answer, BasisStep, Body, WhereToGo};
use samvirke_core::{Country, Date, MunicipalityId, Registry, ResolveError, Timestamp};

use samvirke_i18n::{self as i18n, Lang};

use super::{now, open_store, parse_date_flag, print_json, register, today};
use crate::cli_error::CliError;
use crate::files::{read_text, write_atomically};

/// Arguments of `samvirke who`.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  samvirke who DK-0155 genoptraening-sel86 --on 2021-08-31\n  samvirke who NO-0119 ppt --on 2025-01-01 --json\n  samvirke who DK-155 ppr --on 2020-03-01 --as-known-on 2021-06-01\n  samvirke who --batch queries.csv -o answers.csv"
)]
pub struct WhoArgs {
    /// Municipality id: DK-0155, DK-155, dk-0155, or a bare code with --country.
    #[arg(required_unless_present = "batch")]
    municipality: Option<String>,
    /// Service id, e.g. genoptraening-sel86 (see `samvirke services`).
    #[arg(required_unless_present = "batch")]
    service: Option<String>,
    /// The date the question is about (YYYY-MM-DD). Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    /// Answer as the registry knew it then: YYYY-MM-DD (end of that day, UTC) or an RFC 3339 time.
    #[arg(long, value_name = "TIMESTAMP")]
    as_known_on: Option<String>,
    /// Country for a bare municipality code such as 0119.
    #[arg(long, value_name = "DK|SE|NO")]
    country: Option<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
    /// Answer every row of a CSV file with columns municipality,service,date.
    #[arg(long, value_name = "QUERIES.csv", conflicts_with_all = ["municipality", "service", "on", "json"])]
    batch: Option<PathBuf>,
    /// Where to write the batch answers (default: stdout).
    #[arg(short, long, value_name = "FILE", requires = "batch")]
    output: Option<PathBuf>,
}

fn resolve_error(e: ResolveError) -> CliError {
    match e {
        ResolveError::Conflict { .. } => CliError::Failure(e.to_string()),
        _ => CliError::Input(e.to_string()),
    }
}

/// Runs the command.
pub fn run(db: &str, args: WhoArgs, lang: Lang) -> Result<(), CliError> {
    let as_known_on = match &args.as_known_on {
        Some(text) => Some(
            Timestamp::parse(text).map_err(|e| CliError::Input(format!("--as-known-on: {e}")))?,
        ),
        None => None,
    };
    if as_known_on.is_some_and(|k| k > now()) {
        return Err(CliError::Input("--as-known-on: the time is in the future; the registry cannot know what it has not recorded yet".to_string()));
    }
    let country = match &args.country {
        Some(text) => {
            Some(Country::parse(text).map_err(|e| CliError::Input(format!("--country: {e}")))?)
        }
        None => None,
    };
    let mut store = open_store(db)?;
    let registry = store.projection(as_known_on)?.registry();
    if let Some(path) = &args.batch {
        return batch(&registry, path, args.output.as_deref(), country);
    }
    let (Some(municipality), Some(service)) = (&args.municipality, &args.service) else {
        return Err(CliError::Input(
            "give MUNICIPALITY and SERVICE, or --batch FILE".to_string(),
        ));
    };
    let on = match &args.on {
        Some(text) => parse_date_flag("--on", text)?,
        None => today(),
    };
    let id =
        MunicipalityId::parse(municipality, country).map_err(|e| CliError::Input(e.to_string()))?;
    let answer = match registry.who(id, service, on, as_known_on) {
        Ok(answer) => answer,
        Err(ResolveError::UnknownService { .. })
            if as_known_on.is_some()
                && store
                    .projection(None)?
                    .registry()
                    .service_index_str(service)
                    .is_some() =>
        {
            let known = as_known_on.map(|k| k.to_string()).unwrap_or_default();
            return Err(CliError::Input(format!(
                "service \"{service}\" was not yet recorded as known on {known}; it was recorded later (see `samvirke db log`). Ask with a later --as-known-on"
            )));
        }
        Err(e) => return Err(resolve_error(e)),
    };
    if args.json {
        print_json(&answer)
    } else {
        let mut out = std::io::stdout().lock();
        let text = match lang {
            Lang::En => render_text(&answer),
            other => render_in(&registry, &answer, other),
        };
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}

fn body_text(label: &str, body: &Body) -> String {
    let how = if body.stated_in_agreement {
        "named in the agreement"
    } else {
        "not named in the agreement; the performing municipality handles it"
    };
    format!("  {label:<17}{} ({}), {how}\n", body.name, body.id)
}

/// Where to go, and each unit's channels, one per line.
fn contact_text(c: &WhereToGo) -> String {
    let how = match c.reason() {
        "residence" => "the resident's own municipality, as the agreement says",
        "own" => "the resident's own municipality, which performs it",
        "performer" => "the performer, as the agreement says",
        _ => "the performer; the agreement names no other place",
    };
    let mut out = format!("  {:<17}{} ({}), {how}\n", "Where to go:", c.name, c.id);
    for unit in &c.contacts {
        let _ = writeln!(
            out,
            "  {:<17}{}{}",
            "",
            unit.unit,
            channels_text(unit, &CHANNEL_LABELS_EN)
        );
    }
    out
}

/// The channel labels of the English text answer.
const CHANNEL_LABELS_EN: [&str; 7] = [
    "telephone",
    "secure digital mail",
    "e-mail",
    "web",
    "visiting address",
    "postal address",
    "opening hours",
];

/// A unit's channels after its name: `: label value; label value` (nothing when it has none).
fn channels_text(unit: &Contact, labels: &[impl AsRef<str>; 7]) -> String {
    let values = [
        &unit.phone,
        &unit.digital_mail,
        &unit.email,
        &unit.web,
        &unit.visiting_address,
        &unit.address,
        &unit.opening_hours,
    ];
    let parts: Vec<String> = labels
        .iter()
        .zip(values)
        .filter_map(|(label, value)| value.as_ref().map(|v| format!("{} {v}", label.as_ref())))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join("; "))
    }
}

fn step_text(idx: usize, step: &BasisStep) -> String {
    let mut out = format!("  {}. {}\n", idx + 1, step.text);
    let mut details = Vec::new();
    if let Some(v) = &step.valid {
        let to = v
            .last_day
            .map_or("open-ended".to_string(), |d| d.to_string());
        details.push(format!("valid {} – {to}", v.from));
    }
    if let Some(r) = &step.recorded {
        details.push(format!("recorded {} (event {})", r.recorded_at, r.event));
    }
    if !details.is_empty() {
        let _ = writeln!(out, "     {}", details.join("; "));
    }
    out
}

/// The answer for people.
pub fn render_text(a: &Answer) -> String {
    let mut out = String::new();
    let known = a
        .as_known_on
        .map(|k| format!(", as known on {k}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} ({}) performs \"{}\" for residents of {} ({}) on {}{known}.",
        a.responsible.name,
        a.responsible.id,
        a.service.id,
        a.municipality.name,
        a.municipality.id,
        a.on
    );
    for note in &a.municipality_notes {
        let _ = writeln!(out, "  note: {note}");
    }
    let _ = writeln!(out, "  {:<17}{}", "Service:", a.service.name);
    if !a.legal_basis.is_empty() {
        let _ = writeln!(out, "  {:<17}{}", "Legal basis:", a.legal_basis.join("; "));
    }
    out.push_str(&contact_text(&a.contact));
    out.push_str(&body_text("Complaints:", &a.complaints_to));
    out.push_str(&body_text("Documents:", &a.documents_access_to));
    out.push_str(&body_text("Personal data:", &a.data_access_to));
    if !a.clauses.is_empty() {
        out.push_str("Clauses:\n");
        for c in &a.clauses {
            let _ = writeln!(out, "  {} ({}): {}", c.number, c.subject.as_str(), c.text);
        }
    }
    out.push_str("Basis:\n");
    for (idx, step) in a.basis.iter().enumerate() {
        out.push_str(&step_text(idx, step));
    }
    out
}

/// The answer for people in `lang`, from the same translations as the citizen's page: who
/// handles it, the law by its name, where to complain and ask for documents, and why, step by
/// step with the days each step is in force. Ids stay beside the names, as on the command line.
pub fn render_in(registry: &Registry, a: &Answer, lang: Lang) -> String {
    let service = registry
        .service_name_in(&a.service.id, lang.language())
        .unwrap_or(&a.service.name)
        .to_string();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        i18n::message(
            lang,
            "answer-text",
            &[
                (
                    "municipality",
                    &format!("{} ({})", a.municipality.name, a.municipality.id)
                ),
                (
                    "responsible",
                    &format!("{} ({})", a.responsible.name, a.responsible.id)
                ),
                ("service", &service),
                ("date", &i18n::date(lang, a.on)),
            ],
        )
    );
    let line = |out: &mut String, key: &str, value: &str| {
        let _ = writeln!(out, "  {}: {value}", i18n::t(lang, key));
    };
    for note in &a.municipality_notes {
        line(&mut out, "answer-note", note);
    }
    if !a.legal_basis.is_empty() {
        let laws: Vec<String> = a
            .legal_basis
            .iter()
            .map(|c| i18n::citation(lang, c))
            .collect();
        line(&mut out, "answer-law", &laws.join("; "));
    }
    let c = &a.contact;
    let place = format!("{} ({})", c.name, c.id);
    let why = i18n::message(
        lang,
        &format!("answer-contact-{}", c.reason()),
        &[("place", &place), ("performer", &a.responsible.name)],
    );
    line(&mut out, "answer-contact-heading", &why);
    let labels = [
        "channel-phone",
        "channel-digital-mail",
        "channel-email",
        "channel-web",
        "channel-visiting-address",
        "channel-address",
        "channel-opening-hours",
    ]
    .map(|key| i18n::t(lang, key));
    for unit in &c.contacts {
        let _ = writeln!(out, "    {}{}", unit.unit, channels_text(unit, &labels));
    }
    for (key, body) in [
        ("answer-complaints", &a.complaints_to),
        ("answer-access", &a.documents_access_to),
        ("answer-data-access", &a.data_access_to),
    ] {
        let mut value = format!("{} ({})", body.name, body.id);
        if !body.stated_in_agreement {
            let _ = write!(value, " – {}", i18n::t(lang, "body-default"));
        }
        line(&mut out, key, &value);
    }
    if !a.clauses.is_empty() {
        let _ = writeln!(out, "{}:", i18n::t(lang, "answer-clauses-heading"));
        for c in &a.clauses {
            let _ = writeln!(
                out,
                "  {} – {}: {}",
                i18n::message(lang, "clause-heading", &[("number", &c.number)]),
                i18n::t(lang, &format!("clause-{}", c.subject.as_str())),
                c.text
            );
        }
    }
    let _ = writeln!(out, "{}:", i18n::t(lang, "answer-why"));
    for (idx, step) in a.basis.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {}",
            idx + 1,
            i18n::basis_step(lang, step.step, &step.text, &step.args, &service)
        );
        if let Some(v) = &step.valid {
            let to = v
                .last_day
                .map_or_else(|| i18n::t(lang, "open-ended"), |d| i18n::date(lang, d));
            let _ = writeln!(
                out,
                "     {}",
                i18n::message(
                    lang,
                    "answer-valid",
                    &[("from", &i18n::date(lang, v.from)), ("to", &to)]
                )
            );
        }
    }
    out
}

const BATCH_ERRORS_SHOWN_MAX: usize = 20;

/// Answers a CSV of questions. Every row is checked first; any bad row rejects the whole batch
/// (exit 2, the rows named, nothing written).
fn batch(
    registry: &Registry,
    path: &std::path::Path,
    output: Option<&std::path::Path>,
    country: Option<Country>,
) -> Result<(), CliError> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    let (header, body) = text.split_once('\n').unwrap_or((&text, ""));
    let header = header.trim_start_matches('\u{feff}').trim_end_matches('\r');
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    if columns != ["municipality", "service", "date"] {
        return Err(CliError::Input(format!(
            "{name}:1: the header is \"{header}\"; it must be municipality,service,date"
        )));
    }
    // Rows are independent: answer them in one chunk per core, each chunk ending on a line break,
    // and join the outputs in order.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(BATCH_THREADS_MAX);
    let chunks = split_lines(body, threads);
    let mut first_line = 2;
    let mut starts = Vec::with_capacity(chunks.len());
    for chunk in &chunks {
        starts.push(first_line);
        first_line += chunk.bytes().filter(|b| *b == b'\n').count();
    }
    let results: Vec<BatchChunk> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .zip(&starts)
            .map(|(chunk, start)| {
                scope.spawn(move || answer_chunk(registry, chunk, *start, country))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| BatchChunk::failed()))
            .collect()
    });
    let rows: usize = results.iter().map(|r| r.rows).sum();
    let error_count: usize = results.iter().map(|r| r.error_count).sum();
    if error_count > 0 {
        let errors: Vec<String> = results
            .iter()
            .flat_map(|r| &r.errors)
            .take(BATCH_ERRORS_SHOWN_MAX)
            .map(|(line, message)| format!("{name}:{line}: {message}"))
            .collect();
        let more = if error_count > errors.len() {
            format!(" (first {} shown)", errors.len())
        } else {
            String::new()
        };
        return Err(CliError::Input(format!(
            "{}\n{error_count} of {rows} rows could not be answered{more}; nothing was written. Fix the rows and run again.",
            errors.join("\n")
        )));
    }
    let mut out = Vec::with_capacity(results.iter().map(|r| r.out.len()).sum::<usize>() + 64);
    out.extend_from_slice(b"municipality,service,date,responsible\n");
    for r in &results {
        out.extend_from_slice(&r.out);
    }
    match output {
        Some(path) => write_atomically(path, &out),
        None => {
            std::io::stdout().lock().write_all(&out)?;
            Ok(())
        }
    }
}

const BATCH_THREADS_MAX: usize = 16;

/// Splits `text` into at most `n` pieces of about equal size, each ending after a line break.
fn split_lines(text: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::with_capacity(n);
    let mut rest = text;
    for remaining in (1..=n).rev() {
        if remaining == 1 || rest.len() < 4096 {
            out.push(rest);
            break;
        }
        let target = rest.len() / remaining;
        let cut = rest[target..]
            .find('\n')
            .map_or(rest.len(), |i| target + i + 1);
        let (piece, tail) = rest.split_at(cut);
        out.push(piece);
        rest = tail;
    }
    out
}

struct BatchChunk {
    out: Vec<u8>,
    rows: usize,
    error_count: usize,
    errors: Vec<(usize, String)>,
}

impl BatchChunk {
    fn failed() -> BatchChunk {
        BatchChunk {
            out: Vec::new(),
            rows: 0,
            error_count: 1,
            errors: vec![(
                0,
                "internal error while answering this part of the file".to_string(),
            )],
        }
    }
}

fn answer_chunk(
    registry: &Registry,
    chunk: &str,
    first_line: usize,
    country: Option<Country>,
) -> BatchChunk {
    let mut result = BatchChunk {
        out: Vec::with_capacity(chunk.len() + chunk.len() / 3),
        rows: 0,
        error_count: 0,
        errors: Vec::new(),
    };
    for (offset, line) in chunk.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        result.rows += 1;
        match answer_row(registry, line, country) {
            Ok(responsible) => {
                result.out.extend_from_slice(line.as_bytes());
                result.out.push(b',');
                push_party(&mut result.out, &responsible);
                result.out.push(b'\n');
            }
            Err(message) => {
                result.error_count += 1;
                if result.errors.len() < BATCH_ERRORS_SHOWN_MAX {
                    result.errors.push((first_line + offset, message));
                }
            }
        }
    }
    result
}

/// Writes `DK-0155` without the formatting machinery (this is the hot loop of a batch).
fn push_party(out: &mut Vec<u8>, party: &samvirke_core::PartyId) {
    match party.municipality() {
        Some(m) => {
            out.extend_from_slice(m.country().code().as_bytes());
            out.push(b'-');
            let code = m.code();
            out.extend_from_slice(&[
                b'0' + (code / 1000) as u8,
                b'0' + (code / 100 % 10) as u8,
                b'0' + (code / 10 % 10) as u8,
                b'0' + (code % 10) as u8,
            ]);
        }
        None => out.extend_from_slice(party.to_string().as_bytes()),
    }
}

fn answer_row(
    registry: &Registry,
    line: &str,
    country: Option<Country>,
) -> Result<samvirke_core::PartyId, String> {
    let mut fields = line.split(',');
    let (Some(m), Some(s), Some(d), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(format!(
            "expected 3 fields (municipality,service,date), found {}",
            line.split(',').count()
        ));
    };
    let (m, s, d) = (m.trim(), s.trim(), d.trim());
    let id = MunicipalityId::parse(m, country).map_err(|e| format!("municipality: {e}"))?;
    let on = Date::parse(d).map_err(|e| format!("date: {e}"))?;
    let resolved = register()
        .resolve(id, on)
        .map_err(|e| format!("municipality: {e}"))?;
    let Some(service) = registry.service_index_str(s) else {
        let suggestions: Vec<String> = registry
            .suggest_services(s)
            .iter()
            .map(|x| x.to_string())
            .collect();
        return Err(format!(
            "service: unknown service \"{s}\"{}",
            if suggestions.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", suggestions.join(", "))
            }
        ));
    };
    registry.performer_on(resolved.id(), service, on).ok_or_else(|| format!("two performers for {} and \"{s}\" on {on}; run `samvirke who {} {s} --on {on}` for details", resolved.id(), resolved.id()))
}
