//! What the registry bench and `examples/registry_probe.rs` both measure against: the registry's
//! files in memory, and the floor, a raw quick-xml pull-parse of one file; and the one way both
//! compare ours with it (interleaved rounds). One definition, so the bench and the probe always
//! compare with the same floor, the same way.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lwm2m_codegen::load::{SourceFile, read_registry_files};
use quick_xml::Reader;
use quick_xml::events::Event;

/// The registry directory: `LWM2M_REGISTRY`, else `../shared/registry` beside the workspace.
pub(crate) fn registry() -> PathBuf {
    std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"))
}

/// Every registry file, read.
pub(crate) fn files(dir: &Path) -> Vec<SourceFile> {
    read_registry_files(dir).expect("a readable registry directory")
}

/// The floor: every event of `bytes` (BOM skipped) pulled from quick-xml; the event count.
pub(crate) fn pull_parse(bytes: &[u8]) -> usize {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).unwrap();
    let mut r = Reader::from_str(text);
    let mut n = 0;
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => return n,
            Ok(_) => n += 1,
        }
    }
}

/// The floor over every file; the number of events (kept so the work is not optimised away).
pub(crate) fn floor_all(files: &[SourceFile]) -> usize {
    files
        .iter()
        .map(|f| pull_parse(std::hint::black_box(&f.bytes)))
        .sum()
}

/// Floor and ours timed in interleaved rounds (a round is one floor pass, then one of ours).
#[derive(Debug)]
pub(crate) struct Comparison {
    pub(crate) rounds: usize,
    /// Fastest floor pass.
    pub(crate) floor: Duration,
    /// Fastest pass of ours, dropping its result included.
    pub(crate) ours: Duration,
    /// Fastest pass of ours up to its return, before its result is dropped.
    pub(crate) ours_kept: Duration,
    /// Median over the rounds of ours / floor within the round (both halves of a round see
    /// about the same machine: robust when a shared machine speeds up and slows down).
    pub(crate) paired: f64,
}

/// Runs `rounds` interleaved rounds of the floor and `ours`.
pub(crate) fn compare<R>(
    files: &[SourceFile],
    rounds: usize,
    mut ours: impl FnMut() -> R,
) -> Comparison {
    let mut c = Comparison {
        rounds,
        floor: Duration::MAX,
        ours: Duration::MAX,
        ours_kept: Duration::MAX,
        paired: 0.0,
    };
    let mut ratios = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        std::hint::black_box(floor_all(files));
        let floor = t.elapsed();
        let t = Instant::now();
        let result = std::hint::black_box(ours());
        let kept = t.elapsed();
        drop(result);
        let total = t.elapsed();
        c.floor = c.floor.min(floor);
        c.ours = c.ours.min(total);
        c.ours_kept = c.ours_kept.min(kept);
        ratios.push(total.as_secs_f64() / floor.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    c.paired = ratios[ratios.len() / 2];
    c
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = |a: Duration| a.as_secs_f64() / self.floor.as_secs_f64();
        write!(
            f,
            "floor {:.2?}, parse+lower+validate {:.2?} (fastest of {}, 1 thread): {:.2}x; \
             median of the rounds' ratios {:.2}x; without dropping the result {:.2?} ({:.2}x)",
            self.floor,
            self.ours,
            self.rounds,
            x(self.ours),
            self.paired,
            self.ours_kept,
            x(self.ours_kept),
        )
    }
}
