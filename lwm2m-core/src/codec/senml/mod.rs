//! SenML (RFC 8428) in its JSON (110) and CBOR (112) encodings, with the LwM2M profile of Core
//! TS 1.1 §7.4.4–7.4.5: names are LwM2M paths (`bn` + `n`), values are `v` (number), `vs`
//! (string), `vb` (boolean), `vd` (opaque; base64url in JSON, a byte string in CBOR) and `vlo`
//! (object link `oid:iid`); times are `bt` + `t`.
//!
//! The encoder writes one `bn` (the request path) on the first record and relative `n` on the
//! rest, as the spec examples do. The decoder accepts any base-name/base-time changes.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::codec::typed;
use crate::content::{Content, Record};
use crate::error::Error;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::value::Value;

pub mod cbor;
pub mod json;

/// One SenML record as read from the payload, before base resolution.
#[derive(Debug, Default)]
pub(crate) struct RawRecord {
    pub(crate) base_name: Option<String>,
    pub(crate) base_time: Option<f64>,
    pub(crate) name: Option<String>,
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
    pub(crate) fn push(&mut self, raw: RawRecord) -> Result<(), Error> {
        if let Some(bn) = raw.base_name {
            self.base_name = bn;
        }
        if raw.base_time.is_some() {
            self.base_time = raw.base_time;
        }
        let mut name = self.base_name.clone();
        name.push_str(raw.name.as_deref().unwrap_or(""));
        let path: Path = name
            .parse()
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
pub(crate) fn paths_of(raws: Vec<RawRecord>) -> Result<Vec<Path>, Error> {
    let mut base = String::new();
    let mut paths = Vec::with_capacity(raws.len());
    for raw in raws {
        if let Some(bn) = raw.base_name {
            base = bn;
        }
        let mut name = base.clone();
        name.push_str(raw.name.as_deref().unwrap_or(""));
        let path = name
            .parse()
            .map_err(|_| Error::malformed(Path::ROOT, "SenML name is not an LwM2M path"))?;
        paths.push(path);
    }
    Ok(paths)
}

/// A record to encode, with the names to write.
pub(crate) struct Planned {
    pub(crate) base_name: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) record: Record,
}

/// Chooses `bn`/`n` for every record of `content`.
pub(crate) fn plan(content: &Content) -> Vec<Planned> {
    let records = content.to_records();
    let base = content.path;
    let single = records.len() == 1 && records[0].path == base;
    let mut out = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        let (base_name, name) = if base.is_root() {
            (None, Some(path_string(record.path.ids(), "/")))
        } else if single {
            (Some(path_string(base.ids(), "/")), None)
        } else {
            let rel = record.path.ids().get(base.depth()..).unwrap_or(&[]);
            let bn = (i == 0).then(|| {
                let mut s = path_string(base.ids(), "/");
                s.push('/');
                s
            });
            (bn, Some(path_string(rel, "")))
        };
        out.push(Planned {
            base_name,
            name,
            record,
        });
    }
    out
}

/// `ids` joined by `/`, after `prefix`.
fn path_string(ids: &[u16], prefix: &str) -> String {
    let mut s = String::from(prefix);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        // Writing into a String cannot fail.
        let _ = write!(s, "{id}");
    }
    s
}
