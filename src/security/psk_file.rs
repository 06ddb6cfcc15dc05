//! The PSK file of `lwm2m server --psk-file`: one device per line,
//!
//! ```text
//! # endpoint   identity   key (hex)
//! sensor-1     sensor-1   000102030405060708090a0b0c0d0e0f
//! ```
//!
//! Fields are separated by spaces or tabs; `#` starts a comment (a whole line, or after the
//! fields); blank lines are ignored. The identity is what the device presents in the handshake
//! (libcoap's `-u`), the key is hexadecimal, and the endpoint is the only LwM2M endpoint name
//! that identity may register as. Every bad line is reported as `FILE:LINE: problem`; no error
//! and no log line ever shows a key.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lwm2m_runtime::dtls::{InMemorySecurityStore, KeyError, PskKey};

/// One device of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PskEntry {
    /// The LwM2M endpoint name bound to the identity.
    pub(crate) endpoint: String,
    /// The PSK identity.
    pub(crate) identity: String,
    /// The key (its `Debug` is redacted).
    pub(crate) key: PskKey,
}

/// What is wrong with one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum LineProblem {
    /// Not three fields.
    #[error("expected `endpoint identity hex-key`, found {0} field(s)")]
    FieldCount(usize),
    /// The key is not hexadecimal (the error gives an offset, never the text).
    #[error("key: {0}")]
    Key(#[from] KeyError),
    /// The identity appeared on an earlier line.
    #[error("identity {identity:?} is already defined on line {first}")]
    DuplicateIdentity {
        /// The identity.
        identity: String,
        /// The line that defined it first.
        first: usize,
    },
}

/// One bad line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineError {
    /// The file.
    pub(crate) path: PathBuf,
    /// 1-based line number.
    pub(crate) line: usize,
    /// What is wrong.
    pub(crate) problem: LineProblem,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.problem)
    }
}

/// A PSK file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum PskFileError {
    /// The file cannot be read.
    #[error("reading the PSK file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Some lines are bad; all of them are listed, one per line.
    #[error("{}", lines(.0))]
    Lines(Vec<LineError>),
    /// Not one device in the file.
    #[error("{}: no PSK entries (expected lines of `endpoint identity hex-key`)", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

fn lines(errors: &[LineError]) -> String {
    let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
    all.join("\n")
}

/// Reads and parses the PSK file at `path`.
pub(crate) fn load_psk_file(path: &Path) -> Result<Vec<PskEntry>, PskFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| PskFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &text)
}

/// Parses the text of a PSK file; `path` only names it in errors.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Vec<PskEntry>, PskFileError> {
    let mut entries: Vec<(usize, PskEntry)> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let fields: Vec<&str> = raw
            .split_whitespace()
            .take_while(|f| !f.starts_with('#'))
            .collect();
        if fields.is_empty() {
            continue;
        }
        match entry(&fields, &entries) {
            Ok(e) => entries.push((line, e)),
            Err(problem) => errors.push(LineError {
                path: path.to_path_buf(),
                line,
                problem,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(PskFileError::Lines(errors));
    }
    if entries.is_empty() {
        return Err(PskFileError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(entries.into_iter().map(|(_, e)| e).collect())
}

fn entry(fields: &[&str], earlier: &[(usize, PskEntry)]) -> Result<PskEntry, LineProblem> {
    let &[endpoint, identity, hex] = fields else {
        return Err(LineProblem::FieldCount(fields.len()));
    };
    if let Some((first, _)) = earlier.iter().find(|(_, e)| e.identity == identity) {
        return Err(LineProblem::DuplicateIdentity {
            identity: identity.to_string(),
            first: *first,
        });
    }
    let key = PskKey::from_hex(hex)?;
    Ok(PskEntry {
        endpoint: endpoint.to_string(),
        identity: identity.to_string(),
        key,
    })
}

/// The security store of a DTLS server with these devices.
pub(crate) fn psk_store(entries: &[PskEntry]) -> Arc<InMemorySecurityStore> {
    let store = InMemorySecurityStore::new();
    for e in entries {
        store.add_psk(e.identity.as_bytes(), e.key.clone(), e.endpoint.clone());
    }
    Arc::new(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Vec<PskEntry>, PskFileError> {
        parse(Path::new("keys.psk"), text)
    }

    #[test]
    fn entries_comments_and_blank_lines() {
        let text = "# endpoint identity key\n\n\
                    sensor-1 id-1 000102030405060708090a0b0c0d0e0f\n\
                    \tsensor-2\tid-2\tA0B1   # trailing comment\n";
        let entries = parse_str(text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].endpoint, "sensor-1");
        assert_eq!(entries[0].identity, "id-1");
        assert_eq!(entries[0].key.as_bytes().len(), 16);
        assert_eq!(entries[1].endpoint, "sensor-2");
        assert_eq!(entries[1].key.as_bytes(), &[0xa0, 0xb1]);
        let store = psk_store(&entries);
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn every_bad_line_is_named_and_no_key_is_shown() {
        let text = "ok id-1 00112233\n\
                    missing-key id-2\n\
                    bad-hex id-3 0011zz7365637265\n\
                    odd id-4 abc\n\
                    dup id-1 44556677\n\
                    too many fields 0011\n";
        let Err(PskFileError::Lines(errors)) = parse_str(text) else {
            panic!("expected line errors");
        };
        let at: Vec<(usize, &LineProblem)> = errors.iter().map(|e| (e.line, &e.problem)).collect();
        assert_eq!(
            at,
            [
                (2, &LineProblem::FieldCount(2)),
                (3, &LineProblem::Key(KeyError::NotHex { at: 4 })),
                (4, &LineProblem::Key(KeyError::OddLength(3))),
                (
                    5,
                    &LineProblem::DuplicateIdentity {
                        identity: "id-1".into(),
                        first: 1
                    }
                ),
                (6, &LineProblem::FieldCount(4)),
            ]
        );
        let shown = PskFileError::Lines(errors).to_string();
        assert!(
            shown.starts_with("keys.psk:2: expected `endpoint identity hex-key`"),
            "{shown}"
        );
        assert!(shown.contains("keys.psk:3: key: hex key has a non-hex character at offset 4"));
        for key in ["0011zz", "7365637265", "44556677", "00112233"] {
            assert!(!shown.contains(key), "a key leaked: {shown}");
        }
    }

    #[test]
    fn empty_file_and_unreadable_file() {
        assert!(matches!(
            parse_str("# nothing\n\n"),
            Err(PskFileError::Empty { .. })
        ));
        let err = load_psk_file(Path::new("/nonexistent/keys.psk")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("reading the PSK file /nonexistent/keys.psk")
        );
    }
}
