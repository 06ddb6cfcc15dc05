//! The `#[lwm2m_object]` front end: a Rust struct to the same [`ObjectDef`] the XML path
//! builds, then the same emitter. The proc-macro crate (`lwm2m-macros`) only calls [`expand`];
//! keeping the work here lets tests compare the two front ends' IR directly.
//!
//! ```text
//! #[lwm2m_object(id = 32769, version = "1.0", name = "Vendor Thermostat", multiple)]
//! pub struct Thermostat {
//!     /// The measured temperature.
//!     #[resource(id = 0, operations = "R", units = "Cel")]
//!     temperature: f64,
//!     #[resource(id = 1, operations = "RW", range = "5..35")]
//!     set_point: i8,
//!     #[resource(id = 2, operations = "E")]
//!     reset: (),
//! }
//! ```
//!
//! expands to `pub mod thermostat { … }` (the generated version module: marker type, typed
//! handles, `META`, enums, `Instance`) and `pub use thermostat::Instance as Thermostat;`.
//! Field names must be the identifiers the emitter derives from the resource names (the
//! default name is the field name in Title Case), so the struct reads as what is generated.

mod args;
mod types;

use heck::ToTitleCase;
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::diag::{DiagnosticKind, Diagnostics, Level};
use crate::emit::{EmitOptions, object_versions};
use crate::ident;
use crate::model::{Loc, ObjectDef, Operations, ResourceDef, ResourceType, Schema, Version};
use crate::range::{RangeNote, parse_description_enumeration, parse_range};
use crate::validate;
use args::{Errors, ObjectArgs, ResourceArgs};

/// Where each part of a field was written, so validation errors land on the right token.
#[derive(Clone, Copy)]
struct FieldSpans {
    id: Span,
    ty: Span,
    range: Option<Span>,
    ident: Span,
    /// The front end already reported a problem with this field: skip follow-on errors.
    reported: bool,
}

impl FieldSpans {
    fn for_kind(&self, kind: DiagnosticKind) -> Span {
        match kind {
            DiagnosticKind::InvertedRange
            | DiagnosticKind::RangeOnType
            | DiagnosticKind::RangeOutOfType => self.range.unwrap_or(self.ty),
            DiagnosticKind::ExecutableWithType | DiagnosticKind::MissingType => self.ty,
            DiagnosticKind::DuplicateResourceId => self.id,
            _ => self.ident,
        }
    }
}

/// The doc comments of an item, joined by newlines.
fn docs(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|l| l.trim().to_owned())
        .collect();
    lines.join("\n").trim().to_owned()
}

fn default_urn(id: u16, version: Version) -> String {
    let space = match id {
        0..=1023 => "oma",
        2048..=10240 => "ext",
        _ => "x",
    };
    if version == Version::V1_0 {
        format!("urn:oma:lwm2m:{space}:{id}")
    } else {
        format!("urn:oma:lwm2m:{space}:{id}:{version}")
    }
}

fn operations(s: &str) -> Option<Operations> {
    Some(match s.trim() {
        "R" => Operations::R,
        "W" => Operations::W,
        "RW" => Operations::RW,
        "E" => Operations::E,
        "" => Operations::None,
        _ => return None,
    })
}

