//! SenML JSON (Content-Format 110).

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value as Json;

use super::{Names, RawRecord, Resolution, for_each_named};
use crate::codec::base64::{self, Alphabet};
use crate::codec::{push_fmt, write_float};
use crate::content::Content;
use crate::error::Error;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::types::ObjLink;
use crate::value::Value;

/// Encodes content as a SenML JSON array.
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(content.value_count() * 24);
    out.push(b'[');
    for_each_named(content, |names, path, value, time| {
        if out.len() > 1 {
            out.push(b',');
        }
        write_record(&mut out, &names, path, value, time)
    })?;
    out.push(b']');
    Ok(out)
}

fn write_record(
    out: &mut Vec<u8>,
    names: &Names,
    path: Path,
    value: &Value,
    time: Option<f64>,
) -> Result<(), Error> {
    out.push(b'{');
    let mut first = true;
    let mut key = |out: &mut Vec<u8>, k: &str| {
        if !first {
            out.push(b',');
        }
        first = false;
        write_string(out, k);
        out.push(b':');
    };
    if let Some(bn) = &names.base_name {
        key(out, "bn");
        write_string(out, bn.as_str());
    }
    if let Some(n) = &names.name {
        key(out, "n");
        write_string(out, n.as_str());
    }
    match value {
        Value::Integer(i) | Value::Time(i) => {
            key(out, "v");
            push_fmt(out, format_args!("{i}"));
        }
        Value::UnsignedInteger(u) => {
            key(out, "v");
            push_fmt(out, format_args!("{u}"));
        }
        Value::Float(f) => {
            key(out, "v");
            write_float(out, path, *f)?;
        }
        Value::String(s) | Value::Corelnk(s) => {
            key(out, "vs");
            write_string(out, s);
        }
        Value::Boolean(b) => {
            key(out, "vb");
            out.extend_from_slice(if *b { b"true" } else { b"false" });
        }
        Value::Opaque(bytes) => {
            key(out, "vd");
            out.push(b'"');
            base64::encode(out, bytes, Alphabet::Url);
            out.push(b'"');
        }
        Value::Objlnk(l) => {
            key(out, "vlo");
            push_fmt(out, format_args!("\"{l}\""));
        }
    }
    if let Some(t) = time {
        key(out, "t");
        write_float(out, path, t)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes a JSON string literal with RFC 8259 escapes.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..0x20 => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            push_fmt(out, format_args!("\\u{:04x}", b));
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Decodes a SenML JSON array addressed to `path`.
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    let mut resolution = Resolution::new(path, resolver);
    each_raw(path, payload, |raw| resolution.push(raw))?;
    resolution.finish()
}

/// Decodes the paths of a Read-Composite / Observe-Composite request body (records with names
/// and no values, Core TS 1.1 §6.3.8).
pub fn decode_paths(payload: &[u8]) -> Result<Vec<Path>, Error> {
    let mut raws = Vec::new();
    each_raw(Path::ROOT, payload, |raw| {
        raws.push(raw);
        Ok(())
    })?;
    super::paths_of(raws)
}

/// Encodes a Read-Composite request body: `[{"n":"/3/0/9"},…]`.
pub fn encode_paths(paths: &[Path]) -> Vec<u8> {
    let mut out = Vec::from(&b"["[..]);
    for (i, p) in paths.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_fmt(&mut out, format_args!("{{\"n\":\"{p}\"}}"));
    }
    out.push(b']');
    out
}

/// Parses the payload and hands over its records one by one.
fn each_raw(
    path: Path,
    payload: &[u8],
    mut f: impl FnMut(RawRecord<'static>) -> Result<(), Error>,
) -> Result<(), Error> {
    crate::codec::check_json_depth(path, payload)?;
    let json: Json = serde_json::from_slice(payload)
        .map_err(|_| Error::malformed(path, "payload is not valid JSON"))?;
    let Json::Array(items) = json else {
        return Err(Error::malformed(path, "SenML JSON must be an array"));
    };

    for item in items {
        let Json::Object(fields) = item else {
            return Err(Error::malformed(path, "SenML record must be an object"));
        };
        let mut raw = RawRecord::default();
        for (key, field) in fields {
            read_field(&mut raw, path, &key, field)?;
        }
        f(raw)?;
    }
    Ok(())
}

fn read_field(
    raw: &mut RawRecord<'static>,
    path: Path,
    key: &str,
    field: Json,
) -> Result<(), Error> {
    let bad = |reason| Error::malformed(path, reason);
    match key {
        "bn" => raw.base_name = Some(string(field).ok_or(bad("bn is not a string"))?.into()),
        "n" => raw.name = Some(string(field).ok_or(bad("n is not a string"))?.into()),
        "bt" => raw.base_time = Some(field.as_f64().ok_or(bad("bt is not a number"))?),
        "t" => raw.time = Some(field.as_f64().ok_or(bad("t is not a number"))?),
        "v" => raw.value = Some(number(&field).ok_or(bad("v is not a number"))?),
        "vs" => {
            raw.value = Some(Value::String(
                string(field).ok_or(bad("vs is not a string"))?,
            ))
        }
        "vb" => {
            raw.value = Some(Value::Boolean(
                field.as_bool().ok_or(bad("vb is not a boolean"))?,
            ))
        }
        "vd" => {
            let text = string(field).ok_or(bad("vd is not a string"))?;
            let bytes = base64::decode(text.as_bytes()).ok_or(bad("vd is not base64url"))?;
            raw.value = Some(Value::Opaque(bytes));
        }
        "vlo" => {
            let text = string(field).ok_or(bad("vlo is not a string"))?;
            let link: ObjLink = text.parse().map_err(|_| bad("vlo is not oid:iid"))?;
            raw.value = Some(Value::Objlnk(link));
        }
        // RFC 8428 §4.4: unknown fields ending in `_` must be understood.
        k if k.ends_with('_') => return Err(bad("unsupported mandatory SenML field")),
        _ => {}
    }
    Ok(())
}

fn string(field: Json) -> Option<String> {
    match field {
        Json::String(s) => Some(s),
        _ => None,
    }
}

/// A JSON number as Integer, UnsignedInteger (above `i64::MAX`) or Float.
fn number(field: &Json) -> Option<Value> {
    let Json::Number(n) = field else { return None };
    if let Some(i) = n.as_i64() {
        Some(Value::Integer(i))
    } else if let Some(u) = n.as_u64() {
        Some(Value::UnsignedInteger(u))
    } else {
        n.as_f64().filter(|f| f.is_finite()).map(Value::Float)
    }
}
