//! What the certificate session reads from raw records and rtc-dtls errors: handshake progress,
//! plaintext fatal alerts, and typed [`SessionError`]s.

use rtc_shared::error::Error;

use crate::dtls::SessionError;

const HANDSHAKE: u8 = 22;
const ALERT: u8 = 21;

/// The furthest handshake position in a datagram: (0, message_seq) for plaintext handshake
/// records, (epoch, 0) for encrypted ones (the peer's Finished).
pub(super) fn handshake_mark(datagram: &[u8]) -> Option<(u16, u16)> {
    let mut rest = datagram;
    let mut best = None;
    while rest.len() >= 13 {
        let epoch = u16::from_be_bytes([rest[3], rest[4]]);
        let len = usize::from(u16::from_be_bytes([rest[11], rest[12]]));
        let body = rest.get(13..13 + len)?;
        if rest[0] == HANDSHAKE {
            let mark = match epoch {
                0 => (0, u16::from_be_bytes([*body.get(4)?, *body.get(5)?])),
                e => (e, 0),
            };
            best = best.max(Some(mark));
        }
        rest = &rest[13 + len..];
    }
    best
}

/// A plaintext (epoch 0) fatal alert record.
pub(super) fn is_fatal_alert(datagram: &[u8]) -> bool {
    datagram.len() >= 15 && datagram[0] == ALERT && datagram[3..5] == [0, 0] && datagram[13] == 2
}

/// rtc-dtls's error, typed.
pub(super) fn map_error(e: &Error) -> SessionError {
    match e {
        Error::ErrAlertFatalOrClose => SessionError::Alert,
        Error::ErrClientCertificateRequired
        | Error::ErrInvalidCertificate
        | Error::ErrNoCertificates
        | Error::ErrServerMustHaveCertificate
        | Error::ErrKeySignatureMismatch => SessionError::CertificateRejected(e.to_string()),
        Error::Other(s) if s.to_ascii_lowercase().contains("certificate") => {
            SessionError::CertificateRejected(s.clone())
        }
        Error::ErrConnClosed => SessionError::Closed,
        other => SessionError::Protocol(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_follow_the_handshake() {
        // ServerHello (message_seq 1) then a record of epoch 1 (the encrypted Finished).
        let mut d = vec![22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 12];
        d.extend([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(handshake_mark(&d), Some((0, 1)));
        d.extend([22, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9]);
        assert_eq!(handshake_mark(&d), Some((1, 0)));
        assert_eq!(handshake_mark(&d[..20]), None, "truncated");
        assert_eq!(
            handshake_mark(&[23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
            None
        );
    }
}
