//! DTLS 1.2 PSK in virtual time: our LwM2M client registering with our LwM2M server through
//! `Secured` on both sides, with loss and reordering; wrong keys, unknown identities, an
//! identity bound to another endpoint, replayed and truncated records, and a ClientHello flood
//! from many ports while a registered client keeps working. Deterministic seeds, no sockets.
#![cfg(feature = "dtls")]

mod dtls_net;

use std::net::SocketAddr;

use dtls_net::Net;
use dtls_net::lwm2m::{
    C, Ev, KEY, S, assert_registers_despite_loss, assert_sealed_single_handshake, client, key, net,
    read_manufacturer, register_then_mark, registered, registration_failure, rejected, server,
    server_addr, server_failure, start, store,
};
use lwm2m_core::Value;
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::dtls::{SecuredConfig, SessionError};
use lwm2m_runtime::security::Identity;
use lwm2m_runtime::server::{RejectReason, ServerEvent};

#[test]
fn lwm2m_client_registers_and_is_read_over_psk() {
    let mut n = net(1, client(1, "dev-1", "dev-1", KEY));
    start(&mut n, 0);
    let connected = n.wait_server(10_000, |e| match e {
        Ev::Connected { identity, .. } => Some(identity.clone()),
        _ => None,
    });
    assert_eq!(connected, Some(Identity::Psk(b"dev-1".to_vec())));
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("dev-1"));
    assert_eq!(
        read_manufacturer(&mut n, "dev-1"),
        Some(Value::String("ACME".into()))
    );
    let client_addr = n.client_addrs[0];
    assert_eq!(
        n.server
            .inner()
            .peer_identity(client_addr)
            .map(|a| &a.identity),
        Some(&Identity::Psk(b"dev-1".to_vec()))
    );
    // Nothing in clear on the wire: the endpoint name never appears after the handshake.
    assert_sealed_single_handshake(&n, b"ep=de");
}

#[test]
fn handshake_and_registration_survive_loss_and_reordering() {
    for seed in 1..=6 {
        let mut n = net(seed, client(seed, "dev-1", "dev-1", KEY));
        assert_registers_despite_loss(&mut n, seed, "dev-1");
    }
}

#[test]
fn wrong_key_fails_the_handshake() {
    let mut n = net(
        2,
        client(2, "dev-1", "dev-1", "ffffffffffffffffffffffffffffffff"),
    );
    start(&mut n, 0);
    assert_eq!(
        server_failure(&mut n),
        Some(SessionError::AuthenticationFailed)
    );
    n.run_for(60_000);
    assert!(
        !n.server_events
            .iter()
            .any(|e| matches!(e, Ev::Inner(ServerEvent::Registered { .. }))),
        "{:?}",
        n.server_events
    );
    assert!(n.server.stats().handshakes_failed >= 1);
    assert_eq!(n.server.stats().handshakes_completed, 0);
    assert!(
        n.client_events[0]
            .iter()
            .any(|e| matches!(e, Ev::Failed { .. })),
        "the client learns its handshake failed: {:?}",
        n.client_events[0]
    );
}

#[test]
fn unknown_identity_fails_the_handshake() {
    let mut n = net(3, client(3, "dev-1", "nobody", KEY));
    start(&mut n, 0);
    assert_eq!(
        server_failure(&mut n),
        Some(SessionError::UnknownIdentity("nobody".into()))
    );
    assert_eq!(n.server.stats().handshakes_completed, 0);
}

#[test]
fn identity_bound_to_another_endpoint_cannot_register() {
    let mut n = Net::new(
        4,
        server(4, store("other-ep"), SecuredConfig::default()),
        server_addr(),
    );
    n.add_client(
        "10.0.0.1:40000".parse().unwrap(),
        client(4, "dev-1", "dev-1", KEY),
    );
    start(&mut n, 0);
    assert_eq!(
        rejected(&mut n),
        Some((
            "dev-1".into(),
            RejectReason::EndpointMismatch {
                identity: Identity::Psk(b"dev-1".to_vec()),
                bound: "other-ep".into()
            }
        ))
    );
    assert_eq!(registration_failure(&mut n), Some(Some(Code::FORBIDDEN)));
    assert!(n.server.inner().registration("dev-1").is_none());
}

/// Forces an Update of client 0 and captures it: the first application-data datagram the client
/// sent after `mark`, with its sender.
fn update_record(n: &mut Net<C, S>, mark: usize) -> (SocketAddr, Vec<u8>) {
    let now = n.now;
    n.clients[0].inner_mut().update(now).unwrap();
    n.wait_server(10_000, |e| {
        matches!(e, Ev::Inner(ServerEvent::Updated { .. })).then_some(())
    })
    .expect("update");
    n.to_server[mark..]
        .iter()
        .find(|(_, d)| d[0] == 23)
        .cloned()
        .expect("an application-data record")
}

