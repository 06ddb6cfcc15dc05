//! OMA TLV (Content-Format 11542), LwM2M Core TS 1.0 §6.4.3 / Core TS 1.1 §7.4.3.
//!
//! Each entry is a type byte, an 8 or 16-bit identifier and a 0–3 byte length:
//!
//! ```text
//! bits 7-6  identifier kind: 00 object instance, 01 resource instance,
//!           10 multiple resource, 11 resource with value
//! bit  5    identifier width: 0 = 8 bits, 1 = 16 bits
//! bits 4-3  length width: 00 = length in bits 2-0, 01 = 8, 10 = 16, 11 = 24 bits
//! bits 2-0  length when bits 4-3 are 00
//! ```
//!
//! Integers and Time are 1/2/4/8-byte signed big-endian, unsigned integers 1/2/4/8-byte unsigned,
//! floats 4 or 8 bytes, Booleans one byte, Objlnk two 16-bit ids. TLV carries no types: without a
//! known type a value decodes as Opaque.

mod decode;
mod encode;

pub use decode::decode;
pub use encode::encode;

/// The identifier kind in bits 7-6 of the type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    ObjectInstance = 0,
    ResourceInstance = 1,
    MultipleResource = 2,
    Resource = 3,
}

impl Kind {
    const fn from_bits(bits: u8) -> Self {
        match bits & 3 {
            0 => Kind::ObjectInstance,
            1 => Kind::ResourceInstance,
            2 => Kind::MultipleResource,
            _ => Kind::Resource,
        }
    }
}

/// The largest value length TLV can express (24-bit length field).
pub(crate) const MAX_LEN: usize = 0xFF_FFFF;
