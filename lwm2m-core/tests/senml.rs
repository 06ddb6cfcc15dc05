//! SenML JSON and CBOR tests with payloads written from the LwM2M Core TS 1.1 §7.4.4–7.4.5
//! examples and the RFC 8428 §4–§6 rules.

mod common;

use common::{device_instance, resolver};
use lwm2m_core::codec::senml;
use lwm2m_core::{Content, Error, Node, ObjLink, Path, Value};

/// Core TS 1.1 §7.4.4, SenML JSON "Single Object Instance Request Example" (Read `/3/0`), the
/// same Device data as the TLV example, written without insignificant whitespace.
const DEVICE_SENML_JSON: &str = concat!(
    r#"[{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},"#,
    r#"{"n":"1","vs":"Lightweight M2M Client"},"#,
    r#"{"n":"2","vs":"345000123"},"#,
    r#"{"n":"3","vs":"1.0"},"#,
    r#"{"n":"6/0","v":1},{"n":"6/1","v":5},"#,
    r#"{"n":"7/0","v":3800},{"n":"7/1","v":5000},"#,
    r#"{"n":"8/0","v":125},{"n":"8/1","v":900},"#,
    r#"{"n":"9","v":100},"#,
    r#"{"n":"10","v":15},"#,
    r#"{"n":"11/0","v":0},"#,
    r#"{"n":"13","v":1367491215},"#,
    r#"{"n":"14","vs":"+02:00"},"#,
    r#"{"n":"16","vs":"U"}]"#,
);

#[test]
fn device_instance_json_matches_spec() {
    let bytes = senml::json::encode(&device_instance()).unwrap();
    assert_eq!(core::str::from_utf8(&bytes).unwrap(), DEVICE_SENML_JSON);
    let decoded = senml::json::decode(
        Path::instance(3, 0),
        DEVICE_SENML_JSON.as_bytes(),
        &resolver,
    )
    .unwrap();
    assert_eq!(decoded, device_instance());
}

#[test]
fn json_with_whitespace_base_time_and_value_kinds() {
    // RFC 8428 §4.5.3: t is relative to bt; §4.3: vd is base64url.
    let payload = br#"[ {"bn":"/3303/0/5700", "bt":1700000000, "v":20.5, "t":-5} ]"#;
    let c = senml::json::decode(Path::resource(3303, 0, 5700), payload, &resolver).unwrap();
    // Timed records stay records: the tree has no place for times.
    let recs = c.to_records();
    assert!(matches!(c.node, Node::Records(_)));
    assert_eq!(recs[0].value, Value::Float(20.5));
    assert_eq!(recs[0].time, Some(1_699_999_995.0));

    let payload = br#"[{"bn":"/3/0/","n":"22/0","vlo":"3303:0"},{"n":"22/1","vlo":"3303:1"}]"#;
    let c = senml::json::decode(Path::resource(3, 0, 22), payload, &resolver).unwrap();
    assert_eq!(
        c.node,
        Node::Multiple(vec![
            (0, Value::Objlnk(ObjLink::new(3303, 0))),
            (1, Value::Objlnk(ObjLink::new(3303, 1)))
        ])
    );
    let untyped = |_: &Path| None;
    let c = senml::json::decode(
        Path::resource(5, 0, 0),
        br#"[{"bn":"/5/0/0","vd":"AQID-_8"}]"#,
        &untyped,
    )
    .unwrap();
    assert_eq!(
        c.node,
        Node::Single(Value::Opaque(vec![1, 2, 3, 0xfb, 0xff]))
    );
}

#[test]
fn json_type_mismatch_names_path() {
    let payload = br#"[{"bn":"/3/0/","n":"9","vs":"full"}]"#;
    let err = senml::json::decode(Path::instance(3, 0), payload, &resolver).unwrap_err();
    assert!(matches!(err, Error::TypeMismatch { path, .. } if path == Path::resource(3, 0, 9)));
    // A fraction for an Integer resource.
    let payload = br#"[{"bn":"/3/0/9","v":99.5}]"#;
    assert!(senml::json::decode(Path::resource(3, 0, 9), payload, &resolver).is_err());
    // A record outside the request path.
    let payload = br#"[{"bn":"/3/1/9","v":99}]"#;
    assert!(senml::json::decode(Path::instance(3, 0), payload, &resolver).is_err());
    // RFC 8428 §4.4: unknown field ending in '_'.
    let payload = br#"[{"bn":"/3/0/9","v":99,"foo_":1}]"#;
    assert!(senml::json::decode(Path::resource(3, 0, 9), payload, &resolver).is_err());
}

