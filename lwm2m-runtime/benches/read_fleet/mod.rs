//! The fleet both read benches drive: one server and [`CLIENTS`] clients with Device and
//! Temperature, registered, one Read of /3303/0/5700 in flight per client, as in
//! `lwm2m bench`'s read phase. Datagrams are delivered in order; after every input each side is
//! drained and asked for its next deadline, as the tokio driver does. The clock advances 1 ms
//! per 100 reads, so the duplicate-detection caches fill as they would at 100k reads/s.
//! Generic over the machines, so the plain and the DTLS bench measure the same loop.

use std::collections::VecDeque;
use std::hint::black_box;
use std::net::SocketAddr;

use lwm2m_core::Path;
use lwm2m_core::object::Object;
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::{Config, Endpoint, Machine, SeededRandom, Timestamp};
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};

pub(crate) const CLIENTS: usize = 200;
const SENSOR: Path = Path::resource(3303, 0, 5700);

/// The server side of the fleet: a [`Server`], bare or wrapped.
pub(crate) trait ServerSide: Machine {
    fn server(&mut self) -> &mut Server;
    /// The server event inside `event`, if it carries one.
    fn server_event(event: Self::Event) -> Option<ServerEvent>;
}

impl ServerSide for Server {
    fn server(&mut self) -> &mut Server {
        self
    }

    fn server_event(event: ServerEvent) -> Option<ServerEvent> {
        Some(event)
    }
}

pub(crate) fn client_addr(i: usize) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 20_000 + i as u16))
}

pub(crate) fn name(i: usize) -> String {
    format!("bench-{i}")
}

/// The server, with Device and Temperature known.
pub(crate) fn server() -> Server {
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(0x5e)),
        SeededRandom::new(0x77),
    );
    server.add_objects(&[&device::META, &temperature::META]);
    server
}

/// Client `i`, started (its Register queued) at `now`.
pub(crate) fn client(i: usize, server_addr: SocketAddr, now: Timestamp) -> Client {
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, device::Instance::default());
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(20.5);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    let mut c = Client::new(
        ClientConfig::new(name(i)),
        Endpoint::new(Config::default(), SeededRandom::new(i as u64)),
        server_addr,
    );
    c.add_object(devices);
    c.add_object(temps);
    c.start(now).unwrap();
    c
}

pub(crate) struct Fleet<S, C> {
    pub(crate) now: Timestamp,
    reads: u64,
    pub(crate) server: S,
    server_addr: SocketAddr,
    clients: Vec<C>,
    /// Datagrams on the wire: to the server (`None`) or to client `i`, with the sender.
    wire: VecDeque<(Option<usize>, SocketAddr, Vec<u8>)>,
}

impl<S: ServerSide, C: Machine> Fleet<S, C> {
    /// Registers every client (one after the other when `one_at_a_time`: a DTLS server caps
    /// half-open sessions), then starts one read per client.
    pub(crate) fn new(
        server: S,
        server_addr: SocketAddr,
        clients: Vec<C>,
        now: Timestamp,
        one_at_a_time: bool,
    ) -> Self {
        let mut f = Fleet {
            now,
            reads: 0,
            server,
            server_addr,
            clients,
            wire: VecDeque::new(),
        };
        for i in 0..CLIENTS {
            f.drain_client(i);
            if one_at_a_time {
                f.settle();
            }
        }
        f.settle();
        let now = f.now;
        let server = f.server.server();
        assert_eq!(server.store().len(), CLIENTS, "every client registered");
        for i in 0..CLIENTS {
            server.read(now, &name(i), SENSOR).unwrap();
        }
        f.drain_server();
        f
    }

    fn settle(&mut self) {
        while !self.wire.is_empty() {
            self.step();
        }
    }

    fn drain_client(&mut self, i: usize) {
        let c = &mut self.clients[i];
        loop {
            while let Some(t) = c.poll_transmit() {
                self.wire.push_back((None, client_addr(i), t.payload));
            }
            while c.poll_event().is_some() {}
            // The contract: a deadline at or before now is handled at once (a DTLS client
            // starts its handshake at its next timed input).
            match black_box(c.poll_timeout()) {
                Some(t) if t <= self.now => c.handle_timeout(self.now),
                _ => break,
            }
        }
    }

    /// Drains the server; returns the reads answered (each answer starts the next read).
    fn drain_server(&mut self) -> u64 {
        let mut answered = 0;
        while let Some(t) = self.server.poll_transmit() {
            let i = usize::from(t.destination.port() - 20_000);
            self.wire.push_back((Some(i), self.server_addr, t.payload));
        }
        while let Some(e) = self.server.poll_event() {
            if let Some(ServerEvent::Response {
                endpoint, result, ..
            }) = S::server_event(e)
            {
                assert!(result.is_ok(), "read failed: {result:?}");
                answered += 1;
                let now = self.now;
                self.server.server().read(now, &endpoint, SENSOR).unwrap();
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
    pub(crate) fn one_read(&mut self) {
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
