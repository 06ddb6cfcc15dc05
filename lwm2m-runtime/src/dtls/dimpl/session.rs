//! One PSK session behind [`DtlsSession`]: dimpl runs the handshake (clock mapping, error
//! mapping, draining its outputs); once established, the session's records are protected by
//! [`Protection`] with the keys dimpl derived (why: `protect.rs`).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use std::sync::Arc;

use dimpl::{Dtls, Output};

use super::Seen;
use super::capture::{self, Capture};
use super::protect::{Keys, Opened, Protection};
use crate::coap::Timestamp;
use crate::dtls::backend::{DtlsSession, SessionError, SessionOutput};
use crate::dtls::record::{self, ALERT, APPLICATION_DATA};
use crate::security::Identity;

/// Where a session's records go: dimpl for the handshake and its first exchanges, our own
/// record protection once the peer has proven it completed (see [`DimplSession::hand_over`]).
enum Stage {
    Dimpl(Box<Dtls>),
    Own(Box<Protection>),
    Closed,
}

pub(super) struct DimplSession {
    stage: Stage,
    origin: Instant,
    buf: Vec<u8>,
    out: VecDeque<SessionOutput>,
    timeout: Option<Timestamp>,
    /// The time dimpl's clock was last set to: a datagram at the same time needs no
    /// `handle_timeout` first (its timers were run then, and later ones are reported through
    /// `timeout`).
    clock: Option<Timestamp>,
    own_identity: Option<Vec<u8>>,
    /// Server side: the identity the client presented, and whether the store knew it.
    peer_identity: Option<(Vec<u8>, bool)>,
    seen: Seen,
    connected: bool,
    /// The ciphers dimpl created for this session, oldest first.
    captured: Vec<Arc<Capture>>,
    /// The last protected record dimpl wrote: epoch and sequence number.
    last_written: Option<(u16, u64)>,
    /// dimpl delivered application data: the peer finished its handshake.
    peer_sent_data: bool,
}

impl DimplSession {
    /// A session over `dtls`, whose clock is set on the first input.
    pub(super) fn new(
        dtls: Dtls,
        origin: Instant,
        own_identity: Option<Vec<u8>>,
        seen: Seen,
    ) -> Self {
        DimplSession {
            stage: Stage::Dimpl(Box::new(dtls)),
            origin,
            buf: vec![0; 2048],
            out: VecDeque::new(),
            timeout: None,
            clock: None,
            own_identity,
            peer_identity: None,
            seen,
            connected: false,
            captured: Vec::new(),
            last_written: None,
            peer_sent_data: false,
        }
    }

    fn instant(&self, now: Timestamp) -> Instant {
        self.origin + Duration::from_millis(now.as_millis())
    }

    fn error(&self, e: dimpl::Error) -> SessionError {
        use dimpl::{Error, SecurityError};
        match e {
            Error::Timeout(_) => SessionError::HandshakeTimeout,
            Error::ConnectionClosed => SessionError::Closed,
            Error::SecurityError(SecurityError::FatalAlert { .. }) => SessionError::Alert,
            // A wrong key shows as a Finished that does not decrypt (CCM tag) or verify.
            Error::SecurityError(
                SecurityError::ClientFinishedVerificationFailed
                | SecurityError::ServerFinishedVerificationFailed,
            )
            | Error::CryptoError(dimpl::CryptoError::OperationFailed(
                dimpl::CryptoOperation::Decrypt,
            )) if !self.connected => match &self.peer_identity {
                Some((id, false)) => {
                    SessionError::UnknownIdentity(String::from_utf8_lossy(id).into_owned())
                }
                _ => SessionError::AuthenticationFailed,
            },
            Error::PskError(_) => SessionError::AuthenticationFailed,
            other => SessionError::Protocol(format!("{other:?}")),
        }
    }

    /// Drains dimpl until it reports its next timeout.
    fn pump(&mut self) {
        let Stage::Dimpl(dtls) = &mut self.stage else {
            return;
        };
        loop {
            match dtls.poll_output(&mut self.buf) {
                Output::Packet(p) => {
                    record::each_header(p, |h| {
                        if h.epoch > 0 {
                            self.last_written = self.last_written.max(Some((h.epoch, h.seq)));
                        }
                    });
                    self.out.push_back(SessionOutput::Transmit(p.to_vec()));
                }
                Output::BufferTooSmall { needed } => self.buf.resize(needed, 0),
                Output::Timeout(at) => {
                    let d = at.saturating_duration_since(self.origin);
                    self.timeout = Some(timestamp(d));
                    return;
                }
                Output::Connected => {
                    self.connected = true;
                    let identity = match (&self.own_identity, &self.peer_identity) {
                        (Some(own), _) => own.clone(),
                        (None, Some((theirs, _))) => theirs.clone(),
                        (None, None) => Vec::new(),
                    };
                    self.out
                        .push_back(SessionOutput::Connected(Identity::Psk(identity)));
                }
                Output::ApplicationData(d) => {
                    self.peer_sent_data = true;
                    self.out.push_back(SessionOutput::Data(d.to_vec()));
                }
                Output::CloseNotify => self.out.push_back(SessionOutput::Closed),
                // Certificates and SRTP keying material do not occur with PSK.
                _ => {}
            }
        }
    }

