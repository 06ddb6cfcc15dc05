//! `lwm2m-codegen`: the OMA LwM2M registry as a typed model, and Rust code generation from it.
//!
//! The path is: registry XML → `xml` (raw elements, 1:1 with the schema; private) → [`lower`]
//! (the [`model`] IR, every node with a [`model::Loc`]) → [`validate`] (all diagnostics at once)
//! → [`emit`] (tokens, formatted once). [`load`] runs the first three over a registry
//! directory; [`builder::Builder`] runs them all from a `build.rs`; [`macro_front`] is the
//! `#[lwm2m_object]` front end into the same IR.

/// Hidden entry point for the `registry_xml` target of the workspace's `fuzz/` crate. Not a
/// stable API.
#[doc(hidden)]
pub mod __fuzz;
pub mod builder;
pub mod catalog;
pub mod diag;
pub mod emit;
pub mod error;
pub mod ident;
pub mod load;
pub mod lower;
pub mod macro_front;
pub mod model;
pub mod range;
#[cfg(test)]
mod range_tests;
pub mod validate;
pub(crate) mod xml;

pub use builder::{BuildError, Builder};
