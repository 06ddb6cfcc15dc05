//! `lwm2m demo`: the server of `lwm2m server` and the simulated devices of `lwm2m client` in one
//! process on loopback (ephemeral ports, nothing leaves the machine). The server reads the first
//! device's Device object, writes its Temperature's Application Type and reads it back, executes
//! Reboot, and observes every device's temperature; after `--duration` the devices de-register
//! and a summary follows. The exit code is 1 if a step did not happen.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use lwm2m_core::object::WriteMode;
use lwm2m_core::{Content, Node, Path, Value};
use lwm2m_runtime::client::{Client, ClientEvent};
use lwm2m_runtime::coap::Timestamp;
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{OpError, OpId, Reply, Server, ServerError, ServerEvent};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use crate::demo::{drift, lwm2m_server, object_list, resource_name, show, simulated_device, value};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Number of simulated devices.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    devices: u32,
    /// Seconds to run before the devices de-register.
    #[arg(long, value_name = "SECONDS", default_value_t = 5.0)]
    duration: f64,
    /// Milliseconds between temperature changes on each device.
    #[arg(long, value_name = "MS", default_value_t = 700)]
    interval_ms: u64,
}

/// The value the demo writes to /3303/0/5750 (Application Type).
const APPLICATION_TYPE: &str = "greenhouse";
const TEMPERATURE: Path = Path::resource(3303, 0, 5700);
const APP_TYPE: Path = Path::resource(3303, 0, 5750);
const REBOOT: Path = Path::resource(3, 0, 4);

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    if !(args.duration.is_finite() && args.duration > 0.0 && args.duration <= 3600.0) {
        bail!("--duration must be between 0 and 3600 seconds");
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    rt.block_on(demo(args))
}

/// What an operation the demo started was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    ReadDevice,
    Write,
    ReadBack,
    Execute,
    Observe,
}

/// What happened, for the summary and the exit code.
#[derive(Debug, Default)]
struct Tally {
    registered: u32,
    deregistered: u32,
    read: bool,
    written: bool,
    read_back: bool,
    executed: bool,
    observing: u32,
    notifications: u32,
    failures: Vec<String>,
}

struct Demo {
    start: Instant,
    server: Handle<Server>,
    ops: HashMap<OpId, (String, Step)>,
    showcase: Option<String>,
    stopping: bool,
    tally: Tally,
}

async fn demo(args: Args) -> Result<ExitCode> {
    let start = Instant::now();
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .context("binding the server socket")?;
    let server_addr = socket.local_addr()?;
    let (server, mut events, server_task) = spawn(socket, lwm2m_server());
    println!(
        "lwm2m demo: server on coap://{server_addr}, {} simulated device(s), {} s",
        args.devices, args.duration
    );

    let mut demo = Demo {
        start,
        server,
        ops: HashMap::new(),
        showcase: None,
        stopping: false,
        tally: Tally::default(),
    };
    let run_until = tokio::time::sleep(Duration::from_secs_f64(args.duration));
    tokio::pin!(run_until);
    // The first device alone, until its showcase is done (at most a second), so its lines do
    // not interleave with the others' registrations; then the rest.
    let mut devices = vec![start_device(start, "demo-1", 1, server_addr, args.interval_ms).await?];
    let alone = tokio::time::sleep(Duration::from_secs(1));
    tokio::pin!(alone);
    let mut running = true;
    while running && !demo.showcase_done() {
        tokio::select! {
            event = events.recv() => match event {
                Some(e) => demo.on_event(e).await,
                None => running = false,
            },
            () = &mut alone => break,
            () = &mut run_until => running = false,
        }
    }
    if running {
        for i in 2..=args.devices {
            let name = format!("demo-{i}");
            devices.push(start_device(start, &name, i, server_addr, args.interval_ms).await?);
        }
    }
    while running {
        tokio::select! {
            event = events.recv() => match event {
                Some(e) => demo.on_event(e).await,
                None => running = false,
            },
            () = &mut run_until => running = false,
        }
    }

    demo.stopping = true;
    demo.say(format_args!("stopping: the devices de-register"));
    for d in &devices {
        if let Some(Err(e)) = d.handle.call(|c, now| c.deregister(now)).await {
            let name = &d.name;
            demo.say(format_args!("{name}: de-register failed: {e}"));
        }
    }
    let grace = tokio::time::sleep(Duration::from_secs(3));
    tokio::pin!(grace);
    while demo.tally.deregistered < demo.tally.registered {
        tokio::select! {
            event = events.recv() => match event {
                Some(e) => demo.on_event(e).await,
                None => break,
            },
            () = &mut grace => break,
        }
    }
    for d in devices {
        // The device side reports its de-registration too; then its driver may stop.
        let _ = tokio::time::timeout_at(grace.deadline(), d.log).await;
        d.drift.abort();
    }
    drop(events);
    let Demo { server, tally, .. } = demo;
    drop(server);
    if server_task.is_finished() {
        server_task
            .await
            .context("server task")?
            .context("server socket")?;
    }
    Ok(summary(&tally, args.devices))
}

