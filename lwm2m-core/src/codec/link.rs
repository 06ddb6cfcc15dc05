//! CoRE Link Format (Content-Format 40, RFC 6690) with the LwM2M attributes of Core TS 1.1
//! §5.1.2 / §6.3.1 / §5.2.7 (`ver`, `dim`, `pmin`, `pmax`, `gt`, `lt`, `st`, `epmin`, `epmax`)
//! and the registration's `</>;rt="oma.lwm2m"` root link.
//!
//! ```
//! use lwm2m_core::codec::link::{self, Link};
//! let links = link::decode(br#"</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>;ver=1.1"#).unwrap();
//! assert_eq!(links[0].attribute("rt"), Some(Some("oma.lwm2m")));
//! assert_eq!(links[2].lwm2m_attributes().unwrap().ver, Some((1, 1)));
//! assert_eq!(link::encode(&links), br#"</>;rt="oma.lwm2m";ct=110,</1/0>,</3/0>;ver=1.1"#);
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Error;
use crate::path::Path;

/// The resource type LwM2M clients put on their root link.
pub const RT_LWM2M: &str = "oma.lwm2m";

/// One link: a target URI and its attributes, in payload order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    /// The URI between `<` and `>`, e.g. `/3/0`.
    pub target: String,
    /// `(name, value)`; `None` for a bare attribute like `;obs`.
    pub attributes: Vec<(String, Option<String>)>,
}

/// The LwM2M attributes of a link, typed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct Lwm2mAttributes {
    /// Object version `ver=1.1`.
    pub ver: Option<(u8, u8)>,
    /// Number of Resource Instances `dim=2`.
    pub dim: Option<u16>,
    /// Minimum period, seconds.
    pub pmin: Option<u32>,
    /// Maximum period, seconds.
    pub pmax: Option<u32>,
    /// Greater-than threshold.
    pub gt: Option<f64>,
    /// Less-than threshold.
    pub lt: Option<f64>,
    /// Step.
    pub st: Option<f64>,
    /// Minimum evaluation period, seconds.
    pub epmin: Option<u32>,
    /// Maximum evaluation period, seconds.
    pub epmax: Option<u32>,
}

impl Link {
    /// A link to `target` without attributes.
    pub fn new(target: impl Into<String>) -> Self {
        Link {
            target: target.into(),
            attributes: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn with(mut self, name: &str, value: Option<&str>) -> Self {
        self.attributes.push((name.into(), value.map(Into::into)));
        self
    }

    /// The target as an LwM2M path, if it is one.
    pub fn path(&self) -> Option<Path> {
        self.target.parse().ok()
    }

    /// The first attribute called `name`: `Some(None)` if present without a value.
    pub fn attribute(&self, name: &str) -> Option<Option<&str>> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref())
    }

    /// The LwM2M attributes, parsed; an unparsable one is [`Error::Malformed`].
    pub fn lwm2m_attributes(&self) -> Result<Lwm2mAttributes, Error> {
        let path = self.path().unwrap_or(Path::ROOT);
        let bad = |reason| Error::malformed(path, reason);
        let mut a = Lwm2mAttributes::default();
        for (name, value) in &self.attributes {
            let Some(v) = value.as_deref() else { continue };
            match name.as_str() {
                "ver" => {
                    let (major, minor) = v.split_once('.').ok_or(bad("ver is not major.minor"))?;
                    let parse =
                        |s: &str| s.parse::<u8>().map_err(|_| bad("ver is not major.minor"));
                    a.ver = Some((parse(major)?, parse(minor)?));
                }
                "dim" => a.dim = Some(v.parse().map_err(|_| bad("dim is not an integer"))?),
                "pmin" => a.pmin = Some(v.parse().map_err(|_| bad("pmin is not an integer"))?),
                "pmax" => a.pmax = Some(v.parse().map_err(|_| bad("pmax is not an integer"))?),
                "epmin" => a.epmin = Some(v.parse().map_err(|_| bad("epmin is not an integer"))?),
                "epmax" => a.epmax = Some(v.parse().map_err(|_| bad("epmax is not an integer"))?),
                "gt" => a.gt = Some(finite(v).ok_or(bad("gt is not a number"))?),
                "lt" => a.lt = Some(finite(v).ok_or(bad("lt is not a number"))?),
                "st" => a.st = Some(finite(v).ok_or(bad("st is not a number"))?),
                _ => {}
            }
        }
        Ok(a)
    }
}

