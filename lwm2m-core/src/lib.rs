//! The shared vocabulary of OMA LwM2M: identifiers, paths, values, static object metadata, errors
//! that map to CoAP response codes, and (with the `alloc` feature) the content-format codecs.
//!
//! The crate is `#![no_std]`. Without features it holds only allocation-free types (ids, [`Path`],
//! [`ResourceType`], [`Operations`], [`ObjectMeta`], [`Error`]) that generated object code emits as
//! statics. The `alloc` feature adds [`Value`], the [`Content`] tree and the codecs in [`codec`].
//!
//! ```
//! # #[cfg(feature = "alloc")] {
//! use lwm2m_core::{codec, Content, Path, ResourceType, Value};
//!
//! let path: Path = "/3/0/9".parse().unwrap();
//! let content = Content::single(path, Value::Integer(100));
//! let bytes = codec::text::encode(&content).unwrap();
//! assert_eq!(bytes, b"100");
//! let back = codec::text::decode(path, &bytes, &|_: &Path| Some(ResourceType::Integer)).unwrap();
//! assert_eq!(back, content);
//! # }
//! ```
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod error;
mod format;
mod ids;
mod meta;
pub mod object;
mod path;
mod types;

#[cfg(feature = "alloc")]
pub mod codec;
#[cfg(feature = "alloc")]
mod content;
#[cfg(feature = "alloc")]
mod value;

pub use error::{CoapCode, Error};
pub use format::{Capabilities, ContentFormat, FormatSet, LwM2mVersion, Target};
pub use ids::{InstanceId, ObjectId, ResourceId, ResourceInstanceId};
pub use meta::{ObjectMeta, ResourceMeta, TypeResolver, resolve_in};
pub use path::{Path, PathError};
pub use types::{ObjLink, Operations, ResourceType};

#[cfg(feature = "alloc")]
pub use content::{Content, Instance, Node, Record, Resource, ResourceValue};
#[cfg(feature = "alloc")]
pub use value::Value;

/// Hidden entry points for the fuzz targets in the workspace's `fuzz/` crate. Not a stable API.
#[cfg(feature = "alloc")]
#[doc(hidden)]
pub mod __fuzz;
