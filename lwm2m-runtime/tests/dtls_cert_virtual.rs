//! DTLS 1.2 with certificates in virtual time: our LwM2M client registering with our LwM2M
//! server through `Secured` + `CertBackend` on both sides; loss, reordering and a dead link
//! the handshake watchdog recovers from; a client from another CA, an expired client
//! certificate, a server name mismatch and a certificate whose CN is another endpoint.
#![cfg(feature = "dtls-cert")]

mod cert_pki;
mod dtls_net;

use std::time::Duration;

use cert_pki::{Ca, Leaf};
use dtls_net::Net;
use dtls_net::lwm2m::{
    C, Ev, S, assert_registers_despite_loss, assert_sealed_single_handshake, client_failure,
    lwm2m_client, lwm2m_server, read_manufacturer, registered, registration_failure, rejected,
    server_addr, server_failure, start,
};
use lwm2m_core::Value;
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::dtls::{CertBackend, Secured, SecuredConfig, SessionError};
use lwm2m_runtime::security::Identity;
use lwm2m_runtime::server::RejectReason;

fn server(seed: u64, ca: &Ca) -> S {
    Secured::cert_server(lwm2m_server(seed), ca.creds(&ca.server())).unwrap()
}

/// A client named `endpoint` presenting `leaf`, trusting `trust`.
fn client(seed: u64, endpoint: &str, leaf: &Leaf, trust: &Ca, server_name: Option<&str>) -> C {
    Secured::cert_client(lwm2m_client(seed, endpoint), trust.creds(leaf), server_name).unwrap()
}

fn net(seed: u64, ca: &Ca, client: C) -> Net<C, S> {
    let mut n = Net::new(seed, server(seed, ca), server_addr());
    n.add_client("10.0.0.1:40000".parse().unwrap(), client);
    n
}

fn cn(identity: &Identity) -> Option<String> {
    match identity {
        Identity::Certificate { common_name, .. } => common_name.clone(),
        _ => None,
    }
}

#[test]
fn lwm2m_client_registers_and_is_read_over_certificates() {
    let ca = Ca::new("test CA");
    let mut n = net(
        1,
        &ca,
        client(1, "urn:dev:A", &ca.client("urn:dev:A"), &ca, None),
    );
    start(&mut n, 0);
    let seen_by_server = n.wait_server(10_000, |e| match e {
        Ev::Connected { identity, .. } => cn(identity),
        _ => None,
    });
    assert_eq!(seen_by_server.as_deref(), Some("urn:dev:A"));
    let seen_by_client = n.wait_client(0, 10_000, |e| match e {
        Ev::Connected { identity, .. } => cn(identity),
        _ => None,
    });
    assert_eq!(seen_by_client.as_deref(), Some("lwm2m-server"));
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("urn:dev:A"));
    assert_eq!(
        read_manufacturer(&mut n, "urn:dev:A"),
        Some(Value::String("ACME".into()))
    );
    assert_sealed_single_handshake(&n, b"ep=urn");
}

#[test]
fn handshake_and_registration_survive_loss_and_reordering() {
    let ca = Ca::new("test CA");
    let leaf = ca.client("urn:dev:A");
    for seed in 1..=4 {
        let mut n = net(seed, &ca, client(seed, "urn:dev:A", &leaf, &ca, None));
        assert_registers_despite_loss(&mut n, seed, "urn:dev:A");
    }
}

/// rtc-dtls alone gives up silently after 7 fixed 1 s retransmissions; the watchdog starts
/// fresh handshakes (3 s, 6 s, 12 s apart), so a link dead for 15 s is used as soon as the
/// next attempt runs, long before `Secured`'s 45 s handshake lifetime would end the session.
#[test]
fn watchdog_restarts_a_handshake_stalled_by_a_dead_link() {
    let ca = Ca::new("test CA");
    let mut n = net(
        7,
        &ca,
        client(7, "urn:dev:A", &ca.client("urn:dev:A"), &ca, None),
    );
    n.loss = 1.0;
    start(&mut n, 0);
    n.run_for(15_000);
    let hellos = n
        .to_server
        .iter()
        .filter(|(_, d)| d[0] == 22 && d.get(13) == Some(&1));
    let randoms: std::collections::HashSet<_> = hellos.map(|(_, d)| d[27..59].to_vec()).collect();
    assert_eq!(
        randoms.len(),
        3,
        "one ClientHello random per attempt (0 s, 3 s, 9 s)"
    );
    n.loss = 0.0;
    assert!(n.drive(10_000, |n| n.server.stats().handshakes_completed == 1));
    assert_eq!(registered(&mut n, 30_000).as_deref(), Some("urn:dev:A"));
}

