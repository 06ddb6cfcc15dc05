//! The [`DtlsBackend`] over `dimpl` (pure Rust, sans-IO): DTLS 1.2 with
//! TLS_PSK_WITH_AES_128_CCM_8, the one PSK suite dimpl offers (and the one LwM2M mandates for
//! PSK mode). dimpl requires the extended master secret (RFC 7627) from its peers.
//!
//! dimpl works on `std::time::Instant`; the backend maps [`Timestamp`]s onto a fixed origin
//! taken when it is built (an anchor only: no clock is read afterwards). dimpl panics if a
//! datagram reaches a session before its clock was set, so every session gets
//! `handle_timeout(now)` first, and before every datagram.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dimpl::{Config, Dtls, Output, PskResolver};

use super::backend::{DtlsBackend, DtlsSession, SessionError, SessionOutput};
use super::store::{PskKey, SecurityStore};
use crate::coap::Timestamp;
use crate::security::Identity;

/// Largest record dimpl may build; CoAP over DTLS keeps datagrams under this.
const MTU: usize = 1400;

/// What the server resolver saw for the last ClientKeyExchange: dimpl's `Connected` does not
/// say which identity the client used, so the resolver records it for the session that is
/// handling a datagram at that moment (sessions are driven one at a time).
type Seen = Arc<Mutex<Option<(Vec<u8>, bool)>>>;

struct StoreResolver {
    // dimpl wants unwind safety; a store is only read here.
    store: AssertUnwindSafe<Arc<dyn SecurityStore>>,
    seen: Seen,
}

impl PskResolver for StoreResolver {
    fn resolve(&self, identity: &[u8]) -> Option<Vec<u8>> {
        let key = self.store.psk(identity);
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        *seen = Some((identity.to_vec(), key.is_some()));
        key.map(|k| k.as_bytes().to_vec())
    }
}

struct OwnKey(PskKey);

impl PskResolver for OwnKey {
    fn resolve(&self, _hint: &[u8]) -> Option<Vec<u8>> {
        Some(self.0.as_bytes().to_vec())
    }
}

/// DTLS 1.2 PSK sessions from dimpl.
pub struct DimplBackend {
    config: Arc<Config>,
    origin: Instant,
    /// The client's identity, or `None` for a server.
    identity: Option<Vec<u8>>,
    seen: Seen,
}

impl core::fmt::Debug for DimplBackend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DimplBackend")
            .field(
                "role",
                &if self.identity.is_some() {
                    "client"
                } else {
                    "server"
                },
            )
            .finish_non_exhaustive()
    }
}

fn builder(rng_seed: Option<u64>) -> dimpl::ConfigBuilder {
    let b = Config::builder()
        .mtu(MTU)
        .flight_start_rto(Duration::from_secs(1))
        .handshake_timeout(Duration::from_secs(40));
    match rng_seed {
        Some(seed) => b.dangerously_set_rng_seed(seed),
        None => b,
    }
}

fn config_error(e: dimpl::Error) -> SessionError {
    SessionError::Config(format!("{e:?}"))
}

impl DimplBackend {
    /// A PSK client presenting `identity` with `key`.
    pub fn psk_client(identity: impl Into<Vec<u8>>, key: PskKey) -> Result<Self, SessionError> {
        Self::client_seeded(identity.into(), key, None)
    }

    /// A PSK server answering identities from `store`.
    pub fn psk_server(store: Arc<dyn SecurityStore>) -> Result<Self, SessionError> {
        Self::server_seeded(store, None)
    }

    /// [`DimplBackend::psk_client`] with dimpl's non-cryptographic randomness (cookie, retry
    /// jitter) seeded, for reproducible tests. Key material still comes from the OS.
    #[doc(hidden)]
    pub fn client_seeded(
        identity: Vec<u8>,
        key: PskKey,
        seed: Option<u64>,
    ) -> Result<Self, SessionError> {
        let config = builder(seed)
            .with_psk_client(identity.clone(), Arc::new(OwnKey(key)))
            .build()
            .map_err(config_error)?;
        Ok(DimplBackend {
            config: Arc::new(config),
            origin: Instant::now(),
            identity: Some(identity),
            seen: Seen::default(),
        })
    }

    /// [`DimplBackend::psk_server`], seeded like [`DimplBackend::client_seeded`].
    #[doc(hidden)]
    pub fn server_seeded(
        store: Arc<dyn SecurityStore>,
        seed: Option<u64>,
    ) -> Result<Self, SessionError> {
        let seen = Seen::default();
        let resolver = StoreResolver {
            store: AssertUnwindSafe(store),
            seen: seen.clone(),
        };
        let config = builder(seed)
            .with_psk_server(None, Arc::new(resolver))
            .build()
            .map_err(config_error)?;
        Ok(DimplBackend {
            config: Arc::new(config),
            origin: Instant::now(),
            identity: None,
            seen,
        })
    }

    fn session(&self, now: Timestamp, active: bool) -> Result<Box<dyn DtlsSession>, SessionError> {
        let mut dtls = Dtls::new_12_psk(self.config.clone(), self.origin);
        dtls.set_active(active);
        let mut session = DimplSession {
            dtls,
            origin: self.origin,
            buf: vec![0; 2048],
            out: VecDeque::new(),
            timeout: None,
            clock: None,
            own_identity: self.identity.clone(),
            peer_identity: None,
            seen: self.seen.clone(),
            connected: false,
        };
        session.handle_timeout(now)?;
        Ok(Box::new(session))
    }
}

