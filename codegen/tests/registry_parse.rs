//! The whole OMA registry (read from `../shared`, never copied) parses in lenient mode, and
//! representative anomalies are reported at their file and line.

use std::path::PathBuf;

use lwm2m_codegen::diag::{Diagnostic, DiagnosticKind, Level, Severity};
use lwm2m_codegen::load::{LoadOptions, Registry, load_registry};
use lwm2m_codegen::model::{Range, ResourceType, Version};

fn dir(env: &str, name: &str) -> PathBuf {
    std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared")
            .join(name)
    })
}

fn current() -> Registry {
    let d = dir("LWM2M_REGISTRY", "registry");
    load_registry(&d, &LoadOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", d.display()))
}

fn find<'a>(reg: &'a Registry, kind: DiagnosticKind, file: &str) -> Vec<&'a Diagnostic> {
    reg.diagnostics
        .iter()
        .filter(|d| d.kind == kind && d.loc.file().ends_with(file))
        .collect()
}

fn pinned(reg: &Registry, kind: DiagnosticKind, file: &str, line: u32, path: Option<&str>) {
    let found = find(reg, kind, file);
    assert!(
        found
            .iter()
            .any(|d| d.loc.line() == line && d.path.as_deref() == path),
        "expected {kind} at {file}:{line} {path:?}, found {:#?}",
        found
    );
}

#[test]
fn every_file_of_the_current_registry_parses() {
    let reg = current();
    assert!(reg.failed.is_empty(), "{:#?}", reg.failed);
    assert!(
        !reg.has_errors(),
        "lenient mode must accept the published registry"
    );
    assert_eq!(reg.current.len(), 327);
    assert_eq!(reg.history.len(), 424);
    assert_eq!(
        reg.files,
        327 + 424 + 3,
        "objects, history, DDF/Common/units"
    );
    let resources: usize = reg.current.iter().map(|o| o.resources.len()).sum();
    assert_eq!(resources, 3464);
    let count = |t| {
        reg.current
            .iter()
            .flat_map(|o| &o.resources)
            .filter(|r| r.kind == t)
            .count()
    };
    assert_eq!(count(ResourceType::Integer), 1031);
    assert_eq!(count(ResourceType::Corelnk), 20);
    assert_eq!(count(ResourceType::None), 274);
    assert!(reg.common.len() > 100 && reg.index.len() > 400);
}

#[test]
fn every_file_of_the_2021_registry_parses() {
    let d = dir("LWM2M_REGISTRY_OLD", "registry-2021-12");
    let reg = load_registry(&d, &LoadOptions::default()).unwrap();
    assert!(reg.failed.is_empty(), "{:#?}", reg.failed);
    assert!(!reg.has_errors());
    assert_eq!(reg.current.len(), 297);
}

#[test]
fn strict_mode_turns_schema_problems_into_errors() {
    let d = dir("LWM2M_REGISTRY", "registry");
    let reg = load_registry(&d, &LoadOptions::level(Level::Strict)).unwrap();
    assert!(reg.has_errors());
    let order = reg
        .diagnostics
        .iter()
        .find(|d| d.kind == DiagnosticKind::ElementOrder)
        .unwrap();
    assert_eq!(order.severity, Severity::Error);
    let bom = reg
        .diagnostics
        .iter()
        .find(|d| d.kind == DiagnosticKind::ByteOrderMark)
        .unwrap();
    assert_eq!(
        bom.severity,
        Severity::Warning,
        "byte-level facts never fail a build"
    );
}

#[test]
fn byte_level_anomalies_are_pinned() {
    let reg = current();
    pinned(
        &reg,
        DiagnosticKind::ByteOrderMark,
        "registry/10241.xml",
        1,
        None,
    );
    pinned(
        &reg,
        DiagnosticKind::MissingXmlDeclaration,
        "registry/10241.xml",
        1,
        None,
    );
    pinned(
        &reg,
        DiagnosticKind::MissingXmlDeclaration,
        "registry/18830.xml",
        1,
        None,
    );
    pinned(
        &reg,
        DiagnosticKind::Mojibake,
        "registry/505.xml",
        133,
        None,
    );
    assert_eq!(
        find(&reg, DiagnosticKind::MissingXmlDeclaration, "").len(),
        10
    );
}

