//! LwM2M fixtures over `Secured`: a PSK server knowing `dev-1`, clients, and the steps most
//! DTLS tests share.

use std::net::SocketAddr;
use std::sync::Arc;

use lwm2m_core::object::Object;
use lwm2m_core::{Node, Path, Value};
use lwm2m_objects::device;
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Code, Config, Endpoint, SeededRandom};
use lwm2m_runtime::dtls::{
    DimplBackend, InMemorySecurityStore, PskKey, Secured, SecuredConfig, SecuredEvent, SessionError,
};
use lwm2m_runtime::server::{RejectReason, Reply, Server, ServerConfig, ServerEvent};

use super::Net;

pub(crate) type C = Secured<Client>;
pub(crate) type S = Secured<Server>;
pub(crate) type Ev<E> = SecuredEvent<E>;

pub(crate) const KEY: &str = "000102030405060708090a0b0c0d0e0f";

pub(crate) fn key(hex: &str) -> PskKey {
    PskKey::from_hex(hex).unwrap()
}

pub(crate) fn server_addr() -> SocketAddr {
    "10.0.0.2:5684".parse().unwrap()
}

/// A store knowing `dev-1` (bound to endpoint `bound`).
pub(crate) fn store(bound: &str) -> Arc<InMemorySecurityStore> {
    Arc::new(InMemorySecurityStore::new().with_psk("dev-1", key(KEY), bound))
}

/// Our LwM2M server knowing the Device Object, before DTLS is added.
pub(crate) fn lwm2m_server(seed: u64) -> Server {
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(seed ^ 0x5e)),
        SeededRandom::new(seed ^ 0x77),
    );
    server.add_objects(&[&device::META]);
    server
}

pub(crate) fn server(seed: u64, store: Arc<InMemorySecurityStore>, config: SecuredConfig) -> S {
    let backend = DimplBackend::server_seeded(store.clone(), Some(seed ^ 0xd5)).unwrap();
    Secured::server(lwm2m_server(seed), backend, store, config)
}

/// Our LwM2M client named `endpoint`, hosting a Device whose manufacturer is `ACME`, before DTLS
/// is added.
pub(crate) fn lwm2m_client(seed: u64, endpoint: &str) -> Client {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, dev);
    let mut client = Client::new(
        ClientConfig::new(endpoint),
        Endpoint::new(Config::default(), SeededRandom::new(seed ^ 0xc1)),
        server_addr(),
    );
    client.add_object(devices);
    client
}

pub(crate) fn client(seed: u64, endpoint: &str, identity: &str, hex: &str) -> C {
    client_with(seed, endpoint, identity, hex, SecuredConfig::default())
}

pub(crate) fn client_with(
    seed: u64,
    endpoint: &str,
    identity: &str,
    hex: &str,
    config: SecuredConfig,
) -> C {
    let backend =
        DimplBackend::client_seeded(identity.as_bytes().to_vec(), key(hex), Some(seed ^ 0xdc))
            .unwrap();
    Secured::client(lwm2m_client(seed, endpoint), backend, config)
}

pub(crate) fn net(seed: u64, client: C) -> Net<C, S> {
    let mut n = Net::new(
        seed,
        server(seed, store("dev-1"), SecuredConfig::default()),
        server_addr(),
    );
    n.add_client("10.0.0.1:40000".parse().unwrap(), client);
    n
}

pub(crate) fn start(n: &mut Net<C, S>, i: usize) {
    let now = n.now;
    n.clients[i].inner_mut().start(now).unwrap();
}

pub(crate) fn registered(n: &mut Net<C, S>, limit_ms: u64) -> Option<String> {
    n.wait_server(limit_ms, |e| match e {
        Ev::Inner(ServerEvent::Registered { endpoint, .. }) => Some(endpoint.clone()),
        _ => None,
    })
}

/// Reads /3/0/0 from `endpoint` through the server and returns the value.
pub(crate) fn read_manufacturer(n: &mut Net<C, S>, endpoint: &str) -> Option<Value> {
    let now = n.now;
    let op = n
        .server
        .inner_mut()
        .read(now, endpoint, Path::resource(3, 0, 0))
        .unwrap();
    n.wait_server(120_000, |e| match e {
        Ev::Inner(ServerEvent::Response {
            op: o,
            result: Ok(Reply::Content(c)),
            ..
        }) if *o == op => match &c.node {
            Node::Single(v) => Some(v.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// Registers client 0 and returns the index in `to_server` after which later datagrams start.
pub(crate) fn register_then_mark(n: &mut Net<C, S>) -> usize {
    start(n, 0);
    assert_eq!(registered(n, 10_000).as_deref(), Some("dev-1"));
    n.run_for(1_000);
    n.to_server.len()
}

/// With a quarter of the datagrams lost and up to 80 ms of jitter, client 0 still registers as
/// `endpoint` and its manufacturer can be read (`seed` names the run in failures).
pub(crate) fn assert_registers_despite_loss(n: &mut Net<C, S>, seed: u64, endpoint: &str) {
    n.loss = 0.25;
    n.jitter_ms = 80;
    start(n, 0);
    assert_eq!(
        registered(n, 600_000).as_deref(),
        Some(endpoint),
        "seed {seed}: stats {:?} / {:?}",
        n.server.stats(),
        n.clients[0].stats()
    );
    assert_eq!(
        read_manufacturer(n, endpoint),
        Some(Value::String("ACME".into())),
        "seed {seed}"
    );
}

/// The handshake failure the server reports within 60 s.
pub(crate) fn server_failure(n: &mut Net<C, S>) -> Option<SessionError> {
    n.wait_server(60_000, |e| match e {
        Ev::Failed { error, .. } => Some(error.clone()),
        _ => None,
    })
}

/// The handshake failure client 0 reports within 60 s.
pub(crate) fn client_failure(n: &mut Net<C, S>) -> Option<SessionError> {
    n.wait_client(0, 60_000, |e| match e {
        Ev::Failed { error, .. } => Some(error.clone()),
        _ => None,
    })
}

/// The registration the server rejects within 10 s: the endpoint name and why.
pub(crate) fn rejected(n: &mut Net<C, S>) -> Option<(String, RejectReason)> {
    n.wait_server(10_000, |e| match e {
        Ev::Inner(ServerEvent::Rejected {
            endpoint, reason, ..
        }) => Some((endpoint.clone(), reason.clone())),
        _ => None,
    })
}

/// The code of the registration failure client 0 reports within 10 s.
pub(crate) fn registration_failure(n: &mut Net<C, S>) -> Option<Option<Code>> {
    n.wait_client(0, 10_000, |e| match e {
        Ev::Inner(ClientEvent::RegistrationFailed { code, .. }) => Some(*code),
        _ => None,
    })
}

/// No datagram to the server carries `query` (the start of the Register query) in clear, and
/// the server completed exactly one handshake and failed none.
pub(crate) fn assert_sealed_single_handshake(n: &Net<C, S>, query: &[u8]) {
    assert!(
        n.to_server
            .iter()
            .all(|(_, d)| !d.windows(query.len()).any(|w| w == query)),
        "a datagram carried the Register query in clear"
    );
    let stats = n.server.stats();
    assert_eq!(
        (stats.handshakes_completed, stats.handshakes_failed),
        (1, 0)
    );
}
