//! The bulk usage settlement: costs per agreement, activity rows per (agreement, municipality), and
//! each agreement's cost split over its municipalities by units with the largest-remainder rule.
//!
//! Built for national-scale files (tens of millions of rows): the activity file is cut into byte
//! ranges that the cores read with positioned reads into small buffers; each core parses bytes
//! directly, interns agreement and municipality ids into small integers and sums units per pair; the
//! per-core sums are merged by id and allocated. Memory stays small whatever the file size. Any bad
//! row fails the whole run with its file, line and column.
//!
//! No slice is indexed directly (the crate denies `clippy::indexing_slicing`): the parser's
//! ranges lie within the line found in the block read and table indices are masked to the
//! table's size, so the checked reads ([`span`], [`byte_is`], `get`) never miss; they keep an
//! impossible index from being a panic. The fuzz target `activity_csv` (`fuzz/`) runs these
//! paths with 64-byte blocks and compares one thread's answer with three threads', cut at other
//! bytes; `bench/settle/run` measures the loop against DuckDB.

use std::fs::File;
use std::io::IsTerminal as _;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use crate::allocate::allocate;
use crate::money::parse_hundredths;

/// How many problems of one kind are listed before "and N more".
const LISTED_MAX: usize = 20;
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
        AdhocOptions {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            progress: true,
        }
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
    let before = text.get(..offset).unwrap_or(text);
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let (earlier, this_line) = before.split_at(line_start.min(before.len()));
    let line = memchr::memchr_iter(b'\n', earlier).count() as u64 + 1;
    let column = String::from_utf8_lossy(this_line).chars().count() as u64 + 1;
    AdhocError::At {
        file: file.to_string(),
        line,
        column,
        message,
    }
}

/// Reads the header: strips a byte-order mark, detects `,` or `;`, checks the column names.
fn header(file: &str, text: &[u8], expected: &[&str]) -> Result<Layout, AdhocError> {
    let (start, rest) = match text.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, text),
    };
    let end = memchr::memchr(b'\n', rest).map_or(text.len(), |i| start + i);
    let line = rest.get(..end - start).unwrap_or(rest);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(AdhocError::Whole(format!(
            "{file}: the file is empty or its first line is; the first line must be the header {}",
            expected.join(",")
        )));
    }
    let delimiter = if memchr::memchr(b';', line).is_some() {
        b';'
    } else {
        b','
    };
    let names: Vec<String> = line
        .split(|b| *b == delimiter)
        .map(|f| String::from_utf8_lossy(trim(f)).to_lowercase())
        .collect();
    if names != expected {
        return Err(at(
            file,
            text,
            start,
            format!(
                "the header is \"{}\"; it must be {} (or the same with ; between the names)",
                String::from_utf8_lossy(line),
                expected.join(",")
            ),
        ));
    }
    Ok(Layout {
        delimiter,
        body_start: (end + 1).min(text.len()),
    })
}

fn trim(field: &[u8]) -> &[u8] {
    let start = field
        .iter()
        .position(|b| *b != b' ' && *b != b'\t')
        .unwrap_or(field.len());
    let end = field
        .iter()
        .rposition(|b| *b != b' ' && *b != b'\t')
        .map_or(start, |i| i + 1);
    field.get(start..end).unwrap_or_default()
}

/// Checks `YYYY-MM-DD` and that the day exists. The digit and dash checks look at eight bytes at once.
#[inline]
fn check_date(field: &[u8]) -> Result<(), &'static str> {
    const NOT_A_DATE: &str = "is not a date; write YYYY-MM-DD, e.g. 2024-03-31";
    let Ok(&[y0, y1, y2, y3, dash1, m0, m1, dash2, t0, t1]) = <&[u8; 10]>::try_from(field) else {
        return Err(NOT_A_DATE);
    };
    // "YYYY-MM-" as a little-endian word: digits in bytes 0–3 and 5–6, dashes in bytes 4 and 7.
    let word = u64::from_le_bytes([y0, y1, y2, y3, dash1, m0, m1, dash2]);
    const DIGITS: u64 = 0x00FF_FF00_FFFF_FFFF;
    const DASHES: u64 = 0x2D00_002D_0000_0000;
    let digits = word & DIGITS;
    let high_nibbles_are_3 =
        digits & (0xF0F0_F0F0_F0F0_F0F0 & DIGITS) == 0x3030_3030_3030_3030 & DIGITS;
    let below_ten = (digits + (0x0606_0606_0606_0606 & DIGITS)) & (0xF0F0_F0F0_F0F0_F0F0 & DIGITS)
        == 0x3030_3030_3030_3030 & DIGITS;
    let dashes = word & !DIGITS == DASHES;
    let (d1, d2) = (t0.wrapping_sub(b'0'), t1.wrapping_sub(b'0'));
    if !(high_nibbles_are_3 && below_ten && dashes && d1 < 10 && d2 < 10) {
        return Err(NOT_A_DATE);
    }
    let month = u32::from(m0 - b'0') * 10 + u32::from(m1 - b'0');
    let day = u32::from(d1) * 10 + u32::from(d2);
    if !(1..=12).contains(&month)
        || day == 0
        || (day > 28
            && day > samvirke_core::time::days_in_month(year_of([y0, y1, y2, y3]) as i32, month))
    {
        return Err("is not a real date (no such month or day)");
    }
    Ok(())
}

fn year_of(digits: [u8; 4]) -> u32 {
    digits.iter().fold(0, |y, b| y * 10 + u32::from(b - b'0'))
}

/// Open addressing for packed keys: linear probing in a power-of-two table kept at most half full.
/// The key 0 marks an empty slot (a packed key always has its length in the top byte, so it is
/// never 0).
#[derive(Default)]
struct KeyTable {
    keys: Vec<u128>,
    values: Vec<u32>,
    len: usize,
    shift: u32,
}

