//! Interop with lwm2m-node-lib 1.4.0 (npm; LwM2M 1.0, text/plain only), an independent
//! implementation: its server manages the `lwm2m client` binary, and a server on our runtime
//! manages its client. Both peers are interactive command lines, fed one command at a time
//! (`../shared/peers/node/`). A missing peer fails the test.

mod support;

use std::time::Duration;

use lwm2m_core::object::WriteMode;
use lwm2m_core::{ContentFormat, FormatSet, Node, Path, Value};
use lwm2m_runtime::server::{Reply, ServerConfig, ServerError, ServerEvent};

use support::server::{DrivenServer, single};
use support::{free_udp_port, lwm2m_client, node_cli};

const WAIT: Duration = Duration::from_secs(15);

#[tokio::test]
async fn node_server_manages_our_client() {
    let port = free_udp_port().to_string();
    let mut node = node_cli("lwm2m-node-server.js", &[("LWM2M_PORT", &port)]);
    node.expect("Lightweight M2M Server started", WAIT).await;
    let mut client = lwm2m_client(
        &format!("coap://127.0.0.1:{port}"),
        "rs-for-node",
        &["--interval-ms", "150"],
    );
    node.expect_line("Endpoint name: rs-for-node", WAIT).await;

    node.send("list");
    let id = node.expect_line("-> Device Id \"", WAIT).await;
    let id = id.trim_end_matches('"').to_string();
    node.expect_line("\"name\": \"rs-for-node\"", WAIT).await;

    // Read: the node server asks with Accept 0 and prints the text.
    node.send(&format!("read {id} /3/0/0"));
    node.expect_line("Id: /3/0/0", WAIT).await;
    assert_eq!(node.expect_line("Value: ", WAIT).await, "lwm2m-rs");

    // Write with Content-Format 1541 (the old text number), then read back.
    node.send(&format!("write {id} /3303/0/5750 orchard"));
    node.expect_line("Success: Value written successfully", WAIT)
        .await;
    client
        .expect_line("rs-for-node: Written { path: Path(/3303/0/5750) }", WAIT)
        .await;
    node.send(&format!("read {id} /3303/0/5750"));
    node.expect_line("Id: /3303/0/5750", WAIT).await;
    assert_eq!(node.expect_line("Value: ", WAIT).await, "orchard");

    // Execute Reboot with an argument list in LwM2M syntax.
    node.send(&format!("execute {id} /3/0/4 0"));
    node.expect_line("Success: Command executed successfully", WAIT)
        .await;
    client.expect_line("reboot requested", WAIT).await;

    // Write-Attributes, then Discover shows them (the node server prints what follows the
    // first ';' of the link, one attribute a line).
    node.send(&format!("writeAttr {id} 3 0 9 pmin=2,pmax=30"));
    node.expect_line("Attributes wrote to resource [/3/0/9]", WAIT)
        .await;
    node.send(&format!("discover {id} 3 0 9"));
    node.expect_line("Resource attributes:", WAIT).await;
    node.expect_line("pmin = 2", WAIT).await;
    node.expect_line("pmax=30", WAIT).await;

    // Observe the drifting temperature (the node server swallows the first notification).
    node.send(&format!("observe {id} 3303 0 5700"));
    node.expect_line("Observer stablished over resource [/3303/0/5700]", WAIT)
        .await;
    for _ in 0..2 {
        let v = node.expect_line("Got new value: ", WAIT).await;
        v.parse::<f64>()
            .unwrap_or_else(|_| panic!("not a temperature: {v:?}"));
    }

    // Ctrl-C: our client de-registers.
    client.interrupt();
    node.expect_line("Device unregistration:", WAIT).await;
    client.expect_line("rs-for-node: deregistered", WAIT).await;
    assert!(client.wait_exit(WAIT).await, "{}", client.transcript());
}

/// A server on our runtime. lwm2m-node-lib registers as LwM2M 1.0 without ct= and implements
/// text only, although 1.0 makes TLV mandatory: it uses text and opaque with clients that
/// announce nothing.
async fn our_server() -> DrivenServer {
    let mut config = ServerConfig::default();
    config.unannounced_formats = Some(
        FormatSet::EMPTY
            .with(ContentFormat::Text)
            .with(ContentFormat::Opaque),
    );
    DrivenServer::start(config, (21, 22), WAIT).await
}

