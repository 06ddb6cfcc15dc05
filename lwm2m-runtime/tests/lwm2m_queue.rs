//! Queue Mode between our client and server in virtual time (Core TS 1.1 §6.5): the client
//! sleeps after ClientAwakeTime, drops what arrives while asleep, and wakes with an Update for
//! its lifetime, a due notification, a Send or the application; the server holds requests while
//! it believes the client sleeps and delivers them after the wake-up Update.

mod lwm2m_net;

use std::time::Duration;

use lwm2m_core::{Node, Path, Record, Value};
use lwm2m_net::Net;
use lwm2m_net::device::{config, content, net, register, result, set_temperature};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::lwm2m::AttributeChange;
use lwm2m_runtime::server::{OpError, OpId, Reply, Server, ServerConfig, ServerEvent};

fn queue_config(lifetime_s: u64) -> ClientConfig {
    let mut c = config(lifetime_s);
    c.queue_mode = true;
    c
}

/// Drives until the client falls asleep; returns when.
fn wait_sleeping(n: &mut Net, limit_ms: u64) -> Timestamp {
    n.wait_client(limit_ms, |e| (*e == ClientEvent::Sleeping).then_some(()))
        .expect("the client fell asleep");
    assert!(n.client.is_asleep());
    n.now
}

fn secs_between(a: Timestamp, b: Timestamp) -> f64 {
    b.saturating_since(a).as_secs_f64()
}

/// The position of the first server event matching `f`.
fn position(n: &Net, f: impl Fn(&ServerEvent) -> bool) -> usize {
    n.server_events
        .iter()
        .position(f)
        .expect("server event present")
}

#[test]
fn the_client_sleeps_after_the_awake_time_and_wakes_for_its_update() {
    // Lifetime 300 s: Updates are due 93 s (MAX_TRANSMIT_WAIT) before it ends, at ~207 s.
    let mut n = net(21, queue_config(300));
    register(&mut n);
    let registered = n.now;
    let asleep = wait_sleeping(&mut n, 200_000);
    // ClientAwakeTime defaults to 93 s after the last exchange (the Register's answer).
    let awake = secs_between(registered, asleep);
    assert!((93.0..93.1).contains(&awake), "slept after {awake} s");
    assert!(!n.client_events.contains(&ClientEvent::Awake));
    // The lifetime's Update wakes it; the server sees the Update.
    n.wait_client(200_000, |e| (*e == ClientEvent::Awake).then_some(()))
        .expect("woke up");
    let woke = n.now;
    assert!((205.0..209.0).contains(&secs_between(registered, woke)));
    assert!(
        n.wait_server(1_000, |e| matches!(e, ServerEvent::Updated { .. })
            .then_some(()))
            .is_some()
    );
    // And after another awake time without exchanges it sleeps again.
    let again = wait_sleeping(&mut n, 200_000);
    assert!((93.0..93.1).contains(&secs_between(woke, again)));

    // A client without queue mode never sleeps.
    let mut n = net(22, config(300));
    register(&mut n);
    n.run_for(600_000);
    assert!(!n.client.is_asleep());
    assert!(!n.client_events.contains(&ClientEvent::Sleeping));
}

#[test]
fn a_read_held_while_the_client_sleeps_is_answered_after_its_wake_up_update() {
    let mut n = net(23, queue_config(86_400));
    register(&mut n);
    wait_sleeping(&mut n, 200_000);
    let sent_before = n.sent.0;
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    n.run_for(60_000);
    assert_eq!(
        n.sent.0, sent_before,
        "the server sent to a sleeping client"
    );
    assert!(n.client.is_asleep());
    assert_eq!(n.server.pending_ops(), 1);

    // The application wakes the client: Update first, then the held read is delivered.
    n.client.wake(n.now);
    let woke = n.now;
    let c = content(result(&mut n, op));
    assert_eq!(c.node, Node::Single(Value::Integer(87)));
    let updated = position(&n, |e| matches!(e, ServerEvent::Updated { .. }));
    assert_eq!(
        updated,
        n.server_events.len() - 1,
        "Update seen before the read's answer"
    );
    assert!(n.client_events.contains(&ClientEvent::Awake));
    // Each request restarts the awake time: a read 50 s later is answered at once, and the
    // client sleeps 93 s after that one, not after the wake-up.
    n.run_for(50_000);
    assert!(!n.client.is_asleep());
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    content(result(&mut n, op));
    let answered = n.now;
    let asleep = wait_sleeping(&mut n, 200_000);
    assert!((92.9..93.1).contains(&secs_between(answered, asleep)));
    assert!(secs_between(woke, asleep) > 140.0);
    assert_eq!(n.client.dropped_while_asleep(), 0);
}

/// Observes the temperature with attributes `attrs`; returns the observation.
fn observe_temperature(n: &mut Net, attrs: &[&str]) -> OpId {
    let path = Path::resource(3303, 0, 5700);
    let change = AttributeChange::from_query(attrs.iter().copied()).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", path, &change)
        .unwrap();
    assert_eq!(result(n, op), Ok(Reply::Changed));
    let obs = n.server.observe(n.now, "dev-1", path).unwrap();
    content(result(n, obs));
    obs
}

