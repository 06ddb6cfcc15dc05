//! LwM2M 1.0 JSON (Content-Format 11543), LwM2M TS 1.0 §6.4.4:
//! `{"bn":"/3/0/","bt":…,"e":[{"n":"0","sv":"…"},{"n":"6/0","v":1},{"n":"x","bv":true},
//! {"n":"y","ov":"3:0"}]}`. Opaque values travel base64-encoded in `sv`.

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value as Json;

use super::base64::{self, Alphabet};
use super::senml::json::write_string;
use super::senml::{Names, RawRecord, Resolution, for_each_named};
use super::{push_fmt, write_float};
use crate::content::Content;
use crate::error::Error;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::types::{ObjLink, ResourceType};
use crate::value::Value;

/// Encodes content as an LwM2M 1.0 JSON object.
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(content.value_count() * 24);
    out.push(b'{');
    let mut entries = 0usize;
    for_each_named(content, |names, path, value, _| {
        if entries == 0 {
            if let Some(bn) = &names.base_name {
                out.extend_from_slice(b"\"bn\":");
                write_string(&mut out, bn.as_str());
                out.push(b',');
            }
            out.extend_from_slice(b"\"e\":[");
        } else {
            out.push(b',');
        }
        entries += 1;
        write_entry(&mut out, &names, path, value)
    })?;
    if entries == 0 {
        out.extend_from_slice(b"\"e\":[");
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

fn write_entry(out: &mut Vec<u8>, names: &Names, path: Path, value: &Value) -> Result<(), Error> {
    out.push(b'{');
    if let Some(n) = &names.name {
        out.extend_from_slice(b"\"n\":");
        write_string(out, n.as_str());
        out.push(b',');
    }
    match value {
        Value::Integer(i) | Value::Time(i) => push_fmt(out, format_args!("\"v\":{i}")),
        Value::UnsignedInteger(u) => push_fmt(out, format_args!("\"v\":{u}")),
        Value::Float(f) => {
            out.extend_from_slice(b"\"v\":");
            write_float(out, path, *f)?;
        }
        Value::Boolean(b) => push_fmt(out, format_args!("\"bv\":{b}")),
        Value::String(s) | Value::Corelnk(s) => {
            out.extend_from_slice(b"\"sv\":");
            write_string(out, s);
        }
        Value::Opaque(bytes) => {
            out.extend_from_slice(b"\"sv\":\"");
            base64::encode(out, bytes, Alphabet::Standard);
            out.push(b'"');
        }
        Value::Objlnk(l) => push_fmt(out, format_args!("\"ov\":\"{l}\"")),
    }
    out.push(b'}');
    Ok(())
}

/// Decodes an LwM2M 1.0 JSON payload addressed to `path`.
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    let bad = |reason| Error::malformed(path, reason);
    super::check_json_depth(path, payload)?;
    let json: Json =
        serde_json::from_slice(payload).map_err(|_| bad("payload is not valid JSON"))?;
    let Json::Object(mut root) = json else {
        return Err(bad("LwM2M JSON must be an object"));
    };
    let base_name = match root.remove("bn") {
        Some(Json::String(s)) => s,
        None => String::new(),
        Some(_) => return Err(bad("bn is not a string")),
    };
    let base_time = match root.remove("bt") {
        Some(t) => Some(t.as_f64().ok_or(bad("bt is not a number"))?),
        None => None,
    };
    let Some(Json::Array(entries)) = root.remove("e") else {
        return Err(bad("LwM2M JSON needs an \"e\" array"));
    };
    let mut resolution = Resolution::new(path, resolver);
    for (i, entry) in entries.into_iter().enumerate() {
        let Json::Object(fields) = entry else {
            return Err(bad("entry is not an object"));
        };
        let mut raw = RawRecord::default();
        if i == 0 {
            raw.base_name = Some(base_name.clone().into());
            raw.base_time = base_time;
        }
        for (key, field) in fields {
            match key.as_str() {
                "n" => {
                    raw.name =
                        Some(String::from(field.as_str().ok_or(bad("n is not a string"))?).into())
                }
                "t" => raw.time = Some(field.as_f64().ok_or(bad("t is not a number"))?),
                "v" => raw.value = Some(number(&field).ok_or(bad("v is not a number"))?),
                "bv" => raw.value = Some(Value::Boolean(field.as_bool().ok_or(bad("bv"))?)),
                "sv" => raw.value = Some(Value::String(field.as_str().ok_or(bad("sv"))?.into())),
                "ov" => {
                    let text = field.as_str().ok_or(bad("ov is not a string"))?;
                    let link: ObjLink = text.parse().map_err(|_| bad("ov is not oid:iid"))?;
                    raw.value = Some(Value::Objlnk(link));
                }
                _ => {}
            }
        }
        // Opaque resources carry base64 text in `sv`.
        if let Some(Value::String(s)) = &raw.value {
            let name = [base_name.as_str(), raw.name.as_deref().unwrap_or("")].concat();
            let rpath = name.parse::<Path>().ok();
            if rpath.and_then(|p| resolver.resource_type(&p)) == Some(ResourceType::Opaque) {
                let bytes = base64::decode(s.as_bytes()).ok_or(bad("sv is not base64"))?;
                raw.value = Some(Value::Opaque(bytes));
            }
        }
        resolution.push(raw)?;
    }
    resolution.finish()
}

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
