//! Client role: requests, response matching by token, Block1 sending, Block2 reassembly and
//! observe registrations with the freshness check.

use core::net::SocketAddr;
use core::time::Duration;

use super::blockwise;
use super::timers::Timer;
use super::transmit::Purpose;
use super::{
    Endpoint, EndpointError, Event, FailReason, MessageType, RequestId, Timestamp, empty, is_fresh,
};
use crate::coap::option::number;
use crate::coap::{BlockValue, Code, Message, MessageRef, ReadOptions, Token, szx_to_size};

/// A request in progress (possibly a long-lived observation).
#[derive(Debug)]
pub(super) struct Exchange {
    pub(super) peer: SocketAddr,
    /// The request without payload, for follow-up block requests and deregistration.
    pub(super) template: Message,
    pub(super) con: bool,
    pub(super) observe: bool,
    /// A deregistration (GET with Observe=1) is in flight.
    pub(super) cancelling: bool,
    /// Token of the message in flight.
    pub(super) token: Token,
    /// Token of the registration, while observing.
    pub(super) obs_token: Option<Token>,
    /// Message ID of the confirmable message being retransmitted.
    pub(super) mid: Option<u16>,
    /// When to give up waiting for a (separate or non-confirmable) response.
    pub(super) deadline: Option<Timestamp>,
    pub(super) block1: Option<blockwise::Block1Out>,
    pub(super) block2: Option<blockwise::Block2In>,
    pub(super) last_seen: Option<(u32, Timestamp)>,
    /// When to re-register the observation (Max-Age of the latest notification passed).
    pub(super) refresh_at: Option<Timestamp>,
}

impl Endpoint {
    /// Sends a request to `peer`. The endpoint assigns message ID and token, splits payloads
    /// larger than the block size into Block1 blocks and reassembles Block2 responses. With
    /// Observe=0 every fresh notification arrives as another [`Event::Response`].
    pub fn request(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        mut message: Message,
    ) -> Result<RequestId, EndpointError> {
        if !message.code.is_request() {
            return Err(EndpointError::NotARequest(message.code));
        }
        let id = RequestId(self.next_id());
        let szx = self.config.block_szx.min(6);
        let block1 = (message.payload.len() > szx_to_size(szx)).then(|| blockwise::Block1Out {
            body: core::mem::take(&mut message.payload),
            sent_end: 0,
            szx,
        });
        if szx < 6
            && matches!(message.code, Code::GET | Code::FETCH)
            && !message.has_option(number::BLOCK2)
        {
            // Early negotiation of a small block size (RFC 7959 §2.4).
            if let Some(b) = BlockValue::new(0, false, szx) {
                message.set_block(number::BLOCK2, b);
            }
        }
        let mut template = message.clone();
        // A FETCH body selects what is fetched: Block2 follow-ups and the Observe=1
        // deregistration repeat it (RFC 8132 §2.3.2, RFC 7641 §3.6).
        if message.code != Code::FETCH || block1.is_some() {
            template.payload.clear();
        }
        let exchange = Exchange {
            peer,
            template,
            con: message.ty != MessageType::NonConfirmable,
            observe: message.observe() == Some(0),
            cancelling: false,
            token: Token::EMPTY,
            obs_token: None,
            mid: None,
            deadline: None,
            block1: None,
            block2: None,
            last_seen: None,
            refresh_at: None,
        };
        self.exchanges.insert(id, exchange);
        let result = match block1 {
            Some(b1) => {
                if let Some(e) = self.exchanges.get_mut(&id) {
                    e.block1 = Some(b1);
                }
                self.send_next_block1(now, id)
            }
            None => self.send_in_exchange(now, id, message, None),
        };
        let result = match result {
            Ok(()) => Ok(id),
            Err(e) => {
                self.drop_exchange(id);
                Err(e)
            }
        };
        self.prune_timers();
        result
    }

