//! The client's answers to each bootstrap operation, byte for byte, with a bare CoAP endpoint
//! playing the Bootstrap-Server (Core TS 1.1 §5.2.7, §6.1.7).

use std::net::SocketAddr;

use lwm2m_core::codec::tlv;
use lwm2m_core::object::Object;
use lwm2m_core::{Content, ContentFormat, Node, Path, Resource, ResourceValue, Value};
use lwm2m_objects::device;
use lwm2m_runtime::bootstrap::{BS_PATH, BootstrapRequest};
use lwm2m_runtime::client::{
    BootstrapAccount, Client, ClientConfig, ClientEvent, ConsistencyError, SecurityObject,
};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Event, IncomingId, Message, ReadOptions, SeededRandom, Timestamp,
    Transmit,
};

const BS: &str = "10.0.0.3:5783";
const ME: &str = "10.0.0.1:40000";

struct Rig {
    now: Timestamp,
    client: Client,
    bs: Endpoint,
    /// What the client sent elsewhere than the Bootstrap-Server.
    elsewhere: Vec<Transmit>,
}

impl Rig {
    /// A bootstrapping client that has sent its Bootstrap-Request, and the request's id.
    fn new() -> (Self, IncomingId) {
        let bs_addr: SocketAddr = BS.parse().unwrap();
        let mut client = Client::bootstrapping(
            ClientConfig::new("dev-1"),
            Endpoint::new(Config::default(), SeededRandom::new(1)),
            BootstrapAccount::new(bs_addr),
        );
        let mut dev = Object::<device::Instance>::new();
        dev.insert(0, device::Instance::default());
        client.add_object(dev);
        let mut rig = Rig {
            now: Timestamp::from_millis(1_000),
            client,
            bs: Endpoint::new(Config::default(), SeededRandom::new(2)),
            elsewhere: Vec::new(),
        };
        rig.client.start(rig.now).unwrap();
        rig.shuttle();
        let request = match rig.bs.poll_event() {
            Some(Event::Request { id, message, .. }) => {
                let r = BootstrapRequest::from_message(&message).unwrap();
                assert_eq!(r.endpoint, "dev-1");
                id
            }
            other => panic!("{other:?}"),
        };
        (rig, request)
    }

    /// Moves datagrams both ways until both sides are quiet.
    fn shuttle(&mut self) {
        let (me, bs): (SocketAddr, SocketAddr) = (ME.parse().unwrap(), BS.parse().unwrap());
        loop {
            let mut moved = false;
            while let Some(t) = self.client.poll_transmit() {
                if t.destination == bs {
                    self.bs.handle_datagram(self.now, me, &t.payload);
                    moved = true;
                } else {
                    self.elsewhere.push(t);
                }
            }
            while let Some(t) = self.bs.poll_transmit() {
                self.client.handle_datagram(self.now, bs, &t.payload);
                moved = true;
            }
            if !moved {
                return;
            }
        }
    }

    /// Sends `msg` from the Bootstrap-Server and returns the client's response.
    fn op(&mut self, msg: Message) -> Message {
        let id = self.bs.request(self.now, ME.parse().unwrap(), msg).unwrap();
        self.shuttle();
        while let Some(e) = self.bs.poll_event() {
            if let Event::Response { id: got, message } = e {
                if got == id {
                    return message;
                }
            }
        }
        panic!("no response to {id:?}");
    }
}

fn to(code: Code, path: &str) -> Message {
    Message::request(code).with_uri_path(path)
}

fn tlv_instance(path: Path, resources: Vec<Resource>) -> Vec<u8> {
    tlv::encode(&Content {
        path,
        node: Node::Instance(resources),
    })
    .unwrap()
}

fn res(id: u16, v: Value) -> Resource {
    Resource {
        id,
        value: ResourceValue::Single(v),
    }
}