#[test]
fn replayed_record_is_dropped_and_counted() {
    let mut n = net(5, client(5, "dev-1", "dev-1", KEY));
    let mark = register_then_mark(&mut n);
    let (from, update) = update_record(&mut n, mark);
    let before = n.server.stats().clone();
    n.inject(from, &update);
    n.run_for(5_000);
    let after = n.server.stats();
    assert_eq!(after.replayed, before.replayed + 1, "{after:?}");
    assert!(
        !n.server_events
            .iter()
            .any(|e| matches!(e, Ev::Inner(ServerEvent::Updated { .. }))),
        "a replay must not reach the server: {:?}",
        n.server_events
    );
}

#[test]
fn truncated_and_forged_records_are_dropped_and_counted() {
    let mut n = net(6, client(6, "dev-1", "dev-1", KEY));
    let mark = register_then_mark(&mut n);
    let (from, record) = update_record(&mut n, mark);
    let before = n.server.stats().clone();
    n.inject(from, &record[..record.len() - 3]);
    // A well-framed record with a fresh sequence number and a broken tag.
    let mut forged = record.clone();
    forged[10] = forged[10].wrapping_add(50);
    let last = forged.len() - 1;
    forged[last] ^= 0xff;
    n.inject(from, &forged);
    n.inject("10.66.0.1:999".parse().unwrap(), &record);
    let after = n.server.stats().clone();
    assert_eq!(after.malformed, before.malformed + 1, "{after:?}");
    assert_eq!(after.rejected, before.rejected + 1, "{after:?}");
    assert_eq!(after.unknown_peer, before.unknown_peer + 1, "{after:?}");
    // The session is intact.
    assert_eq!(
        read_manufacturer(&mut n, "dev-1"),
        Some(Value::String("ACME".into()))
    );
}

#[test]
fn client_hello_flood_does_not_starve_established_or_new_clients() {
    let config = SecuredConfig::default();
    let (cap, per_ip) = (config.max_half_open, config.max_half_open_per_ip);
    let store = store("dev-1");
    let mut n = Net::new(7, server(7, store.clone(), config), server_addr());
    n.add_client(
        "10.0.0.1:40000".parse().unwrap(),
        client(7, "dev-1", "dev-1", KEY),
    );
    let mark = register_then_mark(&mut n);
    let hello = n.to_server[..mark]
        .iter()
        .find(|(_, d)| d[0] == 22)
        .map(|(_, d)| d.clone())
        .unwrap();
    // 40 ports on each of 80 addresses: 3200 ClientHellos at once.
    let (hosts, ports) = (80u16, 40u16);
    for host in 0..hosts {
        for port in 0..ports {
            let from = SocketAddr::from(([10, 9, (host >> 8) as u8, host as u8], 20_000 + port));
            n.inject(from, &hello);
        }
    }
    let accepted = (u64::from(hosts) * per_ip as u64).min(cap as u64);
    let stats = n.server.stats().clone();
    assert_eq!(
        stats.handshakes_refused,
        u64::from(hosts * ports) - accepted,
        "{stats:?}"
    );
    assert_eq!(n.server.sessions() as u64, 1 + accepted);
    assert!(
        n.stray >= accepted,
        "the spoofed sources got HelloVerifyRequests"
    );
    // The registered client keeps working during the flood.
    assert_eq!(
        read_manufacturer(&mut n, "dev-1"),
        Some(Value::String("ACME".into()))
    );
    // A new client from another address gets in once the spoofed half-open sessions lapse
    // (they never return a cookie).
    store.add_psk("dev-2", key(KEY), "dev-2");
    n.add_client(
        "10.0.0.3:40000".parse().unwrap(),
        client(8, "dev-2", "dev-2", KEY),
    );
    start(&mut n, 1);
    assert_eq!(registered(&mut n, 120_000).as_deref(), Some("dev-2"));
    assert_eq!(
        n.server.sessions(),
        2,
        "the flood's half-open sessions expired"
    );
    assert_eq!(
        read_manufacturer(&mut n, "dev-1"),
        Some(Value::String("ACME".into()))
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
    /// Arbitrary datagrams, and real ClientHellos with bytes flipped, never panic the server.
    #[test]
    fn arbitrary_datagrams_never_panic_the_server(
        data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
        flips in proptest::collection::vec((0usize..200, proptest::prelude::any::<u8>()), 0..6),
    ) {
        lwm2m_runtime::dtls::fuzz_secured(&data);
        lwm2m_runtime::dtls::fuzz_records(&data);
        let mut hello = hello_bytes();
        for (at, x) in flips {
            let i = at % hello.len();
            hello[i] ^= x;
        }
        let mut framed = vec![u8::try_from(hello.len().min(255)).unwrap()];
        framed.extend_from_slice(&hello[..hello.len().min(255)]);
        lwm2m_runtime::dtls::fuzz_secured(&framed);
    }
}

/// A real ClientHello from our PSK client.
fn hello_bytes() -> Vec<u8> {
    static HELLO: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    HELLO
        .get_or_init(|| {
            let mut n = net(9, client(9, "dev-1", "dev-1", KEY));
            start(&mut n, 0);
            n.run_for(1);
            n.to_server[0].1.clone()
        })
        .clone()
}
