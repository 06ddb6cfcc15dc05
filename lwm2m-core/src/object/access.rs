//! Server-side typed handles: which operations a Resource allows is part of its handle's type.
//!
//! Generated code emits one `const` [`ResourceRef`] per Resource, e.g.
//! `Temperature::SENSOR_VALUE: ResourceRef<Temperature, f64, Read>`. A server API bounds its
//! methods on the access marker (`A: Readable`), so writing a read-only Resource or reading an
//! execute-only one does not compile.

use core::fmt;
use core::marker::PhantomData;

use crate::ids::{InstanceId, ResourceId};
use crate::meta::ObjectMeta;
use crate::path::Path;

mod sealed {
    pub trait Sealed {}
}

/// Access markers that allow Read.
pub trait Readable: sealed::Sealed {}
/// Access markers that allow Write.
pub trait Writable: sealed::Sealed {}
/// Access markers that allow Execute.
pub trait Executable: sealed::Sealed {}

/// Access marker: `R`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {}
/// Access marker: `W`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {}
/// Access marker: `RW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadWrite {}
/// Access marker: `E`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execute {}
/// Access marker: no operation (the registry declares an empty `<Operations/>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAccess {}

impl sealed::Sealed for Read {}
impl sealed::Sealed for Write {}
impl sealed::Sealed for ReadWrite {}
impl sealed::Sealed for Execute {}
impl sealed::Sealed for NoAccess {}
impl Readable for Read {}
impl Readable for ReadWrite {}
impl Writable for Write {}
impl Writable for ReadWrite {}
impl Executable for Execute {}

/// The value type of an executable Resource's handle: it has no value, only arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoValue {}

/// An Object type: generated code implements it for each Object version's marker type.
pub trait ObjectType {
    /// The Object's static metadata.
    fn meta() -> &'static ObjectMeta;
}

/// A typed handle to one Resource of Object `O`, holding values of type `T`, with access `A`.
pub struct ResourceRef<O, T, A> {
    id: ResourceId,
    _marker: PhantomData<Marker<O, T, A>>,
}

/// Variance and auto traits of a handle do not depend on `O`, `T`, `A`.
type Marker<O, T, A> = fn() -> (O, T, A);

impl<O, T, A> ResourceRef<O, T, A> {
    /// A handle to Resource `id`. Generated code calls this; hand-written code should use the
    /// generated constants.
    pub const fn new(id: ResourceId) -> Self {
        ResourceRef {
            id,
            _marker: PhantomData,
        }
    }

    /// The Resource id.
    pub const fn id(self) -> ResourceId {
        self.id
    }
}

impl<O: ObjectType, T, A> ResourceRef<O, T, A> {
    /// The path of this Resource in Object Instance `instance`: `/oid/iid/rid`.
    pub fn path(self, instance: InstanceId) -> Path {
        Path::resource(O::meta().id, instance, self.id)
    }
}

impl<O, T, A> Clone for ResourceRef<O, T, A> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O, T, A> Copy for ResourceRef<O, T, A> {}

impl<O, T, A> PartialEq for ResourceRef<O, T, A> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<O, T, A> fmt::Debug for ResourceRef<O, T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResourceRef({})", self.id)
    }
}
