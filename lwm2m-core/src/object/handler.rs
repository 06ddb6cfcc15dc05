//! What the runtime calls: the object-safe [`ObjectHandler`], implemented by [`Object`] with
//! the operation checks and the CoAP codes of what goes wrong.

use alloc::vec::Vec;

use crate::content::{Instance, Node, Resource, ResourceValue};
use crate::error::Error;
use crate::ids::{InstanceId, ResourceId};
use crate::meta::ObjectMeta;
use crate::object::access::ObjectType;
use crate::object::execute::ExecArgs;
use crate::object::store::{Object, ObjectInstance};
use crate::path::Path;

/// How a Write treats Resources the payload does not mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteMode {
    /// PUT: optional writable Resources not in the payload are removed.
    Replace,
    /// POST (partial update): only the Resources in the payload change.
    Update,
}

/// What the runtime calls for each Object a client hosts. Errors carry the CoAP code to answer
/// with ([`Error::coap_code`]).
pub trait ObjectHandler {
    /// The Object's metadata.
    fn meta(&self) -> &'static ObjectMeta;
    /// Read `/o`, `/o/i`, `/o/i/r` or `/o/i/r/ri`.
    fn read(&self, path: Path) -> Result<Node, Error>;
    /// Write at `/o/i`, `/o/i/r` or `/o/i/r/ri`.
    fn write(&mut self, path: Path, node: Node, mode: WriteMode) -> Result<(), Error>;
    /// Execute `/o/i/r` with arguments.
    fn execute(&mut self, path: Path, args: &str) -> Result<(), Error>;
    /// Create an instance (the lowest free id when `id` is `None`); returns its id.
    fn create(
        &mut self,
        id: Option<InstanceId>,
        resources: Vec<Resource>,
    ) -> Result<InstanceId, Error>;
    /// Delete `/o/i`.
    fn delete(&mut self, id: InstanceId) -> Result<(), Error>;
    /// The paths below `path` (instances, present Resources), for Discover.
    fn discover(&self, path: Path) -> Result<Vec<Path>, Error>;

