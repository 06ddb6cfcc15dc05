//! One certificate-mode association over an rtc-dtls [`Endpoint`] holding exactly one peer,
//! plus the handshake watchdog (see the [backend docs](super::CertBackend) for why).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use rtc_dtls::config::HandshakeConfig;
use rtc_dtls::endpoint::{Endpoint, EndpointEvent};
use rtc_shared::error::Error;

use super::credentials::common_name;
use super::wire::{handshake_mark, is_fatal_alert, map_error};
use crate::coap::Timestamp;
use crate::dtls::record;
use crate::dtls::{DtlsSession, SessionError, SessionOutput};
use crate::security::Identity;

/// Builds the rtc-dtls configuration of a client handshake attempt (0, 1, ...).
pub(super) type MakeConfig =
    Arc<dyn Fn(u32, SocketAddr) -> Result<Arc<HandshakeConfig>, SessionError> + Send + Sync>;

/// Client handshake restarts: attempt `k` may go `first_stall · 2^k` without progress.
#[derive(Debug, Clone, Copy)]
pub(super) struct Watchdog {
    pub(super) first_stall: Duration,
    pub(super) attempts: u32,
}

pub(super) enum Role {
    Client {
        make: MakeConfig,
        watchdog: Watchdog,
    },
    Server(Arc<HandshakeConfig>),
}

pub(super) struct CertSession {
    role: Role,
    peer: SocketAddr,
    origin: Instant,
    endpoint: Endpoint,
    now: Timestamp,
    attempt: u32,
    /// The furthest handshake message seen from the peer (epoch, message_seq), and when.
    progress: Option<(u16, u16)>,
    progress_at: Timestamp,
    /// Server role: the client random of the handshake in progress.
    hello_random: Option<[u8; 32]>,
    connected: bool,
    closed: bool,
    out: VecDeque<SessionOutput>,
}

fn placeholder_local() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

impl CertSession {
    pub(super) fn new(
        role: Role,
        now: Timestamp,
        peer: SocketAddr,
        origin: Instant,
    ) -> Result<Self, SessionError> {
        let endpoint = match &role {
            Role::Server(config) => Endpoint::new(
                placeholder_local(),
                Default::default(),
                Some(config.clone()),
            ),
            Role::Client { .. } => Endpoint::new(placeholder_local(), Default::default(), None),
        };
        let mut s = CertSession {
            role,
            peer,
            origin,
            endpoint,
            now,
            attempt: 0,
            progress: None,
            progress_at: now,
            hello_random: None,
            connected: false,
            closed: false,
            out: VecDeque::new(),
        };
        if matches!(s.role, Role::Client { .. }) {
            s.start_client(now)?;
        }
        Ok(s)
    }

    fn instant(&self, now: Timestamp) -> Instant {
        self.origin + Duration::from_millis(now.as_millis())
    }

    fn timestamp(&self, at: Instant) -> Timestamp {
        let d = at.saturating_duration_since(self.origin);
        let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
        Timestamp::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
    }

    /// A fresh client handshake (a new ClientHello with a new random) for `self.attempt`.
    fn start_client(&mut self, now: Timestamp) -> Result<(), SessionError> {
        let Role::Client { make, .. } = &self.role else {
            return Ok(());
        };
        let config = make(self.attempt, self.peer)?;
        self.endpoint = Endpoint::new(placeholder_local(), Default::default(), None);
        self.progress = None;
        self.progress_at = now;
        self.endpoint
            .connect(self.instant(now), self.peer, config, None)
            .map_err(|e| map_error(&e))?;
        self.flush();
        Ok(())
    }

    /// Server role: forget a handshake whose client started over.
    fn restart_server(&mut self) {
        if let Role::Server(config) = &self.role {
            self.endpoint = Endpoint::new(
                placeholder_local(),
                Default::default(),
                Some(config.clone()),
            );
            self.progress = None;
        }
    }

    /// A datagram rtc-dtls could not use. Established: dropped (and counted by `Secured`), the
    /// association stays. Handshaking: most likely a stale flight of an earlier attempt (after
    /// a restart on either side); rtc-dtls has failed the handshake and queued a fatal alert.
    /// A client sends it and starts a fresh handshake (a watchdog attempt); a server drops it
    /// and waits for the client's next ClientHello.
    fn confused(&mut self, now: Timestamp) -> Result<(), SessionError> {
        if self.connected {
            self.flush();
            return Ok(());
        }
        match &self.role {
            Role::Server(_) => {
                while self.endpoint.poll_transmit().is_some() {}
                self.restart_server();
                Ok(())
            }
            Role::Client { watchdog, .. } => {
                let attempts = watchdog.attempts;
                self.flush();
                if self.attempt + 1 >= attempts {
                    return Err(SessionError::HandshakeTimeout);
                }
                self.attempt += 1;
                self.start_client(now)
            }
        }
    }

    fn stall_deadline(&self) -> Option<Timestamp> {
        match &self.role {
            Role::Client { watchdog, .. } if !self.connected && !self.closed => {
                let stall = watchdog
                    .first_stall
                    .saturating_mul(1 << self.attempt.min(16));
                Some(self.progress_at + stall)
            }
            _ => None,
        }
    }

