//! Registrations and where they are kept.
//!
//! [`RegistrationStore`] takes and returns owned records so that a store outside the process
//! (Redis: a hash per registration, a sorted set on expiry, indexes by endpoint name and peer)
//! can implement it; [`InMemoryStore`] is the default.

use alloc::collections::{BTreeMap, BTreeSet};
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

    /// What the client supports: its version's mandatory formats plus those it announced.
    pub fn capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::assumed(self.version);
        if let Some(f) = self.formats {
            caps.formats = f.iter().fold(caps.formats, FormatSet::with);
        }
        caps
    }

    /// True if the client registered Object `oid`.
    pub fn has_object(&self, oid: ObjectId) -> bool {
        self.objects.iter().any(|o| o.object == oid)
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
    /// The registration whose client talks from `peer`.
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

/// The default store: maps in memory, with an expiry index.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    regs: BTreeMap<String, Registration>,
    by_endpoint: BTreeMap<String, String>,
    by_peer: BTreeMap<SocketAddr, String>,
    expiry: BTreeSet<(Timestamp, String)>,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn index(&mut self, reg: &Registration) {
        self.by_endpoint
            .insert(reg.endpoint.clone(), reg.id.clone());
        self.by_peer.insert(reg.peer, reg.id.clone());
        self.expiry.insert((reg.expires_at(), reg.id.clone()));
    }

    fn unindex(&mut self, reg: &Registration) {
        if self.by_endpoint.get(&reg.endpoint) == Some(&reg.id) {
            self.by_endpoint.remove(&reg.endpoint);
        }
        if self.by_peer.get(&reg.peer) == Some(&reg.id) {
            self.by_peer.remove(&reg.peer);
        }
        self.expiry.remove(&(reg.expires_at(), reg.id.clone()));
    }
}

impl RegistrationStore for InMemoryStore {
    fn insert(&mut self, reg: Registration) -> Option<Registration> {
        let old = self
            .by_endpoint
            .get(&reg.endpoint)
            .cloned()
            .and_then(|id| self.remove(&id));
        self.index(&reg);
        self.regs.insert(reg.id.clone(), reg);
        old
    }

    fn update(&mut self, reg: Registration) -> bool {
        let Some(old) = self.regs.remove(&reg.id) else {
            return false;
        };
        self.unindex(&old);
        self.index(&reg);
        self.regs.insert(reg.id.clone(), reg);
        true
    }

    fn get(&self, id: &str) -> Option<Registration> {
        self.regs.get(id).cloned()
    }

    fn by_endpoint(&self, endpoint: &str) -> Option<Registration> {
        self.by_endpoint
            .get(endpoint)
            .and_then(|id| self.regs.get(id))
            .cloned()
    }

    fn by_peer(&self, peer: SocketAddr) -> Option<Registration> {
        self.by_peer
            .get(&peer)
            .and_then(|id| self.regs.get(id))
            .cloned()
    }

    fn remove(&mut self, id: &str) -> Option<Registration> {
        let reg = self.regs.remove(id)?;
        self.unindex(&reg);
        Some(reg)
    }

    fn take_expired(&mut self, now: Timestamp) -> Vec<Registration> {
        let due: Vec<String> = self
            .expiry
            .iter()
            .take_while(|(t, _)| *t <= now)
            .map(|(_, id)| id.clone())
            .collect();
        due.iter().filter_map(|id| self.remove(id)).collect()
    }

    fn next_expiry(&self) -> Option<Timestamp> {
        self.expiry.first().map(|(t, _)| *t)
    }

    fn len(&self) -> usize {
        self.regs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
