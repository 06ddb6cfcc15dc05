//! The registration interface's parameters (Core TS 1.1 §6.2.1) and the CoRE link-format object
//! list a client registers with (`</>;rt="oma.lwm2m",</1/0>,</3/0>`).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use lwm2m_core::codec::link::{self, Link, RT_LWM2M};
use lwm2m_core::{FormatSet, InstanceId, LwM2mVersion, ObjectId};

/// A Register or Update request the server cannot accept (answered with 4.00 Bad Request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// `ep` is missing or empty.
    #[error("missing endpoint name (ep)")]
    MissingEndpoint,
    /// A parameter has a value that does not parse.
    #[error("invalid value for registration parameter {0}")]
    InvalidParameter(&'static str),
    /// `lwm2m=` names a version this implementation does not speak.
    #[error("unsupported LwM2M version {0:?}")]
    UnsupportedVersion(String),
    /// The object list is not valid link format.
    #[error("malformed object links: {0}")]
    MalformedLinks(lwm2m_core::Error),
}

/// The query parameters of a Register request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegisterParams {
    /// Endpoint client name (`ep`), unique per server.
    pub endpoint: String,
    /// Lifetime in seconds (`lt`, default 86400).
    pub lifetime: u32,
    /// Enabler version (`lwm2m`, default 1.0 when absent).
    pub version: LwM2mVersion,
    /// Binding (`b`, default `U`).
    pub binding: String,
    /// Queue mode: `q` (1.1) or a `Q` in the 1.0 binding (`UQ`).
    pub queue_mode: bool,
    /// MSISDN (`sms`), if any.
    pub sms: Option<String>,
}

impl RegisterParams {
    /// Parameters for `endpoint` with the defaults: 86400 s, LwM2M 1.1, UDP, not queue mode.
    pub fn new(endpoint: impl Into<String>) -> Self {
        RegisterParams {
            endpoint: endpoint.into(),
            lifetime: 86_400,
            version: LwM2mVersion::V1_1,
            binding: "U".into(),
            queue_mode: false,
            sms: None,
        }
    }

    /// The Uri-Query items, in the order Core TS 1.1 lists them.
    pub fn to_query(&self) -> Vec<String> {
        let mut q = alloc::vec![
            format!("ep={}", self.endpoint),
            format!("lt={}", self.lifetime),
            format!("lwm2m={}", version_str(self.version)),
            format!("b={}", self.binding),
        ];
        if let Some(sms) = &self.sms {
            q.push(format!("sms={sms}"));
        }
        if self.queue_mode && self.version >= LwM2mVersion::V1_1 {
            q.push("Q".into());
        }
        q
    }

    /// Parses the Uri-Query items of a Register request. Unknown parameters are ignored.
    pub fn from_query<'a>(
        items: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, RegistrationError> {
        let mut p = RegisterParams::new("");
        p.version = LwM2mVersion::V1_0;
        for item in items {
            let (name, value) = item.split_once('=').unwrap_or((item, ""));
            match name {
                "ep" => p.endpoint = value.into(),
                "lt" => p.lifetime = parse_lifetime(value)?,
                "lwm2m" => {
                    p.version = parse_version(value)
                        .ok_or_else(|| RegistrationError::UnsupportedVersion(value.into()))?
                }
                "b" => p.binding = value.into(),
                "sms" => p.sms = Some(value.into()),
                "Q" | "q" => p.queue_mode = true,
                _ => {}
            }
        }
        if p.endpoint.is_empty() {
            return Err(RegistrationError::MissingEndpoint);
        }
        if p.binding.contains('Q') {
            p.queue_mode = true;
        }
        Ok(p)
    }
}

/// The query parameters of an Update request; `None` means unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UpdateParams {
    /// New lifetime, seconds.
    pub lifetime: Option<u32>,
    /// New binding.
    pub binding: Option<String>,
    /// New MSISDN.
    pub sms: Option<String>,
}

impl UpdateParams {
    /// The Uri-Query items.
    pub fn to_query(&self) -> Vec<String> {
        let mut q = Vec::new();
        if let Some(lt) = self.lifetime {
            q.push(format!("lt={lt}"));
        }
        if let Some(b) = &self.binding {
            q.push(format!("b={b}"));
        }
        if let Some(s) = &self.sms {
            q.push(format!("sms={s}"));
        }
        q
    }

    /// Parses the Uri-Query items of an Update request.
    pub fn from_query<'a>(
        items: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, RegistrationError> {
        let mut p = UpdateParams::default();
        for item in items {
            let (name, value) = item.split_once('=').unwrap_or((item, ""));
            match name {
                "lt" => p.lifetime = Some(parse_lifetime(value)?),
                "b" => p.binding = Some(value.into()),
                "sms" => p.sms = Some(value.into()),
                _ => {}
            }
        }
        Ok(p)
    }
}

