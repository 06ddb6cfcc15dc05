//! `lwm2m client`: simulated LwM2M devices on UDP. Each hosts Device (/3/0), Temperature
//! (/3303/0) whose value drifts (observers are notified as it changes), Light Control (/3311/0),
//! Power Control (/3312/0), and our two custom objects (Sensor Hub /32769/0 from XML via
//! build.rs, Valve Controller /32770/0 from `#[lwm2m_object]`). Ctrl-C (or `--duration`)
//! de-registers them.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lwm2m_runtime::client::ClientEvent;
use lwm2m_runtime::lwm2m::driver::spawn;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::demo::{drift, simulated_device};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The server, coap://HOST:PORT (port 5683 if omitted).
    #[arg(long, value_name = "URI")]
    server: String,
    /// Endpoint name; with --count N the devices are NAME-1 … NAME-N.
    #[arg(long, value_name = "NAME")]
    endpoint: String,
    /// Number of simulated devices.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// Registration lifetime in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    lifetime: u64,
    /// Milliseconds between temperature changes.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    interval_ms: u64,
    /// Register in queue mode.
    #[arg(long)]
    queue: bool,
    /// De-register and stop after this many seconds (default: until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<u64>,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    rt.block_on(simulate(args))
}

/// `coap://host:port` → a socket address.
async fn resolve(uri: &str) -> Result<SocketAddr> {
    let rest = match uri.split_once("://") {
        Some(("coap", rest)) => rest,
        Some((scheme, _)) => bail!("unsupported scheme {scheme:?} (only coap://)"),
        None => uri,
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        && !authority.ends_with(']')
    {
        authority.to_string()
    } else {
        format!("{authority}:5683")
    };
    tokio::net::lookup_host(&with_port)
        .await
        .with_context(|| format!("resolving {with_port}"))?
        .next()
        .with_context(|| format!("{with_port} has no address"))
}

async fn simulate(args: Args) -> Result<ExitCode> {
    let server = resolve(&args.server).await?;
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse()?
    } else {
        "[::]:0".parse()?
    };
    let lifetime = Duration::from_secs(args.lifetime);
    let mut devices = Vec::new();
    for i in 1..=args.count {
        let name = if args.count == 1 {
            args.endpoint.clone()
        } else {
            format!("{}-{i}", args.endpoint)
        };
        let socket = tokio::net::UdpSocket::bind(bind)
            .await
            .with_context(|| format!("binding a UDP socket for {name}"))?;
        let (handle, events, _task) = spawn(
            socket,
            simulated_device(&name, i, server, lifetime, args.queue),
        );
        if let Some(Err(e)) = handle.call(|c, now| c.start(now)).await {
            bail!("{name}: cannot register: {e}");
        }
        tokio::spawn(log_events(name.clone(), events, args.count <= 10));
        tokio::spawn(drift(handle.clone(), i, args.interval_ms));
        devices.push((name, handle));
    }
    println!("{} device(s) registering with {server}", devices.len());
    match args.duration {
        Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
        None => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    for (name, handle) in &devices {
        if let Some(Err(e)) = handle.call(|c, now| c.deregister(now)).await {
            println!("{name}: de-register failed: {e}");
        }
    }
    // Give the De-register requests a moment to be answered.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(ExitCode::SUCCESS)
}

async fn log_events(name: String, mut events: UnboundedReceiver<ClientEvent>, verbose: bool) {
    while let Some(e) = events.recv().await {
        match e {
            ClientEvent::Registered { location } => println!("{name}: registered at {location}"),
            ClientEvent::Deregistered => println!("{name}: deregistered"),
            ClientEvent::RegistrationFailed { code, .. } => {
                println!("{name}: registration failed ({code:?}), retrying")
            }
            other if verbose => println!("{name}: {other:?}"),
            _ => {}
        }
    }
}
