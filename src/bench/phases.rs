//! The three LwM2M phases. Each runs for `duration`, counts what completed inside it, and leaves
//! the fleet ready for the next.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use lwm2m_core::Path;
use lwm2m_core::object::Object;
use lwm2m_objects::temperature;
use lwm2m_runtime::client::{Client, ClientEvent};
use lwm2m_runtime::dtls::SecuredEvent;
use lwm2m_runtime::server::{Reply, Server, ServerEvent};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};

use super::fleet::{Device, Fleet, index};
use super::{CpuClock, Rate};
use crate::security::Layer;

/// The Resource read and observed: Temperature Sensor Value, a Float (text on the wire).
const SENSOR: Path = Path::resource(3303, 0, 5700);

/// How long to wait for answers still in flight when a phase ends, or for observations to start.
const GRACE: Duration = Duration::from_secs(3);

/// How long a Register still in flight when a registration phase ends is waited for: over DTLS
/// it may sit behind a handshake that lost a flight to a full socket buffer (dimpl retransmits
/// after 1, 2, 4 s), and if it completed during the next phase it would replace the
/// registration and fail that phase's operations.
const REGISTER_GRACE: Duration = Duration::from_secs(10);

/// How often the notification phase re-kicks devices it did not hear from.
const SWEEP: Duration = Duration::from_millis(250);

/// Every device registers, and registers again (replacing its registration) as soon as the
/// server answered, until the phase ends. Counted on the device side: a complete round trip.
/// With `fresh_sessions`, each device closes its DTLS session before every Register, so that
/// each one handshakes afresh.
pub(super) async fn registrations<S: Layer<Core = Server>, C: Layer<Core = Client>>(
    fleet: &mut Fleet<S, C>,
    duration: Duration,
    fresh_sessions: bool,
) -> Result<Rate> {
    let server = fresh_sessions.then_some(fleet.addr);
    let start = Instant::now();
    let cpu = CpuClock::start();
    let deadline = start + duration;
    let tasks: Vec<_> = std::mem::take(&mut fleet.devices)
        .into_iter()
        .map(|d| fleet.clients.spawn(reregister(d, deadline, server)))
        .collect();
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        let (d, o, f) = t.await.context("device task")?;
        fleet.devices.push(d);
        ok += o;
        failed += f;
    }
    let (elapsed, cpu) = (duration, cpu.elapsed());
    fleet.drain_events();
    Ok(Rate::new(ok, failed, elapsed, cpu))
}

/// Register, wait for the outcome, repeat; stops at `deadline`. With `fresh`, the DTLS session
/// with that server is closed before each Register.
async fn reregister<C: Layer<Core = Client>>(
    mut d: Device<C>,
    deadline: Instant,
    fresh: Option<SocketAddr>,
) -> (Device<C>, u64, u64) {
    let (mut ok, mut failed) = (0, 0);
    while Instant::now() < deadline {
        let started = d
            .handle
            .call(move |c, now| {
                if let Some(server) = fresh {
                    c.close_session(now, server);
                }
                c.core().start(now)
            })
            .await;
        match started {
            Some(Ok(())) => {}
            _ => break,
        }
        // A Register still in flight at the deadline is waited for (not counted): its answer
        // would replace the registration, and cancel the operations, of the next phase.
        let outcome = timeout_at(deadline + REGISTER_GRACE, registration_outcome(&mut d)).await;
        if Instant::now() > deadline {
            break;
        }
        match outcome {
            Ok(true) => ok += 1,
            _ => failed += 1,
        }
    }
    (d, ok, failed)
}

/// True when the device registered, false when it failed or its driver stopped.
async fn registration_outcome<C: Layer<Core = Client>>(d: &mut Device<C>) -> bool {
    loop {
        let Some(event) = d.events.recv().await else {
            return false;
        };
        match C::lift(event) {
            SecuredEvent::Inner(ClientEvent::Registered { .. }) => return true,
            SecuredEvent::Inner(ClientEvent::RegistrationFailed { .. }) => return false,
            _ => {}
        }
    }
}

/// The server reads [`SENSOR`] from every device, one read in flight per device (the CoAP NSTART
/// of 1 per peer); each answer triggers the next read of that device. New reads are handed to
/// the driver in batches (one command for all answers that arrived together).
pub(super) async fn reads<S: Layer<Core = Server>, C: Layer<Core = Client>>(
    fleet: &mut Fleet<S, C>,
    duration: Duration,
) -> Result<Rate> {
    let names: Vec<String> = fleet.devices.iter().map(|d| d.name.clone()).collect();
    let start = Instant::now();
    let cpu = CpuClock::start();
    let deadline = start + duration;
    let (mut ok, mut failed) = (0u64, 0u64);
    let mut first_failure = None;
    // Reads the server refused to start (unknown endpoint), counted by the issuing tasks.
    let refused = Arc::new(AtomicUsize::new(0));
    let mut issued = issue_reads(fleet, names, &refused);
    let mut answered = 0usize;
    let mut again = Vec::new();
    loop {
        let first = match timeout_at(deadline, fleet.events.recv()).await {
            Ok(Some(e)) => e,
            Ok(None) => bail!("the server driver stopped"),
            Err(_) => break,
        };
        let mut next = Some(first);
        while let Some(ev) = next {
            if let SecuredEvent::Inner(ServerEvent::Response {
                endpoint, result, ..
            }) = S::lift(ev)
            {
                answered += 1;
                match result {
                    Ok(Reply::Content(_)) => ok += 1,
                    other => {
                        failed += 1;
                        first_failure.get_or_insert_with(|| format!("{endpoint}: {other:?}"));
                    }
                }
                again.push(endpoint);
            }
            next = fleet.events.try_recv().ok();
        }
        if Instant::now() < deadline && !again.is_empty() {
            issued += issue_reads(fleet, std::mem::take(&mut again), &refused);
        }
    }
    let (elapsed, cpu) = (start.elapsed(), cpu.elapsed());
    // Let the reads still in flight finish so that the next phase starts clean.
    let end = Instant::now() + GRACE;
    while answered + refused.load(Ordering::Relaxed) < issued {
        match timeout_at(end, fleet.events.recv()).await {
            Ok(Some(ev)) => {
                if let SecuredEvent::Inner(ServerEvent::Response { .. }) = S::lift(ev) {
                    answered += 1;
                }
            }
            _ => break,
        }
    }
    Ok(Rate::new(ok, failed, elapsed, cpu).with_first_failure(first_failure))
}