/// Builds the IR of a struct annotated with `#[lwm2m_object(attr)]`, reporting every problem
/// at once, each at the span of the argument or field that causes it.
pub fn object_from_struct(
    attr: TokenStream,
    item: &syn::ItemStruct,
) -> Result<ObjectDef, syn::Error> {
    let mut errors = Errors::default();
    let args = ObjectArgs::parse(attr, &mut errors);
    let id = match &args.id {
        Some(id) => id.value,
        None => {
            errors.at(
                Span::call_site(),
                "missing `id`: #[lwm2m_object(id = 32769, …)]",
            );
            0
        }
    };
    let version = parse_version(args.version.as_ref(), &mut errors);
    let lwm2m_version = parse_version(args.lwm2m_version.as_ref(), &mut errors);
    let schema = match lwm2m_version {
        Version::V1_0 => Schema::Lwm2m10,
        Version::V1_1 => Schema::Lwm2m11,
        Version::V1_2 => Schema::Lwm2m12,
        _ => Schema::Unknown,
    };
    let struct_name = item.ident.to_string();
    let loc = Loc::synthetic(&format!("#[lwm2m_object] {struct_name}"));
    let mut spans = Vec::new();
    let mut resources = Vec::new();
    match &item.fields {
        syn::Fields::Named(named) => {
            for field in &named.named {
                if let Some((r, span)) = resource(field, id, &loc, &mut errors) {
                    resources.push(r);
                    spans.push(span);
                }
            }
        }
        _ => errors.at(
            item.ident.span(),
            "#[lwm2m_object] needs a struct with named fields, one per resource",
        ),
    }
    let obj = ObjectDef {
        id,
        name: args
            .name
            .map_or_else(|| struct_name.to_title_case(), |n| n.value)
            .into(),
        description: docs(&item.attrs).into(),
        urn: args
            .urn
            .map_or_else(|| default_urn(id, version), |u| u.value)
            .into(),
        object_version: version,
        lwm2m_version,
        multiple: args.multiple,
        mandatory: args.mandatory,
        resources,
        schema,
        loc,
    };
    let mut diags = Diagnostics::new(Level::Strict);
    validate::object(&obj, &mut diags);
    for d in diags.iter() {
        let rid = d
            .path
            .as_deref()
            .and_then(|p| p.rsplit('/').next())
            .and_then(|s| s.parse::<u16>().ok());
        let field = obj
            .resources
            .iter()
            .rposition(|r| Some(r.id) == rid)
            .map(|i| spans[i]);
        match field {
            Some(f) if f.reported => {}
            Some(f) => errors.at(f.for_kind(d.kind), &d.message),
            None => errors.at(Span::call_site(), &d.message),
        }
    }
    errors.finish().map(|()| obj)
}

fn parse_version(v: Option<&args::Spanned<String>>, errors: &mut Errors) -> Version {
    let Some(v) = v else { return Version::V1_0 };
    Version::parse(&v.value).unwrap_or_else(|| {
        errors.at(
            v.span,
            format_args!("{:?} is not a version like \"1.0\"", v.value),
        );
        Version::V1_0
    })
}

