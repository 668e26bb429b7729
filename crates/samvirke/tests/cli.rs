//! The `samvirke` binary, run as a user runs it, against a fresh SQLite file and a fresh PostgreSQL
//! database for every scenario (see `both!`).

#[path = "../../../tests/support/pg.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");

/// A working directory and a database for one scenario.
struct Env {
    dir: tempfile::TempDir,
    db: String,
    _pg: Option<pg::TestDatabase>,
}

impl Env {
    fn sqlite() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.db").to_string_lossy().to_string();
        Env { dir, db, _pg: None }
    }

    fn postgres() -> Env {
        let database = pg::TestDatabase::create();
        Env {
            dir: tempfile::tempdir().unwrap(),
            db: database.url().to_string(),
            _pg: Some(database),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_env(args, &[])
    }

    fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_samvirke"));
        cmd.args(args)
            .env("SAMVIRKE_DB", &self.db)
            .env("SAMVIRKE_ACTOR", "test")
            // The language of answers follows the locale: the tests say which they expect.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .current_dir(self.dir.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// Runs and expects exit 0; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "samvirke {args:?} failed ({:?}):\n{}{}",
            out.status,
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    /// Runs and expects the exit code; returns stderr.
    fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "samvirke {args:?}:\n{}{}",
            stdout(&out),
            stderr(&out)
        );
        stderr(&out)
    }

    fn import_examples(&self) {
        self.ok(&["import", EXAMPLES]);
    }

    fn who_json(&self, args: &[&str]) -> serde_json::Value {
        let mut full = vec!["who"];
        full.extend_from_slice(args);
        full.push("--json");
        serde_json::from_str(&self.ok(&full)).unwrap()
    }

    fn responsible(&self, municipality: &str, service: &str, on: &str) -> String {
        self.who_json(&[municipality, service, "--on", on])["responsible"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn n_events(&self) -> usize {
        let log: serde_json::Value =
            serde_json::from_str(&self.ok(&["db", "log", "--json"])).unwrap();
        log.as_array().unwrap().len()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn example(name: &str) -> String {
    std::fs::read_to_string(Path::new(EXAMPLES).join(name)).unwrap()
}

/// Defines the scenario as one test per backend.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn sqlite() {
                let f: fn(&Env) = $body;
                f(&Env::sqlite());
            }
            #[test]
            fn postgres() {
                let f: fn(&Env) = $body;
                f(&Env::postgres());
            }
        }
    };
}

