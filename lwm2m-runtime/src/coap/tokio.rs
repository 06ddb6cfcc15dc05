//! A thin tokio UDP driver: one task `select!`s over the socket, the endpoint's next deadline
//! and a command channel, and forwards events to a channel.
//!
//! Commands are closures run against the endpoint with the current time, so every endpoint
//! method is available without a mirror enum:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use lwm2m_runtime::coap::{Code, Config, Endpoint, Message, tokio::{os_seeded, spawn}};
//!
//! let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
//! let (handle, mut events, _task) = spawn(socket, Endpoint::new(Config::default(), os_seeded()));
//! let peer = "127.0.0.1:5683".parse().unwrap();
//! let id = handle
//!     .call(move |ep, now| ep.request(now, peer, Message::request(Code::GET).with_uri_path("/3/0")))
//!     .await;
//! while let Some(event) = events.recv().await { /* match on Event::Response { id, .. } */ }
//! # Ok(()) }
//! ```

use std::boxed::Box;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;
use std::time::Duration;
use std::vec;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{Endpoint, SeededRandom, Timestamp};

pub use super::Machine;

/// A closure run on the driver task against the machine and the current time.
pub type Command<M = Endpoint> = Box<dyn FnOnce(&mut M, Timestamp) + Send>;

/// Sends commands to a running driver.
pub struct Handle<M = Endpoint> {
    commands: mpsc::UnboundedSender<Command<M>>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        Handle {
            commands: self.commands.clone(),
        }
    }
}

impl<M> core::fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl<M: Machine> Handle<M> {
    /// Runs `f` on the driver task against the machine and the current time and returns its
    /// result; `None` if the driver has stopped.
    pub async fn call<R, F>(&self, f: F) -> Option<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut M, Timestamp) -> R + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let cmd: Command<M> = Box::new(move |m, now| {
            let _ = tx.send(f(m, now));
        });
        self.commands.send(cmd).ok()?;
        rx.await.ok()
    }
}

/// A [`SeededRandom`] seeded from the process's hash randomness (the OS random source).
pub fn os_seeded() -> SeededRandom {
    SeededRandom::new(RandomState::new().hash_one(0x6c77_6d32_u64))
}

/// Spawns [`run`] on the current runtime; returns the command handle, the event receiver and
/// the task. Dropping every [`Handle`] or the event receiver stops the driver.
pub fn spawn<M: Machine>(
    socket: UdpSocket,
    machine: M,
) -> (
    Handle<M>,
    mpsc::UnboundedReceiver<M::Event>,
    JoinHandle<io::Result<()>>,
) {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(socket, machine, cmd_rx, ev_tx));
    (Handle { commands: cmd_tx }, ev_rx, task)
}

/// Drives `machine` over `socket` until the command channel closes or the event receiver is
/// dropped. Timestamps count from the driver's start. Send failures (an unreachable peer) are
/// not fatal; a receive error other than a connection reset is.
pub async fn run<M: Machine>(
    socket: UdpSocket,
    mut machine: M,
    mut commands: mpsc::UnboundedReceiver<Command<M>>,
    events: mpsc::UnboundedSender<M::Event>,
) -> io::Result<()> {
    let origin = Instant::now();
    let now = move || {
        Timestamp::from_millis(u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX))
    };
    let mut buf = vec![0u8; 65_535];
    loop {
        while let Some(t) = machine.poll_transmit() {
            let _ = socket.send_to(&t.payload, t.destination).await;
        }
        while let Some(e) = machine.poll_event() {
            if events.send(e).is_err() {
                return Ok(());
            }
        }
        let deadline = machine
            .poll_timeout()
            .map(|t| origin + Duration::from_millis(t.as_millis()));
        let timer = async move {
            match deadline {
                Some(d) => tokio::time::sleep_until(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok((len, peer)) => machine.handle_datagram(now(), peer, &buf[..len]),
                // ICMP port unreachable surfaces here on some platforms: not fatal.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
                Err(e) => return Err(e),
            },
            () = timer => machine.handle_timeout(now()),
            command = commands.recv() => match command {
                Some(f) => f(&mut machine, now()),
                None => return Ok(()),
            },
        }
    }
}
