//! Generating the whole registry: parse (all files), emit and format every object version,
//! as `lwm2m generate` does for `lwm2m-objects` (no writing).
//!
//! `cargo bench -p lwm2m-codegen --bench generate`; reads `../shared/registry` or
//! `$LWM2M_REGISTRY`.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use lwm2m_codegen::emit::{EmitOptions, objects_crate};
use lwm2m_codegen::load::{LoadOptions, load_registry};

fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

fn bench(c: &mut Criterion) {
    let dir = registry();
    let opts = EmitOptions::objects_crate();
    let mut g = c.benchmark_group("generate");
    g.sample_size(10);
    g.bench_function("parse+emit+format whole registry", |b| {
        b.iter(|| {
            let reg = load_registry(&dir, &LoadOptions::default()).expect("loads");
            objects_crate(&reg, &opts, None).expect("emits").len()
        })
    });
    let reg = load_registry(&dir, &LoadOptions::default()).expect("loads");
    g.bench_function("emit+format whole registry", |b| {
        b.iter(|| objects_crate(&reg, &opts, None).expect("emits").len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
