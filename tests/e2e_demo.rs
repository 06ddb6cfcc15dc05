//! `lwm2m demo` runs offline on loopback, shows every step and exits on its own.

mod support;

use std::time::Duration;

use support::lwm2m;

#[tokio::test]
async fn demo_shows_every_step_and_exits() {
    let wait = Duration::from_secs(15);
    let mut demo = lwm2m(
        "lwm2m demo",
        &[
            "demo",
            "--devices",
            "2",
            "--duration",
            "2",
            "--interval-ms",
            "200",
        ],
    );
    let summary = demo.expect_line("summary: ", wait).await;
    assert!(demo.wait_exit(wait).await, "{}", demo.transcript());
    let out = demo.transcript();
    // The devices work concurrently: their lines interleave in any order.
    for needle in [
        "demo-1 registered at /rd/",
        "demo-2 registered at /rd/",
        "/3/0/0 Manufacturer = \"lwm2m-rs\"",
        "demo-1 (device) was written at /3303/0/5750",
        "demo-1 → server: /3303/0/5750 Application Type = \"greenhouse\"",
        "demo-1 (device) executed /3/0/4",
        "demo-1 → server: executed (2.04 Changed)",
        "demo-2 notifies /3303/0/5700=",
        "demo-2 (device) de-registered",
    ] {
        assert!(out.contains(needle), "no {needle:?} in:\n{out}");
    }
    assert!(summary.starts_with("2/2 registered"), "{summary}");
    assert!(summary.ends_with("2/2 de-registered"), "{summary}");
}
