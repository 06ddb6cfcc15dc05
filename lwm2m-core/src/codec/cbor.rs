//! CBOR (Content-Format 60, `application/cbor`), LwM2M Core TS 1.1 §7.3.3: one value as one CBOR
//! data item. The same value mapping is used inside LwM2M CBOR ([`super::lwm2m_cbor`]):
//! Integer and Time as CBOR integers (Time may carry tag 1 on input), Unsigned Integer as an
//! unsigned integer, Float as the shortest exact float (half floats accepted on input), Boolean,
//! String and Corelnk as text, Opaque as a byte string, Objlnk as text `oid:iid`.

use alloc::string::String;
use alloc::vec::Vec;

use minicbor::data::{IanaTag, Type};
use minicbor::{Decoder, Encoder};

use super::cbor_util::{self, cbor_err, write_float};
use super::{not_acceptable, typed};
use crate::content::{Content, Node};
use crate::error::Error;
use crate::format::ContentFormat;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::types::{ObjLink, ResourceType};
use crate::value::Value;

/// Encodes a single value ([`Node::Single`]); other shapes are [`Error::NotAcceptable`].
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    let Node::Single(value) = &content.node else {
        return Err(not_acceptable(content, ContentFormat::Cbor));
    };
    let mut e = Encoder::new(Vec::new());
    write_value(&mut e, value);
    Ok(e.into_writer())
}

/// Decodes one CBOR data item as the value at a Resource or Resource Instance `path`.
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    if path.depth() < 3 {
        return Err(Error::NotAcceptable {
            path,
            format: Some(ContentFormat::Cbor.number()),
        });
    }
    let mut d = Decoder::new(payload);
    let value = read_value(&mut d, path, resolver)?;
    if d.position() != payload.len() {
        return Err(Error::malformed(
            path,
            "trailing bytes after the CBOR value",
        ));
    }
    Ok(Content::single(path, value))
}

/// Writes one value.
pub(crate) fn write_value(e: &mut Encoder<Vec<u8>>, v: &Value) {
    // Writing to a Vec is infallible.
    let _ = match v {
        Value::Integer(i) | Value::Time(i) => e.i64(*i).map(|_| ()),
        Value::UnsignedInteger(u) => e.u64(*u).map(|_| ()),
        Value::Float(f) => write_float(e, *f).map(|_| ()),
        Value::Boolean(b) => e.bool(*b).map(|_| ()),
        Value::String(s) | Value::Corelnk(s) => e.str(s).map(|_| ()),
        Value::Opaque(b) => e.bytes(b).map(|_| ()),
        Value::Objlnk(l) => {
            let mut text = String::new();
            let _ = core::fmt::write(&mut text, format_args!("{l}"));
            e.str(&text).map(|_| ())
        }
    };
}

/// Reads one scalar value and types it by the resolver.
pub(crate) fn read_value(
    d: &mut Decoder<'_>,
    path: Path,
    resolver: &dyn TypeResolver,
) -> Result<Value, Error> {
    let err = cbor_err(path);
    let value = match d.datatype().map_err(err)? {
        Type::Bool => Value::Boolean(d.bool().map_err(err)?),
        Type::String => Value::String(String::from(d.str().map_err(err)?)),
        Type::Bytes => Value::Opaque(d.bytes().map_err(err)?.to_vec()),
        Type::Tag => {
            let tag = d.tag().map_err(err)?;
            if tag != IanaTag::Timestamp.tag() {
                return Err(Error::malformed(path, "unsupported CBOR tag"));
            }
            match cbor_util::read_number(d, path)? {
                Value::Integer(i) => Value::Time(i),
                _ => return Err(Error::malformed(path, "time tag on a non-integer")),
            }
        }
        _ => cbor_util::read_number(d, path)?,
    };
    // Objlnk travels as text.
    let value = match (value, resolver.resource_type(&path)) {
        (Value::String(s), Some(ResourceType::Objlnk)) => {
            let link: ObjLink = s.parse().map_err(|_| Error::TypeMismatch {
                path,
                expected: ResourceType::Objlnk,
                found: "string that is not oid:iid",
            })?;
            Value::Objlnk(link)
        }
        (v, _) => v,
    };
    typed(resolver, path, value)
}
