//! The LwM2M 1.1 composite operations (Core TS 1.1 §6.3.8 Read-Composite, §6.3.9
//! Write-Composite, §6.4.3 Observe-Composite; Transport TS 1.1 §6.4–6.5: FETCH / iPATCH on the
//! root path with SenML bodies): our client against our server in virtual time, and the client's
//! answers to hand-made datagrams for the CoAP codes and Content-Formats.

mod lwm2m_net;

use lwm2m_core::object::Object;
use lwm2m_core::object::server::read;
use lwm2m_core::{Content, ContentFormat, Node, Path, Record, Value};
use lwm2m_net::Net;
use lwm2m_objects::device::{self, Device};
use lwm2m_objects::light_control::{self, LightControl};
use lwm2m_objects::temperature;
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Message, MessageType, ReadOptions, SeededRandom, Timestamp, Token,
};
use lwm2m_runtime::server::{CompositeWrite, OpError, OpId, Reply, ServerEvent, composite_node};

fn device() -> Object<device::Instance> {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    dev.set_battery_level(87).unwrap();
    dev.set_utc_offset("+01:00".into());
    dev.set_power_source_voltage([(0, 3300), (1, 5000)].into());
    let mut o = Object::<device::Instance>::new();
    o.insert(0, dev);
    o
}

fn objects(client: &mut Client) {
    client.add_object(device());
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(21.5);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    client.add_object(temps);
    let mut lights = Object::<light_control::Instance>::new();
    lights.insert(0, light_control::Instance::default());
    client.add_object(lights);
}

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

