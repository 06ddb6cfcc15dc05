//! The device side: generated instance structs implement [`ObjectInstance`]; [`Object`] keeps
//! their instances (the runtime talks to it through [`ObjectHandler`](super::ObjectHandler)).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::content::{Resource, ResourceValue};
use crate::error::Error;
use crate::ids::{InstanceId, ResourceId};
use crate::meta::ResourceMeta;
use crate::object::access::ObjectType;
use crate::object::execute::ExecArgs;
use crate::object::handler::WriteMode;
use crate::path::Path;

/// One Object Instance's data. Generated code implements this for every Object version: it only
/// maps Resource ids to fields; operation checks live in [`Object`].
pub trait ObjectInstance: Default {
    /// The Object's marker type.
    type Object: ObjectType;
    /// The Resource's value, `None` when it is absent (unset optional, or not a data Resource).
    fn get(&self, id: ResourceId) -> Option<ResourceValue>;
    /// Sets a Resource from a decoded value, checking type and declared range.
    fn set(&mut self, id: ResourceId, value: ResourceValue, path: Path) -> Result<(), Error>;
    /// Removes an optional Resource; `false` when it is mandatory or unknown.
    fn unset(&mut self, id: ResourceId) -> bool;
}

/// Called on Execute: the instance, its id, the Resource and the arguments.
pub type ExecuteFn<T> = fn(&mut T, InstanceId, ResourceId, ExecArgs<'_>) -> Result<(), Error>;

/// The instances of one Object, and what to do on Execute.
#[derive(Debug, Clone)]
pub struct Object<T> {
    pub(super) instances: BTreeMap<InstanceId, T>,
    pub(super) on_execute: Option<ExecuteFn<T>>,
}

impl<T> Default for Object<T> {
    fn default() -> Self {
        Object {
            instances: BTreeMap::new(),
            on_execute: None,
        }
    }
}

impl<T: ObjectInstance> Object<T> {
    /// No instances, no Execute handler (Execute answers 5.00 until one is set).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the Execute handler.
    pub fn on_execute(mut self, f: ExecuteFn<T>) -> Self {
        self.on_execute = Some(f);
        self
    }

    /// Adds or replaces instance `id` (device side: no operation checks).
    pub fn insert(&mut self, id: InstanceId, instance: T) -> Option<T> {
        self.instances.insert(id, instance)
    }

    /// Instance `id`.
    pub fn instance(&self, id: InstanceId) -> Option<&T> {
        self.instances.get(&id)
    }

    /// Instance `id`, to change it (device side: every Resource can be set).
    pub fn instance_mut(&mut self, id: InstanceId) -> Option<&mut T> {
        self.instances.get_mut(&id)
    }

    pub(super) fn res(&self, path: Path) -> Result<&'static ResourceMeta, Error> {
        let rid = path.resource_id().ok_or(Error::NotFound { path })?;
        T::Object::meta()
            .resource(rid)
            .ok_or(Error::NotFound { path })
    }

    pub(super) fn inst(&self, path: Path) -> Result<&T, Error> {
        let iid = path.instance_id().ok_or(Error::NotFound { path })?;
        self.instances.get(&iid).ok_or(Error::NotFound { path })
    }

    pub(super) fn inst_mut(&mut self, path: Path) -> Result<&mut T, Error> {
        let iid = path.instance_id().ok_or(Error::NotFound { path })?;
        self.instances.get_mut(&iid).ok_or(Error::NotFound { path })
    }

    pub(super) fn readable(inst: &T) -> Vec<Resource> {
        T::Object::meta()
            .resources
            .iter()
            .filter(|r| r.operations.readable())
            .filter_map(|r| inst.get(r.id).map(|value| Resource { id: r.id, value }))
            .collect()
    }

    pub(super) fn check_writable(&self, path: Path) -> Result<(), Error> {
        if self.res(path)?.operations.writable() {
            Ok(())
        } else {
            let reason = "resource is not writable";
            Err(Error::MethodNotAllowed { path, reason })
        }
    }

    pub(super) fn write_resource(
        &mut self,
        path: Path,
        value: ResourceValue,
        mode: WriteMode,
    ) -> Result<(), Error> {
        self.check_writable(path)?;
        let rid = path.resource_id().ok_or(Error::NotFound { path })?;
        let inst = self.inst_mut(path)?;
        let value = match (mode, value, inst.get(rid)) {
            (
                WriteMode::Update,
                ResourceValue::Multiple(new),
                Some(ResourceValue::Multiple(mut old)),
            ) => {
                for (i, v) in new {
                    match old.iter_mut().find(|(j, _)| *j == i) {
                        Some(slot) => slot.1 = v,
                        None => old.push((i, v)),
                    }
                }
                old.sort_by_key(|(i, _)| *i);
                ResourceValue::Multiple(old)
            }
            (_, v, _) => v,
        };
        inst.set(rid, value, path)
    }
}
