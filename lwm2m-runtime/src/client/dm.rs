//! Device Management and Service Enablement: server requests dispatched to the Objects.
//!
//! | request | operation |
//! |---|---|
//! | GET, Accept 40 | Discover |
//! | GET (Observe 0 / 1) | Read (Observe / Cancel Observation) |
//! | PUT with payload | Write (replace) |
//! | PUT with query, no payload | Write-Attributes |
//! | POST `/o` | Create |
//! | POST `/o/i` | Write (partial update) |
//! | POST `/o/i/r` executable | Execute |
//! | DELETE `/o/i` | Delete |
//! | FETCH `/` (Observe 0 / 1) | Read-Composite (Observe- / Cancel Observation-Composite) |
//! | iPATCH `/` | Write-Composite |
//!
//! Errors answer with the code of [`lwm2m_core::Error::coap_code`].

use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;

use lwm2m_core::codec::{self, link::Link};
use lwm2m_core::object::WriteMode;
use lwm2m_core::{Capabilities, Content, ContentFormat, Error, Node, Path, ResourceType, Target};

use super::{Client, ClientEvent, observe::Observation};
use crate::coap::option::number;
use crate::coap::{Code, IncomingId, Message, ReadOptions, Timestamp};
use crate::lwm2m::{AttributeChange, AttributeError};

/// The CoAP code for an LwM2M error.
pub(crate) fn code_of(e: &Error) -> Code {
    let (class, detail) = e.coap_code().class_detail();
    Code::new(class, detail)
}

fn error_response(e: &Error) -> Message {
    Message::response(code_of(e))
}

fn attribute_error(path: Path, e: AttributeError) -> Error {
    let reason = match e {
        AttributeError::Unknown(_) => "unknown attribute",
        AttributeError::InvalidValue(_) => "invalid attribute value",
        AttributeError::Inconsistent(r) => r,
        AttributeError::NotNumeric => "gt, lt and st apply to numeric resources only",
        #[allow(unreachable_patterns)]
        _ => "invalid attributes",
    };
    Error::malformed(path, reason)
}

/// The request's path: its Uri-Path segments as ids.
pub(super) fn request_path(msg: &Message) -> Result<Path, Error> {
    let mut ids = Vec::new();
    for seg in msg.uri_path() {
        let id: u16 = seg
            .parse()
            .map_err(|_| Error::InvalidPath(lwm2m_core::PathError::InvalidSegment))?;
        ids.push(id);
    }
    Path::from_ids(&ids).ok_or(Error::InvalidPath(lwm2m_core::PathError::TooDeep))
}

/// `dim` for a multiple-instance Resource in Discover (Core TS 1.1 §5.1.2, §6.3.2): how many
/// Resource Instances it has.
fn dimension(obj: &dyn super::HostedObject, p: Path) -> Option<usize> {
    let rid = p.resource_id().filter(|_| p.depth() == 3)?;
    if !obj.meta().resource(rid)?.multiple {
        return None;
    }
    let below = obj.discover(p).ok()?;
    Some(below.iter().filter(|q| q.depth() == 4).count())
}

impl Client {
    pub(super) fn capabilities(&self) -> Capabilities {
        Capabilities {
            version: self.config.version,
            formats: self.config.formats,
        }
    }

    /// The shape of what sits at `path`, from the Object's metadata.
    fn target(&self, path: Path) -> Result<Target, Error> {
        let meta = self.objects.for_path(path)?.meta();
        Ok(match path.depth() {
            1 => Target::Object,
            2 => Target::Instance,
            d => {
                let rid = path.resource_id().unwrap_or_default();
                let res = meta.resource(rid).ok_or(Error::NotFound { path })?;
                if res.multiple && d == 3 {
                    Target::MultipleResource
                } else {
                    Target::Resource(res.kind)
                }
            }
        })
    }

    /// Reads `path` and encodes it for the `accept` Content-Format (negotiated when `None`).
    pub(super) fn read_encoded(
        &self,
        path: Path,
        accept: Option<u16>,
    ) -> Result<(ContentFormat, Content, Vec<u8>), Error> {
        if path.is_root() {
            let reason = "read of the root path";
            return Err(Error::MethodNotAllowed { path, reason });
        }
        let node = self.objects.for_path(path)?.read(path)?;
        let accept = accept
            .map(|n| {
                ContentFormat::from_number(n).map_err(|_| Error::NotAcceptable {
                    path,
                    format: Some(n),
                })
            })
            .transpose()?;
        let format = self
            .capabilities()
            .negotiate(path, self.target(path)?, accept)?;
        let content = Content { path, node };
        let bytes = codec::encode(format, &content)?;
        Ok((format, content, bytes))
    }

