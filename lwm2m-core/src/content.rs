//! The content tree: values at paths, as decoded from or encoded into a payload.

use alloc::collections::BTreeMap;
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

    /// Every value with its absolute path, in tree order.
    pub fn to_records(&self) -> Vec<Record> {
        let mut out = Vec::new();
        let base = self.path;
        match &self.node {
            Node::Single(v) => out.push(Record::new(base, v.clone())),
            Node::Multiple(items) => push_multiple(&mut out, base, items),
            Node::Instance(resources) => push_resources(&mut out, base, resources),
            Node::Object(instances) => {
                for inst in instances {
                    if let Some(p) = base.child(inst.id) {
                        push_resources(&mut out, p, &inst.resources);
                    }
                }
            }
            Node::Records(records) => out.extend(records.iter().cloned()),
        }
        out
    }

    /// Builds the tree for `path` from records at absolute paths below it. The result's shape
    /// follows the path's depth (root gives [`Node::Records`]); resources and instances come out
    /// sorted by id. Records outside `path`, above Resource level, or repeated are
    /// [`Error::Malformed`].
    pub fn from_records(path: Path, records: Vec<Record>) -> Result<Self, Error> {
        for r in &records {
            if !r.path.starts_with(&path) || r.path.depth() < 3 {
                return Err(Error::malformed(
                    r.path,
                    "record path outside the request path",
                ));
            }
        }
        let node = match path.depth() {
            0 => Node::Records(records),
            4 => Node::Single(only_value(path, records)?),
            3 => {
                if records.len() == 1 && records[0].path == path {
                    Node::Single(only_value(path, records)?)
                } else {
                    Node::Multiple(collect_multiple(path, records)?)
                }
            }
            2 => Node::Instance(collect_resources(path, records)?),
            _ => {
                let mut by_instance: BTreeMap<InstanceId, Vec<Record>> = BTreeMap::new();
                for r in records {
                    let iid = r.path.instance_id().unwrap_or_default();
                    by_instance.entry(iid).or_default().push(r);
                }
                let mut instances = Vec::with_capacity(by_instance.len());
                for (id, recs) in by_instance {
                    let ipath = Path::instance(path.object_id().unwrap_or_default(), id);
                    instances.push(Instance {
                        id,
                        resources: collect_resources(ipath, recs)?,
                    });
                }
                Node::Object(instances)
            }
        };
        Ok(Content { path, node })
    }
}

fn push_multiple(out: &mut Vec<Record>, base: Path, items: &[(ResourceInstanceId, Value)]) {
    for (riid, v) in items {
        if let Some(p) = base.child(*riid) {
            out.push(Record::new(p, v.clone()));
        }
    }
}

fn push_resources(out: &mut Vec<Record>, base: Path, resources: &[Resource]) {
    for res in resources {
        let Some(p) = base.child(res.id) else {
            continue;
        };
        match &res.value {
            ResourceValue::Single(v) => out.push(Record::new(p, v.clone())),
            ResourceValue::Multiple(items) => push_multiple(out, p, items),
        }
    }
}

fn only_value(path: Path, records: Vec<Record>) -> Result<Value, Error> {
    let mut it = records.into_iter();
    match (it.next(), it.next()) {
        (Some(r), None) if r.path == path => Ok(r.value),
        (None, _) => Err(Error::malformed(path, "no value for the request path")),
        _ => Err(Error::malformed(
            path,
            "several values for a single-value path",
        )),
    }
}

/// Resource Instances of the Resource at `path` (depth 3).
fn collect_multiple(
    path: Path,
    records: Vec<Record>,
) -> Result<Vec<(ResourceInstanceId, Value)>, Error> {
    let mut map = BTreeMap::new();
    for r in records {
        let Some(riid) = r.path.resource_instance_id() else {
            return Err(Error::malformed(
                path,
                "resource given both as single and multiple",
            ));
        };
        if map.insert(riid, r.value).is_some() {
            return Err(Error::malformed(r.path, "duplicate path"));
        }
    }
    Ok(map.into_iter().collect())
}

/// Resources of the Object Instance at `path` (depth 2).
fn collect_resources(path: Path, records: Vec<Record>) -> Result<Vec<Resource>, Error> {
    let mut by_resource: BTreeMap<ResourceId, Vec<Record>> = BTreeMap::new();
    for r in records {
        by_resource
            .entry(r.path.resource_id().unwrap_or_default())
            .or_default()
            .push(r);
    }
    let mut resources = Vec::with_capacity(by_resource.len());
    for (id, recs) in by_resource {
        let Some(rpath) = path.child(id) else {
            continue;
        };
        let value = if recs.len() == 1 && recs[0].path == rpath {
            ResourceValue::Single(only_value(rpath, recs)?)
        } else {
            ResourceValue::Multiple(collect_multiple(rpath, recs)?)
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
