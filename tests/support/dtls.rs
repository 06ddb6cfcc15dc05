//! The steps the DTLS end-to-end tests (PSK and certificates) share with `lwm2m server
//! --dtls-listen --read-device`: where it listens, a device registering and being read, a
//! registration refused for an identity bound elsewhere, and a clean de-registration.

use std::time::Duration;

use super::Proc;

/// Waits for the server's `dtls listening on ADDR …` line; returns the whole rest of the line
/// and `coaps://ADDR`.
pub(crate) async fn listening(server: &mut Proc, wait: Duration) -> (String, String) {
    let listening = server.expect_line("dtls listening on ", wait).await;
    let addr = listening.split_whitespace().next().unwrap().to_string();
    (listening, format!("coaps://{addr}"))
}

/// `endpoint` registers, authenticated as `via` (e.g. `PSK identity dev-id`), the server reads
/// its Device Object over DTLS, and `client` reports the registration.
pub(crate) async fn expect_registered(
    server: &mut Proc,
    client: &mut Proc,
    endpoint: &str,
    via: &str,
    wait: Duration,
) {
    let reg = server
        .expect_line(&format!("registered {endpoint} at /rd/"), wait)
        .await;
    assert!(reg.ends_with(&format!("via DTLS ({via})")), "{reg}");
    let device = server
        .expect_line(&format!("response {endpoint} "), wait)
        .await;
    assert!(
        device.contains(&format!("/3/0/2=\"{endpoint}\"")),
        "read over DTLS: {device}"
    );
    client
        .expect_line(&format!("{endpoint}: registered at /rd/"), wait)
        .await;
}

/// The session opens, but the server refuses `endpoint` because `who` (e.g. `PSK identity
/// other-id`) is bound to endpoint `bound`, and `client` reports the 4.03.
pub(crate) async fn expect_rejected(
    server: &mut Proc,
    client: &mut Proc,
    endpoint: &str,
    who: &str,
    bound: &str,
    wait: Duration,
) {
    let rejected = server
        .expect_line(&format!("rejected {endpoint} from "), wait)
        .await;
    assert!(
        rejected.ends_with(&format!("{who} is bound to endpoint \"{bound}\"")),
        "{rejected}"
    );
    client
        .expect_line(
            &format!("{endpoint}: registration failed (Some(Code(4.03)))"),
            wait,
        )
        .await;
}

/// Ctrl-C on `client`: it de-registers `endpoint` from the server and exits successfully.
pub(crate) async fn expect_deregistered(
    server: &mut Proc,
    client: &mut Proc,
    endpoint: &str,
    wait: Duration,
) {
    client.interrupt();
    server
        .expect_line(&format!("deregistered {endpoint}"), wait)
        .await;
    assert!(client.wait_exit(wait).await, "{}", client.transcript());
}
