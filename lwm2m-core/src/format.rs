//! Content-Format numbers and content negotiation.

use crate::error::Error;
use crate::path::Path;
use crate::types::ResourceType;

/// A content format LwM2M uses, with its CoAP Content-Format number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentFormat {
    /// `text/plain` (0; 1541 in LwM2M 1.0 drafts).
    Text,
    /// `application/link-format` (40).
    LinkFormat,
    /// `application/octet-stream` (42; 1544 in LwM2M 1.0 drafts).
    Opaque,
    /// `application/cbor` (60), a single value, LwM2M 1.1.
    Cbor,
    /// `application/senml+json` (110).
    SenmlJson,
    /// `application/senml+cbor` (112).
    SenmlCbor,
    /// `application/vnd.oma.lwm2m+tlv` (11542; 1542 in LwM2M 1.0 drafts).
    Tlv,
    /// `application/vnd.oma.lwm2m+json` (11543; 1543 in LwM2M 1.0 drafts), LwM2M 1.0 JSON.
    LwM2mJson,
    /// `application/vnd.oma.lwm2m+cbor` (11544), LwM2M 1.2.
    LwM2mCbor,
}

impl ContentFormat {
    const ALL: [ContentFormat; 9] = [
        Self::Text,
        Self::LinkFormat,
        Self::Opaque,
        Self::Cbor,
        Self::SenmlJson,
        Self::SenmlCbor,
        Self::Tlv,
        Self::LwM2mJson,
        Self::LwM2mCbor,
    ];

    /// The registered CoAP Content-Format number.
    pub const fn number(self) -> u16 {
        match self {
            Self::Text => 0,
            Self::LinkFormat => 40,
            Self::Opaque => 42,
            Self::Cbor => 60,
            Self::SenmlJson => 110,
            Self::SenmlCbor => 112,
            Self::Tlv => 11542,
            Self::LwM2mJson => 11543,
            Self::LwM2mCbor => 11544,
        }
    }

    /// The format for a Content-Format number, including the pre-registration LwM2M 1.0 numbers
    /// 1541–1544 that old peers (e.g. lwm2m-node-lib) still send.
    pub const fn from_number(n: u16) -> Result<Self, Error> {
        Ok(match n {
            0 | 1541 => Self::Text,
            40 => Self::LinkFormat,
            42 | 1544 => Self::Opaque,
            60 => Self::Cbor,
            110 => Self::SenmlJson,
            112 => Self::SenmlCbor,
            11542 | 1542 => Self::Tlv,
            11543 | 1543 => Self::LwM2mJson,
            11544 => Self::LwM2mCbor,
            format => return Err(Error::UnsupportedContentFormat { format }),
        })
    }

    const fn bit(self) -> u16 {
        1 << (self as u8)
    }

    /// Whether this format can represent content of this shape at all, in this LwM2M version.
    pub fn can_carry(self, target: Target, version: LwM2mVersion) -> bool {
        match (self, target) {
            (Self::LinkFormat, t) => t == Target::Discover,
            (_, Target::Discover) => false,
            (Self::Text, Target::Resource(t)) => t != ResourceType::None,
            (Self::Opaque, Target::Resource(t)) => t == ResourceType::Opaque,
            (Self::Cbor, Target::Resource(t)) => {
                t != ResourceType::None && version >= LwM2mVersion::V1_1
            }
            (Self::Text | Self::Opaque | Self::Cbor, _) => false,
            (Self::Tlv | Self::LwM2mJson, t) => t != Target::Composite,
            (Self::SenmlJson | Self::SenmlCbor, _) => version >= LwM2mVersion::V1_1,
            (Self::LwM2mCbor, _) => version >= LwM2mVersion::V1_2,
        }
    }
}

/// A set of [`ContentFormat`]s, as a bit mask (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FormatSet(u16);

impl FormatSet {
    /// The empty set.
    pub const EMPTY: FormatSet = FormatSet(0);

    /// This set plus `format`.
    pub const fn with(self, format: ContentFormat) -> Self {
        FormatSet(self.0 | format.bit())
    }

    /// Membership.
    pub const fn contains(self, format: ContentFormat) -> bool {
        self.0 & format.bit() != 0
    }

    /// Adds every known Content-Format number from `numbers` (e.g. a registration's `ct=`),
    /// ignoring unknown ones.
    pub fn from_numbers(numbers: impl IntoIterator<Item = u16>) -> Self {
        numbers
            .into_iter()
            .filter_map(|n| ContentFormat::from_number(n).ok())
            .fold(Self::EMPTY, Self::with)
    }

    /// The formats in the set.
    pub fn iter(self) -> impl Iterator<Item = ContentFormat> {
        ContentFormat::ALL
            .into_iter()
            .filter(move |f| self.contains(*f))
    }
}

/// An LwM2M enabler version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LwM2mVersion {
    /// 1.0.
    V1_0,
    /// 1.1.
    V1_1,
    /// 1.2.
    V1_2,
}

