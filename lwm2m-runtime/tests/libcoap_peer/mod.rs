//! What the DTLS interop tests share about libcoap's programs: finding them, running
//! `coap-client` with a time limit and `coap-server` on a port pair, a `Secured` CoAP endpoint
//! for `coap-client` to read from, and waiting for a `Secured` client's response.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use lwm2m_runtime::coap::tokio::{Handle, spawn};
use lwm2m_runtime::coap::{Code, Endpoint, Event, Message, RequestId};
use lwm2m_runtime::dtls::{Secured, SecuredEvent};
use tokio::net::UdpSocket;
use tokio::process::{Child, Command};
use tokio::sync::mpsc::UnboundedReceiver;

pub(crate) type Ev = SecuredEvent<Event>;

/// Whether `program` can run here; panics in CI when it cannot.
pub(crate) fn available(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| dir.join(program).is_file());
    if !found {
        let msg = format!(
            "`{program}` not found: this test needs libcoap (Debian: apt-get install -y libcoap3-bin, or .ci/install-peers)"
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}");
        }
        eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
    }
    found
}

/// Runs `program` with `args` (at most 30 s); returns its stdout and stderr.
pub(crate) async fn coap_client(program: &str, args: &[&str]) -> (String, String) {
    let run = Command::new(program).args(args).kill_on_drop(true).output();
    let out = tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .unwrap_or_else(|_| panic!("{program} {args:?} did not finish in 30 s"))
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A running ACME server: its address, its security events, and its driver (for statistics).
pub(crate) type Acme = (SocketAddr, UnboundedReceiver<Ev>, Handle<Secured<Endpoint>>);

/// Runs `secured` at a loopback port, answering GET /3/0/0 with "ACME" (4.04 elsewhere); returns
/// its address, its security events (everything but the requests) and its driver.
pub(crate) async fn serve_acme(secured: Secured<Endpoint>) -> Acme {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let (handle, mut events, _task) = spawn(socket, secured);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let driver = handle.clone();
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let SecuredEvent::Inner(Event::Request { id, message, .. }) = event else {
                let _ = tx.send(event);
                continue;
            };
            let response = match message.uri_path_string().as_str() {
                "/3/0/0" => Message::response(Code::CONTENT)
                    .with_content_format(0)
                    .with_payload("ACME"),
                _ => Message::response(Code::NOT_FOUND),
            };
            handle
                .call(move |s, now| s.inner_mut().respond(now, id, response))
                .await
                .unwrap()
                .unwrap();
        }
    });
    (addr, rx, driver)
}

/// A port `p` with `p` and `p + 1` free (libcoap's DTLS port is the plain one plus one).
pub(crate) fn port_pair() -> u16 {
    loop {
        let a = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let p = a.local_addr().unwrap().port();
        if p < u16::MAX && std::net::UdpSocket::bind(("127.0.0.1", p + 1)).is_ok() {
            return p;
        }
    }
}

/// Starts the libcoap server `program` with `args`, its output discarded; killed on drop.
pub(crate) fn coap_server(program: &str, args: &[&str]) -> Child {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {program}: {e}"))
}

/// The response to request `want` of a `Secured` client within `limit`; a failed request or a
/// failed handshake fails the test.
pub(crate) async fn next_response(
    events: &mut UnboundedReceiver<Ev>,
    want: RequestId,
    limit: Duration,
) -> Message {
    let wait = async {
        loop {
            match events.recv().await.expect("driver stopped") {
                SecuredEvent::Inner(Event::Response { id, message }) if id == want => {
                    return message;
                }
                SecuredEvent::Inner(Event::RequestFailed { id, reason }) if id == want => {
                    panic!("request failed: {reason:?}")
                }
                SecuredEvent::Failed { error, .. } => panic!("DTLS failed: {error}"),
                _ => {}
            }
        }
    };
    tokio::time::timeout(limit, wait)
        .await
        .unwrap_or_else(|_| panic!("no response within {limit:?}"))
}
