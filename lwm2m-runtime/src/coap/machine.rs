//! The shape every sans-IO state machine here shares, so one driver (and one DTLS layer) can run
//! any of them: the CoAP [`Endpoint`], the LwM2M client and server.

use core::net::SocketAddr;

use super::{Endpoint, Event, Timestamp, Transmit};

/// A sans-IO state machine a driver can run: the CoAP [`Endpoint`] here, the LwM2M client and
/// server in [`crate::lwm2m`], and `dtls::Secured` around any of them.
pub trait Machine: Send + 'static {
    /// What it reports to the application.
    type Event: Send + 'static;
    /// A datagram arrived.
    fn handle_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]);
    /// The deadline passed.
    fn handle_timeout(&mut self, now: Timestamp);
    /// The next datagram to send.
    fn poll_transmit(&mut self) -> Option<Transmit>;
    /// The next event.
    fn poll_event(&mut self) -> Option<Self::Event>;
    /// The next deadline.
    fn poll_timeout(&self) -> Option<Timestamp>;
}

/// Implements [`Machine`] for a type with the sans-IO methods of the same names.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_machine {
    ($t:ty, $e:ty) => {
        impl $crate::coap::Machine for $t {
            type Event = $e;
            fn handle_datagram(
                &mut self,
                now: $crate::coap::Timestamp,
                peer: ::core::net::SocketAddr,
                datagram: &[u8],
            ) {
                <$t>::handle_datagram(self, now, peer, datagram)
            }
            fn handle_timeout(&mut self, now: $crate::coap::Timestamp) {
                <$t>::handle_timeout(self, now)
            }
            fn poll_transmit(&mut self) -> ::core::option::Option<$crate::coap::Transmit> {
                <$t>::poll_transmit(self)
            }
            fn poll_event(&mut self) -> ::core::option::Option<$e> {
                <$t>::poll_event(self)
            }
            fn poll_timeout(&self) -> ::core::option::Option<$crate::coap::Timestamp> {
                <$t>::poll_timeout(self)
            }
        }
    };
}

crate::__impl_machine!(Endpoint, Event);
