//! What the loopback tests of bootstrap and DTLS through the tokio driver share: waiting for an
//! event with a time limit, and our LwM2M Server and Bootstrap-Server on loopback ports.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use lwm2m_core::ObjectMeta;
use lwm2m_runtime::bootstrap::{BootstrapEvent, BootstrapServer, Provision, ServerAccount};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{Server, ServerConfig};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

/// How long any one expected event may take.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// The first event on `rx` that `f` maps to `Some` (the others are dropped), within [`WAIT`].
pub(crate) async fn until<T, R>(
    rx: &mut UnboundedReceiver<T>,
    mut f: impl FnMut(T) -> Option<R>,
) -> R {
    tokio::time::timeout(WAIT, async {
        loop {
            if let Some(r) = f(rx.recv().await.expect("driver stopped")) {
                return r;
            }
        }
    })
    .await
    .expect("timed out")
}

/// A loopback socket, its address, and our LwM2M Server (seeds 1 and 2) knowing `metas`, to be
/// run on it (alone or inside `Secured`).
pub(crate) async fn loopback_server(
    metas: &[&'static ObjectMeta],
) -> (UdpSocket, SocketAddr, Server) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(1)),
        SeededRandom::new(2),
    );
    server.add_objects(metas);
    (socket, addr, server)
}

/// Our Bootstrap-Server (seed 3) running on a loopback port, provisioning one endpoint.
pub(crate) struct LoopbackBootstrap {
    pub(crate) addr: SocketAddr,
    pub(crate) events: UnboundedReceiver<BootstrapEvent>,
    _handle: Handle<BootstrapServer>,
    _task: JoinHandle<std::io::Result<()>>,
}

impl LoopbackBootstrap {
    /// Starts it, provisioning `endpoint` with `account`.
    pub(crate) async fn start(endpoint: &str, account: ServerAccount) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let mut bs = BootstrapServer::new(Endpoint::new(Config::default(), SeededRandom::new(3)));
        bs.provision(endpoint, Provision::new(account)).unwrap();
        let (handle, events, task) = spawn(socket, bs);
        LoopbackBootstrap {
            addr,
            events,
            _handle: handle,
            _task: task,
        }
    }

    /// The endpoint whose bootstrap finishes next; a failed bootstrap fails the test.
    pub(crate) async fn finished(&mut self) -> String {
        until(&mut self.events, |e| match e {
            BootstrapEvent::Finished { endpoint } => Some(endpoint),
            BootstrapEvent::Failed { reason, .. } => panic!("{reason}"),
            _ => None,
        })
        .await
    }
}
