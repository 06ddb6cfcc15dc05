//! The composite operations on the client (LwM2M 1.1): Read-Composite (Core TS 1.1 §6.3.8),
//! Write-Composite (§6.3.9) and the reading side of Observe-Composite (§6.4.3).
//!
//! Transport TS 1.1 §6.4–6.5 map them to CoAP on the root path: Read-Composite and
//! Observe-Composite are FETCH (0.05, Observe=0 to observe) whose SenML body (Content-Format 110
//! or 112) names the paths; the answer is 2.05 with SenML records in the Accept format (the
//! request's format without Accept). Write-Composite is iPATCH (0.07) with SenML records,
//! answered 2.04.
//!
//! Read-Composite is best effort (§6.3.8): a path that cannot be read is left out of the
//! answer; only when none can be read does the error of the first one answer the request.
//! Write-Composite is all or nothing: every record is checked first (the Object Instance exists,
//! 4.04; the Resource is writable, 4.05; single vs multiple-instance shape, 4.00), then the
//! records are applied and, if one still fails (a range check), the Resources already written
//! get their saved values back and the request answers with that failure's code.

use alloc::collections::BTreeSet;
use alloc::vec::Vec;

use lwm2m_core::codec::{self, senml};
use lwm2m_core::object::WriteMode;
use lwm2m_core::{
    Content, ContentFormat, Error, Node, Path, Record, ResourceValue, Target, TypeResolver,
};

use super::{Client, ClientEvent, observe::Observation};
use crate::coap::{Code, Message, ReadOptions, Timestamp};

impl Client {
    /// FETCH or iPATCH: the composite operations, on the root path only.
    pub(super) fn composite(
        &mut self,
        now: Timestamp,
        path: Path,
        msg: &Message,
    ) -> Result<Message, Error> {
        if !path.is_root() {
            let reason = "composite operations address the root path";
            return Err(Error::MethodNotAllowed { path, reason });
        }
        if msg.code == Code::IPATCH {
            return self.write_composite(now, msg);
        }
        let (format, paths) = self.composite_request(msg)?;
        let (format, _, bytes) = self.read_composite_encoded(&paths, format)?;
        Ok(Message::response(Code::CONTENT)
            .with_content_format(format.number())
            .with_payload(bytes))
    }

    /// The request body's Content-Format, which must be one that can carry composite content
    /// and that the client supports (else 4.15).
    fn composite_format(&self, msg: &Message) -> Result<ContentFormat, Error> {
        let number = msg.content_format().ok_or(Error::malformed(
            Path::ROOT,
            "composite request without Content-Format",
        ))?;
        let format = ContentFormat::from_number(number)?;
        let caps = self.capabilities();
        if caps.formats.contains(format) && format.can_carry(Target::Composite, caps.version) {
            Ok(format)
        } else {
            Err(Error::UnsupportedContentFormat { format: number })
        }
    }

    /// The paths of a Read-/Observe-Composite request and the format to answer in: Accept, or
    /// the request's own format.
    pub(super) fn composite_request(
        &self,
        msg: &Message,
    ) -> Result<(ContentFormat, Vec<Path>), Error> {
        let format = self.composite_format(msg)?;
        let paths = match format {
            ContentFormat::SenmlJson => senml::json::decode_paths(&msg.payload)?,
            ContentFormat::SenmlCbor => senml::cbor::decode_paths(&msg.payload)?,
            other => {
                return Err(Error::UnsupportedContentFormat {
                    format: other.number(),
                });
            }
        };
        if paths.is_empty() {
            return Err(Error::malformed(
                Path::ROOT,
                "composite request names no path",
            ));
        }
        let accept = match msg.accept() {
            None => format,
            Some(n) => ContentFormat::from_number(n).map_err(|_| Error::NotAcceptable {
                path: Path::ROOT,
                format: Some(n),
            })?,
        };
        let format = self
            .capabilities()
            .negotiate(Path::ROOT, Target::Composite, Some(accept))?;
        Ok((format, paths))
    }

