//! The registry model (IR): what an LwM2M object *is*, independent of where it came from.
//!
//! Both front ends produce these types: the XML path (`crate::xml` then `crate::lower`) and,
//! later, the `#[lwm2m_object]` macro. Everything downstream (validation, the emitter, the
//! registry diff) reads only this module. Every node carries a [`Loc`].

mod loc;
mod text;

use std::fmt;

pub(crate) use loc::LineMap;
pub use loc::Loc;
pub use text::Text;
pub(crate) use text::trim;

pub use crate::range::{Bound, EnumSource, EnumVariant, Range, RangeItem};

/// A `major.minor` version (object version or LwM2M enabler version).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    pub major: u8,
    pub minor: u8,
}

impl Version {
    pub const V1_0: Version = Version { major: 1, minor: 0 };
    pub const V1_1: Version = Version { major: 1, minor: 1 };
    pub const V1_2: Version = Version { major: 1, minor: 2 };

    pub const fn new(major: u8, minor: u8) -> Self {
        Version { major, minor }
    }

    /// Parses `1.0`, `1.1`, ` 1.2 ` (trimmed). Returns `None` for anything else.
    pub fn parse(s: &str) -> Option<Version> {
        // Fast path: the usual `1.0`, without the trim, the split and two number parses
        // (`DDF.xml` has one per row: 0.09M instructions per registry parse; issue #2).
        if let &[major @ b'0'..=b'9', b'.', minor @ b'0'..=b'9'] = s.as_bytes() {
            return Some(Version::new(major - b'0', minor - b'0'));
        }
        let (a, b) = s.trim().split_once('.')?;
        Some(Version {
            major: a.parse().ok()?,
            minor: b.parse().ok()?,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Which OMA schema a file declares (`xsi:noNamespaceSchemaLocation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Schema {
    /// `LWM2M.xsd` (1.0 editor schema: no `LWM2MVersion`/`ObjectVersion` required).
    Lwm2m10,
    /// `LWM2M-v1_1.xsd`.
    Lwm2m11,
    /// `LWM2M-v1_2.xsd` (not in the 2024 registry, accepted when seen).
    Lwm2m12,
    /// No or an unknown schema location.
    Unknown,
}

/// Resource operations as declared in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operations {
    /// Empty `<Operations/>`: the resource cannot be accessed (only seen in odd files).
    None,
    R,
    W,
    RW,
    E,
}

impl Operations {
    pub fn readable(self) -> bool {
        matches!(self, Operations::R | Operations::RW)
    }
    pub fn writable(self) -> bool {
        matches!(self, Operations::W | Operations::RW)
    }
    pub fn executable(self) -> bool {
        matches!(self, Operations::E)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Operations::None => "",
            Operations::R => "R",
            Operations::W => "W",
            Operations::RW => "RW",
            Operations::E => "E",
        }
    }
}

/// The LwM2M data type of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceType {
    String,
    Integer,
    UnsignedInteger,
    Float,
    Boolean,
    Opaque,
    Time,
    Objlnk,
    Corelnk,
    /// No type (`<Type></Type>`): executable resources.
    None,
}

impl ResourceType {
    /// The registry spelling (`Unsigned Integer`, `Objlnk`, empty for none).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::String => "String",
            ResourceType::Integer => "Integer",
            ResourceType::UnsignedInteger => "Unsigned Integer",
            ResourceType::Float => "Float",
            ResourceType::Boolean => "Boolean",
            ResourceType::Opaque => "Opaque",
            ResourceType::Time => "Time",
            ResourceType::Objlnk => "Objlnk",
            ResourceType::Corelnk => "Corelnk",
            ResourceType::None => "",
        }
    }

    /// All variants, in a stable order (reports count by type in this order).
    pub const ALL: [ResourceType; 10] = [
        ResourceType::Integer,
        ResourceType::Float,
        ResourceType::String,
        ResourceType::Boolean,
        ResourceType::None,
        ResourceType::Time,
        ResourceType::UnsignedInteger,
        ResourceType::Opaque,
        ResourceType::Objlnk,
        ResourceType::Corelnk,
    ];
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResourceType::None => "none",
            other => other.as_str(),
        })
    }
}

/// One LwM2M object at one object version.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectDef {
    pub id: u16,
    /// The name as written, trimmed (non-breaking spaces folded to spaces).
    pub name: Text,
    pub description: Text,
    pub urn: Text,
    pub object_version: Version,
    pub lwm2m_version: Version,
    pub multiple: bool,
    pub mandatory: bool,
    pub resources: Vec<ResourceDef>,
    pub schema: Schema,
    /// Position of the `<Object>` element.
    pub loc: Loc,
}

impl ObjectDef {
    pub fn resource(&self, id: u16) -> Option<&ResourceDef> {
        self.resources.iter().find(|r| r.id == id)
    }
}

/// One resource of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDef {
    pub id: u16,
    pub name: Text,
    pub operations: Operations,
    pub multiple: bool,
    pub mandatory: bool,
    pub kind: ResourceType,
    /// The parsed `<RangeEnumeration>`.
    pub range: Range,
    /// `N: label` pairs, from the range text or, failing that, the description.
    pub enumeration: Vec<EnumVariant>,
    /// `<Units>`, trimmed; empty when none.
    pub units: Text,
    pub description: Text,
    /// Position of the `<Item>` element.
    pub loc: Loc,
}

/// A reusable resource from `Common.xml`.
#[derive(Clone, Debug, PartialEq)]
pub struct CommonResource {
    pub resource: ResourceDef,
}

/// One row of `DDF.xml`, the registry index.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    pub object_id: u16,
    pub urn: Text,
    pub name: Text,
    pub owner: Text,
    pub version: Option<Version>,
    /// The DDF file this row points at (`version_history/0-1_1.xml`), relative to the registry.
    pub ddf: Text,
    pub loc: Loc,
}
