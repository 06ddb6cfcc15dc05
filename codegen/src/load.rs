//! Loading a registry directory (or single files) into the model.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, DiagnosticKind, Diagnostics, Level, Severity};
use crate::error::{LoadError, ParseError};
use crate::lower;
use crate::model::{CommonResource, IndexEntry, Loc, ObjectDef, Version};
use crate::validate;

/// Files at the top of a registry that are not object definitions.
pub const NON_OBJECT_FILES: &[&str] = &["DDF.xml", "Common.xml", "LWM2M_senml_units.xml"];

/// How to load.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    pub level: Level,
}

impl LoadOptions {
    pub fn level(level: Level) -> Self {
        LoadOptions { level }
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

/// Loads a registry directory: top-level object files, `version_history/`, `Common.xml` and
/// `DDF.xml` when present. Fails only when the directory cannot be read; every file problem
/// is in [`Registry::failed`] or [`Registry::diagnostics`].
pub fn load_registry(dir: &Path, opts: &LoadOptions) -> Result<Registry, LoadError> {
    let mut diags = Diagnostics::new(opts.level);
    let mut reg = Registry {
        root: dir.to_owned(),
        current: Vec::new(),
        history: Vec::new(),
        common: Vec::new(),
        index: Vec::new(),
        diagnostics: Vec::new(),
        failed: Vec::new(),
        files: 0,
    };
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
    let mut buf = Vec::new();
    for path in top.iter().chain(&history) {
        buf.clear();
        let mut f = std::fs::File::open(path).map_err(io(path))?;
        std::io::Read::read_to_end(&mut f, &mut buf).map_err(io(path))?;
        reg.files += 1;
        let label = label(dir, path);
        let base = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let in_history = path.parent() == Some(hist_dir.as_path());
        let result = match base {
            "DDF.xml" if !in_history => {
                lower::index_file(label, &buf, &mut diags).map(|i| reg.index = i)
            }
            "Common.xml" if !in_history => {
                lower::common_file(label, &buf, &mut diags).map(|c| reg.common = c)
            }
            b if !in_history && NON_OBJECT_FILES.contains(&b) => Ok(()),
            _ => lower::object_file(label, &buf, &mut diags).map(|objs| {
                if in_history {
                    reg.history.extend(objs)
                } else {
                    reg.current.extend(objs)
                }
            }),
        };
        if let Err(e) = result {
            reg.failed.push(e);
        }
    }
    for set in [&reg.current, &reg.history] {
        duplicates(set, &mut diags);
        for obj in set {
            validate::object(obj, &mut diags);
        }
    }
    reg.diagnostics = diags.into_vec();
    Ok(reg)
}

/// Loads one object definition file (a custom object, say) and validates it.
pub fn load_file(
    path: &Path,
    opts: &LoadOptions,
) -> Result<(Vec<ObjectDef>, Vec<Diagnostic>), LoadError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    let mut diags = Diagnostics::new(opts.level);
    let label: Arc<str> = Arc::from(path.display().to_string());
    let objs = lower::object_file(label, &bytes, &mut diags)?;
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

fn duplicates(set: &[ObjectDef], diags: &mut Diagnostics) {
    let mut seen: HashMap<(u16, Version), &Loc> = HashMap::new();
    for o in set {
        if let Some(first) = seen.insert((o.id, o.object_version), &o.loc) {
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
}
