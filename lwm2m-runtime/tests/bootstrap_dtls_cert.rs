//! Security Mode 2 (Certificate) from the Security Object, in virtual time: a plain
//! Bootstrap-Server provisions a `coaps://` certificate account (client certificate, its key and
//! the CA, DER) and the client registers over DTLS with it, also with loss; a provisioned
//! certificate whose CN is another endpoint gets 4.03; factory-written instances: one registers,
//! one whose certificate does not parse fails in the transport with the resource named (nothing
//! in clear), and a self-signed server certificate as resource 4 is the one server trusted.
#![cfg(feature = "dtls-cert")]

mod bsdtls_net;
mod cert_pki;

use std::time::Duration;

use bsdtls_net::{
    BS, CLIENT, Net, S, SERVER, addrs, bootstrap_server, factory_client, is_coap, lwm2m_server,
    plain_bootstrapping_client,
};
use cert_pki::{Ca, Leaf};
use lwm2m_runtime::bootstrap::{BootstrapServer, Credentials, ServerAccount};
use lwm2m_runtime::client::{SecurityObject, ServerObject, security};
use lwm2m_runtime::dtls::{Secured, SecuredEvent, SessionError};
use lwm2m_runtime::security::{CredentialsError, Identity};
use lwm2m_runtime::server::ServerEvent;

const MINUTE: u64 = 60_000;

/// A certificate LwM2M Server (leaf for 10.0.0.2) requiring client certificates under `ca`.
fn cert_server(seed: u64, ca: &Ca) -> S {
    Secured::cert_server(lwm2m_server(seed), ca.creds(&ca.server())).unwrap()
}

/// The account a Bootstrap-Server writes: `leaf` and its key, the CA as resource 4, all DER.
fn cert_account(ca: &Ca, leaf: &Leaf) -> ServerAccount {
    let mut a = ServerAccount::new(format!("coaps://{}", addrs()[SERVER]), 101);
    a.lifetime = Duration::from_secs(300);
    a.credentials = Credentials::Certificate {
        certificate: leaf.cert_der.clone(),
        server_certificate: ca.der.clone(),
        secret_key: leaf.key_der.clone(),
    };
    a
}

fn bootstrap_net(seed: u64, ca: &Ca, leaf: &Leaf) -> Net<BootstrapServer> {
    Net::new(
        seed,
        plain_bootstrapping_client(seed),
        bootstrap_server(seed, cert_account(ca, leaf)),
        cert_server(seed, ca),
    )
}

#[test]
fn plain_bootstrap_provisions_a_certificate_then_client_registers_over_dtls() {
    let ca = Ca::new("provisioning CA");
    let mut net = bootstrap_net(1, &ca, &ca.client("dev-1"));
    net.start();
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    let identity = net.client_identity();
    assert!(
        matches!(identity, Some(Identity::Certificate { common_name: Some(cn), .. }) if cn == "dev-1"),
        "{identity:?}"
    );
    assert!(net.server_events.iter().any(|e| matches!(e,
        SecuredEvent::Inner(ServerEvent::Registered { endpoint, .. }) if endpoint == "dev-1")));
    let sec = net.client.inner().object::<SecurityObject>(0).unwrap();
    assert_eq!(
        *sec.instance(1).unwrap().security_mode(),
        security::SecurityMode::CertificateMode
    );
    assert!(net.between(CLIENT, BS).all(is_coap));
    assert!(net.between(CLIENT, SERVER).all(|d| !is_coap(d)));
    let stats = net.client.stats();
    assert_eq!((stats.handshakes_completed, stats.no_credentials), (1, 0));
}

#[test]
fn provisioned_certificate_registration_survives_loss() {
    let ca = Ca::new("provisioning CA");
    let leaf = ca.client("dev-1");
    for seed in 10..13 {
        bootstrap_net(seed, &ca, &leaf).assert_registers_despite_loss(seed);
    }
}

#[test]
fn provisioned_certificate_of_another_endpoint_is_forbidden() {
    let ca = Ca::new("provisioning CA");
    bootstrap_net(3, &ca, &ca.client("dev-2")).assert_registration_forbidden("dev-2");
}

