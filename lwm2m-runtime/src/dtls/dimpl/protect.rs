//! Record protection for established TLS_PSK_WITH_AES_128_CCM_8 sessions (RFC 6347 §4.1,
//! RFC 6655 §3): application data and alerts in, application data and `close_notify` out.
//!
//! Why not dimpl's own record layer once connected: measured per read round trip (sans-IO,
//! callgrind, `benches/read_round_trip_dtls.rs`), dimpl spent ~12.9k instructions receiving a
//! record (≈5k of them moving a large parsed-record value around) and ~4.6k sending one, against
//! ~29k for the whole plain read; the target (secured reads ≥ 70 % of plain) was out of
//! reach with it. The handshake stays dimpl's; this file only applies the keys dimpl derived
//! (captured through its crypto-provider API, see [`super::capture`]) to the records after it.
//! AES-CCM itself is RustCrypto's `ccm`, as in dimpl.

use ccm::aead::generic_array::GenericArray;
use ccm::aead::{AeadInPlace, KeyInit};
use ccm::consts::{U8, U12};

use crate::dtls::backend::SessionError;
use crate::dtls::record::{ALERT, APPLICATION_DATA};

/// AES-128-CCM with an 8-byte tag and the 12-byte TLS nonce.
pub(super) type Aes128Ccm8 = ccm::Ccm<aes::Aes128, U8, U12>;

pub(super) const KEY_LEN: usize = 16;
/// The fixed (implicit) part of the nonce.
pub(super) const SALT_LEN: usize = 4;
const EXPLICIT_LEN: usize = 8;
pub(super) const TAG_LEN: usize = 8;
const HEADER: usize = 13;
/// DTLS 1.2 on the wire.
const VERSION: [u8; 2] = [0xfe, 0xfd];
/// Sequence numbers are 48 bits (RFC 6347 §4.1).
const MAX_SEQ: u64 = (1 << 48) - 1;

/// One direction's key and fixed IV.
pub(super) struct Keys {
    ccm: Aes128Ccm8,
    salt: [u8; SALT_LEN],
}

impl Keys {
    pub(super) fn new(key: &[u8; KEY_LEN], salt: [u8; SALT_LEN]) -> Self {
        Keys {
            ccm: Aes128Ccm8::new(GenericArray::from_slice(key)),
            salt,
        }
    }

    fn nonce(&self, explicit: &[u8]) -> [u8; 12] {
        let mut n = [0u8; 12];
        n[..SALT_LEN].copy_from_slice(&self.salt);
        n[SALT_LEN..].copy_from_slice(explicit);
        n
    }
}

/// The additional data of a DTLS 1.2 AEAD record: epoch and sequence number, type, version,
/// plaintext length.
fn aad(content_type: u8, epoch_seq: &[u8], len: usize) -> [u8; 13] {
    let mut a = [0u8; 13];
    a[..8].copy_from_slice(epoch_seq);
    a[8] = content_type;
    a[9..11].copy_from_slice(&VERSION);
    a[11..].copy_from_slice(&(len as u16).to_be_bytes());
    a
}

/// What one authentic record from the peer carried.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Opened {
    Data(Vec<u8>),
    /// An alert: level (1 warning, 2 fatal) and description (0 close_notify).
    Alert(u8, u8),
}

/// An established session's record protection.
pub(super) struct Protection {
    epoch: u16,
    write: Keys,
    /// The next sequence number to write.
    write_seq: u64,
    read: Keys,
}

impl Protection {
    /// `write_seq`: the first sequence number not yet used in `epoch` (dimpl's records before the
    /// hand-over used the ones below).
    pub(super) fn new(epoch: u16, write: Keys, read: Keys, write_seq: u64) -> Self {
        Protection {
            epoch,
            write,
            write_seq,
            read,
        }
    }

