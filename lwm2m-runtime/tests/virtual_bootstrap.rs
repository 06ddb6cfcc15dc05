//! The bootstrap interface in virtual time, three machines: our client bootstraps from our
//! Bootstrap-Server, then registers with our LwM2M Server; with loss, with the Bootstrap-Server
//! down at first, with a Finish the client rejects, and as the fallback after registration
//! failures.

mod bs_net;

use std::time::Duration;

use bs_net::{BS, CLIENT, Net, SERVER, account, endpoint};
use lwm2m_runtime::bootstrap::{BootstrapError, BootstrapEvent, Credentials, Provision};
use lwm2m_runtime::client::{
    BootstrapAccount, BootstrapFailure, Client, ClientConfig, ClientEvent, ConsistencyError,
    SecurityObject, ServerObject,
};
use lwm2m_runtime::coap::Code;
use lwm2m_runtime::server::ServerEvent;

const MINUTE: u64 = 60_000;

#[test]
fn bootstraps_then_registers_with_the_written_server() {
    let mut net = Net::new(1);
    net.client.start(net.now).unwrap();
    assert!(
        net.drive(MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );

    let server = net.addrs[SERVER];
    assert_eq!(
        net.bs_events,
        [
            BootstrapEvent::Requested {
                endpoint: "dev-1".into(),
                peer: net.addrs[CLIENT]
            },
            BootstrapEvent::Finished {
                endpoint: "dev-1".into()
            }
        ]
    );
    assert!(net.client_events.contains(&ClientEvent::Bootstrapped {
        uri: format!("coap://{server}"),
        server: Some(server),
    }));
    assert_eq!(net.client.server(), server);
    let reg = net.server.registration("dev-1").expect("registered");
    assert_eq!(
        reg.lifetime, 300,
        "lifetime from the written Server instance"
    );
    let objects: Vec<String> = reg.objects.iter().map(|o| format!("{o:?}")).collect();
    assert!(
        !objects.iter().any(|o| o.contains("object: 0,")),
        "Security is never registered: {objects:?}"
    );

    // The Bootstrap-Server Account (/0/0, written by the factory) survived Delete /0; the
    // account went to the next free instance.
    let sec = net.client.object::<SecurityObject>(0).unwrap();
    let bs = sec.instance(0).expect("bootstrap account kept");
    assert!(*bs.bootstrap_server());
    assert_eq!(bs.lwm2m_server_uri(), &format!("coap://{}", net.addrs[BS]));
    let dm = sec.instance(1).expect("server account written");
    assert!(!*dm.bootstrap_server());
    assert_eq!(dm.short_server_id(), Some(&101));
    let srv = net.client.object::<ServerObject>(1).unwrap().instance(0);
    assert_eq!(
        srv.map(|s| (*s.short_server_id(), *s.lifetime())),
        Some((101, 300))
    );
    assert!(
        net.client
            .object::<lwm2m_core::object::Object<lwm2m_objects::device::Instance>>(3)
            .and_then(|d| d.instance(0))
            .is_some(),
        "Device is untouched"
    );
}

#[test]
fn bootstrap_and_registration_complete_under_20_percent_loss() {
    let mut retransmissions = 0;
    for seed in 0..12 {
        let mut net = Net::new(100 + seed);
        net.loss = 0.2;
        net.client.start(net.now).unwrap();
        assert!(
            net.drive(60 * MINUTE, Net::registered),
            "seed {seed}: {:?} / {:?}",
            net.client_events,
            net.bs_events
        );
        assert!(
            net.server_events.iter().any(
                |e| matches!(e, ServerEvent::Registered { endpoint, .. } if endpoint == "dev-1")
            )
        );
        retransmissions += net.bs.endpoint().stats().retransmissions;
    }
    assert!(
        retransmissions > 10,
        "loss forced retransmissions: {retransmissions}"
    );
}

#[test]
fn bootstrap_server_down_first_is_retried_with_back_off() {
    let mut net = Net::new(2);
    net.down[BS] = true;
    net.client.start(net.now).unwrap();
    net.drive(10 * MINUTE, |_| false);
    let retries: Vec<u64> = net
        .client_events
        .iter()
        .filter_map(|e| match e {
            ClientEvent::BootstrapFailed {
                reason: BootstrapFailure::NoResponse,
                retry_at,
            } => Some(retry_at.as_millis()),
            _ => None,
        })
        .collect();
    assert!(retries.len() >= 3, "{:?}", net.client_events);
    assert!(!net.registered());
    assert!(net.sent_to[BS] >= 3 * 5, "each attempt retransmits");
    net.down[BS] = false;
    assert!(
        net.drive(30 * MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    assert_eq!(net.client.server(), net.addrs[SERVER]);
}

#[test]
fn finish_rejected_when_the_written_account_is_unusable() {
    let mut net = Net::new(3);
    // A coaps:// account with PSK credentials: written as configured, but this client has no
    // DTLS, so its consistency check refuses Finish.
    let mut a = account("10.0.0.2:5684".parse().unwrap());
    a.uri = "coaps://10.0.0.2:5684".into();
    a.credentials = Credentials::Psk {
        identity: b"dev-1".to_vec(),
        key: vec![0x11; 16],
    };
    net.bs.provision("dev-1", Provision::new(a)).unwrap();
    net.client.start(net.now).unwrap();
    let failed = |n: &Net| {
        n.bs_events
            .iter()
            .any(|e| matches!(e, BootstrapEvent::Failed { .. }))
    };
    assert!(net.drive(MINUTE, failed));
    match &net.bs_events[1] {
        BootstrapEvent::Failed {
            reason: BootstrapError::FinishRejected { code, diagnostic },
            ..
        } => {
            assert_eq!(*code, Code::NOT_ACCEPTABLE);
            assert!(diagnostic.contains("coaps:// needs DTLS"), "{diagnostic}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        net.client_events
            .contains(&ClientEvent::BootstrapFinishRejected {
                error: ConsistencyError::SecureUnsupported { instance: 1 }
            })
    );
    // The PSK credentials were written as given.
    let sec = net
        .client
        .object::<SecurityObject>(0)
        .unwrap()
        .instance(1)
        .unwrap();
    assert_eq!(sec.public_key_or_identity(), b"dev-1");
    assert_eq!(sec.secret_key(), &vec![0x11; 16]);
    // No Finish follows: after the finish timeout the attempt fails and bootstrap starts over.
    let again = |n: &Net| {
        n.client_events.iter().any(|e| {
            matches!(
                e,
                ClientEvent::BootstrapFailed {
                    reason: BootstrapFailure::Inconsistent(_),
                    ..
                }
            )
        })
    };
    assert!(net.drive(10 * MINUTE, again), "{:?}", net.client_events);
    assert!(!net.registered());
    // The Bootstrap-Server now has a usable account for it.
    net.bs
        .provision("dev-1", Provision::new(account(net.addrs[SERVER])))
        .unwrap();
    assert!(
        net.drive(10 * MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
}

#[test]
fn falls_back_to_bootstrap_after_registration_failures() {
    let mut net = Net::new(4);
    let mut config = ClientConfig::new("dev-1");
    config.retry_initial = Duration::from_secs(5);
    let dead = "10.0.0.9:5683".parse().unwrap();
    let mut client = Client::new(config, endpoint(9), dead);
    let mut bs = BootstrapAccount::new(net.addrs[BS]);
    bs.registration_attempts = 3;
    client.set_bootstrap(bs).unwrap();
    net.client = client;
    net.client.start(net.now).unwrap();
    assert!(
        net.drive(60 * MINUTE, Net::registered),
        "{:?}",
        net.client_events
    );
    let failures = net
        .client_events
        .iter()
        .filter(|e| matches!(e, ClientEvent::RegistrationFailed { code: None, .. }))
        .count();
    assert_eq!(failures, 3, "bootstraps after the third failure");
    assert_eq!(net.client.server(), net.addrs[SERVER]);
}

#[test]
fn hold_off_delays_the_request_and_the_account_timeout_purges_the_bootstrap_account() {
    let mut net = Net::new(5);
    let mut bs = BootstrapAccount::new(net.addrs[BS]);
    bs.hold_off = Duration::from_secs(30);
    bs.account_timeout = Some(Duration::from_secs(120));
    net.client = Client::bootstrapping(ClientConfig::new("dev-1"), endpoint(5), bs);
    let start = net.now;
    net.client.start(net.now).unwrap();
    assert!(net.client.is_bootstrapping());
    net.drive(29_000, |_| false);
    assert_eq!(net.sent_to[BS], 0, "nothing before Client Hold Off Time");
    assert!(net.drive(MINUTE, Net::registered));
    assert!(net.now.saturating_since(start) >= Duration::from_secs(30));
    let purged = |n: &Net| {
        n.client_events
            .contains(&ClientEvent::BootstrapAccountPurged)
    };
    assert!(net.drive(3 * MINUTE, purged));
    let sec = net.client.object::<SecurityObject>(0).unwrap();
    assert!(sec.instance(0).is_none(), "the bootstrap account is gone");
    assert!(sec.instance(1).is_some(), "the server account stays");
    assert!(net.client.bootstrap(net.now).is_err());
}
