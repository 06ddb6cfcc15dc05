//! `<RangeEnumeration>` text, parsed.
//!
//! The registry writes ranges many ways: `A..B`, `A...B`, `A-B`, `[A:B]`, `N bytes`,
//! `A..B bytes`, value lists (`10,26`, `5, 10, 15`), unions (`0..3, 99`), string lists
//! (`ON;OFF`) and `N: label` enumerations. Anything else is kept verbatim as
//! [`Range::Unparsed`]. Parsing never fails; oddities are reported as [`RangeNote`]s that the
//! validator turns into diagnostics.

use std::fmt;

/// One end of a numeric range, or one listed value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// Integers, wide enough for both `i64::MIN` and `u64::MAX`.
    Int(i128),
    Float(f64),
}

impl Bound {
    pub fn as_f64(self) -> f64 {
        match self {
            Bound::Int(i) => i as f64,
            Bound::Float(f) => f,
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Int(i) => write!(f, "{i}"),
            Bound::Float(x) => write!(f, "{x:?}"),
        }
    }
}

/// One member of a listed set: a single value or a span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RangeItem {
    Value(Bound),
    Span(Bound, Bound),
}

/// A parsed range.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Range {
    /// No range given.
    Any,
    /// `min..max`, inclusive.
    Span { min: Bound, max: Bound },
    /// A list of values and spans (`10,26`, `0..3, 99`).
    Set(Vec<RangeItem>),
    /// A byte length span (`0..255 bytes`, `32 bytes`), inclusive.
    Length { min: u64, max: u64 },
    /// A list of allowed byte lengths (`10 or 26 Bytes`, `16-32-48 bytes`).
    Lengths(Vec<u64>),
    /// A list of allowed strings (`ON;OFF`).
    Strings(Vec<String>),
    /// The text is an `N: label` enumeration; the labels are in
    /// [`ResourceDef::enumeration`](crate::model::ResourceDef::enumeration).
    Enumeration,
    /// Text we do not understand, kept verbatim (trimmed).
    Unparsed(String),
}

/// Where an enumeration was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnumSource {
    Range,
    Description,
}

/// One `N: label` pair.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    pub value: i64,
    /// The label, cut to its first clause and trimmed.
    pub label: String,
    pub source: EnumSource,
}

/// Something odd noticed while parsing a range, reported by the validator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeNote {
    /// `A...B` or `A-B` or `[A:B]` instead of `A..B`.
    NonStandardSyntax(&'static str),
    /// The text could not be understood.
    Unparsed,
}