    /// Reads `paths` best effort (see the module docs) into records at absolute paths; the
    /// root path stands for every registered Object.
    pub(super) fn read_composite(&self, paths: &[Path]) -> Result<Content, Error> {
        let mut expanded = Vec::with_capacity(paths.len());
        for p in paths {
            if p.is_root() {
                let oids: BTreeSet<u16> = self.objects.links().iter().map(|l| l.object).collect();
                expanded.extend(oids.into_iter().map(Path::object));
            } else {
                expanded.push(*p);
            }
        }
        let mut records: Vec<Record> = Vec::new();
        let mut seen = BTreeSet::new();
        let mut first_error = None;
        for path in expanded {
            match self.objects.for_path(path).and_then(|o| o.read(path)) {
                Ok(node) => {
                    let read = Content { path, node }.to_records();
                    // Overlapping paths (`/3/0` and `/3/0/1`) list each value once.
                    records.extend(read.into_iter().filter(|r| seen.insert(r.path)));
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) if records.is_empty() => Err(e),
            _ => Ok(Content::records(Path::ROOT, records)),
        }
    }

    /// [`read_composite`](Self::read_composite), encoded in `format`.
    pub(super) fn read_composite_encoded(
        &self,
        paths: &[Path],
        format: ContentFormat,
    ) -> Result<(ContentFormat, Content, Vec<u8>), Error> {
        let content = self.read_composite(paths)?;
        let bytes = codec::encode(format, &content)?;
        Ok((format, content, bytes))
    }

    /// Registers an Observe-Composite observation the endpoint accepted; `response` is the
    /// first notification.
    pub(super) fn start_composite_observation(
        &mut self,
        now: Timestamp,
        id: crate::coap::ObservationId,
        request: &Message,
        response: &Message,
    ) -> bool {
        if !response.code.is_success() {
            return false;
        }
        let Ok((format, paths)) = self.composite_request(request) else {
            return false;
        };
        let Ok(content) = self.read_composite(&paths) else {
            return false;
        };
        let obs = Observation::composite(paths, format, content, now);
        self.observations.insert(id, obs);
        self.events
            .push_back(ClientEvent::ObservationStarted { path: Path::ROOT });
        true
    }

    /// iPATCH: Write-Composite, all or nothing.
    fn write_composite(&mut self, now: Timestamp, msg: &Message) -> Result<Message, Error> {
        let format = self.composite_format(msg)?;
        let objects = &self.objects;
        let resolver = |p: &Path| objects.get(p.object_id()?)?.meta().resource_type(p);
        let content = codec::decode(format, Path::ROOT, &msg.payload, &resolver)?;
        let records = match content.node {
            Node::Records(records) => records,
            _ => content.to_records(),
        };
        if records.is_empty() {
            return Err(Error::malformed(
                Path::ROOT,
                "write-composite without records",
            ));
        }
        let mut paths = BTreeSet::new();
        for r in &records {
            if !paths.insert(r.path) {
                return Err(Error::malformed(r.path, "path written twice"));
            }
            self.check_composite_write(r.path)?;
        }
        // Save what is overwritten, then apply; undo on the first failure.
        let mut saved: Vec<(Path, Option<ResourceValue>)> = Vec::new();
        for r in &records {
            let rpath = r.path.resource_path().unwrap_or(r.path);
            if !saved.iter().any(|(p, _)| *p == rpath) {
                let value = self.objects.for_path(rpath)?.snapshot(rpath)?;
                saved.push((rpath, value));
            }
        }
        for r in &records {
            let node = Node::Single(r.value.clone());
            let written = self
                .objects
                .for_path_mut(r.path)
                .and_then(|o| o.write(r.path, node, WriteMode::Replace));
            if let Err(e) = written {
                for (p, value) in saved.into_iter().rev() {
                    if let Ok(o) = self.objects.for_path_mut(p) {
                        // Restoring a value the Object held before cannot fail its checks.
                        let _ = o.restore(p, value);
                    }
                }
                return Err(e);
            }
        }
        for r in &records {
            self.events.push_back(ClientEvent::Written { path: r.path });
        }
        for r in &records {
            self.check_observations(now, Some(r.path));
        }
        Ok(Message::response(Code::CHANGED))
    }

    /// Checks one Write-Composite record's path before anything is written.
    fn check_composite_write(&self, path: Path) -> Result<(), Error> {
        let obj = self.objects.for_path(path)?;
        let (Some(iid), Some(rid)) = (path.instance_id(), path.resource_id()) else {
            return Err(Error::malformed(path, "record above resource level"));
        };
        let oid = path.object_id().unwrap_or_default();
        // Write-Composite does not create Object Instances.
        obj.discover(Path::instance(oid, iid))?;
        let res = obj.meta().resource(rid).ok_or(Error::NotFound { path })?;
        if !res.operations.writable() {
            let reason = "resource is not writable";
            return Err(Error::MethodNotAllowed { path, reason });
        }
        match (path.depth(), res.multiple) {
            (3, true) => Err(Error::malformed(
                path,
                "multiple-instance resource written without instance ids",
            )),
            (4, false) => Err(Error::malformed(
                path,
                "resource instance of a single-instance resource",
            )),
            _ => Ok(()),
        }
    }
}
