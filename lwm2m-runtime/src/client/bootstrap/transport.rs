//! The client's half of [`SecurityAware`]: the credentials for a peer come from the Security
//! Object instance of the account that peer serves (the LwM2M Server Account or the
//! Bootstrap-Server Account), so what a Bootstrap-Server wrote, or what the factory put there,
//! secures the transport with no other configuration. A secure transport says which Security
//! Modes it can use; without one, `coaps://` accounts fail Bootstrap-Finish.

use core::net::SocketAddr;

use lwm2m_core::InstanceId;

use super::super::Client;
use super::accounts::{mode_number, security};
use crate::bootstrap::ServerUri;
use crate::security::{Credentials, CredentialsError, SecurityAware};

/// Security Mode 3: NoSec, plaintext, which every transport can carry.
pub(super) const NOSEC: u8 = 3;

impl SecurityAware for Client {
    fn credentials_for(&self, peer: SocketAddr) -> Option<Result<Credentials, CredentialsError>> {
        let (_, sec) = self.security_for(peer)?;
        Some(credentials_of(sec))
    }

    fn transport_secured(&mut self, modes: &[u8]) {
        self.bootstrap.dtls_modes = modes
            .iter()
            .filter(|m| **m < 8)
            .fold(0, |acc, m| acc | 1 << m);
    }
}

/// The credentials a Security instance holds, checked against its URI's scheme.
pub(super) fn credentials_of(sec: &security::Instance) -> Result<Credentials, CredentialsError> {
    let uri =
        ServerUri::parse(sec.lwm2m_server_uri()).map_err(|_| CredentialsError::NoCredentials)?;
    if !uri.secure {
        return Ok(Credentials::NoSec);
    }
    let creds = Credentials::from_resources(
        mode_number(sec.security_mode()),
        sec.public_key_or_identity(),
        sec.server_public_key(),
        sec.secret_key(),
    )?;
    if creds == Credentials::NoSec {
        return Err(CredentialsError::NoSecOnCoaps);
    }
    Ok(creds)
}

/// The generated enumeration's value for the credentials' mode.
pub(super) fn security_mode(c: &Credentials) -> security::SecurityMode {
    use security::SecurityMode as M;
    match c.mode() {
        0 => M::PreSharedKeyMode,
        1 => M::RawPublicKeyMode,
        2 => M::CertificateMode,
        4 => M::CertificateModeWithEst,
        _ => M::NoSecMode,
    }
}

impl Client {
    /// Whether this client runs inside a secure transport that can use Security Mode `mode`.
    pub(super) fn transport_supports(&self, mode: i64) -> bool {
        u8::try_from(mode)
            .ok()
            .filter(|m| *m < 8 && *m != NOSEC)
            .is_some_and(|m| self.bootstrap.dtls_modes & 1 << m != 0)
    }

    /// Whether this client has a secure transport at all.
    pub(super) fn has_secure_transport(&self) -> bool {
        self.bootstrap.dtls_modes & !(1 << NOSEC) != 0
    }

    /// The Security instance for `peer`: the one whose URI names it, else (host-name URIs) the
    /// account served from that address — the Bootstrap-Server's or the LwM2M Server's.
    fn security_for(&self, peer: SocketAddr) -> Option<(InstanceId, &security::Instance)> {
        let instances = self.security_instances();
        let named = |s: &security::Instance| {
            ServerUri::parse(s.lwm2m_server_uri())
                .ok()
                .and_then(|u| u.socket_addr())
                == Some(peer)
        };
        if let Some(found) = instances.iter().find(|(_, s)| named(s)) {
            return Some(*found);
        }
        if self
            .bootstrap
            .account
            .as_ref()
            .is_some_and(|a| a.server == peer)
        {
            return self.bootstrap_account();
        }
        if peer == self.server {
            return instances.into_iter().find(|(_, s)| !*s.bootstrap_server());
        }
        None
    }
}
