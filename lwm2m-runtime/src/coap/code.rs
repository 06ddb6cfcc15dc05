//! Message types and codes (RFC 7252 §3 and §12.1).

use core::fmt;

/// The 2-bit message type of the CoAP header (RFC 7252 §3).
///
/// The field has exactly four values, so this enum is exhaustive on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    /// Confirmable: retransmitted until acknowledged.
    Confirmable,
    /// Non-confirmable: sent once.
    NonConfirmable,
    /// Acknowledgement of a confirmable message.
    Acknowledgement,
    /// Reset: the receiver could not process a message.
    Reset,
}

impl MessageType {
    /// The type from the two header bits (higher bits are ignored).
    pub const fn from_bits(bits: u8) -> Self {
        match bits & 0b11 {
            0 => Self::Confirmable,
            1 => Self::NonConfirmable,
            2 => Self::Acknowledgement,
            _ => Self::Reset,
        }
    }

    /// The two header bits of this type.
    pub const fn bits(self) -> u8 {
        match self {
            Self::Confirmable => 0,
            Self::NonConfirmable => 1,
            Self::Acknowledgement => 2,
            Self::Reset => 3,
        }
    }
}

/// A CoAP code `c.dd`: 3-bit class and 5-bit detail (RFC 7252 §3, §12.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Code(u8);

impl Code {
    /// 0.00, the code of empty messages (pings, empty ACKs, resets).
    pub const EMPTY: Self = Self(0);
    /// 0.01 GET.
    pub const GET: Self = Self::new(0, 1);
    /// 0.02 POST.
    pub const POST: Self = Self::new(0, 2);
    /// 0.03 PUT.
    pub const PUT: Self = Self::new(0, 3);
    /// 0.04 DELETE.
    pub const DELETE: Self = Self::new(0, 4);
    /// 0.05 FETCH (RFC 8132).
    pub const FETCH: Self = Self::new(0, 5);
    /// 0.06 PATCH (RFC 8132).
    pub const PATCH: Self = Self::new(0, 6);
    /// 0.07 iPATCH (RFC 8132).
    pub const IPATCH: Self = Self::new(0, 7);
    /// 2.01 Created.
    pub const CREATED: Self = Self::new(2, 1);
    /// 2.02 Deleted.
    pub const DELETED: Self = Self::new(2, 2);
    /// 2.03 Valid.
    pub const VALID: Self = Self::new(2, 3);
    /// 2.04 Changed.
    pub const CHANGED: Self = Self::new(2, 4);
    /// 2.05 Content.
    pub const CONTENT: Self = Self::new(2, 5);
    /// 2.31 Continue (RFC 7959).
    pub const CONTINUE: Self = Self::new(2, 31);
    /// 4.00 Bad Request.
    pub const BAD_REQUEST: Self = Self::new(4, 0);
    /// 4.01 Unauthorized.
    pub const UNAUTHORIZED: Self = Self::new(4, 1);
    /// 4.02 Bad Option.
    pub const BAD_OPTION: Self = Self::new(4, 2);
    /// 4.03 Forbidden.
    pub const FORBIDDEN: Self = Self::new(4, 3);
    /// 4.04 Not Found.
    pub const NOT_FOUND: Self = Self::new(4, 4);
    /// 4.05 Method Not Allowed.
    pub const METHOD_NOT_ALLOWED: Self = Self::new(4, 5);
    /// 4.06 Not Acceptable.
    pub const NOT_ACCEPTABLE: Self = Self::new(4, 6);
    /// 4.08 Request Entity Incomplete (RFC 7959).
    pub const REQUEST_ENTITY_INCOMPLETE: Self = Self::new(4, 8);
    /// 4.12 Precondition Failed.
    pub const PRECONDITION_FAILED: Self = Self::new(4, 12);
    /// 4.13 Request Entity Too Large.
    pub const REQUEST_ENTITY_TOO_LARGE: Self = Self::new(4, 13);
    /// 4.15 Unsupported Content-Format.
    pub const UNSUPPORTED_CONTENT_FORMAT: Self = Self::new(4, 15);
    /// 5.00 Internal Server Error.
    pub const INTERNAL_SERVER_ERROR: Self = Self::new(5, 0);
    /// 5.01 Not Implemented.
    pub const NOT_IMPLEMENTED: Self = Self::new(5, 1);
    /// 5.03 Service Unavailable.
    pub const SERVICE_UNAVAILABLE: Self = Self::new(5, 3);

    /// The code `class.detail`; `class` is masked to 3 bits and `detail` to 5.
    pub const fn new(class: u8, detail: u8) -> Self {
        Self(((class & 0x7) << 5) | (detail & 0x1f))
    }

    /// The code from its header byte.
    pub const fn from_raw(raw: u8) -> Self {
        Self(raw)
    }

    /// The header byte.
    pub const fn raw(self) -> u8 {
        self.0
    }

    /// The class (0 request, 2 success, 4 client error, 5 server error).
    pub const fn class(self) -> u8 {
        self.0 >> 5
    }

    /// The detail (the `dd` of `c.dd`).
    pub const fn detail(self) -> u8 {
        self.0 & 0x1f
    }

    /// 0.00: the message carries no request or response.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// A request method (0.01 to 0.31).
    pub const fn is_request(self) -> bool {
        self.class() == 0 && self.0 != 0
    }

    /// A response (classes 2, 4 and 5).
    pub const fn is_response(self) -> bool {
        matches!(self.class(), 2..=5)
    }

    /// A success response (class 2).
    pub const fn is_success(self) -> bool {
        self.class() == 2
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.class(), self.detail())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_rfc_7252_section_12_1() {
        assert_eq!(Code::GET.raw(), 0x01);
        assert_eq!(Code::CONTENT.raw(), 0x45);
        assert_eq!(Code::NOT_FOUND.raw(), 0x84);
        assert_eq!(Code::CONTINUE.raw(), 0x5f);
        assert_eq!(Code::CONTENT.to_string(), "2.05");
        assert!(Code::POST.is_request() && !Code::EMPTY.is_request());
        assert!(Code::new(5, 3).is_response() && !Code::new(1, 0).is_response());
    }

    #[test]
    fn message_type_bits_round_trip() {
        for b in 0..4 {
            assert_eq!(MessageType::from_bits(b).bits(), b);
        }
    }
}
