//! The client's Security (0) and Server (1) Objects as the generated LwM2M 1.1 types, the
//! Bootstrap-Server Account among them, and the consistency check of Bootstrap-Finish: the
//! LwM2M Server Account the client registers with.

use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use lwm2m_core::object::{Object, ObjectHandler};
use lwm2m_core::{InstanceId, ObjectId, Path};

use super::super::{Client, ClientError};
use crate::bootstrap::{ServerUri, UriError};

pub use lwm2m_objects::lwm2m_security::v1_1 as security;
pub use lwm2m_objects::lwm2m_server::v1_1 as server;

/// The Security Object as the client hosts it for bootstrapping.
pub type SecurityObject = Object<security::Instance>;
/// The Server Object as the client hosts it for bootstrapping.
pub type ServerObject = Object<server::Instance>;

/// Why the written configuration cannot be used (Bootstrap-Finish answers 4.06 with this text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsistencyError {
    /// No Security instance with Bootstrap-Server false.
    #[error("no LwM2M Server Account (Security instance with Bootstrap-Server false)")]
    NoServerAccount,
    /// A server's Security instance has no Short Server ID.
    #[error("/0/{instance} has no Short Server ID")]
    NoShortServerId {
        /// The Security instance.
        instance: InstanceId,
    },
    /// No Server instance carries the Security instance's Short Server ID.
    #[error("no Server instance with Short Server ID {ssid}")]
    NoServerInstance {
        /// The Short Server ID.
        ssid: u16,
    },
    /// The Server URI is unusable.
    #[error("/0/{instance}/0: {error}")]
    Uri {
        /// The Security instance.
        instance: InstanceId,
        /// Why.
        error: UriError,
    },
    /// A `coaps://` server with Security Mode 3 (NoSec).
    #[error("/0/{instance}/2: security mode 3 (NoSec) with a coaps:// URI")]
    NoSecOnCoaps {
        /// The Security instance.
        instance: InstanceId,
    },
    /// A Security Mode this client's DTLS transport cannot use (raw public keys, EST, or
    /// certificates without a certificate backend).
    #[error(
        "/0/{instance}/2: security mode {mode} ({}) is not supported by this client's DTLS transport",
        crate::security::mode_name(*mode)
    )]
    UnsupportedSecurityMode {
        /// The Security instance.
        instance: InstanceId,
        /// The mode written.
        mode: i64,
    },
    /// A credential Resource the Security Mode needs is empty (PSK identity or key).
    #[error("/0/{instance}/{resource} is empty (security mode {mode} needs it)")]
    MissingCredential {
        /// The Security instance.
        instance: InstanceId,
        /// The Resource (3 identity, 5 key).
        resource: u16,
        /// The mode written.
        mode: i64,
    },
    /// A `coaps://` server: this client has no DTLS transport.
    #[error("/0/{instance}: coaps:// needs DTLS, which this client does not have")]
    SecureUnsupported {
        /// The Security instance.
        instance: InstanceId,
    },
    /// The Security Mode is not NoSec for a `coap://` URI.
    #[error("/0/{instance}/2: security mode {mode} with a coap:// URI (NoSec is 3)")]
    SecurityMode {
        /// The Security instance.
        instance: InstanceId,
        /// The mode written.
        mode: i64,
    },
}

/// The LwM2M Server Account bootstrapping produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub(crate) uri: String,
    pub(crate) addr: Option<SocketAddr>,
    pub(crate) lifetime: Duration,
    pub(crate) binding: String,
    pub(crate) default_pmin: Option<u32>,
    pub(crate) default_pmax: Option<u32>,
}

/// The instance ids of a hosted Object.
pub(super) fn instance_ids(obj: &dyn ObjectHandler, oid: ObjectId) -> Vec<InstanceId> {
    obj.discover(Path::object(oid))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.depth() == 2)
        .filter_map(|p| p.instance_id())
        .collect()
}

pub(super) fn mode_number(m: &security::SecurityMode) -> i64 {
    match lwm2m_core::object::enum_to_value(m) {
        lwm2m_core::Value::Integer(i) => i,
        _ => -1,
    }
}

impl Client {
    pub(super) fn securities(&self) -> Option<&SecurityObject> {
        self.object::<SecurityObject>(0)
    }

    pub(super) fn securities_mut(&mut self) -> Option<&mut SecurityObject> {
        self.object_mut::<SecurityObject>(0)
    }

