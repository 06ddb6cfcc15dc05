//! Block1/Block2 option values (RFC 7959 §2.2).
//!
//! NUM is 4, 12 or 20 bits depending on the value length (1, 2 or 3 bytes), so blocks 4096 and up
//! need a 3-byte value; this is the case coap-lite gets wrong.

use super::error::{DecodeError, EncodeError};

/// The largest block number: 2^20 - 1.
pub const MAX_BLOCK_NUM: u32 = (1 << 20) - 1;

/// A Block1 or Block2 value: block number, more flag and size exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BlockValue {
    num: u32,
    more: bool,
    szx: u8,
}

impl BlockValue {
    /// A block value; `None` if `num` exceeds 2^20 - 1 or `szx` is the reserved 7.
    pub const fn new(num: u32, more: bool, szx: u8) -> Option<Self> {
        if num > MAX_BLOCK_NUM || szx > 6 {
            return None;
        }
        Some(Self { num, more, szx })
    }

    /// The block number (NUM).
    pub const fn num(self) -> u32 {
        self.num
    }

    /// Whether more blocks follow (M).
    pub const fn more(self) -> bool {
        self.more
    }

    /// The size exponent (SZX, 0 to 6).
    pub const fn szx(self) -> u8 {
        self.szx
    }

    /// The block size in bytes: 2^(SZX + 4), 16 to 1024.
    pub const fn size(self) -> usize {
        szx_to_size(self.szx)
    }

    /// The byte offset of this block: NUM * size.
    pub const fn offset(self) -> usize {
        self.num as usize * self.size()
    }

    /// The uint option value: NUM << 4 | M << 3 | SZX.
    pub const fn to_uint(self) -> u32 {
        (self.num << 4) | ((self.more as u32) << 3) | self.szx as u32
    }

    /// Encodes the value into `buf` in its minimal length (0 to 3 bytes); returns the used prefix.
    pub fn encode(self, buf: &mut [u8; 3]) -> &[u8] {
        let v = self.to_uint().to_be_bytes();
        buf.copy_from_slice(&v[1..]);
        let skip = match self.to_uint() {
            0 => 3,
            1..=0xff => 2,
            0x100..=0xffff => 1,
            _ => 0,
        };
        &buf[skip..]
    }

    /// Decodes an option value of 0 to 3 bytes.
    pub fn decode(value: &[u8]) -> Result<Self, DecodeError> {
        if value.len() > 3 {
            return Err(DecodeError::InvalidBlock);
        }
        let v = value.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        let szx = (v & 0x7) as u8;
        if szx == 7 {
            return Err(DecodeError::InvalidBlock);
        }
        Ok(Self {
            num: v >> 4,
            more: v & 0x8 != 0,
            szx,
        })
    }

    /// The value for `offset` at size exponent `szx`, checking the ranges.
    pub fn at_offset(offset: usize, more: bool, szx: u8) -> Result<Self, EncodeError> {
        let num = offset / szx_to_size(szx.min(6));
        let num = u32::try_from(num).map_err(|_| EncodeError::InvalidBlock)?;
        Self::new(num, more, szx).ok_or(EncodeError::InvalidBlock)
    }
}

/// The block size of size exponent `szx`: 2^(szx + 4).
pub const fn szx_to_size(szx: u8) -> usize {
    1 << (szx as usize + 4)
}

/// The largest size exponent whose block size is at most `size` (clamped to 0..=6).
pub const fn size_to_szx(size: usize) -> u8 {
    let mut szx = 6;
    while szx > 0 && szx_to_size(szx) > size {
        szx -= 1;
    }
    szx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(b: BlockValue) -> std::vec::Vec<u8> {
        let mut buf = [0; 3];
        b.encode(&mut buf).to_vec()
    }

    #[test]
    fn rfc_7959_section_2_2_lengths() {
        // NUM 0, M 0, SZX 0 is the empty value.
        assert_eq!(enc(BlockValue::new(0, false, 0).unwrap()), [] as [u8; 0]);
        // 2/0/6 (§3.2 examples use 1024-byte blocks): 1 byte 0x26.
        assert_eq!(enc(BlockValue::new(2, false, 6).unwrap()), [0x26]);
        // NUM 15 still fits 4 bits; NUM 16 needs 12 bits.
        assert_eq!(enc(BlockValue::new(15, true, 6).unwrap()), [0xfe]);
        assert_eq!(enc(BlockValue::new(16, true, 6).unwrap()), [0x01, 0x0e]);
    }

    #[test]
    fn block_4096_needs_three_bytes() {
        // 4096 << 4 = 0x10000: a 2-byte (12-bit NUM) encoding would wrap to 0.
        let b = BlockValue::new(4096, true, 0).unwrap();
        assert_eq!(enc(b), [0x01, 0x00, 0x08]);
        assert_eq!(BlockValue::decode(&[0x01, 0x00, 0x08]).unwrap(), b);
        let b = BlockValue::new(100_000, false, 2).unwrap();
        assert_eq!(enc(b), [0x18, 0x6a, 0x02]);
        assert_eq!(BlockValue::decode(&enc(b)).unwrap(), b);
        assert_eq!(
            BlockValue::decode(&[0xff, 0xff, 0xf6]).unwrap().num(),
            MAX_BLOCK_NUM
        );
        assert!(BlockValue::new(MAX_BLOCK_NUM + 1, false, 0).is_none());
    }

    #[test]
    fn invalid_values_are_errors() {
        assert_eq!(BlockValue::decode(&[0x07]), Err(DecodeError::InvalidBlock));
        assert_eq!(
            BlockValue::decode(&[0, 0, 0, 0]),
            Err(DecodeError::InvalidBlock)
        );
        assert!(BlockValue::new(0, false, 7).is_none());
    }

    #[test]
    fn size_exponents() {
        assert_eq!(szx_to_size(0), 16);
        assert_eq!(szx_to_size(6), 1024);
        assert_eq!(size_to_szx(1024), 6);
        assert_eq!(size_to_szx(1000), 5);
        assert_eq!(size_to_szx(1), 0);
        assert_eq!(BlockValue::at_offset(2048, true, 6).unwrap().num(), 2);
    }
}
