//! Three machines in virtual time for bootstrap with DTLS: a `Secured<Client>` taking its
//! credentials from its Security Object, a Bootstrap-Server (plain, or inside `Secured`) and a
//! PSK `Secured<Server>`. Datagrams are routed by address and logged with sender and receiver;
//! loss comes from a seeded generator; the clock jumps to the next delivery or deadline.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use lwm2m_core::object::Object;
use lwm2m_objects::device;
use lwm2m_runtime::bootstrap::{BootstrapServer, Credentials, Provision, ServerAccount};
use lwm2m_runtime::client::{
    BootstrapAccount, Client, ClientConfig, ClientEvent, SecurityObject, ServerObject, security,
    server,
};
use lwm2m_runtime::coap::{Code, Config, Endpoint, Machine, SeededRandom, Timestamp};
use lwm2m_runtime::dtls::{
    DimplBackend, InMemorySecurityStore, PskKey, Secured, SecuredConfig, SecuredEvent,
};
use lwm2m_runtime::security::Identity;
use lwm2m_runtime::server::{RejectReason, Server, ServerConfig, ServerEvent};

#[path = "../in_flight/mod.rs"]
mod in_flight;

use in_flight::{InFlight, advance, drive};

pub(crate) const CLIENT: usize = 0;
pub(crate) const BS: usize = 1;
pub(crate) const SERVER: usize = 2;

/// The key the Bootstrap-Server writes for the LwM2M Server account.
pub(crate) const DM_KEY: [u8; 16] = *b"provisioned-key!";
/// The key of the Bootstrap-Server Account itself.
pub(crate) const BS_KEY: [u8; 16] = *b"bootstrap-key-01";

pub(crate) type C = Secured<Client>;
pub(crate) type S = Secured<Server>;

pub(crate) fn addrs() -> [SocketAddr; 3] {
    [
        "10.0.0.1:40000".parse().unwrap(),
        "10.0.0.3:5784".parse().unwrap(),
        "10.0.0.2:5684".parse().unwrap(),
    ]
}

pub(crate) fn endpoint(seed: u64) -> Endpoint {
    Endpoint::new(Config::default(), SeededRandom::new(seed))
}

/// `dev-1` hosting Device, wrapped so that its credentials come from its Security Object.
pub(crate) fn secured_client(seed: u64, make: impl FnOnce(ClientConfig, Endpoint) -> Client) -> C {
    let mut config = ClientConfig::new("dev-1");
    config.retry_initial = Duration::from_secs(5);
    let mut client = make(config, endpoint(seed ^ 0xc1));
    let mut dev = Object::<device::Instance>::new();
    dev.insert(0, device::Instance::default());
    client.add_object(dev);
    Secured::provisioned_seeded(client, SecuredConfig::default(), seed ^ 0xdc)
}

/// The PSK account the Bootstrap-Server writes: the server at `server`, ssid 101, lt 300 s.
pub(crate) fn psk_account(server: SocketAddr, identity: &str) -> ServerAccount {
    let mut a = ServerAccount::new(format!("coaps://{server}"), 101);
    a.lifetime = Duration::from_secs(300);
    a.credentials = Credentials::Psk {
        identity: identity.as_bytes().to_vec(),
        key: DM_KEY.to_vec(),
    };
    a
}

/// A plain Bootstrap-Server provisioning `dev-1` with `account`.
pub(crate) fn bootstrap_server(seed: u64, account: ServerAccount) -> BootstrapServer {
    let mut bs = BootstrapServer::new(endpoint(seed ^ 0xb5));
    bs.provision("dev-1", Provision::new(account)).unwrap();
    bs
}

/// `dev-1` bootstrapping from the plain (NoSec) Bootstrap-Server at `addrs()[BS]`.
pub(crate) fn plain_bootstrapping_client(seed: u64) -> C {
    let bs = addrs()[BS];
    secured_client(seed, |c, e| {
        Client::bootstrapping(c, e, BootstrapAccount::new(bs))
    })
}

/// `dev-1` configured as a factory would: `objects` (Security and Server), no bootstrap.
pub(crate) fn factory_client(seed: u64, objects: (SecurityObject, ServerObject)) -> C {
    let server = addrs()[SERVER];
    secured_client(seed, |c, e| {
        let mut client = Client::new(c, e, server);
        client.add_object(objects.0);
        client.add_object(objects.1);
        client
    })
}

