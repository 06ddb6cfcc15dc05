//! The registration interface between our client and server in virtual time: Update before the
//! lifetime ends, on object list changes and on an address change; expiry of a silent client;
//! Register retried with back-off while the server is away; re-registration.

mod lwm2m_net;

use lwm2m_core::Path;
use lwm2m_core::object::Object;
use lwm2m_net::device::{config, content, net, register, result};
use lwm2m_objects::temperature::{self, Temperature};
use lwm2m_runtime::client::ClientEvent;
use lwm2m_runtime::server::{OpError, ServerEvent};

#[test]
fn updates_before_lifetime_and_server_expires_a_silent_client() {
    let mut n = net(3, config(60));
    register(&mut n);
    // Five minutes of 60 s lifetime: the client updates every ~54 s and stays registered.
    n.run_for(300_000);
    let updates = n
        .server_events
        .iter()
        .filter(|e| matches!(e, ServerEvent::Updated { .. }))
        .count();
    assert!(updates >= 5, "{updates} updates");
    assert!(
        !n.server_events
            .iter()
            .any(|e| matches!(e, ServerEvent::Expired { .. }))
    );
    assert!(n.server.registration("dev-1").is_some());

    // The client goes silent: the server expires it after the lifetime.
    n.client_frozen = true;
    let expired = n.wait_server(120_000, |e| match e {
        ServerEvent::Expired { endpoint } => Some(endpoint.clone()),
        _ => None,
    });
    assert_eq!(expired.as_deref(), Some("dev-1"));
    assert!(n.server.registration("dev-1").is_none());
    // Operations on it fail at once.
    assert!(n.server.read(n.now, "dev-1", Path::instance(3, 0)).is_err());
}

#[test]
fn register_retries_with_back_off_while_the_server_is_down() {
    let mut n = net(4, config(86_400));
    n.server_frozen = true;
    n.client.start(n.now).unwrap();
    // CoAP gives up after ~93 s; then the client backs off 10 s, 20 s, …
    n.run_for(400_000);
    let retries: Vec<_> = n
        .client_events
        .iter()
        .filter_map(|e| match e {
            ClientEvent::RegistrationFailed {
                code: None,
                retry_at,
            } => Some(*retry_at),
            _ => None,
        })
        .collect();
    assert!(retries.len() >= 2, "{retries:?}");
    n.server_frozen = false;
    n.wait_server(1_000_000, |e| {
        matches!(e, ServerEvent::Registered { .. }).then_some(())
    })
    .expect("registers once the server is back");
}

#[test]
fn re_registration_replaces_the_previous_one() {
    let mut n = net(7, config(86_400));
    register(&mut n);
    let first = n.server.registration("dev-1").unwrap().id;
    n.client.start(n.now).unwrap();
    let replaced = n.wait_server(10_000, |e| match e {
        ServerEvent::Registered { replaced, .. } => Some(*replaced),
        _ => None,
    });
    assert_eq!(replaced, Some(true));
    assert_eq!(n.server.store().len(), 1);
    assert_ne!(n.server.registration("dev-1").unwrap().id, first);
    // Temperature reads keep working on the new registration.
    let (op, req) = n
        .server
        .read_resource(n.now, "dev-1", 0, Temperature::SENSOR_VALUE)
        .unwrap();
    assert_eq!(req.decode(content(result(&mut n, op)).node).unwrap(), 21.5);
}

#[test]
fn client_re_registers_when_the_server_forgot_it() {
    let mut n = net(8, config(300));
    register(&mut n);
    // The server restarts with an empty store: the next Update gets 4.04, the client registers
    // again.
    let mut fresh = net(8, config(300));
    std::mem::swap(&mut n.server, &mut fresh.server);
    let ep = n.wait_server(400_000, |e| match e {
        ServerEvent::Registered { endpoint, .. } => Some(endpoint.clone()),
        _ => None,
    });
    assert_eq!(ep.as_deref(), Some("dev-1"));
    assert!(n.server.registration("dev-1").is_some());
}

#[test]
fn local_instance_changes_update_the_registration() {
    let mut n = net(9, config(86_400));
    register(&mut n);
    let temps = n
        .client
        .object_mut::<Object<temperature::Instance>>(3303)
        .unwrap();
    temps.insert(7, temperature::Instance::default());
    n.client.instances_changed(n.now);
    n.wait_server(10_000, |e| {
        matches!(e, ServerEvent::Updated { .. }).then_some(())
    })
    .expect("update");
    let reg = n.server.registration("dev-1").unwrap();
    assert!(
        reg.objects
            .iter()
            .any(|o| o.object == 3303 && o.instance == Some(7))
    );
}

#[test]
fn an_address_change_updates_the_registration() {
    let mut n = net(10, config(86_400));
    register(&mut n);
    assert_eq!(n.server.registration("dev-1").unwrap().peer, n.client_addr);
    // The client moves (another network, a NAT rebinding): requests to the old address are lost.
    n.client_addr = "10.0.0.9:41000".parse().unwrap();
    let sensor = Path::resource(3303, 0, 5700);
    let op = n.server.read(n.now, "dev-1", sensor).unwrap();
    assert_eq!(result(&mut n, op), Err(OpError::Timeout));
    assert!(n.misaddressed > 0);
    // Told of its new address, the client updates; the server uses the address it came from.
    n.client.address_changed(n.now);
    n.wait_server(10_000, |e| {
        matches!(e, ServerEvent::Updated { .. }).then_some(())
    })
    .expect("an Update");
    assert_eq!(n.server.registration("dev-1").unwrap().peer, n.client_addr);
    let (op, req) = n
        .server
        .read_resource(n.now, "dev-1", 0, Temperature::SENSOR_VALUE)
        .unwrap();
    assert_eq!(req.decode(content(result(&mut n, op)).node).unwrap(), 21.5);
}

#[test]
fn an_address_change_during_an_update_sends_another() {
    let mut n = net(11, config(86_400));
    register(&mut n);
    // The network reports a new address while an Update is in flight: that Update may have
    // left from the old one, so another follows once it completes.
    n.client.update(n.now).unwrap();
    n.client.address_changed(n.now);
    n.run_for(10_000);
    let updates = |events: &[ServerEvent]| {
        events
            .iter()
            .filter(|e| matches!(e, ServerEvent::Updated { .. }))
            .count()
    };
    assert_eq!(updates(&n.server_events), 2);
    // Nothing more is due: the next Update waits for the lifetime.
    n.run_for(60_000);
    assert_eq!(updates(&n.server_events), 2);
}
