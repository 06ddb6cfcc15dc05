//! `lwm2m server --dtls-listen --psk-file` and `lwm2m client --server coaps://…` against each
//! other over loopback: a device with the right key registers (the server logs its identity),
//! a wrong key is refused while the server keeps serving, an identity bound to another endpoint
//! is refused with 4.03, and bad PSK files and missing credentials are typed errors.

mod support;

use std::time::Duration;

use support::{Proc, dtls, lwm2m, run_lwm2m};

const WAIT: Duration = Duration::from_secs(15);
const KEY: &str = "000102030405060708090a0b0c0d0e0f";

fn psk_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("devices.psk");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `lwm2m client --server COAPS --psk-identity IDENTITY --psk-key KEY --endpoint dtls-dev`.
fn psk_client(label: &str, coaps: &str, identity: &str, key: &str) -> Proc {
    lwm2m(
        label,
        &[
            "client",
            "--server",
            coaps,
            "--psk-identity",
            identity,
            "--psk-key",
            key,
            "--endpoint",
            "dtls-dev",
        ],
    )
}

#[tokio::test]
async fn psk_registration_wrong_key_and_endpoint_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let file = psk_file(
        &dir,
        &format!(
            "# endpoint identity key\n\
             dtls-dev dev-id {KEY}\n\
             other-dev other-id 00112233445566778899aabbccddeeff  # bound elsewhere\n"
        ),
    );
    let mut server = lwm2m(
        "lwm2m server",
        &[
            "server",
            "--dtls-listen",
            "127.0.0.1:0",
            "--psk-file",
            &file,
            "--read-device",
            "--duration",
            "60",
        ],
    );
    let (listening, coaps) = dtls::listening(&mut server, WAIT).await;
    assert!(listening.contains("2 identities"), "{listening}");

    // The right key: registers, and the server says which identity it used.
    let mut good = psk_client("good client", &coaps, "dev-id", KEY);
    let via = "PSK identity dev-id";
    dtls::expect_registered(&mut server, &mut good, "dtls-dev", via, WAIT).await;

    // A wrong key: the handshake fails, nothing registers.
    let wrong = psk_client(
        "wrong-key client",
        &coaps,
        "dev-id",
        "ffffffffffffffffffffffffffffffff",
    );
    let failed = server.expect_line("dtls handshake with ", WAIT).await;
    assert!(
        failed.ends_with("failed: peer failed authentication (wrong key)"),
        "{failed}"
    );
    drop(wrong);

    // An identity bound to another endpoint: the session opens, the registration is refused.
    let mut mismatch = psk_client(
        "mismatched client",
        &coaps,
        "other-id",
        "00112233445566778899aabbccddeeff",
    );
    let (who, bound) = ("PSK identity other-id", "other-dev");
    dtls::expect_rejected(&mut server, &mut mismatch, "dtls-dev", who, bound, WAIT).await;
    drop(mismatch);

    // The server kept serving the good device all along: it de-registers cleanly.
    dtls::expect_deregistered(&mut server, &mut good, "dtls-dev", WAIT).await;
    let log = server.transcript();
    for secret in [KEY, "00112233445566778899aabbccddeeff", "ffffffff"] {
        assert!(!log.contains(secret), "a key in the server log:\n{log}");
    }
}

#[test]
fn bad_psk_file_lines_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = psk_file(&dir, "ok id-1 0011\nshort id-2\nbad id-3 00zz11\n");
    let (ok, text) = run_lwm2m(&[
        "server",
        "--dtls-listen",
        "127.0.0.1:0",
        "--psk-file",
        &file,
        "--duration",
        "1",
    ]);
    assert!(!ok, "{text}");
    assert!(
        text.contains(&format!("{file}:2: expected `endpoint identity hex-key`")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{file}:3: key: hex key has a non-hex character")),
        "{text}"
    );
    assert!(
        !text.contains("00zz11") && !text.contains("0011\n"),
        "{text}"
    );
}

#[test]
fn coaps_without_credentials_is_refused() {
    let (ok, text) = run_lwm2m(&[
        "client",
        "--server",
        "coaps://127.0.0.1:1",
        "--endpoint",
        "x",
    ]);
    assert!(!ok);
    assert!(
        text.contains(
            "coaps://127.0.0.1:1 is a DTLS server: give --psk-identity ID and --psk-key HEX"
        ),
        "{text}"
    );
    let (ok, text) = run_lwm2m(&[
        "client",
        "--server",
        "coap://127.0.0.1:1",
        "--endpoint",
        "x",
        "--psk-identity",
        "i",
        "--psk-key",
        "00",
    ]);
    assert!(!ok);
    assert!(text.contains("need a coaps:// server"), "{text}");
    let (ok, text) = run_lwm2m(&["server", "--dtls-listen", "127.0.0.1:0"]);
    assert!(!ok && text.contains("--psk-file"), "{text}");
}
