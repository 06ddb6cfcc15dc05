//! The client side of the bootstrap interface (Core TS 1.1 §6.1): client-initiated bootstrap
//! when no usable LwM2M Server Account exists, and as the fallback after repeated registration
//! failures; the Bootstrap-Server's Delete / Write / Read / Discover / Finish (in [`ops`]); and
//! the 1.1 timers.
//!
//! Timing: the Bootstrap-Request waits `Client Hold Off Time` (Security resource 11 of the
//! Bootstrap-Server Account); an unanswered or refused request is retried with the client's
//! registration back-off; Bootstrap-Finish must arrive within [`BootstrapAccount::finish_timeout`]
//! (EXCHANGE_LIFETIME, 247 s) of the last bootstrap operation, else bootstrapping failed and
//! starts again after the back-off; after Finish the Bootstrap-Server Account is purged when
//! `Bootstrap-Server Account Timeout` (resource 12) is above 0.

mod accounts;
mod ops;
mod transport;

use core::net::{Ipv4Addr, SocketAddr};
use core::time::Duration;

use lwm2m_core::ContentFormat;

use super::{Client, ClientError, ClientEvent, Outgoing};
use crate::bootstrap::{BootstrapRequest, ServerUri};
use crate::coap::{Code, RequestId, Timestamp};
use crate::security::Credentials;

pub use accounts::{ConsistencyError, SecurityObject, ServerObject, security, server};

/// The Bootstrap-Server Account a client starts with (factory bootstrap).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BootstrapAccount {
    /// The Bootstrap-Server's address.
    pub server: SocketAddr,
    /// Its URI in the Security Object (`coap://{server}` from [`BootstrapAccount::new`],
    /// `coaps://{server}` from [`BootstrapAccount::psk`]).
    pub uri: alloc::string::String,
    /// How the client authenticates to it (NoSec from [`BootstrapAccount::new`]); written to
    /// the account's Security instance, which a DTLS transport reads.
    pub credentials: Credentials,
    /// Client Hold Off Time: wait before a client-initiated bootstrap (0 s).
    pub hold_off: Duration,
    /// Bootstrap-Server Account Timeout: purge the account this long after a successful
    /// bootstrap (`None`: keep it).
    pub account_timeout: Option<Duration>,
    /// How long to wait for the next bootstrap operation or Finish (247 s, EXCHANGE_LIFETIME).
    pub finish_timeout: Duration,
    /// Preferred Content Format sent as `pct=` (LwM2M 1.1; `None`: none sent).
    pub preferred_format: Option<ContentFormat>,
    /// Failed Register attempts before falling back to bootstrap, when the Server instance has
    /// no Communication Retry Count (5, its default).
    pub registration_attempts: u32,
}

impl BootstrapAccount {
    /// A NoSec Bootstrap-Server at `server`.
    pub fn new(server: SocketAddr) -> Self {
        BootstrapAccount {
            server,
            uri: ServerUri::for_addr(server, false),
            credentials: Credentials::NoSec,
            hold_off: Duration::ZERO,
            account_timeout: None,
            finish_timeout: Duration::from_secs(247),
            preferred_format: None,
            registration_attempts: 5,
        }
    }

    /// A PSK Bootstrap-Server at `server` (`coaps://`): the client needs a DTLS transport.
    pub fn psk(
        server: SocketAddr,
        identity: impl Into<alloc::vec::Vec<u8>>,
        key: impl Into<alloc::vec::Vec<u8>>,
    ) -> Self {
        BootstrapAccount {
            uri: ServerUri::for_addr(server, true),
            credentials: Credentials::Psk {
                identity: identity.into(),
                key: key.into(),
            },
            ..BootstrapAccount::new(server)
        }
    }
}