/// Security instance 0 (for the server at `addrs()[SERVER]`, in `mode`, with these keys) and
/// Server instance 0 (ssid 101, lifetime 300 s, UDP) as a factory writes them.
pub(crate) fn factory_objects(
    mode: security::SecurityMode,
    public_key_or_identity: &[u8],
    server_public_key: Option<&[u8]>,
    secret_key: &[u8],
) -> (SecurityObject, ServerObject) {
    let mut sec = security::Instance::default();
    sec.set_lwm2m_server_uri(format!("coaps://{}", addrs()[SERVER]))
        .unwrap();
    sec.set_security_mode(mode);
    sec.set_public_key_or_identity(public_key_or_identity.to_vec());
    if let Some(key) = server_public_key {
        sec.set_server_public_key(key.to_vec());
    }
    sec.set_secret_key(secret_key.to_vec());
    sec.set_short_server_id(101).unwrap();
    let mut srv = server::Instance::default();
    srv.set_short_server_id(101).unwrap();
    srv.set_lifetime(300);
    srv.set_binding("U".into());
    let (mut secs, mut srvs) = (SecurityObject::new(), ServerObject::new());
    secs.insert(0, sec);
    srvs.insert(0, srv);
    (secs, srvs)
}

/// Our LwM2M Server, before DTLS is added.
pub(crate) fn lwm2m_server(seed: u64) -> Server {
    Server::new(
        ServerConfig::default(),
        endpoint(seed ^ 0x5e),
        SeededRandom::new(seed ^ 0x77),
    )
}

/// A PSK LwM2M Server whose store knows `identity` with [`DM_KEY`], bound to `bound`.
pub(crate) fn dm_server(seed: u64, identity: &str, bound: &str) -> S {
    let store =
        Arc::new(InMemorySecurityStore::new().with_psk(identity, PskKey::new(DM_KEY), bound));
    let backend = DimplBackend::server_seeded(store.clone(), Some(seed ^ 0xd5)).unwrap();
    Secured::server(lwm2m_server(seed), backend, store, SecuredConfig::default())
}

/// `bs` inside a PSK `Secured` whose store binds `identity` ([`BS_KEY`]) to `bound`.
pub(crate) fn secured_bs(
    seed: u64,
    bs: BootstrapServer,
    identity: &str,
    bound: &str,
) -> Secured<BootstrapServer> {
    let store =
        Arc::new(InMemorySecurityStore::new().with_psk(identity, PskKey::new(BS_KEY), bound));
    let backend = DimplBackend::server_seeded(store.clone(), Some(seed ^ 0xb7)).unwrap();
    Secured::server(bs, backend, store, SecuredConfig::default())
}

pub(crate) struct Net<B: Machine> {
    pub(crate) now: Timestamp,
    pub(crate) client: C,
    pub(crate) bs: B,
    pub(crate) server: S,
    pub(crate) addrs: [SocketAddr; 3],
    pub(crate) loss: f64,
    /// Datagrams on their way: (sender, receiver, bytes).
    in_flight: InFlight<(usize, usize, Vec<u8>)>,
    pub(crate) client_events: Vec<SecuredEvent<ClientEvent>>,
    pub(crate) bs_events: Vec<B::Event>,
    pub(crate) server_events: Vec<SecuredEvent<ServerEvent>>,
    /// Every datagram sent: (from, to, bytes), lost or not.
    pub(crate) wire: Vec<(usize, usize, Vec<u8>)>,
}

impl<B: Machine> Net<B> {
    pub(crate) fn new(seed: u64, client: C, bs: B, server: S) -> Self {
        Net {
            now: Timestamp::from_millis(1_000),
            client,
            bs,
            server,
            addrs: addrs(),
            loss: 0.0,
            in_flight: InFlight::new(seed),
            client_events: Vec::new(),
            bs_events: Vec::new(),
            server_events: Vec::new(),
            wire: Vec::new(),
        }
    }

    fn transmit(&mut self, i: usize) -> Option<lwm2m_runtime::coap::Transmit> {
        match i {
            CLIENT => self.client.poll_transmit(),
            BS => self.bs.poll_transmit(),
            _ => self.server.poll_transmit(),
        }
    }

    fn deadline(&self, i: usize) -> Option<Timestamp> {
        match i {
            CLIENT => self.client.poll_timeout(),
            BS => self.bs.poll_timeout(),
            _ => self.server.poll_timeout(),
        }
    }

