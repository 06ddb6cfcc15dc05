//! Tests of range parsing over the forms seen in the registry.

use crate::range::*;

fn r(text: &str) -> Range {
    parse_range(text).range
}

fn i(v: i128) -> Bound {
    Bound::Int(v)
}

#[test]
fn spans() {
    assert_eq!(
        r("0..100"),
        Range::Span {
            min: i(0),
            max: i(100)
        }
    );
    assert_eq!(
        r(" -30..-120 "),
        Range::Span {
            min: i(-30),
            max: i(-120)
        }
    );
    assert_eq!(
        r("0..18446744073709551615"),
        Range::Span {
            min: i(0),
            max: i(u64::MAX as i128)
        }
    );
    assert_eq!(
        r("0.000001..1.0"),
        Range::Span {
            min: Bound::Float(0.000001),
            max: Bound::Float(1.0)
        }
    );
}

#[test]
fn non_standard_spans_are_noted() {
    let p = parse_range("1...63");
    assert_eq!(
        p.range,
        Range::Span {
            min: i(1),
            max: i(63)
        }
    );
    assert_eq!(p.notes, vec![RangeNote::NonStandardSyntax("A...B")]);
    let p = parse_range("0-999");
    assert_eq!(
        p.range,
        Range::Span {
            min: i(0),
            max: i(999)
        }
    );
    assert_eq!(p.notes, vec![RangeNote::NonStandardSyntax("A-B")]);
    assert_eq!(
        r("[1:4]"),
        Range::Span {
            min: i(1),
            max: i(4)
        }
    );
}

#[test]
fn lists_and_unions() {
    assert_eq!(
        r("10,26"),
        Range::Set(vec![RangeItem::Value(i(10)), RangeItem::Value(i(26))])
    );
    assert_eq!(r("255"), Range::Set(vec![RangeItem::Value(i(255))]));
    assert_eq!(
        r("0..3, 99"),
        Range::Set(vec![RangeItem::Span(i(0), i(3)), RangeItem::Value(i(99))])
    );
    assert_eq!(
        r("0; 3.8..20.5"),
        Range::Set(vec![
            RangeItem::Value(i(0)),
            RangeItem::Span(Bound::Float(3.8), Bound::Float(20.5))
        ])
    );
}

#[test]
fn byte_lengths() {
    assert_eq!(r("32 bytes"), Range::Length { min: 32, max: 32 });
    assert_eq!(r("1..64 Bytes"), Range::Length { min: 1, max: 64 });
    assert_eq!(r("0-255 bytes"), Range::Length { min: 0, max: 255 });
    assert_eq!(r("10 or 26 Bytes"), Range::Lengths(vec![10, 26]));
    assert_eq!(r("16-32-48 bytes"), Range::Lengths(vec![16, 32, 48]));
}

#[test]
fn strings_and_unparsed() {
    assert_eq!(r("ON;OFF"), Range::Strings(vec!["ON".into(), "OFF".into()]));
    assert_eq!(r("8-Bits"), Range::Unparsed("8-Bits".into()));
    assert_eq!(r("<7 to >12.5"), Range::Unparsed("<7 to >12.5".into()));
    assert_eq!(parse_range("2 Instances").notes, vec![RangeNote::Unparsed]);
    assert_eq!(r("  \n\t "), Range::Any);
}

#[test]
fn enumerations_in_range_text() {
    let p = parse_range("0: CONFIGURED_ON\n\t\t1: FULL_ON\n\t\t2: RECALL");
    assert_eq!(p.range, Range::Enumeration);
    let labels: Vec<_> = p
        .enumeration
        .iter()
        .map(|v| (v.value, v.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        vec![(0, "CONFIGURED_ON"), (1, "FULL_ON"), (2, "RECALL")]
    );
    assert!(p.enumeration.iter().all(|v| v.source == EnumSource::Range));
}

#[test]
fn enumerations_in_descriptions() {
    let d = "Binding mode.\n0: Pre-Shared Key mode\n1 = Raw Public Key mode. Long text.\n2 - Certificate mode (X.509)\nsome other line";
    let v = parse_description_enumeration(d);
    let labels: Vec<_> = v.iter().map(|v| (v.value, v.label.as_str())).collect();
    assert_eq!(
        labels,
        vec![
            (0, "Pre-Shared Key mode"),
            (1, "Raw Public Key mode"),
            (2, "Certificate mode")
        ]
    );
    assert!(parse_description_enumeration("Only 1: one line").is_empty());
}

#[test]
fn long_labels_are_cut_at_a_word() {
    let v = parse_description_enumeration(
        "0: an extremely long label that goes on and on without any punctuation at all\n1: b",
    );
    assert_eq!(v[0].label, "an extremely long label that goes on and on");
}

#[test]
fn powers_of_two_and_short_byte_units() {
    assert_eq!(
        r("0..2^32-1"),
        Range::Span {
            min: i(0),
            max: i(u32::MAX as i128)
        }
    );
    assert_eq!(
        r("0..2^63-1"),
        Range::Span {
            min: i(0),
            max: i(i64::MAX as i128)
        }
    );
    assert_eq!(
        r("-2^31..2^31-1"),
        Range::Span {
            min: i(i32::MIN as i128),
            max: i(i32::MAX as i128)
        }
    );
    assert_eq!(r("3 B"), Range::Length { min: 3, max: 3 });
    assert_eq!(r("1..64 B"), Range::Length { min: 1, max: 64 });
    assert_eq!(r("2^x"), Range::Unparsed("2^x".into()));
}

#[test]
fn long_labels_are_cut_at_a_word_within_48_characters() {
    // 60 characters with two-byte ones: the cut counts characters, not bytes.
    let long = "é".repeat(20) + " ab cdefghij klmnopqrstuvwxyz ABCDEFGHIJ";
    let d = format!("0: {long}\n1: short");
    let v = parse_description_enumeration(&d);
    let first: String = long.chars().take(48).collect();
    let want = &first[..first.rfind(' ').unwrap()];
    assert_eq!(v[0].label, want);
    assert_eq!(v[1].label, "short");
    // No space far enough in: the first 48 characters.
    let word = "x".repeat(60);
    let v = parse_description_enumeration(&format!("0: {word}\n1: y"));
    assert_eq!(v[0].label, "x".repeat(48));
}

#[test]
fn one_enumeration_line_is_not_an_enumeration() {
    assert!(parse_description_enumeration("0: off, and nothing else").is_empty());
    assert!(parse_description_enumeration("0: off\n0: again").is_empty());
}

#[test]
fn fast_paths_agree_with_the_general_path() {
    for text in [
        "",
        " ",
        "0..100",
        "-40..85",
        "007..9",
        "-0..0",
        "1...2",
        "1..2..3",
        "..5",
        "5..",
        "-..1",
        "1..-",
        "--1..2",
        "+1..2",
        "1 ..2",
        "1..2 ",
        "1.5..2",
        "123456789012345678..1",
        "1234567890123456789..1",
        "-123456789012345678..-1",
        "1..2\n3: x",
        "0..255 bytes",
    ] {
        assert_eq!(
            parse_range(text),
            parse_range_general(text, &copied),
            "{text:?}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn fast_paths_agree_with_the_general_path_on_any_text(text in "[-0-9. +]{0,24}") {
        proptest::prop_assert_eq!(parse_range(&text), parse_range_general(&text, &copied));
    }

    #[test]
    fn fast_paths_agree_on_integer_spans(text in "-?[0-9]{0,20}[.]{1,3}-?[0-9]{0,20}") {
        proptest::prop_assert_eq!(parse_range(&text), parse_range_general(&text, &copied));
    }
}
