//! NSTART (RFC 7252 §4.7): at most `Config::nstart` confirmable requests outstanding per peer;
//! the rest wait here until an ACK, RST or give-up frees a slot.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::net::SocketAddr;

use super::transmit::Purpose;
use super::{Endpoint, RequestId, Timestamp};
use crate::coap::{Message, Token};

/// A request message waiting for NSTART: exchange, message and the token to reuse, if any.
pub(super) type Queued = (RequestId, Message, Option<Token>);

impl Endpoint {
    /// Confirmable requests to `peer` sent and not yet acknowledged.
    pub(super) fn outstanding(&self, peer: SocketAddr) -> usize {
        self.sent
            .range((peer, 0)..=(peer, u16::MAX))
            .filter(|(_, s)| matches!(s.purpose, Purpose::Request(_)))
            .count()
    }

    /// Sends queued requests as NSTART allows (and drops stale timers: this ends every input).
    pub(super) fn send_queued(&mut self, now: Timestamp) {
        self.prune_timers();
        if self.queued.is_empty() {
            return;
        }
        let limit = self.config.nstart.max(1);
        let peers: Vec<SocketAddr> = self.queued.keys().copied().collect();
        for peer in peers {
            while self.outstanding(peer) < limit {
                let next = self.queued.get_mut(&peer).and_then(VecDeque::pop_front);
                let Some((id, msg, token)) = next else { break };
                // The message encoded when it was queued, so this cannot fail.
                let _ = self.send_in_exchange(now, id, msg, token);
            }
            if self.queued.get(&peer).is_some_and(VecDeque::is_empty) {
                self.queued.remove(&peer);
            }
        }
    }
}
