//! The client side of the registration interface: Register, Update before the lifetime ends,
//! when the object list changes or when the client's address changed, De-register, and back-off
//! when the server does not answer.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::{Client, ClientError, ClientEvent, Outgoing};
use crate::coap::option::number;
use crate::coap::{Code, Message, RequestId, Timestamp};
use crate::lwm2m::{RD_PATH, RegisterParams, encode_objects};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Phase {
    /// Not started, or stopped after De-register.
    #[default]
    Idle,
    Registering(RequestId),
    Registered {
        update_at: Timestamp,
    },
    Updating(RequestId),
    /// Waiting before the next Register attempt.
    Backoff {
        until: Timestamp,
    },
    Deregistering(RequestId),
}

/// Registration state.
#[derive(Debug, Default)]
pub(super) struct State {
    phase: Phase,
    location: Option<(String, Vec<String>)>,
    /// Consecutive failed attempts, for the back-off.
    failures: u32,
    /// The object list changed since the last Register/Update was sent.
    objects_dirty: bool,
    /// The client's address changed since the last Register/Update was sent.
    address_dirty: bool,
}

impl State {
    pub(super) fn location(&self) -> Option<&str> {
        self.location.as_ref().map(|(s, _)| s.as_str())
    }

    pub(super) fn objects_changed(&mut self) {
        self.objects_dirty = true;
    }

    /// An Update is due regardless of the lifetime.
    fn update_due(&self) -> bool {
        self.objects_dirty || self.address_dirty
    }

    pub(super) fn deadline(&self) -> Option<Timestamp> {
        match self.phase {
            // The object list changed (e.g. `add_object`, which has no `now`): due at once.
            Phase::Registered { .. } if self.update_due() => Some(Timestamp::ZERO),
            Phase::Registered { update_at } => Some(update_at),
            Phase::Backoff { until } => Some(until),
            _ => None,
        }
    }
}

impl Client {
    /// Sends Register. Call once; retries and re-registration are automatic afterwards.
    /// Without a server (a [`Client::bootstrapping`] client) it bootstraps first.
    pub fn start(&mut self, now: Timestamp) -> Result<(), ClientError> {
        if self.bootstrap_first(now) {
            return Ok(());
        }
        self.send_register(now)
    }

    /// Sends Register now, or schedules a retry if the endpoint refuses it.
    pub(super) fn register_now(&mut self, now: Timestamp) {
        if self.send_register(now).is_err() {
            self.schedule_retry(now, None);
        }
    }

    /// Sends an Update now (e.g. to tell a queue-mode server that the client is awake).
    pub fn update(&mut self, now: Timestamp) -> Result<(), ClientError> {
        match self.registration.phase {
            Phase::Registered { .. } => self.send_update(now),
            _ => Err(ClientError::NotRegistered),
        }
    }

    /// Tells the client that its own address changed (another network, a new NAT binding, a new
    /// socket): the server sends its requests to the address the last Register or Update came
    /// from, so an Update follows from the new address, at once if registered, after the
    /// outstanding one if an Update is in flight. A Register in flight or pending needs nothing
    /// more. Observations are bound to the old address (RFC 7641 §3.6): a server that rejects
    /// notifications from the new one ends them, and observes again if it wants.
    pub fn address_changed(&mut self, now: Timestamp) {
        self.registration.address_dirty = true;
        self.drive_registration(now);
        self.pump(now);
    }

    /// Sends De-register; [`ClientEvent::Deregistered`] follows. Without a registration the
    /// client just stops.
    pub fn deregister(&mut self, now: Timestamp) -> Result<(), ClientError> {
        self.end_observations();
        let Some((_, segments)) = self.registration.location.take() else {
            self.registration.phase = Phase::Idle;
            self.events.push_back(ClientEvent::Deregistered);
            return Ok(());
        };
        let mut msg = Message::request(Code::DELETE);
        for s in &segments {
            msg.add_option(number::URI_PATH, s.as_bytes());
        }
        self.wake_quietly(now);
        let id = self.endpoint.request(now, self.server, msg)?;
        self.outgoing.insert(id, Outgoing::Deregister);
        self.registration.phase = Phase::Deregistering(id);
        Ok(())
    }

    fn register_params(&self) -> RegisterParams {
        let mut p = RegisterParams::new(self.config.endpoint.clone());
        p.lifetime = u32::try_from(self.config.lifetime.as_secs().max(1)).unwrap_or(u32::MAX);
        p.version = self.config.version;
        p.binding = self.config.binding.clone();
        p.queue_mode = self.config.queue_mode;
        p
    }

    fn object_payload(&self) -> Vec<u8> {
        let ct = self.config.announced_formats();
        let formats = (!ct.is_empty()).then_some(ct.as_slice());
        encode_objects(formats, &self.objects.links())
    }