/// The server answered the cookie exchange, then the link died. After the client's watchdog
/// restart, the server's stale flight reaches the client's new attempt (rtc-dtls answers it
/// with a fatal alert, which ends the server's stale handshake) and the client's new
/// ClientHello reaches the server: the client's session survives and a handshake completes
/// well before `Secured`'s lifetimes or CoAP's retransmissions would step in.
#[test]
fn client_session_survives_stale_flights_after_a_restart() {
    let ca = Ca::new("test CA");
    let mut n = net(
        9,
        &ca,
        client(9, "urn:dev:A", &ca.client("urn:dev:A"), &ca, None),
    );
    start(&mut n, 0);
    assert!(
        n.drive(1_000, |n| n.to_server.len() >= 2),
        "ClientHello with cookie sent"
    );
    n.loss = 1.0;
    n.run_for(3_500);
    n.loss = 0.0;
    assert!(n.drive(8_000, |n| n.server.stats().handshakes_completed == 1));
    let failed = n.client_events[0]
        .iter()
        .any(|e| matches!(e, Ev::Failed { .. }));
    assert!(!failed, "{:?}", n.client_events[0]);
    assert_eq!(n.clients[0].stats().handshakes_started, 1);
    assert_eq!(registered(&mut n, 30_000).as_deref(), Some("urn:dev:A"));
}

#[test]
fn watchdog_gives_up_after_its_attempts_with_a_typed_error() {
    let ca = Ca::new("test CA");
    // Past the watchdog's last attempt (1 + 2 + 4 s) and within the handshake lifetime.
    let backend = CertBackend::client(ca.creds(&ca.client("urn:dev:A")))
        .unwrap()
        .with_watchdog(Duration::from_secs(1), 3);
    let c = Secured::client(
        lwm2m_client(8, "urn:dev:A"),
        backend,
        SecuredConfig::default(),
    );
    let mut n = net(8, &ca, c);
    n.loss = 1.0;
    start(&mut n, 0);
    let t0 = n.now.as_millis();
    assert_eq!(client_failure(&mut n), Some(SessionError::HandshakeTimeout));
    assert_eq!(n.now.as_millis() - t0, 7_000);
}

#[test]
fn client_from_another_ca_is_rejected() {
    let (ca, rogue) = (Ca::new("test CA"), Ca::new("rogue CA"));
    let mut n = net(
        2,
        &ca,
        client(2, "urn:dev:A", &rogue.client("urn:dev:A"), &ca, None),
    );
    start(&mut n, 0);
    assert!(matches!(
        server_failure(&mut n),
        Some(SessionError::CertificateRejected(_))
    ));
    assert_eq!(n.server.stats().handshakes_completed, 0);
    assert!(n.server.inner().registration("urn:dev:A").is_none());
}

#[test]
fn server_from_another_ca_is_rejected_by_the_client() {
    let (ca, rogue) = (Ca::new("test CA"), Ca::new("rogue CA"));
    let mut n = net(
        3,
        &ca,
        client(3, "urn:dev:A", &ca.client("urn:dev:A"), &rogue, None),
    );
    start(&mut n, 0);
    assert!(matches!(
        client_failure(&mut n),
        Some(SessionError::CertificateRejected(_))
    ));
    assert_eq!(n.clients[0].stats().handshakes_completed, 0);
}

#[test]
fn server_name_mismatch_is_rejected_by_the_client() {
    let ca = Ca::new("test CA");
    let leaf = ca.client("urn:dev:A");
    let mut n = net(
        4,
        &ca,
        client(4, "urn:dev:A", &leaf, &ca, Some("other.example")),
    );
    start(&mut n, 0);
    assert!(matches!(
        client_failure(&mut n),
        Some(SessionError::CertificateRejected(_))
    ));
    // The DNS name in the certificate does verify.
    let mut n = net(
        4,
        &ca,
        client(4, "urn:dev:A", &leaf, &ca, Some("localhost")),
    );
    start(&mut n, 0);
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("urn:dev:A"));
}

#[test]
fn expired_client_certificate_is_rejected() {
    let ca = Ca::new("test CA");
    let mut n = net(
        5,
        &ca,
        client(5, "urn:dev:A", &ca.expired_client("urn:dev:A"), &ca, None),
    );
    start(&mut n, 0);
    let error = server_failure(&mut n);
    assert!(
        matches!(&error, Some(SessionError::CertificateRejected(why)) if why.contains("xpired")),
        "{error:?}"
    );
}

#[test]
fn certificate_for_one_endpoint_cannot_register_as_another() {
    let ca = Ca::new("test CA");
    let mut n = net(
        6,
        &ca,
        client(6, "urn:dev:B", &ca.client("urn:dev:A"), &ca, None),
    );
    start(&mut n, 0);
    let (endpoint, reason) = rejected(&mut n).expect("a Rejected event");
    assert_eq!(endpoint, "urn:dev:B");
    match reason {
        RejectReason::EndpointMismatch { identity, bound } => {
            assert_eq!(bound, "urn:dev:A");
            assert_eq!(cn(&identity).as_deref(), Some("urn:dev:A"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(registration_failure(&mut n), Some(Some(Code::FORBIDDEN)));
    assert!(n.server.inner().registration("urn:dev:B").is_none());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// The fuzz target's entry point: arbitrary datagrams from several peers into a certificate
    /// server never panic it.
    #[test]
    fn arbitrary_datagrams_never_panic_a_certificate_server(
        data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
    ) {
        static CA: std::sync::OnceLock<(Ca, Leaf)> = std::sync::OnceLock::new();
        let (ca, leaf) = CA.get_or_init(|| {
            let ca = Ca::new("fuzz CA");
            let leaf = ca.server();
            (ca, leaf)
        });
        lwm2m_runtime::dtls::fuzz_secured_cert(ca.creds(leaf), &data);
    }
}
