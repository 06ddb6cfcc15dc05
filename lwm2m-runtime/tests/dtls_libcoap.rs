//! DTLS 1.2 PSK interop over real loopback sockets with libcoap 4.3.1 (Debian `libcoap3-bin`),
//! both TLS libraries it ships with: `coap-client-openssl` / `coap-client-gnutls` against a
//! `Secured` CoAP endpoint serving `/3/0/0`, and a `Secured` CoAP client against
//! `coap-server-openssl` / `coap-server-gnutls` (DTLS on the port after the plain one).
//!
//! `coap-client` exits 0 even when the handshake fails, so the tests assert on its output.
//! Without the binaries these tests skip loudly on a developer machine and fail in CI
//! (`CI=true`), where `.ci/install-peers` installs them.
#![cfg(all(feature = "tokio", feature = "dtls"))]

mod libcoap_peer;

use libcoap_peer::{
    Acme, available, coap_client, coap_server, next_response, port_pair, serve_acme,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use lwm2m_runtime::coap::tokio::{Handle, os_seeded, spawn};
use lwm2m_runtime::coap::{Code, Config, Endpoint, Message};
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured, SecuredEvent, SessionError};
use lwm2m_runtime::security::Identity;
use tokio::net::UdpSocket;

const IDENTITY: &str = "dev-1";
const KEY: &[u8] = b"secretPSK";

/// A `Secured` CoAP server at a loopback port answering GET /3/0/0 with "ACME"; returns its
/// address, its security events and its driver.
async fn start_server() -> Acme {
    let store = InMemorySecurityStore::new().with_psk(IDENTITY, PskKey::new(KEY), "dev-1");
    let endpoint = Endpoint::new(Config::default(), os_seeded());
    let secured = Secured::psk_server(endpoint, Arc::new(store)).unwrap();
    serve_acme(secured).await
}

async fn libcoap_client_reads_over_psk(program: &str) {
    if !available(program) {
        return;
    }
    let (addr, mut events, server) = start_server().await;
    let url = format!("coaps://{addr}/3/0/0");
    let key = std::str::from_utf8(KEY).unwrap();
    let (stdout, stderr) =
        coap_client(program, &["-m", "get", "-u", IDENTITY, "-k", key, &url]).await;
    assert_eq!(stdout.trim(), "ACME", "stderr: {stderr}");
    let connected = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap();
    assert!(
        matches!(&connected, Some(SecuredEvent::Connected { identity: Identity::Psk(id), .. }) if id == IDENTITY.as_bytes()),
        "{connected:?}"
    );
    // The request moved the session to our record layer: libcoap read an answer we sealed.
    let stats = server.call(|s, _| s.stats().clone()).await.unwrap();
    assert_eq!(stats.records_handed_over, 1, "{stats:?}");

    // A wrong key: no answer, and the server reports why.
    let (stdout, _) = coap_client(
        program,
        &[
            "-m",
            "get",
            "-u",
            IDENTITY,
            "-k",
            "wrongPSK!",
            "-B",
            "3",
            &url,
        ],
    )
    .await;
    assert!(!stdout.contains("ACME"), "{stdout}");
    let failure = async {
        loop {
            match events.recv().await {
                Some(SecuredEvent::Failed { error, .. }) => return error,
                Some(_) => {}
                None => panic!("server stopped"),
            }
        }
    };
    let error = tokio::time::timeout(Duration::from_secs(10), failure)
        .await
        .expect("the server reports the failed handshake");
    assert_eq!(error, SessionError::AuthenticationFailed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_client_reads_from_secured_endpoint() {
    libcoap_client_reads_over_psk("coap-client-openssl").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gnutls_client_reads_from_secured_endpoint() {
    libcoap_client_reads_over_psk("coap-client-gnutls").await;
}

const RESPONSE_WAIT: Duration = Duration::from_secs(20);

async fn secured_client_against_libcoap_server(program: &str) {
    if !available(program) {
        return;
    }
    let port = port_pair();
    let key = std::str::from_utf8(KEY).unwrap();
    let _server = coap_server(
        program,
        &["-A", "127.0.0.1", "-p", &port.to_string(), "-k", key],
    );
    let peer: SocketAddr = format!("127.0.0.1:{}", port + 1).parse().unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let endpoint = Endpoint::new(Config::default(), os_seeded());
    let secured = Secured::psk_client(endpoint, IDENTITY, PskKey::new(KEY)).unwrap();
    let (handle, mut events, _task) = spawn(socket, secured);
    let send = |handle: &Handle<Secured<Endpoint>>, msg: Message| {
        let handle = handle.clone();
        async move {
            handle
                .call(move |s, now| s.inner_mut().request(now, peer, msg))
                .await
                .unwrap()
                .unwrap()
        }
    };
    // The server may still be starting: the handshake retransmits.
    let id = send(
        &handle,
        Message::request(Code::GET).with_uri_path("/.well-known/core"),
    )
    .await;
    let core = next_response(&mut events, id, RESPONSE_WAIT).await;
    assert!(
        String::from_utf8_lossy(&core.payload).contains("</example_data>"),
        "{core:?}"
    );
    // Block1 up and Block2 down through the session.
    let body: Vec<u8> = (0..3000).map(|i| b"0123456789abcdef"[i % 16]).collect();
    let put = Message::request(Code::PUT)
        .with_uri_path("/example_data")
        .with_content_format(0)
        .with_payload(body.clone());
    let id = send(&handle, put).await;
    let r = next_response(&mut events, id, RESPONSE_WAIT).await;
    assert!(r.code == Code::CHANGED || r.code == Code::CREATED, "{r:?}");
    let id = send(
        &handle,
        Message::request(Code::GET).with_uri_path("/example_data"),
    )
    .await;
    let r = next_response(&mut events, id, RESPONSE_WAIT).await;
    assert_eq!(r.code, Code::CONTENT);
    assert_eq!(r.payload, body);
    let stats = handle.call(|s, _| s.stats().clone()).await.unwrap();
    assert_eq!(
        (stats.handshakes_completed, stats.handshakes_failed),
        (1, 0),
        "{stats:?}"
    );
    // After the first answer our record layer carried the exchanges both ways.
    assert_eq!(stats.records_handed_over, 1, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secured_client_against_openssl_server() {
    secured_client_against_libcoap_server("coap-server-openssl").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secured_client_against_gnutls_server() {
    secured_client_against_libcoap_server("coap-server-gnutls").await;
}
