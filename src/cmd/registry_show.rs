//! `lwm2m registry show ID[@VERSION]`: one object as a table.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use lwm2m_codegen::load::{LoadOptions, load_registry};
use lwm2m_codegen::model::{ObjectDef, Range, Version};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Object id, optionally with a version: `3303` or `3303@1.0`.
    object: String,
    /// Registry directory (default: $LWM2M_REGISTRY, then the synced store).
    #[arg(long)]
    registry: Option<PathBuf>,
}

fn parse_spec(spec: &str) -> Result<(u16, Option<Version>)> {
    let (id, ver) = match spec.split_once('@') {
        Some((i, v)) => (
            i,
            Some(Version::parse(v).ok_or_else(|| anyhow!("bad version {v:?} in {spec:?}"))?),
        ),
        None => (spec, None),
    };
    let id = id
        .trim()
        .parse()
        .with_context(|| format!("bad object id in {spec:?}"))?;
    Ok((id, ver))
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let (id, version) = parse_spec(&args.object)?;
    let dir = crate::registry_dir::resolve(args.registry)?;
    let reg = load_registry(&dir, &LoadOptions::default())?;
    let Some(obj) = reg.object(id, version) else {
        let known: Vec<String> = reg
            .versions(id)
            .iter()
            .map(|o| o.object_version.to_string())
            .collect();
        if known.is_empty() {
            eprintln!("object {id} is not in {}", dir.display());
        } else {
            eprintln!(
                "object {id} has versions {}; no {}",
                known.join(", "),
                args.object
            );
        }
        return Ok(ExitCode::FAILURE);
    };
    print!("{}", render(obj, &reg.versions(id)));
    Ok(ExitCode::SUCCESS)
}

fn range_text(r: &Range) -> String {
    match r {
        Range::Any => String::new(),
        Range::Span { min, max } => format!("{min}..{max}"),
        Range::Length { min, max } if min == max => format!("{min} bytes"),
        Range::Length { min, max } => format!("{min}..{max} bytes"),
        Range::Lengths(v) => format!(
            "{} bytes",
            v.iter().map(u64::to_string).collect::<Vec<_>>().join("|")
        ),
        Range::Strings(v) => v.join("|"),
        Range::Enumeration => "enum".into(),
        Range::Unparsed(t) => format!("{t:?}"),
        other => format!("{other:?}"),
    }
}

/// The table, as text.
pub(crate) fn render(obj: &ObjectDef, versions: &[&ObjectDef]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let vs: Vec<String> = versions
        .iter()
        .map(|o| o.object_version.to_string())
        .collect();
    let _ = writeln!(
        s,
        "{} {} v{} (LwM2M {})  {}",
        obj.id, obj.name, obj.object_version, obj.lwm2m_version, obj.urn
    );
    let _ = writeln!(
        s,
        "{}, {}; versions in registry: {}; defined at {}",
        if obj.multiple {
            "multiple instances"
        } else {
            "single instance"
        },
        if obj.mandatory {
            "mandatory"
        } else {
            "optional"
        },
        vs.join(", "),
        obj.loc
    );
    let rows: Vec<[String; 8]> = obj
        .resources
        .iter()
        .map(|r| {
            let mut range = range_text(&r.range);
            if !r.enumeration.is_empty() {
                let e: Vec<String> = r
                    .enumeration
                    .iter()
                    .map(|v| format!("{}={}", v.value, v.label))
                    .collect();
                range = if range.is_empty() || range == "enum" {
                    e.join(", ")
                } else {
                    format!("{range}; {}", e.join(", "))
                };
            }
            [
                r.id.to_string(),
                r.name.to_string(),
                r.kind.to_string(),
                r.operations.as_str().to_string(),
                if r.multiple { "multi" } else { "single" }.into(),
                if r.mandatory { "M" } else { "O" }.into(),
                r.units.to_string(),
                range,
            ]
        })
        .collect();
    let head = ["id", "name", "type", "ops", "inst", "req", "units", "range"];
    let mut width = head.map(str::len);
    for row in &rows {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count()).min(40);
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let _ = write!(l, "{:<w$}  ", c, w = width[i]);
        }
        l.trim_end().to_string()
    };
    let _ = writeln!(s, "{}", line(&head.map(String::from)));
    for row in &rows {
        let _ = writeln!(s, "{}", line(row));
    }
    s
}
