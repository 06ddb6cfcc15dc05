//! Entry points for `fuzz/` targets: decode arbitrary bytes at several request paths, with and
//! without a type resolver, and re-encode whatever decodes. They must never panic.

use crate::codec;
use crate::format::ContentFormat;
use crate::path::Path;
use crate::types::ResourceType;

const PATHS: [Path; 5] = [
    Path::ROOT,
    Path::object(3),
    Path::instance(3, 0),
    Path::resource(3, 0, 7),
    Path::resource_instance(3, 0, 7, 1),
];

/// A resolver that gives every resource id a type, so typed decoding paths are exercised.
fn by_id(path: &Path) -> Option<ResourceType> {
    const TYPES: [ResourceType; 10] = [
        ResourceType::String,
        ResourceType::Integer,
        ResourceType::UnsignedInteger,
        ResourceType::Float,
        ResourceType::Boolean,
        ResourceType::Opaque,
        ResourceType::Time,
        ResourceType::Objlnk,
        ResourceType::Corelnk,
        ResourceType::None,
    ];
    Some(TYPES[usize::from(path.resource_id()?) % TYPES.len()])
}

fn untyped(_: &Path) -> Option<ResourceType> {
    None
}

fn run(format: ContentFormat, data: &[u8]) {
    for path in PATHS {
        for resolver in [&by_id as &dyn crate::TypeResolver, &untyped] {
            if let Ok(content) = codec::decode(format, path, data, resolver) {
                let _ = codec::encode(format, &content);
            }
        }
    }
}

/// Fuzz the TLV decoder.
pub fn tlv(data: &[u8]) {
    run(ContentFormat::Tlv, data);
}

/// Fuzz the SenML JSON decoder.
pub fn senml_json(data: &[u8]) {
    run(ContentFormat::SenmlJson, data);
    let _ = codec::senml::json::decode_paths(data);
}

/// Fuzz the SenML CBOR decoder.
pub fn senml_cbor(data: &[u8]) {
    run(ContentFormat::SenmlCbor, data);
    let _ = codec::senml::cbor::decode_paths(data);
}

/// Fuzz the LwM2M CBOR decoder.
pub fn lwm2m_cbor(data: &[u8]) {
    run(ContentFormat::LwM2mCbor, data);
}

/// Fuzz the LwM2M 1.0 JSON decoder.
pub fn legacy_json(data: &[u8]) {
    run(ContentFormat::LwM2mJson, data);
}

/// Fuzz the single-value decoders: plain text, opaque and CBOR.
pub fn text(data: &[u8]) {
    run(ContentFormat::Text, data);
    run(ContentFormat::Opaque, data);
    run(ContentFormat::Cbor, data);
}

/// Fuzz the link-format parser and its LwM2M attribute parsing.
pub fn link(data: &[u8]) {
    if let Ok(links) = codec::link::decode(data) {
        for l in &links {
            let _ = l.lwm2m_attributes();
        }
        let _ = codec::link::encode(&links);
    }
}
