//! Errors shared by the codecs and the runtime, each mapping to a CoAP response code.

use core::fmt;

use crate::path::{Path, PathError};
use crate::types::ResourceType;

/// The CoAP response codes an LwM2M [`Error`] maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CoapCode {
    /// 4.00 Bad Request.
    BadRequest,
    /// 4.04 Not Found.
    NotFound,
    /// 4.05 Method Not Allowed.
    MethodNotAllowed,
    /// 4.06 Not Acceptable.
    NotAcceptable,
    /// 4.15 Unsupported Content-Format.
    UnsupportedContentFormat,
    /// 5.00 Internal Server Error.
    InternalServerError,
}

impl CoapCode {
    /// The code as `(class, detail)`, e.g. `(4, 15)`.
    pub const fn class_detail(self) -> (u8, u8) {
        match self {
            Self::BadRequest => (4, 0),
            Self::NotFound => (4, 4),
            Self::MethodNotAllowed => (4, 5),
            Self::NotAcceptable => (4, 6),
            Self::UnsupportedContentFormat => (4, 15),
            Self::InternalServerError => (5, 0),
        }
    }

    /// The code byte as on the wire: `class << 5 | detail`.
    pub const fn to_byte(self) -> u8 {
        let (class, detail) = self.class_detail();
        (class << 5) | detail
    }
}

impl fmt::Display for CoapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (class, detail) = self.class_detail();
        write!(f, "{class}.{detail:02}")
    }
}

/// An LwM2M error: what went wrong, where, and which CoAP code to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A path string could not be parsed (4.00).
    InvalidPath(PathError),
    /// The payload is not valid in its content format (4.00). `path` is the deepest path known
    /// when the problem was found ([`Path::ROOT`] if none).
    Malformed {
        /// Where.
        path: Path,
        /// Why.
        reason: &'static str,
    },
    /// A value does not have the Resource's declared type (4.00).
    TypeMismatch {
        /// The Resource (Instance).
        path: Path,
        /// The declared type.
        expected: ResourceType,
        /// What the payload carried.
        found: &'static str,
    },
    /// Payload nesting is deeper than the decoder allows (4.00).
    TooDeep {
        /// Where.
        path: Path,
        /// The limit.
        limit: usize,
    },
    /// The payload names a path outside the request's path, or no such node exists (4.04).
    NotFound {
        /// The path.
        path: Path,
    },
    /// The operation is not allowed on this node (4.05).
    MethodNotAllowed {
        /// The path.
        path: Path,
        /// Why, e.g. `"resource is not readable"`.
        reason: &'static str,
    },
    /// No content format the peer accepts can carry this content (4.06).
    NotAcceptable {
        /// The requested path.
        path: Path,
        /// The Content-Format number asked for, if any.
        format: Option<u16>,
    },
    /// The Content-Format is unknown or not supported for this operation (4.15).
    UnsupportedContentFormat {
        /// The Content-Format number.
        format: u16,
    },
    /// A bug or an internal limit, not the peer's fault (5.00).
    Internal {
        /// Why.
        reason: &'static str,
    },
}

impl Error {
    /// Shorthand for [`Error::Malformed`].
    pub const fn malformed(path: Path, reason: &'static str) -> Self {
        Error::Malformed { path, reason }
    }

    /// The CoAP response code to answer with.
    pub const fn coap_code(&self) -> CoapCode {
        match self {
            Self::InvalidPath(_)
            | Self::Malformed { .. }
            | Self::TypeMismatch { .. }
            | Self::TooDeep { .. } => CoapCode::BadRequest,
            Self::NotFound { .. } => CoapCode::NotFound,
            Self::MethodNotAllowed { .. } => CoapCode::MethodNotAllowed,
            Self::NotAcceptable { .. } => CoapCode::NotAcceptable,
            Self::UnsupportedContentFormat { .. } => CoapCode::UnsupportedContentFormat,
            Self::Internal { .. } => CoapCode::InternalServerError,
        }
    }

    /// The path the error is about, if it has one.
    pub const fn path(&self) -> Option<Path> {
        match self {
            Self::Malformed { path, .. }
            | Self::TypeMismatch { path, .. }
            | Self::TooDeep { path, .. }
            | Self::NotFound { path }
            | Self::MethodNotAllowed { path, .. }
            | Self::NotAcceptable { path, .. } => Some(*path),
            Self::InvalidPath(_)
            | Self::UnsupportedContentFormat { .. }
            | Self::Internal { .. } => None,
        }
    }
}

impl From<PathError> for Error {
    fn from(e: PathError) -> Self {
        Error::InvalidPath(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.coap_code())?;
        match self {
            Self::InvalidPath(e) => write!(f, "invalid path: {e}"),
            Self::Malformed { path, reason } => write!(f, "malformed payload at {path}: {reason}"),
            Self::TypeMismatch {
                path,
                expected,
                found,
            } => {
                write!(
                    f,
                    "type mismatch at {path}: resource is {expected}, payload has {found}"
                )
            }
            Self::TooDeep { path, limit } => {
                write!(f, "payload nested deeper than {limit} levels at {path}")
            }
            Self::NotFound { path } => write!(f, "{path} not found"),
            Self::MethodNotAllowed { path, reason } => {
                write!(f, "method not allowed on {path}: {reason}")
            }
            Self::NotAcceptable {
                path,
                format: Some(cf),
            } => {
                write!(f, "content format {cf} cannot carry {path}")
            }
            Self::NotAcceptable { path, format: None } => {
                write!(f, "no acceptable content format for {path}")
            }
            Self::UnsupportedContentFormat { format } => {
                write!(f, "unsupported content format {format}")
            }
            Self::Internal { reason } => write!(f, "internal error: {reason}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(CoapCode::UnsupportedContentFormat.to_byte(), 0x8F);
        assert_eq!(CoapCode::BadRequest.to_byte(), 0x80);
        assert_eq!(CoapCode::InternalServerError.to_byte(), 0xA0);
        let e = Error::TypeMismatch {
            path: Path::resource(3, 0, 9),
            expected: ResourceType::Integer,
            found: "string",
        };
        assert_eq!(e.coap_code(), CoapCode::BadRequest);
        assert_eq!(e.path(), Some(Path::resource(3, 0, 9)));
    }
}
