//! Loading a registry directory (or single files) into the model.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics, Level, Severity};
use crate::error::{LoadError, ParseError};
use crate::lower;
use crate::model::{CommonResource, IndexEntry, ObjectDef, Version};
use crate::validate;

/// Files at the top of a registry that are not object definitions.
pub const NON_OBJECT_FILES: &[&str] = &["DDF.xml", "Common.xml", "LWM2M_senml_units.xml"];

/// How to load.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    pub level: Level,
    /// Worker threads for parsing (default: the machine's available parallelism).
    pub threads: Option<usize>,
}

impl LoadOptions {
    pub fn level(level: Level) -> Self {
        LoadOptions {
            level,
            threads: None,
        }
    }
}

/// A loaded registry: every object, every problem.
#[derive(Debug)]
#[non_exhaustive]
pub struct Registry {
    pub root: PathBuf,
    /// Objects from the top-level files: the current version of each object.
    pub current: Vec<ObjectDef>,
    /// Objects from `version_history/`: every published version.
    pub history: Vec<ObjectDef>,
    pub common: Vec<CommonResource>,
    pub index: Vec<IndexEntry>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that could not be read at all.
    pub failed: Vec<ParseError>,
    /// How many files were read.
    pub files: usize,
}

impl Registry {
    /// True when any diagnostic is an error at the level used, or a file failed.
    pub fn has_errors(&self) -> bool {
        !self.failed.is_empty()
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }

    /// An object by id: the current one, or a given version (current or from the history).
    pub fn object(&self, id: u16, version: Option<Version>) -> Option<&ObjectDef> {
        let matches = |o: &&ObjectDef| o.id == id && version.is_none_or(|v| o.object_version == v);
        self.current
            .iter()
            .find(matches)
            .or_else(|| self.history.iter().find(matches))
    }

    /// Every distinct version of an object, oldest first.
    pub fn versions(&self, id: u16) -> Vec<&ObjectDef> {
        let mut out: Vec<&ObjectDef> = Vec::new();
        for o in self
            .history
            .iter()
            .chain(&self.current)
            .filter(|o| o.id == id)
        {
            if !out.iter().any(|x| x.object_version == o.object_version) {
                out.push(o);
            }
        }
        out.sort_by_key(|o| o.object_version);
        out
    }

    /// Every distinct (id, version) in the registry, sorted by id then version.
    pub fn all_versions(&self) -> Vec<&ObjectDef> {
        let mut seen = HashMap::new();
        for o in self.history.iter().chain(&self.current) {
            seen.entry((o.id, o.object_version)).or_insert(o);
        }
        let mut out: Vec<&ObjectDef> = seen.into_values().collect();
        out.sort_by_key(|o| (o.id, o.object_version));
        out
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        path: path.to_owned(),
        source,
    }
}

fn xml_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// What a registry file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// A top-level object file: the current version.
    Object,
    /// A file in `version_history/`.
    History,
    /// `DDF.xml`.
    Index,
    /// `Common.xml`.
    Common,
    /// Another top-level file (`LWM2M_senml_units.xml`): counted, not modelled.
    Other,
}

/// One registry file, already read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub label: Arc<str>,
    pub kind: FileKind,
    /// The file's bytes, shared (not copied) with the loaded model's positions.
    pub bytes: Arc<Vec<u8>>,
}

impl SourceFile {
    /// Reads `path` (the buffer read into is the one shared, not a copy).
    pub fn read(label: Arc<str>, kind: FileKind, path: &Path) -> std::io::Result<SourceFile> {
        Ok(SourceFile {
            label,
            kind,
            bytes: Arc::new(std::fs::read(path)?),
        })
    }
}

enum Parsed {
    Objects(Vec<ObjectDef>),
    Index(Vec<IndexEntry>),
    Common(Vec<CommonResource>),
    Nothing,
}

/// Parses, lowers and validates one file with its own diagnostics (files are independent).
fn parse_one(file: &SourceFile, level: Level) -> (Result<Parsed, ParseError>, Diagnostics) {
    let mut d = Diagnostics::new(level);
    let label = file.label.clone();
    let r = match file.kind {
        FileKind::Index => {
            lower::index_file_shared(label, file.bytes.clone(), &mut d).map(Parsed::Index)
        }
        FileKind::Common => {
            lower::common_file_shared(label, file.bytes.clone(), &mut d).map(Parsed::Common)
        }
        FileKind::Other => Ok(Parsed::Nothing),
        FileKind::Object | FileKind::History => {
            lower::object_file_shared(label, file.bytes.clone(), &mut d).map(|objs| {
                for o in &objs {
                    validate::object(o, &mut d);
                }
                Parsed::Objects(objs)
            })
        }
    };
    (r, d)
}

