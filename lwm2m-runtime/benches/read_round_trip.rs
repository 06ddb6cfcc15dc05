//! The protocol cores' cost per LwM2M Read round trip, without sockets:
//! `cargo bench -p lwm2m-runtime --bench read_round_trip`.
//!
//! One [`Server`] and [`CLIENTS`] [`Client`]s (Device and Temperature, registered), one Read of
//! /3303/0/5700 in flight per client, as in `lwm2m bench`'s read phase. Datagrams are delivered
//! in order; after every input each side is drained and asked for its next deadline, as the
//! tokio driver does. The clock advances 1 ms per 100 reads, so the duplicate-detection caches
//! fill as they would at 100k reads/s. Under `valgrind --tool=callgrind` with
//! `-- --profile-time 5` this gives stable instruction counts per read.

use std::collections::VecDeque;
use std::hint::black_box;
use std::net::SocketAddr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_core::Path;
use lwm2m_core::object::Object;
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};

const CLIENTS: usize = 200;
const SENSOR: Path = Path::resource(3303, 0, 5700);

struct Fleet {
    now: Timestamp,
    reads: u64,
    server: Server,
    server_addr: SocketAddr,
    clients: Vec<Client>,
    names: Vec<String>,
    /// Datagrams on the wire: to the server (`None`) or to client `i`, with the sender.
    wire: VecDeque<(Option<usize>, SocketAddr, Vec<u8>)>,
}

fn client_addr(i: usize) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 20_000 + i as u16))
}

impl Fleet {
    fn new() -> Self {
        let server_addr: SocketAddr = "127.0.0.1:5683".parse().unwrap();
        let mut server = Server::new(
            ServerConfig::default(),
            Endpoint::new(Config::default(), SeededRandom::new(0x5e)),
            SeededRandom::new(0x77),
        );
        server.add_objects(&[&device::META, &temperature::META]);
        let now = Timestamp::from_millis(1_000);
        let mut clients = Vec::new();
        let mut names = Vec::new();
        for i in 0..CLIENTS {
            let mut devices = Object::<device::Instance>::new();
            devices.insert(0, device::Instance::default());
            let mut temp = temperature::Instance::default();
            temp.set_sensor_value(20.5);
            let mut temps = Object::<temperature::Instance>::new();
            temps.insert(0, temp);
            let name = format!("bench-{i}");
            let mut c = Client::new(
                ClientConfig::new(name.clone()),
                Endpoint::new(Config::default(), SeededRandom::new(i as u64)),
                server_addr,
            );
            c.add_object(devices);
            c.add_object(temps);
            c.start(now).unwrap();
            clients.push(c);
            names.push(name);
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
        for i in 0..CLIENTS {
            f.drain_client(i);
        }
        while !f.wire.is_empty() {
            f.step();
        }
        assert_eq!(f.server.store().len(), CLIENTS, "every client registered");
        for i in 0..CLIENTS {
            f.server.read(f.now, &f.names[i], SENSOR).unwrap();
        }
        f.drain_server();
        f
    }

    fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        while let Some(t) = c.poll_transmit() {
            self.wire.push_back((None, client_addr(i), t.payload));
        }
        while c.poll_event().is_some() {}
        black_box(c.poll_timeout());
    }

    /// Drains the server; returns the reads answered.
    fn drain_server(&mut self) -> u64 {
        let mut answered = 0;
        while let Some(t) = self.server.poll_transmit() {
            let i = usize::from(t.destination.port() - 20_000);
            self.wire.push_back((Some(i), self.server_addr, t.payload));
        }
        while let Some(e) = self.server.poll_event() {
            if let ServerEvent::Response {
                endpoint, result, ..
            } = e
            {
                assert!(result.is_ok(), "read failed: {result:?}");
                answered += 1;
                self.server.read(self.now, &endpoint, SENSOR).unwrap();
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
    let mut g = c.benchmark_group("read_round_trip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("200_clients", |b| b.iter(|| fleet.one_read()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
