//! LwM2M CBOR (11544) tests, payloads written by hand from LwM2M Core TS 1.2 §7.4.6.

mod common;

use common::{device_instance, resolver, sorted_records};
use lwm2m_core::codec::lwm2m_cbor;
use lwm2m_core::{Content, Error, Node, ObjLink, Path, Value};

#[test]
fn nested_maps_and_path_array_keys() {
    // {3: {0: {9: 100}}}
    let nested = [0xA1, 0x03, 0xA1, 0x00, 0xA1, 0x09, 0x18, 0x64];
    let p = Path::resource(3, 0, 9);
    let c = lwm2m_cbor::decode(p, &nested, &resolver).unwrap();
    assert_eq!(c, Content::single(p, Value::Integer(100)));
    assert_eq!(lwm2m_cbor::encode(&c).unwrap(), nested);
    // {[3, 0, 9]: 100}
    let flat = [0xA1, 0x83, 0x03, 0x00, 0x09, 0x18, 0x64];
    assert_eq!(lwm2m_cbor::decode(p, &flat, &resolver).unwrap(), c);
    // {[3, 0]: {22: {0: "3303:0"}}}: Objlnk as text.
    let mut link = vec![0xA1, 0x82, 0x03, 0x00, 0xA1, 0x16, 0xA1, 0x00, 0x66];
    link.extend_from_slice(b"3303:0");
    let c = lwm2m_cbor::decode(Path::resource(3, 0, 22), &link, &resolver).unwrap();
    assert_eq!(
        c.node,
        Node::Multiple(vec![(0, Value::Objlnk(ObjLink::new(3303, 0)))])
    );
    // Time with tag 1: {[3, 0, 13]: 1(1367491215)}
    let time = [
        0xA1, 0x83, 0x03, 0x00, 0x0D, 0xC1, 0x1A, 0x51, 0x82, 0x42, 0x8F,
    ];
    let c = lwm2m_cbor::decode(Path::resource(3, 0, 13), &time, &resolver).unwrap();
    assert_eq!(c.node, Node::Single(Value::Time(1_367_491_215)));
}

#[test]
fn device_instance_round_trip() {
    let bytes = lwm2m_cbor::encode(&device_instance()).unwrap();
    assert_eq!(&bytes[..5], [0xA1, 0x03, 0xA1, 0x00, 0xAD]); // {3: {0: map(13) …
    let back = lwm2m_cbor::decode(Path::instance(3, 0), &bytes, &resolver).unwrap();
    assert_eq!(sorted_records(&back), sorted_records(&device_instance()));
}

#[test]
fn rejects_bad_structure() {
    // Value above resource level: {3: {0: 1}}
    let e = lwm2m_cbor::decode(Path::ROOT, &[0xA1, 0x03, 0xA1, 0x00, 0x01], &resolver).unwrap_err();
    assert_eq!(e.path(), Some(Path::instance(3, 0)));
    // Five ids deep: {[1,2,3,4,5]: 0}
    let deep = [0xA1, 0x85, 0x01, 0x02, 0x03, 0x04, 0x05, 0x00];
    assert!(lwm2m_cbor::decode(Path::ROOT, &deep, &resolver).is_err());
    // Type mismatch: {[3,0,9]: "x"}
    let bad = [0xA1, 0x83, 0x03, 0x00, 0x09, 0x61, b'x'];
    let e = lwm2m_cbor::decode(Path::resource(3, 0, 9), &bad, &resolver).unwrap_err();
    assert!(matches!(e, Error::TypeMismatch { path, .. } if path == Path::resource(3, 0, 9)));
    // Trailing garbage.
    let trailing = [0xA1, 0x83, 0x03, 0x00, 0x09, 0x01, 0x00];
    assert!(lwm2m_cbor::decode(Path::resource(3, 0, 9), &trailing, &resolver).is_err());
}

/// Core TS 1.1 §7.3.3 CBOR (Content-Format 60): one data item per single-value read or write.
#[test]
fn single_value_cbor() {
    use lwm2m_core::codec::cbor;
    let battery = Path::resource(3, 0, 9);
    assert_eq!(
        cbor::encode(&Content::single(battery, Value::Integer(100))).unwrap(),
        [0x18, 0x64]
    );
    let temp = Path::resource(3303, 0, 5700);
    let c = Content::single(temp, Value::Float(24.5));
    assert_eq!(cbor::encode(&c).unwrap(), [0xFA, 0x41, 0xC4, 0x00, 0x00]);
    assert_eq!(
        cbor::decode(temp, &[0xFA, 0x41, 0xC4, 0x00, 0x00], &resolver).unwrap(),
        c
    );
    // Half float 1.5 (f9 3e 00) for a Float resource; integer 24 for a Float resource.
    let half = cbor::decode(temp, &[0xF9, 0x3E, 0x00], &resolver).unwrap();
    assert_eq!(half.node, Node::Single(Value::Float(1.5)));
    let int = cbor::decode(temp, &[0x18, 0x18], &resolver).unwrap();
    assert_eq!(int.node, Node::Single(Value::Float(24.0)));
    // Objlnk as text, Opaque as bytes.
    let link = Path::resource_instance(3, 0, 22, 0);
    let mut b = vec![0x66];
    b.extend_from_slice(b"3303:1");
    let c = cbor::decode(link, &b, &resolver).unwrap();
    assert_eq!(c.node, Node::Single(Value::Objlnk(ObjLink::new(3303, 1))));
    assert_eq!(cbor::encode(&c).unwrap(), b);
    // Mismatch and trailing bytes.
    let e = cbor::decode(battery, &[0x61, b'x'], &resolver).unwrap_err();
    assert!(matches!(e, Error::TypeMismatch { path, .. } if path == battery));
    assert!(cbor::decode(battery, &[0x01, 0x02], &resolver).is_err());
    assert!(cbor::encode(&common::device_instance()).is_err());
}
