//! The composite operations from the server (LwM2M 1.1, Core TS 1.1 §6.3.8, §6.3.9, §6.4.3;
//! Transport TS 1.1 §6.4–6.5): Read-Composite and Observe-Composite as FETCH on the root path
//! with a SenML list of paths, Write-Composite as iPATCH on the root path with SenML records.
//!
//! The format is SenML CBOR (112) when the client registered it, else SenML JSON (110); the
//! request carries it as Content-Format and, for FETCH, as Accept. The results are
//! [`Reply::Content`](super::Reply) with [`Node::Records`] at the root path (and
//! [`ServerEvent::Notification`](super::ServerEvent)s for Observe-Composite, cancelled with
//! [`Server::cancel_observation`]), or `Reply::Changed` for Write-Composite.

use alloc::vec::Vec;

use lwm2m_core::codec::{self, senml};
use lwm2m_core::object::server as typed;
use lwm2m_core::object::{ObjectType, ResourceData, ResourceRef, Writable};
use lwm2m_core::{Content, ContentFormat, Error, InstanceId, Node, Path, Record, Target};

use super::ops::Kind;
use super::{OpId, Server, ServerError};
use crate::coap::option::number;
use crate::coap::{Code, Message, Timestamp};

/// Typed records for [`Server::write_composite`]: [`CompositeWrite::set`] compiles only for
/// writable Resources. A multiple-instance Resource's value becomes one record per Resource
/// Instance, which the client writes into the Resource without removing the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompositeWrite {
    records: Vec<Record>,
}

impl CompositeWrite {
    /// No records yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value` for Resource `h` of `instance`.
    pub fn set<O: ObjectType, T: ResourceData, A: Writable>(
        mut self,
        instance: InstanceId,
        h: ResourceRef<O, T, A>,
        value: &T,
    ) -> Self {
        let req = typed::write(instance, h, value);
        let content = Content {
            path: req.path,
            node: req.node,
        };
        self.records.extend(content.to_records());
        self
    }

    /// The records.
    pub fn into_records(self) -> Vec<Record> {
        self.records
    }
}

/// The value at `path` in a Read-Composite or Observe-Composite result, shaped for the path
/// (e.g. for [`ReadRequest::decode`](lwm2m_core::object::server::ReadRequest::decode)).
pub fn composite_node(content: &Content, path: Path) -> Result<Node, Error> {
    let below: Vec<Record> = content
        .to_records()
        .into_iter()
        .filter(|r| r.path.starts_with(&path))
        .collect();
    if below.is_empty() {
        return Err(Error::NotFound { path });
    }
    Content::from_records(path, below).map(|c| c.node)
}

impl Server {
    /// The SenML format for composite requests to `endpoint`: CBOR if it registered it, else
    /// JSON.
    fn composite_format(&self, endpoint: &str) -> Result<ContentFormat, ServerError> {
        let caps = self.route(endpoint)?.capabilities;
        [ContentFormat::SenmlCbor, ContentFormat::SenmlJson]
            .into_iter()
            .find_map(|f| caps.negotiate(Path::ROOT, Target::Composite, Some(f)).ok())
            .ok_or(ServerError::Encode(Error::NotAcceptable {
                path: Path::ROOT,
                format: None,
            }))
    }

    /// FETCH `/` with `paths` as a SenML body in `format`, asking for `format`.
    fn fetch(paths: &[Path], format: ContentFormat) -> Result<Message, ServerError> {
        if paths.is_empty() {
            let e = Error::malformed(Path::ROOT, "composite request names no path");
            return Err(ServerError::Encode(e));
        }
        let body = match format {
            ContentFormat::SenmlJson => senml::json::encode_paths(paths),
            ContentFormat::SenmlCbor => senml::cbor::encode_paths(paths),
            other => {
                return Err(ServerError::Encode(Error::NotAcceptable {
                    path: Path::ROOT,
                    format: Some(other.number()),
                }));
            }
        };
        let mut msg = Message::request(Code::FETCH)
            .with_content_format(format.number())
            .with_payload(body);
        msg.set_uint_option(number::ACCEPT, u32::from(format.number()));
        Ok(msg)
    }

    /// Read-Composite of `paths`; the result is `Reply::Content` with the records the client
    /// could read (it leaves out paths it cannot read).
    pub fn read_composite(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        paths: &[Path],
    ) -> Result<OpId, ServerError> {
        let format = self.composite_format(endpoint)?;
        self.read_composite_as(now, endpoint, paths, format)
    }

    /// Read-Composite of `paths` in `format` (SenML JSON or CBOR).
    pub fn read_composite_as(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        paths: &[Path],
        format: ContentFormat,
    ) -> Result<OpId, ServerError> {
        let msg = Self::fetch(paths, format)?;
        self.submit(now, endpoint, Kind::Read, Path::ROOT, msg)
    }

    /// Observe-Composite of `paths`: the first records come as
    /// [`ServerEvent::Response`](super::ServerEvent), later ones as
    /// [`ServerEvent::Notification`](super::ServerEvent), each with the values of all paths.
    /// [`Server::cancel_observation`] sends the FETCH again with Observe=1.
    pub fn observe_composite(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        paths: &[Path],
    ) -> Result<OpId, ServerError> {
        let format = self.composite_format(endpoint)?;
        let msg = Self::fetch(paths, format)?.with_observe(0);
        self.submit(now, endpoint, Kind::Observe, Path::ROOT, msg)
    }

    /// Write-Composite of `records` (at Resource or Resource Instance paths); the client
    /// applies all or none. The result is `Reply::Changed`.
    pub fn write_composite(
        &mut self,
        now: Timestamp,
        endpoint: &str,
        records: Vec<Record>,
    ) -> Result<OpId, ServerError> {
        if records.is_empty() {
            let e = Error::malformed(Path::ROOT, "write-composite without records");
            return Err(ServerError::Encode(e));
        }
        let format = self.composite_format(endpoint)?;
        let payload = codec::encode(format, &Content::records(Path::ROOT, records))
            .map_err(ServerError::Encode)?;
        let msg = Message::request(Code::IPATCH)
            .with_content_format(format.number())
            .with_payload(payload);
        self.submit(now, endpoint, Kind::Change, Path::ROOT, msg)
    }
}
