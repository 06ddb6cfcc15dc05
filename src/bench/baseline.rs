//! The raw UDP baseline, with the read phase's topology: one requester socket (one task on the
//! server-side runtime) keeps one request in flight to each of N echo responders (one socket and
//! task each on the device-side runtime). Datagram sizes are about those of a CoAP read of
//! /3303/0/5700 (request) and its text answer (response).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::net::UdpSocket;
use tokio::time::{Instant, timeout_at};

use super::{CpuClock, Rate};

/// Bytes of a CoAP GET /3303/0/5700 with a 4-byte token and Accept: text.
pub(super) const REQUEST_LEN: usize = 21;
/// Bytes of a 2.05 answer with a 4-byte token, Content-Format text and a short decimal.
pub(super) const RESPONSE_LEN: usize = 16;

/// Request/response round trips per second with `n` in flight, for `duration`.
pub(super) async fn echo(
    n: usize,
    duration: Duration,
    clients: tokio::runtime::Handle,
) -> Result<Rate> {
    let requester = UdpSocket::bind("127.0.0.1:0")
        .await
        .context("binding the baseline requester")?;
    // Responders stop a little after the requester, so that no request meets a closed port.
    let responders_end = Instant::now() + duration + Duration::from_secs(5);
    let peers: Vec<SocketAddr> = clients
        .spawn(async move {
            let mut peers = Vec::with_capacity(n);
            for _ in 0..n {
                let socket = UdpSocket::bind("127.0.0.1:0").await?;
                peers.push(socket.local_addr()?);
                tokio::spawn(respond(socket, responders_end));
            }
            anyhow::Ok(peers)
        })
        .await
        .context("device-side runtime")??;
    let request = [0x42u8; REQUEST_LEN];
    let start = Instant::now();
    let cpu = CpuClock::start();
    let deadline = start + duration;
    for p in &peers {
        requester.send_to(&request, p).await?;
    }
    let mut buf = [0u8; 1500];
    let mut count = 0u64;
    while let Ok(received) = timeout_at(deadline, requester.recv_from(&mut buf)).await {
        let (_, peer) = received.context("baseline requester")?;
        count += 1;
        requester.send_to(&request, peer).await?;
    }
    Ok(Rate::new(count, 0, start.elapsed(), cpu.elapsed()))
}

/// Answers every datagram with a [`RESPONSE_LEN`]-byte one until `end`.
async fn respond(socket: UdpSocket, end: Instant) {
    let response = [0x60u8; RESPONSE_LEN];
    let mut buf = [0u8; 1500];
    let _ = timeout_at(end, async {
        while let Ok((_, peer)) = socket.recv_from(&mut buf).await {
            let _ = socket.send_to(&response, peer).await;
        }
    })
    .await;
}
