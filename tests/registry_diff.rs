//! `lwm2m registry diff` on the real registry: 2021-12 (f23733c) against 2024-02 (b62ffc2).
//! Every expected change below was checked by reading both XML files.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn shared(env: &str, dir: &str) -> PathBuf {
    std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared")
            .join(dir)
    })
}

fn new_registry() -> PathBuf {
    shared("LWM2M_REGISTRY", "registry")
}

fn old_registry() -> PathBuf {
    shared("LWM2M_REGISTRY_2021", "registry-2021-12")
}

fn lwm2m(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lwm2m"))
        .arg("registry")
        .args(args)
        .output()
        .expect("run lwm2m");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "lwm2m {args:?} failed: {stderr}"
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn diff_args<'a>(old: &'a str, new: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["diff", old, new];
    v.extend_from_slice(extra);
    v
}

/// The change matching object, resource and change kind.
fn find<'a>(changes: &'a [Value], object: u64, resource: Option<u64>, kind: &str) -> &'a Value {
    changes
        .iter()
        .find(|c| {
            c["object"] == object
                && c.get("resource").and_then(Value::as_u64) == resource
                && c["change"] == kind
        })
        .unwrap_or_else(|| panic!("no {kind} change for /{object}/{resource:?}"))
}

#[test]
fn json_diff_2021_to_2024() {
    let (old, new) = (old_registry(), new_registry());
    let (code, out) = lwm2m(&diff_args(
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        &["--json"],
    ));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["old_objects"], 297);
    assert_eq!(v["new_objects"], 327);
    let changes = v["changes"].as_array().unwrap();
    let count = |kind: &str| changes.iter().filter(|c| c["change"] == kind).count();
    assert_eq!(count("object_added"), 30, "30 objects added since 2021-12");
    assert_eq!(count("object_removed"), 0);
    assert!(
        changes
            .iter()
            .filter(|c| c["change"] == "object_added")
            .all(|c| c["impact"] == "additive")
    );

    // 20 (Event Log): 1.0 Single -> 2.1 Multiple; 2.0 and 2.1 published.
    let c = find(changes, 20, None, "object_multiple");
    assert_eq!(
        (c["old"].as_bool(), c["new"].as_bool(), c["impact"].as_str()),
        (Some(false), Some(true), Some("breaking"))
    );
    assert_eq!(find(changes, 20, None, "version_added")["version"], "2.0");
    // 21/0 (OSCORE Master Secret): String -> Opaque.
    let c = find(changes, 21, Some(0), "type");
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str(), c["impact"].as_str()),
        (Some("String"), Some("Opaque"), Some("breaking"))
    );
    // 5 (Firmware Update): version 1.2 with new optional resource 14.
    assert_eq!(find(changes, 5, None, "version_added")["version"], "1.2");
    let c = find(changes, 5, Some(14), "resource_added");
    assert_eq!(c["name"], "Automatic Upgrade at Download");
    assert_eq!(c["mandatory"], false);
    assert_eq!(c["impact"], "additive");
    // 3410/6 (Software update): R -> RW widens.
    let c = find(changes, 3410, Some(6), "operations");
    assert_eq!(
        (c["old"].as_str(), c["new"].as_str(), c["impact"].as_str()),
        (Some("R"), Some("RW"), Some("additive"))
    );
    // 4/2 (Radio Signal Strength): units added: cosmetic.
    let c = find(changes, 4, Some(2), "units");
    assert_eq!(
        (c["new"].as_str(), c["impact"].as_str()),
        (Some("dBm"), Some("cosmetic"))
    );
    // 3387/901: "0..256 bytes" -> "0..256" on a String is the same length limit.
    assert_eq!(
        find(changes, 3387, Some(901), "range")["impact"],
        "cosmetic"
    );
}

#[test]
fn text_diff_and_fail_on_breaking() {
    let (old, new) = (old_registry(), new_registry());
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let (code, out) = lwm2m(&diff_args(old, new, &[]));
    assert_eq!(code, 0);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("297 -> 327 objects,"), "{first}");
    assert!(
        out.lines().any(|l| l.starts_with("breaking")
            && l.contains("/21/0")
            && l.contains("type String -> Opaque")),
        "{out}"
    );
    let (code, _) = lwm2m(&diff_args(old, new, &["--fail-on-breaking"]));
    assert_eq!(code, 1);
}

#[test]
fn a_registry_against_itself_has_no_changes() {
    let reg = new_registry();
    let d = lwm2m_registry::diff::diff_dirs(&reg, &reg).unwrap();
    assert!(d.changes.is_empty(), "{d}");
    assert_eq!(d.old_objects, 327);
    let (code, out) = lwm2m(&diff_args(
        reg.to_str().unwrap(),
        reg.to_str().unwrap(),
        &["--fail-on-breaking"],
    ));
    assert_eq!(code, 0);
    assert!(out.starts_with("327 -> 327 objects, 0 changes"), "{out}");
}
