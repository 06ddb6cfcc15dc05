//! Rust field types <-> [`Value`]: the conversions every generated getter and setter uses.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::Error;
use crate::object::enumeration::Enumeration;
use crate::object::range::{InRange, RangeSpec};
use crate::object::time::Time;
use crate::path::Path;
use crate::types::{ObjLink, ResourceType};
use crate::value::Value;

/// A Rust type that holds one value of a Resource.
pub trait FieldValue: Sized {
    /// The LwM2M type it carries.
    const KIND: ResourceType;
    /// The value on the wire.
    fn to_value(&self) -> Value;
    /// From a decoded value, converting losslessly where [`Value::coerce`] allows; a value that
    /// does not fit the Rust type is 4.00 Bad Request.
    fn from_value(value: Value, path: Path) -> Result<Self, Error>;
}

fn too_wide(path: Path) -> Error {
    Error::malformed(path, "value does not fit the resource's integer type")
}

macro_rules! int_field {
    ($kind:ident, $wide:ty, $($t:ty),*) => {$(
        impl FieldValue for $t {
            const KIND: ResourceType = ResourceType::$kind;
            fn to_value(&self) -> Value {
                Value::$kind(<$wide>::from(*self))
            }
            fn from_value(value: Value, path: Path) -> Result<Self, Error> {
                match value.coerce(ResourceType::$kind, path)? {
                    Value::$kind(v) => <$t>::try_from(v).map_err(|_| too_wide(path)),
                    _ => Err(Error::Internal { reason: "coerce returned another type" }),
                }
            }
        }
    )*};
}
int_field!(Integer, i64, i8, i16, i32, i64);
int_field!(UnsignedInteger, u64, u8, u16, u32, u64);

macro_rules! plain_field {
    ($t:ty, $kind:ident, $wrap:expr, $unwrap:pat => $out:expr) => {
        impl FieldValue for $t {
            const KIND: ResourceType = ResourceType::$kind;
            fn to_value(&self) -> Value {
                #[allow(clippy::redundant_closure_call)]
                ($wrap)(self)
            }
            fn from_value(value: Value, path: Path) -> Result<Self, Error> {
                match value.coerce(ResourceType::$kind, path)? {
                    $unwrap => Ok($out),
                    _ => Err(Error::Internal {
                        reason: "coerce returned another type",
                    }),
                }
            }
        }
    };
}
plain_field!(f64, Float, |v: &f64| Value::Float(*v), Value::Float(v) => v);
plain_field!(bool, Boolean, |v: &bool| Value::Boolean(*v), Value::Boolean(v) => v);
plain_field!(String, String, |v: &String| Value::String(v.clone()), Value::String(v) => v);
plain_field!(Vec<u8>, Opaque, |v: &Vec<u8>| Value::Opaque(v.clone()), Value::Opaque(v) => v);
plain_field!(ObjLink, Objlnk, |v: &ObjLink| Value::Objlnk(*v), Value::Objlnk(v) => v);
plain_field!(Time, Time, |v: &Time| Value::Time(v.0), Value::Time(v) => Time(v));
plain_field!(CoreLink, Corelnk, |v: &CoreLink| Value::Corelnk(v.0.clone()), Value::Corelnk(v) => CoreLink(v));

/// A `Corelnk` Resource value: CoRE link format text (RFC 6690), e.g. `</3/0>,</1/0>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CoreLink(pub String);

impl fmt::Display for CoreLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl InRange for String {
    fn in_range(&self, range: &RangeSpec) -> bool {
        range.allows_str(self)
    }
}

impl InRange for Vec<u8> {
    fn in_range(&self, range: &RangeSpec) -> bool {
        range.allows_len(self.len())
    }
}

impl InRange for CoreLink {
    fn in_range(&self, range: &RangeSpec) -> bool {
        range.allows_str(&self.0)
    }
}

/// [`FieldValue::to_value`] for an [`Enumeration`].
pub fn enum_to_value<E: Enumeration<Raw: FieldValue>>(e: &E) -> Value {
    e.to_raw().to_value()
}

/// [`FieldValue::from_value`] for an [`Enumeration`].
pub fn enum_from_value<E: Enumeration<Raw: FieldValue>>(
    value: Value,
    path: Path,
) -> Result<E, Error> {
    E::Raw::from_value(value, path).map(E::from_raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing() {
        let p = Path::resource(1, 0, 1);
        assert_eq!(u8::from_value(Value::Integer(200), p), Ok(200));
        assert!(u8::from_value(Value::Integer(300), p).is_err());
        assert!(i8::from_value(Value::UnsignedInteger(128), p).is_err());
        assert_eq!(Time::from_value(Value::Integer(5), p), Ok(Time(5)));
        assert_eq!(
            CoreLink::from_value(Value::String("</3>".into()), p),
            Ok(CoreLink("</3>".into()))
        );
        assert_eq!(u64::MAX.to_value(), Value::UnsignedInteger(u64::MAX));
    }
}
