//! Resource data types, allowed operations and object links.

use core::fmt;
use core::str::FromStr;

use crate::ids::{InstanceId, ObjectId};
use crate::path::parse_id;

/// The data type of a Resource, as declared in the registry's `<Type>` element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResourceType {
    /// UTF-8 string.
    String,
    /// Signed 64-bit integer.
    Integer,
    /// Unsigned 64-bit integer (LwM2M 1.1).
    UnsignedInteger,
    /// 32 or 64-bit IEEE 754 float.
    Float,
    /// Boolean.
    Boolean,
    /// Raw bytes.
    Opaque,
    /// Seconds since the Unix epoch, signed.
    Time,
    /// Object link `oid:iid`.
    Objlnk,
    /// CoRE link (RFC 6690) as a string (LwM2M 1.1).
    Corelnk,
    /// No value: executable resources.
    None,
}

impl ResourceType {
    /// The name the registry XML uses (`"Unsigned Integer"`, `"Objlnk"`, …).
    pub const fn registry_name(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Integer => "Integer",
            Self::UnsignedInteger => "Unsigned Integer",
            Self::Float => "Float",
            Self::Boolean => "Boolean",
            Self::Opaque => "Opaque",
            Self::Time => "Time",
            Self::Objlnk => "Objlnk",
            Self::Corelnk => "Corelnk",
            Self::None => "none",
        }
    }

    /// Parses a registry type name, case-insensitively; an empty name is [`ResourceType::None`].
    pub fn from_registry_name(name: &str) -> Option<Self> {
        let name = name.trim();
        const ALL: [ResourceType; 10] = [
            ResourceType::String,
            ResourceType::Integer,
            ResourceType::UnsignedInteger,
            ResourceType::Float,
            ResourceType::Boolean,
            ResourceType::Opaque,
            ResourceType::Time,
            ResourceType::Objlnk,
            ResourceType::Corelnk,
            ResourceType::None,
        ];
        if name.is_empty() {
            return Some(Self::None);
        }
        ALL.into_iter()
            .find(|t| t.registry_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.registry_name())
    }
}

/// The operations a Resource allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Operations {
    /// No operation (Object-level placeholder).
    #[default]
    None,
    /// Read.
    R,
    /// Write.
    W,
    /// Read and write.
    RW,
    /// Execute.
    E,
}

impl Operations {
    /// Read allowed.
    pub const fn readable(self) -> bool {
        matches!(self, Self::R | Self::RW)
    }

    /// Write allowed.
    pub const fn writable(self) -> bool {
        matches!(self, Self::W | Self::RW)
    }

    /// Execute allowed.
    pub const fn executable(self) -> bool {
        matches!(self, Self::E)
    }

    /// Parses the registry's `<Operations>` text (`R`, `W`, `RW`, `E`, or empty).
    pub fn from_registry_name(name: &str) -> Option<Self> {
        match name.trim() {
            "" => Some(Self::None),
            s if s.eq_ignore_ascii_case("R") => Some(Self::R),
            s if s.eq_ignore_ascii_case("W") => Some(Self::W),
            s if s.eq_ignore_ascii_case("RW") => Some(Self::RW),
            s if s.eq_ignore_ascii_case("E") => Some(Self::E),
            _ => None,
        }
    }
}

/// An Object Link value: a reference to an Object Instance, written `oid:iid` in text formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjLink {
    /// Object id.
    pub object_id: ObjectId,
    /// Object Instance id.
    pub instance_id: InstanceId,
}

impl ObjLink {
    /// The null link `65535:65535`.
    pub const NULL: ObjLink = ObjLink {
        object_id: u16::MAX,
        instance_id: u16::MAX,
    };

    /// A link to `/object_id/instance_id`.
    pub const fn new(object_id: ObjectId, instance_id: InstanceId) -> Self {
        ObjLink {
            object_id,
            instance_id,
        }
    }
}

impl fmt::Display for ObjLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.object_id, self.instance_id)
    }
}

impl FromStr for ObjLink {
    type Err = crate::path::PathError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (o, i) = s
            .split_once(':')
            .ok_or(crate::path::PathError::InvalidSegment)?;
        Ok(ObjLink {
            object_id: parse_id(o)?,
            instance_id: parse_id(i)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations() {
        assert!(Operations::RW.readable() && Operations::RW.writable());
        assert!(!Operations::R.writable() && !Operations::E.readable());
        assert!(Operations::E.executable());
        assert_eq!(Operations::from_registry_name(" RW "), Some(Operations::RW));
    }

    #[test]
    fn objlnk_text() {
        assert_eq!("3:0".parse::<ObjLink>(), Ok(ObjLink::new(3, 0)));
        assert!("3".parse::<ObjLink>().is_err());
        assert!("3:70000".parse::<ObjLink>().is_err());
    }

    #[test]
    fn registry_names() {
        assert_eq!(
            ResourceType::from_registry_name("unsigned integer"),
            Some(ResourceType::UnsignedInteger)
        );
        assert_eq!(
            ResourceType::from_registry_name(""),
            Some(ResourceType::None)
        );
        assert_eq!(ResourceType::from_registry_name("Decimal"), None);
    }
}
