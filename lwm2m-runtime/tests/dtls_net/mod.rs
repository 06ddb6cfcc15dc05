//! Several clients and one server, any [`Machine`]s, wired in virtual time: the clock jumps to
//! the next delivery or deadline; loss and reordering (jitter) come from a seeded generator.
//! Datagrams the server sends to addresses that are not clients (a flood's spoofed sources) are
//! counted and dropped. No sockets, no sleeps.
#![allow(dead_code)]

pub(crate) mod lwm2m;

use std::net::SocketAddr;

use lwm2m_runtime::coap::{Machine, Timestamp};

#[path = "../in_flight/mod.rs"]
mod in_flight;

use in_flight::{InFlight, advance, drive, take_first};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum To {
    Server(SocketAddr),
    Client(usize),
}

pub(crate) struct Net<C: Machine, S: Machine> {
    pub(crate) now: Timestamp,
    pub(crate) clients: Vec<C>,
    pub(crate) client_addrs: Vec<SocketAddr>,
    pub(crate) server: S,
    pub(crate) server_addr: SocketAddr,
    /// Probability that a datagram is lost.
    pub(crate) loss: f64,
    /// Base one-way latency in ms.
    pub(crate) latency_ms: u64,
    /// Extra random delay in ms; above 0 it reorders datagrams.
    pub(crate) jitter_ms: u64,
    in_flight: InFlight<(To, Vec<u8>)>,
    pub(crate) client_events: Vec<Vec<C::Event>>,
    pub(crate) server_events: Vec<S::Event>,
    /// Every datagram a client sent toward the server (sender, bytes), lost or not.
    pub(crate) to_server: Vec<(SocketAddr, Vec<u8>)>,
    /// Datagrams the server sent to addresses that are not clients.
    pub(crate) stray: u64,
}

impl<C: Machine, S: Machine> Net<C, S> {
    pub(crate) fn new(seed: u64, server: S, server_addr: SocketAddr) -> Self {
        Net {
            now: Timestamp::from_millis(1_000),
            clients: Vec::new(),
            client_addrs: Vec::new(),
            server,
            server_addr,
            loss: 0.0,
            latency_ms: 10,
            jitter_ms: 0,
            in_flight: InFlight::new(seed),
            client_events: Vec::new(),
            server_events: Vec::new(),
            to_server: Vec::new(),
            stray: 0,
        }
    }

    /// Adds a client at `addr`; returns its index.
    pub(crate) fn add_client(&mut self, addr: SocketAddr, client: C) -> usize {
        self.clients.push(client);
        self.client_addrs.push(addr);
        self.client_events.push(Vec::new());
        self.clients.len() - 1
    }

    /// Moves transmits into the network and events into the logs.
    pub(crate) fn collect(&mut self) {
        let mut out = Vec::new();
        for (i, c) in self.clients.iter_mut().enumerate() {
            while let Some(t) = c.poll_transmit() {
                assert_eq!(t.destination, self.server_addr);
                out.push((To::Server(self.client_addrs[i]), t.payload));
            }
        }
        while let Some(t) = self.server.poll_transmit() {
            match self.client_addrs.iter().position(|a| *a == t.destination) {
                Some(i) => out.push((To::Client(i), t.payload)),
                None => self.stray += 1,
            }
        }
        for (to, bytes) in out {
            if let To::Server(from) = to {
                self.to_server.push((from, bytes.clone()));
            }
            // Jitter up to and including `jitter_ms`.
            let jitter_below = match self.jitter_ms {
                0 => 0,
                j => j + 1,
            };
            let (loss, latency) = (self.loss, self.latency_ms);
            self.in_flight
                .send(self.now, loss, 0.0, latency, jitter_below, (to, bytes));
        }
        for (i, c) in self.clients.iter_mut().enumerate() {
            while let Some(e) = c.poll_event() {
                self.client_events[i].push(e);
            }
        }
        while let Some(e) = self.server.poll_event() {
            self.server_events.push(e);
        }
    }

    /// A datagram from `from` straight into the server (an attacker, a replay).
    pub(crate) fn inject(&mut self, from: SocketAddr, bytes: &[u8]) {
        self.server.handle_datagram(self.now, from, bytes);
        self.collect();
    }

    /// One delivery or timer step; false when nothing happens before `limit`.
    pub(crate) fn step(&mut self, limit: Timestamp) -> bool {
        self.collect();
        if let Some((to, bytes)) = self.in_flight.pop_due(self.now) {
            match to {
                To::Server(from) => self.server.handle_datagram(self.now, from, &bytes),
                To::Client(i) => {
                    self.clients[i].handle_datagram(self.now, self.server_addr, &bytes)
                }
            }
            self.collect();
            return true;
        }
        let arrival = self.in_flight.next_arrival();
        let times = (self.clients.iter().map(|c| c.poll_timeout()))
            .chain([arrival, self.server.poll_timeout()]);
        if !advance(&mut self.now, times, limit) {
            return false;
        }
        for c in &mut self.clients {
            if c.poll_timeout().is_some_and(|t| t <= self.now) {
                c.handle_timeout(self.now);
            }
        }
        if self.server.poll_timeout().is_some_and(|t| t <= self.now) {
            self.server.handle_timeout(self.now);
        }
        self.collect();
        true
    }

    /// Steps until `done` (true) or until `limit_ms` of virtual time passed (false).
    pub(crate) fn drive(&mut self, limit_ms: u64, done: impl FnMut(&mut Self) -> bool) -> bool {
        let limit = Timestamp::from_millis(self.now.as_millis() + limit_ms);
        drive(self, limit, Self::step, done)
    }

    /// Lets `ms` of virtual time pass.
    pub(crate) fn run_for(&mut self, ms: u64) {
        self.drive(ms, |_| false);
    }

    /// Steps until the server logs an event `f` maps to `Some`; removes and returns it.
    pub(crate) fn wait_server<T>(
        &mut self,
        limit_ms: u64,
        f: impl Fn(&S::Event) -> Option<T>,
    ) -> Option<T> {
        let mut found = None;
        self.drive(limit_ms, |n| {
            found = take_first(&mut n.server_events, &f);
            found.is_some()
        });
        found
    }

    /// Steps until client `i` logs an event `f` maps to `Some`; removes and returns it.
    pub(crate) fn wait_client<T>(
        &mut self,
        i: usize,
        limit_ms: u64,
        f: impl Fn(&C::Event) -> Option<T>,
    ) -> Option<T> {
        let mut found = None;
        self.drive(limit_ms, |n| {
            found = take_first(&mut n.client_events[i], &f);
            found.is_some()
        });
        found
    }
}
