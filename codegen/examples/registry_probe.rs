//! One pass of the registry bench's workload, for instruction counts under callgrind
//! (load-independent, unlike wall time on a shared machine):
//!
//! ```text
//! cargo build --release -p lwm2m-codegen --example registry_probe
//! valgrind --tool=callgrind target/release/examples/registry_probe read   # setup only
//! valgrind --tool=callgrind target/release/examples/registry_probe floor  # + quick-xml pull
//! valgrind --tool=callgrind target/release/examples/registry_probe ours   # + parse_files
//! ```
//!
//! Subtract `read` from the others. `dump` prints the whole loaded registry (to compare builds).
//! An optional count repeats `floor` or `ours` (`registry_probe ours 200`), for `perf stat`
//! or a wall-clock loop; `ratio N` compares the two in N interleaved rounds, as the bench does. Registry from `LWM2M_REGISTRY` or `../shared/registry`.

#[path = "../benches/registry_floor/mod.rs"]
mod registry_floor;

use lwm2m_codegen::load::{LoadOptions, parse_files};

use registry_floor::{compare, files, floor_all, registry};

fn main() {
    let dir = registry();
    let files = files(&dir);
    let mode = std::env::args().nth(1).unwrap_or_else(|| "ours".into());
    let repeat: usize = std::env::args()
        .nth(2)
        .map_or(1, |n| n.parse().expect("a repeat count"));
    let start = std::time::Instant::now();
    match mode.as_str() {
        "read" => println!("{} files", files.len()),
        "floor" => {
            for _ in 0..repeat {
                let n = floor_all(&files);
                println!("{} files, {n} events", files.len());
            }
        }
        "ours" => {
            let mut opts = LoadOptions::default();
            opts.threads = Some(1);
            for _ in 0..repeat {
                let reg = parse_files(&dir, std::hint::black_box(&files), &opts);
                println!(
                    "{} files, {} objects, {} diagnostics",
                    files.len(),
                    reg.current.len() + reg.history.len(),
                    reg.diagnostics.len()
                );
            }
        }
        // Floor and ours interleaved, `repeat` rounds, compared as the bench does.
        "ratio" => {
            let mut opts = LoadOptions::default();
            opts.threads = Some(1);
            let c = compare(&files, repeat, || parse_files(&dir, &files, &opts));
            println!("{c}");
            return;
        }
        // Everything the loader produced, to compare two builds' outputs.
        "dump" => {
            let reg = parse_files(&dir, &files, &LoadOptions::default());
            println!(
                "{:#?}",
                (&reg.current, &reg.history, &reg.common, &reg.index)
            );
            println!("{:#?}", (&reg.diagnostics, &reg.failed));
        }
        other => panic!("mode {other:?}: read, floor, ours, ratio or dump"),
    }
    if repeat > 1 {
        eprintln!("{mode}: {:.2?} per pass", start.elapsed() / repeat as u32);
    }
}
