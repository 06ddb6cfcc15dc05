//! Operations in flight: their CoAP requests, queue-mode holding, and responses decoded into
//! [`Reply`]s.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use lwm2m_core::codec::{self, link};
use lwm2m_core::{ContentFormat, ObjectId, ObjectMeta, Path, TypeResolver};

use super::{OpError, Registration, Reply, Route, Server, ServerError, ServerEvent};
use crate::coap::{Message, ReadOptions, RequestId, Timestamp};

/// Identifies an operation started on the [`Server`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpId(u64);

/// What an operation does, for decoding its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Read,
    Observe,
    Discover,
    Create,
    Delete,
    /// Write, Execute, Write-Attributes: a 2.04 and nothing to decode.
    Change,
}

#[derive(Debug)]
struct Op {
    endpoint: String,
    kind: Kind,
    path: Path,
    request: Option<RequestId>,
    /// The request waiting for a queue-mode client to wake up.
    held: Option<Message>,
    /// The client registered in queue mode.
    queue: bool,
    answered: bool,
    cancelled: bool,
}

/// The operation table.
#[derive(Debug, Default)]
pub(super) struct Ops {
    next: u64,
    ops: BTreeMap<OpId, Op>,
    by_request: BTreeMap<RequestId, OpId>,
    /// Queue-mode clients known to be awake, until when.
    awake_until: BTreeMap<String, Timestamp>,
    /// Operations holding a request for a sleeping client.
    holding: usize,
}

impl Ops {
    fn remove(&mut self, op: OpId) -> Option<Op> {
        let o = self.ops.remove(&op)?;
        if let Some(r) = o.request {
            self.by_request.remove(&r);
        }
        if o.held.is_some() {
            self.holding -= 1;
        }
        Some(o)
    }

    /// Turns a response (or failure) into an event.
    pub(super) fn on_response(
        &mut self,
        id: RequestId,
        result: Result<Message, OpError>,
        metas: &BTreeMap<ObjectId, &'static ObjectMeta>,
    ) -> Option<ServerEvent> {
        let op_id = *self.by_request.get(&id)?;
        let op = self.ops.get_mut(&op_id)?;
        if op.cancelled {
            self.remove(op_id);
            return None;
        }
        let first = !op.answered;
        op.answered = true;
        let (kind, path, endpoint) = (op.kind, op.path, op.endpoint.clone());
        let (result, keep) = match result {
            Err(e) => (Err(e), false),
            Ok(m) if !m.code.is_success() => (Err(OpError::Response(m.code)), false),
            Ok(m) => {
                let keep = kind == Kind::Observe && m.observe().is_some();
                (decode(kind, path, &m, metas), keep)
            }
        };
        if !keep {
            self.remove(op_id);
        }
        Some(match result {
            Ok(Reply::Content(content)) if kind == Kind::Observe && !first => {
                ServerEvent::Notification {
                    op: op_id,
                    endpoint,
                    content,
                }
            }
            result => ServerEvent::Response {
                op: op_id,
                endpoint,
                result,
            },
        })
    }
}

/// Decodes a success response of an operation of `kind` at `path`.
fn decode(
    kind: Kind,
    path: Path,
    msg: &Message,
    metas: &BTreeMap<ObjectId, &'static ObjectMeta>,
) -> Result<Reply, OpError> {
    match kind {
        Kind::Read | Kind::Observe => {
            let format = ContentFormat::from_number(msg.content_format().unwrap_or(0))
                .map_err(OpError::Decode)?;
            let resolver = |p: &Path| metas.get(&p.object_id()?)?.resource_type(p);
            codec::decode(format, path, &msg.payload, &resolver)
                .map(Reply::Content)
                .map_err(OpError::Decode)
        }
        Kind::Discover => link::decode(&msg.payload)
            .map(Reply::Links)
            .map_err(OpError::Decode),
        Kind::Create => {
            let ids: Vec<u16> = msg.location_path().filter_map(|s| s.parse().ok()).collect();
            Ok(Reply::Created(Path::from_ids(&ids).unwrap_or(path)))
        }
        Kind::Delete => Ok(Reply::Deleted),
        Kind::Change => Ok(Reply::Changed),
    }
}

impl Server {
    /// Sends `msg` to `endpoint` now, or holds it while a queue-mode client sleeps.
    pub(super) fn submit(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        kind: Kind,
        path: Path,
        msg: Message,
    ) -> Result<OpId, ServerError> {
        let route = self.route(endpoint)?;
        self.submit_to(now, endpoint, route, kind, path, msg)
    }

    /// The route to `endpoint`.
    pub(super) fn route(&self, endpoint: &str) -> Result<Route, ServerError> {
        self.store
            .route(endpoint)
            .ok_or_else(|| ServerError::UnknownEndpoint(endpoint.into()))
    }