    fn collect(&mut self) {
        for from in [CLIENT, BS, SERVER] {
            while let Some(t) = self.transmit(from) {
                let to = self
                    .addrs
                    .iter()
                    .position(|a| *a == t.destination)
                    .expect("datagram to a known node");
                self.wire.push((from, to, t.payload.clone()));
                self.in_flight
                    .send(self.now, self.loss, 0.0, 10, 0, (from, to, t.payload));
            }
        }
        self.client_events
            .extend(std::iter::from_fn(|| self.client.poll_event()));
        self.bs_events
            .extend(std::iter::from_fn(|| self.bs.poll_event()));
        self.server_events
            .extend(std::iter::from_fn(|| self.server.poll_event()));
    }

    /// Delivers what is due or jumps to the next deadline; false when nothing happens before
    /// `limit`.
    pub(crate) fn step(&mut self, limit: Timestamp) -> bool {
        self.collect();
        if let Some((from, to, bytes)) = self.in_flight.pop_due(self.now) {
            let (now, src) = (self.now, self.addrs[from]);
            match to {
                CLIENT => self.client.handle_datagram(now, src, &bytes),
                BS => self.bs.handle_datagram(now, src, &bytes),
                _ => self.server.handle_datagram(now, src, &bytes),
            }
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
        let now = self.now;
        if self.deadline(CLIENT).is_some_and(|t| t <= now) {
            self.client.handle_timeout(now);
        }
        if self.deadline(BS).is_some_and(|t| t <= now) {
            self.bs.handle_timeout(now);
        }
        if self.deadline(SERVER).is_some_and(|t| t <= now) {
            self.server.handle_timeout(now);
        }
        self.collect();
        true
    }

    /// Steps until `done` (true) or `limit_ms` of virtual time pass (false).
    pub(crate) fn drive(&mut self, limit_ms: u64, mut done: impl FnMut(&Self) -> bool) -> bool {
        let limit = self.now + Duration::from_millis(limit_ms);
        drive(self, limit, Self::step, |n| done(n))
    }

    pub(crate) fn start(&mut self) {
        let now = self.now;
        self.client.inner_mut().start(now).unwrap();
    }

    /// The identity the server authenticated the client with.
    pub(crate) fn client_identity(&self) -> Option<&Identity> {
        let client = self.addrs[CLIENT];
        self.server
            .inner()
            .peer_identity(client)
            .map(|a| &a.identity)
    }

    pub(crate) fn registered(&self) -> bool {
        self.client_events
            .iter()
            .any(|e| matches!(e, SecuredEvent::Inner(ClientEvent::Registered { .. })))
    }

    /// The datagrams sent from `from` to `to`.
    pub(crate) fn between(&self, from: usize, to: usize) -> impl Iterator<Item = &[u8]> {
        self.wire
            .iter()
            .filter(move |(f, t, _)| *f == from && *t == to)
            .map(|(_, _, d)| d.as_slice())
    }
}

impl<B: Machine> Net<B> {
    /// With a fifth of the datagrams lost, the client still registers within an hour (`seed`
    /// names the run in failures).
    pub(crate) fn assert_registers_despite_loss(&mut self, seed: u64) {
        self.loss = 0.2;
        self.start();
        assert!(
            self.drive(60 * 60_000, Self::registered),
            "seed {seed}: {:?} / {:?}",
            self.client_events,
            self.client.stats()
        );
    }

    /// The server refuses the registration of `dev-1` with 4.03 because its credentials are
    /// bound to endpoint `bound`.
    pub(crate) fn assert_registration_forbidden(&mut self, bound: &str) {
        self.start();
        let refused = |n: &Self| {
            n.client_events.iter().any(|e| {
                matches!(
                    e,
                    SecuredEvent::Inner(ClientEvent::RegistrationFailed {
                        code: Some(Code::FORBIDDEN),
                        ..
                    })
                )
            })
        };
        assert!(self.drive(60_000, refused), "{:?}", self.client_events);
        assert!(!self.registered());
        assert!(self.server_events.iter().any(|e| matches!(e,
            SecuredEvent::Inner(ServerEvent::Rejected {
                endpoint,
                reason: RejectReason::EndpointMismatch { bound: b, .. },
                ..
            }) if endpoint == "dev-1" && b == bound)));
    }
}

/// A CoAP message (version 1) rather than a DTLS record (content types 20 to 25).
pub(crate) fn is_coap(datagram: &[u8]) -> bool {
    datagram.first().is_some_and(|b| b >> 6 == 1)
}
