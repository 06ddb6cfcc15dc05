//! Lowering: raw elements to the model, with every soft problem as a diagnostic.
//!
//! This is the only module that knows both the raw layer and the model.

mod common;
mod ddf;
mod fields;
mod object;

use std::sync::Arc;

use bumpalo::Bump;
use bytes::Bytes;

use crate::diag::{DiagnosticKind, Diagnostics};
use crate::error::ParseError;
use crate::model::{CommonResource, IndexEntry, LineMap, Loc, ObjectDef, Text};
use crate::xml::source::{self, Decoded, SourceText};
use crate::xml::tree::{self, Document, Element};

/// The model path a diagnostic names (`/3303/5700`), formatted only when one is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    /// The file itself (shown as an empty path).
    File,
    Object(u16),
    Resource(u16, u16),
    /// A reusable resource of `Common.xml`.
    Common(u16),
}

impl Path {
    /// The path as [`Display`](std::fmt::Display) writes it, without the formatting
    /// machinery: through `to_string`, ~600 instructions for a diagnostic's `/3303/5700`,
    /// 0.26M instructions per registry parse (issue #2; the registry has ~600 such
    /// diagnostics). Written from the end of a buffer, then copied once.
    fn text(self) -> String {
        // Room for `/65535/65535` and `common/65535`.
        let mut buf = Backwards {
            bytes: [0; 16],
            at: 16,
        };
        match self {
            Path::File => {}
            Path::Object(o) => {
                buf.id(o);
                buf.put(b"/");
            }
            Path::Resource(o, r) => {
                buf.id(r);
                buf.put(b"/");
                buf.id(o);
                buf.put(b"/");
            }
            Path::Common(r) => {
                buf.id(r);
                buf.put(b"common/");
            }
        }
        String::from(std::str::from_utf8(&buf.bytes[buf.at..]).unwrap_or_default())
    }
}

/// ASCII text written from the end of a small buffer towards its start.
struct Backwards {
    bytes: [u8; 16],
    /// Where the text starts.
    at: usize,
}

impl Backwards {
    fn put(&mut self, text: &[u8]) {
        self.at -= text.len();
        self.bytes[self.at..self.at + text.len()].copy_from_slice(text);
    }

    /// `id` in decimal.
    fn id(&mut self, id: u16) {
        let mut rest = id;
        loop {
            self.at -= 1;
            self.bytes[self.at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::File => Ok(()),
            Path::Object(o) => write!(f, "/{o}"),
            Path::Resource(o, r) => write!(f, "/{o}/{r}"),
            Path::Common(r) => write!(f, "common/{r}"),
        }
    }
}

/// One file's text and its position mapping, shared by the lowering functions.
pub(crate) struct Ctx<'s, 'd> {
    pub(crate) file: Arc<str>,
    pub(crate) src: &'s SourceText<'s>,
    /// The file's text for positions resolved later (shared by every [`Loc`] of the file).
    pub(crate) lines: Arc<LineMap>,
    pub(crate) diags: &'d mut Diagnostics,
}

impl Ctx<'_, '_> {
    pub(crate) fn loc(&self, pos: usize) -> Loc {
        Loc::offset(&self.lines, pos)
    }

    /// Text of the file as model text (shared, not copied, when it is a slice of the file).
    pub(crate) fn text(&self, part: &str) -> Text {
        self.src.share(part)
    }

    pub(crate) fn diag(
        &mut self,
        kind: DiagnosticKind,
        path: Option<Path>,
        pos: usize,
        msg: String,
    ) {
        let loc = self.loc(pos);
        self.diags.push(kind, path.map(Path::text), loc, msg);
    }
}

/// Decodes and parses one file, reporting byte-level facts.
fn open<'s>(
    file: &Arc<str>,
    src: &'s SourceText<'s>,
    arena: &'s Bump,
    lines: &Arc<LineMap>,
    diags: &mut Diagnostics,
) -> Result<Document<'s>, ParseError> {
    let doc = tree::parse(src.text, arena).map_err(|e| {
        let (line, col) = src.line_col(e.pos);
        ParseError::Xml {
            file: file.to_string(),
            line,
            col,
            message: e.message,
        }
    })?;
    let mut ctx = Ctx {
        file: file.clone(),
        src,
        lines: lines.clone(),
        diags,
    };
    if src.bom {
        ctx.diag(
            DiagnosticKind::ByteOrderMark,
            None,
            0,
            "file starts with a UTF-8 byte order mark".into(),
        );
    }
    if !doc.has_declaration {
        ctx.diag(
            DiagnosticKind::MissingXmlDeclaration,
            None,
            0,
            "no <?xml …?> declaration".into(),
        );
    }
    if src.crlf {
        ctx.diag(
            DiagnosticKind::CrlfLineEnds,
            None,
            0,
            "CRLF line ends".into(),
        );
    }
    for (pos, msg) in &doc.bad_escapes {
        ctx.diag(
            DiagnosticKind::BadEscape,
            None,
            *pos,
            format!("kept as written: {msg}"),
        );
    }
    if let Some(pos) = mojibake(src.text) {
        ctx.diag(
            DiagnosticKind::Mojibake,
            None,
            pos,
            "text looks like UTF-8 that was decoded as Latin-1 and encoded again".into(),
        );
    }
    Ok(doc)
}

