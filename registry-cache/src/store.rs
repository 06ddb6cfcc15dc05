//! The per-user store a sync fills by default.

use std::path::PathBuf;

/// `$LWM2M_STORE`, else `$XDG_CACHE_HOME/lwm2m/registry`, else `~/.cache/lwm2m/registry`.
/// `None` only if none of `LWM2M_STORE`, `XDG_CACHE_HOME` and `HOME` is set.
pub fn default_store() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("LWM2M_STORE")
        .or_else(|| var("XDG_CACHE_HOME").map(|c| c.join("lwm2m").join("registry")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("lwm2m").join("registry")))
}

/// The name of the copy of the lock a sync leaves in the store.
pub(crate) const STORE_LOCK: &str = "registry.lock";

/// `<store>/registry.lock`: the lock the store was last synced against.
pub fn store_lock_path(store: &std::path::Path) -> PathBuf {
    store.join(STORE_LOCK)
}
