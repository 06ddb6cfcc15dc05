//! Deadlines of [`Secured`]'s sessions: retransmission timers, idle and handshake lifetimes,
//! and the client role's unresponsive-peer detection.

use super::{Ended, Role, Secured};
use crate::coap::{Machine, Timestamp};
use crate::dtls::backend::SessionError;
use crate::dtls::conn::{Conn, Key};
use crate::dtls::types::CloseReason;
use crate::security::SecurityAware;

impl<M: Machine + SecurityAware> Secured<M> {
    pub(super) fn lifetime_end(&self, conn: &Conn) -> Timestamp {
        if conn.is_connected() {
            conn.last_activity + self.config.idle_timeout
        } else if matches!(self.role, Role::Server(_)) && conn.received <= 1 {
            conn.created + self.config.cookie_lifetime
        } else {
            conn.created + self.config.handshake_lifetime
        }
    }

    pub(super) fn stale_at(&self, conn: &Conn) -> Option<Timestamp> {
        match self.role {
            Role::Client if conn.is_connected() => conn
                .unanswered_since
                .map(|t| t + self.config.rehandshake_after),
            _ => None,
        }
    }

    pub(super) fn reschedule(&mut self, key: Key) {
        let Some(conn) = self.table.get(key) else {
            return;
        };
        let deadline = [
            conn.session.poll_timeout(),
            Some(self.lifetime_end(conn)),
            self.stale_at(conn),
        ]
        .into_iter()
        .flatten()
        .min();
        // A deadline that moved later (the idle timer, on every datagram) keeps the earlier
        // timer: `on_timer` re-evaluates when it fires. The timer index is not touched on the
        // busy path.
        if let (Some(old), Some(new)) = (conn.deadline(), deadline) {
            if old <= new {
                return;
            }
        }
        self.table.schedule(key, deadline);
    }

    pub(super) fn on_timer(&mut self, now: Timestamp, key: Key) {
        let Some(conn) = self.table.get(key) else {
            return;
        };
        if now >= self.lifetime_end(conn) {
            if conn.is_connected() {
                if let Some(conn) = self.table.get_mut(key) {
                    conn.session.close();
                }
                self.drain(now, key);
                self.end(key, Ended::Closed(CloseReason::Idle));
            } else {
                self.end(key, Ended::Failed(SessionError::HandshakeTimeout));
            }
            return;
        }
        if self.stale_at(conn).is_some_and(|t| now >= t) {
            self.end(key, Ended::Closed(CloseReason::Unresponsive));
            return;
        }
        let Some(conn) = self.table.get_mut(key) else {
            return;
        };
        let r = conn.session.handle_timeout(now);
        self.after(now, key, r);
    }
}
