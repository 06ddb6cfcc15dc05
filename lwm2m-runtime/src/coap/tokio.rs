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

/// Datagrams taken from the socket without waiting, after one that woke the driver, before
/// the driver sends what they caused: fewer wake-ups under load, bounded latency.
const RECV_BATCH: usize = 32;

/// Drives `machine` over `socket` until the command channel closes or the event receiver is
/// dropped. Timestamps count from the driver's start. Send failures (an unreachable peer) are
/// not fatal; a receive error other than a connection reset is.
///
/// One timer is kept and re-armed only when the machine's deadline changes; datagrams that are
/// already queued on the socket are handled in one go (up to [`RECV_BATCH`]), and sends try the
/// socket directly before waiting for it to become writable.
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
    // Far in the future while there is no deadline.
    let idle = || origin + Duration::from_secs(86_400 * 365);
    let timer = tokio::time::sleep_until(idle());
    tokio::pin!(timer);
    let mut armed: Option<Timestamp> = None;
    loop {
        while let Some(t) = machine.poll_transmit() {
            match socket.try_send_to(&t.payload, t.destination) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let _ = socket.send_to(&t.payload, t.destination).await;
                }
                _ => {}
            }
        }
        while let Some(e) = machine.poll_event() {
            if events.send(e).is_err() {
                return Ok(());
            }
        }
        let deadline = machine.poll_timeout();
        if deadline != armed {
            armed = deadline;
            let at = deadline.map_or_else(idle, |t| origin + Duration::from_millis(t.as_millis()));
            timer.as_mut().reset(at);
        }
        tokio::select! {
            received = socket.recv_from(&mut buf) => match received {
                Ok((len, peer)) => {
                    machine.handle_datagram(now(), peer, &buf[..len]);
                    for _ in 1..RECV_BATCH {
                        match socket.try_recv_from(&mut buf) {
                            Ok((len, peer)) => machine.handle_datagram(now(), peer, &buf[..len]),
                            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
                            Err(_) => break,
                        }
                    }
                }
                // ICMP port unreachable surfaces here on some platforms: not fatal.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {}
                Err(e) => return Err(e),
            },
            () = &mut timer, if armed.is_some() => {
                armed = None;
                machine.handle_timeout(now());
            }
            command = commands.recv() => match command {
                Some(f) => f(&mut machine, now()),
                None => return Ok(()),
            },
        }
    }
}
