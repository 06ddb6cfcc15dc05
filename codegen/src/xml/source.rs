//! Bytes to text: BOM, UTF-8 check, and byte offset to line/column.

use std::cell::RefCell;

use bytes::Bytes;
use bytestring::ByteString;

use crate::model::Text;

/// A file's text after its byte order mark, checked to be UTF-8 once, and shared (not copied)
/// by the model's [`Text`] slices.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) text: ByteString,
    /// Whether a UTF-8 byte order mark was removed.
    pub(crate) bom: bool,
}

/// Removes a byte order mark and checks the rest is UTF-8.
pub(crate) fn decode(bytes: Bytes) -> Result<Decoded, NotUtf8> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { bytes.slice(3..) } else { bytes };
    match ByteString::try_from(body.clone()) {
        Ok(text) => Ok(Decoded { text, bom }),
        Err(e) => {
            let good = e.valid_up_to();
            let ok = std::str::from_utf8(&body[..good]).unwrap_or("");
            let (line, col) = line_col_slow(ok, good);
            Err(NotUtf8 {
                line,
                col,
                byte: good + if bom { 3 } else { 0 },
            })
        }
    }
}

/// The text of one file, with the facts about its bytes that become diagnostics.
#[derive(Debug)]
pub(crate) struct SourceText<'a> {
    pub(crate) text: &'a str,
    shared: &'a ByteString,
    /// Whether a UTF-8 byte order mark was removed; offsets are into `text`.
    pub(crate) bom: bool,
    pub(crate) crlf: bool,
    /// Positions already mapped, sorted: a lookup counts lines only from the nearest one
    /// before it (lookups come mostly in document order), so no line index is built.
    marks: RefCell<Vec<Mark>>,
}

/// A mapped position: its 1-based line, where that line starts, its 1-based column.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: usize,
    line: u32,
    line_start: usize,
    col: u32,
}

/// The input is not UTF-8: where the first bad byte is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotUtf8 {
    pub(crate) line: u32,
    pub(crate) col: u32,
    pub(crate) byte: usize,
}

impl<'a> SourceText<'a> {
    pub(crate) fn new(decoded: &'a Decoded) -> Self {
        let text: &str = &decoded.text;
        let crlf = memchr::memchr(b'\r', text.as_bytes()).is_some() && text.contains("\r\n");
        SourceText {
            text,
            shared: &decoded.text,
            bom: decoded.bom,
            crlf,
            // The start of the text is added on the first lookup (most files have none).
            marks: RefCell::new(Vec::new()),
        }
    }

    /// `part` of the text as model text: shared when it is a slice of the text, else copied.
    pub(crate) fn share(&self, part: &str) -> Text {
        Text::share(self.shared, part)
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub(crate) fn line_col(&self, pos: usize) -> (u32, u32) {
        let pos = pos.min(self.text.len());
        let mut marks = self.marks.borrow_mut();
        if marks.is_empty() {
            marks.push(Mark {
                pos: 0,
                line: 1,
                line_start: 0,
                col: 1,
            });
        }
        let i = marks.partition_point(|m| m.pos <= pos) - 1;
        let m = marks[i];
        let between = &self.text.as_bytes()[m.pos..pos];
        let newlines = memchr::memchr_iter(b'\n', between).count();
        let line = m.line + newlines as u32;
        let line_start = match memchr::memrchr(b'\n', between) {
            Some(nl) => m.pos + nl + 1,
            None => m.line_start,
        };
        let (from, base) = if line_start == m.line_start {
            (m.pos, m.col - 1)
        } else {
            (line_start, 0)
        };
        let Some(chars) = self.text.get(from..pos).map(|s| s.chars().count()) else {
            // Not a character boundary: count bytes from the line start.
            return (line, (pos - line_start) as u32 + 1);
        };
        let col = base + chars as u32 + 1;
        if pos > m.pos {
            let mark = Mark {
                pos,
                line,
                line_start,
                col,
            };
            marks.insert(i + 1, mark);
        }
        (line, col)
    }
}

fn line_col_slow(text: &str, pos: usize) -> (u32, u32) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> Decoded {
        decode(Bytes::copy_from_slice(bytes)).unwrap()
    }

    #[test]
    fn bom_is_removed_and_offsets_map_to_lines() {
        let d = decoded(b"\xEF\xBB\xBF<a>\r\n  <b/>\n</a>");
        let s = SourceText::new(&d);
        assert!(s.bom);
        assert!(s.crlf);
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(7), (2, 3));
        assert_eq!(s.line_col(12), (3, 1));
    }

    #[test]
    fn lookups_in_any_order_agree_with_a_recount() {
        let text = "<a>\n  <b>é</b>\n\n <c>ü</c>\n</a>";
        let d = decoded(text.as_bytes());
        let s = SourceText::new(&d);
        let fresh = |pos| SourceText::new(&decoded(text.as_bytes())).line_col(pos);
        let order = [20, 3, 0, 9, 9, 28, 15, 4, 17, 11, 5, 27, 1, 32];
        for pos in order {
            assert_eq!(s.line_col(pos), fresh(pos), "at {pos}");
            assert_eq!(s.line_col(pos), line_col_slow(text, pos), "at {pos}");
        }
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = decode(Bytes::from_static(b"<a>\n ok \xFF</a>")).unwrap_err();
        assert_eq!(
            err,
            NotUtf8 {
                line: 2,
                col: 5,
                byte: 8
            }
        );
    }
}
