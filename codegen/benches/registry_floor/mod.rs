//! What the registry bench and `examples/registry_probe.rs` both measure against: the registry's
//! files in memory, and the floor, a raw quick-xml pull-parse of one file. One definition, so
//! the bench and the probe always compare with the same floor.

use std::path::{Path, PathBuf};

use lwm2m_codegen::load::{SourceFile, read_registry_files};
use quick_xml::Reader;
use quick_xml::events::Event;

/// The registry directory: `LWM2M_REGISTRY`, else `../shared/registry` beside the workspace.
pub(crate) fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

/// Every registry file, read.
pub(crate) fn files(dir: &Path) -> Vec<SourceFile> {
    read_registry_files(dir).expect("a readable registry directory")
}

/// The floor: every event of `bytes` (BOM skipped) pulled from quick-xml; the event count.
pub(crate) fn pull_parse(bytes: &[u8]) -> usize {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).unwrap();
    let mut r = Reader::from_str(text);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
    }
}
