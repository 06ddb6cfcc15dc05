//! Lowering of leaf values, shared by objects, common resources and the index.

use super::{Ctx, Path};
use crate::diag::DiagnosticKind;
use crate::model::{Operations, ResourceType, Text, Version, trim};
use crate::xml::{ChildName, Field, Order};

/// A name: non-breaking spaces folded, whitespace runs collapsed, trimmed. Reports the
/// oddities it repaired.
pub(crate) fn name(ctx: &mut Ctx<'_, '_>, f: &Field<'_>, path: Path) -> Text {
    let raw = f.text;
    if tidy(raw) {
        return ctx.text(raw);
    }
    repaired_name(ctx, f, path)
}

/// [`name`] when the name needs a repair (or a closer look), kept out of line so that the
/// usual call does not set up its frame.
#[cold]
#[inline(never)]
fn repaired_name(ctx: &mut Ctx<'_, '_>, f: &Field<'_>, path: Path) -> Text {
    let raw = f.text;
    let clean = raw
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if clean != raw {
        let what = if raw.contains('\u{a0}') {
            "non-breaking space"
        } else {
            "stray whitespace"
        };
        ctx.diag(
            DiagnosticKind::StrayWhitespace,
            Some(path),
            f.pos,
            format!("{what} in name {raw:?}"),
        );
    }
    clean.into()
}

/// True when a name needs no repair: printable ASCII words separated by single spaces, or,
/// with other characters, trimmed with no non-breaking space, line break, tab or double space.
fn tidy(raw: &str) -> bool {
    ascii_tidy(raw.as_bytes())
        || (raw.trim() == raw && !raw.contains(['\u{a0}', '\n', '\t', '\r']) && !raw.contains("  "))
}

/// Whether `b` is printable ASCII words separated by single spaces (not empty, no leading or
/// trailing space), looked at eight bytes at a time: a byte loop cost ~12 instructions a
/// byte; this saved 0.95M instructions per registry parse (issue #2).
fn ascii_tidy(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    // Bit 7 of a byte is set in `bad` for a byte outside ' '..='~' or a space after a space.
    let mut bad = 0;
    // Bit 7 set when the previous word's last byte is a space.
    let mut carry = 0;
    let mut word = |x: u64| {
        // Outside ' '..='~': bit 7 set, or set by +1 (0x7F), or not set by +0x60 (below
        // 0x20). A byte with bit 7 set already fails, so carries out of it do not matter.
        bad |= (x | x.wrapping_add(ONES) | !x.wrapping_add(ONES * 0x60)) & HIGH;
        // Spaces: the zero bytes of `x ^ "        "`, found exactly (no carry between bytes).
        let y = x ^ (ONES * 0x20);
        let space = !(((y & !HIGH) + !HIGH) | y) & HIGH;
        bad |= space & ((space << 8) | carry);
        carry = space >> 56;
    };
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        word(u64::from_le_bytes(c.try_into().unwrap_or_default()));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Padded with a letter, which is neither outside the range nor a space.
        let mut padded = [b'a'; 8];
        padded[..rest.len()].copy_from_slice(rest);
        word(u64::from_le_bytes(padded));
    }
    bad == 0
}

/// Free text (descriptions, units): trimmed.
pub(crate) fn text(ctx: &Ctx<'_, '_>, f: Option<&Field<'_>>) -> Text {
    f.map(|f| ctx.text(trim(f.text))).unwrap_or_default()
}

#[inline]
pub(crate) fn required<'f, 'a>(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&'f Field<'a>>,
    element: &str,
    path: Path,
    parent_pos: usize,
) -> Option<&'f Field<'a>> {
    if f.is_none() {
        missing(ctx, element, path, parent_pos);
    }
    f
}

#[cold]
fn missing(ctx: &mut Ctx<'_, '_>, element: &str, path: Path, parent_pos: usize) {
    ctx.diag(
        DiagnosticKind::MissingElement,
        Some(path),
        parent_pos,
        // Joined rather than `format!`ted, here and for the element order below: the two
        // most frequent diagnostics of the registry (~290 each per parse), 0.3M instructions
        // less (issue #2).
        ["<", element, "> is missing"].concat(),
    );
}

