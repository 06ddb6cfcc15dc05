//! Errors that stop a file from being read at all. Everything softer is a
//! [`Diagnostic`](crate::diag::Diagnostic).

use std::path::PathBuf;

/// A file that could not be read into the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    #[error("{file}:{line}:{col}: not valid UTF-8 (first bad byte at offset {byte})")]
    NotUtf8 {
        file: String,
        line: u32,
        col: u32,
        byte: usize,
    },
    #[error("{file}:{line}:{col}: malformed XML: {message}")]
    Xml {
        file: String,
        line: u32,
        col: u32,
        message: String,
    },
    #[error("{file}:{line}:{col}: {message}")]
    Unusable {
        file: String,
        line: u32,
        col: u32,
        message: String,
    },
}

/// A registry directory that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("{path} is not an LwM2M registry: {why}")]
    NotARegistry { path: PathBuf, why: String },
}
