//! The seam between [`Secured`](super::Secured) and a DTLS implementation: a factory of
//! sessions and one sans-IO session per peer. Nothing here names a backend's types, so a second
//! implementation (certificates, another library) plugs in behind the same traits.

use std::net::SocketAddr;

use crate::coap::Timestamp;
use crate::security::Identity;

/// Makes sessions. One per [`Secured`](super::Secured); it holds the credentials.
pub trait DtlsBackend: Send + 'static {
    /// A client session that starts a handshake with `peer`.
    fn connect(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError>;
    /// A server session for a ClientHello that arrived from `peer`.
    fn accept(
        &mut self,
        now: Timestamp,
        peer: SocketAddr,
    ) -> Result<Box<dyn DtlsSession>, SessionError>;
}

/// One DTLS association, sans-IO. After every input drain [`DtlsSession::poll_output`], then
/// ask [`DtlsSession::poll_timeout`]. Every returned error is fatal to this session only.
pub trait DtlsSession: Send {
    /// A datagram (one or more records) from the peer.
    fn handle_datagram(&mut self, now: Timestamp, datagram: &[u8]) -> Result<(), SessionError>;
    /// Time passed (retransmissions, handshake deadline).
    fn handle_timeout(&mut self, now: Timestamp) -> Result<(), SessionError>;
    /// Encrypts `plaintext` as one application-data record. Only once connected.
    fn send(&mut self, plaintext: &[u8]) -> Result<(), SessionError>;
    /// Starts a graceful close (`close_notify` when connected).
    fn close(&mut self);
    /// The next output.
    fn poll_output(&mut self) -> Option<SessionOutput>;
    /// When [`DtlsSession::handle_timeout`] has work to do.
    fn poll_timeout(&self) -> Option<Timestamp>;
}

/// What a session produces.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionOutput {
    /// A datagram for the peer.
    Transmit(Vec<u8>),
    /// Decrypted application data from the peer.
    Data(Vec<u8>),
    /// The handshake completed; the peer proved `Identity`.
    Connected(Identity),
    /// The peer closed the session (`close_notify`).
    Closed,
    /// Informational: from now on the backend protects this session's records itself rather
    /// than through its DTLS library (counted in `DtlsStats::records_handed_over`).
    RecordsHandedOver,
}

/// Why a session ended or could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The handshake did not complete in time (lost peer, or a peer that refused silently).
    #[error("handshake timed out")]
    HandshakeTimeout,
    /// The client's PSK identity is not in the security store.
    #[error("unknown PSK identity {0}")]
    UnknownIdentity(String),
    /// The peer's Finished did not verify: the keys differ.
    #[error("peer failed authentication (wrong key)")]
    AuthenticationFailed,
    /// Client role: the credentials for the peer cannot be used.
    #[error(transparent)]
    Credentials(#[from] crate::security::CredentialsError),
    /// The peer's certificate did not verify (unknown issuer, expired, wrong name, missing).
    #[error("peer certificate rejected: {0}")]
    CertificateRejected(String),
    /// The peer sent a fatal alert.
    #[error("peer sent a fatal alert")]
    Alert,
    /// The session is closed.
    #[error("session closed")]
    Closed,
    /// The configuration cannot make a session.
    #[error("configuration: {0}")]
    Config(String),
    /// Any other protocol failure, described by the backend.
    #[error("protocol: {0}")]
    Protocol(String),
}