/// The shape of content to transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// A single-instance Resource or a Resource Instance of this type.
    Resource(ResourceType),
    /// A multiple-instance Resource.
    MultipleResource,
    /// An Object Instance.
    Instance,
    /// An Object (all its instances).
    Object,
    /// A Read-/Write-/Observe-Composite or Send payload spanning several paths.
    Composite,
    /// A Discover response.
    Discover,
}

/// What a peer supports: its LwM2M version and the formats it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Enabler version from the registration (`lwm2m=`).
    pub version: LwM2mVersion,
    /// Accepted formats.
    pub formats: FormatSet,
}

impl Capabilities {
    /// The formats to assume when a client registered without `ct=`: the formats its version
    /// makes mandatory (1.0: text, opaque, TLV; 1.1: plus link format; 1.2: plus SenML CBOR).
    /// This is a conservative reading of the Core spec's §7 tables, not a guarantee.
    pub const fn assumed(version: LwM2mVersion) -> Self {
        let base = FormatSet::EMPTY
            .with(ContentFormat::Text)
            .with(ContentFormat::Opaque)
            .with(ContentFormat::LinkFormat);
        let formats = match version {
            LwM2mVersion::V1_0 | LwM2mVersion::V1_1 => base.with(ContentFormat::Tlv),
            LwM2mVersion::V1_2 => base.with(ContentFormat::SenmlCbor),
        };
        Capabilities { version, formats }
    }

    /// Picks the format for content of shape `target` at `path`.
    ///
    /// With an explicit `accept`, it is used if it can carry the target and the peer supports it,
    /// else [`Error::NotAcceptable`]. Without one: text (or opaque for Opaque resources) for single
    /// values, then the most compact structured format the peer supports (LwM2M CBOR, SenML
    /// CBOR, TLV, SenML JSON, LwM2M JSON).
    pub fn negotiate(
        &self,
        path: Path,
        target: Target,
        accept: Option<ContentFormat>,
    ) -> Result<ContentFormat, Error> {
        if let Some(format) = accept {
            return if format.can_carry(target, self.version) && self.formats.contains(format) {
                Ok(format)
            } else {
                Err(Error::NotAcceptable {
                    path,
                    format: Some(format.number()),
                })
            };
        }
        const SINGLE: [ContentFormat; 3] = [
            ContentFormat::Text,
            ContentFormat::Opaque,
            ContentFormat::Cbor,
        ];
        const STRUCTURED: [ContentFormat; 5] = [
            ContentFormat::LwM2mCbor,
            ContentFormat::SenmlCbor,
            ContentFormat::Tlv,
            ContentFormat::SenmlJson,
            ContentFormat::LwM2mJson,
        ];
        SINGLE
            .into_iter()
            .chain(STRUCTURED)
            .chain([ContentFormat::LinkFormat])
            .find(|f| self.formats.contains(*f) && f.can_carry(target, self.version))
            .ok_or(Error::NotAcceptable { path, format: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for f in ContentFormat::ALL {
            assert_eq!(ContentFormat::from_number(f.number()), Ok(f));
        }
        assert_eq!(ContentFormat::from_number(1542), Ok(ContentFormat::Tlv));
        assert!(ContentFormat::from_number(50).is_err());
    }

    #[test]
    fn negotiation() {
        let p = Path::resource(3, 0, 0);
        let v10 = Capabilities::assumed(LwM2mVersion::V1_0);
        let single = Target::Resource(ResourceType::String);
        assert_eq!(v10.negotiate(p, single, None), Ok(ContentFormat::Text));
        assert_eq!(
            v10.negotiate(p, Target::Instance, None),
            Ok(ContentFormat::Tlv)
        );
        assert!(v10.negotiate(p, Target::Composite, None).is_err());
        let opaque = Target::Resource(ResourceType::Opaque);
        assert_eq!(v10.negotiate(p, opaque, None), Ok(ContentFormat::Text));
        let only_opaque = Capabilities {
            version: LwM2mVersion::V1_0,
            formats: FormatSet::EMPTY.with(ContentFormat::Opaque),
        };
        assert_eq!(
            only_opaque.negotiate(p, opaque, None),
            Ok(ContentFormat::Opaque)
        );

        let v12 = Capabilities {
            version: LwM2mVersion::V1_2,
            formats: FormatSet::from_numbers([0, 110, 112, 11542, 11544]),
        };
        assert_eq!(
            v12.negotiate(p, Target::Object, None),
            Ok(ContentFormat::LwM2mCbor)
        );
        assert_eq!(
            v12.negotiate(p, Target::Composite, None),
            Ok(ContentFormat::LwM2mCbor)
        );
        let err = v12
            .negotiate(p, Target::Composite, Some(ContentFormat::Tlv))
            .unwrap_err();
        assert_eq!(err.coap_code(), crate::CoapCode::NotAcceptable);
        assert_eq!(
            v12.negotiate(p, Target::Instance, Some(ContentFormat::SenmlJson)),
            Ok(ContentFormat::SenmlJson)
        );
        assert_eq!(
            v10.negotiate(p, Target::Discover, None),
            Ok(ContentFormat::LinkFormat)
        );
    }
}
