//! Declared ranges as static data, and the checks setters run against them.

use core::fmt;

use crate::ids::ResourceId;

/// A Resource's declared range, as generated code emits it (`const` data, no allocation).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum RangeSpec {
    /// Any value of the type.
    Any,
    /// Integers within any of the inclusive spans.
    Int(&'static [(i128, i128)]),
    /// Numbers within any of the inclusive spans.
    Float(&'static [(f64, f64)]),
    /// Strings or bytes whose length is within any of the inclusive spans.
    Len(&'static [(u64, u64)]),
    /// Strings equal to one of these.
    Strings(&'static [&'static str]),
}

impl RangeSpec {
    /// True when the integer `v` is allowed (any length or string range allows it).
    pub fn allows_int(&self, v: i128) -> bool {
        match self {
            Self::Int(spans) => spans.iter().any(|&(lo, hi)| lo <= v && v <= hi),
            Self::Float(spans) => {
                let f = v as f64;
                spans.iter().any(|&(lo, hi)| lo <= f && f <= hi)
            }
            _ => true,
        }
    }

    /// True when the number `v` is allowed.
    pub fn allows_float(&self, v: f64) -> bool {
        match self {
            Self::Int(spans) => spans
                .iter()
                .any(|&(lo, hi)| lo as f64 <= v && v <= hi as f64),
            Self::Float(spans) => spans.iter().any(|&(lo, hi)| lo <= v && v <= hi),
            _ => true,
        }
    }

    /// True when a string or byte string of length `len` (bytes) is allowed.
    pub fn allows_len(&self, len: usize) -> bool {
        match self {
            Self::Len(spans) => spans
                .iter()
                .any(|&(lo, hi)| lo <= len as u64 && len as u64 <= hi),
            _ => true,
        }
    }

    /// True when the string `s` is allowed.
    pub fn allows_str(&self, s: &str) -> bool {
        match self {
            Self::Strings(list) => list.contains(&s),
            other => other.allows_len(s.len()),
        }
    }
}

impl fmt::Display for RangeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<T: fmt::Display>(
            f: &mut fmt::Formatter<'_>,
            items: &[(T, T)],
            unit: &str,
        ) -> fmt::Result {
            for (i, (lo, hi)) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{lo}..{hi}{unit}")?;
            }
            Ok(())
        }
        match self {
            Self::Any => f.write_str("any"),
            Self::Int(s) => list(f, s, ""),
            Self::Float(s) => list(f, s, ""),
            Self::Len(s) => list(f, s, " bytes"),
            Self::Strings(s) => {
                for (i, v) in s.iter().enumerate() {
                    if i > 0 {
                        f.write_str(";")?;
                    }
                    f.write_str(v)?;
                }
                Ok(())
            }
        }
    }
}

/// A value outside its Resource's declared range. Maps to 4.00 Bad Request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeError {
    /// The Resource.
    pub resource: ResourceId,
    /// What it allows.
    pub range: RangeSpec,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "value out of range for resource {} (allowed: {})",
            self.resource, self.range
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RangeError {}

/// Values a setter can check against a [`RangeSpec`].
pub trait InRange {
    /// True when `self` is allowed by `range`.
    fn in_range(&self, range: &RangeSpec) -> bool;
}

macro_rules! int_in_range {
    ($($t:ty),*) => {$(
        impl InRange for $t {
            fn in_range(&self, range: &RangeSpec) -> bool {
                range.allows_int(i128::from(*self))
            }
        }
    )*};
}
int_in_range!(i8, i16, i32, i64, u8, u16, u32, u64);

impl InRange for f64 {
    fn in_range(&self, range: &RangeSpec) -> bool {
        range.allows_float(*self)
    }
}

impl InRange for str {
    fn in_range(&self, range: &RangeSpec) -> bool {
        range.allows_str(self)
    }
}

impl InRange for [u8] {
    fn in_range(&self, range: &RangeSpec) -> bool {
        range.allows_len(self.len())
    }
}

/// Checks `value` against `range` for Resource `resource`.
pub fn check<T: InRange + ?Sized>(
    resource: ResourceId,
    range: &RangeSpec,
    value: &T,
) -> Result<(), RangeError> {
    if value.in_range(range) {
        Ok(())
    } else {
        Err(RangeError {
            resource,
            range: *range,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        const R: RangeSpec = RangeSpec::Int(&[(0, 100), (u64::MAX as i128, u64::MAX as i128)]);
        assert!(check(1, &R, &5u8).is_ok());
        assert!(check(1, &R, &u64::MAX).is_ok());
        assert!(check(1, &R, &101i32).is_err());
        assert!(check(1, &RangeSpec::Float(&[(-40.0, 85.0)]), &85.0).is_ok());
        assert!(check(1, &RangeSpec::Float(&[(-40.0, 85.0)]), &85.5).is_err());
        assert!(check(1, &RangeSpec::Len(&[(0, 3)]), "abcd").is_err());
        assert!(check(1, &RangeSpec::Strings(&["ON", "OFF"]), "ON").is_ok());
        let e = check(7, &R, &200u8).unwrap_err();
        assert_eq!(e.resource, 7);
        #[cfg(feature = "alloc")]
        assert_eq!(
            alloc::string::ToString::to_string(&e),
            "value out of range for resource 7 (allowed: 0..100, 18446744073709551615..18446744073709551615)"
        );
    }
}
