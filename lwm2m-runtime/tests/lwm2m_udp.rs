//! The LwM2M client and server over real loopback UDP sockets through the tokio driver, for
//! every operation: the virtual-time tests prove the protocol; these prove that each operation
//! crosses the driver and real sockets intact.
#![cfg(feature = "tokio")]

mod composite_objects;
mod loopback;

use std::time::Duration;

use composite_objects::{objects, value_at};
use loopback::Loopback;
use lwm2m_core::object::{Object, WriteMode};
use lwm2m_core::{Node, Path, Record, Resource, ResourceValue, Value};
use lwm2m_objects::device::Device;
use lwm2m_objects::light_control::{self, LightControl};
use lwm2m_objects::temperature;
use lwm2m_runtime::client::{ClientConfig, ClientEvent};
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::lwm2m::AttributeChange;
use lwm2m_runtime::server::{
    CompositeWrite, OpError, Reply, ServerConfig, ServerEvent, composite_node,
};

async fn start(config: ClientConfig, server_config: ServerConfig) -> Loopback {
    Loopback::start(server_config, config, objects).await
}

fn content(r: Result<Reply, OpError>) -> lwm2m_core::Content {
    match r {
        Ok(Reply::Content(c)) => c,
        other => panic!("expected content, got {other:?}"),
    }
}

fn single(r: Result<Reply, OpError>) -> Value {
    match content(r).node {
        Node::Single(v) => v,
        other => panic!("expected one value, got {other:?}"),
    }
}

/// Sets the temperature on the client and tells it (observers are re-evaluated).
async fn set_temperature(l: &Loopback, v: f64) {
    l.on_client(move |c, now| {
        let temps = c.object_mut::<Object<temperature::Instance>>(3303).unwrap();
        temps.instance_mut(0).unwrap().set_sensor_value(v);
        c.changed(now, Path::resource(3303, 0, 5700));
    })
    .await;
}

#[tokio::test]
async fn register_read_deregister_over_loopback() {
    let mut l = start(ClientConfig::new("udp-1"), ServerConfig::default()).await;
    let maker = l
        .op(|s, now, ep| s.read(now, ep, Path::resource(3, 0, 0)))
        .await;
    assert_eq!(single(maker), Value::String("ACME".into()));
    // Typed: the generated Device type names the Resource and decodes the value.
    let (id, req) = l
        .server
        .call(|s, now| s.read_resource(now, "udp-1", 0, Device::BATTERY_LEVEL))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(req.decode(content(l.outcome(id).await).node).unwrap(), 87);

    l.on_client(|c, now| c.deregister(now)).await.unwrap();
    l.server_event(|e| matches!(e, ServerEvent::Deregistered { .. }).then_some(()))
        .await;
    l.client_event(|e| (*e == ClientEvent::Deregistered).then_some(()))
        .await;
}

