//! Several clients and one server, any [`Machine`]s, wired in virtual time: the clock jumps to
//! the next delivery or deadline; loss and reordering (jitter) come from a seeded generator.
//! Datagrams the server sends to addresses that are not clients (a flood's spoofed sources) are
//! counted and dropped. No sockets, no sleeps.
#![allow(dead_code)]

pub(crate) mod lwm2m;

use std::net::SocketAddr;

use lwm2m_runtime::coap::{Machine, SeededRandom, Timestamp};

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
    rng: SeededRandom,
    seq: u64,
    in_flight: Vec<(Timestamp, u64, To, Vec<u8>)>,
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
            rng: SeededRandom::new(seed),
            seq: 0,
            in_flight: Vec::new(),
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

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.rng.next_u64() as f64 / u64::MAX as f64) < p
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
            if self.chance(self.loss) {
                continue;
            }
            let jitter = match self.jitter_ms {
                0 => 0,
                j => self.rng.next_u64() % (j + 1),
            };
            self.seq += 1;
            let at = Timestamp::from_millis(self.now.as_millis() + self.latency_ms + jitter);
            self.in_flight.push((at, self.seq, to, bytes));
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
        self.in_flight.sort_by_key(|d| (d.0, d.1));
        if self.in_flight.first().is_some_and(|d| d.0 <= self.now) {
            let (_, _, to, bytes) = self.in_flight.remove(0);
            match to {
                To::Server(from) => self.server.handle_datagram(self.now, from, &bytes),
                To::Client(i) => {
                    self.clients[i].handle_datagram(self.now, self.server_addr, &bytes)
                }
            }
            self.collect();
            return true;
        }
        let next = self
            .clients
            .iter()
            .map(|c| c.poll_timeout())
            .chain([
                self.in_flight.first().map(|d| d.0),
                self.server.poll_timeout(),
            ])
            .flatten()
            .min();
        match next {
            Some(next) if next <= limit => self.now = self.now.max(next),
            _ => {
                self.now = self.now.max(limit);
                return false;
            }
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
    pub(crate) fn drive(&mut self, limit_ms: u64, mut done: impl FnMut(&mut Self) -> bool) -> bool {
        let limit = Timestamp::from_millis(self.now.as_millis() + limit_ms);
        loop {
            if done(self) {
                return true;
            }
            if !self.step(limit) {
                return done(self);
            }
        }
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
            if let Some(at) = n.server_events.iter().position(|e| f(e).is_some()) {
                found = f(&n.server_events.remove(at));
            }
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
            if let Some(at) = n.client_events[i].iter().position(|e| f(e).is_some()) {
                found = f(&n.client_events[i].remove(at));
            }
            found.is_some()
        });
        found
    }
}