#[test]
fn each_bootstrap_operation_answers_as_specified() {
    let (mut rig, request) = Rig::new();
    let now = rig.now;
    rig.bs
        .respond(now, request, Message::response(Code::CHANGED))
        .unwrap();
    rig.shuttle();

    // Delete / spares the Bootstrap-Server Account and Device; deleting them by path is 4.00.
    assert_eq!(rig.op(to(Code::DELETE, "")).code, Code::DELETED);
    assert_eq!(rig.op(to(Code::DELETE, "/0/0")).code, Code::BAD_REQUEST);
    assert_eq!(rig.op(to(Code::DELETE, "/3/0")).code, Code::BAD_REQUEST);
    assert_eq!(rig.op(to(Code::DELETE, "/3/0/1")).code, Code::BAD_REQUEST);

    // Finish without a server account: 4.06 with the reason.
    let finish = rig.op(to(Code::POST, BS_PATH));
    assert_eq!(finish.code, Code::NOT_ACCEPTABLE);
    assert!(String::from_utf8_lossy(&finish.payload).contains("no LwM2M Server Account"));
    assert!(rig.client.poll_event_matches(|e| matches!(
        e,
        ClientEvent::BootstrapFinishRejected {
            error: ConsistencyError::NoServerAccount
        }
    )));

    // Write Security /0/5 (no operations: only the Bootstrap-Server may write it) and Server /1/3.
    let sec = tlv_instance(
        Path::instance(0, 5),
        vec![
            res(0, Value::String("coap://10.0.0.2:5683".into())),
            res(1, Value::Boolean(false)),
            res(2, Value::Integer(3)),
            res(10, Value::Integer(7)),
        ],
    );
    let write = |path: &str, payload: Vec<u8>| {
        to(Code::PUT, path)
            .with_content_format(ContentFormat::Tlv.number())
            .with_payload(payload)
    };
    assert_eq!(rig.op(write("/0/5", sec)).code, Code::CHANGED);
    let srv = tlv_instance(
        Path::instance(1, 3),
        vec![
            res(0, Value::Integer(7)),
            res(1, Value::Integer(60)),
            res(7, Value::String("U".into())),
        ],
    );
    assert_eq!(rig.op(write("/1/3", srv)).code, Code::CHANGED);
    // A single resource, then bad input: unknown Object 4.04, a range error 4.00 (nothing
    // of a failed write is kept: SSID 70000 is out of range).
    let lt = to(Code::PUT, "/1/3/1").with_payload(b"90".to_vec());
    assert_eq!(rig.op(lt).code, Code::CHANGED);
    assert_eq!(rig.op(write("/9999/0", vec![])).code, Code::NOT_FOUND);
    let bad = tlv_instance(
        Path::instance(0, 6),
        vec![
            res(0, Value::String("coap://h".into())),
            res(10, Value::Integer(70_000)),
        ],
    );
    assert_eq!(rig.op(write("/0/6", bad)).code, Code::BAD_REQUEST);
    let sec_obj = rig.client.object::<SecurityObject>(0).unwrap();
    assert!(sec_obj.instance(6).is_none());

    // Discover / lists the version, the accounts with ssid and uri, and Device.
    let mut discover = to(Code::GET, "");
    discover.set_uint_option(number::ACCEPT, 40);
    let d = rig.op(discover);
    assert_eq!(d.code, Code::CONTENT);
    assert_eq!(
        String::from_utf8(d.payload).unwrap(),
        format!(
            "lwm2m=\"1.1\",</0>;ver=1.1,</0/0>;uri=\"coap://{BS}\",</0/5>;ssid=7;uri=\"coap://10.0.0.2:5683\",\
             </1>;ver=1.1,</1/3>;ssid=7,</3>;ver=1.2,</3/0>"
        )
    );
    let mut discover_3 = to(Code::GET, "/3/0");
    discover_3.set_uint_option(number::ACCEPT, 40);
    assert_eq!(rig.op(discover_3).code, Code::BAD_REQUEST);

    // Bootstrap-Read: the Server Object yes, anything else 4.01.
    let mut read = to(Code::GET, "/1/3/1");
    read.set_uint_option(number::ACCEPT, 0);
    let r = rig.op(read);
    assert_eq!((r.code, r.payload.as_slice()), (Code::CONTENT, &b"90"[..]));
    assert_eq!(rig.op(to(Code::GET, "/3/0")).code, Code::UNAUTHORIZED);
    assert_eq!(rig.op(to(Code::GET, "/0/5")).code, Code::UNAUTHORIZED);
    assert_eq!(
        rig.op(to(Code::POST, "/3/0/4")).code,
        Code::METHOD_NOT_ALLOWED
    );

    // Finish: 2.04, and the client registers with the written server and lifetime.
    assert_eq!(rig.op(to(Code::POST, BS_PATH)).code, Code::CHANGED);
    let register = rig.elsewhere.pop().expect("Register follows Finish");
    assert_eq!(
        register.destination,
        "10.0.0.2:5683".parse::<SocketAddr>().unwrap()
    );
    let m = Message::decode(&register.payload).unwrap();
    let query: Vec<String> = m.uri_query().map(String::from).collect();
    assert!(query.contains(&"lt=90".to_string()), "{query:?}");
}

trait PollMatches {
    fn poll_event_matches(&mut self, f: impl Fn(&ClientEvent) -> bool) -> bool;
}

impl PollMatches for Client {
    fn poll_event_matches(&mut self, f: impl Fn(&ClientEvent) -> bool) -> bool {
        std::iter::from_fn(|| self.poll_event()).any(|e| f(&e))
    }
}
