//! The session table of [`Secured`](super::Secured): one connection per peer address (plus, in
//! the server role, a successor handshake when a known peer sends a new ClientHello), the timer
//! index, and the half-open counts the caps are checked against.

use std::collections::{BTreeSet, VecDeque};
use std::net::{IpAddr, SocketAddr};

use rustc_hash::FxHashMap;

use super::backend::DtlsSession;
use super::record::ReplayWindow;
use crate::coap::Timestamp;
use crate::security::Identity;

/// Which of a peer's two possible sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Slot {
    /// The session datagrams from the peer go to.
    Current,
    /// A handshake from a peer that already has an established session (a client that lost its
    /// state). It replaces `Current` only once it completes: a forged ClientHello cannot break
    /// an established session.
    Successor,
}

pub(super) type Key = (SocketAddr, Slot);

pub(super) struct Conn {
    pub(super) session: Box<dyn DtlsSession>,
    /// Set once the handshake completed.
    pub(super) identity: Option<Identity>,
    pub(super) created: Timestamp,
    pub(super) last_activity: Timestamp,
    /// Datagrams received (a server half-open session that saw only its ClientHello is cheap
    /// to forget).
    pub(super) received: u32,
    /// Client role: when the first datagram since the peer last sent anything went out.
    pub(super) unanswered_since: Option<Timestamp>,
    /// Plaintext waiting for the handshake.
    pub(super) queue: VecDeque<Vec<u8>>,
    pub(super) window: ReplayWindow,
    /// Server role: the client random of the ClientHello that opened this session; a copy
    /// arriving after the handshake (duplicated or late) must not start a successor.
    pub(super) hello_random: Option<[u8; 32]>,
    deadline: Option<Timestamp>,
}

impl Conn {
    pub(super) fn new(session: Box<dyn DtlsSession>, now: Timestamp) -> Self {
        Conn {
            session,
            identity: None,
            created: now,
            last_activity: now,
            received: 0,
            unanswered_since: None,
            queue: VecDeque::new(),
            window: ReplayWindow::default(),
            hello_random: None,
            deadline: None,
        }
    }

    pub(super) fn is_connected(&self) -> bool {
        self.identity.is_some()
    }

    /// When the timer index next wakes this connection.
    pub(super) fn deadline(&self) -> Option<Timestamp> {
        self.deadline
    }
}

/// Keyed by peer address with FxHash rather than SipHash: the table is looked up several times
/// per datagram and SipHash over a `SocketAddr` cost more than the rest of the routing. An
/// attacker choosing addresses to collide can only grow the table by half-open sessions, which
/// the `max_half_open` caps bound (established ones need the key), so chains stay short.
#[derive(Default)]
pub(super) struct Table {
    conns: FxHashMap<Key, Conn>,
    timers: BTreeSet<(Timestamp, Key)>,
    half_open: usize,
    half_open_by_ip: FxHashMap<IpAddr, usize>,
}

impl Table {
    pub(super) fn get(&self, key: Key) -> Option<&Conn> {
        self.conns.get(&key)
    }

    pub(super) fn get_mut(&mut self, key: Key) -> Option<&mut Conn> {
        self.conns.get_mut(&key)
    }

    pub(super) fn len(&self) -> usize {
        self.conns.len()
    }

    pub(super) fn half_open(&self) -> usize {
        self.half_open
    }

    pub(super) fn half_open_from(&self, ip: IpAddr) -> usize {
        self.half_open_by_ip.get(&ip).copied().unwrap_or(0)
    }

    /// Adds a connection that has not completed its handshake.
    pub(super) fn insert(&mut self, key: Key, conn: Conn) {
        debug_assert!(!conn.is_connected());
        if let Some(old) = self.conns.insert(key, conn) {
            self.uncount(key, &old);
        }
        self.count(key.0.ip(), 1);
    }

    pub(super) fn remove(&mut self, key: Key) -> Option<Conn> {
        let conn = self.conns.remove(&key)?;
        self.uncount(key, &conn);
        Some(conn)
    }

    /// Marks the handshake of `key` complete.
    pub(super) fn set_connected(&mut self, key: Key, identity: Identity) {
        if let Some(conn) = self.conns.get_mut(&key) {
            if conn.identity.replace(identity).is_none() {
                self.count(key.0.ip(), -1);
            }
        }
    }

    /// Moves a completed successor into the current slot; returns the session it replaces.
    pub(super) fn promote(&mut self, addr: SocketAddr) -> Option<Conn> {
        let old = self.remove((addr, Slot::Current));
        if let Some(mut conn) = self.remove((addr, Slot::Successor)) {
            let deadline = conn.deadline.take();
            let connected = conn.is_connected();
            self.conns.insert((addr, Slot::Current), conn);
            if !connected {
                self.count(addr.ip(), 1);
            }
            self.schedule((addr, Slot::Current), deadline);
        }
        old
    }

    pub(super) fn schedule(&mut self, key: Key, deadline: Option<Timestamp>) {
        let Some(conn) = self.conns.get_mut(&key) else {
            return;
        };
        if conn.deadline == deadline {
            return;
        }
        if let Some(old) = conn.deadline.take() {
            self.timers.remove(&(old, key));
        }
        conn.deadline = deadline;
        if let Some(t) = deadline {
            self.timers.insert((t, key));
        }
    }

    pub(super) fn next_deadline(&self) -> Option<Timestamp> {
        self.timers.first().map(|(t, _)| *t)
    }

    /// The connections whose deadline is at or before `now`, unscheduled.
    pub(super) fn take_due(&mut self, now: Timestamp) -> Vec<Key> {
        let mut due = Vec::new();
        while let Some(&(t, key)) = self.timers.first() {
            if t > now {
                break;
            }
            self.timers.pop_first();
            if let Some(conn) = self.conns.get_mut(&key) {
                conn.deadline = None;
            }
            due.push(key);
        }
        due
    }

    fn uncount(&mut self, key: Key, conn: &Conn) {
        if let Some(t) = conn.deadline {
            self.timers.remove(&(t, key));
        }
        if !conn.is_connected() {
            self.count(key.0.ip(), -1);
        }
    }

    fn count(&mut self, ip: IpAddr, delta: isize) {
        self.half_open = self.half_open.saturating_add_signed(delta);
        let n = self.half_open_by_ip.entry(ip).or_insert(0);
        *n = n.saturating_add_signed(delta);
        if *n == 0 {
            self.half_open_by_ip.remove(&ip);
        }
    }
}