/// One field to a resource, or `None` (with errors) when it cannot be one.
fn resource(
    field: &syn::Field,
    object: u16,
    loc: &Loc,
    errors: &mut Errors,
) -> Option<(ResourceDef, FieldSpans)> {
    let ident = field.ident.as_ref()?;
    let attrs: Vec<&syn::Attribute> = field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("resource"))
        .collect();
    let Some(attr) = attrs.first() else {
        errors.at(
            ident.span(),
            format_args!("field `{ident}` has no #[resource(id = …)]: every field is a resource"),
        );
        return None;
    };
    for extra in &attrs[1..] {
        errors.at(extra.pound_token.span, "duplicate #[resource] on one field");
    }
    let span = attr.pound_token.span;
    let before = errors.count();
    let a = ResourceArgs::parse(attr, errors);
    let Some(id) = a.id.as_ref().map(|s| s.value) else {
        errors.at(
            span,
            format_args!("missing `id` in #[resource] of `{ident}`"),
        );
        return None;
    };
    let field_name = ident.to_string().trim_start_matches("r#").to_owned();
    let name = match &a.name {
        Some(n) => {
            let want = ident::snake(&n.value, id);
            if want.trim_start_matches("r#") != field_name {
                errors.at(
                    n.span,
                    format_args!(
                        "resource name {:?} is generated as `{want}`; name the field `{want}`",
                        n.value
                    ),
                );
            }
            n.value.clone()
        }
        None => field_name.to_title_case(),
    };
    let shape = types::shape(&field.ty);
    let kind = match (&a.kind, shape.kind) {
        (Some(k), _) => types::parse_kind(&k.value).unwrap_or_else(|| {
            errors.at(k.span, format_args!("{:?} is not an LwM2M type (String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk, none)", k.value));
            ResourceType::None
        }),
        (None, Some(k)) => k,
        (None, None) => {
            errors.at(syn::spanned::Spanned::span(&field.ty), "no LwM2M type for this field type: use bool, i8..i64, u8..u64, f32/f64, String, Vec<u8>, Time, ObjLink, CoreLink or () (execute), optionally in Option<…> or Multi<…>, or give type = \"…\"");
            ResourceType::None
        }
    };
    let ops = match &a.operations {
        Some(o) => operations(&o.value).unwrap_or_else(|| {
            errors.at(
                o.span,
                format_args!(
                    "operations {:?}: expected \"R\", \"W\", \"RW\" or \"E\"",
                    o.value
                ),
            );
            Operations::None
        }),
        None if kind == ResourceType::None => Operations::E,
        None => Operations::R,
    };
    let mandatory = match &a.mandatory {
        Some(m) if m.value && shape.optional => {
            errors.at(m.span, "a mandatory resource cannot be an Option");
            true
        }
        Some(m) => m.value,
        None => !shape.optional,
    };
    let description = docs(&field.attrs);
    let (range, mut enumeration) = match &a.range {
        Some(r) => {
            let parsed = parse_range(&r.value);
            for note in &parsed.notes {
                match note {
                    RangeNote::Unparsed => errors.at(r.span, format_args!("cannot parse range {:?}: write \"A..B\", \"N bytes\", a list \"1, 2\" or \"0: Off; 1: On\"", r.value)),
                    RangeNote::NonStandardSyntax(form) => errors.at(r.span, format_args!("range written as {form}: write \"A..B\"")),
                }
            }
            (parsed.range, parsed.enumeration)
        }
        None => (crate::range::Range::Any, Vec::new()),
    };
    if enumeration.is_empty()
        && matches!(kind, ResourceType::Integer | ResourceType::UnsignedInteger)
    {
        enumeration = parse_description_enumeration(&description);
    }
    let def = ResourceDef {
        id,
        name: name.into(),
        operations: ops,
        multiple: a.multiple.map_or(shape.multiple, |m| m.value),
        mandatory,
        kind,
        range,
        enumeration,
        units: a.units.map(|u| u.value).unwrap_or_default().into(),
        description: description.into(),
        loc: Loc::synthetic(&format!("{}.{field_name} (/{object}/{id})", loc.file())),
    };
    let spans = FieldSpans {
        id: a.id.as_ref().map_or(span, |s| s.span),
        ty: syn::spanned::Spanned::span(&field.ty),
        range: a.range.as_ref().map(|r| r.span),
        ident: ident.span(),
        reported: errors.count() > before,
    };
    Some((def, spans))
}

/// The user's struct without our attributes: what a failed expansion emits beside the error,
/// so the only error is the real one (thiserror's fallback).
fn fallback(mut item: syn::ItemStruct, error: syn::Error) -> TokenStream {
    for f in item.fields.iter_mut() {
        f.attrs.retain(|a| !a.path().is_ident("resource"));
    }
    let error = error.to_compile_error();
    quote!(#item #error)
}

/// The whole expansion of `#[lwm2m_object(attr)] item`.
pub fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item: syn::ItemStruct = match syn::parse2(item.clone()) {
        Ok(s) => s,
        Err(_) => {
            let e = syn::Error::new(Span::call_site(), "#[lwm2m_object] goes on a struct");
            let e = e.to_compile_error();
            return quote!(#item #e);
        }
    };
    let obj = match object_from_struct(attr, &item) {
        Ok(obj) => obj,
        Err(e) => return fallback(item, e),
    };
    let body = match object_versions(&[&obj], &EmitOptions::default()) {
        Ok(b) => b,
        Err(e) => return fallback(item, syn::Error::new(Span::call_site(), e)),
    };
    let vis = &item.vis;
    let name = &item.ident;
    let module = syn::Ident::new(
        &ident::snake(&name.to_string(), obj.id).replace("r#", ""),
        name.span(),
    );
    let doc = format!(
        "LwM2M object {} `{}` v{}, from `#[lwm2m_object]` on `{name}`.",
        obj.id, obj.name, obj.object_version
    );
    quote! {
        #[doc = #doc]
        #vis mod #module {
            #body
        }
        #[doc = #doc]
        #vis use #module::Instance as #name;
    }
}
