//! Range comparison: does the new range accept every value the old one accepted?

use lwm2m_codegen::model::{Bound, Range, ResourceType};
use lwm2m_codegen::range::RangeItem;

use super::Impact;

/// The impact of a range change, `None` if the ranges are equal.
///
/// Widened (or check dropped: new range unparsed or absent) is additive; narrowed or
/// incomparable is breaking; two free-text ranges reworded, or two spellings of the same
/// range (`12 bytes` and `12` on a String), are cosmetic.
pub(super) fn range_change(
    old: &Range,
    old_kind: ResourceType,
    new: &Range,
    new_kind: ResourceType,
) -> Option<Impact> {
    if old == new {
        return None;
    }
    let (old, new) = (&as_lengths(old, old_kind), &as_lengths(new, new_kind));
    Some(match (old, new) {
        _ if old == new || (widens(old, new) && widens(new, old)) => Impact::Cosmetic,
        (Range::Unparsed(_), Range::Unparsed(_)) => Impact::Cosmetic,
        (_, Range::Any | Range::Unparsed(_)) => Impact::Additive,
        (Range::Any | Range::Unparsed(_), _) => Impact::Breaking,
        _ if widens(old, new) => Impact::Additive,
        _ => Impact::Breaking,
    })
}

/// On String and Opaque resources a bare number or span (`12`, `0..256`) limits the length:
/// rewrite it as [`Range::Length`]/[`Range::Lengths`] so both spellings compare equal.
fn as_lengths(r: &Range, kind: ResourceType) -> Range {
    let len = |b: &Bound| match b {
        Bound::Int(i) => u64::try_from(*i).ok(),
        Bound::Float(_) => None,
    };
    if !matches!(kind, ResourceType::String | ResourceType::Opaque) {
        return r.clone();
    }
    match r {
        Range::Span { min, max } => match (len(min), len(max)) {
            (Some(min), Some(max)) => Range::Length { min, max },
            _ => r.clone(),
        },
        Range::Set(items) => {
            let values: Option<Vec<u64>> = items
                .iter()
                .map(|i| match i {
                    RangeItem::Value(v) => len(v),
                    RangeItem::Span(..) => None,
                })
                .collect();
            values.map_or_else(|| r.clone(), Range::Lengths)
        }
        _ => r.clone(),
    }
}

/// Numeric members of a range as inclusive spans, or `None` if it is not numeric.
fn spans(r: &Range) -> Option<Vec<(f64, f64)>> {
    match r {
        Range::Span { min, max } => Some(vec![(min.as_f64(), max.as_f64())]),
        Range::Set(items) => Some(
            items
                .iter()
                .map(|i| match i {
                    RangeItem::Value(v) => (v.as_f64(), v.as_f64()),
                    RangeItem::Span(a, b) => (a.as_f64(), b.as_f64()),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Byte-length members as inclusive spans, or `None`.
fn lengths(r: &Range) -> Option<Vec<(u64, u64)>> {
    match r {
        Range::Length { min, max } => Some(vec![(*min, *max)]),
        Range::Lengths(v) => Some(v.iter().map(|&n| (n, n)).collect()),
        _ => None,
    }
}

fn covered<T: PartialOrd + Copy>(old: &[(T, T)], new: &[(T, T)]) -> bool {
    old.iter()
        .all(|&(a, b)| new.iter().any(|&(c, d)| c <= a && b <= d))
}

fn widens(old: &Range, new: &Range) -> bool {
    if let (Some(o), Some(n)) = (spans(old), spans(new)) {
        return covered(&o, &n);
    }
    if let (Some(o), Some(n)) = (lengths(old), lengths(new)) {
        return covered(&o, &n);
    }
    match (old, new) {
        (Range::Strings(o), Range::Strings(n)) => o.iter().all(|s| n.contains(s)),
        _ => false,
    }
}

/// The range in a compact registry-like spelling, for reports.
pub(super) fn range_text(r: &Range) -> String {
    let bound = |b: &Bound| b.to_string();
    match r {
        Range::Any => String::new(),
        Range::Span { min, max } => format!("{}..{}", bound(min), bound(max)),
        Range::Set(items) => items
            .iter()
            .map(|i| match i {
                RangeItem::Value(v) => bound(v),
                RangeItem::Span(a, b) => format!("{}..{}", bound(a), bound(b)),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Range::Length { min, max } if min == max => format!("{min} bytes"),
        Range::Length { min, max } => format!("{min}..{max} bytes"),
        Range::Lengths(v) => {
            let v: Vec<String> = v.iter().map(u64::to_string).collect();
            format!("{} bytes", v.join(" or "))
        }
        Range::Strings(s) => s.join(";"),
        Range::Enumeration => "enumeration".to_owned(),
        Range::Unparsed(t) => t.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(a: i128, b: i128) -> Range {
        Range::Span {
            min: Bound::Int(a),
            max: Bound::Int(b),
        }
    }

    fn range_change(old: &Range, new: &Range) -> Option<Impact> {
        super::range_change(old, ResourceType::Integer, new, ResourceType::Integer)
    }

    #[test]
    fn string_lengths_in_two_spellings_are_cosmetic() {
        let s = ResourceType::String;
        let twelve = Range::Set(vec![RangeItem::Value(Bound::Int(12))]);
        let bytes = Range::Length { min: 12, max: 12 };
        assert_eq!(
            super::range_change(&bytes, s, &twelve, s),
            Some(Impact::Cosmetic)
        );
        assert_eq!(
            super::range_change(&Range::Length { min: 0, max: 256 }, s, &span(0, 256), s),
            Some(Impact::Cosmetic)
        );
        assert_eq!(
            super::range_change(&bytes, s, &span(0, 8), s),
            Some(Impact::Breaking)
        );
    }

    #[test]
    fn widening_and_narrowing() {
        assert_eq!(range_change(&span(0, 10), &span(0, 10)), None);
        assert_eq!(
            range_change(&span(0, 10), &span(-5, 100)),
            Some(Impact::Additive)
        );
        assert_eq!(
            range_change(&span(0, 10), &span(0, 5)),
            Some(Impact::Breaking)
        );
        assert_eq!(
            range_change(&span(0, 10), &Range::Any),
            Some(Impact::Additive)
        );
        assert_eq!(
            range_change(&Range::Any, &span(0, 10)),
            Some(Impact::Breaking)
        );
        let set = Range::Set(vec![
            RangeItem::Value(Bound::Int(3)),
            RangeItem::Span(Bound::Int(5), Bound::Int(7)),
        ]);
        assert_eq!(range_change(&set, &span(0, 10)), Some(Impact::Additive));
        assert_eq!(range_change(&span(0, 10), &set), Some(Impact::Breaking));
        let words = |t: &str| Range::Unparsed(t.to_owned());
        assert_eq!(
            range_change(&words("a"), &words("b")),
            Some(Impact::Cosmetic)
        );
        assert_eq!(
            range_change(
                &Range::Length { min: 0, max: 16 },
                &Range::Lengths(vec![8, 16])
            ),
            Some(Impact::Breaking)
        );
        assert_eq!(
            range_change(
                &Range::Lengths(vec![8, 16]),
                &Range::Length { min: 0, max: 16 }
            ),
            Some(Impact::Additive)
        );
    }

    #[test]
    fn text() {
        assert_eq!(range_text(&span(-40, 85)), "-40..85");
        assert_eq!(range_text(&Range::Length { min: 32, max: 32 }), "32 bytes");
    }
}
