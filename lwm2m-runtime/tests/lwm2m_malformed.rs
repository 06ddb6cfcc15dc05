//! Hand-built CoAP requests against the LwM2M client and server: every error maps to its CoAP
//! code, and no input (including random bytes) makes either side panic.

use std::net::SocketAddr;

use lwm2m_core::object::Object;
use lwm2m_objects::device;
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Message, MessageType, SeededRandom, Timestamp, Token,
};
use lwm2m_runtime::server::{Server, ServerConfig};
use proptest::prelude::*;

const SERVER: &str = "10.0.0.2:5683";
const CLIENT: &str = "10.0.0.1:40000";

fn client() -> Client {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, dev);
    let ep = Endpoint::new(Config::default(), SeededRandom::new(1));
    let mut c = Client::new(ClientConfig::new("dev"), ep, SERVER.parse().unwrap());
    c.add_object(devices);
    c
}

fn server() -> Server {
    let ep = Endpoint::new(Config::default(), SeededRandom::new(2));
    let mut s = Server::new(ServerConfig::default(), ep, SeededRandom::new(3));
    s.add_objects(&[&device::META]);
    s
}

/// What any side of ours does with a datagram: both have the same driving surface.
trait Side {
    fn input(&mut self, peer: SocketAddr, bytes: &[u8]);
    fn output(&mut self) -> Option<Vec<u8>>;
}

impl Side for Client {
    fn input(&mut self, peer: SocketAddr, bytes: &[u8]) {
        self.handle_datagram(Timestamp::from_millis(1000), peer, bytes);
    }
    fn output(&mut self) -> Option<Vec<u8>> {
        self.poll_transmit().map(|t| t.payload)
    }
}

impl Side for Server {
    fn input(&mut self, peer: SocketAddr, bytes: &[u8]) {
        self.handle_datagram(Timestamp::from_millis(1000), peer, bytes);
    }
    fn output(&mut self) -> Option<Vec<u8>> {
        self.poll_transmit().map(|t| t.payload)
    }
}

/// Sends `msg` as a CON from `from` and returns the piggybacked response.
fn exchange(side: &mut impl Side, from: &str, mut msg: Message, mid: u16) -> Message {
    msg.ty = MessageType::Confirmable;
    msg.message_id = mid;
    msg.token = Token::new(&mid.to_be_bytes()).unwrap();
    let token = msg.token;
    side.input(from.parse().unwrap(), &msg.encode().unwrap());
    // Notifications triggered by the request may go out first.
    let mut response = None;
    while let Some(bytes) = side.output() {
        let m = Message::decode(&bytes).unwrap();
        if m.ty == MessageType::Acknowledgement && m.token == token {
            response = Some(m);
        }
    }
    response.expect("a piggybacked response")
}

fn get(path: &str) -> Message {
    Message::request(Code::GET).with_uri_path(path)
}

fn accept(mut m: Message, cf: u32) -> Message {
    m.set_uint_option(number::ACCEPT, cf);
    m
}

#[test]
fn client_maps_errors_to_coap_codes() {
    let mut c = client();
    let cases: Vec<(Message, &str)> = vec![
        (accept(get("/3/0/0"), 0), "2.05"),
        (get("/abc"), "4.00"),
        (get("/1/2/3/4/5"), "4.00"),
        (get("/9/0"), "4.04"),
        (get("/3/7"), "4.04"),
        (get("/3/0/4"), "4.05"), // execute-only
        (get("/"), "4.05"),      // read of the root
        (accept(get("/3/0/0"), 9999), "4.06"),
        (accept(get("/3/0"), 0), "4.06"), // text cannot carry an instance
        (
            Message::request(Code::PUT)
                .with_uri_path("/3/0/14")
                .with_content_format(9999)
                .with_payload("x"),
            "4.15",
        ),
        (
            Message::request(Code::PUT)
                .with_uri_path("/3/0/0")
                .with_content_format(0)
                .with_payload("x"),
            "4.05",
        ),
        (
            Message::request(Code::PUT)
                .with_uri_path("/3/0/14")
                .with_content_format(110)
                .with_payload("[{"),
            "4.00",
        ),
        (
            Message::request(Code::PUT)
                .with_uri_path("/3/0/9")
                .with_uri_query("pmin=x"),
            "4.00",
        ),
        (
            Message::request(Code::PUT)
                .with_uri_path("/3/0/9")
                .with_uri_query("pmin=10")
                .with_uri_query("pmax=5"),
            "4.00",
        ),
        (
            Message::request(Code::POST)
                .with_uri_path("/3/0/4")
                .with_payload("not args"),
            "4.00",
        ),
        (
            Message::request(Code::DELETE).with_uri_path("/3/0/0"),
            "4.05",
        ),
        (Message::request(Code::FETCH).with_uri_path("/3/0"), "4.05"),
        (Message::request(Code::PUT).with_uri_path("/3/0/14"), "4.00"), // no payload
    ];
    for (i, (msg, want)) in cases.into_iter().enumerate() {
        let desc = format!("{:?} {}", msg.code, msg.uri_path_string());
        let r = exchange(&mut c, SERVER, msg, 100 + i as u16);
        assert_eq!(r.code.to_string(), want, "{desc}");
    }
    // Only the server may manage the device.
    let r = exchange(&mut c, CLIENT, accept(get("/3/0/0"), 0), 1);
    assert_eq!(r.code, Code::UNAUTHORIZED);
    // Garbage is dropped and counted.
    c.input(SERVER.parse().unwrap(), &[0x40]);
    assert_eq!(c.endpoint().stats().malformed, 1);
}

