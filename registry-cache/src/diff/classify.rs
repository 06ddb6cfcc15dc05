//! Field-by-field comparison of one object's current definitions, old against new.

use lwm2m_codegen::ident;
use lwm2m_codegen::model::{ObjectDef, Operations, ResourceDef};

use super::range_cmp::{range_change, range_text};
use super::{Change, ChangeKind, Impact, change};

/// Pushes every object- and resource-level change between `o` (old) and `n` (new).
pub(super) fn object(o: &ObjectDef, n: &ObjectDef, out: &mut Vec<Change>) {
    let id = o.id;
    let mut push = |impact, kind| out.push(change(id, None, impact, kind));
    if o.name != n.name {
        let same = ident::camel(&o.name, id) == ident::camel(&n.name, id);
        push(
            if same {
                Impact::Cosmetic
            } else {
                Impact::Breaking
            },
            ChangeKind::ObjectName {
                old: o.name.to_string(),
                new: n.name.to_string(),
            },
        );
    }
    if !same_text(&o.description, &n.description) {
        push(Impact::Cosmetic, ChangeKind::ObjectDescription);
    }
    if o.multiple != n.multiple {
        push(
            Impact::Breaking,
            ChangeKind::ObjectMultiple {
                old: o.multiple,
                new: n.multiple,
            },
        );
    }
    if o.mandatory != n.mandatory {
        push(
            if n.mandatory {
                Impact::Breaking
            } else {
                Impact::Additive
            },
            ChangeKind::ObjectMandatory {
                old: o.mandatory,
                new: n.mandatory,
            },
        );
    }
    if o.lwm2m_version != n.lwm2m_version {
        push(
            Impact::Cosmetic,
            ChangeKind::Lwm2mVersion {
                old: o.lwm2m_version.to_string(),
                new: n.lwm2m_version.to_string(),
            },
        );
    }
    let mut ids: Vec<u16> = o
        .resources
        .iter()
        .chain(&n.resources)
        .map(|r| r.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for rid in ids {
        match (o.resource(rid), n.resource(rid)) {
            (Some(a), Some(b)) => resource(id, a, b, out),
            (None, Some(b)) => out.push(change(
                id,
                Some(rid),
                if b.mandatory {
                    Impact::Breaking
                } else {
                    Impact::Additive
                },
                ChangeKind::ResourceAdded {
                    name: b.name.to_string(),
                    mandatory: b.mandatory,
                },
            )),
            (Some(a), None) => out.push(change(
                id,
                Some(rid),
                Impact::Breaking,
                ChangeKind::ResourceRemoved {
                    name: a.name.to_string(),
                },
            )),
            (None, None) => {}
        }
    }
}

/// Pushes the changes of one resource present on both sides.
fn resource(obj: u16, a: &ResourceDef, b: &ResourceDef, out: &mut Vec<Change>) {
    let mut push = |impact, kind| out.push(change(obj, Some(a.id), impact, kind));
    if a.name != b.name {
        let same = ident::snake(&a.name, a.id) == ident::snake(&b.name, b.id);
        push(
            if same {
                Impact::Cosmetic
            } else {
                Impact::Breaking
            },
            ChangeKind::ResourceName {
                old: a.name.to_string(),
                new: b.name.to_string(),
            },
        );
    }
    if a.kind != b.kind {
        push(
            Impact::Breaking,
            ChangeKind::Type {
                old: a.kind.to_string(),
                new: b.kind.to_string(),
            },
        );
    }
    if a.operations != b.operations {
        let widened = ops_within(a.operations, b.operations);
        push(
            if widened {
                Impact::Additive
            } else {
                Impact::Breaking
            },
            ChangeKind::Operations {
                old: a.operations.as_str().to_owned(),
                new: b.operations.as_str().to_owned(),
            },
        );
    }
    if a.multiple != b.multiple {
        push(
            Impact::Breaking,
            ChangeKind::Multiple {
                old: a.multiple,
                new: b.multiple,
            },
        );
    }
    if a.mandatory != b.mandatory {
        push(
            Impact::Breaking,
            ChangeKind::Mandatory {
                old: a.mandatory,
                new: b.mandatory,
            },
        );
    }
    if let Some(impact) = range_change(&a.range, a.kind, &b.range, b.kind) {
        push(
            impact,
            ChangeKind::Range {
                old: range_text(&a.range),
                new: range_text(&b.range),
            },
        );
    }
    if let Some((impact, kind)) = enumeration(a, b) {
        push(impact, kind);
    }
    if a.units != b.units {
        push(
            Impact::Cosmetic,
            ChangeKind::Units {
                old: a.units.to_string(),
                new: b.units.to_string(),
            },
        );
    }
    if !same_text(&a.description, &b.description) {
        push(Impact::Cosmetic, ChangeKind::ResourceDescription);
    }
}

/// `true` if every operation of `old` is still allowed by `new`.
fn ops_within(old: Operations, new: Operations) -> bool {
    (!old.readable() || new.readable())
        && (!old.writable() || new.writable())
        && (!old.executable() || new.executable())
}

/// Enumeration values added (additive), removed or relabeled to another identifier (breaking),
/// relabeled to the same identifier (cosmetic).
fn enumeration(a: &ResourceDef, b: &ResourceDef) -> Option<(Impact, ChangeKind)> {
    let label = |r: &ResourceDef, v: i64| {
        r.enumeration
            .iter()
            .find(|e| e.value == v)
            .map(|e| e.label.clone())
    };
    let (mut added, mut removed, mut relabeled) = (Vec::new(), Vec::new(), Vec::new());
    let mut impact = Impact::Cosmetic;
    for e in &b.enumeration {
        match label(a, e.value) {
            None => {
                added.push(e.value);
                impact = impact.max(Impact::Additive);
            }
            Some(old) if old != e.label => {
                relabeled.push(e.value);
                let fallback = u16::try_from(e.value).unwrap_or(0);
                if ident::camel(&old, fallback) != ident::camel(&e.label, fallback) {
                    impact = Impact::Breaking;
                }
            }
            Some(_) => {}
        }
    }
    for e in &a.enumeration {
        if label(b, e.value).is_none() {
            removed.push(e.value);
            impact = Impact::Breaking;
        }
    }
    (!added.is_empty() || !removed.is_empty() || !relabeled.is_empty()).then_some((
        impact,
        ChangeKind::Enumeration {
            added,
            removed,
            relabeled,
        },
    ))
}

/// Equal after folding runs of whitespace (CRLF, indentation) to one space.
fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}
