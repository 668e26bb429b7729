//! Reading input files and writing output files atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli_error::CliError;

/// Expands the paths the user gave: a file stays a file; a directory gives its `*.toml` files,
/// recursively, in name order. A path that does not exist is an error that names it.
pub fn agreement_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            CliError::Input(format!(
                "{}: {e}; give an agreement file or a directory of them",
                path.display()
            ))
        })?;
        if meta.is_dir() {
            let before = out.len();
            collect_toml(path, &mut out)?;
            if out.len() == before {
                return Err(CliError::Input(format!(
                    "{}: the directory has no .toml agreement files",
                    path.display()
                )));
            }
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn collect_toml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CliError::Input(format!("{}: {e}", dir.display())))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_toml(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads a whole UTF-8 text file; the error names the file and what is wrong.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes =
        std::fs::read(path).map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::Input(format!(
            "{}: not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename, so
/// that the file is either the old one or the complete new one, never half-written.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| {
        CliError::Failure(format!(
            "{}: cannot create a temporary file: {e}",
            dir.display()
        ))
    })?;
    temp.write_all(contents)
        .map_err(|e| CliError::Failure(format!("{}: {e}", path.display())))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| CliError::Failure(format!("{}: {e}", path.display())))?;
    temp.persist(path)
        .map_err(|e| CliError::Failure(format!("{}: {}", path.display(), e.error)))?;
    Ok(())
}

/// Like [`write_atomically`], for output made of consecutive parts: each part is written at its
/// offset by its own thread (the page cache fills in parallel), then the file is synced and renamed.
pub fn write_parts_atomically(path: &Path, parts: &[Vec<u8>]) -> Result<(), CliError> {
    use std::os::unix::fs::FileExt as _;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| {
        CliError::Failure(format!(
            "{}: cannot create a temporary file: {e}",
            dir.display()
        ))
    })?;
    let file = temp.as_file();
    let mut offsets = Vec::with_capacity(parts.len());
    let mut offset = 0u64;
    for part in parts {
        offsets.push(offset);
        offset += part.len() as u64;
    }
    let results: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .zip(&offsets)
            .map(|(part, at)| scope.spawn(move || file.write_all_at(part, *at)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a writer thread failed")))
            })
            .collect()
    });
    for result in results {
        result.map_err(|e| CliError::Failure(format!("{}: {e}", path.display())))?;
    }
    file.sync_all()
        .map_err(|e| CliError::Failure(format!("{}: {e}", path.display())))?;
    temp.persist(path)
        .map_err(|e| CliError::Failure(format!("{}: {}", path.display(), e.error)))?;
    Ok(())
}
