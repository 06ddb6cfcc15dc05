//! TLV encoder: sizes are computed first, so each entry is written once, without temporary
//! buffers.

use alloc::vec::Vec;

use super::{Kind, MAX_LEN};
use crate::codec::not_acceptable;
use crate::content::{Content, Instance, Node, Resource, ResourceValue};
use crate::error::Error;
use crate::format::ContentFormat;
use crate::ids::ResourceInstanceId;
use crate::path::Path;
use crate::value::Value;

/// Encodes content at a Resource Instance, Resource, Object Instance or Object path.
/// [`Node::Records`] (composite) is [`Error::NotAcceptable`]: TLV has no paths.
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let path = content.path;
    match (&content.node, path.depth()) {
        (Node::Single(v), 4) => {
            write_value(&mut out, Kind::ResourceInstance, last_id(path), path, v)?;
        }
        (Node::Single(v), 3) => write_value(&mut out, Kind::Resource, last_id(path), path, v)?,
        (Node::Multiple(items), 3) => write_multiple(&mut out, path, items)?,
        (Node::Instance(resources), 2) => write_resources(&mut out, path, resources)?,
        (Node::Object(instances), 1) => {
            for inst in instances {
                write_instance(&mut out, path, inst)?;
            }
        }
        _ => return Err(not_acceptable(content, ContentFormat::Tlv)),
    }
    Ok(out)
}

fn last_id(path: Path) -> u16 {
    path.ids().last().copied().unwrap_or_default()
}

fn write_instance(out: &mut Vec<u8>, object: Path, inst: &Instance) -> Result<(), Error> {
    let path = object.child(inst.id).unwrap_or(object);
    let len = inst.resources.iter().map(resource_len).sum();
    write_header(out, Kind::ObjectInstance, inst.id, len, path)?;
    write_resources(out, path, &inst.resources)
}

fn write_resources(out: &mut Vec<u8>, inst: Path, resources: &[Resource]) -> Result<(), Error> {
    for res in resources {
        let path = inst.child(res.id).unwrap_or(inst);
        match &res.value {
            ResourceValue::Single(v) => write_value(out, Kind::Resource, res.id, path, v)?,
            ResourceValue::Multiple(items) => write_multiple(out, path, items)?,
        }
    }
    Ok(())
}

fn write_multiple(
    out: &mut Vec<u8>,
    path: Path,
    items: &[(ResourceInstanceId, Value)],
) -> Result<(), Error> {
    let len = items
        .iter()
        .map(|(id, v)| entry_len(*id, value_len(v)))
        .sum();
    write_header(out, Kind::MultipleResource, last_id(path), len, path)?;
    for (id, v) in items {
        write_value(
            out,
            Kind::ResourceInstance,
            *id,
            path.child(*id).unwrap_or(path),
            v,
        )?;
    }
    Ok(())
}

fn resource_len(res: &Resource) -> usize {
    match &res.value {
        ResourceValue::Single(v) => entry_len(res.id, value_len(v)),
        ResourceValue::Multiple(items) => {
            let inner = items
                .iter()
                .map(|(id, v)| entry_len(*id, value_len(v)))
                .sum();
            entry_len(res.id, inner)
        }
    }
}

/// Header plus value length.
fn entry_len(id: u16, len: usize) -> usize {
    let id_len = if id > 0xFF { 2 } else { 1 };
    let len_len = match len {
        0..=7 => 0,
        8..=0xFF => 1,
        0x100..=0xFFFF => 2,
        _ => 3,
    };
    1 + id_len + len_len + len
}

/// Bytes the value takes: the smallest integer width that holds it, 4-byte floats when exact.
fn value_len(v: &Value) -> usize {
    match v {
        Value::String(s) | Value::Corelnk(s) => s.len(),
        Value::Opaque(b) => b.len(),
        Value::Integer(i) | Value::Time(i) => int_width(*i),
        Value::UnsignedInteger(u) => uint_width(*u),
        Value::Float(f) => {
            if f64::from(*f as f32) == *f || f.is_nan() {
                4
            } else {
                8
            }
        }
        Value::Boolean(_) => 1,
        Value::Objlnk(_) => 4,
    }
}

fn int_width(i: i64) -> usize {
    if i8::try_from(i).is_ok() {
        1
    } else if i16::try_from(i).is_ok() {
        2
    } else if i32::try_from(i).is_ok() {
        4
    } else {
        8
    }
}

fn uint_width(u: u64) -> usize {
    match u {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFFFF_FFFF => 4,
        _ => 8,
    }
}

fn write_header(
    out: &mut Vec<u8>,
    kind: Kind,
    id: u16,
    len: usize,
    path: Path,
) -> Result<(), Error> {
    if len > MAX_LEN {
        return Err(Error::malformed(
            path,
            "value longer than TLV's 24-bit length",
        ));
    }
    let mut ty = (kind as u8) << 6;
    if id > 0xFF {
        ty |= 0x20;
    }
    let len_bytes: usize = match len {
        0..=7 => {
            ty |= len as u8;
            0
        }
        8..=0xFF => 1,
        0x100..=0xFFFF => 2,
        _ => 3,
    };
    ty |= (len_bytes as u8) << 3;
    out.push(ty);
    if id > 0xFF {
        out.extend_from_slice(&id.to_be_bytes());
    } else {
        out.push(id as u8);
    }
    out.extend_from_slice(&(len as u32).to_be_bytes()[4 - len_bytes..]);
    Ok(())
}

fn write_value(out: &mut Vec<u8>, kind: Kind, id: u16, path: Path, v: &Value) -> Result<(), Error> {
    let len = value_len(v);
    write_header(out, kind, id, len, path)?;
    match v {
        Value::String(s) | Value::Corelnk(s) => out.extend_from_slice(s.as_bytes()),
        Value::Opaque(b) => out.extend_from_slice(b),
        Value::Integer(i) | Value::Time(i) => out.extend_from_slice(&i.to_be_bytes()[8 - len..]),
        Value::UnsignedInteger(u) => out.extend_from_slice(&u.to_be_bytes()[8 - len..]),
        Value::Float(f) if len == 4 => out.extend_from_slice(&(*f as f32).to_be_bytes()),
        Value::Float(f) => out.extend_from_slice(&f.to_be_bytes()),
        Value::Boolean(b) => out.push(u8::from(*b)),
        Value::Objlnk(l) => {
            out.extend_from_slice(&l.object_id.to_be_bytes());
            out.extend_from_slice(&l.instance_id.to_be_bytes());
        }
    }
    Ok(())
}
