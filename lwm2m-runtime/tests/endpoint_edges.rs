//! Single-endpoint tests with hand-written datagrams: malformed input, pings, rejections and the
//! observe freshness rule.

use std::net::SocketAddr;

use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    BlockValue, Code, Config, Endpoint, Event, Message, MessageRef, MessageType, ReadOptions,
    SeededRandom, Timestamp, Token,
};

fn peer() -> SocketAddr {
    "192.0.2.1:5683".parse().unwrap()
}

fn endpoint() -> Endpoint {
    Endpoint::new(Config::default(), SeededRandom::new(42))
}

fn sent(ep: &mut Endpoint) -> Vec<Message> {
    std::iter::from_fn(|| ep.poll_transmit())
        .map(|t| Message::decode(&t.payload).unwrap())
        .collect()
}

fn t(ms: u64) -> Timestamp {
    Timestamp::from_millis(ms)
}

#[test]
fn malformed_datagrams_are_counted_and_dropped() {
    let mut ep = endpoint();
    // Reserved option nibble in a CON: dropped, counted, rejected with RST (header is readable).
    ep.handle_datagram(t(0), peer(), &[0x40, 0x01, 0x12, 0x34, 0xf1]);
    let out = sent(&mut ep);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].ty, out[0].message_id), (MessageType::Reset, 0x1234));
    // Garbage that is not even a header: dropped silently.
    ep.handle_datagram(t(0), peer(), &[0xff, 0x00]);
    ep.handle_datagram(t(0), peer(), &[]);
    assert!(sent(&mut ep).is_empty());
    assert!(ep.poll_event().is_none());
    assert_eq!(ep.stats().malformed, 3);
}

#[test]
fn ping_gets_reset() {
    let mut ep = endpoint();
    ep.handle_datagram(t(0), peer(), &[0x40, 0x00, 0xbe, 0xef]);
    let out = sent(&mut ep);
    assert_eq!(
        (out[0].ty, out[0].code, out[0].message_id),
        (MessageType::Reset, Code::EMPTY, 0xbeef)
    );
}

#[test]
fn unknown_critical_option_in_con_request_gets_4_02() {
    let mut ep = endpoint();
    let req = Message::request(Code::GET)
        .with_uri_path("/a")
        .with_option(2049, vec![1]);
    let mut req = req;
    req.message_id = 7;
    req.token = Token::new(&[9]).unwrap();
    ep.handle_datagram(t(0), peer(), &req.encode().unwrap());
    let out = sent(&mut ep);
    assert_eq!(
        (out[0].ty, out[0].code, out[0].message_id),
        (MessageType::Acknowledgement, Code::BAD_OPTION, 7)
    );
    assert_eq!(out[0].token, req.token);
    assert!(ep.poll_event().is_none());
    // A retransmission of it gets the same answer from the duplicate cache.
    ep.handle_datagram(t(100), peer(), &req.encode().unwrap());
    assert_eq!(sent(&mut ep), out);
}

#[test]
fn unmatched_responses_are_reset() {
    let mut ep = endpoint();
    let mut resp = Message::new(MessageType::Confirmable, Code::CONTENT).with_payload("?");
    resp.message_id = 99;
    resp.token = Token::new(&[1, 2, 3, 4]).unwrap();
    ep.handle_datagram(t(0), peer(), &resp.encode().unwrap());
    let out = sent(&mut ep);
    assert_eq!((out[0].ty, out[0].message_id), (MessageType::Reset, 99));
    assert_eq!(ep.stats().unmatched, 1);
    // An ACK for nothing is counted, not answered.
    ep.handle_datagram(t(0), peer(), &[0x60, 0x00, 0, 1]);
    assert!(sent(&mut ep).is_empty());
    assert_eq!(ep.stats().unmatched, 2);
}

#[test]
fn non_request_gets_non_response() {
    let mut ep = endpoint();
    let mut req = Message::request(Code::GET)
        .with_uri_path("/n")
        .with_type(MessageType::NonConfirmable);
    req.message_id = 5;
    ep.handle_datagram(t(0), peer(), &req.encode().unwrap());
    let Some(Event::Request { id, .. }) = ep.poll_event() else {
        panic!()
    };
    ep.respond(t(1), id, Message::response(Code::CONTENT))
        .unwrap();
    let out = sent(&mut ep);
    assert_eq!(out[0].ty, MessageType::NonConfirmable);
    assert!(
        ep.respond(t(1), id, Message::response(Code::CONTENT))
            .is_err(),
        "answered once"
    );
}

#[test]
fn block1_gap_gets_4_08_and_block2_past_end_gets_4_02() {
    let mut ep = endpoint();
    let mut req = Message::request(Code::PUT)
        .with_uri_path("/f")
        .with_payload(vec![0; 16]);
    req.set_block(number::BLOCK1, BlockValue::new(3, true, 0).unwrap());
    req.message_id = 1;
    ep.handle_datagram(t(0), peer(), &req.encode().unwrap());
    assert_eq!(sent(&mut ep)[0].code, Code::REQUEST_ENTITY_INCOMPLETE);

    let mut get = Message::request(Code::GET).with_uri_path("/g");
    get.set_block(number::BLOCK2, BlockValue::new(5, false, 6).unwrap());
    get.message_id = 2;
    ep.handle_datagram(t(0), peer(), &get.encode().unwrap());
    let Some(Event::Request { id, .. }) = ep.poll_event() else {
        panic!()
    };
    ep.respond(
        t(0),
        id,
        Message::response(Code::CONTENT).with_payload(vec![1; 100]),
    )
    .unwrap();
    assert_eq!(sent(&mut ep)[0].code, Code::BAD_OPTION);
}

