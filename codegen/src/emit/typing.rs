//! Range facts to Rust: the narrowest integer type for a declared range, and the check a
//! setter runs (or why it runs none).

use crate::emit::plan::{Check, Scalar};
use crate::model::ResourceDef;
use crate::range::{Bound, Range};

pub(crate) fn numeric_spans(range: &Range) -> Vec<(Bound, Bound)> {
    range.numeric_spans()
}

pub(crate) fn narrowest(spans: &[(i128, i128)], signed: bool) -> Scalar {
    if spans.is_empty() {
        return if signed { Scalar::I64 } else { Scalar::U64 };
    }
    let lo = spans.iter().map(|s| s.0).min().unwrap_or(0);
    let hi = spans.iter().map(|s| s.1).max().unwrap_or(0);
    let fits = |min: i128, max: i128| lo >= min && hi <= max;
    if signed {
        [
            (Scalar::I8, i8::MIN as i128, i8::MAX as i128),
            (Scalar::I16, i16::MIN as i128, i16::MAX as i128),
            (Scalar::I32, i32::MIN as i128, i32::MAX as i128),
        ]
        .into_iter()
        .find(|(_, a, b)| fits(*a, *b))
        .map_or(Scalar::I64, |(s, ..)| s)
    } else {
        let lo = lo.max(0);
        let fits = |max: i128| lo >= 0 && hi <= max;
        [
            (Scalar::U8, u8::MAX as i128),
            (Scalar::U16, u16::MAX as i128),
            (Scalar::U32, u32::MAX as i128),
        ]
        .into_iter()
        .find(|(_, b)| fits(*b))
        .map_or(Scalar::U64, |(s, _)| s)
    }
}

pub(crate) fn check(
    def: &ResourceDef,
    scalar: Scalar,
    spans: &[(Bound, Bound)],
    int_spans: Option<Vec<(i128, i128)>>,
    inverted: bool,
) -> (Option<Check>, Option<&'static str>) {
    let floats = || {
        spans
            .iter()
            .map(|(a, b)| (a.as_f64(), b.as_f64()))
            .collect()
    };
    let lens = |v: &[(i128, i128)]| -> Option<Vec<(u64, u64)>> {
        v.iter()
            .map(|(a, b)| Some((u64::try_from(*a).ok()?, u64::try_from(*b).ok()?)))
            .collect()
    };
    let text = matches!(scalar, Scalar::Str | Scalar::Bytes | Scalar::CoreLink);
    match &def.range {
        Range::Any | Range::Enumeration => (None, None),
        Range::Unparsed(_) => (None, Some("the range text is not machine-readable")),
        _ if inverted => (None, Some("the range is inverted")),
        Range::Span { .. } | Range::Set(_) => match (scalar, int_spans) {
            (s, Some(v)) if s.is_int() && covers_type(s, &v) => (None, None),
            (s, Some(v)) if s.is_int() || s == Scalar::Time => (Some(Check::Int(v)), None),
            (s, None) if s.is_int() => (Some(Check::Float(floats())), None),
            (Scalar::F64, _) => (Some(Check::Float(floats())), None),
            (_, Some(v)) if text => match lens(&v) {
                Some(l) => (Some(Check::Len(l)), None),
                None => (None, Some("the range does not fit a length")),
            },
            _ => (None, Some("the type cannot carry this range")),
        },
        Range::Length { min, max } if text => (Some(Check::Len(vec![(*min, *max)])), None),
        Range::Lengths(v) if text => (Some(Check::Len(v.iter().map(|n| (*n, *n)).collect())), None),
        Range::Strings(v) if scalar == Scalar::Str => (Some(Check::Strings(v.clone())), None),
        _ => (None, Some("the type cannot carry this range")),
    }
}

/// True when the spans allow every value of the integer type (no check needed).
fn covers_type(s: Scalar, spans: &[(i128, i128)]) -> bool {
    let (lo, hi): (i128, i128) = match s {
        Scalar::I8 => (i8::MIN.into(), i8::MAX.into()),
        Scalar::I16 => (i16::MIN.into(), i16::MAX.into()),
        Scalar::I32 => (i32::MIN.into(), i32::MAX.into()),
        Scalar::I64 => (i64::MIN.into(), i64::MAX.into()),
        Scalar::U8 => (0, u8::MAX.into()),
        Scalar::U16 => (0, u16::MAX.into()),
        Scalar::U32 => (0, u32::MAX.into()),
        Scalar::U64 => (0, u64::MAX.into()),
        _ => return false,
    };
    spans.iter().any(|(a, b)| *a <= lo && hi <= *b)
}