    /// Decodes a request payload at `path` with the Object's metadata.
    fn decode_payload(&self, path: Path, msg: &Message) -> Result<Content, Error> {
        // Without Content-Format, a payload is read as text/plain (as LwM2M 1.0 peers send it).
        let format = match msg.content_format() {
            Some(cf) => ContentFormat::from_number(cf)?,
            None if msg.payload.is_empty() => {
                return Err(Error::malformed(path, "write without payload"));
            }
            None => ContentFormat::Text,
        };
        let meta = self.objects.for_path(path)?.meta();
        codec::decode(format, path, &msg.payload, meta)
    }

    /// A request from the network.
    pub(super) fn on_request(
        &mut self,
        now: Timestamp,
        id: IncomingId,
        peer: SocketAddr,
        msg: Message,
    ) {
        let response = if peer != self.server {
            Message::response(Code::UNAUTHORIZED)
        } else {
            match self.dispatch(now, &msg) {
                Ok(r) => r,
                Err(e) => error_response(&e),
            }
        };
        let observing = matches!(msg.code, Code::GET | Code::FETCH) && msg.observe() == Some(0);
        let path = request_path(&msg).ok();
        let Ok(obs) = self.endpoint.respond(now, id, response.clone()) else {
            return;
        };
        if let Some(obs) = obs {
            match path {
                Some(_) if observing && msg.code == Code::FETCH => {
                    if !self.start_composite_observation(now, obs, &msg, &response) {
                        self.endpoint.remove_observation(obs);
                    }
                }
                Some(path) if observing && self.start_observation(now, obs, path, &response) => {}
                // Observe of something we cannot notify (e.g. Discover): no observation.
                _ => {
                    self.endpoint.remove_observation(obs);
                }
            }
        }
    }

    fn dispatch(&mut self, now: Timestamp, msg: &Message) -> Result<Message, Error> {
        let path = request_path(msg)?;
        match msg.code {
            Code::GET if msg.accept() == Some(ContentFormat::LinkFormat.number()) => {
                self.discover(path)
            }
            Code::GET => {
                let (format, _, bytes) = self.read_encoded(path, msg.accept())?;
                Ok(Message::response(Code::CONTENT)
                    .with_content_format(format.number())
                    .with_payload(bytes))
            }
            Code::PUT if msg.payload.is_empty() && msg.uri_query().next().is_some() => {
                self.write_attributes(path, msg)
            }
            Code::PUT => self.write(now, path, msg, WriteMode::Replace),
            Code::POST => match path.depth() {
                1 => self.create(now, path, msg),
                2 => self.write(now, path, msg, WriteMode::Update),
                3 if self.is_executable(path)? => self.execute(path, msg),
                3 => self.write(now, path, msg, WriteMode::Update),
                _ => Err(Error::MethodNotAllowed {
                    path,
                    reason: "POST is not defined at this depth",
                }),
            },
            Code::DELETE if path.depth() == 2 => self.delete(now, path),
            Code::FETCH | Code::IPATCH => self.composite(now, path, msg),
            _ => Err(Error::MethodNotAllowed {
                path,
                reason: "method not supported on this path",
            }),
        }
    }

    fn is_executable(&self, path: Path) -> Result<bool, Error> {
        let meta = self.objects.for_path(path)?.meta();
        let rid = path.resource_id().unwrap_or_default();
        let res = meta.resource(rid).ok_or(Error::NotFound { path })?;
        Ok(res.operations.executable())
    }

    fn write(
        &mut self,
        now: Timestamp,
        path: Path,
        msg: &Message,
        mode: WriteMode,
    ) -> Result<Message, Error> {
        if path.depth() < 2 {
            let reason = "write needs an instance or resource path";
            return Err(Error::MethodNotAllowed { path, reason });
        }
        let content = self.decode_payload(path, msg)?;
        self.objects
            .for_path_mut(path)?
            .write(path, content.node, mode)?;
        self.events.push_back(ClientEvent::Written { path });
        self.check_observations(now, Some(path));
        Ok(Message::response(Code::CHANGED))
    }

    fn execute(&mut self, path: Path, msg: &Message) -> Result<Message, Error> {
        let args = core::str::from_utf8(&msg.payload)
            .map_err(|_| Error::malformed(path, "execute arguments are not UTF-8"))?;
        self.objects.for_path_mut(path)?.execute(path, args)?;
        self.events.push_back(ClientEvent::Executed {
            path,
            args: String::from(args),
        });
        Ok(Message::response(Code::CHANGED))
    }

