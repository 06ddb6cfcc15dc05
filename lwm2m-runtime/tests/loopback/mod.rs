//! Our LwM2M server and client on real loopback UDP sockets, each run by the tokio driver: a
//! harness that starts both, waits for events with a time limit and keeps the events a test
//! did not ask for yet.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use lwm2m_objects::{device, light_control, temperature};
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{OpError, OpId, Reply, Server, ServerConfig, ServerError, ServerEvent};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;

/// How long any one expected event may take.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// A server (knowing Device, Temperature and Light Control) and a registered client.
pub(crate) struct Loopback {
    pub(crate) server: Handle<Server>,
    pub(crate) client: Handle<Client>,
    pub(crate) server_addr: SocketAddr,
    pub(crate) endpoint: String,
    server_events: UnboundedReceiver<ServerEvent>,
    client_events: UnboundedReceiver<ClientEvent>,
    server_backlog: Vec<ServerEvent>,
    client_backlog: Vec<ClientEvent>,
}

impl Loopback {
    /// Starts a server with `server_config` and a client with `config` that hosts what `host`
    /// adds, lets the client register, and waits for the registration.
    pub(crate) async fn start(
        server_config: ServerConfig,
        config: ClientConfig,
        host: impl FnOnce(&mut Client),
    ) -> Loopback {
        let server_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let server_addr = server_socket.local_addr().unwrap();
        Self::start_via(server_socket, server_addr, server_config, config, host).await
    }

    /// Like [`Loopback::start`] with the server on `server_socket` and the client sending to
    /// `via` (the server's address, or a relay's).
    pub(crate) async fn start_via(
        server_socket: UdpSocket,
        via: SocketAddr,
        server_config: ServerConfig,
        config: ClientConfig,
        host: impl FnOnce(&mut Client),
    ) -> Loopback {
        let server_addr = server_socket.local_addr().unwrap();
        let mut server = Server::new(
            server_config,
            Endpoint::new(Config::default(), SeededRandom::new(1)),
            SeededRandom::new(2),
        );
        server.add_objects(&[&device::META, &temperature::META, &light_control::META]);
        let (server, server_events, _s) = spawn(server_socket, server);
        let endpoint = config.endpoint.clone();
        let mut client = Client::new(
            config,
            Endpoint::new(Config::default(), SeededRandom::new(3)),
            via,
        );
        host(&mut client);
        let client_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (client, client_events, _c) = spawn(client_socket, client);
        let mut l = Loopback {
            server,
            client,
            server_addr,
            endpoint,
            server_events,
            client_events,
            server_backlog: Vec::new(),
            client_backlog: Vec::new(),
        };
        l.client.call(|c, now| c.start(now)).await.unwrap().unwrap();
        let ep = l
            .server_event(|e| match e {
                ServerEvent::Registered { endpoint, .. } => Some(endpoint.clone()),
                _ => None,
            })
            .await;
        assert_eq!(ep, l.endpoint);
        l
    }

    /// Waits for the first server event `f` picks (earlier unpicked events are kept).
    pub(crate) async fn server_event<T>(&mut self, f: impl Fn(&ServerEvent) -> Option<T>) -> T {
        if let Some(at) = self.server_backlog.iter().position(|e| f(e).is_some()) {
            return f(&self.server_backlog.remove(at)).unwrap();
        }
        loop {
            let e = tokio::time::timeout(WAIT, self.server_events.recv())
                .await
                .unwrap_or_else(|_| panic!("no such server event; kept: {:?}", self.server_backlog))
                .expect("server driver running");
            match f(&e) {
                Some(t) => return t,
                None => self.server_backlog.push(e),
            }
        }
    }

    /// Waits for the first client event `f` picks (earlier unpicked events are kept).
    pub(crate) async fn client_event<T>(&mut self, f: impl Fn(&ClientEvent) -> Option<T>) -> T {
        if let Some(at) = self.client_backlog.iter().position(|e| f(e).is_some()) {
            return f(&self.client_backlog.remove(at)).unwrap();
        }
        loop {
            let e = tokio::time::timeout(WAIT, self.client_events.recv())
                .await
                .unwrap_or_else(|_| panic!("no such client event; kept: {:?}", self.client_backlog))
                .expect("client driver running");
            match f(&e) {
                Some(t) => return t,
                None => self.client_backlog.push(e),
            }
        }
    }

    /// Starts a server operation.
    pub(crate) async fn start_op<F>(&self, op: F) -> OpId
    where
        F: FnOnce(&mut Server, Timestamp, &str) -> Result<OpId, ServerError> + Send + 'static,
    {
        let ep = self.endpoint.clone();
        self.server
            .call(move |s, now| op(s, now, &ep))
            .await
            .expect("server driver running")
            .expect("operation accepted")
    }

    /// The outcome of operation `id`.
    pub(crate) async fn outcome(&mut self, id: OpId) -> Result<Reply, OpError> {
        self.server_event(|e| match e {
            ServerEvent::Response { op, result, .. } if *op == id => Some(result.clone()),
            _ => None,
        })
        .await
    }

    /// Runs a server operation to its outcome.
    pub(crate) async fn op<F>(&mut self, op: F) -> Result<Reply, OpError>
    where
        F: FnOnce(&mut Server, Timestamp, &str) -> Result<OpId, ServerError> + Send + 'static,
    {
        let id = self.start_op(op).await;
        self.outcome(id).await
    }

    /// Runs `f` on the client's driver task.
    pub(crate) async fn on_client<R, F>(&self, f: F) -> R
    where
        R: Send + 'static,
        F: FnOnce(&mut Client, Timestamp) -> R + Send + 'static,
    {
        self.client.call(f).await.expect("client driver running")
    }
}
