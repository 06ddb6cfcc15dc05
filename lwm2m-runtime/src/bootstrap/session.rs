//! One client's bootstrap on the server side: Deletes, Discover `/`, a Write per Security
//! and Server instance, then Finish, one request at a time.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::net::SocketAddr;

use lwm2m_core::codec::{self, link};
use lwm2m_core::{Content, ContentFormat, InstanceId, Path};

use super::config::{Provision, resources};
use super::request::BS_PATH;
use crate::coap::option::number;
use crate::coap::{Code, Message, RequestId};

/// A bootstrap operation the server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// Bootstrap-Delete.
    Delete,
    /// Bootstrap-Discover.
    Discover,
    /// Bootstrap-Write.
    Write,
    /// Bootstrap-Finish.
    Finish,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Delete => "Bootstrap-Delete",
            Operation::Discover => "Bootstrap-Discover",
            Operation::Write => "Bootstrap-Write",
            Operation::Finish => "Bootstrap-Finish",
        })
    }
}

/// What the client's Bootstrap-Discover answer tells the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Discovered {
    /// The `lwm2m="x.y"` version the client announced.
    pub(super) version: Option<String>,
    /// Existing instances of the Security and Server Objects.
    pub(super) security: Vec<InstanceId>,
    pub(super) server: Vec<InstanceId>,
}

/// Parses `lwm2m="1.1",</0/0>;uri="…",</1/0>;ssid=1,…`.
pub(super) fn parse_discover(payload: &[u8]) -> Option<Discovered> {
    let text = core::str::from_utf8(payload).ok()?;
    let mut out = Discovered::default();
    let mut rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("lwm2m=") {
        let (v, tail) = after.split_once(',').unwrap_or((after, ""));
        out.version = Some(String::from(v.trim_matches('"')));
        rest = tail;
    }
    for l in link::decode(rest.as_bytes()).ok()? {
        let Some(p) = l.path() else { continue };
        match (p.object_id(), p.instance_id(), p.depth()) {
            (Some(0), Some(i), 2) => out.security.push(i),
            (Some(1), Some(i), 2) => out.server.push(i),
            _ => {}
        }
    }
    Some(out)
}

/// The `n` lowest ids not in `taken`.
fn free_ids(taken: &[InstanceId], n: usize) -> Vec<InstanceId> {
    (0..u16::MAX)
        .filter(|i| !taken.contains(i))
        .take(n)
        .collect()
}

pub(super) fn request_to(code: Code, path: Path) -> Message {
    let mut m = Message::request(code);
    for id in path.ids() {
        m.add_option(number::URI_PATH, alloc::format!("{id}").into_bytes());
    }
    m
}

/// A session's state.
#[derive(Debug)]
pub(super) struct Session {
    pub(super) peer: SocketAddr,
    pub(super) format: ContentFormat,
    pub(super) provision: Provision,
    /// The operation in flight, its path and request.
    pub(super) current: (Operation, Path, Option<RequestId>),
    queue: VecDeque<(Operation, Path, Message)>,
}

impl Session {
    pub(super) fn new(peer: SocketAddr, format: ContentFormat, provision: Provision) -> Self {
        Session {
            peer,
            format,
            provision,
            current: (Operation::Delete, Path::ROOT, None),
            queue: VecDeque::new(),
        }
    }

    /// The first steps: the provision's Deletes, then Discover `/`.
    pub(super) fn start(&mut self) {
        for p in self.provision.delete.clone() {
            let delete = request_to(Code::DELETE, p);
            self.queue.push_back((Operation::Delete, p, delete));
        }
        let mut discover = request_to(Code::GET, Path::ROOT);
        discover.set_uint_option(number::ACCEPT, ContentFormat::LinkFormat.number().into());
        self.queue
            .push_back((Operation::Discover, Path::ROOT, discover));
    }

    /// Queues the Writes (into instance ids free after `found`) and Finish.
    pub(super) fn plan_writes(&mut self, found: &Discovered) -> Result<(), lwm2m_core::Error> {
        let n = self.provision.servers.len();
        let sec_ids = free_ids(&found.security, n);
        let srv_ids = free_ids(&found.server, n);
        for (i, account) in self.provision.servers.iter().enumerate() {
            let bad = |_| lwm2m_core::Error::Internal {
                reason: "provision was validated",
            };
            let sec = account.security_instance().map_err(bad)?;
            let srv = account.server_instance().map_err(bad)?;
            let writes = [
                (Path::instance(0, sec_ids[i]), resources(&sec)),
                (Path::instance(1, srv_ids[i]), resources(&srv)),
            ];
            for (path, node) in writes {
                let payload = codec::encode(self.format, &Content { path, node })?;
                let msg = request_to(Code::PUT, path)
                    .with_content_format(self.format.number())
                    .with_payload(payload);
                self.queue.push_back((Operation::Write, path, msg));
            }
        }
        let finish = Message::request(Code::POST).with_uri_path(BS_PATH);
        self.queue
            .push_back((Operation::Finish, Path::ROOT, finish));
        Ok(())
    }

    /// The next request to send.
    pub(super) fn next(&mut self) -> Option<(Operation, Path, Message)> {
        self.queue.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discover_answer_gives_version_and_instances() {
        let d = parse_discover(
            br#"lwm2m="1.1",</0/0>;uri="coap://bs:5683",</0/2>;ssid=7;uri="coap://a",</1/0>;ssid=7,</3/0>"#,
        )
        .unwrap();
        assert_eq!(d.version.as_deref(), Some("1.1"));
        assert_eq!(d.security, [0, 2]);
        assert_eq!(d.server, [0]);
        assert_eq!(free_ids(&d.security, 2), [1, 3]);
        assert_eq!(parse_discover(b"</0/0>").unwrap().version, None);
        assert!(parse_discover(b"\xff").is_none());
    }
}
