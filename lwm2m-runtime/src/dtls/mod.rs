//! DTLS 1.2 around any sans-IO [`Machine`](crate::coap::Machine) (feature `dtls`).
//!
//! [`Secured`] wraps the CoAP endpoint, the LwM2M client or the LwM2M server and is itself a
//! `Machine`, so the same tokio driver runs it. It keeps one DTLS session per peer address:
//!
//! - **server role**: a ClientHello from an unknown address opens a session (within the
//!   half-open caps of [`SecuredConfig`]); anything else from an unknown address is dropped and
//!   counted. Identities come from a [`SecurityStore`]; the endpoint name bound to the
//!   identity reaches the wrapped machine through [`SecurityAware`](crate::security::SecurityAware)
//!   before the peer's first datagram.
//! - **client role**: the first datagram the wrapped machine sends to an address starts a
//!   handshake; plaintext waits (bounded) until the session is up. Credentials come from the
//!   wrapped machine when it has them ([`SecurityAware::credentials_for`](crate::security::SecurityAware::credentials_for):
//!   the LwM2M client's Security Object, as bootstrapped or factory-written): a NoSec peer
//!   gets plaintext both ways, a PSK peer a session with the provisioned identity and key,
//!   a Certificate peer (feature `dtls-cert`) a session with the provisioned certificate, key
//!   and trust anchor, other Security Modes a typed [`SessionError::Credentials`] failure. Otherwise the
//!   backend given at construction is used ([`Secured::provisioned`] has none).
//!
//! Decrypted datagrams go to the wrapped machine; its datagrams leave encrypted. Malformed,
//! truncated, replayed or undecryptable records are dropped and counted in [`DtlsStats`] and
//! never affect other peers. Sessions end on `close_notify`, on idle expiry, on a fatal error,
//! or (client role) when the peer stopped answering, so the next datagram re-handshakes.
//!
//! The DTLS implementation sits behind [`DtlsBackend`] / [`DtlsSession`]; [`DimplBackend`]
//! provides DTLS 1.2 PSK (TLS_PSK_WITH_AES_128_CCM_8) with the `dimpl` crate; with the
//! feature `dtls-cert`, `CertBackend` provides certificates (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)
//! with `rtc-dtls`.
//!
//! ```
//! use std::sync::Arc;
//! use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
//! use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured};
//! use lwm2m_runtime::server::{Server, ServerConfig};
//!
//! let store = InMemorySecurityStore::new()
//!     .with_psk("dev-1", PskKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap(), "dev-1");
//! let server = Server::new(
//!     ServerConfig::default(),
//!     Endpoint::new(Config::default(), SeededRandom::new(1)),
//!     SeededRandom::new(2),
//! );
//! let secured = Secured::psk_server(server, Arc::new(store)).unwrap();
//! // Run it like the plain server: lwm2m_runtime::coap::tokio::spawn(socket, secured).
//! # let _ = secured;
//! ```

mod backend;
#[cfg(feature = "dtls-cert")]
mod cert;
mod conn;
mod dimpl;
mod record;
mod secured;
mod store;
mod types;

pub use backend::{DtlsBackend, DtlsSession, SessionError, SessionOutput};
#[cfg(feature = "dtls-cert")]
pub use cert::{CertBackend, CertCredentials, CredentialError};
pub use dimpl::DimplBackend;
pub use secured::Secured;
pub use store::{InMemorySecurityStore, KeyError, PskKey, SecurityStore};
pub use types::{CloseReason, DtlsStats, SecuredConfig, SecuredEvent};

/// Fuzzing entry point: the record protection of established PSK sessions opening arbitrary
/// datagrams, and sealing arbitrary plaintext that must open unchanged. Must never panic.
#[doc(hidden)]
pub fn fuzz_records(data: &[u8]) {
    dimpl::fuzz_protect(data);
}

/// Fuzzing entry point: a PSK server fed arbitrary datagrams from three addresses, with time
/// passing between them. Each datagram is prefixed by its length (one byte). Must never panic.
#[doc(hidden)]
pub fn fuzz_secured(data: &[u8]) {
    use std::sync::Arc;

    let store = InMemorySecurityStore::new().with_psk("id", PskKey::new(*b"key"), "ep");
    let Ok(backend) = DimplBackend::server_seeded(Arc::new(store), Some(1)) else {
        return;
    };
    fuzz_server(backend, data);
}

/// Fuzzing entry point: [`fuzz_secured`] with a certificate server presenting `creds`.
#[cfg(feature = "dtls-cert")]
#[doc(hidden)]
pub fn fuzz_secured_cert(creds: CertCredentials, data: &[u8]) {
    let Ok(backend) = CertBackend::server(creds) else {
        return;
    };
    fuzz_server(backend, data);
}

/// A server over `backend` fed `data` as length-prefixed datagrams (see [`fuzz_secured`]).
fn fuzz_server(backend: impl DtlsBackend, data: &[u8]) {
    use crate::coap::{Config, Endpoint, Machine, SeededRandom, Timestamp};
    use std::sync::Arc;

    let store: Arc<dyn SecurityStore> = Arc::new(InMemorySecurityStore::new());
    let endpoint = Endpoint::new(Config::default(), SeededRandom::new(1));
    let mut secured = Secured::server(endpoint, backend, store, SecuredConfig::default());
    let mut now = 0;
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let (datagram, tail) = tail.split_at(usize::from(len).min(tail.len()));
        rest = tail;
        now += 700;
        let peer = std::net::SocketAddr::from(([192, 0, 2, len % 3], 5684));
        secured.handle_datagram(Timestamp::from_millis(now), peer, datagram);
        secured.handle_timeout(Timestamp::from_millis(now + 300));
        while secured.poll_transmit().is_some() {}
        while secured.poll_event().is_some() {}
    }
}