impl KeyTable {
    #[inline(always)]
    fn home(&self, key: u128) -> usize {
        let mixed = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> self.shift) as usize
    }

    #[inline(always)]
    fn get(&self, key: &u128) -> Option<&u32> {
        if self.keys.is_empty() {
            return None;
        }
        let mask = self.keys.len() - 1;
        let mut idx = self.home(*key);
        loop {
            let k = *self.keys.get(idx)?;
            if k == *key {
                return self.values.get(idx);
            }
            if k == 0 {
                return None;
            }
            idx = (idx + 1) & mask;
        }
    }

    fn insert(&mut self, key: u128, value: u32) {
        if (self.len + 1) * 2 > self.keys.len() {
            let capacity = (self.keys.len() * 2).max(1024);
            let old_keys = std::mem::replace(&mut self.keys, vec![0; capacity]);
            let old_values = std::mem::replace(&mut self.values, vec![0; capacity]);
            self.shift = 64 - capacity.trailing_zeros();
            self.len = 0;
            for (k, v) in old_keys.into_iter().zip(old_values) {
                if k != 0 {
                    self.insert(k, v);
                }
            }
        }
        // The table is never full (at most half), so the probe ends at an empty slot; every
        // index is masked to the table's power-of-two size.
        let mask = self.keys.len() - 1;
        let mut idx = self.home(key) & mask;
        while self.keys.get(idx).is_some_and(|k| *k != 0) {
            idx = (idx + 1) & mask;
        }
        if let (Some(k), Some(v)) = (self.keys.get_mut(idx), self.values.get_mut(idx)) {
            *k = key;
            *v = value;
            self.len += 1;
        }
    }
}

/// Maps ids to dense numbers. Ids of up to 15 bytes (nearly all) are packed into a `u128` key, so a
/// lookup hashes two words and never compares bytes in the (large, cold) input.
#[derive(Default)]
struct Interner {
    small: KeyTable,
    large: FxHashMap<Box<[u8]>, u32>,
    names: Vec<Box<[u8]>>,
}

impl Interner {
    /// The number of a short id given as its packed key.
    #[inline(always)]
    fn get_packed(&mut self, packed: u128, key: &[u8]) -> u32 {
        if let Some(idx) = self.small.get(&packed) {
            return *idx;
        }
        let idx = self.names.len() as u32;
        self.names.push(key.into());
        self.small.insert(packed, idx);
        idx
    }

    /// The number of the id `text[start..end]`.
    #[inline]
    fn get(&mut self, text: &[u8], start: usize, end: usize) -> u32 {
        let key = text.get(start..end).unwrap_or_default();
        let len = key.len();
        if len <= 15 {
            let window = text
                .get(start..start + 16)
                .and_then(|w| <[u8; 16]>::try_from(w).ok());
            let packed = match window {
                // One unaligned load of 16 bytes, the bytes past the id masked off.
                Some(bytes) => {
                    u128::from_le_bytes(bytes)
                        & (u128::MAX >> (128 - 8 * len as u32).min(127))
                        & if len == 0 { 0 } else { u128::MAX }
                }
                None => {
                    let mut bytes = [0u8; 16];
                    if let Some(head) = bytes.get_mut(..len) {
                        head.copy_from_slice(key);
                    }
                    u128::from_le_bytes(bytes)
                }
            } | ((len as u128) << 120);
            if let Some(idx) = self.small.get(&packed) {
                return *idx;
            }
            let idx = self.names.len() as u32;
            self.names.push(key.into());
            self.small.insert(packed, idx);
            return idx;
        }
        if let Some(idx) = self.large.get(key) {
            return *idx;
        }
        let idx = self.names.len() as u32;
        self.names.push(key.into());
        self.large.insert(key.into(), idx);
        idx
    }
}

/// Accumulation partitions: records are buffered per partition (agreement number mod this) and
/// applied a buffer at a time, so the table rows being updated stay in the core's cache.
const PARTITIONS: usize = 256;
const FLUSH_RECORDS: usize = 4096;
const AGREEMENT_BITS: u32 = 22;
const MUNICIPALITY_BITS: u32 = 20;
const UNITS_BITS: u32 = 22;

/// The sum of units is beyond what can be counted (only with absurd inputs).
#[derive(Clone, Copy)]
struct Overflow {
    agreement: u32,
    municipality: u32,
}

/// Per-thread result: interned ids and the unit sums per (agreement, municipality).
#[derive(Default)]
struct Partial {
    agreements: Interner,
    municipalities: Interner,
    /// sums[agreement][municipality] = Σ units + 1 (0: no row for the pair).
    sums: Vec<Vec<u64>>,
    /// PARTITIONS buffers of up to FLUSH_RECORDS packed records each.
    buffers: Vec<Vec<u64>>,
    rows: u64,
}

impl Partial {
    #[inline]
    fn add(&mut self, agreement: u32, municipality: u32, units: u64) -> Result<(), Overflow> {
        let packable = agreement < (1 << AGREEMENT_BITS)
            && municipality < (1 << MUNICIPALITY_BITS)
            && units < (1 << UNITS_BITS);
        if self.buffers.is_empty() {
            self.buffers = (0..PARTITIONS)
                .map(|_| Vec::with_capacity(FLUSH_RECORDS))
                .collect();
        }
        let partition = agreement as usize % PARTITIONS;
        let buffer = match self.buffers.get_mut(partition) {
            Some(buffer) if packable => buffer,
            _ => return self.apply(agreement, municipality, units),
        };
        buffer.push(
            (u64::from(agreement) << (MUNICIPALITY_BITS + UNITS_BITS))
                | (u64::from(municipality) << UNITS_BITS)
                | units,
        );
        if buffer.len() >= FLUSH_RECORDS {
            self.flush(partition)?;
        }
        Ok(())
    }

