//! The content tree: values at paths, as decoded from or encoded into a payload.

use alloc::vec::Vec;

use crate::error::Error;
use crate::ids::{InstanceId, ResourceId, ResourceInstanceId};
use crate::path::Path;
use crate::value::Value;

/// One value at an absolute path, with an optional SenML time (seconds; negative = relative to
/// now, as in RFC 8428 §4.5.3).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Resource or Resource Instance path.
    pub path: Path,
    /// The value.
    pub value: Value,
    /// SenML time, if the payload carried one.
    pub time: Option<f64>,
}

impl Record {
    /// A record without time.
    pub const fn new(path: Path, value: Value) -> Self {
        Record {
            path,
            value,
            time: None,
        }
    }
}

/// The value(s) of one Resource.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ResourceValue {
    /// A single-instance Resource.
    Single(Value),
    /// A multiple-instance Resource: `(resource instance id, value)` pairs.
    Multiple(Vec<(ResourceInstanceId, Value)>),
}

/// A Resource inside an Object Instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Resource id.
    pub id: ResourceId,
    /// Its value(s).
    pub value: ResourceValue,
}

/// An Object Instance and its Resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Object Instance id.
    pub id: InstanceId,
    /// The Resources present.
    pub resources: Vec<Resource>,
}

/// What sits at a [`Content`]'s path.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Node {
    /// One value: the path is a single-instance Resource or a Resource Instance.
    Single(Value),
    /// The path is a multiple-instance Resource.
    Multiple(Vec<(ResourceInstanceId, Value)>),
    /// The path is an Object Instance.
    Instance(Vec<Resource>),
    /// The path is an Object.
    Object(Vec<Instance>),
    /// Values at absolute paths under the content's path (composite operations, Send).
    Records(Vec<Record>),
}

/// Values at or below a path: the unit every codec encodes and decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    /// The request path (the SenML base name, the TLV's enclosing node).
    pub path: Path,
    /// What is there.
    pub node: Node,
}

impl Content {
    /// A single value at a Resource or Resource Instance path.
    pub const fn single(path: Path, value: Value) -> Self {
        Content {
            path,
            node: Node::Single(value),
        }
    }

    /// Flat records at absolute paths (composite).
    pub const fn records(path: Path, records: Vec<Record>) -> Self {
        Content {
            path,
            node: Node::Records(records),
        }
    }

    /// Calls `f` with every value, its absolute path and its time, in tree order, without
    /// cloning; stops at the first error.
    pub fn try_for_each_value<'a, E>(
        &'a self,
        mut f: impl FnMut(Path, &'a Value, Option<f64>) -> Result<(), E>,
    ) -> Result<(), E> {
        let base = self.path;
        match &self.node {
            Node::Single(v) => f(base, v, None),
            Node::Multiple(items) => each_multiple(base, items, &mut f),
            Node::Instance(resources) => each_resource(base, resources, &mut f),
            Node::Object(instances) => {
                for inst in instances {
                    if let Some(p) = base.child(inst.id) {
                        each_resource(p, &inst.resources, &mut f)?;
                    }
                }
                Ok(())
            }
            Node::Records(records) => records.iter().try_for_each(|r| f(r.path, &r.value, r.time)),
        }
    }

    /// Number of values.
    pub fn value_count(&self) -> usize {
        let mut n = 0;
        let _ = self.try_for_each_value(|_, _, _| {
            n += 1;
            Ok::<(), ()>(())
        });
        n
    }

    /// Every value with its absolute path, in tree order.
    pub fn to_records(&self) -> Vec<Record> {
        let mut out = Vec::new();
        let _ = self.try_for_each_value(|path, value, time| {
            out.push(Record {
                path,
                value: value.clone(),
                time,
            });
            Ok::<(), ()>(())
        });
        out
    }

    /// Builds the tree for `path` from records at absolute paths below it. The result's shape
    /// follows the path's depth (root gives [`Node::Records`]); resources and instances come out
    /// sorted by id. Records outside `path`, above Resource level, repeated, or naming a
    /// Resource both as single and multiple are [`Error::Malformed`].
    pub fn from_records(path: Path, mut records: Vec<Record>) -> Result<Self, Error> {
        for r in &records {
            if !r.path.starts_with(&path) || r.path.depth() < 3 {
                return Err(Error::malformed(
                    r.path,
                    "record path outside the request path",
                ));
            }
        }
        if path.is_root() {
            return Ok(Content::records(path, records));
        }
        // Stable and adaptive: already-ordered payloads cost one linear pass.
        records.sort_by_key(|r| r.path);
        if let Some(w) = records.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(Error::malformed(w[0].path, "duplicate path"));
        }
        let single = records.len() == 1 && records[0].path == path;
        let mut it = records.into_iter().peekable();
        let node = match path.depth() {
            4 | 3 if single => Node::Single(it.next().map(|r| r.value).ok_or(no_value(path))?),
            4 => return Err(no_value(path)),
            3 => {
                let items = take_instances(path, &mut it)?;
                if items.is_empty() {
                    return Err(no_value(path));
                }
                Node::Multiple(items)
            }
            2 => Node::Instance(take_resources(path, &mut it)?),
            _ => {
                let mut instances = Vec::new();
                while let Some(iid) = it.peek().and_then(|r| r.path.instance_id()) {
                    let ipath = path.child(iid).unwrap_or(path);
                    instances.push(Instance {
                        id: iid,
                        resources: take_resources(ipath, &mut it)?,
                    });
                }
                Node::Object(instances)
            }
        };
        Ok(Content { path, node })
    }
}

