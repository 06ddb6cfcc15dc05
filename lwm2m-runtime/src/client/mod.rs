//! The LwM2M client (device) state machine, sans-IO.
//!
//! [`Client`] owns a CoAP [`Endpoint`] and the Objects it hosts. It registers with one server,
//! keeps the registration alive with Updates, answers Device Management requests through the
//! [`ObjectHandler`](lwm2m_core::object::ObjectHandler)s, serves observations with the
//! notification attributes, and sends data with Send. In Queue Mode it sleeps between
//! exchanges (`queue.rs`).
//!
//! The contract is the endpoint's: after every input ([`Client::handle_datagram`],
//! [`Client::handle_timeout`] or a command), drain [`Client::poll_transmit`] and
//! [`Client::poll_event`], then arm a timer for [`Client::poll_timeout`].
//!
//! The composite operations (Read-, Write- and Observe-Composite: FETCH and iPATCH on the root
//! path with SenML) are in `composite.rs`; observations apply `epmin`/`epmax` as evaluation
//! periods (`observe.rs`); Discover lists `dim` for multiple-instance Resources.
//!
//! With a Bootstrap-Server Account ([`Client::bootstrapping`], [`Client::set_bootstrap`]) it
//! bootstraps before registering when it has no server, and after repeated registration
//! failures (see the `bootstrap` module's docs). Inside `dtls::Secured` (feature `dtls`) the
//! transport takes each peer's credentials from the Security Object, so a `coaps://` PSK
//! account, bootstrapped or factory-written, needs no other configuration; a plain client
//! refuses `coaps://` accounts at Bootstrap-Finish.
//!
//! Not implemented yet: Delete of a Resource Instance, several servers, and taking the defaults
//! for `pmin`/`pmax` from the Server Object (they come from [`ClientConfig`]; a bootstrapped
//! Server instance's defaults are applied).
//!
//! ```
//! use lwm2m_core::object::Object;
//! use lwm2m_objects::device;
//! use lwm2m_runtime::client::{Client, ClientConfig};
//! use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, Timestamp};
//!
//! let mut dev = Object::<device::Instance>::new();
//! dev.insert(0, device::Instance::default());
//! let endpoint = Endpoint::new(Config::default(), SeededRandom::new(1));
//! let server = "192.0.2.1:5683".parse().unwrap();
//! let mut client = Client::new(ClientConfig::new("dev-1"), endpoint, server);
//! client.add_object(dev);
//! client.start(Timestamp::ZERO).unwrap();
//! let register = client.poll_transmit().unwrap(); // POST /rd?ep=dev-1&lt=86400&lwm2m=1.1&b=U
//! assert_eq!(register.destination, server);
//! ```

mod bootstrap;
mod composite;
mod config;
mod dm;
mod objects;
mod observe;
mod queue;
mod registration;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;

use lwm2m_core::{Path, Record};

use crate::coap::{
    Code, Endpoint, EndpointError, Event, Message, ReadOptions, RequestId, Timestamp, Transmit,
};
use crate::lwm2m::{AttributeStore, SEND_PATH};

pub use bootstrap::{
    BootstrapAccount, BootstrapFailure, ConsistencyError, SecurityObject, ServerObject, security,
    server,
};
pub use config::ClientConfig;
pub use objects::HostedObject;

