//! The LwM2M client and server over real loopback UDP sockets through the tokio driver: proves
//! the driver, not the protocol (the virtual-time tests do that).
#![cfg(feature = "tokio")]

use std::time::Duration;

use lwm2m_core::object::Object;
use lwm2m_core::{Node, Path, Value};
use lwm2m_objects::device;
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::lwm2m::driver::spawn;
use lwm2m_runtime::server::{Reply, Server, ServerConfig, ServerEvent};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;

#[tokio::test]
async fn register_read_deregister_over_loopback() {
    let server_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server_addr = server_socket.local_addr().unwrap();
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(1)),
        SeededRandom::new(2),
    );
    server.add_objects(&[&device::META]);
    let (server, mut server_events, _s) = spawn(server_socket, server);

    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, dev);
    let mut client = Client::new(
        ClientConfig::new("udp-1"),
        Endpoint::new(Config::default(), SeededRandom::new(3)),
        server_addr,
    );
    client.add_object(devices);
    let client_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (client, mut client_events, _c) = spawn(client_socket, client);
    client.call(|c, now| c.start(now)).await.unwrap().unwrap();

    let timeout = Duration::from_secs(10);
    assert!(
        matches!(next(&mut server_events, timeout).await, ServerEvent::Registered { endpoint, .. } if endpoint == "udp-1")
    );
    let op = server
        .call(|s, now| s.read(now, "udp-1", Path::resource(3, 0, 0)))
        .await
        .unwrap()
        .unwrap();
    match next(&mut server_events, timeout).await {
        ServerEvent::Response {
            op: o,
            result: Ok(Reply::Content(c)),
            ..
        } => {
            assert_eq!(o, op);
            assert_eq!(c.node, Node::Single(Value::String("ACME".into())));
        }
        other => panic!("{other:?}"),
    }
    client
        .call(|c, now| c.deregister(now))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        next(&mut server_events, timeout).await,
        ServerEvent::Deregistered { .. }
    ));
    loop {
        let e = tokio::time::timeout(timeout, client_events.recv())
            .await
            .unwrap()
            .unwrap();
        if e == ClientEvent::Deregistered {
            break;
        }
    }
}

async fn next(rx: &mut UnboundedReceiver<ServerEvent>, timeout: Duration) -> ServerEvent {
    tokio::time::timeout(timeout, rx.recv())
        .await
        .expect("server event in time")
        .expect("driver running")
}
