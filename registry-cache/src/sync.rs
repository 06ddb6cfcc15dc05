//! Fill a store with the pinned registry files, verifying each against the lock.
//!
//! Resumable: a file already in the store with the pinned hash is not fetched again. Atomic per
//! file: bytes go to a temp file next to the target, then a rename. A file that fails (hash
//! mismatch, HTTP error) is reported and skipped; the good ones stay in the store.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use crate::error::{FileError, SyncError};
use crate::hash::{sha256_file, sha256_hex};
use crate::lock::{Lock, LockEntry, LockHeader};
use crate::pinned::{ddf_file_list, list_pinned, path_order};
use crate::source::{Fetcher, Source};
use crate::store::store_lock_path;

/// How to sync.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Record what the source serves as a new lock ([`SyncReport::lock`]) instead of verifying.
    /// Also implied when the lock has no entries.
    pub update_lock: bool,
    /// Header of the new lock when recording; default: the source, commit `unknown`.
    pub header: Option<LockHeader>,
    /// Show a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
    /// Parallel fetches.
    pub jobs: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            update_lock: false,
            header: None,
            progress: true,
            jobs: 4,
        }
    }
}

/// What a sync did. Paths are registry-relative, in lock order.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SyncReport {
    /// Files written to the store.
    pub fetched: Vec<String>,
    /// Of `fetched`: files that were in the store with the wrong hash.
    pub replaced: Vec<String>,
    /// Files already in the store with the pinned hash (not fetched).
    pub up_to_date: Vec<String>,
    /// When recording from a URL: paths of the old lock the source no longer has (HTTP 404).
    pub dropped: Vec<String>,
    /// `true` if the files were recorded, not verified.
    pub recorded: bool,
    /// The lock the store now satisfies: the given one, or the recorded one. A copy is written
    /// to `<store>/registry.lock`.
    pub lock: Lock,
}

impl SyncReport {
    /// Files the store now holds from this sync.
    pub fn total(&self) -> usize {
        self.fetched.len() + self.up_to_date.len()
    }
}

enum Outcome {
    UpToDate,
    Fetched { entry: LockEntry, replaced: bool },
    Dropped,
    Failed(FileError),
}

/// Syncs `store` from `from`. See the module docs.
pub fn sync(
    from: &Source,
    store: &Path,
    lock: &Lock,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    std::fs::create_dir_all(store).map_err(|source| SyncError::Store {
        path: store.to_owned(),
        source,
    })?;
    let fetcher = Fetcher::new(from)?;
    let record = options.update_lock || lock.entries.is_empty();
    let paths: Vec<(String, bool)> = if record {
        file_list(from, &fetcher, lock)?
    } else {
        lock.entries
            .iter()
            .map(|e| (e.path.clone(), true))
            .collect()
    };
    let bar = progress_bar(options.progress, paths.len());
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(paths.len()));
    std::thread::scope(|s| {
        for _ in 0..options.jobs.clamp(1, 32) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((rel, must_exist)) = paths.get(i) else {
                        break;
                    };
                    let pinned = if record { None } else { lock.entry(rel) };
                    let outcome = sync_one(&fetcher, store, rel, pinned, *must_exist);
                    bar.inc(1);
                    results.lock().expect("no worker panics").push((i, outcome));
                }
            });
        }
    });
    bar.finish_and_clear();
    let mut results = results.into_inner().expect("no worker panics");
    results.sort_by_key(|(i, _)| *i);

    let mut report = SyncReport {
        recorded: record,
        ..SyncReport::default()
    };
    let (mut failed, mut recorded) = (Vec::new(), Vec::new());
    for (i, outcome) in results {
        let rel = paths[i].0.clone();
        match outcome {
            Outcome::UpToDate => report.up_to_date.push(rel),
            Outcome::Fetched { entry, replaced } => {
                if replaced {
                    report.replaced.push(rel.clone());
                }
                report.fetched.push(rel);
                recorded.push(entry);
            }
            Outcome::Dropped => report.dropped.push(rel),
            Outcome::Failed(e) => failed.push(e),
        }
    }
    report.lock = if record {
        let header = options.header.clone().unwrap_or_else(|| LockHeader {
            upstream: from.to_string(),
            ..LockHeader::default()
        });
        Lock::new(header, recorded)
    } else {
        lock.clone()
    };
    if !failed.is_empty() {
        return Err(SyncError::Incomplete {
            failed,
            report: Box::new(report),
        });
    }
    report.lock.write(&store_lock_path(store))?;
    Ok(report)
}

/// The files to record, each with "must exist": the source directory's pinned files, or
/// DDF.xml's list (must exist) plus the paths of the old lock (may be gone upstream: dropped).
fn file_list(
    from: &Source,
    fetcher: &Fetcher<'_>,
    lock: &Lock,
) -> Result<Vec<(String, bool)>, SyncError> {
    let list = match from {
        Source::Dir(dir) => list_pinned(dir).map_err(|source| {
            SyncError::Index(FileError::Io {
                path: String::new(),
                file: dir.clone(),
                source,
            })
        })?,
        Source::Url(_) => ddf_file_list(&fetcher.get("DDF.xml").map_err(SyncError::Index)?),
    };
    let mut out: Vec<(String, bool)> = list.into_iter().map(|p| (p, true)).collect();
    if matches!(from, Source::Url(_)) {
        for e in &lock.entries {
            if !out.iter().any(|(p, _)| *p == e.path) {
                out.push((e.path.clone(), false));
            }
        }
        out.sort_by(|a, b| path_order(&a.0, &b.0));
    }
    Ok(out)
}

fn sync_one(
    fetcher: &Fetcher<'_>,
    store: &Path,
    rel: &str,
    pinned: Option<&LockEntry>,
    must_exist: bool,
) -> Outcome {
    let target = store.join(rel);
    let existed = target.is_file();
    if let Some(pin) = pinned {
        if existed && sha256_file(&target).is_ok_and(|h| h == pin.sha256) {
            return Outcome::UpToDate;
        }
    }
    let bytes = match fetcher.get(rel) {
        Ok(b) => b,
        Err(FileError::HttpStatus { status: 404, .. }) if pinned.is_none() && !must_exist => {
            return Outcome::Dropped;
        }
        Err(e) => return Outcome::Failed(e),
    };
    if let Some(pin) = pinned {
        let actual = sha256_hex(&bytes);
        if actual != pin.sha256 {
            return Outcome::Failed(FileError::HashMismatch {
                path: rel.to_owned(),
                expected: pin.sha256.clone(),
                actual,
            });
        }
    }
    if let Err(source) = write_atomic(&target, &bytes) {
        return Outcome::Failed(FileError::Io {
            path: rel.to_owned(),
            file: target,
            source,
        });
    }
    Outcome::Fetched {
        entry: LockEntry::from_bytes(rel, &bytes),
        replaced: existed,
    }
}

/// Writes `bytes` to a temp file beside `target`, then renames it over `target`.
fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = target.with_file_name(format!(".{name}.part-{}", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, target));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn progress_bar(wanted: bool, len: usize) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix("registry sync");
    bar
}
