//! The public vocabulary of [`Secured`](super::Secured): limits, counters and events.

use std::net::SocketAddr;
use std::time::Duration;

use super::backend::SessionError;
use crate::security::Identity;

/// Limits and timers of [`Secured`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SecuredConfig {
    /// An established session with no traffic either way for this long is closed (600 s).
    pub idle_timeout: Duration,
    /// A handshake not complete after this long is abandoned (45 s; the backend gives up on
    /// its own retransmissions earlier).
    pub handshake_lifetime: Duration,
    /// Server role: a half-open session that received nothing after its first ClientHello
    /// (the client never returned the cookie, as with a spoofed source) is dropped after
    /// this long (5 s).
    pub cookie_lifetime: Duration,
    /// Sessions of all kinds (65 536). Past it, new handshakes are refused.
    pub max_sessions: usize,
    /// Incomplete server-role handshakes (1 024). Past it, ClientHellos are dropped and
    /// counted; established sessions are never evicted for a newcomer.
    pub max_half_open: usize,
    /// Incomplete server-role handshakes from one IP address, whatever the port (16).
    pub max_half_open_per_ip: usize,
    /// Client role: datagrams held per peer while its handshake runs (32).
    pub max_queued: usize,
    /// Client role: a session whose peer has not sent anything for this long since we sent
    /// to it is presumed lost by the peer (restarted server, expired state) and dropped, so
    /// the next datagram re-handshakes (40 s, about CoAP's retransmission span).
    pub rehandshake_after: Duration,
}

impl Default for SecuredConfig {
    fn default() -> Self {
        SecuredConfig {
            idle_timeout: Duration::from_secs(600),
            handshake_lifetime: Duration::from_secs(45),
            cookie_lifetime: Duration::from_secs(5),
            max_sessions: 65_536,
            max_half_open: 1_024,
            max_half_open_per_ip: 16,
            max_queued: 32,
            rehandshake_after: Duration::from_secs(40),
        }
    }
}

/// Counters of [`Secured`]; everything dropped is counted somewhere here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DtlsStats {
    /// Handshakes begun (either role).
    pub handshakes_started: u64,
    /// Handshakes completed.
    pub handshakes_completed: u64,
    /// Handshakes that failed or timed out.
    pub handshakes_failed: u64,
    /// ClientHellos (or client connects) refused at a cap.
    pub handshakes_refused: u64,
    /// Established sessions that ended (peer close, idle, unresponsive, replaced, error).
    pub sessions_ended: u64,
    /// Established sessions whose records the backend moved to this crate's own record
    /// protection (PSK sessions after their first exchange; see `dtls/dimpl/protect.rs`).
    pub records_handed_over: u64,
    /// Datagrams that are not well-formed DTLS records (truncated, unknown type or version).
    pub malformed: u64,
    /// Application-data datagrams whose records were all already received.
    pub replayed: u64,
    /// Application-data datagrams the session could not authenticate.
    pub rejected: u64,
    /// Datagrams from an address without a session that do not open one.
    pub unknown_peer: u64,
    /// Server role: datagrams the wrapped machine sent to a peer without a session.
    pub unroutable: u64,
    /// Client role: datagrams dropped because the handshake queue was full.
    pub queue_overflow: u64,
    /// Client role: datagrams dropped because the wrapped machine's credentials for the peer
    /// cannot be used (an unsupported Security Mode, NoSec for `coaps://`, none at all).
    pub no_credentials: u64,
}

/// Why an established session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// The peer sent `close_notify`.
    PeerClosed,
    /// No traffic for [`SecuredConfig::idle_timeout`].
    Idle,
    /// Client role: the peer stopped answering ([`SecuredConfig::rehandshake_after`]).
    Unresponsive,
    /// The peer completed a new handshake from the same address.
    Replaced,
    /// [`Secured::close`].
    Local,
}

/// What [`Secured`] reports: the wrapped machine's events, and session changes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SecuredEvent<E> {
    /// An event of the wrapped machine.
    Inner(E),
    /// A handshake completed.
    Connected {
        /// The peer.
        peer: SocketAddr,
        /// The credential it proved.
        identity: Identity,
    },
    /// An established session ended.
    Closed {
        /// The peer.
        peer: SocketAddr,
        /// Why.
        reason: CloseReason,
    },
    /// A handshake or session failed.
    Failed {
        /// The peer.
        peer: SocketAddr,
        /// Why.
        error: SessionError,
    },
}