/// Hands the driver one command that starts a read of [`SENSOR`] on each endpoint, without
/// waiting for it to run (the controller goes on collecting answers); returns how many were
/// handed over. Reads the server refuses are added to `refused`.
fn issue_reads<S: Layer<Core = Server>, C: Layer<Core = Client>>(
    fleet: &Fleet<S, C>,
    endpoints: Vec<String>,
    refused: &Arc<AtomicUsize>,
) -> usize {
    let n = endpoints.len();
    let server = fleet.server.clone();
    let refused = Arc::clone(refused);
    tokio::spawn(async move {
        let not_started = server
            .call(move |s, now| {
                let s = s.core();
                endpoints
                    .iter()
                    .filter(|ep| s.read(now, ep, SENSOR).is_err())
                    .count()
            })
            .await;
        refused.fetch_add(not_started.unwrap_or(n), Ordering::Relaxed);
    });
    n
}

/// The server observes [`SENSOR`] on every device; then each device changes its value, and
/// changes it again as soon as the server received the notification, until the phase ends.
/// Counted on the server side: decoded notifications.
pub(super) async fn notifications(fleet: &mut Fleet, duration: Duration) -> Result<Rate> {
    let names: Vec<String> = fleet.devices.iter().map(|d| d.name.clone()).collect();
    let expected = fleet
        .server
        .call(move |s, now| {
            names
                .iter()
                .filter(|ep| s.observe(now, ep, SENSOR).is_ok())
                .count()
        })
        .await
        .context("the server driver stopped")?;
    let end = Instant::now() + GRACE;
    let mut started = 0;
    while started < expected {
        match timeout_at(end, fleet.events.recv()).await {
            Ok(Some(ServerEvent::Response { result: Ok(_), .. })) => started += 1,
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    // One changer task per device on the device side, woken by the controller.
    let mut kicks = Vec::with_capacity(fleet.devices.len());
    for d in &fleet.devices {
        let (tx, rx) = mpsc::unbounded_channel::<()>();
        fleet.clients.spawn(changer(d.handle.clone(), rx));
        kicks.push(tx);
    }
    let start = Instant::now();
    let cpu = CpuClock::start();
    let deadline = start + duration;
    for k in &kicks {
        let _ = k.send(());
    }
    let mut count = 0u64;
    // Most notifications are non-confirmable: one lost on the way would stop its device's loop,
    // so devices silent for a whole sweep are kicked again.
    let mut heard = vec![false; kicks.len()];
    let mut ever = vec![false; kicks.len()];
    let mut sweep = tokio::time::interval_at(start + SWEEP, SWEEP);
    loop {
        tokio::select! {
            ev = timeout_at(deadline, fleet.events.recv()) => match ev {
                Ok(Some(ServerEvent::Notification { endpoint, .. })) => {
                    count += 1;
                    if let Some(i) = index(&endpoint).filter(|i| *i < kicks.len()) {
                        ever[i] = true;
                        heard[i] = true;
                        let _ = kicks[i].send(());
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => bail!("the server driver stopped"),
                Err(_) => break,
            },
            _ = sweep.tick() => {
                for (k, h) in kicks.iter().zip(heard.iter_mut()) {
                    if !std::mem::take(h) {
                        let _ = k.send(());
                    }
                }
            }
        }
    }
    let (elapsed, cpu) = (start.elapsed(), cpu.elapsed());
    drop(kicks);
    let silent = ever.iter().filter(|e| !**e).count() as u64;
    Ok(Rate::new(count, silent, elapsed, cpu))
}

/// Bumps the temperature by one degree (wrapping at 100) per kick; the client notifies.
async fn changer(
    handle: lwm2m_runtime::lwm2m::driver::Handle<lwm2m_runtime::client::Client>,
    mut kicks: mpsc::UnboundedReceiver<()>,
) {
    while kicks.recv().await.is_some() {
        let alive = handle
            .call(|c, now| {
                if let Some(t) = c
                    .object_mut::<Object<temperature::Instance>>(3303)
                    .and_then(|o| o.instance_mut(0))
                {
                    t.set_sensor_value((t.sensor_value() + 1.0) % 100.0);
                }
                c.changed(now, SENSOR);
            })
            .await;
        if alive.is_none() {
            return;
        }
    }
}
