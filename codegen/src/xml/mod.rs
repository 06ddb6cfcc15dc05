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
