//! Reliability: retransmission of confirmable messages (RFC 7252 §4.2), matching ACK/RST to what
//! we sent, and duplicate detection with response replay (§4.5).

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use super::timers::Timer;
use super::{Endpoint, Key, MessageType, ObservationId, RequestId, Timestamp, empty};
use crate::coap::MessageRef;

/// What a sent message was for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Purpose {
    Request(RequestId),
    Response,
    Notification(ObservationId),
}

/// Retransmission state of a confirmable message.
#[derive(Debug, Clone, Copy)]
pub(super) struct Retransmit {
    pub(super) attempts: u8,
    pub(super) timeout: Duration,
    pub(super) deadline: Timestamp,
}

/// A confirmable message we sent and are retransmitting until an ACK or RST.
#[derive(Debug)]
pub(super) struct Sent {
    pub(super) bytes: Vec<u8>,
    pub(super) purpose: Purpose,
    pub(super) retransmit: Retransmit,
}

/// Expiry queues. Each holds entries with one fixed lifetime, pushed with a monotonic `now`, so
/// the front is always the earliest: expiry and [`Endpoint::poll_timeout`] stay O(1) however
/// many message IDs are remembered.
#[derive(Debug, Default)]
pub(super) struct Expiry {
    dedup_con: VecDeque<(Timestamp, Key)>,
    dedup_non: VecDeque<(Timestamp, Key)>,
    sent_non: VecDeque<(Timestamp, Key)>,
}

impl Expiry {
    pub(super) fn earliest(&self) -> Option<Timestamp> {
        [&self.dedup_con, &self.dedup_non, &self.sent_non]
            .into_iter()
            .filter_map(|q| q.front().map(|e| e.0))
            .min()
    }
}

fn pop_due(
    queue: &mut VecDeque<(Timestamp, Key)>,
    now: Timestamp,
    mut f: impl FnMut(Timestamp, Key),
) {
    while queue.front().is_some_and(|e| e.0 <= now) {
        if let Some((at, key)) = queue.pop_front() {
            f(at, key);
        }
    }
}

/// A received message ID and what to replay if it comes again.
#[derive(Debug)]
pub(super) struct Dedup {
    pub(super) expires: Timestamp,
    pub(super) state: DedupState,
}

#[derive(Debug)]
pub(super) enum DedupState {
    /// Handed to the application, no response yet.
    Pending { acked: bool },
    /// Answered: replay these bytes (ACK, piggybacked response, Reset) on a duplicate CON.
    Done(Option<Vec<u8>>),
}

impl Endpoint {
    /// Sends a confirmable message and schedules its retransmission. `carry` continues the
    /// back-off of a message it replaces (RFC 7641 §4.5.2).
    pub(super) fn send_con(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        mid: u16,
        bytes: Vec<u8>,
        purpose: Purpose,
        carry: Option<Retransmit>,
    ) {
        let retransmit = carry.unwrap_or_else(|| {
            let jitter = f64::from(self.random.next_u32()) / f64::from(u32::MAX);
            let factor = 1.0 + (self.config.ack_random_factor - 1.0).max(0.0) * jitter;
            let timeout = self.config.ack_timeout.mul_f64(factor);
            Retransmit {
                attempts: 0,
                timeout,
                deadline: now + timeout,
            }
        });
        let sent = Sent {
            bytes: bytes.clone(),
            purpose,
            retransmit,
        };
        self.sent.insert((peer, mid), sent);
        self.push_timer(retransmit.deadline, Timer::Retransmit((peer, mid)));
        self.transmit(peer, bytes);
    }

    /// Sends a non-confirmable message, remembering it so a Reset can be matched.
    pub(super) fn send_non(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        mid: u16,
        bytes: Vec<u8>,
        purpose: Purpose,
    ) {
        let expires = now + self.config.non_lifetime;
        self.sent_non.insert((peer, mid), (purpose, expires));
        self.expiry.sent_non.push_back((expires, (peer, mid)));
        self.transmit(peer, bytes);
    }

    /// The retransmission timer of the message sent as `key` fired: send it again with a doubled
    /// timeout, or give up after MAX_RETRANSMIT.
    pub(super) fn retransmit(&mut self, now: Timestamp, key: Key) {
        let max = self.config.max_retransmit;
        let Some(sent) = self.sent.get_mut(&key) else {
            return;
        };
        let r = &mut sent.retransmit;
        if r.attempts < max {
            r.attempts += 1;
            r.timeout = r.timeout.saturating_mul(2);
            r.deadline = now + r.timeout;
            let (bytes, deadline) = (sent.bytes.clone(), r.deadline);
            self.stats.retransmissions += 1;
            self.transmit(key.0, bytes);
            self.push_timer(deadline, Timer::Retransmit(key));
        } else {
            let purpose = sent.purpose;
            self.sent.remove(&key);
            self.stats.transmit_timeouts += 1;
            self.transmit_failed(purpose);
        }
    }