both!(seed_facts, |env| {
    env.import_examples();
    assert_eq!(
        env.responsible("DK-0155", "genoptraening-sel86", "2021-08-31"),
        "DK-0185"
    );
    assert_eq!(
        env.responsible("DK-0155", "genoptraening-sel86", "2021-09-01"),
        "DK-0155"
    );
    assert_eq!(
        env.responsible("DK-0183", "beskaeftigelse", "2024-01-01"),
        "DK-0187"
    );
    assert_eq!(
        env.responsible("DK-0187", "genoptraening", "2024-01-01"),
        "DK-0183"
    );
    // Input forms: DK-155 and dk-0155 mean Dragør.
    assert_eq!(env.responsible("dk-155", "ppr", "2020-03-01"), "DK-0185");

    let answer = env.who_json(&["DK-0155", "genoptraening-sel86", "--on", "2021-08-31"]);
    assert_eq!(answer["municipality"]["id"], "DK-0155");
    assert_eq!(answer["service"]["id"], "genoptraening-sel86");
    assert_eq!(answer["on"], "2021-08-31");
    assert_eq!(answer["responsible"]["name"], "Tårnby");
    assert_eq!(answer["complaints_to"]["id"], "DK-0185");
    assert_eq!(answer["access_requests_to"]["id"], "DK-0185");
    assert_eq!(answer["documents_access_to"]["id"], "DK-0185");
    assert_eq!(answer["data_access_to"]["id"], "DK-0185");
    let steps: Vec<&str> = answer["basis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "cooperation",
            "main_agreement",
            "sub_agreement",
            "delegation"
        ]
    );
    let delegation = &answer["basis"][3];
    assert_eq!(delegation["valid"]["from"], "2007-01-01");
    assert_eq!(delegation["valid"]["to"], "2021-09-01");
    assert_eq!(delegation["valid"]["last_day"], "2021-08-31");
    assert!(
        delegation["recorded"]["recorded_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(answer["basis"][2]["id"], "1");

    let after = env.who_json(&["DK-0155", "genoptraening-sel86", "--on", "2021-09-01"]);
    assert_eq!(after["basis"][0]["step"], "take_back");
    assert_eq!(after["basis"][1]["step"], "own_performer");

    // A municipality in no cooperation performs the service itself, and the basis says so.
    let own = env.who_json(&["DK-0101", "beskaeftigelse", "--on", "2024-01-01"]);
    assert_eq!(own["responsible"]["id"], "DK-0101");
    assert!(
        own["basis"][0]["text"]
            .as_str()
            .unwrap()
            .contains("no cooperation covers")
    );

    // Text output for people.
    let text = env.ok(&[
        "who",
        "DK-0155",
        "genoptraening-sel86",
        "--on",
        "2021-08-31",
    ]);
    assert!(text.starts_with("Tårnby (DK-0185) performs \"genoptraening-sel86\" for residents of Dragør (DK-0155) on 2021-08-31."), "{text}");

    // The 2007 referendum's counts are in the registry.
    let exported = env.ok(&["export", "ishoej-vallensbaek"]);
    for line in [
        "yes = 5620",
        "no = 561",
        "cast = 6218",
        "valid = 6181",
        "turnout_percent = 65.8",
    ] {
        assert!(exported.contains(line), "{line} missing from\n{exported}");
    }
});

both!(answers_follow_lang_and_the_locale, |env| {
    env.import_examples();
    let who = [
        "who",
        "DK-0155",
        "genoptraening-sel86",
        "--on",
        "2021-08-31",
    ];
    // English by default (LANG=C.UTF-8 names no language Samvirke writes), with the ids.
    let english = stdout(&env.run(&who));
    assert!(
        english.starts_with("Tårnby (DK-0185) performs \"genoptraening-sel86\""),
        "{english}"
    );
    // --lang chooses; the law by its name, dates as the language writes them.
    let mut danish_args = vec!["--lang", "da"];
    danish_args.extend(who);
    let danish = env.ok(&danish_args);
    assert!(
        danish.starts_with(
            "For borgere i Dragør (DK-0155) behandler Tårnby (DK-0185) “Vedligeholdende træning"
        ),
        "{danish}"
    );
    assert!(danish.contains("  Lov: Serviceloven § 86\n"), "{danish}");
    assert!(
        danish.contains("gælder 01.01.2007 – 31.08.2021"),
        "{danish}"
    );
    assert!(
        !danish.contains("performs") && !danish.contains("valid "),
        "{danish}"
    );
    // The locale chooses when --lang is not given: LC_ALL before LANG.
    let swedish = stdout(&env.run_with_env(&who, &[("LANG", "sv_SE.UTF-8")]));
    assert!(swedish.starts_with("För invånare i Dragør"), "{swedish}");
    assert!(
        swedish.contains("gäller 2007-01-01 – 2021-08-31"),
        "{swedish}"
    );
    let norwegian =
        stdout(&env.run_with_env(&who, &[("LANG", "sv_SE.UTF-8"), ("LC_ALL", "nb_NO.UTF-8")]));
    assert!(
        norwegian.starts_with("For innbyggere i Dragør"),
        "{norwegian}"
    );
    // JSON is the same in every language.
    let mut json_args = who.to_vec();
    json_args.push("--json");
    assert_eq!(
        stdout(&env.run_with_env(&json_args, &[("LANG", "da_DK.UTF-8")])),
        env.ok(&json_args)
    );
    // A report is in the cooperation's language whatever the locale; --lang asks for another.
    let report = ["report", "show", "dragoer-taarnby", "--year", "2026"];
    let own = stdout(&env.run_with_env(&report, &[("LANG", "sv_SE.UTF-8")]));
    assert!(own.starts_with("Årsrapport 2026\n"), "{own}");
    let mut english_report = vec!["--lang", "en"];
    english_report.extend(report);
    assert!(env.ok(&english_report).starts_with("Annual report 2026\n"));
    // A language Samvirke does not write is refused by name.
    let mut bad = vec!["--lang", "fi"];
    bad.extend(who);
    let e = env.fails(&bad, 2);
    assert!(
        e.contains("\"fi\" is not a language Samvirke writes; use da, sv, nb or en"),
        "{e}"
    );
});

both!(old_codes_resolve_by_date, |env| {
    env.import_examples();
    let then = env.who_json(&["NO-0119", "genoptraening", "--on", "2019-06-01"]);
    assert_eq!(then["municipality"]["id"], "NO-0119");
    assert_eq!(then["municipality"]["name"], "Marker");
    let now = env.who_json(&["NO-0119", "genoptraening", "--on", "2025-01-01"]);
    assert_eq!(now["municipality"]["id"], "NO-3122");
    assert_eq!(now["responsible"]["id"], "NO-3122");
    let notes = now["municipality_notes"].to_string();
    assert!(
        notes.contains("renumbered to NO-3013 on 2020-01-01")
            && notes.contains("renumbered to NO-3122 on 2024-01-01"),
        "{notes}"
    );
    let bare = env.who_json(&[
        "0119",
        "genoptraening",
        "--country",
        "NO",
        "--on",
        "2019-06-01",
    ]);
    assert_eq!(bare["municipality"]["id"], "NO-0119");
    let err = env.fails(&["who", "0119", "genoptraening"], 2);
    assert!(err.contains("bare code"), "{err}");
    let split = env.fails(
        &["who", "NO-5012", "genoptraening", "--on", "2021-01-01"],
        2,
    );
    assert!(
        split.contains("NO-5055") && split.contains("NO-5056") && split.contains("NO-5059"),
        "{split}"
    );
});

both!(unknown_ids_exit_2_with_suggestions, |env| {
    env.import_examples();
    let err = env.fails(&["who", "DK-0156", "genoptraening-sel86"], 2);
    assert!(
        err.contains("unknown municipality DK-0156") && err.contains("DK-0155 (Dragør)"),
        "{err}"
    );
    let err = env.fails(&["who", "DK-0155", "genoptraening-sel68"], 2);
    assert!(
        err.contains("unknown service \"genoptraening-sel68\"")
            && err.contains("genoptraening-sel86"),
        "{err}"
    );
    let err = env.fails(&["who", "DK-0155", "ppr", "--on", "2021-02-30"], 2);
    assert!(err.contains("--on") && err.contains("28 days"), "{err}");
});

both!(as_known_on_before_and_after_a_recorded_take_back, |env| {
    // First the registry learns the cooperation without the take-back …
    let full = example("dragoer-taarnby.toml");
    let take_back_start = full.find("[[take_back]]").unwrap();
    let take_back_end = full[take_back_start..].find("[[decision]]").unwrap() + take_back_start;
    let without = format!("{}{}", &full[..take_back_start], &full[take_back_end..])
        .replace("to = 2021-09-01\n", "")
        .replace(
            "[[sub_agreement.revision]]\neffective = 2021-09-01",
            "[[sub_agreement.revision]]\neffective = 2020-01-01",
        );
    env.write("dragoer-taarnby.toml", &without);
    env.ok(&["import", "dragoer-taarnby.toml"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let before: serde_json::Value =
        serde_json::from_str(&env.ok(&["db", "log", "--json"])).unwrap();
    let known_then = before.as_array().unwrap().last().unwrap()["recorded_at"]
        .as_str()
        .unwrap()
        .to_string();
    std::thread::sleep(std::time::Duration::from_millis(20));
    // … then the take-back is recorded, with a reason.
    env.write("dragoer-taarnby.toml", &full);
    let err = env.fails(&["import", "dragoer-taarnby.toml"], 2);
    assert!(err.contains("--reason"), "{err}");
    env.ok(&[
        "import",
        "dragoer-taarnby.toml",
        "--reason",
        "Dragør takes back five tasks from 2021-09-01",
    ]);

    assert_eq!(
        env.responsible("DK-0155", "genoptraening-sel86", "2022-01-01"),
        "DK-0155"
    );
    let then = env.who_json(&[
        "DK-0155",
        "genoptraening-sel86",
        "--on",
        "2022-01-01",
        "--as-known-on",
        &known_then,
    ]);
    assert_eq!(
        then["responsible"]["id"], "DK-0185",
        "before the take-back was recorded, Tårnby was known as the performer"
    );
    assert_eq!(then["as_known_on"].as_str().unwrap(), known_then);
    // History is not rewritten: the old delegation version is still in the journal.
    let log = env.ok(&[
        "db",
        "log",
        "--key",
        "dragoer-taarnby/delegation/genoptraening-sel86",
    ]);
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(log.contains("Dragør takes back five tasks"), "{log}");
    let err = env.fails(&["who", "DK-0155", "ppr", "--as-known-on", "2999-01-01"], 2);
    assert!(err.contains("future"), "{err}");
    let err = env.fails(&["who", "DK-0155", "ppr", "--as-known-on", "2020-01-01"], 2);
    assert!(
        err.contains("was not yet recorded as known on 2020-01-01"),
        "{err}"
    );
});

both!(export_import_round_trip, |env| {
    env.import_examples();
    let other = Env::sqlite();
    for coop in [
        "dragoer-taarnby",
        "ishoej-vallensbaek",
        "koebenhavn-syd",
        "marker-ostfold-kartlegging",
        "vastra-malardalen",
    ] {
        let file = format!("{coop}.toml");
        env.ok(&["export", coop, "-o", &file]);
        let exported = std::fs::read_to_string(env.path(&file)).unwrap();
        // Importing the export into the same registry records nothing …
        let out = env.ok(&["import", &file]);
        assert!(out.contains("Nothing to record"), "{out}");
        // … and into an empty one gives the same export back.
        other.write(&file, &exported);
        other.ok(&["import", &file]);
        assert_eq!(other.ok(&["export", coop]), exported);
    }
    let err = env.fails(&["export", "dragoer-tarnby"], 2);
    assert!(err.contains("did you mean dragoer-taarnby"), "{err}");
});

both!(
    reimport_is_idempotent_and_edits_record_exactly_the_change,
    |env| {
        env.import_examples();
        let n = env.n_events();
        let out = env.ok(&["import", EXAMPLES]);
        assert!(out.contains("Nothing to record"), "{out}");
        assert_eq!(env.n_events(), n);

        let edited =
            example("ishoej-vallensbaek.toml").replace("approx_count = 35", "approx_count = 36");
        env.write("ishoej-vallensbaek.toml", &edited);
        let out = env.ok(&[
            "import",
            "ishoej-vallensbaek.toml",
            "--reason",
            "Corrected staff count from the 2008 report",
        ]);
        assert!(
            out.contains("~ ishoej-vallensbaek/staff-transfer/DK-0183/DK-0187 (replaces event"),
            "{out}"
        );
        assert_eq!(env.n_events(), n + 1);
        let log: serde_json::Value =
            serde_json::from_str(&env.ok(&["db", "log", "--json"])).unwrap();
        let last = log.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["reason"], "Corrected staff count from the 2008 report");
        assert_eq!(last["actor"], "test");
        assert!(last["change"]["supersedes"].as_u64().is_some());
        let dry = env.ok(&["import", "ishoej-vallensbaek.toml", "--dry-run"]);
        assert!(dry.contains("Nothing to record"), "{dry}");
    }
);

/// A minimal valid file, used as the base of the validation cases.
const BASE: &str = r#"format = 1

[cooperation]
id = "test-cooperation"
name = "Test"
country = "DK"
legal_form = "dk-forpligtende-samarbejde"
status = "in_force"
language = "da"

[[party]]
id = "DK-0185"

[[party]]
id = "DK-0155"

[[service]]
id = "svc"
name = { da = "Service" }

[[sub_agreement]]
number = 1
title = "Delaftale 1"
services = ["svc"]
from = 2007-01-01

[[delegation]]
service = "svc"
performer = "DK-0185"
for = ["DK-0155"]
from = 2007-01-01
sub_agreement = 1
"#;

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in file"))
        + 1
}

/// Checks that `text` fails `check` and `import` with a message at `file:line` containing `expected`,
/// and that nothing was written.
fn assert_rejected(env: &Env, text: &str, needle: &str, expected: &str) {
    let file = env.write("case.toml", text);
    let line = line_of(text, needle);
    for command in ["check", "import"] {
        let err = env.fails(&[command, file.to_str().unwrap()], 2);
        let place = format!("case.toml:{line}:");
        assert!(
            err.lines()
                .any(|l| l.contains(&place) && l.contains(expected)),
            "{command}: expected {place} … {expected} in:\n{err}"
        );
    }
    assert_eq!(env.n_events(), 0, "nothing may be written");
}

both!(every_validation_error_names_file_and_line, |env| {
    assert!(
        env.ok(&["check", env.write("ok.toml", BASE).to_str().unwrap()])
            .contains("1 file OK")
    );
    assert_rejected(
        env,
        &BASE.replace("for = [\"DK-0155\"]", "for = [\"DK-0156\"]"),
        "DK-0156",
        "unknown municipality DK-0156; did you mean",
    );
    assert_rejected(
        env,
        &BASE.replace("service = \"svc\"", "service = \"svd\""),
        "service = \"svd\"",
        "unknown service \"svd\"; did you mean \"svc\"?",
    );
    assert_rejected(
        env,
        &BASE.replace(
            "from = 2007-01-01\nsub_agreement",
            "from = \"2007-13-01\"\nsub_agreement",
        ),
        "2007-13-01",
        "is not a real date",
    );
    assert_rejected(
        env,
        &BASE.replace(
            "from = 2007-01-01\nsub_agreement = 1",
            "from = 2007-01-01\nto = 2006-01-01\nsub_agreement = 1",
        ),
        "to = 2006-01-01",
        "ends (2006-01-01) before it starts (2007-01-01)",
    );
    let two_performers = format!(
        "{BASE}\n[[delegation]] # second\nservice = \"svc\"\nperformer = \"DK-0155\"\nfor = [\"DK-0155\"]\nfrom = 2010-01-01\n"
    );
    assert_rejected(
        env,
        &two_performers,
        "# second",
        "two performers for DK-0155, service \"svc\", from 2010-01-01: DK-0155 here",
    );
    let no_role = format!("{BASE}\n[[party]]\nid = \"DK-0101\"\n");
    assert_rejected(
        env,
        &no_role,
        "id = \"DK-0101\"",
        "party DK-0101 has no role",
    );
    assert_rejected(
        env,
        &BASE.replace("services = [\"svc\"]", "services = []"),
        "services = []",
        "covers no service",
    );
    let payment = format!(
        "{BASE}\n[[payment_agreement]]\nsub_agreement = 7\nfrom = 2007-01-01\npayers = [\"DK-0155\"]\npayee = \"DK-0185\"\ncurrency = \"DKK\"\nprinciple = \"cost\"\n"
    );
    assert_rejected(
        env,
        &payment,
        "sub_agreement = 7",
        "sub-agreement 7 does not exist",
    );
    let referendum = format!(
        "{BASE}\n[[decision]]\nid = \"r\"\nkind = \"referendum\"\nsubject = \"s\"\n\n[decision.referendum]\nquestion = \"q\"\nyes = 10\nno = 5\ncast = 14\nvalid = 16\nturnout_percent = 50\n"
    );
    let file = env.write("case.toml", &referendum);
    let err = env.fails(&["check", file.to_str().unwrap()], 2);
    let line = line_of(&referendum, "[decision.referendum]");
    assert!(
        err.contains(&format!("case.toml:{line}:"))
            && err.contains("yes (10) + no (5) = 15, but valid = 16")
            && err.contains("cast (14) is less than valid (16)"),
        "{err}"
    );
    assert_rejected(
        env,
        &BASE.replace(
            "status = \"in_force\"",
            "status = \"in_force\"\nstatsu = \"x\"",
        ),
        "statsu",
        "unknown field in [cooperation]; did you mean `status`?",
    );
});

// Where the resident goes, separate from who performs: Dragør–Tårnby's main agreement 2.3 (a
// Dragør resident may be served in Dragør although Tårnby performs the task), with the contact
// block of Dragør's page (shared/seeds/002, "Kontakt"), and the two kinds of access request.
both!(the_answer_says_where_to_go_and_how_to_reach_it, |env| {
    env.import_examples();
    // 2021-08-31: Tårnby performs § 86 training; the resident goes to Dragør (2.3, marked as an
    // assumption in the example's note), whose Borgmestersekretariatet is reached by telephone
    // and Digital Post.
    let a = env.who_json(&["DK-0155", "genoptraening-sel86", "--on", "2021-08-31"]);
    assert_eq!(a["responsible"]["id"], "DK-0185");
    let contact = &a["contact"];
    assert_eq!(contact["id"], "DK-0155");
    assert_eq!(contact["place"], "residence");
    assert_eq!(contact["stated_in_agreement"], true);
    assert_eq!(contact["contacts"][0]["unit"], "Borgmestersekretariatet");
    assert_eq!(contact["contacts"][0]["phone"], "32 89 01 00");
    assert_eq!(
        contact["contacts"][0]["digital_mail"],
        "Digital Post til Borgmestersekretariatet"
    );
    assert_eq!(contact["contacts"].as_array().unwrap().len(), 1);
    // Natur og miljø: Tårnby performs it and the agreement names no other place; Tårnby has no
    // contact recorded, so the list is empty rather than someone else's.
    let a = env.who_json(&["DK-0155", "natur-miljoe", "--on", "2024-01-01"]);
    assert_eq!(a["contact"]["id"], "DK-0185");
    assert_eq!(a["contact"]["place"], "performer");
    assert_eq!(a["contact"]["stated_in_agreement"], false);
    assert_eq!(a["contact"]["contacts"].as_array().unwrap().len(), 0);
    // From 2021-09-01 Dragør performs the task itself, and its contact is still found.
    let a = env.who_json(&["DK-0155", "genoptraening-sel86", "--on", "2021-09-01"]);
    assert_eq!(a["responsible"]["id"], "DK-0155");
    assert_eq!(a["contact"]["id"], "DK-0155");
    assert_eq!(a["contact"]["stated_in_agreement"], false);
    assert_eq!(a["contact"]["contacts"][0]["phone"], "32 89 01 00");
    // In words, in Danish: where to go, why, and the channels by their Danish names.
    let danish = env.ok(&[
        "--lang",
        "da",
        "who",
        "DK-0155",
        "genoptraening-sel86",
        "--on",
        "2021-08-31",
    ]);
    assert!(
        danish.contains("Henvend dig til Dragør (DK-0155), din egen kommune: det siger aftalen, selv om det er Tårnby, der udfører opgaven.")
            && danish.contains("Borgmestersekretariatet: Telefon 32 89 01 00; Digital Post Digital Post til Borgmestersekretariatet")
            && danish.contains("Indsigt i dine personoplysninger: Tårnby (DK-0185)"),
        "{danish}"
    );
    let english = env.ok(&[
        "who",
        "DK-0155",
        "genoptraening-sel86",
        "--on",
        "2021-08-31",
    ]);
    assert!(
        english.contains("Where to go:     Dragør (DK-0155), the resident's own municipality, as the agreement says")
            && english.contains("Borgmestersekretariatet: telephone 32 89 01 00"),
        "{english}"
    );
    // Export writes the contacts, the place and the notes; importing the export records nothing.
    let exported = env.ok(&["export", "dragoer-taarnby"]);
    assert!(
        exported.contains("[[contact]]\nid = \"dragoer-borgmestersekretariatet\"")
            && exported.contains("contact = \"residence\"")
            && exported.contains("Hovedaftalen 2.3"),
        "{exported}"
    );
    env.write("again.toml", &exported);
    assert!(
        env.ok(&["import", "again.toml"])
            .contains("Nothing to record")
    );
    // The earlier `access_requests_to` still reads, as the body for both kinds of request.
    let earlier = BASE
        .replace("id = \"test-cooperation\"", "id = \"earlier-access\"")
        .replace("for = [\"DK-0155\"]", "for = [\"DK-0101\"]")
        .replace("[[party]]\nid = \"DK-0155\"", "[[party]]\nid = \"DK-0101\"")
        + "access_requests_to = \"DK-0101\"\n";
    env.write("earlier.toml", &earlier);
    env.ok(&["import", "earlier.toml"]);
    let a = env.who_json(&["DK-0101", "svc", "--on", "2024-01-01"]);
    for key in [
        "documents_access_to",
        "data_access_to",
        "access_requests_to",
    ] {
        assert_eq!(a[key]["id"], "DK-0101", "{key}");
        assert_eq!(a[key]["stated_in_agreement"], true, "{key}");
    }
    let exported = env.ok(&["export", "earlier-access"]);
    assert!(
        exported.contains("documents_access_to = \"DK-0101\"\ndata_access_to = \"DK-0101\"")
            && !exported.contains("access_requests_to"),
        "{exported}"
    );
});

// Events that are not decisions, dated as precisely as the pages date them (shared/seeds/003,
// Västra Mälardalen; 004, Marker; 002, Dragør–Tårnby): written back as they were read, and every
// wrong date placed at its line with the forms that are allowed.
both!(events_keep_the_precision_of_their_dates, |env| {
    // Wrong dates first, on the empty database (nothing may be written).
    // A decision known only to the month.
    let month = format!(
        "{BASE}\n[[decision]]\nid = \"d\"\nkind = \"board_decision\"\ndate = \"2016-09\"\nsubject = \"s\"\n"
    );
    assert!(
        env.ok(&["check", env.write("month.toml", &month).to_str().unwrap()])
            .contains("1 file OK")
    );
    let event = |body: &str| {
        format!("{BASE}\n[[event]]\nid = \"e\"\nkind = \"seminar\"\nsubject = \"s\"\n{body}")
    };
    for (text, needle, expected) in [
        (
            event("date = \"2016-fall\"\n"),
            "2016-fall",
            "\"2016-fall\" is not a date; write a day (2016-08-31), a month (2016-09), a season (2019-autumn",
        ),
        (event("date = \"--02-30\"\n"), "--02-30", "is not a date"),
        (
            event("date = 2016\n"),
            "date = 2016",
            "one in quotes, found integer; write e.g. `date = \"2016-09\" or date = \"2016\"`",
        ),
        (
            event("").replace("seminar", "party"),
            "kind = \"party\"",
            "\"party\" is not one of: seminar, meeting, letter, inquiry, review, plan, other",
        ),
        (
            event("participants = [\"DK-0101\"]\n"),
            "participants",
            "not a party to the cooperation",
        ),
        (
            format!(
                "{}\n[[event]]\nid = \"e\" # again\nkind = \"letter\"\nsubject = \"t\"\n",
                event("")
            ),
            "# again",
            "used twice",
        ),
        (
            month.replace("\"2016-09\"", "\"2016-13\""),
            "2016-13",
            "is not a date",
        ),
    ] {
        assert_rejected(env, &text, needle, expected);
    }
    env.import_examples();
    let exported = env.ok(&["export", "vastra-malardalen"]);
    for line in [
        // "I september 2016 hölls det första gemensamma KSau-sammanträdet"
        "date = \"2016-09\"\nsubject = \"Det första gemensamma KSau-sammanträdet",
        // "I början av 2017 tillsatte regeringen en utredning"
        "kind = \"inquiry\"\ndate = \"2017-early\"",
        // "Under Almedalsveckan 2016"
        "id = \"almedalsveckan-2016\"\nkind = \"meeting\"\ndate = \"2016\"",
        // "Den 31 augusti 2016 undertecknades en avsiktsförklaring": a day stays a TOML date
        "date = 2016-08-31",
    ] {
        assert!(exported.contains(line), "{line} not in:\n{exported}");
    }
    // "I et seminar på Inspiria den 8. september": the day without a year.
    let marker = env.ok(&["export", "marker-ostfold-kartlegging"]);
    assert!(marker.contains("date = \"--09-08\""), "{marker}");
    let dragoer = env.ok(&["export", "dragoer-taarnby"]);
    assert!(dragoer.contains("date = \"2019-autumn\""), "{dragoer}");
    env.write("again.toml", &exported);
    assert!(
        env.ok(&["import", "again.toml"])
            .contains("Nothing to record")
    );
});

// What the pages publish beyond delegations: documents (shared/seeds/002 lines 21, 25, 27, 93-101),
// the revised main agreement's clauses (002 lines 45-75), sub-agreements known only by number
// (002 lines 29-31, 93, 97), people in roles (001 line 18) and figures (001 line 16; 003 line 25).
// Each wrong record is placed at its line; the examples are written back as read.
both!(
    documents_clauses_roles_and_figures_keep_what_the_pages_say,
    |env| {
        let with = |body: &str| format!("{BASE}\n{body}");
        let document = "[[document]]\nid = \"klager\"\nkind = \"complaint_procedure\"\ntitle = \"Forretningsgang for klagebehandling\"\n";
        let clause = "[[clause]]\nnumber = \"3.4\"\nsubject = \"savings_sharing\"\ntext = \"Dragør får andel i besparelsen.\"\n";
        let role =
            "[[role]]\nid = \"formand\"\nperson = \"Hans Barlach (K)\"\nrole = \"formand\"\n";
        let figure = "[[figure]]\nid = \"borgere\"\nsubject = \"borgere\"\n";
        // A copy beside the agreement file, and its digest as `sha256sum` prints it (any case).
        let copy = b"Forretningsgang for klagebehandling, aktindsigt og GDPR indsigt";
        env.write("klager.pdf", std::str::from_utf8(copy).unwrap());
        let digest: String = {
            use sha2::{Digest, Sha256};
            Sha256::digest(copy)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        for text in [
        with(&format!("{document}sub_agreements = [1]\nurl = \"https://www.dragoer.dk/klager.pdf\"\ndate = \"2019-autumn\"\n")),
        with(&format!("{clause}\n{document}clauses = [\"3.4\"]\nfile = \"klager.pdf\"\nsha256 = \"{}\"\n", digest.to_uppercase())),
        with(&format!("{role}public = true\nparty = \"DK-0185\"\nfrom = \"2018\"\nto = 2021-12-31\n")),
        with(&format!("{figure}value = 150_000\napproximate = true\n")),
        BASE.replace("from = 2007-01-01\n\n[[delegation]]", "from = 2007-01-01\n\n[[sub_agreement]]\nnumber = 7\ntitle = \"Delaftale 7\"\nplaceholder = true\nfrom = 2007-01-01\n\n[[delegation]]"),
    ] {
        let file = env.write("ok.toml", &text);
        assert!(
            env.ok(&["check", file.to_str().unwrap()]).contains("1 file OK"),
            "{text}"
        );
    }
        let changed = format!(
            "has SHA-256 {digest}, not {}: the file has changed since the digest was written",
            "0".repeat(64)
        );
        let without = format!("has no SHA-256 beside it; add sha256 = \"{digest}\"");
        let placeholder = BASE.replace(
            "services = [\"svc\"]\nfrom = 2007-01-01\n\n[[delegation]]",
            "services = [\"svc\"]\nplaceholder = true\nfrom = 2007-01-01\n\n[[delegation]]",
        );
        for (text, needle, expected) in [
            (
                with(&document.replace("complaint_procedure", "memo")),
                "kind = \"memo\"",
                "\"memo\" is not one of: main_agreement, sub_agreement, payment_agreement, delegation_guidelines, complaint_procedure, payment_principles, summary_memo, letter_of_intent, plan, other",
            ),
            (
                with(&format!("{document}url = \"www.dragoer.dk\"\n")),
                "www.dragoer.dk",
                "is not a web address; write it with https://",
            ),
            (
                with(&format!("{document}file = \"k.pdf\"\nsha256 = \"abc\"\n")),
                "\"abc\"",
                "is not a SHA-256 digest; it must be 64 hexadecimal digits",
            ),
            (
                with(&format!(
                    "{document}file = \"klager.pdf\"\nsha256 = \"{}\"\n",
                    "0".repeat(64)
                )),
                "sha256",
                changed.as_str(),
            ),
            (
                with(&format!("{document}file = \"klager.pdf\"\n")),
                "file = ",
                without.as_str(),
            ),
            (
                with(&format!(
                    "{document}file = \"mangler.pdf\"\nsha256 = \"{digest}\"\n"
                )),
                "mangler.pdf",
                "cannot read the document's copy",
            ),
            (
                with(&format!("{document}sha256 = \"{}\"\n", "0".repeat(64))),
                "sha256",
                "add `file = \"…\"` naming the copy",
            ),
            (
                with(&format!("{document}sub_agreements = [9]\n")),
                "sub_agreements = [9]",
                "sub-agreement 9 does not exist",
            ),
            (
                with(&format!("{document}clauses = [\"3.9\"]\n")),
                "clauses = [\"3.9\"]",
                "clause 3.9 is not recorded",
            ),
            (
                with(&format!("{document}main_agreement = 2\n")),
                "main_agreement = 2",
                "main agreement version 2 is not recorded",
            ),
            (
                with(&clause.replace("\"3.4\"", "\"§ 3\"")),
                "§ 3",
                "is not a clause number; write numbers separated by dots",
            ),
            (
                with(&format!(
                    "{clause}\n{}",
                    clause.replace("3.4\"", "3.4\" # again")
                )),
                "# again",
                "clause 3.4 appears twice",
            ),
            (
                with(&format!("{clause}services = [\"svd\"]\n")),
                "[\"svd\"]",
                "unknown service \"svd\"",
            ),
            (
                with(role),
                "[[role]]",
                "missing; [role[0]] needs `public = true` (an elected office the source names), or `public = false`",
            ),
            (
                with(&format!("{role}public = \"yes\"\n")),
                "\"yes\"",
                "true or false",
            ),
            (
                with(&format!("{role}public = true\nparty = \"DK-0101\"\n")),
                "DK-0101",
                "not a party to the cooperation",
            ),
            (
                with(&format!(
                    "{role}public = true\nfrom = 2021-01-01\nto = \"2019\" # early\n"
                )),
                "# early",
                "the role ends (2019) before it begins (2021-01-01)",
            ),
            (
                with(figure),
                "[[figure]]",
                "missing; [figure[0]] needs `value = 150000`",
            ),
            (
                with(&format!("{figure}value = -3\n")),
                "-3",
                "is out of range",
            ),
            (
                with(&format!("{figure}value = 14\nnamed = [\"vand\"]\n")),
                "[\"vand\"]",
                "\"vand\" is not a candidate area of this file",
            ),
            (
                placeholder,
                "services = [\"svc\"]",
                "is a placeholder (only its number is known) but lists services",
            ),
            (
                BASE.replace("services = [\"svc\"]\nfrom", "placeholder = true\nfrom"),
                "sub_agreement = 1",
                "is a placeholder (only its number is known), so no delegation can rest on it",
            ),
        ] {
            assert_rejected(env, &text, needle, expected);
        }
        env.import_examples();
        let dragoer = env.ok(&["export", "dragoer-taarnby"]);
        for line in [
            // "de 8 delaftaler" (line 97): 6 and 7 are known only by number.
            "[[sub_agreement]]\nnumber = 6\ntitle = \"Delaftale 6\"\nfrom = 2007-01-01\nplaceholder = true",
            "[[sub_agreement]]\nnumber = 7\ntitle = \"Delaftale 7\"\nfrom = 2007-01-01\nplaceholder = true",
            // Line 67: 3.4 covers every task (no `services`).
            "[[clause]]\nnumber = \"3.4\"\nmain_agreement = 2\nsubject = \"savings_sharing\"\ntext = \"I tilfælde af effektiviseringer",
            // Line 61: Tårnby's service level unless agreed otherwise.
            "number = \"3.1\"\nmain_agreement = 2\nsubject = \"service_level\"",
            // Lines 21, 25, 27 and 93: the four documents.
            "[[document]]\nid = \"sammenfattende-notat-2019\"\nkind = \"summary_memo\"",
            "[[document]]\nid = \"retningslinjer-delegation\"\nkind = \"delegation_guidelines\"\ntitle = \"Generelle retningslinjer for delegation\"\nsub_agreements = [3, 4, 5, 6, 7, 8]",
            "[[document]]\nid = \"forretningsgang-klagebehandling\"\nkind = \"complaint_procedure\"\ntitle = \"Forretningsgang for klagebehandling\"\nsub_agreements = [1, 2, 3, 4, 5, 6, 7, 8]",
            "kind = \"payment_principles\"\ntitle = \"Betalingsprincipper\"\nsub_agreements = [3, 4, 5, 6, 7, 8]\nclauses = [\"3.2\", \"3.3\", \"3.4\"]",
        ] {
            assert!(dragoer.contains(line), "{line} not in:\n{dragoer}");
        }
        assert!(!dragoer.contains("services = []"), "{dragoer}");
        let syd = env.ok(&["export", "koebenhavn-syd"]);
        for line in [
            // Line 18: "formand for København Syd samarbejdet, Greve-borgmester Hans Barlach (K)".
            "[[role]]\nid = \"formand\"\nperson = \"Hans Barlach (K)\"\nrole = \"formand for København Syd-samarbejdet\"\npublic = true",
            "[[role]]\nid = \"borgmester-greve\"\nperson = \"Hans Barlach (K)\"\nrole = \"borgmester\"\nparty = \"DK-0253\"\npublic = true",
            // Line 16: "omkring 150.000 borgere".
            "[[figure]]\nid = \"borgere\"\nsubject = \"borgere i de fire kommuner tilsammen\"\nvalue = 150000\napproximate = true",
        ] {
            assert!(syd.contains(line), "{line} not in:\n{syd}");
        }
        let vm = env.ok(&["export", "vastra-malardalen"]);
        for line in [
            // Line 25: "14 områden som prioriterats av politiken. Där ingår bland annat:" six.
            "value = 14\nnamed = [\"gemensam-rekryteringsenhet\", \"strategi-naringsliv-besoksnaring\", \"utbildning-efter-grundskolan\", \"gemensam-va-organisation\", \"samordna-hemtjanst\", \"samordna-socialtjanst\"]",
            // Line 46: the letter of intent of 31 August 2016.
            "[[document]]\nid = \"avsiktsforklaring\"\nkind = \"letter_of_intent\"\ntitle = \"Avsiktsförklaring om fördjupad samverkan\"\ndate = 2016-08-31",
        ] {
            assert!(vm.contains(line), "{line} not in:\n{vm}");
        }
        for (name, text) in [("d.toml", &dragoer), ("s.toml", &syd), ("v.toml", &vm)] {
            env.write(name, text);
        }
        assert!(
            env.ok(&["import", "d.toml", "s.toml", "v.toml"])
                .contains("Nothing to record")
        );
    }
);

both!(contact_errors_name_their_place, |env| {
    let contact = |body: &str| {
        format!(
            "{BASE}\n[[contact]]\nid = \"unit\"\nparty = \"DK-0155\"\nunit = \"Borgmestersekretariatet\"\n{body}"
        )
    };
    assert!(
        env.ok(&[
            "check",
            env.write("ok.toml", &contact("phone = \"32 89 01 00\"\n"))
                .to_str()
                .unwrap()
        ])
        .contains("1 file OK")
    );
    assert_rejected(
        env,
        &contact("opening_hours = \"9-15\"\n"),
        "unit = \"Borgmestersekretariatet\"",
        "gives no way to reach the unit",
    );
    assert_rejected(
        env,
        &contact("phone = \" \"\n"),
        "phone = \" \"",
        "`phone` is empty",
    );
    assert_rejected(
        env,
        &contact("phone = \"1\"\nto = 2020-01-01\n"),
        "to = 2020-01-01",
        "has no `from`",
    );
    assert_rejected(
        env,
        &contact("phone = \"1\"\nservices = [\"svx\"]\n"),
        "services = [\"svx\"]",
        "svx",
    );
    assert_rejected(
        env,
        &contact("phone = \"1\"\n").replace("party = \"DK-0155\"", "party = \"DK-0101\""),
        "party = \"DK-0101\"",
        "not a party to the cooperation",
    );
    assert_rejected(
        env,
        &format!(
            "{}\n[[contact]]\nid = \"unit\" # again\nparty = \"DK-0185\"\nunit = \"Rådhuset\"\nphone = \"2\"\n",
            contact("phone = \"1\"\n")
        ),
        "# again",
        "used twice",
    );
    assert_rejected(
        env,
        &format!("{BASE}contact = \"home\"\n"),
        "contact = \"home\"",
        "\"home\" is not one of: residence, performer",
    );
    assert_rejected(
        env,
        &format!("{BASE}documents_access_to = \"DK-0185\"\naccess_requests_to = \"DK-0185\"\n"),
        "access_requests_to",
        "is the earlier name for both",
    );
});

both!(all_errors_in_a_file_are_reported, |env| {
    let text = BASE
        .replace("for = [\"DK-0155\"]", "for = [\"DK-0156\"]")
        .replace("services = [\"svc\"]", "services = []")
        .replace(
            "title = \"Delaftale 1\"",
            "title = \"Delaftale 1\"\nfrom_date = 2007-01-01",
        );
    let file = env.write("many.toml", &text);
    let err = env.fails(&["import", file.to_str().unwrap()], 2);
    for needle in ["DK-0156", "services = []", "from_date"] {
        let line = line_of(&text, needle);
        assert!(
            err.contains(&format!("many.toml:{line}:")),
            "line {line} ({needle}) not reported:\n{err}"
        );
    }
    assert!(
        err.contains("errors in 1 of 1 file; nothing was imported"),
        "{err}"
    );
});

both!(two_performers_across_cooperations, |env| {
    env.import_examples();
    // A second cooperation that also has someone perform § 86 training for Dragør before the take-back.
    let clash = BASE
        .replace("id = \"svc\"", "id = \"genoptraening-sel86\"")
        .replace("\"svc\"", "\"genoptraening-sel86\"")
        .replace(
            "from = 2007-01-01\nsub_agreement",
            "from = 2015-01-01\nsub_agreement",
        );
    let file = env.write("clash.toml", &clash);
    let n = env.n_events();
    let err = env.fails(&["import", file.to_str().unwrap()], 2);
    let line = line_of(&clash, "[[delegation]]");
    assert!(
        err.contains(&format!("clash.toml:{line}:"))
            && err.contains("two performers for DK-0155")
            && err.contains("cooperation \"dragoer-taarnby\" in the database"),
        "{err}"
    );
    assert_eq!(env.n_events(), n);
    let err = env.fails(&["check", "--against-db", file.to_str().unwrap()], 2);
    assert!(err.contains("two performers"), "{err}");
    // After the take-back the service is free: a delegation from 2021-09-01 is fine.
    let later = clash.replace("from = 2015-01-01", "from = 2021-09-01");
    let file = env.write("later.toml", &later);
    env.ok(&["import", file.to_str().unwrap()]);
});

both!(db_verify_detects_a_tampered_row, |env| {
    env.import_examples();
    assert!(env.ok(&["db", "verify"]).contains("intact"));
    tamper(&env.db, 7);
    let err = env.fails(&["db", "verify"], 1);
    assert!(
        err.contains("broken at event 7") && err.contains("changed after it was written"),
        "{err}"
    );
});

fn tamper(db: &str, seq: i64) {
    let fake = r#"{"op":"retract","key":"x","supersedes":1}"#;
    if db.starts_with("postgres") {
        let mut client = postgres::Client::connect(db, postgres::NoTls).unwrap();
        let err = client
            .execute(
                "UPDATE journal SET payload = $1 WHERE seq = $2",
                &[&fake, &seq],
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("append-only")
                || err
                    .as_db_error()
                    .is_some_and(|e| e.message().contains("append-only")),
            "{err}"
        );
        client
            .batch_execute("ALTER TABLE journal DISABLE TRIGGER journal_append_only")
            .unwrap();
        client
            .execute(
                "UPDATE journal SET payload = $1 WHERE seq = $2",
                &[&fake, &seq],
            )
            .unwrap();
    } else {
        let conn = rusqlite::Connection::open(db).unwrap();
        let err = conn
            .execute(
                "UPDATE journal SET payload = ?1 WHERE seq = ?2",
                rusqlite::params![fake, seq],
            )
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        conn.execute_batch("DROP TRIGGER journal_no_update")
            .unwrap();
        conn.execute(
            "UPDATE journal SET payload = ?1 WHERE seq = ?2",
            rusqlite::params![fake, seq],
        )
        .unwrap();
    }
}

both!(a_killed_import_leaves_the_database_as_before, |env| {
    env.ok(&["import", &format!("{EXAMPLES}/ishoej-vallensbaek.toml")]);
    let n = env.n_events();
    let out = env.run_with_env(
        &["import", EXAMPLES],
        &[("SAMVIRKE_FAILPOINT", "append-before-commit")],
    );
    assert!(!out.status.success(), "the import was meant to be killed");
    assert!(
        stderr(&out).contains("failpoint append-before-commit"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        env.n_events(),
        n,
        "the killed transaction must leave nothing behind"
    );
    assert!(env.ok(&["db", "verify"]).contains("intact"));
    env.import_examples();
    assert!(env.n_events() > n);
});

both!(batch_answers_every_row, |env| {
    env.import_examples();
    let queries = "municipality,service,date\nDK-0155,genoptraening-sel86,2021-08-31\r\nDK-0155,genoptraening-sel86,2021-09-01\nDK-0183,beskaeftigelse,2024-01-01\nDK-187,genoptraening,2024-01-01\nNO-0119,genoptraening,2025-01-01\n";
    env.write("queries.csv", queries);
    env.ok(&["who", "--batch", "queries.csv", "-o", "answers.csv"]);
    let answers = std::fs::read_to_string(env.path("answers.csv")).unwrap();
    let responsible: Vec<&str> = answers
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(
        responsible,
        ["DK-0185", "DK-0155", "DK-0187", "DK-0183", "NO-3122"]
    );
    assert!(answers.starts_with("municipality,service,date,responsible\n"));

    let bad = "municipality,service,date\nDK-0155,ppr,2021-08-31\nDK-0156,ppr,2021-08-31\nDK-0155,ppr,31.08.2021\n";
    env.write("bad.csv", bad);
    let err = env.fails(&["who", "--batch", "bad.csv", "-o", "bad-answers.csv"], 2);
    assert!(
        err.contains("bad.csv:3: municipality: unknown municipality DK-0156")
            && err.contains("bad.csv:4: date:"),
        "{err}"
    );
    assert!(err.contains("2 of 3 rows could not be answered"), "{err}");
    assert!(!env.path("bad-answers.csv").exists(), "no output on error");
});

#[test]
fn municipality_register_counts_and_old_codes() {
    let env = Env::sqlite();
    let count = |args: &[&str]| -> usize {
        let mut full = vec!["municipalities", "--json"];
        full.extend_from_slice(args);
        serde_json::from_str::<serde_json::Value>(&env.ok(&full))
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(&["--country", "DK"]), 98);
    assert_eq!(count(&["--country", "SE"]), 290);
    assert_eq!(count(&["--country", "NO", "--on", "2024-06-01"]), 357);
    let old: serde_json::Value = serde_json::from_str(&env.ok(&[
        "municipalities",
        "--country",
        "NO",
        "--on",
        "2019-06-01",
        "--json",
    ]))
    .unwrap();
    assert!(
        old.as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "NO-0119" && m["name"] == "Marker")
    );
    let err = env.fails(&["municipalities", "--country", "XX"], 2);
    assert!(
        err.contains("--country") && err.contains("DK, SE or NO"),
        "{err}"
    );
}

#[test]
fn demo_flag_needs_no_database() {
    let env = Env::sqlite();
    let out = env.ok(&[
        "--demo",
        "who",
        "DK-0155",
        "genoptraening-sel86",
        "--on",
        "2021-08-31",
    ]);
    assert!(out.starts_with("Tårnby (DK-0185)"), "{out}");
    assert!(!Path::new(&env.db).exists(), "--demo must not touch --db");
}

/// `samvirke settle adhoc` as a user runs it: the output, and every bad input rejected with exit 2,
/// its file, line and column, and no output file.
#[test]
fn settle_adhoc_writes_exact_shares_or_nothing() {
    let env = Env::sqlite();
    env.write("costs.csv", "agreement,cost\nA,100.00\n");
    env.write("activity.csv", "agreement,municipality,date,units\nA,m2,2024-01-01,1\nA,m1,2024-01-02,1\nA,m3,2024-01-03,1\n");
    env.ok(&[
        "settle",
        "adhoc",
        "--quiet",
        "--costs",
        "costs.csv",
        "--activity",
        "activity.csv",
        "--out",
        "out.csv",
    ]);
    assert_eq!(
        std::fs::read_to_string(env.path("out.csv")).unwrap(),
        "agreement,municipality,units,amount\nA,m1,1.00,33.34\nA,m2,1.00,33.33\nA,m3,1.00,33.33\n"
    );

    let header = "agreement,municipality,date,units\n";
    let cases: [(&str, &str, &str); 6] = [
        (
            "agreement,cost\nA,1\n",
            "A,m,2024-01-01,1\nA,m,2024-13-01,1\n",
            "activity.csv:3:5: date \"2024-13-01\" is not a real date",
        ),
        (
            "agreement,cost\nA,1\n",
            "A,m,2024-01-01,1.005\n",
            "activity.csv:2:16: units \"1.005\" has more than two decimals",
        ),
        (
            "agreement,cost\nA,1\n",
            "A,m,2024-01-01\n",
            "activity.csv:2:1: expected 4 fields",
        ),
        (
            "agreement,cost\nA,1.001\n",
            "A,m,2024-01-01,1\n",
            "costs.csv:2:3: cost \"1.001\" has more than two decimals",
        ),
        (
            "agreement,cost\nA,1\nB,2\n",
            "A,m,2024-01-01,1\nC,m,2024-01-01,1\n",
            "1 agreement in activity.csv has no cost in costs.csv: C",
        ),
        (
            "agreement,cost\nA,1\n",
            "A,m,2024-01-01,0\n",
            "zero units in total, so the cost cannot be split: A",
        ),
    ];
    for (costs, rows, expected) in cases {
        env.write("costs.csv", costs);
        env.write("activity.csv", &format!("{header}{rows}"));
        let err = env.fails(
            &[
                "settle",
                "adhoc",
                "--costs",
                "costs.csv",
                "--activity",
                "activity.csv",
                "--out",
                "bad.csv",
            ],
            2,
        );
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(
            !env.path("bad.csv").exists(),
            "no output file after an error"
        );
    }
    // An earlier output stays as it was when a new run fails.
    let err = env.fails(
        &[
            "settle",
            "adhoc",
            "--costs",
            "costs.csv",
            "--activity",
            "activity.csv",
            "--out",
            "out.csv",
        ],
        2,
    );
    assert!(err.contains("zero units"), "{err}");
    assert!(
        std::fs::read_to_string(env.path("out.csv"))
            .unwrap()
            .contains("A,m1,1.00,33.34")
    );
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
    let err = env.fails(
        &[
            "settle",
            "adhoc",
            "--costs",
            "missing.csv",
            "--activity",
            "activity.csv",
            "--out",
            "x.csv",
        ],
        2,
    );
    assert!(err.contains("missing.csv"), "{err}");
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn settle_json(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["settle"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "json"]);
    serde_json::from_str(&env.ok(&full)).unwrap()
}

fn payer<'a>(statement: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    statement["agreements"][0]["payers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["payer"] == id)
        .unwrap()
}

both!(settlement_statements_with_hand_checked_figures, |env| {
    for file in [
        "settle-dragoer.toml",
        "settle-vastra-malardalen.toml",
        "settle-marker.toml",
    ] {
        env.ok(&["import", &format!("{FIXTURES}/{file}")]);
    }
    // Dragør pays Tårnby's whole calculated cost (§ 3.2): 12 × 100,000.00 aconto. A saving of
    // 100,000.00 a year from 1 July is shared 50 %: 100,000.00 × 184/365 = 50,410.96 (the extra øre
    // from rounding goes to the days in the year), half = 25,205.48. True-up: 1,180,000.00 actual
    // − 25,205.48 savings − 1,200,000.00 paid = −45,205.48, refunded.
    let s = settle_json(env, &["dragoer-taarnby-settle", "--year", "2025"]);
    let dragoer = payer(&s, "DK-0155");
    assert_eq!(dragoer["budget_minor"], 120_000_000);
    assert_eq!(dragoer["aconto"].as_array().unwrap().len(), 12);
    assert_eq!(dragoer["aconto"][0]["due"], "2025-01-01");
    assert_eq!(dragoer["aconto"][0]["amount_minor"], 10_000_000);
    assert_eq!(dragoer["savings_minor"], 2_520_548);
    assert_eq!(dragoer["true_up_minor"], -4_520_548);

    // Hybrid key for Arboga, Köping, Kungsör: 1,000,000.00 = 400,000.00 fixed (thirds: 133,333.34
    // to the lowest id SE-1960, 133,333.33 to the others) + 600,000.00 by cases 20/50/30 (the 2024
    // row is not counted): 120,000.00 / 300,000.00 / 180,000.00.
    let usage = format!("{FIXTURES}/settle-vastra-malardalen-usage.csv");
    let s = settle_json(
        env,
        &[
            "vastra-malardalen-settle",
            "--year",
            "2025",
            "--usage",
            &usage,
        ],
    );
    assert_eq!(payer(&s, "SE-1960")["budget_minor"], 25_333_334);
    assert_eq!(payer(&s, "SE-1983")["budget_minor"], 43_333_333);
    assert_eq!(payer(&s, "SE-1984")["budget_minor"], 31_333_333);
    let quarters: Vec<u64> = payer(&s, "SE-1960")["aconto"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount_minor"].as_u64().unwrap())
        .collect();
    assert_eq!(quarters, [6_333_334, 6_333_334, 6_333_333, 6_333_333]);
    assert!(
        payer(&s, "SE-1960")["true_up_minor"].is_null(),
        "the year is not closed"
    );
    // Arboga's bill explained with its activity month by month.
    let explained = env.ok(&[
        "settle",
        "vastra-malardalen-settle",
        "--year",
        "2025",
        "--usage",
        &usage,
        "--explain",
        "SE-1984",
    ]);
    for line in ["January 2025 | 1 | 10.00", "June 2025 | 1 | 20.00"] {
        assert!(explained.contains(line), "{line} in:\n{explained}");
    }
    assert!(!explained.contains("March 2025"), "Köping's month");

    // Population key for the five Østfold municipalities: 500,000.00 over 25,900 residents; the three
    // leftover øre go to the largest remainders: Marker (24,600), Råde (22,400), Skiptvet (13,700).
    let s = settle_json(env, &["marker-settle", "--year", "2025"]);
    let expected = [
        ("NO-3110", 9_459_459),
        ("NO-3112", 14_864_865),
        ("NO-3114", 11_196_911),
        ("NO-3116", 7_528_958),
        ("NO-3122", 6_949_807),
    ];
    for (id, minor) in expected {
        assert_eq!(payer(&s, id)["budget_minor"], minor, "{id}");
    }
    let explained = env.ok(&[
        "settle",
        "marker-settle",
        "--year",
        "2025",
        "--explain",
        "NO-3122",
    ]);
    // Marker has the largest remainder of the five, so one of the three øre left over is its.
    for line in [
        "Key: residents on 2024-01-01 (test figures)",
        "  Marker | 3,600",
        "Marker: ⌊NOK\u{a0}500,000.00 × 3,600 ÷ 25,900⌋ = NOK\u{a0}69,498.06, remainder 24,600, number 1 of 5 by remainder; the 3 øre left over go to the largest remainders (ties to the lowest id), so it gets one more: NOK\u{a0}69,498.07.",
        "  Hvaler | 4,900 | NOK\u{a0}94,594.59 | 11,900 | 4 | no | NOK\u{a0}94,594.59",
    ] {
        assert!(explained.contains(line), "{line} in:\n{explained}");
    }
    // The same in Norwegian, and as a PDF.
    let norsk = env.ok(&[
        "--lang",
        "nb",
        "settle",
        "marker-settle",
        "--year",
        "2025",
        "--explain",
        "NO-3122",
    ]);
    assert!(
        norsk.contains("så kommunen får ett øre til: 69\u{a0}498,07\u{a0}kr."),
        "{norsk}"
    );
    let pdf = env.path("forklaring.pdf");
    env.ok(&[
        "--lang",
        "nb",
        "settle",
        "marker-settle",
        "--year",
        "2025",
        "--explain",
        "NO-3122",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(pdf_text(&pdf).contains("Slik ble regningen for 2025 til Marker regnet ut"));

    // The run is in the journal; the same run again records nothing; a correction is re-run and the
    // difference shown.
    let runs = |env: &Env| {
        env.ok(&["db", "log", "--key", "marker-settle/settlement/2025"])
            .lines()
            .count()
    };
    let n = runs(env);
    assert!(n >= 1);
    let out = env.run(&["settle", "marker-settle", "--year", "2025"]);
    assert!(
        stderr(&out).contains("nothing new recorded"),
        "{}",
        stderr(&out)
    );
    assert_eq!(runs(env), n);
    let corrected = std::fs::read_to_string(format!("{FIXTURES}/settle-marker.toml"))
        .unwrap()
        .replace("\"NO-3122\" = 3600", "\"NO-3122\" = 3650");
    env.write("marker.toml", &corrected);
    env.ok(&[
        "import",
        "marker.toml",
        "--reason",
        "Corrected Marker's population",
    ]);
    let out = env.run(&["settle", "marker-settle", "--year", "2025"]);
    let note = stderr(&out);
    assert!(
        note.contains("differences to the run recorded")
            && note.contains("NO-3122: budget 69498.07")
            && note.contains("inputs changed"),
        "{note}"
    );
    assert_eq!(runs(env), n + 1);
    // Re-importing the agreement file leaves the recorded runs alone.
    env.ok(&["import", "marker.toml"]);
    assert_eq!(runs(env), n + 1);

    // Errors: a year without a cost basis, a usage key without usage, a payer that pays nothing.
    let err = env.fails(&["settle", "marker-settle", "--year", "2024"], 2);
    assert!(
        err.contains(
            "no payment agreement with a cost basis for 2024; years with a cost basis: 2025"
        ),
        "{err}"
    );
    let err = env.fails(&["settle", "vastra-malardalen-settle", "--year", "2025"], 2);
    assert!(err.contains("--usage"), "{err}");
    let err = env.fails(
        &[
            "settle",
            "marker-settle",
            "--year",
            "2025",
            "--explain",
            "NO-0301",
        ],
        2,
    );
    assert!(err.contains("pays nothing"), "{err}");
    let html = env.ok(&[
        "settle",
        "marker-settle",
        "--year",
        "2025",
        "--format",
        "html",
    ]);
    assert!(
        // After the correction Marker has 3,650 of 25,950 residents: 500,000.00 × 3,650 ÷ 25,950.
        html.contains("<th scope=\"row\">Marker</th><td>3,650</td><td>NOK\u{a0}70,327.55</td>"),
        "{html}"
    );
});

#[test]
fn payment_agreement_errors_name_their_place() {
    let env = Env::sqlite();
    let base = std::fs::read_to_string(format!("{FIXTURES}/settle-dragoer.toml")).unwrap();
    let cases = [
        (
            base.replace("budget = \"1200000.00\"", "budget = 1200000.50"),
            "budget = 1200000.50",
            "floating-point number",
        ),
        (
            base.replace(
                "shares = { \"DK-0155\" = 1 }",
                "shares = { \"DK-0185\" = 1 }",
            ),
            "shares = {",
            "DK-0185 has a share in the key but is not among the payers",
        ),
        (
            base.replace("effective = 2025-07-01", "effective = 2024-07-01"),
            "effective = 2024-07-01",
            "takes effect in 2024, not in 2025",
        ),
        (
            base.replace("kind = \"fixed\"", "kind = \"equal\""),
            "kind = \"equal\"",
            "not a key kind",
        ),
        (
            base.replace(
                "language = \"da\"\n",
                "language = \"da\"\nsettlements = \"secret\"\n",
            ),
            "settlements = \"secret\"",
            "public, members",
        ),
    ];
    for (text, needle, expected) in cases {
        let file = env.write("case.toml", &text);
        let line = line_of(&text, needle);
        let err = env.fails(&["check", file.to_str().unwrap()], 2);
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("case.toml:{line}:")) && l.contains(expected)),
            "expected line {line}: {expected} in\n{err}"
        );
    }
    // The file round-trips through export, with who may see the settlements.
    let members = base.replace(
        "language = \"da\"\n",
        "language = \"da\"\nsettlements = \"members\"\n",
    );
    env.write("members.toml", &members);
    env.ok(&["import", "members.toml"]);
    let exported = env.ok(&["export", "dragoer-taarnby-settle"]);
    assert!(
        exported.contains("settlements = \"members\"")
            && exported.contains("[payment_agreement.key]")
            && exported.contains("annual_amount = \"100000.00\"")
            && exported.contains("share_percent = 50.0"),
        "{exported}"
    );
    env.write("again.toml", &exported);
    assert!(
        env.ok(&["import", "again.toml"])
            .contains("Nothing to record")
    );
}

#[test]
fn population_numbers_from_a_csv_file_with_their_source() {
    let env = Env::sqlite();
    let inline = std::fs::read_to_string(format!("{FIXTURES}/settle-marker.toml")).unwrap();
    let with_csv = inline.replace(
        "population = { \"NO-3122\" = 3600, \"NO-3114\" = 5800, \"NO-3110\" = 4900, \"NO-3112\" = 7700, \"NO-3116\" = 3900 }",
        "population_csv = \"population-2024.csv\"",
    );
    assert_ne!(with_csv, inline);
    std::fs::create_dir_all(env.path("agreements")).unwrap();
    env.write("agreements/marker.toml", &with_csv);
    // A payer missing from the file, and a bad row: each reported where it is.
    env.write(
        "agreements/population-2024.csv",
        "municipality,population\nNO-3122,3600\nNO-3114,5800\nNO-3110,4900\nNO-3112,7700\n",
    );
    let err = env.fails(&["import", "agreements/marker.toml"], 2);
    let line = line_of(&with_csv, "population_csv");
    assert!(
        err.contains(&format!("marker.toml:{line}:"))
            && err.contains("has no row for payer NO-3116"),
        "{err}"
    );
    env.write("agreements/population-2024.csv", "municipality,population\nNO-3122,3600\nNO-3114,5800\nNO-3110,4900\nNO-3112,7700\nNO-3116,3 900\n");
    let err = env.fails(&["import", "agreements/marker.toml"], 2);
    assert!(
        err.contains("population-2024.csv:6:") && err.contains("not a whole number"),
        "{err}"
    );
    // With the right file, the same figures as the numbers written inline.
    env.write("agreements/population-2024.csv", "\u{feff}municipality,population\r\nNO-3122,3600\r\nNO-3114,5800\r\nNO-3110,4900\r\nNO-3112,7700\r\nNO-3116,3900\r\n");
    env.ok(&["import", "agreements/marker.toml"]);
    let s = settle_json(&env, &["marker-settle", "--year", "2025"]);
    assert_eq!(payer(&s, "NO-3122")["budget_minor"], 6_949_807);
    assert!(
        payer(&s, "NO-3122")["explanation"]["inputs"][0]
            .as_str()
            .unwrap()
            .contains("residents on 2024-01-01 (source: test figures)")
    );
    // The journal holds the numbers: the export writes them inline and imports back to the same state.
    let exported = env.ok(&["export", "marker-settle"]);
    assert!(
        exported.contains("population = { \"NO-3110\" = 4900"),
        "{exported}"
    );
    env.write("exported.toml", &exported);
    assert!(
        env.ok(&["import", "exported.toml"])
            .contains("Nothing to record")
    );
    // And the file form again records nothing either.
    assert!(
        env.ok(&["import", "agreements/marker.toml"])
            .contains("Nothing to record")
    );
    // A cap below the whole cost for a single payer cannot be met.
    let capped = std::fs::read_to_string(format!("{FIXTURES}/settle-dragoer.toml"))
        .unwrap()
        .replace(
            "aconto_due_day = 1",
            "aconto_due_day = 1\ncap = { \"DK-0155\" = \"1000000.00\" }",
        );
    env.write("capped.toml", &capped);
    env.ok(&["import", "capped.toml"]);
    let err = env.fails(&["settle", "dragoer-taarnby-settle", "--year", "2025"], 2);
    assert!(err.contains("every payer is at its cap"), "{err}");
}

both!(two_writers_from_the_same_state, |env| {
    env.ok(&["import", &format!("{EXAMPLES}/ishoej-vallensbaek.toml")]);
    let n = env.n_events();
    // Writer A reads the journal, then waits before writing; writer B writes meanwhile.
    let edited =
        example("ishoej-vallensbaek.toml").replace("approx_count = 35", "approx_count = 34");
    env.write("a.toml", &edited);
    let a = Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .args(["import", "a.toml", "--reason", "writer A"])
        .env("SAMVIRKE_DB", &env.db)
        .env("SAMVIRKE_FAILPOINT", "pause-before-commit")
        .env("SAMVIRKE_FAILPOINT_MS", "1500")
        .current_dir(env.dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    env.ok(&["import", &format!("{EXAMPLES}/koebenhavn-syd.toml")]);
    let b_events = env.n_events();
    assert!(b_events > n);
    let out = a.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("conflict")
            && message.contains("nothing was written")
            && message.contains("run the command again"),
        "{message}"
    );
    assert_eq!(env.n_events(), b_events, "writer A wrote nothing");
    // Run again, as the message says: it now applies on top of B's change.
    env.ok(&["import", "a.toml", "--reason", "writer A, again"]);
    assert_eq!(env.n_events(), b_events + 1);
});

/// `samvirke user` as an administrator sets up the first accounts: every mistake is exit 2 with
/// the fix, passwords never appear in the database, tokens are printed once.
#[test]
fn user_accounts_from_the_command_line() {
    let env = Env::sqlite();
    env.import_examples();
    let with_stdin = |args: &[&str], input: &str| {
        use std::io::Write as _;
        let mut child = Command::new(env!("CARGO_BIN_EXE_samvirke"))
            .args(args)
            .env("SAMVIRKE_DB", &env.db)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let made = env.ok(&["user", "add", "Admin@Dragoer.dk", "--role", "admin"]);
    assert!(made.contains("Created admin@dragoer.dk (admin)"), "{made}");
    let password = made
        .split("): ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(password.len(), 20, "{made}");
    let out = with_stdin(
        &[
            "user",
            "add",
            "bo@taarnby.dk",
            "--role",
            "editor",
            "--scope",
            "DK-0185",
            "--scope",
            "dragoer-taarnby",
            "--password-stdin",
        ],
        "a long pass phrase\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("Password"),
        "a given password is not printed"
    );
    let short = with_stdin(
        &[
            "user",
            "add",
            "c@x.dk",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("at least 12"), "{}", stderr(&short));
    assert!(
        env.fails(&["user", "add", "not-an-email", "--role", "admin"], 2)
            .contains("is not an email address")
    );
    assert!(
        env.fails(&["user", "add", "d@x.dk", "--role", "boss"], 2)
            .contains("use admin, editor or viewer")
    );
    assert!(
        env.fails(&["user", "add", "d@x.dk", "--role", "editor"], 2)
            .contains("needs at least one --scope")
    );
    assert!(
        env.fails(
            &[
                "user", "add", "d@x.dk", "--role", "editor", "--scope", "nowhere"
            ],
            2
        )
        .contains("--scope nowhere")
    );
    assert!(
        env.fails(&["user", "add", "admin@dragoer.dk", "--role", "admin"], 2)
            .contains("exists")
    );
    let list = env.ok(&["user", "list"]);
    assert!(
        list.contains("bo@taarnby.dk\teditor\tDK-0185 dragoer-taarnby\tactive"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["user", "list", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    // The database holds an argon2id hash, never the password.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT password_hash FROM staff_user WHERE email = 'admin@dragoer.dk'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(&password));
    let token_out = env.run(&["user", "token", "bo@taarnby.dk", "--name", "ci"]);
    assert!(token_out.status.success());
    let token = stdout(&token_out).trim().to_string();
    assert_eq!(token.len(), 64);
    let stored: String = conn
        .query_row("SELECT token_hash FROM api_token", [], |r| r.get(0))
        .unwrap();
    assert_ne!(stored, token, "tokens are stored hashed");
    // Listed with an id, their end (a year by default, or --days) and state; revoked by id.
    let second = env.run(&[
        "user",
        "token",
        "bo@taarnby.dk",
        "--name",
        "report",
        "--days",
        "30",
    ]);
    assert!(
        stderr(&second).contains("working until"),
        "{}",
        stderr(&second)
    );
    assert!(
        env.fails(
            &[
                "user",
                "token",
                "bo@taarnby.dk",
                "--name",
                "x",
                "--days",
                "731"
            ],
            2
        )
        .contains("731")
    );
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["user", "tokens", "bo@taarnby.dk", "--json"])).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| t["state"] == "works"), "{listed:?}");
    let days = |t: &serde_json::Value| {
        let at = |f: &str| samvirke_core::Timestamp::parse(t[f].as_str().unwrap()).unwrap();
        (at("expires_at").micros() - at("created_at").micros()) / (24 * 3600 * 1_000_000)
    };
    assert_eq!((days(&listed[0]), days(&listed[1])), (365, 30));
    let id = listed[1]["id"].as_str().unwrap().to_string();
    assert!(env.ok(&["user", "tokens", "bo@taarnby.dk"]).contains(&id));
    assert!(
        env.fails(&["user", "revoke", "bo@taarnby.dk", "abc"], 2)
            .contains("too short")
    );
    assert!(
        env.ok(&["user", "revoke", "bo@taarnby.dk", &id])
            .contains("no longer works")
    );
    assert!(
        env.fails(&["user", "revoke", "bo@taarnby.dk", &id], 2)
            .contains("no working token")
    );
    let listed: serde_json::Value =
        serde_json::from_str(&env.ok(&["user", "tokens", "bo@taarnby.dk", "--json"])).unwrap();
    assert_eq!(listed[1]["state"], "revoked");
    assert!(
        env.ok(&["user", "disable", "bo@taarnby.dk"])
            .contains("Disabled")
    );
    assert!(env.ok(&["user", "list"]).contains("disabled"));
    assert!(
        env.fails(&["user", "token", "bo@taarnby.dk", "--name", "x"], 2)
            .contains("disabled")
    );
    assert!(
        env.fails(&["user", "disable", "nobody@x.dk"], 2)
            .contains("no account")
    );
    let log: i64 = conn
        .query_row("SELECT COUNT(*) FROM account_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(log, 6, "created ×2, token ×2, revoked, disabled");
}

/// `samvirke deadlines`: the Dragør–Tårnby wheel by date, per municipality, as JSON and iCalendar,
/// and every mistake exit 2.
#[test]
fn deadlines_of_the_yearly_wheel() {
    let env = Env::sqlite();
    env.import_examples();
    let all = env.ok(&["deadlines", "--from", "2026-01-01", "--to", "2026-12-31"]);
    let days: Vec<&str> = all.lines().map(|l| &l[..10]).collect();
    assert_eq!(
        days,
        ["2026-01-30", "2026-02-02", "2026-05-29", "2026-06-30"],
        "{all}"
    );
    let dragoer = env.ok(&[
        "deadlines",
        "--municipality",
        "DK-0155",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    ]);
    assert_eq!(
        dragoer.lines().count(),
        2,
        "Dragør orders and adjusts the wheel: {dragoer}"
    );
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "deadlines",
        "--cooperation",
        "dragoer-taarnby",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--json",
    ]))
    .unwrap();
    let list = json["deadlines"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[0]["due"], "2025-01-31");
    assert_eq!(list[0]["obligation"], "agreement:aarsrapportering");
    assert_eq!(list[0]["basis"]["kind"], "agreement");
    let ics_path = env.path("d.ics");
    env.ok(&[
        "deadlines",
        "--cooperation",
        "dragoer-taarnby",
        "--from",
        "2025-01-01",
        "--to",
        "2026-12-31",
        "--ics",
        "-o",
        ics_path.to_str().unwrap(),
    ]);
    let ics = std::fs::read_to_string(&ics_path).unwrap();
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 8);
    assert!(ics.contains("DTSTART;VALUE=DATE:20260529\r\n"));
    assert!(ics.contains("UID:dragoer-taarnby/agreement:bestilling/2026-05-29@samvirke\r\n"));
    // Recording what was done: each change is an event, a re-import keeps it, and a deadline
    // still open after its day is overdue.
    assert!(
        env.ok(&[
            "deadlines",
            "mark",
            "dragoer-taarnby",
            "aarsrapportering",
            "2026-01-30",
            "done",
            "--note",
            "Sent 28 January",
        ])
        .contains("planned → done")
    );
    env.ok(&[
        "deadlines",
        "mark",
        "dragoer-taarnby",
        "agreement:bestilling",
        "2026-05-29",
        "in_progress",
    ]);
    env.import_examples();
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "deadlines",
        "--cooperation",
        "dragoer-taarnby",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--json",
    ]))
    .unwrap();
    let states: Vec<&str> = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    // Today is after all of them (the suite runs after 2026-06-30).
    assert_eq!(states, ["done", "overdue", "overdue", "overdue"]);
    assert_eq!(json["deadlines"][0]["note"], "Sent 28 January");
    let overdue = env.ok(&[
        "deadlines",
        "--cooperation",
        "dragoer-taarnby",
        "--overdue",
        "--from",
        "2026-01-01",
    ]);
    assert!(!overdue.contains("2026-01-30"), "{overdue}");
    assert!(overdue.contains("2026-05-29  overdue"), "{overdue}");
    let log = env.ok(&[
        "db",
        "log",
        "--key",
        "dragoer-taarnby/obligation-status/agreement:aarsrapportering/2026-01-30",
    ]);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(
        env.fails(
            &[
                "deadlines",
                "mark",
                "dragoer-taarnby",
                "aarsrapportering",
                "2026-01-31",
                "done"
            ],
            2
        )
        .contains("it falls due on 2025-01-31, 2026-01-30, 2027-01-29")
    );
    assert!(
        env.fails(
            &[
                "deadlines",
                "mark",
                "dragoer-taarnby",
                "aarsrapport",
                "2026-01-30",
                "done"
            ],
            2
        )
        .contains("its obligations are agreement:aarsrapportering")
    );
    assert!(
        env.fails(
            &[
                "deadlines",
                "mark",
                "dragoer-taarnby",
                "bestilling",
                "2026-05-29",
                "waived"
            ],
            2
        )
        .contains("--note")
    );
    assert!(
        env.fails(
            &[
                "deadlines",
                "mark",
                "dragoer-taarnby",
                "bestilling",
                "2026-05-29",
                "finished"
            ],
            2
        )
        .contains("planned, in_progress, done, waived")
    );
    // Mistakes.
    assert!(
        env.fails(
            &["deadlines", "--from", "2026-02-01", "--to", "2026-01-01"],
            2
        )
        .contains("before --from")
    );
    assert!(
        env.fails(&["deadlines", "--cooperation", "dragoer-tarnby"], 2)
            .contains("dragoer-taarnby")
    );
    assert!(
        env.fails(&["deadlines", "--municipality", "DK-9999"], 2)
            .contains("--municipality")
    );
    assert!(
        env.fails(&["deadlines", "--from", "2026-02-30"], 2)
            .contains("--from")
    );
}

