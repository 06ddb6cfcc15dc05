//! Block-wise transfer (RFC 7959): on the server side Block1 reassembly and slicing of large
//! responses into Block2 blocks kept for the follow-up requests; on the client side Block1
//! sending and Block2 reassembly.

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::{Endpoint, EndpointError, FailReason, RequestId, Timestamp};
use crate::coap::option::number;
use crate::coap::{BlockValue, Code, Message, MessageRef, MessageType, ReadOptions, szx_to_size};

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

#[derive(Debug)]
pub(super) struct Block1Out {
    pub(super) body: Vec<u8>,
    pub(super) sent_end: usize,
    pub(super) szx: u8,
}

#[derive(Debug)]
pub(super) struct Block2In {
    /// Type of the first block: a reassembled notification keeps CON/NON.
    pub(super) ty: MessageType,
    pub(super) body: Vec<u8>,
    pub(super) observe: Option<u32>,
    pub(super) etag: Option<Vec<u8>>,
}

impl Endpoint {
    /// Sends the next Block1 block of exchange `id` (RFC 7959 §2.5).
    pub(super) fn send_next_block1(
        &mut self,
        now: Timestamp,
        id: RequestId,
    ) -> Result<(), EndpointError> {
        let Some(e) = self.exchanges.get_mut(&id) else {
            return Ok(());
        };
        let Some(b1) = e.block1.as_mut() else {
            return Ok(());
        };
        let (start, total) = (b1.sent_end, b1.body.len());
        let end = (start + szx_to_size(b1.szx)).min(total);
        let block = BlockValue::at_offset(start, end < total, b1.szx)?;
        let mut msg = e.template.clone();
        msg.payload = b1.body[start..end].to_vec();
        msg.set_block(number::BLOCK1, block);
        if start == 0 {
            msg.set_uint_option(number::SIZE1, total as u32);
        }
        b1.sent_end = end;
        self.send_in_exchange(now, id, msg, None)
    }

    /// Adds a Block2 block of a response or notification to exchange `id`; requests the next
    /// block, or returns the complete message (RFC 7959 §2.4). `None` while incomplete, failed
    /// or dropped.
    pub(super) fn reassemble_block2(
        &mut self,
        now: Timestamp,
        id: RequestId,
        msg: &MessageRef<'_>,
        b2: BlockValue,
        observe: Option<u32>,
    ) -> Option<Message> {
        let (ty, max_body, my_szx) = (
            msg.message_type(),
            self.config.max_body_size,
            self.config.block_szx.min(6),
        );
        let e = self.exchanges.get_mut(&id)?;
        let mut message = Message::from_ref(msg);
        let etag = msg.etag().map(<[u8]>::to_vec);
        if b2.num() == 0 {
            e.block2 = Some(Block2In {
                ty,
                body: Vec::new(),
                observe,
                etag: etag.clone(),
            });
        }
        let in_sequence = e
            .block2
            .as_ref()
            .is_some_and(|acc| acc.body.len() == b2.offset() && acc.etag == etag);
        if !in_sequence {
            if e.observe {
                // The representation changed mid-transfer: drop it, the next notification
                // brings a fresh one.
                e.block2 = None;
                self.stats.ignored += 1;
            } else {
                self.fail(id, FailReason::BlockMismatch);
            }
            return None;
        }
        let acc = e.block2.as_mut()?;
        if acc.body.len() + msg.payload().len() > max_body {
            self.fail(id, FailReason::TooLarge);
            return None;
        }
        acc.body.extend_from_slice(msg.payload());
        if b2.more() {
            let szx = b2.szx().min(my_szx);
            let mut next = e.template.clone();
            next.remove_option(number::OBSERVE);
            next.remove_option(number::BLOCK1);
            next.remove_option(number::SIZE1);
            let sent = BlockValue::at_offset(acc.body.len(), false, szx);
            let result = sent.map_err(EndpointError::from).and_then(|b| {
                next.set_block(number::BLOCK2, b);
                self.send_in_exchange(now, id, next, None)
            });
            if result.is_err() {
                self.fail(id, FailReason::TooLarge);
            }
            return None;
        }
        let acc = e.block2.take()?;
        if let (Some(v), Some((last, _))) = (acc.observe, e.last_seen) {
            if v != last {
                // A newer notification arrived during the transfer: this one is stale.
                self.stats.stale_notifications += 1;
                return None;
            }
        }
        message.ty = acc.ty;
        message.payload = acc.body;
        message.remove_option(number::BLOCK2);
        match acc.observe {
            Some(v) => message.set_uint_option(number::OBSERVE, v),
            None => message.remove_option(number::OBSERVE),
        };
        Some(message)
    }

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
            full.set_option(number::ETAG, self.next_etag.to_be_bytes());
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
