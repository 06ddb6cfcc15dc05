//! `lwm2m client`: simulated LwM2M devices on UDP. Each hosts Device (/3/0), Temperature
//! (/3303/0) whose value drifts (observers are notified as it changes), Light Control (/3311/0),
//! Power Control (/3312/0), and our two custom objects (Sensor Hub /32769/0 from XML via
//! build.rs, Valve Controller /32770/0 from `#[lwm2m_object]`). Ctrl-C (or `--duration`)
//! de-registers them.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lwm2m_runtime::client::{BootstrapAccount, Client, ClientEvent};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::demo::{drift, simulated_device};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The server, coap://HOST:PORT (port 5683 if omitted).
    #[arg(long, value_name = "URI", required_unless_present = "bootstrap")]
    server: Option<String>,
    /// Bootstrap from this Bootstrap-Server, coap://HOST:PORT, instead of (or, with --server, when
    /// registration keeps failing) registering with a given server.
    #[arg(long, value_name = "URI")]
    bootstrap: Option<String>,
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
    // Without --server the client has no account until the Bootstrap-Server writes one.
    let server = match &args.server {
        Some(s) => resolve(s).await?,
        None => SocketAddr::from(([0, 0, 0, 0], 0)),
    };
    let bootstrap = match &args.bootstrap {
        Some(b) => Some(resolve(b).await?),
        None => None,
    };
    let bind: SocketAddr = if bootstrap.unwrap_or(server).is_ipv4() {
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
        let mut device = simulated_device(&name, i, server, lifetime, args.queue);
        if let Some(bs) = bootstrap {
            device
                .set_bootstrap(BootstrapAccount::new(bs))
                .with_context(|| format!("{name}: bootstrap account"))?;
        }
        let (handle, events, _task) = spawn(socket, device);
        if let Some(Err(e)) = handle.call(|c, now| c.start(now)).await {
            bail!("{name}: cannot register: {e}");
        }
        tokio::spawn(log_events(
            name.clone(),
            handle.clone(),
            events,
            args.count <= 10,
        ));
        tokio::spawn(drift(handle.clone(), i, args.interval_ms));
        devices.push((name, handle));
    }
    match (&args.server, bootstrap) {
        (Some(_), _) => println!("{} device(s) registering with {server}", devices.len()),
        (None, Some(bs)) => println!("{} device(s) bootstrapping from {bs}", devices.len()),
        (None, None) => {}
    }
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

async fn log_events(
    name: String,
    handle: Handle<Client>,
    mut events: UnboundedReceiver<ClientEvent>,
    verbose: bool,
) {
    while let Some(e) = events.recv().await {
        match e {
            ClientEvent::Bootstrapped { uri, server } => {
                println!("{name}: bootstrapped, server {uri}");
                // A host name in the written URI: resolve it here, the core does not.
                if server.is_none() {
                    match resolve(&uri).await {
                        Ok(addr) => {
                            handle.call(move |c, now| c.set_server(now, addr)).await;
                        }
                        Err(e) => println!("{name}: {e:#}"),
                    }
                }
            }
            ClientEvent::BootstrapFailed { reason, .. } => {
                println!("{name}: bootstrap failed ({reason:?}), retrying")
            }
            ClientEvent::BootstrapFinishRejected { error } => {
                println!("{name}: bootstrap finish rejected: {error}")
            }
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
