//! Bootstrap over real loopback UDP through the tokio driver: a client bootstraps from our
//! Bootstrap-Server, registers with our LwM2M Server, and that server reads the Server Object
//! the Bootstrap-Server wrote. Proves the drivers; the virtual-time tests prove the protocol.
#![cfg(feature = "tokio")]

mod udp_nodes;

use std::time::Duration;

use lwm2m_core::{Node, Path, Resource, ResourceValue, Value};
use lwm2m_objects::lwm2m_server;
use lwm2m_runtime::bootstrap::ServerAccount;
use lwm2m_runtime::client::{BootstrapAccount, Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::lwm2m::driver::spawn;
use lwm2m_runtime::server::{Reply, ServerEvent};
use tokio::net::UdpSocket;
use udp_nodes::{LoopbackBootstrap, loopback_server, until};

#[tokio::test]
async fn bootstrap_then_register_over_loopback() {
    let (server_socket, server_addr, server) = loopback_server(&[&lwm2m_server::v1_1::META]).await;
    let (server, mut server_events, _s) = spawn(server_socket, server);

    let mut account = ServerAccount::new(format!("coap://{server_addr}"), 42);
    account.lifetime = Duration::from_secs(120);
    let mut bs = LoopbackBootstrap::start("udp-bs", account).await;

    let client = Client::bootstrapping(
        ClientConfig::new("udp-bs"),
        Endpoint::new(Config::default(), SeededRandom::new(4)),
        BootstrapAccount::new(bs.addr),
    );
    let client_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (client, mut client_events, _c) = spawn(client_socket, client);
    client.call(|c, now| c.start(now)).await.unwrap().unwrap();

    assert_eq!(bs.finished().await, "udp-bs");
    let bootstrapped = until(&mut client_events, |e| match e {
        ClientEvent::Bootstrapped { server, .. } => Some(server),
        _ => None,
    })
    .await;
    assert_eq!(bootstrapped, Some(server_addr));
    let registered = until(&mut server_events, |e| match e {
        ServerEvent::Registered { endpoint, .. } => Some(endpoint),
        _ => None,
    })
    .await;
    assert_eq!(registered, "udp-bs");
    let reg = server
        .call(|s, _| s.registration("udp-bs"))
        .await
        .flatten()
        .unwrap();
    assert_eq!(reg.lifetime, 120);

    let op = server
        .call(|s, now| s.read(now, "udp-bs", Path::instance(1, 0)))
        .await
        .unwrap()
        .unwrap();
    let content = until(&mut server_events, |e| match e {
        ServerEvent::Response { op: o, result, .. } if o == op => Some(result),
        _ => None,
    })
    .await
    .unwrap();
    let Reply::Content(c) = content else {
        panic!("{content:?}")
    };
    let Node::Instance(resources) = c.node else {
        panic!("{:?}", c.node)
    };
    assert!(resources.contains(&Resource {
        id: 0,
        value: ResourceValue::Single(Value::Integer(42)),
    }));
}