fn decode(file: &Arc<str>, bytes: &Arc<Vec<u8>>) -> Result<Decoded, ParseError> {
    let shared = Bytes::from_owner(SharedFile(bytes.clone()));
    source::decode(shared).map_err(|e| ParseError::NotUtf8 {
        file: file.to_string(),
        line: e.line,
        col: e.col,
        byte: e.byte,
    })
}

/// A loaded file's bytes as the owner of the [`Bytes`] the model's text slices share.
struct SharedFile(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedFile {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The byte offset of the first double-encoded sequence (`Ã`, `Â` or `â` followed by a
/// character from the Latin-1 range that UTF-8 continuation bytes decode to), if any.
fn mojibake(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // All three lead characters encode as 0xC3 0x8x/0xAx in UTF-8: search for 0xC3 first.
    memchr::memchr_iter(0xC3, bytes).find(|&i| {
        let lead = text.get(i..).and_then(|s| s.chars().next());
        if !matches!(lead, Some('Ã' | 'â' | 'Â')) {
            return false;
        }
        let next = text.get(i + 2..).and_then(|s| s.chars().next());
        next.is_some_and(|n| {
            ('\u{80}'..='\u{bf}').contains(&n) || matches!(n, '€' | '™' | '©' | '¢' | '¤' | '¶')
        })
    })
}

/// Decodes, parses and reports byte-level facts, then runs `lower` on the root element.
/// The positions of the result share `bytes` (no copy of the text).
fn lower_file<T>(
    file: Arc<str>,
    bytes: Arc<Vec<u8>>,
    diags: &mut Diagnostics,
    lower: impl FnOnce(&mut Ctx<'_, '_>, Element<'_>) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    let decoded = decode(&file, &bytes)?;
    let src = SourceText::new(&decoded);
    let skip = bytes.len() - src.text.len();
    let lines = Arc::new(LineMap::new(file.clone(), bytes.clone(), skip));
    let arena = Bump::new();
    let doc = open(&file, &src, &arena, &lines, diags)?;
    let mut ctx = Ctx {
        file,
        src: &src,
        lines,
        diags,
    };
    let lowered = lower(&mut ctx, doc.root());
    doc.recycle();
    lowered
}

/// Parses and lowers an object definition file (one or more `<Object>`s).
pub fn object_file(
    file: Arc<str>,
    bytes: &[u8],
    diags: &mut Diagnostics,
) -> Result<Vec<ObjectDef>, ParseError> {
    object_file_shared(file, Arc::new(bytes.to_vec()), diags)
}

/// Parses and lowers `Common.xml`.
pub fn common_file(
    file: Arc<str>,
    bytes: &[u8],
    diags: &mut Diagnostics,
) -> Result<Vec<CommonResource>, ParseError> {
    common_file_shared(file, Arc::new(bytes.to_vec()), diags)
}

/// Parses and lowers `DDF.xml`.
pub fn index_file(
    file: Arc<str>,
    bytes: &[u8],
    diags: &mut Diagnostics,
) -> Result<Vec<IndexEntry>, ParseError> {
    index_file_shared(file, Arc::new(bytes.to_vec()), diags)
}

// The loader's versions: positions keep the loader's buffer for line and column (no copy).

pub(crate) fn object_file_shared(
    file: Arc<str>,
    bytes: Arc<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Result<Vec<ObjectDef>, ParseError> {
    lower_file(file, bytes, diags, object::lower_document)
}

pub(crate) fn common_file_shared(
    file: Arc<str>,
    bytes: Arc<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Result<Vec<CommonResource>, ParseError> {
    lower_file(file, bytes, diags, |ctx, root| Ok(common::lower(ctx, root)))
}

pub(crate) fn index_file_shared(
    file: Arc<str>,
    bytes: Arc<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Result<Vec<IndexEntry>, ParseError> {
    lower_file(file, bytes, diags, |ctx, root| Ok(ddf::lower(ctx, root)))
}

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn path_text_is_what_display_writes() {
        for id in [0, 7, 10, 99, 3303, 5700, 65535] {
            for path in [
                Path::File,
                Path::Object(id),
                Path::Resource(id, 65535 - id),
                Path::Common(id),
            ] {
                assert_eq!(path.text(), path.to_string(), "{path:?}");
            }
        }
    }
}
