//! `samvirke invoice`: Peppol BIS Billing 3.0 e-invoices and credit notes for a settled year,
//! recorded in the journal as they are issued and written to a directory as UBL files.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use samvirke_core::model::{Fact, InvoiceItem, IssuedInvoice};
use samvirke_core::{CooperationId, PartyId};
use samvirke_i18n::Lang;
use samvirke_report::invoice::{Selection, prepare};
use samvirke_store::{Change, StoreError};

use super::{now, open_store, today};
use crate::cli_error::CliError;
use crate::files::write_atomically;

/// Arguments of `samvirke invoice`.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  samvirke invoice dragoer-taarnby --year 2025 -o invoices/\n  samvirke invoice vastra-malardalen --year 2025 --payer SE-1984 --instalment 3 -o invoices/\n  samvirke invoice dragoer-taarnby --year 2024 --true-up -o invoices/\n\nThe documents rest on the year's recorded settlement run (`samvirke settle`). Each is recorded in\nthe journal when it is issued and is never changed: asking again writes the same bytes, and after a\nnew run that changes an amount, the difference gets a new invoice or credit note. Numbers are unique\nper seller (the payee): DK-0185-000001, DK-0185-000002, …"
)]
pub struct InvoiceArgs {
    /// Cooperation id (see `samvirke cooperations`).
    cooperation: String,
    /// The settled year.
    #[arg(long)]
    year: i32,
    /// Only this payer's documents.
    #[arg(long, value_name = "MUNICIPALITY")]
    payer: Option<String>,
    /// Only this aconto instalment (1 is the first).
    #[arg(long, value_name = "N", conflicts_with = "true_up")]
    instalment: Option<u32>,
    /// Only the year-end true-up (an invoice, or a credit note when it is a refund).
    #[arg(long)]
    true_up: bool,
    /// The directory the UBL files are written to (made if missing): one NUMBER.xml each.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
}

/// How often a run that lost a race for the journal tries again.
const ATTEMPTS: usize = 8;

/// Runs the command.
pub fn run(db: &str, args: InvoiceArgs, lang: Lang) -> Result<(), CliError> {
    let id = CooperationId::parse(&args.cooperation)
        .map_err(|e| CliError::Input(format!("COOPERATION: {e}")))?;
    let payer = match &args.payer {
        Some(p) => Some(
            PartyId::parse(p)
                .map_err(|e| CliError::Input(format!("--payer: {e}")))?
                .to_string(),
        ),
        None => None,
    };
    let item = match (args.instalment, args.true_up) {
        (Some(0), _) => {
            return Err(CliError::Input(
                "--instalment: the first instalment is 1".into(),
            ));
        }
        (Some(n), _) => Some(InvoiceItem::Instalment { number: n }),
        (None, true) => Some(InvoiceItem::TrueUp),
        (None, false) => None,
    };
    let selection = Selection { payer, item };
    let mut store = open_store(db)?;
    for _ in 0..ATTEMPTS {
        let projection = store.projection(None)?;
        let doc = super::cooperation_doc(&projection, &id)?;
        let run_key = format!("{id}/settlement/{}", args.year);
        let Some((run, run_event)) = projection.facts.get(&run_key).and_then(|f| match &f.fact {
            Fact::SettlementRun { run, .. } => Some((run, f.seq)),
            _ => None,
        }) else {
            return Err(CliError::Input(format!(
                "no settlement run is recorded for \"{id}\" in {}; record one with `samvirke settle {id} --year {}` first; nothing was written",
                args.year, args.year
            )));
        };
        let issued: Vec<&IssuedInvoice> = projection
            .facts
            .values()
            .filter_map(|f| match &f.fact {
                Fact::Invoice { invoice, .. } => Some(invoice),
                _ => None,
            })
            .collect();
        let prepared = prepare(
            &doc,
            args.year,
            run,
            run_event,
            &issued,
            &selection,
            today(),
            lang,
        )
        .map_err(|m| CliError::Input(format!("{}\nnothing was written", m.0.join("\n"))))?;
        let changes: Vec<Change> = prepared
            .new
            .iter()
            .map(|invoice| Change::Put {
                fact: Box::new(Fact::Invoice {
                    cooperation: id.clone(),
                    invoice: invoice.clone(),
                }),
                supersedes: None,
            })
            .collect();
        let reason = format!("e-invoices for {id} {}", args.year);
        match store.commit(projection.head, &super::actor(), &reason, changes, now()) {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
        std::fs::create_dir_all(&args.output).map_err(|e| {
            CliError::Input(format!(
                "-o {}: cannot make the directory: {e}",
                args.output.display()
            ))
        })?;
        let mut all: Vec<&IssuedInvoice> = prepared.existing.clone();
        all.extend(prepared.new.iter());
        all.sort_by(|a, b| a.number.cmp(&b.number));
        for invoice in &all {
            write_atomically(
                &args.output.join(format!("{}.xml", invoice.number)),
                invoice.xml.as_bytes(),
            )?;
        }
        let count = |docs: &[&IssuedInvoice], credit: bool| {
            docs.iter().filter(|i| i.credit_note == credit).count()
        };
        let new: Vec<&IssuedInvoice> = prepared.new.iter().collect();
        let mut err = std::io::stderr().lock();
        writeln!(
            err,
            "invoice: {} invoice(s) and {} credit note(s) issued{}; {} issued before and written again unchanged; {} file(s) in {}",
            count(&new, false),
            count(&new, true),
            match (new.first(), new.last()) {
                (Some(a), Some(b)) if a.number != b.number =>
                    format!(" ({} … {})", a.number, b.number),
                (Some(a), _) => format!(" ({})", a.number),
                _ => String::new(),
            },
            prepared.existing.len(),
            all.len(),
            args.output.display()
        )?;
        return Ok(());
    }
    Err(CliError::Conflict(format!(
        "other writers kept changing the journal; {ATTEMPTS} attempts to issue the invoices lost the race and nothing was written; run the command again"
    )))
}
