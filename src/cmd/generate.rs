//! `lwm2m generate`: typed Rust for registry objects, and optionally a browsable catalog.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use lwm2m_codegen::emit::{EmitOptions, objects_crate, write_tree};
use lwm2m_codegen::load::{LoadOptions, load_registry};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Registry directory (default: $LWM2M_REGISTRY, then the synced store).
    #[arg(long)]
    registry: Option<PathBuf>,
    /// Directory that receives `generated/` (a crate's `src/`), e.g. `lwm2m-objects/src`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only these object ids (comma-separated), e.g. `3303,3311`; `--out` then holds only
    /// these (other generated files there are removed).
    #[arg(long, value_delimiter = ',')]
    objects: Vec<u16>,
    /// Also render a Markdown catalog of the objects into this directory.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Gate items that need `alloc` behind this Cargo feature of the target crate.
    #[arg(long)]
    alloc_feature: Option<String>,
    /// Include the registry's description prose in doc comments (not for committed code).
    #[arg(long)]
    descriptions: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    if args.out.is_none() && args.catalog.is_none() {
        bail!("nothing to do: pass --out DIR and/or --catalog DIR");
    }
    let dir = crate::registry_dir::resolve(args.registry)?;
    let reg = load_registry(&dir, &LoadOptions::default())
        .with_context(|| format!("loading {}", dir.display()))?;
    for f in &reg.failed {
        eprintln!("warning: skipped unreadable file: {f}");
    }
    let ids = (!args.objects.is_empty()).then_some(args.objects.as_slice());
    if let Some(out) = &args.out {
        let mut opts = EmitOptions::default().descriptions(args.descriptions);
        if let Some(f) = &args.alloc_feature {
            opts = opts.alloc_feature(f.clone());
        }
        let files = objects_crate(&reg, &opts, ids)?;
        let renamed: usize = reg
            .current
            .iter()
            .chain(&reg.history)
            .filter(|o| ids.is_none_or(|ids| ids.contains(&o.id)))
            .map(|o| lwm2m_codegen::emit::renames(o).len())
            .sum();
        if renamed > 0 {
            println!("{renamed} generated identifiers renamed to stay unique (the same every run)");
        }
        let report =
            write_tree(out, &files).with_context(|| format!("writing {}", out.display()))?;
        println!(
            "generated {} files into {}: {} written, {} unchanged, {} removed",
            files.len(),
            out.display(),
            report.written,
            report.unchanged,
            report.removed
        );
    }
    if let Some(catalog) = &args.catalog {
        let n = lwm2m_codegen::catalog::write(&reg, ids, catalog)
            .with_context(|| format!("writing catalog {}", catalog.display()))?;
        println!("catalog: {n} pages in {}", catalog.display());
    }
    Ok(ExitCode::SUCCESS)
}
