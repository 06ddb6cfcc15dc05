//! The [`DtlsBackend`] for certificate mode (feature `dtls-cert`): DTLS 1.2 with
//! TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 only (the suite LwM2M mandates for certificates), the
//! extended master secret (RFC 7627) required, over `rtc-dtls` (webrtc-rs, sans-IO) from
//! crates.io, unmodified.
//!
//! - **client**: verifies the server's chain against the trust anchors of its
//!   [`CertCredentials`] and the server name (default: the server's IP address, matched against
//!   an IP SAN), and presents its own chain.
//! - **server**: requires a client certificate and verifies it against the trust anchors.
//!
//! [`SessionOutput::Connected`](super::SessionOutput::Connected) carries
//! [`Identity::Certificate`](crate::security::Identity::Certificate) with the peer's subject CN;
//! the [`InMemorySecurityStore`](super::InMemorySecurityStore) binds a client certificate to the
//! endpoint name equal to its CN, so a certificate for `urn:dev:A` cannot register as `B`.
//!
//! Validity periods are checked by rustls/webpki against the system clock (rtc-dtls passes
//! `UnixTime::now()`), the one clock this backend does not take from its caller.
//!
//! # The handshake watchdog, and why
//!
//! rtc-dtls 0.21.1 has three handshake bugs (found interoperating with libcoap 4.3.1):
//!
//! 1. **Fragment reassembly**: a handshake message is only reassembled from fragments that
//!    start where the previous one ended in the *first* copy received. OpenSSL lowers its
//!    fragment size when it retransmits, so a flight partly lost and then retransmitted cut at
//!    different offsets never reassembles; the handshake stalls.
//! 2. **Timer cleared**: when a peer's flight starts arriving, the retransmission timer is
//!    cleared before the flight is complete and not re-armed, so a lost tail fragment leaves
//!    no timer at all: nothing is retransmitted, the handshake stalls.
//! 3. **No back-off**: retransmissions use a fixed interval (RFC 6347 §4.2.4.1 doubles it).
//!
//! Instead of patching the library, a client session watches its own handshake: if no new
//! handshake message arrives from the server within a stall interval, it discards the
//! association and starts a fresh handshake (new ClientHello, new random). The stall interval
//! doubles with every attempt, and so does rtc-dtls's retransmission interval for that attempt
//! (a coarse back-off for bug 3); after the last attempt the session fails with
//! [`SessionError::HandshakeTimeout`]. The defaults (3 s, 4 attempts: 3 + 6 + 12 + 24 s) fit
//! in [`SecuredConfig::handshake_lifetime`](super::SecuredConfig::handshake_lifetime), which
//! still bounds the whole. A server session that sees a ClientHello with a new random while
//! handshaking, or a stale flight rtc-dtls cannot use, starts over and waits for the client's
//! next ClientHello. A client that gets a stale flight sends rtc-dtls's fatal alert, which makes
//! the peer drop the stale handshake (against libcoap/OpenSSL losing its third datagram the
//! client completes in about 14 s; without the watchdog it never does). A server stalled on a
//! *client's* re-fragmented flight
//! (bug 1 in the other direction) cannot restart the client; it ends at the handshake
//! lifetime and the client's next attempt starts afresh.
//!
//! Raw public keys (RFC 7250) are not supported (rtc-dtls has no certificate-type extension).

mod credentials;
mod session;
mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rtc_dtls::cipher_suite::CipherSuiteId;
use rtc_dtls::config::{ClientAuthType, ConfigBuilder, ExtendedMasterSecretType, HandshakeConfig};
use rtc_dtls::crypto::Certificate;
use rtc_dtls::crypto_provider;
use rustls::pki_types::CertificateDer;

pub use credentials::{CertCredentials, CredentialError};
use session::{CertSession, MakeConfig, Role, Watchdog};

use super::{
    DtlsBackend, DtlsSession, InMemorySecurityStore, Secured, SecuredConfig, SecurityStore,
    SessionError,
};
use crate::coap::{Machine, Timestamp};
use crate::security::SecurityAware;

/// rtc-dtls's first retransmission interval; doubled per watchdog attempt.
const FIRST_FLIGHT_INTERVAL: Duration = Duration::from_secs(1);

/// DTLS 1.2 certificate sessions from rtc-dtls. See the [module docs](self).
pub struct CertBackend {
    creds: Arc<CertCredentials>,
    client: bool,
    server_name: Option<String>,
    watchdog: Watchdog,
    server_config: Option<Arc<HandshakeConfig>>,
    origin: Instant,
}

impl core::fmt::Debug for CertBackend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CertBackend")
            .field("role", &if self.client { "client" } else { "server" })
            .field("credentials", &self.creds)
            .field("server_name", &self.server_name)
            .field("watchdog", &self.watchdog)
            .finish_non_exhaustive()
    }
}

fn config_error(e: impl core::fmt::Display) -> SessionError {
    SessionError::Config(e.to_string())
}

