//! The DTLS figures: the same server and devices as the plain phases, each wrapped in a
//! [`Secured`] layer (PSK, TLS_PSK_WITH_AES_128_CCM_8), one identity and key per device.
//!
//! - handshakes: every device closes its session (`close_notify`) and registers again, which
//!   opens a new session first: cookie exchange, full PSK handshake, then one Register round
//!   trip, counted when the device sees the answer;
//! - reads: the read phase over the established sessions, next to the plain read figure of
//!   the same run.

use std::sync::Arc;

use anyhow::{Context, Result};
use lwm2m_runtime::client::Client;
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured};
use lwm2m_runtime::server::Server;
use serde::Serialize;

use super::fleet::{Fleet, name};
use super::{Rate, Settings, phases};

/// Device `i`'s key: 16 bytes that differ per device.
fn key(i: usize) -> PskKey {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&(i as u64).to_be_bytes());
    k[8..].copy_from_slice(b"benchkey");
    PskKey::new(k)
}

/// Counters of the server's DTLS layer at the end of the DTLS phases.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct DtlsServerStats {
    pub(crate) handshakes_completed: u64,
    pub(crate) handshakes_failed: u64,
    pub(crate) sessions_ended: u64,
    /// Malformed, replayed or undecryptable datagrams.
    pub(crate) dropped: u64,
}

/// The DTLS throughput figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Dtls {
    /// Fresh PSK handshakes, each carrying one Register (`failed`: neither completed in time).
    pub(crate) handshakes: Rate,
    /// Read round trips over established sessions (`failed`: error answers or timeouts).
    pub(crate) reads: Rate,
    /// `reads.per_second` over the plain read figure of the same run.
    pub(crate) read_ratio: f64,
    /// The same per CPU second.
    pub(crate) read_ratio_cpu: f64,
    pub(crate) server_stats: DtlsServerStats,
}

type SecuredFleet = Fleet<Secured<Server>, Secured<Client>>;

/// Runs the DTLS phases with `settings`; `plain_reads` is the plain read figure to compare with.
pub(super) async fn run(
    settings: &Settings,
    clients: tokio::runtime::Handle,
    plain_reads: &Rate,
) -> Result<Dtls> {
    let store = InMemorySecurityStore::new();
    for i in 0..settings.clients {
        store.add_psk(name(i), key(i), name(i));
    }
    let store = Arc::new(store);
    let mut fleet: SecuredFleet = Fleet::start_with(
        settings.clients,
        clients,
        |s| Secured::psk_server(s, store).context("DTLS server"),
        |c, i| Secured::psk_client(c, name(i), key(i)).context("DTLS client"),
    )
    .await?;
    let handshakes = phases::registrations(&mut fleet, settings.duration, true).await?;
    let reads = phases::reads(&mut fleet, settings.duration).await?;
    let server_stats = fleet
        .server
        .call(|s, _| {
            let st = s.stats();
            DtlsServerStats {
                handshakes_completed: st.handshakes_completed,
                handshakes_failed: st.handshakes_failed,
                sessions_ended: st.sessions_ended,
                dropped: st.malformed + st.replayed + st.rejected,
            }
        })
        .await
        .unwrap_or_default();
    fleet.shutdown();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    Ok(Dtls {
        read_ratio: ratio(reads.per_second, plain_reads.per_second),
        read_ratio_cpu: ratio(reads.per_cpu_second, plain_reads.per_cpu_second),
        handshakes,
        reads,
        server_stats,
    })
}
