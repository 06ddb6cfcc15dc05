//! Observe (RFC 7641): the server's registrations and notifications, and the client's
//! freshness rule.

use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use super::transmit::Purpose;
use super::{EndReason, Endpoint, EndpointError, Event, ObservationId, Timestamp};
use crate::coap::option::number;
use crate::coap::{Message, MessageType, Token, szx_to_size};

/// Sequence numbers are 24 bits (RFC 7641 §4.4).
const SEQ_MASK: u32 = 0xff_ffff;

/// A registration on the server side.
#[derive(Debug)]
pub(super) struct Observation {
    peer: SocketAddr,
    token: Token,
    key: Vec<u8>,
    seq: u32,
    count: u32,
    last_con: Timestamp,
    /// Message ID of the confirmable notification still being retransmitted.
    pub(super) in_flight: Option<u16>,
}

/// The freshness rule of RFC 7641 §3.4: is notification `v2` received at `t2` newer than `v1`
/// received at `t1`? Sequence numbers are compared in 24-bit serial arithmetic; after 128 s any
/// notification counts as fresh.
pub fn is_fresh(v1: u32, t1: Timestamp, v2: u32, t2: Timestamp) -> bool {
    const HALF: u32 = 1 << 23;
    (v1 < v2 && v2 - v1 < HALF) || (v1 > v2 && v1 - v2 > HALF) || t2 > t1 + Duration::from_secs(128)
}

impl Endpoint {
    /// Registers (or refreshes, for the same peer and token) an observation; returns it and the
    /// sequence number for the response.
    pub(super) fn register_observation(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
        token: Token,
        key: &[u8],
    ) -> (ObservationId, u32) {
        if let Some(id) = self.observation_keys.get(&(peer, token)).copied() {
            if let Some(o) = self.observations.get_mut(&id) {
                o.seq = (o.seq + 1) & SEQ_MASK;
                return (id, o.seq);
            }
        }
        let id = ObservationId(self.next_id());
        let seq = 2;
        let o = Observation {
            peer,
            token,
            key: key.to_vec(),
            seq,
            count: 0,
            last_con: now,
            in_flight: None,
        };
        self.observations.insert(id, o);
        self.observation_keys.insert((peer, token), id);
        (id, seq)
    }

    /// Sends a notification for observation `id`. The endpoint sets token, Observe sequence
    /// number (24-bit, wrapping), type and Block2. Every [`Config::con_notify_every`]-th
    /// notification, or a `response` whose type is [`MessageType::Confirmable`], is confirmable;
    /// a new confirmable notification replaces one still being retransmitted (RFC 7641 §4.5.2).
    /// A non-2.xx `response` ends the observation.
    ///
    /// [`Config::con_notify_every`]: super::Config::con_notify_every
    pub fn notify(
        &mut self,
        now: Timestamp,
        id: ObservationId,
        mut response: Message,
    ) -> Result<(), EndpointError> {
        let every = self.config.con_notify_every.max(1);
        let interval = self.config.con_notify_interval;
        let o = self
            .observations
            .get_mut(&id)
            .ok_or(EndpointError::UnknownObservation)?;
        o.seq = (o.seq + 1) & SEQ_MASK;
        o.count = o.count.wrapping_add(1);
        let success = response.code.is_success();
        let con = response.ty == MessageType::Confirmable
            || !success
            || o.count % every == 0
            || now >= o.last_con + interval;
        let (peer, key, in_flight) = (o.peer, o.key.clone(), o.in_flight);
        response.token = o.token;
        if success {
            response.set_uint_option(number::OBSERVE, o.seq);
        } else {
            response.remove_option(number::OBSERVE);
        }
        if con {
            o.last_con = now;
        }
        let szx = self.config.block_szx;
        if response.payload.len() > szx_to_size(szx) {
            response = self.slice_and_cache(now, peer, key, response, 0, szx);
        }
        let mid = self.new_mid(now, peer);
        response.message_id = mid;
        response.ty = if con {
            MessageType::Confirmable
        } else {
            MessageType::NonConfirmable
        };
        let bytes = response.encode()?;
        if con {
            let carry = in_flight
                .and_then(|m| self.sent.remove(&(peer, m)))
                .map(|s| s.retransmit);
            self.send_con(now, peer, mid, bytes, Purpose::Notification(id), carry);
            if let Some(o) = self.observations.get_mut(&id) {
                o.in_flight = Some(mid);
            }
        } else {
            self.send_non(now, peer, mid, bytes, Purpose::Notification(id));
        }
        if !success {
            self.remove_observation(id);
        }
        self.prune_timers();
        Ok(())
    }

    /// Ends observation `id` without telling the client (it learns on the next request or from
    /// a non-2.xx notification sent with [`notify`](Self::notify)).
    pub fn remove_observation(&mut self, id: ObservationId) -> bool {
        let Some(o) = self.observations.remove(&id) else {
            return false;
        };
        self.observation_keys.remove(&(o.peer, o.token));
        if let Some(mid) = o.in_flight {
            self.sent.remove(&(o.peer, mid));
            self.prune_timers();
        }
        true
    }

    /// The active observations: id, peer and the token they use.
    pub fn observations(&self) -> impl Iterator<Item = (ObservationId, SocketAddr, Token)> + '_ {
        self.observations
            .iter()
            .map(|(id, o)| (*id, o.peer, o.token))
    }

    pub(super) fn end_observation(&mut self, id: ObservationId, reason: EndReason) {
        if self.remove_observation(id) {
            self.events
                .push_back(Event::ObservationEnded { id, reason });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_rule_of_rfc_7641_section_3_4() {
        let t = Timestamp::from_millis(1000);
        assert!(is_fresh(5, t, 6, t));
        assert!(!is_fresh(6, t, 5, t));
        assert!(!is_fresh(6, t, 6, t));
        // Wrap: 0xffffff -> 1 is fresh, 1 -> 0xffffff is not.
        assert!(is_fresh(0xff_ffff, t, 1, t));
        assert!(!is_fresh(1, t, 0xff_ffff, t));
        // After 128 s anything is fresh.
        assert!(is_fresh(6, t, 5, t + Duration::from_secs(129)));
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::*;
    use crate::coap::{Code, Config, ReadOptions, SeededRandom};

    #[test]
    fn sequence_numbers_wrap_at_24_bits() {
        let mut ep = Endpoint::new(Config::default(), SeededRandom::new(1));
        let peer: SocketAddr = "192.0.2.7:5683".parse().unwrap();
        let token = Token::new(&[7]).unwrap();
        let (id, _) = ep.register_observation(Timestamp::ZERO, peer, token, b"k");
        if let Some(o) = ep.observations.get_mut(&id) {
            o.seq = SEQ_MASK - 1;
        }
        let mut seqs = Vec::new();
        for _ in 0..3 {
            ep.notify(Timestamp::ZERO, id, Message::response(Code::CONTENT))
                .unwrap();
            let t = ep.poll_transmit().unwrap();
            seqs.push(Message::decode(&t.payload).unwrap().observe().unwrap());
        }
        assert_eq!(seqs, [0xff_ffff, 0, 1]);
        // Each is fresh for the client despite the wrap.
        let t = Timestamp::ZERO;
        assert!(seqs.windows(2).all(|w| is_fresh(w[0], t, w[1], t)));
    }
}
