//! Option numbers, the option wire format (RFC 7252 §3.1) and unsigned-integer option values.

use super::error::DecodeError;

/// Registered option numbers (RFC 7252 §12.2, RFC 7641, RFC 7959, RFC 7967).
pub mod number {
    /// If-Match (opaque, 0-8, repeatable).
    pub const IF_MATCH: u16 = 1;
    /// Uri-Host (string, 1-255).
    pub const URI_HOST: u16 = 3;
    /// ETag (opaque, 1-8).
    pub const ETAG: u16 = 4;
    /// If-None-Match (empty).
    pub const IF_NONE_MATCH: u16 = 5;
    /// Observe (uint, 0-3; RFC 7641).
    pub const OBSERVE: u16 = 6;
    /// Uri-Port (uint, 0-2).
    pub const URI_PORT: u16 = 7;
    /// Location-Path (string, 0-255, repeatable).
    pub const LOCATION_PATH: u16 = 8;
    /// Uri-Path (string, 0-255, repeatable).
    pub const URI_PATH: u16 = 11;
    /// Content-Format (uint, 0-2).
    pub const CONTENT_FORMAT: u16 = 12;
    /// Max-Age (uint, 0-4).
    pub const MAX_AGE: u16 = 14;
    /// Uri-Query (string, 0-255, repeatable).
    pub const URI_QUERY: u16 = 15;
    /// Accept (uint, 0-2).
    pub const ACCEPT: u16 = 17;
    /// Location-Query (string, 0-255, repeatable).
    pub const LOCATION_QUERY: u16 = 20;
    /// Block2 (uint, 0-3; RFC 7959).
    pub const BLOCK2: u16 = 23;
    /// Block1 (uint, 0-3; RFC 7959).
    pub const BLOCK1: u16 = 27;
    /// Size2 (uint, 0-4; RFC 7959).
    pub const SIZE2: u16 = 28;
    /// Proxy-Uri (string, 1-1034).
    pub const PROXY_URI: u16 = 35;
    /// Proxy-Scheme (string, 1-255).
    pub const PROXY_SCHEME: u16 = 39;
    /// Size1 (uint, 0-4).
    pub const SIZE1: u16 = 60;
    /// No-Response (uint, 0-1; RFC 7967).
    pub const NO_RESPONSE: u16 = 258;
}

/// Whether an option number is critical (odd numbers, RFC 7252 §5.4.6).
pub const fn is_critical(number: u16) -> bool {
    number & 1 == 1
}

/// The value length bounds of a registered option, or `None` for an unknown number.
pub const fn length_bounds(number: u16) -> Option<(usize, usize)> {
    use number::*;
    Some(match number {
        IF_MATCH => (0, 8),
        URI_HOST => (1, 255),
        ETAG => (1, 8),
        IF_NONE_MATCH => (0, 0),
        OBSERVE | BLOCK1 | BLOCK2 => (0, 3),
        URI_PORT | CONTENT_FORMAT | ACCEPT => (0, 2),
        LOCATION_PATH | URI_PATH | URI_QUERY | LOCATION_QUERY => (0, 255),
        MAX_AGE | SIZE1 | SIZE2 => (0, 4),
        PROXY_URI => (1, 1034),
        PROXY_SCHEME => (1, 255),
        NO_RESPONSE => (0, 1),
        _ => return None,
    })
}

/// Whether `value` is a valid length for option `number` (unknown numbers accept any length).
pub(crate) fn length_ok(number: u16, len: usize) -> bool {
    match length_bounds(number) {
        Some((min, max)) => (min..=max).contains(&len),
        None => true,
    }
}

/// One option as it appears on the wire: its absolute number and a borrowed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOption<'a> {
    /// The option number.
    pub number: u16,
    /// The value bytes.
    pub value: &'a [u8],
}

