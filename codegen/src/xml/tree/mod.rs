//! A minimal element tree over quick-xml events, with byte offsets on every element.
//!
//! Why not `quick-xml`'s serde support directly: serde cannot report where an element was
//! (every model node needs `file:line:col`), cannot see element order (a schema check the
//! validator makes), and measured ~2.3x slower than the pull parser on the whole registry
//! (ARCHITECTURE.md). The tree is flat (one vector of nodes in document order, each knowing
//! where its subtree ends, so children need no links) and borrows names, text and attribute
//! values from the input wherever no unescaping is needed, so building it costs a few vectors
//! per file rather than allocations per element.
//!
//! Nodes hold plain `&str`s: text that cannot borrow from the input (unescaped, or joined
//! from several parts) is copied into an arena the caller owns, so a node has nothing to drop.
//! With `Cow`s, dropping a document read every node again (on the registry, a fifth of all
//! data cache misses of the parse, cachegrind), and nodes were 80 bytes (now 56).
//! A streaming reader that fills the raw structs without a tree was tried (issue #2) and was
//! slower: 152.5M instructions over the registry against the tree's 141.2M.

use bumpalo::Bump;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// No node (an index nodes never reach).
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node<'a> {
    name: &'a str,
    /// Concatenated text and CDATA content of this element (not of its children).
    text: &'a str,
    /// Byte offset of the `<` that opens the element.
    pos: usize,
    /// Index just past this element's descendants (nodes are in document order, so its
    /// children start right after it, and each child's `end` is where the next one is).
    end: u32,
    /// Range of this element's attributes in [`Document::attrs`].
    attrs: (u32, u32),
}

/// A parsed document: its elements and what was noticed on the way.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    /// Elements in document order; the root is the first.
    nodes: Vec<Node<'a>>,
    attrs: Vec<(&'a str, &'a str)>,
    /// Where text that cannot borrow from the input is kept.
    arena: &'a Bump,
    pub(crate) has_declaration: bool,
    /// Whether the input has any `&` at all (most files have none: no text needs a look).
    escapes: bool,
    /// Byte offsets and messages of entity references that could not be expanded (kept raw).
    pub(crate) bad_escapes: Vec<(usize, String)>,
}

/// One element of a [`Document`]: a cheap handle to copy around.
#[derive(Clone, Copy)]
pub(crate) struct Element<'t> {
    doc: &'t Document<'t>,
    index: u32,
}

/// The child elements of one element, in document order.
#[derive(Clone, Copy)]
pub(crate) struct Children<'t> {
    doc: &'t Document<'t>,
    next: u32,
    end: u32,
}

impl<'a> Document<'a> {
    /// Drops the document, keeping its vectors' memory for the next document parsed on this
    /// thread.
    pub(crate) fn recycle(self) {
        spare::keep(self.nodes, self.attrs);
    }

    pub(crate) fn root(&self) -> Element<'_> {
        Element {
            doc: self,
            index: 0,
        }
    }
}

impl<'t> Element<'t> {
    fn node(self) -> &'t Node<'t> {
        &self.doc.nodes[self.index as usize]
    }

    pub(crate) fn name(self) -> &'t str {
        self.node().name
    }

    pub(crate) fn text(self) -> &'t str {
        self.node().text
    }

    pub(crate) fn pos(self) -> usize {
        self.node().pos
    }

    pub(crate) fn attr(self, key: &str) -> Option<&'t str> {
        let (start, end) = self.node().attrs;
        self.doc.attrs[start as usize..end as usize]
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    pub(crate) fn children(self) -> Children<'t> {
        Children {
            doc: self.doc,
            next: self.index + 1,
            end: self.node().end,
        }
    }
}

impl<'t> Iterator for Children<'t> {
    type Item = Element<'t>;

    fn next(&mut self) -> Option<Element<'t>> {
        if self.next >= self.end {
            return None;
        }
        let el = Element {
            doc: self.doc,
            index: self.next,
        };
        self.next = el.node().end;
        Some(el)
    }
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}> at {}", self.name(), self.pos())
    }
}

impl std::fmt::Debug for Children<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(*self).finish()
    }
}

