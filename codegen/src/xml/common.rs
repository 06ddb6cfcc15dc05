//! `Common.xml`: reusable resources (schema `reusable_resources_v1_0.xsd`).
//!
//! Shape: `<LWM2M><Object ObjectType="CommonResources"><Resources><Item ID=…>` where an item
//! has the object schema's resource elements minus multiplicity and mandatory, plus
//! `<Submitter>`, `<TS>` and `<TSLink>`.

use super::ChildName;
use super::object::RawItem;
use super::tree::Element;

/// Extra `<Item>` children the reusable-resource schema allows.
pub(crate) const COMMON_EXTRA: &[&str] = &["Submitter", "TS", "TSLink"];

#[derive(Debug, Default)]
pub(crate) struct RawCommon<'a> {
    pub(crate) items: Vec<RawItem<'a>>,
    pub(crate) unknown: Vec<ChildName<'a>>,
}

impl<'a> RawCommon<'a> {
    pub(crate) fn from_element(root: Element<'a>) -> Self {
        let mut out = RawCommon::default();
        for object in root.children() {
            for resources in object.children() {
                if resources.name() != "Resources" {
                    out.unknown.push(ChildName::of(resources));
                    continue;
                }
                for item in resources.children() {
                    let mut raw = RawItem::from_element(item);
                    raw.unknown.retain(|c| !COMMON_EXTRA.contains(&c.name));
                    out.items.push(raw);
                }
            }
        }
        out
    }
}
