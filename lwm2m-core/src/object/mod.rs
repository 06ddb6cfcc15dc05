//! The Object traits generated code implements and the runtime calls, and the small support
//! types generated code is written against.
//!
//! * Server side (no allocation): [`ObjectType`] and typed [`ResourceRef`] handles whose access
//!   marker ([`Read`], [`Write`], [`ReadWrite`], [`Execute`]) decides which requests in
//!   [`server`] compile.
//! * Device side (`alloc`): generated instance structs implement [`ObjectInstance`]; [`Object`]
//!   keeps instances and answers Read / Write / Execute / Create / Delete / Discover through the
//!   object-safe [`ObjectHandler`], with errors that carry their CoAP code.
//! * Ranges: [`RangeSpec`] statics and [`RangeError`], checked by generated setters.

mod access;
mod enumeration;
mod range;
mod time;

#[cfg(feature = "alloc")]
mod data;
#[cfg(feature = "alloc")]
mod execute;
#[cfg(feature = "alloc")]
mod handler;
#[cfg(feature = "alloc")]
mod multi;
#[cfg(feature = "alloc")]
pub mod server;
#[cfg(feature = "alloc")]
mod store;
#[cfg(feature = "alloc")]
mod value;

pub use access::{
    Executable, Execute, NoAccess, NoValue, ObjectType, Read, ReadWrite, Readable, ResourceRef,
    Writable, Write,
};
pub use enumeration::Enumeration;
pub use range::{InRange, RangeError, RangeSpec, check};
pub use time::Time;

#[cfg(feature = "alloc")]
pub use data::ResourceData;
#[cfg(feature = "alloc")]
pub use execute::ExecArgs;
#[cfg(feature = "alloc")]
pub use handler::{ObjectHandler, WriteMode};
#[cfg(feature = "alloc")]
pub use multi::Multi;
#[cfg(feature = "alloc")]
pub use store::{ExecuteFn, Object, ObjectInstance};
#[cfg(feature = "alloc")]
pub use value::{CoreLink, FieldValue, enum_from_value, enum_to_value};

/// Helpers for generated code only; not a stable API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "alloc")]
    pub use super::data::{get, get_opt, range_error, unset};
    #[cfg(feature = "alloc")]
    pub use alloc::string::String;
    #[cfg(feature = "alloc")]
    pub use alloc::vec::Vec;
}
