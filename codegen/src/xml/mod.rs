//! The raw layer: registry XML as written, one small file per schema element.
//!
//! Nothing here interprets values; `crate::lower` turns these into the model.

pub(crate) mod common;
pub(crate) mod ddf;
pub(crate) mod object;
pub(crate) mod source;
pub(crate) mod tree;

/// The text of a leaf element and where the element starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Field<'a> {
    pub(crate) text: &'a str,
    pub(crate) pos: usize,
}

impl<'a> Field<'a> {
    pub(crate) fn of(el: tree::Element<'a>) -> Self {
        Field {
            text: el.text(),
            pos: el.pos(),
        }
    }
}

/// A child element name and where it is, for element-order and unknown-element checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ChildName<'a> {
    pub(crate) name: &'a str,
    pub(crate) pos: usize,
}

impl<'a> ChildName<'a> {
    pub(crate) fn of(el: tree::Element<'a>) -> Self {
        ChildName {
            name: el.name(),
            pos: el.pos(),
        }
    }
}

/// Element order against a schema sequence: the first child that comes after an element the
/// schema puts later, and that element's name.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Order<'a> {
    last: usize,
    pub(crate) misplaced: Option<(ChildName<'a>, &'static str)>,
}

impl<'a> Order<'a> {
    /// Notes a child at `rank` in `schema` (children not in the schema are not noted).
    pub(crate) fn see(&mut self, rank: usize, child: ChildName<'a>, schema: &[&'static str]) {
        if self.misplaced.is_some() {
            return;
        }
        if rank < self.last {
            self.misplaced = Some((child, schema[self.last]));
        } else {
            self.last = rank;
        }
    }
}
