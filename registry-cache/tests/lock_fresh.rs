//! The committed `registry.lock` is exactly what `update_lock` computes from the pinned
//! registry (`../shared/registry`, or `$LWM2M_REGISTRY`). Regenerate with
//! `LWM2M_UPDATE_LOCK=1 cargo test -p lwm2m-registry --test lock_fresh`.

use std::path::PathBuf;

use lwm2m_registry::{Lock, LockHeader, update_lock, verify};

fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

fn header() -> LockHeader {
    LockHeader {
        upstream: "https://github.com/OpenMobileAlliance/lwm2m-registry".to_owned(),
        commit: "b62ffc2".to_owned(),
        date: "2024-02-22".to_owned(),
    }
}

#[test]
fn committed_lock_matches_the_registry() {
    let fresh = update_lock(&registry(), header()).expect("registry readable");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("registry.lock");
    if std::env::var_os("LWM2M_UPDATE_LOCK").is_some() {
        fresh.write(&path).unwrap();
    }
    let committed = Lock::read(&path).unwrap();
    assert_eq!(
        committed.to_text(),
        fresh.to_text(),
        "registry.lock is stale"
    );
    assert_eq!(committed, Lock::pinned());
}

#[test]
fn lock_covers_the_documented_registry_shape() {
    let lock = Lock::pinned();
    let top = lock
        .entries
        .iter()
        .filter(|e| !e.path.contains('/'))
        .count();
    let history = lock.entries.len() - top;
    // 327 object files + Common.xml, DDF.xml, LWM2M_senml_units.xml + two schemas.
    assert_eq!(top, 327 + 3 + 2);
    assert_eq!(history, 424);
    let temp = lock.entry("3303.xml").expect("temperature object");
    assert_eq!(temp.object_id, Some(3303));
    assert!(temp.object_version.is_some());
    assert_eq!(
        lock.entry("version_history/3-1_1.xml")
            .and_then(|e| e.object_id),
        Some(3)
    );
    assert_eq!(lock.entry("DDF.xml").and_then(|e| e.object_id), None);
    assert!(verify(&registry(), &lock).unwrap().is_clean());
}
