//! Decoders never panic, never trust length fields, and bound nesting.

mod common;

use common::{device_full, resolver, temperatures};
use lwm2m_core::codec::{self, link};
use lwm2m_core::{ContentFormat, Path};
use proptest::prelude::*;

const DECODERS: [ContentFormat; 8] = [
    ContentFormat::Text,
    ContentFormat::Cbor,
    ContentFormat::Opaque,
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::LwM2mCbor,
    ContentFormat::LwM2mJson,
];

#[test]
fn every_truncation_and_bit_flip_is_an_error_or_a_value() {
    for content in [device_full(), temperatures(3)] {
        for format in [
            ContentFormat::Tlv,
            ContentFormat::SenmlJson,
            ContentFormat::SenmlCbor,
            ContentFormat::LwM2mCbor,
            ContentFormat::LwM2mJson,
        ] {
            let bytes = codec::encode(format, &content).unwrap();
            for end in 0..bytes.len() {
                let _ = codec::decode(format, content.path, &bytes[..end], &resolver);
            }
            for i in 0..bytes.len() {
                let mut flipped = bytes.clone();
                flipped[i] ^= 0x80;
                let _ = codec::decode(format, content.path, &flipped, &resolver);
            }
        }
    }
}

#[test]
fn length_fields_are_not_trusted() {
    // Composite content with a record above resource level cannot be encoded, but does not panic.
    let odd = lwm2m_core::Content::records(
        Path::ROOT,
        vec![lwm2m_core::Record::new(
            Path::ROOT,
            lwm2m_core::Value::Integer(1),
        )],
    );
    assert!(codec::lwm2m_cbor::encode(&odd).is_err());
    // TLV claiming a 16 MiB value in a 5-byte payload.
    let tlv = [0xD8, 0x00, 0xFF, 0xFF, 0xFF];
    assert!(codec::tlv::decode(Path::resource(3, 0, 0), &tlv, &resolver).is_err());
    // CBOR array and map claiming 2^64-1 items, byte string claiming 2^32 bytes.
    let huge_array = [0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(codec::senml::cbor::decode(Path::ROOT, &huge_array, &resolver).is_err());
    let huge_map = [0xBB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(codec::lwm2m_cbor::decode(Path::ROOT, &huge_map, &resolver).is_err());
    let huge_bytes = [0x81, 0xA1, 0x08, 0x5A, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(codec::senml::cbor::decode(Path::ROOT, &huge_bytes, &resolver).is_err());
}

#[test]
fn deep_nesting_is_bounded() {
    let deep_json = "[".repeat(100_000);
    for format in [ContentFormat::SenmlJson, ContentFormat::LwM2mJson] {
        let err = codec::decode(format, Path::ROOT, deep_json.as_bytes(), &resolver).unwrap_err();
        assert!(matches!(err, lwm2m_core::Error::TooDeep { .. }), "{err}");
    }
    // Brackets inside strings do not count.
    let quoted = br#"[{"bn":"/3/0/0","vs":"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{"}]"#;
    assert!(codec::senml::json::decode(Path::resource(3, 0, 0), quoted, &resolver).is_ok());
    // 100 000 nested CBOR maps {0: {0: {0: ...
    let deep_cbor: Vec<u8> = [0xA1, 0x00].repeat(100_000);
    assert!(codec::lwm2m_cbor::decode(Path::ROOT, &deep_cbor, &resolver).is_err());
    let deep_arrays = vec![0x81; 100_000];
    assert!(codec::senml::cbor::decode(Path::ROOT, &deep_arrays, &resolver).is_err());
    // Unknown SenML field holding a nested container is refused, not skipped recursively.
    let mut unknown = vec![0x81, 0xA1, 0x18, 0x63];
    unknown.extend(vec![0x81; 100_000]);
    assert!(codec::senml::cbor::decode(Path::ROOT, &unknown, &resolver).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        for format in DECODERS {
            for path in [Path::ROOT, Path::object(3), Path::instance(3, 0), Path::resource(3, 0, 7)] {
                let _ = codec::decode(format, path, &data, &resolver);
            }
        }
        let _ = link::decode(&data);
        lwm2m_core::__fuzz::tlv(&data);
        lwm2m_core::__fuzz::senml_cbor(&data);
        lwm2m_core::__fuzz::lwm2m_cbor(&data);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "[</>;=,\"\\\\a-z0-9.{}\\[\\]: -]{0,80}") {
        lwm2m_core::__fuzz::link(s.as_bytes());
        lwm2m_core::__fuzz::senml_json(s.as_bytes());
        lwm2m_core::__fuzz::legacy_json(s.as_bytes());
        lwm2m_core::__fuzz::text(s.as_bytes());
    }
}
