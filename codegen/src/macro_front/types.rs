//! A field's Rust type to the resource's LwM2M type, optionality and multiplicity.
//!
//! `Option<T>` is an optional resource, `Multi<T>` (or `Vec<T>` for anything but `u8`) a
//! multiple-instance one; `()` declares an executable resource (no value).

use crate::model::ResourceType;

/// What a field's type says about its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldShape {
    pub(crate) kind: Option<ResourceType>,
    pub(crate) optional: bool,
    pub(crate) multiple: bool,
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

fn single_arg(seg: &syn::PathSegment) -> Option<&syn::Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The LwM2M type of a scalar Rust type, if it is one we know.
pub(crate) fn scalar(ty: &syn::Type) -> Option<ResourceType> {
    if let syn::Type::Tuple(t) = ty {
        return t.elems.is_empty().then_some(ResourceType::None);
    }
    let seg = last_segment(ty)?;
    let name = seg.ident.to_string();
    Some(match name.as_str() {
        "bool" => ResourceType::Boolean,
        "f32" | "f64" => ResourceType::Float,
        "i8" | "i16" | "i32" | "i64" => ResourceType::Integer,
        "u8" | "u16" | "u32" | "u64" => ResourceType::UnsignedInteger,
        "String" => ResourceType::String,
        "Time" => ResourceType::Time,
        "ObjLink" => ResourceType::Objlnk,
        "CoreLink" => ResourceType::Corelnk,
        "Vec"
            if single_arg(seg)
                .and_then(last_segment)
                .is_some_and(|s| s.ident == "u8") =>
        {
            ResourceType::Opaque
        }
        _ => return None,
    })
}

/// The shape of a field type: unwraps one `Option` and one `Multi`/`Vec` layer.
pub(crate) fn shape(ty: &syn::Type) -> FieldShape {
    let mut out = FieldShape {
        kind: None,
        optional: false,
        multiple: false,
    };
    let mut ty = ty;
    if let Some(seg) = last_segment(ty) {
        if seg.ident == "Option" {
            if let Some(inner) = single_arg(seg) {
                out.optional = true;
                ty = inner;
            }
        }
    }
    if let Some(kind) = scalar(ty) {
        out.kind = Some(kind);
        return out;
    }
    if let Some(seg) = last_segment(ty) {
        if seg.ident == "Multi" || seg.ident == "Vec" {
            if let Some(inner) = single_arg(seg) {
                out.multiple = true;
                out.kind = scalar(inner);
            }
        }
    }
    out
}

/// Parses an explicit `type = "…"` in registry spelling.
pub(crate) fn parse_kind(s: &str) -> Option<ResourceType> {
    ResourceType::ALL
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
        .or_else(|| (s.trim().eq_ignore_ascii_case("none")).then_some(ResourceType::None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(s: &str) -> FieldShape {
        shape(&syn::parse_str::<syn::Type>(s).unwrap())
    }

    #[test]
    fn shapes() {
        assert_eq!(sh("f64").kind, Some(ResourceType::Float));
        assert_eq!(
            sh("Option<String>"),
            FieldShape {
                kind: Some(ResourceType::String),
                optional: true,
                multiple: false
            }
        );
        assert_eq!(sh("Vec<u8>").kind, Some(ResourceType::Opaque));
        assert_eq!(
            sh("Multi<i16>"),
            FieldShape {
                kind: Some(ResourceType::Integer),
                optional: false,
                multiple: true
            }
        );
        assert_eq!(sh("()").kind, Some(ResourceType::None));
        assert_eq!(
            sh("lwm2m_core::object::Time").kind,
            Some(ResourceType::Time)
        );
        assert_eq!(sh("HashMap<u8, u8>").kind, None);
        assert_eq!(
            parse_kind("unsigned integer"),
            Some(ResourceType::UnsignedInteger)
        );
    }
}
