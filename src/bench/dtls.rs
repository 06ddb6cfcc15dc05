//! The DTLS figures: the same server and devices as the plain phases, each wrapped in a
//! [`Secured`] layer (PSK, TLS_PSK_WITH_AES_128_CCM_8), one identity and key per device.
//!
//! - handshakes: every device closes its session (`close_notify`) and registers again, which
//!   opens a new session first: cookie exchange, full PSK handshake, then one Register round
//!   trip, counted when the device sees the answer;
//! - reads: the read phase over the established sessions, in [`ROUNDS`] rounds that alternate
//!   with rounds of plain reads on the plain fleet (kept running for this), so that both
//!   figures of the ratio see the same load on the machine: a neighbour's burst between two
//!   long phases would otherwise move the ratio by tens of points.

use std::sync::Arc;

use anyhow::{Context, Result};
use lwm2m_runtime::client::Client;
use lwm2m_runtime::dtls::{InMemorySecurityStore, PskKey, Secured};
use lwm2m_runtime::server::Server;
use serde::Serialize;

use super::fleet::{Fleet, name};
use super::{Rate, Settings, phases};

/// Alternating read rounds (plain, secured, plain, ...), each a third of the phase duration.
pub(crate) const ROUNDS: u32 = 3;

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
    /// Sessions moved to our own record protection after their first exchange.
    pub(crate) records_handed_over: u64,
    /// Malformed, replayed or undecryptable datagrams.
    pub(crate) dropped: u64,
}

/// The DTLS throughput figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Dtls {
    /// Fresh PSK handshakes, each carrying one Register (`failed`: neither completed in time).
    pub(crate) handshakes: Rate,
    /// Read round trips over established sessions (`failed`: error answers or timeouts), summed
    /// over the secured rounds.
    pub(crate) reads: Rate,
    /// Plain read round trips of the rounds alternating with the secured ones.
    pub(crate) plain_reads: Rate,
    /// `reads.per_second` over `plain_reads.per_second`.
    pub(crate) read_ratio: f64,
    /// The same per CPU second.
    pub(crate) read_ratio_cpu: f64,
    /// The lowest and highest ratio (per s) of one secured round to the plain round before it.
    pub(crate) round_ratios: (f64, f64),
    pub(crate) server_stats: DtlsServerStats,
}

type SecuredFleet = Fleet<Secured<Server>, Secured<Client>>;

/// Runs the DTLS phases with `settings`; the plain rounds of the read comparison run on `plain`.
pub(super) async fn run(
    settings: &Settings,
    clients: tokio::runtime::Handle,
    plain: &mut Fleet,
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
    let round = settings.duration / ROUNDS;
    let (mut plain_rounds, mut secured_rounds) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        plain_rounds.push(phases::reads(plain, round).await?);
        secured_rounds.push(phases::reads(&mut fleet, round).await?);
    }
    let server_stats = fleet
        .server
        .call(|s, _| {
            let st = s.stats();
            DtlsServerStats {
                handshakes_completed: st.handshakes_completed,
                handshakes_failed: st.handshakes_failed,
                sessions_ended: st.sessions_ended,
                records_handed_over: st.records_handed_over,
                dropped: st.malformed + st.replayed + st.rejected,
            }
        })
        .await
        .unwrap_or_default();
    fleet.shutdown();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let per_round = plain_rounds
        .iter()
        .zip(&secured_rounds)
        .map(|(p, s)| ratio(s.per_second, p.per_second));
    let round_ratios = per_round.fold((f64::INFINITY, 0.0f64), |(lo, hi), r| {
        (lo.min(r), hi.max(r))
    });
    let (reads, plain_reads) = (Rate::sum(secured_rounds), Rate::sum(plain_rounds));
    Ok(Dtls {
        read_ratio: ratio(reads.per_second, plain_reads.per_second),
        read_ratio_cpu: ratio(reads.per_cpu_second, plain_reads.per_cpu_second),
        round_ratios,
        handshakes,
        reads,
        plain_reads,
        server_stats,
    })
}
