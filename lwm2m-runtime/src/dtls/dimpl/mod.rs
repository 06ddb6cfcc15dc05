//! The [`DtlsBackend`] over `dimpl` (pure Rust, sans-IO): DTLS 1.2 with
//! TLS_PSK_WITH_AES_128_CCM_8, the one PSK suite dimpl offers (and the one LwM2M mandates for
//! PSK mode). dimpl requires the extended master secret (RFC 7627) from its peers.
//!
//! dimpl works on `std::time::Instant`; the backend maps [`Timestamp`]s onto a fixed origin
//! taken when it is built (an anchor only: no clock is read afterwards). dimpl panics if a
//! datagram reaches a session before its clock was set, so every session gets
//! `handle_timeout(now)` first, and before every datagram.

mod capture;
#[cfg(test)]
mod handover_tests;
mod protect;
mod session;

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dimpl::{Config, Dtls, PskResolver};

pub(super) use self::protect::fuzz as fuzz_protect;
use self::session::DimplSession;
use super::backend::{DtlsBackend, DtlsSession, SessionError};
use super::store::{PskKey, SecurityStore};
use crate::coap::Timestamp;

/// Largest record dimpl may build; CoAP over DTLS keeps datagrams under this.
const MTU: usize = 1400;

/// What the server resolver saw for the last ClientKeyExchange: dimpl's `Connected` does not
/// say which identity the client used, so the resolver records it for the session that is
/// handling a datagram at that moment (sessions are driven one at a time).
pub(super) type Seen = Arc<Mutex<Option<(Vec<u8>, bool)>>>;

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
        .with_crypto_provider(capture::provider())
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

    fn session(&self, now: Timestamp, active: bool) -> Result<DimplSession, SessionError> {
        let mut dtls = Dtls::new_12_psk(self.config.clone(), self.origin);
        dtls.set_active(active);
        let mut session =
            DimplSession::new(dtls, self.origin, self.identity.clone(), self.seen.clone());
        session.handle_timeout(now)?;
        Ok(session)
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
        Ok(Box::new(self.session(now, true)?))
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
        Ok(Box::new(self.session(now, false)?))
    }
}
