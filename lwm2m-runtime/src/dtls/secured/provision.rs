//! Client role: credentials from the wrapped machine. Before a handshake (and for every
//! datagram to or from a peer without a session) `Secured` asks
//! [`SecurityAware::credentials_for`]: NoSec peers get plaintext both ways, PSK peers
//! (dimpl) and, with the feature `dtls-cert`, Certificate peers (rtc-dtls) a session from a
//! backend built for those credentials (kept while they stay the same), modes no backend here
//! can use (and certificates that do not parse) a typed [`SessionError::Credentials`] failure.
//! A machine with nothing to say about a peer gets the backend `Secured` was built with.

use std::net::SocketAddr;

use super::{Role, Secured, SecuredEvent};
use crate::coap::{Machine, Timestamp};
use crate::dtls::backend::{DtlsBackend, DtlsSession, SessionError};
use crate::dtls::dimpl::DimplBackend;
use crate::dtls::store::PskKey;
use crate::dtls::types::SecuredConfig;
use crate::security::{Credentials, CredentialsError, SecurityAware};

/// The Security Modes a client-role `Secured` can use from provisioned credentials: PSK
/// (dimpl), Certificate (rtc-dtls, feature `dtls-cert`) and NoSec (plaintext passthrough). RPK
/// (1) and EST (4) have no backend.
#[cfg(feature = "dtls-cert")]
pub(super) const PROVISIONED_MODES: &[u8] = &[0, 2, 3];
/// The Security Modes a client-role `Secured` can use from provisioned credentials: PSK (dimpl)
/// and NoSec (plaintext passthrough). Certificates (2) need the feature `dtls-cert`; RPK (1)
/// and EST (4) have no backend.
#[cfg(not(feature = "dtls-cert"))]
pub(super) const PROVISIONED_MODES: &[u8] = &[0, 3];

/// Provisioned backends kept at once (a client talks to a Bootstrap-Server and a server).
const CACHED_BACKENDS: usize = 4;

/// How traffic with a peer travels.
pub(super) enum Route {
    /// Plaintext, no DTLS (NoSec).
    Plain,
    /// In a DTLS session.
    Dtls,
    /// Not at all: the credentials cannot be used.
    Refused(CredentialsError),
}

/// The backend of a client-role `Secured` that only uses provisioned credentials.
pub(super) struct NoCredentials;

impl DtlsBackend for NoCredentials {
    fn connect(
        &mut self,
        _: Timestamp,
        _: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        Err(SessionError::Credentials(CredentialsError::NoCredentials))
    }

    fn accept(
        &mut self,
        _: Timestamp,
        _: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        Err(SessionError::Config("a client cannot accept".into()))
    }
}

impl<M: Machine + SecurityAware> Secured<M> {
    /// A client whose credentials all come from `inner` ([`SecurityAware::credentials_for`]):
    /// for the LwM2M client, its Security Object, as written by a Bootstrap-Server or the
    /// factory. A peer `inner` has no credentials for fails with
    /// [`CredentialsError::NoCredentials`].
    pub fn provisioned(inner: M, config: SecuredConfig) -> Self {
        Self::client(inner, NoCredentials, config)
    }

    /// [`Secured::provisioned`] with the backends' non-cryptographic randomness seeded (see
    /// [`DimplBackend::client_seeded`]), for reproducible tests.
    #[doc(hidden)]
    pub fn provisioned_seeded(inner: M, config: SecuredConfig, seed: u64) -> Self {
        let mut s = Self::provisioned(inner, config);
        s.seed = Some(seed);
        s
    }

    /// Client role: how traffic with `peer` travels, as the wrapped machine configures it.
    pub(super) fn route(&self, peer: SocketAddr) -> Route {
        if matches!(self.role, Role::Server(_)) {
            return Route::Dtls;
        }
        match self.inner.credentials_for(peer) {
            None => Route::Dtls,
            Some(Ok(Credentials::NoSec)) => Route::Plain,
            Some(Ok(c)) if PROVISIONED_MODES.contains(&c.mode()) => Route::Dtls,
            Some(Ok(c)) => Route::Refused(CredentialsError::Unsupported {
                mode: i64::from(c.mode()),
            }),
            Some(Err(e)) => Route::Refused(e),
        }
    }

    /// Drops a datagram for `peer` whose credentials cannot be used, and says why.
    pub(super) fn refuse(&mut self, peer: SocketAddr, error: CredentialsError) {
        self.stats.no_credentials += 1;
        self.events.push_back(SecuredEvent::Failed {
            peer,
            error: SessionError::Credentials(error),
        });
    }

    /// A session for `peer` from its provisioned credentials, or from the backend `Secured`
    /// was built with when the wrapped machine has none.
    pub(super) fn connect_session(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError> {
        let creds = match self.inner.credentials_for(peer) {
            None => return self.backend.connect(now, peer),
            Some(r) => r.map_err(SessionError::Credentials)?,
        };
        if let Some(i) = self.provisioned.iter().position(|(c, _)| *c == creds) {
            return self.provisioned[i].1.connect(now, peer);
        }
        let backend: Box<dyn DtlsBackend> = match &creds {
            Credentials::Psk { identity, key } => Box::new(DimplBackend::client_seeded(
                identity.clone(),
                PskKey::new(key.clone()),
                self.seed,
            )?),
            #[cfg(feature = "dtls-cert")]
            Credentials::Certificate {
                certificate,
                server_certificate,
                secret_key,
            } => Box::new(cert_backend(certificate, server_certificate, secret_key)?),
            other => {
                return Err(SessionError::Credentials(CredentialsError::Unsupported {
                    mode: i64::from(other.mode()),
                }));
            }
        };
        if self.provisioned.len() >= CACHED_BACKENDS {
            self.provisioned.remove(0);
        }
        self.provisioned.push((creds, backend));
        let last = self.provisioned.len() - 1;
        self.provisioned[last].1.connect(now, peer)
    }
}

/// A certificate client backend from a Security instance's resources 3, 4 and 5; the server
/// certificate must name the address the client connects to.
#[cfg(feature = "dtls-cert")]
fn cert_backend(
    certificate: &[u8],
    server_certificate: &[u8],
    secret_key: &[u8],
) -> Result<crate::dtls::CertBackend, SessionError> {
    let creds = crate::dtls::CertCredentials::from_security_object(
        certificate,
        secret_key,
        server_certificate,
    )
    .map_err(|e| {
        SessionError::Credentials(CredentialsError::Invalid {
            mode: 2,
            reason: e.to_string(),
        })
    })?;
    crate::dtls::CertBackend::client(creds)
}
