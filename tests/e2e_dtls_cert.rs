//! `lwm2m server --dtls-listen --cert --key --ca` and `lwm2m client --server coaps://… --cert
//! --key --ca` against each other over loopback, with a PKI made by rcgen at test time: a device
//! whose certificate CN is its endpoint name registers (the server logs the CN), a certificate
//! for another endpoint is refused with 4.03, a certificate from another CA fails the handshake
//! and a server certificate without the --server-name is refused by the client, while the
//! server keeps serving, and bad files and option mixes are errors naming the cause.

#[path = "../lwm2m-runtime/tests/cert_pki/mod.rs"]
mod cert_pki;
mod support;

use std::path::Path;
use std::time::Duration;

use cert_pki::Ca;
use support::{dtls, lwm2m, run_lwm2m};

const WAIT: Duration = Duration::from_secs(20);

fn file(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// `client --server URI --endpoint EP --cert NAME.pem --key NAME.key --ca ca.pem`.
fn client_args(dir: &Path, uri: &str, endpoint: &str, name: &str) -> Vec<String> {
    let mut args = vec!["client", "--server", uri, "--endpoint", endpoint]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    for (flag, f) in [
        ("--cert", format!("{name}.pem")),
        ("--key", format!("{name}.key")),
        ("--ca", "ca.pem".to_string()),
    ] {
        args.push(flag.to_string());
        args.push(file(dir, &f));
    }
    args
}

fn client(label: &str, args: &[String]) -> support::Proc {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    lwm2m(label, &args)
}

#[tokio::test]
async fn certificate_registration_cn_mismatch_and_foreign_ca() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = Ca::new("e2e CA");
    let (server_leaf, dev, other) = (ca.server(), ca.client("cert-dev"), ca.client("other-dev"));
    cert_pki::write(
        d,
        &ca,
        &[("server", &server_leaf), ("dev", &dev), ("other", &other)],
    );
    // A device under a CA the server does not trust (it trusts our server's CA itself).
    let foreign_dir = tempfile::tempdir().unwrap();
    let foreign = Ca::new("foreign CA");
    let stranger = foreign.client("cert-dev");
    cert_pki::write(foreign_dir.path(), &ca, &[("stranger", &stranger)]);

    let mut server = lwm2m(
        "lwm2m server",
        &[
            "server",
            "--dtls-listen",
            "127.0.0.1:0",
            "--cert",
            &file(d, "server.pem"),
            "--key",
            &file(d, "server.key"),
            "--ca",
            &file(d, "ca.pem"),
            "--read-device",
            "--duration",
            "90",
        ],
    );
    let (listening, coaps) = dtls::listening(&mut server, WAIT).await;
    assert!(listening.contains("(certificate "), "{listening}");

    // CN = endpoint name: registers, and the server says which certificate it used.
    let mut good = client("good client", &client_args(d, &coaps, "cert-dev", "dev"));
    let via = "certificate CN=cert-dev";
    dtls::expect_registered(&mut server, &mut good, "cert-dev", via, WAIT).await;

    // A valid certificate for another endpoint: the session opens, the registration is refused.
    let mut mismatch = client(
        "mismatched client",
        &client_args(d, &coaps, "cert-dev", "other"),
    );
    let warning = mismatch.expect_line("warning: ", WAIT).await;
    assert!(
        warning.contains("other.pem has subject CN other-dev, not the endpoint name cert-dev"),
        "{warning}"
    );
    let (who, bound) = ("certificate CN=other-dev", "other-dev");
    dtls::expect_rejected(&mut server, &mut mismatch, "cert-dev", who, bound, WAIT).await;
    drop(mismatch);

    // A certificate from a CA the server does not trust: the handshake fails.
    let stranger_args = client_args(foreign_dir.path(), &coaps, "cert-dev", "stranger");
    let stranger_proc = client("foreign-CA client", &stranger_args);
    let failed = server.expect_line("dtls handshake with ", WAIT).await;
    assert!(
        failed.ends_with(
            "failed: peer certificate rejected: invalid peer certificate: UnknownIssuer"
        ),
        "{failed}"
    );
    drop(stranger_proc);

    // A server name the server's certificate does not carry: the client refuses the server.
    let mut args = client_args(d, &coaps, "cert-dev", "dev");
    args.extend(["--server-name".to_string(), "elsewhere.example".to_string()]);
    let mut wrong_name = client("wrong-name client", &args);
    let refused = wrong_name
        .expect_line("cert-dev: dtls handshake with ", WAIT)
        .await;
    assert!(
        refused.contains(" failed: peer certificate rejected"),
        "{refused}"
    );
    drop(wrong_name);

    // The server kept serving the good device all along: it de-registers cleanly.
    dtls::expect_deregistered(&mut server, &mut good, "cert-dev", WAIT).await;
    let log = server.transcript();
    assert!(
        !log.contains("PRIVATE KEY"),
        "a key in the server log:\n{log}"
    );
}

