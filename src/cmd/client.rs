//! `lwm2m client`: simulated LwM2M devices on UDP. Each hosts Device (/3/0) and Temperature
//! (/3303/0) whose value drifts; observers are notified as it changes. Ctrl-C (or `--duration`)
//! de-registers them.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lwm2m_core::Path;
use lwm2m_core::object::{ExecArgs, Object};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, tokio::os_seeded};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use tokio::sync::mpsc::UnboundedReceiver;

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

fn reboot(
    _dev: &mut device::Instance,
    _iid: u16,
    _rid: u16,
    _args: ExecArgs<'_>,
) -> Result<(), lwm2m_core::Error> {
    println!("reboot requested (simulated: nothing happens)");
    Ok(())
}

fn device_client(name: &str, i: u32, server: SocketAddr, args: &Args) -> Client {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("lwm2m-rs".into());
    dev.set_model_number("simulated".into());
    dev.set_serial_number(name.into());
    let _ = dev.set_battery_level(100);
    let mut devices = Object::<device::Instance>::new().on_execute(reboot);
    devices.insert(0, dev);
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(20.0 + f64::from(i % 10));
    temp.set_sensor_units("Cel".into());
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    let mut config = ClientConfig::new(name);
    config.lifetime = Duration::from_secs(args.lifetime.max(1));
    config.queue_mode = args.queue;
    let mut client = Client::new(
        config,
        Endpoint::new(Config::default(), os_seeded()),
        server,
    );
    client.add_object(devices);
    client.add_object(temps);
    client
}

async fn simulate(args: Args) -> Result<ExitCode> {
    let server = resolve(&args.server).await?;
    let bind: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse()?
    } else {
        "[::]:0".parse()?
    };
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
        let (handle, events, _task) = spawn(socket, device_client(&name, i, server, &args));
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

/// Moves the temperature by up to ±0.25 every `interval_ms`.
async fn drift(handle: Handle<Client>, i: u32, interval_ms: u64) {
    let mut rng = SeededRandom::new(u64::from(i));
    let mut tick = tokio::time::interval(Duration::from_millis(interval_ms.max(10)));
    loop {
        tick.tick().await;
        let delta = (rng.next_u64() % 51) as f64 / 100.0 - 0.25;
        let alive = handle
            .call(move |c, now| {
                let Some(temps) = c.object_mut::<Object<temperature::Instance>>(3303) else {
                    return;
                };
                if let Some(t) = temps.instance_mut(0) {
                    let v = ((t.sensor_value() + delta) * 100.0).round() / 100.0;
                    t.set_sensor_value(v);
                }
                c.changed(now, Path::resource(3303, 0, 5700));
            })
            .await;
        if alive.is_none() {
            return;
        }
    }
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