both!(register_of_complaints_and_access_requests, |env| {
    env.import_examples();
    let add = |args: &[&str]| -> serde_json::Value {
        let mut full = vec!["cases", "add", "--json"];
        full.extend_from_slice(args);
        serde_json::from_str(&env.ok(&full)).unwrap()
    };
    // A complaint about a § 86 decision from 2020 goes to Tårnby, who performed it then.
    let old = add(&[
        "--kind",
        "complaint",
        "--service",
        "genoptraening-sel86",
        "--municipality",
        "DK-155",
        "--decided",
        "2020-03-01",
        "--received",
        "2020-03-10",
        "--reference",
        "27.15.00-G01-123-20",
    ]);
    assert_eq!(old["id"], 1);
    assert_eq!(old["handled_by"], "DK-0185");
    assert_eq!(old["visible_to"], serde_json::json!(["DK-0155", "DK-0185"]));
    assert_eq!(old["due"][0]["due"], "2020-04-07");
    assert_eq!(old["due"][0]["clock"], "dk-retssikkerhedsloven-66");
    assert_eq!(old["overdue"], true);
    // One from 2022 to Dragør, who took the task back on 2021-09-01.
    let new = add(&[
        "--kind",
        "complaint",
        "--service",
        "genoptraening-sel86",
        "--municipality",
        "DK-0155",
        "--decided",
        "2022-05-10",
        "--received",
        "2022-05-20",
        "--reference",
        "SAG-2022-0042",
    ]);
    assert_eq!(new["handled_by"], "DK-0155");
    assert_eq!(new["visible_to"], serde_json::json!(["DK-0155"]));
    // A GDPR request: one month, extendable by two.
    let gdpr = add(&[
        "--kind",
        "gdpr_access",
        "--service",
        "ppr",
        "--municipality",
        "DK-0155",
        "--decided",
        "2021-05-01",
        "--received",
        "2026-01-15",
        "--reference",
        "SAG-2026-17",
    ]);
    assert_eq!(gdpr["handled_by"], "DK-0185");
    assert_eq!(gdpr["due"][0]["due"], "2026-02-16");
    let id = gdpr["id"].as_i64().unwrap().to_string();

    // Lists: overdue first; per municipality.
    let listed = env.ok(&["cases", "list", "--on", "2026-02-17"]);
    let ids: Vec<&str> = listed
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "3"], "{listed}");
    assert!(listed.lines().all(|l| l.contains("OVERDUE")), "{listed}");
    let taarnby: serde_json::Value = serde_json::from_str(&env.ok(&[
        "cases",
        "list",
        "--municipality",
        "DK-0185",
        "--on",
        "2026-02-01",
        "--json",
    ]))
    .unwrap();
    let ids: Vec<i64> = taarnby["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3], "overdue first, then by due date");
    assert!(
        env.ok(&["cases", "list", "--municipality", "DK-0101"])
            .contains("No open cases")
    );

    // Extension, closing, retention.
    assert!(
        env.ok(&[
            "cases",
            "extend",
            &id,
            "--reason",
            "many documents",
            "--on",
            "2026-02-10"
        ])
        .contains("now due 2026-04-15")
    );
    assert!(
        env.fails(&["cases", "extend", "1", "--reason", "x"], 2)
            .contains("no extension for a complaint")
    );
    env.ok(&["cases", "close", "1", "--on", "2020-04-01"]);
    assert!(
        env.fails(&["cases", "close", "1"], 2)
            .contains("closed on 2020-04-01")
    );
    assert!(
        env.ok(&["cases", "purge", "--on", "2025-03-31"])
            .contains("nothing to delete"),
        "five years by default"
    );
    let purged = env.run_with_env(
        &["cases", "purge", "--on", "2026-12-01"],
        &[("SAMVIRKE_CASE_RETENTION_DAYS", "365")],
    );
    assert!(
        stdout(&purged).contains("Deleted 1 case(s): 1"),
        "{}",
        stdout(&purged)
    );
    assert!(env.fails(&["cases", "show", "1"], 2).contains("no case 1"));
    let log = env.ok(&["cases", "log", "1"]);
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(log.contains("deleted: closed on 2020-04-01"), "{log}");
    assert!(
        !log.contains("27.15.00"),
        "the log keeps no case reference: {log}"
    );

    // Mistakes: each names the flag and the fix, and nothing is registered.
    let before = env.ok(&["cases", "list", "--closed"]);
    for (args, needle) in [
        (vec!["--kind", "klage"], "--kind: unknown kind"),
        (
            vec!["--reference", "010190-1234"],
            "national identity number",
        ),
        (vec!["--municipality", "DK-9999"], "--municipality"),
        (vec!["--decided", "2020-02-30"], "--decided"),
        (vec!["--service", "genoptraning-sel86"], "did you mean"),
        (vec!["--received", "2020-02-01"], "before --decided"),
        (vec!["--received", "2999-01-01"], "is after today"),
    ] {
        let mut full = vec![
            "cases",
            "add",
            "--kind",
            "complaint",
            "--service",
            "genoptraening-sel86",
            "--municipality",
            "DK-0155",
            "--decided",
            "2020-03-01",
            "--reference",
            "SAG-9",
        ];
        for pair in args.chunks(2) {
            match full.iter().position(|a| *a == pair[0]) {
                Some(at) => full[at + 1] = pair[1],
                None => full.extend_from_slice(pair),
            }
        }
        let err = env.fails(&full, 2);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(env.ok(&["cases", "list", "--closed"]), before);
    assert!(
        env.ok(&["cases", "clocks"])
            .contains("offentlighedsloven § 36")
    );
});

