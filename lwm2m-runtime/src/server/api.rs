//! The Device Management operations, by endpoint name: an untyped path API and typed helpers over
//! generated [`ResourceRef`] handles.

use alloc::vec::Vec;

use lwm2m_core::object::server::{self as typed, ReadRequest};
use lwm2m_core::object::{
    Executable, NoValue, ObjectType, Readable, ResourceData, ResourceRef, Writable, WriteMode,
};
use lwm2m_core::{
    Content, ContentFormat, Instance, InstanceId, Node, ObjectId, Path, Resource, ResourceType,
    Target, codec,
};

use super::ops::Kind;
use super::{OpId, Route, Server, ServerError};
use crate::coap::option::number;
use crate::coap::{Code, Message, Timestamp};
use crate::lwm2m::AttributeChange;

fn with_path(code: Code, path: Path) -> Message {
    let mut m = Message::request(code);
    for id in path.ids() {
        let mut digits = [0u8; 5];
        let mut at = digits.len();
        let mut n = *id;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        m.add_option(number::URI_PATH, &digits[at..]);
    }
    m
}

impl Server {
    /// The shape of `path` from the known Object metadata (unknown Resources count as strings).
    fn target(&self, path: Path) -> Target {
        match path.depth() {
            0 => Target::Composite,
            1 => Target::Object,
            2 => Target::Instance,
            d => {
                let res = path
                    .object_id()
                    .and_then(|o| self.metas.get(&o))
                    .and_then(|m| m.resource(path.resource_id().unwrap_or_default()));
                match res {
                    Some(r) if r.multiple && d == 3 => Target::MultipleResource,
                    Some(r) => Target::Resource(r.kind),
                    None => Target::Resource(ResourceType::String),
                }
            }
        }
    }

    /// The format to ask for or send, from what the client registered (see
    /// [`ServerConfig::unannounced_formats`](super::ServerConfig::unannounced_formats)).
    fn format_for(route: &Route, path: Path, target: Target) -> Result<ContentFormat, ServerError> {
        route
            .capabilities
            .negotiate(path, target, None)
            .map_err(ServerError::Encode)
    }

    /// Read `path`, asking for a format the client registered (text for single values, else
    /// the most compact structured one). The result is [`Reply::Content`](super::Reply).
    pub fn read(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
    ) -> Result<OpId, ServerError> {
        let route = self.route(endpoint)?;
        let format = Self::format_for(&route, path, self.target(path))?;
        let mut msg = with_path(Code::GET, path);
        msg.set_uint_option(number::ACCEPT, u32::from(format.number()));
        self.submit_to(now, endpoint, route, Kind::Read, path, msg)
    }

    /// Read `path` asking for `format` (Accept).
    pub fn read_as(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
        format: ContentFormat,
    ) -> Result<OpId, ServerError> {
        let mut msg = with_path(Code::GET, path);
        msg.set_uint_option(number::ACCEPT, u32::from(format.number()));
        self.submit(now, endpoint, Kind::Read, path, msg)
    }

    /// Observe `path`: the first value comes as [`ServerEvent::Response`](super::ServerEvent),
    /// later ones as [`ServerEvent::Notification`](super::ServerEvent).
    pub fn observe(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
    ) -> Result<OpId, ServerError> {
        let route = self.route(endpoint)?;
        let format = Self::format_for(&route, path, self.target(path))?;
        let mut msg = with_path(Code::GET, path).with_observe(0);
        msg.set_uint_option(number::ACCEPT, u32::from(format.number()));
        self.submit_to(now, endpoint, route, Kind::Observe, path, msg)
    }

    /// Discover `path` (GET, Accept link format); the result is `Reply::Links`.
    pub fn discover(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
    ) -> Result<OpId, ServerError> {
        let mut msg = with_path(Code::GET, path);
        msg.set_uint_option(
            number::ACCEPT,
            u32::from(ContentFormat::LinkFormat.number()),
        );
        self.submit(now, endpoint, Kind::Discover, path, msg)
    }

