//! TLV byte-exact tests from the LwM2M Core TS examples.

mod common;

use common::{device_instance, resolver};
use lwm2m_core::codec::tlv;
use lwm2m_core::{Content, Error, Node, ObjLink, Path, ResourceType, Value};

/// LwM2M Core TS 1.0 §6.4.3.1 / 1.1 §7.4.3.1, "Single Object Instance Request Example":
/// Read `/3/0` answered with 121 bytes of TLV.
const DEVICE_TLV: &[u8] = &[
    0xC8, 0x00, 0x14, b'O', b'p', b'e', b'n', b' ', b'M', b'o', b'b', b'i', b'l', b'e', b' ', b'A',
    b'l', b'l', b'i', b'a', b'n', b'c', b'e', // 0: Manufacturer
    0xC8, 0x01, 0x16, b'L', b'i', b'g', b'h', b't', b'w', b'e', b'i', b'g', b'h', b't', b' ', b'M',
    b'2', b'M', b' ', b'C', b'l', b'i', b'e', b'n', b't', // 1: Model Number
    0xC8, 0x02, 0x09, b'3', b'4', b'5', b'0', b'0', b'0', b'1', b'2',
    b'3', // 2: Serial Number
    0xC3, 0x03, b'1', b'.', b'0', // 3: Firmware Version
    0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05, // 6: Available Power Sources [1, 5]
    0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88, // 7: [3800, 5000]
    0x87, 0x08, 0x41, 0x00, 0x7D, 0x42, 0x01, 0x03,
    0x84, // 8: Power Source Current [125, 900]
    0xC1, 0x09, 0x64, // 9: Battery Level 100
    0xC1, 0x0A, 0x0F, // 10: Memory Free 15
    0x83, 0x0B, 0x41, 0x00, 0x00, // 11: Error Code [0]
    0xC4, 0x0D, 0x51, 0x82, 0x42, 0x8F, // 13: Current Time 1367491215
    0xC6, 0x0E, b'+', b'0', b'2', b':', b'0', b'0', // 14: UTC Offset
    0xC1, 0x10, b'U', // 16: Supported Binding and Modes
];

#[test]
fn device_instance_matches_spec_bytes() {
    assert_eq!(DEVICE_TLV.len(), 121);
    assert_eq!(tlv::encode(&device_instance()).unwrap(), DEVICE_TLV);
    let decoded = tlv::decode(Path::instance(3, 0), DEVICE_TLV, &resolver).unwrap();
    assert_eq!(decoded, device_instance());
}

/// The TLV "Multiple Object Instance Request Example" of the Core TS (1.0 §6.4.3.2; renumbered
/// in later versions): Read `/2` (Access Control) answered with two object instances. The ACL
/// resource (2) has instance 310 (`0x0136`), which needs a 16-bit resource instance id.
#[test]
fn object_with_instances() {
    let bytes: &[u8] = &[
        0x08, 0x00, 0x0E, // instance 0, 14 bytes
        0xC1, 0x00, 0x01, // res 0 = 1
        0xC1, 0x01, 0x00, // res 1 = 0
        0x83, 0x02, 0x41, 0x7F, 0x07, // res 2: [127] = 7
        0xC1, 0x03, 0x7F, // res 3 = 127
        0x08, 0x02, 0x12, // instance 2, 18 bytes
        0xC1, 0x00, 0x03, // res 0 = 3
        0xC1, 0x01, 0x00, // res 1 = 0
        0x87, 0x02, 0x41, 0x7F, 0x07, 0x61, 0x01, 0x36, 0x01, // res 2: [127]=7, [310]=1
        0xC1, 0x03, 0x7F, // res 3 = 127
    ];
    let ints = |_: &Path| Some(ResourceType::Integer);
    let content = tlv::decode(Path::object(2), bytes, &ints).unwrap();
    let Node::Object(instances) = &content.node else {
        panic!("expected an object")
    };
    assert_eq!(instances.len(), 2);
    assert_eq!(instances[1].id, 2);
    let records = content.to_records();
    assert_eq!(records[7].path, Path::resource_instance(2, 2, 2, 310));
    assert_eq!(records[7].value, Value::Integer(1));
    assert_eq!(tlv::encode(&content).unwrap(), bytes);
}

