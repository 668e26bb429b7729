//! The bulk usage settlement: costs per agreement, activity rows per (agreement, municipality), and
//! each agreement's cost split over its municipalities by units with the largest-remainder rule.
//!
//! Built for national-scale files (tens of millions of rows): the activity file is memory-mapped and
//! split at line breaks into one piece per core; each core parses bytes directly, interns agreement
//! and municipality ids into small integers and sums units per pair; the pieces are merged by id and
//! allocated. Pages already parsed are handed back to the kernel as the parse moves on, so memory
//! stays small whatever the file size. Any bad row fails the whole run with its file, line and column.

use std::fs::File;
use std::io::IsTerminal as _;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::allocate::allocate;
use crate::money::{format_hundredths, parse_hundredths};

/// How many problems of one kind are listed before "and N more".
const LISTED_MAX: usize = 20;
/// Parsed pages are released to the kernel in steps of this size.
const RELEASE_STEP_BYTES: usize = 32 << 20;
/// Pieces of the activity file; more than the cores for balance.
const PIECES_PER_THREAD: usize = 4;

/// A bad input: where and what, with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdhocError {
    /// One place in one file.
    #[error("{file}:{line}:{column}: {message}")]
    At {
        /// File as given.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column (characters).
        column: u64,
        /// What is wrong and the fix.
        message: String,
    },
    /// A problem with the file as a whole or with several agreements.
    #[error("{0}")]
    Whole(String),
}

/// Options for [`settle_adhoc`].
#[derive(Debug, Clone)]
pub struct AdhocOptions {
    /// Worker threads (default: the machine's cores).
    pub threads: usize,
    /// Print progress to stderr (only when stderr is a terminal).
    pub progress: bool,
}

impl Default for AdhocOptions {
    fn default() -> AdhocOptions {
        AdhocOptions { threads: std::thread::available_parallelism().map_or(1, |n| n.get()), progress: true }
    }
}

/// What a run produced, besides the CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdhocSummary {
    /// Activity rows read.
    pub rows: u64,
    /// Agreements settled.
    pub agreements: usize,
    /// Output rows (agreement, municipality pairs).
    pub pairs: usize,
}

struct Layout {
    delimiter: u8,
    body_start: usize,
}

fn at(file: &str, text: &[u8], offset: usize, message: String) -> AdhocError {
    let offset = offset.min(text.len());
    let line_start = memchr::memrchr(b'\n', &text[..offset]).map_or(0, |i| i + 1);
    let line = memchr::memchr_iter(b'\n', &text[..line_start]).count() as u64 + 1;
    let column = String::from_utf8_lossy(&text[line_start..offset]).chars().count() as u64 + 1;
    AdhocError::At { file: file.to_string(), line, column, message }
}

/// Reads the header: strips a byte-order mark, detects `,` or `;`, checks the column names.
fn header(file: &str, text: &[u8], expected: &[&str]) -> Result<Layout, AdhocError> {
    let start = if text.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
    let line = &text[start..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(AdhocError::Whole(format!("{file}: the file is empty or its first line is; the first line must be the header {}", expected.join(","))));
    }
    let delimiter = if memchr::memchr(b';', line).is_some() { b';' } else { b',' };
    let names: Vec<String> = line.split(|b| *b == delimiter).map(|f| String::from_utf8_lossy(trim(f)).to_lowercase()).collect();
    if names != expected {
        return Err(at(file, text, start, format!("the header is \"{}\"; it must be {} (or the same with ; between the names)", String::from_utf8_lossy(line), expected.join(","))));
    }
    Ok(Layout { delimiter, body_start: (end + 1).min(text.len()) })
}

fn trim(field: &[u8]) -> &[u8] {
    let start = field.iter().position(|b| *b != b' ' && *b != b'\t').unwrap_or(field.len());
    let end = field.iter().rposition(|b| *b != b' ' && *b != b'\t').map_or(start, |i| i + 1);
    &field[start..end]
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Checks `YYYY-MM-DD` and that the day exists.
fn check_date(field: &[u8]) -> Result<(), &'static str> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *field else {
        return Err("is not a date; write YYYY-MM-DD, e.g. 2024-03-31");
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err("is not a date; write YYYY-MM-DD, e.g. 2024-03-31");
    }
    let n = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
    let (year, month, day) = (n(y1, y2) * 100 + n(y3, y4), n(m1, m2), n(d1, d2));
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err("is not a real date (no such month or day)");
    }
    Ok(())
}

