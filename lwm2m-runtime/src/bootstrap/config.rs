//! What a Bootstrap-Server writes to a client: one or more LwM2M Server Accounts, each a
//! Security (0) and a Server (1) Object Instance, built with the generated typed instances.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use lwm2m_core::object::{ObjectInstance, ObjectType, RangeError};
use lwm2m_core::{Node, Path, Resource};
use lwm2m_objects::lwm2m_security::v1_1 as security;
use lwm2m_objects::lwm2m_server::v1_1 as server;

use super::uri::{ServerUri, UriError};

/// How the client authenticates to a server (Security Object resources 2 to 5); written as
/// given (PSK for `coaps://` needs a client with a DTLS transport).
pub use crate::security::Credentials;

/// One LwM2M Server Account to write. Start from [`ServerAccount::new`] and change fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerAccount {
    /// The server's URI, e.g. `coap://192.0.2.7:5683` (Security resource 0).
    pub uri: String,
    /// Short Server ID, 1..=65534 (Security resource 10, Server resource 0).
    pub short_server_id: u16,
    /// Registration lifetime (Server resource 1; whole seconds, 86400 s).
    pub lifetime: Duration,
    /// Binding (Server resource 7, `U`).
    pub binding: String,
    /// Credentials (`NoSec`).
    pub credentials: Credentials,
    /// Default minimum period, seconds (Server resource 2).
    pub default_pmin: Option<u32>,
    /// Default maximum period, seconds (Server resource 3).
    pub default_pmax: Option<u32>,
    /// Bootstrap on Registration Failure (Server resource 16, LwM2M 1.1).
    pub bootstrap_on_registration_failure: Option<bool>,
    /// Communication Retry Count (Server resource 17, LwM2M 1.1): Register attempts per sequence.
    pub communication_retry_count: Option<u32>,
}

impl ServerAccount {
    /// A NoSec account for `uri` with short server id `ssid`, lifetime 86400 s, binding `U`.
    pub fn new(uri: impl Into<String>, ssid: u16) -> Self {
        ServerAccount {
            uri: uri.into(),
            short_server_id: ssid,
            lifetime: Duration::from_secs(86_400),
            binding: "U".into(),
            credentials: Credentials::NoSec,
            default_pmin: None,
            default_pmax: None,
            bootstrap_on_registration_failure: None,
            communication_retry_count: None,
        }
    }

    /// The Security Object Instance (Bootstrap-Server false).
    pub fn security_instance(&self) -> Result<security::Instance, ProvisionError> {
        let uri = ServerUri::parse(&self.uri).map_err(ProvisionError::Uri)?;
        let mut s = security::Instance::default();
        s.set_lwm2m_server_uri(self.uri.clone())
            .map_err(ProvisionError::Range)?;
        s.set_bootstrap_server(false);
        s.set_short_server_id(i32::from(self.short_server_id))
            .map_err(ProvisionError::Range)?;
        match &self.credentials {
            Credentials::NoSec if uri.secure => return Err(ProvisionError::NoCredentials),
            Credentials::NoSec => {}
            _ if !uri.secure => return Err(ProvisionError::CredentialsOnCoap),
            creds => {
                let [public, server, secret] = creds.resources();
                s.set_public_key_or_identity(public.to_vec());
                s.set_server_public_key(server.to_vec());
                s.set_secret_key(secret.to_vec());
            }
        }
        s.set_security_mode(security_mode(&self.credentials));
        Ok(s)
    }

    /// The Server Object Instance.
    pub fn server_instance(&self) -> Result<server::Instance, ProvisionError> {
        let mut s = server::Instance::default();
        s.set_short_server_id(i32::from(self.short_server_id))
            .map_err(ProvisionError::Range)?;
        s.set_lifetime(i64::try_from(self.lifetime.as_secs()).unwrap_or(i64::MAX));
        s.set_binding(self.binding.clone());
        s.set_notification_storing_when_disabled_or_offline(true);
        if let Some(p) = self.default_pmin {
            s.set_default_minimum_period(i64::from(p));
        }
        if let Some(p) = self.default_pmax {
            s.set_default_maximum_period(i64::from(p));
        }
        if let Some(b) = self.bootstrap_on_registration_failure {
            s.set_bootstrap_on_registration_failure(b);
        }
        if let Some(c) = self.communication_retry_count {
            s.set_communication_retry_count(u64::from(c));
        }
        Ok(s)
    }
}

/// Everything written to one client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Provision {
    /// The Server Accounts, in order.
    pub servers: Vec<ServerAccount>,
    /// What Bootstrap-Delete removes first (`/0` and `/1`: the old accounts; the client keeps
    /// its Bootstrap-Server Account). [`Path::ROOT`] deletes every instance except that account
    /// and the Device.
    pub delete: Vec<Path>,
}

impl Provision {
    /// One account, replacing the client's Server Accounts.
    pub fn new(account: ServerAccount) -> Self {
        Provision {
            servers: alloc::vec![account],
            delete: alloc::vec![Path::object(0), Path::object(1)],
        }
    }

    /// Checks every account (URI, ranges, credentials against the scheme).
    pub fn validate(&self) -> Result<(), ProvisionError> {
        if self.servers.is_empty() {
            return Err(ProvisionError::NoAccount);
        }
        if let Some(p) = self.delete.iter().find(|p| p.depth() > 2) {
            return Err(ProvisionError::DeletePath(*p));
        }
        for a in &self.servers {
            a.security_instance()?;
            a.server_instance()?;
        }
        Ok(())
    }
}

/// Why a [`Provision`] cannot be written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProvisionError {
    /// No Server Account.
    #[error("no server account to write")]
    NoAccount,
    /// The server URI is unusable.
    #[error("server URI: {0}")]
    Uri(UriError),
    /// A value is outside its Resource's range (e.g. short server id 0 or 65535).
    #[error("{0}")]
    Range(RangeError),
    /// A `coaps://` URI needs credentials.
    #[error("a coaps:// server needs credentials (NoSec is for coap://)")]
    NoCredentials,
    /// Bootstrap-Delete targets `/`, an Object or an Object Instance.
    #[error("cannot Bootstrap-Delete {0} (only /, /o or /o/i)")]
    DeletePath(Path),
    /// Credentials given for a `coap://` URI.
    #[error("credentials given for a coap:// server (use coaps://)")]
    CredentialsOnCoap,
}

/// The generated enumeration's value for the credentials' mode.
fn security_mode(c: &Credentials) -> security::SecurityMode {
    use security::SecurityMode as M;
    match c {
        Credentials::Psk { .. } => M::PreSharedKeyMode,
        Credentials::RawPublicKey { .. } => M::RawPublicKeyMode,
        Credentials::Certificate { .. } => M::CertificateMode,
        Credentials::CertificateWithEst { .. } => M::CertificateModeWithEst,
        _ => M::NoSecMode,
    }
}

/// An instance's present Resources, for encoding.
pub(crate) fn resources<T: ObjectInstance>(inst: &T) -> Node {
    Node::Instance(
        T::Object::meta()
            .resources
            .iter()
            .filter_map(|r| inst.get(r.id).map(|value| Resource { id: r.id, value }))
            .collect(),
    )
}
