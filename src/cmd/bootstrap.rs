//! The Bootstrap-Server `lwm2m server --bootstrap-listen ADDR` runs next to the LwM2M server:
//! every client that asks is provisioned with one NoSec account for this server, and each step
//! is logged on stdout.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use lwm2m_runtime::bootstrap::{BootstrapEvent, BootstrapServer, Provision, ServerAccount};
use lwm2m_runtime::coap::tokio::os_seeded;
use lwm2m_runtime::coap::{Config, Endpoint};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};

/// The LwM2M Server URI written to clients: `uri`, else the server's own address (a wildcard
/// address becomes loopback, which only reaches clients on this machine).
pub(crate) fn server_uri(uri: Option<&str>, server: SocketAddr) -> String {
    if let Some(u) = uri {
        return u.to_string();
    }
    let mut addr = server;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    format!("coap://{addr}")
}

/// Binds `listen` and runs a Bootstrap-Server that writes `uri` (short server id 1) with
/// `lifetime`; its events are printed. Returns the handle (dropping it stops the server).
pub(crate) async fn run(
    listen: SocketAddr,
    uri: String,
    lifetime: Duration,
) -> Result<Handle<BootstrapServer>> {
    let mut account = ServerAccount::new(uri.clone(), 1);
    account.lifetime = lifetime;
    let mut bs = BootstrapServer::new(Endpoint::new(Config::default(), os_seeded()));
    bs.set_default(Some(Provision::new(account)))
        .with_context(|| format!("server URI {uri}"))?;
    let socket = tokio::net::UdpSocket::bind(listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    println!(
        "bootstrap listening on {} (writes {uri})",
        socket.local_addr()?
    );
    let (handle, mut events, _task) = spawn(socket, bs);
    tokio::spawn(async move {
        while let Some(e) = events.recv().await {
            match e {
                BootstrapEvent::Requested { endpoint, peer } => {
                    println!("bootstrap requested {endpoint} from {peer}")
                }
                BootstrapEvent::Finished { endpoint } => println!("bootstrap finished {endpoint}"),
                BootstrapEvent::Failed { endpoint, reason } => {
                    println!("bootstrap failed {endpoint}: {reason}")
                }
                other => println!("{other:?}"),
            }
        }
    });
    Ok(handle)
}
