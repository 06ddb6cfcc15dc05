//! Vectors a thread keeps from one parsed document to the next.
//!
//! A registry load parses hundreds of files in a row, each into node and attribute vectors of
//! a few to a few hundred kilobytes; allocating and freeing them per file took glibc's slow
//! paths (consolidating free chunks). Vectors of borrowed nodes cannot be kept as they are
//! (their lifetime ends with the file's text), so they are kept empty and relabelled: an empty
//! `Vec<T>` becomes a `Vec<U>` of the same layout by an in-place collect, which the standard
//! library does without allocating (tested below). Nothing is converted; the vector is empty.

use std::cell::RefCell;

use super::Node;

/// Vectors above this many bytes are not kept (one huge file should not pin its memory).
const KEEP_AT_MOST: usize = 1 << 20;

type Attr<'a> = (&'a str, &'a str);

thread_local! {
    static SPARE: RefCell<(Vec<Node<'static>>, Vec<Attr<'static>>)> = RefCell::default();
}

/// The kept vectors (empty), or new ones.
pub(super) fn take<'a>() -> (Vec<Node<'a>>, Vec<Attr<'a>>) {
    let (nodes, attrs) = SPARE
        .try_with(|s| s.try_borrow_mut().map(|mut s| std::mem::take(&mut *s)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    (relabel(nodes), relabel(attrs))
}

/// Keeps `nodes` and `attrs` (emptied) for the next [`take`] on this thread.
pub(super) fn keep(nodes: Vec<Node<'_>>, attrs: Vec<Attr<'_>>) {
    let size = nodes.capacity() * size_of::<Node<'_>>() + attrs.capacity() * size_of::<Attr<'_>>();
    if size > KEEP_AT_MOST {
        return;
    }
    let kept = (relabel(nodes), relabel(attrs));
    let _ = SPARE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            *s = kept;
        }
    });
}

/// An empty `Vec<T>` as a `Vec<U>` of the same layout, keeping its allocation.
fn relabel<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relabelling_keeps_the_allocation() {
        let v: Vec<Attr<'static>> = Vec::with_capacity(100);
        let at = v.as_ptr() as usize;
        let text = String::from("local");
        let mut w: Vec<Attr<'_>> = relabel(v);
        assert_eq!((w.as_ptr() as usize, w.capacity()), (at, 100));
        w.push((&text, &text));
        let back: Vec<Attr<'static>> = relabel(w);
        assert_eq!((back.as_ptr() as usize, back.len()), (at, 0));
    }

    #[test]
    fn a_kept_vector_comes_back_empty() {
        let (mut nodes, attrs) = take();
        nodes.reserve(10);
        let cap = nodes.capacity();
        keep(nodes, attrs);
        let (nodes, _) = take();
        assert!(nodes.is_empty());
        assert_eq!(nodes.capacity(), cap);
    }
}
