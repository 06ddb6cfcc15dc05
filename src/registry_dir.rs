//! Where the registry is: `--registry DIR`, else `$LWM2M_REGISTRY`, else the local store that
//! `lwm2m registry sync` fills.

use std::path::PathBuf;

use anyhow::{Result, bail};

/// Resolves the registry directory from a flag, the environment, or the default store.
pub(crate) fn resolve(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os("LWM2M_REGISTRY") {
        return Ok(PathBuf::from(dir));
    }
    let store = default_store();
    if store.join("DDF.xml").is_file() {
        return Ok(store);
    }
    bail!(
        "no registry: pass --registry DIR, set LWM2M_REGISTRY, or run `lwm2m registry sync` (store: {})",
        store.display()
    )
}

/// `$LWM2M_STORE`, else `$XDG_CACHE_HOME/lwm2m/registry`, else `~/.cache/lwm2m/registry`.
pub(crate) fn default_store() -> PathBuf {
    if let Some(s) = std::env::var_os("LWM2M_STORE") {
        return PathBuf::from(s);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"));
    cache.join("lwm2m").join("registry")
}