/// A running simulated device.
struct Device {
    name: String,
    handle: Handle<Client>,
    drift: JoinHandle<()>,
    /// Ends when the device has de-registered (or its driver stopped).
    log: JoinHandle<()>,
}

/// Spawns device `i` on its own loopback socket and starts its registration.
async fn start_device(
    start: Instant,
    name: &str,
    i: u32,
    server: SocketAddr,
    interval_ms: u64,
) -> Result<Device> {
    let socket = UdpSocket::bind("127.0.0.1:0")
        .await
        .with_context(|| format!("binding a UDP socket for {name}"))?;
    let client = simulated_device(name, i, server, Duration::from_secs(60), false);
    let (handle, events, _task) = spawn(socket, client);
    if let Some(Err(e)) = handle.call(|c, now| c.start(now)).await {
        bail!("{name}: cannot register: {e}");
    }
    Ok(Device {
        name: name.to_string(),
        log: tokio::spawn(device_log(start, name.to_string(), events)),
        drift: tokio::spawn(drift(handle.clone(), i, interval_ms)),
        handle,
    })
}

/// What the devices see of the server's requests, indented under the server's lines.
async fn device_log(start: Instant, name: String, mut events: UnboundedReceiver<ClientEvent>) {
    while let Some(e) = events.recv().await {
        let what = match e {
            ClientEvent::Registered { location } => format!("registered, location {location}"),
            ClientEvent::Written { path } => format!("was written at {path}"),
            ClientEvent::Executed { path, args } if args.is_empty() => {
                format!("executed {path}")
            }
            ClientEvent::Executed { path, args } => format!("executed {path} with {args:?}"),
            ClientEvent::ObservationStarted { path } => format!("is observed at {path}"),
            ClientEvent::Deregistered => {
                println!("{}     {name} (device) de-registered", stamp(start));
                return;
            }
            ClientEvent::RegistrationFailed { code, .. } => {
                format!("registration failed ({code:?}), will retry")
            }
            _ => continue,
        };
        println!("{}     {name} (device) {what}", stamp(start));
    }
}

fn stamp(start: Instant) -> String {
    format!("[{:>6.2}s]", start.elapsed().as_secs_f64())
}

/// `/3303/0/5700 Sensor Value = 21.5`, one record a line after the first.
fn records(content: &Content) -> String {
    let mut out = String::new();
    for (n, r) in content.to_records().iter().enumerate() {
        if n > 0 {
            out.push_str("\n            ");
        }
        let _ = write!(out, "{}", r.path);
        if let Some(name) = resource_name(r.path) {
            let _ = write!(out, " {name}");
        }
        let _ = write!(out, " = {}", value(&r.value));
    }
    out
}

impl Demo {
    /// The first device was read, written, read back, executed and observed.
    fn showcase_done(&self) -> bool {
        let t = &self.tally;
        t.read && t.read_back && t.executed && t.observing > 0
    }

    fn say(&self, what: std::fmt::Arguments<'_>) {
        println!("{} {what}", stamp(self.start));
    }

    async fn submit<F>(&mut self, endpoint: &str, step: Step, describe: &str, op: F)
    where
        F: FnOnce(&mut Server, Timestamp, &str) -> Result<OpId, ServerError> + Send + 'static,
    {
        let ep = endpoint.to_string();
        match self.server.call(move |s, now| op(s, now, &ep)).await {
            Some(Ok(id)) => {
                self.say(format_args!("server → {endpoint}: {describe}"));
                self.ops.insert(id, (endpoint.to_string(), step));
            }
            Some(Err(e)) => self.fail(format!("{describe} on {endpoint}: {e}")),
            None => self.fail("the server stopped".to_string()),
        }
    }

    fn fail(&mut self, what: String) {
        self.say(format_args!("FAILED: {what}"));
        self.tally.failures.push(what);
    }

    async fn on_event(&mut self, event: ServerEvent) {
        match event {
            ServerEvent::Registered {
                endpoint, location, ..
            } => self.on_registered(endpoint, location).await,
            ServerEvent::Updated { endpoint } => self.say(format_args!("{endpoint} updated")),
            ServerEvent::Deregistered { endpoint } => {
                self.tally.deregistered += 1;
                self.say(format_args!("{endpoint} de-registered"));
            }
            ServerEvent::Expired { endpoint } => self.say(format_args!("{endpoint} expired")),
            ServerEvent::Response {
                op,
                endpoint,
                result,
            } => {
                let Some((_, step)) = self.ops.remove(&op) else {
                    return;
                };
                self.on_response(&endpoint, step, result).await;
            }
            ServerEvent::Notification {
                endpoint, content, ..
            } => {
                self.tally.notifications += 1;
                self.say(format_args!("{endpoint} notifies {}", show(&content)));
            }
            other => self.say(format_args!("{other:?}")),
        }
    }

