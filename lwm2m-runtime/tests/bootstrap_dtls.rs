//! Bootstrap and DTLS together in virtual time: the client's transport takes its credentials
//! from the Security Object. A plain Bootstrap-Server provisions a `coaps://` PSK account and the
//! client registers over DTLS with it (with loss); bootstrap itself over PSK; a provisioned
//! identity bound to another endpoint (4.03, at the server and at the Bootstrap-Server);
//! unsupported Security Modes (RPK, EST) refused at Bootstrap-Finish (4.06 with the reason) and
//! by the transport; a factory-configured PSK Security instance without bootstrap. Certificate
//! mode (2): bootstrap_dtls_cert.rs.
#![cfg(feature = "dtls")]

mod bsdtls_net;

use bsdtls_net::{
    BS, BS_KEY, CLIENT, DM_KEY, Net, SERVER, addrs, bootstrap_server, dm_server, factory_client,
    factory_objects, is_coap, plain_bootstrapping_client, psk_account, secured_bs, secured_client,
};
use lwm2m_runtime::bootstrap::{BootstrapError, BootstrapEvent, BootstrapServer, Credentials};
use lwm2m_runtime::client::{
    BootstrapAccount, BootstrapFailure, Client, ClientEvent, ConsistencyError, SecurityObject,
    security,
};
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::dtls::{Secured, SecuredEvent, SessionError};
use lwm2m_runtime::security::{CredentialsError, Identity};
use lwm2m_runtime::server::{RejectReason, ServerEvent};

const MINUTE: u64 = 60_000;

/// `dev-1` bootstrapping from the plain Bootstrap-Server, which provisions PSK identity
/// `dev-1-id`; the server knows `identity`, bound to endpoint `bound`.
fn plain_bootstrap_net(seed: u64, identity: &str, bound: &str) -> Net<BootstrapServer> {
    let server = addrs()[SERVER];
    Net::new(
        seed,
        plain_bootstrapping_client(seed),
        bootstrap_server(seed, psk_account(server, "dev-1-id")),
        dm_server(seed, identity, bound),
    )
}

/// `dev-1` bootstrapping over PSK (identity `bs-id`, which the Bootstrap-Server binds to
/// endpoint `bs_bound`); the Bootstrap-Server provisions a PSK account for the server.
fn psk_bootstrap_net(seed: u64, bs_bound: &str) -> Net<Secured<BootstrapServer>> {
    let [_, bs, server] = addrs();
    let account = BootstrapAccount::psk(bs, "bs-id", BS_KEY);
    Net::new(
        seed,
        secured_client(seed, |c, e| Client::bootstrapping(c, e, account)),
        secured_bs(
            seed,
            bootstrap_server(seed, psk_account(server, "dev-1-id")),
            "bs-id",
            bs_bound,
        ),
        dm_server(seed, "dev-1-id", "dev-1"),
    )
}

#[test]
fn plain_bootstrap_provisions_psk_then_client_registers_over_dtls() {
    let mut net = plain_bootstrap_net(1, "dev-1-id", "dev-1");
    net.start();
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    assert!(net.server_events.iter().any(|e| matches!(e,
        SecuredEvent::Inner(ServerEvent::Registered { endpoint, .. }) if endpoint == "dev-1")));
    assert_eq!(
        net.client_identity(),
        Some(&Identity::Psk(b"dev-1-id".to_vec())),
        "registered with the identity the Bootstrap-Server wrote"
    );
    // Plain CoAP with the NoSec Bootstrap-Server, only DTLS records with the coaps:// server.
    assert!(net.between(CLIENT, BS).all(is_coap));
    assert!(net.between(BS, CLIENT).all(is_coap));
    assert!(net.between(CLIENT, SERVER).all(|d| !is_coap(d)));
    assert!(net.between(CLIENT, SERVER).count() > 3);
    let stats = net.client.stats();
    assert_eq!((stats.handshakes_completed, stats.no_credentials), (1, 0));
}

#[test]
fn provisioned_psk_registration_survives_loss() {
    for seed in 10..16 {
        plain_bootstrap_net(seed, "dev-1-id", "dev-1").assert_registers_despite_loss(seed);
    }
}

#[test]
fn bootstrap_over_psk_then_registration_over_psk() {
    let bs = addrs()[BS];
    let mut net = psk_bootstrap_net(2, "dev-1");
    net.start();
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    assert!(net.bs_events.contains(&SecuredEvent::Connected {
        peer: net.addrs[CLIENT],
        identity: Identity::Psk(b"bs-id".to_vec()),
    }));
    assert!(
        net.bs_events
            .contains(&SecuredEvent::Inner(BootstrapEvent::Finished {
                endpoint: "dev-1".into()
            }))
    );
    assert!(
        net.between(CLIENT, BS).all(|d| !is_coap(d)),
        "bootstrap in DTLS"
    );
    assert!(net.between(CLIENT, SERVER).all(|d| !is_coap(d)));
    assert_eq!(
        net.client_identity(),
        Some(&Identity::Psk(b"dev-1-id".to_vec()))
    );
    // The Bootstrap-Server Account kept its own credentials through Delete /0.
    let sec = net.client.inner().object::<SecurityObject>(0).unwrap();
    let bs_account = sec.instance(0).unwrap();
    assert_eq!(bs_account.lwm2m_server_uri(), &format!("coaps://{bs}"));
    assert_eq!(bs_account.public_key_or_identity(), b"bs-id");
}

