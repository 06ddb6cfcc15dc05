//! End to end over real loopback sockets: the `lwm2m server` and `lwm2m client` binaries
//! against each other, and a server driven as a library (the runtime's tokio driver) managing
//! the `lwm2m client` binary through every Device Management operation.

mod support;

use std::time::Duration;

use lwm2m_core::codec::link::Link;
use lwm2m_core::object::WriteMode;
use lwm2m_core::{Node, Path, Resource, ResourceValue, Value};
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::server::{OpError, Reply, ServerConfig, ServerEvent};

use support::server::{DrivenServer, single};
use support::{lwm2m, lwm2m_client};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn cli_server_and_cli_client() {
    let mut server = lwm2m(
        "lwm2m server",
        &[
            "server",
            "--listen",
            "127.0.0.1:0",
            "--read-device",
            "--observe",
            "/3303/0/5700",
            "--duration",
            "30",
        ],
    );
    let addr = server.expect_line("listening on ", WAIT).await;
    let mut client = lwm2m_client(
        &format!("coap://{addr}"),
        "e2e-cli",
        &["--interval-ms", "100"],
    );
    let reg = server.expect_line("registered e2e-cli at /rd/", WAIT).await;
    assert!(reg.contains("/3/0") && reg.contains("/3303/0"), "{reg}");
    let device = server.expect_line("response e2e-cli ", WAIT).await;
    assert!(
        device.contains("/3/0/0=\"lwm2m-rs\""),
        "read /3/0: {device}"
    );
    assert!(device.contains("/3/0/2=\"e2e-cli\""), "read /3/0: {device}");
    let first = server
        .expect_line("response e2e-cli /3303/0/5700=", WAIT)
        .await;
    first.parse::<f64>().expect("a temperature");
    let note = server
        .expect_line("notification e2e-cli /3303/0/5700=", WAIT)
        .await;
    note.parse::<f64>().expect("a temperature");
    client
        .expect_line("e2e-cli: registered at /rd/", WAIT)
        .await;
    client.interrupt();
    server.expect_line("deregistered e2e-cli", WAIT).await;
    client.expect_line("e2e-cli: deregistered", WAIT).await;
    assert!(client.wait_exit(WAIT).await, "{}", client.transcript());
}

#[tokio::test]
async fn cli_client_runs_count_devices() {
    let mut server = lwm2m(
        "lwm2m server",
        &["server", "--listen", "127.0.0.1:0", "--duration", "30"],
    );
    let addr = server.expect_line("listening on ", WAIT).await;
    let mut client = lwm2m_client(&format!("coap://{addr}"), "fleet", &["--count", "3"]);
    // Each device registers under its own name, with every object it hosts.
    let mut names = Vec::new();
    for _ in 0..3 {
        let line = server.expect_line("registered fleet-", WAIT).await;
        for object in [
            "/3/0", "/3303/0", "/3311/0", "/3312/0", "/32769/0", "/32770/0",
        ] {
            assert!(line.contains(object), "no {object} in {line}");
        }
        names.push(line.split_whitespace().next().unwrap().to_string());
    }
    names.sort();
    assert_eq!(names, ["1", "2", "3"]);
    client.interrupt();
    for _ in 0..3 {
        server.expect_line("deregistered fleet-", WAIT).await;
    }
    assert!(client.wait_exit(WAIT).await, "{}", client.transcript());
}