fn notified(op: OpId) -> impl Fn(&ServerEvent) -> Option<f64> {
    move |e| match e {
        ServerEvent::Notification { op: o, content, .. } if *o == op => match content.node {
            Node::Single(Value::Float(f)) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

#[test]
fn a_notification_due_during_sleep_wakes_the_client_and_follows_an_update() {
    let mut n = net(24, queue_config(86_400));
    register(&mut n);
    let obs = observe_temperature(&mut n, &["pmax=300"]);
    let observed = n.now;
    wait_sleeping(&mut n, 200_000);
    n.server_events.clear();
    // pmax passes while asleep: the client wakes, updates, then notifies.
    assert_eq!(n.wait_server(400_000, notified(obs)), Some(21.5));
    assert!((300.0..300.1).contains(&secs_between(observed, n.now)));
    assert!(n.client_events.contains(&ClientEvent::Awake));
    assert_eq!(
        position(&n, |e| matches!(e, ServerEvent::Updated { .. })),
        0
    );
}

#[test]
fn a_reported_change_wakes_the_client_only_when_it_passes_the_attributes() {
    let mut n = net(25, queue_config(86_400));
    register(&mut n);
    let obs = observe_temperature(&mut n, &["gt=25"]);
    wait_sleeping(&mut n, 200_000);
    n.server_events.clear();
    let sent = n.sent.1;
    // Below gt: nothing to notify, the client sleeps on and sends nothing.
    set_temperature(&mut n, 24.0);
    n.run_for(10_000);
    assert!(n.client.is_asleep());
    assert_eq!(n.sent.1, sent);
    // Crossing gt: it wakes, the Update goes first, then the notification.
    set_temperature(&mut n, 26.0);
    assert!(!n.client.is_asleep());
    assert_eq!(n.wait_server(10_000, notified(obs)), Some(26.0));
    assert_eq!(
        position(&n, |e| matches!(e, ServerEvent::Updated { .. })),
        0
    );
}

#[test]
fn a_send_while_asleep_goes_after_an_update() {
    let mut n = net(26, queue_config(86_400));
    register(&mut n);
    wait_sleeping(&mut n, 200_000);
    n.server_events.clear();
    let record = Record::new(Path::resource(3303, 0, 5700), Value::Float(30.0));
    let id = n.client.send(n.now, vec![record]).unwrap();
    assert!(
        n.wait_client(10_000, |e| (*e == ClientEvent::SendCompleted { id })
            .then_some(()))
            .is_some()
    );
    let sent = position(&n, |e| matches!(e, ServerEvent::Sent { .. }));
    let updated = position(&n, |e| matches!(e, ServerEvent::Updated { .. }));
    assert!(updated < sent);
}

/// A network whose server believes a queue-mode client awake for `server_awake_s`.
fn net_with_server_awake(seed: u64, client: ClientConfig, server_awake_s: u64) -> Net {
    let mut n = net(seed, client);
    let mut sc = ServerConfig::default();
    sc.awake_time = Duration::from_secs(server_awake_s);
    n.server = Server::new(
        sc,
        Endpoint::new(Config::default(), SeededRandom::new(seed ^ 0x5e)),
        SeededRandom::new(seed ^ 0x77),
    );
    n.server.add_objects(&[&device::META, &temperature::META]);
    n
}

#[test]
fn datagrams_to_a_sleeping_client_are_dropped_and_the_server_learns_it_sleeps() {
    // The client sleeps after 10 s; the server wrongly expects it awake for 300 s.
    let mut cfg = queue_config(86_400);
    cfg.awake_time = Duration::from_secs(10);
    let mut n = net_with_server_awake(27, cfg, 300);
    register(&mut n);
    wait_sleeping(&mut n, 60_000);
    let received = n.client.endpoint().stats().datagrams_received;
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    // The read and its retransmissions reach a sleeping client: dropped, counted, unanswered.
    assert_eq!(result(&mut n, op), Err(OpError::Timeout));
    assert_eq!(
        n.client.dropped_while_asleep(),
        5,
        "one send, four retransmissions"
    );
    assert_eq!(n.client.endpoint().stats().datagrams_received, received);
    assert!(n.client.is_asleep());
    // The unanswered read tells the server the client sleeps (within what it thought its awake
    // window): the next read is held.
    let sent = n.sent.0;
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    n.run_for(30_000);
    assert_eq!(n.sent.0, sent);
    n.client.wake(n.now);
    assert_eq!(
        content(result(&mut n, op)).node,
        Node::Single(Value::Integer(87))
    );
    assert_eq!(n.client.dropped_while_asleep(), 5);
}

#[test]
fn answers_keep_a_queue_mode_client_awake_on_the_server() {
    let mut n = net(28, queue_config(86_400));
    register(&mut n);
    let registered = n.now;
    // A read 60 s after Register is answered; it restarts both sides' awake time.
    n.run_for(60_000);
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    content(result(&mut n, op));
    // 130 s after Register (past the server's 93 s from the Register, within 93 s of the
    // answer): the read goes out at once and is answered.
    n.run_for(70_000);
    let sent = n.sent.0;
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    n.collect();
    assert_eq!(n.sent.0, sent + 1, "the read was held");
    content(result(&mut n, op));
    assert!(secs_between(registered, n.now) > 93.0 + 30.0);
    assert!(!n.client_events.contains(&ClientEvent::Sleeping));
}
