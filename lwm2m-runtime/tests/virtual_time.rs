//! Message-layer and block-wise tests in virtual time: two endpoints over a lossy, duplicating,
//! reordering network.

mod pair;

use std::time::Duration;

use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{Code, Config, Event, FailReason, Message, MessageType, ReadOptions};
use pair::{Pair, Side, content, failure, responses, serve};

#[test]
fn request_response_completes_under_30_percent_loss() {
    let mut p = Pair::new(7);
    p.loss = 0.3;
    p.jitter_ms = 30;
    let (mut ok, mut timed_out) = (0, 0);
    for i in 0..200u32 {
        let path = format!("/3/0/{i}");
        let id = p
            .client
            .request(
                p.now,
                p.server_addr,
                Message::request(Code::GET).with_uri_path(&path),
            )
            .unwrap();
        let finished = p.drive(300_000, |p| {
            serve(p, |req| content(req.uri_path_string().as_bytes()));
            !responses(p, id).is_empty() || failure(p, id).is_some()
        });
        assert!(finished, "request {i} neither completed nor failed");
        let r = responses(&p, id);
        match (r.as_slice(), failure(&p, id)) {
            ([m], None) => {
                assert_eq!(m.payload, path.as_bytes());
                ok += 1;
            }
            ([], Some(FailReason::Timeout)) => timed_out += 1,
            other => panic!("request {i}: unexpected outcome {other:?}"),
        }
    }
    // Each attempt succeeds with 0.7 * 0.7; five attempts give ~96.5 %.
    assert!(
        ok >= 185,
        "only {ok} of 200 completed ({timed_out} timed out)"
    );
    assert!(p.client.stats().retransmissions > 50);
    assert!(
        p.server.stats().duplicates > 0,
        "lost ACKs must cause duplicate requests"
    );
}

#[test]
fn retransmission_gives_up_after_max_retransmit_with_exponential_backoff() {
    let mut p = Pair::new(1);
    p.loss = 1.0;
    let start = p.now;
    let id = p
        .client
        .request(
            p.now,
            p.server_addr,
            Message::request(Code::GET).with_uri_path("/x"),
        )
        .unwrap();
    assert!(p.drive(200_000, |p| failure(p, id).is_some()));
    assert_eq!(failure(&p, id), Some(FailReason::Timeout));
    let sent: Vec<_> = p.log.iter().filter(|(s, _)| *s == Side::Client).collect();
    assert_eq!(sent.len(), 5, "1 transmission + MAX_RETRANSMIT 4");
    assert!(
        sent.iter().all(|(_, b)| b == &sent[0].1),
        "retransmissions are byte-identical"
    );
    assert_eq!(p.client.stats().retransmissions, 4);
    assert_eq!(p.client.stats().transmit_timeouts, 1);
    // Initial timeout in [2 s, 3 s], doubled 4 times: gives up after 31 * timeout.
    let waited = p.now.saturating_since(start);
    assert!(
        waited >= Duration::from_secs(62) && waited <= Duration::from_secs(93),
        "{waited:?}"
    );
}

#[test]
fn duplicates_are_detected_and_the_cached_response_replayed() {
    let mut p = Pair::new(3);
    p.duplicate = 1.0;
    let id = p
        .client
        .request(
            p.now,
            p.server_addr,
            Message::request(Code::GET).with_uri_path("/d"),
        )
        .unwrap();
    let mut requests_seen = 0;
    p.drive(10_000, |p| {
        requests_seen += p
            .server_events
            .iter()
            .filter(|e| matches!(e, Event::Request { .. }))
            .count();
        serve(p, |_| content(b"once"));
        false
    });
    assert_eq!(
        requests_seen, 1,
        "the application sees a duplicated CON once"
    );
    assert_eq!(
        responses(&p, id).len(),
        1,
        "the client delivers one response"
    );
    assert!(p.server.stats().duplicates >= 1);
    let server_acks = p
        .decoded_log()
        .filter(|(s, m)| *s == Side::Server && m.code() == Code::CONTENT)
        .count();
    assert_eq!(
        server_acks, 2,
        "the duplicate CON gets the cached piggybacked response again"
    );
}

#[test]
fn slow_answers_become_separate_responses() {
    let mut p = Pair::new(4);
    let id = p
        .client
        .request(
            p.now,
            p.server_addr,
            Message::request(Code::GET).with_uri_path("/slow"),
        )
        .unwrap();
    let mut pending = None;
    p.drive(1_500, |p| {
        for e in std::mem::take(&mut p.server_events) {
            if let Event::Request { id, .. } = e {
                pending = Some(id);
            }
        }
        false
    });
    // After the separate ACK delay, the server has sent an empty ACK.
    let empty_ack = p.decoded_log().any(|(s, m)| {
        s == Side::Server
            && m.message_type() == MessageType::Acknowledgement
            && m.code() == Code::EMPTY
    });
    assert!(empty_ack);
    p.drive(5_000, |_| false);
    assert_eq!(
        p.client.stats().retransmissions,
        0,
        "the empty ACK stops retransmission"
    );
    p.server
        .respond(p.now, pending.unwrap(), content(b"later"))
        .unwrap();
    assert!(p.drive(10_000, |p| !responses(p, id).is_empty()));
    assert_eq!(responses(&p, id)[0].payload, b"later");
    let separate = p
        .decoded_log()
        .any(|(s, m)| s == Side::Server && m.message_type() == MessageType::Confirmable);
    assert!(separate, "the separate response is confirmable");
    p.drive(10_000, |_| false);
    assert_eq!(
        p.server.stats().retransmissions,
        0,
        "the client acknowledged the separate response"
    );
}