    fn send_register(&mut self, now: Timestamp) -> Result<(), ClientError> {
        let mut msg = Message::request(Code::POST)
            .with_uri_path(RD_PATH)
            .with_content_format(lwm2m_core::ContentFormat::LinkFormat.number())
            .with_payload(self.object_payload());
        for q in self.register_params().to_query() {
            msg.add_option(number::URI_QUERY, q.into_bytes());
        }
        self.registration.objects_dirty = false;
        self.registration.address_dirty = false;
        self.wake_quietly(now);
        let id = self.endpoint.request(now, self.server, msg)?;
        self.outgoing.insert(id, Outgoing::Register);
        self.registration.phase = Phase::Registering(id);
        Ok(())
    }

    pub(super) fn send_update(&mut self, now: Timestamp) -> Result<(), ClientError> {
        let Some((_, segments)) = &self.registration.location else {
            return Err(ClientError::NotRegistered);
        };
        let mut msg = Message::request(Code::POST);
        for s in segments {
            msg.add_option(number::URI_PATH, s.as_bytes());
        }
        if self.registration.objects_dirty {
            msg = msg
                .with_content_format(lwm2m_core::ContentFormat::LinkFormat.number())
                .with_payload(self.object_payload());
            self.registration.objects_dirty = false;
        }
        self.registration.address_dirty = false;
        self.wake_quietly(now);
        let id = self.endpoint.request(now, self.server, msg)?;
        self.outgoing.insert(id, Outgoing::Update);
        self.registration.phase = Phase::Updating(id);
        Ok(())
    }

    /// Sends what the registration timers ask for.
    pub(super) fn drive_registration(&mut self, now: Timestamp) {
        let result = match self.registration.phase {
            Phase::Registered { update_at }
                if now >= update_at || self.registration.update_due() =>
            {
                self.send_update(now)
            }
            Phase::Backoff { until } if now >= until => self.send_register(now),
            _ => Ok(()),
        };
        if result.is_err() {
            self.schedule_retry(now, None);
        }
    }

    /// When to send the next Update: after `update_fraction` of the lifetime, but early enough to
    /// leave CoAP's MAX_TRANSMIT_WAIT (93 s, at most half the lifetime) for retransmissions.
    fn next_update(&self, now: Timestamp) -> Timestamp {
        let lifetime = self.config.lifetime.as_millis() as f64;
        let f = self.config.update_fraction.clamp(0.1, 1.0);
        let margin = (lifetime * (1.0 - f)).max((93_000.0f64).min(lifetime / 2.0));
        now + Duration::from_millis((lifetime - margin).max(0.0) as u64)
    }

    pub(super) fn schedule_retry(&mut self, now: Timestamp, code: Option<Code>) {
        self.registration.failures = self.registration.failures.saturating_add(1);
        let shift = (self.registration.failures - 1).min(16);
        let wait = self
            .config
            .retry_initial
            .saturating_mul(1 << shift)
            .min(self.config.retry_max);
        let retry_at = now + wait;
        self.registration.phase = Phase::Backoff { until: retry_at };
        self.events
            .push_back(ClientEvent::RegistrationFailed { code, retry_at });
        if self.bootstrap_after_failures(now, self.registration.failures) {
            self.registration.phase = Phase::Idle;
            self.registration.failures = 0;
        }
    }

    pub(super) fn on_register_response(
        &mut self,
        now: Timestamp,
        code: Option<Code>,
        location: Vec<String>,
    ) {
        if code != Some(Code::CREATED) || location.is_empty() {
            self.schedule_retry(now, code);
            return;
        }
        // A new registration starts without observations (Core TS 1.1 §6.2.1).
        self.end_observations();
        let mut joined = String::new();
        for s in &location {
            joined.push('/');
            joined.push_str(s);
        }
        self.registration.location = Some((joined.clone(), location));
        self.registration.failures = 0;
        self.registration.phase = Phase::Registered {
            update_at: self.next_update(now),
        };
        self.events
            .push_back(ClientEvent::Registered { location: joined });
    }

    pub(super) fn on_update_response(&mut self, now: Timestamp, code: Option<Code>) {
        if code == Some(Code::CHANGED) {
            self.registration.phase = Phase::Registered {
                update_at: self.next_update(now),
            };
            self.events.push_back(ClientEvent::Updated);
            if self.registration.update_due() {
                self.drive_registration(now);
            }
            return;
        }
        // The server forgot us (4.04) or did not answer: register again.
        self.registration.location = None;
        if self.send_register(now).is_err() {
            self.schedule_retry(now, code);
        }
    }

    pub(super) fn on_deregister_response(&mut self) {
        self.registration.phase = Phase::Idle;
        self.registration.location = None;
        self.events.push_back(ClientEvent::Deregistered);
    }
}
