//! DTLS session lifecycle in virtual time: a client that re-handshakes from the same address
//! replaces its old session only once the new handshake completes; a restarted server (all
//! sessions lost) is detected by the client, which re-handshakes and registers again; idle
//! sessions close on both sides and the next Update opens a new one.
#![cfg(feature = "dtls")]

mod dtls_net;

use std::time::Duration;

use dtls_net::Net;
use dtls_net::lwm2m::{
    C, Ev, KEY, S, client, client_with, net, registered, server, server_addr, start, store,
};
use lwm2m_runtime::client::ClientEvent;
use lwm2m_runtime::dtls::{CloseReason, SecuredConfig};
use lwm2m_runtime::server::ServerEvent;

fn closed(events: &[Ev<impl Sized>], want: CloseReason) -> bool {
    events
        .iter()
        .any(|e| matches!(e, Ev::Closed { reason, .. } if *reason == want))
}

#[test]
fn new_handshake_from_same_address_replaces_the_session() {
    let mut n = net(11, client(11, "dev-1", "dev-1", KEY));
    start(&mut n, 0);
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("dev-1"));
    // The device reboots: same address, no DTLS state.
    // The server's answer to the old session is still in flight to the new one.
    n.clients[0] = client(12, "dev-1", "dev-1", KEY);
    start(&mut n, 0);
    let replaced = n.wait_server(10_000, |e| match e {
        Ev::Inner(ServerEvent::Registered { replaced, .. }) => Some(*replaced),
        _ => None,
    });
    assert_eq!(replaced, Some(true));
    assert!(
        closed(&n.server_events, CloseReason::Replaced),
        "{:?}",
        n.server_events
    );
    assert_eq!(n.server.sessions(), 1);
    assert_eq!(
        n.server.stats().handshakes_completed,
        2,
        "{:?} {:?}",
        n.server.stats(),
        n.server_events
    );
    assert_eq!(
        n.clients[0].stats().handshakes_failed,
        0,
        "{:?}",
        n.client_events[0]
    );
}

#[test]
fn client_rehandshakes_after_server_lost_its_sessions() {
    let store = store("dev-1");
    let mut n: Net<C, S> = Net::new(
        13,
        server(13, store.clone(), SecuredConfig::default()),
        server_addr(),
    );
    n.add_client(
        "10.0.0.1:40000".parse().unwrap(),
        client(13, "dev-1", "dev-1", KEY),
    );
    start(&mut n, 0);
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("dev-1"));
    n.run_for(1_000);
    // The server restarts: no sessions, no registrations.
    n.server = server(14, store, SecuredConfig::default());
    let now = n.now;
    n.clients[0].inner_mut().update(now).unwrap();
    // The client's Update goes nowhere, the client notices, re-handshakes and registers anew.
    assert_eq!(registered(&mut n, 600_000).as_deref(), Some("dev-1"));
    assert!(
        closed(&n.client_events[0], CloseReason::Unresponsive),
        "{:?}",
        n.client_events[0]
    );
    assert!(n.server.stats().unknown_peer > 0);
}

#[test]
fn idle_sessions_close_and_the_next_update_reopens() {
    let mut config = SecuredConfig::default();
    config.idle_timeout = Duration::from_secs(60);
    let store = store("dev-1");
    let mut n: Net<C, S> = Net::new(15, server(15, store, config.clone()), server_addr());
    n.add_client(
        "10.0.0.1:40000".parse().unwrap(),
        client_with(15, "dev-1", "dev-1", KEY, config),
    );
    start(&mut n, 0);
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("dev-1"));
    n.run_for(70_000);
    assert_eq!((n.server.sessions(), n.clients[0].sessions()), (0, 0));
    assert!(
        closed(&n.server_events, CloseReason::Idle)
            || closed(&n.client_events[0], CloseReason::Idle)
    );
    let now = n.now;
    n.clients[0].inner_mut().update(now).unwrap();
    let updated = n.wait_server(30_000, |e| {
        matches!(e, Ev::Inner(ServerEvent::Updated { .. })).then_some(())
    });
    assert!(updated.is_some(), "{:?}", n.server_events);
    assert!(
        n.wait_client(0, 10_000, |e| matches!(e, Ev::Inner(ClientEvent::Updated))
            .then_some(()))
            .is_some()
    );
    assert_eq!(n.server.stats().handshakes_completed, 2);
}

#[test]
fn late_copy_of_the_opening_client_hello_is_ignored() {
    let mut n = net(16, client(16, "dev-1", "dev-1", KEY));
    start(&mut n, 0);
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("dev-1"));
    let (from, hello) = n
        .to_server
        .iter()
        .rev()
        .find(|(_, d)| d[0] == 22 && d[13] == 1)
        .cloned()
        .unwrap();
    let before = n.server.stats().clone();
    n.inject(from, &hello);
    n.run_for(5_000);
    let after = n.server.stats();
    assert_eq!(after.replayed, before.replayed + 1, "{after:?}");
    assert_eq!(after.handshakes_started, before.handshakes_started);
    assert_eq!(n.server.sessions(), 1);
    assert!(!closed(&n.server_events, CloseReason::Replaced));
}

#[test]
fn client_closes_and_reconnects_at_once() {
    // The server answers our close_notify with its own, sealed with the old session's keys; it
    // reaches the new handshake, which must not fail on it.
    let mut n = net(17, client(17, "dev-1", "dev-1", KEY));
    start(&mut n, 0);
    assert_eq!(registered(&mut n, 10_000).as_deref(), Some("dev-1"));
    n.run_for(1_000);
    for round in 0..3 {
        n.client_events[0].clear();
        let now = n.now;
        n.clients[0].close(now, server_addr());
        start(&mut n, 0);
        let done = n.wait_client(0, 1_000, |e| {
            matches!(e, Ev::Inner(ClientEvent::Registered { .. })).then_some(())
        });
        assert!(done.is_some(), "round {round}: {:?}", n.client_events[0]);
    }
    let stats = n.clients[0].stats();
    assert_eq!(
        stats.handshakes_failed, 0,
        "{stats:?} {:?}",
        n.client_events[0]
    );
    assert_eq!(stats.handshakes_completed, 4, "{stats:?}");
    assert_eq!(n.server.stats().handshakes_completed, 4);
}