#[test]
fn block2_large_response_under_loss() {
    let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let mut p = Pair::new(5);
    p.loss = 0.2;
    p.jitter_ms = 20;
    let id = p
        .client
        .request(
            p.now,
            p.server_addr,
            Message::request(Code::GET).with_uri_path("/big"),
        )
        .unwrap();
    let b = body.clone();
    assert!(p.drive(600_000, |p| {
        serve(p, |_| content(&b));
        !responses(p, id).is_empty() || failure(p, id).is_some()
    }));
    let r = responses(&p, id);
    assert_eq!(r.len(), 1, "failure: {:?}", failure(&p, id));
    assert_eq!(r[0].payload, body);
    assert!(r[0].block2().is_none());
    let blocks = p
        .decoded_log()
        .filter(|(s, m)| *s == Side::Server && m.block2().is_some())
        .count();
    assert!(blocks >= 5, "5000 bytes at 1024 per block");
}

#[test]
fn block2_numbers_beyond_4096_with_small_blocks() {
    // 16-byte blocks: 4200 blocks, so NUM crosses 4096 (where a 12-bit encoding would wrap to 0).
    let body: Vec<u8> = (0..16 * 4200u32).map(|i| (i * 7 % 256) as u8).collect();
    let mut client = Config::default();
    client.block_szx = 0;
    let mut p = Pair::with_configs(6, client, Config::default());
    let id = p
        .client
        .request(
            p.now,
            p.server_addr,
            Message::request(Code::GET).with_uri_path("/huge"),
        )
        .unwrap();
    let b = body.clone();
    assert!(p.drive(600_000, |p| {
        serve(p, |_| content(&b));
        !responses(p, id).is_empty() || failure(p, id).is_some()
    }));
    assert_eq!(responses(&p, id)[0].payload, body);
    let nums: Vec<u32> = p
        .decoded_log()
        .filter(|(s, _)| *s == Side::Client)
        .filter_map(|(_, m)| m.block2())
        .map(|b| b.num())
        .collect();
    assert!(nums.contains(&4096) && nums.contains(&4199));
    let raw_4096 = p
        .decoded_log()
        .filter_map(|(_, m)| m.option(number::BLOCK2).map(<[u8]>::to_vec))
        .find(|v| v.len() == 3 && v[0] == 0x01 && v[1] == 0x00);
    assert_eq!(
        raw_4096.as_deref(),
        Some(&[0x01, 0x00, 0x00][..]),
        "NUM 4096, M 0, SZX 0 in 3 bytes"
    );
}

#[test]
fn block1_large_request_with_server_choosing_smaller_blocks() {
    let body: Vec<u8> = (0..3000u32).map(|i| (i % 253) as u8).collect();
    let mut server = Config::default();
    server.block_szx = 4; // 256-byte blocks
    let mut p = Pair::with_configs(8, Config::default(), server);
    p.loss = 0.1;
    let req = Message::request(Code::POST)
        .with_uri_path("/upload")
        .with_payload(body.clone());
    let id = p.client.request(p.now, p.server_addr, req).unwrap();
    let mut received = Vec::new();
    assert!(p.drive(600_000, |p| {
        for e in std::mem::take(&mut p.server_events) {
            if let Event::Request { id, message, .. } = e {
                received.push(message.payload.clone());
                p.server
                    .respond(p.now, id, Message::response(Code::CHANGED))
                    .unwrap();
            }
        }
        !responses(p, id).is_empty() || failure(p, id).is_some()
    }));
    assert_eq!(
        received,
        vec![body],
        "the application sees one reassembled request"
    );
    let r = responses(&p, id);
    assert_eq!(r[0].code, Code::CHANGED);
    assert!(
        r[0].block1().is_some_and(|b| !b.more()),
        "final response echoes Block1"
    );
    let sizes: Vec<usize> = p
        .decoded_log()
        .filter(|(s, _)| *s == Side::Client)
        .filter_map(|(_, m)| m.block1())
        .map(|b| b.size())
        .collect();
    assert_eq!(sizes.first(), Some(&1024));
    assert!(
        sizes.last() == Some(&256),
        "the client adopted the server's block size"
    );
}

#[test]
fn nstart_keeps_one_confirmable_request_outstanding_per_peer() {
    let mut p = Pair::new(16);
    p.loss = 0.2;
    let ids: Vec<_> = (0..5)
        .map(|i| {
            let req = Message::request(Code::GET).with_uri_path(&format!("/n/{i}"));
            p.client.request(p.now, p.server_addr, req).unwrap()
        })
        .collect();
    assert!(p.drive(600_000, |p| {
        serve(p, |req| content(req.uri_path_string().as_bytes()));
        ids.iter()
            .all(|id| !responses(p, *id).is_empty() || failure(p, *id).is_some())
    }));
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(responses(&p, *id)[0].payload, format!("/n/{i}").as_bytes());
    }
    // Replay the log: a new client request is never sent while another is unacknowledged.
    let mut unacked: Option<u16> = None;
    for (side, m) in p.decoded_log() {
        match (side, m.message_type()) {
            (Side::Client, MessageType::Confirmable) => {
                assert!(
                    unacked.is_none_or(|u| u == m.message_id()),
                    "two outstanding"
                );
                unacked = Some(m.message_id());
            }
            (Side::Server, MessageType::Acknowledgement) if Some(m.message_id()) == unacked => {
                unacked = None;
            }
            _ => {}
        }
    }
}
