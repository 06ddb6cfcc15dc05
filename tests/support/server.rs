//! A server on the runtime's tokio driver, hosting the Device and Temperature Objects, that the
//! end-to-end and interop tests drive one operation at a time.

use std::net::SocketAddr;
use std::time::Duration;

use lwm2m_core::{Node, Value};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{OpError, OpId, Reply, Server, ServerConfig, ServerError, ServerEvent};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;

/// A driven [`Server`] on a loopback port, with the Objects the CLI's devices host.
pub(crate) struct DrivenServer {
    pub(crate) handle: Handle<Server>,
    pub(crate) events: UnboundedReceiver<ServerEvent>,
    pub(crate) addr: SocketAddr,
    wait: Duration,
}

impl DrivenServer {
    /// Binds `127.0.0.1:0` and starts a server with `config`, its endpoint and server seeded
    /// with `seeds`; every wait for an event is bounded by `wait`.
    pub(crate) async fn start(config: ServerConfig, seeds: (u64, u64), wait: Duration) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let mut server = Server::new(
            config,
            Endpoint::new(Config::default(), SeededRandom::new(seeds.0)),
            SeededRandom::new(seeds.1),
        );
        server.add_objects(&[&device::META, &temperature::META]);
        let (handle, events, _task) = spawn(socket, server);
        DrivenServer {
            handle,
            events,
            addr,
            wait,
        }
    }

    /// The next server event, within the wait.
    pub(crate) async fn next(&mut self) -> ServerEvent {
        tokio::time::timeout(self.wait, self.events.recv())
            .await
            .expect("a server event in time")
            .expect("server driver running")
    }

    /// Starts `op` and waits for its outcome (events of other operations are skipped).
    pub(crate) async fn op<F>(&mut self, op: F) -> Result<Reply, OpError>
    where
        F: FnOnce(&mut Server, Timestamp) -> Result<OpId, ServerError> + Send + 'static,
    {
        let id = self.handle.call(op).await.unwrap().unwrap();
        loop {
            match self.next().await {
                ServerEvent::Response { op, result, .. } if op == id => return result,
                other => eprintln!("(skipped {other:?})"),
            }
        }
    }
}

/// The single value of a Content reply; anything else fails the test.
pub(crate) fn single(reply: Result<Reply, OpError>) -> Value {
    match reply {
        Ok(Reply::Content(c)) => match c.node {
            Node::Single(v) => v,
            other => panic!("expected one value, got {other:?}"),
        },
        other => panic!("expected content, got {other:?}"),
    }
}
