//! Our LwM2M client against our server in virtual time over a faulty link: operations complete
//! under loss, non-idempotent ones run once under duplication, and notifications that overtake
//! each other never take the server back to an older value.

mod lwm2m_net;

use lwm2m_core::{Path, Resource, ResourceValue, Value};
use lwm2m_net::device::{
    config, content, net, register, result, set_temperature, temperature_value,
};
use lwm2m_objects::device::Device;
use lwm2m_runtime::client::ClientEvent;
use lwm2m_runtime::server::{OpError, Reply, ServerEvent};

#[test]
fn operations_complete_under_20_percent_loss() {
    let mut n = net(5, config(120));
    n.loss = 0.2;
    register(&mut n);
    let (mut ok, mut timeouts) = (0, 0);
    for i in 0..30 {
        let op = n
            .server
            .write_resource(
                n.now,
                "dev-1",
                0,
                Device::UTC_OFFSET,
                &format!("+0{}:00", i % 10),
            )
            .unwrap();
        match result(&mut n, op) {
            Ok(Reply::Changed) => ok += 1,
            Err(OpError::Timeout) => timeouts += 1,
            other => panic!("{other:?}"),
        }
        let (op, req) = n
            .server
            .read_resource(n.now, "dev-1", 0, Device::BATTERY_LEVEL)
            .unwrap();
        match result(&mut n, op) {
            Ok(Reply::Content(c)) => assert_eq!(req.decode(c.node).unwrap(), 87),
            Err(OpError::Timeout) => timeouts += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(ok >= 25, "{ok} writes succeeded, {timeouts} timeouts");
    // The registration survived the loss (updates are retried or re-registered).
    n.run_for(600_000);
    assert!(n.server.registration("dev-1").is_some());
}

#[test]
fn operations_and_notifications_survive_duplication_and_reordering() {
    let mut n = net(12, config(86_400));
    n.duplicate = 0.5;
    n.jitter_ms = 300;
    register(&mut n);
    // Duplicated CON requests are executed once (the duplicate gets the cached answer), so
    // Create, Execute and Delete, which are not idempotent, each succeed every time.
    for i in 1..=10u16 {
        let res = vec![Resource {
            id: 5700,
            value: ResourceValue::Single(Value::Float(f64::from(i))),
        }];
        let op = n.server.create(n.now, "dev-1", 3303, Some(i), res).unwrap();
        assert_eq!(
            result(&mut n, op),
            Ok(Reply::Created(Path::instance(3303, i)))
        );
        let op = n
            .server
            .execute(n.now, "dev-1", Path::resource(3, 0, 4), "")
            .unwrap();
        assert_eq!(result(&mut n, op), Ok(Reply::Changed));
        let op = n
            .server
            .delete(n.now, "dev-1", Path::instance(3303, i))
            .unwrap();
        assert_eq!(result(&mut n, op), Ok(Reply::Deleted));
    }
    let executed = n
        .client_events
        .iter()
        .filter(|e| matches!(e, ClientEvent::Executed { .. }))
        .count();
    assert_eq!(executed, 10, "each Execute ran once");

    // Notifications overtake each other on the way: the server never goes back to an older
    // value (RFC 7641 §3.4), and ends with the latest.
    let obs = n
        .server
        .observe(n.now, "dev-1", Path::resource(3303, 0, 5700))
        .unwrap();
    content(result(&mut n, obs));
    for v in 1..=30 {
        set_temperature(&mut n, f64::from(v));
        n.run_for(150);
    }
    n.run_for(5_000);
    let seen: Vec<f64> = n
        .server_events
        .iter()
        .filter_map(|e| match e {
            ServerEvent::Notification { op, content, .. } if *op == obs => {
                Some(temperature_value(content))
            }
            _ => None,
        })
        .collect();
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(seen.last(), Some(&30.0), "{seen:?}");
    assert!(seen.len() >= 10, "{seen:?}");
    let (c, s) = (n.client.endpoint().stats(), n.server.endpoint().stats());
    assert!(
        c.duplicates > 0 && s.duplicates > 0,
        "the network duplicated"
    );
    assert!(s.stale_notifications > 0, "notifications were reordered");
}