#[test]
fn single_resource_and_resource_instance() {
    let p = Path::resource(3, 0, 0);
    let content = tlv::decode(p, &DEVICE_TLV[..23], &resolver).unwrap();
    assert_eq!(
        content,
        Content::single(p, Value::String("Open Mobile Alliance".into()))
    );
    let ri = Path::resource_instance(3, 0, 7, 1);
    let c = tlv::decode(ri, &[0x42, 0x01, 0x13, 0x88], &resolver).unwrap();
    assert_eq!(c, Content::single(ri, Value::Integer(5000)));
    assert_eq!(tlv::encode(&c).unwrap(), [0x42, 0x01, 0x13, 0x88]);
}

#[test]
fn widths_lengths_and_types() {
    let p = Path::resource(3303, 0, 5700);
    let float = |_: &Path| Some(ResourceType::Float);
    // 16-bit resource id 5700 = 0x1644, 4-byte float 23.5.
    let c = Content::single(p, Value::Float(23.5));
    let bytes = tlv::encode(&c).unwrap();
    assert_eq!(bytes, [0xE4, 0x16, 0x44, 0x41, 0xBC, 0x00, 0x00]);
    assert_eq!(tlv::decode(p, &bytes, &float).unwrap(), c);
    // 8-byte float when f32 would lose precision.
    let c = Content::single(p, Value::Float(0.1));
    // Type byte, 16-bit id, 8-bit length (8 > 7), value.
    assert_eq!(tlv::encode(&c).unwrap().len(), 4 + 8);
    // 16-bit length (300-byte string), 24-bit length (70000-byte opaque).
    let s = Content::single(Path::resource(3, 0, 0), Value::String("x".repeat(300)));
    let b = tlv::encode(&s).unwrap();
    assert_eq!(&b[..4], [0xD0, 0x00, 0x01, 0x2C]);
    assert_eq!(tlv::decode(s.path, &b, &resolver).unwrap(), s);
    let big = Content::single(Path::resource(5, 0, 0), Value::Opaque(vec![7; 70_000]));
    let b = tlv::encode(&big).unwrap();
    assert_eq!(&b[..5], [0xD8, 0x00, 0x01, 0x11, 0x70]);
    assert_eq!(tlv::decode(big.path, &b, &|_: &Path| None).unwrap(), big);
    // Integer widths 1/2/4/8 and negatives.
    for (v, len) in [(-1i64, 1), (-129, 2), (40_000, 4), (i64::MIN, 8)] {
        let c = Content::single(Path::resource(3, 0, 9), Value::Integer(v));
        let b = tlv::encode(&c).unwrap();
        assert_eq!(b.len(), if len > 7 { 3 } else { 2 } + len, "{v}");
        assert_eq!(tlv::decode(c.path, &b, &resolver).unwrap(), c);
    }
    // Objlnk: 4 bytes.
    let l = Content::single(
        Path::resource(3, 0, 22),
        Value::Objlnk(ObjLink::new(3303, 1)),
    );
    assert_eq!(
        tlv::encode(&l).unwrap(),
        [0xC4, 0x16, 0x0C, 0xE7, 0x00, 0x01]
    );
}

#[test]
fn typed_errors_name_the_path() {
    // Battery level (Integer) with 3 bytes.
    let err = tlv::decode(Path::resource(3, 0, 9), &[0xC3, 0x09, 1, 2, 3], &resolver).unwrap_err();
    assert!(matches!(err, Error::TypeMismatch { path, .. } if path == Path::resource(3, 0, 9)));
    // Length beyond payload.
    let err = tlv::decode(Path::resource(3, 0, 0), &[0xC8, 0x00, 0xFF, 1], &resolver).unwrap_err();
    assert_eq!(err.coap_code(), lwm2m_core::CoapCode::BadRequest);
    // Wrong id for the request path.
    assert!(tlv::decode(Path::resource(3, 0, 1), &DEVICE_TLV[..23], &resolver).is_err());
    // Invalid boolean.
    let b = |_: &Path| Some(ResourceType::Boolean);
    assert!(tlv::decode(Path::resource(1, 0, 6), &[0xC1, 0x06, 2], &b).is_err());
}
