//! DTLS 1.2 certificate costs through `Secured` (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, rtc-dtls),
//! in memory (no sockets): a full handshake with chain verification both ways and one CoAP
//! request/response, and a request/response over an established session. Compare with the PSK
//! figures of `benches/dtls.rs`.
//! `cargo bench -p lwm2m-runtime --features dtls-cert --bench dtls_cert`.

#[path = "../tests/cert_pki/mod.rs"]
mod cert_pki;

mod secured_pair;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lwm2m_runtime::dtls::{CertCredentials, Secured};

use secured_pair::{Pair, endpoint};

fn pair(client: &CertCredentials, server: &CertCredentials) -> Pair {
    Pair::new(
        Secured::cert_client(endpoint(1), client.clone(), None).unwrap(),
        Secured::cert_server(endpoint(2), server.clone()).unwrap(),
    )
}

fn bench(c: &mut Criterion) {
    let ca = cert_pki::Ca::new("bench CA");
    let client = ca.creds(&ca.client("dev-1"));
    let server = ca.creds(&ca.server());
    let mut group = c.benchmark_group("dtls_cert");
    group.bench_function("handshake_and_first_request", |b| {
        b.iter_batched(
            || pair(&client, &server),
            |mut p| {
                let n = p.round_trip();
                assert_eq!(n, 1, "{:?} {:?}", p.client.stats(), p.server.stats());
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let mut p = pair(&client, &server);
    assert_eq!(p.round_trip(), 1);
    group.bench_function("request_response_established", |b| {
        b.iter(|| {
            // 4 ms apart: a message ID is reused only after CoAP's EXCHANGE_LIFETIME (247 s).
            p.now = p.now + Duration::from_millis(4);
            assert_eq!(p.round_trip(), 1, "at {:?}", p.now);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