    /// The stored value of the Resource `/o/i/r` (`None` when it is absent), readable or not, so
    /// that an all-or-nothing Write-Composite can undo itself with [`restore`](Self::restore).
    ///
    /// The default reads through [`read`](Self::read), so it fails for Resources the server may
    /// not read; [`Object`] overrides it.
    fn snapshot(&self, path: Path) -> Result<Option<ResourceValue>, Error> {
        match self.read(path) {
            Ok(Node::Single(v)) => Ok(Some(ResourceValue::Single(v))),
            Ok(Node::Multiple(items)) => Ok(Some(ResourceValue::Multiple(items))),
            Ok(_) => Err(Error::malformed(path, "snapshot needs a resource path")),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Puts back a value taken with [`snapshot`](Self::snapshot) (`None` removes the Resource).
    ///
    /// The default writes through [`write`](Self::write) and cannot remove a Resource;
    /// [`Object`] overrides it.
    fn restore(&mut self, path: Path, value: Option<ResourceValue>) -> Result<(), Error> {
        match value {
            Some(ResourceValue::Single(v)) => self.write(path, Node::Single(v), WriteMode::Replace),
            Some(ResourceValue::Multiple(items)) => {
                self.write(path, Node::Multiple(items), WriteMode::Replace)
            }
            _ => Err(Error::Internal {
                reason: "this handler cannot remove a resource to undo a write",
            }),
        }
    }
}

impl<T: ObjectInstance> ObjectHandler for Object<T> {
    fn meta(&self) -> &'static ObjectMeta {
        T::Object::meta()
    }

    fn read(&self, path: Path) -> Result<Node, Error> {
        match path.depth() {
            1 => Ok(Node::Object(
                self.instances
                    .iter()
                    .map(|(id, inst)| Instance {
                        id: *id,
                        resources: Self::readable(inst),
                    })
                    .collect(),
            )),
            2 => Ok(Node::Instance(Self::readable(self.inst(path)?))),
            3 | 4 => {
                if !self.res(path)?.operations.readable() {
                    let reason = "resource is not readable";
                    return Err(Error::MethodNotAllowed { path, reason });
                }
                let rid = path.resource_id().ok_or(Error::NotFound { path })?;
                let value = self.inst(path)?.get(rid).ok_or(Error::NotFound { path })?;
                match (value, path.resource_instance_id()) {
                    (ResourceValue::Single(v), None) => Ok(Node::Single(v)),
                    (ResourceValue::Multiple(items), None) => Ok(Node::Multiple(items)),
                    (ResourceValue::Multiple(items), Some(ri)) => items
                        .into_iter()
                        .find(|(i, _)| *i == ri)
                        .map(|(_, v)| Node::Single(v))
                        .ok_or(Error::NotFound { path }),
                    (ResourceValue::Single(_), Some(_)) => Err(Error::NotFound { path }),
                }
            }
            _ => Err(Error::NotFound { path }),
        }
    }

    fn write(&mut self, path: Path, node: Node, mode: WriteMode) -> Result<(), Error> {
        match (path.depth(), node) {
            (2, Node::Instance(resources)) => {
                let given: Vec<ResourceId> = resources.iter().map(|r| r.id).collect();
                for r in &resources {
                    let rp = path.child(r.id).ok_or(Error::NotFound { path })?;
                    self.check_writable(rp)?;
                }
                for r in resources {
                    let rp = path.child(r.id).ok_or(Error::NotFound { path })?;
                    self.inst_mut(rp)?.set(r.id, r.value, rp)?;
                }
                if mode == WriteMode::Replace {
                    let inst = self.inst_mut(path)?;
                    for r in T::Object::meta().resources {
                        if r.operations.writable() && !given.contains(&r.id) {
                            inst.unset(r.id);
                        }
                    }
                }
                Ok(())
            }
            (3, Node::Single(v)) => self.write_resource(path, ResourceValue::Single(v), mode),
            (3, Node::Multiple(items)) => {
                self.write_resource(path, ResourceValue::Multiple(items), mode)
            }
            (4, Node::Single(v)) => {
                let ri = path
                    .resource_instance_id()
                    .ok_or(Error::NotFound { path })?;
                let item = ResourceValue::Multiple(alloc::vec![(ri, v)]);
                self.write_resource(path.parent(), item, WriteMode::Update)
            }
            _ => Err(Error::malformed(
                path,
                "payload does not match the write path",
            )),
        }
    }

    fn execute(&mut self, path: Path, args: &str) -> Result<(), Error> {
        let meta = self.res(path)?;
        if path.depth() != 3 || !meta.operations.executable() {
            let reason = "resource is not executable";
            return Err(Error::MethodNotAllowed { path, reason });
        }
        let args = ExecArgs::parse(args, path)?;
        let handler = self.on_execute;
        let iid = path.instance_id().ok_or(Error::NotFound { path })?;
        let inst = self.inst_mut(path)?;
        match handler {
            Some(f) => f(inst, iid, meta.id, args),
            None => Err(Error::Internal {
                reason: "no execute handler registered",
            }),
        }
    }

    fn create(
        &mut self,
        id: Option<InstanceId>,
        resources: Vec<Resource>,
    ) -> Result<InstanceId, Error> {
        let meta = T::Object::meta();
        let root = Path::object(meta.id);
        if !meta.multiple && !self.instances.is_empty() {
            return Err(Error::malformed(
                root,
                "single-instance object already has an instance",
            ));
        }
        let id = match id {
            Some(id) if self.instances.contains_key(&id) => {
                return Err(Error::malformed(
                    Path::instance(meta.id, id),
                    "instance exists",
                ));
            }
            Some(id) => id,
            None => (0..u16::MAX)
                .find(|i| !self.instances.contains_key(i))
                .ok_or(Error::Internal {
                    reason: "no free instance id",
                })?,
        };
        let mut inst = T::default();
        for r in resources {
            let rp = Path::resource(meta.id, id, r.id);
            self.res(rp)?;
            inst.set(r.id, r.value, rp)?;
        }
        self.instances.insert(id, inst);
        Ok(id)
    }

    fn delete(&mut self, id: InstanceId) -> Result<(), Error> {
        let path = Path::instance(T::Object::meta().id, id);
        self.instances
            .remove(&id)
            .map(|_| ())
            .ok_or(Error::NotFound { path })
    }

    fn snapshot(&self, path: Path) -> Result<Option<ResourceValue>, Error> {
        let rid = path.resource_id().ok_or(Error::NotFound { path })?;
        Ok(self.inst(path)?.get(rid))
    }

    fn restore(&mut self, path: Path, value: Option<ResourceValue>) -> Result<(), Error> {
        let rid = path.resource_id().ok_or(Error::NotFound { path })?;
        let inst = self.inst_mut(path)?;
        match value {
            Some(v) => inst.set(rid, v, path),
            None => {
                inst.unset(rid);
                Ok(())
            }
        }
    }

    fn discover(&self, path: Path) -> Result<Vec<Path>, Error> {
        let oid = T::Object::meta().id;
        let mut out = Vec::new();
        match path.depth() {
            1 => {
                for (iid, inst) in &self.instances {
                    out.push(Path::instance(oid, *iid));
                    present(&mut out, oid, *iid, inst);
                }
            }
            2 => {
                let iid = path.instance_id().ok_or(Error::NotFound { path })?;
                out.push(path);
                present(&mut out, oid, iid, self.inst(path)?);
            }
            3 => {
                self.res(path)?;
                let rid = path.resource_id().ok_or(Error::NotFound { path })?;
                out.push(path);
                if let Some(ResourceValue::Multiple(items)) = self.inst(path)?.get(rid) {
                    out.extend(items.iter().filter_map(|(i, _)| path.child(*i)));
                }
            }
            _ => return Err(Error::NotFound { path }),
        }
        Ok(out)
    }
}

/// Paths of the Resources of `inst` that Discover lists: present values and executables.
fn present<T: ObjectInstance>(out: &mut Vec<Path>, oid: u16, iid: InstanceId, inst: &T) {
    let listed = T::Object::meta()
        .resources
        .iter()
        .filter(|r| r.operations.executable() || inst.get(r.id).is_some());
    out.extend(listed.map(|r| Path::resource(oid, iid, r.id)));
}
