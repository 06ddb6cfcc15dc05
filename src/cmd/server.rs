//! `lwm2m server`: an LwM2M server on UDP that logs registrations, updates, de-registrations,
//! expiries, notifications and Send data, one line each on stdout.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use lwm2m_core::Path;
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{Reply, Server, ServerEvent};

use crate::demo::{lwm2m_server, object_list, show};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// UDP address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:5683")]
    listen: SocketAddr,
    /// Observe this path on every client that registers (repeatable), e.g. /3303/0/5700.
    #[arg(long, value_name = "PATH")]
    observe: Vec<String>,
    /// Read /3/0 (Device) from every client that registers.
    #[arg(long)]
    read_device: bool,
    /// Also run a Bootstrap-Server on this UDP address, which provisions every client that asks
    /// with an account for this server.
    #[arg(long, value_name = "ADDR")]
    bootstrap_listen: Option<SocketAddr>,
    /// The server URI the Bootstrap-Server writes (default: coap://LISTEN-ADDRESS).
    #[arg(long, value_name = "URI", requires = "bootstrap_listen")]
    bootstrap_uri: Option<String>,
    /// The registration lifetime the Bootstrap-Server writes, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    bootstrap_lifetime: u64,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    duration: Option<u64>,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let observe = args
        .observe
        .iter()
        .map(|p| {
            p.parse::<Path>()
                .map_err(|e| anyhow::anyhow!("--observe {p}: {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    rt.block_on(serve(args, observe))
}

async fn serve(args: Args, observe: Vec<Path>) -> Result<ExitCode> {
    let socket = tokio::net::UdpSocket::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    println!("listening on {}", socket.local_addr()?);
    let local = socket.local_addr()?;
    let (handle, mut events, task) = spawn(socket, lwm2m_server());
    let _bootstrap = match args.bootstrap_listen {
        Some(listen) => {
            let uri = crate::cmd::bootstrap::server_uri(args.bootstrap_uri.as_deref(), local);
            let lifetime = Duration::from_secs(args.bootstrap_lifetime);
            Some(crate::cmd::bootstrap::run(listen, uri, lifetime).await?)
        }
        None => None,
    };
    let stop = async {
        match args.duration {
            Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    };
    tokio::pin!(stop);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(e) => on_event(&handle, e, args.read_device, &observe).await,
                None => break,
            },
            () = &mut stop => break,
        }
    }
    drop(handle);
    drop(events);
    if task.is_finished() {
        task.await
            .context("server task")?
            .context("server socket")?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn on_event(handle: &Handle<Server>, event: ServerEvent, read: bool, observe: &[Path]) {
    match event {
        ServerEvent::Registered {
            endpoint, location, ..
        } => {
            let reg = handle
                .call({
                    let ep = endpoint.clone();
                    move |s, _| s.registration(&ep)
                })
                .await
                .flatten();
            let (lifetime, objects) = reg
                .map(|r| (r.lifetime, object_list(&r)))
                .unwrap_or_default();
            println!("registered {endpoint} at {location} lifetime={lifetime}s objects={objects}");
            if read {
                request(handle, &endpoint, "read", Path::instance(3, 0), false).await;
            }
            for p in observe {
                request(handle, &endpoint, "observe", *p, true).await;
            }
        }
        ServerEvent::Updated { endpoint } => println!("updated {endpoint}"),
        ServerEvent::Deregistered { endpoint } => println!("deregistered {endpoint}"),
        ServerEvent::Expired { endpoint } => println!("expired {endpoint}"),
        ServerEvent::Response {
            endpoint, result, ..
        } => match result {
            Ok(Reply::Content(c)) => println!("response {endpoint} {}", show(&c)),
            Ok(other) => println!("response {endpoint} {other:?}"),
            Err(e) => println!("response {endpoint} failed: {e}"),
        },
        ServerEvent::Notification {
            endpoint, content, ..
        } => println!("notification {endpoint} {}", show(&content)),
        ServerEvent::Sent { endpoint, content } => println!("send {endpoint} {}", show(&content)),
        other => println!("{other:?}"),
    }
}

async fn request(handle: &Handle<Server>, endpoint: &str, what: &str, path: Path, observe: bool) {
    let ep = endpoint.to_string();
    let result = handle
        .call(move |s, now| {
            if observe {
                s.observe(now, &ep, path)
            } else {
                s.read(now, &ep, path)
            }
        })
        .await;
    if let Some(Err(e)) = result {
        println!("{what} {endpoint} {path}: {e}");
    }
}