/// A well-formedness error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeError {
    pub(crate) pos: usize,
    pub(crate) message: String,
}

fn error(pos: usize, message: impl Into<String>) -> TreeError {
    TreeError {
        pos,
        message: message.into(),
    }
}

/// Parses `text` (already UTF-8, BOM removed) into a tree; text that cannot borrow from
/// `text` goes to `arena`.
pub(crate) fn parse<'a>(text: &'a str, arena: &'a Bump) -> Result<Document<'a>, TreeError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let (mut nodes, mut attrs) = spare::take();
    // The registry averages about one element per 50 bytes, one attribute per 700.
    nodes.reserve(text.len() / 40 + 4);
    attrs.reserve(text.len() / 512 + 4);
    let mut doc = Document {
        nodes,
        attrs,
        arena,
        has_declaration: false,
        escapes: memchr::memchr(b'&', text.as_bytes()).is_some(),
        bad_escapes: Vec::new(),
    };
    let mut stack: Vec<u32> = Vec::with_capacity(8);
    // Positions are taken from where an event's bytes lie in `text` (quick-xml borrows them
    // from it), not asked of the reader before each event: that cost 1.9M instructions over
    // the registry's 340,000 events (issue #2).
    let at = |part: &[u8], back: usize| offset(text, part).saturating_sub(back);
    loop {
        // Matched where it is returned: moving the event out first (through `map_err`)
        // copied it whole right after quick-xml wrote it field by field, which stalled.
        match reader.read_event() {
            Err(e) => return Err(error(reader.error_position() as usize, e.to_string())),
            Ok(Event::Start(e)) => {
                // The name follows the `<`.
                let pos = at(e.name().as_ref(), 1);
                let i = doc.open(text, &e, pos)?;
                stack.push(i);
            }
            Ok(Event::Empty(e)) => {
                let pos = at(e.name().as_ref(), 1);
                let i = doc.open(text, &e, pos)?;
                doc.nodes[i as usize].end = i + 1;
                if stack.is_empty() && i != 0 {
                    return Err(error(pos, "more than one root element"));
                }
            }
            Ok(Event::End(e)) => {
                // The name follows the `</`.
                let pos = || at(e.name().as_ref(), 2);
                let i = stack
                    .pop()
                    .ok_or_else(|| error(pos(), "closing tag without an open element"))?;
                // Fits: `open` keeps the node count below `NONE`.
                doc.nodes[i as usize].end = doc.nodes.len() as u32;
                if stack.is_empty() && i != 0 {
                    return Err(error(pos(), "more than one root element"));
                }
            }
            Ok(Event::Text(t)) => {
                let Some(&top) = stack.last() else {
                    if !blank(&t) {
                        return Err(error(at(&t, 0), "text outside the root element"));
                    }
                    continue;
                };
                let node = &doc.nodes[top as usize];
                // Whitespace before the first text or between child elements carries
                // nothing (every value is trimmed when lowered): skip it.
                let has_child = doc.nodes.len() > top as usize + 1;
                if (node.text.is_empty() || has_child) && blank(&t) {
                    continue;
                }
                let s = doc.unescape(doc.borrow(text, &t), at(&t, 0), true);
                doc.push_text(top, s);
            }
            Ok(Event::CData(c)) => {
                if let Some(&top) = stack.last() {
                    let s = doc.borrow(text, &c);
                    doc.push_text(top, s);
                }
            }
            Ok(Event::Decl(_)) => doc.has_declaration = true,
            Ok(Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {}
            Ok(Event::Eof) => break,
        }
    }
    if let Some(&open) = stack.last() {
        let name = doc.nodes[open as usize].name;
        let message = format!("unexpected end of file: <{name}> is not closed");
        return Err(error(text.len(), message));
    }
    if doc.nodes.is_empty() {
        return Err(error(text.len(), "no root element"));
    }
    Ok(doc)
}

