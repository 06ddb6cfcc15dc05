//! [`Builder`]: code generation from `build.rs`, in the style of prost-build.
//!
//! In `build.rs`:
//!
//! ```no_run
//! lwm2m_codegen::Builder::new()
//!     .file("objects/32769.xml")
//!     .generate()
//!     .expect("objects generate");
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/lwm2m_objects.rs"));`.
//!
//! Each object becomes `pub mod <name> { pub mod v1_0 {…} … pub use <newest>::*; }`; the code
//! refers to `::lwm2m_core` (with its `alloc` feature), so the crate depends on it.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Level, Severity};
use crate::emit::{EmitError, EmitOptions, Source, object_module, render, write_if_changed};
use crate::error::LoadError;
use crate::ident::{self, Namespace};
use crate::load::{LoadOptions, load_file, load_registry};
use crate::model::ObjectDef;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{} error(s) in object definitions:\n{}", .0.len(), list(.0))]
    Invalid(Vec<Diagnostic>),
    #[error("objects {0:?} are not in the registry")]
    MissingObjects(Vec<u16>),
    #[error(transparent)]
    Emit(#[from] EmitError),
    #[error("no output directory: set OUT_DIR (cargo does in build.rs) or call out_dir()")]
    NoOutDir,
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn list(d: &[Diagnostic]) -> String {
    d.iter().map(|d| format!("  {d}\n")).collect()
}

/// Generates typed Rust for object definition files and registry objects into one file.
#[derive(Debug, Clone)]
pub struct Builder {
    files: Vec<PathBuf>,
    registry: Option<PathBuf>,
    objects: Vec<u16>,
    descriptions: bool,
    level: Level,
    out_dir: Option<PathBuf>,
    file_name: String,
    cargo: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            files: Vec::new(),
            registry: None,
            objects: Vec::new(),
            descriptions: false,
            level: Level::Lenient,
            out_dir: None,
            file_name: "lwm2m_objects.rs".to_owned(),
            cargo: true,
        }
    }
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// An object definition file (DDF XML), e.g. a vendor object.
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.files.push(path.as_ref().to_owned());
        self
    }

    /// Several object definition files.
    pub fn files<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.files
            .extend(paths.into_iter().map(|p| p.as_ref().to_owned()));
        self
    }

    /// Also generate registry objects `ids` (every version) from the registry in `dir`.
    pub fn registry_objects(mut self, dir: impl AsRef<Path>, ids: &[u16]) -> Self {
        self.registry = Some(dir.as_ref().to_owned());
        self.objects.extend_from_slice(ids);
        self
    }

    /// Copy the registry's description prose into doc comments (off by default).
    pub fn descriptions(mut self, on: bool) -> Self {
        self.descriptions = on;
        self
    }

    /// Fail on every schema violation, not only on what cannot be modelled.
    pub fn strict(mut self, on: bool) -> Self {
        self.level = if on { Level::Strict } else { Level::Lenient };
        self
    }

    /// Where to write (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// The output file name (default `lwm2m_objects.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Print `cargo:` lines (`rerun-if-changed`, warnings); on by default.
    pub fn cargo_output(mut self, on: bool) -> Self {
        self.cargo = on;
        self
    }

    /// Loads, validates, emits and writes (only if changed). Returns the file written.
    pub fn generate(self) -> Result<PathBuf, BuildError> {
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let opts = LoadOptions::level(self.level);
        let mut objects: Vec<ObjectDef> = Vec::new();
        let mut diags = Vec::new();
        let mut sources = Vec::new();
        for path in &self.files {
            self.rerun(path);
            let (objs, d) = load_file(path, &opts)?;
            objects.extend(objs);
            diags.extend(d);
            sources.push(source(path, path.display().to_string()));
        }
        if let Some(dir) = &self.registry {
            self.registry_part(dir, &opts, &mut objects, &mut diags, &mut sources)?;
        }
        let errors: Vec<Diagnostic> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        if !errors.is_empty() {
            return Err(BuildError::Invalid(errors));
        }
        if self.cargo {
            for d in &diags {
                println!("cargo:warning={d}");
            }
            for o in &objects {
                for (path, msg) in crate::emit::renames(o) {
                    println!("cargo:warning={}: {path}: {msg}", o.loc);
                }
            }
        }
        let emit = EmitOptions::default().descriptions(self.descriptions);
        let tokens = modules(&objects, &emit)?;
        let content = render(&self.file_name, tokens, &sources)?;
        let path = out_dir.join(&self.file_name);
        write_if_changed(&path, &content).map_err(|source| BuildError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    fn registry_part(
        &self,
        dir: &Path,
        opts: &LoadOptions,
        objects: &mut Vec<ObjectDef>,
        diags: &mut Vec<Diagnostic>,
        sources: &mut Vec<Source>,
    ) -> Result<(), BuildError> {
        let reg = load_registry(dir, opts)?;
        let groups = crate::emit::object_groups(&reg, Some(&self.objects));
        let missing: Vec<u16> = self
            .objects
            .iter()
            .copied()
            .filter(|id| !groups.iter().any(|g| g.versions[0].id == *id))
            .collect();
        if !missing.is_empty() {
            return Err(BuildError::MissingObjects(missing));
        }
        for g in &groups {
            for o in &g.versions {
                let rel: PathBuf = Path::new(o.loc.file()).components().skip(1).collect();
                let path = dir.join(rel);
                self.rerun(&path);
                sources.push(source(&path, o.loc.file().to_string()));
                let path_str = format!("/{}", o.id);
                diags.extend(
                    reg.diagnostics
                        .iter()
                        .filter(|d| {
                            d.loc.file() == o.loc.file()
                                && d.path.as_deref().is_some_and(|p| p.starts_with(&path_str))
                        })
                        .cloned(),
                );
                objects.push((*o).clone());
            }
        }
        Ok(())
    }

    fn rerun(&self, path: &Path) {
        if self.cargo {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

fn source(path: &Path, label: String) -> Source {
    Source {
        label,
        bytes: std::fs::read(path).unwrap_or_default(),
    }
}

/// One module per object id (versions oldest first, duplicates dropped), names unique.
fn modules(
    objects: &[ObjectDef],
    opts: &EmitOptions,
) -> Result<proc_macro2::TokenStream, EmitError> {
    let mut sorted: Vec<&ObjectDef> = Vec::new();
    for o in objects {
        if !sorted
            .iter()
            .any(|x| x.id == o.id && x.object_version == o.object_version)
        {
            sorted.push(o);
        }
    }
    sorted.sort_by_key(|o| (o.id, o.object_version));
    let mut names = Namespace::default();
    let mut out = proc_macro2::TokenStream::new();
    for group in sorted.chunk_by(|a, b| a.id == b.id) {
        let newest = group[group.len() - 1];
        let name = names
            .claim(&ident::snake(&newest.name, newest.id), newest.id)
            .0;
        out.extend(object_module(&name, group, opts)?);
    }
    Ok(out)
}
