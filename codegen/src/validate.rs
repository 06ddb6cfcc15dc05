//! Model-level checks: contradictions that no single element shows. Runs on objects from any
//! front end (XML or the macro), and reports every problem it finds.

use std::cell::RefCell;

use crate::diag::{DiagnosticKind, Diagnostics};
use crate::ident;
use crate::model::{ObjectDef, ResourceDef, ResourceType};
use crate::range::{Bound, Range, RangeItem};

/// Vectors reused from one object to the next on a thread (validation of a registry checks
/// thousands of objects; these would otherwise be allocated for each).
#[derive(Default)]
struct Scratch {
    order: Vec<usize>,
    hashes: Vec<u64>,
    idents: Vec<u64>,
    by_name: Vec<u64>,
    by_ident: Vec<u64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// Checks one object.
pub fn object(obj: &ObjectDef, diags: &mut Diagnostics) {
    let reused = SCRATCH.try_with(|s| {
        s.try_borrow_mut()
            .map(|mut s| object_with(obj, diags, &mut s))
            .is_ok()
    });
    if reused != Ok(true) {
        object_with(obj, diags, &mut Scratch::default());
    }
}

fn object_with(obj: &ObjectDef, diags: &mut Diagnostics, scratch: &mut Scratch) {
    let Scratch {
        order,
        hashes,
        idents,
        by_name,
        by_ident,
    } = scratch;
    let res = &obj.resources;
    let path = |r: &ResourceDef| Some(format!("/{}/{}", obj.id, r.id));
    for r in res {
        resource(obj.id, r, diags);
    }
    // Duplicate ids: none when ids ascend as written (the usual case); else sort indices.
    order.clear();
    if res.windows(2).any(|w| w[0].id >= w[1].id) {
        order.extend(0..res.len());
        order.sort_unstable_by_key(|&i| (res[i].id, i));
    }
    for w in order.windows(2) {
        let (first, r) = (&res[w[0]], &res[w[1]]);
        if first.id == r.id {
            let msg = format!(
                "resource id {} is also used by {:?} at {}",
                r.id, first.name, first.loc
            );
            diags.push(
                DiagnosticKind::DuplicateResourceId,
                path(r),
                r.loc.clone(),
                msg,
            );
        }
    }
    // Equal names share a collision hash, and names that map to one identifier an identifier
    // hash: only names whose hash another name shares need a closer look.
    hashes.clear();
    hashes.extend(res.iter().map(|r| ident::collision_hash(&r.name)));
    idents.clear();
    idents.extend(
        res.iter()
            .zip(hashes.iter())
            .map(|(r, &h)| ident::identifier_hash(h, r.id)),
    );
    shared_hashes(hashes, by_name);
    if idents == hashes {
        // The usual case (every name has a letter or digit): the same hashes, the same shared
        // ones, without sorting them again (0.4M instructions per registry parse; issue #2).
        by_ident.clone_from(by_name);
    } else {
        shared_hashes(idents, by_ident);
    }
    if by_name.is_empty() && by_ident.is_empty() {
        return;
    }
    order.clear();
    order.extend((0..res.len()).filter(|&i| by_name.binary_search(&hashes[i]).is_ok()));
    order.sort_unstable_by(|&a, &b| res[a].name.cmp(&res[b].name).then(a.cmp(&b)));
    for w in order.windows(2) {
        let (first, r) = (&res[w[0]], &res[w[1]]);
        if first.name == r.name {
            let msg = format!("name {:?} is also used by resource {}", r.name, first.id);
            diags.push(
                DiagnosticKind::DuplicateResourceName,
                path(r),
                r.loc.clone(),
                msg,
            );
        }
    }
    if by_ident.is_empty() {
        return;
    }
    let names: Vec<(&str, u16)> = res.iter().map(|r| (r.name.as_str(), r.id)).collect();
    for c in ident::collisions_hashed(&names, idents) {
        let r = &res[c.index];
        // The resource it collided with has the same identifier, hence the same hash.
        let first = res.iter().zip(idents.iter()).find_map(|(o, &h)| {
            (h == idents[c.index] && o.id != r.id && ident::snake(&o.name, o.id) == c.ident)
                .then_some(o)
        });
        if first.is_some_and(|f| f.name == r.name) {
            continue; // already reported as a duplicate name
        }
        let msg = format!(
            "{:?} maps to `{}` like {:?}; generated as `{}`",
            r.name,
            c.ident,
            first.map_or("", |f| f.name.as_str()),
            c.resolved
        );
        diags.push(
            DiagnosticKind::NameCollision,
            Some(format!("/{}/{}", obj.id, r.id)),
            r.loc.clone(),
            msg,
        );
    }
}

/// The hashes that occur more than once, sorted, into `shared`.
fn shared_hashes(hashes: &[u64], shared: &mut Vec<u64>) {
    shared.clear();
    // Fast path: a few hashes (an object has ~11 resources), all distinct (the usual case),
    // compared pair by pair rather than copied and sorted (0.07M instructions per registry
    // parse; issue #2).
    if hashes.len() <= 24 && all_distinct(hashes) {
        return;
    }
    shared.extend_from_slice(hashes);
    shared.sort_unstable();
    // Keep one of each run of equal hashes longer than one.
    let mut kept = 0;
    let mut i = 0;
    while i < shared.len() {
        let mut j = i + 1;
        while j < shared.len() && shared[j] == shared[i] {
            j += 1;
        }
        if j - i > 1 {
            shared[kept] = shared[i];
            kept += 1;
        }
        i = j;
    }
    shared.truncate(kept);
}

/// Whether no two of `hashes` are equal, by comparing every pair.
fn all_distinct(hashes: &[u64]) -> bool {
    hashes
        .iter()
        .enumerate()
        .all(|(i, h)| !hashes[i + 1..].contains(h))
}

fn resource(object: u16, r: &ResourceDef, diags: &mut Diagnostics) {
    let path = || Some(format!("/{object}/{}", r.id));
    let ops = r.operations;
    if ops.executable() && r.kind != ResourceType::None {
        let msg = format!("executable resource declares type {}", r.kind);
        diags.push(
            DiagnosticKind::ExecutableWithType,
            path(),
            r.loc.clone(),
            msg,
        );
    }
    if (ops.readable() || ops.writable()) && r.kind == ResourceType::None {
        let msg = format!("resource with operations {} has no type", ops.as_str());
        diags.push(DiagnosticKind::MissingType, path(), r.loc.clone(), msg);
    }
    if r.range == Range::Any {
        return;
    }
    if matches!(
        r.kind,
        ResourceType::Boolean | ResourceType::Objlnk | ResourceType::Corelnk | ResourceType::None
    ) {
        let msg = format!("range {:?} on a resource of type {}", r.range, r.kind);
        diags.push(DiagnosticKind::RangeOnType, path(), r.loc.clone(), msg);
        return;
    }
    for_spans(&r.range, |lo, hi| {
        if inverted(lo, hi) {
            diags.push(
                DiagnosticKind::InvertedRange,
                path(),
                r.loc.clone(),
                format!("range {lo}..{hi} has its minimum above its maximum"),
            );
        }
        if let Some(why) = out_of_type(r.kind, lo).or_else(|| out_of_type(r.kind, hi)) {
            diags.push(DiagnosticKind::RangeOutOfType, path(), r.loc.clone(), why);
        }
    });
}

/// `lo.as_f64() > hi.as_f64()`, between two integers that convert exactly (the usual bounds)
/// without the conversions, calls of ~45 instructions each (0.13M instructions per registry
/// parse; issue #2).
fn inverted(lo: Bound, hi: Bound) -> bool {
    const EXACT: u128 = 1 << f64::MANTISSA_DIGITS;
    match (lo, hi) {
        (Bound::Int(a), Bound::Int(b))
            if a.unsigned_abs() <= EXACT && b.unsigned_abs() <= EXACT =>
        {
            a > b
        }
        _ => lo.as_f64() > hi.as_f64(),
    }
}

/// `f` over the numeric spans and values of a range, as (min, max) pairs, in the order of
/// [`Range::numeric_spans`] (a byte length is one span).
fn for_spans(range: &Range, mut f: impl FnMut(Bound, Bound)) {
    match range {
        Range::Length { min, max } => f(Bound::Int(*min as i128), Bound::Int(*max as i128)),
        Range::Span { min, max } => f(*min, *max),
        Range::Set(items) => {
            for i in items {
                match i {
                    RangeItem::Value(v) => f(*v, *v),
                    RangeItem::Span(a, b) => f(*a, *b),
                }
            }
        }
        _ => {}
    }
}

fn out_of_type(kind: ResourceType, b: Bound) -> Option<String> {
    match (kind, b) {
        (ResourceType::UnsignedInteger, Bound::Int(i)) if i < 0 || i > u64::MAX as i128 => {
            Some(format!("bound {i} does not fit an Unsigned Integer (u64)"))
        }
        (ResourceType::Integer | ResourceType::Time, Bound::Int(i))
            if i64::try_from(i).is_err() =>
        {
            Some(format!("bound {i} does not fit an Integer (i64)"))
        }
        (ResourceType::Integer | ResourceType::UnsignedInteger, Bound::Float(f))
            if f.fract() != 0.0 =>
        {
            Some(format!("bound {f} is not an integer"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{all_distinct, inverted, shared_hashes};
    use crate::range::Bound;

    #[test]
    fn inverted_agrees_with_comparing_as_floats() {
        let big = 1i128 << 53;
        let ints = [
            0,
            1,
            -1,
            255,
            big - 1,
            big,
            big + 1,
            -big - 1,
            i128::from(u64::MAX),
        ];
        let mut bounds: Vec<Bound> = ints.iter().map(|&i| Bound::Int(i)).collect();
        bounds.extend([Bound::Float(0.5), Bound::Float(-1.0), Bound::Float(9.0e15)]);
        for &lo in &bounds {
            for &hi in &bounds {
                assert_eq!(inverted(lo, hi), lo.as_f64() > hi.as_f64(), "{lo:?} {hi:?}");
            }
        }
    }

    #[test]
    fn all_distinct_finds_any_repeat() {
        assert!(all_distinct(&[]));
        assert!(all_distinct(&[1, 2, 3]));
        assert!(!all_distinct(&[1, 2, 1]));
        assert!(!all_distinct(&[4, 4]));
    }

    #[test]
    fn shared_hashes_are_the_repeated_ones_once_each_sorted() {
        let mut out = vec![9];
        shared_hashes(&[3, 1, 3, 2, 2, 2, 5, 1], &mut out);
        assert_eq!(out, [1, 2, 3]);
        shared_hashes(&[4, 5, 6], &mut out);
        assert!(out.is_empty());
        shared_hashes(&[], &mut out);
        assert!(out.is_empty());
    }
}