    /// Forgets remembered message IDs whose lifetime is over.
    pub(super) fn expire(&mut self, now: Timestamp) {
        let (dedup, sent_non) = (&mut self.dedup, &mut self.sent_non);
        let mut forget_dedup = |at: Timestamp, key: Key| {
            if dedup.get(&key).is_some_and(|d| d.expires == at) {
                dedup.remove(&key);
            }
        };
        pop_due(&mut self.expiry.dedup_con, now, &mut forget_dedup);
        pop_due(&mut self.expiry.dedup_non, now, &mut forget_dedup);
        pop_due(&mut self.expiry.sent_non, now, |at, key| {
            if sent_non.get(&key).is_some_and(|e| e.1 == at) {
                sent_non.remove(&key);
            }
        });
    }

    fn transmit_failed(&mut self, purpose: Purpose) {
        match purpose {
            Purpose::Request(id) => self.fail(id, super::FailReason::Timeout),
            Purpose::Notification(obs) => self.end_observation(obs, super::EndReason::Timeout),
            Purpose::Response => {}
        }
    }

    pub(super) fn on_ack(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        mid: u16,
        response: Option<&MessageRef<'_>>,
    ) {
        let Some(sent) = self.sent.remove(&(peer, mid)) else {
            // Unknown, or an ACK for a non-confirmable message: not meaningful.
            self.stats.unmatched += 1;
            return;
        };
        let purpose = sent.purpose;
        match (purpose, response) {
            (Purpose::Request(_), Some(msg)) => self.on_response(now, peer, msg),
            (Purpose::Request(id), None) => self.on_empty_ack(now, id),
            (Purpose::Notification(obs), _) => {
                if let Some(o) = self.observations.get_mut(&obs) {
                    if o.in_flight == Some(mid) {
                        o.in_flight = None;
                    }
                }
            }
            (Purpose::Response, _) => {}
        }
    }

    pub(super) fn on_reset(&mut self, peer: SocketAddr, mid: u16) {
        self.stats.resets_received += 1;
        let con = self.sent.remove(&(peer, mid)).map(|s| s.purpose);
        let Some(purpose) = con.or_else(|| self.sent_non.remove(&(peer, mid)).map(|e| e.0)) else {
            self.stats.unmatched += 1;
            return;
        };
        match purpose {
            Purpose::Request(id) => self.fail(id, super::FailReason::Reset),
            Purpose::Notification(obs) => self.end_observation(obs, super::EndReason::Reset),
            Purpose::Response => {}
        }
    }

    /// Detects a duplicate CON/NON and replays what we answered; records new message IDs.
    pub(super) fn is_duplicate(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        msg: &MessageRef<'_>,
    ) -> bool {
        let key = (peer, msg.message_id());
        let con = msg.message_type() == MessageType::Confirmable;
        if let Some(d) = self.dedup.get(&key) {
            self.stats.duplicates += 1;
            let replay = match &d.state {
                DedupState::Done(Some(bytes)) if con => Some(bytes.clone()),
                DedupState::Pending { acked: true, .. } if con => {
                    Some(empty(MessageType::Acknowledgement, key.1))
                }
                _ => None,
            };
            if let Some(bytes) = replay {
                self.transmit(peer, bytes);
            }
            return true;
        }
        while self.dedup.len() >= self.config.max_dedup_entries.max(1) && self.evict_dedup() {}
        let (lifetime, queue) = if con {
            (self.config.exchange_lifetime, &mut self.expiry.dedup_con)
        } else {
            (self.config.non_lifetime, &mut self.expiry.dedup_non)
        };
        let expires = now + lifetime;
        queue.push_back((expires, key));
        let state = DedupState::Pending { acked: false };
        self.dedup.insert(key, Dedup { expires, state });
        false
    }

    /// Forgets the oldest remembered message ID; false when there is none.
    fn evict_dedup(&mut self) -> bool {
        let q = &mut self.expiry;
        let con_first = match (q.dedup_con.front(), q.dedup_non.front()) {
            (Some(c), Some(n)) => c.0 <= n.0,
            (c, _) => c.is_some(),
        };
        let queue = if con_first {
            &mut q.dedup_con
        } else {
            &mut q.dedup_non
        };
        let Some((at, key)) = queue.pop_front() else {
            return false;
        };
        if self.dedup.get(&key).is_some_and(|d| d.expires == at) {
            self.dedup.remove(&key);
            self.stats.dedup_evictions += 1;
        }
        true
    }

    /// Records the answer to a received message for replay on duplicates.
    pub(super) fn dedup_done(&mut self, peer: SocketAddr, mid: u16, bytes: Option<Vec<u8>>) {
        if let Some(d) = self.dedup.get_mut(&(peer, mid)) {
            d.state = DedupState::Done(bytes);
        }
    }

    /// Marks a received confirmable message as acknowledged by an empty ACK.
    pub(super) fn dedup_acked(&mut self, peer: SocketAddr, mid: u16) {
        if let Some(d) = self.dedup.get_mut(&(peer, mid)) {
            if let DedupState::Pending { acked, .. } = &mut d.state {
                *acked = true;
            }
        }
    }
}
