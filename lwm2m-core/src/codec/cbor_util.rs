//! Helpers shared by the CBOR-based codecs.

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use crate::error::Error;
use crate::path::Path;
use crate::value::Value;

/// Maps any minicbor decode error to [`Error::Malformed`] at `path`.
pub(crate) fn cbor_err(path: Path) -> impl Fn(minicbor::decode::Error) -> Error + Copy {
    move |_| Error::malformed(path, "invalid or truncated CBOR")
}

/// Writes a float as `f32` when that is exact, else `f64`.
pub(crate) fn write_float<W: minicbor::encode::Write>(
    e: &mut Encoder<W>,
    f: f64,
) -> Result<&mut Encoder<W>, minicbor::encode::Error<W::Error>> {
    if f64::from(f as f32) == f {
        e.f32(f as f32)
    } else {
        e.f64(f)
    }
}

/// Whether a container of `len` items (`None`: indefinite, ended by a break) has another item
/// after `index` items; consumes the break.
pub(crate) fn has_more(
    d: &mut Decoder<'_>,
    len: Option<u64>,
    index: u64,
    path: Path,
) -> Result<bool, Error> {
    match len {
        Some(n) => Ok(index < n),
        None => {
            if d.datatype().map_err(cbor_err(path))? == Type::Break {
                // A break is the single byte 0xFF.
                d.set_position(d.position() + 1);
                Ok(false)
            } else {
                Ok(true)
            }
        }
    }
}

/// Skips one value of an unknown field, refusing containers and tags so that skipping cannot
/// recurse.
pub(crate) fn skip_scalar(d: &mut Decoder<'_>, path: Path) -> Result<(), Error> {
    match d.datatype().map_err(cbor_err(path))? {
        Type::Array | Type::ArrayIndef | Type::Map | Type::MapIndef | Type::Tag => {
            Err(Error::malformed(path, "nested value in an unknown field"))
        }
        _ => d.skip().map_err(cbor_err(path)),
    }
}

/// A CBOR number as Integer, UnsignedInteger (above `i64::MAX`) or Float.
pub(crate) fn read_number(d: &mut Decoder<'_>, path: Path) -> Result<Value, Error> {
    let err = cbor_err(path);
    match d.datatype().map_err(err)? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
            let u = d.u64().map_err(err)?;
            Ok(i64::try_from(u).map_or(Value::UnsignedInteger(u), Value::Integer))
        }
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
            Ok(Value::Integer(d.i64().map_err(err)?))
        }
        Type::F16 | Type::F32 | Type::F64 => {
            let f = d.f64().map_err(err)?;
            if f.is_finite() {
                Ok(Value::Float(f))
            } else {
                Err(Error::malformed(path, "non-finite number"))
            }
        }
        _ => Err(Error::malformed(path, "expected a number")),
    }
}

/// A CBOR number as `f64` (for times).
pub(crate) fn read_number_f64(d: &mut Decoder<'_>, path: Path) -> Result<f64, Error> {
    match read_number(d, path)? {
        Value::Integer(i) => Ok(i as f64),
        Value::UnsignedInteger(u) => Ok(u as f64),
        Value::Float(f) => Ok(f),
        _ => Err(Error::malformed(path, "expected a number")),
    }
}