#[tokio::test]
async fn write_replace_and_partial_update_create_delete_over_loopback() {
    let mut l = start(ClientConfig::new("udp-2"), ServerConfig::default()).await;
    let light = Path::instance(3311, 0);
    let res = |id, v| Resource {
        id,
        value: ResourceValue::Single(v),
    };
    // Replace the instance: On/Off and Dimmer.
    let node = Node::Instance(vec![
        res(5850, Value::Boolean(true)),
        res(5851, Value::Integer(30)),
    ]);
    let r = l
        .op(move |s, now, ep| s.write(now, ep, light, node, WriteMode::Replace))
        .await;
    assert_eq!(r, Ok(Reply::Changed));
    // A partial update sets the Colour and keeps the Dimmer.
    let node = Node::Instance(vec![res(5706, Value::String("red".into()))]);
    let r = l
        .op(move |s, now, ep| s.write(now, ep, light, node, WriteMode::Update))
        .await;
    assert_eq!(r, Ok(Reply::Changed));
    let dimmer = Path::resource(3311, 0, 5851);
    let r = l.op(move |s, now, ep| s.read(now, ep, dimmer)).await;
    assert_eq!(single(r), Value::Integer(30));
    // A replace without the Dimmer and the Colour removes both.
    let node = Node::Instance(vec![res(5850, Value::Boolean(false))]);
    let r = l
        .op(move |s, now, ep| s.write(now, ep, light, node, WriteMode::Replace))
        .await;
    assert_eq!(r, Ok(Reply::Changed));
    let lc = l
        .on_client(|c, _| {
            let o = c.object::<Object<light_control::Instance>>(3311).unwrap();
            o.instance(0).unwrap().clone()
        })
        .await;
    assert_eq!(
        (lc.on_off(), lc.dimmer(), lc.colour()),
        (&false, None, None)
    );

    // Create /3303/4: the client updates its registration with the new instance.
    let r = l
        .op(|s, now, ep| {
            let r = Resource {
                id: 5750,
                value: ResourceValue::Single(Value::String("attic".into())),
            };
            s.create(now, ep, 3303, Some(4), vec![r])
        })
        .await;
    assert_eq!(r, Ok(Reply::Created(Path::instance(3303, 4))));
    l.server_event(|e| matches!(e, ServerEvent::Updated { .. }).then_some(()))
        .await;
    let listed = l
        .server
        .call(|s, _| s.registration("udp-2").unwrap().objects)
        .await
        .unwrap();
    assert!(
        listed
            .iter()
            .any(|o| o.object == 3303 && o.instance == Some(4))
    );
    let r = l
        .op(|s, now, ep| s.read(now, ep, Path::resource(3303, 4, 5750)))
        .await;
    assert_eq!(single(r), Value::String("attic".into()));
    let r = l
        .op(|s, now, ep| s.delete(now, ep, Path::instance(3303, 4)))
        .await;
    assert_eq!(r, Ok(Reply::Deleted));
    let r = l
        .op(|s, now, ep| s.read(now, ep, Path::instance(3303, 4)))
        .await;
    assert_eq!(r, Err(OpError::Response(Code::NOT_FOUND)));
}

#[tokio::test]
async fn write_attributes_observe_cancel_and_send_over_loopback() {
    let mut l = start(ClientConfig::new("udp-3"), ServerConfig::default()).await;
    let sensor = Path::resource(3303, 0, 5700);
    let gt = AttributeChange::from_query(["gt=30"]).unwrap();
    let r = l
        .op(move |s, now, ep| s.write_attributes(now, ep, sensor, &gt))
        .await;
    assert_eq!(r, Ok(Reply::Changed));
    let r = l
        .op(|s, now, ep| s.discover(now, ep, Path::instance(3303, 0)))
        .await;
    let Ok(Reply::Links(links)) = r else {
        panic!("discover: {r:?}")
    };
    let link = links.iter().find(|l| l.target == "/3303/0/5700").unwrap();
    assert_eq!(link.attribute("gt"), Some(Some("30")));

    let obs = l
        .start_op(move |s, now, ep| s.observe(now, ep, sensor))
        .await;
    assert_eq!(single(l.outcome(obs).await), Value::Float(21.5));
    // 25 stays below gt=30 and is not notified; 31 crosses it and is the first notification.
    set_temperature(&l, 25.0).await;
    set_temperature(&l, 31.0).await;
    let note = l
        .server_event(|e| match e {
            ServerEvent::Notification { op, content, .. } if *op == obs => Some(content.clone()),
            _ => None,
        })
        .await;
    assert_eq!(note.node, Node::Single(Value::Float(31.0)));
    // Cancel (GET with Observe=1): the client ends the observation.
    l.server
        .call(move |s, now| s.cancel_observation(now, obs))
        .await
        .unwrap()
        .unwrap();
    let ended = l
        .client_event(|e| match e {
            ClientEvent::ObservationEnded { path } => Some(*path),
            _ => None,
        })
        .await;
    assert_eq!(ended, sensor);

    // Send (POST /dp) from the client.
    let records = vec![Record::new(sensor, Value::Float(31.0))];
    let id = l.on_client(|c, now| c.send(now, records)).await.unwrap();
    let sent = l
        .server_event(|e| match e {
            ServerEvent::Sent { endpoint, content } => Some((endpoint.clone(), content.clone())),
            _ => None,
        })
        .await;
    assert_eq!(sent.0, "udp-3");
    assert_eq!(
        sent.1.to_records(),
        [Record::new(sensor, Value::Float(31.0))]
    );
    l.client_event(|e| (*e == ClientEvent::SendCompleted { id }).then_some(()))
        .await;
}

