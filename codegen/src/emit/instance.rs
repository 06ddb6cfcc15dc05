//! The device-side instance struct: one field per data Resource, getters, checked setters, and
//! the `ObjectInstance` impl that maps Resource ids to fields.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::plan::{Kind, ObjectPlan, ResPlan};
use crate::emit::types::{check_tokens, default_value, ident, value_ty};
use crate::emit::{Ctx, EmitError, docs};

/// A data Resource's tokens, precomputed.
struct Field {
    name: proc_macro2::Ident,
    id: Literal,
    ty: TokenStream,
    optional: bool,
    ranged: bool,
}

fn field(r: &ResPlan<'_>) -> Result<Option<Field>, EmitError> {
    let Some(ty) = value_ty(r)? else {
        return Ok(None);
    };
    let Kind::Data { check, .. } = &r.kind else {
        return Ok(None);
    };
    Ok(Some(Field {
        name: ident(&r.field)?,
        id: Literal::u16_unsuffixed(r.def.id),
        ty,
        optional: !r.def.mandatory,
        ranged: check.is_some(),
    }))
}

pub(crate) fn instance(plan: &ObjectPlan<'_>, cx: &Ctx<'_>) -> Result<TokenStream, EmitError> {
    let marker = ident(&plan.marker)?;
    let mut decls = Vec::new();
    let mut defaults = Vec::new();
    let mut methods = Vec::new();
    let mut ranges = Vec::new();
    let mut get = Vec::new();
    let mut set = Vec::new();
    let mut unset = Vec::new();
    let mut derive_default = true;
    for r in plan.data() {
        let Some(f) = field(r)? else { continue };
        let Kind::Data { scalar, check, .. } = &r.kind else {
            continue;
        };
        let (name, id, ty) = (&f.name, &f.id, &f.ty);
        let doc = docs::attrs(&docs::resource(r, cx.opts.descriptions));
        let setter = ident(&r.setter)?;
        let stored = if f.optional {
            quote!(::core::option::Option::Some(value))
        } else {
            quote!(value)
        };
        if f.optional {
            decls.push(quote!(#name: ::core::option::Option<#ty>,));
            defaults.push(quote!(#name: ::core::option::Option::None,));
            methods.push(quote! {
                #doc
                pub fn #name(&self) -> ::core::option::Option<&#ty> {
                    self.#name.as_ref()
                }
            });
            let clear = ident(&r.clear)?;
            let cdoc = format!(
                " Removes `{}` (resource {}).",
                r.def.name.replace('`', "'"),
                r.def.id
            );
            methods.push(quote! {
                #[doc = #cdoc]
                pub fn #clear(&mut self) -> &mut Self {
                    self.#name = ::core::option::Option::None;
                    self
                }
            });
            get.push(quote!(#id => ::lwm2m_core::object::__private::get_opt(&self.#name),));
            unset.push(quote!(#id => ::lwm2m_core::object::__private::unset(&mut self.#name),));
        } else {
            decls.push(quote!(#name: #ty,));
            let v = match r.def.multiple {
                true => None,
                false => default_value(*scalar, check.as_ref()),
            };
            derive_default &= v.is_none();
            let v = v.unwrap_or_else(|| quote!(::core::default::Default::default()));
            defaults.push(quote!(#name: #v,));
            methods.push(quote! {
                #doc
                pub fn #name(&self) -> &#ty {
                    &self.#name
                }
            });
            get.push(quote!(#id => ::lwm2m_core::object::__private::get(&self.#name),));
        }
        let sdoc = format!(
            " Sets `{}` (resource {}).",
            r.def.name.replace('`', "'"),
            r.def.id
        );
        let from = quote!(::lwm2m_core::object::ResourceData::from_resource(
            value, path
        )?);
        if let Some(c) = check.as_ref().filter(|_| f.ranged) {
            let rc = ident(&r.range_const)?;
            let spec = check_tokens(c);
            ranges.push(quote!(const #rc: ::lwm2m_core::object::RangeSpec = #spec;));
            methods.push(quote! {
                #[doc = #sdoc]
                #[doc = " Fails when the value is outside the declared range."]
                pub fn #setter(&mut self, value: #ty) -> ::core::result::Result<&mut Self, ::lwm2m_core::object::RangeError> {
                    ::lwm2m_core::object::check(#id, &#rc, &value)?;
                    self.#name = #stored;
                    ::core::result::Result::Ok(self)
                }
            });
            set.push(quote!(#id => {
                self.#setter(#from)
                    .map_err(|e| ::lwm2m_core::object::__private::range_error(path, e))?;
            }));
        } else {
            methods.push(quote! {
                #[doc = #sdoc]
                pub fn #setter(&mut self, value: #ty) -> &mut Self {
                    self.#name = #stored;
                    self
                }
            });
            set.push(quote!(#id => { self.#setter(#from); }));
        }
    }
    let cfg = cx.alloc_cfg();
    let doc = format!(
        " One instance of object {} version {} (device side): every Resource it stores can be \
         set here; servers go through [`{}`]'s handles.",
        plan.obj.id, plan.obj.object_version, plan.marker
    );
    let derive = if derive_default {
        quote!(, Default)
    } else {
        quote!()
    };
    let default_impl = if derive_default {
        quote!()
    } else {
        quote! {
            #cfg
            impl ::core::default::Default for Instance {
                fn default() -> Self {
                    Instance {
                        #(#defaults)*
                    }
                }
            }
        }
    };
    let get = arms(&get, quote!(::core::option::Option::None), quote!(id));
    let unset = arms(&unset, quote!(false), quote!(id));
    let set_body = if set.is_empty() {
        quote!(let _ = (id, value); ::core::result::Result::Err(::lwm2m_core::Error::NotFound { path }))
    } else {
        quote! {
            match id {
                #(#set)*
                _ => return ::core::result::Result::Err(::lwm2m_core::Error::NotFound { path }),
            }
            ::core::result::Result::Ok(())
        }
    };
    Ok(quote! {
        #(#cfg #ranges)*

        #[doc = #doc]
        #cfg
        #[derive(Debug, Clone, PartialEq #derive)]
        pub struct Instance {
            #(#decls)*
        }

        #default_impl

        #cfg
        impl Instance {
            #(#methods)*
        }

        #cfg
        impl ::lwm2m_core::object::ObjectInstance for Instance {
            type Object = #marker;

            fn get(&self, id: u16) -> ::core::option::Option<::lwm2m_core::ResourceValue> {
                #get
            }

            fn set(
                &mut self,
                id: u16,
                value: ::lwm2m_core::ResourceValue,
                path: ::lwm2m_core::Path,
            ) -> ::core::result::Result<(), ::lwm2m_core::Error> {
                #set_body
            }

            fn unset(&mut self, id: u16) -> bool {
                #unset
            }
        }
    })
}

/// `match id { arms…, _ => fallback }`, or just the fallback when there are no arms.
fn arms(arms: &[TokenStream], fallback: TokenStream, on: TokenStream) -> TokenStream {
    if arms.is_empty() {
        quote!(let _ = #on; #fallback)
    } else {
        quote!(match #on { #(#arms)* _ => #fallback, })
    }
}
