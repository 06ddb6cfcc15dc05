//! Information Reporting on the client: observations and when to notify them, honouring
//! `pmin`, `pmax`, `gt`, `lt` and `st` (Core TS 1.1 §5.1.2, §6.4).

use alloc::vec::Vec;
use core::time::Duration;

use lwm2m_core::{Content, ContentFormat, Node, Path, Value};

use super::{Client, ClientEvent, dm::code_of};
use crate::coap::{Code, Message, ObservationId, Timestamp};
use crate::lwm2m::Attributes;

/// One observation the client serves.
#[derive(Debug)]
pub(super) struct Observation {
    path: Path,
    format: ContentFormat,
    /// What was last notified (`st`, `gt`, `lt` compare against it).
    last: Content,
    last_sent: Timestamp,
    /// A change met the conditions and waits for `pmin`.
    pending: bool,
}

impl Observation {
    pub(super) fn new(path: Path, format: ContentFormat, last: Content, now: Timestamp) -> Self {
        Observation {
            path,
            format,
            last,
            last_sent: now,
            pending: false,
        }
    }
}

/// The numeric value of single-value content, for `gt`/`lt`/`st`.
fn numeric(content: &Content) -> Option<f64> {
    match &content.node {
        Node::Single(Value::Integer(i)) => Some(*i as f64),
        Node::Single(Value::UnsignedInteger(u)) => Some(*u as f64),
        Node::Single(Value::Float(f)) => Some(*f),
        _ => None,
    }
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

impl Client {
    fn periods(&self, attrs: &Attributes) -> (u32, Option<u32>) {
        let pmin = attrs.pmin.unwrap_or(self.config.default_pmin);
        let pmax = attrs.pmax.or(self.config.default_pmax).filter(|p| *p > 0);
        (pmin, pmax.filter(|p| *p >= pmin))
    }

    /// Re-evaluates observations: those overlapping `changed` compare the current value with the
    /// last notified one; all check `pmin` (pending changes) and `pmax` (periodic) deadlines.
    pub(super) fn check_observations(&mut self, now: Timestamp, changed: Option<Path>) {
        let ids: Vec<ObservationId> = self.observations.keys().copied().collect();
        for id in ids {
            let Some(obs) = self.observations.get(&id) else {
                continue;
            };
            let path = obs.path;
            let attrs = self.attributes.effective(&path);
            let (pmin, pmax) = self.periods(&attrs);
            let touched = changed.is_some_and(|c| c.starts_with(&path) || path.starts_with(&c));
            let pmax_due = pmax.is_some_and(|p| now >= obs.last_sent + secs(p));
            let pmin_due = obs.pending && now >= obs.last_sent + secs(pmin);
            if !(touched || pmax_due || pmin_due) {
                continue;
            }
            let current = match self.read_encoded(path, Some(obs.format.number())) {
                Ok(c) => c,
                Err(e) => {
                    // The node went away: a non-2.xx notification ends the observation.
                    let _ = self
                        .endpoint
                        .notify(now, id, Message::response(code_of(&e)));
                    self.observations.remove(&id);
                    self.events
                        .push_back(ClientEvent::ObservationEnded { path });
                    continue;
                }
            };
            let (_, content, bytes) = current;
            let Some(obs) = self.observations.get_mut(&id) else {
                continue;
            };
            if touched && content != obs.last {
                let met = match (numeric(&obs.last), numeric(&content)) {
                    (Some(a), Some(b)) => attrs.value_condition_met(a, b),
                    _ => true,
                };
                obs.pending |= met;
            }
            let due = pmax_due || (obs.pending && now >= obs.last_sent + secs(pmin));
            if !due {
                continue;
            }
            let msg = Message::response(Code::CONTENT)
                .with_content_format(obs.format.number())
                .with_payload(bytes);
            obs.last = content;
            obs.last_sent = now;
            obs.pending = false;
            if self.endpoint.notify(now, id, msg).is_err() {
                self.observations.remove(&id);
                self.events
                    .push_back(ClientEvent::ObservationEnded { path });
            }
        }
    }

    /// The earliest `pmin` (pending change) or `pmax` deadline.
    pub(super) fn observation_deadline(&self) -> Option<Timestamp> {
        self.observations
            .values()
            .filter_map(|obs| {
                let attrs = self.attributes.effective(&obs.path);
                let (pmin, pmax) = self.periods(&attrs);
                let pending = obs.pending.then(|| obs.last_sent + secs(pmin));
                let periodic = pmax.map(|p| obs.last_sent + secs(p));
                pending.into_iter().chain(periodic).min()
            })
            .min()
    }

    /// The endpoint ended an observation (Reset, Observe=1, unacknowledged notification).
    pub(super) fn on_observation_ended(&mut self, id: ObservationId) {
        if let Some(obs) = self.observations.remove(&id) {
            self.events
                .push_back(ClientEvent::ObservationEnded { path: obs.path });
        }
    }

    /// Ends every observation at or below `path` with a 4.04 notification.
    pub(super) fn end_observations_below(&mut self, now: Timestamp, path: Path) {
        let gone: Vec<ObservationId> = self
            .observations
            .iter()
            .filter(|(_, o)| o.path.starts_with(&path))
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            let _ = self
                .endpoint
                .notify(now, id, Message::response(Code::NOT_FOUND));
            if let Some(obs) = self.observations.remove(&id) {
                self.events
                    .push_back(ClientEvent::ObservationEnded { path: obs.path });
            }
        }
    }

    /// Drops every observation silently (new registration, De-register).
    pub(super) fn end_observations(&mut self) {
        for (id, _) in core::mem::take(&mut self.observations) {
            self.endpoint.remove_observation(id);
        }
    }
}
