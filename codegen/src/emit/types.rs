//! Rust types, literals, range checks and defaults as tokens.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::emit::EmitError;
use crate::emit::plan::{Check, Kind, ResPlan, Scalar};

/// An identifier from a string made by [`crate::ident`]; `r#` prefixes become raw identifiers.
/// Anything else that is not an identifier is an internal error, not a panic.
pub(crate) fn ident(s: &str) -> Result<Ident, EmitError> {
    let (raw, body) = match s.strip_prefix("r#") {
        Some(b) => (true, b),
        None => (false, s),
    };
    let ok = !body.is_empty()
        && !body.starts_with(|c: char| c.is_ascii_digit())
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && body != "_";
    if !ok {
        return Err(EmitError::BadIdent(s.to_owned()));
    }
    Ok(if raw {
        Ident::new_raw(body, Span::call_site())
    } else {
        Ident::new(body, Span::call_site())
    })
}

/// The scalar type (an enum resolves to its generated name).
pub(crate) fn scalar_ty(s: Scalar, enum_name: Option<&str>) -> Result<TokenStream, EmitError> {
    Ok(match s {
        Scalar::I8 => quote!(i8),
        Scalar::I16 => quote!(i16),
        Scalar::I32 => quote!(i32),
        Scalar::I64 => quote!(i64),
        Scalar::U8 => quote!(u8),
        Scalar::U16 => quote!(u16),
        Scalar::U32 => quote!(u32),
        Scalar::U64 => quote!(u64),
        Scalar::F64 => quote!(f64),
        Scalar::Bool => quote!(bool),
        Scalar::Str => quote!(::lwm2m_core::object::__private::String),
        Scalar::Bytes => quote!(::lwm2m_core::object::__private::Vec<u8>),
        Scalar::Time => quote!(::lwm2m_core::object::Time),
        Scalar::ObjLink => quote!(::lwm2m_core::ObjLink),
        Scalar::CoreLink => quote!(::lwm2m_core::object::CoreLink),
        Scalar::Enum => {
            let name = ident(enum_name.ok_or(EmitError::BadIdent(String::new()))?)?;
            quote!(#name)
        }
    })
}

/// The value type of a data Resource: the scalar, or `Multi` of it. `None` for executables.
pub(crate) fn value_ty(r: &ResPlan<'_>) -> Result<Option<TokenStream>, EmitError> {
    let Kind::Data {
        scalar,
        enumeration,
        ..
    } = &r.kind
    else {
        return Ok(None);
    };
    let t = scalar_ty(*scalar, enumeration.as_ref().map(|e| e.name.as_str()))?;
    Ok(Some(if r.def.multiple {
        quote!(::lwm2m_core::object::Multi<#t>)
    } else {
        t
    }))
}

/// True when the value type needs `alloc`.
pub(crate) fn value_needs_alloc(r: &ResPlan<'_>) -> bool {
    match &r.kind {
        Kind::Data { scalar, .. } => r.def.multiple || scalar.needs_alloc(),
        Kind::Exec => false,
    }
}

pub(crate) fn int_lit(v: i128) -> TokenStream {
    let lit = Literal::u128_unsuffixed(v.unsigned_abs());
    if v < 0 { quote!(-#lit) } else { quote!(#lit) }
}

pub(crate) fn float_lit(f: f64) -> TokenStream {
    if f.is_nan() {
        return quote!(::core::f64::NAN);
    }
    if f.is_infinite() {
        return if f > 0.0 {
            quote!(::core::f64::INFINITY)
        } else {
            quote!(::core::f64::NEG_INFINITY)
        };
    }
    let lit = Literal::f64_unsuffixed(f.abs());
    if f.is_sign_negative() && f != 0.0 {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}

/// `RangeSpec::…` for a check.
pub(crate) fn check_tokens(c: &Check) -> TokenStream {
    let spec = quote!(::lwm2m_core::object::RangeSpec);
    match c {
        Check::Int(v) => {
            let items = v.iter().map(|(a, b)| {
                let (a, b) = (int_lit(*a), int_lit(*b));
                quote!((#a, #b))
            });
            quote!(#spec::Int(&[#(#items),*]))
        }
        Check::Float(v) => {
            let items = v.iter().map(|(a, b)| {
                let (a, b) = (float_lit(*a), float_lit(*b));
                quote!((#a, #b))
            });
            quote!(#spec::Float(&[#(#items),*]))
        }
        Check::Len(v) => {
            let items = v.iter().map(|(a, b)| {
                let (a, b) = (Literal::u64_unsuffixed(*a), Literal::u64_unsuffixed(*b));
                quote!((#a, #b))
            });
            quote!(#spec::Len(&[#(#items),*]))
        }
        Check::Strings(v) => quote!(#spec::Strings(&[#(#v),*])),
    }
}

/// A valid default value for a mandatory single-instance data Resource; `None` when the type's
/// `Default` is valid.
pub(crate) fn default_value(scalar: Scalar, check: Option<&Check>) -> Option<TokenStream> {
    let zero_int = |spans: &[(i128, i128)]| spans.iter().any(|(a, b)| *a <= 0 && 0 <= *b);
    let zero_float = |spans: &[(f64, f64)]| spans.iter().any(|(a, b)| *a <= 0.0 && 0.0 <= *b);
    match (scalar, check) {
        (s, Some(Check::Int(spans))) if s.is_int() && !zero_int(spans) => {
            let (lo, hi) = int_bounds(s);
            Some(int_lit(spans[0].0.clamp(lo, hi)))
        }
        (s, Some(Check::Float(spans))) if s.is_int() && !zero_float(spans) => {
            let (lo, hi) = int_bounds(s);
            Some(int_lit((spans[0].0.ceil() as i128).clamp(lo, hi)))
        }
        (Scalar::F64, Some(Check::Float(spans))) if !zero_float(spans) => {
            Some(float_lit(spans[0].0))
        }
        (Scalar::F64, Some(Check::Int(spans))) if !zero_int(spans) => {
            Some(float_lit(spans[0].0 as f64))
        }
        (Scalar::Time, Some(Check::Int(spans))) if !zero_int(spans) => {
            let v = int_lit(spans[0].0.clamp(i64::MIN as i128, i64::MAX as i128));
            Some(quote!(::lwm2m_core::object::Time(#v)))
        }
        (Scalar::Str, Some(Check::Strings(v))) if !v.is_empty() => {
            let first = &v[0];
            Some(quote!(::lwm2m_core::object::__private::String::from(#first)))
        }
        (Scalar::ObjLink, _) => Some(quote!(::lwm2m_core::ObjLink::NULL)),
        _ => None,
    }
}

fn int_bounds(s: Scalar) -> (i128, i128) {
    match s {
        Scalar::I8 => (i8::MIN.into(), i8::MAX.into()),
        Scalar::I16 => (i16::MIN.into(), i16::MAX.into()),
        Scalar::I32 => (i32::MIN.into(), i32::MAX.into()),
        Scalar::U8 => (0, u8::MAX.into()),
        Scalar::U16 => (0, u16::MAX.into()),
        Scalar::U32 => (0, u32::MAX.into()),
        Scalar::U64 => (0, u64::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}
