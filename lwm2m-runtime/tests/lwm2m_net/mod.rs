//! Our LwM2M client and server wired by an in-memory link in virtual time: no sockets, no
//! sleeps. The clock jumps to the next delivery or deadline; loss, duplication and reordering
//! come from a seeded generator. Either side can be frozen (it neither receives nor runs its
//! timers), to play a silent peer. A datagram addressed elsewhere than the other side's current
//! address is lost, so a client can move to a new address.

#![allow(dead_code)]

use std::net::SocketAddr;

use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};

#[path = "../in_flight/mod.rs"]
mod in_flight;

use in_flight::{InFlight, advance, drive, take_first};

pub(crate) mod device;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum To {
    Client,
    Server,
}

/// A datagram on its way.
#[derive(Clone)]
struct Datagram {
    to: To,
    from: SocketAddr,
    dest: SocketAddr,
    bytes: Vec<u8>,
}

pub(crate) struct Net {
    pub(crate) now: Timestamp,
    pub(crate) client: Client,
    pub(crate) server: Server,
    pub(crate) client_addr: SocketAddr,
    pub(crate) server_addr: SocketAddr,
    /// Probability that a datagram is lost.
    pub(crate) loss: f64,
    /// Probability that a datagram arrives twice.
    pub(crate) duplicate: f64,
    /// One-way latency in ms.
    pub(crate) latency_ms: u64,
    /// Extra random delay of each datagram, below this many ms; above 0 it reorders datagrams.
    pub(crate) jitter_ms: u64,
    /// Datagrams sent to an address that is not the other side's (lost).
    pub(crate) misaddressed: u64,
    /// A frozen client receives nothing and runs no timers.
    pub(crate) client_frozen: bool,
    /// A frozen server receives nothing and runs no timers.
    pub(crate) server_frozen: bool,
    in_flight: InFlight<Datagram>,
    pub(crate) client_events: Vec<ClientEvent>,
    pub(crate) server_events: Vec<ServerEvent>,
    /// Datagrams sent, by direction (to client, to server).
    pub(crate) sent: (u64, u64),
}

impl Net {
    /// A client built by `setup` from the default config (endpoint `dev-1`) and a server that
    /// knows `metas`.
    pub(crate) fn new(
        seed: u64,
        config: ClientConfig,
        metas: &[&'static lwm2m_core::ObjectMeta],
    ) -> Self {
        let client_addr: SocketAddr = "10.0.0.1:40000".parse().unwrap();
        let server_addr: SocketAddr = "10.0.0.2:5683".parse().unwrap();
        let client = Client::new(
            config,
            Endpoint::new(Config::default(), SeededRandom::new(seed ^ 0xc1)),
            server_addr,
        );
        let mut server = Server::new(
            ServerConfig::default(),
            Endpoint::new(Config::default(), SeededRandom::new(seed ^ 0x5e)),
            SeededRandom::new(seed ^ 0x77),
        );
        server.add_objects(metas);
        Net {
            now: Timestamp::from_millis(1_000),
            client,
            server,
            client_addr,
            server_addr,
            loss: 0.0,
            duplicate: 0.0,
            latency_ms: 10,
            jitter_ms: 0,
            misaddressed: 0,
            client_frozen: false,
            server_frozen: false,
            in_flight: InFlight::new(seed),
            client_events: Vec::new(),
            server_events: Vec::new(),
            sent: (0, 0),
        }
    }

    /// Moves transmits into the network and events into the logs.
    pub(crate) fn collect(&mut self) {
        let mut out = Vec::new();
        while let Some(t) = self.client.poll_transmit() {
            out.push((To::Server, (self.client_addr, t.destination), t.payload));
        }
        while let Some(t) = self.server.poll_transmit() {
            out.push((To::Client, (self.server_addr, t.destination), t.payload));
        }
        for (to, addrs, bytes) in out {
            match to {
                To::Client => self.sent.0 += 1,
                To::Server => self.sent.1 += 1,
            }
            let datagram = Datagram {
                to,
                from: addrs.0,
                dest: addrs.1,
                bytes,
            };
            let (loss, duplicate) = (self.loss, self.duplicate);
            let (latency, jitter) = (self.latency_ms, self.jitter_ms);
            self.in_flight
                .send(self.now, loss, duplicate, latency, jitter, datagram);
        }
        while let Some(e) = self.client.poll_event() {
            self.client_events.push(e);
        }
        while let Some(e) = self.server.poll_event() {
            self.server_events.push(e);
        }
    }

    fn client_deadline(&self) -> Option<Timestamp> {
        (!self.client_frozen)
            .then(|| self.client.poll_timeout())
            .flatten()
    }

    fn server_deadline(&self) -> Option<Timestamp> {
        (!self.server_frozen)
            .then(|| self.server.poll_timeout())
            .flatten()
    }

    /// One delivery or timer step; false when nothing happens before `limit`.
    pub(crate) fn step(&mut self, limit: Timestamp) -> bool {
        self.collect();
        if let Some(datagram) = self.in_flight.pop_due(self.now) {
            let Datagram {
                to,
                from,
                dest,
                bytes,
            } = datagram;
            let here = match to {
                To::Server => self.server_addr,
                To::Client => self.client_addr,
            };
            match to {
                _ if dest != here => self.misaddressed += 1,
                To::Server if !self.server_frozen => {
                    self.server.handle_datagram(self.now, from, &bytes)
                }
                To::Client if !self.client_frozen => {
                    self.client.handle_datagram(self.now, from, &bytes)
                }
                _ => {}
            }
            self.collect();
            return true;
        }
        let times = [
            self.in_flight.next_arrival(),
            self.client_deadline(),
            self.server_deadline(),
        ];
        if !advance(&mut self.now, times, limit) {
            return false;
        }
        if self.client_deadline().is_some_and(|t| t <= self.now) {
            self.client.handle_timeout(self.now);
        }
        if self.server_deadline().is_some_and(|t| t <= self.now) {
            self.server.handle_timeout(self.now);
        }
        self.collect();
        true
    }

    /// Steps until `done` (true) or until `limit_ms` of virtual time passed (false).
    pub(crate) fn drive(&mut self, limit_ms: u64, done: impl FnMut(&mut Net) -> bool) -> bool {
        let limit = Timestamp::from_millis(self.now.as_millis() + limit_ms);
        drive(self, limit, Net::step, done)
    }

    /// Lets `ms` of virtual time pass.
    pub(crate) fn run_for(&mut self, ms: u64) {
        self.drive(ms, |_| false);
    }

    /// Removes and returns the first server event matching `f`.
    pub(crate) fn take_server_event<T>(
        &mut self,
        f: impl Fn(&ServerEvent) -> Option<T>,
    ) -> Option<T> {
        take_first(&mut self.server_events, f)
    }

    /// Drives until a server event matches `f`, and returns what `f` extracted.
    pub(crate) fn wait_server<T>(
        &mut self,
        limit_ms: u64,
        f: impl Fn(&ServerEvent) -> Option<T>,
    ) -> Option<T> {
        let mut found = None;
        self.drive(limit_ms, |n| {
            found = n.take_server_event(&f);
            found.is_some()
        });
        found
    }

    /// Drives until the client event `f` matches (the event is removed).
    pub(crate) fn wait_client<T>(
        &mut self,
        limit_ms: u64,
        f: impl Fn(&ClientEvent) -> Option<T>,
    ) -> Option<T> {
        let mut found = None;
        self.drive(limit_ms, |n| {
            found = take_first(&mut n.client_events, &f);
            found.is_some()
        });
        found
    }
}