fn value_at(records: &[Record], path: Path) -> Option<&Value> {
    records.iter().find(|r| r.path == path).map(|r| &r.value)
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

/// A client fed hand-made datagrams from its server's address.
struct Wire {
    client: Client,
    server: std::net::SocketAddr,
    now: Timestamp,
    mid: u16,
}

impl Wire {
    fn new() -> Self {
        let server = "192.0.2.1:5683".parse().unwrap();
        let endpoint = Endpoint::new(Config::default(), SeededRandom::new(5));
        let mut client = Client::new(ClientConfig::new("dev-1"), endpoint, server);
        objects(&mut client);
        Wire {
            client,
            server,
            now: Timestamp::from_millis(1_000),
            mid: 0x100,
        }
    }

    fn send(&mut self, mut msg: Message) {
        self.mid += 1;
        msg.message_id = self.mid;
        msg.token = Token::new(&[0xc0, 0x01]).unwrap();
        let bytes = msg.encode().unwrap();
        self.client.handle_datagram(self.now, self.server, &bytes);
    }

    fn ask(&mut self, msg: Message) -> Message {
        self.send(msg);
        let t = self.client.poll_transmit().expect("an answer");
        Message::decode(&t.payload).unwrap()
    }
}

fn fetch(cf: u16, body: &[u8]) -> Message {
    Message::request(Code::FETCH)
        .with_content_format(cf)
        .with_payload(body)
}

#[test]
fn read_composite_on_the_wire() {
    let mut w = Wire::new();
    let body = br#"[{"n":"/3/0/0"},{"n":"/3303/0/5700"}]"#;
    let r = w.ask(fetch(110, body));
    assert_eq!(r.code, Code::CONTENT);
    assert_eq!(
        r.content_format(),
        Some(110),
        "the request's format without Accept"
    );
    assert_eq!(
        r.payload,
        br#"[{"n":"/3/0/0","vs":"ACME"},{"n":"/3303/0/5700","v":21.5}]"#
    );
    // Accept picks the answer's format: SenML CBOR, with the same values.
    let mut m = fetch(110, body);
    m.set_uint_option(number::ACCEPT, 112);
    let r = w.ask(m);
    assert_eq!((r.code, r.content_format()), (Code::CONTENT, Some(112)));
    assert_eq!(r.payload[0], 0x82, "a CBOR array of two records");
    // Request body in SenML CBOR: [{0: "/3/0/9"}].
    let r = w.ask(fetch(112, b"\x81\xa1\x00\x66/3/0/9"));
    assert_eq!(r.payload, b"\x81\xa2\x00\x66/3/0/9\x02\x18\x57");
    // Errors: a format that cannot carry paths, an Accept that cannot carry composite
    // content, a non-root path, a malformed body, an iPATCH in TLV.
    assert_eq!(
        w.ask(fetch(60, b"\x80")).code,
        Code::UNSUPPORTED_CONTENT_FORMAT
    );
    let mut m = fetch(110, body);
    m.set_uint_option(number::ACCEPT, 11542);
    assert_eq!(w.ask(m).code, Code::NOT_ACCEPTABLE);
    assert_eq!(
        w.ask(fetch(110, body).with_uri_path("/3/0")).code,
        Code::METHOD_NOT_ALLOWED
    );
    assert_eq!(w.ask(fetch(110, b"[{\"n\":")).code, Code::BAD_REQUEST);
    let ipatch = Message::request(Code::IPATCH)
        .with_content_format(11542)
        .with_payload(&b"\xc1\x00\x01"[..]);
    assert_eq!(w.ask(ipatch).code, Code::UNSUPPORTED_CONTENT_FORMAT);
}

#[test]
fn write_composite_on_the_wire() {
    let mut w = Wire::new();
    let body = br#"[{"bn":"/3/0/","n":"14","vs":"-03:00"},{"n":"15","vs":"America/Sao_Paulo"}]"#;
    let m = Message::request(Code::IPATCH)
        .with_content_format(110)
        .with_payload(&body[..]);
    let r = w.ask(m);
    assert_eq!(r.code, Code::CHANGED);
    assert!(r.payload.is_empty());
    let dev = w.client.object::<Object<device::Instance>>(3).unwrap();
    let dev = dev.instance(0).unwrap();
    assert_eq!(dev.utc_offset().map(String::as_str), Some("-03:00"));
    assert_eq!(
        dev.timezone().map(String::as_str),
        Some("America/Sao_Paulo")
    );
    // A value of the wrong type for the Resource fails the whole request.
    let m = Message::request(Code::IPATCH)
        .with_content_format(110)
        .with_payload(&br#"[{"n":"/3/0/14","vs":"+00:00"},{"n":"/3311/0/5850","v":3}]"#[..]);
    assert_eq!(w.ask(m).code, Code::BAD_REQUEST);
    let dev = w.client.object::<Object<device::Instance>>(3).unwrap();
    assert_eq!(
        dev.instance(0).unwrap().utc_offset().map(String::as_str),
        Some("-03:00")
    );
}

#[test]
fn observe_composite_cancelled_by_reset() {
    let mut w = Wire::new();
    let body = br#"[{"n":"/3303/0/5700"},{"n":"/3/0/9"}]"#;
    let r = w.ask(fetch(110, body).with_observe(0));
    assert_eq!(r.code, Code::CONTENT);
    assert!(
        r.observe().is_some(),
        "the answer registers the observation"
    );
    let temps = w
        .client
        .object_mut::<Object<temperature::Instance>>(3303)
        .unwrap();
    temps.instance_mut(0).unwrap().set_sensor_value(30.0);
    w.client.changed(w.now, Path::resource(3303, 0, 5700));
    let t = w.client.poll_transmit().expect("a notification");
    let n = Message::decode(&t.payload).unwrap();
    assert_eq!(n.token, Token::new(&[0xc0, 0x01]).unwrap());
    assert_eq!(
        n.payload,
        br#"[{"n":"/3303/0/5700","v":30.0},{"n":"/3/0/9","v":87}]"#
    );
    // The server rejects the notification with a Reset: the observation ends.
    let mut rst = Message::new(MessageType::Reset, Code::EMPTY);
    rst.message_id = n.message_id;
    let bytes = rst.encode().unwrap();
    w.client.handle_datagram(w.now, w.server, &bytes);
    let mut ended = false;
    while let Some(e) = w.client.poll_event() {
        ended |= matches!(e, ClientEvent::ObservationEnded { path } if path.is_root());
    }
    assert!(ended);
    w.client.changed(w.now, Path::resource(3303, 0, 5700));
    assert!(w.client.poll_transmit().is_none());
}

#[test]
fn cancelling_a_fetch_observation_repeats_its_body() {
    let mut ep = Endpoint::new(Config::default(), SeededRandom::new(9));
    let peer = "192.0.2.9:5683".parse().unwrap();
    let now = Timestamp::from_millis(1_000);
    let body = br#"[{"n":"/3/0/9"}]"#;
    let id = ep
        .request(now, peer, fetch(110, body).with_observe(0))
        .unwrap();
    let sent = Message::decode(&ep.poll_transmit().unwrap().payload).unwrap();
    let mut answer = Message::response(Code::CONTENT)
        .with_observe(2)
        .with_content_format(110)
        .with_payload(&br#"[{"n":"/3/0/9","v":87}]"#[..]);
    answer.message_id = sent.message_id;
    answer.token = sent.token;
    ep.handle_datagram(now, peer, &answer.encode().unwrap());
    ep.cancel_observation(now, id).unwrap();
    let cancel = Message::decode(&ep.poll_transmit().unwrap().payload).unwrap();
    assert_eq!(cancel.code, Code::FETCH);
    assert_eq!(cancel.observe(), Some(1));
    assert_eq!(cancel.token, sent.token);
    assert_eq!(
        cancel.payload, body,
        "RFC 8132: the FETCH body is part of the request"
    );
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

/// The writable Resources the property test draws from, with a value strategy each; the dimmer
/// (0..100) sometimes gets an out-of-range value.
fn writable_record() -> impl proptest::strategy::Strategy<Value = Record> {
    use proptest::prelude::*;
    let text = "[a-zA-Z0-9:+/ _-]{0,12}";
    prop_oneof![
        text.prop_map(|s| Record::new(Path::resource(3, 0, 14), Value::String(s))),
        text.prop_map(|s| Record::new(Path::resource(3, 0, 15), Value::String(s))),
        any::<bool>().prop_map(|b| Record::new(Path::resource(3311, 0, 5850), Value::Boolean(b))),
        (-20i64..=120).prop_map(|i| Record::new(Path::resource(3311, 0, 5851), Value::Integer(i))),
        any::<i64>().prop_map(|i| Record::new(Path::resource(3311, 0, 5852), Value::Integer(i))),
        text.prop_map(|s| Record::new(Path::resource(3311, 0, 5706), Value::String(s))),
    ]
}

/// Read-Composite of every Resource the property test writes, as records.
fn read_all(w: &mut Wire) -> Vec<Record> {
    let paths = [
        (3, 14),
        (3, 15),
        (3311, 5850),
        (3311, 5851),
        (3311, 5852),
        (3311, 5706),
    ]
    .map(|(o, r)| Path::resource(o, 0, r));
    let r = w.ask(fetch(
        112,
        &lwm2m_core::codec::senml::cbor::encode_paths(&paths),
    ));
    assert_eq!(r.code, Code::CONTENT);
    let resolver = |_: &Path| None;
    let c = lwm2m_core::codec::decode(ContentFormat::SenmlCbor, Path::ROOT, &r.payload, &resolver)
        .unwrap();
    c.to_records()
}

proptest::proptest! {
    /// Write-Composite then Read-Composite: every record lands when all are valid, none when one
    /// is not; in SenML JSON and CBOR.
    #[test]
    fn write_composite_then_read_composite(
        picks in proptest::collection::vec(writable_record(), 1..6),
        cbor: bool,
    ) {
        let mut records: Vec<Record> = Vec::new();
        for r in picks {
            if !records.iter().any(|o| o.path == r.path) {
                records.push(r);
            }
        }
        let mut w = Wire::new();
        let before = read_all(&mut w);
        let format = if cbor { ContentFormat::SenmlCbor } else { ContentFormat::SenmlJson };
        let body = lwm2m_core::codec::encode(format, &Content::records(Path::ROOT, records.clone()))
            .unwrap();
        let m = Message::request(Code::IPATCH)
            .with_content_format(format.number())
            .with_payload(body);
        let code = w.ask(m).code;
        let valid = records.iter().all(|r| {
            r.path != Path::resource(3311, 0, 5851)
                || matches!(r.value, Value::Integer(i) if (0..=100).contains(&i))
        });
        let after = read_all(&mut w);
        if valid {
            proptest::prop_assert_eq!(code, Code::CHANGED);
            for r in &records {
                let got = after.iter().find(|a| a.path == r.path).map(|a| a.value.clone());
                // Values read back untyped: integers may come back as unsigned.
                let got = match got {
                    Some(Value::UnsignedInteger(u)) => Some(Value::Integer(u as i64)),
                    other => other,
                };
                proptest::prop_assert_eq!(got.as_ref(), Some(&r.value));
            }
        } else {
            proptest::prop_assert_eq!(code, Code::BAD_REQUEST);
            proptest::prop_assert_eq!(after, before);
        }
    }
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
