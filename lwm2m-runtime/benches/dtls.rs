//! DTLS 1.2 PSK costs through `Secured`, in memory (no sockets): a full handshake (with the
//! cookie exchange) and one CoAP request/response over an established session.
//! `cargo bench -p lwm2m-runtime --features dtls --bench dtls`.

mod secured_pair;

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lwm2m_runtime::dtls::{DimplBackend, InMemorySecurityStore, PskKey, Secured, SecuredConfig};

use secured_pair::{Pair, endpoint};

fn pair(key: &PskKey, store: &Arc<InMemorySecurityStore>) -> Pair {
    let client = DimplBackend::psk_client("dev-1", key.clone()).unwrap();
    let server = DimplBackend::psk_server(store.clone()).unwrap();
    Pair::new(
        Secured::client(endpoint(1), client, SecuredConfig::default()),
        Secured::server(endpoint(2), server, store.clone(), SecuredConfig::default()),
    )
}

fn bench(c: &mut Criterion) {
    let key = PskKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap();
    let store = Arc::new(InMemorySecurityStore::new().with_psk("dev-1", key.clone(), "dev-1"));
    let mut group = c.benchmark_group("dtls_psk");
    group.bench_function("handshake_and_first_request", |b| {
        b.iter_batched(
            || pair(&key, &store),
            |mut p| {
                let n = p.round_trip();
                assert_eq!(n, 1, "{:?} {:?}", p.client.stats(), p.server.stats());
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let mut p = pair(&key, &store);
    assert_eq!(p.round_trip(), 1);
    group.bench_function("request_response_established", |b| {
        b.iter(|| {
            // 4 ms apart: a message ID is reused only after CoAP's EXCHANGE_LIFETIME (247 s).
            p.now = p.now + Duration::from_millis(4);
            let n = p.round_trip();
            assert_eq!(n, 1, "at {:?}: {:?}", p.now, p.client.stats());
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
