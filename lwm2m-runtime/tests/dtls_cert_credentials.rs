//! Loading certificate-mode credentials: PEM and DER files, SEC1 keys, and typed errors that
//! name the file at fault; the private key never shows in `Debug`.
#![cfg(feature = "dtls-cert")]

mod cert_pki;

use std::path::{Path, PathBuf};

use cert_pki::Ca;
use lwm2m_runtime::dtls::{CertCredentials, CredentialError};

fn put(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn file(path: &Path) -> String {
    path.display().to_string()
}

/// The SEC1 `ECPrivateKey` inside rcgen's P-256 PKCS#8 (what `openssl ecparam -genkey` writes).
fn sec1_of(pkcs8: &[u8]) -> Vec<u8> {
    // SEQUENCE header (2 or 3 bytes), version (3), AlgorithmIdentifier (21), OCTET STRING.
    let header = if pkcs8[1] & 0x80 != 0 {
        2 + usize::from(pkcs8[1] & 0x7f)
    } else {
        2
    };
    let at = header + 3 + 21;
    assert_eq!(pkcs8[at], 0x04);
    let (len, skip) = match pkcs8[at + 1] {
        0x81 => (usize::from(pkcs8[at + 2]), 3),
        n => (usize::from(n), 2),
    };
    pkcs8[at + skip..at + skip + len].to_vec()
}

#[test]
fn pem_and_der_files_load_and_name_the_subject() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("test CA");
    let leaf = ca.client("urn:dev:A");
    let pem = CertCredentials::load(
        put(dir.path(), "c.pem", &leaf.cert),
        put(dir.path(), "c.key", &leaf.key),
        put(dir.path(), "ca.pem", &ca.pem),
    )
    .unwrap();
    assert_eq!(pem.common_name().as_deref(), Some("urn:dev:A"));
    let der = CertCredentials::load(
        put(dir.path(), "c.der", &leaf.cert_der),
        put(dir.path(), "c.key.der", &leaf.key_der),
        dir.path().join("ca.pem"),
    )
    .unwrap();
    assert_eq!(der.common_name().as_deref(), Some("urn:dev:A"));
    let sec1 = CertCredentials::load(
        dir.path().join("c.der"),
        put(dir.path(), "c.sec1.der", sec1_of(&leaf.key_der)),
        dir.path().join("ca.pem"),
    )
    .unwrap();
    assert_eq!(sec1.common_name().as_deref(), Some("urn:dev:A"));
}

#[test]
fn debug_never_shows_the_key() {
    let ca = Ca::new("test CA");
    let leaf = ca.client("urn:dev:A");
    let text = format!("{:?}", ca.creds(&leaf));
    assert!(
        text.contains("redacted") && text.contains("urn:dev:A"),
        "{text}"
    );
    let body: Vec<&str> = leaf
        .key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert!(body.iter().all(|line| !text.contains(line)), "{text}");
}

#[test]
fn bad_inputs_fail_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = Ca::new("test CA");
    let (a, b) = (ca.client("urn:dev:A"), ca.client("urn:dev:B"));
    let (cert, key, ca_file) = (
        put(d, "a.pem", &a.cert),
        put(d, "a.key", &a.key),
        put(d, "ca.pem", &ca.pem),
    );

    let missing = d.join("missing.pem");
    let r = CertCredentials::load(&missing, &key, &ca_file);
    assert!(
        matches!(&r, Err(CredentialError::Read { file: f, .. }) if *f == file(&missing)),
        "{r:?}"
    );

    let empty = put(d, "empty.pem", "");
    let r = CertCredentials::load(&cert, &key, &empty);
    assert_eq!(
        r.unwrap_err(),
        CredentialError::NoCertificate { file: file(&empty) }
    );

    let garbage = put(
        d,
        "garbage.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    let r = CertCredentials::load(&garbage, &key, &ca_file);
    assert!(
        matches!(&r, Err(CredentialError::BadCertificate { file: f, index: 0, .. }) if *f == file(&garbage)),
        "{r:?}"
    );

    let truncated = put(d, "truncated.pem", &a.cert[..a.cert.len() / 2]);
    let r = CertCredentials::load(&truncated, &key, &ca_file);
    assert!(
        matches!(&r, Err(CredentialError::BadPem { file: f, .. }) if *f == file(&truncated)),
        "{r:?}"
    );

    // A certificate where the key should be.
    let r = CertCredentials::load(&cert, &cert, &ca_file);
    assert_eq!(r.unwrap_err(), CredentialError::NoKey { file: file(&cert) });

    let not_a_key = put(d, "junk.key", [0x30, 0x03, 0x02, 0x01, 0x00]);
    let r = CertCredentials::load(&cert, &not_a_key, &ca_file);
    assert!(
        matches!(&r, Err(CredentialError::UnsupportedKey { file: f, .. }) if *f == file(&not_a_key)),
        "{r:?}"
    );

    let other_key = put(d, "b.key", &b.key);
    let r = CertCredentials::load(&cert, &other_key, &ca_file);
    assert_eq!(
        r.unwrap_err(),
        CredentialError::KeyMismatch {
            key_file: file(&other_key),
            cert_file: file(&cert)
        }
    );
    let message = CredentialError::NoKey { file: file(&cert) }.to_string();
    assert!(message.starts_with(&file(&cert)), "{message}");
}

/// The openssl-made credentials the `dtls_cert_server` fuzz target presents load, and make a
/// server backend: a bad file there would make every fuzz run stop at its first input.
#[test]
fn the_fuzz_targets_credentials_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/certs");
    let creds = CertCredentials::load(
        dir.join("server.pem"),
        dir.join("server.key"),
        dir.join("ca.pem"),
    )
    .unwrap();
    lwm2m_runtime::dtls::CertBackend::server(creds).unwrap();
}
