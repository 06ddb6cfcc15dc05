//! Outputs of the endpoint: transmits, events, statistics and command errors.

use alloc::vec::Vec;
use core::net::SocketAddr;

use crate::coap::{EncodeError, Message};

/// Identifies a request this endpoint sent (client side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub(crate) u64);

/// Identifies a request this endpoint received and has not answered yet (server side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncomingId(pub(crate) u64);

/// Identifies an observation this endpoint serves (server side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObservationId(pub(crate) u64);

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// The peer.
    pub destination: SocketAddr,
    /// The datagram.
    pub payload: Vec<u8>,
}

/// Something the application must know about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A complete request (Block1 already reassembled); answer with
    /// [`Endpoint::respond`](super::Endpoint::respond).
    Request {
        /// Handle for the response.
        id: IncomingId,
        /// The sender.
        peer: SocketAddr,
        /// The request; for Observe=0 the response registers an observation.
        message: Message,
    },
    /// A complete response (Block2 already reassembled), or a fresh notification of an observation.
    Response {
        /// The request it answers.
        id: RequestId,
        /// The response.
        message: Message,
    },
    /// A request ended without a response.
    RequestFailed {
        /// The request.
        id: RequestId,
        /// Why.
        reason: FailReason,
    },
    /// An observation this endpoint served has ended.
    ObservationEnded {
        /// The observation.
        id: ObservationId,
        /// Why.
        reason: EndReason,
    },
}

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailReason {
    /// No acknowledgement after MAX_RETRANSMIT retransmissions, or no response in time.
    Timeout,
    /// The peer answered with a Reset.
    Reset,
    /// A block arrived out of sequence or its ETag changed (RFC 7959 §2.4).
    BlockMismatch,
    /// The reassembled body exceeds [`Config::max_body_size`](super::Config::max_body_size).
    TooLarge,
}

/// Why an observation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndReason {
    /// The client answered a notification with a Reset (RFC 7641 §3.6).
    Reset,
    /// The client sent a GET with Observe=1.
    Deregistered,
    /// A confirmable notification was never acknowledged.
    Timeout,
}

/// Counters; malformed datagrams are counted here, never reported as errors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Datagrams handed to the endpoint.
    pub datagrams_received: u64,
    /// Datagrams the endpoint queued for sending.
    pub datagrams_sent: u64,
    /// Datagrams dropped because they did not decode.
    pub malformed: u64,
    /// Duplicates detected by message ID.
    pub duplicates: u64,
    /// Retransmissions of confirmable messages.
    pub retransmissions: u64,
    /// Confirmable messages given up after MAX_RETRANSMIT.
    pub transmit_timeouts: u64,
    /// Resets sent.
    pub resets_sent: u64,
    /// Resets received.
    pub resets_received: u64,
    /// ACKs, resets and responses that matched nothing.
    pub unmatched: u64,
    /// Notifications dropped by the freshness rule of RFC 7641 §3.4.
    pub stale_notifications: u64,
    /// Well-formed messages ignored (reserved codes, requests in ACKs, non-confirmable pings).
    pub ignored: u64,
    /// Received message IDs forgotten early because the duplicate cache was full
    /// ([`Config::max_dedup_entries`](super::Config::max_dedup_entries)).
    pub dedup_evictions: u64,
}

/// A command the endpoint could not carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// No unanswered request with this id (answered already, or expired).
    #[error("unknown or already answered request")]
    UnknownRequest,
    /// No active observation with this id.
    #[error("unknown observation")]
    UnknownObservation,
    /// The request id is unknown or not observing.
    #[error("not an active observation request")]
    NotObserving,
    /// The message to send is not a request.
    #[error("message code {0} is not a request method")]
    NotARequest(crate::coap::Code),
    /// The message could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}