    fn flush(&mut self) {
        while let Some(t) = self.endpoint.poll_transmit() {
            self.out
                .push_back(SessionOutput::Transmit(t.message.to_vec()));
        }
    }

    fn note_progress(&mut self, now: Timestamp, datagram: &[u8]) {
        let mark = handshake_mark(datagram);
        if mark.is_some() && mark > self.progress {
            self.progress = mark;
            self.progress_at = now;
        }
    }

    fn identity(&self) -> Identity {
        let der = self
            .endpoint
            .get_connection_state(self.peer)
            .and_then(|s| s.peer_certificates.first().cloned())
            .unwrap_or_default();
        Identity::Certificate {
            common_name: common_name(&der),
            der,
        }
    }
}

impl DtlsSession for CertSession {
    fn handle_datagram(&mut self, now: Timestamp, datagram: &[u8]) -> Result<(), SessionError> {
        if self.closed {
            return Err(SessionError::Closed);
        }
        self.now = self.now.max(now);
        if matches!(self.role, Role::Server(_)) && !self.connected {
            if let Some(random) = record::client_random(datagram) {
                if self.hello_random.is_some_and(|r| r != random) {
                    self.restart_server();
                }
                self.hello_random = Some(random);
            }
        }
        self.note_progress(now, datagram);
        let at = self.instant(now);
        let r = self
            .endpoint
            .read(at, self.peer, None, BytesMut::from(datagram));
        let events = match r {
            Ok(events) => events,
            Err(e) => {
                let error = map_error(&e);
                let fatal = matches!(
                    error,
                    SessionError::Alert | SessionError::CertificateRejected(_)
                );
                if fatal {
                    self.flush();
                    return Err(error);
                }
                return self.confused(now);
            }
        };
        if !self.connected && matches!(self.role, Role::Server(_)) {
            // rtc-dtls answers some unexpected handshake messages (a stale flight) with a
            // fatal alert and no error: a server starts over, as above. A client sends the
            // alert and keeps its attempt: the alert makes a peer drop the stale handshake
            // (libcoap/OpenSSL recovers from a lost fragment only so).
            let out: Vec<_> = std::iter::from_fn(|| self.endpoint.poll_transmit()).collect();
            if out.iter().any(|t| is_fatal_alert(&t.message)) {
                return self.confused(now);
            }
            let out = out
                .into_iter()
                .map(|t| SessionOutput::Transmit(t.message.to_vec()));
            self.out.extend(out);
        }
        self.flush();
        for event in events {
            match event {
                EndpointEvent::HandshakeComplete => {
                    self.connected = true;
                    let identity = self.identity();
                    self.out.push_back(SessionOutput::Connected(identity));
                }
                EndpointEvent::ApplicationData(d) => {
                    self.out.push_back(SessionOutput::Data(d.to_vec()))
                }
                EndpointEvent::PeerClosed => {
                    self.closed = true;
                    self.out.push_back(SessionOutput::Closed);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn handle_timeout(&mut self, now: Timestamp) -> Result<(), SessionError> {
        if self.closed {
            return Ok(());
        }
        self.now = self.now.max(now);
        if self.stall_deadline().is_some_and(|t| now >= t) {
            let Role::Client { watchdog, .. } = &self.role else {
                return Ok(());
            };
            if self.attempt + 1 >= watchdog.attempts {
                return Err(SessionError::HandshakeTimeout);
            }
            self.attempt += 1;
            return self.start_client(now);
        }
        let at = self.instant(now);
        match self.endpoint.handle_timeout(self.peer, at) {
            // A server session before the first datagram has no association yet.
            Ok(()) | Err(Error::InvalidRemoteAddress(_)) => {}
            // The retransmission budget is spent: the watchdog starts over (client) or
            // `Secured`'s handshake lifetime ends the session (server).
            Err(_) if !self.connected => {}
            Err(e) => return Err(map_error(&e)),
        }
        self.flush();
        Ok(())
    }

    fn send(&mut self, plaintext: &[u8]) -> Result<(), SessionError> {
        if self.closed {
            return Err(SessionError::Closed);
        }
        let at = self.instant(self.now);
        self.endpoint
            .write(at, self.peer, plaintext)
            .map_err(|e| map_error(&e))?;
        self.flush();
        Ok(())
    }

    fn close(&mut self) {
        if !self.closed {
            self.closed = true;
            let at = self.instant(self.now);
            self.endpoint.stop(at, self.peer);
            self.flush();
        }
    }

    fn poll_output(&mut self) -> Option<SessionOutput> {
        self.out.pop_front()
    }

    fn poll_timeout(&self) -> Option<Timestamp> {
        if self.closed {
            return None;
        }
        let retransmit = self
            .endpoint
            .poll_timeout(&self.peer)
            .map(|at| self.timestamp(at));
        [retransmit, self.stall_deadline()]
            .into_iter()
            .flatten()
            .min()
    }
}
