//! A minimal element tree over quick-xml events, with byte offsets on every element.
//!
//! Why not `quick-xml`'s serde support directly: serde cannot report where an element was
//! (every model node needs `file:line:col`), cannot see element order (a schema check the
//! validator makes), and measured ~2.3x slower than the pull parser on the whole registry
//! (ARCHITECTURE.md). This tree borrows text from the input wherever no unescaping is needed.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;

/// One XML element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Element<'a> {
    pub(crate) name: Cow<'static, str>,
    pub(crate) attrs: Vec<(String, String)>,
    /// Concatenated text and CDATA content of this element (not of its children).
    pub(crate) text: Cow<'a, str>,
    pub(crate) children: Vec<Element<'a>>,
    /// Byte offset of the `<` that opens the element.
    pub(crate) pos: usize,
}

impl<'a> Element<'a> {
    fn new(name: Cow<'static, str>, pos: usize) -> Self {
        Element {
            name,
            attrs: Vec::new(),
            text: Cow::Borrowed(""),
            children: Vec::new(),
            pos,
        }
    }

    pub(crate) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn push_text(&mut self, t: Cow<'a, str>) {
        if self.text.is_empty() {
            self.text = t;
        } else {
            self.text.to_mut().push_str(&t);
        }
    }
}

/// A parsed document: its root element and what was noticed on the way.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub(crate) root: Element<'a>,
    pub(crate) has_declaration: bool,
    /// Byte offsets and messages of entity references that could not be expanded (kept raw).
    pub(crate) bad_escapes: Vec<(usize, String)>,
}

/// A well-formedness error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeError {
    pub(crate) pos: usize,
    pub(crate) message: String,
}

/// Parses `text` (already UTF-8, BOM removed) into a tree.
pub(crate) fn parse(text: &str) -> Result<Document<'_>, TreeError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element<'_>> = Vec::with_capacity(8);
    let mut root = None;
    let mut has_declaration = false;
    let mut bad_escapes = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| TreeError {
            pos: reader.error_position() as usize,
            message: e.to_string(),
        })?;
        match event {
            Event::Start(e) => {
                let mut el = Element::new(intern(e.name().as_ref()), pos);
                read_attrs(&e, &mut el, pos)?;
                stack.push(el);
            }
            Event::Empty(e) => {
                let mut el = Element::new(intern(e.name().as_ref()), pos);
                read_attrs(&e, &mut el, pos)?;
                attach(&mut stack, &mut root, el, pos)?;
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| TreeError {
                    pos,
                    message: "closing tag without an open element".into(),
                })?;
                attach(&mut stack, &mut root, el, pos)?;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    // Whitespace before the first text or between child elements carries
                    // nothing (every value is trimmed when lowered): skip it, saving a copy.
                    let blank = t.iter().all(u8::is_ascii_whitespace);
                    if blank && (top.text.is_empty() || !top.children.is_empty()) {
                        continue;
                    }
                    match t.unescape() {
                        Ok(s) => top.push_text(s),
                        Err(e) => {
                            bad_escapes.push((pos, e.to_string()));
                            let raw = String::from_utf8_lossy(&t.into_inner()).into_owned();
                            top.push_text(Cow::Owned(raw));
                        }
                    }
                } else if !t.iter().all(u8::is_ascii_whitespace) {
                    return Err(TreeError {
                        pos,
                        message: "text outside the root element".into(),
                    });
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    let raw = c.into_inner();
                    let s = match raw {
                        Cow::Borrowed(b) => Cow::Borrowed(std::str::from_utf8(b).unwrap_or("")),
                        Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).into_owned()),
                    };
                    top.push_text(s);
                }
            }
            Event::Decl(_) => has_declaration = true,
            Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(TreeError {
            pos: text.len(),
            message: format!("unexpected end of file: <{}> is not closed", open.name),
        });
    }
    let root = root.ok_or(TreeError {
        pos: text.len(),
        message: "no root element".into(),
    })?;
    Ok(Document {
        root,
        has_declaration,
        bad_escapes,
    })
}

fn attach<'a>(
    stack: &mut [Element<'a>],
    root: &mut Option<Element<'a>>,
    el: Element<'a>,
    pos: usize,
) -> Result<(), TreeError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None if root.is_none() => *root = Some(el),
        None => {
            return Err(TreeError {
                pos,
                message: "more than one root element".into(),
            });
        }
    }
    Ok(())
}

fn read_attrs(
    e: &quick_xml::events::BytesStart<'_>,
    el: &mut Element<'_>,
    pos: usize,
) -> Result<(), TreeError> {
    // Most elements have none: skip the iterator and its checks.
    if e.attributes_raw().iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    for a in e.attributes() {
        let a = a.map_err(|err| TreeError {
            pos,
            message: err.to_string(),
        })?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map(Cow::into_owned)
            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
        el.attrs.push((key, value));
    }
    Ok(())
}

/// Element names of the OMA schemas, so that the common ones cost no allocation.
fn intern(name: &[u8]) -> Cow<'static, str> {
    let known = match name {
        b"LWM2M" => "LWM2M",
        b"Object" => "Object",
        b"Name" => "Name",
        b"Description1" => "Description1",
        b"Description2" => "Description2",
        b"ObjectID" => "ObjectID",
        b"ObjectURN" => "ObjectURN",
        b"LWM2MVersion" => "LWM2MVersion",
        b"ObjectVersion" => "ObjectVersion",
        b"MultipleInstances" => "MultipleInstances",
        b"Mandatory" => "Mandatory",
        b"Resources" => "Resources",
        b"Item" => "Item",
        b"Operations" => "Operations",
        b"Type" => "Type",
        b"RangeEnumeration" => "RangeEnumeration",
        b"Units" => "Units",
        b"Description" => "Description",
        b"URN" => "URN",
        b"Owner" => "Owner",
        b"Source" => "Source",
        b"Ver" => "Ver",
        b"DDF" => "DDF",
        b"DDFLink" => "DDFLink",
        b"Vorto" => "Vorto",
        b"TS" => "TS",
        b"TSLink" => "TSLink",
        b"Submitter" => "Submitter",
        _ => return Cow::Owned(String::from_utf8_lossy(name).into_owned()),
    };
    Cow::Borrowed(known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_elements_with_positions() {
        let doc = parse("<?xml version=\"1.0\"?>\n<a x=\"1\"><b>hi &amp; bye</b><c/></a>").unwrap();
        assert!(doc.has_declaration);
        assert_eq!(doc.root.name, "a");
        assert_eq!(doc.root.attr("x"), Some("1"));
        assert_eq!(doc.root.children[0].text, "hi & bye");
        assert_eq!(doc.root.children[0].pos, 31);
        assert_eq!(doc.root.children[1].name, "c");
    }

    #[test]
    fn cdata_is_text() {
        let doc = parse("<a>x<![CDATA[<y>]]></a>").unwrap();
        assert_eq!(doc.root.text, "x<y>");
    }

    #[test]
    fn truncated_input_is_an_error_at_the_end() {
        let err = parse("<a><b>text").unwrap_err();
        assert_eq!(err.pos, 10);
        assert!(err.message.contains("not closed"), "{}", err.message);
    }

    #[test]
    fn mismatched_end_is_an_error() {
        let err = parse("<a><b></a>").unwrap_err();
        assert!(err.message.contains("b"), "{}", err.message);
    }
}
