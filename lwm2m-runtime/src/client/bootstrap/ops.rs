//! The Bootstrap-Server's operations on the client (Core TS 1.1 §5.2.7, §6.1.7):
//!
//! | request | operation |
//! |---|---|
//! | PUT `/o`, `/o/i`, `/o/i/r` | Bootstrap-Write: creates missing instances, ignores access rights on Security and Server |
//! | GET `/1…`, `/2…` | Bootstrap-Read (only the Server and Access Control Objects; others 4.01) |
//! | GET Accept 40 on `/` or `/o` | Bootstrap-Discover: `lwm2m="1.1"`, instances, `ssid` and `uri` |
//! | DELETE `/`, `/o`, `/o/i` | Bootstrap-Delete: spares the Bootstrap-Server Account and Device |
//! | POST `/bs` | Bootstrap-Finish: 2.04, or 4.06 with the [`ConsistencyError`] text |

use alloc::format;
use alloc::vec::Vec;

use lwm2m_core::codec::{self, link::Link};
use lwm2m_core::object::{Object, ObjectHandler, ObjectInstance, WriteMode};
use lwm2m_core::{ContentFormat, Error, InstanceId, Node, ObjectId, Path, Resource, ResourceValue};

use super::super::dm::{code_of, request_path};
use super::super::{Client, ClientEvent};
use super::accounts::{ConsistencyError, instance_ids};
use crate::bootstrap::is_bs_post;
use crate::coap::{Code, IncomingId, Message, ReadOptions, Timestamp};
use crate::lwm2m::version_str;

/// `(instance, its resources)` of a Bootstrap-Write payload.
type Items = Vec<(InstanceId, Vec<Resource>)>;

fn items(path: Path, node: Node) -> Result<Items, Error> {
    let iid = path.instance_id().unwrap_or_default();
    let rid = path.resource_id().unwrap_or_default();
    let one = |value| alloc::vec![(iid, alloc::vec![Resource { id: rid, value }])];
    Ok(match (path.depth(), node) {
        (1, Node::Object(instances)) => {
            instances.into_iter().map(|i| (i.id, i.resources)).collect()
        }
        (2, Node::Instance(resources)) => alloc::vec![(iid, resources)],
        (3, Node::Single(v)) => one(ResourceValue::Single(v)),
        (3, Node::Multiple(v)) => one(ResourceValue::Multiple(v)),
        _ => {
            return Err(Error::malformed(
                path,
                "payload does not match the write path",
            ));
        }
    })
}

/// Writes into typed instances without access checks, all or nothing.
fn write_typed<T: ObjectInstance + Clone>(
    obj: &mut Object<T>,
    oid: ObjectId,
    items: Items,
) -> Result<(), Error> {
    let meta = ObjectHandler::meta(obj);
    let mut staged = Vec::new();
    for (iid, resources) in items {
        let mut inst = obj.instance(iid).cloned().unwrap_or_default();
        for r in resources {
            let rp = Path::resource(oid, iid, r.id);
            meta.resource(r.id).ok_or(Error::NotFound { path: rp })?;
            inst.set(r.id, r.value, rp)?;
        }
        staged.push((iid, inst));
    }
    for (iid, inst) in staged {
        obj.insert(iid, inst);
    }
    Ok(())
}

impl Client {
    /// A request from the Bootstrap-Server.
    pub(in crate::client) fn on_bootstrap_request(
        &mut self,
        now: Timestamp,
        id: IncomingId,
        msg: Message,
    ) {
        self.bootstrap_touch(now);
        let mut finished = None;
        let response = if is_bs_post(&msg) {
            match self.server_account() {
                Ok(a) => {
                    finished = Some(a);
                    Message::response(Code::CHANGED)
                }
                Err(e) => self.reject_finish(e),
            }
        } else {
            match self.bootstrap_dispatch(now, &msg) {
                Ok(m) => m,
                Err(e) => Message::response(code_of(&e)),
            }
        };
        let _ = self.endpoint.respond(now, id, response);
        if let Some(a) = finished {
            self.complete_bootstrap(now, a);
        }
    }

    fn reject_finish(&mut self, e: ConsistencyError) -> Message {
        let text = format!("{e}");
        self.bootstrap.rejected = Some(e.clone());
        self.events
            .push_back(ClientEvent::BootstrapFinishRejected { error: e });
        Message::response(Code::NOT_ACCEPTABLE).with_payload(text.into_bytes())
    }

    fn bootstrap_dispatch(&mut self, now: Timestamp, msg: &Message) -> Result<Message, Error> {
        let path = request_path(msg)?;
        let bad = |reason| Err(Error::malformed(path, reason));
        match msg.code {
            Code::PUT if path.is_root() => bad("Bootstrap-Write needs an Object path"),
            Code::PUT => self.bootstrap_write(path, msg),
            Code::GET if msg.accept() == Some(ContentFormat::LinkFormat.number()) => {
                if path.depth() > 1 {
                    return bad("Bootstrap-Discover targets / or an Object");
                }
                Ok(Message::response(Code::CONTENT)
                    .with_content_format(ContentFormat::LinkFormat.number())
                    .with_payload(self.bootstrap_discover(path)))
            }
            Code::GET if matches!(path.object_id(), Some(1 | 2)) => {
                let (format, _, bytes) = self.read_encoded(path, msg.accept())?;
                Ok(Message::response(Code::CONTENT)
                    .with_content_format(format.number())
                    .with_payload(bytes))
            }
            // Bootstrap-Read is limited to the Server and Access Control Objects.
            Code::GET => Ok(Message::response(Code::UNAUTHORIZED)),
            Code::DELETE if path.depth() <= 2 => self.bootstrap_delete(now, path),
            Code::DELETE => bad("Bootstrap-Delete targets /, an Object or an Object Instance"),
            _ => Err(Error::MethodNotAllowed {
                path,
                reason: "not a bootstrap operation",
            }),
        }
    }

