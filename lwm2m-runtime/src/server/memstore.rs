//! [`InMemoryStore`]: registrations as compact records in a slab, indexed by hashes.
//!
//! A record keeps the fixed-size fields inline and every string and the object list in one
//! boxed byte string, so a registration costs one allocation. The indexes (location id, endpoint
//! name, peer, expiry) hold `(hash or time, slot)` pairs, 16 bytes each: a lookup walks the
//! (almost always single) entries with the wanted hash and compares the real key. The hash is
//! FNV-1a: a client choosing colliding names only slows its own lookups down.

use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::net::SocketAddr;

use lwm2m_core::{FormatSet, LwM2mVersion};

use super::store::{Registration, RegistrationStore, Route};
use crate::coap::Timestamp;
use crate::lwm2m::ObjectLink;

fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in *p {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn peer_hash(peer: SocketAddr) -> u64 {
    let port = peer.port().to_be_bytes();
    match peer {
        SocketAddr::V4(a) => fnv(&[&a.ip().octets(), &port]),
        SocketAddr::V6(a) => fnv(&[&a.ip().octets(), &port]),
    }
}

/// One registration, compactly.
#[derive(Debug)]
struct Record {
    peer: SocketAddr,
    registered_at: Timestamp,
    last_update: Timestamp,
    lifetime: u32,
    formats: Option<FormatSet>,
    use_formats: Option<FormatSet>,
    version: LwM2mVersion,
    queue_mode: bool,
    /// id, endpoint, binding, sms (u32 length each, `u32::MAX` for no sms), then the object
    /// links (u32 count, 7 bytes each).
    data: Box<[u8]>,
}

fn put_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
    }
}

/// Reads what [`put_str`] wrote at `*at`.
fn get_str<'a>(data: &'a [u8], at: &mut usize) -> Option<&'a str> {
    let len = u32::from_le_bytes(data.get(*at..*at + 4)?.try_into().ok()?);
    *at += 4;
    if len == u32::MAX {
        return None;
    }
    let s = data.get(*at..*at + len as usize)?;
    *at += len as usize;
    core::str::from_utf8(s).ok()
}

impl Record {
    fn new(reg: &Registration) -> Record {
        let mut data = Vec::with_capacity(
            20 + reg.id.len() + reg.endpoint.len() + reg.binding.len() + 7 * reg.objects.len(),
        );
        put_str(&mut data, Some(&reg.id));
        put_str(&mut data, Some(&reg.endpoint));
        put_str(&mut data, Some(&reg.binding));
        put_str(&mut data, reg.sms.as_deref());
        data.extend_from_slice(&(reg.objects.len() as u32).to_le_bytes());
        for o in &reg.objects {
            data.extend_from_slice(&o.object.to_le_bytes());
            data.extend_from_slice(&o.instance.unwrap_or(0).to_le_bytes());
            let (major, minor) = o.version.unwrap_or((0, 0));
            let flags = u8::from(o.instance.is_some()) | u8::from(o.version.is_some()) << 1;
            data.extend_from_slice(&[flags, major, minor]);
        }
        Record {
            peer: reg.peer,
            registered_at: reg.registered_at,
            last_update: reg.last_update,
            lifetime: reg.lifetime,
            formats: reg.formats,
            use_formats: reg.use_formats,
            version: reg.version,
            queue_mode: reg.queue_mode,
            data: data.into_boxed_slice(),
        }
    }

    fn id(&self) -> &str {
        get_str(&self.data, &mut 0).unwrap_or_default()
    }

    fn endpoint(&self) -> &str {
        let mut at = 0;
        let _ = get_str(&self.data, &mut at);
        get_str(&self.data, &mut at).unwrap_or_default()
    }

    fn expires_at(&self) -> Timestamp {
        self.last_update + core::time::Duration::from_secs(u64::from(self.lifetime))
    }

    fn route(&self) -> Route {
        Route::new(
            self.peer,
            self.queue_mode,
            self.version,
            self.formats,
            self.use_formats,
        )
    }

    fn to_registration(&self) -> Registration {
        let d = &self.data;
        let mut at = 0;
        let id = get_str(d, &mut at).unwrap_or_default().into();
        let endpoint = get_str(d, &mut at).unwrap_or_default().into();
        let binding = get_str(d, &mut at).unwrap_or_default().into();
        let sms = get_str(d, &mut at).map(String::from);
        let n = d
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes);
        at += 4;
        let objects = d
            .get(at..)
            .unwrap_or_default()
            .chunks_exact(7)
            .take(n as usize)
            .map(|c| ObjectLink {
                object: u16::from_le_bytes([c[0], c[1]]),
                instance: (c[4] & 1 != 0).then(|| u16::from_le_bytes([c[2], c[3]])),
                version: (c[4] & 2 != 0).then_some((c[5], c[6])),
            })
            .collect();
        Registration {
            id,
            endpoint,
            peer: self.peer,
            lifetime: self.lifetime,
            version: self.version,
            binding,
            queue_mode: self.queue_mode,
            sms,
            objects,
            formats: self.formats,
            use_formats: self.use_formats,
            registered_at: self.registered_at,
            last_update: self.last_update,
        }
    }
}