/// Parses files already in memory into a registry, on up to `threads` threads (files are
/// independent; results and diagnostics are merged in input order, so the output does not
/// depend on the thread count).
pub fn parse_files(root: &Path, files: &[SourceFile], opts: &LoadOptions) -> Registry {
    let threads = opts
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 16)
        .min(files.len().max(1));
    let level = opts.level;
    let mut outcomes: Vec<Option<(Result<Parsed, ParseError>, Diagnostics)>> =
        (0..files.len()).map(|_| None).collect();
    if threads == 1 {
        for (slot, f) in outcomes.iter_mut().zip(files) {
            *slot = Some(parse_one(f, level));
        }
    } else {
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|w| {
                    s.spawn(move || {
                        (w..files.len())
                            .step_by(threads)
                            .map(|i| (i, parse_one(&files[i], level)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for w in workers {
                for (i, out) in w.join().expect("registry parse worker panicked") {
                    outcomes[i] = Some(out);
                }
            }
        });
    }
    // The lists sized once: grown file by file, they moved the model ~12 times (0.12M
    // instructions per registry parse; issue #2).
    let (mut current, mut history, mut reported) = (0, 0, 0);
    for (file, out) in files.iter().zip(&outcomes) {
        reported += out.as_ref().map_or(0, |(_, d)| d.len());
        match out {
            Some((Ok(Parsed::Objects(objs)), _)) if file.kind == FileKind::History => {
                history += objs.len()
            }
            Some((Ok(Parsed::Objects(objs)), _)) => current += objs.len(),
            _ => {}
        }
    }
    let mut diags = Diagnostics::new(level);
    diags.reserve(reported);
    let mut reg = Registry {
        root: root.to_owned(),
        current: Vec::with_capacity(current),
        history: Vec::with_capacity(history),
        common: Vec::new(),
        index: Vec::new(),
        diagnostics: Vec::new(),
        failed: Vec::new(),
        files: files.len(),
    };
    for (file, out) in files.iter().zip(outcomes) {
        let Some((result, d)) = out else { continue };
        diags.extend(d);
        match result {
            Ok(Parsed::Objects(objs)) if file.kind == FileKind::History => reg.history.extend(objs),
            Ok(Parsed::Objects(objs)) => reg.current.extend(objs),
            Ok(Parsed::Index(i)) => reg.index = i,
            Ok(Parsed::Common(c)) => reg.common = c,
            Ok(Parsed::Nothing) => {}
            Err(e) => reg.failed.push(e),
        }
    }
    duplicates(&reg.current, &mut diags);
    duplicates(&reg.history, &mut diags);
    reg.diagnostics = diags.into_vec();
    reg
}

/// Loads a registry directory: top-level object files, `version_history/`, `Common.xml` and
/// `DDF.xml` when present. Fails only when the directory cannot be read; every file problem
/// is in [`Registry::failed`] or [`Registry::diagnostics`].
pub fn load_registry(dir: &Path, opts: &LoadOptions) -> Result<Registry, LoadError> {
    let files = read_registry_files(dir)?;
    Ok(parse_files(dir, &files, opts))
}

/// Reads every `.xml` file of a registry directory (top level, then `version_history/`, each
/// sorted) with its [`FileKind`], ready for [`parse_files`]. Fails when a directory or a file
/// cannot be read, or when there is no `.xml` file at all.
pub fn read_registry_files(dir: &Path) -> Result<Vec<SourceFile>, LoadError> {
    let top = xml_files(dir)?;
    let hist_dir = dir.join("version_history");
    let history = if hist_dir.is_dir() {
        xml_files(&hist_dir)?
    } else {
        Vec::new()
    };
    if top.is_empty() && history.is_empty() {
        return Err(LoadError::NotARegistry {
            path: dir.to_owned(),
            why: "no .xml files".into(),
        });
    }
    let mut files = Vec::with_capacity(top.len() + history.len());
    for (path, in_history) in top
        .iter()
        .map(|p| (p, false))
        .chain(history.iter().map(|p| (p, true)))
    {
        let base = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let kind = match base {
            _ if in_history => FileKind::History,
            "DDF.xml" => FileKind::Index,
            "Common.xml" => FileKind::Common,
            b if NON_OBJECT_FILES.contains(&b) => FileKind::Other,
            _ => FileKind::Object,
        };
        files.push(SourceFile::read(label(dir, path), kind, path).map_err(io(path))?);
    }
    Ok(files)
}

/// Loads one object definition file (a custom object, say) and validates it.
pub fn load_file(
    path: &Path,
    opts: &LoadOptions,
) -> Result<(Vec<ObjectDef>, Vec<Diagnostic>), LoadError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    let mut diags = Diagnostics::new(opts.level);
    let label: Arc<str> = Arc::from(path.display().to_string());
    let objs = lower::object_file_shared(label, Arc::new(bytes), &mut diags)?;
    duplicates(&objs, &mut diags);
    for o in &objs {
        validate::object(o, &mut diags);
    }
    Ok((objs, diags.into_vec()))
}

fn label(root: &Path, path: &Path) -> Arc<str> {
    let shown = match (root.file_name(), path.strip_prefix(root)) {
        (Some(r), Ok(rel)) => Path::new(r).join(rel),
        _ => path.to_owned(),
    };
    Arc::from(shown.display().to_string())
}

/// Reports each object whose id and version an earlier object of `set` has, naming the
/// closest earlier one. Found by sorting `(id, version, index)` rather than with a hash map
/// (which hashed each key with SipHash and grew as it went: 0.35M instructions per registry
/// parse; issue #2).
fn duplicates(set: &[ObjectDef], diags: &mut Diagnostics) {
    let mut keys: Vec<(u16, Version, usize)> = set
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id, o.object_version, i))
        .collect();
    keys.sort_unstable();
    // (index, index of the closest earlier object with its key), reported in index order.
    let mut found: Vec<(usize, usize)> = keys
        .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
        .flat_map(|same| same.windows(2).map(|w| (w[1].2, w[0].2)))
        .collect();
    found.sort_unstable();
    for (at, earlier) in found {
        let (o, first) = (&set[at], &set[earlier].loc);
        let msg = format!(
            "object {} version {} is also defined at {first}",
            o.id, o.object_version
        );
        diags.push(
            DiagnosticKind::DuplicateObject,
            Some(format!("/{}", o.id)),
            o.loc.clone(),
            msg,
        );
    }
}