#[tokio::test]
async fn composite_read_write_observe_over_loopback() {
    let mut l = start(ClientConfig::new("udp-4"), ServerConfig::default()).await;
    let paths = [
        Path::resource(3, 0, 0),
        Path::resource(3303, 0, 5700),
        Path::resource(3311, 0, 5851),
    ];
    let w = CompositeWrite::new()
        .set(0, Device::UTC_OFFSET, &"+02:00".to_string())
        .set(0, LightControl::DIMMER, &40);
    let r = l
        .op(move |s, now, ep| s.write_composite(now, ep, w.into_records()))
        .await;
    assert_eq!(r, Ok(Reply::Changed));
    let r = l
        .op(move |s, now, ep| s.read_composite(now, ep, &paths))
        .await;
    let got = content(r);
    let records = got.to_records();
    assert_eq!(
        value_at(&records, paths[0]),
        Some(&Value::String("ACME".into()))
    );
    assert_eq!(value_at(&records, paths[1]), Some(&Value::Float(21.5)));
    assert_eq!(value_at(&records, paths[2]), Some(&Value::Integer(40)));
    let offset = Path::resource(3, 0, 14);
    let r = l
        .op(move |s, now, ep| s.read_composite(now, ep, &[offset]))
        .await;
    let node = composite_node(&content(r), offset).unwrap();
    assert_eq!(node, Node::Single(Value::String("+02:00".into())));

    // Observe-Composite: a change at one path notifies the values of all.
    let observed = [paths[1], paths[2]];
    let obs = l
        .start_op(move |s, now, ep| s.observe_composite(now, ep, &observed))
        .await;
    content(l.outcome(obs).await);
    set_temperature(&l, 24.0).await;
    let note = l
        .server_event(|e| match e {
            ServerEvent::Notification { op, content, .. } if *op == obs => {
                Some(content.to_records())
            }
            _ => None,
        })
        .await;
    assert_eq!(value_at(&note, paths[1]), Some(&Value::Float(24.0)));
    assert_eq!(value_at(&note, paths[2]), Some(&Value::Integer(40)));
    // Cancelling repeats the FETCH with Observe=1.
    l.server
        .call(move |s, now| s.cancel_observation(now, obs))
        .await
        .unwrap()
        .unwrap();
    let ended = l
        .client_event(|e| match e {
            ClientEvent::ObservationEnded { path } => Some(*path),
            _ => None,
        })
        .await;
    assert!(ended.is_root());
}

/// Datagrams the client's endpoint received so far.
async fn received(l: &Loopback) -> u64 {
    l.on_client(|c, _| c.endpoint().stats().datagrams_received)
        .await
}

#[tokio::test]
async fn queue_mode_requests_wait_for_the_client_over_loopback() {
    let mut config = ClientConfig::new("udp-5");
    config.queue_mode = true;
    config.awake_time = Duration::from_millis(300);
    let mut server_config = ServerConfig::default();
    server_config.awake_time = Duration::from_millis(300);
    let mut l = start(config, server_config).await;
    let reg = l
        .server
        .call(|s, _| s.registration("udp-5").unwrap())
        .await
        .unwrap();
    assert!(reg.queue_mode);
    // After the awake time the client sleeps; the server holds the read: nothing reaches it.
    l.client_event(|e| (*e == ClientEvent::Sleeping).then_some(()))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = received(&l).await;
    let id = l
        .start_op(|s, now, ep| s.read(now, ep, Path::resource(3, 0, 9)))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received(&l).await, before, "a held request was sent");
    assert!(l.on_client(|c, _| c.is_asleep()).await);
    // The client wakes up and sends an Update: the held read goes out and is answered.
    l.on_client(|c, now| c.wake(now)).await;
    assert_eq!(single(l.outcome(id).await), Value::Integer(87));
    l.server_event(|e| matches!(e, ServerEvent::Updated { .. }).then_some(()))
        .await;
    l.client_event(|e| (*e == ClientEvent::Awake).then_some(()))
        .await;
}
