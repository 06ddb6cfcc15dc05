//! The LwM2M 1.1 composite operations (Core TS 1.1 §6.3.8 Read-Composite, §6.3.9
//! Write-Composite, §6.4.3 Observe-Composite; Transport TS 1.1 §6.4–6.5: FETCH / iPATCH on the
//! root path with SenML bodies): our client against our server in virtual time. The client's
//! answers to hand-made datagrams are in `lwm2m_composite_wire.rs`.

mod composite_objects;
mod lwm2m_net;

use composite_objects::{objects, value_at};
use lwm2m_core::object::Object;
use lwm2m_core::object::server::read;
use lwm2m_core::{Content, ContentFormat, Node, Path, Record, Value};
use lwm2m_net::Net;
use lwm2m_objects::device::{self, Device};
use lwm2m_objects::light_control::{self, LightControl};
use lwm2m_objects::temperature;
use lwm2m_runtime::client::{ClientConfig, ClientEvent};
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::server::{CompositeWrite, OpError, OpId, Reply, ServerEvent, composite_node};

fn net(seed: u64) -> Net {
    let metas = [&device::META, &temperature::META, &light_control::META];
    let mut n = Net::new(seed, ClientConfig::new("dev-1"), &metas);
    objects(&mut n.client);
    n.client.start(n.now).unwrap();
    let registered = n.wait_server(300_000, |e| {
        matches!(e, ServerEvent::Registered { .. }).then_some(())
    });
    assert!(registered.is_some());
    n
}

fn result(n: &mut Net, op: OpId) -> Result<Reply, OpError> {
    n.wait_server(600_000, |e| match e {
        ServerEvent::Response { op: o, result, .. } if *o == op => Some(result.clone()),
        _ => None,
    })
    .unwrap_or_else(|| panic!("operation {op:?} did not finish"))
}

fn records(r: Result<Reply, OpError>) -> Vec<Record> {
    match r {
        Ok(Reply::Content(c)) => {
            assert!(
                c.path.is_root(),
                "composite content is addressed from the root"
            );
            assert!(matches!(c.node, Node::Records(_)), "{c:?}");
            c.to_records()
        }
        other => panic!("expected content, got {other:?}"),
    }
}

fn light(n: &Net) -> light_control::Instance {
    let o = n
        .client
        .object::<Object<light_control::Instance>>(3311)
        .unwrap();
    o.instance(0).unwrap().clone()
}

fn utc_offset(n: &Net) -> Option<String> {
    let o = n.client.object::<Object<device::Instance>>(3).unwrap();
    o.instance(0).unwrap().utc_offset().cloned()
}

#[test]
fn read_composite_returns_every_readable_path_and_leaves_out_the_rest() {
    let mut n = net(1);
    let paths = [
        Path::resource(3, 0, 0),
        Path::resource(3303, 0, 5700),
        Path::resource(3, 0, 7),
        // Not hosted, not present, not readable: left out (best effort, §6.3.8).
        Path::resource(9999, 0, 1),
        Path::resource(3303, 7, 5700),
        Path::resource(3, 0, 4),
    ];
    let op = n.server.read_composite(n.now, "dev-1", &paths).unwrap();
    let got = records(result(&mut n, op));
    assert_eq!(
        value_at(&got, Path::resource(3, 0, 0)),
        Some(&Value::String("ACME".into()))
    );
    assert_eq!(
        value_at(&got, Path::resource(3303, 0, 5700)),
        Some(&Value::Float(21.5))
    );
    assert_eq!(
        value_at(&got, Path::resource_instance(3, 0, 7, 1)),
        Some(&Value::Integer(5000))
    );
    assert_eq!(got.len(), 4, "{got:?}");

    // The typed handle decodes its value out of the composite result.
    let req = read(0, Device::BATTERY_LEVEL);
    let op = n
        .server
        .read_composite_as(n.now, "dev-1", &[req.path], ContentFormat::SenmlJson)
        .unwrap();
    let content = Content::records(Path::ROOT, records(result(&mut n, op)));
    let node = composite_node(&content, req.path).unwrap();
    assert_eq!(req.decode(node).unwrap(), 87);

    // Nothing readable at all: the first path's error.
    let op = n
        .server
        .read_composite(n.now, "dev-1", &[Path::resource(3303, 9, 5700)])
        .unwrap();
    assert_eq!(result(&mut n, op), Err(OpError::Response(Code::NOT_FOUND)));
}

