//! Whole-registry parse: the raw quick-xml pull-parse floor against our parse + lower +
//! validate, measured in the same run over the same bytes in memory.
//!
//! `cargo bench -p lwm2m-codegen --bench registry` (registry from `LWM2M_REGISTRY` or
//! `../shared/registry`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use lwm2m_codegen::diag::{Diagnostics, Level};
use lwm2m_codegen::{lower, validate};
use quick_xml::Reader;
use quick_xml::events::Event;

fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

fn files(dir: &Path) -> Vec<(Arc<str>, Vec<u8>)> {
    let mut out = Vec::new();
    for d in [dir.to_path_buf(), dir.join("version_history")] {
        for e in std::fs::read_dir(&d).expect("registry directory") {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "xml") {
                out.push((
                    Arc::from(p.display().to_string()),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn pull_parse(bytes: &[u8]) -> usize {
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

fn ours(label: &Arc<str>, bytes: &[u8], diags: &mut Diagnostics) -> usize {
    let name = label.rsplit('/').next().unwrap_or("");
    match name {
        "DDF.xml" => lower::index_file(label.clone(), bytes, diags).map_or(0, |v| v.len()),
        "Common.xml" => lower::common_file(label.clone(), bytes, diags).map_or(0, |v| v.len()),
        "LWM2M_senml_units.xml" => 0,
        _ => match lower::object_file(label.clone(), bytes, diags) {
            Ok(objs) => {
                for o in &objs {
                    validate::object(o, diags);
                }
                objs.len()
            }
            Err(_) => 0,
        },
    }
}

fn bench(c: &mut Criterion) {
    let files = files(&registry());
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    eprintln!("{} files, {} bytes", files.len(), total);
    let mut g = c.benchmark_group("registry");
    g.sample_size(20);
    g.bench_function("quick-xml pull-parse (floor)", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, bytes)| pull_parse(black_box(bytes)))
                .sum::<usize>()
        })
    });
    g.bench_function("parse+lower+validate", |b| {
        b.iter(|| {
            let mut d = Diagnostics::new(Level::Lenient);
            let n: usize = files
                .iter()
                .map(|(l, bytes)| ours(l, black_box(bytes), &mut d))
                .sum();
            (n, d.len())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