    fn flush(&mut self, partition: usize) -> Result<(), Overflow> {
        let Some(buffer) = self.buffers.get_mut(partition) else {
            return Ok(());
        };
        let mut records = std::mem::take(buffer);
        for record in &records {
            let agreement = (record >> (MUNICIPALITY_BITS + UNITS_BITS)) as u32;
            let municipality = ((record >> UNITS_BITS) & ((1 << MUNICIPALITY_BITS) - 1)) as u32;
            self.apply(agreement, municipality, record & ((1 << UNITS_BITS) - 1))?;
        }
        records.clear();
        if let Some(buffer) = self.buffers.get_mut(partition) {
            *buffer = records;
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<(), Overflow> {
        for partition in 0..self.buffers.len() {
            self.flush(partition)?;
        }
        Ok(())
    }

    #[inline]
    fn apply(&mut self, agreement: u32, municipality: u32, units: u64) -> Result<(), Overflow> {
        let (a, m) = (agreement as usize, municipality as usize);
        if a >= self.sums.len() {
            self.sums.resize_with(a + 1, Vec::new);
        }
        let slot = self.sums.get_mut(a).and_then(|row| {
            if m >= row.len() {
                row.resize(m + 1, 0);
            }
            row.get_mut(m)
        });
        // The row and slot exist once resized; the error is only for the sum.
        let overflow = Overflow {
            agreement,
            municipality,
        };
        let slot = slot.ok_or(overflow)?;
        *slot = (*slot).max(1).checked_add(units).ok_or(overflow)?;
        Ok(())
    }
}

/// A bad row found while parsing: where (byte offset in the file) and what. Turned into a line
/// and column once, at the end, by [`locate`].
struct Located {
    offset: u64,
    message: String,
}

/// A block of the activity file in memory: `text` starts at byte `base` of the file.
struct Block<'b> {
    text: &'b [u8],
    base: u64,
    delimiter: u8,
}

fn loc(block: &Block<'_>, offset: usize, message: String) -> Located {
    Located {
        offset: block.base + offset as u64,
        message,
    }
}

fn field_error(
    block: &Block<'_>,
    offset: usize,
    name: &str,
    field: &[u8],
    problem: &str,
) -> Located {
    loc(
        block,
        offset,
        format!("{name} \"{}\" {problem}", String::from_utf8_lossy(field)),
    )
}

/// `text[range]`, or nothing when the range is not inside `text`. The parser's ranges lie within
/// the line it found in the block it read, so this never shortens a field; it keeps an
/// impossible range from being a panic.
#[inline(always)]
fn span(text: &[u8], range: Range<usize>) -> &[u8] {
    text.get(range).unwrap_or_default()
}

/// Whether byte `at` of `text` is one of `bytes`.
#[inline(always)]
fn byte_is(text: &[u8], at: usize, bytes: &[u8]) -> bool {
    text.get(at).is_some_and(|b| bytes.contains(b))
}

/// Field bounds after trimming spaces and tabs, as absolute offsets.
#[inline]
fn trim_range(text: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && byte_is(text, start, b" \t") {
        start += 1;
    }
    while end > start && byte_is(text, end - 1, b" \t") {
        end -= 1;
    }
    (start, end)
}

/// One line's delimiters: the first three, how many in all, and where the fourth is.
struct Delimiters {
    at: [usize; 3],
    count: usize,
    fourth: usize,
}

/// Bytes read from the activity file at a time, per thread (kept small enough to stay in cache).
const BLOCK_BYTES: usize = if cfg!(any(test, fuzzing)) {
    64
} else {
    1 << 20
};
/// The longest line accepted: a line longer than this is not an activity row.
const LINE_BYTES_MAX: usize = 16 << 20;

/// The activity file as the parsing threads see it.
struct Source<'a> {
    file: &'a File,
    len: u64,
    body_start: u64,
    delimiter: u8,
    done_bytes: &'a AtomicU64,
    failed: &'a AtomicBool,
}

