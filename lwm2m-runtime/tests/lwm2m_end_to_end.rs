//! Our LwM2M client against our server, in virtual time over an in-memory link: every Device
//! Management operation, observe with attributes, Send and queue mode. The registration
//! interface is in `lwm2m_registration.rs`, loss, duplication and reordering in
//! `lwm2m_faults.rs`.

mod lwm2m_net;

use std::sync::atomic::Ordering;

use lwm2m_core::object::WriteMode;
use lwm2m_core::{ContentFormat, Node, Path, Record, Resource, ResourceValue, Value};
use lwm2m_net::device::{
    REBOOTS, config, content, net, register, result, set_temperature, temperature_value,
};
use lwm2m_objects::device::Device;
use lwm2m_runtime::client::ClientEvent;
use lwm2m_runtime::lwm2m::AttributeChange;
use lwm2m_runtime::server::{OpError, OpId, Reply, ServerEvent};

#[test]
fn register_and_every_device_management_operation() {
    let mut n = net(1, config(86_400));
    register(&mut n);
    let reg = n.server.registration("dev-1").unwrap();
    assert!(reg.has_object(3) && reg.has_object(3303));
    assert!(
        reg.objects
            .iter()
            .any(|o| o.object == 3303 && o.instance == Some(0))
    );

    // Read /3/0 in the negotiated format (SenML CBOR, announced with ct=) and in TLV.
    let op = n.server.read(n.now, "dev-1", Path::instance(3, 0)).unwrap();
    let c = content(result(&mut n, op));
    let manufacturer = c
        .to_records()
        .into_iter()
        .find(|r| r.path == Path::resource(3, 0, 0))
        .map(|r| r.value);
    assert_eq!(manufacturer, Some(Value::String("ACME".into())));
    let op = n
        .server
        .read_as(n.now, "dev-1", Path::instance(3, 0), ContentFormat::Tlv)
        .unwrap();
    // TLV also carries the empty multiple-instance Error Code (/3/0/11); SenML cannot.
    assert_eq!(content(result(&mut n, op)).to_records(), c.to_records());

    // Typed read.
    let (op, req) = n
        .server
        .read_resource(n.now, "dev-1", 0, Device::BATTERY_LEVEL)
        .unwrap();
    let level = req.decode(content(result(&mut n, op)).node).unwrap();
    assert_eq!(level, 87);

    // Typed write, read back.
    let op = n
        .server
        .write_resource(n.now, "dev-1", 0, Device::UTC_OFFSET, &"+02:00".to_string())
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let (op, req) = n
        .server
        .read_resource(n.now, "dev-1", 0, Device::UTC_OFFSET)
        .unwrap();
    assert_eq!(
        req.decode(content(result(&mut n, op)).node).unwrap(),
        "+02:00"
    );
    assert!(n.client_events.contains(&ClientEvent::Written {
        path: Path::resource(3, 0, 14)
    }));

    // Writing a read-only resource is refused by the client (4.05).
    let op = n
        .server
        .write(
            n.now,
            "dev-1",
            Path::resource(3, 0, 0),
            Node::Single(Value::String("x".into())),
            WriteMode::Replace,
        )
        .unwrap();
    assert!(matches!(result(&mut n, op), Err(OpError::Response(c)) if c.to_string() == "4.05"));

    // Execute with arguments.
    let before = REBOOTS.load(Ordering::SeqCst);
    let op = n
        .server
        .execute_resource(n.now, "dev-1", 0, Device::REBOOT, "0='now'")
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    assert_eq!(REBOOTS.load(Ordering::SeqCst), before + 1);
    assert!(n.client_events.iter().any(|e| matches!(e,
        ClientEvent::Executed { path, args } if *path == Path::resource(3, 0, 4) && args == "0='now'")));

    // Create /3303/1: the client updates its registration with the new instance.
    let res = vec![Resource {
        id: 5700,
        value: ResourceValue::Single(Value::Float(30.0)),
    }];
    let op = n.server.create(n.now, "dev-1", 3303, Some(1), res).unwrap();
    assert_eq!(
        result(&mut n, op),
        Ok(Reply::Created(Path::instance(3303, 1)))
    );
    n.wait_server(10_000, |e| {
        matches!(e, ServerEvent::Updated { .. }).then_some(())
    })
    .expect("update after create");
    let reg = n.server.registration("dev-1").unwrap();
    assert!(
        reg.objects
            .iter()
            .any(|o| o.object == 3303 && o.instance == Some(1))
    );
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3303, 1, 5700))
        .unwrap();
    assert_eq!(temperature_value(&content(result(&mut n, op))), 30.0);

    // Create without an instance id: the client picks the lowest free one (2).
    let res = vec![Resource {
        id: 5700,
        value: ResourceValue::Single(Value::Float(5.0)),
    }];
    let op = n.server.create(n.now, "dev-1", 3303, None, res).unwrap();
    assert_eq!(
        result(&mut n, op),
        Ok(Reply::Created(Path::instance(3303, 2)))
    );

    // Delete /3303/1, then it is gone.
    let op = n
        .server
        .delete(n.now, "dev-1", Path::instance(3303, 1))
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Deleted));
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3303, 1, 5700))
        .unwrap();
    assert!(matches!(result(&mut n, op), Err(OpError::Response(c)) if c.to_string() == "4.04"));
    n.wait_server(10_000, |e| {
        matches!(e, ServerEvent::Updated { .. }).then_some(())
    })
    .expect("update after delete");
    let reg = n.server.registration("dev-1").unwrap();
    assert!(
        !reg.objects
            .iter()
            .any(|o| o.object == 3303 && o.instance == Some(1))
    );

    // Write-Attributes then Discover shows them.
    let change = AttributeChange::from_query(["pmin=2", "pmax=30", "st=1"]).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", Path::resource(3303, 0, 5700), &change)
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let op = n
        .server
        .discover(n.now, "dev-1", Path::instance(3303, 0))
        .unwrap();
    let links = match result(&mut n, op) {
        Ok(Reply::Links(l)) => l,
        other => panic!("{other:?}"),
    };
    let sensor = links.iter().find(|l| l.target == "/3303/0/5700").unwrap();
    assert_eq!(sensor.attribute("pmin"), Some(Some("2")));
    assert_eq!(sensor.attribute("st"), Some(Some("1")));
    // gt on a string resource is refused.
    let bad = AttributeChange::from_query(["gt=5"]).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", Path::resource(3, 0, 0), &bad)
        .unwrap();
    assert!(matches!(result(&mut n, op), Err(OpError::Response(c)) if c.to_string() == "4.00"));

    // Send (POST /dp, SenML CBOR).
    let id = n
        .client
        .send(
            n.now,
            vec![Record::new(
                Path::resource(3303, 0, 5700),
                Value::Float(21.5),
            )],
        )
        .unwrap();
    let sent = n
        .wait_server(10_000, |e| match e {
            ServerEvent::Sent { content, .. } => Some(content.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(sent.to_records()[0].value, Value::Float(21.5));
    assert!(
        n.wait_client(10_000, |e| (*e == ClientEvent::SendCompleted { id })
            .then_some(()))
            .is_some()
    );

    // De-register.
    n.client.deregister(n.now).unwrap();
    n.wait_server(10_000, |e| {
        matches!(e, ServerEvent::Deregistered { .. }).then_some(())
    })
    .expect("deregistered");
    assert!(n.server.registration("dev-1").is_none());
    assert!(
        n.wait_client(10_000, |e| (*e == ClientEvent::Deregistered).then_some(()))
            .is_some()
    );
}

#[test]
fn observe_honours_pmin_st_and_pmax_then_cancel() {
    let mut n = net(2, config(86_400));
    register(&mut n);
    let path = Path::resource(3303, 0, 5700);
    let change = AttributeChange::from_query(["pmin=2", "pmax=60", "st=1"]).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", path, &change)
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));

    let obs = n.server.observe(n.now, "dev-1", path).unwrap();
    assert_eq!(temperature_value(&content(result(&mut n, obs))), 21.5);
    let started = n.now;

    let notification = |e: &ServerEvent| match e {
        ServerEvent::Notification { op, content, .. } if *op == obs => {
            Some(temperature_value(content))
        }
        _ => None,
    };
    // A change below st does not notify.
    set_temperature(&mut n, 21.9);
    assert_eq!(n.wait_server(1_500, notification), None);
    // A change of at least st notifies, but not before pmin (2 s) after the last one.
    set_temperature(&mut n, 23.0);
    assert_eq!(n.wait_server(5_000, notification), Some(23.0));
    assert!(n.now.saturating_since(started) >= std::time::Duration::from_secs(2));
    let second = n.now;
    set_temperature(&mut n, 25.0);
    assert_eq!(n.wait_server(5_000, notification), Some(25.0));
    assert!(n.now.saturating_since(second) >= std::time::Duration::from_secs(2));
    // Without change, pmax (60 s) brings the current value anyway.
    let third = n.now;
    assert_eq!(n.wait_server(70_000, notification), Some(25.0));
    assert!(n.now.saturating_since(third) >= std::time::Duration::from_secs(60));

    // Cancel: the client stops observing.
    n.server.cancel_observation(n.now, obs).unwrap();
    n.wait_client(10_000, |e| {
        matches!(e, ClientEvent::ObservationEnded { .. }).then_some(())
    })
    .expect("observation ended on the client");
    set_temperature(&mut n, 40.0);
    n.run_for(120_000);
    assert!(!n.server_events.iter().any(|e| notification(e).is_some()));
}

