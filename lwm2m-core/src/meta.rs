//! Static Object and Resource metadata, as the code generator emits it, and type resolution for
//! decoders.

use crate::ids::{ObjectId, ResourceId};
use crate::path::Path;
use crate::types::{Operations, ResourceType};

/// Facts about one Resource of an Object. Const-constructible: generated code emits these as
/// `static` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceMeta {
    /// Resource id.
    pub id: ResourceId,
    /// Registry name, e.g. `"Manufacturer"`.
    pub name: &'static str,
    /// Data type.
    pub kind: ResourceType,
    /// Allowed operations.
    pub operations: Operations,
    /// Multiple instances allowed.
    pub multiple: bool,
    /// Mandatory in every Object Instance.
    pub mandatory: bool,
    /// Units (SenML unit name where the registry gives one), empty if none.
    pub units: &'static str,
}

/// Facts about one Object. Const-constructible, no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Object id.
    pub id: ObjectId,
    /// Registry name, e.g. `"Device"`.
    pub name: &'static str,
    /// Object version (major, minor).
    pub version: (u8, u8),
    /// Object URN, e.g. `"urn:oma:lwm2m:oma:3"`.
    pub urn: &'static str,
    /// Multiple instances allowed.
    pub multiple: bool,
    /// Mandatory in every client.
    pub mandatory: bool,
    /// The Resources, in any order.
    pub resources: &'static [ResourceMeta],
}

impl ObjectMeta {
    /// The Resource with this id.
    pub fn resource(&self, id: ResourceId) -> Option<&'static ResourceMeta> {
        self.resources.iter().find(|r| r.id == id)
    }
}

/// Tells a decoder which [`ResourceType`] the Resource at a path has.
///
/// Implemented for closures `Fn(&Path) -> Option<ResourceType>`, for [`ObjectMeta`] and for slices
/// of `&ObjectMeta` via [`resolve_in`]. `None` means "unknown": decoders then fall back to the
/// type the format itself carries (see each codec's docs).
pub trait TypeResolver {
    /// The type of the Resource at `path` (depth 3 or 4), if known.
    fn resource_type(&self, path: &Path) -> Option<ResourceType>;
}

impl<F: Fn(&Path) -> Option<ResourceType>> TypeResolver for F {
    fn resource_type(&self, path: &Path) -> Option<ResourceType> {
        self(path)
    }
}

impl TypeResolver for ObjectMeta {
    fn resource_type(&self, path: &Path) -> Option<ResourceType> {
        if path.object_id() != Some(self.id) {
            return None;
        }
        Some(self.resource(path.resource_id()?)?.kind)
    }
}

/// A resolver over several Objects' metadata.
pub fn resolve_in<'a>(
    objects: &'a [&'a ObjectMeta],
) -> impl Fn(&Path) -> Option<ResourceType> + 'a {
    move |path: &Path| {
        let oid = path.object_id()?;
        objects.iter().find(|o| o.id == oid)?.resource_type(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static RES: [ResourceMeta; 1] = [ResourceMeta {
        id: 9,
        name: "Battery Level",
        kind: ResourceType::Integer,
        operations: Operations::R,
        multiple: false,
        mandatory: false,
        units: "/100",
    }];
    static DEVICE: ObjectMeta = ObjectMeta {
        id: 3,
        name: "Device",
        version: (1, 0),
        urn: "urn:oma:lwm2m:oma:3",
        multiple: false,
        mandatory: true,
        resources: &RES,
    };

    #[test]
    fn resolves() {
        assert_eq!(
            DEVICE.resource_type(&Path::resource(3, 0, 9)),
            Some(ResourceType::Integer)
        );
        assert_eq!(DEVICE.resource_type(&Path::resource(4, 0, 9)), None);
        let all = [&DEVICE];
        let r = resolve_in(&all);
        assert_eq!(
            r.resource_type(&Path::resource_instance(3, 0, 9, 1)),
            Some(ResourceType::Integer)
        );
        assert_eq!(r.resource_type(&Path::instance(3, 0)), None);
    }
}
