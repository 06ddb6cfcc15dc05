//! Server role: incoming requests, piggybacked and separate responses, Block1 reassembly and
//! Block2 slicing (RFC 7959 §2.3-2.5).

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::transmit::Purpose;
use super::{Endpoint, EndpointError, Event, IncomingId, ObservationId, Timestamp, empty};
use crate::coap::option::number;
use crate::coap::{
    BlockValue, Code, Message, MessageRef, MessageType, ReadOptions, Token, szx_to_size,
};

/// A request handed to the application and not answered yet.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) peer: SocketAddr,
    pub(super) mid: u16,
    pub(super) token: Token,
    pub(super) con: bool,
    pub(super) acked: bool,
    pub(super) ack_deadline: Option<Timestamp>,
    pub(super) expires: Timestamp,
    pub(super) observe: Option<u32>,
    pub(super) block1: Option<BlockValue>,
    pub(super) block2: Option<BlockValue>,
    pub(super) key: Vec<u8>,
}

/// A Block1 body being received.
#[derive(Debug)]
pub(super) struct Assembly {
    body: Vec<u8>,
    expires: Timestamp,
}

/// A large response kept for the client's follow-up Block2 requests.
#[derive(Debug)]
pub(super) struct Cached {
    response: Message,
    expires: Timestamp,
}

enum Block1Step {
    Continue(BlockValue),
    Reject(Code),
    Complete(Vec<u8>),
}

/// What identifies a resource representation across block requests: method, Uri-Host/Port/Path/
/// Query and Accept.
pub(super) fn resource_key(msg: &impl ReadOptions, code: Code) -> Vec<u8> {
    let mut key = alloc::vec![code.raw()];
    for o in msg.raw_options() {
        if matches!(
            o.number,
            number::URI_HOST
                | number::URI_PORT
                | number::URI_PATH
                | number::URI_QUERY
                | number::ACCEPT
        ) {
            key.extend_from_slice(&o.number.to_be_bytes());
            key.extend_from_slice(&(o.value.len() as u16).to_be_bytes());
            key.extend_from_slice(o.value);
        }
    }
    key
}

impl Endpoint {
    pub(super) fn on_request(&mut self, now: Timestamp, peer: SocketAddr, msg: &MessageRef<'_>) {
        let con = msg.message_type() == MessageType::Confirmable;
        if msg.unrecognized_critical().is_some() {
            // RFC 7252 §5.4.1: 4.02 for a CON, reject a NON.
            if con {
                self.reply_direct(now, peer, msg, Message::response(Code::BAD_OPTION));
            } else {
                self.send_reset(peer, msg.message_id());
                self.dedup_done(peer, msg.message_id(), None);
            }
            return;
        }
        let (token, observe) = (msg.token(), msg.observe());
        if observe == Some(1) {
            if let Some(id) = self.observation_keys.get(&(peer, token)).copied() {
                self.end_observation(id, super::EndReason::Deregistered);
            }
        }
        let key = resource_key(msg, msg.code());
        let block2 = msg.block2();
        if let Some(b2) = block2.filter(|b| b.num() > 0) {
            if let Some(cached) = self
                .block2_out
                .get(&(peer, key.clone()))
                .filter(|c| c.expires > now)
            {
                let szx = b2.szx().min(self.config.block_szx);
                let part = slice(&cached.response, b2.num(), szx);
                self.reply_direct(now, peer, msg, part);
                return;
            }
        }
        let mut block1 = None;
        let mut body = None;
        if let Some(b1) = msg.block1() {
            match self.assemble_block1(now, peer, &key, b1, msg.payload()) {
                Block1Step::Continue(echo) => {
                    let mut r = Message::response(Code::CONTINUE);
                    r.set_block(number::BLOCK1, echo);
                    self.reply_direct(now, peer, msg, r);
                    return;
                }
                Block1Step::Reject(code) => {
                    let mut r = Message::response(code);
                    if code == Code::REQUEST_ENTITY_TOO_LARGE {
                        r.set_uint_option(number::SIZE1, self.config.max_body_size as u32);
                    }
                    self.reply_direct(now, peer, msg, r);
                    return;
                }
                Block1Step::Complete(b) => {
                    block1 = Some(b1);
                    body = Some(b);
                }
            }
        }
        let mut message = Message::from_ref(msg);
        if let Some(b) = body {
            message.payload = b;
            message.remove_option(number::BLOCK1);
        }
        let id = IncomingId(self.next_id());
        let pending = Pending {
            peer,
            mid: msg.message_id(),
            token,
            con,
            acked: false,
            ack_deadline: con.then(|| now + self.config.separate_ack_delay),
            expires: now + self.config.exchange_lifetime,
            observe,
            block1,
            block2,
            key,
        };
        self.incoming.insert(id, pending);
        self.events.push_back(Event::Request { id, peer, message });
    }

