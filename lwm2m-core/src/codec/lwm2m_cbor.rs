//! LwM2M CBOR (Content-Format 11544), LwM2M Core TS 1.2 §7.4.6: nested CBOR maps keyed by path
//! ids, e.g. `{3: {0: {0: "Open Mobile Alliance", 6: {0: 1, 1: 5}}}}`. A key may also be an array
//! of ids standing for several levels at once (`{[3, 0, 9]: 100}`).
//!
//! Paths are absolute (from the root), whatever the request path; this follows our reading of
//! the 1.2 text and is the part of this codec most worth checking against a second peer.
//! Values are written as in [`super::cbor`].
//! Nesting is bounded by the path depth: every map level must add at least one id.

use alloc::vec::Vec;

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use crate::codec::cbor::{read_value, write_value};
use crate::codec::cbor_util::{self, cbor_err};
use crate::content::{Content, Record};
use crate::error::Error;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::value::Value;

/// Encodes content as nested maps, one level per path id.
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    let mut records: Vec<(Path, &Value)> = Vec::with_capacity(content.value_count());
    let _ = content.try_for_each_value(|path, value, _| {
        records.push((path, value));
        Ok::<(), ()>(())
    });
    records.sort_by_key(|r| r.0);
    let mut e = Encoder::new(Vec::with_capacity(records.len() * 8));
    write_level(&mut e, &records, 0)?;
    Ok(e.into_writer())
}

/// A value to encode and its path.
type Entry<'v> = (Path, &'v Value);

/// Writes the map for `records`, which share their first `depth` ids.
fn write_level(e: &mut Encoder<Vec<u8>>, records: &[Entry<'_>], depth: usize) -> Result<(), Error> {
    let groups = groups(records, depth);
    let _ = e.map(groups.len() as u64);
    for group in groups {
        let (first_path, first_value) = group[0];
        let Some(&id) = first_path.ids().get(depth) else {
            return Err(Error::malformed(first_path, "value above resource level"));
        };
        let _ = e.u32(u32::from(id));
        if first_path.depth() == depth + 1 {
            if group.len() > 1 {
                return Err(Error::malformed(
                    first_path,
                    "value and children at one path",
                ));
            }
            write_value(e, first_value);
        } else {
            write_level(e, group, depth + 1)?;
        }
    }
    Ok(())
}

/// Splits sorted records into runs with the same id at `depth`.
fn groups<'a, 'v>(records: &'a [Entry<'v>], depth: usize) -> Vec<&'a [Entry<'v>]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=records.len() {
        let boundary = i == records.len()
            || records[i].0.ids().get(depth) != records[start].0.ids().get(depth);
        if boundary {
            out.push(&records[start..i]);
            start = i;
        }
    }
    out
}

/// Decodes an LwM2M CBOR payload addressed to `path`.
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    let mut d = Decoder::new(payload);
    let mut records = Vec::new();
    read_map(&mut d, Path::ROOT, &mut records, resolver)?;
    if d.position() != payload.len() {
        return Err(Error::malformed(
            path,
            "trailing bytes after the LwM2M CBOR map",
        ));
    }
    Content::from_records(path, records)
}

fn read_map(
    d: &mut Decoder<'_>,
    prefix: Path,
    out: &mut Vec<Record>,
    resolver: &dyn TypeResolver,
) -> Result<(), Error> {
    let err = cbor_err(prefix);
    let len = d.map().map_err(err)?;
    let mut index = 0;
    while cbor_util::has_more(d, len, index, prefix)? {
        index += 1;
        let path = read_key(d, prefix)?;
        match d.datatype().map_err(err)? {
            Type::Map | Type::MapIndef => read_map(d, path, out, resolver)?,
            _ => {
                if path.depth() < 3 {
                    return Err(Error::malformed(path, "value above resource level"));
                }
                let value = read_value(d, path, resolver)?;
                out.push(Record::new(path, value));
            }
        }
    }
    Ok(())
}

/// A key: one id, or an array of ids, appended to `prefix`.
fn read_key(d: &mut Decoder<'_>, prefix: Path) -> Result<Path, Error> {
    let err = cbor_err(prefix);
    let too_deep = || Error::malformed(prefix, "path deeper than a resource instance");
    match d.datatype().map_err(err)? {
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(err)?;
            let mut path = prefix;
            let mut index = 0;
            while cbor_util::has_more(d, len, index, prefix)? {
                index += 1;
                path = path.child(read_id(d, prefix)?).ok_or_else(too_deep)?;
            }
            if index == 0 {
                return Err(Error::malformed(prefix, "empty path array key"));
            }
            Ok(path)
        }
        _ => prefix.child(read_id(d, prefix)?).ok_or_else(too_deep),
    }
}

fn read_id(d: &mut Decoder<'_>, prefix: Path) -> Result<u16, Error> {
    let id = d.u64().map_err(cbor_err(prefix))?;
    u16::try_from(id).map_err(|_| Error::malformed(prefix, "path id larger than 65535"))
}
