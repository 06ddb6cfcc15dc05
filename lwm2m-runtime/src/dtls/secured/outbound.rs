//! The wrapped machine's datagrams on their way out: encrypted on an established session,
//! queued behind a handshake, or (client role) opening one at the next timed input.

use std::collections::VecDeque;

use super::provision::Route;
use super::{Role, Secured, SecuredEvent};
use crate::coap::{Machine, Timestamp, Transmit};
use crate::dtls::conn::{Conn, Key, Slot};
use crate::security::SecurityAware;

impl<M: Machine + SecurityAware> Secured<M> {
    /// A datagram from the wrapped machine: encrypt, queue behind a handshake, or start one.
    pub(super) fn send_plain(&mut self, t: Transmit) {
        let now = self.now;
        let key = (t.destination, Slot::Current);
        let max_queued = self.config.max_queued;
        let Some(conn) = self.table.get_mut(key) else {
            if matches!(self.role, Role::Server(_)) {
                self.stats.unroutable += 1;
                return;
            }
            match self.route(t.destination) {
                Route::Dtls => {}
                Route::Plain => return self.out.push_back(t),
                Route::Refused(error) => return self.refuse(t.destination, error),
            }
            let queue = match self
                .connecting
                .iter()
                .position(|(a, _)| *a == t.destination)
            {
                Some(i) => &mut self.connecting[i].1,
                None => {
                    self.connecting.push((t.destination, VecDeque::new()));
                    &mut self.connecting.last_mut().expect("just pushed").1
                }
            };
            if queue.len() < max_queued {
                queue.push_back(t.payload);
            } else {
                self.stats.queue_overflow += 1;
            }
            return;
        };
        if conn.is_connected() {
            conn.last_activity = now;
            conn.unanswered_since.get_or_insert(now);
            let r = conn.session.send(&t.payload);
            self.after(now, key, r);
        } else if conn.queue.len() < max_queued {
            conn.queue.push_back(t.payload);
        } else {
            self.stats.queue_overflow += 1;
        }
    }

    /// Client role: starts the handshakes the wrapped machine asked for since the last input.
    pub(super) fn start_connecting(&mut self, now: Timestamp) {
        for (peer, queue) in std::mem::take(&mut self.connecting) {
            self.connect(now, (peer, Slot::Current), queue);
        }
    }

    pub(super) fn connect(&mut self, now: Timestamp, key: Key, queue: VecDeque<Vec<u8>>) {
        if self.table.len() >= self.config.max_sessions {
            self.stats.handshakes_refused += 1;
            return;
        }
        match self.connect_session(now, key.0) {
            Ok(session) => {
                self.stats.handshakes_started += 1;
                let mut conn = Conn::new(session, now);
                conn.queue = queue;
                self.table.insert(key, conn);
                self.after(now, key, Ok(()));
            }
            Err(error) => {
                self.stats.handshakes_failed += 1;
                self.events
                    .push_back(SecuredEvent::Failed { peer: key.0, error });
            }
        }
    }
}
