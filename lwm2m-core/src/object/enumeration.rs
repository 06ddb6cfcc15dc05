//! Integer enumerations generated from the registry's `N: label` pairs.

/// An integer-valued enumeration with an `Other(n)` fallback for unnamed values.
pub trait Enumeration: Copy {
    /// The integer type on the wire.
    type Raw: Copy;
    /// `(value, label)` for every named variant.
    const LABELS: &'static [(i64, &'static str)];
    /// The variant for `raw` (`Other(raw)` when unnamed).
    fn from_raw(raw: Self::Raw) -> Self;
    /// The wire value.
    fn to_raw(self) -> Self::Raw;

    /// The registry label of this value, if it has one.
    fn label(self) -> Option<&'static str>
    where
        Self::Raw: Into<i64>,
    {
        let v: i64 = self.to_raw().into();
        Self::LABELS.iter().find(|(n, _)| *n == v).map(|(_, l)| *l)
    }
}
