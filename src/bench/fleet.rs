//! The system under test: our server on a loopback socket (driver on the caller's runtime) and
//! N simulated devices (Device /3/0, Temperature /3303/0), each with its own socket and driver
//! on the device-side runtime.

use std::io;
use std::net::SocketAddr;

use anyhow::{Context, Result};
use lwm2m_core::object::Object;
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{Server, ServerConfig};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use super::report::ServerStats;
use crate::security::Layer;

/// One simulated device: a [`Client`] on plain UDP, or inside DTLS.
pub(super) struct Device<C: Layer<Core = Client> = Client> {
    pub(super) name: String,
    pub(super) handle: Handle<C>,
    pub(super) events: UnboundedReceiver<C::Event>,
    task: JoinHandle<io::Result<()>>,
}

/// The server and the devices, on plain UDP or (with [`Secured`](lwm2m_runtime::dtls::Secured)
/// layers) DTLS.
pub(super) struct Fleet<S: Layer<Core = Server> = Server, C: Layer<Core = Client> = Client> {
    pub(super) server: Handle<S>,
    pub(super) events: UnboundedReceiver<S::Event>,
    pub(super) devices: Vec<Device<C>>,
    /// The server's address.
    pub(super) addr: SocketAddr,
    /// The device-side runtime.
    pub(super) clients: tokio::runtime::Handle,
    server_task: JoinHandle<io::Result<()>>,
}

/// The endpoint name of device `i`.
pub(super) fn name(i: usize) -> String {
    format!("bench-{i}")
}

/// `i` back from [`name`].
pub(super) fn index(endpoint: &str) -> Option<usize> {
    endpoint.strip_prefix("bench-")?.parse().ok()
}

/// A device hosting Device and Temperature, not started.
pub(super) fn device_client(i: usize, server: SocketAddr) -> Client {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("lwm2m-rs".into());
    dev.set_model_number("bench".into());
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, dev);
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(20.0);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    let seed = 0x0b_e4c0 ^ i as u64;
    let mut client = Client::new(
        ClientConfig::new(name(i)),
        Endpoint::new(Config::default(), SeededRandom::new(seed)),
        server,
    );
    client.add_object(devices);
    client.add_object(temps);
    client
}

impl<C: Layer<Core = Client>> std::fmt::Debug for Device<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<S: Layer<Core = Server>, C: Layer<Core = Client>> std::fmt::Debug for Fleet<S, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fleet")
            .field("addr", &self.addr)
            .field("devices", &self.devices)
            .finish_non_exhaustive()
    }
}

impl Fleet {
    /// Binds the server on 127.0.0.1 and `n` devices on the `clients` runtime, on plain UDP.
    pub(super) async fn start(n: usize, clients: tokio::runtime::Handle) -> Result<Fleet> {
        Fleet::start_with(n, clients, Ok, |c, _| Ok(c)).await
    }
}

impl<S: Layer<Core = Server>, C: Layer<Core = Client>> Fleet<S, C> {
    /// [`Fleet::start`] with the server wrapped by `server_layer` and device `i` by
    /// `device_layer`.
    pub(super) async fn start_with(
        n: usize,
        clients: tokio::runtime::Handle,
        server_layer: impl FnOnce(Server) -> Result<S>,
        device_layer: impl Fn(Client, usize) -> Result<C> + Send + 'static,
    ) -> Result<Self> {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .context("binding the server socket")?;
        let addr = socket.local_addr()?;
        let mut server = Server::new(
            ServerConfig::default(),
            Endpoint::new(Config::default(), SeededRandom::new(0x5e)),
            SeededRandom::new(0x77),
        );
        server.add_objects(&[&device::META, &temperature::META]);
        let (server, events, server_task) = spawn(socket, server_layer(server)?);
        let devices = clients
            .spawn(async move {
                let mut devices = Vec::with_capacity(n);
                for i in 0..n {
                    let socket = UdpSocket::bind("127.0.0.1:0")
                        .await
                        .with_context(|| format!("binding the socket of device {i}"))?;
                    let device = device_layer(device_client(i, addr), i)?;
                    let (handle, events, task) = spawn(socket, device);
                    devices.push(Device {
                        name: name(i),
                        handle,
                        events,
                        task,
                    });
                }
                anyhow::Ok(devices)
            })
            .await
            .context("device-side runtime")??;
        Ok(Fleet {
            server,
            events,
            devices,
            addr,
            clients,
            server_task,
        })
    }

    /// The server endpoint's counters.
    pub(super) async fn server_stats(&self) -> ServerStats {
        self.server
            .call(|s, _| {
                let s = s.core_ref();
                let st = s.endpoint().stats();
                ServerStats {
                    datagrams_received: st.datagrams_received,
                    datagrams_sent: st.datagrams_sent,
                    retransmissions: st.retransmissions,
                    transmit_timeouts: st.transmit_timeouts,
                    duplicates: st.duplicates,
                    unmatched: st.unmatched,
                    registrations: s.store().len() as u64,
                }
            })
            .await
            .unwrap_or_default()
    }

    /// Discards the server events queued so far.
    pub(super) fn drain_events(&mut self) {
        while self.events.try_recv().is_ok() {}
    }

    /// Stops every driver.
    pub(super) fn shutdown(self) {
        self.server_task.abort();
        for d in self.devices {
            d.task.abort();
        }
    }
}
