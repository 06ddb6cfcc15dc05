//! Server-side requests built from typed handles. Each constructor bounds the access marker, so
//! the operation must be allowed by the registry for the code to compile:
//!
//! ```compile_fail
//! # // A read-only resource cannot be written.
//! use lwm2m_core::object::{server, NoValue, Read, ResourceRef};
//! # enum Temp {}
//! # impl lwm2m_core::object::ObjectType for Temp {
//! #     fn meta() -> &'static lwm2m_core::ObjectMeta { unimplemented!() }
//! # }
//! const SENSOR_VALUE: ResourceRef<Temp, f64, Read> = ResourceRef::new(5700);
//! let _ = server::write(0, SENSOR_VALUE, &21.5);
//! ```
//!
//! The requests are plain data (sans-IO): the runtime sends `path` (and `node`), and
//! [`ReadRequest::decode`] turns the answer into the handle's Rust type.

use core::marker::PhantomData;

use crate::content::Node;
use crate::error::Error;
use crate::ids::InstanceId;
use crate::object::access::{Executable, NoValue, ObjectType, Readable, ResourceRef, Writable};
use crate::object::data::ResourceData;
use crate::path::Path;

/// A Read of one Resource, answered by a value of type `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadRequest<T> {
    /// The Resource path.
    pub path: Path,
    _t: PhantomData<fn() -> T>,
}

impl<T: ResourceData> ReadRequest<T> {
    /// The typed value from the node a client answered with.
    pub fn decode(&self, node: Node) -> Result<T, Error> {
        T::from_node(node, self.path)
    }
}

/// A Write of one Resource.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteRequest {
    /// The Resource path.
    pub path: Path,
    /// The payload.
    pub node: Node,
}

/// An Execute of one Resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteRequest<'a> {
    /// The Resource path.
    pub path: Path,
    /// The argument payload (`0='x',1`).
    pub args: &'a str,
}

/// Read `h` of instance `instance`. Compiles only for readable Resources.
pub fn read<O: ObjectType, T, A: Readable>(
    instance: InstanceId,
    h: ResourceRef<O, T, A>,
) -> ReadRequest<T> {
    ReadRequest {
        path: h.path(instance),
        _t: PhantomData,
    }
}

/// Write `value` to `h` of instance `instance`. Compiles only for writable Resources.
pub fn write<O: ObjectType, T: ResourceData, A: Writable>(
    instance: InstanceId,
    h: ResourceRef<O, T, A>,
    value: &T,
) -> WriteRequest {
    WriteRequest {
        path: h.path(instance),
        node: value.to_node(),
    }
}

/// Execute `h` of instance `instance` with `args`. Compiles only for executable Resources.
pub fn execute<'a, O: ObjectType, A: Executable>(
    instance: InstanceId,
    h: ResourceRef<O, NoValue, A>,
    args: &'a str,
) -> ExecuteRequest<'a> {
    ExecuteRequest {
        path: h.path(instance),
        args,
    }
}
