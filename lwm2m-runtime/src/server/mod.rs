//! The LwM2M server state machine, sans-IO.
//!
//! [`Server`] owns a CoAP [`Endpoint`] and a [`RegistrationStore`]. It answers the registration
//! interface (Register, Update, De-register) and Send, expires silent clients from `now`, and
//! offers the Device Management operations (read, write, execute, create, delete, discover,
//! write-attributes, observe) by endpoint name. Every operation returns an [`OpId`]; its outcome
//! arrives as [`ServerEvent::Response`] (and, for observations, [`ServerEvent::Notification`]s),
//! decoded with the metadata of the Objects given to [`Server::add_objects`].
//!
//! Requests to a queue-mode client are held until it shows it is awake (Register or Update),
//! then sent; it counts as awake for [`ServerConfig::awake_time`] after that, restarted by every
//! response or notification it sends. A request it leaves unanswered means it sleeps.
//!
//! Requests ask for (Accept) or carry a format chosen from what the client registered: text for
//! single values, else the most compact structured format it supports. A client that announced
//! no `ct=` is assumed to support its version's mandatory formats (TLV for 1.0), unless
//! [`ServerConfig::unannounced_formats`] or [`Server::set_formats`] says otherwise (e.g. text only
//! for lwm2m-node-lib, which answers no TLV read).
//!
//! Responses are typed with the Object metadata the server knows, whatever version the client
//! registered. The composite operations (Read-, Write- and Observe-Composite) are
//! [`Server::read_composite`], [`Server::write_composite`] and [`Server::observe_composite`].
//! Not implemented yet: Bootstrap, and a request timeout for operations held for a queue-mode
//! client (they are dropped when the registration ends).
//!
//! Drive it like the endpoint: after every input drain [`Server::poll_transmit`] and
//! [`Server::poll_event`], then arm a timer for [`Server::poll_timeout`].

mod api;
mod composite;
mod memstore;
mod ops;
mod registration;
mod security;
mod store;

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use core::net::SocketAddr;
use core::time::Duration;

use lwm2m_core::codec::link::Link;
use lwm2m_core::{Content, FormatSet, ObjectId, ObjectMeta, Path};

use crate::coap::{
    Code, Endpoint, EndpointError, Event, FailReason, RandomSource, Timestamp, Transmit,
};

pub use composite::{CompositeWrite, composite_node};
pub use memstore::InMemoryStore;
pub use ops::OpId;
pub use security::RejectReason;
pub use store::{Registration, RegistrationStore, Route};

/// Server settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// How long a queue-mode client counts as awake after Register or Update (93 s, CoAP's
    /// MAX_TRANSMIT_WAIT).
    pub awake_time: Duration,
    /// Extra time after a registration's lifetime before it expires (0 s).
    pub expiry_grace: Duration,
    /// The formats to use with a client that registers without `ct=`. `None` (the default)
    /// follows the spec: the formats its version makes mandatory (1.0 and 1.1: text, opaque,
    /// TLV; 1.2: SenML CBOR instead of TLV). `Some(set)` uses exactly `set`, e.g. text and
    /// opaque only for 1.0 clients that do not implement TLV (lwm2m-node-lib answers no read
    /// that asks for TLV): reads of single Resources then go as text/plain, and reads of
    /// instances or Objects fail at once with [`ServerError::Encode`] instead of waiting for an
    /// answer that never comes. Per client: [`Server::set_formats`].
    pub unannounced_formats: Option<FormatSet>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            awake_time: Duration::from_secs(93),
            expiry_grace: Duration::ZERO,
            unannounced_formats: None,
        }
    }
}

/// A successful operation's result.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reply {
    /// Read or Observe: the decoded content.
    Content(Content),
    /// Discover: the links.
    Links(alloc::vec::Vec<Link>),
    /// Write, Execute or Write-Attributes succeeded (2.04).
    Changed,
    /// Create succeeded; the new instance.
    Created(Path),
    /// Delete succeeded (2.02).
    Deleted,
}

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpError {
    /// The client answered with an error code.
    #[error("client answered {0}")]
    Response(Code),
    /// The client did not answer.
    #[error("no response")]
    Timeout,
    /// The answer did not decode.
    #[error("undecodable response: {0}")]
    Decode(lwm2m_core::Error),
    /// The client deregistered or expired before answering.
    #[error("client no longer registered")]
    Deregistered,
}

/// Something the application should know about.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// A client registered (replacing an earlier registration of the same name if
    /// `replaced`).
    Registered {
        /// Endpoint name.
        endpoint: String,
        /// Location path.
        location: String,
        /// A previous registration of this name was replaced.
        replaced: bool,
    },
    /// A client updated its registration.
    Updated {
        /// Endpoint name.
        endpoint: String,
    },
    /// A client deregistered.
    Deregistered {
        /// Endpoint name.
        endpoint: String,
    },
    /// A registration's lifetime passed without Update.
    Expired {
        /// Endpoint name.
        endpoint: String,
    },
    /// The outcome of an operation.
    Response {
        /// The operation.
        op: OpId,
        /// Endpoint name.
        endpoint: String,
        /// Its result.
        result: Result<Reply, OpError>,
    },
    /// A notification of an observation started with [`Server::observe`].
    Notification {
        /// The Observe operation.
        op: OpId,
        /// Endpoint name.
        endpoint: String,
        /// The new content.
        content: Content,
    },
    /// A registration interface request from a peer authenticated by a secure transport was
    /// refused (4.03) because its credential is not bound to the endpoint name.
    Rejected {
        /// The peer's address.
        peer: SocketAddr,
        /// The endpoint name the request was for.
        endpoint: String,
        /// Why.
        reason: RejectReason,
    },
    /// A client sent data with Send (`/dp`).
    Sent {
        /// Endpoint name.
        endpoint: String,
        /// The records.
        content: Content,
    },
}

