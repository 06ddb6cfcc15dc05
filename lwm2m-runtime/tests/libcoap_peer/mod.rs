//! What the DTLS interop tests share about libcoap's programs: finding them, running
//! `coap-client` with a time limit, and a `Secured` CoAP endpoint for it to read from.

use std::time::Duration;

use lwm2m_runtime::coap::tokio::spawn;
use lwm2m_runtime::coap::{Code, Endpoint, Event, Message};
use lwm2m_runtime::dtls::{Secured, SecuredEvent};
use tokio::net::UdpSocket;
use tokio::process::Command;
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

/// Runs `secured` on `socket`, answering GET /3/0/0 with "ACME" (4.04 elsewhere); returns its
/// security events (everything but the requests).
pub(crate) fn serve_acme(socket: UdpSocket, secured: Secured<Endpoint>) -> UnboundedReceiver<Ev> {
    let (handle, mut events, _task) = spawn(socket, secured);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
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
    rx
}
