//! The LwM2M Bootstrap interface (Core TS 1.1 §6.1, Transport TS §6.1): the sans-IO
//! [`BootstrapServer`], and what the client's side ([`crate::client::Client::bootstrapping`])
//! shares with it (the Bootstrap-Request, Server URIs).
//!
//! The server answers a Bootstrap-Request (`POST /bs?ep=NAME[&pct=N]`) with 2.04 for an endpoint
//! it has a [`Provision`] for (or a default one), then drives the client through
//! Bootstrap-Delete of the old accounts (`/0`, `/1`; configurable in [`Provision::delete`]),
//! Bootstrap-Discover `/` (to learn which Security instance is the client's
//! Bootstrap-Server Account, and its `lwm2m=` version), one Bootstrap-Write per Security and
//! Server Object Instance (into free instance ids), and Bootstrap-Finish. The outcome arrives as
//! [`BootstrapEvent::Finished`] or [`BootstrapEvent::Failed`] with a typed reason. A client that
//! answers Discover with an error (LwM2M 1.0) is written from instance id 0 upwards.
//!
//! Writes use TLV, or the client's `pct` when it names TLV, SenML JSON/CBOR or LwM2M CBOR.
//! Inside a server-role `dtls::Secured` (feature `dtls`) it bootstraps over DTLS: the security
//! store binds each credential to an endpoint name, and a Bootstrap-Request for another name
//! is answered 4.03 ([`BootstrapError::Forbidden`]).
//!
//! Not implemented: Bootstrap-Read from this server, server-initiated bootstrap, Bootstrap-Pack
//! (1.2).
//!
//! Drive it like the endpoint: after every input drain [`BootstrapServer::poll_transmit`] and
//! [`BootstrapServer::poll_event`], then arm a timer for [`BootstrapServer::poll_timeout`].

mod config;
mod request;
mod security;
mod session;
mod uri;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use core::net::SocketAddr;

use lwm2m_core::{ContentFormat, Path};

use crate::coap::{
    Code, Endpoint, EndpointError, Event, IncomingId, Message, RequestId, Timestamp, Transmit,
};

pub use config::{Credentials, Provision, ProvisionError, ServerAccount};
pub use request::{BS_PATH, BootstrapRequest, RequestError};
pub use session::Operation;
pub use uri::{COAP_PORT, COAPS_PORT, ServerUri, UriError};

pub(crate) use request::is_bs_post;
use session::Session;

/// Something the application should know about.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BootstrapEvent {
    /// A client asked to be bootstrapped and the server started.
    Requested {
        /// Endpoint name.
        endpoint: String,
        /// Its address.
        peer: SocketAddr,
    },
    /// The client accepted Bootstrap-Finish.
    Finished {
        /// Endpoint name.
        endpoint: String,
    },
    /// Bootstrapping the client failed.
    Failed {
        /// Endpoint name.
        endpoint: String,
        /// Why.
        reason: BootstrapError,
    },
}

/// Why bootstrapping a client failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BootstrapError {
    /// No provision for this endpoint and no default (the request was answered 4.00).
    #[error("no bootstrap configuration for this endpoint")]
    UnknownEndpoint,
    /// The client answered an operation with an error code.
    #[error("{operation} {path} answered {code}")]
    Rejected {
        /// The operation.
        operation: Operation,
        /// Its path.
        path: Path,
        /// The client's code.
        code: Code,
    },
    /// The client answered Bootstrap-Finish with an error (4.06: its configuration is not
    /// consistent); `diagnostic` is its payload.
    #[error("Bootstrap-Finish answered {code}: {diagnostic}")]
    FinishRejected {
        /// The client's code.
        code: Code,
        /// The diagnostic payload.
        diagnostic: String,
    },
    /// The client did not answer an operation.
    #[error("{operation} {path}: no response")]
    Timeout {
        /// The operation.
        operation: Operation,
        /// Its path.
        path: Path,
    },
    /// The content could not be encoded in the chosen format.
    #[error("encoding failed: {0}")]
    Encode(lwm2m_core::Error),
    /// The CoAP endpoint refused a request.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The peer's credential is not bound to the endpoint name it asked for (answered 4.03).
    #[error("{peer}: {reason}")]
    Forbidden {
        /// The peer.
        peer: SocketAddr,
        /// Why.
        reason: crate::server::RejectReason,
    },
}

/// The LwM2M Bootstrap-Server. See the [module docs](self).
#[derive(Debug)]
pub struct BootstrapServer {
    endpoint: Endpoint,
    provisions: BTreeMap<String, Provision>,
    default: Option<Provision>,
    sessions: BTreeMap<String, Session>,
    by_request: BTreeMap<RequestId, String>,
    events: VecDeque<BootstrapEvent>,
    peers: security::Peers,
}

impl BootstrapServer {
    /// A bootstrap server over `endpoint` without provisions.
    pub fn new(endpoint: Endpoint) -> Self {
        BootstrapServer {
            endpoint,
            provisions: BTreeMap::new(),
            default: None,
            sessions: BTreeMap::new(),
            by_request: BTreeMap::new(),
            events: VecDeque::new(),
            peers: security::Peers::new(),
        }
    }

    /// What to write to the client named `endpoint` (replacing an earlier provision).
    pub fn provision(
        &mut self,
        endpoint: impl Into<String>,
        provision: Provision,
    ) -> Result<(), ProvisionError> {
        provision.validate()?;
        self.provisions.insert(endpoint.into(), provision);
        Ok(())
    }

