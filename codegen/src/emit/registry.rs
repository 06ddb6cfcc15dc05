//! The `lwm2m-objects` layout: one file per object (all its versions), a module list gated by
//! Cargo features, and the grouping of object ids into features.

use std::path::{Path, PathBuf};

use quote::quote;

use crate::emit::{EmitError, EmitOptions, Source, docs, object_versions, render, types};
use crate::ident::{self, Namespace};
use crate::load::Registry;
use crate::model::ObjectDef;

/// A Cargo feature of `lwm2m-objects` and the object ids it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feature {
    pub name: &'static str,
    pub doc: &'static str,
}

/// The object features, in the order a crate lists them (crates.io allows 300 features; these
/// group by id range instead of one per object).
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "oma-core",
        doc: "OMA core objects 0-7 (Security … Connectivity Statistics)",
    },
    Feature {
        name: "oma",
        doc: "other OMA objects 8-2047",
    },
    Feature {
        name: "ipso",
        doc: "IPSO smart objects 3200-3499",
    },
    Feature {
        name: "ext",
        doc: "other standards bodies' objects 2048-10240, except IPSO",
    },
    Feature {
        name: "vendor",
        doc: "vendor and private objects from 10241",
    },
];

/// The feature an object id belongs to.
pub fn feature_for(id: u16) -> &'static str {
    match id {
        0..=7 => "oma-core",
        8..=2047 => "oma",
        3200..=3499 => "ipso",
        2048..=10240 => "ext",
        _ => "vendor",
    }
}

/// One object: its module name, feature and every version (oldest first).
#[derive(Debug)]
pub struct ObjectGroup<'r> {
    pub module: String,
    pub feature: &'static str,
    pub versions: Vec<&'r ObjectDef>,
}

/// Groups the registry by object id (ids ascending; `ids` filters). A version present both at
/// the top level and in `version_history/` comes from the top-level file. Module names are
/// unique: a name taken by a lower id gets `_<id>`.
pub fn object_groups<'r>(reg: &'r Registry, ids: Option<&[u16]>) -> Vec<ObjectGroup<'r>> {
    let mut all: Vec<&ObjectDef> = Vec::new();
    for o in reg.current.iter().chain(&reg.history) {
        let wanted = ids.is_none_or(|ids| ids.contains(&o.id));
        let seen = all
            .iter()
            .any(|x| x.id == o.id && x.object_version == o.object_version);
        if wanted && !seen {
            all.push(o);
        }
    }
    all.sort_by_key(|o| (o.id, o.object_version));
    let mut names = Namespace::with(&["generated"]);
    let mut out: Vec<ObjectGroup<'r>> = Vec::new();
    for o in all {
        match out.last_mut() {
            Some(g) if g.versions[0].id == o.id => g.versions.push(o),
            _ => out.push(ObjectGroup {
                module: String::new(),
                feature: feature_for(o.id),
                versions: vec![o],
            }),
        }
    }
    for g in &mut out {
        let newest = g.versions[g.versions.len() - 1];
        g.module = names
            .claim(&ident::snake(&newest.name, newest.id), newest.id)
            .0;
    }
    out
}

/// A file to write, relative to the crate's `src/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub content: String,
}

/// The bytes of the file a label names (`<root name>/3303.xml`), labelled `registry/3303.xml`
/// whatever the root directory is called, so the headers do not depend on where it lives.
fn source(root: &Path, label: &str) -> Source {
    let rel: PathBuf = Path::new(label).components().skip(1).collect();
    let bytes = std::fs::read(root.join(&rel))
        .or_else(|_| std::fs::read(label))
        .unwrap_or_default();
    let rel = rel.to_string_lossy().replace('\\', "/");
    Source {
        label: format!("registry/{rel}"),
        bytes,
    }
}

/// Every file of `lwm2m-objects/src/generated/`: `mod.rs` and one file per object.
pub fn objects_crate(
    reg: &Registry,
    opts: &EmitOptions,
    ids: Option<&[u16]>,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let groups = object_groups(reg, ids);
    let rendered = parallel(&groups, |g| render_group(reg, g, opts))?;
    let mut files = Vec::with_capacity(groups.len() + 1);
    let mut mods = Vec::new();
    let mut all_sources = Vec::new();
    for (g, (file, bytes)) in groups.iter().zip(rendered) {
        files.push(file);
        all_sources.extend(bytes);
        let (feature, module) = (g.feature, types::ident(&g.module)?);
        let doc = docs::attrs(&crate::emit::module_doc(&g.versions));
        mods.push(quote! {
            #doc
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #module;
        });
    }
    let index = Source {
        label: format!("registry ({} objects)", groups.len()),
        bytes: all_sources.concat(),
    };
    let content = render("generated/mod.rs", quote!(#(#mods)*), &[index])?;
    files.insert(
        0,
        GeneratedFile {
            path: PathBuf::from("generated/mod.rs"),
            content,
        },
    );
    Ok(files)
}

/// One object's file, and the bytes of its sources (for the index hash).
fn render_group(
    reg: &Registry,
    g: &ObjectGroup<'_>,
    opts: &EmitOptions,
) -> Result<(GeneratedFile, Vec<Vec<u8>>), EmitError> {
    let tokens = object_versions(&g.versions, opts)?;
    let mut files: Vec<&str> = g.versions.iter().map(|o| o.loc.file()).collect();
    files.dedup();
    let sources: Vec<Source> = files.iter().map(|f| source(&reg.root, f)).collect();
    let content = render(&g.module, tokens, &sources)?;
    let file = GeneratedFile {
        path: PathBuf::from("generated").join(format!("{}.rs", g.module)),
        content,
    };
    Ok((file, sources.into_iter().map(|s| s.bytes).collect()))
}

/// `f` over `items` on every core, results in input order.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, EmitError> + Sync,
) -> Result<Vec<R>, EmitError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(|| part.iter().map(&f).collect::<Result<Vec<R>, _>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            let part = h.join().map_err(|_| EmitError::Unparsable {
                what: "a generator thread".into(),
                message: "panicked".into(),
            })??;
            out.extend(part);
        }
        Ok(out)
    })
}