/// A command the server cannot carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// No registration with this endpoint name.
    #[error("no registered client {0:?}")]
    UnknownEndpoint(String),
    /// No such operation, or not an observation.
    #[error("unknown operation")]
    UnknownOp,
    /// The content cannot be encoded in a format the client supports.
    #[error("cannot encode the request: {0}")]
    Encode(lwm2m_core::Error),
    /// The CoAP endpoint refused the request.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
}

/// The LwM2M server. See the [module docs](self).
pub struct Server {
    config: ServerConfig,
    endpoint: Endpoint,
    store: Box<dyn RegistrationStore>,
    random: Box<dyn RandomSource + Send>,
    next_reg: u64,
    metas: BTreeMap<ObjectId, &'static ObjectMeta>,
    ops: ops::Ops,
    events: VecDeque<ServerEvent>,
    /// Peers a secure transport authenticated ([`crate::security::SecurityAware`]).
    peers: BTreeMap<SocketAddr, crate::security::Authenticated>,
}

impl core::fmt::Debug for Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server")
            .field("endpoint", &self.endpoint)
            .field("registrations", &self.store.len())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A server over `endpoint` with an in-memory store; `random` draws registration ids.
    pub fn new(
        config: ServerConfig,
        endpoint: Endpoint,
        random: impl RandomSource + Send + 'static,
    ) -> Self {
        Self::with_store(config, endpoint, random, InMemoryStore::new())
    }

    /// A server with a custom registration store.
    pub fn with_store(
        config: ServerConfig,
        endpoint: Endpoint,
        random: impl RandomSource + Send + 'static,
        store: impl RegistrationStore + 'static,
    ) -> Self {
        Server {
            config,
            endpoint,
            store: Box::new(store),
            random: Box::new(random),
            next_reg: 0,
            metas: BTreeMap::new(),
            ops: ops::Ops::default(),
            events: VecDeque::new(),
            peers: BTreeMap::new(),
        }
    }

    /// Object definitions used to type decoded values (e.g. `&device::META`).
    pub fn add_objects(&mut self, metas: &[&'static ObjectMeta]) {
        for m in metas {
            self.metas.insert(m.id, m);
        }
    }

    /// The registration of `endpoint`.
    pub fn registration(&self, endpoint: &str) -> Option<Registration> {
        self.store.by_endpoint(endpoint)
    }

    /// Pins the formats the server uses with `endpoint` until it registers again (`None`: back
    /// to what it announced plus its version's mandatory formats). See
    /// [`ServerConfig::unannounced_formats`].
    pub fn set_formats(
        &mut self,
        endpoint: &str,
        formats: Option<FormatSet>,
    ) -> Result<(), ServerError> {
        let mut reg = self
            .store
            .by_endpoint(endpoint)
            .ok_or_else(|| ServerError::UnknownEndpoint(endpoint.into()))?;
        reg.use_formats = formats;
        self.store.update(reg);
        Ok(())
    }

    /// The registration store.
    pub fn store(&self) -> &dyn RegistrationStore {
        &*self.store
    }

    /// The CoAP endpoint (statistics, configuration).
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Handles a datagram from `peer`.
    pub fn handle_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
        self.endpoint.handle_datagram(now, peer, datagram);
        self.pump(now);
    }

    /// Handles timer expiry: the endpoint's timers and registration expiry.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.endpoint.handle_timeout(now);
        self.pump(now);
        self.expire(now);
        self.pump(now);
    }

    /// The earliest time [`Server::handle_timeout`] has work to do.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        let expiry = self
            .store
            .next_expiry()
            .map(|t| t + self.config.expiry_grace);
        [self.endpoint.poll_timeout(), expiry]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.endpoint.poll_transmit()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    fn pump(&mut self, now: Timestamp) {
        while let Some(ev) = self.endpoint.poll_event() {
            match ev {
                Event::Request { id, peer, message } => self.on_request(now, id, peer, message),
                Event::Response { id, message } => self.op_outcome(now, id, Ok(message), true),
                Event::RequestFailed { id, reason } => {
                    let heard = reason != FailReason::Timeout;
                    self.op_outcome(now, id, Err(OpError::Timeout), heard);
                }
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
    }

    fn expire(&mut self, now: Timestamp) {
        let limit = Timestamp::from_millis(
            now.as_millis()
                .saturating_sub(self.config.expiry_grace.as_millis() as u64),
        );
        for reg in self.store.take_expired(limit) {
            self.drop_ops(&reg.endpoint);
            self.events.push_back(ServerEvent::Expired {
                endpoint: reg.endpoint,
            });
        }
    }
}
