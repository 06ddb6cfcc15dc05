//! The client's answers to hand-made composite datagrams (Transport TS 1.1 §6.4–6.5: FETCH /
//! iPATCH on the root path with SenML bodies, Observe on a FETCH): CoAP codes, Content-Formats
//! and payload bytes, and a property test of Write-Composite then Read-Composite. The composite
//! operations between our client and server are in `lwm2m_composite.rs`.

mod composite_objects;

use composite_objects::objects;
use lwm2m_core::object::Object;
use lwm2m_core::{Content, ContentFormat, Path, Record, Value};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Message, MessageType, ReadOptions, SeededRandom, Timestamp, Token,
};

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
