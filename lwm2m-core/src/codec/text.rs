//! Plain text (Content-Format 0), LwM2M Core TS 1.1 §7.3.2 (1.0: §6.4.1): one value, in ASCII.
//!
//! Integers, unsigned integers and Time are decimal (Time in seconds since the epoch), floats in
//! decimal (shortest round-trip form), Booleans `0`/`1`, Objlnk `oid:iid`, Opaque base64
//! (1.1 §7.3.2), String and Corelnk as UTF-8. Without a known type, a payload decodes as String.

use alloc::string::String;
use alloc::vec::Vec;

use super::base64::{self, Alphabet};
use super::{not_acceptable, push_fmt, write_float};
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
        return Err(not_acceptable(content, ContentFormat::Text));
    };
    let mut out = Vec::new();
    write_value(&mut out, content.path, value)?;
    Ok(out)
}

/// Writes one value in its text form.
pub(crate) fn write_value(out: &mut Vec<u8>, path: Path, value: &Value) -> Result<(), Error> {
    match value {
        Value::String(s) | Value::Corelnk(s) => out.extend_from_slice(s.as_bytes()),
        Value::Integer(i) | Value::Time(i) => push_fmt(out, format_args!("{i}")),
        Value::UnsignedInteger(u) => push_fmt(out, format_args!("{u}")),
        Value::Float(f) => write_float(out, path, *f)?,
        Value::Boolean(b) => out.push(if *b { b'1' } else { b'0' }),
        Value::Opaque(bytes) => base64::encode(out, bytes, Alphabet::Standard),
        Value::Objlnk(link) => push_fmt(out, format_args!("{link}")),
    }
    Ok(())
}

/// Decodes a single value at a Resource or Resource Instance `path`.
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    if path.depth() < 3 {
        return Err(Error::NotAcceptable {
            path,
            format: Some(ContentFormat::Text.number()),
        });
    }
    let text = core::str::from_utf8(payload)
        .map_err(|_| Error::malformed(path, "plain text payload is not UTF-8"))?;
    let kind = resolver
        .resource_type(&path)
        .unwrap_or(ResourceType::String);
    Ok(Content::single(path, parse_value(path, kind, text)?))
}

/// Parses the text form of a value of type `kind`.
pub(crate) fn parse_value(path: Path, kind: ResourceType, text: &str) -> Result<Value, Error> {
    let mismatch = |found| Error::TypeMismatch {
        path,
        expected: kind,
        found,
    };
    Ok(match kind {
        ResourceType::String => Value::String(String::from(text)),
        ResourceType::Corelnk => Value::Corelnk(String::from(text)),
        ResourceType::Integer => {
            Value::Integer(parse_int(text).ok_or(mismatch("non-integer text"))?)
        }
        ResourceType::Time => Value::Time(parse_int(text).ok_or(mismatch("non-integer text"))?),
        ResourceType::UnsignedInteger => Value::UnsignedInteger(
            text.trim()
                .parse()
                .map_err(|_| mismatch("non-unsigned-integer text"))?,
        ),
        ResourceType::Float => {
            let f: f64 = text
                .trim()
                .parse()
                .map_err(|_| mismatch("non-numeric text"))?;
            if !f.is_finite() {
                return Err(mismatch("non-finite number"));
            }
            Value::Float(f)
        }
        ResourceType::Boolean => match text.trim() {
            "1" => Value::Boolean(true),
            "0" => Value::Boolean(false),
            _ => return Err(mismatch("text other than 0 or 1")),
        },
        ResourceType::Objlnk => {
            let link: ObjLink = text
                .trim()
                .parse()
                .map_err(|_| mismatch("text not oid:iid"))?;
            Value::Objlnk(link)
        }
        ResourceType::Opaque => Value::Opaque(
            base64::decode(text.trim().as_bytes()).ok_or(mismatch("non-base64 text"))?,
        ),
        _ => return Err(mismatch("a value for a resource without value")),
    })
}

/// Decimal `i64`; rejects a leading `+` sign only if followed by nothing.
fn parse_int(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(kind: ResourceType, text: &str) -> Result<Value, Error> {
        let p = Path::resource(3, 0, 1);
        decode(p, text.as_bytes(), &move |_: &Path| Some(kind)).map(|c| match c.node {
            Node::Single(v) => v,
            _ => unreachable!("text decodes to a single value"),
        })
    }

    #[test]
    fn lwm2m_text_rules() {
        assert_eq!(
            dec(ResourceType::Time, "1367491215"),
            Ok(Value::Time(1_367_491_215))
        );
        assert_eq!(
            dec(ResourceType::Objlnk, "3:0"),
            Ok(Value::Objlnk(ObjLink::new(3, 0)))
        );
        assert_eq!(dec(ResourceType::Boolean, "1"), Ok(Value::Boolean(true)));
        assert!(dec(ResourceType::Boolean, "true").is_err());
        assert_eq!(dec(ResourceType::Float, "-23.5"), Ok(Value::Float(-23.5)));
        assert!(dec(ResourceType::Float, "inf").is_err());
        assert_eq!(
            dec(ResourceType::Opaque, "AQI="),
            Ok(Value::Opaque(alloc::vec![1, 2]))
        );
        let err = dec(ResourceType::Integer, "12a").unwrap_err();
        assert_eq!(err.path(), Some(Path::resource(3, 0, 1)));
        let p = Path::resource(3, 0, 1);
        assert_eq!(
            encode(&Content::single(p, Value::Boolean(false))).unwrap(),
            b"0"
        );
        assert_eq!(
            encode(&Content::single(p, Value::Float(23.0))).unwrap(),
            b"23.0"
        );
        assert_eq!(
            encode(&Content::single(p, Value::Objlnk(ObjLink::new(3, 1)))).unwrap(),
            b"3:1"
        );
        assert!(encode(&Content::single(p, Value::Float(f64::NAN))).is_err());
    }
}