both!(annual_report_from_the_command_line, |env| {
    env.import_examples();
    // Samvirke's default template until the cooperation records its own.
    assert!(
        env.ok(&["report", "templates", "dragoer-taarnby"])
            .contains("version 0")
    );
    let template = env.write(
        "template.toml",
        "version = 1\nfrom = 2026-02-02\nnote = \"Justeret februar 2026\"\n\n[[sections]]\nid = \"results\"\ntitle = { da = \"Resultater\" }\n\n[[sections]]\nid = \"waiting-times\"\ntitle = { da = \"Ventetider\" }\n\n[[figures]]\nid = \"cases\"\ntitle = { da = \"Sager\" }\n",
    );
    let t = template.to_str().unwrap();
    assert!(
        env.ok(&["report", "template", "dragoer-taarnby", "--file", t])
            .contains("version 1 of dragoer-taarnby recorded")
    );
    assert!(
        env.ok(&["report", "template", "dragoer-taarnby", "--file", t])
            .contains("nothing new")
    );
    let changed = env.write(
        "changed.toml",
        &std::fs::read_to_string(&template)
            .unwrap()
            .replace("Ventetider", "Ventetid"),
    );
    assert!(
        env.fails(
            &[
                "report",
                "template",
                "dragoer-taarnby",
                "--file",
                changed.to_str().unwrap()
            ],
            2
        )
        .contains("record the change as version 2")
    );
    let twice = env.write("twice.toml", "version = 2\nfrom = 2027-02-01\n[[sections]]\nid = \"a\"\ntitle = { da = \"A\" }\n[[sections]]\nid = \"a\"\ntitle = { da = \"B\" }\n");
    assert!(
        env.fails(
            &[
                "report",
                "template",
                "dragoer-taarnby",
                "--file",
                twice.to_str().unwrap()
            ],
            2
        )
        .contains("used twice")
    );

    // Tårnby's sheet for sub-agreement 3 in 2026, written to the 2026 template, submitted.
    let wrong = env.write("wrong.toml", "[sections]\noutlook-short = \"x\"\n");
    let err = env.fails(
        &[
            "report",
            "sheet",
            "dragoer-taarnby",
            "--year",
            "2026",
            "--sub-agreement",
            "3",
            "--file",
            wrong.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains("its sections are results, waiting-times"),
        "{err}"
    );
    let sheet = env.write(
        "sheet.toml",
        "[sections]\nresults = \"\"\"Flere borgere fik genoptræning.\n\nVentelisten blev kortere.\"\"\"\nwaiting-times = \"9 dage\"\n\n[figures]\ncases = 1250\n",
    );
    let s = sheet.to_str().unwrap();
    assert!(
        env.fails(
            &[
                "report",
                "sheet",
                "dragoer-taarnby",
                "--year",
                "2026",
                "--sub-agreement",
                "1",
                "--file",
                s
            ],
            2
        )
        .contains("those that were: 3, 4, 5, 8")
    );
    assert!(
        env.ok(&[
            "report",
            "sheet",
            "dragoer-taarnby",
            "--year",
            "2026",
            "--sub-agreement",
            "3",
            "--file",
            s,
            "--submit"
        ])
        .contains("submitted")
    );
    assert!(
        env.fails(
            &[
                "report",
                "review",
                "dragoer-taarnby",
                "--year",
                "2026",
                "--sub-agreement",
                "3",
                "--return"
            ],
            2
        )
        .contains("say what is to be changed")
    );
    assert!(
        env.ok(&[
            "report",
            "review",
            "dragoer-taarnby",
            "--year",
            "2026",
            "--sub-agreement",
            "3",
            "--approve",
            "--note",
            "OK"
        ])
        .contains("approved")
    );
    assert!(
        env.fails(
            &[
                "report",
                "sheet",
                "dragoer-taarnby",
                "--year",
                "2026",
                "--sub-agreement",
                "3",
                "--file",
                s
            ],
            2
        )
        .contains("approved")
    );
    let text = env.ok(&["report", "show", "dragoer-taarnby", "--year", "2026"]);
    assert!(
        text.starts_with(
            "Årsrapport 2026\nForpligtende samarbejde mellem Tårnby og Dragør Kommuner\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Skabelon for årsrapportering: version 1, gældende fra 02.02.2026"),
        "{text}"
    );
    assert!(text.contains("Ventelisten blev kortere."), "{text}");
    assert!(text.contains("Sager | 1.250"), "{text}");
    // HTML and PDF files, written whole.
    let html = env.path("r.html");
    env.ok(&[
        "report",
        "show",
        "dragoer-taarnby",
        "--year",
        "2026",
        "--format",
        "html",
        "-o",
        html.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(html).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"da\">"),
        "{html}"
    );
    assert!(html.contains("<h2>Delaftale 3</h2>"));
    let pdf = env.path("r.pdf");
    env.ok(&[
        "report",
        "show",
        "dragoer-taarnby",
        "--year",
        "2026",
        "--format",
        "pdf",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    let pdf_text = pdf_text(&pdf);
    assert!(pdf_text.contains("Ventelisten blev kortere."), "{pdf_text}");
    assert!(pdf_text.contains("godkendt"), "{pdf_text}");
    assert!(
        env.fails(&["report", "show", "dragoer-taarnby", "--format", "pdf"], 2)
            .contains("-o report.pdf")
    );
    // The 2025 report still uses the default template.
    assert!(
        env.ok(&["report", "show", "dragoer-taarnby", "--year", "2025"])
            .contains("Samvirkes standardskabelon")
    );
    let log = env.ok(&["db", "log", "--key", "dragoer-taarnby/fact-sheet/2026/3"]);
    assert_eq!(log.lines().count(), 2, "{log}");
});

both!(the_server_deletes_cases_whose_retention_has_ended, |env| {
    env.import_examples();
    for (reference, decided) in [("SAG-OLD", "2020-03-01"), ("SAG-OPEN", "2020-04-01")] {
        env.ok(&[
            "cases",
            "add",
            "--kind",
            "complaint",
            "--service",
            "genoptraening-sel86",
            "--municipality",
            "DK-0155",
            "--decided",
            decided,
            "--received",
            decided,
            "--reference",
            reference,
        ]);
    }
    env.ok(&["cases", "close", "1", "--on", "2020-05-01"]);
    let mut server = Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SAMVIRKE_DB", &env.db)
        .env("SAMVIRKE_CASE_RETENTION_DAYS", "365")
        .env("SAMVIRKE_LOG", "warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut deleted = false;
    for _ in 0..200 {
        if env.run(&["cases", "show", "1"]).status.code() == Some(2) {
            deleted = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        deleted,
        "the closed case of 2020 is deleted when the server starts"
    );
    assert!(
        env.ok(&["cases", "show", "2"]).contains("SAG-OPEN"),
        "an open case stays"
    );
    let log = env.ok(&["cases", "log", "1"]);
    assert!(
        log.contains("samvirke serve (retention)") && log.contains("retention period of 365 days"),
        "{log}"
    );
});

/// A mapping with three areas scored by Dragør (DK-0155) and Tårnby (DK-0185) on three weighted
/// criteria: the numbers of the ranking test in samvirke-core, worked out by hand there.
/// The text of a PDF, read by Debian's pdftotext (poppler-utils; scripts/test installs it).
fn pdf_text(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const MAPPING: &str = r#"format = 1

[cooperation]
id = "kortlaegning"
name = "Kortlægning"
country = "DK"
legal_form = "undecided"
status = "exploring"
language = "da"

[[party]]
id = "DK-0155"
roles = ["member"]

[[party]]
id = "DK-0185"
roles = ["member"]

[[candidate_area]]
id = "x"
area = "Område X"
status = "assessed"

[[candidate_area.assessment]]
party = "DK-0155"
scores = { a = 4, b = 2, c = 0 }
justification = "Begrundet"

[[candidate_area.assessment]]
party = "DK-0185"
scores = { a = 3, b = 3, c = 3 }
justification = "Begrundet"

[[candidate_area.transition]]
to = "assessed"
on = 2026-03-02
reason = "Vurderet af begge kommuner"

[[candidate_area]]
id = "y"
area = "Område Y"
status = "identified"

[[candidate_area.assessment]]
party = "DK-0155"
scores = { a = 2, b = 4, c = 4 }
justification = "Begrundet"

[[candidate_area.assessment]]
party = "DK-0185"
scores = { a = 2, b = 2, c = 2 }
justification = "Begrundet"

[[candidate_area]]
id = "z"
area = "Område Z"
status = "identified"

[[candidate_area.assessment]]
party = "DK-0155"
scores = { a = 1, b = 4, c = 4 }
justification = "Begrundet"

[[candidate_area.assessment]]
party = "DK-0185"
scores = { a = 1, b = 3, c = 3 }
justification = "Begrundet"

[mapping]
note = "Prøve"

[[mapping.criterion]]
id = "a"
group = "gain"
weight = 2
name = { da = "Kriterium A" }

[[mapping.criterion]]
id = "b"
group = "gain"
weight = 1
name = { da = "Kriterium B" }

[[mapping.criterion]]
id = "c"
group = "feasibility"
weight = 1
name = { da = "Kriterium C" }
"#;

both!(
    a_mapping_ranks_areas_and_says_how_robust_the_top_three_is,
    |env| {
        let file = env.write("kortlaegning.toml", MAPPING);
        env.ok(&["import", file.to_str().unwrap()]);
        // x 2.75 (Dragør 2.5, Tårnby 3), y 2.5, z 2.25; the weight of A from 2 to 1 gives y, z, x.
        let text = env.ok(&["--lang", "da", "mapping", "kortlaegning"]);
        for line in [
            "1. Område X  2,75",
            "Dragør: 2,50",
            "Tårnby: 3,00",
            "2. Område Y  2,50",
            "3. Område Z  2,25",
            "vægten af “Kriterium A” fra 2 til 1 giver Område Y; Område Z; Område X",
        ] {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
        let json: serde_json::Value =
            serde_json::from_str(&env.ok(&["mapping", "kortlaegning", "--json"])).unwrap();
        let m = &json["mapping"];
        assert_eq!(m["ranking"]["ranked"][0]["area"], "x");
        assert_eq!(m["ranking"]["ranked"][0]["score"], 2.75);
        assert_eq!(m["robustness"]["smallest"]["criterion"], "a");
        assert_eq!(m["robustness"]["smallest"]["to"], 1);
        let b = m["robustness"]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"] == "b")
            .unwrap();
        assert_eq!(b["to"], 4, "{b}");
        // Unknown cooperation: a clear error.
        let err = env.fails(&["mapping", "nope"], 2);
        assert!(err.contains("there is no cooperation \"nope\""), "{err}");
        // The decision paper as HTML and PDF: the same ranking, the robustness and each score
        // with its justification, in the language asked for.
        let html = env.ok(&[
            "--lang",
            "da",
            "mapping",
            "kortlaegning",
            "--format",
            "html",
        ]);
        for part in [
            "<h1>Beslutningsgrundlag: kortlægning af mulige samarbejdsområder i",
            "<td>Område X</td><td>2,75</td><td>2,50</td><td>3,00</td>",
            "vægten af “Kriterium A” fra 2 til 1 giver Område Y; Område Z; Område X",
        ] {
            assert!(html.contains(part), "{part} in:\n{html}");
        }
        let pdf = env.path("kortlaegning.pdf");
        env.ok(&[
            "--lang",
            "da",
            "mapping",
            "kortlaegning",
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ]);
        let text = pdf_text(&pdf);
        assert!(text.contains("Beslutningsgrundlag"), "{text}");
        assert!(text.contains("Område X"), "{text}");
        assert!(
            env.fails(&["mapping", "kortlaegning", "--format", "pdf"], 2)
                .contains("-o report.pdf")
        );
    }
);

both!(mapping_mistakes_name_their_place_and_write_nothing, |env| {
    // A score out of range.
    assert_rejected(
        env,
        &MAPPING.replace("a = 4, b = 2", "a = 5, b = 2"),
        "a = 5, b = 2",
        "5 is out of range; it must be between 0 and 4",
    );
    // Weights that are all 0.
    let zero = MAPPING
        .replace("weight = 2", "weight = 0")
        .replace("weight = 1", "weight = 0");
    let file = env.write("zero.toml", &zero);
    let err = env.fails(&["check", file.to_str().unwrap()], 2);
    assert!(
        err.contains("every weight is 0, so no area could be ranked"),
        "{err}"
    );
    // A criterion the mapping does not have.
    assert_rejected(
        env,
        &MAPPING.replace("a = 1, b = 4, c = 4", "a = 1, b = 4, d = 4"),
        "a = 1, b = 4, d = 4",
        "\"d\" is not a criterion of the mapping; the criteria are: a, b, c",
    );
    // A score without a justification.
    assert_rejected(
        env,
        &MAPPING.replacen(
            "scores = { a = 4, b = 2, c = 0 }\njustification = \"Begrundet\"",
            "scores = { a = 4, b = 2, c = 0 }",
            1,
        ),
        "a = 4, b = 2, c = 0",
        "the score for \"a\" has no justification",
    );
    // A move that skips a step, and a status that is not the last move's.
    assert_rejected(
        env,
        &MAPPING.replace("to = \"assessed\"", "to = \"decided\""),
        "to = \"decided\"",
        "an area cannot move from identified to decided",
    );
    // A participant that is not a party.
    assert_rejected(
        env,
        &MAPPING.replacen(
            "party = \"DK-0185\"\nscores = { a = 3",
            "party = \"DK-0101\"\nscores = { a = 3",
            1,
        ),
        "party = \"DK-0101\"",
        "DK-0101 does not take part in this area",
    );
});

both!(evaluations_fall_due_two_years_after_the_last_one, |env| {
    // Dragør evaluated on Thursday 3 October 2024; two years on is a Saturday, so the next one is
    // due on Friday 2 October 2026. Tårnby has none and the file gives no start: no date for it.
    let text = format!(
        "{BASE}\n[[evaluation]]\nparty = \"DK-0155\"\non = 2024-10-03\nsub_agreement = 1\ndelivers = \"yes\"\nvalue_for_money = \"partly\"\nreasons = \"Ventetiden faldt; prisen steg mere end aftalt\"\nevidence = [\"Faktaark 2024\"]\n"
    );
    let file = env.write("evaluated.toml", &text);
    env.ok(&["import", file.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "deadlines",
        "--cooperation",
        "test-cooperation",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--json",
    ]))
    .unwrap();
    let evaluations: Vec<(&str, &str)> = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["obligation"].as_str().unwrap().starts_with("evaluation:"))
        .map(|d| {
            (
                d["obligation"].as_str().unwrap(),
                d["due"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(evaluations, [("evaluation:DK-0155", "2026-10-02")]);
    // The export writes it back.
    let exported = env.ok(&["export", "test-cooperation"]);
    assert!(
        exported.contains("[[evaluation]]") && exported.contains("value_for_money = \"partly\""),
        "{exported}"
    );
    // Mistakes name their place.
    let bad = text.replace("delivers = \"yes\"", "delivers = \"maybe\"");
    let file = env.write("bad.toml", &bad);
    let err = env.fails(&["check", file.to_str().unwrap()], 2);
    assert!(
        err.contains("\"maybe\" is not one of: yes, partly, no"),
        "{err}"
    );
    let stranger = text.replace(
        "party = \"DK-0155\"\non = 2024",
        "party = \"DK-0101\"\non = 2024",
    );
    let file = env.write("stranger.toml", &stranger);
    let err = env.fails(&["check", file.to_str().unwrap()], 2);
    assert!(
        err.contains("DK-0101 is the evaluating party but not a party"),
        "{err}"
    );
});

/// Three municipalities share rehabilitation performed by Brøndby (DK-0153), paying by population
/// (Brøndby 35,000, Albertslund 28,000, Glostrup 24,000; 87,000 in all), 1,000,000.00 kr. in
/// 2028. Notice is six months to the end of a year; changes need 67 % of the residents.
const SCENARIOS: &str = include_str!("fixtures/scenarios-vestegn.toml");

fn scenario_json(env: &Env, id: &str) -> serde_json::Value {
    serde_json::from_str(&env.ok(&["scenario", "show", "vestegn-genoptraening", id, "--json"]))
        .unwrap()
}

fn payer_money(report: &serde_json::Value, party: &str) -> (i64, i64) {
    let p = report["money"]["years"][0]["payers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"] == party)
        .unwrap_or_else(|| panic!("{party} in {report}"));
    (
        p["before_minor"].as_i64().unwrap(),
        p["after_minor"].as_i64().unwrap(),
    )
}

both!(
    a_take_back_scenario_gives_dates_votes_citizens_and_money,
    |env| {
        let file = env.write("vestegn.toml", SCENARIOS);
        env.ok(&["import", file.to_str().unwrap()]);
        let events = env.n_events();
        let r = scenario_json(env, "glostrup-hjemtager");
        // Notice given 2026-07-01 misses 30 June, so the first end is 1 January 2028, a Saturday and
        // a holiday: Monday 3 January 2028.
        let e = &r["changes"][0]["earliest"];
        assert_eq!(e["ends"], "2028-01-01");
        assert_eq!(e["date"], "2028-01-03");
        assert_eq!(e["last_notice_day"], "2027-06-30");
        // 67 % of 87,000 residents is 58,290; Brøndby (35,000) alone can block.
        let vote = r["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|d| d.get("vote").filter(|v| !v.is_null()))
            .unwrap();
        assert_eq!(vote["total"], 87000);
        assert_eq!(vote["needed"], 58290);
        assert_eq!(vote["blocking"], serde_json::json!(["DK-0153"]));
        // Citizens: Glostrup's residents go from Brøndby to Glostrup on 3 January 2028.
        let c = &r["citizens"].as_array().unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0]["municipality"], "DK-0161");
        assert_eq!(c[0]["before"]["responsible"]["name"], "Brøndby");
        assert_eq!(c[0]["after"]["responsible"]["name"], "Glostrup");
        // Money, by hand: before, 100,000,000 øre by 35:28:24 → 40,229,885 + 32,183,908 +
        // 27,586,207 (the left-over øre to Glostrup's .896). After, 2 of 366 days (546,448 øre) by
        // all three → 219,835.40 / 175,868.32 / 150,744.28, the left-over øre to Brøndby's .40, and
        // 99,453,552 øre by Brøndby and Albertslund → 55,251,973.33 / 44,201,578.67, the øre to
        // Albertslund.
        assert_eq!(
            payer_money(&r, "DK-0153"),
            (40_229_885, 219_836 + 55_251_973)
        );
        assert_eq!(
            payer_money(&r, "DK-0165"),
            (32_183_908, 175_868 + 44_201_579)
        );
        assert_eq!(payer_money(&r, "DK-0161"), (27_586_207, 150_744));
        let y = &r["money"]["years"][0];
        assert_eq!(y["total_before_minor"], 100_000_000);
        assert_eq!(y["total_after_minor"], 100_000_000);
        // The text says the same in Danish, with the staff figure.
        let text = env.ok(&[
            "--lang",
            "da",
            "scenario",
            "show",
            "vestegn-genoptraening",
            "glostrup-hjemtager",
        ]);
        for line in [
            "Tidligste lovlige dato: 03.01.2028",
            "Kvalificeret flertal (67 %) efter indbyggertal: medlemmer med mindst 58.290 af 87.000 indbyggere. Brøndby kan blokere alene.",
            "Borgere i Glostrup, Genoptræning, fra 03.01.2028: Brøndby → Glostrup",
            "Glostrup: 275.862,07\u{a0}kr. → 1.507,44\u{a0}kr. (−274.354,63\u{a0}kr.)",
            "Brøndby → Glostrup: 3 medarbejdere",
        ] {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
        // Working a scenario out writes nothing.
        assert_eq!(env.n_events(), events);
    }
);

both!(
    a_decision_paper_is_written_as_html_and_pdf_and_scenarios_side_by_side,
    |env| {
        let file = env.write("vestegn.toml", SCENARIOS);
        env.ok(&["import", file.to_str().unwrap()]);
        let html = env.path("paper.html");
        env.ok(&[
            "--lang",
            "da",
            "scenario",
            "paper",
            "vestegn-genoptraening",
            "glostrup-hjemtager",
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ]);
        let text = std::fs::read_to_string(&html).unwrap();
        for part in [
            "<h1>Beslutningsgrundlag: Glostrup hjemtager genoptræningen</h1>",
            "\">Vestegnens genoptræning, 2028</caption>",
            "<th scope=\"row\">Glostrup</th><td>275.862,07\u{a0}kr.</td><td>1.507,44\u{a0}kr.</td><td>−274.354,63\u{a0}kr.</td>",
            "<th scope=\"row\">I alt</th><td>1.000.000,00\u{a0}kr.</td><td>1.000.000,00\u{a0}kr.</td><td>0,00\u{a0}kr.</td>",
        ] {
            assert!(text.contains(part), "{part} in:\n{text}");
        }
        let pdf = env.path("paper.pdf");
        env.ok(&[
            "--lang",
            "da",
            "scenario",
            "paper",
            "vestegn-genoptraening",
            "glostrup-hjemtager",
            "--format",
            "pdf",
            "-o",
            pdf.to_str().unwrap(),
        ]);
        let pdf_text = pdf_text(&pdf);
        assert!(pdf_text.contains("Beslutningsgrundlag"), "{pdf_text}");
        assert!(pdf_text.contains("274.354,63"), "{pdf_text}");
        // Side by side: one column per scenario, each payer's net difference in a row.
        let compared = env.ok(&[
            "scenario",
            "paper",
            "vestegn-genoptraening",
            "glostrup-hjemtager",
            "albertslund-udtraeder",
        ]);
        assert!(
            compared
                .contains("Compared | Glostrup hjemtager genoptræningen | Albertslund træder ud"),
            "{compared}"
        );
        assert!(
            compared.contains("Glostrup pays, over the years worked out | −DKK\u{a0}274,354.63"),
            "{compared}"
        );
        // Five scenarios are refused by the argument parser, one that does not exist by name.
        assert!(
            env.fails(&["scenario", "paper", "vestegn-genoptraening", "nope"], 2)
                .contains("has no scenario \"nope\"")
        );
    }
);

both!(a_joint_projects_shares_sum_exactly_to_its_budget, |env| {
    let file = env.write("vestegn.toml", SCENARIOS);
    env.ok(&["import", file.to_str().unwrap()]);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["projects", "vestegn-genoptraening", "--json"])).unwrap();
    let share = |project: usize, party: &str| -> i64 {
        json["projects"][project]["years"][0]["shares"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["party"] == party)
            .unwrap_or_else(|| panic!("{party} in {json}"))["budget_minor"]
            .as_i64()
            .unwrap()
    };
    // 10,000,001 øre by 35:24:28 (of 87,000): bases 4,022,988 + 2,758,620 + 3,218,391 leave
    // 2 øre, which go to the largest remainders, Glostrup's (84,000) and Brøndby's (79,000).
    assert_eq!(
        json["projects"][0]["project"]["id"],
        "faelles-hjaelpemiddeldepot"
    );
    assert_eq!(share(0, "DK-0153"), 4_022_989);
    assert_eq!(share(0, "DK-0161"), 2_758_621);
    assert_eq!(share(0, "DK-0165"), 3_218_391);
    assert_eq!(
        share(0, "DK-0153") + share(0, "DK-0161") + share(0, "DK-0165"),
        10_000_001
    );
    // Equal shares of 1,000,000.00: the left-over øre goes to the lowest id.
    assert_eq!(share(1, "DK-0153"), 33_333_334);
    assert_eq!(share(1, "DK-0161"), 33_333_333);
    assert_eq!(share(1, "DK-0165"), 33_333_333);
    let text = env.ok(&["--lang", "da", "projects", "vestegn-genoptraening"]);
    for line in [
        "Fælles hjælpemiddeldepot (I gang)",
        "  Periode: 01.01.2027 – 31.12.2028",
        "    Glostrup: 27.586,21\u{a0}kr.",
        "    I alt: 100.000,01\u{a0}kr.",
        "  Fordelingsnøgle: Lige store andele",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    // The export holds the projects and reads back to the same state.
    let exported = env.ok(&["export", "vestegn-genoptraening"]);
    assert!(exported.contains("[[project.year]]"), "{exported}");
    let again = env.write("again.toml", &exported);
    assert!(
        env.ok(&["import", again.to_str().unwrap()])
            .contains("Nothing to record")
    );
});

both!(a_project_with_placed_mistakes_is_refused, |env| {
    assert_rejected(
        env,
        &SCENARIOS.replace("lead = \"DK-0153\"", "lead = \"DK-0159\""),
        "lead = \"DK-0159\"",
        "DK-0159 runs the project but is not among its participants",
    );
    assert_rejected(
        env,
        &SCENARIOS.replace(
            "year = 2027\nbudget = \"100000.01\"",
            "year = 2030\nbudget = \"100000.01\"",
        ),
        "year = 2030",
        "the project runs 2027-01-01 – 2028-12-31 and so not in 2030",
    );
    assert_rejected(
        env,
        &SCENARIOS.replace(
            "population = { \"DK-0153\" = 35000, \"DK-0165\" = 28000, \"DK-0161\" = 24000 }\n\n[[project.year]]",
            "population = { \"DK-0153\" = 35000, \"DK-0165\" = 28000 }\n\n[[project.year]]",
        ),
        "population = { \"DK-0153\" = 35000, \"DK-0165\" = 28000 }",
        "payer DK-0161 has no share in the key",
    );
});

both!(
    evaluate_shows_the_yearly_cost_from_recorded_settlements_and_its_trend,
    |env| {
        let base = std::fs::read_to_string(format!("{FIXTURES}/settle-dragoer.toml")).unwrap();
        let two_years =
            format!("{base}\n[[payment_agreement.year]]\nyear = 2026\nbudget = \"1300000.00\"\n");
        let file = env.write("two-years.toml", &two_years);
        env.ok(&["import", file.to_str().unwrap()]);
        // No run recorded yet: no years, no trend.
        let before: serde_json::Value =
            serde_json::from_str(&env.ok(&["evaluate", "dragoer-taarnby-settle", "--json"]))
                .unwrap();
        assert_eq!(before["parts"][0]["years"], serde_json::json!([]));
        for year in ["2025", "2026"] {
            env.ok(&["settle", "dragoer-taarnby-settle", "--year", year]);
        }
        let json: serde_json::Value =
            serde_json::from_str(&env.ok(&["evaluate", "dragoer-taarnby-settle", "--json"]))
                .unwrap();
        // 2025: 1,180,000.00 actual less the 25,205.48 savings credit; 2026: the budget.
        let years = &json["parts"][0]["years"];
        assert_eq!(years[0]["year"], 2025);
        assert_eq!(years[0]["cost_minor"], 115_479_452);
        assert_eq!(years[1]["cost_minor"], 130_000_000);
        // (1,300,000.00 − 1,154,794.52) / 1,154,794.52 = 12.6 % → 13.
        assert_eq!(json["parts"][0]["cost_trend_percent"], 13);
        let text = env.ok(&["--lang", "da", "evaluate", "dragoer-taarnby-settle"]);
        for line in [
            "Delaftale 3: Natur og miljø",
            "  2025: betalt 1.154.794,52\u{a0}kr.",
            "  Udgiften har ændret sig med +13 % fra første til seneste år.",
        ] {
            assert!(text.contains(line), "{line} in:\n{text}");
        }
        assert!(
            env.fails(&["evaluate", "no-such-cooperation"], 2)
                .contains("there is no cooperation \"no-such-cooperation\"")
        );
    }
);

both!(a_leave_and_a_join_change_the_payers, |env| {
    let file = env.write("vestegn.toml", SCENARIOS);
    env.ok(&["import", file.to_str().unwrap()]);
    let leave = scenario_json(env, "albertslund-udtraeder");
    // Albertslund stops paying from 3 January 2028; Glostrup's residents keep Brøndby.
    assert_eq!(payer_money(&leave, "DK-0165"), (32_183_908, 175_868));
    assert_eq!(leave["citizens"][0]["municipality"], "DK-0165");
    assert_eq!(
        leave["citizens"][0]["after"]["responsible"]["name"],
        "Albertslund"
    );
    let join = scenario_json(env, "gladsaxe-indtraeder");
    // Gladsaxe joins on 1 January 2028 with 70,000 residents: 157,000 in all, no day split.
    // 100,000,000 × 70,000 / 157,000 = 44,585,987.26 → 44,585,987; Glostrup 15,286,624.20. The
    // two left-over øre go to the largest remainders, Albertslund's .90 and Brøndby's .63.
    let (b, a) = payer_money(&join, "DK-0159");
    assert_eq!((b, a), (0, 44_585_987));
    assert_eq!(payer_money(&join, "DK-0161").1, 15_286_624);
    assert_eq!(payer_money(&join, "DK-0165").1, 17_834_395);
    assert_eq!(join["citizens"][0]["municipality"], "DK-0159");
    assert_eq!(
        join["citizens"][0]["after"]["responsible"]["name"],
        "Brøndby"
    );
    // The comparison puts the three side by side.
    let text = env.ok(&[
        "--lang",
        "da",
        "scenario",
        "compare",
        "vestegn-genoptraening",
        "glostrup-hjemtager",
        "albertslund-udtraeder",
        "gladsaxe-indtraeder",
    ]);
    for line in [
        "Glostrup hjemtager genoptræningen",
        "Albertslund træder ud",
        "Gladsaxe træder ind",
        "Gladsaxe betaler +445.859,87\u{a0}kr.",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
});

both!(adopting_a_scenario_records_it_once, |env| {
    let file = env.write("vestegn.toml", SCENARIOS);
    env.ok(&["import", file.to_str().unwrap()]);
    let before = env.n_events();
    let args = [
        "scenario",
        "adopt",
        "vestegn-genoptraening",
        "glostrup-hjemtager",
        "--decision",
        "glostrup-hjemtagelse",
        "--decided-on",
        "2027-06-15",
        "--body",
        "DK-0161",
        "--reason",
        "Vedtaget af kommunalbestyrelserne juni 2027",
    ];
    let out = env.ok(&args);
    assert!(
        out.contains("adopted scenario \"glostrup-hjemtager\""),
        "{out}"
    );
    assert!(env.n_events() > before);
    // The resolver now says what the scenario said.
    assert_eq!(
        env.responsible("DK-0161", "genoptraening", "2028-01-03"),
        "DK-0161"
    );
    assert_eq!(
        env.responsible("DK-0161", "genoptraening", "2028-01-02"),
        "DK-0153"
    );
    // A second adoption is refused, and writes nothing.
    let after = env.n_events();
    let err = env.fails(&args, 2);
    assert!(
        err.contains("\"glostrup-hjemtager\" was adopted on 2027-06-15 (decision \"glostrup-hjemtagelse\"); adopting it again would record its changes twice"),
        "{err}"
    );
    assert_eq!(env.n_events(), after);
    // The adopted state exports and imports back unchanged.
    let exported = env.ok(&["export", "vestegn-genoptraening"]);
    let again = env.write("again.toml", &exported);
    let out = env.ok(&["import", again.to_str().unwrap()]);
    assert_eq!(env.n_events(), after, "{out}");
});

both!(
    scenario_mistakes_name_their_place_and_write_nothing,
    |env| {
        // A performer that leaves with nobody to take over.
        assert_rejected(
            env,
            &SCENARIOS.replace(
                "member = \"DK-0165\"\nfrom = 2028-01-03",
                "member = \"DK-0153\"\nfrom = 2028-01-03",
            ),
            "member = \"DK-0153\"",
            "DK-0153 performs genoptraening for DK-0165, DK-0161 and nobody takes it over from 2028-01-03; name the party that performs it then (successor = \"…\")",
        );
        // A take-back of a service the member never delegated (Brøndby performs it).
        assert_rejected(
            env,
            &SCENARIOS.replace(
                "member = \"DK-0161\"\nservices = [\"genoptraening\"]",
                "member = \"DK-0153\"\nservices = [ \"genoptraening\" ]",
            ),
            "[ \"genoptraening\" ]",
            "DK-0153 does not delegate genoptraening in this cooperation on 2028-01-03, so there is nothing to take back",
        );
        // A date before the earliest lawful one.
        assert_rejected(
            env,
            &SCENARIOS.replacen("from = 2028-01-03", "from = 2027-06-01", 1),
            "from = 2027-06-01",
            "2027-06-01 is before the earliest lawful date 2028-01-03 (notice of 6 months given on 2026-07-01, to the end of year); choose 2028-01-03 or later",
        );
        // A join into a population key without the residents.
        assert_rejected(
            env,
            &SCENARIOS.replace("population = 70000\n", ""),
            "member = \"DK-0159\"",
            "splits its cost by population; give DK-0159's population, e.g. population = 14000",
        );
        // A change of a kind that does not exist.
        assert_rejected(
            env,
            &SCENARIOS.replace("kind = \"join\"", "kind = \"merge\""),
            "kind = \"merge\"",
            "\"merge\" is not a kind of change; use take_back, leave, join, new_cooperation",
        );
    }
);

#[test]
fn the_2021_take_back_replayed_gives_the_recorded_answers() {
    let env = &Env::sqlite();
    // The demo journal holds Dragør–Tårnby as known at the end of 2020 and as known now.
    let json: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--demo",
        "scenario",
        "show",
        "dragoer-taarnby",
        "hjemtagelse-2021",
        "--json",
    ]))
    .unwrap();
    let citizens = json["citizens"].as_array().unwrap();
    let mut services: Vec<&str> = citizens
        .iter()
        .map(|c| c["service"].as_str().unwrap())
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            "genoptraening-sel86",
            "hjaelpemidler-sel112-116",
            "ppr",
            "socialomraadet-voksne-sel82",
            "specialundervisning-visitation"
        ]
    );
    for c in citizens {
        assert_eq!(c["from"], "2021-09-01");
        assert_eq!(c["before"]["responsible"]["id"], "DK-0185");
        assert_eq!(c["after"]["responsible"]["id"], "DK-0155");
        // … which is what the recorded take-back answers.
        let service = c["service"].as_str().unwrap();
        let recorded: serde_json::Value = serde_json::from_str(&env.ok(&[
            "--demo",
            "who",
            "DK-0155",
            service,
            "--on",
            "2021-09-01",
            "--json",
        ]))
        .unwrap();
        assert_eq!(
            recorded["responsible"], c["after"]["responsible"],
            "{service}"
        );
        assert_eq!(
            recorded["complaints_to"], c["after"]["complaints_to"],
            "{service}"
        );
    }
}

// `samvirke invoice`: identifiers checked at file:line:column on import; a year without a run,
// a payer without identifiers, a payment agreement without its VAT treatment: exit 2 with the
// fix and nothing recorded or written; two concurrent runs never share a number.
both!(
    invoices_refuse_what_they_cannot_carry_and_number_uniquely,
    |env| {
        let fixture = std::fs::read_to_string(format!("{FIXTURES}/invoice-marker.toml")).unwrap();
        // A wrong check digit in an organisation number, an account and a Peppol endpoint.
        let bad = fixture
            .replace("\"964947082\"", "\"964947083\"")
            .replace("8601.11.17947", "8601.11.17948")
            .replace(
                "street = \"Skråtorpveien 2\"",
                "endpoint = \"0088:5798000416605\"\nstreet = \"Skråtorpveien 2\"",
            );
        env.write("bad.toml", &bad);
        let err = env.fails(&["import", "bad.toml"], 2);
        assert!(
        err.contains("bad.toml:16:14: party[0].org_number: \"964947083\" is not a valid Norwegian organisation number"),
        "{err}"
    );
        assert!(err.contains("party[2].invoicing.account.account: \"8601.11.17948\" is not a valid Norwegian account number"), "{err}");
        assert!(err.contains("party[2].invoicing.endpoint: \"5798000416605\" is not a valid location number (EAN/GLN): its GS1 check digit should be 4"), "{err}");
        assert_eq!(env.n_events(), 0);

        env.ok(&["import", &format!("{FIXTURES}/invoice-marker.toml")]);
        let out = env.path("out");
        let out_s = out.to_string_lossy().to_string();
        let err = env.fails(
            &["invoice", "marker-invoice", "--year", "2025", "-o", &out_s],
            2,
        );
        assert!(
        err.contains("no settlement run is recorded for \"marker-invoice\" in 2025; record one with `samvirke settle marker-invoice --year 2025` first; nothing was written"),
        "{err}"
    );
        env.ok(&["settle", "marker-invoice", "--year", "2025"]);
        // A payer without an organisation number, and no VAT treatment: both said at once.
        let missing = fixture
            .replace("org_number = \"940756421\"\n", "")
            .replace("vat = \"outside_scope\"\n", "");
        env.write("missing.toml", &missing);
        env.ok(&["import", "missing.toml", "--reason", "test"]);
        env.ok(&["settle", "marker-invoice", "--year", "2025"]);
        let n = env.n_events();
        let err = env.fails(
            &["invoice", "marker-invoice", "--year", "2025", "-o", &out_s],
            2,
        );
        assert!(
            err.contains("has no valid organisation number: add org_number = \"…\""),
            "{err}"
        );
        assert!(err.contains("[[party]] id = \"NO-3114\""), "{err}");
        assert!(
            err.contains("does not say how VAT applies: add vat = \"outside_scope\""),
            "{err}"
        );
        assert!(err.ends_with("nothing was written\n"), "{err}");
        assert_eq!(env.n_events(), n, "nothing recorded");
        assert!(!out.exists(), "nothing written");
        let err = env.fails(
            &[
                "--lang",
                "nb",
                "invoice",
                "marker-invoice",
                "--year",
                "2025",
                "--true-up",
                "--payer",
                "NO-3116",
                "-o",
                &out_s,
            ],
            2,
        );
        assert!(
            err.contains("Skiptvet betaler ingenting i 2025; betalerne er Marker, Våler (Østfold)"),
            "{err}"
        );
        // The host is told why it cannot be invoiced.
        let err = env.fails(
            &[
                "invoice",
                "marker-invoice",
                "--year",
                "2025",
                "--payer",
                "NO-3112",
                "-o",
                &out_s,
            ],
            2,
        );
        assert!(
            err.contains("Råde is paid under this cooperation in 2025 and does not invoice itself; the payers are Marker, Våler (Østfold)"),
            "{err}"
        );
        assert_eq!(env.n_events(), n, "nothing recorded");

        // Two runs at once (each pauses after reading the journal): one loses the race, reads
        // again and numbers after the other's.
        env.ok(&[
            "import",
            &format!("{FIXTURES}/invoice-marker.toml"),
            "--reason",
            "fixed",
        ]);
        env.ok(&["settle", "marker-invoice", "--year", "2025"]);
        let spawn = |payer: &str, dir: &str| {
            Command::new(env!("CARGO_BIN_EXE_samvirke"))
                .args([
                    "invoice",
                    "marker-invoice",
                    "--year",
                    "2025",
                    "--payer",
                    payer,
                    "-o",
                    dir,
                ])
                .env("SAMVIRKE_DB", &env.db)
                .env("SAMVIRKE_FAILPOINT", "pause-before-commit")
                .env("SAMVIRKE_FAILPOINT_MS", "700")
                .current_dir(env.dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let a = spawn("NO-3122", "a");
        let b = spawn("NO-3114", "b");
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(
            a.status.success() && b.status.success(),
            "{}{}",
            stderr(&a),
            stderr(&b)
        );
        let mut numbers: Vec<String> = ["a", "b"]
            .iter()
            .flat_map(|d| std::fs::read_dir(env.path(d)).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        numbers.sort();
        let expected: Vec<String> = (1..=10).map(|i| format!("NO-3112-{i:06}.xml")).collect();
        assert_eq!(
            numbers, expected,
            "ten documents, numbered 1–10 without a gap or a repeat"
        );
        // Asked again for everyone: nothing new, the same ten written unchanged.
        let again = env.run(&["invoice", "marker-invoice", "--year", "2025", "-o", "all"]);
        assert!(
            stderr(&again).contains("0 invoice(s) and 0 credit note(s) issued; 10 issued before"),
            "{}",
            stderr(&again)
        );
    }
);

both!(
    disputes_are_listed_open_first_in_the_readers_language,
    |env| {
        use samvirke_core::model::{Dispute, DisputeAnswer, Fact};
        env.ok(&["import", &format!("{FIXTURES}/settle-dragoer.toml")]);
        env.ok(&["settle", "dragoer-taarnby-settle", "--year", "2025"]);
        let out = env.ok(&["disputes", "dragoer-taarnby-settle"]);
        assert!(out.contains("There are no disputes you can see."), "{out}");
        // Two disputes as the staff pages record them: one answered, one open.
        let d = |s: &str| samvirke_core::Date::parse(s).unwrap();
        let mut store = samvirke_store::Store::open(&env.db).unwrap();
        let run_event = store.head().unwrap();
        let coop = samvirke_core::CooperationId::parse("dragoer-taarnby-settle").unwrap();
        let dispute = |number: u32, answer: Option<DisputeAnswer>| Dispute {
            number,
            year: 2025,
            payer: "DK-0155".into(),
            payee: "DK-0185".into(),
            sub_agreement: (number == 1).then_some(3),
            reason: format!("Reason {number}"),
            proposed_minor: (number == 1).then_some(114_479_452),
            disputed_minor: 115_479_452,
            currency: "DKK".into(),
            run_event,
            opened: d("2026-03-02"),
            respond_by: d("2026-04-01"),
            title: format!("Besvar indsigelse {number}"),
            answer,
        };
        for fact in [
            dispute(
                1,
                Some(DisputeAnswer {
                    accepted: false,
                    reason: "The key is agreed.".into(),
                    on: d("2026-03-20"),
                    corrected_minor: None,
                }),
            ),
            dispute(2, None),
        ]
        .map(|dispute| Fact::Dispute {
            cooperation: coop.clone(),
            dispute,
        }) {
            let projection = store.projection(None).unwrap();
            store
                .put(
                    &projection,
                    fact,
                    "test",
                    "recorded by the test",
                    samvirke_core::Timestamp::from_micros(1_800_000_000_000_000),
                )
                .unwrap();
        }
        drop(store);
        let out = env.ok(&["disputes", "dragoer-taarnby-settle", "--on", "2026-04-02"]);
        let open =
            out.find("Dispute 2 of the settlement 2025 — Open, answer was due on 2026-04-01");
        let rejected = out.find("Dispute 1 of the settlement 2025 — Rejected on 2026-03-20");
        assert!(
            open.is_some() && rejected.is_some() && open < rejected,
            "{out}"
        );
        assert!(out.contains("Sub-agreement 3 “Natur og miljø”"), "{out}");
        assert!(
            out.contains("What Dragør believes is right: DKK\u{a0}1,144,794.52"),
            "{out}"
        );
        assert!(out.contains("Answer: The key is agreed."), "{out}");
        let da = env.ok(&[
            "--lang",
            "da",
            "disputes",
            "dragoer-taarnby-settle",
            "--open",
        ]);
        assert!(da.contains("Indsigelse 2"), "{da}");
        assert!(!da.contains("Indsigelse 1 "), "{da}");
        let json: serde_json::Value =
            serde_json::from_str(&env.ok(&["disputes", "dragoer-taarnby-settle", "--json"]))
                .unwrap();
        assert_eq!(json["disputes"][0]["number"], 2);
        assert_eq!(json["disputes"][1]["answer"]["accepted"], false);
        let bad = env.fails(
            &["disputes", "dragoer-taarnby-settle", "--on", "2026-13-01"],
            2,
        );
        assert!(bad.contains("--on"), "{bad}");
    }
);