type Records = core::iter::Peekable<alloc::vec::IntoIter<Record>>;

fn no_value(path: Path) -> Error {
    Error::malformed(path, "no value for the request path")
}

fn each_multiple<'a, E>(
    base: Path,
    items: &'a [(ResourceInstanceId, Value)],
    f: &mut impl FnMut(Path, &'a Value, Option<f64>) -> Result<(), E>,
) -> Result<(), E> {
    for (riid, v) in items {
        if let Some(p) = base.child(*riid) {
            f(p, v, None)?;
        }
    }
    Ok(())
}

fn each_resource<'a, E>(
    base: Path,
    resources: &'a [Resource],
    f: &mut impl FnMut(Path, &'a Value, Option<f64>) -> Result<(), E>,
) -> Result<(), E> {
    for res in resources {
        let Some(p) = base.child(res.id) else {
            continue;
        };
        match &res.value {
            ResourceValue::Single(v) => f(p, v, None)?,
            ResourceValue::Multiple(items) => each_multiple(p, items, f)?,
        }
    }
    Ok(())
}

/// Takes the sorted records of the Resource Instances below `rpath`.
fn take_instances(
    rpath: Path,
    it: &mut Records,
) -> Result<Vec<(ResourceInstanceId, Value)>, Error> {
    let mut items = Vec::new();
    while let Some(r) = it.next_if(|r| r.path.starts_with(&rpath)) {
        let Some(riid) = r.path.resource_instance_id() else {
            return Err(Error::malformed(
                rpath,
                "resource given both as single and multiple",
            ));
        };
        items.push((riid, r.value));
    }
    Ok(items)
}

/// Takes the sorted records of the Resources below the Object Instance `inst`.
fn take_resources(inst: Path, it: &mut Records) -> Result<Vec<Resource>, Error> {
    let mut resources = Vec::new();
    while let Some(rpath) = it.peek().and_then(|r| r.path.resource_path()) {
        if !rpath.starts_with(&inst) {
            break;
        }
        let id = rpath.resource_id().unwrap_or_default();
        let value = match it.next_if(|r| r.path == rpath) {
            Some(r) => {
                if it.peek().is_some_and(|n| n.path.starts_with(&rpath)) {
                    return Err(Error::malformed(
                        rpath,
                        "resource given both as single and multiple",
                    ));
                }
                ResourceValue::Single(r.value)
            }
            None => ResourceValue::Multiple(take_instances(rpath, it)?),
        };
        resources.push(Resource { id, value });
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn records_round_trip_through_tree() {
        let records = vec![
            Record::new(Path::resource(3, 0, 0), Value::String("x".into())),
            Record::new(Path::resource_instance(3, 0, 6, 0), Value::Integer(1)),
            Record::new(Path::resource_instance(3, 0, 6, 1), Value::Integer(5)),
            Record::new(Path::resource(3, 1, 9), Value::Integer(100)),
        ];
        let c = Content::from_records(Path::object(3), records.clone()).unwrap();
        assert!(matches!(&c.node, Node::Object(i) if i.len() == 2));
        assert_eq!(c.to_records(), records);
        let e = Content::from_records(Path::instance(3, 0), records).unwrap_err();
        assert_eq!(e.path(), Some(Path::resource(3, 1, 9)));
    }

    #[test]
    fn rejects_duplicates_and_mixed() {
        let dup = vec![
            Record::new(Path::resource_instance(3, 0, 6, 0), Value::Integer(1)),
            Record::new(Path::resource_instance(3, 0, 6, 0), Value::Integer(2)),
        ];
        assert!(Content::from_records(Path::instance(3, 0), dup).is_err());
        let mixed = vec![
            Record::new(Path::resource(3, 0, 6), Value::Integer(1)),
            Record::new(Path::resource_instance(3, 0, 6, 0), Value::Integer(2)),
        ];
        assert!(Content::from_records(Path::instance(3, 0), mixed).is_err());
    }
}
