//! Content-format codecs. Each module has `encode(&Content)` and `decode(path, payload, resolver)`.
//!
//! Decoding is typed by a [`TypeResolver`]: when it knows the Resource's type, the decoded value
//! is converted to it (losslessly) or the decode fails with [`Error::TypeMismatch`] naming the
//! path. When it does not, each format falls back to the type it carries itself (text: String,
//! TLV: Opaque, SenML/CBOR: the value's own kind).
//!
//! Every decoder is total: it never panics on any input, never reserves more memory than the
//! payload could fill, and bounds nesting (TLV and LwM2M CBOR by the 4-level path depth, JSON by
//! [`MAX_DEPTH`]).

use alloc::vec::Vec;

use crate::content::Content;
use crate::error::Error;
use crate::format::ContentFormat;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::value::Value;

mod base64;
pub mod cbor;
mod cbor_util;
pub mod legacy_json;
pub mod link;
pub mod lwm2m_cbor;
pub mod opaque;
pub mod senml;
pub mod text;
pub mod tlv;

/// The deepest container nesting any decoder accepts.
pub const MAX_DEPTH: usize = 8;

/// Encodes `content` in `format`. Link format is not a value format: use [`link::encode`].
pub fn encode(format: ContentFormat, content: &Content) -> Result<Vec<u8>, Error> {
    match format {
        ContentFormat::Text => text::encode(content),
        ContentFormat::Opaque => opaque::encode(content),
        ContentFormat::Cbor => cbor::encode(content),
        ContentFormat::Tlv => tlv::encode(content),
        ContentFormat::SenmlJson => senml::json::encode(content),
        ContentFormat::SenmlCbor => senml::cbor::encode(content),
        ContentFormat::LwM2mCbor => lwm2m_cbor::encode(content),
        ContentFormat::LwM2mJson => legacy_json::encode(content),
        ContentFormat::LinkFormat => Err(Error::NotAcceptable {
            path: content.path,
            format: Some(format.number()),
        }),
    }
}

/// Decodes a payload in `format` addressed to `path`.
pub fn decode(
    format: ContentFormat,
    path: Path,
    payload: &[u8],
    resolver: &dyn TypeResolver,
) -> Result<Content, Error> {
    match format {
        ContentFormat::Text => text::decode(path, payload, resolver),
        ContentFormat::Opaque => opaque::decode(path, payload, resolver),
        ContentFormat::Cbor => cbor::decode(path, payload, resolver),
        ContentFormat::Tlv => tlv::decode(path, payload, resolver),
        ContentFormat::SenmlJson => senml::json::decode(path, payload, resolver),
        ContentFormat::SenmlCbor => senml::cbor::decode(path, payload, resolver),
        ContentFormat::LwM2mCbor => lwm2m_cbor::decode(path, payload, resolver),
        ContentFormat::LwM2mJson => legacy_json::decode(path, payload, resolver),
        ContentFormat::LinkFormat => Err(Error::UnsupportedContentFormat {
            format: format.number(),
        }),
    }
}

/// Applies the resolver's type to a decoded value (see the module docs).
pub(crate) fn typed(resolver: &dyn TypeResolver, path: Path, value: Value) -> Result<Value, Error> {
    match resolver.resource_type(&path) {
        Some(expected) => value.coerce(expected, path),
        None => Ok(value),
    }
}

/// Writes a float in its shortest round-trip form (`1.0`, `23.1`, `1e300`). Non-finite floats
/// have no representation in the LwM2M text formats.
pub(crate) fn write_float(out: &mut Vec<u8>, path: Path, f: f64) -> Result<(), Error> {
    if !f.is_finite() {
        return Err(Error::malformed(path, "non-finite float has no text form"));
    }
    push_fmt(out, format_args!("{f:?}"));
    Ok(())
}

/// Rejects JSON nested deeper than [`MAX_DEPTH`] before any parser recurses into it.
pub(crate) fn check_json_depth(path: Path, payload: &[u8]) -> Result<(), Error> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in payload {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::TooDeep {
                        path,
                        limit: MAX_DEPTH,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// `write!` into a byte vector.
pub(crate) fn push_fmt(out: &mut Vec<u8>, args: core::fmt::Arguments<'_>) {
    struct W<'a>(&'a mut Vec<u8>);
    impl core::fmt::Write for W<'_> {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            self.0.extend_from_slice(s.as_bytes());
            Ok(())
        }
    }
    // Writing into a Vec cannot fail.
    let _ = core::fmt::write(&mut W(out), args);
}

/// The error for content shapes a format cannot carry.
pub(crate) fn not_acceptable(content: &Content, format: ContentFormat) -> Error {
    Error::NotAcceptable {
        path: content.path,
        format: Some(format.number()),
    }
}
