//! Diff of two registry states, each change classified by its effect on generated Rust code.
//!
//! Objects are matched by id. The *current* definition of each object (the top-level file) is
//! compared field by field with its counterpart; the sets of published versions (current plus
//! `version_history/`) are compared as sets. Identifiers are judged with the code generator's
//! own naming ([`lwm2m_codegen::ident`]): a renamed resource whose identifier is unchanged is
//! cosmetic, one whose identifier changes breaks callers.
//!
//! Classification ([`Impact`]):
//! - **Breaking**: object or version removed, resource removed, type changed, an operation lost
//!   (`RW` → `R`, `R` → `E`), single ↔ multiple (object or resource), a resource made mandatory
//!   or optional (the accessor's type changes between `T` and `Option<T>`), a new *mandatory*
//!   resource (implementors must provide it), an object made mandatory, a range or enumeration
//!   narrowed, a renamed identifier.
//! - **Additive**: new object, new object version, new optional resource, an operation gained,
//!   a range widened or its check dropped, enumeration values added, an object made optional.
//! - **Cosmetic**: description text, a name respelled to the same identifier, units text, free
//!   text ranges reworded, the LwM2M enabler version.
//!
//! ```no_run
//! use std::path::Path;
//! use lwm2m_registry::diff::{Impact, diff_dirs};
//! let d = diff_dirs(Path::new("../shared/registry-2021-12"), Path::new("../shared/registry"))?;
//! println!("{:?}", d.summary());
//! for c in d.changes.iter().filter(|c| c.impact == Impact::Breaking) {
//!     println!("{c}"); // breaking  /21/0  type String -> Opaque
//! }
//! # Ok::<(), lwm2m_registry::diff::DiffError>(())
//! ```

mod classify;
mod dirs;
mod range_cmp;
mod report;

use std::collections::{BTreeMap, BTreeSet};

use lwm2m_codegen::model::{ObjectDef, Version};
use serde::Serialize;

pub use dirs::{DiffError, diff_dirs};
pub use report::Summary;

/// How a change affects code generated from the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Impact {
    /// Docs or spelling only: generated items keep their names and types.
    Cosmetic,
    /// New items; existing user code still compiles.
    Additive,
    /// Existing user code may stop compiling or behave differently.
    Breaking,
}

/// One change. `object` is the object id; `resource` is set for resource-level changes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub object: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<u16>,
    pub impact: Impact,
    #[serde(flatten)]
    pub kind: ChangeKind,
}

/// What changed. Versions, types, operations and ranges are in their registry spelling.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    ObjectAdded {
        name: String,
        version: String,
    },
    ObjectRemoved {
        name: String,
        version: String,
    },
    VersionAdded {
        version: String,
    },
    VersionRemoved {
        version: String,
    },
    /// A version published on both sides whose definition was edited in place (other than the
    /// current definitions, which are compared field by field); `changes` counts the field
    /// changes, the impact is the strongest of them.
    VersionRevised {
        version: String,
        changes: usize,
    },
    ObjectName {
        old: String,
        new: String,
    },
    ObjectDescription,
    ObjectMultiple {
        old: bool,
        new: bool,
    },
    ObjectMandatory {
        old: bool,
        new: bool,
    },
    Lwm2mVersion {
        old: String,
        new: String,
    },
    ResourceAdded {
        name: String,
        mandatory: bool,
    },
    ResourceRemoved {
        name: String,
    },
    ResourceName {
        old: String,
        new: String,
    },
    ResourceDescription,
    Type {
        old: String,
        new: String,
    },
    Operations {
        old: String,
        new: String,
    },
    Multiple {
        old: bool,
        new: bool,
    },
    Mandatory {
        old: bool,
        new: bool,
    },
    Range {
        old: String,
        new: String,
    },
    Enumeration {
        added: Vec<i64>,
        removed: Vec<i64>,
        relabeled: Vec<i64>,
    },
    Units {
        old: String,
        new: String,
    },
}

/// One registry state: the current objects and the version history.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot<'a> {
    pub current: &'a [ObjectDef],
    pub history: &'a [ObjectDef],
}

/// All changes from an old registry state to a new one, sorted by object, then resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RegistryDiff {
    /// Objects (distinct ids) on each side.
    pub old_objects: usize,
    pub new_objects: usize,
    pub changes: Vec<Change>,
    /// Files either loader could not read (their objects are missing from the diff).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

