//! The Markdown catalog: an index row and a page of facts per object.

use std::path::{Path, PathBuf};

use lwm2m_codegen::load::{LoadOptions, load_registry};

fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

#[test]
fn catalog_pages() {
    let reg = load_registry(&registry(), &LoadOptions::default()).expect("registry loads");
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = lwm2m_codegen::catalog::write(&reg, Some(&[3, 3303]), dir.path()).expect("writes");
    assert_eq!(pages, 3);
    let index = std::fs::read_to_string(dir.path().join("index.md")).expect("index");
    assert!(
        index.contains("| 3303 | [Temperature](3303.md) |"),
        "{index}"
    );
    assert!(index.contains("`oma-core` | `device`"), "{index}");
    let device = std::fs::read_to_string(dir.path().join("3.md")).expect("page");
    assert!(device.contains("## Version 1.0"));
    assert!(device.contains("| 9 | Battery Level | Integer | R | no | no | /100 | 0..100 |"));
    assert!(device.contains("0: DC power; 1: Internal Battery"));
}
