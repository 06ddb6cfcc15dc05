//! [`read_round_trip`](./read_round_trip.rs) over DTLS: the same fleet (one [`Server`], 200
//! [`Client`]s, one Read of /3303/0/5700 in flight per client), each side wrapped in a PSK
//! [`Secured`] (TLS_PSK_WITH_AES_128_CCM_8), sessions established before measuring.
//! `cargo bench -p lwm2m-runtime --features dtls --bench read_round_trip_dtls`; under
//! `valgrind --tool=callgrind` with `-- --profile-time 5` its instructions per read compare
//! with the plain bench's.

use std::collections::VecDeque;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_core::Path;
use lwm2m_core::object::Object;
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::{Config, Endpoint, Machine, SeededRandom, Timestamp};
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured, SecuredEvent};
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};

const CLIENTS: usize = 200;
const SENSOR: Path = Path::resource(3303, 0, 5700);

struct Fleet {
    now: Timestamp,
    reads: u64,
    server: Secured<Server>,
    server_addr: SocketAddr,
    clients: Vec<Secured<Client>>,
    names: Vec<String>,
    /// Datagrams on the wire: to the server (`None`) or to client `i`, with the sender.
    wire: VecDeque<(Option<usize>, SocketAddr, Vec<u8>)>,
}

fn client_addr(i: usize) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 20_000 + i as u16))
}

fn key(i: usize) -> PskKey {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&(i as u64).to_be_bytes());
    PskKey::new(k.to_vec())
}

impl Fleet {
    fn new() -> Self {
        let server_addr: SocketAddr = "127.0.0.1:5684".parse().unwrap();
        let store = Arc::new(InMemorySecurityStore::new());
        let names: Vec<String> = (0..CLIENTS).map(|i| format!("bench-{i}")).collect();
        for (i, name) in names.iter().enumerate() {
            store.add_psk(name.clone(), key(i), name.clone());
        }
        let mut server = Server::new(
            ServerConfig::default(),
            Endpoint::new(Config::default(), SeededRandom::new(0x5e)),
            SeededRandom::new(0x77),
        );
        server.add_objects(&[&device::META, &temperature::META]);
        let server = Secured::psk_server(server, store).unwrap();
        let now = Timestamp::from_millis(1_000);
        let mut clients = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let mut devices = Object::<device::Instance>::new();
            devices.insert(0, device::Instance::default());
            let mut temp = temperature::Instance::default();
            temp.set_sensor_value(20.5);
            let mut temps = Object::<temperature::Instance>::new();
            temps.insert(0, temp);
            let mut c = Client::new(
                ClientConfig::new(name.clone()),
                Endpoint::new(Config::default(), SeededRandom::new(i as u64)),
                server_addr,
            );
            c.add_object(devices);
            c.add_object(temps);
            c.start(now).unwrap();
            clients.push(Secured::psk_client(c, name.clone(), key(i)).unwrap());
        }
        let mut f = Fleet {
            now,
            reads: 0,
            server,
            server_addr,
            clients,
            names,
            wire: VecDeque::new(),
        };
        // One handshake at a time: the server caps half-open sessions.
        for i in 0..CLIENTS {
            f.drain_client(i);
            while !f.wire.is_empty() {
                f.step();
            }
        }
        assert_eq!(f.server.sessions(), CLIENTS, "every client connected");
        assert_eq!(
            f.server.inner().store().len(),
            CLIENTS,
            "every client registered"
        );
        for i in 0..CLIENTS {
            f.server
                .inner_mut()
                .read(f.now, &f.names[i], SENSOR)
                .unwrap();
        }
        f.drain_server();
        f
    }

    fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        loop {
            while let Some(t) = c.poll_transmit() {
                self.wire.push_back((None, client_addr(i), t.payload));
            }
            while c.poll_event().is_some() {}
            // The contract: a deadline at or before now is handled at once (a client starts
            // its handshake at its next timed input).
            match black_box(c.poll_timeout()) {
                Some(t) if t <= self.now => c.handle_timeout(self.now),
                _ => break,
            }
        }
    }

    /// Drains the server; returns the reads answered.
    fn drain_server(&mut self) -> u64 {
        let mut answered = 0;
        while let Some(t) = self.server.poll_transmit() {
            let i = usize::from(t.destination.port() - 20_000);
            self.wire.push_back((Some(i), self.server_addr, t.payload));
        }
        while let Some(e) = self.server.poll_event() {
            if let SecuredEvent::Inner(ServerEvent::Response {
                endpoint, result, ..
            }) = e
            {
                assert!(result.is_ok(), "read failed: {result:?}");
                answered += 1;
                self.server
                    .inner_mut()
                    .read(self.now, &endpoint, SENSOR)
                    .unwrap();
            }
        }
        black_box(self.server.poll_timeout());
        answered
    }

    /// Delivers one datagram; returns the reads it completed.
    fn step(&mut self) -> u64 {
        let Some((to, from, bytes)) = self.wire.pop_front() else {
            return 0;
        };
        match to {
            Some(i) => {
                self.clients[i].handle_datagram(self.now, from, &bytes);
                self.drain_client(i);
                0
            }
            None => {
                self.server.handle_datagram(self.now, from, &bytes);
                let done = self.drain_server();
                // Drive any pending transmits resulting from the reads just issued.
                done + self.drain_server()
            }
        }
    }

    /// Runs until one more read completed. Not inlined, so that callgrind can count its calls
    /// and instructions (`--toggle-collect='*one_read*'`).
    #[inline(never)]
    fn one_read(&mut self) {
        loop {
            let done = self.step();
            if done > 0 {
                self.reads += done;
                if self.reads % 100 == 0 {
                    self.now = Timestamp::from_millis(self.now.as_millis() + 1);
                }
                return;
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut fleet = Fleet::new();
    let mut g = c.benchmark_group("read_round_trip_dtls");
    g.throughput(Throughput::Elements(1));
    g.bench_function("200_clients", |b| b.iter(|| fleet.one_read()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