#[test]
fn reordered_notifications_are_dropped_by_the_freshness_rule() {
    let mut ep = endpoint();
    let server = peer();
    let id = ep
        .request(
            t(0),
            server,
            Message::request(Code::GET)
                .with_uri_path("/o")
                .with_observe(0),
        )
        .unwrap();
    let req = sent(&mut ep).remove(0);
    let notify = |seq: u32, mid: u16| {
        let mut m = Message::new(MessageType::NonConfirmable, Code::CONTENT)
            .with_observe(seq)
            .with_payload(seq.to_string());
        m.token = req.token;
        m.message_id = mid;
        m.encode().unwrap()
    };
    let mut ack = Message::new(MessageType::Acknowledgement, Code::CONTENT).with_observe(5);
    ack.token = req.token;
    ack.message_id = req.message_id;
    ep.handle_datagram(t(10), server, &ack.encode().unwrap());
    ep.handle_datagram(t(20), server, &notify(7, 100));
    ep.handle_datagram(t(30), server, &notify(6, 101)); // older than 7: stale
    ep.handle_datagram(t(40), server, &notify(7, 102)); // same sequence number: stale
    ep.handle_datagram(t(200_000), server, &notify(6, 103)); // 128 s later anything is fresh
    let seqs: Vec<u32> = std::iter::from_fn(|| ep.poll_event())
        .map(|e| match e {
            Event::Response { id: i, message } if i == id => message.observe().unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(seqs, [5, 7, 6]);
    assert_eq!(ep.stats().stale_notifications, 2);
    // Notifications after `forget` are rejected with RST (RFC 7641 §3.6).
    assert!(ep.forget(id));
    sent(&mut ep);
    ep.handle_datagram(t(200_100), server, &notify(8, 104));
    assert_eq!(sent(&mut ep)[0].ty, MessageType::Reset);
}

#[test]
fn message_ref_zero_copy_view() {
    let bytes = Message::request(Code::POST)
        .with_uri_path("/rd")
        .with_uri_query("ep=x")
        .with_payload("</1/0>")
        .encode()
        .unwrap();
    let m = MessageRef::decode(&bytes).unwrap();
    assert_eq!(
        m.payload().as_ptr(),
        bytes[bytes.len() - 6..].as_ptr(),
        "payload borrows the datagram"
    );
    assert_eq!(m.uri_query().collect::<Vec<_>>(), ["ep=x"]);
}

#[test]
fn message_ids_are_forgotten_after_exchange_lifetime() {
    let mut ep = endpoint();
    let mut req = Message::request(Code::GET).with_uri_path("/m");
    req.message_id = 0x0102;
    let bytes = req.encode().unwrap();
    ep.handle_datagram(t(0), peer(), &bytes);
    let Some(Event::Request { id, .. }) = ep.poll_event() else {
        panic!()
    };
    ep.respond(t(0), id, Message::response(Code::CONTENT))
        .unwrap();
    sent(&mut ep);
    // Within EXCHANGE_LIFETIME (247 s): a duplicate, answered from the cache.
    ep.handle_timeout(t(246_000));
    ep.handle_datagram(t(246_000), peer(), &bytes);
    assert!(ep.poll_event().is_none());
    assert_eq!(sent(&mut ep).len(), 1);
    // The expiry is the next deadline; after it the message ID is new again.
    assert_eq!(ep.poll_timeout(), Some(t(247_000)));
    ep.handle_timeout(t(247_000));
    assert_eq!(ep.poll_timeout(), None, "nothing left to remember");
    ep.handle_datagram(t(247_001), peer(), &bytes);
    assert!(matches!(ep.poll_event(), Some(Event::Request { .. })));
}

#[test]
fn message_ids_are_per_peer() {
    // RFC 7252 §4.4: a message ID must not be reused with the same peer within
    // EXCHANGE_LIFETIME. One counter shared by all peers wrapped after 65,536 messages in total,
    // so a busy server reused IDs a peer still remembered as duplicates. Traffic to one peer
    // must not advance the IDs used with another.
    let mut ep = endpoint();
    let (a, b): (SocketAddr, SocketAddr) = (
        "127.0.0.1:5701".parse().unwrap(),
        "127.0.0.1:5702".parse().unwrap(),
    );
    let non = || {
        Message::request(Code::GET)
            .with_type(MessageType::NonConfirmable)
            .with_uri_path("/3/0")
    };
    let mut mids = |peer| {
        ep.request(t(0), peer, non()).unwrap();
        sent(&mut ep).pop().unwrap().message_id
    };
    let a1 = mids(a);
    for _ in 0..10 {
        mids(b);
    }
    let a2 = mids(a);
    assert_eq!(a2, a1.wrapping_add(1));
}
