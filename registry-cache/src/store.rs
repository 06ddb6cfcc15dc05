//! The per-user store a sync fills by default.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `$LWM2M_STORE`, else `$XDG_CACHE_HOME/lwm2m/registry`, else `~/.cache/lwm2m/registry`.
/// `None` only if none of `LWM2M_STORE`, `XDG_CACHE_HOME` and `HOME` is set.
pub fn default_store() -> Option<PathBuf> {
    store_from(|k| std::env::var_os(k))
}

fn store_from(env: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("LWM2M_STORE")
        .or_else(|| var("XDG_CACHE_HOME").map(|c| c.join("lwm2m").join("registry")))
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("lwm2m").join("registry")))
}

/// The name of the copy of the lock a sync leaves in the store.
pub(crate) const STORE_LOCK: &str = "registry.lock";

/// `<store>/registry.lock`: the lock the store was last synced against.
pub fn store_lock_path(store: &Path) -> PathBuf {
    store.join(STORE_LOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn precedence() {
        let all = [
            ("LWM2M_STORE", "/s"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(store_from(env(&all)), Some(PathBuf::from("/s")));
        assert_eq!(
            store_from(env(&all[1..])),
            Some(PathBuf::from("/x/lwm2m/registry"))
        );
        let home = [("XDG_CACHE_HOME", ""), ("HOME", "/h")];
        assert_eq!(
            store_from(env(&home)),
            Some(PathBuf::from("/h/.cache/lwm2m/registry"))
        );
        assert_eq!(store_from(env(&[])), None);
    }
}