/// Per-thread result: interned ids and the unit sums per (agreement, municipality).
#[derive(Default)]
struct Partial<'t> {
    agreements: FxHashMap<&'t [u8], u32>,
    agreement_names: Vec<&'t [u8]>,
    municipalities: FxHashMap<&'t [u8], u32>,
    municipality_names: Vec<&'t [u8]>,
    /// sums[agreement][municipality] = Σ units + 1 (0: no row for the pair).
    sums: Vec<Vec<u64>>,
    rows: u64,
}

fn intern<'t>(map: &mut FxHashMap<&'t [u8], u32>, names: &mut Vec<&'t [u8]>, key: &'t [u8]) -> u32 {
    if let Some(idx) = map.get(key) {
        return *idx;
    }
    let idx = names.len() as u32;
    names.push(key);
    map.insert(key, idx);
    idx
}

struct Shared<'a> {
    file: &'a str,
    text: &'a [u8],
    delimiter: u8,
    done_bytes: &'a AtomicU64,
    failed: &'a AtomicBool,
}

fn field_error(shared: &Shared<'_>, offset: usize, name: &str, field: &[u8], problem: &str) -> AdhocError {
    at(shared.file, shared.text, offset, format!("{name} \"{}\" {problem}", String::from_utf8_lossy(field)))
}

fn parse_piece<'t>(shared: &Shared<'t>, range: Range<usize>, release: &dyn Fn(Range<usize>)) -> Result<Partial<'t>, AdhocError> {
    let text = shared.text;
    let delim = shared.delimiter;
    let mut partial = Partial::default();
    let mut pos = range.start;
    let mut released_to = range.start;
    let mut last_agreement: (&[u8], u32) = (&[], u32::MAX);
    while pos < range.end {
        let line_end = memchr::memchr(b'\n', &text[pos..range.end]).map_or(range.end, |i| pos + i);
        let mut line = &text[pos..line_end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if !line.is_empty() {
            let first = memchr::memchr(delim, line);
            let second = first.and_then(|a| memchr::memchr(delim, &line[a + 1..]).map(|b| a + 1 + b));
            let third = second.and_then(|b| memchr::memchr(delim, &line[b + 1..]).map(|c| b + 1 + c));
            let (Some(a), Some(b), Some(c)) = (first, second, third) else {
                let found = memchr::memchr_iter(delim, line).count() + 1;
                return Err(at(shared.file, text, pos, format!("expected 4 fields (agreement, municipality, date, units), found {found}")));
            };
            let units_raw = &line[c + 1..];
            if let Some(extra) = memchr::memchr(delim, units_raw) {
                return Err(at(shared.file, text, pos + c + 1 + extra, "more than 4 fields; remove the extra delimiter".to_string()));
            }
            let agreement = trim(&line[..a]);
            let municipality = trim(&line[a + 1..b]);
            let date = trim(&line[b + 1..c]);
            let units = trim(units_raw);
            if agreement.is_empty() {
                return Err(at(shared.file, text, pos, "agreement is empty; every row needs an agreement id".to_string()));
            }
            if municipality.is_empty() {
                return Err(at(shared.file, text, pos + a + 1, "municipality is empty; every row needs a municipality id".to_string()));
            }
            if agreement[0] == b'"' || municipality[0] == b'"' {
                let offset = if agreement[0] == b'"' { pos } else { pos + a + 1 };
                return Err(at(shared.file, text, offset, "quoted fields are not supported; write the id without quotes".to_string()));
            }
            if let Err(problem) = check_date(date) {
                return Err(field_error(shared, pos + b + 1, "date", date, problem));
            }
            let hundredths = match parse_hundredths(units, if delim == b';' { b',' } else { b'.' }) {
                Ok(v) => v,
                Err(problem) if delim == b';' => match parse_hundredths(units, b'.') {
                    Ok(v) => v,
                    Err(_) => return Err(field_error(shared, pos + c + 1, "units", units, problem)),
                },
                Err(problem) => return Err(field_error(shared, pos + c + 1, "units", units, problem)),
            };
            let agreement_idx = if last_agreement.0 == agreement {
                last_agreement.1
            } else {
                let idx = intern(&mut partial.agreements, &mut partial.agreement_names, agreement);
                last_agreement = (agreement, idx);
                idx
            } as usize;
            let municipality_idx = intern(&mut partial.municipalities, &mut partial.municipality_names, municipality) as usize;
            if agreement_idx >= partial.sums.len() {
                partial.sums.resize_with(agreement_idx + 1, Vec::new);
            }
            let row = &mut partial.sums[agreement_idx];
            if municipality_idx >= row.len() {
                row.resize(municipality_idx + 1, 0);
            }
            let slot = &mut row[municipality_idx];
            *slot = (*slot).max(1).checked_add(hundredths).ok_or_else(|| at(shared.file, text, pos + c + 1, "the units of this agreement and municipality add up to more than can be counted; check the file".to_string()))?;
            partial.rows += 1;
        }
        pos = line_end + 1;
        if pos - released_to >= RELEASE_STEP_BYTES {
            shared.done_bytes.fetch_add((pos - released_to) as u64, Ordering::Relaxed);
            release(released_to..pos.min(range.end));
            released_to = pos;
            if shared.failed.load(Ordering::Relaxed) {
                return Ok(partial);
            }
        }
    }
    shared.done_bytes.fetch_add(range.end.saturating_sub(released_to) as u64, Ordering::Relaxed);
    Ok(partial)
}