    /// After every dimpl call: keep the ciphers it created, note the identity the resolver
    /// saw.
    fn after_dimpl(&mut self) {
        self.captured.extend(capture::take_created());
        if !self.connected {
            // Only a handshake consults the resolver.
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).take();
            if seen.is_some() {
                self.peer_identity = seen;
            }
        }
    }

    /// Drains dimpl, then hands over if the peer has sent application data. Only after the
    /// drain: dimpl's queued records must go out, and the last one fixes our first sequence
    /// number.
    fn pump_and_hand_over(&mut self) {
        self.pump();
        if self.connected && self.peer_sent_data {
            self.hand_over();
        }
    }

    /// Moves an established session from dimpl to [`Protection`] with the keys dimpl derived:
    /// the write key is the one dimpl encrypted with, the read key the one it decrypted the
    /// peer's records with, each with the fixed IV seen in its nonces. Only once the peer sent
    /// application data: it then has our Finished, so dimpl has nothing left to retransmit, and
    /// our sequence numbers continue after the last one dimpl wrote.
    fn hand_over(&mut self) {
        let last = |f: fn(&capture::Use) -> bool| {
            self.captured.iter().rev().find_map(|c| {
                let used = c.used();
                (f(&used) && !(used.encrypted && used.decrypted)).then_some((c.key(), used.salt?))
            })
        };
        let (Some((wkey, wsalt)), Some((rkey, rsalt)), Some((epoch, seq))) = (
            last(|u| u.encrypted),
            last(|u| u.decrypted),
            self.last_written,
        ) else {
            return;
        };
        let protection = Protection::new(
            epoch,
            Keys::new(wkey, wsalt),
            Keys::new(rkey, rsalt),
            seq + 1,
        );
        self.stage = Stage::Own(Box::new(protection));
        self.out.push_back(SessionOutput::RecordsHandedOver);
        self.captured = Vec::new();
        // dimpl's output buffer is not needed any more.
        self.buf = Vec::new();
        self.timeout = None;
    }
}

#[cfg(test)]
impl DimplSession {
    /// Whether the session's records are ours now.
    pub(super) fn is_handed_over(&self) -> bool {
        matches!(self.stage, Stage::Own(_))
    }
}

/// Rounded up: a deadline is never reported before dimpl considers it due.
fn timestamp(since_origin: Duration) -> Timestamp {
    let d = since_origin;
    let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
    Timestamp::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
}

impl DtlsSession for DimplSession {
    fn handle_datagram(&mut self, now: Timestamp, datagram: &[u8]) -> Result<(), SessionError> {
        let out = &mut self.out;
        let mut alert = None;
        match &mut self.stage {
            Stage::Own(p) => {
                p.open(datagram, |o| match o {
                    Opened::Data(d) => out.push_back(SessionOutput::Data(d)),
                    Opened::Alert(level, description) => {
                        alert.get_or_insert((level, description));
                    }
                });
                return match alert {
                    // close_notify
                    Some((_, 0)) => {
                        self.out.push_back(SessionOutput::Closed);
                        self.stage = Stage::Closed;
                        Ok(())
                    }
                    Some((2, _)) => Err(SessionError::Alert),
                    _ => Ok(()),
                };
            }
            Stage::Closed => return Ok(()),
            Stage::Dimpl(_) => {}
        }
        if self.clock != Some(now) {
            self.handle_timeout(now)?;
        }
        let Stage::Dimpl(dtls) = &mut self.stage else {
            return Ok(());
        };
        capture::discard_stale();
        let r = dtls.handle_packet(datagram);
        self.after_dimpl();
        r.map_err(|e| self.error(e))?;
        self.pump_and_hand_over();
        Ok(())
    }

    fn handle_timeout(&mut self, now: Timestamp) -> Result<(), SessionError> {
        let at = self.instant(now);
        let Stage::Dimpl(dtls) = &mut self.stage else {
            return Ok(());
        };
        self.clock = Some(now);
        capture::discard_stale();
        let r = dtls.handle_timeout(at);
        self.after_dimpl();
        r.map_err(|e| self.error(e))?;
        self.pump_and_hand_over();
        Ok(())
    }

    fn send(&mut self, plaintext: &[u8]) -> Result<(), SessionError> {
        match &mut self.stage {
            Stage::Own(p) => {
                let record = p.seal(APPLICATION_DATA, plaintext)?;
                self.out.push_back(SessionOutput::Transmit(record));
                Ok(())
            }
            Stage::Closed => Err(SessionError::Closed),
            Stage::Dimpl(dtls) => {
                let r = dtls.send_application_data(plaintext);
                self.after_dimpl();
                r.map_err(|e| self.error(e))?;
                self.pump_and_hand_over();
                Ok(())
            }
        }
    }

    fn close(&mut self) {
        match &mut self.stage {
            Stage::Own(p) => {
                // close_notify: warning level, description 0.
                if let Ok(record) = p.seal(ALERT, &[1, 0]) {
                    self.out.push_back(SessionOutput::Transmit(record));
                }
                self.stage = Stage::Closed;
            }
            Stage::Closed => {}
            Stage::Dimpl(dtls) => {
                let _ = dtls.close();
                self.after_dimpl();
                self.pump();
            }
        }
    }

    fn poll_output(&mut self) -> Option<SessionOutput> {
        self.out.pop_front()
    }

    fn poll_timeout(&self) -> Option<Timestamp> {
        self.timeout
    }
}
