//! Information Reporting on the client: observations and when to notify them, honouring
//! `pmin`, `pmax`, `gt`, `lt`, `st`, `epmin` and `epmax` (Core TS 1.1 §5.1.2, §6.4).
//!
//! An *evaluation* reads the observed value and checks it against the value last notified and
//! the value conditions (`gt`, `lt`, `st`); a change that meets them is notified once `pmin` has
//! passed since the last notification, and `pmax` forces a notification. Evaluations happen
//! when the application reports a change ([`Client::changed`]), but never closer together than
//! `epmin`: a change reported sooner is evaluated at the end of that period, with the value of
//! that moment. With `epmax` the client also evaluates on its own at least every `epmax`
//! seconds, so a value changed without [`Client::changed`] is still sampled.
//!
//! A notification due while the client sleeps in Queue Mode wakes it (`queue.rs`).
//!
//! An Observe-Composite observation watches several paths: it is touched by a change at any of
//! them, is notified and evaluated within the periods of every path (the largest `pmin` and
//! `epmin`, the smallest `pmax` and `epmax` set on them), and a changed value meets the value
//! conditions of its own path.

use alloc::vec::Vec;
use core::time::Duration;

use lwm2m_core::{Content, ContentFormat, Node, Path, Value};

use super::{Client, ClientEvent, dm::code_of};
use crate::coap::{Code, Message, ObservationId, Timestamp};
use crate::lwm2m::Attributes;

/// One observation the client serves.
#[derive(Debug)]
pub(super) struct Observation {
    /// The observed path (the root for Observe-Composite).
    pub(super) path: Path,
    /// Observe-Composite: the paths of the request.
    composite: Option<Vec<Path>>,
    format: ContentFormat,
    /// What was last notified (`st`, `gt`, `lt` compare against it).
    last: Content,
    last_sent: Timestamp,
    /// A change met the conditions and waits for `pmin`.
    pending: bool,
    /// When the value was last evaluated (`epmin`, `epmax`).
    last_eval: Timestamp,
    /// A change was reported within `epmin` of the last evaluation.
    eval_pending: bool,
}

impl Observation {
    pub(super) fn new(path: Path, format: ContentFormat, last: Content, now: Timestamp) -> Self {
        Observation {
            path,
            composite: None,
            format,
            last,
            last_sent: now,
            pending: false,
            last_eval: now,
            eval_pending: false,
        }
    }

    /// An Observe-Composite observation of `paths`.
    pub(super) fn composite(
        paths: Vec<Path>,
        format: ContentFormat,
        last: Content,
        now: Timestamp,
    ) -> Self {
        Observation {
            composite: Some(paths),
            ..Observation::new(Path::ROOT, format, last, now)
        }
    }

    fn paths(&self) -> &[Path] {
        self.composite
            .as_deref()
            .unwrap_or(core::slice::from_ref(&self.path))
    }

    /// Whether a change at `changed` concerns this observation.
    fn covers(&self, changed: &Path) -> bool {
        self.paths()
            .iter()
            .any(|p| changed.starts_with(p) || p.starts_with(changed))
    }
}

/// The numeric value of a value, for `gt`/`lt`/`st`.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::UnsignedInteger(u) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The numeric value of single-value content.
fn numeric(content: &Content) -> Option<f64> {
    match &content.node {
        Node::Single(v) => number(v),
        _ => None,
    }
}

fn secs(s: u32) -> Duration {
    Duration::from_secs(u64::from(s))
}

