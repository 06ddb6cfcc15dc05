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
use std::sync::Arc;

use lwm2m_codegen::load::{FileKind, LoadOptions, SourceFile, parse_files};
use quick_xml::Reader;
use quick_xml::events::Event;

fn files(dir: &Path) -> Vec<SourceFile> {
    let mut out = Vec::new();
    for (d, history) in [
        (dir.to_path_buf(), false),
        (dir.join("version_history"), true),
    ] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&d)
            .expect("registry directory")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        paths.sort();
        for p in paths {
            let kind = match p.file_name().and_then(|n| n.to_str()) {
                _ if history => FileKind::History,
                Some("DDF.xml") => FileKind::Index,
                Some("Common.xml") => FileKind::Common,
                Some("LWM2M_senml_units.xml") => FileKind::Other,
                _ => FileKind::Object,
            };
            out.push(SourceFile::read(Arc::from(p.display().to_string()), kind, &p).unwrap());
        }
    }
    out
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
