//! Multiple-instance Resources: values keyed by Resource Instance id, kept in id order.

use alloc::vec::Vec;

use crate::ids::ResourceInstanceId;
use crate::object::range::{InRange, RangeSpec};

/// The instances of a multiple-instance Resource, sorted by Resource Instance id.
#[derive(Debug, Clone, PartialEq)]
pub struct Multi<T> {
    items: Vec<(ResourceInstanceId, T)>,
}

impl<T> Default for Multi<T> {
    fn default() -> Self {
        Multi { items: Vec::new() }
    }
}

impl<T> Multi<T> {
    /// No instances.
    pub const fn new() -> Self {
        Multi { items: Vec::new() }
    }

    /// Sets instance `id`, returning the previous value.
    pub fn insert(&mut self, id: ResourceInstanceId, value: T) -> Option<T> {
        match self.items.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) => Some(core::mem::replace(&mut self.items[at].1, value)),
            Err(at) => {
                self.items.insert(at, (id, value));
                None
            }
        }
    }

    /// Instance `id`.
    pub fn get(&self, id: ResourceInstanceId) -> Option<&T> {
        let at = self.items.binary_search_by_key(&id, |(i, _)| *i).ok()?;
        Some(&self.items[at].1)
    }

    /// Removes instance `id`.
    pub fn remove(&mut self, id: ResourceInstanceId) -> Option<T> {
        let at = self.items.binary_search_by_key(&id, |(i, _)| *i).ok()?;
        Some(self.items.remove(at).1)
    }

    /// `(id, value)` in id order.
    pub fn iter(&self) -> impl Iterator<Item = (ResourceInstanceId, &T)> {
        self.items.iter().map(|(i, v)| (*i, v))
    }

    /// Number of instances.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no instances.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> FromIterator<(ResourceInstanceId, T)> for Multi<T> {
    fn from_iter<I: IntoIterator<Item = (ResourceInstanceId, T)>>(iter: I) -> Self {
        let mut m = Multi::new();
        for (id, v) in iter {
            m.insert(id, v);
        }
        m
    }
}

impl<T, const N: usize> From<[(ResourceInstanceId, T); N]> for Multi<T> {
    fn from(items: [(ResourceInstanceId, T); N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: InRange> InRange for Multi<T> {
    fn in_range(&self, range: &RangeSpec) -> bool {
        self.items.iter().all(|(_, v)| v.in_range(range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered() {
        let mut m: Multi<u8> = [(5, 50), (1, 10)].into();
        assert_eq!(m.insert(3, 30), None);
        assert_eq!(m.insert(5, 55), Some(50));
        let ids: Vec<u16> = m.iter().map(|(i, _)| i).collect();
        assert_eq!(ids, [1, 3, 5]);
        assert_eq!(m.remove(1), Some(10));
        assert_eq!(m.get(5), Some(&55));
    }
}
