//! Fuzzing entry point for the endpoint: arbitrary bytes drive a sequence of inputs.

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::{Config, Endpoint, Event, IncomingId, ObservationId, SeededRandom, Timestamp};
use crate::coap::option::number;
use crate::coap::{BlockValue, Code, Message, MessageRef, MessageType};

/// Interprets `data` as a script of endpoint inputs (datagrams from two peers, clock jumps,
/// requests, responses, notifications) and runs it. Must never panic.
#[doc(hidden)]
pub fn fuzz_endpoint(data: &[u8]) {
    let peers: [SocketAddr; 2] = [
        SocketAddr::from(([192, 0, 2, 1], 5683)),
        SocketAddr::from(([192, 0, 2, 2], 40000)),
    ];
    let config = Config {
        block_szx: 0,
        con_notify_every: 2,
        max_dedup_entries: 8,
        ..Config::default()
    };
    let mut ep = Endpoint::new(config, SeededRandom::new(0));
    let mut now = 0u64;
    let mut pending: Vec<IncomingId> = Vec::new();
    let mut observations: Vec<ObservationId> = Vec::new();
    let mut last: Option<Vec<u8>> = None;
    let mut rest = data;
    while let Some((&op, tail)) = rest.split_first() {
        let len = usize::from(tail.first().copied().unwrap_or(0));
        let arg = tail.get(1..(1 + len).min(tail.len())).unwrap_or(&[]);
        rest = tail.get(1 + arg.len()..).unwrap_or(&[]);
        let at = Timestamp::from_millis(now);
        let peer = peers[usize::from(op >> 7)];
        match op & 0x7 {
            0..=2 => ep.handle_datagram(at, peer, arg),
            3 => {
                now += len as u64 * 997;
                ep.handle_timeout(Timestamp::from_millis(now));
            }
            4 => {
                let path = core::str::from_utf8(arg).unwrap_or("x");
                let mut req = Message::request(Code::GET).with_uri_path(path);
                if len % 3 == 0 {
                    req = req.with_observe(0);
                }
                if len % 5 == 0 {
                    req.code = Code::PUT;
                    req.payload = arg.repeat(8);
                }
                let _ = ep.request(at, peer, req);
            }
            5 => {
                if let Some(id) = pending.pop() {
                    let resp = Message::response(Code::CONTENT).with_payload(arg.repeat(5));
                    if let Ok(Some(obs)) = ep.respond(at, id, resp) {
                        observations.push(obs);
                    }
                }
            }
            6 => {
                if let Some(&obs) = observations.get(len % observations.len().max(1)) {
                    let code = if len == 255 {
                        Code::NOT_FOUND
                    } else {
                        Code::CONTENT
                    };
                    let _ = ep.notify(at, obs, Message::response(code).with_payload(arg.to_vec()));
                }
            }
            _ => {
                // Answer the last datagram the endpoint sent, so client paths see matching
                // tokens and message IDs: the script chooses type, code and options.
                if let Some(reply) = last.as_ref().and_then(|t| reflect(t, arg)) {
                    ep.handle_datagram(at, peer, &reply);
                }
            }
        }
        let _ = ep.poll_timeout();
        while let Some(t) = ep.poll_transmit() {
            last = Some(t.payload);
        }
        while let Some(event) = ep.poll_event() {
            if let Event::Request { id, .. } = event {
                pending.push(id);
            }
        }
    }
}

/// A reply to `sent` shaped by `arg`: type, code, Observe, Block1/Block2, ETag and payload.
fn reflect(sent: &[u8], arg: &[u8]) -> Option<Vec<u8>> {
    let sent = MessageRef::decode(sent).ok()?;
    let byte = |i: usize| arg.get(i).copied().unwrap_or(0);
    let ty = MessageType::from_bits(byte(0));
    let code = [
        Code::CONTENT,
        Code::CONTINUE,
        Code::CHANGED,
        Code::NOT_FOUND,
    ][usize::from(byte(1) & 3)];
    let mut m = Message::new(ty, code);
    m.token = sent.token();
    m.message_id = if ty == MessageType::Acknowledgement {
        sent.message_id()
    } else {
        u16::from_be_bytes([byte(2), byte(3)])
    };
    if byte(4) & 1 != 0 {
        m.set_uint_option(number::OBSERVE, u32::from(byte(5)));
    }
    let block = BlockValue::new(u32::from(byte(6)) & 0xf, byte(7) & 1 != 0, byte(7) % 7);
    if let Some(b) = block.filter(|_| byte(4) & 2 != 0) {
        m.set_block(number::BLOCK2, b);
    }
    if let Some(b) = block.filter(|_| byte(4) & 4 != 0) {
        m.set_block(number::BLOCK1, b);
    }
    if byte(4) & 8 != 0 {
        m.set_option(number::ETAG, alloc::vec![byte(8)]);
    }
    m.payload = arg.get(9..).unwrap_or(&[]).to_vec();
    m.encode().ok()
}