impl<'a> Document<'a> {
    /// Adds an element, next in document order (a child of the innermost open one, which
    /// stays open until its end sets its `end`); returns its index.
    ///
    /// Inlined, with attributes (few elements have any) read out of line: as a call of its
    /// own, every element paid for saving and restoring the registers the attribute loop
    /// needs (issue #2).
    #[inline(always)]
    fn open(&mut self, src: &'a str, e: &BytesStart<'a>, pos: usize) -> Result<u32, TreeError> {
        let index = match u32::try_from(self.nodes.len()) {
            Ok(i) if i != NONE => i,
            _ => return Err(error(pos, "too many elements")),
        };
        let start = self.attrs.len() as u32;
        // Most elements have none: skip the iterator and its checks.
        let attrs = if e.attributes_raw().iter().all(u8::is_ascii_whitespace) {
            (start, start)
        } else {
            self.read_attrs(src, e, pos)?
        };
        self.nodes.push(Node {
            name: self.borrow(src, e.name().as_ref()),
            text: "",
            pos,
            // Set when the element ends.
            end: NONE,
            attrs,
        });
        Ok(index)
    }

    #[inline(never)]
    fn read_attrs(
        &mut self,
        src: &'a str,
        e: &BytesStart<'a>,
        pos: usize,
    ) -> Result<(u32, u32), TreeError> {
        let start = self.attrs.len() as u32;
        // `<Item ID="…">`, nearly every element with attributes in the registry, read without
        // the loop below (1.5M instructions per registry parse, issue #2).
        if let Some(id) = number_id(e.attributes_raw()) {
            let id = self.borrow(src, id);
            self.attrs.push(("ID", id));
            return Ok((start, start + 1));
        }
        if self.read_plain_attrs(src, e.attributes_raw(), pos) {
            return Ok((start, self.attrs.len() as u32));
        }
        self.attrs.truncate(start as usize);
        // Without quick-xml's duplicate check (it allocates per element): names are compared
        // here. A malformed or repeated attribute goes to the checking iterator, which names
        // the problem.
        let mut clean = true;
        for a in e.attributes().with_checks(false) {
            let Ok(a) = a else {
                clean = false;
                break;
            };
            let key = self.borrow(src, a.key.as_ref());
            if self.attrs[start as usize..].iter().any(|(k, _)| *k == key) {
                clean = false;
                break;
            }
            let value = self.borrow(src, &a.value);
            let value = self.unescape(value, pos, false);
            self.attrs.push((key, value));
        }
        if !clean {
            self.attrs.truncate(start as usize);
            for a in e.attributes() {
                a.map_err(|err| error(pos, err.to_string()))?;
            }
        }
        Ok((start, self.attrs.len() as u32))
    }

    /// Reads attributes written the plain way, each one as XML whitespace, a key, `=`, and a
    /// value in double or single quotes, into pairs exactly as quick-xml's iterator would
    /// give them. False for anything else or a repeated key (some pairs may have been pushed):
    /// the general path then reads them and names what is wrong. Quick-xml's iterator took
    /// ~480 instructions per element with attributes (`<Item ID="…">`, issue #2).
    fn read_plain_attrs(&mut self, src: &'a str, raw: &[u8], pos: usize) -> bool {
        let start = self.attrs.len();
        let mut rest = raw;
        loop {
            let Some(at) = rest.iter().position(|&b| !xml_space(b)) else {
                return true;
            };
            // Separated by whitespace (quick-xml does not need it; the general path reads
            // those).
            if at == 0 {
                return false;
            }
            let body = &rest[at..];
            let Some(eq) = memchr::memchr(b'=', body) else {
                return false;
            };
            let key = &body[..eq];
            if key.is_empty() || key.iter().any(|&b| xml_space(b)) {
                return false;
            }
            let (quote, value_and_rest) = match body.get(eq + 1..) {
                Some([q @ (b'"' | b'\''), tail @ ..]) => (*q, tail),
                _ => return false,
            };
            let Some(end) = memchr::memchr(quote, value_and_rest) else {
                return false;
            };
            let key = self.borrow(src, key);
            if self.attrs[start..].iter().any(|(k, _)| *k == key) {
                return false;
            }
            let value = self.borrow(src, &value_and_rest[..end]);
            let value = self.unescape(value, pos, false);
            self.attrs.push((key, value));
            rest = &value_and_rest[end + 1..];
        }
    }