/// Reads into all of `buf` from `at`, fewer bytes only at the end of the file.
fn read_fill(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt as _;
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|rest| !rest.is_empty()) {
        match file.read_at(rest, at + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Parses the lines that start inside `range` of the file (the last one is read to its end, past
/// `range` if need be; a line that starts before `range` belongs to the piece before).
fn parse_piece(
    src: &Source<'_>,
    range: Range<u64>,
    partial: &mut Partial,
    buf: &mut Vec<u8>,
) -> Result<(), Located> {
    let mut skip_partial_line = range.start > src.body_start;
    // Read from one byte early: if it is a line break, the piece starts on a line of its own.
    let mut base = if skip_partial_line {
        range.start - 1
    } else {
        range.start
    };
    let mut read_at = base;
    let mut filled = 0usize;
    let mut consumed = 0usize;
    loop {
        if consumed > 0 {
            buf.copy_within(consumed..filled, 0);
            filled -= consumed;
            base += consumed as u64;
        }
        if filled == buf.len() {
            if buf.len() >= LINE_BYTES_MAX {
                return Err(Located {
                    offset: base,
                    message: format!(
                        "this line is longer than {} MB; an activity row is agreement,municipality,date,units",
                        LINE_BYTES_MAX >> 20
                    ),
                });
            }
            buf.resize(buf.len() * 2, 0);
        }
        let n = read_fill(src.file, buf.get_mut(filled..).unwrap_or_default(), read_at).map_err(
            |e| Located {
                offset: read_at,
                message: format!("cannot read the file: {e}"),
            },
        )?;
        read_at += n as u64;
        filled += n;
        src.done_bytes.fetch_add(n as u64, Ordering::Relaxed);
        let eof = read_at >= src.len;
        let block = Block {
            text: span(buf, 0..filled),
            base,
            delimiter: src.delimiter,
        };
        let mut pos = 0usize;
        if skip_partial_line {
            match memchr::memchr(b'\n', block.text) {
                Some(i) => {
                    pos = i + 1;
                    skip_partial_line = false;
                }
                None if eof => return Ok(()),
                None => {
                    consumed = filled;
                    continue;
                }
            }
        }
        while pos < filled && base + (pos as u64) < range.end {
            // Most lines take the fast path; anything unusual (spaces, long ids, CR, errors) the general one.
            if let Some(next) = fast_line(&block, partial, pos, filled)? {
                pos = next;
                continue;
            }
            let end = match memchr::memchr(b'\n', span(block.text, pos..filled)) {
                Some(i) => pos + i,
                None if eof => filled,
                None => break,
            };
            let mut delims = Delimiters {
                at: [0; 3],
                count: 0,
                fourth: 0,
            };
            for idx in memchr::memchr_iter(src.delimiter, span(block.text, pos..end)) {
                match delims.at.get_mut(delims.count) {
                    Some(at) => *at = pos + idx,
                    None if delims.count == 3 => delims.fourth = pos + idx,
                    None => {}
                }
                delims.count += 1;
            }
            parse_line(&block, partial, pos, end, &delims)?;
            pos = end + 1;
        }
        if base + (pos as u64) >= range.end
            || (eof && pos >= filled)
            || src.failed.load(Ordering::Relaxed)
        {
            return Ok(());
        }
        consumed = pos.min(filled);
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// 0x80 in each byte of `word` that equals `byte`, 0 elsewhere (exact, no false positives).
#[inline(always)]
fn eq_mask(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// 16 bytes at `at` as two little-endian words, if the text is long enough.
#[inline(always)]
fn window(text: &[u8], at: usize) -> Option<(u64, u64)> {
    let bytes: &[u8; 16] = text.get(at..at + 16)?.try_into().ok()?;
    let (lo, hi) = bytes.split_at(8);
    Some((
        u64::from_le_bytes(lo.try_into().ok()?),
        u64::from_le_bytes(hi.try_into().ok()?),
    ))
}

/// Index of the first marked byte in a (lo, hi) mask pair, 16 if none.
#[inline(always)]
fn first_marked(lo: u64, hi: u64) -> usize {
    if lo != 0 {
        (lo.trailing_zeros() / 8) as usize
    } else if hi != 0 {
        8 + (hi.trailing_zeros() / 8) as usize
    } else {
        16
    }
}

/// An id field of 1–15 bytes starting at `at`, ending at the delimiter, with no line break,
/// space, tab or quote at its edges: its packed key and length. `None`: take the general path.
#[inline(always)]
fn fast_id(text: &[u8], at: usize, delimiter: u8) -> Option<(u128, usize)> {
    let (lo, hi) = window(text, at)?;
    let len = first_marked(eq_mask(lo, delimiter), eq_mask(hi, delimiter));
    if len == 0 || len > 15 {
        return None;
    }
    if first_marked(eq_mask(lo, b'\n'), eq_mask(hi, b'\n')) < len {
        return None;
    }
    if byte_is(text, at, b" \t\"") || byte_is(text, at + len - 1, b" \t") {
        return None;
    }
    let word = (u128::from(hi) << 64) | u128::from(lo);
    Some((
        (word & (u128::MAX >> (128 - 8 * len as u32))) | ((len as u128) << 120),
        len,
    ))
}

/// `123`, `123.4` or `123.45` as hundredths; anything else (spaces, CR, errors) is `None`, for the
/// general parser to read or reject with a message.
#[inline(always)]
fn fast_hundredths(units: &[u8], decimal: u8) -> Option<u64> {
    if units.len() > 15 {
        return None;
    }
    let mut value = 0u64;
    let mut rest = units;
    while let Some((first, after)) = rest.split_first() {
        let digit = first.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        value = value * 10 + u64::from(digit);
        rest = after;
    }
    if rest.len() == units.len() {
        return None;
    }
    match rest {
        [] => Some(value * 100),
        [d, a] if *d == decimal && a.is_ascii_digit() => {
            Some(value * 100 + u64::from(a - b'0') * 10)
        }
        [d, a, b] if *d == decimal && a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(value * 100 + u64::from(a - b'0') * 10 + u64::from(b - b'0'))
        }
        _ => None,
    }
}

/// The common line `agreement,municipality,YYYY-MM-DD,units\n` parsed with a few 16-byte loads.
/// Returns the start of the next line, or `None` to let the general path parse (and judge) it.
#[inline]
fn fast_line(
    block: &Block<'_>,
    partial: &mut Partial,
    start: usize,
    piece_end: usize,
) -> Result<Option<usize>, Located> {
    let Some(FastFields {
        agreement_key,
        agreement_len,
        municipality_key,
        municipality_len,
        units_start,
        units_len,
        hundredths,
    }) = fast_fields(block.text, block.delimiter, start, piece_end)
    else {
        return Ok(None);
    };
    let text = block.text;
    let municipality_start = start + agreement_len + 1;
    let agreement = partial
        .agreements
        .get_packed(agreement_key, span(text, start..start + agreement_len));
    let municipality = partial.municipalities.get_packed(
        municipality_key,
        span(
            text,
            municipality_start..municipality_start + municipality_len,
        ),
    );
    if partial.add(agreement, municipality, hundredths).is_err() {
        return Err(loc(block, units_start, "the units of this agreement and municipality add up to more than can be counted; check the file".to_string()));
    }
    partial.rows += 1;
    Ok(Some(units_start + units_len + 1))
}

/// The fields of a common line, as the fast path reads them.
struct FastFields {
    agreement_key: u128,
    agreement_len: usize,
    municipality_key: u128,
    municipality_len: usize,
    units_start: usize,
    units_len: usize,
    hundredths: u64,
}

/// The fields of a common line, read without changing anything; `None` for the general path.
#[inline(always)]
fn fast_fields(text: &[u8], delimiter: u8, start: usize, piece_end: usize) -> Option<FastFields> {
    let (agreement_key, agreement_len) = fast_id(text, start, delimiter)?;
    let municipality_start = start + agreement_len + 1;
    let (municipality_key, municipality_len) = fast_id(text, municipality_start, delimiter)?;
    let date_start = municipality_start + municipality_len + 1;
    if text.get(date_start + 10) != Some(&delimiter)
        || check_date(span(text, date_start..date_start + 10)).is_err()
    {
        return None;
    }
    let units_start = date_start + 11;
    let (lo, hi) = window(text, units_start)?;
    let units_len = first_marked(eq_mask(lo, b'\n'), eq_mask(hi, b'\n'));
    if units_len == 0 || units_len == 16 || units_start + units_len >= piece_end {
        return None;
    }
    if first_marked(eq_mask(lo, delimiter), eq_mask(hi, delimiter)) < units_len {
        return None;
    }
    let decimal = if delimiter == b';' { b',' } else { b'.' };
    let hundredths = fast_hundredths(span(text, units_start..units_start + units_len), decimal)?;
    Some(FastFields {
        agreement_key,
        agreement_len,
        municipality_key,
        municipality_len,
        units_start,
        units_len,
        hundredths,
    })
}

/// Parses the line `text[start..end]` (without its line break) and adds it to `partial`.
#[inline]
fn parse_line(
    block: &Block<'_>,
    partial: &mut Partial,
    start: usize,
    end: usize,
    delims: &Delimiters,
) -> Result<(), Located> {
    let text = block.text;
    let end = if end > start && byte_is(text, end - 1, b"\r") {
        end - 1
    } else {
        end
    };
    if end == start {
        return Ok(());
    }
    if delims.count < 3 {
        return Err(loc(
            block,
            start,
            format!(
                "expected 4 fields (agreement, municipality, date, units), found {}",
                delims.count + 1
            ),
        ));
    }
    if delims.count > 3 {
        return Err(loc(
            block,
            delims.fourth,
            "more than 4 fields; remove the extra delimiter".to_string(),
        ));
    }
    let [a, b, c] = delims.at;
    let (agreement_start, agreement_end) = trim_range(text, start, a);
    let (municipality_start, municipality_end) = trim_range(text, a + 1, b);
    let (date_start, date_end) = trim_range(text, b + 1, c);
    let (units_start, units_end) = trim_range(text, c + 1, end);
    if agreement_start == agreement_end {
        return Err(loc(
            block,
            start,
            "agreement is empty; every row needs an agreement id".to_string(),
        ));
    }
    if municipality_start == municipality_end {
        return Err(loc(
            block,
            a + 1,
            "municipality is empty; every row needs a municipality id".to_string(),
        ));
    }
    let agreement_quoted = byte_is(text, agreement_start, b"\"");
    if agreement_quoted || byte_is(text, municipality_start, b"\"") {
        let offset = if agreement_quoted { start } else { a + 1 };
        return Err(loc(
            block,
            offset,
            "quoted fields are not supported; write the id without quotes".to_string(),
        ));
    }
    let date = span(text, date_start..date_end);
    if let Err(problem) = check_date(date) {
        return Err(field_error(block, b + 1, "date", date, problem));
    }
    let units = span(text, units_start..units_end);
    let hundredths =
        match parse_hundredths(units, if block.delimiter == b';' { b',' } else { b'.' }) {
            Ok(v) => v,
            Err(problem) if block.delimiter == b';' => match parse_hundredths(units, b'.') {
                Ok(v) => v,
                Err(_) => return Err(field_error(block, c + 1, "units", units, problem)),
            },
            Err(problem) => return Err(field_error(block, c + 1, "units", units, problem)),
        };
    let agreement_idx = partial.agreements.get(text, agreement_start, agreement_end);
    let municipality_idx = partial
        .municipalities
        .get(text, municipality_start, municipality_end);
    if partial
        .add(agreement_idx, municipality_idx, hundredths)
        .is_err()
    {
        return Err(loc(block, c + 1, "the units of this agreement and municipality add up to more than can be counted; check the file".to_string()));
    }
    partial.rows += 1;
    Ok(())
}

/// Splits `range` into `n` byte ranges of about equal size (lines are assigned to the range they
/// start in, see [`parse_piece`]).
fn pieces(range: Range<u64>, n: u64) -> Vec<Range<u64>> {
    let len = range.end - range.start;
    (0..n)
        .map(|k| range.start + len * k / n..range.start + len * (k + 1) / n)
        .filter(|r| r.start < r.end)
        .collect()
}

/// The line and column of byte `offset` of a file, read in blocks (only on the error path).
fn locate(path: &Path, name: &str, located: Located) -> AdhocError {
    let mut line = 1u64;
    let mut line_start = 0u64;
    let position = (|| -> std::io::Result<()> {
        let file = File::open(path)?;
        let mut buf = vec![0u8; 1 << 20];
        let mut at = 0u64;
        while at < located.offset {
            let want = ((located.offset - at) as usize).min(buf.len());
            let n = read_fill(&file, buf.get_mut(..want).unwrap_or_default(), at)?;
            if n == 0 {
                break;
            }
            for i in memchr::memchr_iter(b'\n', span(&buf, 0..n)) {
                line += 1;
                line_start = at + i as u64 + 1;
            }
            at += n as u64;
        }
        Ok(())
    })();
    let column = match position {
        Ok(()) => File::open(path)
            .ok()
            .and_then(|f| {
                let mut prefix = vec![0u8; (located.offset - line_start).min(1 << 20) as usize];
                read_fill(&f, &mut prefix, line_start).ok().map(|n| {
                    String::from_utf8_lossy(span(&prefix, 0..n)).chars().count() as u64 + 1
                })
            })
            .unwrap_or(1),
        Err(_) => 1,
    };
    AdhocError::At {
        file: name.to_string(),
        line,
        column,
        message: located.message,
    }
}

fn parse_costs(file: &str, text: &[u8]) -> Result<Vec<(Vec<u8>, u64)>, AdhocError> {
    let layout = header(file, text, &["agreement", "cost"])?;
    let decimal = if layout.delimiter == b';' { b',' } else { b'.' };
    let mut costs: FxHashMap<Vec<u8>, (u64, usize)> = FxHashMap::default();
    let mut pos = layout.body_start;
    while pos < text.len() {
        let rest = span(text, pos..text.len());
        let end = memchr::memchr(b'\n', rest).map_or(text.len(), |i| pos + i);
        let line = span(text, pos..end);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if !line.is_empty() {
            let Some(split) = memchr::memchr(layout.delimiter, line) else {
                return Err(at(
                    file,
                    text,
                    pos,
                    "expected 2 fields (agreement, cost), found 1".to_string(),
                ));
            };
            let (agreement, cost) = line.split_at(split);
            let (agreement, cost) = (trim(agreement), trim(cost.get(1..).unwrap_or_default()));
            if memchr::memchr(layout.delimiter, cost).is_some() {
                return Err(at(
                    file,
                    text,
                    pos,
                    "more than 2 fields (agreement, cost)".to_string(),
                ));
            }
            if agreement.is_empty() {
                return Err(at(
                    file,
                    text,
                    pos,
                    "agreement is empty; every row needs an agreement id".to_string(),
                ));
            }
            let minor = match parse_hundredths(cost, decimal).or_else(|e| {
                if layout.delimiter == b';' {
                    parse_hundredths(cost, b'.')
                } else {
                    Err(e)
                }
            }) {
                Ok(v) => v,
                Err(problem) => {
                    return Err(at(
                        file,
                        text,
                        pos + split + 1,
                        format!(
                            "cost \"{}\" {problem} (cost is in major units, e.g. 1234567.89)",
                            String::from_utf8_lossy(cost)
                        ),
                    ));
                }
            };
            if let Some((_, first_line_offset)) = costs.get(agreement) {
                let first = at(file, text, *first_line_offset, String::new());
                let first_line = match first {
                    AdhocError::At { line, .. } => line,
                    AdhocError::Whole(_) => 0,
                };
                return Err(at(
                    file,
                    text,
                    pos,
                    format!(
                        "agreement \"{}\" has a second cost (the first is on line {first_line}); give one cost per agreement",
                        String::from_utf8_lossy(agreement)
                    ),
                ));
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
    let shown: Vec<String> = names
        .iter()
        .take(LISTED_MAX)
        .map(|n| String::from_utf8_lossy(n).to_string())
        .collect();
    let more = names.len().saturating_sub(LISTED_MAX);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn push_csv_field(out: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
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

/// Bytes read to find the header line.
const HEADER_BYTES_MAX: usize = 64 << 10;

/// Settles `costs` over `activity` and returns the output CSV as consecutive parts (the header
/// first; write them in order) and a summary.
pub fn settle_adhoc(
    costs_path: &Path,
    activity_path: &Path,
    options: &AdhocOptions,
) -> Result<(Vec<Vec<u8>>, AdhocSummary), AdhocError> {
    let costs_name = costs_path.display().to_string();
    let activity_name = activity_path.display().to_string();
    let costs_text =
        std::fs::read(costs_path).map_err(|e| AdhocError::Whole(format!("{costs_name}: {e}")))?;
    let costs = parse_costs(&costs_name, &costs_text)?;
    let file = File::open(activity_path)
        .map_err(|e| AdhocError::Whole(format!("{activity_name}: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| AdhocError::Whole(format!("{activity_name}: {e}")))?
        .len();
    let mut head = vec![0u8; HEADER_BYTES_MAX.min(len as usize)];
    let n = read_fill(&file, &mut head, 0)
        .map_err(|e| AdhocError::Whole(format!("{activity_name}: {e}")))?;
    head.truncate(n);
    if memchr::memchr(b'\n', &head).is_none() && (n as u64) < len {
        return Err(AdhocError::Whole(format!(
            "{activity_name}: the first line is longer than {} KB; it must be the header agreement,municipality,date,units",
            HEADER_BYTES_MAX >> 10
        )));
    }
    let layout = header(
        &activity_name,
        &head,
        &["agreement", "municipality", "date", "units"],
    )?;
    let threads = options.threads.max(1);
    let done_bytes = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let finished = AtomicBool::new(false);
    let source = Source {
        file: &file,
        len,
        body_start: layout.body_start as u64,
        delimiter: layout.delimiter,
        done_bytes: &done_bytes,
        failed: &failed,
    };
    let work = pieces(
        layout.body_start as u64..len,
        (threads * PIECES_PER_THREAD) as u64,
    );
    let next = AtomicU64::new(0);
    let show_progress = options.progress && std::io::stderr().is_terminal() && len > 64 << 20;
    let results: Vec<Result<Partial, Located>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut partial = Partial::default();
                    let mut buf = vec![0u8; BLOCK_BYTES];
                    loop {
                        let idx = next.fetch_add(1, Ordering::Relaxed) as usize;
                        let Some(range) = work.get(idx) else { break };
                        if let Err(e) = parse_piece(&source, range.clone(), &mut partial, &mut buf)
                        {
                            failed.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                    partial.flush_all().map_err(|o| Located {
                        offset: u64::MAX,
                        message: overflow_message(&partial, &o),
                    })?;
                    Ok(partial)
                })
            })
            .collect();
        if show_progress {
            scope.spawn(|| progress(&done_bytes, len, &finished));
        }
        let out = handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Located {
                        offset: u64::MAX,
                        message: "a worker thread failed".to_string(),
                    })
                })
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        out
    });
    let mut partials: Vec<Partial> = Vec::new();
    let mut errors: Vec<Located> = Vec::new();
    for result in results {
        match result {
            Ok(partial) => partials.push(partial),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // Report the first bad row in the file, whichever thread found it.
        errors.sort_by_key(|e| e.offset);
        let first = errors.swap_remove(0);
        if first.offset == u64::MAX {
            return Err(AdhocError::Whole(first.message));
        }
        return Err(locate(activity_path, &activity_name, first));
    }
    settle_partials(&activity_name, &costs_name, &costs, &partials)
}

fn overflow_message(partial: &Partial, overflow: &Overflow) -> String {
    let name = |names: &[Box<[u8]>], idx: u32| {
        names
            .get(idx as usize)
            .map_or_else(String::new, |n| String::from_utf8_lossy(n).to_string())
    };
    format!(
        "the units of agreement \"{}\" and municipality \"{}\" add up to more than can be counted; check the file",
        name(&partial.agreements.names, overflow.agreement),
        name(&partial.municipalities.names, overflow.municipality)
    )
}

fn progress(done: &AtomicU64, total: u64, finished: &AtomicBool) {
    let mut last = 0;
    while !finished.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let percent = done.load(Ordering::Relaxed) * 100 / total.max(1);
        if percent != last {
            eprint!(
                "\rsettle: reading activity {percent:>3}% of {} MB",
                total >> 20
            );
            last = percent;
        }
    }
    eprintln!("\rsettle: reading activity 100% of {} MB", total >> 20);
}

/// Sorted, deduplicated names from every partial, and per partial the map local → global index.
fn unify<'t>(lists: &[Vec<&'t [u8]>]) -> (Vec<&'t [u8]>, Vec<Vec<u32>>) {
    let mut all: Vec<&'t [u8]> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    all.sort_unstable();
    all.dedup();
    let maps = lists
        .iter()
        .map(|l| {
            l.iter()
                .map(|n| all.binary_search(n).map_or(u32::MAX, |i| i as u32))
                .collect()
        })
        .collect();
    (all, maps)
}

/// Writes a count of hundredths as `123.45` without allocating.
fn push_hundredths(out: &mut Vec<u8>, value: u64) {
    use std::io::Write as _;
    // Writing to a vector cannot fail.
    let _ = write!(out, "{}", value / 100);
    let cents = (value % 100) as u8;
    out.extend_from_slice(&[b'.', b'0' + cents / 10, b'0' + cents % 10]);
}

/// Merges the per-thread sums by id (agreements and municipalities in byte order), checks costs
/// against activity, allocates each agreement's cost and writes the CSV.
fn settle_partials(
    activity_name: &str,
    costs_name: &str,
    costs: &[(Vec<u8>, u64)],
    partials: &[Partial],
) -> Result<(Vec<Vec<u8>>, AdhocSummary), AdhocError> {
    let agreement_lists: Vec<Vec<&[u8]>> = partials
        .iter()
        .map(|p| p.agreements.names.iter().map(|n| &n[..]).collect())
        .collect();
    let municipality_lists: Vec<Vec<&[u8]>> = partials
        .iter()
        .map(|p| p.municipalities.names.iter().map(|n| &n[..]).collect())
        .collect();
    let (agreements, agreement_maps) = unify(&agreement_lists);
    let (municipalities, municipality_maps) = unify(&municipality_lists);
    // For each partial, global agreement → its local row (u32::MAX: none).
    let local_rows: Vec<Vec<u32>> = agreement_maps
        .iter()
        .map(|map| {
            let mut rows = vec![u32::MAX; agreements.len()];
            for (local, global) in map.iter().enumerate() {
                if let Some(row) = rows.get_mut(*global as usize) {
                    *row = local as u32;
                }
            }
            rows
        })
        .collect();
    let cost_of = |a: &[u8]| {
        costs
            .binary_search_by(|(k, _)| k.as_slice().cmp(a))
            .ok()
            .and_then(|i| costs.get(i))
            .map(|(_, cost)| *cost)
    };
    let missing_cost: Vec<&[u8]> = agreements
        .iter()
        .copied()
        .filter(|a| cost_of(a).is_none())
        .collect();
    let no_activity: Vec<&[u8]> = costs
        .iter()
        .map(|(k, _)| k.as_slice())
        .filter(|k| agreements.binary_search(k).is_err())
        .collect();
    let rows: u64 = partials.iter().map(|p| p.rows).sum();
    let merge = Merge {
        partials,
        local_rows: &local_rows,
        municipality_maps: &municipality_maps,
        municipalities: &municipalities,
        cost_of: &cost_of,
    };
    // Agreements are independent: each core settles a contiguous range and writes its own part.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(agreements.len().max(1));
    let chunk = agreements.len().div_ceil(threads.max(1)).max(1);
    let results: Vec<Result<Settled<'_>, AdhocError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = agreements
            .chunks(chunk)
            .enumerate()
            .map(|(idx, names)| {
                let merge = &merge;
                scope.spawn(move || merge.settle(idx * chunk, names))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(AdhocError::Whole("a worker thread failed".to_string()))
                })
            })
            .collect()
    });
    let mut parts = vec![b"agreement,municipality,units,amount\n".to_vec()];
    let mut zero_units: Vec<&[u8]> = Vec::new();
    let mut pairs = 0usize;
    for result in results {
        let settled = result?;
        parts.push(settled.out);
        zero_units.extend(settled.zero_units);
        pairs += settled.pairs;
    }
    let mut problems = Vec::new();
    if !missing_cost.is_empty() {
        problems.push(format!("{} agreement{} in {activity_name} ha{} no cost in {costs_name}: {}; add a row agreement,cost for each", missing_cost.len(), plural(missing_cost.len()), if missing_cost.len() == 1 { "s" } else { "ve" }, list_names(&missing_cost)));
    }
    if !no_activity.is_empty() {
        problems.push(format!("{} agreement{} in {costs_name} ha{} no activity in {activity_name}: {}; remove the cost or add the activity", no_activity.len(), plural(no_activity.len()), if no_activity.len() == 1 { "s" } else { "ve" }, list_names(&no_activity)));
    }
    if !zero_units.is_empty() {
        problems.push(format!(
            "{} agreement{} ha{} a cost but zero units in total, so the cost cannot be split: {}",
            zero_units.len(),
            plural(zero_units.len()),
            if zero_units.len() == 1 { "s" } else { "ve" },
            list_names(&zero_units)
        ));
    }
    if !problems.is_empty() {
        return Err(AdhocError::Whole(problems.join("\n")));
    }
    Ok((
        parts,
        AdhocSummary {
            rows,
            agreements: agreements.len(),
            pairs,
        },
    ))
}