    /// One record of `content_type` carrying `plaintext`, as a datagram. The explicit nonce is
    /// the record's epoch and sequence number (RFC 6655 §3), unique per key.
    pub(super) fn seal(
        &mut self,
        content_type: u8,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, SessionError> {
        let fragment = EXPLICIT_LEN + plaintext.len() + TAG_LEN;
        let length = u16::try_from(fragment)
            .ok()
            .filter(|_| plaintext.len() <= 1 << 14)
            .ok_or_else(|| SessionError::Protocol("record larger than 2^14 bytes".into()))?;
        if self.write_seq > MAX_SEQ {
            return Err(SessionError::Protocol("sequence numbers exhausted".into()));
        }
        let mut epoch_seq = self.write_seq.to_be_bytes();
        epoch_seq[..2].copy_from_slice(&self.epoch.to_be_bytes());
        self.write_seq += 1;
        let mut out = Vec::with_capacity(HEADER + fragment);
        out.push(content_type);
        out.extend_from_slice(&VERSION);
        out.extend_from_slice(&epoch_seq);
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&epoch_seq);
        out.extend_from_slice(plaintext);
        let body = HEADER + EXPLICIT_LEN;
        let tag = self
            .write
            .ccm
            .encrypt_in_place_detached(
                GenericArray::from_slice(&self.write.nonce(&epoch_seq)),
                &aad(content_type, &epoch_seq, plaintext.len()),
                &mut out[body..],
            )
            .map_err(|_| SessionError::Protocol("record encryption failed".into()))?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// The authentic application-data and alert records of `datagram`, in order. Records of
    /// other epochs or types (a late handshake retransmission) and records that do not
    /// authenticate are skipped; a truncated record ends the walk.
    pub(super) fn open(&self, datagram: &[u8], mut each: impl FnMut(Opened)) {
        let mut rest = datagram;
        while rest.len() >= HEADER {
            let h = &rest[..HEADER];
            let len = usize::from(u16::from_be_bytes([h[11], h[12]]));
            let Some(fragment) = rest.get(HEADER..HEADER + len) else {
                return;
            };
            rest = &rest[HEADER + len..];
            let content_type = h[0];
            if !(content_type == APPLICATION_DATA || content_type == ALERT)
                || h[1..3] != VERSION
                || h[3..5] != self.epoch.to_be_bytes()
                || len < EXPLICIT_LEN + TAG_LEN
            {
                continue;
            }
            let (explicit, sealed) = fragment.split_at(EXPLICIT_LEN);
            let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
            let mut plain = ciphertext.to_vec();
            let ok = self
                .read
                .ccm
                .decrypt_in_place_detached(
                    GenericArray::from_slice(&self.read.nonce(explicit)),
                    &aad(content_type, &h[3..11], plain.len()),
                    &mut plain,
                    GenericArray::from_slice(tag),
                )
                .is_ok();
            match (ok, content_type) {
                (false, _) => {}
                (true, APPLICATION_DATA) => each(Opened::Data(plain)),
                (true, _) if plain.len() == 2 => each(Opened::Alert(plain[0], plain[1])),
                (true, _) => {}
            }
        }
    }
}

/// Fuzzing entry point (see `dtls::fuzz_records`): arbitrary bytes as a datagram of an
/// established session, then as the plaintext of a record that must open to the same bytes.
pub(in crate::dtls) fn fuzz(data: &[u8]) {
    let (a, b) = ([3u8; KEY_LEN], [4u8; KEY_LEN]);
    let mut ours = Protection::new(
        1,
        Keys::new(&a, [1; SALT_LEN]),
        Keys::new(&b, [2; SALT_LEN]),
        9,
    );
    let theirs = Protection::new(
        1,
        Keys::new(&b, [2; SALT_LEN]),
        Keys::new(&a, [1; SALT_LEN]),
        0,
    );
    ours.open(data, |_| {});
    if let Ok(record) = ours.seal(APPLICATION_DATA, data) {
        let mut opened = None;
        theirs.open(&record, |o| opened = Some(o));
        assert_eq!(opened, Some(Opened::Data(data.to_vec())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Protection, Protection) {
        let (a, b) = ([1u8; 16], [2u8; 16]);
        let (sa, sb) = ([9u8; 4], [8u8; 4]);
        (
            Protection::new(1, Keys::new(&a, sa), Keys::new(&b, sb), 5),
            Protection::new(1, Keys::new(&b, sb), Keys::new(&a, sa), 0),
        )
    }

    fn opened(p: &Protection, d: &[u8]) -> Vec<Opened> {
        let mut v = Vec::new();
        p.open(d, |o| v.push(o));
        v
    }

    #[test]
    fn record_layout_follows_rfc_6347_and_6655() {
        let (mut a, _) = pair();
        let r = a.seal(APPLICATION_DATA, b"hello").unwrap();
        assert_eq!(&r[..3], &[23, 0xfe, 0xfd]);
        assert_eq!(&r[3..11], &[0, 1, 0, 0, 0, 0, 0, 5], "epoch 1, sequence 5");
        assert_eq!(&r[11..13], &(8 + 5 + 8u16).to_be_bytes());
        assert_eq!(&r[13..21], &r[3..11], "explicit nonce = epoch and sequence");
        assert_eq!(r.len(), 13 + 8 + 5 + 8);
        let r2 = a.seal(APPLICATION_DATA, b"x").unwrap();
        assert_eq!(r2[10], 6, "sequence numbers increase");
    }

    #[test]
    fn seal_and_open_round_trip_both_ways() {
        let (mut a, mut b) = pair();
        let mut d = a.seal(APPLICATION_DATA, b"one").unwrap();
        d.extend(a.seal(ALERT, &[1, 0]).unwrap());
        assert_eq!(
            opened(&b, &d),
            vec![Opened::Data(b"one".to_vec()), Opened::Alert(1, 0)]
        );
        let back = b.seal(APPLICATION_DATA, b"").unwrap();
        assert_eq!(opened(&a, &back), vec![Opened::Data(Vec::new())]);
        assert!(opened(&a, &d).is_empty(), "a cannot read its own direction");
    }

    #[test]
    fn forged_truncated_and_foreign_records_are_skipped() {
        let (mut a, b) = pair();
        let good = a.seal(APPLICATION_DATA, b"payload").unwrap();
        for i in [3, 10, 13, 20, good.len() - 1] {
            let mut bad = good.clone();
            bad[i] ^= 1;
            assert!(opened(&b, &bad).is_empty(), "byte {i} flipped");
        }
        assert!(opened(&b, &good[..good.len() - 1]).is_empty());
        let mut epoch0 = good.clone();
        epoch0[4] = 0;
        assert!(opened(&b, &epoch0).is_empty());
        let mut handshake = good.clone();
        handshake[0] = 22;
        assert!(opened(&b, &handshake).is_empty());
        // A bad record does not hide the good one after it.
        let mut two = handshake;
        two.extend_from_slice(&good);
        assert_eq!(opened(&b, &two), vec![Opened::Data(b"payload".to_vec())]);
    }

    #[test]
    fn oversized_plaintext_and_exhausted_sequence_numbers_are_errors() {
        let (mut a, _) = pair();
        assert!(a.seal(APPLICATION_DATA, &vec![0; (1 << 14) + 1]).is_err());
        a.write_seq = MAX_SEQ;
        assert!(a.seal(APPLICATION_DATA, b"last").is_ok());
        assert!(a.seal(APPLICATION_DATA, b"none").is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_datagrams_never_panic(d in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let (_, b) = pair();
            b.open(&d, |_| {});
        }
    }
}
