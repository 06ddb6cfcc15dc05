//! Allocation-free encoding into a caller-provided buffer.

use super::block::BlockValue;
use super::code::{Code, MessageType};
use super::error::EncodeError;
use super::option::{encode_uint, nibble};
use super::token::Token;

/// The largest option value length the extended length form can express (65535 + 269).
pub const MAX_OPTION_LEN: usize = 65535 + 269;

/// Writes a message into a byte slice: header and token first, then options in ascending number
/// order, then the payload (RFC 7252 §3).
///
/// ```
/// use lwm2m_runtime::coap::{Code, Encoder, MessageType, Token, option::number};
///
/// let mut buf = [0u8; 64];
/// let mut enc = Encoder::new(&mut buf, MessageType::Confirmable, Code::GET, 0x7d34, &Token::EMPTY)?;
/// enc.option(number::URI_PATH, b"temperature")?;
/// let len = enc.finish();
/// assert_eq!(&buf[..len], b"\x40\x01\x7d\x34\xbbtemperature");
/// # Ok::<(), lwm2m_runtime::coap::EncodeError>(())
/// ```
#[derive(Debug)]
pub struct Encoder<'b> {
    buf: &'b mut [u8],
    pos: usize,
    last: u16,
    payload_written: bool,
}

impl<'b> Encoder<'b> {
    /// Starts a message with its header and token.
    pub fn new(
        buf: &'b mut [u8],
        ty: MessageType,
        code: Code,
        message_id: u16,
        token: &Token,
    ) -> Result<Self, EncodeError> {
        let mut enc = Self {
            buf,
            pos: 0,
            last: 0,
            payload_written: false,
        };
        let id = message_id.to_be_bytes();
        enc.put(&[
            0x40 | (ty.bits() << 4) | token.len() as u8,
            code.raw(),
            id[0],
            id[1],
        ])?;
        enc.put(token.as_bytes())?;
        Ok(enc)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let end = self.pos + bytes.len();
        self.buf
            .get_mut(self.pos..end)
            .ok_or(EncodeError::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    /// Writes an option; numbers must not decrease.
    pub fn option(&mut self, number: u16, value: &[u8]) -> Result<&mut Self, EncodeError> {
        if self.payload_written {
            return Err(EncodeError::OptionAfterPayload);
        }
        if number < self.last {
            return Err(EncodeError::OptionsOutOfOrder {
                number,
                previous: self.last,
            });
        }
        if value.len() > MAX_OPTION_LEN {
            return Err(EncodeError::OptionTooLong(value.len()));
        }
        let (dn, de, dl) = nibble(usize::from(number - self.last));
        let (ln, le, ll) = nibble(value.len());
        self.put(&[(dn << 4) | ln])?;
        self.put(&de[..dl])?;
        self.put(&le[..ll])?;
        self.put(value)?;
        self.last = number;
        Ok(self)
    }

    /// Writes an unsigned-integer option in its minimal length.
    pub fn uint_option(&mut self, number: u16, value: u32) -> Result<&mut Self, EncodeError> {
        let mut b = [0; 4];
        let v = encode_uint(value, &mut b);
        self.option(number, v)
    }

    /// Writes a Block1 or Block2 option.
    pub fn block_option(
        &mut self,
        number: u16,
        value: BlockValue,
    ) -> Result<&mut Self, EncodeError> {
        let mut b = [0; 3];
        let v = value.encode(&mut b);
        self.option(number, v)
    }

    /// Writes the payload marker and payload (nothing for an empty payload).
    pub fn payload(&mut self, payload: &[u8]) -> Result<&mut Self, EncodeError> {
        if !payload.is_empty() {
            self.put(&[0xff])?;
            self.put(payload)?;
        }
        self.payload_written = true;
        Ok(self)
    }

    /// The number of bytes written.
    pub fn finish(self) -> usize {
        self.pos
    }
}

/// The encoded length of one option given the previous option number.
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
pub(crate) fn option_len(previous: u16, number: u16, value_len: usize) -> usize {
    let ext = |v: usize| match v {
        0..=12 => 0,
        13..=268 => 1,
        _ => 2,
    };
    1 + ext(usize::from(number.saturating_sub(previous))) + ext(value_len) + value_len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coap::option::number;

    #[test]
    fn rfc_7252_appendix_a_empty_ack() {
        // An empty ACK (figure 4 style): ver 1, type ACK, TKL 0, code 0.00, MID 0x7d34.
        let mut buf = [0; 4];
        let enc = Encoder::new(
            &mut buf,
            MessageType::Acknowledgement,
            Code::EMPTY,
            0x7d34,
            &Token::EMPTY,
        )
        .unwrap();
        assert_eq!(enc.finish(), 4);
        assert_eq!(buf, [0x60, 0x00, 0x7d, 0x34]);
    }

    #[test]
    fn out_of_order_and_small_buffer() {
        let mut buf = [0; 16];
        let mut enc = Encoder::new(
            &mut buf,
            MessageType::Confirmable,
            Code::GET,
            1,
            &Token::EMPTY,
        )
        .unwrap();
        enc.option(number::URI_PATH, b"a").unwrap();
        assert_eq!(
            enc.option(number::OBSERVE, b"").unwrap_err(),
            EncodeError::OptionsOutOfOrder {
                number: 6,
                previous: 11
            }
        );
        assert_eq!(
            enc.payload(&[0; 32]).unwrap_err(),
            EncodeError::BufferTooSmall
        );
        let mut tiny = [0; 3];
        assert!(
            Encoder::new(&mut tiny, MessageType::Reset, Code::EMPTY, 0, &Token::EMPTY).is_err()
        );
    }

    #[test]
    fn option_len_matches_writer() {
        for (prev, num, len) in [
            (0u16, 11u16, 5usize),
            (0, 60, 20),
            (11, 300, 300),
            (0, 65000, 2),
        ] {
            let mut buf = [0u8; 400];
            let mut enc = Encoder::new(
                &mut buf,
                MessageType::Confirmable,
                Code::GET,
                1,
                &Token::EMPTY,
            )
            .unwrap();
            enc.option(prev, &[]).unwrap();
            let before = enc.pos;
            enc.option(num, &[7; 300][..len]).unwrap();
            assert_eq!(enc.pos - before, option_len(prev, num, len));
        }
    }
}