    async fn on_registered(&mut self, endpoint: String, location: String) {
        self.tally.registered += 1;
        let ep = endpoint.clone();
        let reg = self
            .server
            .call(move |s, _| s.registration(&ep))
            .await
            .flatten();
        let (lifetime, objects) = reg
            .map(|r| (r.lifetime, object_list(&r)))
            .unwrap_or_default();
        self.say(format_args!(
            "{endpoint} registered at {location} (lifetime {lifetime} s, objects {objects})"
        ));
        if self.showcase.is_none() {
            self.showcase = Some(endpoint.clone());
            self.submit(
                &endpoint,
                Step::ReadDevice,
                "read /3/0 (Device)",
                |s, now, ep| s.read(now, ep, Path::instance(3, 0)),
            )
            .await;
            let describe = format!("write {APP_TYPE} Application Type = {APPLICATION_TYPE:?}");
            self.submit(&endpoint, Step::Write, &describe, |s, now, ep| {
                let node = Node::Single(Value::String(APPLICATION_TYPE.into()));
                s.write(now, ep, APP_TYPE, node, WriteMode::Replace)
            })
            .await;
            self.submit(
                &endpoint,
                Step::Execute,
                "execute /3/0/4 (Reboot)",
                |s, now, ep| s.execute(now, ep, REBOOT, ""),
            )
            .await;
        }
        self.submit(
            &endpoint,
            Step::Observe,
            "observe /3303/0/5700 (Sensor Value)",
            |s, now, ep| s.observe(now, ep, TEMPERATURE),
        )
        .await;
    }

    async fn on_response(&mut self, endpoint: &str, step: Step, result: Result<Reply, OpError>) {
        let reply = match result {
            Ok(r) => r,
            Err(OpError::Deregistered) if self.stopping => return,
            Err(e) => return self.fail(format!("{step:?} on {endpoint}: {e}")),
        };
        match (step, reply) {
            (Step::ReadDevice, Reply::Content(c)) => {
                self.tally.read = true;
                self.say(format_args!(
                    "{endpoint} → server: /3/0 is\n            {}",
                    records(&c)
                ));
            }
            (Step::Write, Reply::Changed) => {
                self.tally.written = true;
                self.say(format_args!("{endpoint} → server: written (2.04 Changed)"));
                self.submit(
                    endpoint,
                    Step::ReadBack,
                    "read /3303/0/5750 back",
                    |s, now, ep| s.read(now, ep, APP_TYPE),
                )
                .await;
            }
            (Step::ReadBack, Reply::Content(c)) => {
                let expected = Node::Single(Value::String(APPLICATION_TYPE.into()));
                if c.node == expected {
                    self.tally.read_back = true;
                    self.say(format_args!("{endpoint} → server: {}", records(&c)));
                } else {
                    self.fail(format!("read back {APP_TYPE}: {}", records(&c)));
                }
            }
            (Step::Execute, Reply::Changed) => {
                self.tally.executed = true;
                self.say(format_args!("{endpoint} → server: executed (2.04 Changed)"));
            }
            (Step::Observe, Reply::Content(c)) => {
                self.tally.observing += 1;
                self.say(format_args!(
                    "{endpoint} → server: observing, now {}",
                    records(&c)
                ));
            }
            (step, other) => self.fail(format!("{step:?} on {endpoint}: unexpected {other:?}")),
        }
    }
}

/// Prints the summary; success only if every step happened.
fn summary(t: &Tally, devices: u32) -> ExitCode {
    let yes = |b: bool| if b { "ok" } else { "MISSING" };
    println!(
        "summary: {}/{devices} registered, read {}, write {} (read back {}), execute {}, \
         {}/{devices} observed, {} notification(s), {}/{devices} de-registered",
        t.registered,
        yes(t.read),
        yes(t.written),
        yes(t.read_back),
        yes(t.executed),
        t.observing,
        t.notifications,
        t.deregistered,
    );
    let complete = t.registered == devices
        && t.read
        && t.written
        && t.read_back
        && t.executed
        && t.observing == devices
        && t.notifications > 0
        && t.deregistered == devices
        && t.failures.is_empty();
    if complete {
        ExitCode::SUCCESS
    } else {
        for f in &t.failures {
            println!("failed: {f}");
        }
        println!("the demo did not complete (a longer --duration may help)");
        ExitCode::FAILURE
    }
}
