//! One dimpl session behind [`DtlsSession`]: clock mapping, error mapping, and draining
//! dimpl's outputs.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use dimpl::{Dtls, Output};

use super::Seen;
use crate::coap::Timestamp;
use crate::dtls::backend::{DtlsSession, SessionError, SessionOutput};
use crate::security::Identity;

pub(super) struct DimplSession {
    pub(super) dtls: Dtls,
    pub(super) origin: Instant,
    pub(super) buf: Vec<u8>,
    pub(super) out: VecDeque<SessionOutput>,
    pub(super) timeout: Option<Timestamp>,
    /// The time dimpl's clock was last set to: a datagram at the same time needs no
    /// `handle_timeout` first (its timers were run then, and later ones are reported through
    /// `timeout`).
    pub(super) clock: Option<Timestamp>,
    pub(super) own_identity: Option<Vec<u8>>,
    /// Server side: the identity the client presented, and whether the store knew it.
    pub(super) peer_identity: Option<(Vec<u8>, bool)>,
    pub(super) seen: Seen,
    pub(super) connected: bool,
}

impl DimplSession {
    fn instant(&self, now: Timestamp) -> Instant {
        self.origin + Duration::from_millis(now.as_millis())
    }

    /// Rounded up: a deadline is never reported before dimpl considers it due.
    fn timestamp(&self, at: Instant) -> Timestamp {
        let d = at.saturating_duration_since(self.origin);
        let ms = d.as_millis() + u128::from(d.subsec_nanos() % 1_000_000 != 0);
        Timestamp::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
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
        loop {
            match self.dtls.poll_output(&mut self.buf) {
                Output::Packet(p) => self.out.push_back(SessionOutput::Transmit(p.to_vec())),
                Output::BufferTooSmall { needed } => self.buf.resize(needed, 0),
                Output::Timeout(at) => {
                    self.timeout = Some(self.timestamp(at));
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
                Output::ApplicationData(d) => self.out.push_back(SessionOutput::Data(d.to_vec())),
                Output::CloseNotify => self.out.push_back(SessionOutput::Closed),
                // Certificates and SRTP keying material do not occur with PSK.
                _ => {}
            }
        }
    }

    fn take_seen(&mut self) {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).take();
        if seen.is_some() {
            self.peer_identity = seen;
        }
    }
}

impl DtlsSession for DimplSession {
    fn handle_datagram(&mut self, now: Timestamp, datagram: &[u8]) -> Result<(), SessionError> {
        if self.clock != Some(now) {
            self.handle_timeout(now)?;
        }
        let r = self.dtls.handle_packet(datagram);
        if !self.connected {
            // Only a handshake consults the resolver.
            self.take_seen();
        }
        r.map_err(|e| self.error(e))?;
        self.pump();
        Ok(())
    }

    fn handle_timeout(&mut self, now: Timestamp) -> Result<(), SessionError> {
        let at = self.instant(now);
        self.clock = Some(now);
        self.dtls.handle_timeout(at).map_err(|e| self.error(e))?;
        self.pump();
        Ok(())
    }

    fn send(&mut self, plaintext: &[u8]) -> Result<(), SessionError> {
        self.dtls
            .send_application_data(plaintext)
            .map_err(|e| self.error(e))?;
        self.pump();
        Ok(())
    }

    fn close(&mut self) {
        let _ = self.dtls.close();
        self.pump();
    }

    fn poll_output(&mut self) -> Option<SessionOutput> {
        self.out.pop_front()
    }

    fn poll_timeout(&self) -> Option<Timestamp> {
        self.timeout
    }
}
