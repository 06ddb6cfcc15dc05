//! Doc text, written from facts (ids, names, types, operations, ranges, units, URNs). The
//! registry's description prose is added only when the caller opts in.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::plan::{Check, Kind, ObjectPlan, ResPlan};
use crate::model::{ObjectDef, Operations};

/// `#[doc = " line"]` attributes for text (one per line).
pub(crate) fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// Registry text as Markdown that rustdoc takes literally (no links, no HTML, no code).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Backticked code text that cannot break out of its backticks.
fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

fn ops(o: Operations) -> &'static str {
    match o {
        Operations::None => "no operations",
        Operations::R => "read-only",
        Operations::W => "write-only",
        Operations::RW => "read-write",
        Operations::E => "executable",
    }
}

/// The doc of an object version's module.
pub(crate) fn object(obj: &ObjectDef, descriptions: bool) -> String {
    let mut s = format!(
        "{} — LwM2M object {} version {} ({}).\n\n{} instance{}, {}; LwM2M {}.",
        code(&obj.name),
        obj.id,
        obj.object_version,
        code(&obj.urn),
        if obj.multiple { "Multiple" } else { "Single" },
        if obj.multiple { "s" } else { "" },
        if obj.mandatory {
            "mandatory"
        } else {
            "optional"
        },
        obj.lwm2m_version,
    );
    if descriptions && !obj.description.trim().is_empty() {
        s.push_str("\n\n");
        s.push_str(obj.description.trim());
    }
    s
}

/// The doc of the marker type.
pub(crate) fn marker(plan: &ObjectPlan<'_>) -> String {
    format!(
        "Object {} version {}: static metadata and one typed handle per Resource, for servers.",
        plan.obj.id, plan.obj.object_version
    )
}

/// The doc of a Resource (handle, getter).
pub(crate) fn resource(r: &ResPlan<'_>, descriptions: bool) -> String {
    let d = r.def;
    let mut s = format!(
        "{} (resource {}): {}, {}, {}, {}.",
        code(&d.name),
        d.id,
        if d.kind.as_str().is_empty() {
            "no type"
        } else {
            d.kind.as_str()
        },
        ops(d.operations),
        if d.mandatory { "mandatory" } else { "optional" },
        if d.multiple {
            "multiple instances"
        } else {
            "single instance"
        },
    );
    if !d.units.is_empty() {
        s.push_str(&format!(" Units: {}.", code(&d.units)));
    }
    if let Kind::Data {
        check, enumeration, ..
    } = &r.kind
    {
        if let Some(c) = check {
            s.push_str(&format!(" Range: {} (checked).", code(&check_text(c))));
        }
        if let Some(e) = enumeration {
            s.push_str(&format!(" Values: see [`{}`].", e.name));
        }
    }
    if let Some(why) = r.unchecked {
        s.push_str(&format!(" The declared range is not checked: {why}."));
    }
    if descriptions && !d.description.trim().is_empty() {
        s.push_str("\n\n");
        s.push_str(d.description.trim());
    }
    s
}

/// A check as range text (`0..100`, `0..255 bytes`, `ON;OFF`).
pub(crate) fn check_text(c: &Check) -> String {
    let join = |v: Vec<String>| v.join(", ");
    match c {
        Check::Int(v) => join(v.iter().map(|(a, b)| span(a, b)).collect()),
        Check::Float(v) => join(
            v.iter()
                .map(|(a, b)| span(&format!("{a:?}"), &format!("{b:?}")))
                .collect(),
        ),
        Check::Len(v) => format!(
            "{} bytes",
            join(v.iter().map(|(a, b)| span(a, b)).collect())
        ),
        Check::Strings(v) => v.join(";"),
    }
}

fn span(a: &impl std::fmt::Display, b: &impl std::fmt::Display) -> String {
    let (a, b) = (a.to_string(), b.to_string());
    if a == b { a } else { format!("{a}..{b}") }
}
