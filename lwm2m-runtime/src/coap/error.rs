//! Typed codec errors. Decoding never panics: every malformed input maps to a [`DecodeError`].

/// Why a datagram is not a well-formed CoAP message (RFC 7252 §3, §4.2, §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Shorter than the 4-byte header.
    #[error("datagram shorter than the 4-byte CoAP header")]
    TooShort,
    /// Version field other than 1.
    #[error("unsupported CoAP version {0}")]
    UnsupportedVersion(u8),
    /// Token length 9 to 15 (reserved).
    #[error("reserved token length {0}")]
    InvalidTokenLength(u8),
    /// The datagram ends inside the token.
    #[error("datagram ends inside the token")]
    TruncatedToken,
    /// A 0.00 message with a token, options or payload (RFC 7252 §4.1).
    #[error("empty message (code 0.00) with token, options or payload")]
    NonEmptyEmptyMessage,
    /// Option delta or length nibble 15 without being the payload marker.
    #[error("reserved option delta or length nibble 15")]
    ReservedOptionNibble,
    /// The datagram ends inside an option header or value.
    #[error("datagram ends inside an option")]
    TruncatedOption,
    /// The option number exceeds 65535.
    #[error("option number exceeds 65535")]
    OptionNumberOverflow,
    /// A payload marker followed by zero bytes of payload.
    #[error("payload marker followed by an empty payload")]
    EmptyPayload,
    /// A Block1/Block2 value longer than 3 bytes or with the reserved SZX 7 (RFC 7959 §2.2).
    #[error("invalid block option value")]
    InvalidBlock,
}

/// Why a message could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small.
    #[error("output buffer too small")]
    BufferTooSmall,
    /// Options must be written in ascending number order.
    #[error("option {number} written after option {previous}")]
    OptionsOutOfOrder {
        /// The option being written.
        number: u16,
        /// The option written before it.
        previous: u16,
    },
    /// An option value longer than 65804 bytes (the largest extended length).
    #[error("option value too long ({0} bytes)")]
    OptionTooLong(usize),
    /// An option written after the payload.
    #[error("option written after the payload")]
    OptionAfterPayload,
    /// A block number of 2^20 or more, or the reserved SZX 7.
    #[error("block number or size exponent out of range")]
    InvalidBlock,
}
