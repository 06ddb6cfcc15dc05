//! What the virtual-time test networks share: datagrams in flight, delivered in arrival order
//! (sending order breaks ties), the seeded generator for loss, duplication and jitter, and the
//! loop that steps a network until a condition holds or a time limit passes.
#![allow(dead_code)]

use lwm2m_runtime::coap::{SeededRandom, Timestamp};

/// Items (datagrams with their routing) on their way, and the generator that decides their fate.
pub(crate) struct InFlight<T> {
    rng: SeededRandom,
    seq: u64,
    queue: Vec<(Timestamp, u64, T)>,
}

impl<T: Clone> InFlight<T> {
    pub(crate) fn new(seed: u64) -> Self {
        InFlight {
            rng: SeededRandom::new(seed),
            seq: 0,
            queue: Vec::new(),
        }
    }

    /// True with probability `p`; draws nothing when `p` is 0.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.rng.next_u64() as f64 / u64::MAX as f64) < p
    }

    /// A random delay below `below` ms; 0, without a draw, when `below` is 0.
    pub(crate) fn jitter(&mut self, below: u64) -> u64 {
        match below {
            0 => 0,
            b => self.rng.next_u64() % b,
        }
    }

    /// Queues `item` to arrive at `at`.
    pub(crate) fn push(&mut self, at: Timestamp, item: T) {
        self.seq += 1;
        self.queue.push((at, self.seq, item));
    }

    /// Sends `item` at `now`: lost with probability `loss`, else delivered once, or twice with
    /// probability `duplicate`, each copy `latency_ms` plus a random delay below `jitter_below`
    /// ms later.
    pub(crate) fn send(
        &mut self,
        now: Timestamp,
        loss: f64,
        duplicate: f64,
        latency_ms: u64,
        jitter_below: u64,
        item: T,
    ) {
        if self.chance(loss) {
            return;
        }
        let copies = if self.chance(duplicate) { 2 } else { 1 };
        for _ in 0..copies {
            let jitter = self.jitter(jitter_below);
            let at = Timestamp::from_millis(now.as_millis() + latency_ms + jitter);
            self.push(at, item.clone());
        }
    }

    /// When the next item arrives.
    pub(crate) fn next_arrival(&mut self) -> Option<Timestamp> {
        self.queue.sort_by_key(|d| (d.0, d.1));
        self.queue.first().map(|d| d.0)
    }

    /// Removes and returns the next item if it has arrived by `now`.
    pub(crate) fn pop_due(&mut self, now: Timestamp) -> Option<T> {
        if self.next_arrival()? > now {
            return None;
        }
        Some(self.queue.remove(0).2)
    }
}

/// Moves `now` to the earliest of `times` when that is by `limit` (true); otherwise to `limit`
/// (false: nothing happens before it). `now` never goes back.
pub(crate) fn advance(
    now: &mut Timestamp,
    times: impl IntoIterator<Item = Option<Timestamp>>,
    limit: Timestamp,
) -> bool {
    match times.into_iter().flatten().min() {
        Some(next) if next <= limit => {
            *now = (*now).max(next);
            true
        }
        _ => {
            *now = (*now).max(limit);
            false
        }
    }
}

/// Steps `net` with `step` until `done` (true) or until `step` finds nothing more to do before
/// `limit` (then `done` decides).
pub(crate) fn drive<N>(
    net: &mut N,
    limit: Timestamp,
    step: impl Fn(&mut N, Timestamp) -> bool,
    mut done: impl FnMut(&mut N) -> bool,
) -> bool {
    loop {
        if done(net) {
            return true;
        }
        if !step(net, limit) {
            return done(net);
        }
    }
}

/// Removes the first of `events` that `f` maps to `Some`, and returns what `f` made of it.
pub(crate) fn take_first<E, T>(events: &mut Vec<E>, f: impl Fn(&E) -> Option<T>) -> Option<T> {
    let at = events.iter().position(|e| f(e).is_some())?;
    f(&events.remove(at))
}
