//! libcoap's `coap-client-notls` (Debian libcoap3-bin) sends raw CoAP requests to the
//! `lwm2m client` binary: Read as text/plain and as TLV, Write, Execute, an unknown Resource.
//! Our client answers only its server's address, so the test registers it with a server on our
//! runtime, stops that server and lets coap-client send from the same port.

mod support;

use std::process::{Command, Output};
use std::time::Duration;

use lwm2m_core::{ContentFormat, Path, Value, codec};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::lwm2m::driver::spawn;
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};
use tokio::net::UdpSocket;

use support::{Proc, lwm2m};

const WAIT: Duration = Duration::from_secs(15);
const COAP_CLIENT: &str = "coap-client-notls";

/// Runs coap-client from `port` (the server's address the client trusts) with `args`.
async fn coap_client(port: u16, args: &[&str]) -> Output {
    let mut cmd = Command::new(COAP_CLIENT);
    cmd.args(["-a", "127.0.0.1", "-p", &port.to_string(), "-B", "5"])
        .args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("coap-client task");
    match out {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{COAP_CLIENT}` not found: run .ci/install-peers (Debian: apt-get install -y libcoap3-bin)"
        ),
        Err(e) => panic!("running {COAP_CLIENT}: {e}"),
    }
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim_end().to_string()
}

/// The `lwm2m client` binary registered with a server that is gone again; returns the client,
/// the port the server used and the client's address.
async fn registered_client() -> (Proc, u16, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(31)),
        SeededRandom::new(32),
    );
    server.add_objects(&[&device::META, &temperature::META]);
    let (handle, mut events, task) = spawn(socket, server);
    let client = lwm2m(
        "lwm2m client",
        &[
            "client",
            "--server",
            &format!("coap://{addr}"),
            "--endpoint",
            "rs-for-libcoap",
            "--interval-ms",
            "60000",
        ],
    );
    let ev = tokio::time::timeout(WAIT, events.recv()).await;
    let Ok(Some(ServerEvent::Registered { endpoint, .. })) = ev else {
        panic!("expected a registration, got {ev:?}")
    };
    let peer = handle
        .call(move |s, _| s.registration(&endpoint).map(|r| r.peer))
        .await
        .flatten()
        .expect("the registration");
    drop(handle);
    drop(events);
    // The driver ends when its handle is gone; its socket closes with it.
    tokio::time::timeout(WAIT, task)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    (client, addr.port(), peer.to_string())
}

#[tokio::test]
async fn libcoap_requests_to_our_client() {
    let (mut client, port, peer) = registered_client().await;
    let url = |p: &str| format!("coap://{peer}{p}");

    // GET /3/0/0, Accept text/plain.
    let out = coap_client(port, &["-m", "get", "-A", "0", &url("/3/0/0")]).await;
    assert_eq!(text(&out), "lwm2m-rs", "{out:?}");

    // GET /3/0, Accept TLV: decode it with the Device metadata.
    let file = tempfile::NamedTempFile::new().unwrap();
    let path_arg = file.path().to_str().unwrap().to_string();
    let out = coap_client(
        port,
        &["-m", "get", "-A", "11542", "-o", &path_arg, &url("/3/0")],
    )
    .await;
    let tlv = std::fs::read(file.path()).unwrap();
    assert!(!tlv.is_empty(), "no TLV payload: {out:?}");
    let content = codec::decode(
        ContentFormat::Tlv,
        Path::instance(3, 0),
        &tlv,
        &device::META,
    )
    .unwrap_or_else(|e| panic!("TLV from our client does not decode: {e}: {tlv:02x?}"));
    let records = content.to_records();
    let serial = records.iter().find(|r| r.path == Path::resource(3, 0, 2));
    assert_eq!(
        serial.map(|r| &r.value),
        Some(&Value::String("rs-for-libcoap".into())),
        "{records:?}"
    );

    // PUT text/plain, then read back.
    let out = coap_client(
        port,
        &[
            "-m",
            "put",
            "-t",
            "0",
            "-e",
            "vineyard",
            &url("/3303/0/5750"),
        ],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    client
        .expect_line("rs-for-libcoap: Written { path: Path(/3303/0/5750) }", WAIT)
        .await;
    let out = coap_client(port, &["-m", "get", "-A", "0", &url("/3303/0/5750")]).await;
    assert_eq!(text(&out), "vineyard", "{out:?}");

    // POST: Execute Reboot.
    let out = coap_client(port, &["-m", "post", &url("/3/0/4")]).await;
    assert!(out.status.success(), "{out:?}");
    client.expect_line("reboot requested", WAIT).await;

    // An unknown Resource: 4.04, no payload.
    let out = coap_client(port, &["-m", "get", "-A", "0", &url("/3/0/999")]).await;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("4.04"), "{out:?}");

    // A write to a read-only Resource: 4.05.
    let out = coap_client(
        port,
        &["-m", "put", "-t", "0", "-e", "1.5", &url("/3303/0/5700")],
    )
    .await;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("4.05"), "{out:?}");
    let temp = coap_client(port, &["-m", "get", "-A", "0", &url("/3303/0/5700")]).await;
    let value: f64 = text(&temp).parse().expect("the temperature as text");
    assert!((10.0..40.0).contains(&value), "{value}");
}