    /// Deregisters an observation with a GET carrying Observe=1 and the registration's token
    /// (RFC 7641 §3.6); its response ends the request.
    pub fn cancel_observation(
        &mut self,
        now: Timestamp,
        id: RequestId,
    ) -> Result<(), EndpointError> {
        let e = self
            .exchanges
            .get_mut(&id)
            .filter(|e| e.observe && !e.cancelling)
            .ok_or(EndpointError::NotObserving)?;
        e.cancelling = true;
        let token = e.obs_token.unwrap_or(e.token);
        let mut msg = e.template.clone();
        msg.set_uint_option(number::OBSERVE, 1);
        let result = self.send_in_exchange(now, id, msg, Some(token));
        self.prune_timers();
        result
    }

    /// Forgets request `id` without telling the peer; later notifications are answered with a
    /// Reset, which cancels an observation on the server (RFC 7641 §3.6).
    pub fn forget(&mut self, id: RequestId) -> bool {
        let forgotten = self.drop_exchange(id);
        self.send_queued(self.last_now);
        forgotten
    }

    fn drop_exchange(&mut self, id: RequestId) -> bool {
        let Some(e) = self.exchanges.remove(&id) else {
            return false;
        };
        for t in [Some(e.token), e.obs_token].into_iter().flatten() {
            if self.tokens.get(&t) == Some(&id) {
                self.tokens.remove(&t);
            }
        }
        if let Some(mid) = e.mid {
            self.sent.remove(&(e.peer, mid));
        }
        if let Some(q) = self.queued.get_mut(&e.peer) {
            q.retain(|(i, _, _)| *i != id);
        }
        true
    }

    pub(super) fn fail(&mut self, id: RequestId, reason: FailReason) {
        if self.drop_exchange(id) {
            self.events.push_back(Event::RequestFailed { id, reason });
        }
    }

    /// Sends `msg` as the next message of exchange `id`, with a fresh token unless `token` is given.
    pub(super) fn send_in_exchange(
        &mut self,
        now: Timestamp,
        id: RequestId,
        mut msg: Message,
        token: Option<Token>,
    ) -> Result<(), EndpointError> {
        let Some(e) = self.exchanges.get_mut(&id) else {
            return Ok(());
        };
        let (peer, con) = (e.peer, e.con);
        if let Some(old) = e.mid.take() {
            self.sent.remove(&(peer, old));
        }
        if con && self.outstanding(peer) >= self.config.nstart.max(1) {
            msg.encode()?;
            self.queued
                .entry(peer)
                .or_default()
                .push_back((id, msg, token));
            return Ok(());
        }
        let token = match token {
            Some(t) => t,
            None => self.new_token(),
        };
        let mid = self.new_mid(now, peer);
        let Some(e) = self.exchanges.get_mut(&id) else {
            return Ok(());
        };
        if e.token != token && Some(e.token) != e.obs_token {
            self.tokens.remove(&e.token);
        }
        if e.observe && e.obs_token.is_none() {
            e.obs_token = Some(token);
        }
        e.token = token;
        self.tokens.insert(token, id);
        msg.token = token;
        msg.message_id = mid;
        msg.ty = if e.con {
            MessageType::Confirmable
        } else {
            MessageType::NonConfirmable
        };
        let peer = e.peer;
        if let Some(old) = e.mid.take() {
            self.sent.remove(&(peer, old));
        }
        let bytes = msg.encode()?;
        let e = self
            .exchanges
            .get_mut(&id)
            .ok_or(EndpointError::UnknownRequest)?;
        if e.con {
            e.mid = Some(mid);
            e.deadline = None;
            self.send_con(now, peer, mid, bytes, Purpose::Request(id), None);
        } else {
            let deadline = now + self.config.exchange_lifetime;
            e.deadline = Some(deadline);
            self.push_timer(deadline, Timer::Exchange(id));
            self.send_non(now, peer, mid, bytes, Purpose::Request(id));
        }
        Ok(())
    }

    pub(super) fn on_empty_ack(&mut self, now: Timestamp, id: RequestId) {
        let lifetime = self.config.exchange_lifetime;
        if let Some(e) = self.exchanges.get_mut(&id) {
            e.mid = None;
            e.deadline = Some(now + lifetime);
            self.push_timer(now + lifetime, Timer::Exchange(id));
        }
    }

