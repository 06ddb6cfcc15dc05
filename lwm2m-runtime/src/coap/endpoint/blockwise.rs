//! Block-wise transfer on the server side (RFC 7959 §2.3-2.5): Block1 reassembly and slicing of
//! large responses into Block2 blocks kept for the follow-up requests.

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::{Endpoint, Timestamp};
use crate::coap::option::number;
use crate::coap::{BlockValue, Code, Message, ReadOptions, szx_to_size};

/// A Block1 body being received.
#[derive(Debug)]
pub(super) struct Assembly {
    pub(super) body: Vec<u8>,
    pub(super) expires: Timestamp,
}

/// A large response kept for the client's follow-up Block2 requests.
#[derive(Debug)]
pub(super) struct Cached {
    pub(super) response: Message,
    pub(super) expires: Timestamp,
}

/// What to do with one received Block1 block.
pub(super) enum Block1Step {
    /// Answer 2.31 Continue with this Block1 echo.
    Continue(BlockValue),
    /// Answer with this error code.
    Reject(Code),
    /// The whole body has arrived.
    Complete(Vec<u8>),
}

impl Endpoint {
    /// Adds one Block1 block to the body being received from `peer` for resource `key`.
    pub(super) fn assemble_block1(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        key: &[u8],
        b1: BlockValue,
        payload: &[u8],
    ) -> Block1Step {
        if b1.more() && payload.len() != b1.size() {
            return Block1Step::Reject(Code::BAD_REQUEST);
        }
        let k = (peer, key.to_vec());
        let expires = now + self.config.exchange_lifetime;
        if b1.num() == 0 {
            self.block1_in.insert(
                k.clone(),
                Assembly {
                    body: Vec::new(),
                    expires,
                },
            );
        }
        let Some(a) = self.block1_in.get_mut(&k) else {
            return Block1Step::Reject(Code::REQUEST_ENTITY_INCOMPLETE);
        };
        if a.body.len() != b1.offset() {
            self.block1_in.remove(&k);
            return Block1Step::Reject(Code::REQUEST_ENTITY_INCOMPLETE);
        }
        if a.body.len() + payload.len() > self.config.max_body_size {
            self.block1_in.remove(&k);
            return Block1Step::Reject(Code::REQUEST_ENTITY_TOO_LARGE);
        }
        a.body.extend_from_slice(payload);
        a.expires = expires;
        if b1.more() {
            let szx = b1.szx().min(self.config.block_szx);
            Block1Step::Continue(BlockValue::new(b1.num(), true, szx).unwrap_or(b1))
        } else {
            Block1Step::Complete(
                self.block1_in
                    .remove(&k)
                    .map(|a| a.body)
                    .unwrap_or_default(),
            )
        }
    }

    /// Returns block `num` of `full` and keeps `full` (without Observe) for the other blocks.
    pub(super) fn slice_and_cache(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        key: Vec<u8>,
        mut full: Message,
        num: u32,
        szx: u8,
    ) -> Message {
        if full.payload.len() > szx_to_size(szx) && !full.has_option(number::ETAG) {
            // Lets the client detect a representation that changed between blocks (RFC 7959 §2.4).
            self.next_etag = self.next_etag.wrapping_add(1);
            full.set_option(number::ETAG, self.next_etag.to_be_bytes().to_vec());
        }
        let part = slice(&full, num, szx);
        if part.block2().is_some_and(|b| b.more() || b.num() > 0) {
            full.remove_option(number::OBSERVE);
            let expires = now + self.config.exchange_lifetime;
            self.block2_out.insert(
                (peer, key),
                Cached {
                    response: full,
                    expires,
                },
            );
        }
        part
    }
}

/// Block `num` of `full` at size exponent `szx`, with Size2 on the first block; 4.02 Bad Option
/// if `num` is past the end (RFC 7959 §2.2).
pub(super) fn slice(full: &Message, num: u32, szx: u8) -> Message {
    let size = szx_to_size(szx);
    let total = full.payload.len();
    let start = num as usize * size;
    let Some(block) = (start < total || (start == 0 && total == 0))
        .then_some(())
        .and(BlockValue::new(num, false, szx))
    else {
        let mut r = Message::response(Code::BAD_OPTION);
        r.token = full.token;
        return r;
    };
    let end = (start + size).min(total);
    let more = end < total;
    let mut part = Message::new(full.ty, full.code);
    part.token = full.token;
    for o in full.raw_options() {
        part.add_option(o.number, o.value);
    }
    part.payload = full.payload[start..end].to_vec();
    part.set_block(
        number::BLOCK2,
        BlockValue::new(block.num(), more, szx).unwrap_or(block),
    );
    if num == 0 && more {
        part.set_uint_option(number::SIZE2, total as u32);
    }
    part
}
