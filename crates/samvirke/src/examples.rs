//! The five example cooperations, compiled in, and the `--demo` database built from them.

use samvirke_core::format::{check_set, parse_file};
use samvirke_store::{Projection, Store};

use crate::cli_error::CliError;

/// The example files, by name.
pub const EXAMPLES: [(&str, &str); 5] = [
    (
        "examples/cooperations/dragoer-taarnby.toml",
        include_str!("../../../examples/cooperations/dragoer-taarnby.toml"),
    ),
    (
        "examples/cooperations/ishoej-vallensbaek.toml",
        include_str!("../../../examples/cooperations/ishoej-vallensbaek.toml"),
    ),
    (
        "examples/cooperations/koebenhavn-syd.toml",
        include_str!("../../../examples/cooperations/koebenhavn-syd.toml"),
    ),
    (
        "examples/cooperations/marker-ostfold-kartlegging.toml",
        include_str!("../../../examples/cooperations/marker-ostfold-kartlegging.toml"),
    ),
    (
        "examples/cooperations/vastra-malardalen.toml",
        include_str!("../../../examples/cooperations/vastra-malardalen.toml"),
    ),
];

/// Earlier states of example cooperations, each with the record time the demo journal gives it
/// (before the examples themselves are recorded).
pub const HISTORY: [(&str, &str, &str); 1] = [(
    "examples/history/dragoer-taarnby-2020.toml",
    include_str!("../../../examples/history/dragoer-taarnby-2020.toml"),
    "2020-12-31T12:00:00Z",
)];

/// A temporary SQLite database with the examples imported; removed when dropped.
pub struct DemoDatabase {
    dir: tempfile::TempDir,
}

impl DemoDatabase {
    /// Creates the database and imports the examples.
    pub fn create() -> Result<DemoDatabase, CliError> {
        let dir = tempfile::Builder::new()
            .prefix("samvirke-demo-")
            .tempdir()
            .map_err(|e| {
                CliError::Failure(format!(
                    "cannot create a temporary directory for the demo database: {e}"
                ))
            })?;
        let demo = DemoDatabase { dir };
        let mut store = Store::open(&demo.location())?;
        load_history(&mut store)?;
        load_examples(&mut store)?;
        Ok(demo)
    }

    /// The database path.
    pub fn location(&self) -> String {
        self.dir
            .path()
            .join("demo.db")
            .to_string_lossy()
            .to_string()
    }
}

/// Records the earlier states of [`HISTORY`] at their record times, so that the demo has a past.
fn load_history(store: &mut Store) -> Result<(), CliError> {
    for (name, text, at) in HISTORY {
        let parsed = parse_file(name, text).map_err(|errors| {
            CliError::Diagnostics(
                errors,
                "the built-in example history does not validate (a build defect)".to_string(),
            )
        })?;
        let at = samvirke_core::Timestamp::parse(at)
            .map_err(|e| CliError::Failure(format!("{name}: {e}")))?;
        let projection: Projection = store.projection(None)?;
        let changes = Store::diff(
            &projection,
            &parsed.doc.cooperation.id,
            &parsed.doc.to_facts(),
        );
        store.commit(
            projection.head,
            "samvirke-demo",
            "demo history: the agreement as known at the end of 2020, before the take-back of 2021-09-01 was recorded",
            changes,
            at,
        )?;
    }
    Ok(())
}

/// Imports the compiled-in examples into `store` (no-op for facts already there).
pub fn load_examples(store: &mut Store) -> Result<usize, CliError> {
    let mut files = Vec::new();
    for (name, text) in EXAMPLES {
        let parsed = parse_file(name, text).map_err(|errors| {
            CliError::Diagnostics(
                errors,
                "the built-in examples do not validate (a build defect)".to_string(),
            )
        })?;
        files.push(parsed);
    }
    let problems = check_set(&files, &[]);
    if !problems.is_empty() {
        return Err(CliError::Diagnostics(
            problems,
            "the built-in examples do not validate (a build defect)".to_string(),
        ));
    }
    let projection: Projection = store.projection(None)?;
    let mut changes = Vec::new();
    for file in &files {
        changes.extend(Store::diff(
            &projection,
            &file.doc.cooperation.id,
            &file.doc.to_facts(),
        ));
    }
    let count = changes.len();
    store.commit(
        projection.head,
        "samvirke-demo",
        "example cooperations loaded for the demo",
        changes,
        crate::commands::now(),
    )?;
    Ok(count)
}