/// `Multiple`/`Single` → true/false; `Mandatory`/`Optional` likewise (`yes`/`no` pairs given).
#[inline]
pub(crate) fn flag(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    yes: &str,
    no: &str,
    element: &str,
    path: Path,
    parent: usize,
) -> bool {
    // Fast path, inlined where `yes` and `no` are constants (a compare with a constant
    // rather than a call and two `memcmp`s; issue #2): the spellings the schema uses.
    if let Some(f) = f {
        if f.text == yes {
            return true;
        } else if f.text == no {
            return false;
        }
    }
    flag_slow(ctx, f, yes, no, element, path, parent)
}

/// [`flag`] for a missing element or another spelling.
#[inline(never)]
fn flag_slow(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    yes: &str,
    no: &str,
    element: &str,
    path: Path,
    parent: usize,
) -> bool {
    let Some(f) = required(ctx, f, element, path, parent) else {
        return false;
    };
    let v = f.text.trim();
    if v.eq_ignore_ascii_case(yes) {
        if v != yes {
            ctx.diag(
                DiagnosticKind::InvalidValue,
                Some(path),
                f.pos,
                format!("<{element}> {v:?} should be spelled {yes:?}"),
            );
        }
        true
    } else if v.eq_ignore_ascii_case(no) {
        if v != no {
            ctx.diag(
                DiagnosticKind::InvalidValue,
                Some(path),
                f.pos,
                format!("<{element}> {v:?} should be spelled {no:?}"),
            );
        }
        false
    } else {
        ctx.diag(
            DiagnosticKind::InvalidValue,
            Some(path),
            f.pos,
            format!("<{element}> is {v:?}; expected {yes} or {no} (taken as {no})"),
        );
        false
    }
}

/// A version element; absent means 1.0 (the 1.0 schema has neither version element).
pub(crate) fn version(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    element: &str,
    path: Path,
) -> Version {
    let Some(f) = f else { return Version::V1_0 };
    let t = trim(f.text);
    if t.is_empty() {
        return Version::V1_0;
    }
    // Fast path: the usual `1.0` without `Version::parse`'s split and two number parses.
    if let &[major @ b'0'..=b'9', b'.', minor @ b'0'..=b'9'] = t.as_bytes() {
        return Version::new(major - b'0', minor - b'0');
    }
    Version::parse(t).unwrap_or_else(|| {
        ctx.diag(
            DiagnosticKind::InvalidValue,
            Some(path),
            f.pos,
            format!("<{element}> {t:?} is not a version (taken as 1.0)"),
        );
        Version::V1_0
    })
}

pub(crate) fn operations(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    path: Path,
    parent: usize,
) -> Operations {
    // Fast path: the spellings the schema uses, in a small function with the rest out of line.
    match f.map(|f| f.text) {
        Some("R") => Operations::R,
        Some("W") => Operations::W,
        Some("RW") => Operations::RW,
        Some("E") => Operations::E,
        _ => operations_slow(ctx, f, path, parent),
    }
}

/// [`operations`] for a missing element or another spelling.
#[inline(never)]
fn operations_slow(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    path: Path,
    parent: usize,
) -> Operations {
    let Some(f) = required(ctx, f, "Operations", path, parent) else {
        return Operations::None;
    };
    let t = f.text.trim();
    let is = |s: &str| t.eq_ignore_ascii_case(s);
    match t {
        "" => Operations::None,
        _ if is("R") => Operations::R,
        _ if is("W") => Operations::W,
        _ if is("RW") || is("WR") => Operations::RW,
        _ if is("E") => Operations::E,
        _ => {
            let other = t.to_ascii_uppercase();
            ctx.diag(
                DiagnosticKind::InvalidValue,
                Some(path),
                f.pos,
                format!("<Operations> {other:?} is not R, W, RW, E or empty"),
            );
            Operations::None
        }
    }
}

pub(crate) fn resource_type(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    path: Path,
    parent: usize,
) -> ResourceType {
    // Fast path: the spellings the schema uses, in a small function with the rest out of line.
    match f.map(|f| f.text) {
        Some("String") => ResourceType::String,
        Some("Integer") => ResourceType::Integer,
        Some("Unsigned Integer") => ResourceType::UnsignedInteger,
        Some("Float") => ResourceType::Float,
        Some("Boolean") => ResourceType::Boolean,
        Some("Opaque") => ResourceType::Opaque,
        Some("Time") => ResourceType::Time,
        Some("Objlnk") => ResourceType::Objlnk,
        Some("Corelnk") => ResourceType::Corelnk,
        Some("") => ResourceType::None,
        _ => resource_type_slow(ctx, f, path, parent),
    }
}

