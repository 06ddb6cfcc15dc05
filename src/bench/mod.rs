//! `lwm2m bench`: our LwM2M server and simulated clients in one process over loopback UDP, next
//! to a raw tokio UDP request/response baseline with the same topology, and the memory one
//! registration costs in the server's store.
//!
//! The DTLS figures ([`dtls`]) run the same server and devices inside PSK sessions, after the
//! plain reads; their read rounds alternate with plain read rounds (before the notification
//! phase leaves observations behind on the plain fleet).
//!
//! Two single-threaded tokio runtimes, one per core: the server side (our [`Server`] driver, the
//! bench controller, the baseline's requester) runs on the caller's, the device side (N
//! [`Client`] drivers, the baseline's N echo responders) on `clients`. Every phase is bounded by
//! its duration; waits that depend on the peer are bounded too.
//!
//! [`Server`]: lwm2m_runtime::server::Server
//! [`Client`]: lwm2m_runtime::client::Client

mod baseline;
mod dtls;
mod fleet;
mod memory;
mod phases;
mod report;

use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

pub(crate) use memory::measure as measure_memory;
pub(crate) use report::{
    BYTES_PER_REGISTRATION_TARGET, DTLS_READ_RATIO_TARGET, READ_RATIO_TARGET, Report, load_average,
};

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Simulated clients (and baseline responders).
    pub(crate) clients: usize,
    /// Length of each throughput phase.
    pub(crate) duration: Duration,
}

/// One throughput figure.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Rate {
    /// Completed operations inside the phase.
    pub(crate) completed: u64,
    /// Operations that ended in an error (not counted in `completed`).
    pub(crate) failed: u64,
    /// Length of the phase, seconds.
    pub(crate) seconds: f64,
    /// `completed / seconds`.
    pub(crate) per_second: f64,
    /// CPU time the whole process (both sides) used during the phase, seconds.
    pub(crate) cpu_seconds: f64,
    /// `completed / cpu_seconds`: less sensitive to other load on the machine.
    pub(crate) per_cpu_second: f64,
    /// What the first failed operation ended with, if any failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_failure: Option<String>,
}

impl Rate {
    fn new(completed: u64, failed: u64, elapsed: Duration, cpu: Duration) -> Self {
        let per = |s: f64| if s > 0.0 { completed as f64 / s } else { 0.0 };
        Rate {
            completed,
            failed,
            seconds: elapsed.as_secs_f64(),
            per_second: per(elapsed.as_secs_f64()),
            cpu_seconds: cpu.as_secs_f64(),
            per_cpu_second: per(cpu.as_secs_f64()),
            first_failure: None,
        }
    }

    /// Several measurements of one operation as one: counts, times and CPU times added.
    fn sum(rates: Vec<Rate>) -> Self {
        let mut completed = 0;
        let mut failed = 0;
        let (mut seconds, mut cpu) = (0.0, 0.0);
        let mut first_failure = None;
        for r in rates {
            completed += r.completed;
            failed += r.failed;
            seconds += r.seconds;
            cpu += r.cpu_seconds;
            first_failure = first_failure.or(r.first_failure);
        }
        Rate::new(
            completed,
            failed,
            Duration::from_secs_f64(seconds),
            Duration::from_secs_f64(cpu),
        )
        .with_first_failure(first_failure)
    }

    /// The same, noting how the first failure ended.
    fn with_first_failure(self, failure: Option<String>) -> Self {
        Rate {
            first_failure: failure,
            ..self
        }
    }
}

/// CPU time this process's threads have run so far (the sum of /proc/self/task/*/schedstat);
/// zero where that is not available.
fn cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let ns: u64 = tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// Measures one phase's CPU time: `start` when it begins, `elapsed` when it ends.
#[derive(Debug, Clone, Copy)]
struct CpuClock(Duration);

impl CpuClock {
    fn start() -> Self {
        CpuClock(cpu_time())
    }

    fn elapsed(self) -> Duration {
        cpu_time().saturating_sub(self.0)
    }
}

/// Runs the network phases: registrations, reads and notifications against our server, then
/// the UDP baseline. Call on the server-side runtime; `clients` runs the device side.
pub(crate) async fn run_network(
    settings: &Settings,
    clients: tokio::runtime::Handle,
) -> Result<report::Network> {
    let mut fleet = fleet::Fleet::start(settings.clients, clients.clone()).await?;
    let registrations = phases::registrations(&mut fleet, settings.duration, false).await?;
    let reads = phases::reads(&mut fleet, settings.duration).await?;
    let dtls = dtls::run(settings, clients.clone(), &mut fleet).await?;
    let notifications = phases::notifications(&mut fleet, settings.duration).await?;
    let server_stats = fleet.server_stats().await;
    fleet.shutdown();
    let baseline = baseline::echo(settings.clients, settings.duration, clients).await?;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let read_ratio = ratio(reads.per_second, baseline.per_second);
    let read_ratio_cpu = ratio(reads.per_cpu_second, baseline.per_cpu_second);
    Ok(report::Network {
        registrations,
        reads,
        notifications,
        baseline,
        read_ratio,
        read_ratio_cpu,
        server_stats,
        dtls,
    })
}
