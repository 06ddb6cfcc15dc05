//! The figures, as a table or JSON.

use std::fmt::Write as _;

use serde::Serialize;

use super::Rate;
use super::dtls::Dtls;
use super::memory::Memory;

/// Target for reads per second relative to the UDP baseline.
pub(crate) const READ_RATIO_TARGET: f64 = 0.5;
/// Target for DTLS reads per second relative to plain reads in the same run.
pub(crate) const DTLS_READ_RATIO_TARGET: f64 = 0.7;
/// Target for bytes per registration.
pub(crate) const BYTES_PER_REGISTRATION_TARGET: f64 = 1024.0;

/// Counters of the server's CoAP endpoint at the end of the LwM2M phases.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ServerStats {
    pub(crate) datagrams_received: u64,
    pub(crate) datagrams_sent: u64,
    pub(crate) retransmissions: u64,
    pub(crate) transmit_timeouts: u64,
    pub(crate) duplicates: u64,
    /// ACKs, resets and responses that matched no exchange (e.g. a device answering a reused
    /// message id from its duplicate cache).
    pub(crate) unmatched: u64,
    /// Registrations in the store.
    pub(crate) registrations: u64,
}

/// The throughput figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Network {
    /// Register round trips (`failed`: registrations refused or unanswered).
    pub(crate) registrations: Rate,
    /// Read round trips (`failed`: error answers or timeouts).
    pub(crate) reads: Rate,
    /// Notifications decoded by the server (`failed`: devices that never notified).
    pub(crate) notifications: Rate,
    /// Raw UDP request/response round trips, same topology as the reads.
    pub(crate) baseline: Rate,
    /// `reads.per_second / baseline.per_second`.
    pub(crate) read_ratio: f64,
    /// `reads.per_cpu_second / baseline.per_cpu_second`.
    pub(crate) read_ratio_cpu: f64,
    pub(crate) server_stats: ServerStats,
    /// The same server and devices over DTLS (PSK).
    pub(crate) dtls: Dtls,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) clients: usize,
    pub(crate) duration_seconds: f64,
    pub(crate) transport: &'static str,
    #[serde(flatten)]
    pub(crate) network: Network,
    pub(crate) memory: Memory,
    pub(crate) read_ratio_target: f64,
    pub(crate) dtls_read_ratio_target: f64,
    pub(crate) bytes_per_registration_target: f64,
    /// `/proc/loadavg`'s three averages when the run started and ended (the machine is shared).
    pub(crate) load_start: String,
    pub(crate) load_end: String,
}

/// The 1, 5 and 15 minute load averages, or "unknown".
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "meets target" } else { "MISSES target" }
}

