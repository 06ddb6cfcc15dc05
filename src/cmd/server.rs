//! `lwm2m server`: an LwM2M server that logs registrations, updates, de-registrations,
//! expiries, notifications and Send data, one line each on stdout. It listens on plain UDP
//! (`--listen`, coap://), on DTLS 1.2 (`--dtls-listen`, coaps://, with pre-shared keys from
//! `--psk-file` or with certificates from `--cert`/`--key`/`--ca`), or both; each listener runs
//! its own server with its own registrations.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lwm2m_core::Path;
use lwm2m_runtime::dtls::{CertCredentials, Secured, SecuredEvent};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{Reply, Server, ServerEvent};
use tokio::sync::mpsc::{self, UnboundedReceiver};
use tokio::task::JoinHandle;

use crate::demo::{lwm2m_server, object_list, show};
use crate::security::{Layer, load_psk_file, psk_store};

const PSK_FILE_HELP: &str = "Pre-shared keys of the devices that may connect over DTLS, one \
per line: `endpoint identity hex-key` (spaces or tabs between fields; `#` starts a comment). \
The identity is what the device presents in the handshake, the key is hexadecimal, and the \
endpoint is the only endpoint name that identity may register as (others get 4.03 Forbidden).";

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("dtls_credentials").args(["psk_file", "cert"])))]
pub(crate) struct Args {
    /// UDP address for plain CoAP (coap://) [default: 0.0.0.0:5683, unless --dtls-listen is
    /// given without --listen: then the server speaks DTLS only].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// UDP address for CoAP over DTLS 1.2 (coaps://, e.g. 0.0.0.0:5684), with the pre-shared
    /// keys of --psk-file or the certificate of --cert/--key/--ca. Its server keeps its own
    /// registrations.
    #[arg(long, value_name = "ADDR", requires = "dtls_credentials")]
    dtls_listen: Option<SocketAddr>,
    #[arg(long, value_name = "FILE", requires = "dtls_listen", help = PSK_FILE_HELP)]
    psk_file: Option<PathBuf>,
    /// Certificate mode (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8): the server's certificate chain,
    /// PEM or DER, leaf first. Clients must present a certificate issued under --ca, and each
    /// may register only as the endpoint name equal to its certificate's subject CN.
    #[arg(long, value_name = "FILE", requires_all = ["dtls_listen", "key", "ca"])]
    cert: Option<PathBuf>,
    /// The private key of --cert (ECDSA P-256, PKCS#8 or SEC1; PEM or DER).
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// The CA certificate(s) client certificates must chain to (PEM or DER).
    #[arg(long, value_name = "FILE", requires = "cert")]
    ca: Option<PathBuf>,
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

/// What every listener does with a registration.
#[derive(Debug, Clone)]
struct Actions {
    read_device: bool,
    observe: Vec<Path>,
}

async fn serve(args: Args, observe: Vec<Path>) -> Result<ExitCode> {
    let actions = Actions {
        read_device: args.read_device,
        observe,
    };
    let listen = match (args.listen, args.dtls_listen) {
        (None, None) => Some(SocketAddr::from(([0, 0, 0, 0], 5683))),
        (listen, _) => listen,
    };
    let mut tasks: Vec<JoinHandle<()>> = Vec::new();
    // A listener whose socket fails ends the command with that error.
    let (failed, mut failure) = mpsc::unbounded_channel::<anyhow::Error>();
    let mut plain = None;
    if let Some(addr) = listen {
        let socket = tokio::net::UdpSocket::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let local = socket.local_addr()?;
        println!("listening on {local}");
        plain = Some(local);
        let (handle, events, task) = spawn(socket, lwm2m_server());
        tasks.push(tokio::spawn(log_events(handle, events, actions.clone())));
        tasks.push(tokio::spawn(watch("server", task, failed.clone())));
    }
    if let Some(addr) = args.dtls_listen {
        let (server, what, lines) = dtls_server(&args)?;
        let socket = tokio::net::UdpSocket::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        println!("dtls listening on {} ({what})", socket.local_addr()?);
        for line in lines {
            println!("{line}");
        }
        let (handle, events, task) = spawn(socket, server);
        tasks.push(tokio::spawn(log_events(handle, events, actions.clone())));
        tasks.push(tokio::spawn(watch("dtls server", task, failed.clone())));
    }
    let _bootstrap = match args.bootstrap_listen {
        Some(bs) => {
            let uri = match (&args.bootstrap_uri, plain) {
                (Some(uri), _) => uri.clone(),
                (None, Some(local)) => crate::cmd::bootstrap::server_uri(None, local),
                (None, None) => bail!(
                    "--bootstrap-listen writes a NoSec account for the plain listener: add \
                     --listen, or give the server URI with --bootstrap-uri"
                ),
            };
            let lifetime = Duration::from_secs(args.bootstrap_lifetime);
            Some(crate::cmd::bootstrap::run(bs, uri, lifetime).await?)
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
    let result = tokio::select! {
        () = stop => Ok(ExitCode::SUCCESS),
        Some(e) = failure.recv() => Err(e),
    };
    for t in tasks {
        t.abort();
    }
    result
}

/// The DTLS server of `--dtls-listen` with the credentials `args` give, what it uses (for the
/// "dtls listening" line) and lines to log about them.
fn dtls_server(args: &Args) -> Result<(Secured<Server>, String, Vec<String>)> {
    match (&args.psk_file, &args.cert, &args.key, &args.ca) {
        (Some(file), ..) => {
            let entries = load_psk_file(file)?;
            let server =
                Secured::psk_server(lwm2m_server(), psk_store(&entries)).context("DTLS server")?;
            let what = format!("PSK, {} identities from {}", entries.len(), file.display());
            let lines = entries
                .iter()
                .map(|e| format!("dtls identity {} -> endpoint {}", e.identity, e.endpoint))
                .collect();
            Ok((server, what, lines))
        }
        (None, Some(cert), Some(key), Some(ca)) => {
            let creds = CertCredentials::load(cert, key, ca)?;
            let what = format!(
                "certificate {}, clients under {}",
                cert.display(),
                ca.display()
            );
            let server = Secured::cert_server(lwm2m_server(), creds).context("DTLS server")?;
            let lines =
                vec!["dtls clients register as the subject CN of their certificate".to_string()];
            Ok((server, what, lines))
        }
        // clap requires --psk-file, or --cert with --key and --ca, with --dtls-listen.
        _ => bail!("--dtls-listen needs --psk-file FILE, or --cert, --key and --ca"),
    }
}

/// Passes on why a listener's driver stopped, if it did on its own.
async fn watch(
    what: &'static str,
    task: JoinHandle<std::io::Result<()>>,
    failed: mpsc::UnboundedSender<anyhow::Error>,
) {
    let error = match task.await {
        Ok(Ok(())) => anyhow::anyhow!("{what} stopped"),
        Ok(Err(e)) => anyhow::Error::new(e).context(format!("{what} socket")),
        Err(e) => anyhow::Error::new(e).context(format!("{what} task")),
    };
    let _ = failed.send(error);
}

async fn log_events<L: Layer<Core = Server>>(
    handle: Handle<L>,
    mut events: UnboundedReceiver<L::Event>,
    actions: Actions,
) {
    while let Some(e) = events.recv().await {
        match L::lift(e) {
            SecuredEvent::Inner(e) => on_event(&handle, e, &actions).await,
            SecuredEvent::Connected { peer, identity } => {
                println!("dtls session with {peer}: {identity}")
            }
            SecuredEvent::Closed { peer, reason } => {
                println!("dtls session with {peer} ended ({reason:?})")
            }
            SecuredEvent::Failed { peer, error } => {
                println!("dtls handshake with {peer} failed: {error}")
            }
            other => println!("{other:?}"),
        }
    }
}

async fn on_event<L: Layer<Core = Server>>(handle: &Handle<L>, event: ServerEvent, a: &Actions) {
    match event {
        ServerEvent::Registered {
            endpoint, location, ..
        } => {
            let ep = endpoint.clone();
            let reg = handle
                .call(move |s, _| {
                    let s = s.core_ref();
                    let r = s.registration(&ep)?;
                    let who = s.peer_identity(r.peer).map(|a| a.identity.to_string());
                    Some((r.lifetime, object_list(&r), who))
                })
                .await
                .flatten();
            let (lifetime, objects, who) = reg.unwrap_or_default();
            let via = who.map(|w| format!(" via DTLS ({w})")).unwrap_or_default();
            println!(
                "registered {endpoint} at {location} lifetime={lifetime}s objects={objects}{via}"
            );
            if a.read_device {
                request(handle, &endpoint, "read", Path::instance(3, 0), false).await;
            }
            for p in &a.observe {
                request(handle, &endpoint, "observe", *p, true).await;
            }
        }
        ServerEvent::Rejected {
            peer,
            endpoint,
            reason,
        } => println!("rejected {endpoint} from {peer}: {reason}"),
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

async fn request<L: Layer<Core = Server>>(
    handle: &Handle<L>,
    endpoint: &str,
    what: &str,
    path: Path,
    observe: bool,
) {
    let ep = endpoint.to_string();
    let result = handle
        .call(move |s, now| {
            let s = s.core();
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
