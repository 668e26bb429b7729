//! `samvirke remind`: reminder mails before due dates and a weekly digest per staff member, over
//! SMTP. Meant to run once a day from cron or a systemd timer; every mail is sent once (the store
//! remembers each one), so running it again the same day sends nothing new.

use std::time::Duration;

use clap::Args;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{Message, SmtpTransport, Transport};
use samvirke_core::Date;
use samvirke_core::reminders::{self, DigestCase, Mail, Recipient};
use samvirke_i18n::Lang;

use super::{now, open_store, parse_date_flag, today};
use crate::cli_error::CliError;

/// An SMTP conversation that takes longer than this is given up (the run reports it).
const SMTP_TIMEOUT_MS: u64 = 30_000;
/// At most this many mails in one run: a misconfiguration must not flood anyone.
const MAILS_PER_RUN_MAX: usize = 5_000;

/// Arguments of `samvirke remind`.
#[derive(Args, Debug)]
#[command(
    after_help = "Sends each staff member a reminder before each open deadline they are concerned with (their account's scope names the cooperation, a municipality that owns the deadline, or for a statutory duty a municipality that is party), and with --digest a weekly digest of their overdue and coming deadlines and of the register cases they can see that fall due. Accounts without a scope, and disabled ones, get nothing. Mail is plain text in the language of the cooperation (reminders) or of the account's first municipality (digests).\n\nThe SMTP URL: smtps://user:pass@host (TLS), smtp://user:pass@host:587?tls=required (STARTTLS), or smtp://host:25 (unencrypted: only for a relay on the same machine or network).\n\nExamples:\n  samvirke remind --smtp smtp://127.0.0.1:25 --from samvirke@dragoer.dk\n  samvirke remind --digest --dry-run\n  SAMVIRKE_SMTP_URL=smtps://samvirke:secret@mail.example.dk samvirke remind --days-before 30,7,1"
)]
pub struct RemindArgs {
    /// The SMTP server. Required unless --dry-run.
    #[arg(
        long,
        env = "SAMVIRKE_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp: Option<String>,
    /// The sender address. Required unless --dry-run.
    #[arg(long, env = "SAMVIRKE_MAIL_FROM", value_name = "ADDRESS")]
    from: Option<String>,
    /// How many days before a due date reminders go out (each once).
    #[arg(long, value_delimiter = ',', default_values_t = reminders::DAYS_BEFORE_DEFAULT.to_vec(), value_name = "DAYS")]
    days_before: Vec<u32>,
    /// Send the weekly digest (once per ISO week per person) instead of the reminders.
    #[arg(long)]
    digest: bool,
    /// The day to run for. Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    /// Print what would be sent; send and record nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `samvirke remind`.
pub fn run(db: &str, args: RemindArgs) -> Result<(), CliError> {
    let on = match &args.on {
        Some(text) => parse_date_flag("--on", text)?,
        None => today(),
    };
    if let Some(big) = args.days_before.iter().find(|d| **d > 366) {
        return Err(CliError::Input(format!(
            "--days-before {big}: at most 366 days ahead"
        )));
    }
    let sender = if args.dry_run {
        None
    } else {
        Some(Sender::new(args.smtp.as_deref(), args.from.as_deref())?)
    };
    let mut store = open_store(db)?;
    let registry = store.projection(None)?.registry();
    let recipients: Vec<Recipient> = store
        .users()?
        .into_iter()
        .filter(|u| !u.disabled && !u.scopes.is_empty())
        .map(|u| Recipient {
            email: u.email,
            scopes: u.scopes,
        })
        .collect();
    let mut mails = if args.digest {
        let mut out = Vec::new();
        let cases = store.cases(None)?;
        for r in &recipients {
            let own: Vec<DigestCase> = cases
                .iter()
                .filter(|c| c.closed_on.is_none())
                .filter(|c| {
                    r.scopes.iter().any(|s| {
                        samvirke_core::MunicipalityId::parse(s, None).is_ok_and(|m| c.visible_to(m))
                    })
                })
                .filter_map(|c| {
                    let due = c.dues(r.language()).into_iter().next()?;
                    let ahead = Date::from_days_since_epoch(
                        on.days_since_epoch() + reminders::DIGEST_DAYS_AHEAD,
                    );
                    (due.due <= ahead).then(|| {
                        (due.due, {
                            // In the recipient's words: the kind and the service by name.
                            let lang = Lang::of(r.language());
                            let service = registry
                                .service_name_in(&c.case.service, r.language())
                                .unwrap_or(&c.case.service);
                            format!(
                                "#{} {} – {service} ({}): {}",
                                c.id,
                                samvirke_i18n::t(lang, &format!("kind-{}", c.case.kind)),
                                c.case.reference,
                                due.title
                            )
                        })
                    })
                })
                .collect();
            if let Some(mail) = reminders::digest(&registry, r, &own, on, Lang::of)
                .map_err(|e| CliError::Input(e.to_string()))?
            {
                out.push(mail);
            }
        }
        out
    } else {
        reminders::reminders(&registry, &recipients, on, &args.days_before, Lang::of)
            .map_err(|e| CliError::Input(e.to_string()))?
    };
    let mut already = 0;
    let mut fresh: Vec<Mail> = Vec::new();
    for mail in mails.drain(..) {
        if store.mail_was_sent(&mail.key, &mail.to)? {
            already += 1;
        } else {
            fresh.push(mail);
        }
    }
    if fresh.len() > MAILS_PER_RUN_MAX {
        return Err(CliError::Input(format!(
            "{} mails would go out in one run, more than the limit of {MAILS_PER_RUN_MAX}; check the accounts' scopes and --days-before",
            fresh.len()
        )));
    }
    let what = if args.digest { "digest" } else { "reminder" };
    let Some(sender) = sender else {
        for mail in &fresh {
            println!("would send {what} to {}: {}", mail.to, mail.subject);
        }
        println!(
            "{} {what}(s) would be sent on {on}; {already} already sent (dry run: nothing sent or recorded)",
            fresh.len()
        );
        return Ok(());
    };
    let mut sent = 0;
    let mut failures = Vec::new();
    for mail in &fresh {
        match sender.send(mail) {
            Ok(()) => {
                store.mail_sent(&mail.key, &mail.to, now())?;
                sent += 1;
                println!("sent {what} to {}: {}", mail.to, mail.subject);
            }
            Err(e) => failures.push(format!("{}: {e}", mail.to)),
        }
    }
    println!("{sent} {what}(s) sent on {on}; {already} already sent earlier");
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::Failure(format!(
            "{} mail(s) could not be sent (they will be tried again on the next run):\n  {}",
            failures.len(),
            failures.join("\n  ")
        )))
    }
}

struct Sender {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Sender {
    fn new(url: Option<&str>, from: Option<&str>) -> Result<Sender, CliError> {
        let url = url.ok_or_else(|| {
            CliError::Input(
                "--smtp (or SAMVIRKE_SMTP_URL) is needed to send mail, e.g. smtp://127.0.0.1:25 or smtps://user:pass@mail.example.dk; use --dry-run to see what would be sent".into(),
            )
        })?;
        let from = from.ok_or_else(|| {
            CliError::Input(
                "--from (or SAMVIRKE_MAIL_FROM) is needed: the address reminders are sent from, e.g. samvirke@dragoer.dk".into(),
            )
        })?;
        let from: Mailbox = from.parse().map_err(|e| {
            CliError::Input(format!("--from \"{from}\" is not a mail address: {e}"))
        })?;
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| {
                CliError::Input(format!(
                    "--smtp: {e}; write smtps://user:pass@host, smtp://host:587?tls=required or smtp://host:25"
                ))
            })?
            .timeout(Some(Duration::from_millis(SMTP_TIMEOUT_MS)))
            .build();
        Ok(Sender { transport, from })
    }

    fn send(&self, mail: &Mail) -> Result<(), String> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("not a mail address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
