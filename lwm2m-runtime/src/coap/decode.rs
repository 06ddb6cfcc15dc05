//! Zero-allocation decoding: [`MessageRef`] borrows the datagram.

use super::code::{Code, MessageType};
use super::error::DecodeError;
use super::option::{self, OptionIter, parse_option};
use super::token::Token;

/// A decoded message borrowing the datagram it came from (RFC 7252 §3).
///
/// [`MessageRef::decode`] validates the whole option sequence once, so iterating the options
/// afterwards cannot fail. Typed option accessors come from [`ReadOptions`](super::ReadOptions).
///
/// ```
/// use lwm2m_runtime::coap::{Code, MessageRef, MessageType, ReadOptions};
///
/// // RFC 7252 Appendix A, figure 16 style: CON GET /temperature, MID 0x7d34, no token.
/// let datagram = b"\x40\x01\x7d\x34\xbbtemperature";
/// let msg = MessageRef::decode(datagram).unwrap();
/// assert_eq!(msg.message_type(), MessageType::Confirmable);
/// assert_eq!(msg.code(), Code::GET);
/// assert_eq!(msg.uri_path().collect::<Vec<_>>(), ["temperature"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRef<'a> {
    ty: MessageType,
    code: Code,
    message_id: u16,
    token: Token,
    options: &'a [u8],
    payload: &'a [u8],
}

/// Reads the type and message ID of a datagram whose first 4 bytes look like a CoAP v1 header, so
/// a malformed confirmable message can still be rejected with a Reset (RFC 7252 §4.2).
pub fn peek_header(datagram: &[u8]) -> Option<(MessageType, u16)> {
    let h = datagram.get(..4)?;
    (h[0] >> 6 == 1).then(|| {
        (
            MessageType::from_bits(h[0] >> 4),
            u16::from_be_bytes([h[2], h[3]]),
        )
    })
}

impl<'a> MessageRef<'a> {
    /// Decodes and validates a datagram.
    pub fn decode(datagram: &'a [u8]) -> Result<Self, DecodeError> {
        let h = datagram.get(..4).ok_or(DecodeError::TooShort)?;
        let version = h[0] >> 6;
        if version != 1 {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let tkl = h[0] & 0x0f;
        if tkl > 8 {
            return Err(DecodeError::InvalidTokenLength(tkl));
        }
        let code = Code::from_raw(h[1]);
        let end = 4 + usize::from(tkl);
        let token = datagram.get(4..end).ok_or(DecodeError::TruncatedToken)?;
        let token = Token::new(token).ok_or(DecodeError::InvalidTokenLength(tkl))?;
        let rest = &datagram[end..];
        if code.is_empty() && (tkl != 0 || !rest.is_empty()) {
            return Err(DecodeError::NonEmptyEmptyMessage);
        }
        let mut pos = 0;
        let mut last = 0;
        while let Some((opt, used)) = parse_option(&rest[pos..], last)? {
            last = opt.number;
            pos += used;
        }
        let (options, payload) = rest.split_at(pos);
        let payload = match payload.split_first() {
            None => payload,
            Some((_marker, [])) => return Err(DecodeError::EmptyPayload),
            Some((_marker, p)) => p,
        };
        Ok(Self {
            ty: MessageType::from_bits(h[0] >> 4),
            code,
            message_id: u16::from_be_bytes([h[2], h[3]]),
            token,
            options,
            payload,
        })
    }

    /// The message type.
    pub fn message_type(&self) -> MessageType {
        self.ty
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The message ID.
    pub fn message_id(&self) -> u16 {
        self.message_id
    }

    /// The token.
    pub fn token(&self) -> Token {
        self.token
    }

    /// The options in wire order.
    pub fn options(&self) -> OptionIter<'a> {
        OptionIter::new(self.options)
    }

    /// The payload (empty if there is no payload marker).
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The first critical option this implementation cannot process: an unregistered number, or a
    /// registered one whose length is out of bounds (RFC 7252 §5.4.1, §5.4.3). A confirmable
    /// request carrying one must be answered with 4.02 Bad Option.
    pub fn unrecognized_critical(&self) -> Option<u16> {
        self.options()
            .find(|o| {
                option::is_critical(o.number)
                    && (option::length_bounds(o.number).is_none()
                        || !option::length_ok(o.number, o.value.len()))
            })
            .map(|o| o.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_inputs_are_typed_errors() {
        assert_eq!(
            MessageRef::decode(&[0x40, 1, 0]),
            Err(DecodeError::TooShort)
        );
        assert_eq!(
            MessageRef::decode(&[0x80, 1, 0, 0]),
            Err(DecodeError::UnsupportedVersion(2))
        );
        assert_eq!(
            MessageRef::decode(&[0x49, 1, 0, 0]),
            Err(DecodeError::InvalidTokenLength(9))
        );
        assert_eq!(
            MessageRef::decode(&[0x42, 1, 0, 0, 1]),
            Err(DecodeError::TruncatedToken)
        );
        assert_eq!(
            MessageRef::decode(&[0x41, 0, 0, 0, 1]),
            Err(DecodeError::NonEmptyEmptyMessage)
        );
        assert_eq!(
            MessageRef::decode(&[0x40, 1, 0, 0, 0xff]),
            Err(DecodeError::EmptyPayload)
        );
        assert_eq!(
            MessageRef::decode(&[0x40, 1, 0, 0, 0xf1]),
            Err(DecodeError::ReservedOptionNibble)
        );
    }

    #[test]
    fn unknown_critical_options_are_reported() {
        // Option 9 is unregistered and odd (critical); option 10 unregistered and elective.
        let msg = MessageRef::decode(&[0x40, 1, 0, 1, 0x91, 0xaa]).unwrap();
        assert_eq!(msg.unrecognized_critical(), Some(9));
        let msg = MessageRef::decode(&[0x40, 1, 0, 1, 0xa1, 0xaa]).unwrap();
        assert_eq!(msg.unrecognized_critical(), None);
        // Uri-Host (3, critical) with an empty value is out of bounds.
        let msg = MessageRef::decode(&[0x40, 1, 0, 1, 0x30]).unwrap();
        assert_eq!(msg.unrecognized_critical(), Some(3));
    }

    #[test]
    fn peek_reads_type_and_id_of_garbage() {
        assert_eq!(
            peek_header(&[0x40, 1, 0x12, 0x34, 0xf0]),
            Some((MessageType::Confirmable, 0x1234))
        );
        assert_eq!(peek_header(&[0x00, 1, 0x12, 0x34]), None);
    }
}
