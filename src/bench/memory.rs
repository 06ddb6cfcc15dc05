//! Memory per registration: N Register requests, each the datagram a real [`Client`] sends
//! (Device and Temperature, LwM2M 1.1, lifetime 86400 s), fed to a [`Server`] through its real
//! registration path (`handle_datagram`: CoAP decode, dedup, `/rd` handling, the
//! [`InMemoryStore`](lwm2m_runtime::server::InMemoryStore)), sans-IO: no sockets, each from its
//! own peer address. RSS comes from /proc/self/status; run this first in the process so that the
//! high-water mark before is the resident size before.
//!
//! [`Client`]: lwm2m_runtime::client::Client

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
use lwm2m_runtime::server::{Server, ServerConfig};
use serde::Serialize;

use super::fleet::device_client;

/// What the registrations cost.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Memory {
    /// Registrations held by the store at the end.
    pub(crate) registrations: u64,
    /// VmRSS before, KiB.
    pub(crate) rss_before_kib: u64,
    /// VmHWM after the last Register, KiB.
    pub(crate) hwm_after_kib: u64,
    /// VmRSS after the endpoint forgot the exchanges (duplicate detection), KiB.
    pub(crate) rss_after_kib: u64,
    /// (VmHWM after − VmRSS before) / registrations, bytes.
    pub(crate) peak_bytes_per_registration: f64,
    /// (VmRSS after − VmRSS before) / registrations, bytes: the store alone (allocator slack
    /// included).
    pub(crate) retained_bytes_per_registration: f64,
    /// Registers per second through the server core alone (no sockets), for reference.
    pub(crate) sans_io_registrations_per_second: f64,
}

/// `VmRSS` and `VmHWM` of this process, KiB.
fn rss() -> Result<(u64, u64)> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .with_context(|| format!("{name} in /proc/self/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// A distinct peer address per client.
fn peer(i: usize) -> SocketAddr {
    let [_, a, b, c] = (i as u32).to_be_bytes();
    let port = 1024 + u16::try_from(i >> 24).unwrap_or(u16::MAX - 1024);
    SocketAddr::from((Ipv4Addr::new(10, a, b, c), port))
}

/// Inserts `n` registrations and measures.
pub(crate) fn measure(n: usize) -> Result<Memory> {
    ensure!(n > 0, "--registrations must be at least 1");
    let (rss_before, _) = rss()?;
    let server_addr: SocketAddr = "192.0.2.1:5683".parse()?;
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(1)),
        SeededRandom::new(2),
    );
    server.add_objects(&[&device::META, &temperature::META]);
    let mut now = Timestamp::from_millis(1_000);
    let mut in_server = Duration::ZERO;
    for i in 0..n {
        let mut client = device_client(i, server_addr);
        client.start(now).context("client start")?;
        let register = client.poll_transmit().context("no Register datagram")?;
        let t = Instant::now();
        server.handle_datagram(now, peer(i), &register.payload);
        while server.poll_transmit().is_some() {}
        while server.poll_event().is_some() {}
        in_server += t.elapsed();
        if i % 1024 == 1023 {
            now = Timestamp::from_millis(now.as_millis() + 1);
        }
    }
    let (_, hwm_after) = rss()?;
    // Past EXCHANGE_LIFETIME the endpoint forgets the message ids and cached responses.
    now = Timestamp::from_millis(now.as_millis() + 300_000);
    server.handle_timeout(now);
    while server.poll_transmit().is_some() {}
    while server.poll_event().is_some() {}
    let (rss_after, _) = rss()?;
    let registrations = server.store().len() as u64;
    ensure!(
        registrations == n as u64,
        "the store holds {registrations} registrations, expected {n}"
    );
    let per = |kib: u64| (kib.saturating_sub(rss_before) * 1024) as f64 / n as f64;
    let memory = Memory {
        registrations,
        rss_before_kib: rss_before,
        hwm_after_kib: hwm_after,
        rss_after_kib: rss_after,
        peak_bytes_per_registration: per(hwm_after),
        retained_bytes_per_registration: per(rss_after),
        sans_io_registrations_per_second: n as f64 / in_server.as_secs_f64().max(1e-9),
    };
    drop(server);
    Ok(memory)
}
