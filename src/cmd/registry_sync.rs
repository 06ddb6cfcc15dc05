//! `lwm2m registry sync`: fill the local store with the pinned registry files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use lwm2m_registry::{
    Lock, LockHeader, Source, SyncError, SyncOptions, default_store, store_lock_path, sync,
};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Base URL or directory to copy from (default: the OMA registry on GitHub, at the lock's
    /// commit when the lock names a full commit hash, else the prod branch).
    #[arg(long, value_name = "URL_OR_DIR")]
    from: Option<String>,
    /// Store directory (default: $LWM2M_STORE, $XDG_CACHE_HOME/lwm2m/registry, ~/.cache/...).
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
    /// Record what the source serves as a new lock instead of verifying against the lock.
    #[arg(long)]
    update_lock: bool,
    /// Lock file to verify against, or to write with --update-lock (default: the lock built
    /// into this binary; with --update-lock the new lock goes to <store>/registry.lock).
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// Upstream commit to record in the new lock (with --update-lock).
    #[arg(long, requires = "update_lock")]
    commit: Option<String>,
    /// Date of that commit, YYYY-MM-DD (with --update-lock).
    #[arg(long, requires = "update_lock")]
    date: Option<String>,
    /// Parallel downloads.
    #[arg(long, default_value_t = 4)]
    jobs: usize,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let store = match args.store {
        Some(s) => s,
        None => default_store().context("no store: pass --store or set LWM2M_STORE or HOME")?,
    };
    let lock = match &args.lock {
        Some(path) if args.update_lock && !path.exists() => Lock::default(),
        Some(path) => Lock::read(path).with_context(|| format!("reading {}", path.display()))?,
        None => Lock::pinned(),
    };
    let source = match args.from.as_deref() {
        Some(from) => Source::parse(from),
        None => Source::for_lock(&lock),
    };
    let mut options = SyncOptions::default();
    options.update_lock = args.update_lock;
    options.jobs = args.jobs;
    if args.update_lock {
        let mut header = LockHeader {
            upstream: source.to_string(),
            ..LockHeader::default()
        };
        if let Some(c) = args.commit {
            header.commit = c;
        }
        if let Some(d) = args.date {
            header.date = d;
        }
        options.header = Some(header);
    }
    eprintln!("syncing {} from {source}", store.display());
    let report = match sync(&source, &store, &lock, &options) {
        Ok(r) => r,
        Err(SyncError::Incomplete { failed, report }) => {
            for e in &failed {
                eprintln!("error: {e}");
            }
            eprintln!(
                "{} files failed; {} good files kept in {} ({} fetched, {} already there)",
                failed.len(),
                report.total(),
                store.display(),
                report.fetched.len(),
                report.up_to_date.len()
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(e).context("registry sync failed"),
    };
    println!(
        "{} files in {}: {} fetched ({} replaced a corrupted copy), {} already up to date{}",
        report.total(),
        store.display(),
        report.fetched.len(),
        report.replaced.len(),
        report.up_to_date.len(),
        if report.recorded {
            ", recorded (not verified)"
        } else {
            ", all verified"
        }
    );
    for gone in &report.dropped {
        println!("dropped from the lock (gone upstream): {gone}");
    }
    if args.update_lock {
        let path = match &args.lock {
            Some(path) => {
                report
                    .lock
                    .write(path)
                    .with_context(|| format!("writing {}", path.display()))?;
                path.clone()
            }
            None => store_lock_path(&store),
        };
        println!(
            "wrote {} ({} files)",
            path.display(),
            report.lock.entries.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