/// Why a bootstrap attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BootstrapFailure {
    /// The Bootstrap-Server did not answer the Bootstrap-Request.
    NoResponse,
    /// It answered with an error (e.g. 4.00: it has no configuration for this endpoint).
    Refused(Code),
    /// No Bootstrap-Finish within the finish timeout.
    NoFinish,
    /// Bootstrap-Finish came but the configuration was inconsistent, and was not fixed in time.
    Inconsistent(ConsistencyError),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Phase {
    #[default]
    Idle,
    HoldOff {
        until: Timestamp,
    },
    Requesting(RequestId),
    Backoff {
        until: Timestamp,
    },
    /// Accepting bootstrap operations until Finish or `deadline`.
    Provisioning {
        deadline: Timestamp,
    },
}

/// Bootstrap state.
#[derive(Debug, Default)]
pub(super) struct State {
    account: Option<BootstrapAccount>,
    phase: Phase,
    failures: u32,
    rejected: Option<ConsistencyError>,
    purge_at: Option<Timestamp>,
    /// The Security Modes of the client's secure transport, bit n for mode n (0: none, plain
    /// UDP). Set through [`crate::security::SecurityAware::transport_secured`].
    dtls_modes: u8,
}

impl State {
    pub(super) fn deadline(&self) -> Option<Timestamp> {
        let phase = match self.phase {
            Phase::HoldOff { until } | Phase::Backoff { until } => Some(until),
            Phase::Provisioning { deadline } => Some(deadline),
            _ => None,
        };
        [phase, self.purge_at].into_iter().flatten().min()
    }

    fn active(&self) -> bool {
        matches!(
            self.phase,
            Phase::Requesting(_) | Phase::Provisioning { .. }
        )
    }
}

