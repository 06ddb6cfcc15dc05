//! `<LWM2M>`, `<Object>` and `<Item>` of the object schemas (LWM2M.xsd, LWM2M-v1_1.xsd).

use super::tree::{Children, Element};
use super::{ChildName, Field};

/// The document root `<LWM2M>`.
#[derive(Debug)]
pub(crate) struct RawLwm2m<'a> {
    pub(crate) root_name: &'a str,
    pub(crate) schema_location: Option<&'a str>,
    pub(crate) objects: Vec<RawObject<'a>>,
    /// Children other than `<Object>`.
    pub(crate) unknown: Vec<ChildName<'a>>,
}

/// One `<Object>`.
#[derive(Debug, Default)]
pub(crate) struct RawObject<'a> {
    pub(crate) pos: usize,
    pub(crate) object_type: Option<&'a str>,
    pub(crate) name: Option<Field<'a>>,
    pub(crate) description1: Option<Field<'a>>,
    pub(crate) description2: Option<Field<'a>>,
    pub(crate) object_id: Option<Field<'a>>,
    pub(crate) object_urn: Option<Field<'a>>,
    pub(crate) lwm2m_version: Option<Field<'a>>,
    pub(crate) object_version: Option<Field<'a>>,
    pub(crate) multiple_instances: Option<Field<'a>>,
    pub(crate) mandatory: Option<Field<'a>>,
    pub(crate) resources: Option<RawResources<'a>>,
    /// All children as written, for the element-order check.
    pub(crate) order: Option<Children<'a>>,
    pub(crate) unknown: Vec<ChildName<'a>>,
}

/// `<Resources>`.
#[derive(Debug, Default)]
pub(crate) struct RawResources<'a> {
    pub(crate) items: Vec<RawItem<'a>>,
    pub(crate) unknown: Vec<ChildName<'a>>,
}

/// One resource `<Item ID="…">`.
#[derive(Debug, Default)]
pub(crate) struct RawItem<'a> {
    pub(crate) pos: usize,
    pub(crate) id: Option<&'a str>,
    pub(crate) name: Option<Field<'a>>,
    pub(crate) operations: Option<Field<'a>>,
    pub(crate) multiple_instances: Option<Field<'a>>,
    pub(crate) mandatory: Option<Field<'a>>,
    pub(crate) kind: Option<Field<'a>>,
    pub(crate) range_enumeration: Option<Field<'a>>,
    pub(crate) units: Option<Field<'a>>,
    pub(crate) description: Option<Field<'a>>,
    /// All children as written, for the element-order check.
    pub(crate) order: Option<Children<'a>>,
    pub(crate) unknown: Vec<ChildName<'a>>,
}

/// Element order of `<Object>` in the schemas.
pub(crate) const OBJECT_ORDER: &[&str] = &[
    "Name",
    "Description1",
    "ObjectID",
    "ObjectURN",
    "LWM2MVersion",
    "ObjectVersion",
    "MultipleInstances",
    "Mandatory",
    "Resources",
    "Description2",
];

/// Element order of `<Item>` in the schemas.
pub(crate) const ITEM_ORDER: &[&str] = &[
    "Name",
    "Operations",
    "MultipleInstances",
    "Mandatory",
    "Type",
    "RangeEnumeration",
    "Units",
    "Description",
];

impl<'a> RawLwm2m<'a> {
    pub(crate) fn from_element(root: Element<'a>) -> Self {
        let mut objects = Vec::new();
        let mut unknown = Vec::new();
        for child in root.children() {
            if child.name() == "Object" {
                objects.push(RawObject::from_element(child));
            } else {
                unknown.push(ChildName::of(child));
            }
        }
        RawLwm2m {
            root_name: root.name(),
            schema_location: root.attr("xsi:noNamespaceSchemaLocation"),
            objects,
            unknown,
        }
    }
}

impl<'a> RawObject<'a> {
    fn from_element(el: Element<'a>) -> Self {
        let mut o = RawObject {
            pos: el.pos(),
            object_type: el.attr("ObjectType"),
            order: Some(el.children()),
            ..RawObject::default()
        };
        for child in el.children() {
            let slot = match child.name() {
                "Name" => &mut o.name,
                "Description1" => &mut o.description1,
                "Description2" => &mut o.description2,
                "ObjectID" => &mut o.object_id,
                "ObjectURN" => &mut o.object_urn,
                "LWM2MVersion" => &mut o.lwm2m_version,
                "ObjectVersion" => &mut o.object_version,
                "MultipleInstances" => &mut o.multiple_instances,
                "Mandatory" => &mut o.mandatory,
                "Resources" => {
                    o.resources = Some(RawResources::from_element(child));
                    continue;
                }
                _ => {
                    o.unknown.push(ChildName::of(child));
                    continue;
                }
            };
            *slot = Some(Field::of(child));
        }
        o
    }
}

impl<'a> RawResources<'a> {
    fn from_element(el: Element<'a>) -> Self {
        let mut r = RawResources::default();
        for child in el.children() {
            if child.name() == "Item" {
                r.items.push(RawItem::from_element(child));
            } else {
                r.unknown.push(ChildName::of(child));
            }
        }
        r
    }
}

impl<'a> RawItem<'a> {
    pub(crate) fn from_element(el: Element<'a>) -> Self {
        let mut it = RawItem {
            pos: el.pos(),
            id: el.attr("ID"),
            order: Some(el.children()),
            ..RawItem::default()
        };
        for child in el.children() {
            let slot = match child.name() {
                "Name" => &mut it.name,
                "Operations" => &mut it.operations,
                "MultipleInstances" => &mut it.multiple_instances,
                "Mandatory" => &mut it.mandatory,
                "Type" => &mut it.kind,
                "RangeEnumeration" => &mut it.range_enumeration,
                "Units" => &mut it.units,
                "Description" => &mut it.description,
                _ => {
                    it.unknown.push(ChildName::of(child));
                    continue;
                }
            };
            *slot = Some(Field::of(child));
        }
        it
    }
}