    /// [`submit`](Self::submit) with the route already looked up.
    pub(super) fn submit_to(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        route: Route,
        kind: Kind,
        path: Path,
        msg: Message,
    ) -> Result<OpId, ServerError> {
        let awake =
            !route.queue_mode || self.ops.awake_until.get(endpoint).is_some_and(|t| now < *t);
        let (request, held) = if awake {
            (Some(self.endpoint.request(now, route.peer, msg)?), None)
        } else {
            self.ops.holding += 1;
            (None, Some(msg))
        };
        self.ops.next += 1;
        let id = OpId(self.ops.next);
        if let Some(r) = request {
            self.ops.by_request.insert(r, id);
        }
        self.ops.ops.insert(
            id,
            Op {
                endpoint: endpoint.into(),
                kind,
                path,
                request,
                held,
                queue: route.queue_mode,
                answered: false,
                cancelled: false,
            },
        );
        Ok(id)
    }

    /// The response to (or failure of) an operation's request; `heard` when the client sent
    /// something (a response, a notification, a Reset). For a queue-mode client that shows it is
    /// awake for another awake time, and what was held for it goes out; a request it did not
    /// answer at all means it sleeps: later requests are held until it shows itself again.
    pub(super) fn op_outcome(
        &mut self,
        now: Timestamp,
        id: RequestId,
        result: Result<Message, OpError>,
        heard: bool,
    ) {
        let queue_client = self
            .ops
            .by_request
            .get(&id)
            .and_then(|op| self.ops.ops.get(op))
            .filter(|o| o.queue)
            .map(|o| o.endpoint.clone());
        if let Some(ev) = self.ops.on_response(id, result, &self.metas) {
            self.events.push_back(ev);
        }
        let Some(endpoint) = queue_client else {
            return;
        };
        if !heard {
            self.ops.awake_until.remove(&endpoint);
        } else if let Some(reg) = self.store.by_endpoint(&endpoint) {
            self.client_awake(now, &reg);
        }
    }

    /// A client showed it is awake: send what was held for it.
    pub(super) fn client_awake(&mut self, now: Timestamp, reg: &Registration) {
        if reg.queue_mode {
            self.ops
                .awake_until
                .insert(reg.endpoint.clone(), now + self.config.awake_time);
        }
        if self.ops.holding == 0 {
            return;
        }
        let held: Vec<OpId> = self
            .ops
            .ops
            .iter()
            .filter(|(_, o)| o.endpoint == reg.endpoint && o.held.is_some())
            .map(|(id, _)| *id)
            .collect();
        for id in held {
            let Some(msg) = self.ops.ops.get_mut(&id).and_then(|o| o.held.take()) else {
                continue;
            };
            self.ops.holding -= 1;
            match self.endpoint.request(now, reg.peer, msg) {
                Ok(r) => {
                    self.ops.by_request.insert(r, id);
                    if let Some(o) = self.ops.ops.get_mut(&id) {
                        o.request = Some(r);
                    }
                }
                Err(_) => {
                    self.ops.remove(id);
                    self.events.push_back(ServerEvent::Response {
                        op: id,
                        endpoint: reg.endpoint.clone(),
                        result: Err(OpError::Timeout),
                    });
                }
            }
        }
    }

    /// Fails every operation of `endpoint` (it deregistered or expired).
    pub(super) fn drop_ops(&mut self, endpoint: &str) {
        self.ops.awake_until.remove(endpoint);
        let gone: Vec<OpId> = self
            .ops
            .ops
            .iter()
            .filter(|(_, o)| o.endpoint == endpoint)
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            let Some(op) = self.ops.remove(id) else {
                continue;
            };
            if let Some(r) = op.request {
                self.endpoint.forget(r);
            }
            if !op.cancelled {
                self.events.push_back(ServerEvent::Response {
                    op: id,
                    endpoint: op.endpoint,
                    result: Err(OpError::Deregistered),
                });
            }
        }
    }

    /// Cancels an observation started with [`Server::observe`] with a GET Observe=1 (RFC 7641
    /// §3.6); no further events come for `op`.
    pub fn cancel_observation(&mut self, now: Timestamp, op: OpId) -> Result<(), ServerError> {
        let o = self.ops.ops.get_mut(&op).ok_or(ServerError::UnknownOp)?;
        if o.kind != Kind::Observe {
            return Err(ServerError::UnknownOp);
        }
        o.cancelled = true;
        match o.request {
            Some(r) => {
                if self.endpoint.cancel_observation(now, r).is_err() {
                    self.endpoint.forget(r);
                    self.ops.remove(op);
                }
            }
            None => {
                self.ops.remove(op);
            }
        }
        Ok(())
    }

    /// Operations sent or held and not finished (observations count while active).
    pub fn pending_ops(&self) -> usize {
        self.ops.ops.len()
    }
}