    /// Write `node` at `path`: PUT for [`WriteMode::Replace`], POST for [`WriteMode::Update`].
    pub fn write(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
        node: Node,
        mode: WriteMode,
    ) -> Result<OpId, ServerError> {
        let target = match &node {
            Node::Single(v) => Target::Resource(v.resource_type()),
            Node::Multiple(_) => Target::MultipleResource,
            Node::Instance(_) => Target::Instance,
            Node::Object(_) => Target::Object,
            _ => Target::Composite,
        };
        let route = self.route(endpoint)?;
        let format = Self::format_for(&route, path, target)?;
        let payload =
            codec::encode(format, &Content { path, node }).map_err(ServerError::Encode)?;
        let code = if mode == WriteMode::Update {
            Code::POST
        } else {
            Code::PUT
        };
        let msg = with_path(code, path)
            .with_content_format(format.number())
            .with_payload(payload);
        self.submit_to(now, endpoint, route, Kind::Change, path, msg)
    }

    /// Execute the Resource at `path` with `args` (`0='x',1`, may be empty).
    pub fn execute(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
        args: &str,
    ) -> Result<OpId, ServerError> {
        let msg = with_path(Code::POST, path).with_payload(args.as_bytes().to_vec());
        self.submit(now, endpoint, Kind::Change, path, msg)
    }

    /// Create an instance of `object` with `resources`, with id `instance` or (`None`) one the
    /// client picks; the result is `Reply::Created(path)`. Without an id the payload is TLV
    /// resources without an instance wrapper, so the client must support TLV.
    pub fn create(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        object: ObjectId,
        instance: Option<InstanceId>,
        resources: Vec<Resource>,
    ) -> Result<OpId, ServerError> {
        let path = Path::object(object);
        let (format, content) = match instance {
            Some(id) => {
                let format = Self::format_for(&self.route(endpoint)?, path, Target::Object)?;
                let node = Node::Object(alloc::vec![Instance { id, resources }]);
                (format, Content { path, node })
            }
            None => {
                let at = Path::instance(object, u16::MAX);
                let format = ContentFormat::Tlv;
                (
                    format,
                    Content {
                        path: at,
                        node: Node::Instance(resources),
                    },
                )
            }
        };
        let payload = codec::encode(format, &content).map_err(ServerError::Encode)?;
        let msg = with_path(Code::POST, path)
            .with_content_format(format.number())
            .with_payload(payload);
        self.submit(now, endpoint, Kind::Create, path, msg)
    }

    /// Delete the Object Instance at `path`.
    pub fn delete(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
    ) -> Result<OpId, ServerError> {
        let msg = with_path(Code::DELETE, path);
        self.submit(now, endpoint, Kind::Delete, path, msg)
    }

    /// Write-Attributes at `path` (PUT with the attributes as Uri-Query).
    pub fn write_attributes(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        path: Path,
        change: &AttributeChange,
    ) -> Result<OpId, ServerError> {
        let mut msg = with_path(Code::PUT, path);
        for q in change.to_query() {
            msg.add_option(number::URI_QUERY, q.into_bytes());
        }
        self.submit(now, endpoint, Kind::Change, path, msg)
    }

    /// Typed Read of Resource `h` in `instance`; decode the `Reply::Content`'s node with the
    /// returned [`ReadRequest::decode`] to get a `T`. Compiles only for readable Resources.
    pub fn read_resource<O: ObjectType, T: ResourceData, A: Readable>(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        instance: InstanceId,
        h: ResourceRef<O, T, A>,
    ) -> Result<(OpId, ReadRequest<T>), ServerError> {
        let req = typed::read(instance, h);
        let op = self.read(now, endpoint, req.path)?;
        Ok((op, req))
    }

    /// Typed Write (replace) of `value` to Resource `h` in `instance`. Compiles only for
    /// writable Resources.
    pub fn write_resource<O: ObjectType, T: ResourceData, A: Writable>(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        instance: InstanceId,
        h: ResourceRef<O, T, A>,
        value: &T,
    ) -> Result<OpId, ServerError> {
        let req = typed::write(instance, h, value);
        self.write(now, endpoint, req.path, req.node, WriteMode::Replace)
    }

    /// Typed Execute of Resource `h` in `instance`. Compiles only for executable Resources.
    pub fn execute_resource<O: ObjectType, A: Executable>(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        instance: InstanceId,
        h: ResourceRef<O, NoValue, A>,
        args: &str,
    ) -> Result<OpId, ServerError> {
        let req = typed::execute(instance, h, args);
        self.execute(now, endpoint, req.path, req.args)
    }
}
