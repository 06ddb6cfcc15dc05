//! Who a peer is, as a secure transport proved it, and the hook that tells a state machine.
//!
//! The DTLS layer (`dtls::Secured`, feature `dtls`) authenticates each peer, then calls
//! [`SecurityAware::peer_authenticated`] on the machine it wraps before delivering that peer's
//! first datagram, and [`SecurityAware::peer_closed`] when the session ends. The LwM2M
//! [`Server`](crate::server::Server) uses it to bind a registration's endpoint name to the
//! credentials; the [`BootstrapServer`](crate::bootstrap::BootstrapServer) does the same for
//! Bootstrap-Requests.
//!
//! The other way round, a client-role `Secured` asks the machine it wraps how to reach a peer
//! ([`SecurityAware::credentials_for`]): the LwM2M client answers from its Security Object
//! ([`Credentials`]), so credentials a Bootstrap-Server wrote need no separate configuration.
//! [`SecurityAware::transport_secured`] tells the machine which Security Modes its transport
//! can use, so the client's Bootstrap-Finish check accepts `coaps://` accounts only then.

mod credentials;

pub use credentials::{Credentials, CredentialsError, mode_name};

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::net::SocketAddr;

use crate::coap::Timestamp;

/// The credential a peer authenticated with. Never holds key material.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Identity {
    /// A pre-shared key's identity (sent in clear in the handshake).
    Psk(Vec<u8>),
    /// An X.509 leaf certificate the handshake verified against a trust anchor.
    Certificate {
        /// The subject's common name (CN); in LwM2M a client certificate's CN is its endpoint
        /// name. `None` when the subject has no CN.
        common_name: Option<String>,
        /// The certificate (DER).
        der: Vec<u8>,
    },
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Psk(id) => match core::str::from_utf8(id) {
                Ok(s) => write!(f, "Psk({s:?})"),
                Err(_) => write!(f, "Psk({id:02x?})"),
            },
            Identity::Certificate { common_name, der } => {
                write!(f, "Certificate(CN={common_name:?}, {} bytes)", der.len())
            }
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Psk(id) => write!(f, "PSK identity {}", String::from_utf8_lossy(id)),
            Identity::Certificate {
                common_name: Some(cn),
                ..
            } => write!(f, "certificate CN={cn}"),
            Identity::Certificate { der, .. } => {
                write!(f, "certificate without CN ({} bytes)", der.len())
            }
        }
    }
}

/// An authenticated peer: its credential and the LwM2M endpoint name bound to it, if the
/// security store binds one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authenticated {
    /// The credential.
    pub identity: Identity,
    /// The endpoint name this credential may register as (`None`: no binding known).
    pub endpoint: Option<String>,
}

impl Authenticated {
    /// A peer authenticated with `identity`, bound to `endpoint`.
    pub fn new(identity: Identity, endpoint: Option<String>) -> Self {
        Authenticated { identity, endpoint }
    }
}

/// A state machine that wants to know who its peers are, or that knows how to reach them. Every
/// method has a default that does nothing (or knows nothing).
pub trait SecurityAware {
    /// `peer` completed a handshake as `who`; its datagrams follow.
    fn peer_authenticated(&mut self, now: Timestamp, peer: SocketAddr, who: &Authenticated) {
        let _ = (now, peer, who);
    }
    /// The session with `peer` ended (closed, expired or failed).
    fn peer_closed(&mut self, now: Timestamp, peer: SocketAddr) {
        let _ = (now, peer);
    }
    /// Client role: how to secure traffic to `peer`, from the machine's own configuration.
    /// `None`: the machine has nothing to say (the transport uses its own credentials);
    /// [`Credentials::NoSec`]: plaintext; an error: the configuration for `peer` is unusable.
    /// Asked before every handshake, so changed credentials apply to the next session.
    fn credentials_for(&self, peer: SocketAddr) -> Option<Result<Credentials, CredentialsError>> {
        let _ = peer;
        None
    }
    /// The machine runs inside a secure transport that can use these Security Modes (resource 2
    /// of the Security Object: 0 PSK, 2 certificate, 3 NoSec as plaintext…). Called once, when
    /// the transport is built.
    fn transport_secured(&mut self, modes: &[u8]) {
        let _ = modes;
    }
}

impl SecurityAware for crate::coap::Endpoint {}
