//! Just enough of the DTLS record layer (RFC 6347 §4.1) to route and police datagrams before a
//! session sees them: header walking (truncation), ClientHello detection, and an anti-replay
//! window over authenticated application-data records.

/// Content type of alert records.
pub(super) const ALERT: u8 = 21;
/// Content type of application data records.
pub(super) const APPLICATION_DATA: u8 = 23;
const HANDSHAKE: u8 = 22;
const HEADER: usize = 13;

/// One record's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) content_type: u8,
    pub(super) epoch: u16,
    pub(super) seq: u64,
}

/// The headers of every record in `datagram`; `None` if a record is truncated, its version is
/// not DTLS (major 0xFE) or its content type is unknown.
pub(super) fn headers(datagram: &[u8]) -> Option<Vec<Header>> {
    let mut out = Vec::with_capacity(1);
    each_header(datagram, |h| out.push(h)).then_some(out)
}

/// Calls `f` with the header of each record of `datagram` in order; `false` (after the good
/// ones) if a record is truncated, not DTLS or of an unknown content type, or if there is none.
pub(super) fn each_header(datagram: &[u8], mut f: impl FnMut(Header)) -> bool {
    let mut rest = datagram;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let Some(h) = rest.get(..HEADER) else {
            return false;
        };
        if !(20..=25).contains(&h[0]) || h[1] != 0xfe {
            return false;
        }
        let epoch = u16::from_be_bytes([h[3], h[4]]);
        let seq = h[5..11]
            .iter()
            .fold(0u64, |acc, b| acc << 8 | u64::from(*b));
        let len = usize::from(u16::from_be_bytes([h[11], h[12]]));
        let Some(next) = rest.get(HEADER + len..) else {
            return false;
        };
        rest = next;
        f(Header {
            content_type: h[0],
            epoch,
            seq,
        });
    }
    true
}

/// Does `datagram` start with an epoch-0 ClientHello (the only thing that may open a session)?
pub(super) fn is_client_hello(datagram: &[u8]) -> bool {
    datagram.len() > HEADER
        && datagram[0] == HANDSHAKE
        && datagram[1] == 0xfe
        && datagram[3..5] == [0, 0]
        && datagram[HEADER] == 1
}

/// The client random of a ClientHello datagram (the same in its cookie retry), if it is whole
/// in the first fragment.
pub(super) fn client_random(datagram: &[u8]) -> Option<[u8; 32]> {
    // Record header, handshake header (12), client_version (2).
    let start = HEADER + 12 + 2;
    if !is_client_hello(datagram) {
        return None;
    }
    datagram.get(start..start + 32)?.try_into().ok()
}

/// A 64-record sliding window (RFC 6347 §4.1.2.6) over records a session authenticated.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ReplayWindow {
    epoch: u16,
    top: u64,
    bits: u64,
    any: bool,
}

impl ReplayWindow {
    /// Was this record already accepted (or is it too old to tell)?
    pub(super) fn seen(&self, epoch: u16, seq: u64) -> bool {
        if !self.any || epoch != self.epoch {
            return epoch < self.epoch && self.any;
        }
        if seq > self.top {
            return false;
        }
        let age = self.top - seq;
        age >= 64 || self.bits & (1 << age) != 0
    }

    /// Records that `(epoch, seq)` was authenticated.
    pub(super) fn accept(&mut self, epoch: u16, seq: u64) {
        if !self.any || epoch > self.epoch {
            *self = ReplayWindow {
                epoch,
                top: seq,
                bits: 1,
                any: true,
            };
            return;
        }
        if epoch < self.epoch {
            return;
        }
        if seq > self.top {
            let shift = seq - self.top;
            self.bits = if shift >= 64 { 0 } else { self.bits << shift };
            self.bits |= 1;
            self.top = seq;
        } else if self.top - seq < 64 {
            self.bits |= 1 << (self.top - seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ct: u8, epoch: u16, seq: u64, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ct, 0xfe, 0xfd];
        r.extend_from_slice(&epoch.to_be_bytes());
        r.extend_from_slice(&seq.to_be_bytes()[2..]);
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    #[test]
    fn walks_records_and_rejects_truncation() {
        let mut d = record(22, 0, 0, &[1, 0, 0]);
        d.extend(record(23, 1, 7, &[9; 20]));
        let hs = headers(&d).unwrap();
        assert_eq!(hs.len(), 2);
        assert_eq!(
            hs[1],
            Header {
                content_type: 23,
                epoch: 1,
                seq: 7
            }
        );
        assert!(is_client_hello(&d));
        assert_eq!(headers(&d[..d.len() - 1]), None);
        assert_eq!(headers(&d[..5]), None);
        assert_eq!(headers(&[]), None);
        assert_eq!(headers(&record(99, 1, 0, &[])), None);
        assert!(!is_client_hello(&record(22, 1, 0, &[1])));
    }

    #[test]
    fn window_detects_replays_and_old_records() {
        let mut w = ReplayWindow::default();
        assert!(!w.seen(1, 5));
        w.accept(1, 5);
        assert!(w.seen(1, 5));
        assert!(!w.seen(1, 4));
        w.accept(1, 100);
        assert!(w.seen(1, 5), "older than the window");
        assert!(!w.seen(1, 99));
        w.accept(1, 99);
        assert!(w.seen(1, 99) && w.seen(1, 100) && !w.seen(1, 101));
        assert!(w.seen(0, 200), "an earlier epoch");
        assert!(!w.seen(2, 0));
    }
}