/// Splits `range` of `text` into `n` pieces that end just after a line break.
fn pieces(text: &[u8], range: Range<usize>, n: usize) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(n);
    let mut start = range.start;
    for k in 1..=n {
        if start >= range.end {
            break;
        }
        let target = range.start + (range.end - range.start) * k / n;
        let end = if k == n || target <= start {
            if k == n { range.end } else { continue }
        } else {
            memchr::memchr(b'\n', &text[target..range.end]).map_or(range.end, |i| target + i + 1)
        };
        out.push(start..end);
        start = end;
    }
    out
}

fn parse_costs(file: &str, text: &[u8]) -> Result<Vec<(Vec<u8>, u64)>, AdhocError> {
    let layout = header(file, text, &["agreement", "cost"])?;
    let decimal = if layout.delimiter == b';' { b',' } else { b'.' };
    let mut costs: FxHashMap<Vec<u8>, (u64, usize)> = FxHashMap::default();
    let mut pos = layout.body_start;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            let Some(split) = memchr::memchr(layout.delimiter, line) else {
                return Err(at(file, text, pos, "expected 2 fields (agreement, cost), found 1".to_string()));
            };
            let (agreement, cost) = (trim(&line[..split]), trim(&line[split + 1..]));
            if memchr::memchr(layout.delimiter, cost).is_some() {
                return Err(at(file, text, pos, "more than 2 fields (agreement, cost)".to_string()));
            }
            if agreement.is_empty() {
                return Err(at(file, text, pos, "agreement is empty; every row needs an agreement id".to_string()));
            }
            let minor = match parse_hundredths(cost, decimal).or_else(|e| if layout.delimiter == b';' { parse_hundredths(cost, b'.') } else { Err(e) }) {
                Ok(v) => v,
                Err(problem) => return Err(at(file, text, pos + split + 1, format!("cost \"{}\" {problem} (cost is in major units, e.g. 1234567.89)", String::from_utf8_lossy(cost)))),
            };
            if let Some((_, first_line_offset)) = costs.get(agreement) {
                let first = at(file, text, *first_line_offset, String::new());
                let first_line = match first {
                    AdhocError::At { line, .. } => line,
                    AdhocError::Whole(_) => 0,
                };
                return Err(at(file, text, pos, format!("agreement \"{}\" has a second cost (the first is on line {first_line}); give one cost per agreement", String::from_utf8_lossy(agreement))));
            }
            costs.insert(agreement.to_vec(), (minor, pos));
        }
        pos = end + 1;
    }
    let mut out: Vec<(Vec<u8>, u64)> = costs.into_iter().map(|(k, (v, _))| (k, v)).collect();
    out.sort();
    Ok(out)
}

