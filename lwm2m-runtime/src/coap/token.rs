//! The message token (RFC 7252 §5.3.1): 0 to 8 opaque bytes, stored inline.

use core::fmt;

/// A token of 0 to 8 bytes, stored inline so decoding never allocates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Token {
    len: u8,
    bytes: [u8; 8],
}

impl Token {
    /// The zero-length token.
    pub const EMPTY: Self = Self {
        len: 0,
        bytes: [0; 8],
    };

    /// A token from `bytes`, or `None` if it is longer than 8 bytes.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > 8 {
            return None;
        }
        let mut t = Self::EMPTY;
        t.bytes[..bytes.len()].copy_from_slice(bytes);
        t.len = bytes.len() as u8;
        Some(t)
    }

    /// The token bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The token length (0 to 8).
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether the token is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bounds() {
        assert_eq!(Token::new(&[1, 2, 3]).unwrap().as_bytes(), &[1, 2, 3]);
        assert!(Token::new(&[0; 9]).is_none());
        assert!(Token::new(&[]).unwrap().is_empty());
        assert_eq!(
            format!("{:?}", Token::new(&[0xab, 1]).unwrap()),
            "Token(ab01)"
        );
    }
}
