//! The committed `src/generated/` equals what the generator makes from the pinned registry.
//!
//! Reads `../shared/registry` (or `$LWM2M_REGISTRY`); never writes unless `LWM2M_BLESS=1`.
//! On drift it prints a diff of the first differing lines per file and the command to run.

use std::path::{Path, PathBuf};

use lwm2m_codegen::emit::{EmitOptions, objects_crate, write_tree};
use lwm2m_codegen::load::{LoadOptions, load_registry};

const REGENERATE: &str = "cargo run -- generate --registry ../shared/registry \
                          --out lwm2m-objects/src --alloc-feature alloc";

fn registry() -> Option<PathBuf> {
    let dir = std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"));
    dir.join("DDF.xml").is_file().then_some(dir)
}

/// The first lines where `old` and `new` differ, with a little context.
fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let first = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let mut out = String::new();
    for (i, line) in a.iter().enumerate().skip(first).take(6) {
        out.push_str(&format!("  -{:>6} {line}\n", i + 1));
    }
    for (i, line) in b.iter().enumerate().skip(first).take(6) {
        out.push_str(&format!("  +{:>6} {line}\n", i + 1));
    }
    out
}

#[test]
fn generated_code_is_fresh() {
    let Some(dir) = registry() else {
        panic!("registry not found: set LWM2M_REGISTRY or provide ../shared/registry");
    };
    let reg = load_registry(&dir, &LoadOptions::default()).expect("registry loads");
    let files = objects_crate(&reg, &EmitOptions::objects_crate(), None).expect("emits");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    if std::env::var_os("LWM2M_BLESS").is_some_and(|v| v == "1") {
        let report = write_tree(&src, &files).expect("writes");
        eprintln!("blessed: {report:?}");
        return;
    }
    let mut problems = Vec::new();
    for f in &files {
        let path = src.join(&f.path);
        match std::fs::read_to_string(&path) {
            Ok(old) if old == f.content => {}
            Ok(old) => problems.push(format!(
                "{} differs:\n{}",
                f.path.display(),
                diff(&old, &f.content)
            )),
            Err(_) => problems.push(format!("{} is missing", f.path.display())),
        }
    }
    let wanted: std::collections::HashSet<PathBuf> =
        files.iter().map(|f| src.join(&f.path)).collect();
    for entry in std::fs::read_dir(src.join("generated")).expect("generated/ exists") {
        let path = entry.expect("dir entry").path();
        if !wanted.contains(&path) {
            problems.push(format!("{} is no longer generated", path.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "{} generated file(s) are stale:\n{}\nRegenerate with `{REGENERATE}` \
         (or `LWM2M_BLESS=1 cargo test -p lwm2m-objects --test fresh`).",
        problems.len(),
        problems
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
