//! `lwm2m client`: simulated LwM2M devices on UDP (`coap://`) or DTLS 1.2 (`coaps://`) with a
//! pre-shared key or a certificate. Each hosts Device (/3/0), Temperature (/3303/0) whose value
//! drifts (observers are notified as it changes), Light Control (/3311/0), Power Control (/3312/0),
//! and our two custom objects (Sensor Hub /32769/0 from XML via build.rs, Valve Controller
//! /32770/0 from `#[lwm2m_object]`). Ctrl-C (or `--duration`) de-registers them.

mod credentials;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lwm2m_runtime::client::{BootstrapAccount, Client, ClientEvent};
use lwm2m_runtime::dtls::{CertCredentials, Secured, SecuredEvent};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use tokio::sync::mpsc::UnboundedReceiver;

use self::credentials::{Dtls, credentials};
use crate::demo::{drift, simulated_device};
use crate::security::{Layer, Scheme, ServerUri};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The server: coap://HOST[:PORT] (UDP, port 5683 if omitted) or coaps://HOST[:PORT]
    /// (DTLS 1.2, port 5684 if omitted; needs --psk-identity and --psk-key, or --cert, --key
    /// and --ca).
    #[arg(long, value_name = "URI", required_unless_present = "bootstrap")]
    server: Option<String>,
    /// Bootstrap from this Bootstrap-Server, coap://HOST:PORT, instead of (or, with --server, when
    /// registration keeps failing) registering with a given server.
    #[arg(long, value_name = "URI")]
    bootstrap: Option<String>,
    /// Endpoint name; with --count N the devices are NAME-1 … NAME-N.
    #[arg(long, value_name = "NAME")]
    endpoint: String,
    /// PSK identity for a coaps:// server; with --count N the devices present ID-1 … ID-N.
    #[arg(long, value_name = "ID", requires = "psk_key", conflicts_with = "cert")]
    psk_identity: Option<String>,
    /// Pre-shared key for a coaps:// server, hexadecimal (the same key for every device).
    #[arg(long, value_name = "HEX", requires = "psk_identity")]
    psk_key: Option<String>,
    /// Certificate for a coaps:// server (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8): the device's
    /// chain, PEM or DER, leaf first. Its subject CN should be the --endpoint name. One
    /// certificate is one device: not with --count above 1.
    #[arg(long, value_name = "FILE", requires_all = ["key", "ca"])]
    cert: Option<PathBuf>,
    /// The private key of --cert (ECDSA P-256, PKCS#8 or SEC1; PEM or DER).
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// The CA certificate(s) the server's certificate must chain to (PEM or DER).
    #[arg(long, value_name = "FILE", requires = "cert")]
    ca: Option<PathBuf>,
    /// The name the server's certificate must carry (DNS or IP SAN) [default: the server's IP
    /// address].
    #[arg(long, value_name = "NAME", requires = "cert")]
    server_name: Option<String>,
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
    let server = args.server.as_deref().map(ServerUri::parse).transpose()?;
    let bootstrap = args
        .bootstrap
        .as_deref()
        .map(ServerUri::parse)
        .transpose()?;
    let dtls = credentials(&args, server.as_ref())?;
    if bootstrap
        .as_ref()
        .is_some_and(|b| b.scheme == Scheme::Coaps)
    {
        bail!(
            "{}: bootstrap over DTLS is not supported by the command line yet",
            args.bootstrap.as_deref().unwrap_or_default()
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    rt.block_on(async {
        let server_addr = match &server {
            Some(s) => s.resolve().await?,
            None => SocketAddr::from(([0, 0, 0, 0], 0)),
        };
        let bootstrap = match &bootstrap {
            Some(b) => Some(b.resolve().await?),
            None => None,
        };
        match dtls {
            None => simulate(&args, server_addr, bootstrap, |c, _| Ok(c)).await,
            Some(Dtls::Psk { identity, key }) => {
                simulate(&args, server_addr, bootstrap, |c, i| {
                    let id = device_name(&identity, i, args.count);
                    Secured::psk_client(c, id, key.clone()).context("DTLS client")
                })
                .await
            }
            Some(Dtls::Cert { cert, key, ca }) => {
                let creds = CertCredentials::load(&cert, &key, &ca)?;
                let cn = creds.common_name();
                if cn.as_deref() != Some(args.endpoint.as_str()) {
                    println!(
                        "warning: {} has subject CN {}, not the endpoint name {}: a server \
                         binding the CN to the endpoint will refuse the registration",
                        cert.display(),
                        cn.as_deref().unwrap_or("(none)"),
                        args.endpoint
                    );
                }
                let name = args.server_name.as_deref();
                simulate(&args, server_addr, bootstrap, |c, _| {
                    Secured::cert_client(c, creds.clone(), name).context("DTLS client")
                })
                .await
            }
        }
    })
}

/// Device `i`'s name (endpoint or identity): `base` alone, or `base-i` among several.
fn device_name(base: &str, i: u32, count: u32) -> String {
    if count == 1 {
        base.to_string()
    } else {
        format!("{base}-{i}")
    }
}

async fn simulate<L: Layer<Core = Client>>(
    args: &Args,
    server: SocketAddr,
    bootstrap: Option<SocketAddr>,
    wrap: impl Fn(Client, u32) -> Result<L>,
) -> Result<ExitCode> {
    let bind: SocketAddr = if bootstrap.unwrap_or(server).is_ipv4() {
        "0.0.0.0:0".parse()?
    } else {
        "[::]:0".parse()?
    };
    let lifetime = Duration::from_secs(args.lifetime);
    let mut devices = Vec::new();
    for i in 1..=args.count {
        let name = device_name(&args.endpoint, i, args.count);
        let socket = tokio::net::UdpSocket::bind(bind)
            .await
            .with_context(|| format!("binding a UDP socket for {name}"))?;
        let mut device = simulated_device(&name, i, server, lifetime, args.queue);
        if let Some(bs) = bootstrap {
            device
                .set_bootstrap(BootstrapAccount::new(bs))
                .with_context(|| format!("{name}: bootstrap account"))?;
        }
        let (handle, events, _task) = spawn(socket, wrap(device, i)?);
        if let Some(Err(e)) = handle.call(|c, now| c.core().start(now)).await {
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
        (Some(uri), _) => println!(
            "{} device(s) registering with {uri} ({server})",
            devices.len()
        ),
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
        if let Some(Err(e)) = handle.call(|c, now| c.core().deregister(now)).await {
            println!("{name}: de-register failed: {e}");
        }
    }
    // Give the De-register requests a moment to be answered.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(ExitCode::SUCCESS)
}

async fn log_events<L: Layer<Core = Client>>(
    name: String,
    handle: Handle<L>,
    mut events: UnboundedReceiver<L::Event>,
    verbose: bool,
) {
    while let Some(e) = events.recv().await {
        let e = match L::lift(e) {
            SecuredEvent::Inner(e) => e,
            SecuredEvent::Connected { peer, identity } => {
                println!("{name}: dtls session with {peer} ({identity})");
                continue;
            }
            SecuredEvent::Closed { peer, reason } => {
                println!("{name}: dtls session with {peer} ended ({reason:?})");
                continue;
            }
            SecuredEvent::Failed { peer, error } => {
                println!("{name}: dtls handshake with {peer} failed: {error}");
                continue;
            }
            other => {
                println!("{name}: {other:?}");
                continue;
            }
        };
        match e {
            ClientEvent::Bootstrapped { uri, server } => {
                println!("{name}: bootstrapped, server {uri}");
                // A host name in the written URI: resolve it here, the core does not.
                if server.is_none() {
                    let resolved = match ServerUri::parse(&uri) {
                        Ok(u) => u.resolve().await,
                        Err(e) => Err(e.into()),
                    };
                    match resolved {
                        Ok(addr) => {
                            handle
                                .call(move |c, now| c.core().set_server(now, addr))
                                .await;
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