fn list_names(names: &[&[u8]]) -> String {
    let shown: Vec<String> = names.iter().take(LISTED_MAX).map(|n| String::from_utf8_lossy(n).to_string()).collect();
    let more = names.len().saturating_sub(LISTED_MAX);
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if field.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in field {
            if *b == b'"' {
                out.push(b'"');
            }
            out.push(*b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

fn map_file(path: &Path) -> Result<Option<memmap2::Mmap>, AdhocError> {
    let file = File::open(path).map_err(|e| AdhocError::Whole(format!("{}: {e}", path.display())))?;
    let len = file.metadata().map_err(|e| AdhocError::Whole(format!("{}: {e}", path.display())))?.len();
    if len == 0 {
        return Ok(None);
    }
    // SAFETY: the map is read-only. If another process truncates the file while it is mapped, reads
    // of the lost pages fault (SIGBUS); settlement inputs are not written while they are settled.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| AdhocError::Whole(format!("{}: cannot map the file: {e}", path.display())))?;
    Ok(Some(map))
}

/// Settles `costs` over `activity` and returns the output CSV (header included) and a summary.
pub fn settle_adhoc(costs_path: &Path, activity_path: &Path, options: &AdhocOptions) -> Result<(Vec<u8>, AdhocSummary), AdhocError> {
    let costs_name = costs_path.display().to_string();
    let activity_name = activity_path.display().to_string();
    let costs_text = std::fs::read(costs_path).map_err(|e| AdhocError::Whole(format!("{costs_name}: {e}")))?;
    let costs = parse_costs(&costs_name, &costs_text)?;
    let map = map_file(activity_path)?;
    let text: &[u8] = map.as_deref().unwrap_or(&[]);
    let layout = header(&activity_name, text, &["agreement", "municipality", "date", "units"])?;
    #[cfg(unix)]
    if let Some(m) = &map {
        let _ = m.advise(memmap2::Advice::Sequential);
    }
    let release = |range: Range<usize>| {
        #[cfg(unix)]
        if let Some(m) = &map {
            let page = 4096;
            let start = range.start.div_ceil(page) * page;
            let end = range.end / page * page;
            if end > start {
                // SAFETY: the mapping is a read-only file mapping; MADV_DONTNEED drops our copy of
                // pages we have parsed, and a later read (an error report) faults them back in from
                // the file. The interned ids point into the map and stay valid for the same reason.
                unsafe {
                    let _ = m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, end - start);
                }
            }
        }
    };
    let threads = options.threads.max(1);
    let done_bytes = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let finished = AtomicBool::new(false);
    let shared = Shared { file: &activity_name, text, delimiter: layout.delimiter, done_bytes: &done_bytes, failed: &failed };
    let work = pieces(text, layout.body_start..text.len(), threads * PIECES_PER_THREAD);
    let next = AtomicU64::new(0);
    let show_progress = options.progress && std::io::stderr().is_terminal() && text.len() > 64 << 20;
    let results: Vec<Result<Vec<(usize, Partial<'_>)>, AdhocError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let idx = next.fetch_add(1, Ordering::Relaxed) as usize;
                        let Some(range) = work.get(idx) else { break };
                        match parse_piece(&shared, range.clone(), &release) {
                            Ok(partial) => mine.push((idx, partial)),
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                return Err(e);
                            }
                        }
                    }
                    Ok(mine)
                })
            })
            .collect();
        if show_progress {
            scope.spawn(|| progress(&done_bytes, text.len() as u64, &finished));
        }
        let out = handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(AdhocError::Whole("a worker thread failed".to_string())))).collect();
        finished.store(true, Ordering::Relaxed);
        out
    });
    let mut partials: Vec<(usize, Partial<'_>)> = Vec::new();
    let mut errors: Vec<AdhocError> = Vec::new();
    for result in results {
        match result {
            Ok(list) => partials.extend(list),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // Report the first bad row in the file, whichever thread found it.
        errors.sort_by_key(|e| match e {
            AdhocError::At { line, .. } => *line,
            AdhocError::Whole(_) => 0,
        });
        return Err(errors.swap_remove(0));
    }
    let rows: u64 = partials.iter().map(|(_, p)| p.rows).sum();
    let (agreement_names, member_lists) = merge(&partials.iter().map(|(_, p)| p).collect::<Vec<_>>());
    allocate_all(&activity_name, &costs_name, &costs, &agreement_names, &member_lists, rows)
}

fn progress(done: &AtomicU64, total: u64, finished: &AtomicBool) {
    let mut last = 0;
    while !finished.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let percent = done.load(Ordering::Relaxed) * 100 / total.max(1);
        if percent != last {
            eprint!("\rsettle: reading activity {percent:>3}% of {} MB", total >> 20);
            last = percent;
        }
    }
    eprintln!("\rsettle: reading activity 100% of {} MB", total >> 20);
}

type Members<'t> = Vec<(&'t [u8], u64)>;

