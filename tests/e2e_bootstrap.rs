//! End to end over real loopback sockets: `lwm2m client --bootstrap` bootstraps from the
//! Bootstrap-Server of `lwm2m server --bootstrap-listen`, then registers with that server with
//! the lifetime the Bootstrap-Server wrote.

mod support;

use std::time::Duration;

use support::lwm2m;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn cli_client_bootstraps_from_cli_server() {
    let mut server = lwm2m(
        "lwm2m server",
        &[
            "server",
            "--listen",
            "127.0.0.1:0",
            "--bootstrap-listen",
            "127.0.0.1:0",
            "--bootstrap-lifetime",
            "77",
            "--duration",
            "30",
        ],
    );
    let addr = server.expect_line("listening on ", WAIT).await;
    let bs = server.expect_line("bootstrap listening on ", WAIT).await;
    let (bs_addr, writes) = bs.split_once(' ').expect("address and URI");
    assert_eq!(writes, format!("(writes coap://{addr})"));
    let mut client = lwm2m(
        "lwm2m client",
        &[
            "client",
            "--bootstrap",
            &format!("coap://{bs_addr}"),
            "--endpoint",
            "e2e-bs",
        ],
    );
    server.expect_line("bootstrap requested e2e-bs", WAIT).await;
    let reg = server.expect_line("registered e2e-bs at /rd/", WAIT).await;
    assert!(reg.contains("lifetime=77s"), "{reg}");
    // The Bootstrap-Server replaced the accounts only: the device's own instances stay.
    assert!(reg.contains("/1/0") && reg.contains("/3303/0"), "{reg}");
    assert!(!reg.contains("/0/"), "Security is never registered: {reg}");
    let done = client
        .expect_line("e2e-bs: bootstrapped, server ", WAIT)
        .await;
    assert_eq!(done, format!("coap://{addr}"));
    client.expect_line("e2e-bs: registered at /rd/", WAIT).await;
    client.interrupt();
    server.expect_line("deregistered e2e-bs", WAIT).await;
}