fn parse_lifetime(v: &str) -> Result<u32, RegistrationError> {
    v.parse::<u32>()
        .ok()
        .filter(|lt| *lt > 0)
        .ok_or(RegistrationError::InvalidParameter("lt"))
}

/// `"1.1"` → [`LwM2mVersion::V1_1`].
pub fn parse_version(v: &str) -> Option<LwM2mVersion> {
    match v {
        "1.0" => Some(LwM2mVersion::V1_0),
        "1.1" => Some(LwM2mVersion::V1_1),
        "1.2" => Some(LwM2mVersion::V1_2),
        _ => None,
    }
}

/// [`LwM2mVersion::V1_1`] → `"1.1"`.
pub fn version_str(v: LwM2mVersion) -> &'static str {
    match v {
        LwM2mVersion::V1_0 => "1.0",
        LwM2mVersion::V1_2 => "1.2",
        _ => "1.1",
    }
}

/// One entry of a registration's object list: `</3303>` (an Object without instances, possibly
/// with `ver`) or `</3303/0>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectLink {
    /// Object id.
    pub object: ObjectId,
    /// Instance id; `None` for an Object link.
    pub instance: Option<InstanceId>,
    /// Object version (`ver=`), written on the Object link when it is not 1.0.
    pub version: Option<(u8, u8)>,
}

/// The registration payload: the root link `</>;rt="oma.lwm2m"` (with `ct=` if `formats` is
/// given, as Content-Format numbers) and one link per Object / Object Instance.
pub fn encode_objects(formats: Option<&[u16]>, objects: &[ObjectLink]) -> Vec<u8> {
    let mut root = Link::new("/").with("rt", Some(RT_LWM2M));
    if let Some(f) = formats {
        let list: Vec<String> = f.iter().map(|n| n.to_string()).collect();
        root = root.with("ct", Some(&list.join(" ")));
    }
    let mut links = alloc::vec![root];
    for o in objects {
        let target = match o.instance {
            Some(i) => format!("/{}/{}", o.object, i),
            None => format!("/{}", o.object),
        };
        let mut l = Link::new(target);
        if let Some((major, minor)) = o.version {
            l = l.with("ver", Some(&format!("{major}.{minor}")));
        }
        links.push(l);
    }
    link::encode(&links)
}

/// Parses a registration payload into the object list and the formats announced with `ct=` on
/// the root link (`None` if absent). Links that are not LwM2M paths (alternate roots) are
/// skipped.
pub fn decode_objects(
    payload: &[u8],
) -> Result<(Vec<ObjectLink>, Option<FormatSet>), RegistrationError> {
    let links = link::decode(payload).map_err(RegistrationError::MalformedLinks)?;
    let mut objects = Vec::new();
    let mut formats = None;
    for l in &links {
        if l.target == "/" {
            if let Some(Some(ct)) = l.attribute("ct") {
                let numbers = ct.split(' ').filter_map(|n| n.trim().parse::<u16>().ok());
                formats = Some(FormatSet::from_numbers(numbers));
            }
            continue;
        }
        let Some(path) = l.path() else { continue };
        let version = l
            .lwm2m_attributes()
            .map_err(RegistrationError::MalformedLinks)?
            .ver;
        match path.depth() {
            1 | 2 => objects.push(ObjectLink {
                object: path.object_id().unwrap_or_default(),
                instance: path.instance_id(),
                version,
            }),
            _ => {}
        }
    }
    Ok((objects, formats))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_query_round_trip() {
        let mut p = RegisterParams::new("dev-1");
        p.lifetime = 300;
        p.queue_mode = true;
        let q = p.to_query();
        assert_eq!(q, ["ep=dev-1", "lt=300", "lwm2m=1.1", "b=U", "Q"]);
        let back = RegisterParams::from_query(q.iter().map(String::as_str)).unwrap();
        assert_eq!(back, p);
        assert_eq!(
            RegisterParams::from_query(["lt=5"]),
            Err(RegistrationError::MissingEndpoint)
        );
        assert!(RegisterParams::from_query(["ep=x", "lt=abc"]).is_err());
        let v10 = RegisterParams::from_query(["ep=x", "b=UQ"]).unwrap();
        assert!(v10.queue_mode && v10.version == LwM2mVersion::V1_0);
    }

    #[test]
    fn object_links_round_trip() {
        let objects = [
            ObjectLink {
                object: 1,
                instance: Some(0),
                version: None,
            },
            ObjectLink {
                object: 3303,
                instance: None,
                version: Some((1, 1)),
            },
        ];
        let bytes = encode_objects(Some(&[110, 11542]), &objects);
        assert_eq!(
            core::str::from_utf8(&bytes).unwrap(),
            r#"</>;rt="oma.lwm2m";ct="110 11542",</1/0>,</3303>;ver=1.1"#
        );
        let (back, formats) = decode_objects(&bytes).unwrap();
        assert_eq!(back, objects);
        assert!(formats.unwrap().contains(lwm2m_core::ContentFormat::Tlv));
    }
}
