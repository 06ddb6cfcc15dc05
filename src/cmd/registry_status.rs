//! `lwm2m registry status`: verify the local store against the lock, offline.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use lwm2m_registry::{Lock, default_store, store_lock_path, verify};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Store directory (default: $LWM2M_STORE, $XDG_CACHE_HOME/lwm2m/registry, ~/.cache/...).
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
    /// Lock to verify against (default: the lock the store was synced with, else the lock
    /// built into this binary).
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// List every missing, changed and extra file (default: the first 20).
    #[arg(long)]
    all: bool,
    /// Print the report as JSON (every file, plus the lock's commit).
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let store = match args.store {
        Some(s) => s,
        None => default_store().context("no store: pass --store or set LWM2M_STORE or HOME")?,
    };
    let pinned = Lock::pinned();
    let store_lock = store_lock_path(&store);
    let lock = match &args.lock {
        Some(path) => Lock::read(path).with_context(|| format!("reading {}", path.display()))?,
        None if store_lock.is_file() => {
            Lock::read(&store_lock).with_context(|| format!("reading {}", store_lock.display()))?
        }
        None => pinned.clone(),
    };
    let report = verify(&store, &lock).with_context(|| format!("verifying {}", store.display()))?;
    if args.json {
        let out = serde_json::json!({
            "store": store,
            "commit": lock.header.commit,
            "clean": report.is_clean(),
            "report": report,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        let code = if report.is_clean() { 0 } else { 1 };
        return Ok(ExitCode::from(code));
    }
    println!(
        "{}: {} ok, {} missing, {} changed, {} extra (lock: commit {}, {} files)",
        store.display(),
        report.ok,
        report.missing.len(),
        report.changed.len(),
        report.extra.len(),
        lock.header.commit,
        lock.entries.len()
    );
    let limit = if args.all { usize::MAX } else { 20 };
    let changed = report.changed.iter().map(|c| {
        format!(
            "changed  {} (sha256 {}, lock pins {})",
            c.path, c.actual, c.expected
        )
    });
    let missing = report.missing.iter().map(|m| format!("missing  {m}"));
    let extra = report.extra.iter().map(|e| format!("extra    {e}"));
    let lines: Vec<String> = changed.chain(missing).chain(extra).collect();
    for line in lines.iter().take(limit) {
        println!("{line}");
    }
    if lines.len() > limit {
        println!(
            "... and {} more (--all lists every file)",
            lines.len() - limit
        );
    }
    if args.lock.is_none() && lock != pinned {
        println!(
            "note: the store follows its own lock (commit {}), not this binary's (commit {})",
            lock.header.commit, pinned.header.commit
        );
    }
    if report.is_clean() {
        return Ok(ExitCode::SUCCESS);
    }
    if report.ok == 0 && report.changed.is_empty() {
        eprintln!("hint: run `lwm2m registry sync` to fill the store");
    }
    Ok(ExitCode::FAILURE)
}
