//! Fuzz target: see `lwm2m_runtime::dtls::fuzz_secured_cert`. The credentials in `fuzz/certs/`
//! were made with openssl for this target only (a test CA and a P-256 server leaf): not secrets.
#![no_main]

use std::sync::LazyLock;

use lwm2m_runtime::dtls::CertCredentials;

static CREDS: LazyLock<CertCredentials> = LazyLock::new(|| {
    let file = |name: &str| std::fs::read(format!("{}/certs/{name}", env!("CARGO_MANIFEST_DIR")));
    let (cert, key, ca) = (file("server.pem"), file("server.key"), file("ca.pem"));
    CertCredentials::from_pem(&cert.unwrap(), &key.unwrap(), &ca.unwrap()).unwrap()
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_runtime::dtls::fuzz_secured_cert(
    CREDS.clone(),
    data
));
