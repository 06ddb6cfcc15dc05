//! [`read_round_trip`](./read_round_trip.rs) over DTLS: the same fleet and loop
//! ([`read_fleet`]), each side wrapped in a PSK [`Secured`] (TLS_PSK_WITH_AES_128_CCM_8),
//! sessions established before measuring.
//! `cargo bench -p lwm2m-runtime --features dtls --bench read_round_trip_dtls`; under callgrind
//! (see the plain bench) its instructions per read compare with the plain bench's.

mod read_fleet;

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_runtime::coap::Timestamp;
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured, SecuredEvent};
use lwm2m_runtime::server::{Server, ServerEvent};

use read_fleet::{CLIENTS, Fleet, ServerSide, client, name, server};

impl ServerSide for Secured<Server> {
    fn server(&mut self) -> &mut Server {
        self.inner_mut()
    }

    fn server_event(event: SecuredEvent<ServerEvent>) -> Option<ServerEvent> {
        match event {
            SecuredEvent::Inner(e) => Some(e),
            _ => None,
        }
    }
}

fn key(i: usize) -> PskKey {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&(i as u64).to_be_bytes());
    PskKey::new(k.to_vec())
}

fn bench(c: &mut Criterion) {
    let server_addr = "127.0.0.1:5684".parse().unwrap();
    let now = Timestamp::from_millis(1_000);
    let store = Arc::new(InMemorySecurityStore::new());
    for i in 0..CLIENTS {
        store.add_psk(name(i), key(i), name(i));
    }
    let secured_server = Secured::psk_server(server(), store).unwrap();
    let clients = (0..CLIENTS)
        .map(|i| Secured::psk_client(client(i, server_addr, now), name(i), key(i)).unwrap())
        .collect();
    // One handshake at a time: the server caps half-open sessions.
    let mut fleet = Fleet::new(secured_server, server_addr, clients, now, true);
    assert_eq!(fleet.server.sessions(), CLIENTS, "every client connected");
    let mut g = c.benchmark_group("read_round_trip_dtls");
    g.throughput(Throughput::Elements(1));
    g.bench_function("200_clients", |b| b.iter(|| fleet.one_read()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
