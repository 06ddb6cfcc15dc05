//! Offline verification of a directory (a store or a registry checkout) against a lock.

use std::path::Path;

use serde::Serialize;

use crate::error::VerifyError;
use crate::hash::sha256_file;
use crate::lock::Lock;
use crate::pinned::list_pinned;

/// One pinned file whose bytes differ from the lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub path: String,
    pub expected: String,
    pub actual: String,
}

/// The result of [`verify`]. Paths are registry-relative, in lock order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Pinned files with the pinned hash.
    pub ok: usize,
    /// Pinned files absent from the directory.
    pub missing: Vec<String>,
    /// Pinned files present with another hash.
    pub changed: Vec<Changed>,
    /// Files the lock would pin (registry file names) that it does not list.
    pub extra: Vec<String>,
}

impl VerifyReport {
    /// `true` if nothing is missing, changed or extra.
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Checks every file pinned by `lock` in `dir`, and lists unpinned registry files. Offline.
pub fn verify(dir: &Path, lock: &Lock) -> Result<VerifyReport, VerifyError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| VerifyError::Io { path, source }
    };
    let mut report = VerifyReport::default();
    for entry in &lock.entries {
        let file = dir.join(&entry.path);
        match sha256_file(&file) {
            Ok(h) if h == entry.sha256 => report.ok += 1,
            Ok(actual) => report.changed.push(Changed {
                path: entry.path.clone(),
                expected: entry.sha256.clone(),
                actual,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                report.missing.push(entry.path.clone());
            }
            Err(e) => return Err(io(&file)(e)),
        }
    }
    let present = match list_pinned(dir) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(io(dir)(e)),
    };
    report.extra = present
        .into_iter()
        .filter(|p| lock.entry(p).is_none())
        .collect();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::{LockEntry, LockHeader};

    #[test]
    fn finds_missing_changed_and_extra() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("1.xml"), b"one").unwrap();
        std::fs::write(dir.path().join("2.xml"), b"two, edited").unwrap();
        std::fs::write(dir.path().join("4.xml"), b"four").unwrap();
        std::fs::write(dir.path().join("README.md"), b"not pinned").unwrap();
        let lock = Lock::new(
            LockHeader::default(),
            vec![
                LockEntry::from_bytes("1.xml", b"one"),
                LockEntry::from_bytes("2.xml", b"two"),
                LockEntry::from_bytes("version_history/3-1_0.xml", b"three"),
            ],
        );
        let r = verify(dir.path(), &lock).unwrap();
        assert_eq!(r.ok, 1);
        assert_eq!(r.missing, ["version_history/3-1_0.xml"]);
        assert_eq!(r.changed.len(), 1);
        assert_eq!(r.changed[0].path, "2.xml");
        assert_eq!(r.extra, ["4.xml"]);
        assert!(!r.is_clean());
    }

    #[test]
    fn missing_directory_is_all_missing() {
        let lock = Lock::new(
            LockHeader::default(),
            vec![LockEntry::from_bytes("1.xml", b"1")],
        );
        let r = verify(Path::new("/nonexistent/lwm2m-store"), &lock).unwrap();
        assert_eq!(r.missing, ["1.xml"]);
    }
}
