//! Encode/decode throughput per content format: the Device object instance (with multi-instance
//! resources) and 100 Temperature (3303) instances.
//!
//! `cargo bench -p lwm2m-core --bench formats`. Criterion reports time and MB/s (of encoded
//! payload); ns per resource = time / the `values` count printed in each benchmark's name.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_core::{Content, ContentFormat, codec};

const FORMATS: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::LwM2mCbor,
    ContentFormat::LwM2mJson,
];

fn bench_content(c: &mut Criterion, label: &str, content: &Content) {
    let values = content.to_records().len();
    for format in FORMATS {
        let bytes = codec::encode(format, content).expect("fixture encodes");
        let mut group = c.benchmark_group(format!("{label}/{format:?}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("encode/{values}values/{}B", bytes.len()), |b| {
            b.iter(|| codec::encode(format, black_box(content)))
        });
        group.bench_function(format!("decode/{values}values/{}B", bytes.len()), |b| {
            b.iter(|| codec::decode(format, content.path, black_box(&bytes), &common::resolver))
        });
        group.finish();
    }
}

fn formats(c: &mut Criterion) {
    bench_content(c, "device", &common::device_full());
    bench_content(c, "temp100", &common::temperatures(100));
}

criterion_group!(benches, formats);
criterion_main!(benches);