/// [`resource_type`] for a missing element or another spelling.
#[inline(never)]
fn resource_type_slow(
    ctx: &mut Ctx<'_, '_>,
    f: Option<&Field<'_>>,
    path: Path,
    parent: usize,
) -> ResourceType {
    let Some(f) = required(ctx, f, "Type", path, parent) else {
        return ResourceType::None;
    };
    let t = f.text.trim();
    let folded: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let kind = match folded.as_str() {
        "" | "none" => ResourceType::None,
        "string" => ResourceType::String,
        "integer" => ResourceType::Integer,
        "unsignedinteger" => ResourceType::UnsignedInteger,
        "float" => ResourceType::Float,
        "boolean" => ResourceType::Boolean,
        "opaque" => ResourceType::Opaque,
        "time" => ResourceType::Time,
        "objlnk" => ResourceType::Objlnk,
        "corelnk" => ResourceType::Corelnk,
        _ => {
            ctx.diag(
                DiagnosticKind::InvalidValue,
                Some(path),
                f.pos,
                format!("<Type> {t:?} is not an LwM2M data type (taken as none)"),
            );
            return ResourceType::None;
        }
    };
    if !t.is_empty() && t != kind.as_str() {
        ctx.diag(
            DiagnosticKind::InvalidValue,
            Some(path),
            f.pos,
            format!("<Type> {t:?} should be spelled {:?}", kind.as_str()),
        );
    }
    kind
}

/// Reports unknown child elements and the first element out of schema order.
pub(crate) fn check_children(
    ctx: &mut Ctx<'_, '_>,
    order: Order<'_>,
    unknown: &[ChildName<'_>],
    path: Path,
) {
    // Almost always nothing to report: a small function to call, the reports out of line.
    if !unknown.is_empty() || order.misplaced.is_some() {
        report_children(ctx, order, unknown, path);
    }
}

#[inline(never)]
fn report_children(ctx: &mut Ctx<'_, '_>, order: Order<'_>, unknown: &[ChildName<'_>], path: Path) {
    for u in unknown {
        ctx.diag(
            DiagnosticKind::UnknownElement,
            Some(path),
            u.pos,
            format!("<{}> is not in the schema", u.name),
        );
    }
    if let Some((c, after)) = order.misplaced {
        let msg = [
            "<",
            c.name,
            "> comes after <",
            after,
            ">; the schema puts it before",
        ]
        .concat();
        ctx.diag(DiagnosticKind::ElementOrder, Some(path), c.pos, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::ascii_tidy;
    use proptest::prelude::*;

    /// The byte loop [`ascii_tidy`] replaced.
    fn ascii_tidy_bytewise(b: &[u8]) -> bool {
        let mut after_space = true;
        for &c in b {
            let space = c == b' ';
            if (space && after_space) || !(b' '..=b'~').contains(&c) {
                return false;
            }
            after_space = space;
        }
        !after_space
    }

    #[test]
    fn ascii_tidy_takes_single_spaced_printable_ascii() {
        for ok in [
            "A",
            "Sensor Value",
            "Min Measured Value!",
            "a b c d e f g h i j",
        ] {
            assert!(ascii_tidy(ok.as_bytes()), "{ok:?}");
        }
        for bad in [
            "",
            " ",
            "A ",
            " A",
            "Sensor  Value",
            "abcdefg  h",
            "Tab\there",
            "é",
            "a\x7f",
        ] {
            assert!(!ascii_tidy(bad.as_bytes()), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn ascii_tidy_agrees_with_a_byte_loop(
            b in proptest::collection::vec(
                prop::sample::select(vec![b' ', b'a', b'~', b'!', 0x1f, 0x7f, 0x80, 0xa0, 0xff, b'\t']),
                0..40,
            )
        ) {
            prop_assert_eq!(ascii_tidy(&b), ascii_tidy_bytewise(&b));
        }
    }
}
