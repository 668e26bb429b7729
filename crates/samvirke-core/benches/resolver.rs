//! Resolver benchmark: in-process lookups per second over a registry with every DK, SE and NO
//! municipality and a few thousand synthetic cooperations, compared in the same run with the same
//! lookups answered by SQLite from an indexed table (the reference).
//!
//! `cargo bench -p samvirke-core --bench resolver` prints the figures.
//! `... -- --write-fixtures DIR --queries N` also writes the synthetic cooperations as agreement
//! files and a queries CSV (municipality,service,date) for the `who --batch` benchmark in
//! `scripts/bench`, plus `expected.csv` with the in-process answers.

use std::hint::black_box;
use std::io::Write as _;
use std::time::Instant;

use samvirke_core::format::write_toml;
use samvirke_core::ids::{MunicipalityId, PartyId};
use samvirke_core::model::*;
use samvirke_core::{Date, MunicipalityRegister, Registry};

#[path = "synthetic/mod.rs"]
mod synthetic;

use synthetic::{DAY_FIRST, DAYS_SPAN, Rng, SERVICES_N, d, synthetic};

struct Query {
    municipality: MunicipalityId,
    service: u32,
    on: Date,
}

/// Random questions that have an answer: a Norwegian code asked about a date before a merger
/// formed it is ambiguous (the resolver refuses to pick), so such draws are redrawn.
fn queries(rng: &mut Rng, municipalities: &[MunicipalityId], n: usize) -> Vec<Query> {
    let register = MunicipalityRegister::embedded();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let query = Query {
            municipality: municipalities[rng.below(municipalities.len() as u64) as usize],
            service: rng.below(SERVICES_N as u64) as u32,
            on: d(DAY_FIRST + rng.below(DAYS_SPAN as u64) as i32),
        };
        if register.resolve(query.municipality, query.on).is_ok() {
            out.push(query);
        }
    }
    out
}

/// The resolver's path for one question: the id as in force on the date (following renumbering),
/// then the index.
fn in_process(registry: &Registry, queries: &[Query]) -> (f64, u64) {
    let register = MunicipalityRegister::embedded();
    let mut checksum = 0u64;
    let start = Instant::now();
    for q in queries {
        let Ok(resolved) = register.resolve(q.municipality, q.on) else {
            continue;
        };
        if let Some(PartyId::Municipality(m)) = registry.performer(resolved.id(), q.service, q.on) {
            checksum = checksum.wrapping_add(u64::from(m.code()));
        }
    }
    (start.elapsed().as_secs_f64(), black_box(checksum))
}

