//! The bulk activity file of `samvirke settle adhoc` (`agreement,municipality,date,units`): the
//! fast path and the general parser, over pieces cut at any byte. The same file settled by one
//! thread and by three gives the same answer (the same CSV or the same error); a settled file's
//! amounts sum exactly to each agreement's cost.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use samvirke_settle::{AdhocOptions, settle_adhoc};

const COSTS: &str = "agreement,cost\nA1,1000.00\nA2,0.01\nB,123456789.99\nrehab-2025,250000.50\n";

struct Files {
    _dir: tempfile::TempDir,
    costs: PathBuf,
    activity: PathBuf,
}

fn files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        // A RAM file system where there is one: the file is written once per input.
        let dir = tempfile::Builder::new()
            .prefix("samvirke-fuzz-")
            .tempdir_in(if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm" } else { "/tmp" })
            .unwrap_or_else(|e| panic!("no temporary directory: {e}"));
        let costs = dir.path().join("costs.csv");
        std::fs::write(&costs, COSTS).unwrap_or_else(|e| panic!("{e}"));
        let activity = dir.path().join("activity.csv");
        Files { costs, activity, _dir: dir }
    })
}

fuzz_target!(|data: &[u8]| {
    let files = files();
    std::fs::write(&files.activity, data).unwrap_or_else(|e| panic!("{e}"));
    let run = |threads| {
        settle_adhoc(
            &files.costs,
            &files.activity,
            &AdhocOptions { threads, progress: false },
        )
    };
    let one = run(1);
    let three = run(3);
    match (&one, &three) {
        (Ok((parts1, summary1)), Ok((parts3, summary3))) => {
            assert_eq!(summary1, summary3);
            let csv1 = parts1.concat();
            assert_eq!(csv1, parts3.concat(), "one thread and three disagree");
            check_sums(&csv1);
        }
        (Err(_), Err(_)) => {}
        _ => panic!("one thread and three disagree: {one:?} / {three:?}"),
    }
});

/// Every agreement's amounts sum to its cost, to the øre.
fn check_sums(csv: &[u8]) {
    let costs: BTreeMap<&str, i128> = COSTS
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(a, c)| (a, hundredths(c)))
        .collect();
    let text = std::str::from_utf8(csv).unwrap_or_else(|e| panic!("the output is not UTF-8: {e}"));
    let mut sums: BTreeMap<String, i128> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let (agreement, rest) = split_field(line);
        let amount = rest.rsplit(',').next().unwrap_or_default();
        *sums.entry(agreement).or_default() += hundredths(amount);
    }
    for (agreement, sum) in sums {
        assert_eq!(Some(&sum), costs.get(agreement.as_str()), "{agreement}: {text}");
    }
}

/// The first field of a line (unquoted as the writer quotes) and the rest.
fn split_field(line: &str) -> (String, &str) {
    if let Some(quoted) = line.strip_prefix('"') {
        let mut field = String::new();
        let mut chars = quoted.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if chars.peek().map(|(_, n)| *n) == Some('"') {
                    chars.next();
                    field.push('"');
                } else {
                    return (field, quoted.get(i + 2..).unwrap_or_default());
                }
            } else {
                field.push(c);
            }
        }
        (field, "")
    } else {
        let (a, rest) = line.split_once(',').unwrap_or((line, ""));
        (a.to_string(), rest)
    }
}

fn hundredths(text: &str) -> i128 {
    let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), "0"));
    let whole: i128 = whole.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    let frac: i128 = format!("{frac:0<2}").parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    whole * 100 + if whole < 0 { -frac } else { frac }
}
