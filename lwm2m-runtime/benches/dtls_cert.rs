//! DTLS 1.2 certificate costs through `Secured` (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, rtc-dtls),
//! in memory (no sockets): a full handshake with chain verification both ways and one CoAP
//! request/response, and a request/response over an established session. Compare with the PSK
//! figures of `benches/dtls.rs`.
//! `cargo bench -p lwm2m-runtime --features dtls-cert --bench dtls_cert`.

#[path = "../tests/cert_pki/mod.rs"]
mod cert_pki;

use std::net::SocketAddr;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Event, Machine, Message, SeededRandom, Timestamp,
};
use lwm2m_runtime::dtls::{CertCredentials, Secured, SecuredEvent};

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

fn pair(client: &CertCredentials, server: &CertCredentials) -> Pair {
    let endpoint = |seed| Endpoint::new(Config::default(), SeededRandom::new(seed));
    Pair {
        client: Secured::cert_client(endpoint(1), client.clone(), None).unwrap(),
        server: Secured::cert_server(endpoint(2), server.clone()).unwrap(),
        now: Timestamp::from_millis(1),
    }
}

impl Pair {
    /// Sends one GET, moves datagrams both ways (no loss, no time passing) until both sides
    /// are quiet, answering requests; the number of responses the client saw.
    fn round_trip(&mut self) -> usize {
        let now = self.now;
        let get = Message::request(Code::GET).with_uri_path("/3/0/0");
        self.client.inner_mut().request(now, SERVER, get).unwrap();
        let mut responses = 0;
        loop {
            let mut moved = false;
            // The contract: a deadline at or before now is handled at once.
            if self.client.poll_timeout().is_some_and(|t| t <= now) {
                self.client.handle_timeout(now);
                moved = true;
            }
            if self.server.poll_timeout().is_some_and(|t| t <= now) {
                self.server.handle_timeout(now);
                moved = true;
            }
            while let Some(t) = self.client.poll_transmit() {
                self.server.handle_datagram(now, CLIENT, &t.payload);
                moved = true;
            }
            while let Some(t) = self.server.poll_transmit() {
                self.client.handle_datagram(now, SERVER, &t.payload);
                moved = true;
            }
            while let Some(e) = self.server.poll_event() {
                if let SecuredEvent::Inner(Event::Request { id, .. }) = e {
                    let ok = Message::response(Code::CONTENT).with_payload("ok");
                    let _ = self.server.inner_mut().respond(now, id, ok);
                    moved = true;
                }
            }
            while let Some(e) = self.client.poll_event() {
                if let SecuredEvent::Inner(Event::Response { .. }) = e {
                    responses += 1;
                }
            }
            // Pulling the client's datagram may start a handshake, due at once.
            if !moved && self.client.poll_timeout().is_none_or(|t| t > now) {
                return responses;
            }
        }
    }
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
