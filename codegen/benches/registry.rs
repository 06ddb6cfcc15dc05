//! Whole-registry parse: the raw quick-xml pull-parse floor against our parse + lower +
//! validate (`load::parse_files`), measured in the same run over the same bytes in memory, on
//! one thread and on all cores.
//!
//! `cargo bench -p lwm2m-codegen --bench registry` (registry from `LWM2M_REGISTRY` or
//! `../shared/registry`).

mod registry_floor;

use std::path::Path;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use lwm2m_codegen::load::{LoadOptions, SourceFile, parse_files};

use registry_floor::{files, pull_parse, registry};

fn bench(c: &mut Criterion) {
    let dir = registry();
    let files = files(&dir);
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("{} files, {} bytes, {} cores", files.len(), total, cores);
    let mut g = c.benchmark_group("registry");
    g.sample_size(20);
    g.bench_function("quick-xml pull-parse (floor, 1 thread)", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| pull_parse(black_box(&f.bytes)))
                .sum::<usize>()
        })
    });
    for threads in [1, cores] {
        let mut opts = LoadOptions::default();
        opts.threads = Some(threads);
        g.bench_function(format!("parse+lower+validate ({threads} threads)"), |b| {
            b.iter(|| {
                let reg = parse_files(&dir, black_box(&files), &opts);
                (reg.current.len(), reg.diagnostics.len())
            })
        });
    }
    g.finish();
    ratio(&dir, &files);
}

/// The number issue #2 tracks: ours over the floor, both on one thread, from the fastest of
/// several interleaved runs (the least disturbed by other load on the machine).
fn ratio(dir: &Path, files: &[SourceFile]) {
    let mut opts = LoadOptions::default();
    opts.threads = Some(1);
    let fastest = |f: &dyn Fn()| {
        let t = std::time::Instant::now();
        f();
        t.elapsed()
    };
    let (mut floor, mut ours) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..15 {
        floor = floor.min(fastest(&|| {
            black_box(
                files
                    .iter()
                    .map(|f| pull_parse(black_box(&f.bytes)))
                    .sum::<usize>(),
            );
        }));
        ours = ours.min(fastest(&|| {
            black_box(parse_files(dir, black_box(files), &opts).current.len());
        }));
    }
    eprintln!(
        "registry: floor {floor:.2?}, parse+lower+validate {ours:.2?} (1 thread, fastest of 15): {:.2}x",
        ours.as_secs_f64() / floor.as_secs_f64()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
