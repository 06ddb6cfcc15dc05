//! `N: label` enumerations as Rust enums with an `Other(n)` fallback.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::plan::{EnumPlan, ResPlan};
use crate::emit::types::{ident, int_lit, scalar_ty};
use crate::emit::{Ctx, EmitError, docs};

pub(crate) fn enumeration(
    e: &EnumPlan,
    r: &ResPlan<'_>,
    cx: &Ctx<'_>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&e.name)?;
    let raw = scalar_ty(e.raw, None)?;
    let doc = docs::attrs(&format!(
        "Values of {} (resource {}).",
        format_args!("`{}`", r.def.name.replace('`', "'")),
        r.def.id
    ));
    let mut variants = Vec::new();
    let mut from = Vec::new();
    let mut to = Vec::new();
    let mut labels = Vec::new();
    for (i, (v, value, label)) in e.variants.iter().enumerate() {
        let v = ident(v)?;
        let lit = int_lit(i128::from(*value));
        let vdoc = docs::attrs(&format!("`{value}`: {}", docs::escape(label)));
        let default = if i == 0 { quote!(#[default]) } else { quote!() };
        variants.push(quote!(#vdoc #default #v,));
        from.push(quote!(#lit => Self::#v,));
        to.push(quote!(Self::#v => #lit,));
        let l64 = Literal::i64_unsuffixed(value.unsigned_abs() as i64);
        let l64 = if *value < 0 {
            quote!(-#l64)
        } else {
            quote!(#l64)
        };
        labels.push(quote!((#l64, #label)));
    }
    let cfg = cx.alloc_cfg();
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum #name {
            #(#variants)*
            /// A value without a registry label.
            Other(#raw),
        }

        impl ::lwm2m_core::object::Enumeration for #name {
            type Raw = #raw;
            const LABELS: &'static [(i64, &'static str)] = &[#(#labels),*];
            fn from_raw(raw: #raw) -> Self {
                match raw {
                    #(#from)*
                    other => Self::Other(other),
                }
            }
            fn to_raw(self) -> #raw {
                match self {
                    #(#to)*
                    Self::Other(raw) => raw,
                }
            }
        }

        #cfg
        impl ::lwm2m_core::object::FieldValue for #name {
            const KIND: ::lwm2m_core::ResourceType = <#raw as ::lwm2m_core::object::FieldValue>::KIND;
            fn to_value(&self) -> ::lwm2m_core::Value {
                ::lwm2m_core::object::enum_to_value(self)
            }
            fn from_value(
                value: ::lwm2m_core::Value,
                path: ::lwm2m_core::Path,
            ) -> ::core::result::Result<Self, ::lwm2m_core::Error> {
                ::lwm2m_core::object::enum_from_value(value, path)
            }
        }
    })
}
