//! Registrations and where they are kept.
//!
//! [`RegistrationStore`] takes and returns owned records so that a store outside the process
//! (Redis: a hash per registration, a sorted set on expiry, indexes by endpoint name and peer)
//! can implement it; the hot path (every request the server sends) asks only for a [`Route`], a
//! small `Copy` value a store can answer without building a whole [`Registration`].
//! [`InMemoryStore`](super::InMemoryStore) is the default.

use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use lwm2m_core::{Capabilities, FormatSet, LwM2mVersion, ObjectId};

use crate::coap::Timestamp;
use crate::lwm2m::{ObjectLink, RD_PATH};

/// One client's registration.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Registration {
    /// The id in the location path `/rd/{id}`.
    pub id: String,
    /// Endpoint client name, unique among registrations.
    pub endpoint: String,
    /// Where the client's requests come from (updated on every Update).
    pub peer: SocketAddr,
    /// Lifetime, seconds.
    pub lifetime: u32,
    /// Enabler version.
    pub version: LwM2mVersion,
    /// Binding.
    pub binding: String,
    /// Queue mode: requests wait until the client is awake.
    pub queue_mode: bool,
    /// MSISDN.
    pub sms: Option<String>,
    /// The registered Objects and Object Instances.
    pub objects: Vec<ObjectLink>,
    /// Formats the client announced with `ct=`, if it did.
    pub formats: Option<FormatSet>,
    /// The formats the server uses with this client, whatever it announced: set from
    /// [`ServerConfig::unannounced_formats`](super::ServerConfig::unannounced_formats) at
    /// registration, or by [`Server::set_formats`](super::Server::set_formats).
    pub use_formats: Option<FormatSet>,
    /// When it registered.
    pub registered_at: Timestamp,
    /// When it last registered or updated.
    pub last_update: Timestamp,
}

impl Registration {
    /// When the registration expires unless the client updates it.
    pub fn expires_at(&self) -> Timestamp {
        self.last_update + Duration::from_secs(u64::from(self.lifetime))
    }

    /// The location path, `/rd/{id}`.
    pub fn location(&self) -> String {
        alloc::format!("/{RD_PATH}/{}", self.id)
    }

    /// What the server assumes the client supports: [`use_formats`](Self::use_formats) if set,
    /// else its version's mandatory formats plus those it announced.
    pub fn capabilities(&self) -> Capabilities {
        capabilities(self.version, self.formats, self.use_formats)
    }

    /// What the server needs to send this client a request.
    pub fn route(&self) -> Route {
        Route::new(
            self.peer,
            self.queue_mode,
            self.version,
            self.formats,
            self.use_formats,
        )
    }

    /// True if the client registered Object `oid`.
    pub fn has_object(&self, oid: ObjectId) -> bool {
        self.objects.iter().any(|o| o.object == oid)
    }
}

fn capabilities(
    version: LwM2mVersion,
    announced: Option<FormatSet>,
    pinned: Option<FormatSet>,
) -> Capabilities {
    let mut caps = Capabilities::assumed(version);
    match (pinned, announced) {
        (Some(f), _) => caps.formats = f,
        (None, Some(f)) => caps.formats = f.iter().fold(caps.formats, FormatSet::with),
        (None, None) => {}
    }
    caps
}

/// Where and how to send a registered client a request: what the hot path needs from a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Route {
    /// The client's address.
    pub peer: SocketAddr,
    /// Queue mode: requests wait until the client is awake.
    pub queue_mode: bool,
    /// The formats to use with it.
    pub capabilities: Capabilities,
}

impl Route {
    /// A route from a registration's fields (see [`Registration::capabilities`]).
    pub fn new(
        peer: SocketAddr,
        queue_mode: bool,
        version: LwM2mVersion,
        formats: Option<FormatSet>,
        use_formats: Option<FormatSet>,
    ) -> Self {
        Route {
            peer,
            queue_mode,
            capabilities: capabilities(version, formats, use_formats),
        }
    }
}