#[test]
fn provisioned_identity_bound_to_another_endpoint_is_forbidden_at_registration() {
    plain_bootstrap_net(3, "dev-1-id", "dev-2").assert_registration_forbidden("dev-2");
}

#[test]
fn bootstrap_identity_bound_to_another_endpoint_is_forbidden() {
    let client = addrs()[CLIENT];
    let mut net = psk_bootstrap_net(4, "dev-9");
    net.start();
    let refused = |n: &Net<_>| {
        n.client_events.iter().any(|e| {
            matches!(
                e,
                SecuredEvent::Inner(ClientEvent::BootstrapFailed {
                    reason: BootstrapFailure::Refused(Code::FORBIDDEN),
                    ..
                })
            )
        })
    };
    assert!(net.drive(MINUTE, refused), "{:?}", net.client_events);
    let forbidden = net.bs_events.iter().find_map(|e| match e {
        SecuredEvent::Inner(BootstrapEvent::Failed {
            endpoint,
            reason: BootstrapError::Forbidden { peer, reason },
        }) => Some((endpoint.clone(), *peer, reason.clone())),
        _ => None,
    });
    assert_eq!(
        forbidden,
        Some((
            "dev-1".into(),
            client,
            RejectReason::EndpointMismatch {
                identity: Identity::Psk(b"bs-id".to_vec()),
                bound: "dev-9".into()
            }
        ))
    );
    assert_eq!(net.bs.inner().in_progress(), 0, "nothing was written");
}

#[test]
fn unsupported_security_modes_are_rejected_at_finish_with_the_reason() {
    let server = addrs()[SERVER];
    let keys = |a: &[u8]| (a.to_vec(), b"server-key".to_vec(), b"secret".to_vec());
    let (public, server_key, secret) = keys(b"public");
    let cases = [
        (
            1,
            "Raw Public Key",
            Credentials::RawPublicKey {
                public_key: public.clone(),
                server_public_key: server_key.clone(),
                secret_key: secret.clone(),
            },
        ),
        (
            4,
            "Certificate with EST",
            Credentials::CertificateWithEst {
                certificate: public,
                server_certificate: server_key,
                secret_key: secret,
            },
        ),
    ];
    for (mode, name, credentials) in cases {
        let seed = 5 + mode as u64;
        let mut account = psk_account(server, "unused");
        account.credentials = credentials;
        let mut net = Net::new(
            seed,
            plain_bootstrapping_client(seed),
            bootstrap_server(seed, account),
            dm_server(seed, "dev-1-id", "dev-1"),
        );
        net.start();
        let failed = |n: &Net<_>| {
            n.bs_events
                .iter()
                .any(|e| matches!(e, BootstrapEvent::Failed { .. }))
        };
        assert!(
            net.drive(MINUTE, failed),
            "mode {mode}: {:?}",
            net.bs_events
        );
        match net.bs_events.last() {
            Some(BootstrapEvent::Failed {
                reason: BootstrapError::FinishRejected { code, diagnostic },
                ..
            }) => {
                assert_eq!(*code, Code::NOT_ACCEPTABLE);
                let reason = format!(
                    "/0/1/2: security mode {mode} ({name}) is not supported by this client's DTLS transport"
                );
                assert_eq!(diagnostic, &reason);
            }
            other => panic!("mode {mode}: {other:?}"),
        }
        assert!(net.client_events.contains(&SecuredEvent::Inner(
            ClientEvent::BootstrapFinishRejected {
                error: ConsistencyError::UnsupportedSecurityMode { instance: 1, mode },
            }
        )));
        assert!(net.between(CLIENT, SERVER).next().is_none(), "mode {mode}");
    }
}

/// `dev-1` with a factory-written Security instance in `mode` (identity `dev-1-id`, the
/// server's key), no bootstrap.
fn factory_net(seed: u64, mode: security::SecurityMode) -> Net<BootstrapServer> {
    let server = addrs()[SERVER];
    let client = factory_client(seed, factory_objects(mode, b"dev-1-id", None, &DM_KEY));
    Net::new(
        seed,
        client,
        bootstrap_server(seed, psk_account(server, "unused")),
        dm_server(seed, "dev-1-id", "dev-1"),
    )
}

#[test]
fn factory_psk_security_instance_registers_over_dtls_without_bootstrap() {
    let mut net = factory_net(20, security::SecurityMode::PreSharedKeyMode);
    net.start();
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    assert_eq!(
        net.client_identity(),
        Some(&Identity::Psk(b"dev-1-id".to_vec()))
    );
    assert!(net.between(CLIENT, SERVER).all(|d| !is_coap(d)));
    assert_eq!(net.between(CLIENT, BS).count(), 0);
}

#[test]
fn factory_raw_public_key_mode_is_refused_by_the_transport() {
    let mut net = factory_net(21, security::SecurityMode::RawPublicKeyMode);
    net.start();
    net.drive(MINUTE, |_| false);
    assert!(!net.registered());
    assert_eq!(
        net.between(CLIENT, SERVER).count(),
        0,
        "nothing leaves in clear"
    );
    assert!(net.client_events.contains(&SecuredEvent::Failed {
        peer: net.addrs[SERVER],
        error: SessionError::Credentials(CredentialsError::Unsupported { mode: 1 }),
    }));
    assert!(net.client.stats().no_credentials >= 1);
}
