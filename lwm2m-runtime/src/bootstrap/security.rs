//! The Bootstrap-Server's half of [`SecurityAware`]: run inside a server-role `Secured`, it
//! learns which credential each peer authenticated with, and answers a Bootstrap-Request whose
//! `ep=` is not the endpoint name bound to that credential with 4.03 (the same rule as the
//! LwM2M Server's registration interface, [`RejectReason`]).

use alloc::collections::BTreeMap;
use core::net::SocketAddr;

use super::{BootstrapError, BootstrapEvent, BootstrapServer};
use crate::coap::Timestamp;
use crate::security::{Authenticated, SecurityAware};
use crate::server::RejectReason;

/// Peers a secure transport vouched for.
pub(super) type Peers = BTreeMap<SocketAddr, Authenticated>;

impl SecurityAware for BootstrapServer {
    fn peer_authenticated(&mut self, _now: Timestamp, peer: SocketAddr, who: &Authenticated) {
        self.peers.insert(peer, who.clone());
    }

    fn peer_closed(&mut self, _now: Timestamp, peer: SocketAddr) {
        self.peers.remove(&peer);
    }
}

impl BootstrapServer {
    /// The credential `peer` authenticated with, if it came over a secure transport.
    pub fn peer_identity(&self, peer: SocketAddr) -> Option<&Authenticated> {
        self.peers.get(&peer)
    }

    /// Whether `peer` may bootstrap as `endpoint`: always for a peer no secure transport
    /// vouched for (plain UDP), else only as the endpoint bound to its credential. On refusal,
    /// queues [`BootstrapEvent::Failed`] with [`BootstrapError::Forbidden`].
    pub(super) fn authorize(&mut self, peer: SocketAddr, endpoint: &str) -> bool {
        let Some(who) = self.peers.get(&peer) else {
            return true;
        };
        let reason = match &who.endpoint {
            Some(bound) if bound == endpoint => return true,
            Some(bound) => RejectReason::EndpointMismatch {
                identity: who.identity.clone(),
                bound: bound.clone(),
            },
            None => RejectReason::Unbound {
                identity: who.identity.clone(),
            },
        };
        self.events.push_back(BootstrapEvent::Failed {
            endpoint: endpoint.into(),
            reason: BootstrapError::Forbidden { peer, reason },
        });
        false
    }
}
