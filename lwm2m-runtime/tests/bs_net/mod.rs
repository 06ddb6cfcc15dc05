//! Three machines in virtual time: an LwM2M client, our Bootstrap-Server and our LwM2M Server,
//! datagrams routed by address. The clock jumps to the next delivery or deadline; loss comes
//! from a seeded generator. A node that is `down` loses everything sent to it and runs no timers.

#![allow(dead_code)]

use std::net::SocketAddr;

use lwm2m_core::object::Object;
use lwm2m_objects::device;
use lwm2m_runtime::bootstrap::{BootstrapEvent, BootstrapServer, Provision, ServerAccount};
use lwm2m_runtime::client::{BootstrapAccount, Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::tokio::Machine;
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};

#[path = "../in_flight/mod.rs"]
mod in_flight;

use in_flight::{InFlight, advance, drive};

pub(crate) const CLIENT: usize = 0;
pub(crate) const BS: usize = 1;
pub(crate) const SERVER: usize = 2;

pub(crate) struct Net {
    pub(crate) now: Timestamp,
    pub(crate) client: Client,
    pub(crate) bs: BootstrapServer,
    pub(crate) server: Server,
    pub(crate) addrs: [SocketAddr; 3],
    pub(crate) down: [bool; 3],
    /// Probability that a datagram is lost.
    pub(crate) loss: f64,
    pub(crate) latency_ms: u64,
    /// Datagrams on their way: (receiver, sender's address, bytes).
    in_flight: InFlight<(usize, SocketAddr, Vec<u8>)>,
    pub(crate) client_events: Vec<ClientEvent>,
    pub(crate) bs_events: Vec<BootstrapEvent>,
    pub(crate) server_events: Vec<ServerEvent>,
    /// Datagrams sent to each node.
    pub(crate) sent_to: [u64; 3],
}

pub(crate) fn endpoint(seed: u64) -> Endpoint {
    Endpoint::new(Config::default(), SeededRandom::new(seed))
}

/// A client named `dev-1` hosting Device, bootstrapping from `bs`.
pub(crate) fn bootstrapping_client(seed: u64, bs: SocketAddr) -> Client {
    let mut config = ClientConfig::new("dev-1");
    config.retry_initial = std::time::Duration::from_secs(5);
    let mut client =
        Client::bootstrapping(config, endpoint(seed ^ 0xc1), BootstrapAccount::new(bs));
    let mut dev = Object::<device::Instance>::new();
    dev.insert(0, device::Instance::default());
    client.add_object(dev);
    client
}

/// The account our bootstrap server writes: the LwM2M Server at `server`, ssid 101, lt 300 s.
pub(crate) fn account(server: SocketAddr) -> ServerAccount {
    let mut a = ServerAccount::new(format!("coap://{server}"), 101);
    a.lifetime = std::time::Duration::from_secs(300);
    a
}

impl Net {
    pub(crate) fn new(seed: u64) -> Self {
        let addrs: [SocketAddr; 3] = [
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.3:5783".parse().unwrap(),
            "10.0.0.2:5683".parse().unwrap(),
        ];
        let mut bs = BootstrapServer::new(endpoint(seed ^ 0xb5));
        bs.provision("dev-1", Provision::new(account(addrs[SERVER])))
            .unwrap();
        let server = Server::new(
            ServerConfig::default(),
            endpoint(seed ^ 0x5e),
            SeededRandom::new(seed ^ 0x77),
        );
        Net {
            now: Timestamp::from_millis(1_000),
            client: bootstrapping_client(seed, addrs[BS]),
            bs,
            server,
            addrs,
            down: [false; 3],
            loss: 0.0,
            latency_ms: 10,
            in_flight: InFlight::new(seed),
            client_events: Vec::new(),
            bs_events: Vec::new(),
            server_events: Vec::new(),
            sent_to: [0; 3],
        }
    }

    fn machine(&mut self, i: usize) -> &mut dyn Transmits {
        match i {
            CLIENT => &mut self.client,
            BS => &mut self.bs,
            _ => &mut self.server,
        }
    }

    fn collect(&mut self) {
        for from in [CLIENT, BS, SERVER] {
            while let Some(t) = self.machine(from).transmit() {
                let Some(to) = self.addrs.iter().position(|a| *a == t.destination) else {
                    continue;
                };
                self.sent_to[to] += 1;
                let lost = self.in_flight.chance(self.loss);
                if lost || self.down[to] {
                    continue;
                }
                let at = self.now + std::time::Duration::from_millis(self.latency_ms);
                self.in_flight.push(at, (to, self.addrs[from], t.payload));
            }
        }
        self.client_events
            .extend(std::iter::from_fn(|| self.client.poll_event()));
        self.bs_events
            .extend(std::iter::from_fn(|| self.bs.poll_event()));
        self.server_events
            .extend(std::iter::from_fn(|| self.server.poll_event()));
    }

    fn deadline(&self, i: usize) -> Option<Timestamp> {
        if self.down[i] {
            return None;
        }
        match i {
            CLIENT => self.client.poll_timeout(),
            BS => self.bs.poll_timeout(),
            _ => self.server.poll_timeout(),
        }
    }

    /// Delivers what is due or jumps to the next event; false when nothing happens before `limit`.
    pub(crate) fn step(&mut self, limit: Timestamp) -> bool {
        self.collect();
        if let Some((to, from, bytes)) = self.in_flight.pop_due(self.now) {
            let now = self.now;
            self.machine(to).datagram(now, from, &bytes);
            self.collect();
            return true;
        }
        let times = [
            self.in_flight.next_arrival(),
            self.deadline(CLIENT),
            self.deadline(BS),
            self.deadline(SERVER),
        ];
        if !advance(&mut self.now, times, limit) {
            return false;
        }
        for i in [CLIENT, BS, SERVER] {
            if self.deadline(i).is_some_and(|t| t <= self.now) {
                let now = self.now;
                self.machine(i).timeout(now);
            }
        }
        self.collect();
        true
    }

    /// Steps until `done` (true) or `limit_ms` of virtual time pass (false).
    pub(crate) fn drive(&mut self, limit_ms: u64, mut done: impl FnMut(&Net) -> bool) -> bool {
        let limit = self.now + std::time::Duration::from_millis(limit_ms);
        drive(self, limit, Net::step, |n| done(n))
    }

    pub(crate) fn registered(&self) -> bool {
        self.client_events
            .iter()
            .any(|e| matches!(e, ClientEvent::Registered { .. }))
    }
}

/// The machine methods the net needs, over the driver's [`Machine`] trait.
trait Transmits {
    fn transmit(&mut self) -> Option<lwm2m_runtime::coap::Transmit>;
    fn datagram(&mut self, now: Timestamp, from: SocketAddr, bytes: &[u8]);
    fn timeout(&mut self, now: Timestamp);
}

impl<M: Machine> Transmits for M {
    fn transmit(&mut self) -> Option<lwm2m_runtime::coap::Transmit> {
        self.poll_transmit()
    }
    fn datagram(&mut self, now: Timestamp, from: SocketAddr, bytes: &[u8]) {
        self.handle_datagram(now, from, bytes)
    }
    fn timeout(&mut self, now: Timestamp) {
        self.handle_timeout(now)
    }
}