    /// A response (piggybacked, separate or notification) arrived.
    pub(super) fn on_response(&mut self, now: Timestamp, peer: SocketAddr, msg: &MessageRef<'_>) {
        let (ty, mid, token) = (msg.message_type(), msg.message_id(), msg.token());
        let found = self
            .tokens
            .get(&token)
            .copied()
            .filter(|id| self.exchanges.get(id).is_some_and(|e| e.peer == peer));
        let Some(id) = found else {
            // RFC 7252 §4.2/§4.3 and RFC 7641 §3.6: reject what we cannot match.
            self.stats.unmatched += 1;
            if ty != MessageType::Acknowledgement {
                self.send_reset(peer, mid);
                self.dedup_done(peer, mid, Some(empty(MessageType::Reset, mid)));
            }
            return;
        };
        match ty {
            MessageType::Confirmable => {
                let ack = empty(MessageType::Acknowledgement, mid);
                self.transmit(peer, ack.clone());
                self.dedup_done(peer, mid, Some(ack));
            }
            MessageType::NonConfirmable => self.dedup_done(peer, mid, None),
            _ => {}
        }
        let Some(e) = self.exchanges.get_mut(&id) else {
            return;
        };
        let observe = msg.observe();
        // A notification arriving while a deregistration (same token) is in flight does not
        // answer it; anything else carrying the current token does.
        let notification_while_cancelling =
            e.cancelling && ty != MessageType::Acknowledgement && observe.is_some();
        if token == e.token && !notification_while_cancelling {
            if let Some(old) = e.mid.take() {
                self.sent.remove(&(peer, old));
            }
            e.deadline = None;
        }
        let mut refresh = None;
        if e.obs_token == Some(token) {
            if let Some(v) = observe {
                if e.last_seen
                    .is_some_and(|(v1, t1)| !is_fresh(v1, t1, v, now))
                {
                    self.stats.stale_notifications += 1;
                    return;
                }
                e.last_seen = Some((v, now));
                if self.config.observe_refresh && e.observe && !e.cancelling {
                    let at = now + Duration::from_secs(u64::from(msg.max_age()));
                    e.refresh_at = Some(at);
                    refresh = Some(at);
                }
            }
        }
        if let Some(at) = refresh {
            self.push_timer(at, Timer::Refresh(id));
        }
        let Some(e) = self.exchanges.get_mut(&id) else {
            return;
        };
        if msg.code() == Code::CONTINUE && e.block1.is_some() {
            if let (Some(b1), Some(echo)) = (e.block1.as_mut(), msg.block1()) {
                b1.szx = b1.szx.min(echo.szx());
            }
            if let Err(_e) = self.send_next_block1(now, id) {
                self.fail(id, FailReason::TooLarge);
            }
            return;
        }
        e.block1 = None;
        let message = match msg.block2().filter(|_| msg.code().is_success()) {
            Some(b2) => match self.reassemble_block2(now, id, msg, b2, observe) {
                Some(full) => full,
                None => return,
            },
            None => Message::from_ref(msg),
        };
        self.deliver(id, message);
    }

    /// Re-registers observation `id` with its token, unless a message of it is in flight.
    pub(super) fn refresh_observation(&mut self, now: Timestamp, id: RequestId) {
        let Some(e) = self.exchanges.get_mut(&id) else {
            return;
        };
        e.refresh_at = None;
        if !e.observe || e.cancelling || e.mid.is_some() {
            return;
        }
        let Some(token) = e.obs_token else {
            return;
        };
        let msg = e.template.clone();
        if self.send_in_exchange(now, id, msg, Some(token)).is_err() {
            self.fail(id, FailReason::Timeout);
        }
    }

    fn deliver(&mut self, id: RequestId, message: Message) {
        let Some(e) = self.exchanges.get_mut(&id) else {
            return;
        };
        // While deregistering, notifications may still arrive (CON/NON with Observe); the answer
        // to the deregistration itself comes in the ACK or without Observe and ends the request.
        let final_answer = e.cancelling && message.ty == MessageType::Acknowledgement;
        let keep =
            e.observe && !final_answer && message.code.is_success() && message.observe().is_some();
        self.events.push_back(Event::Response { id, message });
        if keep {
            if let Some(obs) = e.obs_token {
                if e.token != obs {
                    self.tokens.remove(&e.token);
                    e.token = obs;
                }
            }
        } else {
            self.drop_exchange(id);
        }
    }
}