#[tokio::test]
async fn our_server_manages_node_client() {
    let mut server = our_server().await;
    let mut node = node_cli("lwm2m-node-client.js", &[("LWM2M_LIFETIME", "60")]);
    for (cmd, done) in [
        ("create /3/0", "ObjectUri: /3/0"),
        ("set /3/0 0 NodeCorp", "-> 0: NodeCorp"),
        ("create /3303/0", "ObjectUri: /3303/0"),
        ("set /3303/0 5700 21.5", "-> 5700: 21.5"),
        ("set /3303/0 5750 porch", "-> 5750: porch"),
    ] {
        node.send(cmd);
        node.expect_line(done, WAIT).await;
    }
    let port = server.addr.port();
    node.send(&format!("connect 127.0.0.1 {port} node-dev /"));
    node.expect_line("Device location: ", WAIT).await;
    match server.next().await {
        ServerEvent::Registered { endpoint, .. } => assert_eq!(endpoint, "node-dev"),
        other => panic!("expected a registration, got {other:?}"),
    }

    // Reads: the client registered LwM2M 1.0 without ct=, so single values go as text/plain.
    let make = server
        .op(|s, now| s.read(now, "node-dev", Path::resource(3, 0, 0)))
        .await;
    assert_eq!(single(make), Value::String("NodeCorp".into()));
    node.expect_line("-> Read Value: NodeCorp", WAIT).await;
    let temp = server
        .op(|s, now| s.read(now, "node-dev", Path::resource(3303, 0, 5700)))
        .await;
    assert_eq!(single(temp), Value::Float(21.5));

    // An instance has no text representation: refused at once rather than sent with a TLV
    // Accept the client would never answer.
    let refused = server
        .handle
        .call(|s, now| s.read(now, "node-dev", Path::instance(3303, 0)))
        .await
        .unwrap();
    assert!(
        matches!(refused, Err(ServerError::Encode(_))),
        "{refused:?}"
    );

    // Write (text/plain), then read back.
    let written = server
        .op(|s, now| {
            let node = Node::Single(Value::String("garden".into()));
            s.write(
                now,
                "node-dev",
                Path::resource(3303, 0, 5750),
                node,
                WriteMode::Replace,
            )
        })
        .await;
    assert_eq!(written, Ok(Reply::Changed));
    node.expect_line("-> Written value: garden", WAIT).await;
    let back = server
        .op(|s, now| s.read(now, "node-dev", Path::resource(3303, 0, 5750)))
        .await;
    assert_eq!(single(back), Value::String("garden".into()));

    // Execute.
    let executed = server
        .op(|s, now| s.execute(now, "node-dev", Path::resource(3, 0, 4), "0"))
        .await;
    assert_eq!(executed, Ok(Reply::Changed));
    node.expect_line("-> Command arguments: 0", WAIT).await;

    // Discover the temperature instance.
    let links = server
        .op(|s, now| s.discover(now, "node-dev", Path::instance(3303, 0)))
        .await;
    let Ok(Reply::Links(links)) = links else {
        panic!("discover: {links:?}")
    };
    let targets: Vec<&str> = links.iter().map(|l| l.target.as_str()).collect();
    assert!(targets.contains(&"/3303/0/5700"), "{targets:?}");

    // Observe, then change the value on the node client: a notification arrives.
    let observe = server
        .handle
        .call(|s, now| s.observe(now, "node-dev", Path::resource(3303, 0, 5700)))
        .await
        .unwrap()
        .unwrap();
    loop {
        match server.next().await {
            ServerEvent::Response { op, result, .. } if op == observe => {
                assert_eq!(single(result), Value::Float(21.5));
                break;
            }
            other => eprintln!("(skipped {other:?})"),
        }
    }
    node.send("set /3303/0 5700 23.25");
    loop {
        match server.next().await {
            ServerEvent::Notification { op, content, .. } if op == observe => {
                assert_eq!(content.node, Node::Single(Value::Float(23.25)));
                break;
            }
            other => eprintln!("(skipped {other:?})"),
        }
    }

    node.send("disconnect");
    loop {
        match server.next().await {
            ServerEvent::Deregistered { endpoint } => {
                assert_eq!(endpoint, "node-dev");
                break;
            }
            other => eprintln!("(skipped {other:?})"),
        }
    }
    node.send("quit");
}
