//! DTLS 1.2 certificate interop (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8) over real loopback sockets
//! with libcoap 4.3.1 (Debian `libcoap3-bin`), OpenSSL and GnuTLS builds: `coap-client-*`
//! against a `Secured` CoAP endpoint with `CertBackend` (plus a client from another CA, which
//! must be refused), and a `Secured` certificate client against `coap-server-*` (DTLS on the
//! port after the plain one). The PKI is made with rcgen and written to a temp dir.
//!
//! `coap-client` exits 0 even when the handshake fails, so the tests assert on its output.
//! Without the binaries these tests skip loudly on a developer machine and fail in CI
//! (`CI=true`), where `.ci/install-peers` installs them.
#![cfg(all(feature = "tokio", feature = "dtls-cert"))]

mod cert_pki;
mod libcoap_peer;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use cert_pki::Ca;
use libcoap_peer::{Ev, available, coap_client, coap_server, next_response, port_pair, serve_acme};
use lwm2m_runtime::coap::tokio::{os_seeded, spawn};
use lwm2m_runtime::coap::{Code, Config, Endpoint, Message};
use lwm2m_runtime::dtls::{CertCredentials, Secured, SecuredEvent, SessionError};
use lwm2m_runtime::security::Identity;
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;

const ENDPOINT: &str = "urn:dev:test-ep-1";

/// ca.pem, server.pem/.key, client.pem/.key (CN `ENDPOINT`) and rogue.pem/.key (another CA).
fn pki(dir: &Path) {
    let (ca, rogue) = (Ca::new("test CA"), Ca::new("rogue CA"));
    let (server, client) = (ca.server(), ca.client(ENDPOINT));
    let bad = rogue.client(ENDPOINT);
    cert_pki::write(
        dir,
        &ca,
        &[("server", &server), ("client", &client), ("rogue", &bad)],
    );
}

fn creds(dir: &Path, name: &str) -> CertCredentials {
    let f = |ext: &str| dir.join(format!("{name}.{ext}"));
    CertCredentials::load(f("pem"), f("key"), dir.join("ca.pem")).unwrap()
}

/// A `Secured` certificate server at a loopback port answering GET /3/0/0 with "ACME".
async fn start_server(dir: &Path) -> (SocketAddr, UnboundedReceiver<Ev>) {
    let endpoint = Endpoint::new(Config::default(), os_seeded());
    let secured = Secured::cert_server(endpoint, creds(dir, "server")).unwrap();
    let (addr, events, _driver) = serve_acme(secured).await;
    (addr, events)
}

async fn next_security_event(events: &mut UnboundedReceiver<Ev>) -> Ev {
    tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("a security event within 10 s")
        .expect("server running")
}

async fn libcoap_client_reads_over_certificates(program: &str) {
    if !available(program) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    pki(dir.path());
    let (addr, mut events) = start_server(dir.path()).await;
    let url = format!("coaps://{addr}/3/0/0");
    let file = |n: &str| dir.path().join(n).display().to_string();
    let (ca, cert, key) = (file("ca.pem"), file("client.pem"), file("client.key"));
    let args = ["-m", "get", "-c", &cert, "-j", &key, "-C", &ca, &url];
    let (stdout, stderr) = coap_client(program, &args).await;
    assert_eq!(stdout.trim(), "ACME", "stderr: {stderr}");
    match next_security_event(&mut events).await {
        SecuredEvent::Connected {
            identity: Identity::Certificate { common_name, .. },
            ..
        } => assert_eq!(common_name.as_deref(), Some(ENDPOINT)),
        other => panic!("{other:?}"),
    }

    // A client certificate from another CA: no answer, and the server says why.
    let (cert, key) = (file("rogue.pem"), file("rogue.key"));
    let args = [
        "-m", "get", "-B", "3", "-c", &cert, "-j", &key, "-C", &ca, &url,
    ];
    let (stdout, _) = coap_client(program, &args).await;
    assert!(!stdout.contains("ACME"), "{stdout}");
    loop {
        match next_security_event(&mut events).await {
            SecuredEvent::Failed { error, .. } => {
                assert!(
                    matches!(error, SessionError::CertificateRejected(_)),
                    "{error:?}"
                );
                break;
            }
            SecuredEvent::Connected { identity, .. } => panic!("rogue accepted: {identity:?}"),
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_client_reads_from_cert_endpoint() {
    libcoap_client_reads_over_certificates("coap-client-openssl").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gnutls_client_reads_from_cert_endpoint() {
    libcoap_client_reads_over_certificates("coap-client-gnutls").await;
}

async fn cert_client_against_libcoap_server(program: &str, extra: &[&str]) {
    if !available(program) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    pki(dir.path());
    let port = port_pair();
    let file = |n: &str| dir.path().join(n).display().to_string();
    let (ca, cert, key) = (file("ca.pem"), file("server.pem"), file("server.key"));
    let port_arg = port.to_string();
    let mut args = vec![
        "-A",
        "127.0.0.1",
        "-p",
        &port_arg,
        "-c",
        &cert,
        "-j",
        &key,
        "-C",
        &ca,
    ];
    args.extend_from_slice(extra);
    let _server = coap_server(program, &args);
    let peer: SocketAddr = format!("127.0.0.1:{}", port + 1).parse().unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let endpoint = Endpoint::new(Config::default(), os_seeded());
    // The server certificate's IP SAN (127.0.0.1) is what the client checks by default.
    let secured = Secured::cert_client(endpoint, creds(dir.path(), "client"), None).unwrap();
    let (handle, mut events, _task) = spawn(socket, secured);
    // The server may still be starting: the handshake retransmits.
    let get = Message::request(Code::GET).with_uri_path("/.well-known/core");
    let want = handle
        .call(move |s, now| s.inner_mut().request(now, peer, get))
        .await
        .unwrap()
        .unwrap();
    // Recovery from the lost fragment takes the watchdog two to three attempts (~9-15 s).
    let core = next_response(&mut events, want, Duration::from_secs(40)).await;
    assert_eq!(core.code, Code::CONTENT);
    assert!(
        String::from_utf8_lossy(&core.payload).contains("</example_data>"),
        "{core:?}"
    );
    let identity = handle
        .call(move |s, _| s.peer_identity(peer).cloned())
        .await
        .unwrap();
    assert!(
        matches!(&identity, Some(Identity::Certificate { common_name: Some(cn), .. }) if cn == "lwm2m-server"),
        "{identity:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cert_client_against_openssl_server() {
    cert_client_against_libcoap_server("coap-server-openssl", &[]).await;
}

/// `-l 3` makes the server drop its third datagram: a piece of its certificate flight. rtc-dtls
/// alone never completes that handshake (the retransmission is cut at other offsets, and the
/// timer is gone); the watchdog's fresh handshake does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cert_client_recovers_from_a_lost_openssl_server_fragment() {
    cert_client_against_libcoap_server("coap-server-openssl", &["-l", "3"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cert_client_against_gnutls_server() {
    cert_client_against_libcoap_server("coap-server-gnutls", &[]).await;
}
