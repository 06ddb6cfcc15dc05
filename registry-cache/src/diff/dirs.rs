//! Diffing two registry directories: load both with the code generator's loader, then [`diff`].

use std::path::{Path, PathBuf};

use lwm2m_codegen::load::{LoadOptions, load_registry};

use super::{RegistryDiff, Snapshot, diff};

/// A registry directory could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    #[error("cannot load registry {path}")]
    Load {
        path: PathBuf,
        #[source]
        source: lwm2m_codegen::error::LoadError,
    },
}

/// Loads `old` and `new` (leniently: the published registry has schema violations) and diffs
/// them. Files the loader cannot read are listed in [`RegistryDiff::unreadable`].
pub fn diff_dirs(old: &Path, new: &Path) -> Result<RegistryDiff, DiffError> {
    let load = |path: &Path| {
        load_registry(path, &LoadOptions::default()).map_err(|source| DiffError::Load {
            path: path.to_owned(),
            source,
        })
    };
    let (a, b) = (load(old)?, load(new)?);
    let mut d = diff(
        Snapshot {
            current: &a.current,
            history: &a.history,
        },
        Snapshot {
            current: &b.current,
            history: &b.history,
        },
    );
    d.unreadable = a
        .failed
        .iter()
        .chain(&b.failed)
        .map(ToString::to_string)
        .collect();
    Ok(d)
}
