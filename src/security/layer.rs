//! One trait over a protocol core on plain UDP and the same core inside DTLS, so the server,
//! the client and the bench drive both with the same code.

use std::net::SocketAddr;

use lwm2m_runtime::client::Client;
use lwm2m_runtime::coap::{Machine, Timestamp};
use lwm2m_runtime::dtls::{Secured, SecuredEvent};
use lwm2m_runtime::security::SecurityAware;
use lwm2m_runtime::server::Server;

/// A machine the CLI runs: a core ([`Server`], [`Client`]) itself, or that core in [`Secured`].
pub(crate) trait Layer: Machine {
    /// The protocol core.
    type Core: Machine;
    /// The core, to give it commands.
    fn core(&mut self) -> &mut Self::Core;
    /// The core, to read its state.
    fn core_ref(&self) -> &Self::Core;
    /// An event in the DTLS vocabulary: a plain core's events are all [`SecuredEvent::Inner`].
    fn lift(event: Self::Event) -> SecuredEvent<<Self::Core as Machine>::Event>;
    /// Ends the DTLS session with `peer` (`close_notify`), so that the next datagram to it
    /// handshakes afresh; nothing on plain UDP.
    fn close_session(&mut self, now: Timestamp, peer: SocketAddr) {
        let _ = (now, peer);
    }
}

macro_rules! plain {
    ($t:ty) => {
        impl Layer for $t {
            type Core = $t;
            fn core(&mut self) -> &mut $t {
                self
            }
            fn core_ref(&self) -> &$t {
                self
            }
            fn lift(event: Self::Event) -> SecuredEvent<Self::Event> {
                SecuredEvent::Inner(event)
            }
        }
    };
}

plain!(Server);
plain!(Client);

impl<M: Machine + SecurityAware> Layer for Secured<M> {
    type Core = M;
    fn core(&mut self) -> &mut M {
        self.inner_mut()
    }
    fn core_ref(&self) -> &M {
        self.inner()
    }
    fn lift(event: Self::Event) -> SecuredEvent<M::Event> {
        event
    }
    fn close_session(&mut self, now: Timestamp, peer: SocketAddr) {
        self.close(now, peer);
    }
}
