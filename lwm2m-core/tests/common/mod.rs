//! Shared fixtures: metadata for Device (3) and Temperature (3303), and the Device instance of the
//! LwM2M Core TS examples (1.0 §6.4.3.1, 1.1 §7.4.3.1 "Single Object Instance Request").
#![allow(dead_code, unreachable_pub)]

use lwm2m_core::{
    Content, Instance, Node, ObjLink, ObjectMeta, Operations, Path, Resource, ResourceMeta,
    ResourceType, ResourceValue, Value,
};

const fn res(
    id: u16,
    name: &'static str,
    kind: ResourceType,
    operations: Operations,
    multiple: bool,
) -> ResourceMeta {
    ResourceMeta {
        id,
        name,
        kind,
        operations,
        multiple,
        mandatory: false,
        units: "",
    }
}

use Operations::{E, R, RW};
use ResourceType as T;

pub static DEVICE_RESOURCES: [ResourceMeta; 23] = [
    res(0, "Manufacturer", T::String, R, false),
    res(1, "Model Number", T::String, R, false),
    res(2, "Serial Number", T::String, R, false),
    res(3, "Firmware Version", T::String, R, false),
    res(4, "Reboot", T::None, E, false),
    res(5, "Factory Reset", T::None, E, false),
    res(6, "Available Power Sources", T::Integer, R, true),
    res(7, "Power Source Voltage", T::Integer, R, true),
    res(8, "Power Source Current", T::Integer, R, true),
    res(9, "Battery Level", T::Integer, R, false),
    res(10, "Memory Free", T::Integer, R, false),
    res(11, "Error Code", T::Integer, R, true),
    res(12, "Reset Error Code", T::None, E, false),
    res(13, "Current Time", T::Time, RW, false),
    res(14, "UTC Offset", T::String, RW, false),
    res(15, "Timezone", T::String, RW, false),
    res(16, "Supported Binding and Modes", T::String, R, false),
    res(17, "Device Type", T::String, R, false),
    res(18, "Hardware Version", T::String, R, false),
    res(19, "Software Version", T::String, R, false),
    res(20, "Battery Status", T::Integer, R, false),
    res(21, "Memory Total", T::Integer, R, false),
    res(22, "ExtDevInfo", T::Objlnk, R, true),
];

pub static DEVICE: ObjectMeta = ObjectMeta {
    id: 3,
    name: "Device",
    version: (1, 0),
    urn: "urn:oma:lwm2m:oma:3",
    multiple: false,
    mandatory: true,
    resources: &DEVICE_RESOURCES,
};

pub static TEMPERATURE_RESOURCES: [ResourceMeta; 8] = [
    res(5601, "Min Measured Value", T::Float, R, false),
    res(5602, "Max Measured Value", T::Float, R, false),
    res(5603, "Min Range Value", T::Float, R, false),
    res(5604, "Max Range Value", T::Float, R, false),
    res(5605, "Reset Min and Max Measured Values", T::None, E, false),
    res(5700, "Sensor Value", T::Float, R, false),
    res(5701, "Sensor Units", T::String, R, false),
    res(5518, "Timestamp", T::Time, R, false),
];

pub static TEMPERATURE: ObjectMeta = ObjectMeta {
    id: 3303,
    name: "Temperature",
    version: (1, 1),
    urn: "urn:oma:lwm2m:ext:3303:1.1",
    multiple: true,
    mandatory: false,
    resources: &TEMPERATURE_RESOURCES,
};

/// Resolver over Device and Temperature.
pub fn resolver(path: &Path) -> Option<ResourceType> {
    lwm2m_core::resolve_in(&[&DEVICE, &TEMPERATURE])(path)
}

fn single(id: u16, v: Value) -> Resource {
    Resource {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multi(id: u16, items: &[i64]) -> Resource {
    let items = items
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u16, Value::Integer(*v)))
        .collect();
    Resource {
        id,
        value: ResourceValue::Multiple(items),
    }
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

/// The Device instance of the spec's TLV/JSON examples, as content at `/3/0`.
pub fn device_resources() -> Vec<Resource> {
    vec![
        single(0, s("Open Mobile Alliance")),
        single(1, s("Lightweight M2M Client")),
        single(2, s("345000123")),
        single(3, s("1.0")),
        multi(6, &[1, 5]),
        multi(7, &[3800, 5000]),
        multi(8, &[125, 900]),
        single(9, Value::Integer(100)),
        single(10, Value::Integer(15)),
        multi(11, &[0]),
        single(13, Value::Time(1_367_491_215)),
        single(14, s("+02:00")),
        single(16, s("U")),
    ]
}

/// `/3/0` as in the spec examples.
pub fn device_instance() -> Content {
    Content {
        path: Path::instance(3, 0),
        node: Node::Instance(device_resources()),
    }
}

/// A Device instance using every value type the Device object has, including Objlnk.
pub fn device_full() -> Content {
    let mut resources = device_resources();
    resources.push(single(17, s("sensor")));
    resources.push(single(21, Value::Integer(65536)));
    resources.push(Resource {
        id: 22,
        value: ResourceValue::Multiple(vec![
            (0, Value::Objlnk(ObjLink::new(3303, 0))),
            (1, Value::Objlnk(ObjLink::new(3303, 1))),
        ]),
    });
    Content {
        path: Path::instance(3, 0),
        node: Node::Instance(resources),
    }
}

/// `n` instances of Temperature (3303) at `/3303`.
pub fn temperatures(n: u16) -> Content {
    let instances = (0..n)
        .map(|i| Instance {
            id: i,
            resources: vec![
                single(5700, Value::Float(20.5 + f64::from(i) / 8.0)),
                single(5701, s("Cel")),
                single(5601, Value::Float(-10.25)),
                single(5602, Value::Float(40.0)),
                single(5518, Value::Time(1_700_000_000 + i64::from(i))),
            ],
        })
        .collect();
    Content {
        path: Path::object(3303),
        node: Node::Object(instances),
    }
}

/// Records sorted by path, for comparing formats that order differently.
pub fn sorted_records(content: &Content) -> Vec<lwm2m_core::Record> {
    let mut r = content.to_records();
    r.sort_by_key(|r| r.path);
    r
}
