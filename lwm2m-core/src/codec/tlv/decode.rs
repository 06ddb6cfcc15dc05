//! TLV decoder. Entries are read from slices of the payload, so a length field can never make it
//! read or allocate past the payload; the TLV structure itself bounds nesting at three levels.

use alloc::string::String;
use alloc::vec::Vec;

use super::Kind;
use crate::codec::typed;
use crate::content::{Content, Instance, Node, Resource, ResourceValue};
use crate::error::Error;
use crate::format::ContentFormat;
use crate::ids::ResourceInstanceId;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::types::{ObjLink, ResourceType};
use crate::value::Value;

/// One parsed entry.
struct Entry<'a> {
    kind: Kind,
    id: u16,
    value: &'a [u8],
}

/// Iterates the entries of a TLV sequence; the error names `path`, the enclosing node.
struct Entries<'a> {
    rest: &'a [u8],
    path: Path,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<Entry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let parsed = parse_entry(self.rest, self.path);
        match parsed {
            Ok((entry, rest)) => {
                self.rest = rest;
                Some(Ok(entry))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

fn entries(payload: &[u8], path: Path) -> Entries<'_> {
    Entries {
        rest: payload,
        path,
    }
}

fn parse_entry(buf: &[u8], path: Path) -> Result<(Entry<'_>, &[u8]), Error> {
    let truncated = || Error::malformed(path, "truncated TLV header");
    let (&ty, rest) = buf.split_first().ok_or_else(truncated)?;
    let id_len = if ty & 0x20 != 0 { 2 } else { 1 };
    let len_len = usize::from((ty >> 3) & 3);
    let (id_bytes, rest) = rest.split_at_checked(id_len).ok_or_else(truncated)?;
    let (len_bytes, rest) = rest.split_at_checked(len_len).ok_or_else(truncated)?;
    let id = id_bytes
        .iter()
        .fold(0u16, |acc, b| (acc << 8) | u16::from(*b));
    let len = if len_len == 0 {
        usize::from(ty & 7)
    } else {
        len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    };
    let (value, rest) = rest
        .split_at_checked(len)
        .ok_or_else(|| Error::malformed(path, "TLV length exceeds the payload"))?;
    Ok((
        Entry {
            kind: Kind::from_bits(ty >> 6),
            id,
            value,
        },
        rest,
    ))
}

/// Decodes a TLV payload addressed to `path` (Object, Object Instance, Resource or Resource
/// Instance). A write to an Object Instance may carry its resources bare or wrapped in one
/// Object Instance entry; both decode to [`Node::Instance`].
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    let node = match path.depth() {
        4 => {
            let entry = single_entry(payload, path)?;
            if entry.kind != Kind::ResourceInstance && entry.kind != Kind::Resource {
                return Err(Error::malformed(path, "expected a resource instance TLV"));
            }
            check_id(path, entry.id)?;
            Node::Single(decode_value(resolver, path, entry.value)?)
        }
        3 => decode_resource_level(path, payload, resolver)?,
        2 => {
            let mut items = entries(payload, path).peekable();
            let wrapped = matches!(items.peek(), Some(Ok(e)) if e.kind == Kind::ObjectInstance);
            if wrapped {
                let entry = single_entry(payload, path)?;
                check_id(path, entry.id)?;
                Node::Instance(decode_resources(path, entry.value, resolver)?)
            } else {
                Node::Instance(decode_resources(path, payload, resolver)?)
            }
        }
        1 => {
            let mut instances = Vec::new();
            for entry in entries(payload, path) {
                let entry = entry?;
                let ipath = child(path, entry.id)?;
                if entry.kind != Kind::ObjectInstance {
                    return Err(Error::malformed(ipath, "expected an object instance TLV"));
                }
                let resources = decode_resources(ipath, entry.value, resolver)?;
                instances.push(Instance {
                    id: entry.id,
                    resources,
                });
            }
            Node::Object(instances)
        }
        _ => {
            return Err(Error::NotAcceptable {
                path,
                format: Some(ContentFormat::Tlv.number()),
            });
        }
    };
    Ok(Content { path, node })
}

/// `/o/i/r`: one resource TLV, one multiple-resource TLV, or bare resource instances.
fn decode_resource_level(
    path: Path,
    payload: &[u8],
    resolver: &dyn TypeResolver,
) -> Result<Node, Error> {
    let first = entries(payload, path).next().transpose()?;
    match first.map(|e| e.kind) {
        Some(Kind::Resource) => {
            let entry = single_entry(payload, path)?;
            check_id(path, entry.id)?;
            Ok(Node::Single(decode_value(resolver, path, entry.value)?))
        }
        Some(Kind::MultipleResource) => {
            let entry = single_entry(payload, path)?;
            check_id(path, entry.id)?;
            Ok(Node::Multiple(decode_instances(
                path,
                entry.value,
                resolver,
            )?))
        }
        Some(Kind::ResourceInstance) | None => {
            Ok(Node::Multiple(decode_instances(path, payload, resolver)?))
        }
        Some(Kind::ObjectInstance) => Err(Error::malformed(path, "unexpected object instance TLV")),
    }
}

