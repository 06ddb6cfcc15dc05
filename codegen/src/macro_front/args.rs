//! Parsing the attribute arguments: `#[lwm2m_object(id = …, version = "…", name = "…", …)]`
//! on the struct and `#[resource(id = …, operations = "…", …)]` on each field. Every problem is
//! a `syn::Error` with the span of the offending argument; all are collected.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{LitBool, LitInt, LitStr};

/// Collects errors instead of stopping at the first (serde's `Ctxt`).
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>, usize);

impl Errors {
    /// How many errors so far.
    pub(crate) fn count(&self) -> usize {
        self.1
    }

    pub(crate) fn push(&mut self, e: syn::Error) {
        self.1 += 1;
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub(crate) fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    pub(crate) fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// A value with the span it was written at.
#[derive(Clone, Debug)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// `#[lwm2m_object(...)]`.
#[derive(Default)]
pub(crate) struct ObjectArgs {
    pub(crate) id: Option<Spanned<u16>>,
    pub(crate) version: Option<Spanned<String>>,
    pub(crate) lwm2m_version: Option<Spanned<String>>,
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) urn: Option<Spanned<String>>,
    pub(crate) multiple: bool,
    pub(crate) mandatory: bool,
}

/// `#[resource(...)]`.
#[derive(Default)]
pub(crate) struct ResourceArgs {
    pub(crate) id: Option<Spanned<u16>>,
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) operations: Option<Spanned<String>>,
    pub(crate) kind: Option<Spanned<String>>,
    pub(crate) range: Option<Spanned<String>>,
    pub(crate) units: Option<Spanned<String>>,
    pub(crate) mandatory: Option<Spanned<bool>>,
    pub(crate) multiple: Option<Spanned<bool>>,
}

fn set<T>(slot: &mut Option<Spanned<T>>, value: T, span: Span, key: &str, errors: &mut Errors) {
    if slot.is_some() {
        errors.at(span, format_args!("duplicate `{key}`"));
    } else {
        *slot = Some(Spanned { value, span });
    }
}

fn str_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Spanned<String>> {
    let lit: LitStr = meta.value()?.parse()?;
    Ok(Spanned {
        value: lit.value(),
        span: lit.span(),
    })
}

fn u16_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Spanned<u16>> {
    let lit: LitInt = meta.value()?.parse()?;
    let value = lit
        .base10_parse::<u16>()
        .map_err(|_| syn::Error::new(lit.span(), "an id is a number from 0 to 65535"))?;
    Ok(Spanned {
        value,
        span: lit.span(),
    })
}

/// A flag: `mandatory` or `mandatory = true|false`.
fn flag(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(syn::Token![=]) {
        let lit: LitBool = meta.value()?.parse()?;
        Ok(lit.value)
    } else {
        Ok(true)
    }
}

fn key(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map_or_else(String::new, ToString::to_string)
}

impl ObjectArgs {
    pub(crate) fn parse(tokens: proc_macro2::TokenStream, errors: &mut Errors) -> ObjectArgs {
        let mut a = ObjectArgs::default();
        let parser = syn::meta::parser(|meta| {
            let span = meta.path.span_or_call_site();
            match key(&meta).as_str() {
                "id" => set(&mut a.id, u16_value(&meta)?.value, span, "id", errors),
                "version" => set(
                    &mut a.version,
                    str_value(&meta)?.value,
                    span,
                    "version",
                    errors,
                ),
                "lwm2m_version" => {
                    let v = str_value(&meta)?.value;
                    set(&mut a.lwm2m_version, v, span, "lwm2m_version", errors)
                }
                "name" => set(&mut a.name, str_value(&meta)?.value, span, "name", errors),
                "urn" => set(&mut a.urn, str_value(&meta)?.value, span, "urn", errors),
                "multiple" => a.multiple = flag(&meta)?,
                "mandatory" => a.mandatory = flag(&meta)?,
                other => {
                    return Err(meta.error(format_args!(
                        "unknown argument `{other}`; expected id, version, lwm2m_version, name, urn, multiple or mandatory"
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
            errors.push(e);
        }
        a
    }
}

impl ResourceArgs {
    pub(crate) fn parse(attr: &syn::Attribute, errors: &mut Errors) -> ResourceArgs {
        let mut a = ResourceArgs::default();
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span_or_call_site();
            match key(&meta).as_str() {
                "id" => set(&mut a.id, u16_value(&meta)?.value, span, "id", errors),
                "name" => set(&mut a.name, str_value(&meta)?.value, span, "name", errors),
                "operations" => {
                    let v = str_value(&meta)?;
                    set(&mut a.operations, v.value, v.span, "operations", errors)
                }
                "type" => {
                    let v = str_value(&meta)?;
                    set(&mut a.kind, v.value, v.span, "type", errors)
                }
                "range" => {
                    let v = str_value(&meta)?;
                    set(&mut a.range, v.value, v.span, "range", errors)
                }
                "units" => set(&mut a.units, str_value(&meta)?.value, span, "units", errors),
                "mandatory" => set(&mut a.mandatory, flag(&meta)?, span, "mandatory", errors),
                "multiple" => set(&mut a.multiple, flag(&meta)?, span, "multiple", errors),
                other => {
                    return Err(meta.error(format_args!(
                        "unknown argument `{other}`; expected id, name, operations, type, range, units, mandatory or multiple"
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
        a
    }
}

trait SpanOrCallSite {
    fn span_or_call_site(&self) -> Span;
}

impl SpanOrCallSite for syn::Path {
    fn span_or_call_site(&self) -> Span {
        self.get_ident()
            .map_or_else(Span::call_site, syn::Ident::span)
    }
}