    /// What to write to clients without their own provision (`None`: refuse them).
    pub fn set_default(&mut self, provision: Option<Provision>) -> Result<(), ProvisionError> {
        if let Some(p) = &provision {
            p.validate()?;
        }
        self.default = provision;
        Ok(())
    }

    /// Clients being bootstrapped now.
    pub fn in_progress(&self) -> usize {
        self.sessions.len()
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

    /// Handles timer expiry (the endpoint's retransmissions and timeouts).
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.endpoint.handle_timeout(now);
        self.pump(now);
    }

    /// The earliest time [`BootstrapServer::handle_timeout`] has work to do.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.endpoint.poll_timeout()
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.endpoint.poll_transmit()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<BootstrapEvent> {
        self.events.pop_front()
    }

    fn pump(&mut self, now: Timestamp) {
        while let Some(ev) = self.endpoint.poll_event() {
            match ev {
                Event::Request { id, peer, message } => self.on_request(now, id, peer, &message),
                Event::Response { id, message } => self.on_response(now, id, Ok(message)),
                Event::RequestFailed { id, .. } => self.on_response(now, id, Err(())),
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
    }

    fn on_request(&mut self, now: Timestamp, id: IncomingId, peer: SocketAddr, msg: &Message) {
        if !is_bs_post(msg) {
            let _ = self
                .endpoint
                .respond(now, id, Message::response(Code::NOT_FOUND));
            return;
        }
        let req = match BootstrapRequest::from_message(msg) {
            Ok(r) => r,
            Err(e) => {
                let code = match e {
                    RequestError::UnsupportedPct(_) => Code::UNSUPPORTED_CONTENT_FORMAT,
                    _ => Code::BAD_REQUEST,
                };
                let _ = self.endpoint.respond(now, id, Message::response(code));
                return;
            }
        };
        if !self.authorize(peer, &req.endpoint) {
            let _ = self
                .endpoint
                .respond(now, id, Message::response(Code::FORBIDDEN));
            return;
        }
        let provision = self.provisions.get(&req.endpoint).or(self.default.as_ref());
        let Some(provision) = provision.cloned() else {
            let _ = self
                .endpoint
                .respond(now, id, Message::response(Code::BAD_REQUEST));
            self.events.push_back(BootstrapEvent::Failed {
                endpoint: req.endpoint,
                reason: BootstrapError::UnknownEndpoint,
            });
            return;
        };
        let _ = self
            .endpoint
            .respond(now, id, Message::response(Code::CHANGED));
        let format = req.preferred_format.unwrap_or(ContentFormat::Tlv);
        let mut session = Session::new(peer, format, provision);
        session.start();
        let first = session.next();
        // A new request from the same client replaces its session; late answers to the old
        // session's requests are ignored.
        self.sessions.insert(req.endpoint.clone(), session);
        self.events.push_back(BootstrapEvent::Requested {
            endpoint: req.endpoint.clone(),
            peer,
        });
        if let Some(first) = first {
            self.send(now, &req.endpoint, first);
        }
    }

    fn send(&mut self, now: Timestamp, name: &str, (op, path, msg): (Operation, Path, Message)) {
        let Some(session) = self.sessions.get_mut(name) else {
            return;
        };
        match self.endpoint.request(now, session.peer, msg) {
            Ok(rid) => {
                session.current = (op, path, Some(rid));
                self.by_request.insert(rid, name.into());
            }
            Err(e) => self.fail(name, BootstrapError::Endpoint(e)),
        }
    }

    fn fail(&mut self, name: &str, reason: BootstrapError) {
        self.sessions.remove(name);
        self.events.push_back(BootstrapEvent::Failed {
            endpoint: name.into(),
            reason,
        });
    }

    fn on_response(&mut self, now: Timestamp, id: RequestId, result: Result<Message, ()>) {
        let Some(name) = self.by_request.remove(&id) else {
            return;
        };
        let Some(session) = self.sessions.get_mut(&name) else {
            return;
        };
        let (op, path, current) = session.current;
        if current != Some(id) {
            return;
        }
        let msg = match result {
            Err(()) => {
                return self.fail(
                    &name,
                    BootstrapError::Timeout {
                        operation: op,
                        path,
                    },
                );
            }
            Ok(m) => m,
        };
        match op {
            Operation::Discover => {
                let found = msg
                    .code
                    .is_success()
                    .then(|| session::parse_discover(&msg.payload))
                    .flatten()
                    .unwrap_or_default();
                if let Err(e) = session.plan_writes(&found) {
                    return self.fail(&name, BootstrapError::Encode(e));
                }
            }
            Operation::Finish if msg.code == Code::CHANGED => {
                self.sessions.remove(&name);
                self.events
                    .push_back(BootstrapEvent::Finished { endpoint: name });
                return;
            }
            Operation::Finish => {
                let diagnostic = String::from_utf8_lossy(&msg.payload).into_owned();
                let reason = BootstrapError::FinishRejected {
                    code: msg.code,
                    diagnostic,
                };
                return self.fail(&name, reason);
            }
            _ if !msg.code.is_success() => {
                let code = msg.code;
                return self.fail(
                    &name,
                    BootstrapError::Rejected {
                        operation: op,
                        path,
                        code,
                    },
                );
            }
            _ => {}
        }
        if let Some(next) = self.sessions.get_mut(&name).and_then(Session::next) {
            self.send(now, &name, next);
        }
    }
}

crate::__impl_machine!(BootstrapServer, BootstrapEvent);
