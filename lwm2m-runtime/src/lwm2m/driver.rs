//! A thin tokio UDP driver for the LwM2M [`Client`] and [`Server`]: one task `select!`s over the
//! socket, the machine's next deadline and a command channel, and forwards events to a channel.
//! The driver itself is [`crate::coap::tokio`]'s, generic over [`Machine`]; this module makes
//! the client and server machines.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, tokio::os_seeded};
//! use lwm2m_runtime::lwm2m::driver::spawn;
//! use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};
//!
//! let socket = tokio::net::UdpSocket::bind("0.0.0.0:5683").await?;
//! let server = Server::new(ServerConfig::default(), Endpoint::new(Config::default(), os_seeded()), os_seeded());
//! let (handle, mut events, _task) = spawn(socket, server);
//! while let Some(event) = events.recv().await {
//!     if let ServerEvent::Registered { endpoint, .. } = event {
//!         let path = lwm2m_core::Path::instance(3, 0);
//!         let ep = endpoint.clone();
//!         handle.call(move |s, now| s.read(now, &ep, path)).await;
//!     }
//! }
//! # Ok(()) }
//! ```

pub use crate::coap::tokio::{Command, Handle, Machine, run, spawn};