fn build(
    creds: &CertCredentials,
    client: bool,
    server_name: Option<&str>,
    flight_interval: Duration,
    peer: Option<SocketAddr>,
) -> Result<Arc<HandshakeConfig>, SessionError> {
    let provider = crypto_provider::default_provider().map_err(config_error)?;
    let mut roots = rustls::RootCertStore::empty();
    for der in &creds.trust {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|e| SessionError::Config(format!("trust anchor: {e}")))?;
    }
    let chain = creds
        .chain
        .iter()
        .cloned()
        .map(CertificateDer::from)
        .collect();
    let mut b = ConfigBuilder::default()
        .with_crypto_provider(provider)
        .with_certificates(vec![Certificate::from_signing_key(
            chain,
            creds.key.clone(),
        )])
        .with_cipher_suites(vec![CipherSuiteId::Tls_Ecdhe_Ecdsa_With_Aes_128_Ccm_8])
        .with_extended_master_secret(ExtendedMasterSecretType::Require)
        .with_flight_interval(flight_interval);
    if client {
        b = b.with_roots_cas(roots);
        if let Some(name) = server_name {
            b = b.with_server_name(name.to_owned());
        }
    } else {
        b = b
            .with_client_auth(ClientAuthType::RequireAndVerifyClientCert)
            .with_client_cas(roots);
    }
    b.build(client, peer).map(Arc::new).map_err(config_error)
}

impl CertBackend {
    /// A client presenting `creds` and verifying servers against its trust anchors.
    pub fn client(creds: CertCredentials) -> Result<Self, SessionError> {
        let creds = Arc::new(creds);
        // Fail now, not at the first connect, on a configuration rtc-dtls refuses.
        build(&creds, true, None, FIRST_FLIGHT_INTERVAL, None)?;
        Ok(Self::new(creds, true, None))
    }

    /// A server presenting `creds` and requiring client certificates under its trust anchors.
    pub fn server(creds: CertCredentials) -> Result<Self, SessionError> {
        let creds = Arc::new(creds);
        let config = build(&creds, false, None, FIRST_FLIGHT_INTERVAL, None)?;
        Ok(Self::new(creds, false, Some(config)))
    }

    fn new(
        creds: Arc<CertCredentials>,
        client: bool,
        config: Option<Arc<HandshakeConfig>>,
    ) -> Self {
        CertBackend {
            creds,
            client,
            server_name: None,
            watchdog: Watchdog {
                first_stall: Duration::from_secs(3),
                attempts: 4,
            },
            server_config: config,
            origin: Instant::now(),
        }
    }

    /// Client role: the name the server certificate must carry (DNS SAN, or IP SAN for an
    /// address). Default: the IP address the client connects to.
    pub fn with_server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// Client role: the watchdog's first stall interval and the number of handshake attempts
    /// (at least 1). See the [module docs](self).
    pub fn with_watchdog(mut self, first_stall: Duration, attempts: u32) -> Self {
        self.watchdog = Watchdog {
            first_stall,
            attempts: attempts.max(1),
        };
        self
    }
}

impl DtlsBackend for CertBackend {
    fn connect(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        if !self.client {
            return Err(SessionError::Config(
                "a certificate server backend cannot connect".into(),
            ));
        }
        let (creds, name) = (self.creds.clone(), self.server_name.clone());
        let make: MakeConfig = Arc::new(move |attempt, peer| {
            let interval = FIRST_FLIGHT_INTERVAL.saturating_mul(1 << attempt.min(6));
            build(&creds, true, name.as_deref(), interval, Some(peer))
        });
        let role = Role::Client {
            make,
            watchdog: self.watchdog,
        };
        Ok(Box::new(CertSession::new(role, now, peer, self.origin)?))
    }

    fn accept(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        let Some(config) = &self.server_config else {
            return Err(SessionError::Config(
                "a certificate client backend cannot accept".into(),
            ));
        };
        let role = Role::Server(config.clone());
        Ok(Box::new(CertSession::new(role, now, peer, self.origin)?))
    }
}

impl<M: Machine + SecurityAware> Secured<M> {
    /// A certificate client (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8) presenting `creds`; the
    /// server certificate must name `server_name` (default: the server's IP address).
    pub fn cert_client(
        inner: M,
        creds: CertCredentials,
        server_name: Option<&str>,
    ) -> Result<Self, SessionError> {
        let mut backend = CertBackend::client(creds)?;
        if let Some(name) = server_name {
            backend = backend.with_server_name(name);
        }
        Ok(Self::client(inner, backend, SecuredConfig::default()))
    }

    /// A certificate server (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8) presenting `creds` and
    /// requiring client certificates; each client may register only as its certificate's CN.
    pub fn cert_server(inner: M, creds: CertCredentials) -> Result<Self, SessionError> {
        let backend = CertBackend::server(creds)?;
        let store: Arc<dyn SecurityStore> = Arc::new(InMemorySecurityStore::new());
        Ok(Self::server(
            inner,
            backend,
            store,
            SecuredConfig::default(),
        ))
    }
}
