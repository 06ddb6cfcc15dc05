//! [`Secured`]: DTLS sessions per peer around a sans-IO machine. See the [module docs](super).

mod outbound;
mod provision;
mod timers;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

use super::backend::{DtlsBackend, SessionError, SessionOutput};
use super::conn::{Conn, Key, Slot, Table};
use super::dimpl::DimplBackend;
use super::record::{self, ALERT, APPLICATION_DATA};
use super::store::{PskKey, SecurityStore};
use super::types::{CloseReason, DtlsStats, SecuredConfig, SecuredEvent};
use crate::coap::{Machine, Timestamp, Transmit};
use crate::security::{Authenticated, Credentials, Identity, SecurityAware};

pub(super) enum Role {
    Client,
    Server(Arc<dyn SecurityStore>),
}

/// A [`Machine`] whose datagrams travel in DTLS sessions. See the [module docs](super).
pub struct Secured<M: Machine> {
    inner: M,
    role: Role,
    backend: Box<dyn DtlsBackend>,
    config: SecuredConfig,
    table: Table,
    out: VecDeque<Transmit>,
    events: VecDeque<SecuredEvent<M::Event>>,
    stats: DtlsStats,
    now: Timestamp,
    /// Client role: plaintext for peers without a session yet. The session starts at the next
    /// input, which carries the current time (commands to the wrapped machine do not).
    connecting: Vec<(SocketAddr, VecDeque<Vec<u8>>)>,
    /// Client role: backends built for credentials the wrapped machine provided.
    provisioned: Vec<(Credentials, Box<dyn DtlsBackend>)>,
    /// Seed for those backends' non-cryptographic randomness (tests).
    seed: Option<u64>,
}

