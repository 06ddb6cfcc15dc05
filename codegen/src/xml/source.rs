//! Bytes to text: BOM, UTF-8 check, and byte offset to line/column.

/// The text of one file, with the facts about its bytes that become diagnostics.
#[derive(Debug)]
pub(crate) struct SourceText<'a> {
    pub(crate) text: &'a str,
    /// Length of a removed UTF-8 byte order mark (0 or 3); offsets are into `text`.
    pub(crate) bom: bool,
    pub(crate) crlf: bool,
    line_starts: Vec<usize>,
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
        let mut line_starts = Vec::with_capacity(text.len() / 32);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let crlf = memchr::memchr(b'\r', text.as_bytes()).is_some() && text.contains("\r\n");
        Ok(SourceText {
            text,
            bom,
            crlf,
            line_starts,
        })
    }

    /// 1-based line and column (in characters) of a byte offset into `text`.
    pub(crate) fn line_col(&self, pos: usize) -> (u32, u32) {
        let pos = pos.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= pos);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..pos)
            .map_or(pos - start, |s| s.chars().count())
            + 1;
        (line as u32, col as u32)
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