#[test]
fn write_composite_applies_every_record() {
    let mut n = net(2);
    let records = CompositeWrite::new()
        .set(0, Device::UTC_OFFSET, &"+02:00".to_string())
        .set(0, LightControl::ON_OFF, &true)
        .set(0, LightControl::DIMMER, &40)
        .into_records();
    let op = n.server.write_composite(n.now, "dev-1", records).unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    assert_eq!(utc_offset(&n).as_deref(), Some("+02:00"));
    assert_eq!(light(&n).on_off(), &true);
    assert_eq!(light(&n).dimmer(), Some(&40));
    let written: Vec<Path> = n
        .client_events
        .iter()
        .filter_map(|e| match e {
            ClientEvent::Written { path } => Some(*path),
            _ => None,
        })
        .collect();
    assert_eq!(
        written,
        [
            Path::resource(3, 0, 14),
            Path::resource(3311, 0, 5850),
            Path::resource(3311, 0, 5851)
        ]
    );
}

#[test]
fn write_composite_is_all_or_nothing() {
    let mut n = net(3);
    let before = (utc_offset(&n), light(&n).on_off().to_owned());
    let write = |n: &mut Net, records: Vec<Record>| {
        let op = n.server.write_composite(n.now, "dev-1", records).unwrap();
        result(n, op)
    };
    let offset = Record::new(Path::resource(3, 0, 14), Value::String("+05:00".into()));
    let on = Record::new(Path::resource(3311, 0, 5850), Value::Boolean(true));
    // The dimmer's range is 0..100: the last record fails after the others were applied, and
    // they are undone.
    let dimmer = Record::new(Path::resource(3311, 0, 5851), Value::Integer(150));
    assert_eq!(
        write(&mut n, vec![offset.clone(), on.clone(), dimmer]),
        Err(OpError::Response(Code::BAD_REQUEST))
    );
    // Checked before anything is written: a missing instance (no creation), a read-only
    // Resource, a Resource Instance of a single-instance Resource.
    let missing = Record::new(Path::resource(3311, 4, 5850), Value::Boolean(true));
    assert_eq!(
        write(&mut n, vec![offset.clone(), missing]),
        Err(OpError::Response(Code::NOT_FOUND))
    );
    let read_only = Record::new(Path::resource(3, 0, 0), Value::String("x".into()));
    assert_eq!(
        write(&mut n, vec![on.clone(), read_only]),
        Err(OpError::Response(Code::METHOD_NOT_ALLOWED))
    );
    let shape = Record::new(
        Path::resource_instance(3, 0, 15, 0),
        Value::String("x".into()),
    );
    assert_eq!(
        write(&mut n, vec![offset, shape]),
        Err(OpError::Response(Code::BAD_REQUEST))
    );
    assert_eq!((utc_offset(&n), light(&n).on_off().to_owned()), before);
    assert!(
        !n.client_events
            .iter()
            .any(|e| matches!(e, ClientEvent::Written { .. }))
    );
}

