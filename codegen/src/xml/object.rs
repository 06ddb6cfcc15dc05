//! `<LWM2M>`, `<Object>` and `<Item>` of the object schemas (LWM2M.xsd, LWM2M-v1_1.xsd).

use super::tree::Element;
use super::{ChildName, Field, Order};

/// The document root `<LWM2M>`. Its objects are read one at a time ([`RawLwm2m::objects`])
/// rather than collected: a `Vec` of them (~400 bytes each, allocated past the allocator's
/// small-size cache) cost 0.79M instructions per registry parse (issue #2).
#[derive(Debug)]
pub(crate) struct RawLwm2m<'a> {
    root: Element<'a>,
    pub(crate) root_name: &'a str,
    pub(crate) schema_location: Option<&'a str>,
    /// How many `<Object>`s there are.
    pub(crate) count: usize,
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
    pub(crate) order: Order<'a>,
    pub(crate) unknown: Vec<ChildName<'a>>,
}

/// `<Resources>`. Its items are read one at a time ([`RawResources::each_item`]) rather than
/// collected: an item read right before it is lowered is still in the cache (collecting them
/// wrote and re-read ~330 bytes per item, a tenth of the registry parse's data cache misses
/// under cachegrind; issue #2).
#[derive(Debug)]
pub(crate) struct RawResources<'a> {
    element: Element<'a>,
    /// How many `<Item>`s there are.
    pub(crate) count: usize,
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
    pub(crate) order: Order<'a>,
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
        let mut count = 0;
        let mut unknown = Vec::new();
        for child in root.children() {
            if child.name() == "Object" {
                count += 1;
            } else {
                unknown.push(ChildName::of(child));
            }
        }
        RawLwm2m {
            root,
            root_name: root.name(),
            schema_location: root.attr("xsi:noNamespaceSchemaLocation"),
            count,
            unknown,
        }
    }

    /// The `<Object>`s in document order, each read when the iteration reaches it.
    pub(crate) fn objects(&self) -> impl Iterator<Item = RawObject<'a>> + use<'a> {
        self.root
            .children()
            .filter(|c| c.name() == "Object")
            .map(RawObject::from_element)
    }
}

impl<'a> RawObject<'a> {
    fn from_element(el: Element<'a>) -> Self {
        let mut o = RawObject {
            pos: el.pos(),
            object_type: el.attr("ObjectType"),
            ..RawObject::default()
        };
        for child in el.children() {
            // Ranks are indices into OBJECT_ORDER.
            let (rank, slot) = match child.name() {
                "Name" => (0, &mut o.name),
                "Description1" => (1, &mut o.description1),
                "ObjectID" => (2, &mut o.object_id),
                "ObjectURN" => (3, &mut o.object_urn),
                "LWM2MVersion" => (4, &mut o.lwm2m_version),
                "ObjectVersion" => (5, &mut o.object_version),
                "MultipleInstances" => (6, &mut o.multiple_instances),
                "Mandatory" => (7, &mut o.mandatory),
                "Description2" => (9, &mut o.description2),
                "Resources" => {
                    o.order.see(8, ChildName::of(child), OBJECT_ORDER);
                    o.resources = Some(RawResources::from_element(child));
                    continue;
                }
                _ => {
                    o.unknown.push(ChildName::of(child));
                    continue;
                }
            };
            o.order.see(rank, ChildName::of(child), OBJECT_ORDER);
            *slot = Some(Field::of(child));
        }
        o
    }
}

impl<'a> RawResources<'a> {
    fn from_element(element: Element<'a>) -> Self {
        let mut r = RawResources {
            element,
            count: 0,
            unknown: Vec::new(),
        };
        for child in element.children() {
            if child.name() == "Item" {
                r.count += 1;
            } else {
                r.unknown.push(ChildName::of(child));
            }
        }
        r
    }

    /// Reads each `<Item>` into `item` and hands it to `f`, in document order.
    pub(crate) fn each_item(&self, mut f: impl FnMut(&RawItem<'a>)) {
        let mut item = RawItem::default();
        for child in self.element.children() {
            if child.name() == "Item" {
                item.clear();
                item.read(child);
                f(&item);
            }
        }
    }
}

impl<'a> RawItem<'a> {
    pub(crate) fn from_element(el: Element<'a>) -> Self {
        let mut it = RawItem::default();
        it.read(el);
        it
    }

    /// Back to a default item, keeping the allocation of `unknown`.
    fn clear(&mut self) {
        let mut unknown = std::mem::take(&mut self.unknown);
        unknown.clear();
        *self = RawItem {
            unknown,
            ..RawItem::default()
        };
    }

    /// Fills a default item from `el`.
    fn read(&mut self, el: Element<'a>) {
        let it = self;
        it.pos = el.pos();
        it.id = el.attr("ID");
        for child in el.children() {
            // Ranks are indices into ITEM_ORDER.
            let (rank, slot) = match child.name() {
                "Name" => (0, &mut it.name),
                "Operations" => (1, &mut it.operations),
                "MultipleInstances" => (2, &mut it.multiple_instances),
                "Mandatory" => (3, &mut it.mandatory),
                "Type" => (4, &mut it.kind),
                "RangeEnumeration" => (5, &mut it.range_enumeration),
                "Units" => (6, &mut it.units),
                "Description" => (7, &mut it.description),
                _ => {
                    it.unknown.push(ChildName::of(child));
                    continue;
                }
            };
            it.order.see(rank, ChildName::of(child), ITEM_ORDER);
            *slot = Some(Field::of(child));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree;

    fn misplaced(xml: &str) -> Option<(&'static str, &'static str)> {
        let arena = bumpalo::Bump::new();
        let doc = tree::parse(xml, &arena).unwrap();
        let item = RawItem::from_element(doc.root());
        item.order.misplaced.map(|(c, after)| {
            let name = ITEM_ORDER.iter().find(|n| **n == c.name).unwrap();
            (*name, after)
        })
    }

    #[test]
    fn item_ranks_follow_the_schema_order() {
        let in_order: String = ITEM_ORDER.iter().map(|n| format!("<{n}/>")).collect();
        assert_eq!(misplaced(&format!("<Item>{in_order}</Item>")), None);
        for pair in ITEM_ORDER.windows(2) {
            let xml = format!("<Item><{1}/><{0}/></Item>", pair[0], pair[1]);
            assert_eq!(misplaced(&xml), Some((pair[0], pair[1])), "{xml}");
        }
    }

    #[test]
    fn object_ranks_follow_the_schema_order() {
        for pair in OBJECT_ORDER.windows(2) {
            let xml = format!(
                "<LWM2M><Object><{1}/><{0}/></Object></LWM2M>",
                pair[0], pair[1]
            );
            let arena = bumpalo::Bump::new();
            let doc = tree::parse(&xml, &arena).unwrap();
            let raw = RawLwm2m::from_element(doc.root());
            let object = raw.objects().next().unwrap();
            let (child, after) = object.order.misplaced.unwrap();
            assert_eq!((child.name, after), (pair[0], pair[1]), "{xml}");
        }
    }
}