impl Report {
    /// A readable table.
    pub(crate) fn table(&self) -> String {
        let n = &self.network;
        let m = &self.memory;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "lwm2m bench: {} clients, {:.1} s per phase, {}",
            self.clients, self.duration_seconds, self.transport
        );
        let _ = writeln!(
            out,
            "{:<26} {:>10} {:>10}  notes",
            "figure", "per s", "per CPU-s"
        );
        let rate = |out: &mut String, name: &str, r: &Rate, note: String| {
            let _ = writeln!(
                out,
                "{name:<26} {:>10.0} {:>10.0}  {note}",
                r.per_second, r.per_cpu_second
            );
            if let Some(f) = &r.first_failure {
                let _ = writeln!(out, "  first failure: {f}");
            }
        };
        rate(
            &mut out,
            "registrations",
            &n.registrations,
            format!(
                "{} in {:.2} s, {} failed",
                n.registrations.completed, n.registrations.seconds, n.registrations.failed
            ),
        );
        rate(
            &mut out,
            "reads",
            &n.reads,
            format!(
                "{} in {:.2} s, {} failed, 1 in flight per client",
                n.reads.completed, n.reads.seconds, n.reads.failed
            ),
        );
        rate(
            &mut out,
            "notifications",
            &n.notifications,
            format!(
                "{} in {:.2} s, {} clients never notified",
                n.notifications.completed, n.notifications.seconds, n.notifications.failed
            ),
        );
        rate(
            &mut out,
            "udp echo baseline",
            &n.baseline,
            format!(
                "{} in {:.2} s, same topology and concurrency",
                n.baseline.completed, n.baseline.seconds
            ),
        );
        let _ = writeln!(
            out,
            "{:<26} {:>9.1}% {:>9.1}%  target >= {:.0} % (per s): {}",
            "reads / baseline",
            n.read_ratio * 100.0,
            n.read_ratio_cpu * 100.0,
            READ_RATIO_TARGET * 100.0,
            verdict(n.read_ratio >= READ_RATIO_TARGET)
        );
        let d = &n.dtls;
        rate(
            &mut out,
            "dtls handshakes",
            &d.handshakes,
            format!(
                "{} in {:.2} s, {} failed, fresh PSK session + Register each",
                d.handshakes.completed, d.handshakes.seconds, d.handshakes.failed
            ),
        );
        rate(
            &mut out,
            "dtls reads",
            &d.reads,
            format!(
                "{} in {:.2} s, {} failed, 1 in flight per client, {} rounds",
                d.reads.completed,
                d.reads.seconds,
                d.reads.failed,
                super::dtls::ROUNDS
            ),
        );
        rate(
            &mut out,
            "  plain reads, same rounds",
            &d.plain_reads,
            format!(
                "{} in {:.2} s, {} failed, alternating with the dtls rounds",
                d.plain_reads.completed, d.plain_reads.seconds, d.plain_reads.failed
            ),
        );
        let _ = writeln!(
            out,
            "{:<26} {:>9.1}% {:>9.1}%  target >= {:.0} % (per s): {}; rounds {:.1}-{:.1} %",
            "dtls reads / reads",
            d.read_ratio * 100.0,
            d.read_ratio_cpu * 100.0,
            DTLS_READ_RATIO_TARGET * 100.0,
            verdict(d.read_ratio >= DTLS_READ_RATIO_TARGET),
            d.round_ratios.0 * 100.0,
            d.round_ratios.1 * 100.0
        );
        let _ = writeln!(
            out,
            "{:<26} {:>9.0}B {:>10}  peak RSS delta / {} registrations (sans-IO), target <= {:.0} B: {}",
            "memory per registration",
            m.peak_bytes_per_registration,
            "",
            m.registrations,
            BYTES_PER_REGISTRATION_TARGET,
            verdict(m.peak_bytes_per_registration <= BYTES_PER_REGISTRATION_TARGET)
        );
        let _ = writeln!(
            out,
            "{:<26} {:>9.0}B {:>10}  RSS delta after the endpoint forgot the exchanges",
            "  retained per registration", m.retained_bytes_per_registration, ""
        );
        let _ = writeln!(
            out,
            "{:<26} {:>10.0} {:>10}  Register through the server core alone, no sockets",
            "  sans-IO registrations", m.sans_io_registrations_per_second, ""
        );
        let s = &n.server_stats;
        let _ = writeln!(
            out,
            "server endpoint: {} datagrams in, {} out, {} retransmissions, {} transmit timeouts, \
             {} duplicates, {} unmatched",
            s.datagrams_received,
            s.datagrams_sent,
            s.retransmissions,
            s.transmit_timeouts,
            s.duplicates,
            s.unmatched
        );
        let ds = &d.server_stats;
        let _ = writeln!(
            out,
            "server dtls: {} handshakes completed, {} failed, {} sessions ended, {} on our record layer, {} datagrams dropped",
            ds.handshakes_completed,
            ds.handshakes_failed,
            ds.sessions_ended,
            ds.records_handed_over,
            ds.dropped
        );
        let _ = writeln!(
            out,
            "load average (1/5/15 min): {} at start, {} at end",
            self.load_start, self.load_end
        );
        out
    }
}
