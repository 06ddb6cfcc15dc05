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
//! or a wall-clock loop; `ratio N` runs both interleaved N times and prints the fastest and
//! median of each and their ratios. Registry from `LWM2M_REGISTRY` or `../shared/registry`.

#[path = "../benches/registry_floor/mod.rs"]
mod registry_floor;

use lwm2m_codegen::load::{LoadOptions, parse_files};

use registry_floor::{files, pull_parse, registry};

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
                let n: usize = files
                    .iter()
                    .map(|f| pull_parse(std::hint::black_box(&f.bytes)))
                    .sum();
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
        // Floor and ours interleaved, `repeat` rounds: fastest and median of each.
        "ratio" => {
            let mut opts = LoadOptions::default();
            opts.threads = Some(1);
            let (mut floor, mut ours, mut kept) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..repeat {
                let t = std::time::Instant::now();
                std::hint::black_box(
                    files
                        .iter()
                        .map(|f| pull_parse(std::hint::black_box(&f.bytes)))
                        .sum::<usize>(),
                );
                floor.push(t.elapsed());
                let t = std::time::Instant::now();
                let reg = parse_files(&dir, std::hint::black_box(&files), &opts);
                kept.push(t.elapsed());
                drop(std::hint::black_box(reg));
                ours.push(t.elapsed());
            }
            floor.sort();
            ours.sort();
            kept.sort();
            let (f, o, k) = (floor[0], ours[0], kept[0]);
            let (fm, om) = (floor[repeat / 2], ours[repeat / 2]);
            let x =
                |a: std::time::Duration, b: std::time::Duration| a.as_secs_f64() / b.as_secs_f64();
            println!(
                "floor {f:.2?} ours {o:.2?} fastest {:.2}x (without dropping the result {k:.2?}, {:.2}x); median floor {fm:.2?} ours {om:.2?} {:.2}x",
                x(o, f),
                x(k, f),
                x(om, fm)
            );
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
