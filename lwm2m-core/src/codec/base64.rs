//! Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded) for opaque values in text formats.

use alloc::vec::Vec;

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Which alphabet and padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// `+/` with `=` padding.
    Standard,
    /// `-_` without padding (SenML `vd`).
    Url,
}

/// Encodes `data`.
pub(crate) fn encode(out: &mut Vec<u8>, data: &[u8], alphabet: Alphabet) {
    let table = match alphabet {
        Alphabet::Standard => STD,
        Alphabet::Url => URL,
    };
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(table[((n >> (18 - 6 * i)) & 63) as usize]);
            } else if alphabet == Alphabet::Standard {
                out.push(b'=');
            }
        }
    }
}

/// Decodes either alphabet, padded or not. `None` on any invalid character or length.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let trimmed = match text {
        [rest @ .., b'=', b'='] | [rest @ .., b'='] => rest,
        _ => text,
    };
    if trimmed.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() / 4 * 3 + 2);
    for chunk in trimmed.chunks(4) {
        let mut n: u32 = 0;
        for &c in chunk {
            n = (n << 6) | u32::from(sextet(c)?);
        }
        n <<= 6 * (4 - chunk.len() as u32);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    Some(out)
}

fn sextet(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases: [(&[u8], &str); 4] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (raw, b64) in cases {
            let mut out = Vec::new();
            encode(&mut out, raw, Alphabet::Standard);
            assert_eq!(out, b64.as_bytes());
            assert_eq!(decode(b64.as_bytes()).as_deref(), Some(raw));
        }
        let mut out = Vec::new();
        encode(&mut out, &[0xfb, 0xff], Alphabet::Url);
        assert_eq!(out, b"-_8");
        assert_eq!(decode(b"-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode(b"A"), None);
        assert_eq!(decode(b"A*=="), None);
    }
}