/// The default store: compact records in memory, with an expiry index (`lwm2m bench` measures
/// the whole server at about 460 bytes per registration, duplicate-detection state included).
#[derive(Debug, Default)]
pub struct InMemoryStore {
    slots: Vec<Option<Record>>,
    free: Vec<u32>,
    by_id: BTreeSet<(u64, u32)>,
    by_endpoint: BTreeSet<(u64, u32)>,
    by_peer: BTreeSet<(u64, u32)>,
    expiry: BTreeSet<(Timestamp, u32)>,
    len: usize,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn record(&self, slot: u32) -> Option<&Record> {
        self.slots.get(slot as usize)?.as_ref()
    }

    /// The slot in `index` with hash `h` whose record satisfies `matches`.
    fn find(
        &self,
        index: &BTreeSet<(u64, u32)>,
        h: u64,
        matches: impl Fn(&Record) -> bool,
    ) -> Option<u32> {
        index
            .range((h, 0)..=(h, u32::MAX))
            .map(|(_, s)| *s)
            .find(|s| self.record(*s).is_some_and(&matches))
    }

    fn slot_of_id(&self, id: &str) -> Option<u32> {
        self.find(&self.by_id, fnv(&[id.as_bytes()]), |r| r.id() == id)
    }

    fn slot_of_endpoint(&self, endpoint: &str) -> Option<u32> {
        let h = fnv(&[endpoint.as_bytes()]);
        self.find(&self.by_endpoint, h, |r| r.endpoint() == endpoint)
    }

    /// The most recently updated registration of `peer`.
    fn slot_of_peer(&self, peer: SocketAddr) -> Option<u32> {
        let h = peer_hash(peer);
        self.by_peer
            .range((h, 0)..=(h, u32::MAX))
            .filter_map(|(_, s)| Some((*s, self.record(*s)?)))
            .filter(|(_, r)| r.peer == peer)
            .max_by_key(|(_, r)| r.last_update)
            .map(|(s, _)| s)
    }

    fn put(&mut self, slot: u32, rec: Record) {
        self.by_id.insert((fnv(&[rec.id().as_bytes()]), slot));
        self.by_endpoint
            .insert((fnv(&[rec.endpoint().as_bytes()]), slot));
        self.by_peer.insert((peer_hash(rec.peer), slot));
        self.expiry.insert((rec.expires_at(), slot));
        if let Some(s) = self.slots.get_mut(slot as usize) {
            *s = Some(rec);
        }
    }

    fn take(&mut self, slot: u32) -> Option<Record> {
        let rec = self.slots.get_mut(slot as usize)?.take()?;
        self.by_id.remove(&(fnv(&[rec.id().as_bytes()]), slot));
        self.by_endpoint
            .remove(&(fnv(&[rec.endpoint().as_bytes()]), slot));
        self.by_peer.remove(&(peer_hash(rec.peer), slot));
        self.expiry.remove(&(rec.expires_at(), slot));
        Some(rec)
    }

    fn free_slot(&mut self, slot: u32) {
        self.free.push(slot);
        self.len -= 1;
    }
}

impl RegistrationStore for InMemoryStore {
    fn insert(&mut self, reg: Registration) -> Option<Registration> {
        let old = self.slot_of_endpoint(&reg.endpoint).and_then(|s| {
            let r = self.take(s)?;
            self.free_slot(s);
            Some(r.to_registration())
        });
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            (self.slots.len() - 1) as u32
        });
        self.put(slot, Record::new(&reg));
        self.len += 1;
        old
    }

    fn update(&mut self, reg: Registration) -> bool {
        let Some(slot) = self.slot_of_id(&reg.id) else {
            return false;
        };
        self.take(slot);
        self.put(slot, Record::new(&reg));
        true
    }

    fn get(&self, id: &str) -> Option<Registration> {
        let slot = self.slot_of_id(id)?;
        self.record(slot).map(Record::to_registration)
    }

    fn by_endpoint(&self, endpoint: &str) -> Option<Registration> {
        let slot = self.slot_of_endpoint(endpoint)?;
        self.record(slot).map(Record::to_registration)
    }

    fn route(&self, endpoint: &str) -> Option<Route> {
        let slot = self.slot_of_endpoint(endpoint)?;
        self.record(slot).map(Record::route)
    }

    fn by_peer(&self, peer: SocketAddr) -> Option<Registration> {
        let slot = self.slot_of_peer(peer)?;
        self.record(slot).map(Record::to_registration)
    }

    fn remove(&mut self, id: &str) -> Option<Registration> {
        let slot = self.slot_of_id(id)?;
        let rec = self.take(slot)?;
        self.free_slot(slot);
        Some(rec.to_registration())
    }

    fn take_expired(&mut self, now: Timestamp) -> Vec<Registration> {
        let due: Vec<u32> = self
            .expiry
            .iter()
            .take_while(|(t, _)| *t <= now)
            .map(|(_, s)| *s)
            .collect();
        let mut gone = Vec::with_capacity(due.len());
        for slot in due {
            if let Some(rec) = self.take(slot) {
                self.free_slot(slot);
                gone.push(rec.to_registration());
            }
        }
        gone
    }

    fn next_expiry(&self) -> Option<Timestamp> {
        self.expiry.first().map(|(t, _)| *t)
    }

    fn len(&self) -> usize {
        self.len
    }
}