#[test]
fn queue_mode_holds_requests_until_the_client_updates() {
    let mut cfg = config(86_400);
    cfg.queue_mode = true;
    let mut n = net(6, cfg);
    register(&mut n);
    assert!(n.server.registration("dev-1").unwrap().queue_mode);
    // Past the awake window, a read is held.
    n.run_for(100_000);
    let sent_before = n.sent.0;
    let op = n
        .server
        .read(n.now, "dev-1", Path::resource(3, 0, 9))
        .unwrap();
    n.run_for(30_000);
    assert_eq!(n.sent.0, sent_before, "nothing sent to a sleeping client");
    assert!(
        !n.server_events
            .iter()
            .any(|e| matches!(e, ServerEvent::Response { .. }))
    );
    // The client wakes up and updates: the held read goes out and completes.
    n.client.update(n.now).unwrap();
    let c = content(result(&mut n, op));
    assert_eq!(c.node, Node::Single(Value::Integer(87)));
}

#[test]
fn observe_an_instance_and_thresholds() {
    let mut n = net(10, config(86_400));
    register(&mut n);
    // gt=25 on the sensor value: only crossings notify.
    let path = Path::resource(3303, 0, 5700);
    let change = AttributeChange::from_query(["gt=25"]).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", path, &change)
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let obs = n.server.observe(n.now, "dev-1", path).unwrap();
    content(result(&mut n, obs));
    let inst = n
        .server
        .observe(n.now, "dev-1", Path::instance(3303, 0))
        .unwrap();
    content(result(&mut n, inst));
    let value_of = |op: OpId| {
        move |e: &ServerEvent| match e {
            ServerEvent::Notification { op: o, content, .. } if *o == op => Some(content.clone()),
            _ => None,
        }
    };
    set_temperature(&mut n, 24.0); // below gt: only the instance observation notifies
    assert_eq!(n.wait_server(1_000, value_of(obs)), None);
    let c = n
        .wait_server(1_000, value_of(inst))
        .expect("instance notification");
    assert!(
        c.to_records()
            .iter()
            .any(|r| r.path == path && r.value == Value::Float(24.0))
    );
    set_temperature(&mut n, 26.0); // crosses gt
    let c = n.wait_server(1_000, value_of(obs)).expect("crossing");
    assert_eq!(temperature_value(&c), 26.0);
    let c = n
        .wait_server(1_000, value_of(inst))
        .expect("instance notification");
    assert!(c.to_records().iter().any(|r| r.value == Value::Float(26.0)));
    set_temperature(&mut n, 30.0); // stays above gt
    assert_eq!(n.wait_server(1_000, value_of(obs)), None);
    let c = n
        .wait_server(1_000, value_of(inst))
        .expect("instance notification");
    assert!(c.to_records().iter().any(|r| r.value == Value::Float(30.0)));
    // A server write to an observed resource notifies too.
    let op = n
        .server
        .write(
            n.now,
            "dev-1",
            Path::resource(3303, 0, 5750),
            Node::Single(Value::String("room".into())),
            WriteMode::Replace,
        )
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let c = n.wait_server(1_000, value_of(inst)).expect("after write");
    assert!(
        c.to_records()
            .iter()
            .any(|r| r.value == Value::String("room".into()))
    );
}
