//! Typed errors of the library (the binary wraps them with anyhow).

use std::path::PathBuf;

use crate::sync::SyncReport;

/// Reading, parsing or writing a lock file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// The lock file cannot be read or written.
    #[error("cannot read or write lock file {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid lock; `line` is 1-based, 0 for whole-file problems (missing
    /// `format` line, wrong file count, a path pinned twice).
    #[error("lock file line {line}: {message}")]
    Parse { line: usize, message: String },
    /// [`update_lock`](crate::update_lock) cannot list the registry directory.
    #[error("cannot scan registry directory {path}")]
    Scan {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// An offline verification could not run (a missing file is a finding, not an error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A pinned file exists but cannot be read, or the directory cannot be listed.
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One registry file could not be brought into the store. `path` is relative to the registry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The bytes received do not have the hash pinned in the lock.
    #[error("{path}: sha256 mismatch: lock pins {expected}, source served {actual}")]
    HashMismatch {
        path: String,
        expected: String,
        actual: String,
    },
    /// The server answered with a non-success status.
    #[error("{path}: HTTP {status} from {url}")]
    HttpStatus {
        path: String,
        url: String,
        status: u16,
    },
    /// The request failed below HTTP (connection, TLS, body read).
    #[error("{path}: request to {url} failed")]
    Transport {
        path: String,
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// Reading the source directory or writing the store failed.
    #[error("{path}: I/O error on {file}")]
    Io {
        path: String,
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A path in the lock or index that is not a plain relative registry path.
    #[error("{path}: refusing a path outside the registry")]
    UnsafePath { path: String },
}

impl FileError {
    /// The registry-relative path of the file this error is about.
    pub fn path(&self) -> &str {
        match self {
            FileError::HashMismatch { path, .. }
            | FileError::HttpStatus { path, .. }
            | FileError::Transport { path, .. }
            | FileError::Io { path, .. }
            | FileError::UnsafePath { path } => path,
        }
    }
}

/// A sync did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// Some files failed; the others are in the store (good files are kept).
    #[error("{} of {} registry files failed: {}", failed.len(), report.total() + failed.len(), summary(failed))]
    Incomplete {
        failed: Vec<FileError>,
        report: Box<SyncReport>,
    },
    /// The file list could not be obtained (DDF.xml or the source directory).
    #[error("cannot list the registry files")]
    Index(#[source] FileError),
    /// The store directory cannot be created.
    #[error("cannot create store {path}")]
    Store {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// Writing the lock after `update_lock` failed.
    #[error(transparent)]
    Lock(#[from] LockError),
}

impl SyncError {
    /// The per-file failures, if this is [`SyncError::Incomplete`].
    pub fn failures(&self) -> &[FileError] {
        match self {
            SyncError::Incomplete { failed, .. } => failed,
            _ => &[],
        }
    }
}

fn summary(failed: &[FileError]) -> String {
    let mut s = failed
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if failed.len() > 5 {
        s.push_str(&format!("; and {} more", failed.len() - 5));
    }
    s
}
