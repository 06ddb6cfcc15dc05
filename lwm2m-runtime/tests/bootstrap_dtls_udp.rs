//! The factory flow over real loopback UDP through the tokio driver: a plain Bootstrap-Server
//! writes a `coaps://` PSK account, and the client (a `Secured` that takes its credentials from
//! its Security Object) registers over DTLS with the identity and key it was given, then is read.
//! Proves the drivers; `bootstrap_dtls.rs` proves the protocol in virtual time.
#![cfg(all(feature = "tokio", feature = "dtls"))]

mod udp_nodes;

use std::sync::Arc;

use lwm2m_core::{Node, Path, Value};
use lwm2m_objects::lwm2m_server;
use lwm2m_runtime::bootstrap::{Credentials, ServerAccount};
use lwm2m_runtime::client::{BootstrapAccount, Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured, SecuredConfig, SecuredEvent};
use lwm2m_runtime::lwm2m::driver::spawn;
use lwm2m_runtime::security::Identity;
use lwm2m_runtime::server::{Reply, ServerEvent};
use tokio::net::UdpSocket;
use udp_nodes::{LoopbackBootstrap, loopback_server, until};

#[tokio::test]
async fn plain_bootstrap_then_dtls_psk_registration_over_loopback() {
    let key = *b"loopback-psk-key";
    let store = InMemorySecurityStore::new().with_psk("udp-id", PskKey::new(key), "udp-dtls");
    let (server_socket, server_addr, server) = loopback_server(&[&lwm2m_server::v1_1::META]).await;
    let server = Secured::psk_server(server, Arc::new(store)).unwrap();
    let (server, mut server_events, _s) = spawn(server_socket, server);

    let mut account = ServerAccount::new(format!("coaps://{server_addr}"), 7);
    account.credentials = Credentials::Psk {
        identity: b"udp-id".to_vec(),
        key: key.to_vec(),
    };
    let mut bs = LoopbackBootstrap::start("udp-dtls", account).await;

    let client = Client::bootstrapping(
        ClientConfig::new("udp-dtls"),
        Endpoint::new(Config::default(), SeededRandom::new(4)),
        BootstrapAccount::new(bs.addr),
    );
    let client = Secured::provisioned(client, SecuredConfig::default());
    let client_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let client_addr = client_socket.local_addr().unwrap();
    let (client, mut client_events, _c) = spawn(client_socket, client);
    client
        .call(|c, now| c.inner_mut().start(now))
        .await
        .unwrap()
        .unwrap();

    assert_eq!(bs.finished().await, "udp-dtls");
    let connected = until(&mut client_events, |e| match e {
        SecuredEvent::Connected { peer, identity } => Some((peer, identity)),
        SecuredEvent::Failed { error, .. } => panic!("{error}"),
        _ => None,
    })
    .await;
    assert_eq!(connected, (server_addr, Identity::Psk(b"udp-id".to_vec())));
    let registered = until(&mut server_events, |e| match e {
        SecuredEvent::Inner(ServerEvent::Registered { endpoint, .. }) => Some(endpoint),
        SecuredEvent::Inner(ServerEvent::Rejected { reason, .. }) => panic!("{reason}"),
        _ => None,
    })
    .await;
    assert_eq!(registered, "udp-dtls");
    let who = server
        .call(move |s, _| s.inner().peer_identity(client_addr).cloned())
        .await
        .flatten()
        .unwrap();
    assert_eq!(who.identity, Identity::Psk(b"udp-id".to_vec()));

    // The server reads the Server instance the Bootstrap-Server wrote, over the session.
    let op = server
        .call(|s, now| s.inner_mut().read(now, "udp-dtls", Path::resource(1, 0, 0)))
        .await
        .unwrap()
        .unwrap();
    let content = until(&mut server_events, |e| match e {
        SecuredEvent::Inner(ServerEvent::Response { op: o, result, .. }) if o == op => Some(result),
        _ => None,
    })
    .await
    .unwrap();
    let Reply::Content(c) = content else {
        panic!("{content:?}")
    };
    assert_eq!(c.node, Node::Single(Value::Integer(7)));
    let registered_event = until(&mut client_events, |e| match e {
        SecuredEvent::Inner(ClientEvent::Registered { location }) => Some(location),
        _ => None,
    })
    .await;
    assert!(registered_event.starts_with("/rd/"), "{registered_event}");
}
