//! A `Secured` CoAP client and server in memory, for the DTLS benches: one GET and its answer,
//! datagrams moved both ways with no loss and no time passing.

use std::net::SocketAddr;

use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Event, Machine, Message, SeededRandom, Timestamp,
};
use lwm2m_runtime::dtls::{Secured, SecuredEvent};

pub(crate) const CLIENT: SocketAddr = SocketAddr::new(
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)),
    4000,
);
pub(crate) const SERVER: SocketAddr = SocketAddr::new(
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)),
    5684,
);

/// A CoAP endpoint with a fixed seed.
pub(crate) fn endpoint(seed: u64) -> Endpoint {
    Endpoint::new(Config::default(), SeededRandom::new(seed))
}

pub(crate) struct Pair {
    pub(crate) client: Secured<Endpoint>,
    pub(crate) server: Secured<Endpoint>,
    pub(crate) now: Timestamp,
}

impl Pair {
    pub(crate) fn new(client: Secured<Endpoint>, server: Secured<Endpoint>) -> Self {
        Pair {
            client,
            server,
            now: Timestamp::from_millis(1),
        }
    }

    /// Sends one GET, moves datagrams both ways until both sides are quiet, answering
    /// requests; the number of responses the client saw.
    pub(crate) fn round_trip(&mut self) -> usize {
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
