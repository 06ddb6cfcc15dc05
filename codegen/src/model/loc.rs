//! [`Loc`]: where a model node was written. Lowering records byte offsets; line and column
//! are counted only when something asks (most loads never print a position), from a line
//! index built once per file on the first question.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

/// A source position: file, 1-based line and column (in characters).
#[derive(Clone)]
pub struct Loc {
    at: At,
}

#[derive(Clone)]
enum At {
    Known {
        file: Arc<str>,
        line: u32,
        col: u32,
    },
    /// A byte offset into a file's text, mapped when first asked (one shared reference per
    /// position: the map knows the file's name).
    Offset {
        map: Arc<LineMap>,
        pos: u32,
    },
}

/// One file's name and text and, once a position is asked for, where its lines start.
#[derive(Debug)]
pub(crate) struct LineMap {
    /// Path of the file as it was given to the loader.
    file: Arc<str>,
    /// The file's bytes as read (shared with the loader's buffer, not copied).
    bytes: Arc<Vec<u8>>,
    /// Where the text starts in `bytes` (after a byte order mark); offsets are into the text.
    skip: usize,
    /// Byte offsets (into the text) just after each `\n`.
    starts: OnceLock<Vec<usize>>,
}

impl LineMap {
    /// The map of `bytes[skip..]`, which must be UTF-8 (lowering has checked it).
    pub(crate) fn new(file: Arc<str>, bytes: Arc<Vec<u8>>, skip: usize) -> Self {
        LineMap {
            file,
            bytes,
            skip,
            starts: OnceLock::new(),
        }
    }

    fn text(&self) -> &[u8] {
        self.bytes.get(self.skip..).unwrap_or_default()
    }

    /// 1-based line and column (in characters; in bytes from the line start when `pos` is
    /// inside a character) of a byte offset.
    pub(crate) fn line_col(&self, pos: usize) -> (u32, u32) {
        let text = self.text();
        let pos = pos.min(text.len());
        let starts = self
            .starts
            .get_or_init(|| memchr::memchr_iter(b'\n', text).map(|i| i + 1).collect());
        let newlines = starts.partition_point(|&s| s <= pos);
        let line_start = newlines.checked_sub(1).map_or(0, |i| starts[i]);
        // The line start follows a `\n`, so the slice is UTF-8 exactly when `pos` is on a
        // character boundary.
        let col = match std::str::from_utf8(&text[line_start..pos]) {
            Ok(s) => s.chars().count(),
            Err(_) => pos - line_start,
        };
        (newlines as u32 + 1, col as u32 + 1)
    }
}

impl Loc {
    pub fn new(file: Arc<str>, line: u32, col: u32) -> Self {
        Loc {
            at: At::Known { file, line, col },
        }
    }

    /// A position given as a byte offset into a file's text (resolved when asked).
    pub(crate) fn offset(map: &Arc<LineMap>, pos: usize) -> Self {
        match u32::try_from(pos) {
            Ok(pos) => Loc {
                at: At::Offset {
                    map: map.clone(),
                    pos,
                },
            },
            Err(_) => {
                let (line, col) = map.line_col(pos);
                Loc::new(map.file.clone(), line, col)
            }
        }
    }

    /// Path of the file as it was given to the loader (or what a synthetic location names).
    pub fn file(&self) -> &str {
        match &self.at {
            At::Known { file, .. } => file,
            At::Offset { map, .. } => &map.file,
        }
    }

    /// A location for items that do not come from a file (macro input, tests).
    pub fn synthetic(what: &str) -> Self {
        Loc::new(Arc::from(what), 0, 0)
    }

    /// 1-based line and column; `(0, 0)` for a synthetic location.
    pub fn line_col(&self) -> (u32, u32) {
        match &self.at {
            At::Known { line, col, .. } => (*line, *col),
            At::Offset { map, pos } => map.line_col(*pos as usize),
        }
    }

    /// 1-based line (0 for a synthetic location).
    pub fn line(&self) -> u32 {
        self.line_col().0
    }

    /// 1-based column in characters (0 for a synthetic location).
    pub fn col(&self) -> u32 {
        self.line_col().1
    }

    fn key(&self) -> (&str, u32, u32) {
        let (line, col) = self.line_col();
        (self.file(), line, col)
    }
}

impl fmt::Debug for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        f.debug_struct("Loc")
            .field("file", &self.file())
            .field("line", &line)
            .field("col", &col)
            .finish()
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        if line == 0 {
            // Synthetic locations (macro input, tests) have no line.
            return f.write_str(self.file());
        }
        write!(f, "{}:{line}:{col}", self.file())
    }
}

impl PartialEq for Loc {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Loc {}

impl Hash for Loc {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for Loc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Loc {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::source::{SourceText, decode};
    use bytes::Bytes;

    #[test]
    fn offsets_resolve_like_the_source_mapping() {
        let text = "<a>\n  <b>é</b>\n\n <c>ü</c>\r\n</a>";
        let map = Arc::new(LineMap::new(Arc::from("f.xml"), Arc::new(text.into()), 0));
        let d = decode(Bytes::copy_from_slice(text.as_bytes())).unwrap();
        let src = SourceText::new(&d);
        for pos in 0..=text.len() + 2 {
            let loc = Loc::offset(&map, pos);
            assert_eq!(loc.line_col(), src.line_col(pos), "at {pos}");
        }
    }

    #[test]
    fn offsets_after_a_byte_order_mark_count_from_the_text() {
        let bytes = b"\xEF\xBB\xBF<a>\n  <b>\xC3\xA9</b>\n</a>".to_vec();
        let d = decode(Bytes::copy_from_slice(&bytes)).unwrap();
        let src = SourceText::new(&d);
        let map = Arc::new(LineMap::new(Arc::from("f.xml"), Arc::new(bytes.clone()), 3));
        for pos in 0..=src.text.len() + 2 {
            let loc = Loc::offset(&map, pos);
            assert_eq!(loc.line_col(), src.line_col(pos), "at {pos}");
        }
    }

    #[test]
    fn lazy_and_known_positions_compare_and_print_alike() {
        let map = Arc::new(LineMap::new(
            Arc::from("f.xml"),
            Arc::new(b"<a>\n <b/>\n</a>".to_vec()),
            0,
        ));
        let lazy = Loc::offset(&map, 5);
        let known = Loc::new(Arc::from("f.xml"), 2, 2);
        assert_eq!(lazy, known);
        assert_eq!(lazy.to_string(), "f.xml:2:2");
        assert_eq!(format!("{lazy:?}"), format!("{known:?}"));
        assert_eq!(
            format!("{known:?}"),
            "Loc { file: \"f.xml\", line: 2, col: 2 }"
        );
        assert_eq!(Loc::synthetic("macro").to_string(), "macro");
        assert!(Loc::offset(&map, 0) < lazy);
    }
}
