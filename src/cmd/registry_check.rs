//! `lwm2m registry check`: parse and validate a whole registry.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use lwm2m_codegen::diag::{Diagnostic, Level, Severity};
use lwm2m_codegen::load::{LoadOptions, Registry, load_registry};
use lwm2m_codegen::model::ResourceType;
use serde::Serialize;

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Registry directory (default: $LWM2M_REGISTRY, then the synced store).
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Treat every schema violation and contradiction as an error.
    #[arg(long)]
    strict: bool,
    /// Print a machine-readable summary.
    #[arg(long)]
    json: bool,
    /// How many examples to print per diagnostic kind.
    #[arg(long, default_value_t = 3)]
    examples: usize,
}

/// The summary, also the `--json` output.
#[derive(Serialize, Debug)]
pub(crate) struct Summary {
    registry: String,
    level: &'static str,
    files: usize,
    files_failed: usize,
    /// Distinct object ids.
    objects: usize,
    /// Distinct (object id, object version) pairs.
    object_versions: usize,
    /// Resources of the current objects.
    resources: usize,
    resources_by_type: BTreeMap<String, usize>,
    common_resources: usize,
    index_entries: usize,
    errors: usize,
    warnings: usize,
    /// Diagnostic count by kind.
    diagnostics: BTreeMap<&'static str, usize>,
    failed: Vec<String>,
}

pub(crate) fn summarize(reg: &Registry, level: Level) -> Summary {
    let mut ids: Vec<u16> = reg
        .current
        .iter()
        .chain(&reg.history)
        .map(|o| o.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut by_type = BTreeMap::new();
    for r in reg.current.iter().flat_map(|o| &o.resources) {
        *by_type.entry(r.kind.to_string()).or_insert(0) += 1;
    }
    let mut diagnostics = BTreeMap::new();
    for d in &reg.diagnostics {
        *diagnostics.entry(d.kind.name()).or_insert(0) += 1;
    }
    let errors = reg
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Summary {
        registry: reg.root.display().to_string(),
        level: if level == Level::Strict {
            "strict"
        } else {
            "lenient"
        },
        files: reg.files,
        files_failed: reg.failed.len(),
        objects: ids.len(),
        object_versions: reg.all_versions().len(),
        resources: by_type.values().sum(),
        resources_by_type: by_type,
        common_resources: reg.common.len(),
        index_entries: reg.index.len(),
        errors: errors + reg.failed.len(),
        warnings: reg.diagnostics.len() - errors,
        diagnostics,
        failed: reg.failed.iter().map(ToString::to_string).collect(),
    }
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let dir = crate::registry_dir::resolve(args.registry)?;
    let level = if args.strict {
        Level::Strict
    } else {
        Level::Lenient
    };
    let reg = load_registry(&dir, &LoadOptions::level(level))?;
    let summary = summarize(&reg, level);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_human(&summary, &reg.diagnostics, args.examples);
    }
    Ok(if reg.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_human(s: &Summary, diags: &[Diagnostic], examples: usize) {
    println!("registry {} ({} mode)", s.registry, s.level);
    println!(
        "  files read      {:>6}   failed {}",
        s.files, s.files_failed
    );
    println!(
        "  objects         {:>6}   object versions {}",
        s.objects, s.object_versions
    );
    println!("  resources       {:>6}   (current objects)", s.resources);
    let order = ResourceType::ALL.iter().map(ToString::to_string);
    let types: Vec<String> = order
        .filter_map(|t| s.resources_by_type.get(&t).map(|n| format!("{t} {n}")))
        .collect();
    println!("    by type: {}", types.join(", "));
    println!(
        "  common resources {:>5}   index entries {}",
        s.common_resources, s.index_entries
    );
    for f in &s.failed {
        println!("  FAILED {f}");
    }
    println!("diagnostics: {} errors, {} warnings", s.errors, s.warnings);
    for (kind, count) in &s.diagnostics {
        println!("  {kind:<26} {count:>5}");
        for d in diags
            .iter()
            .filter(|d| d.kind.name() == *kind)
            .take(examples)
        {
            println!("      {d}");
        }
    }
}