#[test]
fn bad_certificate_files_and_option_mixes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = Ca::new("e2e CA");
    let (server_leaf, dev) = (ca.server(), ca.client("cert-dev"));
    cert_pki::write(d, &ca, &[("server", &server_leaf), ("dev", &dev)]);
    let missing = file(d, "missing.pem");
    let (key, ca_file) = (file(d, "server.key"), file(d, "ca.pem"));

    // The server: a missing certificate file, and a key that is not the certificate's.
    let (ok, text) = run_lwm2m(&[
        "server",
        "--dtls-listen",
        "127.0.0.1:0",
        "--cert",
        &missing,
        "--key",
        &key,
        "--ca",
        &ca_file,
        "--duration",
        "1",
    ]);
    assert!(!ok, "{text}");
    assert!(text.contains(&format!("{missing}: cannot read")), "{text}");
    let (ok, text) = run_lwm2m(&[
        "server",
        "--dtls-listen",
        "127.0.0.1:0",
        "--cert",
        &file(d, "server.pem"),
        "--key",
        &file(d, "dev.key"),
        "--ca",
        &ca_file,
        "--duration",
        "1",
    ]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("dev.key: private key does not match the certificate in"),
        "{text}"
    );
    // --cert without --key/--ca, and PSK and certificates together.
    let (ok, text) = run_lwm2m(&[
        "server",
        "--dtls-listen",
        "127.0.0.1:0",
        "--cert",
        &file(d, "server.pem"),
    ]);
    assert!(
        !ok && text.contains("--key") && text.contains("--ca"),
        "{text}"
    );
    let (ok, text) = run_lwm2m(&[
        "server",
        "--dtls-listen",
        "127.0.0.1:0",
        "--psk-file",
        &ca_file,
        "--cert",
        &file(d, "server.pem"),
        "--key",
        &key,
        "--ca",
        &ca_file,
    ]);
    assert!(!ok && text.contains("cannot be used with"), "{text}");

    // The client: a missing file is named; one certificate is one device; not for coap://.
    let mut args = client_args(d, "coaps://127.0.0.1:1", "cert-dev", "dev");
    args[6] = missing.clone();
    let (ok, text) = run_lwm2m(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ok, "{text}");
    assert!(text.contains(&format!("{missing}: cannot read")), "{text}");
    let mut args = client_args(d, "coaps://127.0.0.1:1", "cert-dev", "dev");
    args.extend(["--count".to_string(), "2".to_string()]);
    let (ok, text) = run_lwm2m(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ok, "{text}");
    assert!(
        text.contains("--cert with --count 2: a certificate is one device"),
        "{text}"
    );
    let args = client_args(d, "coap://127.0.0.1:1", "cert-dev", "dev");
    let (ok, text) = run_lwm2m(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!ok, "{text}");
    assert!(
        text.contains("--cert/--key/--ca need a coaps:// server, not coap://127.0.0.1:1"),
        "{text}"
    );
}