    fn create(&mut self, now: Timestamp, path: Path, msg: &Message) -> Result<Message, Error> {
        let (id, resources) = match self.decode_payload(path, msg) {
            Ok(Content {
                node: Node::Object(mut instances),
                ..
            }) if instances.len() == 1 => {
                let i = instances.remove(0);
                (Some(i.id), i.resources)
            }
            Ok(_) => return Err(Error::malformed(path, "create carries one instance")),
            // TLV may carry the new instance's resources without an instance wrapper.
            Err(e) => {
                let bare = path.child(u16::MAX).unwrap_or(path);
                match self.decode_payload(bare, msg) {
                    Ok(Content {
                        node: Node::Instance(resources),
                        ..
                    }) => (None, resources),
                    _ => return Err(e),
                }
            }
        };
        let iid = self.objects.for_path_mut(path)?.create(id, resources)?;
        let created = path.child(iid).unwrap_or(path);
        self.events
            .push_back(ClientEvent::Created { path: created });
        self.registration.objects_changed();
        self.drive_registration(now);
        let mut r = Message::response(Code::CREATED);
        for id in created.ids() {
            r.add_option(number::LOCATION_PATH, alloc::format!("{id}").into_bytes());
        }
        Ok(r)
    }

    fn delete(&mut self, now: Timestamp, path: Path) -> Result<Message, Error> {
        let iid = path.instance_id().unwrap_or_default();
        self.objects.for_path_mut(path)?.delete(iid)?;
        self.attributes.remove_below(&path);
        self.events.push_back(ClientEvent::Deleted { path });
        self.end_observations_below(now, path);
        self.registration.objects_changed();
        self.drive_registration(now);
        Ok(Message::response(Code::DELETED))
    }

    fn write_attributes(&mut self, path: Path, msg: &Message) -> Result<Message, Error> {
        let change =
            AttributeChange::from_query(msg.uri_query()).map_err(|e| attribute_error(path, e))?;
        let numeric = matches!(
            self.target(path)?,
            Target::Resource(
                ResourceType::Integer | ResourceType::UnsignedInteger | ResourceType::Float
            ) | Target::MultipleResource
        );
        if change.touches_value_conditions() && !numeric {
            return Err(attribute_error(path, AttributeError::NotNumeric));
        }
        // The node must exist.
        self.objects.for_path(path)?.discover(path)?;
        self.attributes
            .write(path, &change)
            .map_err(|e| attribute_error(path, e))?;
        Ok(Message::response(Code::CHANGED))
    }

    fn discover(&self, path: Path) -> Result<Message, Error> {
        if path.is_root() {
            let reason = "discover of the root path";
            return Err(Error::MethodNotAllowed { path, reason });
        }
        let obj = self.objects.for_path(path)?;
        let mut paths = obj.discover(path)?;
        if path.depth() == 1 {
            paths.insert(0, path);
        }
        let meta = obj.meta();
        let links: Vec<Link> = paths
            .into_iter()
            .map(|p| {
                let mut l = Link::new(alloc::format!("{p}"));
                if p.depth() == 1 && meta.version != (1, 0) {
                    let (major, minor) = meta.version;
                    l = l.with("ver", Some(&alloc::format!("{major}.{minor}")));
                }
                if let Some(dim) = dimension(obj, p) {
                    l = l.with("dim", Some(&alloc::format!("{dim}")));
                }
                for (name, value) in self.attributes.get(&p).to_link_attributes() {
                    l = l.with(&name, value.as_deref());
                }
                l
            })
            .collect();
        Ok(Message::response(Code::CONTENT)
            .with_content_format(ContentFormat::LinkFormat.number())
            .with_payload(codec::link::encode(&links)))
    }

    /// Registers an observation the endpoint accepted; `response` is the first notification.
    fn start_observation(
        &mut self,
        now: Timestamp,
        id: crate::coap::ObservationId,
        path: Path,
        response: &Message,
    ) -> bool {
        let Some(format) = response
            .content_format()
            .and_then(|n| ContentFormat::from_number(n).ok())
            .filter(|f| *f != ContentFormat::LinkFormat)
        else {
            return false;
        };
        let Ok((_, content, _)) = self.read_encoded(path, Some(format.number())) else {
            return false;
        };
        self.observations
            .insert(id, Observation::new(path, format, content, now));
        self.events
            .push_back(ClientEvent::ObservationStarted { path });
        true
    }
}
