//! Generated objects through the hand-written traits: device-side setters, server-side typed
//! requests, and the CoAP codes of what goes wrong.

use lwm2m_core::object::{Enumeration, Multi, Object, ObjectHandler, WriteMode, server};
use lwm2m_core::{CoapCode, Node, Path, Resource, ResourceValue, Value};
use lwm2m_objects::device::{self, AvailablePowerSources, Device};
use lwm2m_objects::lwm2m_server::{self, Lwm2mServer};

fn device() -> Object<device::Instance> {
    let mut d = device::Instance::default();
    d.set_manufacturer("ACME".into())
        .set_available_power_sources(Multi::from([
            (0, AvailablePowerSources::DcPower),
            (1, AvailablePowerSources::from_raw(42)),
        ]));
    d.set_battery_level(87).unwrap();
    let mut o = Object::<device::Instance>::new().on_execute(|inst, _iid, rid, args| {
        // Reboot (4) records its argument in the manufacturer string, to observe the call.
        if rid == 4 {
            inst.set_manufacturer(format!("rebooted {:?}", args.get(0)));
        }
        Ok(())
    });
    o.insert(0, d);
    o
}

#[test]
fn typed_read_round_trip() {
    let o = device();
    let req = server::read(0, Device::BATTERY_LEVEL);
    assert_eq!(req.path, Path::resource(3, 0, 9));
    assert_eq!(req.decode(o.read(req.path).unwrap()), Ok(87));
    let req = server::read(0, Device::AVAILABLE_POWER_SOURCES);
    let sources = req.decode(o.read(req.path).unwrap()).unwrap();
    assert_eq!(sources.get(1), Some(&AvailablePowerSources::Other(42)));
    assert_eq!(AvailablePowerSources::DcPower.label(), Some("DC power"));
}

#[test]
fn checked_setters_and_server_writes() {
    let mut d = device::Instance::default();
    let e = d.set_battery_level(101).unwrap_err();
    assert_eq!(e.resource, 9);
    let mut o = Object::<lwm2m_server::Instance>::new();
    o.insert(0, lwm2m_server::Instance::default());
    let w = server::write(0, Lwm2mServer::LIFETIME, &300);
    o.write(w.path, w.node, WriteMode::Replace).unwrap();
    assert_eq!(o.instance(0).unwrap().lifetime(), &300);
    // Short Server ID is 1..65534 and read-only: a device-side setter checks the range…
    let mut s = lwm2m_server::Instance::default();
    assert!(s.set_short_server_id(0).is_err());
    assert!(s.set_short_server_id(65534).is_ok());
    // …and a server write to it is 4.05 (the typed API would not even compile).
    let p = Path::resource(1, 0, 0);
    let e = o
        .write(p, Node::Single(Value::Integer(5)), WriteMode::Replace)
        .unwrap_err();
    assert_eq!(e.coap_code(), CoapCode::MethodNotAllowed);
}

#[test]
fn errors_map_to_coap_codes() {
    let mut o = device();
    let code = |r: Result<Node, lwm2m_core::Error>| r.unwrap_err().coap_code();
    assert_eq!(
        code(o.read(Path::resource(3, 0, 4))),
        CoapCode::MethodNotAllowed
    );
    assert_eq!(code(o.read(Path::resource(3, 1, 9))), CoapCode::NotFound);
    assert_eq!(code(o.read(Path::resource(3, 0, 999))), CoapCode::NotFound);
    // Optional and unset: not found.
    assert_eq!(code(o.read(Path::resource(3, 0, 2))), CoapCode::NotFound);
    // Current Time (13) is a Time resource; a string is a type mismatch.
    let e = o
        .write(
            Path::resource(3, 0, 13),
            Node::Single(Value::String("x".into())),
            WriteMode::Replace,
        )
        .unwrap_err();
    assert_eq!(e.coap_code(), CoapCode::BadRequest);
    let e = o.execute(Path::resource(3, 0, 4), "0='now").unwrap_err();
    assert_eq!(e.coap_code(), CoapCode::BadRequest);
}

#[test]
fn execute_with_arguments() {
    let mut o = device();
    let x = server::execute(0, Device::REBOOT, "0='now'");
    o.execute(x.path, x.args).unwrap();
    assert_eq!(
        o.instance(0).unwrap().manufacturer().map(String::as_str),
        Some("rebooted Some(Some(\"now\"))")
    );
    let mut bare = Object::<device::Instance>::new();
    bare.insert(0, device::Instance::default());
    let e = bare.execute(Path::resource(3, 0, 4), "").unwrap_err();
    assert_eq!(e.coap_code(), CoapCode::InternalServerError);
}

#[test]
fn instances_create_delete_discover() {
    let mut o = Object::<lwm2m_server::Instance>::new();
    let res = vec![Resource {
        id: 1,
        value: ResourceValue::Single(Value::Integer(60)),
    }];
    let id = o.create(None, res).unwrap();
    assert_eq!(id, 0);
    assert_eq!(o.create(None, Vec::new()).unwrap(), 1);
    let Node::Object(all) = o.read(Path::object(1)).unwrap() else {
        panic!("object")
    };
    assert_eq!(all.len(), 2);
    let paths = o.discover(Path::instance(1, 0)).unwrap();
    assert!(paths.contains(&Path::resource(1, 0, 1)));
    assert!(
        paths.contains(&Path::resource(1, 0, 8)),
        "executables are listed"
    );
    o.delete(1).unwrap();
    assert_eq!(o.delete(1).unwrap_err().coap_code(), CoapCode::NotFound);
}

#[test]
fn replace_removes_optional_writables() {
    let mut o = Object::<lwm2m_server::Instance>::new();
    let mut s = lwm2m_server::Instance::default();
    s.set_default_minimum_period(10);
    o.insert(0, s);
    let only_lifetime = vec![Resource {
        id: 1,
        value: ResourceValue::Single(Value::Integer(9)),
    }];
    o.write(
        Path::instance(1, 0),
        Node::Instance(only_lifetime.clone()),
        WriteMode::Update,
    )
    .unwrap();
    assert_eq!(o.instance(0).unwrap().default_minimum_period(), Some(&10));
    o.write(
        Path::instance(1, 0),
        Node::Instance(only_lifetime),
        WriteMode::Replace,
    )
    .unwrap();
    assert_eq!(o.instance(0).unwrap().default_minimum_period(), None);
}

#[test]
fn metadata_is_static() {
    use lwm2m_core::object::ObjectType;
    let m = Device::meta();
    assert_eq!((m.id, m.name), (3, "Device"));
    assert_eq!(m.resource(9).map(|r| r.units), Some("/100"));
    assert_eq!(lwm2m_objects::device::v1_0::META.version, (1, 0));
}