/// The placeholder server address of a client that has no LwM2M Server Account yet.
const NO_SERVER: SocketAddr = SocketAddr::new(core::net::IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

impl Client {
    /// A client without a LwM2M Server Account: [`Client::start`] bootstraps from `account`
    /// first, then registers with the server the Bootstrap-Server wrote. It hosts the Security
    /// and Server Objects ([`SecurityObject`], [`ServerObject`]).
    pub fn bootstrapping(
        config: super::ClientConfig,
        endpoint: crate::coap::Endpoint,
        account: BootstrapAccount,
    ) -> Self {
        let mut client = Client::new(config, endpoint, NO_SERVER);
        client.add_object(SecurityObject::new());
        client.add_object(ServerObject::new());
        client.install_bootstrap_account(account);
        client
    }

    /// Adds a Bootstrap-Server Account to this client: it bootstraps when registration keeps
    /// failing (Server resource 16/17), or when [`Client::bootstrap`] is called. Hosts the
    /// Security and Server Objects unless the application hosts them already (with these types;
    /// other types are an error).
    pub fn set_bootstrap(&mut self, account: BootstrapAccount) -> Result<(), ClientError> {
        self.host_account_objects()?;
        self.install_bootstrap_account(account);
        Ok(())
    }

    /// Starts a client-initiated bootstrap now (after the hold-off time).
    pub fn bootstrap(&mut self, now: Timestamp) -> Result<(), ClientError> {
        if self.bootstrap.account.is_none() {
            return Err(ClientError::NoBootstrapServer);
        }
        self.begin_bootstrap(now);
        Ok(())
    }

    /// Whether a bootstrap is under way (waiting, requesting or being provisioned).
    pub fn is_bootstrapping(&self) -> bool {
        self.bootstrap.phase != Phase::Idle
    }

    /// Sets the server's address and registers: after [`ClientEvent::Bootstrapped`] without an
    /// address (the URI names a host, which the application resolves).
    pub fn set_server(&mut self, now: Timestamp, server: SocketAddr) {
        self.server = server;
        self.registration = super::registration::State::default();
        self.register_now(now);
    }

    fn install_bootstrap_account(&mut self, account: BootstrapAccount) {
        let mut inst = security::Instance::default();
        // The URI was made from an address or given by the application; an over-long one is
        // kept out of the Security Object but still used.
        let _ = inst.set_lwm2m_server_uri(account.uri.clone());
        inst.set_bootstrap_server(true);
        inst.set_security_mode(transport::security_mode(&account.credentials));
        let [public, server, secret] = account.credentials.resources();
        inst.set_public_key_or_identity(public.to_vec());
        inst.set_server_public_key(server.to_vec());
        inst.set_secret_key(secret.to_vec());
        inst.set_client_hold_off_time(account.hold_off.as_secs() as i64);
        if let Some(t) = account.account_timeout {
            inst.set_bootstrap_server_account_timeout(t.as_secs() as i64);
        }
        let existing = self.bootstrap_account().map(|(i, _)| i);
        if let Some(obj) = self.securities_mut() {
            let iid = existing.unwrap_or_else(|| {
                let taken = accounts::instance_ids(obj, 0);
                (0..u16::MAX).find(|i| !taken.contains(i)).unwrap_or(0)
            });
            obj.insert(iid, inst);
        }
        self.bootstrap.account = Some(account);
    }

    /// Called by [`Client::start`]: with no server, use a complete account from the Security
    /// and Server Objects (factory configuration) or bootstrap. `true` when registration must
    /// wait.
    pub(super) fn bootstrap_first(&mut self, now: Timestamp) -> bool {
        if self.server != NO_SERVER || self.bootstrap.account.is_none() {
            return false;
        }
        match self.server_account() {
            Ok(a) if a.addr.is_some() => {
                self.apply_account(&a);
                false
            }
            _ => {
                self.begin_bootstrap(now);
                true
            }
        }
    }

    /// Called after a failed Register: `true` when the client falls back to bootstrap.
    pub(super) fn bootstrap_after_failures(&mut self, now: Timestamp, failures: u32) -> bool {
        let Some(account) = &self.bootstrap.account else {
            return false;
        };
        let ssid = self.server_account().ok().and_then(|_| {
            self.security_instances()
                .into_iter()
                .find(|(_, s)| !*s.bootstrap_server())
                .and_then(|(_, s)| s.short_server_id().copied())
        });
        let srv = ssid
            .and_then(|s| u16::try_from(s).ok())
            .and_then(|s| self.server_instance(s));
        if srv.and_then(|s| s.bootstrap_on_registration_failure()) == Some(&false) {
            return false;
        }
        let attempts = srv
            .and_then(|s| s.communication_retry_count().copied())
            .map_or(account.registration_attempts, |c| {
                u32::try_from(c).unwrap_or(u32::MAX)
            });
        if failures < attempts.max(1) || self.bootstrap.phase != Phase::Idle {
            return false;
        }
        self.begin_bootstrap(now);
        true
    }

    fn begin_bootstrap(&mut self, now: Timestamp) {
        let hold_off = self
            .bootstrap_account()
            .and_then(|(_, s)| s.client_hold_off_time().copied())
            .and_then(|s| u64::try_from(s).ok())
            .unwrap_or(0);
        self.bootstrap.rejected = None;
        self.bootstrap.phase = Phase::HoldOff {
            until: now + Duration::from_secs(hold_off),
        };
        self.drive_bootstrap(now);
    }

    /// Sends what the bootstrap timers ask for.
    pub(super) fn drive_bootstrap(&mut self, now: Timestamp) {
        if self.bootstrap.purge_at.is_some_and(|t| now >= t) {
            self.bootstrap.purge_at = None;
            let iid = self.bootstrap_account().map(|(i, _)| i);
            if let (Some(iid), Some(obj)) = (iid, self.securities_mut()) {
                let _ = lwm2m_core::object::ObjectHandler::delete(obj, iid);
            }
            self.bootstrap.account = None;
            self.events.push_back(ClientEvent::BootstrapAccountPurged);
        }
        match self.bootstrap.phase {
            Phase::HoldOff { until } | Phase::Backoff { until } if now >= until => {
                self.send_bootstrap_request(now);
            }
            Phase::Provisioning { deadline } if now >= deadline => {
                let reason = match self.bootstrap.rejected.take() {
                    Some(e) => BootstrapFailure::Inconsistent(e),
                    None => BootstrapFailure::NoFinish,
                };
                self.bootstrap_failed(now, reason);
            }
            _ => {}
        }
    }

    fn send_bootstrap_request(&mut self, now: Timestamp) {
        let Some(account) = &self.bootstrap.account else {
            self.bootstrap.phase = Phase::Idle;
            return;
        };
        let request = BootstrapRequest {
            endpoint: self.config.endpoint.clone(),
            preferred_format: account.preferred_format,
        };
        let to = account.server;
        match self.endpoint.request(now, to, request.to_message()) {
            Ok(id) => {
                self.outgoing.insert(id, Outgoing::BootstrapRequest);
                self.bootstrap.phase = Phase::Requesting(id);
            }
            Err(_) => self.bootstrap_failed(now, BootstrapFailure::NoResponse),
        }
    }

    pub(super) fn on_bootstrap_response(
        &mut self,
        now: Timestamp,
        id: RequestId,
        code: Option<Code>,
    ) {
        if self.bootstrap.phase != Phase::Requesting(id) {
            // The Bootstrap-Server's operations arrived before its answer.
            return;
        }
        match code {
            Some(Code::CHANGED) => self.bootstrap_touch(now),
            Some(c) => self.bootstrap_failed(now, BootstrapFailure::Refused(c)),
            None => self.bootstrap_failed(now, BootstrapFailure::NoResponse),
        }
    }

    /// A bootstrap operation arrived (or the request was accepted): wait for the next one.
    fn bootstrap_touch(&mut self, now: Timestamp) {
        let timeout = self
            .bootstrap
            .account
            .as_ref()
            .map_or(Duration::from_secs(247), |a| a.finish_timeout);
        self.bootstrap.phase = Phase::Provisioning {
            deadline: now + timeout,
        };
    }

    fn bootstrap_failed(&mut self, now: Timestamp, reason: BootstrapFailure) {
        self.bootstrap.failures = self.bootstrap.failures.saturating_add(1);
        let shift = (self.bootstrap.failures - 1).min(16);
        let wait = self
            .config
            .retry_initial
            .saturating_mul(1 << shift)
            .min(self.config.retry_max);
        let retry_at = now + wait;
        self.bootstrap.phase = Phase::Backoff { until: retry_at };
        self.events
            .push_back(ClientEvent::BootstrapFailed { reason, retry_at });
    }

    /// Whether a request from `peer` is the Bootstrap-Server's: during a bootstrap, or
    /// server-initiated from an address that is not the LwM2M Server's.
    pub(super) fn is_bootstrap_peer(&self, peer: SocketAddr) -> bool {
        self.bootstrap
            .account
            .as_ref()
            .is_some_and(|a| a.server == peer && (self.bootstrap.active() || peer != self.server))
    }

    /// Uses the account's server settings for registration.
    fn apply_account(&mut self, a: &accounts::Account) {
        if let Some(addr) = a.addr {
            self.server = addr;
        }
        self.config.lifetime = a.lifetime;
        self.config.queue_mode = a.binding.contains('Q');
        let binding: alloc::string::String = a.binding.chars().filter(|c| *c != 'Q').collect();
        self.config.binding = if binding.is_empty() {
            "U".into()
        } else {
            binding
        };
        if let Some(p) = a.default_pmin {
            self.config.default_pmin = p;
        }
        if a.default_pmax.is_some() {
            self.config.default_pmax = a.default_pmax;
        }
    }

    /// Bootstrap-Finish was accepted: register with the written server.
    fn complete_bootstrap(&mut self, now: Timestamp, a: accounts::Account) {
        self.bootstrap.phase = Phase::Idle;
        self.bootstrap.failures = 0;
        self.bootstrap.rejected = None;
        self.bootstrap.purge_at = self
            .bootstrap_account()
            .and_then(|(_, s)| s.bootstrap_server_account_timeout().copied())
            .and_then(|t| u64::try_from(t).ok())
            .filter(|t| *t > 0)
            .map(|t| now + Duration::from_secs(t));
        self.apply_account(&a);
        self.events.push_back(ClientEvent::Bootstrapped {
            uri: a.uri.clone(),
            server: a.addr,
        });
        if let Some(addr) = a.addr {
            self.set_server(now, addr);
        }
    }
}
