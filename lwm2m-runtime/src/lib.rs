//! Sans-IO protocol core of the LwM2M toolkit.
//!
//! [`coap`] holds a zero-allocation CoAP codec and, with `alloc`, the sans-IO [`coap::Endpoint`]:
//! no socket, no clock and no randomness inside. Feed it datagrams, timer ticks and commands, each
//! with the current [`coap::Timestamp`], then drain [`coap::Endpoint::poll_transmit`],
//! [`coap::Endpoint::poll_event`] and ask [`coap::Endpoint::poll_timeout`] for the next deadline.
//! The `tokio` feature adds a thin UDP driver in `coap::tokio`.
#![cfg_attr(not(feature = "std"), no_std)]

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(feature = "alloc")]
pub mod bootstrap;
#[cfg(feature = "alloc")]
pub mod client;
pub mod coap;
#[cfg(feature = "dtls")]
pub mod dtls;
#[cfg(feature = "alloc")]
pub mod lwm2m;
#[cfg(feature = "alloc")]
pub mod security;
#[cfg(feature = "alloc")]
pub mod server;

/// Fuzzing entry point: decodes arbitrary bytes and, if they decode, checks that re-encoding the
/// owned form decodes to the same message. Must never panic on any input.
#[doc(hidden)]
pub fn fuzz_decode(data: &[u8]) {
    let Ok(msg) = coap::MessageRef::decode(data) else {
        return;
    };
    let _ = msg.unrecognized_critical();
    for opt in msg.options() {
        let _ = opt;
    }
    #[cfg(feature = "alloc")]
    {
        use coap::ReadOptions;
        let _ = (
            msg.block1(),
            msg.block2(),
            msg.observe(),
            msg.uri_path().count(),
        );
        let owned = coap::Message::from_ref(&msg);
        let bytes = owned.encode().expect("a decoded message re-encodes");
        let again = coap::Message::decode(&bytes).expect("a re-encoded message decodes");
        assert_eq!(owned, again);
    }
}
