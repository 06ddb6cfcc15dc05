//! Whole-Resource data: a single value or a [`Multi`], to and from the content tree, plus the
//! small helpers generated `get`/`set` arms call.

use crate::content::{Node, ResourceValue};
use crate::error::Error;
use crate::object::multi::Multi;
use crate::object::range::RangeError;
use crate::object::value::FieldValue;
use crate::path::Path;

/// The data of one Resource as a server reads or writes it.
pub trait ResourceData: Sized {
    /// As a resource value.
    fn to_resource(&self) -> ResourceValue;
    /// From a resource value; the wrong shape or type is 4.00 Bad Request.
    fn from_resource(value: ResourceValue, path: Path) -> Result<Self, Error>;

    /// From what a read at the Resource's path returned.
    fn from_node(node: Node, path: Path) -> Result<Self, Error> {
        let value = match node {
            Node::Single(v) => ResourceValue::Single(v),
            Node::Multiple(items) => ResourceValue::Multiple(items),
            _ => return Err(Error::malformed(path, "expected a resource")),
        };
        Self::from_resource(value, path)
    }

    /// As the node a write to the Resource's path carries.
    fn to_node(&self) -> Node {
        match self.to_resource() {
            ResourceValue::Single(v) => Node::Single(v),
            ResourceValue::Multiple(items) => Node::Multiple(items),
        }
    }
}

impl<T: FieldValue> ResourceData for T {
    fn to_resource(&self) -> ResourceValue {
        ResourceValue::Single(self.to_value())
    }

    fn from_resource(value: ResourceValue, path: Path) -> Result<Self, Error> {
        match value {
            ResourceValue::Single(v) => T::from_value(v, path),
            ResourceValue::Multiple(_) => Err(Error::malformed(
                path,
                "multiple values for a single-instance resource",
            )),
        }
    }
}

impl<T: FieldValue> ResourceData for Multi<T> {
    fn to_resource(&self) -> ResourceValue {
        ResourceValue::Multiple(self.iter().map(|(i, v)| (i, v.to_value())).collect())
    }

    fn from_resource(value: ResourceValue, path: Path) -> Result<Self, Error> {
        match value {
            ResourceValue::Multiple(items) => items
                .into_iter()
                .map(|(i, v)| Ok((i, T::from_value(v, path.child(i).unwrap_or(path))?)))
                .collect(),
            ResourceValue::Single(_) => Err(Error::malformed(
                path,
                "a single value for a multiple-instance resource",
            )),
        }
    }
}

/// `ObjectInstance::get` of a stored field.
pub fn get<T: ResourceData>(field: &T) -> Option<ResourceValue> {
    Some(field.to_resource())
}

/// `ObjectInstance::get` of an optional field.
pub fn get_opt<T: ResourceData>(field: &Option<T>) -> Option<ResourceValue> {
    field.as_ref().map(ResourceData::to_resource)
}

/// `ObjectInstance::unset` of an optional field: removes it.
pub fn unset<T>(field: &mut Option<T>) -> bool {
    *field = None;
    true
}

/// A range violation as the 4.00 Bad Request it answers.
pub fn range_error(path: Path, _e: RangeError) -> Error {
    Error::malformed(path, "value out of the resource's declared range")
}
