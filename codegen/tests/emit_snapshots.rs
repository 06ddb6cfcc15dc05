//! Snapshots of what the generator writes: registry objects (newest version) and fixtures
//! written for the odd cases (keywords, leading digits, duplicates, u64 ranges, enumerations,
//! multiple-instance resources, executes). CI never writes snapshots (`INSTA_UPDATE=no`);
//! review changes with `cargo insta review`.

use std::path::{Path, PathBuf};

use lwm2m_codegen::emit::{EmitOptions, object_module, render};
use lwm2m_codegen::load::{LoadOptions, load_file, load_registry};
use lwm2m_codegen::model::ObjectDef;

fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

fn code(name: &str, versions: &[&ObjectDef]) -> String {
    let tokens = object_module(name, versions, &EmitOptions::default()).expect("emits");
    render(name, tokens, &[]).expect("parses")
}

#[test]
fn registry_objects() {
    let reg = load_registry(&registry(), &LoadOptions::default()).expect("registry loads");
    for id in [3303u16, 3311, 3312, 0, 1, 3, 5] {
        let newest = reg.object(id, None).expect("object in registry");
        let name = lwm2m_codegen::ident::snake(&newest.name, id);
        insta::assert_snapshot!(format!("registry_{id}"), code(&name, &[newest]));
    }
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.xml", |path| {
        let (objs, diags) = load_file(path, &LoadOptions::default()).expect("fixture loads");
        let refs: Vec<&ObjectDef> = objs.iter().collect();
        let mut out = code("fixture", &refs);
        let mut notes: Vec<String> = diags
            .iter()
            .map(|d| {
                format!(
                    "// {}[{}] {}: {}",
                    if d.severity == lwm2m_codegen::diag::Severity::Error {
                        "error"
                    } else {
                        "warning"
                    },
                    d.kind,
                    d.path.as_deref().unwrap_or(""),
                    d.message
                )
            })
            .collect();
        for o in &objs {
            for (path, msg) in lwm2m_codegen::emit::renames(o) {
                notes.push(format!("// renamed {path}: {msg}"));
            }
        }
        notes.sort();
        out.insert_str(0, &format!("{}\n", notes.join("\n")));
        insta::assert_snapshot!(out);
    });
}

#[test]
fn emission_is_deterministic() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/names.xml");
    let (objs, _) = load_file(&path, &LoadOptions::default()).expect("fixture loads");
    let refs: Vec<&ObjectDef> = objs.iter().collect();
    assert_eq!(code("a", &refs), code("a", &refs));
}

#[test]
fn descriptions_only_when_asked() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exec_only.xml");
    let (objs, _) = load_file(&path, &LoadOptions::default()).expect("fixture loads");
    let refs: Vec<&ObjectDef> = objs.iter().collect();
    assert!(!code("a", &refs).contains("Fixture resource."));
    let with =
        object_module("a", &refs, &EmitOptions::default().descriptions(true)).expect("emits");
    assert!(
        render("a", with, &[])
            .expect("parses")
            .contains("Fixture resource.")
    );
}
