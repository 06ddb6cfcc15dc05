//! CoRE Link Format (RFC 6690) and LwM2M 1.0 JSON tests.

mod common;

use common::{device_instance, resolver};
use lwm2m_core::codec::{legacy_json, link};
use lwm2m_core::{Path, Value};

/// Core TS 1.1 §6.2.1 (Register) example payload: root link with `rt="oma.lwm2m"` and `ct`,
/// then the Object Instances.
const REGISTER: &str =
    r#"</>;rt="oma.lwm2m";ct=11543,</1/101>,</1/102>,</2/0>,</2/1>,</3/0>,</4/0>,</5>"#;

/// Core TS 1.1 §5.4.2-style Discover answer on `/3/0` with attributes (RFC 6690 syntax).
const DISCOVER: &str = "</3/0>;pmin=10,</3/0/1>,</3/0/2>,</3/0/6>;dim=2,</3/0/7>;dim=2;gt=50;lt=42.2;st=0.5,</3/0/8>;epmin=1;epmax=60;pmax=120";

#[test]
fn registration_payload() {
    let links = link::decode(REGISTER.as_bytes()).unwrap();
    assert_eq!(links.len(), 8);
    assert_eq!(links[0].target, "/");
    assert_eq!(links[0].attribute("rt"), Some(Some(link::RT_LWM2M)));
    assert_eq!(links[0].attribute("ct"), Some(Some("11543")));
    assert_eq!(links[2].path(), Some(Path::instance(1, 102)));
    assert_eq!(links[7].path(), Some(Path::object(5)));
    assert_eq!(link::encode(&links), REGISTER.as_bytes());
}

#[test]
fn discover_attributes() {
    let links = link::decode(DISCOVER.as_bytes()).unwrap();
    assert_eq!(link::encode(&links), DISCOVER.as_bytes());
    let a = links[0].lwm2m_attributes().unwrap();
    assert_eq!(a.pmin, Some(10));
    let a = links[4].lwm2m_attributes().unwrap();
    assert_eq!(
        (a.dim, a.gt, a.lt, a.st),
        (Some(2), Some(50.0), Some(42.2), Some(0.5))
    );
    let a = links[5].lwm2m_attributes().unwrap();
    assert_eq!((a.epmin, a.epmax, a.pmax), (Some(1), Some(60), Some(120)));
    let bad = link::decode(b"</3/0>;pmin=soon").unwrap();
    assert!(bad[0].lwm2m_attributes().is_err());
    assert!(link::decode(b"</3/0;pmin=1").is_err());
    assert!(link::decode(b"</3/0>;rt=\"open").is_err());
}

/// LwM2M TS 1.0 §6.4.4 JSON example for Read `/3/0` (newlines are not part of the payload).
const DEVICE_LEGACY_JSON: &str = r#"{"bn":"/3/0/","e":[
{"n":"0","sv":"Open Mobile Alliance"},
{"n":"1","sv":"Lightweight M2M Client"},
{"n":"2","sv":"345000123"},
{"n":"3","sv":"1.0"},
{"n":"6/0","v":1},
{"n":"6/1","v":5},
{"n":"7/0","v":3800},
{"n":"7/1","v":5000},
{"n":"8/0","v":125},
{"n":"8/1","v":900},
{"n":"9","v":100},
{"n":"10","v":15},
{"n":"11/0","v":0},
{"n":"13","v":1367491215},
{"n":"14","sv":"+02:00"},
{"n":"16","sv":"U"}]}"#;

#[test]
fn legacy_json_device_example() {
    let c = legacy_json::decode(
        Path::instance(3, 0),
        DEVICE_LEGACY_JSON.as_bytes(),
        &resolver,
    )
    .unwrap();
    assert_eq!(c, device_instance());
    let compact: String = DEVICE_LEGACY_JSON.chars().filter(|c| *c != '\n').collect();
    assert_eq!(
        legacy_json::encode(&device_instance()).unwrap(),
        compact.as_bytes()
    );
    // Objlnk and Boolean entries.
    let p = br#"{"bn":"/3/0/22","e":[{"n":"/0","ov":"3303:7"}]}"#;
    let c = legacy_json::decode(Path::resource(3, 0, 22), p, &resolver).unwrap();
    assert_eq!(
        c.to_records()[0].value,
        Value::Objlnk(lwm2m_core::ObjLink::new(3303, 7))
    );
}