#[tokio::test]
async fn library_server_manages_cli_client() {
    let mut server = DrivenServer::start(ServerConfig::default(), (11, 12), WAIT).await;
    let mut client = lwm2m_client(
        &format!("coap://{}", server.addr),
        "e2e-dm",
        &["--interval-ms", "100", "--lifetime", "60"],
    );
    let ep = "e2e-dm";
    match server.next().await {
        ServerEvent::Registered { endpoint, .. } => assert_eq!(endpoint, ep),
        other => panic!("expected a registration, got {other:?}"),
    }

    // Read an instance (structured format) and a single resource (text).
    let reply = server
        .op(|s, now| s.read(now, "e2e-dm", Path::instance(3, 0)))
        .await;
    let Ok(Reply::Content(c)) = reply else {
        panic!("read /3/0: {reply:?}")
    };
    let records = c.to_records();
    let get = |p: Path| {
        records
            .iter()
            .find(|r| r.path == p)
            .map(|r| r.value.clone())
    };
    assert_eq!(
        get(Path::resource(3, 0, 0)),
        Some(Value::String("lwm2m-rs".into()))
    );
    assert_eq!(get(Path::resource(3, 0, 2)), Some(Value::String(ep.into())));
    let serial = server
        .op(|s, now| s.read(now, "e2e-dm", Path::resource(3, 0, 2)))
        .await;
    assert_eq!(single(serial), Value::String(ep.into()));

    // Write, then read back.
    let app_type = Path::resource(3303, 0, 5750);
    let written = server
        .op(move |s, now| {
            let node = Node::Single(Value::String("cellar".into()));
            s.write(now, "e2e-dm", app_type, node, WriteMode::Replace)
        })
        .await;
    assert_eq!(written, Ok(Reply::Changed));
    let back = server
        .op(move |s, now| s.read(now, "e2e-dm", app_type))
        .await;
    assert_eq!(single(back), Value::String("cellar".into()));
    // A read-only resource refuses the write.
    let refused = server
        .op(|s, now| {
            let node = Node::Single(Value::Float(1.0));
            s.write(
                now,
                "e2e-dm",
                Path::resource(3303, 0, 5700),
                node,
                WriteMode::Replace,
            )
        })
        .await;
    assert_eq!(refused, Err(OpError::Response(Code::METHOD_NOT_ALLOWED)));

    // Execute Reboot.
    let executed = server
        .op(|s, now| s.execute(now, "e2e-dm", Path::resource(3, 0, 4), ""))
        .await;
    assert_eq!(executed, Ok(Reply::Changed));
    client.expect_line("reboot requested", WAIT).await;

    // Discover the temperature instance.
    let links = server
        .op(|s, now| s.discover(now, "e2e-dm", Path::instance(3303, 0)))
        .await;
    let Ok(Reply::Links(links)) = links else {
        panic!("discover: {links:?}")
    };
    let targets: Vec<&str> = links.iter().map(|l: &Link| l.target.as_str()).collect();
    assert!(targets.contains(&"/3303/0/5700"), "{targets:?}");
    assert!(targets.contains(&"/3303/0/5750"), "{targets:?}");

    // Create a second temperature instance, read it, delete it.
    let created = server
        .op(|s, now| {
            let res = Resource {
                id: 5750,
                value: ResourceValue::Single(Value::String("attic".into())),
            };
            s.create(now, "e2e-dm", 3303, Some(7), vec![res])
        })
        .await;
    assert_eq!(created, Ok(Reply::Created(Path::instance(3303, 7))));
    let attic = server
        .op(|s, now| s.read(now, "e2e-dm", Path::resource(3303, 7, 5750)))
        .await;
    assert_eq!(single(attic), Value::String("attic".into()));
    let deleted = server
        .op(|s, now| s.delete(now, "e2e-dm", Path::instance(3303, 7)))
        .await;
    assert_eq!(deleted, Ok(Reply::Deleted));
    let gone = server
        .op(|s, now| s.read(now, "e2e-dm", Path::instance(3303, 7)))
        .await;
    assert_eq!(gone, Err(OpError::Response(Code::NOT_FOUND)));

    // Observe the drifting temperature: first value, then a notification.
    let temp = Path::resource(3303, 0, 5700);
    let observe = server
        .handle
        .call(move |s, now| s.observe(now, "e2e-dm", temp))
        .await
        .unwrap()
        .unwrap();
    let mut first = false;
    loop {
        match server.next().await {
            ServerEvent::Response { op, result, .. } if op == observe => {
                let Ok(Reply::Content(c)) = result else {
                    panic!("observe: {result:?}")
                };
                assert!(matches!(c.node, Node::Single(Value::Float(_))), "{c:?}");
                first = true;
            }
            ServerEvent::Notification { op, content, .. } if op == observe => {
                assert!(first, "a notification before the observe response");
                assert_eq!(content.path, temp);
                assert!(matches!(content.node, Node::Single(Value::Float(_))));
                break;
            }
            other => eprintln!("(skipped {other:?})"),
        }
    }

    // Ctrl-C makes the client de-register.
    client.interrupt();
    loop {
        match server.next().await {
            ServerEvent::Deregistered { endpoint } => {
                assert_eq!(endpoint, ep);
                break;
            }
            ServerEvent::Notification { .. } | ServerEvent::Response { .. } => {}
            other => panic!("expected de-registration, got {other:?}"),
        }
    }
    client.expect_line("e2e-dm: deregistered", WAIT).await;
    assert!(client.wait_exit(WAIT).await, "{}", client.transcript());
}