#[test]
fn name_anomalies_are_pinned() {
    let reg = current();
    pinned(
        &reg,
        DiagnosticKind::StrayWhitespace,
        "registry/3459.xml",
        81,
        Some("/3459/4"),
    );
    pinned(
        &reg,
        DiagnosticKind::StrayWhitespace,
        "registry/0.xml",
        73,
        Some("/0/0"),
    );
    pinned(
        &reg,
        DiagnosticKind::DuplicateResourceName,
        "registry/10329.xml",
        208,
        Some("/10329/115"),
    );
    let group = reg.object(3459, None).unwrap().resource(4).unwrap();
    assert_eq!(group.name, "Group Address", "non-breaking space folded");
}

#[test]
fn schema_anomalies_are_pinned() {
    let reg = current();
    pinned(
        &reg,
        DiagnosticKind::ElementOrder,
        "registry/3410.xml",
        147,
        Some("/3410/11"),
    );
    pinned(
        &reg,
        DiagnosticKind::MissingElement,
        "registry/3410.xml",
        144,
        Some("/3410/11"),
    );
    pinned(
        &reg,
        DiagnosticKind::SchemaMismatch,
        "registry/20.xml",
        69,
        Some("/20"),
    );
    pinned(
        &reg,
        DiagnosticKind::ExecutableWithType,
        "version_history/10260-1_0.xml",
        81,
        Some("/10260/3"),
    );
    pinned(
        &reg,
        DiagnosticKind::MissingType,
        "registry/10482.xml",
        96,
        Some("/10482/5"),
    );
}

#[test]
fn range_anomalies_are_pinned() {
    let reg = current();
    pinned(
        &reg,
        DiagnosticKind::InvertedRange,
        "registry/10309.xml",
        61,
        Some("/10309/4"),
    );
    pinned(
        &reg,
        DiagnosticKind::RangeOnType,
        "registry/3387.xml",
        101,
        Some("/3387/802"),
    );
    pinned(
        &reg,
        DiagnosticKind::NonStandardRange,
        "registry/27.xml",
        137,
        Some("/27/5"),
    );
    pinned(
        &reg,
        DiagnosticKind::UnparsedRange,
        "registry/1.xml",
        303,
        Some("/1/22"),
    );
}

#[test]
fn ranges_and_enumerations_are_modelled() {
    let reg = current();
    let u64_max = reg
        .current
        .iter()
        .flat_map(|o| &o.resources)
        .filter(|r| matches!(r.range, Range::Span { max: lwm2m_codegen::model::Bound::Int(m), .. } if m == u64::MAX as i128))
        .count();
    assert!(u64_max > 0, "ranges up to u64::MAX survive");
    let temperature = reg.object(3303, None).unwrap();
    assert_eq!(temperature.object_version, Version::V1_1);
    let security = reg.object(0, None).unwrap().resource(2).unwrap();
    let labels: Vec<_> = security
        .enumeration
        .iter()
        .map(|v| (v.value, v.label.as_str()))
        .collect();
    assert_eq!(
        labels[..2],
        [(0, "Pre-Shared Key mode"), (1, "Raw Public Key mode")]
    );
}

#[test]
fn versions_are_listed_oldest_first() {
    let reg = current();
    let v: Vec<String> = reg
        .versions(3)
        .iter()
        .map(|o| o.object_version.to_string())
        .collect();
    assert_eq!(v, ["1.0", "1.1", "1.2"]);
    assert_eq!(
        reg.object(3, Some(Version::V1_0)).unwrap().object_version,
        Version::V1_0
    );
    assert!(reg.all_versions().len() >= 424);
}

#[test]
fn the_thread_count_changes_nothing_in_the_result() {
    let d = dir("LWM2M_REGISTRY", "registry");
    let files = lwm2m_codegen::load::read_registry_files(&d).unwrap();
    let load = |threads| {
        let mut opts = LoadOptions::default();
        opts.threads = Some(threads);
        let r = lwm2m_codegen::load::parse_files(&d, &files, &opts);
        format!(
            "{:?}",
            (
                &r.current,
                &r.history,
                &r.common,
                &r.index,
                &r.diagnostics,
                &r.failed
            )
        )
    };
    let one = load(1);
    assert!(one.len() > 1_000_000, "the registry loaded");
    for threads in [2, 3, 7] {
        assert!(
            load(threads) == one,
            "{threads} threads give another result"
        );
    }
}
