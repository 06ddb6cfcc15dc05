//! The server's half of [`SecurityAware`]: which credential each peer authenticated with, and
//! the check that a registration's endpoint name is the one bound to that credential.

use alloc::string::String;
use core::net::SocketAddr;

use super::{Server, ServerEvent};
use crate::coap::{Code, Message, Timestamp};
use crate::security::{Authenticated, Identity, SecurityAware};

/// Why the server refused a registration interface request from an authenticated peer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The credential is bound to another endpoint name.
    #[error("{identity} is bound to endpoint {bound:?}")]
    EndpointMismatch {
        /// The credential the peer authenticated with.
        identity: Identity,
        /// The endpoint name bound to it.
        bound: String,
    },
    /// The security store binds no endpoint name to the credential.
    #[error("{identity} is bound to no endpoint")]
    Unbound {
        /// The credential the peer authenticated with.
        identity: Identity,
    },
}

impl SecurityAware for Server {
    fn peer_authenticated(&mut self, _now: Timestamp, peer: SocketAddr, who: &Authenticated) {
        self.peers.insert(peer, who.clone());
    }

    fn peer_closed(&mut self, _now: Timestamp, peer: SocketAddr) {
        self.peers.remove(&peer);
    }
}

impl Server {
    /// The credential `peer` authenticated with, if it came over a secure transport.
    pub fn peer_identity(&self, peer: SocketAddr) -> Option<&Authenticated> {
        self.peers.get(&peer)
    }

    /// Checks that `peer` may act for `endpoint`: always true for a peer no secure transport
    /// vouched for (plain UDP), otherwise only for the endpoint bound to its credential. On
    /// refusal, queues [`ServerEvent::Rejected`] and returns the 4.03 answer.
    pub(super) fn authorize(&mut self, peer: SocketAddr, endpoint: &str) -> Result<(), Message> {
        let Some(who) = self.peers.get(&peer) else {
            return Ok(());
        };
        let reason = match &who.endpoint {
            Some(bound) if bound == endpoint => return Ok(()),
            Some(bound) => RejectReason::EndpointMismatch {
                identity: who.identity.clone(),
                bound: bound.clone(),
            },
            None => RejectReason::Unbound {
                identity: who.identity.clone(),
            },
        };
        self.events.push_back(ServerEvent::Rejected {
            peer,
            endpoint: endpoint.into(),
            reason,
        });
        Err(Message::response(Code::FORBIDDEN))
    }
}