/// RFC 8428 §6 label table applied to a Temperature instance: `bn` is -2 (0x21), `n` 0, `v` 2,
/// `vs` 3; 24.5 is exact in binary32, so it travels as `fa 41 c4 00 00`.
const TEMPERATURE_SENML_CBOR: &[u8] = &[
    0x82, // array(2)
    0xA3, // map(3)
    0x21, 0x68, b'/', b'3', b'3', b'0', b'3', b'/', b'0', b'/', // bn: "/3303/0/"
    0x00, 0x64, b'5', b'7', b'0', b'0', // n: "5700"
    0x02, 0xFA, 0x41, 0xC4, 0x00, 0x00, // v: 24.5
    0xA2, // map(2)
    0x00, 0x64, b'5', b'7', b'0', b'1', // n: "5701"
    0x03, 0x63, b'C', b'e', b'l', // vs: "Cel"
];

fn temperature_instance() -> Content {
    Content::from_records(
        Path::instance(3303, 0),
        vec![
            lwm2m_core::Record::new(Path::resource(3303, 0, 5700), Value::Float(24.5)),
            lwm2m_core::Record::new(Path::resource(3303, 0, 5701), Value::String("Cel".into())),
        ],
    )
    .unwrap()
}

#[test]
fn cbor_bytes_follow_rfc8428_labels() {
    assert_eq!(
        senml::cbor::encode(&temperature_instance()).unwrap(),
        TEMPERATURE_SENML_CBOR
    );
    let c =
        senml::cbor::decode(Path::instance(3303, 0), TEMPERATURE_SENML_CBOR, &resolver).unwrap();
    assert_eq!(c, temperature_instance());
}

#[test]
fn cbor_time_objlnk_opaque_and_indefinite() {
    // [_ {-2: "/3/0/", 0: "22/0", "vlo": "3:1", -3: 100, 6: 2.5}, break]
    let mut p = vec![0x9F, 0xA5, 0x21, 0x65];
    p.extend_from_slice(b"/3/0/");
    p.extend_from_slice(&[0x00, 0x64]);
    p.extend_from_slice(b"22/0");
    p.extend_from_slice(&[0x63]);
    p.extend_from_slice(b"vlo");
    p.extend_from_slice(&[0x63]);
    p.extend_from_slice(b"3:1");
    p.extend_from_slice(&[0x22, 0x18, 0x64, 0x06, 0xF9, 0x41, 0x00, 0xFF]);
    let c = senml::cbor::decode(Path::resource(3, 0, 22), &p, &resolver).unwrap();
    let r = c.to_records();
    assert_eq!(r[0].value, Value::Objlnk(ObjLink::new(3, 1)));
    assert_eq!(r[0].time, Some(102.5));
    // vd (8) is a byte string in CBOR.
    let p = [
        0x81, 0xA2, 0x21, 0x66, b'/', b'5', b'/', b'0', b'/', b'0', 0x08, 0x42, 0xAB, 0xCD,
    ];
    let c = senml::cbor::decode(Path::resource(5, 0, 0), &p, &|_: &Path| None).unwrap();
    assert_eq!(c.node, Node::Single(Value::Opaque(vec![0xAB, 0xCD])));
}

/// Core TS 1.1 §6.3.8 Read-Composite: the request body names paths without values.
#[test]
fn composite_request_paths() {
    let paths = [
        Path::resource(3, 0, 9),
        Path::instance(1, 0),
        Path::resource_instance(3, 0, 7, 1),
    ];
    let json = senml::json::encode_paths(&paths);
    assert_eq!(json, br#"[{"n":"/3/0/9"},{"n":"/1/0"},{"n":"/3/0/7/1"}]"#);
    assert_eq!(senml::json::decode_paths(&json).unwrap(), paths);
    let with_base = br#"[{"bn":"/3/0/","n":"9"},{"n":"7/1"},{"bn":"/1/0"}]"#;
    assert_eq!(
        senml::json::decode_paths(with_base).unwrap(),
        [
            Path::resource(3, 0, 9),
            Path::resource_instance(3, 0, 7, 1),
            Path::instance(1, 0)
        ]
    );
    let cbor = senml::cbor::encode_paths(&paths);
    assert_eq!(
        &cbor[..9],
        [0x83, 0xA1, 0x00, 0x66, b'/', b'3', b'/', b'0', b'/']
    );
    assert_eq!(senml::cbor::decode_paths(&cbor).unwrap(), paths);
}