fn sqlite_reference(registry: &Registry, queries: &[Query]) -> (f64, u64) {
    let conn = rusqlite::Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    // Delegations are stored under the municipality's lineage root (its oldest code); a lineage
    // table maps every code to its root, as a SQL design of the same semantics would.
    conn.execute_batch("CREATE TABLE delegation (root TEXT, service INTEGER, day_from INTEGER, day_to INTEGER, performer TEXT); CREATE INDEX d_idx ON delegation (root, service, day_from); CREATE TABLE lineage (code TEXT PRIMARY KEY, root TEXT);").unwrap_or_else(|e| panic!("{e}"));
    let register = MunicipalityRegister::embedded();
    let root = |m: MunicipalityId| register.lineage(m).first().map_or(m, |v| v.id);
    {
        let mut insert = conn
            .prepare("INSERT OR IGNORE INTO lineage VALUES (?1, ?2)")
            .unwrap_or_else(|e| panic!("{e}"));
        for v in register.all_versions() {
            insert
                .execute(rusqlite::params![v.id.to_string(), root(v.id).to_string()])
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    {
        let mut insert = conn
            .prepare("INSERT INTO delegation VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("BEGIN")
            .unwrap_or_else(|e| panic!("{e}"));
        for doc in registry.cooperations() {
            for del in &doc.delegations {
                let service = registry.service_index(&del.service).unwrap_or(u32::MAX);
                for m in &del.for_municipalities {
                    insert
                        .execute(rusqlite::params![
                            root(*m).to_string(),
                            service,
                            del.valid.from().days_since_epoch(),
                            del.valid.to().map_or(i32::MAX, |t| t.days_since_epoch()),
                            del.performer.to_string()
                        ])
                        .unwrap_or_else(|e| panic!("{e}"));
                }
            }
        }
        conn.execute_batch("COMMIT")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut select = conn
        .prepare("SELECT d.performer FROM lineage l JOIN delegation d ON d.root = l.root WHERE l.code = ?1 AND d.service = ?2 AND d.day_from <= ?3 AND ?3 < d.day_to")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut checksum = 0u64;
    let start = Instant::now();
    for q in queries {
        let Ok(resolved) = register.resolve(q.municipality, q.on) else {
            continue;
        };
        let id = resolved.id().to_string();
        let performer: Option<String> = select
            .query_row(
                rusqlite::params![id, q.service, q.on.days_since_epoch()],
                |r| r.get(0),
            )
            .ok();
        let performer = performer.unwrap_or(id);
        let code: u64 = performer[3..].parse().unwrap_or(0);
        checksum = checksum.wrapping_add(code);
    }
    (start.elapsed().as_secs_f64(), black_box(checksum))
}

fn write_fixtures(dir: &str, docs: &[CooperationDoc], registry: &Registry, qs: &[Query]) {
    let coop_dir = format!("{dir}/cooperations");
    std::fs::create_dir_all(&coop_dir).unwrap_or_else(|e| panic!("{coop_dir}: {e}"));
    for doc in docs {
        std::fs::write(
            format!("{coop_dir}/{}.toml", doc.cooperation.id),
            write_toml(doc),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut csv = std::io::BufWriter::new(
        std::fs::File::create(format!("{dir}/queries.csv")).unwrap_or_else(|e| panic!("{e}")),
    );
    let mut expected = std::io::BufWriter::new(
        std::fs::File::create(format!("{dir}/expected.csv")).unwrap_or_else(|e| panic!("{e}")),
    );
    let _ = writeln!(csv, "municipality,service,date");
    let _ = writeln!(expected, "municipality,service,date,responsible");
    for q in qs {
        let service = &registry.service_ids()[q.service as usize];
        let row = format!("{},{},{}", q.municipality, service, q.on);
        let _ = writeln!(csv, "{row}");
        let resolved = MunicipalityRegister::embedded()
            .resolve(q.municipality, q.on)
            .map(|r| r.id())
            .unwrap_or(q.municipality);
        let performer = registry
            .performer_on(resolved, q.service, q.on)
            .map_or_else(|| "CONFLICT".to_string(), |p| p.to_string());
        let _ = writeln!(expected, "{row},{performer}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let quick = std::env::var("SAMVIRKE_BENCH_QUICK").is_ok();
    let mut rng = Rng(0x5A_4D_56_49_52_4B_45);
    let (docs, municipalities) = synthetic(&mut rng);
    let n_delegations: usize = docs.iter().map(|d| d.delegations.len()).sum();
    let build_start = Instant::now();
    let registry = Registry::from_documents(docs.clone());
    let build_s = build_start.elapsed().as_secs_f64();
    println!(
        "registry: {} municipalities, {} synthetic cooperations, {} delegations, {} services; index built in {:.1} ms",
        municipalities.len(),
        docs.len(),
        n_delegations,
        registry.service_ids().len(),
        build_s * 1e3
    );

    let n = if quick { 200_000 } else { 5_000_000 };
    let qs = queries(&mut rng, &municipalities, n);
    let mut best = f64::MAX;
    let mut checksum = 0;
    for _ in 0..if quick { 1 } else { 5 } {
        let (secs, sum) = in_process(&registry, &qs);
        best = best.min(secs);
        checksum = sum;
    }
    let per_second = n as f64 / best;
    println!(
        "samvirke in-process: {n} lookups in {:.3} s (best of runs) = {:.2} million lookups/s on one core (checksum {checksum})",
        best,
        per_second / 1e6
    );

    let n_ref = if quick { 20_000 } else { 500_000 };
    let (ref_secs, ref_sum) = sqlite_reference(&registry, &qs[..n_ref]);
    let (ours_secs, ours_sum) = in_process(&registry, &qs[..n_ref]);
    assert_eq!(ref_sum, ours_sum, "SQLite reference and samvirke disagree");
    println!(
        "reference SQLite (in-memory, indexed, prepared statement): {n_ref} lookups in {ref_secs:.3} s = {:.2} million lookups/s; same answers (checksum {ref_sum}); samvirke is {:.0}x faster",
        n_ref as f64 / ref_secs / 1e6,
        ref_secs / ours_secs
    );
    let target = 5e6;
    println!(
        "target ≥ 5 million lookups/s: {}",
        if per_second >= target {
            "met"
        } else {
            "NOT met"
        }
    );

    if let Some(dir) = flag("--write-fixtures") {
        let n_batch: usize = flag("--queries")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1_000_000);
        let batch = queries(&mut rng, &municipalities, n_batch);
        write_fixtures(&dir, &docs, &registry, &batch);
        println!(
            "fixtures: {} agreement files and {n_batch} queries written to {dir}",
            docs.len()
        );
    }
}
