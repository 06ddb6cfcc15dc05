//! A thin tokio UDP driver for the LwM2M [`Client`] and [`Server`]: one task `select!`s over the
//! socket, the machine's next deadline and a command channel, and forwards events to a channel.
//! The same shape as [`crate::coap::tokio`], one layer up.
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

use std::boxed::Box;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use std::vec;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::client::{Client, ClientEvent};
use crate::coap::{Timestamp, Transmit};
use crate::server::{Server, ServerEvent};

/// A sans-IO LwM2M state machine the driver can run.
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

macro_rules! machine {
    ($t:ty, $e:ty) => {
        impl Machine for $t {
            type Event = $e;
            fn handle_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
                <$t>::handle_datagram(self, now, peer, datagram)
            }
            fn handle_timeout(&mut self, now: Timestamp) {
                <$t>::handle_timeout(self, now)
            }
            fn poll_transmit(&mut self) -> Option<Transmit> {
                <$t>::poll_transmit(self)
            }
            fn poll_event(&mut self) -> Option<$e> {
                <$t>::poll_event(self)
            }
            fn poll_timeout(&self) -> Option<Timestamp> {
                <$t>::poll_timeout(self)
            }
        }
    };
}

machine!(Client, ClientEvent);
machine!(Server, ServerEvent);

type Command<M> = Box<dyn FnOnce(&mut M, Timestamp) + Send>;

/// Sends commands to a running driver.
pub struct Handle<M> {
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
    /// Runs `f` on the driver task against the machine and the current time; `None` if the
    /// driver has stopped.
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

/// Spawns [`run`] on the current runtime; returns the command handle, the event receiver and the
/// task. Dropping every [`Handle`] or the receiver stops the driver.
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
/// dropped. Timestamps count from the driver's start. A send failure is not fatal; a receive
/// error other than a connection reset is.
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
