//! Resource values.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::path::Path;
use crate::types::{ObjLink, ResourceType};

/// The value of a Resource or Resource Instance.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// UTF-8 string.
    String(String),
    /// Signed integer.
    Integer(i64),
    /// Unsigned integer.
    UnsignedInteger(u64),
    /// Float.
    Float(f64),
    /// Boolean.
    Boolean(bool),
    /// Raw bytes.
    Opaque(Vec<u8>),
    /// Seconds since the Unix epoch.
    Time(i64),
    /// Object link.
    Objlnk(ObjLink),
    /// CoRE link-format string.
    Corelnk(String),
}

impl Value {
    /// The [`ResourceType`] this value has.
    pub const fn resource_type(&self) -> ResourceType {
        match self {
            Self::String(_) => ResourceType::String,
            Self::Integer(_) => ResourceType::Integer,
            Self::UnsignedInteger(_) => ResourceType::UnsignedInteger,
            Self::Float(_) => ResourceType::Float,
            Self::Boolean(_) => ResourceType::Boolean,
            Self::Opaque(_) => ResourceType::Opaque,
            Self::Time(_) => ResourceType::Time,
            Self::Objlnk(_) => ResourceType::Objlnk,
            Self::Corelnk(_) => ResourceType::Corelnk,
        }
    }

    /// A short name of the variant for error messages.
    pub const fn kind_name(&self) -> &'static str {
        match self {
            Self::String(_) => "string",
            Self::Integer(_) => "integer",
            Self::UnsignedInteger(_) => "unsigned integer",
            Self::Float(_) => "float",
            Self::Boolean(_) => "boolean",
            Self::Opaque(_) => "opaque",
            Self::Time(_) => "time",
            Self::Objlnk(_) => "objlnk",
            Self::Corelnk(_) => "corelnk",
        }
    }

    /// Converts a decoded value to the Resource's declared type where the conversion is lossless
    /// (a format carried `23` for a Time resource, `5.0` for an Integer, a string for a Corelnk);
    /// anything else is [`Error::TypeMismatch`] naming `path`.
    pub fn coerce(self, expected: ResourceType, path: Path) -> Result<Value, Error> {
        use ResourceType as T;
        if self.resource_type() == expected {
            return Ok(self);
        }
        let found = self.kind_name();
        let mismatch = Error::TypeMismatch {
            path,
            expected,
            found,
        };
        let converted = match (self, expected) {
            (Self::Integer(i) | Self::Time(i), T::Integer) => Some(Self::Integer(i)),
            (Self::Integer(i) | Self::Time(i), T::Time) => Some(Self::Time(i)),
            (Self::Integer(i) | Self::Time(i), T::UnsignedInteger) => {
                u64::try_from(i).ok().map(Self::UnsignedInteger)
            }
            (Self::Integer(i), T::Float) => Some(Self::Float(i as f64)),
            (Self::UnsignedInteger(u), T::Integer) => i64::try_from(u).ok().map(Self::Integer),
            (Self::UnsignedInteger(u), T::Time) => i64::try_from(u).ok().map(Self::Time),
            (Self::UnsignedInteger(u), T::Float) => Some(Self::Float(u as f64)),
            (Self::Float(f), T::Integer) => float_to_i64(f).map(Self::Integer),
            (Self::Float(f), T::Time) => float_to_i64(f).map(Self::Time),
            (Self::Float(f), T::UnsignedInteger) => float_to_u64(f).map(Self::UnsignedInteger),
            (Self::String(s), T::Corelnk) => Some(Self::Corelnk(s)),
            (Self::Corelnk(s), T::String) => Some(Self::String(s)),
            _ => None,
        };
        converted.ok_or(mismatch)
    }
}

/// `f` as an `i64` if it is integral and in range.
fn float_to_i64(f: f64) -> Option<i64> {
    // 2^63 as f64 is exact; the range check excludes it.
    let in_range = (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f);
    (in_range && f == trunc(f)).then_some(f as i64)
}

/// `f` as a `u64` if it is integral and in range.
fn float_to_u64(f: f64) -> Option<u64> {
    let in_range = (0.0..18_446_744_073_709_551_616.0).contains(&f);
    (in_range && f == trunc(f)).then_some(f as u64)
}

/// `f64::trunc` is not in `core`; this is exact for finite values.
fn trunc(f: f64) -> f64 {
    if f.abs() >= 4_503_599_627_370_496.0 {
        // 2^52 and above: every float is already an integer.
        f
    } else {
        (f as i64) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coercions() {
        let p = Path::resource(3, 0, 13);
        assert_eq!(
            Value::Integer(5).coerce(ResourceType::Time, p),
            Ok(Value::Time(5))
        );
        assert_eq!(
            Value::Float(5.0).coerce(ResourceType::Integer, p),
            Ok(Value::Integer(5))
        );
        assert!(Value::Float(5.5).coerce(ResourceType::Integer, p).is_err());
        assert!(
            Value::Float(f64::NAN)
                .coerce(ResourceType::Integer, p)
                .is_err()
        );
        assert!(Value::Float(1e19).coerce(ResourceType::Integer, p).is_err());
        assert_eq!(
            Value::Float(1e19).coerce(ResourceType::UnsignedInteger, p),
            Ok(Value::UnsignedInteger(10_000_000_000_000_000_000))
        );
        assert!(
            Value::Integer(-1)
                .coerce(ResourceType::UnsignedInteger, p)
                .is_err()
        );
        let err = Value::Boolean(true)
            .coerce(ResourceType::String, p)
            .unwrap_err();
        assert_eq!(
            err,
            Error::TypeMismatch {
                path: p,
                expected: ResourceType::String,
                found: "boolean"
            }
        );
    }
}