    pub(super) fn server_objects(&self) -> Option<&ServerObject> {
        self.object::<ServerObject>(1)
    }

    /// Hosts empty Security and Server Objects where none are; an error when the application
    /// hosts them with other types.
    pub(super) fn host_account_objects(&mut self) -> Result<(), ClientError> {
        for oid in [0, 1] {
            let hosted = self.objects.get(oid);
            let ok = match oid {
                0 => hosted.map(|h| h.as_any().is::<SecurityObject>()),
                _ => hosted.map(|h| h.as_any().is::<ServerObject>()),
            };
            match ok {
                Some(true) => {}
                Some(false) => return Err(ClientError::ObjectType { object: oid }),
                None if oid == 0 => self.add_object(SecurityObject::new()),
                None => self.add_object(ServerObject::new()),
            }
        }
        Ok(())
    }

    /// The Security instances with their ids.
    pub(super) fn security_instances(&self) -> Vec<(InstanceId, &security::Instance)> {
        let Some(obj) = self.securities() else {
            return Vec::new();
        };
        instance_ids(obj, 0)
            .into_iter()
            .filter_map(|i| obj.instance(i).map(|s| (i, s)))
            .collect()
    }

    /// The Bootstrap-Server Account: the Security instance with Bootstrap-Server true.
    pub(super) fn bootstrap_account(&self) -> Option<(InstanceId, &security::Instance)> {
        self.security_instances()
            .into_iter()
            .find(|(_, s)| *s.bootstrap_server())
    }

    /// The Server instance with Short Server ID `ssid`.
    pub(super) fn server_instance(&self, ssid: u16) -> Option<&server::Instance> {
        let obj = self.server_objects()?;
        instance_ids(obj, 1)
            .into_iter()
            .filter_map(|i| obj.instance(i))
            .find(|s| *s.short_server_id() == i32::from(ssid))
    }

    /// The consistency check: the first (lowest instance id) LwM2M Server Account, complete.
    pub(crate) fn server_account(&self) -> Result<Account, ConsistencyError> {
        let (iid, sec) = self
            .security_instances()
            .into_iter()
            .find(|(_, s)| !*s.bootstrap_server())
            .ok_or(ConsistencyError::NoServerAccount)?;
        let ssid = sec
            .short_server_id()
            .and_then(|s| u16::try_from(*s).ok())
            .ok_or(ConsistencyError::NoShortServerId { instance: iid })?;
        let srv = self
            .server_instance(ssid)
            .ok_or(ConsistencyError::NoServerInstance { ssid })?;
        let uri =
            ServerUri::parse(sec.lwm2m_server_uri()).map_err(|error| ConsistencyError::Uri {
                instance: iid,
                error,
            })?;
        self.check_security(iid, sec, uri.secure)?;
        let secs = |v: Option<&i64>| v.and_then(|v| u32::try_from(*v).ok());
        Ok(Account {
            uri: sec.lwm2m_server_uri().clone(),
            addr: uri.socket_addr(),
            lifetime: Duration::from_secs(u64::try_from(*srv.lifetime()).unwrap_or(0).max(1)),
            binding: srv.binding().clone(),
            default_pmin: secs(srv.default_minimum_period()),
            default_pmax: secs(srv.default_maximum_period()),
        })
    }

    /// The Security Mode against the scheme and this client's transport.
    fn check_security(
        &self,
        instance: InstanceId,
        sec: &security::Instance,
        secure: bool,
    ) -> Result<(), ConsistencyError> {
        let mode = mode_number(sec.security_mode());
        match (secure, mode) {
            (false, 3) => Ok(()),
            (false, mode) => Err(ConsistencyError::SecurityMode { instance, mode }),
            (true, _) if !self.has_secure_transport() => {
                Err(ConsistencyError::SecureUnsupported { instance })
            }
            (true, 3) => Err(ConsistencyError::NoSecOnCoaps { instance }),
            (true, mode) if !self.transport_supports(mode) => {
                Err(ConsistencyError::UnsupportedSecurityMode { instance, mode })
            }
            (true, 0) => {
                let missing = [(3, sec.public_key_or_identity()), (5, sec.secret_key())]
                    .into_iter()
                    .find(|(_, v)| v.is_empty());
                match missing {
                    Some((resource, _)) => Err(ConsistencyError::MissingCredential {
                        instance,
                        resource,
                        mode,
                    }),
                    None => Ok(()),
                }
            }
            (true, _) => Ok(()),
        }
    }
}
