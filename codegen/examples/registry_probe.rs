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
//! Subtract `read` from the others. `dump` prints the whole loaded registry (to compare builds). Registry from `LWM2M_REGISTRY` or `../shared/registry`.

use std::path::{Path, PathBuf};

use lwm2m_codegen::load::{LoadOptions, SourceFile, parse_files, read_registry_files};
use quick_xml::Reader;
use quick_xml::events::Event;

fn files(dir: &Path) -> Vec<SourceFile> {
    read_registry_files(dir).expect("a readable registry directory")
}

fn pull_parse(bytes: &[u8]) -> usize {
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

fn main() {
    let dir = std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"));
    let files = files(&dir);
    let mode = std::env::args().nth(1).unwrap_or_else(|| "ours".into());
    match mode.as_str() {
        "read" => println!("{} files", files.len()),
        "floor" => {
            let n: usize = files
                .iter()
                .map(|f| pull_parse(std::hint::black_box(&f.bytes)))
                .sum();
            println!("{} files, {n} events", files.len());
        }
        "ours" => {
            let mut opts = LoadOptions::default();
            opts.threads = Some(1);
            let reg = parse_files(&dir, std::hint::black_box(&files), &opts);
            println!(
                "{} files, {} objects, {} diagnostics",
                files.len(),
                reg.current.len() + reg.history.len(),
                reg.diagnostics.len()
            );
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
        other => panic!("mode {other:?}: read, floor, ours or dump"),
    }
}
