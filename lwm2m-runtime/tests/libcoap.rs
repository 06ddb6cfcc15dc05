//! Interop over real UDP sockets with libcoap (Debian `libcoap3-bin`): `coap-client-notls`
//! against a server built on the endpoint (Block2, observe), and a client built on the endpoint
//! against `coap-server-notls` (Block1, Block2, observe and deregistration).
#![cfg(feature = "tokio")]

use std::net::SocketAddr;
use std::process::Output;
use std::time::Duration;

use lwm2m_runtime::coap::tokio::{Handle, os_seeded, spawn};
use lwm2m_runtime::coap::{Code, Config, Endpoint, Event, Message, ReadOptions, RequestId};
use tokio::net::UdpSocket;
use tokio::process::Command;

const CLIENT: &str = "coap-client-notls";
const SERVER: &str = "coap-server-notls";

fn large_body() -> Vec<u8> {
    (0..60)
        .flat_map(|i| {
            format!("line {i:03} of a representation larger than one block\n").into_bytes()
        })
        .collect()
}

/// A tiny server on the endpoint: `/large` (Block2), `/obs` (observable, two notifications).
async fn start_server() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let (handle, mut events, _task) = spawn(socket, Endpoint::new(Config::default(), os_seeded()));
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let Event::Request { id, message, .. } = event else {
                eprintln!("server event: {event:?}");
                continue;
            };
            let path = message.uri_path_string();
            let response = match path.as_str() {
                "/large" => Message::response(Code::CONTENT)
                    .with_content_format(0)
                    .with_payload(large_body()),
                "/obs" => Message::response(Code::CONTENT)
                    .with_content_format(0)
                    .with_payload("n0\n"),
                _ => Message::response(Code::NOT_FOUND),
            };
            let obs = handle
                .call(move |ep, now| ep.respond(now, id, response))
                .await
                .unwrap()
                .unwrap();
            if let Some(obs) = obs {
                tokio::spawn(notify_twice(handle.clone(), obs));
            }
        }
    });
    addr
}

async fn notify_twice(handle: Handle, obs: lwm2m_runtime::coap::ObservationId) {
    for i in 1..=2 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let body = format!("n{i}\n");
        let msg = Message::response(Code::CONTENT)
            .with_content_format(0)
            .with_payload(body);
        handle
            .call(move |ep, now| ep.notify(now, obs, msg))
            .await
            .unwrap()
            .unwrap();
    }
}

async fn coap_client(args: &[&str]) -> Output {
    let run = Command::new(CLIENT).args(args).kill_on_drop(true).output();
    match tokio::time::timeout(Duration::from_secs(20), run).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!(
                "`{CLIENT}` not found: this test needs libcoap (Debian: apt-get install -y libcoap3-bin)"
            )
        }
        Ok(Err(e)) => panic!("running {CLIENT}: {e}"),
        Err(_) => panic!("{CLIENT} {args:?} did not finish in 20 s"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn libcoap_client_block2_get_and_observe() {
    let addr = start_server().await;

    let url = format!("coap://{addr}/large");
    let out = coap_client(&["-m", "get", "-B", "10", &url]).await;
    assert!(out.status.success(), "{out:?}");
    let body = large_body();
    assert!(body.len() > 3000);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        String::from_utf8_lossy(&body).trim_end()
    );

    let url = format!("coap://{addr}/obs");
    let out = coap_client(&["-m", "get", "-s", "3", "-B", "5", &url]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        ["n0", "n1", "n2"],
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn next_response(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<Event>,
    want: RequestId,
) -> Message {
    let wait = async {
        loop {
            match events.recv().await.expect("driver stopped") {
                Event::Response { id, message } if id == want => return message,
                Event::RequestFailed { id, reason } if id == want => {
                    panic!("request failed: {reason:?}")
                }
                _ => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("no response within 10 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_client_against_libcoap_server() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Command::new(SERVER)
        .args(["-A", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let _server = match server {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!(
                "`{SERVER}` not found: this test needs libcoap (Debian: apt-get install -y libcoap3-bin)"
            )
        }
        Err(e) => panic!("starting {SERVER}: {e}"),
    };
    let peer: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (handle, mut events, _task) = spawn(socket, Endpoint::new(Config::default(), os_seeded()));
    let send = |msg: Message| {
        let handle = handle.clone();
        async move {
            handle
                .call(move |ep, now| ep.request(now, peer, msg))
                .await
                .unwrap()
                .unwrap()
        }
    };

    // Wait for the server to come up (retransmission covers a slow start).
    let id = send(Message::request(Code::GET).with_uri_path("/.well-known/core")).await;
    let core = next_response(&mut events, id).await;
    assert!(
        String::from_utf8_lossy(&core.payload).contains("</example_data>"),
        "{core:?}"
    );

    // Block1 up, Block2 down: 3000 bytes through 1024-byte blocks both ways.
    let body: Vec<u8> = (0..3000).map(|i| b"0123456789abcdef"[i % 16]).collect();
    let put = Message::request(Code::PUT)
        .with_uri_path("/example_data")
        .with_content_format(0)
        .with_payload(body.clone());
    let id = send(put).await;
    let r = next_response(&mut events, id).await;
    assert!(r.code == Code::CHANGED || r.code == Code::CREATED, "{r:?}");
    let id = send(Message::request(Code::GET).with_uri_path("/example_data")).await;
    let r = next_response(&mut events, id).await;
    assert_eq!(r.code, Code::CONTENT);
    assert_eq!(r.payload, body);

    // Observe /time: the registration response and two notifications, then deregister.
    let id = send(
        Message::request(Code::GET)
            .with_uri_path("/time")
            .with_observe(0),
    )
    .await;
    let mut seqs = Vec::new();
    for _ in 0..3 {
        let n = next_response(&mut events, id).await;
        assert_eq!(n.code, Code::CONTENT);
        seqs.push(n.observe().expect("notification carries Observe"));
    }
    assert!(seqs.windows(2).all(|w| w[0] != w[1]), "{seqs:?}");
    handle
        .call(move |ep, now| ep.cancel_observation(now, id))
        .await
        .unwrap()
        .unwrap();
    let last = loop {
        let m = next_response(&mut events, id).await;
        if m.observe().is_none() {
            break m;
        }
    };
    assert_eq!(last.code, Code::CONTENT);
}
