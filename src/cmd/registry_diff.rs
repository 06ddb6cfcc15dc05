//! `lwm2m registry diff OLD NEW`: what changed between two registry states, and what each
//! change does to generated code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use lwm2m_registry::diff::{Impact, diff_dirs};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The older registry directory.
    old: PathBuf,
    /// The newer registry directory.
    new: PathBuf,
    /// Print the changes as JSON.
    #[arg(long)]
    json: bool,
    /// Exit with status 1 if any change is breaking.
    #[arg(long)]
    fail_on_breaking: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let diff = diff_dirs(&args.old, &args.new).context("registry diff failed")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&diff)?);
    } else {
        print!("{diff}");
    }
    if args.fail_on_breaking && diff.max_impact() == Some(Impact::Breaking) {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