    /// Answers a request the endpoint handles itself (4.02, 2.31, cached blocks).
    fn reply_direct(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        req: &MessageRef<'_>,
        mut resp: Message,
    ) {
        resp.token = req.token();
        if req.message_type() == MessageType::Confirmable {
            resp.ty = MessageType::Acknowledgement;
            resp.message_id = req.message_id();
            if let Ok(bytes) = resp.encode() {
                self.transmit(peer, bytes.clone());
                self.dedup_done(peer, req.message_id(), Some(bytes));
            }
        } else {
            resp.ty = MessageType::NonConfirmable;
            resp.message_id = self.new_mid();
            if let Ok(bytes) = resp.encode() {
                self.send_non(now, peer, resp.message_id, bytes, Purpose::Response);
            }
            self.dedup_done(peer, req.message_id(), None);
        }
    }

    fn assemble_block1(
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

    /// Answers request `id`. Large payloads are sliced into Block2 blocks and kept for the
    /// follow-up requests; a success answer to a GET with Observe=0 registers an observation.
    pub fn respond(
        &mut self,
        now: Timestamp,
        id: IncomingId,
        mut response: Message,
    ) -> Result<Option<ObservationId>, EndpointError> {
        let p = self
            .incoming
            .remove(&id)
            .ok_or(EndpointError::UnknownRequest)?;
        response.token = p.token;
        if let Some(b1) = p.block1 {
            if !response.has_option(number::BLOCK1) {
                response.set_block(
                    number::BLOCK1,
                    BlockValue::new(b1.num(), false, b1.szx()).unwrap_or(b1),
                );
            }
        }
        let mut observation = None;
        let first_block = p.block2.is_none_or(|b| b.num() == 0);
        if p.observe == Some(0) && response.code.is_success() && first_block {
            let (obs, seq) = self.register_observation(now, p.peer, p.token, &p.key);
            response.set_uint_option(number::OBSERVE, seq);
            observation = Some(obs);
        }
        let szx = self.config.block_szx.min(p.block2.map_or(6, |b| b.szx()));
        let num = p.block2.map_or(0, |b| b.num());
        if response.payload.len() > szx_to_size(szx) || num > 0 {
            response = self.slice_and_cache(now, p.peer, p.key.clone(), response, num, szx);
        }
        if p.con && !p.acked {
            response.ty = MessageType::Acknowledgement;
            response.message_id = p.mid;
            let bytes = response.encode()?;
            self.transmit(p.peer, bytes.clone());
            self.dedup_done(p.peer, p.mid, Some(bytes));
        } else if p.con {
            response.ty = MessageType::Confirmable;
            response.message_id = self.new_mid();
            let bytes = response.encode()?;
            self.send_con(
                now,
                p.peer,
                response.message_id,
                bytes,
                Purpose::Response,
                None,
            );
            self.dedup_done(
                p.peer,
                p.mid,
                Some(empty(MessageType::Acknowledgement, p.mid)),
            );
        } else {
            response.ty = MessageType::NonConfirmable;
            response.message_id = self.new_mid();
            let bytes = response.encode()?;
            self.send_non(now, p.peer, response.message_id, bytes, Purpose::Response);
            self.dedup_done(p.peer, p.mid, None);
        }
        Ok(observation)
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

    pub(super) fn server_timeouts(&mut self, now: Timestamp) {
        let due: Vec<IncomingId> = self
            .incoming
            .iter()
            .filter(|(_, p)| p.ack_deadline.is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            let Some(p) = self.incoming.get_mut(&id) else {
                continue;
            };
            p.ack_deadline = None;
            p.acked = true;
            let (peer, mid) = (p.peer, p.mid);
            self.transmit(peer, empty(MessageType::Acknowledgement, mid));
            self.dedup_acked(peer, mid);
        }
        self.incoming.retain(|_, p| p.expires > now);
        self.block1_in.retain(|_, a| a.expires > now);
        self.block2_out.retain(|_, c| c.expires > now);
    }

    pub(super) fn server_deadlines(&self) -> impl Iterator<Item = Timestamp> + '_ {
        let incoming = self
            .incoming
            .values()
            .map(|p| p.ack_deadline.unwrap_or(p.expires));
        let b1 = self.block1_in.values().map(|a| a.expires);
        let b2 = self.block2_out.values().map(|c| c.expires);
        incoming.chain(b1).chain(b2)
    }
}

/// Block `num` of `full` at size exponent `szx`, with Size2 on the first block; 4.02 Bad Option
/// if `num` is past the end (RFC 7959 §2.2).
fn slice(full: &Message, num: u32, szx: u8) -> Message {
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