/// Merges the per-thread sums by id: agreements in byte order, each with its municipalities in
/// byte order and their summed units.
fn merge<'t>(partials: &[&Partial<'t>]) -> (Vec<&'t [u8]>, Vec<Members<'t>>) {
    let mut by_agreement: FxHashMap<&'t [u8], FxHashMap<&'t [u8], u64>> = FxHashMap::default();
    for partial in partials {
        for (a_idx, row) in partial.sums.iter().enumerate() {
            let members = by_agreement.entry(partial.agreement_names[a_idx]).or_default();
            for (m_idx, slot) in row.iter().enumerate() {
                if *slot > 0 {
                    *members.entry(partial.municipality_names[m_idx]).or_insert(0) += slot - 1;
                }
            }
        }
    }
    let mut agreements: Vec<(&'t [u8], Members<'t>)> = by_agreement
        .into_iter()
        .map(|(a, members)| {
            let mut list: Members<'t> = members.into_iter().collect();
            list.sort_unstable_by(|x, y| x.0.cmp(y.0));
            (a, list)
        })
        .collect();
    agreements.sort_unstable_by(|x, y| x.0.cmp(y.0));
    agreements.into_iter().unzip()
}

fn allocate_all(activity_name: &str, costs_name: &str, costs: &[(Vec<u8>, u64)], agreements: &[&[u8]], members: &[Members<'_>], rows: u64) -> Result<(Vec<u8>, AdhocSummary), AdhocError> {
    let cost_of = |a: &[u8]| costs.binary_search_by(|(k, _)| k.as_slice().cmp(a)).ok().map(|i| costs[i].1);
    let missing_cost: Vec<&[u8]> = agreements.iter().copied().filter(|a| cost_of(a).is_none()).collect();
    let no_activity: Vec<&[u8]> = costs.iter().map(|(k, _)| k.as_slice()).filter(|k| agreements.binary_search(k).is_err()).collect();
    let zero_units: Vec<&[u8]> = agreements.iter().zip(members).filter(|(_, m)| m.iter().all(|(_, u)| *u == 0)).map(|(a, _)| *a).filter(|a| cost_of(a).is_some_and(|c| c > 0)).collect();
    let mut problems = Vec::new();
    if !missing_cost.is_empty() {
        problems.push(format!("{} agreement{} in {activity_name} ha{} no cost in {costs_name}: {}; add a row agreement,cost for each", missing_cost.len(), plural(missing_cost.len()), if missing_cost.len() == 1 { "s" } else { "ve" }, list_names(&missing_cost)));
    }
    if !no_activity.is_empty() {
        problems.push(format!("{} agreement{} in {costs_name} ha{} no activity in {activity_name}: {}; remove the cost or add the activity", no_activity.len(), plural(no_activity.len()), if no_activity.len() == 1 { "s" } else { "ve" }, list_names(&no_activity)));
    }
    if !zero_units.is_empty() {
        problems.push(format!("{} agreement{} ha{} a cost but zero units in total, so the cost cannot be split: {}", zero_units.len(), plural(zero_units.len()), if zero_units.len() == 1 { "s" } else { "ve" }, list_names(&zero_units)));
    }
    if !problems.is_empty() {
        return Err(AdhocError::Whole(problems.join("\n")));
    }
    let pairs: usize = members.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(pairs * 40 + 64);
    out.extend_from_slice(b"agreement,municipality,units,amount\n");
    for (agreement, list) in agreements.iter().zip(members) {
        let cost = cost_of(agreement).unwrap_or(0);
        let weights: Vec<u64> = list.iter().map(|(_, u)| *u).collect();
        let allocation = allocate(cost, &weights).map_err(|e| AdhocError::Whole(format!("agreement \"{}\": {e}", String::from_utf8_lossy(agreement))))?;
        for ((municipality, units), share) in list.iter().zip(&allocation.shares) {
            push_csv_field(&mut out, agreement);
            out.push(b',');
            push_csv_field(&mut out, municipality);
            out.push(b',');
            out.extend_from_slice(format_hundredths(i128::from(*units)).as_bytes());
            out.push(b',');
            out.extend_from_slice(format_hundredths(i128::from(share.amount)).as_bytes());
            out.push(b'\n');
        }
    }
    Ok((out, AdhocSummary { rows, agreements: agreements.len(), pairs }))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(costs: &str, activity: &str) -> Result<String, AdhocError> {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("costs.csv");
        let a = dir.path().join("activity.csv");
        std::fs::write(&c, costs).unwrap();
        std::fs::write(&a, activity).unwrap();
        settle_adhoc(&c, &a, &AdhocOptions { threads: 2, progress: false }).map(|(out, _)| String::from_utf8(out).unwrap())
    }

    #[test]
    fn splits_by_units_with_largest_remainder() {
        let out = run("agreement,cost\nA,100.00\nB,10\n", "agreement,municipality,date,units\nA,m2,2024-01-01,1\nA,m1,2024-01-02,1\nA,m3,2024-01-03,0.5\nA,m3,2024-01-04,0.5\nB,x,2024-02-29,3.25\nB,y,2024-03-01,0\n").unwrap();
        assert_eq!(out, "agreement,municipality,units,amount\nA,m1,1.00,33.34\nA,m2,1.00,33.33\nA,m3,1.00,33.33\nB,x,3.25,10.00\nB,y,0.00,0.00\n");
    }

    #[test]
    fn semicolons_decimal_commas_bom_crlf_and_spaces() {
        let out = run("\u{feff}agreement;cost\r\nA; 1234567,89 \r\n", "\u{feff}agreement ; municipality ; date ; units\r\n A ; m1 ; 2024-01-01 ; 2,5 \r\nA;m2;2024-01-01;2.5\r\n").unwrap();
        assert_eq!(out, "agreement,municipality,units,amount\nA,m1,2.50,617283.95\nA,m2,2.50,617283.94\n");
    }

    #[test]
    fn ids_with_commas_are_quoted_in_the_output() {
        let out = run("agreement;cost\nA,1;1\n", "agreement;municipality;date;units\nA,1;\"x\";2024-01-01;1\n");
        assert!(out.unwrap_err().to_string().contains("quoted fields are not supported"));
        let out = run("agreement;cost\nA,1;1\n", "agreement;municipality;date;units\nA,1;m;2024-01-01;1\n").unwrap();
        assert_eq!(out, "agreement,municipality,units,amount\n\"A,1\",m,1.00,1.00\n");
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let header = "agreement,municipality,date,units\n";
        let costs = "agreement,cost\nA,1\n";
        let cases = [
            ("A,m,2024-02-30,1\n", 2, 5, "date \"2024-02-30\" is not a real date"),
            ("A,m,2024-01-01,1\nA,m,2024-01-01,-1\n", 3, 16, "units \"-1\" is negative"),
            ("A,m,2024-01-01,1.234\n", 2, 16, "more than two decimals"),
            ("A,m,2024-01-01\n", 2, 1, "expected 4 fields"),
            ("A,m,2024-01-01,1,2\n", 2, 17, "more than 4 fields"),
            (",m,2024-01-01,1\n", 2, 1, "agreement is empty"),
            ("A,m,2024-01-01,1,5\n", 2, 17, "more than 4 fields"),
        ];
        for (rows, line, column, message) in cases {
            let err = run(costs, &format!("{header}{rows}")).unwrap_err();
            let AdhocError::At { line: l, column: c, message: m, .. } = &err else { panic!("{err}") };
            assert_eq!((*l, *c), (line, column), "{err}");
            assert!(m.contains(message), "{err}");
        }
        let err = run(costs, "agreement,municipality,units\n").unwrap_err();
        assert!(err.to_string().contains("activity.csv:1:1: the header is"), "{err}");
        let err = run("agreement,cost\nA,1\nA,2\n", &format!("{header}A,m,2024-01-01,1\n")).unwrap_err();
        assert!(err.to_string().contains("costs.csv:3:1: agreement \"A\" has a second cost (the first is on line 2)"), "{err}");
    }

    #[test]
    fn missing_costs_and_activity_list_the_agreements() {
        let err = run("agreement,cost\nA,1\nC,5\nD,5\n", "agreement,municipality,date,units\nA,m,2024-01-01,1\nB,m,2024-01-01,1\nD,m,2024-01-01,0\n").unwrap_err().to_string();
        assert!(err.contains("1 agreement in") && err.contains("has no cost in") && err.contains(": B;"), "{err}");
        assert!(err.contains("has no activity in") && err.contains(": C;"), "{err}");
        assert!(err.contains("zero units in total") && err.contains(": D"), "{err}");
    }

    #[test]
    fn pieces_end_at_line_breaks_and_cover_everything() {
        let text = b"h\naaaa\nbb\nc\ndddddd\ne\n";
        for n in 1..10 {
            let p = pieces(text, 2..text.len(), n);
            assert_eq!(p.first().unwrap().start, 2);
            assert_eq!(p.last().unwrap().end, text.len());
            for w in p.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert_eq!(text[w[0].end - 1], b'\n');
            }
        }
    }
}
