//! LwM2M fixtures over `Secured`: a PSK server knowing `dev-1`, clients, and the steps most
//! DTLS tests share.

use std::net::SocketAddr;
use std::sync::Arc;

use lwm2m_core::object::Object;
use lwm2m_core::{Node, Path, Value};
use lwm2m_objects::device;
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::dtls::{
    DimplBackend, InMemorySecurityStore, PskKey, Secured, SecuredConfig, SecuredEvent,
};
use lwm2m_runtime::server::{Reply, Server, ServerConfig, ServerEvent};

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

pub(crate) fn server(seed: u64, store: Arc<InMemorySecurityStore>, config: SecuredConfig) -> S {
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(seed ^ 0x5e)),
        SeededRandom::new(seed ^ 0x77),
    );
    server.add_objects(&[&device::META]);
    let backend = DimplBackend::server_seeded(store.clone(), Some(seed ^ 0xd5)).unwrap();
    Secured::server(server, backend, store, config)
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
    let backend =
        DimplBackend::client_seeded(identity.as_bytes().to_vec(), key(hex), Some(seed ^ 0xdc))
            .unwrap();
    Secured::client(client, backend, config)
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
