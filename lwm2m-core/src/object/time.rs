//! The Rust type of `Time` Resources.

use core::fmt;

/// A `Time` Resource value: seconds since the Unix epoch (signed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub i64);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl crate::object::range::InRange for Time {
    fn in_range(&self, range: &crate::object::range::RangeSpec) -> bool {
        range.allows_int(i128::from(self.0))
    }
}
