//! The Objects a client hosts, keyed by Object id, with typed access for the application.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;

use lwm2m_core::object::ObjectHandler;
use lwm2m_core::{ObjectId, Path};

use crate::lwm2m::ObjectLink;

/// An [`ObjectHandler`] the client can also hand back to the application as its concrete type
/// (e.g. `Object<temperature::Instance>`). Implemented for every `'static` handler.
pub trait HostedObject: ObjectHandler + Send + 'static {
    /// `self` as [`Any`], to downcast.
    fn as_any(&self) -> &dyn Any;
    /// `self` as [`Any`], to downcast mutably.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: ObjectHandler + Send + 'static> HostedObject for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Objects that are never listed in a registration (Core TS 1.1 §6.2.1: Security, OSCORE).
const NOT_REGISTERED: [ObjectId; 2] = [0, 21];

/// The client's Objects.
#[derive(Default)]
pub(crate) struct Objects {
    map: BTreeMap<ObjectId, Box<dyn HostedObject>>,
}

impl fmt::Debug for Objects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.map.keys()).finish()
    }
}

impl Objects {
    pub(crate) fn insert(
        &mut self,
        object: Box<dyn HostedObject>,
    ) -> Option<Box<dyn HostedObject>> {
        self.map.insert(object.meta().id, object)
    }

    /// The hosted Object ids, ascending.
    pub(crate) fn ids(&self) -> Vec<ObjectId> {
        self.map.keys().copied().collect()
    }

    pub(crate) fn get(&self, oid: ObjectId) -> Option<&dyn HostedObject> {
        self.map.get(&oid).map(|b| &**b)
    }

    pub(crate) fn get_mut(&mut self, oid: ObjectId) -> Option<&mut (dyn HostedObject + 'static)> {
        self.map.get_mut(&oid).map(|b| &mut **b)
    }

    /// The handler for the Object of `path`, or 4.04.
    pub(crate) fn for_path(&self, path: Path) -> Result<&dyn HostedObject, lwm2m_core::Error> {
        path.object_id()
            .and_then(|oid| self.get(oid))
            .ok_or(lwm2m_core::Error::NotFound { path })
    }

    /// The handler for the Object of `path`, mutably, or 4.04.
    pub(crate) fn for_path_mut(
        &mut self,
        path: Path,
    ) -> Result<&mut (dyn HostedObject + 'static), lwm2m_core::Error> {
        path.object_id()
            .and_then(|oid| self.get_mut(oid))
            .ok_or(lwm2m_core::Error::NotFound { path })
    }

    /// The registration's object list: `</oid>;ver=x.y` for Objects that are not version 1.0 or
    /// have no instances, then `</oid/iid>` per instance.
    pub(crate) fn links(&self) -> Vec<ObjectLink> {
        let mut out = Vec::new();
        for (oid, obj) in &self.map {
            if NOT_REGISTERED.contains(oid) {
                continue;
            }
            let meta = obj.meta();
            let instances: Vec<u16> = obj
                .discover(Path::object(*oid))
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.depth() == 2)
                .filter_map(|p| p.instance_id())
                .collect();
            let version = (meta.version != (1, 0)).then_some(meta.version);
            if version.is_some() || instances.is_empty() {
                out.push(ObjectLink {
                    object: *oid,
                    instance: None,
                    version,
                });
            }
            out.extend(instances.into_iter().map(|i| ObjectLink {
                object: *oid,
                instance: Some(i),
                version: None,
            }));
        }
        out
    }
}
