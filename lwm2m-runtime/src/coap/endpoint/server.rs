//! Server role: incoming requests, piggybacked and separate responses; block-wise handling is
//! delegated to [`super::blockwise`].

use alloc::vec::Vec;
use core::net::SocketAddr;

use super::blockwise::{Block1Step, slice};
use super::timers::Timer;
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

/// What identifies a resource representation across block requests: method, Uri-Host/Port/Path/
/// Query and Accept.
pub(super) fn resource_key(msg: &impl ReadOptions, code: Code) -> Vec<u8> {
    let keyed = |n: u16| {
        matches!(
            n,
            number::URI_HOST
                | number::URI_PORT
                | number::URI_PATH
                | number::URI_QUERY
                | number::ACCEPT
        )
    };
    let len: usize = msg
        .raw_options()
        .filter(|o| keyed(o.number))
        .map(|o| 4 + o.value.len())
        .sum();
    let mut key = Vec::with_capacity(1 + len);
    key.push(code.raw());
    for o in msg.raw_options() {
        if keyed(o.number) {
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
        let mut key = resource_key(msg, msg.code());
        if msg.code() == Code::FETCH && msg.block1().is_none() {
            // The FETCH body is part of what is fetched (RFC 8132 §2.3.2).
            key.extend_from_slice(msg.payload());
        }
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
        if let Some(at) = pending.ack_deadline {
            self.push_timer(at, Timer::Incoming(id));
        }
        self.push_timer(pending.expires, Timer::Incoming(id));
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
            resp.message_id = self.new_mid(now, peer);
            if let Ok(bytes) = resp.encode() {
                self.send_non(now, peer, resp.message_id, bytes, Purpose::Response);
            }
            self.dedup_done(peer, req.message_id(), None);
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
        self.prune_timers();
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
            response.message_id = self.new_mid(now, p.peer);
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
            response.message_id = self.new_mid(now, p.peer);
            let bytes = response.encode()?;
            self.send_non(now, p.peer, response.message_id, bytes, Purpose::Response);
            self.dedup_done(p.peer, p.mid, None);
        }
        Ok(observation)
    }

    /// Forgets block-wise state whose lifetime is over.
    pub(super) fn block_timeouts(&mut self, now: Timestamp) {
        self.block1_in.retain(|_, a| a.expires > now);
        self.block2_out.retain(|_, c| c.expires > now);
    }

    pub(super) fn server_deadlines(&self) -> impl Iterator<Item = Timestamp> + '_ {
        let b1 = self.block1_in.values().map(|a| a.expires);
        let b2 = self.block2_out.values().map(|c| c.expires);
        b1.chain(b2)
    }
}
