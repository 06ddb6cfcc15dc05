//! Deadlines in one min-heap with lazy deletion, so that [`Endpoint::poll_timeout`] is O(1) and
//! [`Endpoint::handle_timeout`] touches only what is due, however many exchanges are open.
//!
//! A deadline is pushed whenever one is set; changing or clearing it leaves the old entry in the
//! heap. An entry is live while the state it names still has exactly that deadline. Stale
//! entries are dropped when they reach the top ([`Endpoint::prune_timers`], run after every
//! input), and the whole heap is compacted when stale entries outnumber live ones.

use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Reverse;

use super::{Endpoint, FailReason, IncomingId, Key, MessageType, RequestId, Timestamp, empty};

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Timer {
    /// Retransmission (or give-up) of the confirmable message sent as `Key`.
    Retransmit(Key),
    /// A separate or non-confirmable response that did not come.
    Exchange(RequestId),
    /// The separate-ACK delay or the expiry of a request handed to the application.
    Incoming(IncomingId),
    /// Max-Age of an observation's latest notification (client side, RFC 7641 §3.3.1).
    Refresh(RequestId),
}

/// The heap.
#[derive(Debug, Default)]
pub(super) struct Timers(BinaryHeap<Reverse<(Timestamp, Timer)>>);

impl Timers {
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

impl Endpoint {
    /// Schedules `timer` at `at`.
    pub(super) fn push_timer(&mut self, at: Timestamp, timer: Timer) {
        self.timers.0.push(Reverse((at, timer)));
        let live = self.sent.len() + self.exchanges.len() + 2 * self.incoming.len();
        if self.timers.len() > 2 * live + 64 {
            let heap = core::mem::take(&mut self.timers.0);
            let kept: Vec<_> = heap
                .into_vec()
                .into_iter()
                .filter(|Reverse((at, t))| self.timer_live(*at, *t))
                .collect();
            self.timers.0 = BinaryHeap::from(kept);
        }
    }

    /// True while `timer`'s state still has deadline `at`.
    fn timer_live(&self, at: Timestamp, timer: Timer) -> bool {
        match timer {
            Timer::Retransmit(key) => self
                .sent
                .get(&key)
                .is_some_and(|s| s.retransmit.deadline == at),
            Timer::Exchange(id) => self
                .exchanges
                .get(&id)
                .is_some_and(|e| e.deadline == Some(at)),
            Timer::Incoming(id) => self
                .incoming
                .get(&id)
                .is_some_and(|p| p.ack_deadline == Some(at) || p.expires == at),
            Timer::Refresh(id) => self
                .exchanges
                .get(&id)
                .is_some_and(|e| e.refresh_at == Some(at)),
        }
    }

    /// Drops stale entries from the top, so that the top is the next real deadline.
    pub(super) fn prune_timers(&mut self) {
        while let Some(&Reverse((at, t))) = self.timers.0.peek() {
            if self.timer_live(at, t) {
                break;
            }
            self.timers.0.pop();
        }
    }

    /// The earliest live deadline (after [`prune_timers`](Self::prune_timers)).
    pub(super) fn next_timer(&self) -> Option<Timestamp> {
        self.timers.0.peek().map(|Reverse((at, _))| *at)
    }

    /// Runs every timer due at `now`. Deadlines set meanwhile wait for the next call.
    pub(super) fn run_timers(&mut self, now: Timestamp) {
        let mut due = Vec::new();
        while let Some(&Reverse((at, t))) = self.timers.0.peek() {
            if at > now {
                break;
            }
            self.timers.0.pop();
            if self.timer_live(at, t) {
                due.push(t);
            }
        }
        for t in due {
            match t {
                Timer::Retransmit(key) => self.retransmit(now, key),
                Timer::Exchange(id) => {
                    if self
                        .exchanges
                        .get(&id)
                        .is_some_and(|e| e.deadline.is_some_and(|d| d <= now))
                    {
                        self.fail(id, FailReason::Timeout);
                    }
                }
                Timer::Incoming(id) => self.incoming_due(now, id),
                Timer::Refresh(id) => self.refresh_observation(now, id),
            }
        }
    }

    /// A request handed to the application: send the empty ACK when its delay is over, forget
    /// it when it expired.
    fn incoming_due(&mut self, now: Timestamp, id: IncomingId) {
        let Some(p) = self.incoming.get_mut(&id) else {
            return;
        };
        if p.ack_deadline.is_some_and(|d| d <= now) {
            p.ack_deadline = None;
            p.acked = true;
            let (peer, mid) = (p.peer, p.mid);
            self.transmit(peer, empty(MessageType::Acknowledgement, mid));
            self.dedup_acked(peer, mid);
        }
        if self.incoming.get(&id).is_some_and(|p| p.expires <= now) {
            self.incoming.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use core::net::SocketAddr;
    use core::time::Duration;

    use crate::coap::{Code, Config, Endpoint, Message, MessageType, SeededRandom, Timestamp};

    fn peer() -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 9], 5683))
    }

    #[test]
    fn an_acknowledged_request_leaves_no_stale_deadline_on_top() {
        let mut ep = Endpoint::new(Config::default(), SeededRandom::new(5));
        let t0 = Timestamp::from_millis(1_000);
        ep.request(
            t0,
            peer(),
            Message::request(Code::GET).with_uri_path("/3/0"),
        )
        .unwrap();
        let sent = Message::decode(&ep.poll_transmit().unwrap().payload).unwrap();
        let first = ep.poll_timeout().unwrap();
        assert!(first >= t0 + Duration::from_secs(2) && first <= t0 + Duration::from_secs(3));
        // An empty ACK: no retransmission any more, the separate response may take
        // EXCHANGE_LIFETIME.
        let mut ack = Message::response(Code::EMPTY);
        ack.ty = MessageType::Acknowledgement;
        ack.message_id = sent.message_id;
        ep.handle_datagram(t0, peer(), &ack.encode().unwrap());
        assert_eq!(ep.poll_timeout(), Some(t0 + Duration::from_secs(247)));
        // Message-ID counters of silent peers are dropped after EXCHANGE_LIFETIME.
        assert_eq!(ep.next_mid.len(), 1);
        ep.handle_timeout(t0 + Duration::from_secs(248));
        assert!(ep.next_mid.is_empty());
        assert!(ep.poll_timeout().is_none());
    }

    #[test]
    fn the_duplicate_cache_is_capped_oldest_first() {
        let config = Config {
            max_dedup_entries: 2,
            ..Config::default()
        };
        let mut ep = Endpoint::new(config, SeededRandom::new(6));
        let send = |ep: &mut Endpoint, mid: u16, at: u64| {
            let mut m = Message::request(Code::GET).with_uri_path("/1");
            m.ty = MessageType::NonConfirmable;
            m.message_id = mid;
            ep.handle_datagram(Timestamp::from_millis(at), peer(), &m.encode().unwrap());
        };
        for (mid, at) in [(1, 0), (2, 1), (3, 2)] {
            send(&mut ep, mid, at);
        }
        assert_eq!(ep.stats().dedup_evictions, 1);
        assert_eq!(ep.stats().duplicates, 0);
        // 3 is remembered, 1 was forgotten: a repeat of 1 is taken as new.
        send(&mut ep, 3, 3);
        assert_eq!(ep.stats().duplicates, 1);
        send(&mut ep, 1, 4);
        assert_eq!(ep.stats().duplicates, 1);
        assert_eq!(ep.dedup.len(), 2);
    }
}