impl RegistryDiff {
    /// The strongest impact of any change (`None` if nothing changed).
    pub fn max_impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    /// Changes of one object.
    pub fn object(&self, id: u16) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.object == id)
    }
}

/// Compares two registry states.
pub fn diff(old: Snapshot<'_>, new: Snapshot<'_>) -> RegistryDiff {
    let (old_cur, new_cur) = (by_id(old.current), by_id(new.current));
    let (old_ver, new_ver) = (versions(old), versions(new));
    let mut changes = Vec::new();
    let ids: BTreeSet<u16> = old_ver.keys().chain(new_ver.keys()).copied().collect();
    for id in ids {
        let (o, n) = (old_cur.get(&id).copied(), new_cur.get(&id).copied());
        let added_or_removed = match (old_ver.get(&id), new_ver.get(&id)) {
            (None, Some(_)) => {
                let (name, version) = n.map_or((String::new(), String::new()), name_version);
                changes.push(change(
                    id,
                    None,
                    Impact::Additive,
                    ChangeKind::ObjectAdded { name, version },
                ));
                true
            }
            (Some(_), None) => {
                let (name, version) = o.map_or((String::new(), String::new()), name_version);
                changes.push(change(
                    id,
                    None,
                    Impact::Breaking,
                    ChangeKind::ObjectRemoved { name, version },
                ));
                true
            }
            _ => false,
        };
        if added_or_removed {
            continue;
        }
        let empty = BTreeSet::new();
        let ov = old_ver.get(&id).unwrap_or(&empty);
        let nv = new_ver.get(&id).unwrap_or(&empty);
        for v in nv.difference(ov) {
            let version = v.to_string();
            changes.push(change(
                id,
                None,
                Impact::Additive,
                ChangeKind::VersionAdded { version },
            ));
        }
        for v in ov.difference(nv) {
            let version = v.to_string();
            changes.push(change(
                id,
                None,
                Impact::Breaking,
                ChangeKind::VersionRemoved { version },
            ));
        }
        for v in nv.intersection(ov) {
            let both_current = o
                .zip(n)
                .is_some_and(|(o, n)| o.object_version == *v && n.object_version == *v);
            if !both_current {
                revised(old, new, id, *v, &mut changes);
            }
        }
        if let (Some(o), Some(n)) = (o, n) {
            classify::object(o, n, &mut changes);
        }
    }
    RegistryDiff {
        old_objects: old_ver.len(),
        new_objects: new_ver.len(),
        changes,
        unreadable: Vec::new(),
    }
}

/// Compares the definitions of one published version on both sides; pushes one
/// [`ChangeKind::VersionRevised`] if they differ.
fn revised(old: Snapshot<'_>, new: Snapshot<'_>, id: u16, v: Version, out: &mut Vec<Change>) {
    let (Some(a), Some(b)) = (find_version(old, id, v), find_version(new, id, v)) else {
        return;
    };
    let mut inner = Vec::new();
    classify::object(a, b, &mut inner);
    if let Some(impact) = inner.iter().map(|c| c.impact).max() {
        let kind = ChangeKind::VersionRevised {
            version: v.to_string(),
            changes: inner.len(),
        };
        out.push(change(id, None, impact, kind));
    }
}

/// The definition of `id` at version `v`, from the history first (the archival copy).
fn find_version<'a>(s: Snapshot<'a>, id: u16, v: Version) -> Option<&'a ObjectDef> {
    s.history
        .iter()
        .chain(s.current)
        .find(|o| o.id == id && o.object_version == v)
}

pub(crate) fn change(
    object: u16,
    resource: Option<u16>,
    impact: Impact,
    kind: ChangeKind,
) -> Change {
    Change {
        object,
        resource,
        impact,
        kind,
    }
}

fn name_version(o: &ObjectDef) -> (String, String) {
    (o.name.to_string(), o.object_version.to_string())
}

/// The first definition of each id (a duplicate is the loader's diagnostic, not a change).
fn by_id(objects: &[ObjectDef]) -> BTreeMap<u16, &ObjectDef> {
    let mut map = BTreeMap::new();
    for o in objects {
        map.entry(o.id).or_insert(o);
    }
    map
}

fn versions(s: Snapshot<'_>) -> BTreeMap<u16, BTreeSet<Version>> {
    let mut map: BTreeMap<u16, BTreeSet<Version>> = BTreeMap::new();
    for o in s.current.iter().chain(s.history) {
        map.entry(o.id).or_default().insert(o.object_version);
    }
    map
}

#[cfg(test)]
mod tests;
