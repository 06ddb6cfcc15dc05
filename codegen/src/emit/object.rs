//! One object version as a module: marker type, static metadata, typed handles, enumerations,
//! and (with `alloc`) the instance struct.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::plan::{Kind, ObjectPlan, ResPlan};
use crate::emit::types::{ident, value_needs_alloc, value_ty};
use crate::emit::{Ctx, EmitError, docs, enums, instance};
use crate::model::{Operations, ResourceType};

/// `pub mod v1_1 { … }` for one object version.
pub(crate) fn version_module(
    plan: &ObjectPlan<'_>,
    cx: &Ctx<'_>,
) -> Result<TokenStream, EmitError> {
    let module = ident(&plan.module)?;
    let doc = docs::attrs(&docs::object(plan.obj, cx.opts.descriptions));
    let marker = marker(plan)?;
    let meta = meta(plan, &ident(&plan.marker)?);
    let handles = handles(plan, cx)?;
    let enums = plan
        .data()
        .filter_map(|r| match &r.kind {
            Kind::Data {
                enumeration: Some(e),
                ..
            } => Some(enums::enumeration(e, r, cx)),
            _ => None,
        })
        .collect::<Result<Vec<_>, _>>()?;
    let instance = instance::instance(plan, cx)?;
    Ok(quote! {
        #doc
        #[allow(clippy::doc_markdown, clippy::unreadable_literal, clippy::excessive_precision)]
        pub mod #module {
            #marker
            #meta
            #handles
            #(#enums)*
            #instance
        }
    })
}

fn marker(plan: &ObjectPlan<'_>) -> Result<TokenStream, EmitError> {
    let name = ident(&plan.marker)?;
    let doc = docs::attrs(&docs::marker(plan));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum #name {}

        impl ::lwm2m_core::object::ObjectType for #name {
            fn meta() -> &'static ::lwm2m_core::ObjectMeta {
                &META
            }
        }
    })
}

fn kind(k: ResourceType) -> TokenStream {
    let v = match k {
        ResourceType::String => quote!(String),
        ResourceType::Integer => quote!(Integer),
        ResourceType::UnsignedInteger => quote!(UnsignedInteger),
        ResourceType::Float => quote!(Float),
        ResourceType::Boolean => quote!(Boolean),
        ResourceType::Opaque => quote!(Opaque),
        ResourceType::Time => quote!(Time),
        ResourceType::Objlnk => quote!(Objlnk),
        ResourceType::Corelnk => quote!(Corelnk),
        ResourceType::None => quote!(None),
    };
    quote!(::lwm2m_core::ResourceType::#v)
}

fn operations(o: Operations) -> TokenStream {
    let v = match o {
        Operations::None => quote!(None),
        Operations::R => quote!(R),
        Operations::W => quote!(W),
        Operations::RW => quote!(RW),
        Operations::E => quote!(E),
    };
    quote!(::lwm2m_core::Operations::#v)
}

fn meta(plan: &ObjectPlan<'_>, marker: &proc_macro2::Ident) -> TokenStream {
    let o = plan.obj;
    let resources = o.resources.iter().map(|r| {
        let id = Literal::u16_unsuffixed(r.id);
        let (name, units) = (r.name.as_str(), r.units.as_str());
        let (kind, ops) = (kind(r.kind), operations(r.operations));
        let (multiple, mandatory) = (r.multiple, r.mandatory);
        quote! {
            ::lwm2m_core::ResourceMeta {
                id: #id,
                name: #name,
                kind: #kind,
                operations: #ops,
                multiple: #multiple,
                mandatory: #mandatory,
                units: #units,
            }
        }
    });
    let id = Literal::u16_unsuffixed(o.id);
    let (major, minor) = (
        Literal::u8_unsuffixed(o.object_version.major),
        Literal::u8_unsuffixed(o.object_version.minor),
    );
    let (name, urn) = (o.name.as_str(), o.urn.as_str());
    let (multiple, mandatory) = (o.multiple, o.mandatory);
    let doc = format!(" Static metadata of [`{marker}`].");
    quote! {
        #[doc = #doc]
        pub static META: ::lwm2m_core::ObjectMeta = ::lwm2m_core::ObjectMeta {
            id: #id,
            name: #name,
            version: (#major, #minor),
            urn: #urn,
            multiple: #multiple,
            mandatory: #mandatory,
            resources: &[#(#resources),*],
        };
    }
}

fn access(o: Operations) -> TokenStream {
    let v = match o {
        Operations::None => quote!(NoAccess),
        Operations::R => quote!(Read),
        Operations::W => quote!(Write),
        Operations::RW => quote!(ReadWrite),
        Operations::E => quote!(Execute),
    };
    quote!(::lwm2m_core::object::#v)
}

fn handle(
    r: &ResPlan<'_>,
    marker: &proc_macro2::Ident,
    cx: &Ctx<'_>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&r.handle)?;
    let doc = docs::attrs(&docs::resource(r, cx.opts.descriptions));
    let id = Literal::u16_unsuffixed(r.def.id);
    let value = value_ty(r)?.unwrap_or_else(|| quote!(::lwm2m_core::object::NoValue));
    let ops = if matches!(r.kind, Kind::Exec) {
        Operations::E
    } else {
        r.def.operations
    };
    let access = access(ops);
    let cfg = if value_needs_alloc(r) {
        cx.alloc_cfg()
    } else {
        quote!()
    };
    Ok(quote! {
        #doc
        #cfg
        pub const #name: ::lwm2m_core::object::ResourceRef<#marker, #value, #access> =
            ::lwm2m_core::object::ResourceRef::new(#id);
    })
}

fn handles(plan: &ObjectPlan<'_>, cx: &Ctx<'_>) -> Result<TokenStream, EmitError> {
    let marker = ident(&plan.marker)?;
    let items = plan
        .resources
        .iter()
        .map(|r| handle(r, &marker, cx))
        .collect::<Result<Vec<_>, _>>()?;
    if items.is_empty() {
        return Ok(quote!());
    }
    Ok(quote! {
        impl #marker {
            #(#items)*
        }
    })
}