/// Something the application should know about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientEvent {
    /// The server accepted the registration; `location` is the path it assigned (`/rd/5a3f`).
    Registered {
        /// The registration's location.
        location: String,
    },
    /// An Update succeeded.
    Updated,
    /// Register or Update failed; the client retries at `retry_at`.
    RegistrationFailed {
        /// The server's response code, `None` when it did not answer.
        code: Option<Code>,
        /// When the next Register is sent.
        retry_at: Timestamp,
    },
    /// De-register completed (or the server did not answer it).
    Deregistered,
    /// The server wrote at `path`.
    Written {
        /// The path written.
        path: Path,
    },
    /// The server executed `path` with `args`.
    Executed {
        /// The Resource.
        path: Path,
        /// The argument payload.
        args: String,
    },
    /// The server created an Object Instance.
    Created {
        /// The new instance.
        path: Path,
    },
    /// The server deleted an Object Instance.
    Deleted {
        /// The instance.
        path: Path,
    },
    /// The server started observing `path`.
    ObservationStarted {
        /// The observed path.
        path: Path,
    },
    /// An observation ended (cancelled, reset or timed out).
    ObservationEnded {
        /// The observed path.
        path: Path,
    },
    /// The server acknowledged a Send.
    SendCompleted {
        /// The Send.
        id: RequestId,
    },
    /// A Send failed.
    SendFailed {
        /// The Send.
        id: RequestId,
        /// The server's response code, `None` when it did not answer.
        code: Option<Code>,
    },
    /// Bootstrap-Finish was accepted: the client registers with `server` next, or, when the
    /// URI names a host, waits for [`Client::set_server`] with its resolved address.
    Bootstrapped {
        /// The LwM2M Server URI written by the Bootstrap-Server.
        uri: String,
        /// Its address when the URI holds an IP literal.
        server: Option<SocketAddr>,
    },
    /// A bootstrap attempt failed; the next Bootstrap-Request is sent at `retry_at`.
    BootstrapFailed {
        /// Why.
        reason: BootstrapFailure,
        /// When the next attempt starts.
        retry_at: Timestamp,
    },
    /// Bootstrap-Finish was answered 4.06: the written configuration is not usable. The
    /// Bootstrap-Server may correct it and finish again.
    BootstrapFinishRejected {
        /// What is wrong.
        error: ConsistencyError,
    },
    /// The Bootstrap-Server Account Timeout passed: the account was removed.
    BootstrapAccountPurged,
    /// Queue Mode: the awake time passed without an exchange; the client drops what arrives
    /// until it wakes, so the radio may be powered down until [`Client::poll_timeout`].
    Sleeping,
    /// Queue Mode: the client woke up to send (after an Update when the server must learn it).
    Awake,
}

/// A command the client cannot carry out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The operation needs a registration.
    #[error("not registered")]
    NotRegistered,
    /// Content could not be encoded.
    #[error("encoding failed: {0}")]
    Encode(lwm2m_core::Error),
    /// The CoAP endpoint refused the request.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The application hosts this Object with a type other than [`SecurityObject`] /
    /// [`ServerObject`], which bootstrapping writes.
    #[error("Object {object} is hosted with a type bootstrapping cannot write")]
    ObjectType {
        /// The Object id.
        object: u16,
    },
    /// No Bootstrap-Server Account.
    #[error("no bootstrap server")]
    NoBootstrapServer,
}

/// What an outstanding request of ours is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outgoing {
    Register,
    Update,
    Deregister,
    Send,
    BootstrapRequest,
}

/// The LwM2M client. See the [module docs](self).
#[derive(Debug)]
pub struct Client {
    config: ClientConfig,
    endpoint: Endpoint,
    server: SocketAddr,
    objects: objects::Objects,
    attributes: AttributeStore,
    registration: registration::State,
    observations: BTreeMap<crate::coap::ObservationId, observe::Observation>,
    outgoing: BTreeMap<RequestId, Outgoing>,
    events: VecDeque<ClientEvent>,
    bootstrap: bootstrap::State,
    queue: queue::State,
}

impl Client {
    /// A client that will register with `server` over `endpoint`.
    pub fn new(config: ClientConfig, endpoint: Endpoint, server: SocketAddr) -> Self {
        Client {
            config,
            endpoint,
            server,
            objects: objects::Objects::default(),
            attributes: AttributeStore::new(),
            registration: registration::State::default(),
            observations: BTreeMap::new(),
            outgoing: BTreeMap::new(),
            events: VecDeque::new(),
            bootstrap: bootstrap::State::default(),
            queue: queue::State::default(),
        }
    }

    /// Hosts `object`, replacing an Object with the same id. If registered, an Update follows.
    pub fn add_object(&mut self, object: impl HostedObject) {
        self.objects.insert(alloc::boxed::Box::new(object));
        self.registration.objects_changed();
    }

