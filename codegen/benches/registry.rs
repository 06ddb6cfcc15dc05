//! Whole-registry parse: the raw quick-xml pull-parse floor against our parse + lower +
//! validate (`load::parse_files`), measured in the same run over the same bytes in memory, on
//! one thread and on all cores.
//!
//! `cargo bench -p lwm2m-codegen --bench registry` (registry from `LWM2M_REGISTRY` or
//! `../shared/registry`).
//!
//! The crate, its benches included, is built as one codegen unit (root `Cargo.toml`), so the
//! floor's loop and ours both get quick-xml's event reader inlined; with 16 units that was
//! down to how units merged, and the floor lost it (it read ~11 % slower, ours up to 10 %).
//! Wall-clock ratios still move by a few percent from one build to the next with nothing
//! changed in the code measured (code layout). For a change smaller than that, compare
//! instruction counts: `examples/registry_probe.rs` under callgrind.

mod registry_floor;

use std::path::Path;

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use lwm2m_codegen::load::{LoadOptions, SourceFile, parse_files};

use registry_floor::{compare, files, floor_all, registry};

fn bench(c: &mut Criterion) {
    let dir = registry();
    let files = files(&dir);
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("{} files, {} bytes, {} cores", files.len(), total, cores);
    let mut g = c.benchmark_group("registry");
    g.sample_size(20);
    g.bench_function("quick-xml pull-parse (floor, 1 thread)", |b| {
        b.iter(|| floor_all(&files))
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

/// The number issue #2 tracks: ours over the floor, both on one thread, in interleaved rounds
/// (fastest of each, and the median of the rounds' own ratios).
fn ratio(dir: &Path, files: &[SourceFile]) {
    let mut opts = LoadOptions::default();
    opts.threads = Some(1);
    let c = compare(files, 30, || parse_files(dir, black_box(files), &opts));
    eprintln!("registry: {c}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
