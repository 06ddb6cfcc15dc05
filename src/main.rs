//! The `lwm2m` command line.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bench;
mod cmd;
mod demo;
mod registry_dir;
mod security;

/// LwM2M toolkit: registry tools, code generation, client and server.
#[derive(Parser, Debug)]
#[command(name = "lwm2m", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Work with the OMA object registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Generate typed Rust for registry objects (and a Markdown catalog).
    Generate(cmd::generate::Args),
    /// Run an LwM2M server on UDP (coap://) and/or DTLS (coaps://, PSK) that logs registrations
    /// and notifications.
    Server(cmd::server::Args),
    /// Run simulated LwM2M devices (Device, drifting Temperature) against a server, over UDP or
    /// DTLS (PSK).
    Client(cmd::client::Args),
    /// Run a server and simulated devices in one process, offline, and show what happens.
    Demo(cmd::demo::Args),
    /// Measure registrations, reads and notifications on loopback (UDP and DTLS) against a raw
    /// UDP baseline.
    Bench(cmd::bench::Args),
}

#[derive(Subcommand, Debug)]
enum RegistryCommand {
    /// Parse and validate every file of a registry; print a summary.
    Check(cmd::registry_check::Args),
    /// Show one object as a table.
    Show(cmd::registry_show::Args),
    /// Fetch the pinned registry files into the local store, verifying each hash.
    Sync(cmd::registry_sync::Args),
    /// Verify the local store against the lock, offline.
    Status(cmd::registry_status::Args),
    /// Compare two registry directories; classify each change by its API impact.
    Diff(cmd::registry_diff::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(a) => cmd::generate::run(a),
        Command::Server(a) => cmd::server::run(a),
        Command::Client(a) => cmd::client::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Bench(a) => cmd::bench::run(a),
        Command::Registry(RegistryCommand::Check(a)) => cmd::registry_check::run(a),
        Command::Registry(RegistryCommand::Show(a)) => cmd::registry_show::run(a),
        Command::Registry(RegistryCommand::Sync(a)) => cmd::registry_sync::run(a),
        Command::Registry(RegistryCommand::Status(a)) => cmd::registry_status::run(a),
        Command::Registry(RegistryCommand::Diff(a)) => cmd::registry_diff::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