fn finite(v: &str) -> Option<f64> {
    v.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Serialises links. Values are quoted when RFC 6690 needs it and always for `rt`, `if`, `ct`
/// lists and the Bootstrap-Discover `uri`, as the LwM2M examples write them.
pub fn encode(links: &[Link]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, link) in links.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'<');
        out.extend_from_slice(link.target.as_bytes());
        out.push(b'>');
        for (name, value) in &link.attributes {
            out.push(b';');
            out.extend_from_slice(name.as_bytes());
            let Some(v) = value else { continue };
            out.push(b'=');
            if needs_quotes(name, v) {
                out.push(b'"');
                for b in v.bytes() {
                    if b == b'"' || b == b'\\' {
                        out.push(b'\\');
                    }
                    out.push(b);
                }
                out.push(b'"');
            } else {
                out.extend_from_slice(v.as_bytes());
            }
        }
    }
    out
}

fn needs_quotes(name: &str, value: &str) -> bool {
    matches!(name, "rt" | "if" | "title" | "anchor" | "uri")
        || value.is_empty()
        || !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'()*+-./:<=>?@[]^_`{|}~".contains(&b))
}

/// Parses a link-format payload. Whitespace between links is tolerated.
pub fn decode(payload: &[u8]) -> Result<Vec<Link>, Error> {
    let bad = |reason| Error::malformed(Path::ROOT, reason);
    let text = core::str::from_utf8(payload).map_err(|_| bad("link format is not UTF-8"))?;
    let mut links = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let after = rest
            .strip_prefix('<')
            .ok_or(bad("link does not start with '<'"))?;
        let end = after.find('>').ok_or(bad("link target without '>'"))?;
        let mut link = Link::new(&after[..end]);
        rest = &after[end + 1..];
        while let Some(after) = rest.strip_prefix(';') {
            let end = after.find(['=', ';', ',']).unwrap_or(after.len());
            let name = after[..end].trim();
            if name.is_empty() {
                return Err(bad("empty attribute name"));
            }
            rest = &after[end..];
            let value = match rest.strip_prefix('=') {
                Some(v) => {
                    let (value, remaining) = attribute_value(v).ok_or(bad("unterminated quote"))?;
                    rest = remaining;
                    Some(value)
                }
                None => None,
            };
            link.attributes.push((name.into(), value));
        }
        links.push(link);
        rest = rest.trim_start();
        match rest.strip_prefix(',') {
            Some(r) => rest = r.trim_start(),
            None if rest.is_empty() => {}
            None => return Err(bad("expected ',' between links")),
        }
    }
    Ok(links)
}

/// A quoted string (with `\` escapes) or a bare token up to `;` or `,`.
fn attribute_value(v: &str) -> Option<(String, &str)> {
    let Some(quoted) = v.strip_prefix('"') else {
        let end = v.find([';', ',']).unwrap_or(v.len());
        return Some((v[..end].trim_end().into(), &v[end..]));
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &quoted[i + 1..])),
            '\\' => value.push(chars.next()?.1),
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let links = [Link::new("/")
            .with("rt", Some(RT_LWM2M))
            .with("ct", Some("60 110"))];
        assert_eq!(encode(&links), br#"</>;rt="oma.lwm2m";ct="60 110""#);
        let back = decode(&encode(&links)).unwrap();
        assert_eq!(back, links);
        let esc = [Link::new("/1").with("title", Some(r#"a "b" \c"#))];
        assert_eq!(decode(&encode(&esc)).unwrap(), esc);
    }
}
