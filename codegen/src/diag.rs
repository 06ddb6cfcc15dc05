//! Diagnostics: every problem found in a registry, with where it is.

use std::fmt;

use crate::model::Loc;

/// How strictly to judge the registry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    /// Accept what the published registry contains; only what cannot be modelled is an error.
    #[default]
    Lenient,
    /// Every schema violation and contradiction is an error.
    Strict,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

/// What kind of problem a diagnostic reports. Kinds are stable names (`kind.name()`) used in
/// reports and JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file is not UTF-8 or not well-formed XML: nothing could be read from it.
    Malformed,
    /// A UTF-8 byte order mark.
    ByteOrderMark,
    /// No `<?xml …?>` declaration.
    MissingXmlDeclaration,
    /// CRLF line ends.
    CrlfLineEnds,
    /// An entity reference that could not be expanded (kept as written).
    BadEscape,
    /// Text that looks like UTF-8 decoded twice (`â€™`, `Ã©`).
    Mojibake,
    /// Non-breaking spaces or leading/trailing whitespace in a name.
    StrayWhitespace,
    /// A required element is missing.
    MissingElement,
    /// An element the schema does not define.
    UnknownElement,
    /// Elements not in schema order.
    ElementOrder,
    /// An element whose value is not one the schema allows (e.g. `Operations` = `X`).
    InvalidValue,
    /// The declared schema does not match the versions used (e.g. LWM2M.xsd with
    /// `LWM2MVersion` 1.1, or an unknown schema).
    SchemaMismatch,
    /// Two objects in one registry with the same id and version.
    DuplicateObject,
    /// Two resources in one object with the same id.
    DuplicateResourceId,
    /// Two resources in one object with the same name.
    DuplicateResourceName,
    /// Two names that map to the same Rust identifier.
    NameCollision,
    /// An executable resource that declares a data type.
    ExecutableWithType,
    /// A readable or writable resource without a data type.
    MissingType,
    /// A range on a type that cannot have one (Boolean, Objlnk, …).
    RangeOnType,
    /// A range whose minimum is above its maximum.
    InvertedRange,
    /// A range whose bounds do not fit the resource type (e.g. negative on Unsigned Integer).
    RangeOutOfType,
    /// A range written `A...B`, `A-B` or `[A:B]` rather than `A..B`.
    NonStandardRange,
    /// A range we could not understand (kept verbatim).
    UnparsedRange,
}

impl DiagnosticKind {
    pub fn name(self) -> &'static str {
        use DiagnosticKind::*;
        match self {
            Malformed => "malformed",
            ByteOrderMark => "byte-order-mark",
            MissingXmlDeclaration => "missing-xml-declaration",
            CrlfLineEnds => "crlf-line-ends",
            BadEscape => "bad-escape",
            Mojibake => "mojibake",
            StrayWhitespace => "stray-whitespace",
            MissingElement => "missing-element",
            UnknownElement => "unknown-element",
            ElementOrder => "element-order",
            InvalidValue => "invalid-value",
            SchemaMismatch => "schema-mismatch",
            DuplicateObject => "duplicate-object",
            DuplicateResourceId => "duplicate-resource-id",
            DuplicateResourceName => "duplicate-resource-name",
            NameCollision => "name-collision",
            ExecutableWithType => "executable-with-type",
            MissingType => "missing-type",
            RangeOnType => "range-on-type",
            InvertedRange => "inverted-range",
            RangeOutOfType => "range-out-of-type",
            NonStandardRange => "non-standard-range",
            UnparsedRange => "unparsed-range",
        }
    }

    /// The severity of this kind at a level.
    pub fn severity(self, level: Level) -> Severity {
        use DiagnosticKind::*;
        match (self, level) {
            (Malformed, _) => Severity::Error,
            // Byte-level facts never stop a build: they are reported, and handled.
            (ByteOrderMark | MissingXmlDeclaration | CrlfLineEnds, _) => Severity::Warning,
            (_, Level::Strict) => Severity::Error,
            // Lenient accepts what the published registry contains: lowering substitutes a
            // documented default and the generator resolves names deterministically.
            (_, Level::Lenient) => Severity::Warning,
        }
    }
}

impl fmt::Display for DiagnosticKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub severity: Severity,
    /// The LwM2M path of the object or resource concerned (`/3303`, `/3303/5700`), if any.
    pub path: Option<String>,
    pub loc: Loc,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}: {sev}[{}]", self.loc, self.kind)?;
        if let Some(p) = &self.path {
            write!(f, " {p}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Collects diagnostics; never stops at the first.
#[derive(Debug, Default)]
pub struct Diagnostics {
    level: Level,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(level: Level) -> Self {
        Diagnostics {
            level,
            items: Vec::new(),
        }
    }

    pub fn level(&self) -> Level {
        self.level
    }

    pub fn push(&mut self, kind: DiagnosticKind, path: Option<String>, loc: Loc, message: String) {
        let severity = kind.severity(self.level);
        self.items.push(Diagnostic {
            kind,
            severity,
            path,
            loc,
            message,
        });
    }

    /// Room for `more` diagnostics.
    pub(crate) fn reserve(&mut self, more: usize) {
        self.items.reserve(more);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}
