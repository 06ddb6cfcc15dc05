//! The server side of the registration interface (`/rd`) and of Send (`/dp`).

use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;

use lwm2m_core::{ContentFormat, Path, TypeResolver, codec};

use super::{Registration, Server, ServerEvent};
use crate::coap::option::number;
use crate::coap::{Code, IncomingId, Message, ReadOptions, Timestamp};
use crate::lwm2m::{RD_PATH, RegisterParams, SEND_PATH, UpdateParams, decode_objects};

impl Server {
    /// A request from the network.
    pub(super) fn on_request(
        &mut self,
        now: Timestamp,
        id: IncomingId,
        peer: SocketAddr,
        msg: Message,
    ) {
        let segments: Vec<&str> = msg.uri_path().collect();
        let response = match (msg.code, segments.as_slice()) {
            (Code::POST, [RD_PATH]) => self.register(now, peer, &msg),
            (Code::POST, [RD_PATH, reg]) => {
                let reg = String::from(*reg);
                self.update(now, peer, &reg, &msg)
            }
            (Code::DELETE, [RD_PATH, reg]) => {
                let reg = String::from(*reg);
                self.deregister(peer, &reg)
            }
            (Code::POST, [SEND_PATH]) => self.on_send(peer, &msg),
            (_, [RD_PATH, ..] | [SEND_PATH]) => Message::response(Code::METHOD_NOT_ALLOWED),
            _ => Message::response(Code::NOT_FOUND),
        };
        // A failure here means the request expired meanwhile: nothing to answer.
        let _ = self.endpoint.respond(now, id, response);
    }

    /// A location id: a counter (unique in this server's life) and random bits (hard to guess).
    fn new_id(&mut self) -> String {
        self.next_reg = self.next_reg.wrapping_add(1);
        let r = self.random.next_u32() & 0xff_ffff;
        alloc::format!("{:x}{r:06x}", self.next_reg)
    }

    fn register(&mut self, now: Timestamp, peer: SocketAddr, msg: &Message) -> Message {
        let params = match RegisterParams::from_query(msg.uri_query()) {
            Ok(p) => p,
            Err(_) => return Message::response(Code::BAD_REQUEST),
        };
        if let Err(refused) = self.authorize(peer, &params.endpoint) {
            return refused;
        }
        let link_format = ContentFormat::LinkFormat.number();
        if msg.content_format().is_some_and(|cf| cf != link_format) {
            return Message::response(Code::UNSUPPORTED_CONTENT_FORMAT);
        }
        let Ok((objects, formats)) = decode_objects(&msg.payload) else {
            return Message::response(Code::BAD_REQUEST);
        };
        let reg = Registration {
            id: self.new_id(),
            endpoint: params.endpoint,
            peer,
            lifetime: params.lifetime,
            version: params.version,
            binding: params.binding,
            queue_mode: params.queue_mode,
            sms: params.sms,
            objects,
            formats,
            use_formats: formats
                .is_none()
                .then_some(self.config.unannounced_formats)
                .flatten(),
            registered_at: now,
            last_update: now,
        };
        let (endpoint, location, rid) = (reg.endpoint.clone(), reg.location(), reg.id.clone());
        let replaced = self.store.insert(reg.clone());
        if let Some(old) = &replaced {
            // Operations sent to the old registration cannot be answered in its name any more.
            self.drop_ops(&old.endpoint);
        }
        self.events.push_back(ServerEvent::Registered {
            endpoint,
            location,
            replaced: replaced.is_some(),
        });
        self.client_awake(now, &reg);
        let mut r = Message::response(Code::CREATED);
        r.add_option(number::LOCATION_PATH, RD_PATH.as_bytes());
        r.add_option(number::LOCATION_PATH, rid.into_bytes());
        r
    }

    fn update(&mut self, now: Timestamp, peer: SocketAddr, id: &str, msg: &Message) -> Message {
        let Some(mut reg) = self.store.get(id) else {
            return Message::response(Code::NOT_FOUND);
        };
        if let Err(refused) = self.authorize(peer, &reg.endpoint) {
            return refused;
        }
        let Ok(params) = UpdateParams::from_query(msg.uri_query()) else {
            return Message::response(Code::BAD_REQUEST);
        };
        if !msg.payload.is_empty() {
            match decode_objects(&msg.payload) {
                Ok((objects, formats)) => {
                    reg.objects = objects;
                    reg.formats = formats.or(reg.formats);
                }
                Err(_) => return Message::response(Code::BAD_REQUEST),
            }
        }
        if let Some(lt) = params.lifetime {
            reg.lifetime = lt;
        }
        if let Some(b) = params.binding {
            reg.queue_mode = b.contains('Q') || reg.queue_mode;
            reg.binding = b;
        }
        if params.sms.is_some() {
            reg.sms = params.sms;
        }
        reg.peer = peer;
        reg.last_update = now;
        if !self.store.update(reg.clone()) {
            return Message::response(Code::NOT_FOUND);
        }
        self.events.push_back(ServerEvent::Updated {
            endpoint: reg.endpoint.clone(),
        });
        self.client_awake(now, &reg);
        Message::response(Code::CHANGED)
    }

    fn deregister(&mut self, peer: SocketAddr, id: &str) -> Message {
        let Some(reg) = self.store.get(id) else {
            return Message::response(Code::NOT_FOUND);
        };
        if let Err(refused) = self.authorize(peer, &reg.endpoint) {
            return refused;
        }
        let Some(reg) = self.store.remove(id) else {
            return Message::response(Code::NOT_FOUND);
        };
        self.drop_ops(&reg.endpoint);
        self.events.push_back(ServerEvent::Deregistered {
            endpoint: reg.endpoint,
        });
        Message::response(Code::DELETED)
    }

    /// Send (`POST /dp`): SenML records from a registered client.
    fn on_send(&mut self, peer: SocketAddr, msg: &Message) -> Message {
        let Some(reg) = self.store.by_peer(peer) else {
            return Message::response(Code::FORBIDDEN);
        };
        if let Err(refused) = self.authorize(peer, &reg.endpoint) {
            return refused;
        }
        let format = match msg.content_format().map(ContentFormat::from_number) {
            Some(Ok(f @ (ContentFormat::SenmlCbor | ContentFormat::SenmlJson))) => f,
            Some(Ok(ContentFormat::LwM2mCbor)) => ContentFormat::LwM2mCbor,
            _ => return Message::response(Code::UNSUPPORTED_CONTENT_FORMAT),
        };
        let metas = &self.metas;
        let resolver = |p: &Path| metas.get(&p.object_id()?)?.resource_type(p);
        match codec::decode(format, Path::ROOT, &msg.payload, &resolver) {
            Ok(content) => {
                self.events.push_back(ServerEvent::Sent {
                    endpoint: reg.endpoint,
                    content,
                });
                Message::response(Code::CHANGED)
            }
            Err(_) => Message::response(Code::BAD_REQUEST),
        }
    }
}
