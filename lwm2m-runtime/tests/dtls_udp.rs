//! Our LwM2M client and server over DTLS 1.2 PSK on real loopback sockets through the tokio
//! driver: proves `Secured` under the driver (the virtual-time tests prove the protocol).
#![cfg(all(feature = "tokio", feature = "dtls"))]

mod udp_nodes;

use std::sync::Arc;

use lwm2m_core::object::Object;
use lwm2m_core::{Node, Path, Value};
use lwm2m_objects::device;
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured, SecuredEvent};
use lwm2m_runtime::lwm2m::driver::spawn;
use lwm2m_runtime::server::{Reply, ServerEvent};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;
use udp_nodes::{WAIT, loopback_server};

/// The next wrapped event `f` accepts, skipping the others.
async fn next<E: std::fmt::Debug, T>(
    rx: &mut UnboundedReceiver<SecuredEvent<E>>,
    f: impl Fn(&E) -> Option<T>,
) -> T {
    let wait = async {
        loop {
            match rx.recv().await.expect("driver running") {
                SecuredEvent::Inner(e) => {
                    if let Some(t) = f(&e) {
                        return t;
                    }
                }
                SecuredEvent::Failed { error, .. } => panic!("DTLS failed: {error}"),
                _ => {}
            }
        }
    };
    tokio::time::timeout(WAIT, wait)
        .await
        .expect("event in time")
}

#[tokio::test]
async fn register_read_deregister_over_dtls_psk() {
    let key = PskKey::from_hex("a1b2c3d4e5f60718293a4b5c6d7e8f90").unwrap();
    let store = InMemorySecurityStore::new().with_psk("psk-dev", key.clone(), "dtls-1");
    let (server_socket, server_addr, server) = loopback_server(&[&device::META]).await;
    let server = Secured::psk_server(server, Arc::new(store)).unwrap();
    let (server, mut server_events, _s) = spawn(server_socket, server);

    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, dev);
    let mut client = Client::new(
        ClientConfig::new("dtls-1"),
        Endpoint::new(Config::default(), SeededRandom::new(3)),
        server_addr,
    );
    client.add_object(devices);
    let client = Secured::psk_client(client, "psk-dev", key).unwrap();
    let client_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (client, mut client_events, _c) = spawn(client_socket, client);
    client
        .call(|c, now| c.inner_mut().start(now))
        .await
        .unwrap()
        .unwrap();

    let endpoint = next(&mut server_events, |e| match e {
        ServerEvent::Registered { endpoint, .. } => Some(endpoint.clone()),
        _ => None,
    })
    .await;
    assert_eq!(endpoint, "dtls-1");
    let op = server
        .call(|s, now| s.inner_mut().read(now, "dtls-1", Path::resource(3, 0, 0)))
        .await
        .unwrap()
        .unwrap();
    let value = next(&mut server_events, |e| match e {
        ServerEvent::Response {
            op: o,
            result: Ok(Reply::Content(c)),
            ..
        } if *o == op => Some(c.node.clone()),
        _ => None,
    })
    .await;
    assert_eq!(value, Node::Single(Value::String("ACME".into())));

    client
        .call(|c, now| c.inner_mut().deregister(now))
        .await
        .unwrap()
        .unwrap();
    next(&mut server_events, |e| {
        matches!(e, ServerEvent::Deregistered { .. }).then_some(())
    })
    .await;
    next(&mut client_events, |e| {
        (*e == ClientEvent::Deregistered).then_some(())
    })
    .await;
    let stats = server.call(|s, _| s.stats().clone()).await.unwrap();
    assert_eq!(stats.handshakes_completed, 1, "{stats:?}");
    assert_eq!(
        stats.malformed + stats.rejected + stats.replayed,
        0,
        "{stats:?}"
    );
}
