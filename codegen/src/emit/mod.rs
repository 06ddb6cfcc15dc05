//! The emitter: model IR → `proc_macro2` tokens (`quote!`) → one prettyplease pass → file text
//! with an `@generated` header. Rust is never built as strings; an emission that does not parse
//! is an [`EmitError`], not a panic.
//!
//! What the generated code looks like, per object version (module `v1_1`):
//! * a marker type (`Temperature`) implementing `lwm2m_core::object::ObjectType`, with one
//!   typed `ResourceRef<Temperature, T, Access>` constant per Resource;
//! * `static META: lwm2m_core::ObjectMeta`;
//! * one enum per `N: label` enumeration, with an `Other(n)` fallback;
//! * (with `alloc`) `Instance`, the device-side data, implementing `ObjectInstance`.

mod docs;
mod enums;
mod file;
mod instance;
mod object;
mod plan;
mod registry;
mod types;
mod typing;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::ObjectDef;

pub use file::{Source, WriteReport, render, write_if_changed, write_tree};
pub use registry::{
    FEATURES, Feature, GeneratedFile, ObjectGroup, feature_for, object_groups, objects_crate,
};

/// What to emit.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct EmitOptions {
    /// Include the registry's description prose in doc comments (off for committed code).
    pub descriptions: bool,
    /// Gate items that need `alloc` behind `#[cfg(feature = "…")]` of the generated crate.
    pub alloc_feature: Option<String>,
}

impl EmitOptions {
    /// Descriptions on or off.
    pub fn descriptions(mut self, on: bool) -> Self {
        self.descriptions = on;
        self
    }

    /// The options of the committed `lwm2m-objects` crate: facts only, `alloc` items behind its
    /// `alloc` feature.
    pub fn objects_crate() -> Self {
        EmitOptions::default().alloc_feature("alloc")
    }

    /// Gate `alloc` items on a feature of the crate the code lands in.
    pub fn alloc_feature(mut self, feature: impl Into<String>) -> Self {
        self.alloc_feature = Some(feature.into());
        self
    }
}

/// An internal error of the emitter: the generator produced something that is not Rust.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// A name mapped to something that is not an identifier.
    #[error("internal error: `{0}` is not a Rust identifier")]
    BadIdent(String),
    /// The emitted tokens do not parse as a Rust file.
    #[error("internal error: generated code for {what} does not parse: {message}")]
    Unparsable { what: String, message: String },
    /// Nothing to emit.
    #[error("no object definitions given")]
    Empty,
}

/// Shared emission context.
pub(crate) struct Ctx<'o> {
    pub(crate) opts: &'o EmitOptions,
}

impl Ctx<'_> {
    pub(crate) fn alloc_cfg(&self) -> TokenStream {
        match &self.opts.alloc_feature {
            Some(f) => quote!(#[cfg(feature = #f)]),
            None => quote!(),
        }
    }
}

/// Every version of one object (oldest first) as version modules, plus `pub use` of the
/// newest. Versions must share the object id.
pub fn object_versions(
    versions: &[&ObjectDef],
    opts: &EmitOptions,
) -> Result<TokenStream, EmitError> {
    let cx = Ctx { opts };
    let newest = versions.last().ok_or(EmitError::Empty)?;
    let mods = versions
        .iter()
        .map(|o| object::version_module(&plan::ObjectPlan::new(o), &cx))
        .collect::<Result<Vec<_>, _>>()?;
    let newest = types::ident(&plan::version_module(newest))?;
    Ok(quote! {
        #(#mods)*
        pub use #newest::*;
    })
}

/// `pub mod <name> { … }` holding [`object_versions`], with a doc line of facts.
pub fn object_module(
    name: &str,
    versions: &[&ObjectDef],
    opts: &EmitOptions,
) -> Result<TokenStream, EmitError> {
    let body = object_versions(versions, opts)?;
    let (doc, module) = (module_doc(versions), types::ident(name)?);
    let doc = docs::attrs(&doc);
    Ok(quote! {
        #doc
        pub mod #module {
            #body
        }
    })
}

/// Generated identifiers that had to change to stay unique beyond the resource-name collisions
/// [`crate::validate`] reports (a setter that meets another resource's getter, an enum named
/// like the object, …): `(LwM2M path, message)`, the same every run.
pub fn renames(obj: &ObjectDef) -> Vec<(String, String)> {
    plan::ObjectPlan::new(obj).renames
}

/// The doc line of an object's module.
pub(crate) fn module_doc(versions: &[&ObjectDef]) -> String {
    let Some(newest) = versions.last() else {
        return String::new();
    };
    let list: Vec<String> = versions
        .iter()
        .map(|o| o.object_version.to_string())
        .collect();
    format!(
        "`{}`: LwM2M object {} (versions {}; the newest is re-exported here).",
        newest.name.replace('`', "'"),
        newest.id,
        list.join(", ")
    )
}