    /// The Object `oid` as its concrete type, e.g. `Object<device::Instance>`.
    pub fn object<T: 'static>(&self, oid: u16) -> Option<&T> {
        self.objects.get(oid)?.as_any().downcast_ref()
    }

    /// The Object `oid` as its concrete type, to change values or instances. Call
    /// [`Client::changed`] afterwards so that observers are notified (and, for new or removed
    /// instances, [`Client::instances_changed`]).
    pub fn object_mut<T: 'static>(&mut self, oid: u16) -> Option<&mut T> {
        self.objects.get_mut(oid)?.as_any_mut().downcast_mut()
    }

    /// Tells the client that values at or below `path` changed: observations covering it are
    /// re-evaluated against their attributes.
    pub fn changed(&mut self, now: Timestamp, path: Path) {
        self.check_observations(now, Some(path));
        self.pump(now);
    }

    /// Tells the client that Objects or Object Instances were added or removed locally: an
    /// Update with the new object list follows.
    pub fn instances_changed(&mut self, now: Timestamp) {
        self.registration.objects_changed();
        self.drive_registration(now);
        self.pump(now);
    }

    /// The CoAP endpoint (statistics, configuration).
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The server's address.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The registration's location path while registered.
    pub fn location(&self) -> Option<&str> {
        self.registration.location()
    }

    /// Sends `records` to the server with Send (POST `/dp`, SenML CBOR, LwM2M 1.1). The outcome
    /// arrives as [`ClientEvent::SendCompleted`] or [`ClientEvent::SendFailed`].
    pub fn send(&mut self, now: Timestamp, records: Vec<Record>) -> Result<RequestId, ClientError> {
        if self.registration.location().is_none() {
            return Err(ClientError::NotRegistered);
        }
        let content = lwm2m_core::Content::records(Path::ROOT, records);
        let payload =
            lwm2m_core::codec::senml::cbor::encode(&content).map_err(ClientError::Encode)?;
        let msg = Message::request(Code::POST)
            .with_uri_path(SEND_PATH)
            .with_content_format(lwm2m_core::ContentFormat::SenmlCbor.number())
            .with_payload(payload);
        self.wake_to_send(now);
        let id = self.endpoint.request(now, self.server, msg)?;
        self.outgoing.insert(id, Outgoing::Send);
        Ok(id)
    }

    /// Handles a datagram from `peer`; while asleep in Queue Mode it is dropped and counted.
    pub fn handle_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
        if !self.queue_receive(now) {
            return;
        }
        self.endpoint.handle_datagram(now, peer, datagram);
        self.pump(now);
    }

    /// Handles timer expiry: the endpoint's timers, registration updates and retries, and
    /// notification periods.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.endpoint.handle_timeout(now);
        self.pump(now);
        self.drive_registration(now);
        self.drive_bootstrap(now);
        self.check_observations(now, None);
        self.pump(now);
        self.queue_maybe_sleep(now);
    }

    /// The earliest time [`Client::handle_timeout`] has work to do.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        [
            self.endpoint.poll_timeout(),
            self.registration.deadline(),
            self.observation_deadline(),
            self.bootstrap.deadline(),
            self.queue_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.endpoint.poll_transmit()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// Dispatches the endpoint's events until there are none.
    fn pump(&mut self, now: Timestamp) {
        while let Some(ev) = self.endpoint.poll_event() {
            match ev {
                Event::Request { id, peer, message } if self.is_bootstrap_peer(peer) => {
                    self.on_bootstrap_request(now, id, message);
                }
                Event::Request { id, peer, message } => self.on_request(now, id, peer, message),
                Event::Response { id, message } => self.on_response(now, id, Ok(&message)),
                Event::RequestFailed { id, .. } => self.on_response(now, id, Err(())),
                Event::ObservationEnded { id, .. } => self.on_observation_ended(id),
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
        self.queue_note_sent(now);
    }

    /// A response (or failure) to one of our requests.
    fn on_response(&mut self, now: Timestamp, id: RequestId, result: Result<&Message, ()>) {
        let Some(kind) = self.outgoing.remove(&id) else {
            return;
        };
        let code = result.ok().map(|m| m.code);
        match kind {
            Outgoing::Register => {
                let location: Vec<String> = result
                    .map(|m| m.location_path().map(String::from).collect())
                    .unwrap_or_default();
                self.on_register_response(now, code, location);
            }
            Outgoing::Update => self.on_update_response(now, code),
            Outgoing::Deregister => self.on_deregister_response(),
            Outgoing::BootstrapRequest => self.on_bootstrap_response(now, id, code),
            Outgoing::Send => self.events.push_back(match code {
                Some(c) if c.is_success() => ClientEvent::SendCompleted { id },
                code => ClientEvent::SendFailed { id, code },
            }),
        }
    }
}
