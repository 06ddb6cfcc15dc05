//! SenML (RFC 8428) in its JSON (110) and CBOR (112) encodings, with the LwM2M profile of Core
//! TS 1.1 §7.4.4–7.4.5: names are LwM2M paths (`bn` + `n`), values are `v` (number), `vs`
//! (string), `vb` (boolean), `vd` (opaque; base64url in JSON, a byte string in CBOR) and `vlo`
//! (object link `oid:iid`); times are `bt` + `t`.
//!
//! The encoder writes one `bn` (the request path) on the first record and relative `n` on the
//! rest, as the spec examples do. The decoder accepts any base-name/base-time changes.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::typed;
use crate::content::{Content, Record};
use crate::error::Error;
use crate::meta::TypeResolver;
use crate::path::{Path, parse_bytes};
use crate::value::Value;

pub mod cbor;
pub mod json;

/// One SenML record as read from the payload, before base resolution.
#[derive(Debug, Default)]
pub(crate) struct RawRecord<'a> {
    pub(crate) base_name: Option<Cow<'a, str>>,
    pub(crate) base_time: Option<f64>,
    pub(crate) name: Option<Cow<'a, str>>,
    pub(crate) time: Option<f64>,
    pub(crate) value: Option<Value>,
}

/// Applies base name and base time across records (RFC 8428 §4.5) and types the values.
pub(crate) struct Resolution<'r> {
    request: Path,
    resolver: &'r dyn TypeResolver,
    base_name: String,
    base_time: Option<f64>,
    records: Vec<Record>,
}

impl<'r> Resolution<'r> {
    pub(crate) fn new(request: Path, resolver: &'r dyn TypeResolver) -> Self {
        Resolution {
            request,
            resolver,
            base_name: String::new(),
            base_time: None,
            records: Vec::new(),
        }
    }

    /// Resolves one record.
    pub(crate) fn push(&mut self, raw: RawRecord<'_>) -> Result<(), Error> {
        if let Some(bn) = raw.base_name {
            self.base_name = bn.into_owned();
        }
        if raw.base_time.is_some() {
            self.base_time = raw.base_time;
        }
        let name = raw.name.as_deref().unwrap_or("");
        let path = parse_bytes(self.base_name.bytes().chain(name.bytes()))
            .map_err(|_| Error::malformed(self.request, "SenML name is not an LwM2M path"))?;
        let time = match (self.base_time, raw.time) {
            (None, None) => None,
            (bt, t) => Some(bt.unwrap_or(0.0) + t.unwrap_or(0.0)),
        };
        let value = raw
            .value
            .ok_or(Error::malformed(path, "SenML record without a value"))?;
        let value = typed(self.resolver, path, value)?;
        self.records.push(Record { path, value, time });
        Ok(())
    }

    /// The content tree for the request path. If any record carries a time, the tree could not
    /// hold it (nor several timed values of one path, as in a Send of history): the records are
    /// then returned as they are, in [`crate::Node::Records`].
    pub(crate) fn finish(self) -> Result<Content, Error> {
        if self.records.iter().any(|r| r.time.is_some()) {
            if let Some(r) = self
                .records
                .iter()
                .find(|r| !r.path.starts_with(&self.request))
            {
                return Err(Error::malformed(
                    r.path,
                    "record path outside the request path",
                ));
            }
            return Ok(Content::records(self.request, self.records));
        }
        Content::from_records(self.request, self.records)
    }
}

/// The resolved names of records that carry no values (composite request bodies).
pub(crate) fn paths_of(raws: Vec<RawRecord<'_>>) -> Result<Vec<Path>, Error> {
    let mut base = String::new();
    let mut paths = Vec::with_capacity(raws.len());
    for raw in raws {
        if let Some(bn) = raw.base_name {
            base = bn.into_owned();
        }
        let name = raw.name.as_deref().unwrap_or("");
        let path = parse_bytes(base.bytes().chain(name.bytes()))
            .map_err(|_| Error::malformed(Path::ROOT, "SenML name is not an LwM2M path"))?;
        paths.push(path);
    }
    Ok(paths)
}

/// A path written as text on the stack (at most `/65535/65535/65535/65535/`).
pub(crate) struct PathText {
    buf: [u8; 32],
    len: usize,
}

impl PathText {
    /// `ids` joined by `/`, with optional leading and trailing slashes.
    pub(crate) fn new(ids: &[u16], leading: bool, trailing: bool) -> Self {
        let mut t = PathText {
            buf: [0; 32],
            len: 0,
        };
        for (i, id) in ids.iter().enumerate() {
            if leading || i > 0 {
                t.push(b'/');
            }
            let mut digits = [0u8; 5];
            let mut n = *id;
            let mut count = 0;
            loop {
                digits[count] = b'0' + (n % 10) as u8;
                count += 1;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            for d in digits[..count].iter().rev() {
                t.push(*d);
            }
        }
        if trailing || (leading && ids.is_empty()) {
            t.push(b'/');
        }
        t
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

/// The `bn` and `n` to write for one record.
pub(crate) struct Names {
    pub(crate) base_name: Option<PathText>,
    pub(crate) name: Option<PathText>,
}

/// Calls `f` for every value of `content` with the names to write: one `bn` (the request path)
/// on the first record and relative `n` after it; a lone value at the request path gets only
/// `bn`; content at the root gets absolute `n`.
pub(crate) fn for_each_named<E>(
    content: &Content,
    mut f: impl FnMut(Names, Path, &Value, Option<f64>) -> Result<(), E>,
) -> Result<(), E> {
    let base = content.path;
    let mut first_path = None;
    let count = content.value_count();
    let _ = content.try_for_each_value(|p, _, _| {
        first_path = Some(p);
        Err(())
    });
    let single = count == 1 && first_path == Some(base);
    let mut first = true;
    content.try_for_each_value(|path, value, time| {
        let names = if base.is_root() {
            Names {
                base_name: None,
                name: Some(PathText::new(path.ids(), true, false)),
            }
        } else if single {
            Names {
                base_name: Some(PathText::new(base.ids(), true, false)),
                name: None,
            }
        } else {
            let rel = path.ids().get(base.depth()..).unwrap_or(&[]);
            Names {
                base_name: first.then(|| PathText::new(base.ids(), true, true)),
                name: Some(PathText::new(rel, false, false)),
            }
        };
        first = false;
        f(names, path, value, time)
    })
}
