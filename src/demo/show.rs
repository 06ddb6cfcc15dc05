//! One-line rendering of what the server receives.

use lwm2m_core::{Content, ObjectMeta, Path, Value};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::server::Registration;

const KNOWN: [&ObjectMeta; 2] = [&device::META, &temperature::META];

/// `path=value` pairs, space separated.
pub(crate) fn show(content: &Content) -> String {
    let parts: Vec<String> = content
        .to_records()
        .iter()
        .map(|r| format!("{}={}", r.path, value(&r.value)))
        .collect();
    parts.join(" ")
}

/// A value as a person reads it: strings quoted, opaque as its length.
pub(crate) fn value(v: &Value) -> String {
    match v {
        Value::String(s) | Value::Corelnk(s) => format!("{s:?}"),
        Value::Integer(i) | Value::Time(i) => i.to_string(),
        Value::UnsignedInteger(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Opaque(b) => format!("<{} bytes>", b.len()),
        Value::Objlnk(l) => l.to_string(),
        other => format!("{other:?}"),
    }
}

/// The name of the Resource at `path` if the server knows its Object ("Sensor Value").
pub(crate) fn resource_name(path: Path) -> Option<&'static str> {
    let (oid, rid) = (path.object_id()?, path.resource_id()?);
    let meta = KNOWN.iter().find(|m| m.id == oid)?;
    Some(meta.resource(rid)?.name)
}

/// The registered Objects and Instances, `/1,/3/0,/3303/0`.
pub(crate) fn object_list(reg: &Registration) -> String {
    let objects: Vec<String> = reg
        .objects
        .iter()
        .map(|o| match o.instance {
            Some(i) => format!("/{}/{i}", o.object),
            None => format!("/{}", o.object),
        })
        .collect();
    objects.join(",")
}