/// Where registrations live. Endpoint names are unique: inserting a second registration for a
/// name replaces the first.
pub trait RegistrationStore: Send {
    /// Adds `reg`; returns the registration it replaced (same endpoint name), if any.
    fn insert(&mut self, reg: Registration) -> Option<Registration>;
    /// Replaces the registration with `reg.id`; `false` if there is none.
    fn update(&mut self, reg: Registration) -> bool;
    /// The registration with location id `id`.
    fn get(&self, id: &str) -> Option<Registration>;
    /// The registration of endpoint `endpoint`.
    fn by_endpoint(&self, endpoint: &str) -> Option<Registration>;
    /// The route to endpoint `endpoint`; override to answer without building a [`Registration`].
    fn route(&self, endpoint: &str) -> Option<Route> {
        self.by_endpoint(endpoint).map(|r| r.route())
    }
    /// The registration whose client talks from `peer` (the most recently updated one if
    /// several do).
    fn by_peer(&self, peer: SocketAddr) -> Option<Registration>;
    /// Removes and returns the registration with location id `id`.
    fn remove(&mut self, id: &str) -> Option<Registration>;
    /// Removes and returns every registration expired at `now`.
    fn take_expired(&mut self, now: Timestamp) -> Vec<Registration>;
    /// The earliest expiry.
    fn next_expiry(&self) -> Option<Timestamp>;
    /// Number of registrations.
    fn len(&self) -> usize;
    /// True without registrations.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lwm2m::ObjectLink;
    use crate::server::InMemoryStore;

    fn reg(id: &str, ep: &str, at: u64) -> Registration {
        Registration {
            id: id.into(),
            endpoint: ep.into(),
            peer: "192.0.2.1:5683".parse().unwrap(),
            lifetime: 60,
            version: LwM2mVersion::V1_1,
            binding: "U".into(),
            queue_mode: false,
            sms: None,
            objects: Vec::new(),
            formats: None,
            use_formats: None,
            registered_at: Timestamp::from_millis(at),
            last_update: Timestamp::from_millis(at),
        }
    }

    #[test]
    fn endpoint_names_are_unique_and_expiry_is_indexed() {
        let mut s = InMemoryStore::new();
        assert!(s.insert(reg("a", "dev", 0)).is_none());
        let replaced = s.insert(reg("b", "dev", 1000)).unwrap();
        assert_eq!(replaced.id, "a");
        assert_eq!(s.len(), 1);
        assert_eq!(s.by_endpoint("dev").unwrap().id, "b");
        assert_eq!(s.next_expiry(), Some(Timestamp::from_millis(61_000)));
        let mut r = s.get("b").unwrap();
        r.last_update = Timestamp::from_millis(30_000);
        assert!(s.update(r));
        assert!(s.take_expired(Timestamp::from_millis(61_000)).is_empty());
        let gone = s.take_expired(Timestamp::from_millis(90_000));
        assert_eq!(gone.len(), 1);
        assert!(s.is_empty() && s.next_expiry().is_none());
    }

    #[test]
    fn compact_records_give_back_what_was_stored() {
        let mut s = InMemoryStore::new();
        let mut full = reg("7f00aa", "urn:imei:490154203237518", 5);
        full.sms = Some("+33612345678".into());
        full.binding = "UQ".into();
        full.queue_mode = true;
        full.version = LwM2mVersion::V1_0;
        full.formats = Some(FormatSet::EMPTY.with(lwm2m_core::ContentFormat::SenmlJson));
        full.objects = alloc::vec![
            ObjectLink {
                object: 1,
                instance: Some(0),
                version: None
            },
            ObjectLink {
                object: 3303,
                instance: None,
                version: Some((1, 1))
            },
            ObjectLink {
                object: 3303,
                instance: Some(65_534),
                version: None
            },
        ];
        s.insert(full.clone());
        s.insert(reg("other", "dev-2", 6));
        assert_eq!(s.get("7f00aa").as_ref(), Some(&full));
        assert_eq!(
            s.by_endpoint("urn:imei:490154203237518").as_ref(),
            Some(&full)
        );
        assert_eq!(s.route("urn:imei:490154203237518"), Some(full.route()));
        assert!(s.route("urn:imei:490154203237519").is_none());
        // Both registrations share a peer: the most recently updated one answers.
        assert_eq!(s.by_peer(full.peer).unwrap().id, "other");
        // Slots are reused after removal.
        assert_eq!(s.remove("7f00aa").as_ref(), Some(&full));
        assert!(s.get("7f00aa").is_none() && s.len() == 1);
        s.insert(reg("again", "dev-3", 7));
        assert_eq!(s.by_peer(full.peer).unwrap().id, "again");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn pinned_formats_replace_the_assumed_ones() {
        let mut r = reg("a", "node", 0);
        r.version = LwM2mVersion::V1_0;
        assert!(
            r.capabilities()
                .formats
                .contains(lwm2m_core::ContentFormat::Tlv)
        );
        r.use_formats = Some(FormatSet::EMPTY.with(lwm2m_core::ContentFormat::Text));
        let caps = r.capabilities();
        assert!(!caps.formats.contains(lwm2m_core::ContentFormat::Tlv));
        assert!(caps.formats.contains(lwm2m_core::ContentFormat::Text));
    }
}