    fn bootstrap_write(&mut self, path: Path, msg: &Message) -> Result<Message, Error> {
        let format = match msg.content_format() {
            Some(cf) => ContentFormat::from_number(cf)?,
            None => ContentFormat::Text,
        };
        let meta = self.objects.for_path(path)?.meta();
        let node = codec::decode(format, path, &msg.payload, meta)?.node;
        let items = items(path, node)?;
        let oid = path.object_id().unwrap_or_default();
        if let Some(obj) = self.securities_mut().filter(|_| oid == 0) {
            write_typed(obj, oid, items)?;
        } else if let Some(obj) = self
            .object_mut::<super::ServerObject>(1)
            .filter(|_| oid == 1)
        {
            write_typed(obj, oid, items)?;
        } else {
            let handler = self.objects.for_path_mut(path)?;
            let existing = instance_ids(handler, oid);
            for (iid, resources) in items {
                if existing.contains(&iid) {
                    let ip = Path::instance(oid, iid);
                    handler.write(ip, Node::Instance(resources), WriteMode::Update)?;
                } else {
                    handler.create(Some(iid), resources)?;
                }
            }
        }
        self.registration.objects_changed();
        self.events.push_back(ClientEvent::Written { path });
        Ok(Message::response(Code::CHANGED))
    }

    fn bootstrap_delete(&mut self, now: Timestamp, path: Path) -> Result<Message, Error> {
        let protected = self.bootstrap_account().map(|(i, _)| Path::instance(0, i));
        let oids: Vec<ObjectId> = match path.object_id() {
            Some(oid) => alloc::vec![oid],
            None => self.objects.ids(),
        };
        let mut targets = Vec::new();
        for oid in oids {
            let handler = self.objects.for_path(Path::object(oid))?;
            let ids = match path.instance_id() {
                Some(i) => alloc::vec![i],
                None => instance_ids(handler, oid),
            };
            for iid in ids {
                let ip = Path::instance(oid, iid);
                if oid != 3 && Some(ip) != protected {
                    targets.push(ip);
                } else if path.depth() == 2 {
                    let reason = "the Bootstrap-Server Account and Device are not deleted";
                    return Err(Error::malformed(path, reason));
                }
            }
        }
        for ip in targets {
            let iid = ip.instance_id().unwrap_or_default();
            // A missing instance is already what Delete asks for.
            if self.objects.for_path_mut(ip)?.delete(iid).is_ok() {
                self.attributes.remove_below(&ip);
                self.end_observations_below(now, ip);
                self.events.push_back(ClientEvent::Deleted { path: ip });
            }
        }
        self.registration.objects_changed();
        Ok(Message::response(Code::DELETED))
    }

    fn bootstrap_discover(&self, path: Path) -> Vec<u8> {
        let oids = match path.object_id() {
            Some(oid) => alloc::vec![oid],
            None => self.objects.ids(),
        };
        let mut links = Vec::new();
        for oid in oids {
            let Some(obj) = self.objects.get(oid) else {
                continue;
            };
            let ids = instance_ids(obj, oid);
            let version = obj.meta().version;
            if ids.is_empty() || version != (1, 0) {
                let mut l = Link::new(format!("/{oid}"));
                if version != (1, 0) {
                    l = l.with("ver", Some(&format!("{}.{}", version.0, version.1)));
                }
                links.push(l);
            }
            for iid in ids {
                links.push(self.discover_link(oid, iid));
            }
        }
        let mut out = Vec::new();
        if path.is_root() {
            out.extend_from_slice(
                format!("lwm2m=\"{}\",", version_str(self.config.version)).as_bytes(),
            );
        }
        out.extend_from_slice(&codec::link::encode(&links));
        out
    }

    /// `</0/i>;ssid=…;uri="…"` for Security, `</1/i>;ssid=…` for Server, else `</o/i>`.
    fn discover_link(&self, oid: ObjectId, iid: InstanceId) -> Link {
        let mut l = Link::new(format!("/{oid}/{iid}"));
        match oid {
            0 => {
                let sec = self.securities().and_then(|o| o.instance(iid));
                if let Some(s) = sec {
                    if let (false, Some(ssid)) = (*s.bootstrap_server(), s.short_server_id()) {
                        l = l.with("ssid", Some(&format!("{ssid}")));
                    }
                    l = l.with("uri", Some(s.lwm2m_server_uri()));
                }
            }
            1 => {
                let srv = self.server_objects().and_then(|o| o.instance(iid));
                if let Some(s) = srv {
                    l = l.with("ssid", Some(&format!("{}", s.short_server_id())));
                }
            }
            _ => {}
        }
        l
    }
}
