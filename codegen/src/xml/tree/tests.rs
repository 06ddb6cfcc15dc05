//! The tree's tests: positions, borrowing, escapes, text rules, errors.

use super::*;

/// Parses with an arena that lives as long as the test.
fn parse(text: &str) -> Result<Document<'_>, TreeError> {
    super::parse(text, Box::leak(Box::new(Bump::new())))
}

#[test]
fn blank_agrees_with_a_byte_by_byte_check() {
    let heads: [&[u8]; 5] = [b"", b"\n", b"\r\n", b"\r", b"x"];
    let odd = [
        None,
        Some(b'\n'),
        Some(b'x'),
        Some(b' '),
        Some(b'\t'),
        Some(0x0B),
    ];
    for head in heads {
        for c in [b' ', b'\t', 0x0B, 0x0C, b'x'] {
            for n in 0..20 {
                for at in 0..=n {
                    for o in odd {
                        let mut t = head.to_vec();
                        t.extend(std::iter::repeat_n(c, n));
                        if let Some(o) = o {
                            t.insert(head.len() + at, o);
                        }
                        let want = t.iter().all(u8::is_ascii_whitespace);
                        assert_eq!(blank(&t), want, "{t:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn nested_elements_with_positions() {
    let doc = parse("<?xml version=\"1.0\"?>\n<a x=\"1\"><b>hi &amp; bye</b><c/></a>").unwrap();
    assert!(doc.has_declaration);
    let root = doc.root();
    assert_eq!(root.name(), "a");
    assert_eq!(root.attr("x"), Some("1"));
    let kids: Vec<_> = root.children().collect();
    assert_eq!(kids[0].text(), "hi & bye");
    assert_eq!(kids[0].pos(), 31);
    assert_eq!(kids[1].name(), "c");
    assert_eq!(kids.len(), 2);
}

#[test]
fn text_borrows_from_the_input_unless_unescaped() {
    let input = "<a><b>plain</b><c>x &lt; y</c></a>";
    let doc = parse(input).unwrap();
    let kids: Vec<_> = doc.root().children().collect();
    assert_eq!(kids[0].text().as_ptr(), input[6..].as_ptr());
    assert_eq!(kids[1].text(), "x < y");
    let joined = parse("<a>x<![CDATA[<y>]]>z</a>").unwrap();
    assert_eq!(joined.root().text(), "x<y>z");
}

#[test]
fn bad_escape_is_kept_as_written_and_reported() {
    let doc = parse("<a>\n<b>x &bogus; y</b></a>").unwrap();
    let b = doc.root().children().next().unwrap();
    assert_eq!(b.text(), "x &bogus; y");
    assert_eq!(doc.bad_escapes.len(), 1);
    assert_eq!(doc.bad_escapes[0].0, 7);
}

#[test]
fn repeated_and_malformed_attributes_are_errors_named_by_quick_xml() {
    let err = parse("<a>\n<b x=\"1\" y='2' x=\"3\"/></a>").unwrap_err();
    assert_eq!(err.pos, 4);
    assert!(
        err.message.contains("duplicated attribute"),
        "{}",
        err.message
    );
    let err = parse("<a><b x=1/></a>").unwrap_err();
    assert_eq!(err.pos, 3);
    let doc = parse("<a x=\"1\" y='&lt;'/>").unwrap();
    assert_eq!(doc.root().attr("y"), Some("<"));
    assert_eq!(doc.attrs.len(), 2);
}

#[test]
fn cdata_is_text() {
    let doc = parse("<a>x<![CDATA[<y>]]></a>").unwrap();
    assert_eq!(doc.root().text(), "x<y>");
}

#[test]
fn truncated_input_is_an_error_at_the_end() {
    let err = parse("<a><b>text").unwrap_err();
    assert_eq!(err.pos, 10);
    assert!(err.message.contains("not closed"), "{}", err.message);
}

#[test]
fn mismatched_end_is_an_error() {
    let err = parse("<a><b></a>").unwrap_err();
    assert!(err.message.contains("b"), "{}", err.message);
}

#[test]
fn a_second_root_is_an_error_where_it_ends() {
    assert_eq!(parse("<a/><b></b>").unwrap_err().pos, 7);
    assert_eq!(parse("<a/>\n<b/>").unwrap_err().pos, 5);
}

proptest::proptest! {
    /// Whatever the plain attribute reader accepts, it reads as quick-xml's checking iterator
    /// does (keys, and values with entity references expanded).
    #[test]
    fn plain_attributes_read_as_quick_xml_reads_them(
        raw in "([ \t\n\x0c]{0,2}[ab:]{0,2}[ \x0c]?=?[ ]?[\"']?(&amp;|&lt;|&bogus;|&#65;|[ab\"' ]){0,3}[\"']?){0,3}[ \t]{0,2}"
    ) {
        let arena = Bump::new();
        // A document with an `&` somewhere, so that values are unescaped.
        let mut doc = super::parse("<e a='&amp;'/>", &arena).unwrap();
        doc.attrs.clear();
        let expected: Result<Vec<(String, String)>, _> =
            quick_xml::events::attributes::Attributes::new(&raw, 0)
                .map(|a| {
                    a.map(|a| {
                        let value = std::str::from_utf8(&a.value).unwrap();
                        let value = quick_xml::escape::unescape(value)
                            .map_or(value.to_owned(), |v| v.into_owned());
                        (std::str::from_utf8(a.key.as_ref()).unwrap().to_owned(), value)
                    })
                })
                .collect();
        if doc.read_plain_attrs(&raw, raw.as_bytes(), 0) {
            let got: Vec<(String, String)> =
                doc.attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            proptest::prop_assert_eq!(Ok(got), expected.map_err(|_| ()));
        }
    }
}

#[test]
fn plain_attributes_cover_the_registry_forms() {
    let arena = Bump::new();
    let mut doc = super::parse("<e/>", &arena).unwrap();
    let raw = " ID=\"5700\"\n xmlns:xsi='http://x' ";
    assert!(doc.read_plain_attrs(raw, raw.as_bytes(), 0));
    assert_eq!(doc.attrs, [("ID", "5700"), ("xmlns:xsi", "http://x")]);
    for odd in [
        " a = \"1\"",
        " a=1",
        " a=\"1\"b=\"2\"",
        " a=\"1\" a=\"2\"",
        " a",
        " a=\"1",
    ] {
        doc.attrs.clear();
        assert!(!doc.read_plain_attrs(odd, odd.as_bytes(), 0), "{odd:?}");
    }
}

#[test]
fn a_number_id_reads_as_the_one_attribute_quick_xml_reads() {
    for raw in [" ID=\"5700\"", " ID=\"0\" ", " ID=\"12\"\n\t"] {
        let expected: Vec<_> = quick_xml::events::attributes::Attributes::new(raw, 0)
            .map(|a| a.unwrap().value.into_owned())
            .collect();
        assert_eq!(
            number_id(raw.as_bytes()).map(<[u8]>::to_vec),
            Some(expected[0].clone())
        );
        assert_eq!(expected.len(), 1);
    }
    for raw in [
        " ID=\"\"",
        " ID=\"1a\"",
        " ID=\"1\" x=\"2\"",
        " ID='1'",
        " id=\"1\"",
        "  ID=\"1\"",
        " ID=\"&#49;\"",
    ] {
        assert_eq!(number_id(raw.as_bytes()), None, "{raw:?}");
    }
}
