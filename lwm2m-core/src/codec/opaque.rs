//! Opaque (Content-Format 42, `application/octet-stream`), LwM2M Core TS 1.1 §7.3.1: the raw
//! bytes of one Opaque Resource.

use alloc::vec::Vec;

use super::{not_acceptable, typed};
use crate::content::{Content, Node};
use crate::error::Error;
use crate::format::ContentFormat;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::value::Value;

/// Encodes a single Opaque value; anything else is [`Error::NotAcceptable`].
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    match &content.node {
        Node::Single(Value::Opaque(bytes)) => Ok(bytes.clone()),
        _ => Err(not_acceptable(content, ContentFormat::Opaque)),
    }
}

/// Decodes the payload as the Opaque value at `path`; a resolver naming another type makes it
/// a [`Error::TypeMismatch`].
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    if path.depth() < 3 {
        return Err(Error::NotAcceptable {
            path,
            format: Some(ContentFormat::Opaque.number()),
        });
    }
    let value = typed(resolver, path, Value::Opaque(payload.to_vec()))?;
    Ok(Content::single(path, value))
}
