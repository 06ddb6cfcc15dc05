//! A deterministic two-endpoint network in virtual time (quinn's `Pair`): no sockets, no sleeps.
//! The clock jumps to the next delivery or deadline; loss, duplication and reordering come from a
//! seeded generator.
// Each test binary uses a different subset of the helpers.
#![allow(dead_code)]

use std::net::SocketAddr;

use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Event, FailReason, Message, MessageRef, ObservationId, RequestId,
    SeededRandom, Timestamp,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Client,
    Server,
}

#[derive(Debug)]
struct InFlight {
    at: Timestamp,
    seq: u64,
    to: Side,
    bytes: Vec<u8>,
}

pub(crate) struct Pair {
    pub(crate) now: Timestamp,
    pub(crate) client: Endpoint,
    pub(crate) server: Endpoint,
    pub(crate) client_addr: SocketAddr,
    pub(crate) server_addr: SocketAddr,
    /// Probability that a datagram is lost.
    pub(crate) loss: f64,
    /// Probability that a datagram is delivered twice.
    pub(crate) duplicate: f64,
    /// Base one-way latency in ms.
    pub(crate) latency_ms: u64,
    /// Extra random delay in ms; anything above 0 reorders datagrams.
    pub(crate) jitter_ms: u64,
    rng: SeededRandom,
    seq: u64,
    in_flight: Vec<InFlight>,
    pub(crate) client_events: Vec<Event>,
    pub(crate) server_events: Vec<Event>,
    /// Every datagram sent, with its sender.
    pub(crate) log: Vec<(Side, Vec<u8>)>,
}

impl Pair {
    pub(crate) fn new(seed: u64) -> Self {
        Self::with_configs(seed, Config::default(), Config::default())
    }

    pub(crate) fn with_configs(seed: u64, client: Config, server: Config) -> Self {
        Self {
            now: Timestamp::from_millis(1_000),
            client: Endpoint::new(client, SeededRandom::new(seed ^ 0xc1)),
            server: Endpoint::new(server, SeededRandom::new(seed ^ 0x5e)),
            client_addr: "10.0.0.1:40000".parse().unwrap(),
            server_addr: "10.0.0.2:5683".parse().unwrap(),
            loss: 0.0,
            duplicate: 0.0,
            latency_ms: 10,
            jitter_ms: 0,
            rng: SeededRandom::new(seed),
            seq: 0,
            in_flight: Vec::new(),
            client_events: Vec::new(),
            server_events: Vec::new(),
            log: Vec::new(),
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.rng.next_u64() as f64 / u64::MAX as f64) < p
    }

    fn collect(&mut self) {
        for side in [Side::Client, Side::Server] {
            loop {
                let t = match side {
                    Side::Client => self.client.poll_transmit(),
                    Side::Server => self.server.poll_transmit(),
                };
                let Some(t) = t else { break };
                let to = if side == Side::Client {
                    Side::Server
                } else {
                    Side::Client
                };
                self.log.push((side, t.payload.clone()));
                if self.chance(self.loss) {
                    continue;
                }
                let copies = if self.chance(self.duplicate) { 2 } else { 1 };
                for _ in 0..copies {
                    let jitter = if self.jitter_ms > 0 {
                        self.rng.next_u64() % self.jitter_ms
                    } else {
                        0
                    };
                    let at =
                        Timestamp::from_millis(self.now.as_millis() + self.latency_ms + jitter);
                    self.seq += 1;
                    self.in_flight.push(InFlight {
                        at,
                        seq: self.seq,
                        to,
                        bytes: t.payload.clone(),
                    });
                }
            }
        }
        while let Some(e) = self.client.poll_event() {
            self.client_events.push(e);
        }
        while let Some(e) = self.server.poll_event() {
            self.server_events.push(e);
        }
    }

    /// Delivers what is due, else jumps the clock to the next delivery or deadline. Returns
    /// false when nothing is left to happen before `limit` (the clock then stands at `limit`).
    pub(crate) fn step(&mut self, limit: Timestamp) -> bool {
        self.collect();
        self.in_flight.sort_by_key(|d| (d.at, d.seq));
        if self.in_flight.first().is_some_and(|d| d.at <= self.now) {
            let d = self.in_flight.remove(0);
            match d.to {
                Side::Server => self
                    .server
                    .handle_datagram(self.now, self.client_addr, &d.bytes),
                Side::Client => self
                    .client
                    .handle_datagram(self.now, self.server_addr, &d.bytes),
            }
            self.collect();
            return true;
        }
        let next = [
            self.in_flight.first().map(|d| d.at),
            self.client.poll_timeout(),
            self.server.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else { return false };
        if next > limit {
            self.now = self.now.max(limit);
            return false;
        }
        self.now = self.now.max(next);
        if self.client.poll_timeout().is_some_and(|t| t <= self.now) {
            self.client.handle_timeout(self.now);
        }
        if self.server.poll_timeout().is_some_and(|t| t <= self.now) {
            self.server.handle_timeout(self.now);
        }
        self.collect();
        true
    }

    /// Steps until `done` returns true (true) or virtual time passes `limit_ms` from now (false).
    /// `done` may act on the endpoints, e.g. answer requests from `server_events`.
    pub(crate) fn drive(&mut self, limit_ms: u64, mut done: impl FnMut(&mut Pair) -> bool) -> bool {
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

    /// Datagrams in the log that decode, with their sender.
    pub(crate) fn decoded_log(&self) -> impl Iterator<Item = (Side, MessageRef<'_>)> {
        self.log
            .iter()
            .filter_map(|(s, b)| MessageRef::decode(b).ok().map(|m| (*s, m)))
    }
}

/// Answers every pending request on the server with `reply(request)`; returns observations started.
pub(crate) fn serve(p: &mut Pair, reply: impl Fn(&Message) -> Message) -> Vec<ObservationId> {
    let mut started = Vec::new();
    for ev in std::mem::take(&mut p.server_events) {
        match ev {
            Event::Request { id, message, .. } => {
                if let Some(obs) = p.server.respond(p.now, id, reply(&message)).unwrap() {
                    started.push(obs);
                }
            }
            other => p.server_events.push(other),
        }
    }
    started
}

pub(crate) fn responses(p: &Pair, id: RequestId) -> Vec<&Message> {
    p.client_events
        .iter()
        .filter_map(|e| match e {
            Event::Response { id: i, message } if *i == id => Some(message),
            _ => None,
        })
        .collect()
}

pub(crate) fn failure(p: &Pair, id: RequestId) -> Option<FailReason> {
    p.client_events.iter().find_map(|e| match e {
        Event::RequestFailed { id: i, reason } if *i == id => Some(*reason),
        _ => None,
    })
}

pub(crate) fn content(body: &[u8]) -> Message {
    Message::response(Code::CONTENT).with_payload(body.to_vec())
}
