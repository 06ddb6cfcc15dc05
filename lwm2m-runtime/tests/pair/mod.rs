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

#[path = "../in_flight/mod.rs"]
mod in_flight;

use in_flight::{InFlight, drive};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Client,
    Server,
}

/// A datagram on its way.
#[derive(Debug, Clone)]
struct Datagram {
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
    in_flight: InFlight<Datagram>,
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
            in_flight: InFlight::new(seed),
            client_events: Vec::new(),
            server_events: Vec::new(),
            log: Vec::new(),
        }
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
                let datagram = Datagram {
                    to,
                    bytes: t.payload,
                };
                let (loss, duplicate) = (self.loss, self.duplicate);
                let (latency, jitter) = (self.latency_ms, self.jitter_ms);
                self.in_flight
                    .send(self.now, loss, duplicate, latency, jitter, datagram);
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
        if let Some(d) = self.in_flight.pop_due(self.now) {
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
            self.in_flight.next_arrival(),
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
    pub(crate) fn drive(&mut self, limit_ms: u64, done: impl FnMut(&mut Pair) -> bool) -> bool {
        let limit = Timestamp::from_millis(self.now.as_millis() + limit_ms);
        drive(self, limit, Pair::step, done)
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