/// Security and Server instance 0 as a factory writes them, in Certificate mode.
fn factory_objects(certificate: &[u8], key: &[u8], ca: &[u8]) -> (SecurityObject, ServerObject) {
    let mode = security::SecurityMode::CertificateMode;
    bsdtls_net::factory_objects(mode, certificate, Some(ca), key)
}

fn factory_net(
    seed: u64,
    ca: &Ca,
    objects: (SecurityObject, ServerObject),
) -> Net<BootstrapServer> {
    let client = factory_client(seed, objects);
    let unused = cert_account(ca, &ca.client("unused"));
    Net::new(
        seed,
        client,
        bootstrap_server(seed, unused),
        cert_server(seed, ca),
    )
}

#[test]
fn factory_certificate_instance_registers_without_bootstrap() {
    let ca = Ca::new("factory CA");
    let leaf = ca.client("dev-1");
    let objects = factory_objects(&leaf.cert_der, &leaf.key_der, &ca.der);
    let mut net = factory_net(20, &ca, objects);
    net.start();
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    assert_eq!(net.between(CLIENT, BS).count(), 0);
}

#[test]
fn factory_certificate_that_does_not_parse_is_refused_naming_the_resource() {
    let ca = Ca::new("factory CA");
    let leaf = ca.client("dev-1");
    let objects = factory_objects(b"not a certificate", &leaf.key_der, &ca.der);
    let mut net = factory_net(21, &ca, objects);
    net.start();
    net.drive(MINUTE, |_| false);
    assert!(!net.registered());
    assert_eq!(
        net.between(CLIENT, SERVER).count(),
        0,
        "nothing leaves in clear"
    );
    let error = net.client_events.iter().find_map(|e| match e {
        SecuredEvent::Failed {
            error: SessionError::Credentials(e),
            ..
        } => Some(e.clone()),
        _ => None,
    });
    let Some(CredentialsError::Invalid { mode: 2, reason }) = &error else {
        panic!("{error:?} / {:?}", net.client_events);
    };
    assert!(
        reason.starts_with("resource 3 (client certificate): certificate 0 is not valid X.509"),
        "{reason}"
    );
    let text = error.unwrap().to_string();
    assert!(
        text.starts_with("security mode 2 (Certificate) credentials unusable: resource 3"),
        "{text}"
    );
}

/// A self-signed server certificate for the server's address, as the client's resource 4 (the
/// server certificate itself, no CA): the client trusts exactly that server.
#[test]
fn provisioned_self_signed_server_certificate_is_the_trust_anchor() {
    use lwm2m_runtime::dtls::CertCredentials;
    use rcgen::{CertificateParams, KeyPair, PKCS_ECDSA_P256_SHA256, SanType};

    let ca = Ca::new("device CA");
    let leaf = ca.client("dev-1");
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.subject_alt_names = vec![SanType::IpAddress(addrs()[SERVER].ip())];
    let self_signed = p.self_signed(&key).unwrap();
    let creds = CertCredentials::from_pem(
        self_signed.pem().as_bytes(),
        key.serialize_pem().as_bytes(),
        ca.pem.as_bytes(),
    )
    .unwrap();
    let make = |anchor: &[u8]| {
        let server = Secured::cert_server(lwm2m_server(22), creds.clone()).unwrap();
        let mut net = factory_net(
            22,
            &ca,
            factory_objects(&leaf.cert_der, &leaf.key_der, anchor),
        );
        net.server = server;
        net.start();
        net
    };
    let mut net = make(self_signed.der());
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    // Another anchor (the device CA did not sign the server): the client refuses the server.
    let mut net = make(&ca.der);
    let rejected = |n: &Net<_>| {
        n.client_events.iter().any(|e| {
            matches!(
                e,
                SecuredEvent::Failed {
                    error: SessionError::CertificateRejected(_),
                    ..
                }
            )
        })
    };
    assert!(net.drive(MINUTE, rejected), "{:?}", net.client_events);
    assert!(!net.registered());
}