impl<M: Machine> core::fmt::Debug for Secured<M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Secured")
            .field(
                "role",
                &matches!(self.role, Role::Client).then_some("client"),
            )
            .field("sessions", &self.table.len())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl<M: Machine + SecurityAware> Secured<M> {
    /// The client role over any backend: handshakes start when `inner` first sends to a peer.
    pub fn client(inner: M, backend: impl DtlsBackend, config: SecuredConfig) -> Self {
        Self::with_role(inner, Role::Client, Box::new(backend), config)
    }

    /// The server role over any backend; `store` binds identities to endpoint names.
    pub fn server(
        inner: M,
        backend: impl DtlsBackend,
        store: Arc<dyn SecurityStore>,
        config: SecuredConfig,
    ) -> Self {
        Self::with_role(inner, Role::Server(store), Box::new(backend), config)
    }

    /// A PSK client (TLS_PSK_WITH_AES_128_CCM_8) presenting `identity` and `key`.
    pub fn psk_client(
        inner: M,
        identity: impl Into<Vec<u8>>,
        key: PskKey,
    ) -> Result<Self, SessionError> {
        let backend = DimplBackend::psk_client(identity, key)?;
        Ok(Self::client(inner, backend, SecuredConfig::default()))
    }

    /// A PSK server (TLS_PSK_WITH_AES_128_CCM_8) taking identities and keys from `store`.
    pub fn psk_server(inner: M, store: Arc<dyn SecurityStore>) -> Result<Self, SessionError> {
        let backend = DimplBackend::psk_server(store.clone())?;
        Ok(Self::server(
            inner,
            backend,
            store,
            SecuredConfig::default(),
        ))
    }

    fn with_role(
        mut inner: M,
        role: Role,
        backend: Box<dyn DtlsBackend>,
        config: SecuredConfig,
    ) -> Self {
        if matches!(role, Role::Client) {
            inner.transport_secured(provision::PROVISIONED_MODES);
        }
        Secured {
            inner,
            role,
            backend,
            config,
            table: Table::default(),
            out: VecDeque::new(),
            events: VecDeque::new(),
            stats: DtlsStats::default(),
            now: Timestamp::ZERO,
            connecting: Vec::new(),
            provisioned: Vec::new(),
            seed: None,
        }
    }

    /// The wrapped machine.
    pub fn inner(&self) -> &M {
        &self.inner
    }

    /// The wrapped machine, to give it commands. Its datagrams are encrypted when
    /// [`Machine::poll_transmit`] is next called on `self`.
    pub fn inner_mut(&mut self) -> &mut M {
        &mut self.inner
    }

    /// The counters.
    pub fn stats(&self) -> &DtlsStats {
        &self.stats
    }

    /// Sessions (established and handshaking).
    pub fn sessions(&self) -> usize {
        self.table.len()
    }

    /// The credential of `peer`'s established session.
    pub fn peer_identity(&self, peer: SocketAddr) -> Option<&Identity> {
        self.table.get((peer, Slot::Current))?.identity.as_ref()
    }

    /// Closes the session with `peer` (`close_notify` if established).
    pub fn close(&mut self, now: Timestamp, peer: SocketAddr) {
        self.now = self.now.max(now);
        for slot in [Slot::Successor, Slot::Current] {
            if let Some(conn) = self.table.get_mut((peer, slot)) {
                conn.session.close();
                self.drain(now, (peer, slot));
                self.end((peer, slot), Ended::Closed(CloseReason::Local));
            }
        }
    }

    fn route_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
        let Some(headers) = record::headers(datagram) else {
            self.stats.malformed += 1;
            return;
        };
        let server = matches!(self.role, Role::Server(_));
        let hello = server && record::is_client_hello(datagram);
        let current = (peer, Slot::Current);
        let successor = (peer, Slot::Successor);
        let Some(conn) = self.table.get_mut(current) else {
            if hello {
                self.open(now, current, datagram);
            } else {
                self.stats.unknown_peer += 1;
            }
            return;
        };
        let app_data = headers[0].content_type == APPLICATION_DATA;
        let connected = conn.is_connected();
        let window = conn.window;
        if connected && hello && conn.hello_random == record::client_random(datagram) {
            // The ClientHello of this very session, late or duplicated.
            self.stats.replayed += 1;
            return;
        }
        if connected && hello {
            if self.table.get(successor).is_some() {
                self.feed(now, successor, datagram);
            } else {
                self.open(now, successor, datagram);
            }
            return;
        }
        if !app_data && self.table.get(successor).is_some() {
            self.feed(now, successor, datagram);
            return;
        }
        if !connected {
            if headers.iter().all(|h| {
                h.content_type == APPLICATION_DATA || (h.content_type == ALERT && h.epoch > 0)
            }) {
                // Application data cannot belong to a handshake in progress: it is from an
                // earlier session, or ahead of the Finished. Nor can an encrypted alert: a
                // peer that fails the handshake alerts before its ChangeCipherSpec (epoch 0),
                // so this is an earlier session's, typically the close_notify answering ours.
                // dimpl would fail the handshake on a record it cannot decrypt.
                self.stats.rejected += 1;
                return;
            }
            self.feed(now, current, datagram);
            return;
        }
        let mut records = headers
            .iter()
            .filter(|h| h.content_type == APPLICATION_DATA)
            .peekable();
        let any_records = records.peek().is_some();
        if any_records && records.all(|h| window.seen(h.epoch, h.seq)) {
            self.stats.replayed += 1;
            return;
        }
        let delivered = self.feed(now, current, datagram);
        if !any_records {
            return;
        }
        match self.table.get_mut(current) {
            Some(conn) if delivered > 0 => {
                for h in headers
                    .iter()
                    .filter(|h| h.content_type == APPLICATION_DATA)
                {
                    conn.window.accept(h.epoch, h.seq);
                }
            }
            _ if delivered == 0 => self.stats.rejected += 1,
            _ => {}
        }
    }

    /// Server role: a session for a ClientHello, within the caps.
    fn open(&mut self, now: Timestamp, key: Key, datagram: &[u8]) {
        let ip = key.0.ip();
        if self.table.len() >= self.config.max_sessions
            || self.table.half_open() >= self.config.max_half_open
            || self.table.half_open_from(ip) >= self.config.max_half_open_per_ip
        {
            self.stats.handshakes_refused += 1;
            return;
        }
        match self.backend.accept(now, key.0) {
            Ok(session) => {
                self.stats.handshakes_started += 1;
                self.table.insert(key, Conn::new(session, now));
                self.feed(now, key, datagram);
            }
            Err(error) => {
                self.stats.handshakes_failed += 1;
                self.events
                    .push_back(SecuredEvent::Failed { peer: key.0, error });
            }
        }
    }

    /// Gives `datagram` to a session; returns how many plaintexts it yielded.
    fn feed(&mut self, now: Timestamp, key: Key, datagram: &[u8]) -> usize {
        let Some(conn) = self.table.get_mut(key) else {
            return 0;
        };
        conn.received = conn.received.saturating_add(1);
        if let Some(random) = record::client_random(datagram) {
            conn.hello_random = Some(random);
        }
        let r = conn.session.handle_datagram(now, datagram);
        self.after(now, key, r)
    }

    /// Handles the outcome of a session call and drains its outputs; returns the number of
    /// plaintexts delivered to the wrapped machine.
    pub(super) fn after(&mut self, now: Timestamp, key: Key, r: Result<(), SessionError>) -> usize {
        if let Err(e) = r {
            self.end(key, Ended::Failed(e));
            return 0;
        }
        let delivered = self.drain(now, key);
        self.reschedule(key);
        delivered
    }

    pub(super) fn drain(&mut self, now: Timestamp, mut key: Key) -> usize {
        let mut delivered = 0;
        loop {
            let Some(conn) = self.table.get_mut(key) else {
                return delivered;
            };
            // Transmits and data touch only this session, the queue and the wrapped machine:
            // they are drained under one table lookup.
            let output = loop {
                match conn.session.poll_output() {
                    None => return delivered,
                    Some(SessionOutput::Transmit(payload)) => self.out.push_back(Transmit {
                        destination: key.0,
                        payload,
                    }),
                    Some(SessionOutput::Data(data)) if conn.is_connected() => {
                        conn.last_activity = now;
                        conn.unanswered_since = None;
                        delivered += 1;
                        self.inner.handle_datagram(now, key.0, &data);
                    }
                    Some(SessionOutput::Data(_)) => self.stats.rejected += 1,
                    Some(SessionOutput::RecordsHandedOver) => self.stats.records_handed_over += 1,
                    Some(other) => break other,
                }
            };
            match output {
                SessionOutput::Connected(identity) => key = self.connected(now, key, identity),
                SessionOutput::Closed => {
                    self.end(key, Ended::Closed(CloseReason::PeerClosed));
                    return delivered;
                }
                SessionOutput::Transmit(_)
                | SessionOutput::Data(_)
                | SessionOutput::RecordsHandedOver => {}
            }
        }
    }

    /// A handshake completed: tell the wrapped machine, promote a successor, flush the queue.
    fn connected(&mut self, now: Timestamp, key: Key, identity: Identity) -> Key {
        self.stats.handshakes_completed += 1;
        self.table.set_connected(key, identity.clone());
        let peer = key.0;
        let key = if key.1 == Slot::Successor {
            if self.table.promote(peer).is_some() {
                self.stats.sessions_ended += 1;
                self.inner.peer_closed(now, peer);
                self.events.push_back(SecuredEvent::Closed {
                    peer,
                    reason: CloseReason::Replaced,
                });
            }
            (peer, Slot::Current)
        } else {
            key
        };
        let endpoint = match &self.role {
            Role::Server(store) => store.endpoint(&identity),
            Role::Client => None,
        };
        let who = Authenticated::new(identity.clone(), endpoint);
        self.inner.peer_authenticated(now, peer, &who);
        self.events
            .push_back(SecuredEvent::Connected { peer, identity });
        if let Some(conn) = self.table.get_mut(key) {
            conn.last_activity = now;
            while let Some(plain) = conn.queue.pop_front() {
                if let Err(e) = conn.session.send(&plain) {
                    self.end(key, Ended::Failed(e));
                    break;
                }
                conn.unanswered_since.get_or_insert(now);
            }
        }
        key
    }

    pub(super) fn end(&mut self, key: Key, how: Ended) {
        let Some(conn) = self.table.remove(key) else {
            return;
        };
        let peer = key.0;
        if conn.is_connected() && key.1 == Slot::Current {
            self.stats.sessions_ended += 1;
            self.inner.peer_closed(self.now, peer);
        } else if !conn.is_connected() {
            self.stats.handshakes_failed += 1;
        }
        self.events.push_back(match how {
            Ended::Closed(reason) if conn.is_connected() => SecuredEvent::Closed { peer, reason },
            Ended::Closed(_) => SecuredEvent::Failed {
                peer,
                error: SessionError::Closed,
            },
            Ended::Failed(error) => SecuredEvent::Failed { peer, error },
        });
    }
}

