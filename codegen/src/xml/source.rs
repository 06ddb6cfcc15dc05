//! Bytes to text: BOM, UTF-8 check, and byte offset to line/column.

use std::cell::RefCell;

/// The text of one file, with the facts about its bytes that become diagnostics.
#[derive(Debug)]
pub(crate) struct SourceText<'a> {
    pub(crate) text: &'a str,
    /// Length of a removed UTF-8 byte order mark (0 or 3); offsets are into `text`.
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
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Self, NotUtf8> {
        let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let text = std::str::from_utf8(body).map_err(|e| {
            let good = e.valid_up_to();
            let ok = std::str::from_utf8(&body[..good]).unwrap_or("");
            let (line, col) = line_col_slow(ok, good);
            NotUtf8 {
                line,
                col,
                byte: good + if bom { 3 } else { 0 },
            }
        })?;
        let crlf = memchr::memchr(b'\r', text.as_bytes()).is_some() && text.contains("\r\n");
        Ok(SourceText {
            text,
            bom,
            crlf,
            // The start of the text is added on the first lookup (most files have none).
            marks: RefCell::new(Vec::new()),
        })
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

    #[test]
    fn bom_is_removed_and_offsets_map_to_lines() {
        let s = SourceText::new(b"\xEF\xBB\xBF<a>\r\n  <b/>\n</a>").unwrap();
        assert!(s.bom);
        assert!(s.crlf);
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(7), (2, 3));
        assert_eq!(s.line_col(12), (3, 1));
    }

    #[test]
    fn lookups_in_any_order_agree_with_a_recount() {
        let text = "<a>\n  <b>é</b>\n\n <c>ü</c>\n</a>";
        let s = SourceText::new(text.as_bytes()).unwrap();
        let fresh = |pos| SourceText::new(text.as_bytes()).unwrap().line_col(pos);
        let order = [20, 3, 0, 9, 9, 28, 15, 4, 17, 11, 5, 27, 1, 32];
        for pos in order {
            assert_eq!(s.line_col(pos), fresh(pos), "at {pos}");
            assert_eq!(s.line_col(pos), line_col_slow(text, pos), "at {pos}");
        }
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let err = SourceText::new(b"<a>\n ok \xFF</a>").unwrap_err();
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