    /// Expands entity references; one that cannot be expanded leaves the text as written
    /// (reported as a bad escape when `report`).
    #[inline]
    fn unescape(&mut self, s: &'a str, pos: usize, report: bool) -> &'a str {
        if !self.escapes || memchr::memchr(b'&', s.as_bytes()).is_none() {
            return s;
        }
        self.expand(s, pos, report)
    }

    #[cold]
    fn expand(&mut self, s: &'a str, pos: usize, report: bool) -> &'a str {
        match quick_xml::escape::unescape(s) {
            Ok(std::borrow::Cow::Owned(o)) => self.arena.alloc_str(&o),
            Ok(std::borrow::Cow::Borrowed(_)) => s,
            Err(e) => {
                if report {
                    self.bad_escapes.push((pos, e.to_string()));
                }
                s
            }
        }
    }

    /// `part` as a slice of `src` when it is one (quick-xml borrows from its input), else a
    /// copy in the arena.
    #[inline]
    fn borrow(&self, src: &'a str, part: &[u8]) -> &'a str {
        // An offset computed from the two pointers: when `src` has the range, it is `part`.
        let start = (part.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize);
        match src.get(start..start.wrapping_add(part.len())) {
            Some(s) => s,
            None => self.copy(part),
        }
    }

    #[cold]
    fn copy(&self, part: &[u8]) -> &'a str {
        self.arena.alloc_str(&String::from_utf8_lossy(part))
    }

    /// Adds `t` to the text of node `i` (joined in the arena when there is text already).
    /// Inlined, joining out of line, for the reason [`Self::open`] is.
    #[inline(always)]
    fn push_text(&mut self, i: u32, t: &'a str) {
        let text = self.nodes[i as usize].text;
        self.nodes[i as usize].text = if text.is_empty() {
            t
        } else {
            self.join(text, t)
        };
    }

    #[inline(never)]
    fn join(&self, a: &str, b: &str) -> &'a str {
        self.arena.alloc_str(&[a, b].concat())
    }
}

/// The value of an element's attributes written ` ID="digits"` (then trailing whitespace
/// only): what quick-xml would read as the one attribute `ID` with that value.
fn number_id(raw: &[u8]) -> Option<&[u8]> {
    let rest = raw.strip_prefix(b" ID=\"")?;
    let end = rest.iter().position(|&b| b == b'"')?;
    let (id, after) = (&rest[..end], &rest[end + 1..]);
    (!id.is_empty() && id.iter().all(u8::is_ascii_digit) && after.iter().all(|&b| xml_space(b)))
        .then_some(id)
}

/// Where `part` starts in `src` (the end of `src` if it is not a slice of it, which quick-xml,
/// reading from `src`, does not give).
fn offset(src: &str, part: &[u8]) -> usize {
    (part.as_ptr() as usize)
        .wrapping_sub(src.as_ptr() as usize)
        .min(src.len())
}

/// XML whitespace, as quick-xml splits attributes on it.
fn xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether `t` is all ASCII whitespace. Indentation (an optional line end, then a run of
/// one space or tab character) is checked a word at a time; anything else byte by byte.
#[inline]
fn blank(t: &[u8]) -> bool {
    let run = match t {
        [b'\r', b'\n', rest @ ..] | [b'\n', rest @ ..] => rest,
        _ => t,
    };
    if let [c @ (b' ' | b'\t'), ..] = run
        && all_same(run, *c)
    {
        return true;
    }
    t.iter().all(u8::is_ascii_whitespace)
}

/// Whether every byte of `s` is `c` (in words: the last one overlaps the one before it).
#[inline]
fn all_same(s: &[u8], c: u8) -> bool {
    let n = s.len();
    if n >= 8 {
        let w = u64::from_ne_bytes([c; 8]);
        let word = |i: usize| s[i..i + 8].try_into().ok().map(u64::from_ne_bytes) == Some(w);
        (0..n / 8).all(|k| word(8 * k)) && word(n - 8)
    } else if n >= 4 {
        let w = u32::from_ne_bytes([c; 4]);
        let word = |i: usize| s[i..i + 4].try_into().ok().map(u32::from_ne_bytes) == Some(w);
        word(0) && word(n - 4)
    } else {
        s.iter().all(|&b| b == c)
    }
}

mod spare;
#[cfg(test)]
mod tests;