pub(super) enum Ended {
    Closed(CloseReason),
    Failed(SessionError),
}

impl<M: Machine + SecurityAware> Machine for Secured<M> {
    type Event = SecuredEvent<M::Event>;

    fn handle_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
        self.now = self.now.max(now);
        self.start_connecting(now);
        if matches!(self.role, Role::Client)
            && self.table.get((peer, Slot::Current)).is_none()
            && matches!(self.route(peer), provision::Route::Plain)
        {
            // NoSec peer (client role): plaintext both ways.
            self.inner.handle_datagram(now, peer, datagram);
            return;
        }
        self.route_datagram(now, peer, datagram);
    }

    fn handle_timeout(&mut self, now: Timestamp) {
        self.now = self.now.max(now);
        self.start_connecting(now);
        if self.inner.poll_timeout().is_some_and(|t| t <= now) {
            self.inner.handle_timeout(now);
        }
        for key in self.table.take_due(now) {
            self.on_timer(now, key);
        }
    }

    fn poll_transmit(&mut self) -> Option<Transmit> {
        loop {
            if let Some(t) = self.out.pop_front() {
                return Some(t);
            }
            let plain = self.inner.poll_transmit()?;
            self.send_plain(plain);
        }
    }

    fn poll_event(&mut self) -> Option<Self::Event> {
        self.events
            .pop_front()
            .or_else(|| self.inner.poll_event().map(SecuredEvent::Inner))
    }

    fn poll_timeout(&self) -> Option<Timestamp> {
        // Pending connects are due at once: the next tick brings the time to start them.
        let connect = (!self.connecting.is_empty()).then_some(self.now);
        [
            self.inner.poll_timeout(),
            self.table.next_deadline(),
            connect,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}