/// The smaller of two optional periods.
fn min_of(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Client {
    fn periods(&self, attrs: &Attributes) -> (u32, Option<u32>) {
        let pmin = attrs.pmin.unwrap_or(self.config.default_pmin);
        let pmax = attrs.pmax.or(self.config.default_pmax).filter(|p| *p > 0);
        (pmin, pmax.filter(|p| *p >= pmin))
    }

    /// The attributes in force for `obs`: its path's, or for a composite observation those that
    /// honour every path: the largest `pmin` and `epmin` set on any of them (nothing is notified
    /// or evaluated sooner than a path allows) and the smallest `pmax` and `epmax` (nothing
    /// later). Value conditions are checked per path.
    fn observed_attributes(&self, obs: &Observation) -> Attributes {
        let Some(paths) = &obs.composite else {
            return self.attributes.effective(&obs.path);
        };
        let mut out = Attributes::default();
        for p in paths {
            let a = self.attributes.effective(p);
            out.pmin = out.pmin.max(a.pmin);
            out.epmin = out.epmin.max(a.epmin);
            out.pmax = min_of(out.pmax, a.pmax);
            out.epmax = min_of(out.epmax, a.epmax);
        }
        out
    }

    /// Whether the change from `last` to `new` meets the value conditions.
    fn condition_met(&self, obs: &Observation, attrs: &Attributes, new: &Content) -> bool {
        if obs.composite.is_none() {
            return match (numeric(&obs.last), numeric(new)) {
                (Some(a), Some(b)) => attrs.value_condition_met(a, b),
                _ => true,
            };
        }
        let (old, new) = (obs.last.to_records(), new.to_records());
        if old.len() != new.len() {
            return true;
        }
        new.iter().any(|r| {
            let Some(before) = old.iter().find(|o| o.path == r.path) else {
                return true;
            };
            if before.value == r.value {
                return false;
            }
            match (number(&before.value), number(&r.value)) {
                (Some(a), Some(b)) => self.attributes.effective(&r.path).value_condition_met(a, b),
                _ => true,
            }
        })
    }

    /// The current content of `obs`, encoded in its format.
    fn read_observed(&self, obs: &Observation) -> Result<(Content, Vec<u8>), lwm2m_core::Error> {
        let (_, content, bytes) = match &obs.composite {
            Some(paths) => self.read_composite_encoded(paths, obs.format)?,
            None => self.read_encoded(obs.path, Some(obs.format.number()))?,
        };
        Ok((content, bytes))
    }

    /// Re-evaluates observations: those overlapping `changed` are evaluated (unless within
    /// `epmin`), as are those whose `epmax` or deferred evaluation is due; all check `pmin`
    /// (pending changes) and `pmax` (periodic) deadlines.
    pub(super) fn check_observations(&mut self, now: Timestamp, changed: Option<Path>) {
        let ids: Vec<ObservationId> = self.observations.keys().copied().collect();
        for id in ids {
            let Some(obs) = self.observations.get(&id) else {
                continue;
            };
            let path = obs.path;
            let attrs = self.observed_attributes(obs);
            let (pmin, pmax) = self.periods(&attrs);
            let touched = changed.is_some_and(|c| obs.covers(&c));
            let quiet = attrs.epmin.is_some_and(|e| now < obs.last_eval + secs(e));
            let epmax_due = attrs
                .epmax
                .filter(|e| *e > 0)
                .is_some_and(|e| now >= obs.last_eval + secs(e));
            let evaluate = ((touched || obs.eval_pending) && !quiet) || epmax_due;
            let pmax_due = pmax.is_some_and(|p| now >= obs.last_sent + secs(p));
            let pmin_due = obs.pending && now >= obs.last_sent + secs(pmin);
            if !(evaluate || pmax_due || pmin_due) {
                if touched && quiet {
                    if let Some(o) = self.observations.get_mut(&id) {
                        o.eval_pending = true;
                    }
                }
                continue;
            }
            let (content, bytes) = match self.read_observed(obs) {
                Ok(c) => c,
                Err(e) => {
                    // The node went away: a non-2.xx notification ends the observation.
                    self.wake_to_send(now);
                    let _ = self
                        .endpoint
                        .notify(now, id, Message::response(code_of(&e)));
                    self.observations.remove(&id);
                    self.events
                        .push_back(ClientEvent::ObservationEnded { path });
                    continue;
                }
            };
            let met = evaluate && content != obs.last && self.condition_met(obs, &attrs, &content);
            let Some(obs) = self.observations.get_mut(&id) else {
                continue;
            };
            if evaluate {
                obs.last_eval = now;
                obs.eval_pending = false;
                obs.pending |= met;
            }
            let due = pmax_due || (obs.pending && now >= obs.last_sent + secs(pmin));
            if !due {
                continue;
            }
            // In Queue Mode a sleeping client wakes and sends an Update before the notification.
            self.wake_to_send(now);
            let Some(obs) = self.observations.get_mut(&id) else {
                continue;
            };
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

    /// The earliest `pmin` (pending change), `pmax`, deferred evaluation (`epmin`) or `epmax`
    /// deadline.
    pub(super) fn observation_deadline(&self) -> Option<Timestamp> {
        self.observations
            .values()
            .filter_map(|obs| {
                let attrs = self.observed_attributes(obs);
                let (pmin, pmax) = self.periods(&attrs);
                let pending = obs.pending.then(|| obs.last_sent + secs(pmin));
                let periodic = pmax.map(|p| obs.last_sent + secs(p));
                let deferred = obs
                    .eval_pending
                    .then(|| obs.last_eval + secs(attrs.epmin.unwrap_or(0)));
                let sampled = attrs
                    .epmax
                    .filter(|e| *e > 0)
                    .map(|e| obs.last_eval + secs(e));
                [pending, periodic, deferred, sampled]
                    .into_iter()
                    .flatten()
                    .min()
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