/// What the merge needs to settle a range of agreements.
struct Merge<'m, 't> {
    partials: &'m [Partial],
    local_rows: &'m [Vec<u32>],
    municipality_maps: &'m [Vec<u32>],
    municipalities: &'m [&'t [u8]],
    cost_of: &'m (dyn Fn(&[u8]) -> Option<u64> + Sync),
}

struct Settled<'t> {
    out: Vec<u8>,
    zero_units: Vec<&'t [u8]>,
    pairs: usize,
}

impl<'t> Merge<'_, 't> {
    /// The id of merged municipality `m` (every number `unify` gives is in the list).
    fn municipality(&self, m: u32) -> &'t [u8] {
        self.municipalities
            .get(m as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Sums, allocates and writes the agreements `names`, the first of which has global number `first`.
    fn settle(&self, first: usize, names: &[&'t [u8]]) -> Result<Settled<'t>, AdhocError> {
        let mut settled = Settled {
            out: Vec::with_capacity(1 << 20),
            zero_units: Vec::new(),
            pairs: 0,
        };
        let mut acc = vec![0u64; self.municipalities.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut weights: Vec<u64> = Vec::new();
        for (offset, agreement) in names.iter().enumerate() {
            let g = first + offset;
            touched.clear();
            let locals = self.partials.iter().zip(self.local_rows);
            for ((partial, rows), map) in locals.zip(self.municipality_maps) {
                let Some(row) = rows.get(g).and_then(|r| partial.sums.get(*r as usize)) else {
                    continue;
                };
                // A partial's row is indexed by its own municipality numbers, which `map` takes
                // to the merged ones (every one of them is in the merged list).
                for (slot, global_m) in row.iter().zip(map) {
                    if *slot == 0 {
                        continue;
                    }
                    let sum = acc.get_mut(*global_m as usize).ok_or_else(|| {
                        AdhocError::Whole(format!(
                            "agreement \"{}\": a municipality is missing from the merged list; nothing was written; please report this",
                            String::from_utf8_lossy(agreement)
                        ))
                    })?;
                    if *sum == 0 {
                        touched.push(*global_m);
                        *sum = 1;
                    }
                    *sum = sum.checked_add(slot - 1).ok_or_else(|| {
                        AdhocError::Whole(format!("the units of agreement \"{}\" and municipality \"{}\" add up to more than can be counted; check the file", String::from_utf8_lossy(agreement), String::from_utf8_lossy(self.municipality(*global_m))))
                    })?;
                }
            }
            // Many municipalities: one pass over the dense sums is cheaper than sorting.
            if touched.len() * 8 > acc.len() {
                touched.clear();
                touched.extend(
                    acc.iter()
                        .enumerate()
                        .filter(|(_, sum)| **sum != 0)
                        .map(|(m, _)| m as u32),
                );
            } else {
                touched.sort_unstable();
            }
            weights.clear();
            for m in &touched {
                if let Some(sum) = acc.get_mut(*m as usize) {
                    weights.push(sum.saturating_sub(1));
                    *sum = 0;
                }
            }
            let Some(cost) = (self.cost_of)(agreement) else {
                continue;
            };
            if weights.iter().all(|w| *w == 0) && cost > 0 {
                settled.zero_units.push(agreement);
                continue;
            }
            let allocation = allocate(cost, &weights).map_err(|e| {
                AdhocError::Whole(format!(
                    "agreement \"{}\": {e}",
                    String::from_utf8_lossy(agreement)
                ))
            })?;
            for (m, share) in touched.iter().zip(&allocation.shares) {
                let out = &mut settled.out;
                push_csv_field(out, agreement);
                out.push(b',');
                push_csv_field(out, self.municipality(*m));
                out.push(b',');
                push_hundredths(out, share.weight);
                out.push(b',');
                push_hundredths(out, share.amount);
                out.push(b'\n');
            }
            settled.pairs += touched.len();
        }
        Ok(settled)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(costs: &str, activity: &str) -> Result<String, AdhocError> {
        run_with(2, costs, activity)
    }

    fn run_with(threads: usize, costs: &str, activity: &str) -> Result<String, AdhocError> {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("costs.csv");
        let a = dir.path().join("activity.csv");
        std::fs::write(&c, costs).unwrap();
        std::fs::write(&a, activity).unwrap();
        settle_adhoc(
            &c,
            &a,
            &AdhocOptions {
                threads,
                progress: false,
            },
        )
        .map(|(parts, _)| String::from_utf8(parts.concat()).unwrap())
    }

    #[test]
    fn splits_by_units_with_largest_remainder() {
        let out = run("agreement,cost\nA,100.00\nB,10\n", "agreement,municipality,date,units\nA,m2,2024-01-01,1\nA,m1,2024-01-02,1\nA,m3,2024-01-03,0.5\nA,m3,2024-01-04,0.5\nB,x,2024-02-29,3.25\nB,y,2024-03-01,0\n").unwrap();
        assert_eq!(
            out,
            "agreement,municipality,units,amount\nA,m1,1.00,33.34\nA,m2,1.00,33.33\nA,m3,1.00,33.33\nB,x,3.25,10.00\nB,y,0.00,0.00\n"
        );
    }

    #[test]
    fn semicolons_decimal_commas_bom_crlf_and_spaces() {
        let out = run("\u{feff}agreement;cost\r\nA; 1234567,89 \r\n", "\u{feff}agreement ; municipality ; date ; units\r\n A ; m1 ; 2024-01-01 ; 2,5 \r\nA;m2;2024-01-01;2.5\r\n").unwrap();
        assert_eq!(
            out,
            "agreement,municipality,units,amount\nA,m1,2.50,617283.95\nA,m2,2.50,617283.94\n"
        );
    }

    #[test]
    fn ids_with_commas_are_quoted_in_the_output() {
        let out = run(
            "agreement;cost\nA,1;1\n",
            "agreement;municipality;date;units\nA,1;\"x\";2024-01-01;1\n",
        );
        assert!(
            out.unwrap_err()
                .to_string()
                .contains("quoted fields are not supported")
        );
        let out = run(
            "agreement;cost\nA,1;1\n",
            "agreement;municipality;date;units\nA,1;m;2024-01-01;1\n",
        )
        .unwrap();
        assert_eq!(
            out,
            "agreement,municipality,units,amount\n\"A,1\",m,1.00,1.00\n"
        );
    }

    #[test]
    fn bad_rows_name_line_and_column() {
        let header = "agreement,municipality,date,units\n";
        let costs = "agreement,cost\nA,1\n";
        let cases = [
            (
                "A,m,2024-02-30,1\n",
                2,
                5,
                "date \"2024-02-30\" is not a real date",
            ),
            (
                "A,m,2024-01-01,1\nA,m,2024-01-01,-1\n",
                3,
                16,
                "units \"-1\" is negative",
            ),
            ("A,m,2024-01-01,1.234\n", 2, 16, "more than two decimals"),
            ("A,m,2024-01-01\n", 2, 1, "expected 4 fields"),
            ("A,m,2024-01-01,1,2\n", 2, 17, "more than 4 fields"),
            (",m,2024-01-01,1\n", 2, 1, "agreement is empty"),
            ("A,m,2024-01-01,1,5\n", 2, 17, "more than 4 fields"),
        ];
        for (rows, line, column, message) in cases {
            let err = run(costs, &format!("{header}{rows}")).unwrap_err();
            let AdhocError::At {
                line: l,
                column: c,
                message: m,
                ..
            } = &err
            else {
                panic!("{err}")
            };
            assert_eq!((*l, *c), (line, column), "{err}");
            assert!(m.contains(message), "{err}");
        }
        let err = run(costs, "agreement,municipality,units\n").unwrap_err();
        assert!(
            err.to_string().contains("activity.csv:1:1: the header is"),
            "{err}"
        );
        let err = run(
            "agreement,cost\nA,1\nA,2\n",
            &format!("{header}A,m,2024-01-01,1\n"),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains(
                "costs.csv:3:1: agreement \"A\" has a second cost (the first is on line 2)"
            ),
            "{err}"
        );
    }

    #[test]
    fn missing_costs_and_activity_list_the_agreements() {
        let err = run("agreement,cost\nA,1\nC,5\nD,5\n", "agreement,municipality,date,units\nA,m,2024-01-01,1\nB,m,2024-01-01,1\nD,m,2024-01-01,0\n").unwrap_err().to_string();
        assert!(
            err.contains("1 agreement in")
                && err.contains("has no cost in")
                && err.contains(": B;"),
            "{err}"
        );
        assert!(
            err.contains("has no activity in") && err.contains(": C;"),
            "{err}"
        );
        assert!(
            err.contains("zero units in total") && err.contains(": D"),
            "{err}"
        );
    }

    #[test]
    fn pieces_cover_the_body_without_gaps() {
        for n in 1..10 {
            let p = pieces(7..1000, n);
            assert_eq!(p.first().unwrap().start, 7);
            assert_eq!(p.last().unwrap().end, 1000);
            for w in p.windows(2) {
                assert_eq!(w[0].end, w[1].start);
            }
        }
    }

    #[test]
    fn lines_across_block_and_piece_boundaries_are_read_once() {
        // In tests a block is 64 bytes, so lines straddle blocks and pieces everywhere, and a long
        // id makes the buffer grow.
        let mut activity = String::from("agreement,municipality,date,units\n");
        let mut expected_units = 0u64;
        for i in 0..500u64 {
            let municipality = if i % 7 == 0 {
                format!("municipality-with-a-long-name-{}", i % 3)
            } else {
                format!("m{}", i % 5)
            };
            activity.push_str(&format!(
                "A{},{municipality},2024-01-{:02},{}.{:02}\n",
                i % 2,
                1 + i % 28,
                i % 9,
                i % 100
            ));
            expected_units += (i % 9) * 100 + i % 100;
        }
        for threads in 1..5 {
            let out = run_with(threads, "agreement,cost\nA0,1000\nA1,2000\n", &activity).unwrap();
            let total_units: u64 = out
                .lines()
                .skip(1)
                .map(|l| {
                    let units = l.split(',').nth(2).unwrap();
                    let (w, f) = units.split_once('.').unwrap();
                    w.parse::<u64>().unwrap() * 100 + f.parse::<u64>().unwrap()
                })
                .sum();
            assert_eq!(total_units, expected_units);
            let total_amount: u64 = out
                .lines()
                .skip(1)
                .map(|l| {
                    l.rsplit(',')
                        .next()
                        .unwrap()
                        .replace('.', "")
                        .parse::<u64>()
                        .unwrap()
                })
                .sum();
            assert_eq!(total_amount, 300_000);
        }
    }
}

#[cfg(test)]
mod date_tests {
    use super::check_date;

    #[test]
    fn dates_are_checked_exactly() {
        for ok in [
            "2024-02-29",
            "2000-02-29",
            "2023-12-31",
            "0001-01-01",
            "2024-04-30",
        ] {
            assert_eq!(check_date(ok.as_bytes()), Ok(()), "{ok}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-00-10",
            "2024-13-01",
            "2024-01-00",
            "2024-01-32",
            "2024/01/01",
            "2024-1-01",
            "2024-01-1 ",
            "2024-01-0a",
            "202a-01-01",
            "2024-01-01x",
            "",
            "2024-:1-01",
            "2024-01-:1",
        ] {
            assert!(check_date(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
