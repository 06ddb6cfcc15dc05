//! Queue Mode on the client (Core TS 1.1 §6.5, `b=UQ` / `Q`): between exchanges the device
//! sleeps with its radio off, and the server holds its requests until the device shows it is
//! awake again.
//!
//! After the last datagram sent or received the client stays awake for
//! [`ClientConfig::awake_time`](super::ClientConfig::awake_time) (ClientAwakeTime, by default
//! CoAP's MAX_TRANSMIT_WAIT, 93 s), then falls asleep: [`ClientEvent::Sleeping`] tells the
//! application it may power the radio down, and datagrams that still arrive are dropped and
//! counted ([`Client::dropped_while_asleep`]): a real radio would not have heard them. It does
//! not fall asleep while a request of its own awaits an answer, nor before it is registered.
//!
//! It wakes ([`ClientEvent::Awake`]) when it has something to send: an Update before the
//! lifetime ends (or for new objects or a new address), a notification (`pmax`, or a reported
//! change that passes `pmin`/`gt`/`lt`/`st`), a Send, a De-register, or when the application
//! calls [`Client::wake`]. Waking for anything but a Register or an Update sends an Update first,
//! so that the server delivers the requests it held; the notification or Send follows it. Timers
//! keep running while asleep (evaluations for `epmax` read values without waking when nothing is
//! to be notified), and [`Client::poll_timeout`] names the next wake-up.
//!
//! A confirmable notification is retransmitted for up to MAX_TRANSMIT_SPAN (45 s): with an awake
//! time shorter than that, a retransmission wakes the client without an Update.

use super::{Client, ClientEvent};
use crate::coap::Timestamp;

/// Queue-mode state.
#[derive(Debug, Default)]
pub(super) struct State {
    /// Awake until then unless another exchange happens; restarted by every datagram.
    awake_until: Option<Timestamp>,
    asleep: bool,
    /// Datagrams dropped while asleep.
    dropped: u64,
    /// The endpoint's `datagrams_sent` when last looked at.
    sent_seen: u64,
}

impl Client {
    /// Whether the client sleeps in Queue Mode (its radio may be off).
    pub fn is_asleep(&self) -> bool {
        self.queue.asleep
    }

    /// Datagrams dropped because they arrived while the client slept.
    pub fn dropped_while_asleep(&self) -> u64 {
        self.queue.dropped
    }

    /// Wakes the client (Queue Mode): if it slept, it sends an Update so that the server
    /// delivers the requests it held, and [`ClientEvent::Awake`] follows. Awake or not, it then
    /// stays awake for the awake time.
    pub fn wake(&mut self, now: Timestamp) {
        self.wake_to_send(now);
        self.pump(now);
    }

    /// Before a notification or a Send: a sleeping client wakes and sends an Update first.
    pub(super) fn wake_to_send(&mut self, now: Timestamp) {
        if self.queue.asleep {
            self.waking(now);
            // An Update that cannot go out is retried as a Register; the message follows anyway.
            if self.send_update(now).is_err() {
                self.schedule_retry(now, None);
            }
        }
        self.queue_touch(now);
    }

    /// Before a Register, Update or De-register: the message itself shows the client is awake.
    pub(super) fn wake_quietly(&mut self, now: Timestamp) {
        if self.queue.asleep {
            self.waking(now);
        }
        self.queue_touch(now);
    }

    fn waking(&mut self, now: Timestamp) {
        self.queue.asleep = false;
        self.queue.sent_seen = self.endpoint.stats().datagrams_sent;
        self.queue.awake_until = Some(now + self.config.awake_time);
        self.events.push_back(ClientEvent::Awake);
    }

    /// Restarts the awake time.
    fn queue_touch(&mut self, now: Timestamp) {
        if self.config.queue_mode {
            self.queue.awake_until = Some(now + self.config.awake_time);
        }
    }

    /// A datagram arrived: false if the client sleeps and drops it, else the awake time restarts.
    pub(super) fn queue_receive(&mut self, now: Timestamp) -> bool {
        if self.queue.asleep {
            self.queue.dropped += 1;
            return false;
        }
        self.queue_touch(now);
        true
    }

    /// After the endpoint ran: anything it sent (a response, an ACK, a retransmission) is an
    /// exchange that restarts the awake time, and wakes a sleeping client.
    pub(super) fn queue_note_sent(&mut self, now: Timestamp) {
        let sent = self.endpoint.stats().datagrams_sent;
        if sent == self.queue.sent_seen {
            return;
        }
        self.queue.sent_seen = sent;
        if self.queue.asleep {
            self.waking(now);
        }
        self.queue_touch(now);
    }

    /// Whether the client could fall asleep at all: queue mode, registered, nothing of its own
    /// waiting for an answer.
    fn may_sleep(&self) -> bool {
        self.config.queue_mode
            && !self.queue.asleep
            && self.registration.location().is_some()
            && self.outgoing.is_empty()
    }

    /// Falls asleep once the awake time has passed.
    pub(super) fn queue_maybe_sleep(&mut self, now: Timestamp) {
        if self.may_sleep() && self.queue.awake_until.is_some_and(|t| now >= t) {
            self.queue.asleep = true;
            self.queue.awake_until = None;
            self.events.push_back(ClientEvent::Sleeping);
        }
    }

    /// When the client falls asleep if nothing else happens.
    pub(super) fn queue_deadline(&self) -> Option<Timestamp> {
        self.may_sleep().then_some(self.queue.awake_until).flatten()
    }
}