#[test]
fn server_rejects_bad_registrations() {
    let mut s = server();
    let rd = |q: &[&str], cf: Option<u32>, body: &str| {
        let mut m = Message::request(Code::POST)
            .with_uri_path("/rd")
            .with_payload(body.as_bytes().to_vec());
        for q in q {
            m.add_option(number::URI_QUERY, q.as_bytes());
        }
        if let Some(cf) = cf {
            m.set_uint_option(number::CONTENT_FORMAT, cf);
        }
        m
    };
    let cases: Vec<(Message, &str)> = vec![
        (rd(&["lt=60"], Some(40), "</3/0>"), "4.00"),
        (rd(&["ep=a", "lt=zero"], Some(40), "</3/0>"), "4.00"),
        (rd(&["ep=a", "lt=0"], Some(40), "</3/0>"), "4.00"),
        (rd(&["ep=a", "lwm2m=9.9"], Some(40), "</3/0>"), "4.00"),
        (rd(&["ep=a"], Some(0), "</3/0>"), "4.15"),
        (rd(&["ep=a"], Some(40), "<3/0"), "4.00"),
        (
            Message::request(Code::POST).with_uri_path("/rd/nope"),
            "4.04",
        ),
        (
            Message::request(Code::DELETE).with_uri_path("/rd/nope"),
            "4.04",
        ),
        (Message::request(Code::GET).with_uri_path("/rd"), "4.05"),
        (
            Message::request(Code::GET).with_uri_path("/elsewhere"),
            "4.04",
        ),
        (
            Message::request(Code::POST)
                .with_uri_path("/dp")
                .with_content_format(112)
                .with_payload(vec![0x80]),
            "4.03",
        ),
        (rd(&["ep=a", "lt=60"], Some(40), "</3/0>"), "2.01"),
        (
            Message::request(Code::POST)
                .with_uri_path("/dp")
                .with_content_format(0)
                .with_payload("x"),
            "4.15",
        ),
        (
            Message::request(Code::POST)
                .with_uri_path("/dp")
                .with_content_format(112)
                .with_payload(vec![0xff, 0x00]),
            "4.00",
        ),
    ];
    for (i, (msg, want)) in cases.into_iter().enumerate() {
        let desc = format!("{:?} {} {:?}", msg.code, msg.uri_path_string(), msg.payload);
        let r = exchange(&mut s, CLIENT, msg, 200 + i as u16);
        assert_eq!(r.code.to_string(), want, "{desc}");
    }
    assert_eq!(s.store().len(), 1);
}

fn any_request() -> impl Strategy<Value = Message> {
    let code = prop_oneof![
        Just(Code::GET),
        Just(Code::PUT),
        Just(Code::POST),
        Just(Code::DELETE)
    ];
    let seg = prop_oneof![
        Just("3".to_string()),
        Just("0".to_string()),
        Just("rd".to_string()),
        Just("dp".to_string()),
        "[0-9]{1,5}",
        ".{0,4}"
    ];
    let query = prop::collection::vec(".{0,12}", 0..3);
    let cf = prop::option::of(prop_oneof![
        Just(0u32),
        Just(40),
        Just(42),
        Just(110),
        Just(112),
        Just(11542),
        Just(11543),
        Just(11544),
        any::<u16>().prop_map(u32::from)
    ]);
    let accept = prop::option::of(prop_oneof![Just(0u32), Just(40), Just(11542), Just(112)]);
    let observe = prop::option::of(0u32..2);
    (
        code,
        prop::collection::vec(seg, 0..5),
        query,
        cf,
        accept,
        observe,
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(code, segs, query, cf, accept, observe, payload)| {
            let mut m = Message::request(code).with_payload(payload);
            for s in segs {
                m.add_option(number::URI_PATH, s.into_bytes());
            }
            for q in query {
                m.add_option(number::URI_QUERY, q.into_bytes());
            }
            if let Some(cf) = cf {
                m.set_uint_option(number::CONTENT_FORMAT, cf);
            }
            if let Some(a) = accept {
                m.set_uint_option(number::ACCEPT, a);
            }
            if let Some(o) = observe {
                m.set_uint_option(number::OBSERVE, o);
            }
            m
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any request gets a response code and never a panic, on both sides.
    #[test]
    fn arbitrary_requests_never_panic(reqs in prop::collection::vec(any_request(), 1..8)) {
        let (mut c, mut s) = (client(), server());
        for (i, m) in reqs.into_iter().enumerate() {
            let r = exchange(&mut c, SERVER, m.clone(), i as u16);
            prop_assert!(r.code.is_response());
            let r = exchange(&mut s, CLIENT, m, i as u16);
            prop_assert!(r.code.is_response());
        }
        c.handle_timeout(Timestamp::from_millis(10_000_000));
        s.handle_timeout(Timestamp::from_millis(10_000_000));
    }

    /// Random datagrams are dropped or answered, never fatal.
    #[test]
    fn random_datagrams_never_panic(data in prop::collection::vec(any::<u8>(), 0..80)) {
        let (mut c, mut s) = (client(), server());
        c.input(SERVER.parse().unwrap(), &data);
        s.input(CLIENT.parse().unwrap(), &data);
        while c.output().is_some() {}
        while s.output().is_some() {}
    }
}