/// The resources of the Object Instance at `path`.
fn decode_resources(
    path: Path,
    payload: &[u8],
    resolver: &dyn TypeResolver,
) -> Result<Vec<Resource>, Error> {
    let mut resources = Vec::new();
    for entry in entries(payload, path) {
        let entry = entry?;
        let rpath = child(path, entry.id)?;
        let value = match entry.kind {
            Kind::Resource => ResourceValue::Single(decode_value(resolver, rpath, entry.value)?),
            Kind::MultipleResource => {
                ResourceValue::Multiple(decode_instances(rpath, entry.value, resolver)?)
            }
            _ => return Err(Error::malformed(rpath, "expected a resource TLV")),
        };
        resources.push(Resource {
            id: entry.id,
            value,
        });
    }
    Ok(resources)
}

/// The Resource Instances of the Resource at `path`.
fn decode_instances(
    path: Path,
    payload: &[u8],
    resolver: &dyn TypeResolver,
) -> Result<Vec<(ResourceInstanceId, Value)>, Error> {
    let mut items = Vec::new();
    for entry in entries(payload, path) {
        let entry = entry?;
        let ipath = child(path, entry.id)?;
        if entry.kind != Kind::ResourceInstance {
            return Err(Error::malformed(ipath, "expected a resource instance TLV"));
        }
        items.push((entry.id, decode_value(resolver, ipath, entry.value)?));
    }
    Ok(items)
}

fn single_entry(payload: &[u8], path: Path) -> Result<Entry<'_>, Error> {
    let mut it = entries(payload, path);
    let entry = it
        .next()
        .ok_or_else(|| Error::malformed(path, "empty TLV payload"))??;
    if it.next().is_some() {
        return Err(Error::malformed(
            path,
            "more than one TLV entry for a single node",
        ));
    }
    Ok(entry)
}

fn check_id(path: Path, id: u16) -> Result<(), Error> {
    if path.ids().last() == Some(&id) {
        Ok(())
    } else {
        Err(Error::malformed(
            path,
            "TLV identifier does not match the request path",
        ))
    }
}

fn child(path: Path, id: u16) -> Result<Path, Error> {
    path.child(id)
        .ok_or_else(|| Error::malformed(path, "TLV nested below a resource instance"))
}

/// Decodes a value by the resolver's type; Opaque when unknown.
fn decode_value(resolver: &dyn TypeResolver, path: Path, raw: &[u8]) -> Result<Value, Error> {
    let Some(kind) = resolver.resource_type(&path) else {
        return Ok(Value::Opaque(raw.to_vec()));
    };
    let mismatch = |found| Error::TypeMismatch {
        path,
        expected: kind,
        found,
    };
    let value = match kind {
        ResourceType::String | ResourceType::Corelnk => {
            let s = String::from(core::str::from_utf8(raw).map_err(|_| mismatch("invalid UTF-8"))?);
            if kind == ResourceType::String {
                Value::String(s)
            } else {
                Value::Corelnk(s)
            }
        }
        ResourceType::Integer | ResourceType::Time => {
            let i = match raw.len() {
                1 | 2 | 4 | 8 => sign_extend(raw),
                _ => return Err(mismatch("integer that is not 1, 2, 4 or 8 bytes")),
            };
            if kind == ResourceType::Time {
                Value::Time(i)
            } else {
                Value::Integer(i)
            }
        }
        ResourceType::UnsignedInteger => match raw.len() {
            1 | 2 | 4 | 8 => {
                Value::UnsignedInteger(raw.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
            }
            _ => return Err(mismatch("unsigned integer that is not 1, 2, 4 or 8 bytes")),
        },
        ResourceType::Float => match raw {
            [a, b, c, d] => Value::Float(f64::from(f32::from_be_bytes([*a, *b, *c, *d]))),
            _ => Value::Float(f64::from_be_bytes(
                raw.try_into()
                    .map_err(|_| mismatch("float that is not 4 or 8 bytes"))?,
            )),
        },
        ResourceType::Boolean => match raw {
            [0] => Value::Boolean(false),
            [1] => Value::Boolean(true),
            _ => return Err(mismatch("boolean that is not one byte 0 or 1")),
        },
        ResourceType::Objlnk => match raw {
            [a, b, c, d] => Value::Objlnk(ObjLink::new(
                u16::from_be_bytes([*a, *b]),
                u16::from_be_bytes([*c, *d]),
            )),
            _ => return Err(mismatch("object link that is not 4 bytes")),
        },
        ResourceType::Opaque => Value::Opaque(raw.to_vec()),
        _ => return Err(mismatch("a value for a resource without value")),
    };
    typed(resolver, path, value)
}

/// Big-endian two's complement of 1 to 8 bytes.
fn sign_extend(raw: &[u8]) -> i64 {
    let negative = raw.first().is_some_and(|b| b & 0x80 != 0);
    let init: i64 = if negative { -1 } else { 0 };
    raw.iter().fold(init, |acc, b| (acc << 8) | i64::from(*b))
}