impl DtlsBackend for DimplBackend {
    fn connect(
        &mut self,
        now: Timestamp,
        _peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        if self.identity.is_none() {
            return Err(SessionError::Config(
                "a PSK server backend cannot connect".into(),
            ));
        }
        self.session(now, true)
    }

    fn accept(
        &mut self,
        now: Timestamp,
        _peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        if self.identity.is_some() {
            return Err(SessionError::Config(
                "a PSK client backend cannot accept".into(),
            ));
        }
        self.session(now, false)
    }
}

struct DimplSession {
    dtls: Dtls,
    origin: Instant,
    buf: Vec<u8>,
    out: VecDeque<SessionOutput>,
    timeout: Option<Timestamp>,
    /// The time dimpl's clock was last set to: a datagram at the same time needs no
    /// `handle_timeout` first (its timers were run then, and later ones are reported through
    /// `timeout`).
    clock: Option<Timestamp>,
    own_identity: Option<Vec<u8>>,
    /// Server side: the identity the client presented, and whether the store knew it.
    peer_identity: Option<(Vec<u8>, bool)>,
    seen: Seen,
    connected: bool,
}

impl DimplSession {
    fn instant(&self, now: Timestamp) -> Instant {
        self.origin + Duration::from_millis(now.as_millis())
    }

    /// Rounded up: a deadline is never reported before dimpl considers it due.
    fn timestamp(&self, at: Instant) -> Timestamp {
        let d = at.saturating_duration_since(self.origin);
        let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
        Timestamp::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
    }

    fn error(&self, e: dimpl::Error) -> SessionError {
        use dimpl::{Error, SecurityError};
        match e {
            Error::Timeout(_) => SessionError::HandshakeTimeout,
            Error::ConnectionClosed => SessionError::Closed,
            Error::SecurityError(SecurityError::FatalAlert { .. }) => SessionError::Alert,
            // A wrong key shows as a Finished that does not decrypt (CCM tag) or verify.
            Error::SecurityError(
                SecurityError::ClientFinishedVerificationFailed
                | SecurityError::ServerFinishedVerificationFailed,
            )
            | Error::CryptoError(dimpl::CryptoError::OperationFailed(
                dimpl::CryptoOperation::Decrypt,
            )) if !self.connected => match &self.peer_identity {
                Some((id, false)) => {
                    SessionError::UnknownIdentity(String::from_utf8_lossy(id).into_owned())
                }
                _ => SessionError::AuthenticationFailed,
            },
            Error::PskError(_) => SessionError::AuthenticationFailed,
            other => SessionError::Protocol(format!("{other:?}")),
        }
    }

    /// Drains dimpl until it reports its next timeout.
    fn pump(&mut self) {
        loop {
            match self.dtls.poll_output(&mut self.buf) {
                Output::Packet(p) => self.out.push_back(SessionOutput::Transmit(p.to_vec())),
                Output::BufferTooSmall { needed } => self.buf.resize(needed, 0),
                Output::Timeout(at) => {
                    self.timeout = Some(self.timestamp(at));
                    return;
                }
                Output::Connected => {
                    self.connected = true;
                    let identity = match (&self.own_identity, &self.peer_identity) {
                        (Some(own), _) => own.clone(),
                        (None, Some((theirs, _))) => theirs.clone(),
                        (None, None) => Vec::new(),
                    };
                    self.out
                        .push_back(SessionOutput::Connected(Identity::Psk(identity)));
                }
                Output::ApplicationData(d) => self.out.push_back(SessionOutput::Data(d.to_vec())),
                Output::CloseNotify => self.out.push_back(SessionOutput::Closed),
                // Certificates and SRTP keying material do not occur with PSK.
                _ => {}
            }
        }
    }

    fn take_seen(&mut self) {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).take();
        if seen.is_some() {
            self.peer_identity = seen;
        }
    }
}

impl DtlsSession for DimplSession {
    fn handle_datagram(&mut self, now: Timestamp, datagram: &[u8]) -> Result<(), SessionError> {
        if self.clock != Some(now) {
            self.handle_timeout(now)?;
        }
        let r = self.dtls.handle_packet(datagram);
        if !self.connected {
            // Only a handshake consults the resolver.
            self.take_seen();
        }
        r.map_err(|e| self.error(e))?;
        self.pump();
        Ok(())
    }

    fn handle_timeout(&mut self, now: Timestamp) -> Result<(), SessionError> {
        let at = self.instant(now);
        self.clock = Some(now);
        self.dtls.handle_timeout(at).map_err(|e| self.error(e))?;
        self.pump();
        Ok(())
    }

    fn send(&mut self, plaintext: &[u8]) -> Result<(), SessionError> {
        self.dtls
            .send_application_data(plaintext)
            .map_err(|e| self.error(e))?;
        self.pump();
        Ok(())
    }

    fn close(&mut self) {
        let _ = self.dtls.close();
        self.pump();
    }

    fn poll_output(&mut self) -> Option<SessionOutput> {
        self.out.pop_front()
    }

    fn poll_timeout(&self) -> Option<Timestamp> {
        self.timeout
    }
}
