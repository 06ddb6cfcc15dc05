//! DTLS 1.2 PSK costs through `Secured`, in memory (no sockets): a full handshake (with the
//! cookie exchange) and one CoAP request/response over an established session.
//! `cargo bench -p lwm2m-runtime --features dtls --bench dtls`.

use std::net::SocketAddr;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Event, Machine, Message, SeededRandom, Timestamp,
};
use lwm2m_runtime::dtls::{
    DimplBackend, InMemorySecurityStore, PskKey, Secured, SecuredConfig, SecuredEvent,
};

const CLIENT: SocketAddr = SocketAddr::new(
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)),
    4000,
);
const SERVER: SocketAddr = SocketAddr::new(
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)),
    5684,
);

struct Pair {
    client: Secured<Endpoint>,
    server: Secured<Endpoint>,
    now: Timestamp,
}

fn pair(
    client_backend: DimplBackend,
    server_backend: DimplBackend,
    store: Arc<InMemorySecurityStore>,
) -> Pair {
    let endpoint = |seed| Endpoint::new(Config::default(), SeededRandom::new(seed));
    Pair {
        client: Secured::client(endpoint(1), client_backend, SecuredConfig::default()),
        server: Secured::server(endpoint(2), server_backend, store, SecuredConfig::default()),
        now: Timestamp::from_millis(1),
    }
}

impl Pair {
    /// Moves datagrams both ways (no loss) until both sides are quiet; answers requests.
    fn run(&mut self) -> usize {
        let mut responses = 0;
        loop {
            let mut moved = false;
            // The contract: a deadline at or before now is handled at once.
            if self.client.poll_timeout().is_some_and(|t| t <= self.now) {
                self.client.handle_timeout(self.now);
                moved = true;
            }
            if self.server.poll_timeout().is_some_and(|t| t <= self.now) {
                self.server.handle_timeout(self.now);
            }
            while let Some(t) = self.client.poll_transmit() {
                self.server.handle_datagram(self.now, CLIENT, &t.payload);
                moved = true;
            }
            while let Some(t) = self.server.poll_transmit() {
                self.client.handle_datagram(self.now, SERVER, &t.payload);
                moved = true;
            }
            while let Some(e) = self.server.poll_event() {
                if let SecuredEvent::Inner(Event::Request { id, .. }) = e {
                    let now = self.now;
                    let _ = self.server.inner_mut().respond(
                        now,
                        id,
                        Message::response(Code::CONTENT).with_payload("ok"),
                    );
                }
            }
            while let Some(e) = self.client.poll_event() {
                if let SecuredEvent::Inner(Event::Response { .. }) = e {
                    responses += 1;
                }
            }
            if !moved && self.client.poll_timeout().is_none_or(|t| t > self.now) {
                return responses;
            }
        }
    }

    fn request(&mut self) {
        let now = self.now;
        self.client
            .inner_mut()
            .request(
                now,
                SERVER,
                Message::request(Code::GET).with_uri_path("/3/0/0"),
            )
            .unwrap();
    }
}

fn bench(c: &mut Criterion) {
    let key = PskKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap();
    let store = Arc::new(InMemorySecurityStore::new().with_psk("dev-1", key.clone(), "dev-1"));
    let mut group = c.benchmark_group("dtls_psk");
    group.bench_function("handshake_and_first_request", |b| {
        b.iter_batched(
            || {
                pair(
                    DimplBackend::psk_client("dev-1", key.clone()).unwrap(),
                    DimplBackend::psk_server(store.clone()).unwrap(),
                    store.clone(),
                )
            },
            |mut p| {
                p.request();
                let n = p.run();
                assert_eq!(n, 1, "{:?} {:?}", p.client.stats(), p.server.stats());
            },
            criterion::BatchSize::SmallInput,
        )
    });
    let mut p = pair(
        DimplBackend::psk_client("dev-1", key.clone()).unwrap(),
        DimplBackend::psk_server(store.clone()).unwrap(),
        store.clone(),
    );
    p.request();
    assert_eq!(p.run(), 1);
    group.bench_function("request_response_established", |b| {
        b.iter(|| {
            // 4 ms apart: a message ID is reused only after CoAP's EXCHANGE_LIFETIME (247 s).
            p.now = p.now + std::time::Duration::from_millis(4);
            p.request();
            let n = p.run();
            assert_eq!(n, 1, "at {:?}: {:?}", p.now, p.client.stats());
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