/// Parses one option header and value starting at `data[0]`.
///
/// Returns `Ok(None)` at the end of the options (end of data or payload marker; the marker is not
/// consumed), else the option and the number of bytes it used.
pub(crate) fn parse_option(
    data: &[u8],
    last: u16,
) -> Result<Option<(RawOption<'_>, usize)>, DecodeError> {
    let Some(&first) = data.first() else {
        return Ok(None);
    };
    if first == 0xff {
        return Ok(None);
    }
    let mut pos = 1;
    let mut ext = |nibble: u8| -> Result<usize, DecodeError> {
        match nibble {
            0..=12 => Ok(usize::from(nibble)),
            13 => {
                let b = *data.get(pos).ok_or(DecodeError::TruncatedOption)?;
                pos += 1;
                Ok(usize::from(b) + 13)
            }
            14 => {
                let b = data.get(pos..pos + 2).ok_or(DecodeError::TruncatedOption)?;
                pos += 2;
                Ok(usize::from(u16::from_be_bytes([b[0], b[1]])) + 269)
            }
            _ => Err(DecodeError::ReservedOptionNibble),
        }
    };
    let delta = ext(first >> 4)?;
    let len = ext(first & 0x0f)?;
    let number = usize::from(last) + delta;
    let number = u16::try_from(number).map_err(|_| DecodeError::OptionNumberOverflow)?;
    let value = data
        .get(pos..pos + len)
        .ok_or(DecodeError::TruncatedOption)?;
    Ok(Some((RawOption { number, value }, pos + len)))
}

/// Iterator over the options of a validated message (see [`MessageRef`](super::MessageRef)).
#[derive(Debug, Clone)]
pub struct OptionIter<'a> {
    data: &'a [u8],
    last: u16,
}

impl<'a> OptionIter<'a> {
    /// Iterates the option bytes between the token and the payload marker.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, last: 0 }
    }
}

impl<'a> Iterator for OptionIter<'a> {
    type Item = RawOption<'a>;

    fn next(&mut self) -> Option<RawOption<'a>> {
        match parse_option(self.data, self.last) {
            Ok(Some((opt, used))) => {
                self.data = &self.data[used..];
                self.last = opt.number;
                Some(opt)
            }
            // Validated at decode time: errors cannot happen; end the iteration if they do.
            _ => {
                self.data = &[];
                None
            }
        }
    }
}

/// Decodes an unsigned-integer option value (big-endian, leading zeros allowed, RFC 7252 §3.2).
/// Returns `None` if it is longer than `max_len` bytes (at most 4).
pub fn decode_uint(value: &[u8], max_len: usize) -> Option<u32> {
    if value.len() > max_len.min(4) {
        return None;
    }
    Some(value.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Encodes `v` as a minimal unsigned-integer option value into `buf`, returning the used prefix.
pub fn encode_uint(v: u32, buf: &mut [u8; 4]) -> &[u8] {
    *buf = v.to_be_bytes();
    let skip = (v.leading_zeros() / 8) as usize;
    &buf[skip..]
}

/// The extended form of a delta or length: (nibble, extension bytes, extension length).
pub(crate) fn nibble(v: usize) -> (u8, [u8; 2], usize) {
    if v < 13 {
        (v as u8, [0; 2], 0)
    } else if v < 269 {
        (13, [(v - 13) as u8, 0], 1)
    } else {
        let e = ((v - 269) as u16).to_be_bytes();
        (14, e, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_is_minimal() {
        let mut b = [0; 4];
        assert_eq!(encode_uint(0, &mut b), &[] as &[u8]);
        assert_eq!(encode_uint(0x1234, &mut b), &[0x12, 0x34]);
        assert_eq!(encode_uint(0x0100_0000, &mut b), &[1, 0, 0, 0]);
        assert_eq!(decode_uint(&[0, 0, 5], 3), Some(5));
        assert_eq!(decode_uint(&[1, 2, 3, 4], 3), None);
    }

    #[test]
    fn extended_delta_and_length_forms() {
        // RFC 7252 §3.1: delta 13 + 1 byte, 14 + 2 bytes (minus 269).
        let data = [0xd1, 0x00, 0xaa];
        let (o, used) = parse_option(&data, 0).unwrap().unwrap();
        assert_eq!((o.number, o.value, used), (13, &[0xaa][..], 3));
        let data = [0xe0, 0x00, 0x01];
        let (o, _) = parse_option(&data, 0).unwrap().unwrap();
        assert_eq!(o.number, 270);
        assert_eq!(
            parse_option(&[0xf0], 0),
            Err(DecodeError::ReservedOptionNibble)
        );
        assert_eq!(
            parse_option(&[0x0f], 0),
            Err(DecodeError::ReservedOptionNibble)
        );
        assert_eq!(
            parse_option(&[0xe0, 0xff], 0),
            Err(DecodeError::TruncatedOption)
        );
        assert_eq!(
            parse_option(&[0xe0, 0xff, 0xff], 65000),
            Err(DecodeError::OptionNumberOverflow)
        );
        assert_eq!(
            parse_option(&[0x02, 1], 0),
            Err(DecodeError::TruncatedOption)
        );
    }
}
