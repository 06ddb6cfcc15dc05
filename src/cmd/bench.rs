//! `lwm2m bench`: registrations, reads and notifications per second between our server and N
//! simulated clients over loopback UDP, PSK handshakes and reads per second over DTLS, a raw UDP
//! request/response baseline in the same run, and the memory one registration costs. See [`crate::bench`] for how each figure is taken.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::bench::{Report, Settings, measure_memory, run_network};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Simulated clients (each with its own UDP socket), and baseline responders.
    #[arg(long, value_name = "N", default_value_t = 200)]
    clients: usize,
    /// Seconds each throughput phase runs (registrations, reads, notifications, DTLS handshakes,
    /// DTLS reads, baseline).
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    duration: f64,
    /// Registrations held in the server's store for the memory figure (inserted sans-IO).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    registrations: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    if args.clients == 0 {
        bail!("--clients must be at least 1");
    }
    if !(args.duration.is_finite() && args.duration > 0.0 && args.duration <= 3600.0) {
        bail!("--duration must be between 0 and 3600 seconds");
    }
    let settings = Settings {
        clients: args.clients,
        duration: Duration::from_secs_f64(args.duration),
    };
    let load_start = crate::bench::load_average();
    // First, while the process is small: the high-water mark before is the resident size.
    let memory = measure_memory(args.registrations)?;

    // The device side gets its own thread and single-threaded runtime; the server side runs on
    // this thread.
    let device_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the device-side runtime")?;
    let devices = device_rt.handle().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let device_thread = std::thread::Builder::new()
        .name("bench-devices".into())
        .spawn(move || {
            device_rt.block_on(async {
                let _ = stopped.await;
            });
        })
        .context("starting the device-side thread")?;
    let server_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the server-side runtime")?;
    let network = server_rt.block_on(run_network(&settings, devices));
    let _ = stop.send(());
    let _ = device_thread.join();
    let report = Report {
        clients: settings.clients,
        duration_seconds: args.duration,
        transport: "loopback UDP, server and devices on one single-threaded tokio runtime each",
        network: network?,
        memory,
        read_ratio_target: crate::bench::READ_RATIO_TARGET,
        dtls_read_ratio_target: crate::bench::DTLS_READ_RATIO_TARGET,
        bytes_per_registration_target: crate::bench::BYTES_PER_REGISTRATION_TARGET,
        load_start,
        load_end: crate::bench::load_average(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    Ok(ExitCode::SUCCESS)
}