#[test]
fn observe_composite_notifies_all_paths_until_cancelled() {
    let mut n = net(4);
    let paths = [Path::resource(3303, 0, 5700), Path::resource(3311, 0, 5851)];
    let obs = n.server.observe_composite(n.now, "dev-1", &paths).unwrap();
    let first = records(result(&mut n, obs));
    assert_eq!(
        value_at(&first, paths[0]),
        Some(&Value::Float(21.5)),
        "{first:?}"
    );
    assert!(
        n.wait_client(1_000, |e| {
            matches!(e, ClientEvent::ObservationStarted { path } if path.is_root()).then_some(())
        })
        .is_some()
    );
    let notification = |e: &ServerEvent| match e {
        ServerEvent::Notification { op, content, .. } if *op == obs => Some(content.to_records()),
        _ => None,
    };
    // A change at either path notifies with the values of both.
    let temps = n
        .client
        .object_mut::<Object<temperature::Instance>>(3303)
        .unwrap();
    temps.instance_mut(0).unwrap().set_sensor_value(25.0);
    n.client.changed(n.now, Path::resource(3303, 0, 5700));
    let got = n.wait_server(5_000, notification).expect("notification");
    assert_eq!(value_at(&got, paths[0]), Some(&Value::Float(25.0)));
    let w = CompositeWrite::new().set(0, LightControl::DIMMER, &70);
    let op = n
        .server
        .write_composite(n.now, "dev-1", w.into_records())
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let got = n.wait_server(5_000, notification).expect("notification");
    assert_eq!(value_at(&got, paths[1]), Some(&Value::Integer(70)));
    assert_eq!(value_at(&got, paths[0]), Some(&Value::Float(25.0)));
    // A change elsewhere does not notify.
    n.client.changed(n.now, Path::resource(3, 0, 9));
    assert!(n.wait_server(5_000, notification).is_none());

    n.server.cancel_observation(n.now, obs).unwrap();
    assert!(
        n.wait_client(10_000, |e| {
            matches!(e, ClientEvent::ObservationEnded { path } if path.is_root()).then_some(())
        })
        .is_some()
    );
    n.client.changed(n.now, Path::resource(3303, 0, 5700));
    n.run_for(10_000);
    assert!(!n.server_events.iter().any(|e| notification(e).is_some()));
}
#[test]
fn observe_composite_honours_the_attributes_of_each_path() {
    let mut n = net(6);
    let sensor = Path::resource(3303, 0, 5700);
    let change = lwm2m_runtime::lwm2m::AttributeChange::from_query(["pmin=3", "st=2"]).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", sensor, &change)
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let paths = [sensor, Path::resource(3311, 0, 5851)];
    let obs = n.server.observe_composite(n.now, "dev-1", &paths).unwrap();
    records(result(&mut n, obs));
    let started = n.now;
    let notification = |e: &ServerEvent| match e {
        ServerEvent::Notification { op, content, .. } if *op == obs => Some(content.to_records()),
        _ => None,
    };
    // Below the sensor's st: no notification.
    let temps = n
        .client
        .object_mut::<Object<temperature::Instance>>(3303)
        .unwrap();
    temps.instance_mut(0).unwrap().set_sensor_value(22.0);
    n.client.changed(n.now, sensor);
    assert!(n.wait_server(2_000, notification).is_none());
    // The dimmer has no st: its change notifies, but not before the sensor's pmin.
    let w = CompositeWrite::new().set(0, LightControl::DIMMER, &10);
    let op = n
        .server
        .write_composite(n.now, "dev-1", w.into_records())
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let got = n.wait_server(5_000, notification).expect("notification");
    assert!(n.now.saturating_since(started) >= std::time::Duration::from_secs(3));
    assert_eq!(value_at(&got, paths[1]), Some(&Value::Integer(10)));
    assert_eq!(value_at(&got, paths[0]), Some(&Value::Float(22.0)));
}
#[test]
fn large_composite_answers_travel_block_wise() {
    let mut n = net(7);
    let long = "x".repeat(3000);
    let w = CompositeWrite::new().set(0, Device::TIMEZONE, &long).set(
        0,
        Device::UTC_OFFSET,
        &"+03:00".to_string(),
    );
    let op = n
        .server
        .write_composite(n.now, "dev-1", w.into_records())
        .unwrap();
    assert_eq!(result(&mut n, op), Ok(Reply::Changed));
    let paths = [Path::resource(3, 0, 15), Path::resource(3, 0, 14)];
    let op = n.server.read_composite(n.now, "dev-1", &paths).unwrap();
    let got = records(result(&mut n, op));
    assert_eq!(value_at(&got, paths[0]), Some(&Value::String(long)));
    assert_eq!(
        value_at(&got, paths[1]),
        Some(&Value::String("+03:00".into()))
    );
}
