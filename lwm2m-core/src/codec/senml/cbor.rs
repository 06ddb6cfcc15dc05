//! SenML CBOR (Content-Format 112): RFC 8428 §6 integer labels (`bn` -2, `bt` -3, `n` 0, `v` 2,
//! `vs` 3, `vb` 4, `t` 6, `vd` 8) and the LwM2M text label `"vlo"`.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use super::{Names, RawRecord, Resolution, for_each_named};
use crate::codec::cbor_util::{self, cbor_err, write_float};
use crate::content::Content;
use crate::error::Error;
use crate::meta::TypeResolver;
use crate::path::Path;
use crate::types::ObjLink;
use crate::value::Value;

const BN: i64 = -2;
const BT: i64 = -3;
const N: i64 = 0;
const V: i64 = 2;
const VS: i64 = 3;
const VB: i64 = 4;
const T: i64 = 6;
const VD: i64 = 8;
const VLO: &str = "vlo";

/// Encodes content as a SenML CBOR array.
pub fn encode(content: &Content) -> Result<Vec<u8>, Error> {
    let count = content.value_count();
    let mut e = Encoder::new(Vec::with_capacity(count * 16));
    // Writing to a Vec is infallible; the Results only carry the Vec's (impossible) error.
    let _ = e.array(count as u64);
    let _ = for_each_named(content, |names, _, value, time| {
        write_record(&mut e, &names, value, time);
        Ok::<(), ()>(())
    });
    Ok(e.into_writer())
}

fn write_record(e: &mut Encoder<Vec<u8>>, names: &Names, value: &Value, time: Option<f64>) {
    let fields = 1
        + usize::from(names.base_name.is_some())
        + usize::from(names.name.is_some())
        + usize::from(time.is_some());
    let _ = e.map(fields as u64);
    if let Some(bn) = &names.base_name {
        let _ = e.i64(BN).and_then(|e| e.str(bn.as_str()));
    }
    if let Some(n) = &names.name {
        let _ = e.i64(N).and_then(|e| e.str(n.as_str()));
    }
    let _ = match value {
        Value::Integer(i) | Value::Time(i) => e.i64(V).and_then(|e| e.i64(*i)),
        Value::UnsignedInteger(u) => e.i64(V).and_then(|e| e.u64(*u)),
        Value::Float(f) => e.i64(V).and_then(|e| write_float(e, *f)),
        Value::String(s) | Value::Corelnk(s) => e.i64(VS).and_then(|e| e.str(s)),
        Value::Boolean(b) => e.i64(VB).and_then(|e| e.bool(*b)),
        Value::Opaque(b) => e.i64(VD).and_then(|e| e.bytes(b)),
        Value::Objlnk(l) => {
            let mut text = String::new();
            let _ = core::fmt::write(&mut text, format_args!("{l}"));
            e.str(VLO).and_then(|e| e.str(&text))
        }
    };
    if let Some(t) = time {
        let _ = e.i64(T).and_then(|e| write_float(e, t));
    }
}

/// Decodes a SenML CBOR array addressed to `path`.
pub fn decode(path: Path, payload: &[u8], resolver: &dyn TypeResolver) -> Result<Content, Error> {
    let mut resolution = Resolution::new(path, resolver);
    each_raw(path, payload, |raw| resolution.push(raw))?;
    resolution.finish()
}

/// Decodes the paths of a Read-Composite / Observe-Composite request body.
pub fn decode_paths(payload: &[u8]) -> Result<Vec<Path>, Error> {
    let mut raws = Vec::new();
    each_raw(Path::ROOT, payload, |raw| {
        raws.push(raw);
        Ok(())
    })?;
    super::paths_of(raws)
}

/// Encodes a Read-Composite request body: `[{0: "/3/0/9"}, …]`.
pub fn encode_paths(paths: &[Path]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    let _ = e.array(paths.len() as u64);
    for p in paths {
        let mut name = String::new();
        let _ = core::fmt::write(&mut name, format_args!("{p}"));
        let _ = e.map(1).and_then(|e| e.i64(N)).and_then(|e| e.str(&name));
    }
    e.into_writer()
}

/// Reads the records one by one; names borrow from the payload.
fn each_raw<'b>(
    path: Path,
    payload: &'b [u8],
    mut f: impl FnMut(RawRecord<'b>) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut d = Decoder::new(payload);
    let len = d.array().map_err(cbor_err(path))?;
    let mut index = 0u64;
    while cbor_util::has_more(&mut d, len, index, path)? {
        index += 1;
        let fields = d.map().map_err(cbor_err(path))?;
        let mut raw = RawRecord::default();
        let mut field = 0u64;
        while cbor_util::has_more(&mut d, fields, field, path)? {
            field += 1;
            read_field(&mut d, &mut raw, path)?;
        }
        f(raw)?;
    }
    if d.position() != payload.len() {
        return Err(Error::malformed(
            path,
            "trailing bytes after the SenML array",
        ));
    }
    Ok(())
}

fn read_field<'b>(d: &mut Decoder<'b>, raw: &mut RawRecord<'b>, path: Path) -> Result<(), Error> {
    let err = cbor_err(path);
    let bad = |reason| Error::malformed(path, reason);
    match d.datatype().map_err(err)? {
        Type::String => {
            let label = d.str().map_err(err)?;
            if label == VLO {
                let link: ObjLink = d
                    .str()
                    .map_err(err)?
                    .parse()
                    .map_err(|_| bad("vlo is not oid:iid"))?;
                raw.value = Some(Value::Objlnk(link));
            } else if label.ends_with('_') {
                return Err(bad("unsupported mandatory SenML field"));
            } else {
                cbor_util::skip_scalar(d, path)?;
            }
        }
        _ => match d.i64().map_err(err)? {
            BN => raw.base_name = Some(Cow::Borrowed(d.str().map_err(err)?)),
            N => raw.name = Some(Cow::Borrowed(d.str().map_err(err)?)),
            BT => raw.base_time = Some(cbor_util::read_number_f64(d, path)?),
            T => raw.time = Some(cbor_util::read_number_f64(d, path)?),
            V => raw.value = Some(cbor_util::read_number(d, path)?),
            VS => raw.value = Some(Value::String(String::from(d.str().map_err(err)?))),
            VB => raw.value = Some(Value::Boolean(d.bool().map_err(err)?)),
            VD => raw.value = Some(Value::Opaque(d.bytes().map_err(err)?.to_vec())),
            _ => cbor_util::skip_scalar(d, path)?,
        },
    }
    Ok(())
}
