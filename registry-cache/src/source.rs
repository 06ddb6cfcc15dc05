//! Where registry files come from: an HTTP(S) base URL or a local directory (a mirror or a
//! checkout of the upstream repository).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{FileError, SyncError};
use crate::lock::Lock;
use crate::pinned::is_safe_path;

/// The upstream registry's raw files: the OMA GitHub repository, `prod` branch.
pub const DEFAULT_UPSTREAM: &str =
    "https://raw.githubusercontent.com/OpenMobileAlliance/lwm2m-registry/prod/";

/// A registry source.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Base URL; a file's URL is the base joined with its registry-relative path.
    Url(String),
    /// A directory laid out like the registry.
    Dir(PathBuf),
}

impl Default for Source {
    fn default() -> Self {
        Source::Url(DEFAULT_UPSTREAM.to_owned())
    }
}

impl Source {
    /// The upstream raw files at the lock's commit when the lock names a full 40-hex commit
    /// (the files cannot drift from the pins), else [`DEFAULT_UPSTREAM`] (the `prod` branch:
    /// a file changed upstream since the pins then fails with a hash mismatch).
    pub fn for_lock(lock: &Lock) -> Source {
        let c = &lock.header.commit;
        if c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()) {
            let base = DEFAULT_UPSTREAM
                .trim_end_matches('/')
                .trim_end_matches("/prod");
            Source::Url(format!("{base}/{c}/"))
        } else {
            Source::default()
        }
    }

    /// `http://…` and `https://…` are URLs; anything else is a directory.
    pub fn parse(s: &str) -> Source {
        if s.starts_with("http://") || s.starts_with("https://") {
            Source::Url(s.to_owned())
        } else {
            Source::Dir(PathBuf::from(s))
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Url(u) => f.write_str(u),
            Source::Dir(d) => write!(f, "{}", d.display()),
        }
    }
}

/// Reads files from a [`Source`]; shared by the sync workers.
#[derive(Debug)]
pub(crate) struct Fetcher<'a> {
    source: &'a Source,
    client: Option<reqwest::blocking::Client>,
}

impl<'a> Fetcher<'a> {
    pub(crate) fn new(source: &'a Source) -> Result<Self, SyncError> {
        let client = match source {
            Source::Url(_) => Some(
                reqwest::blocking::Client::builder()
                    .user_agent(concat!("lwm2m-registry/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(Duration::from_secs(20))
                    .timeout(Duration::from_secs(120))
                    .build()
                    .map_err(SyncError::Client)?,
            ),
            Source::Dir(_) => None,
        };
        Ok(Fetcher { source, client })
    }

    /// The bytes of the registry file `rel`.
    pub(crate) fn get(&self, rel: &str) -> Result<Vec<u8>, FileError> {
        if !is_safe_path(rel) {
            return Err(FileError::UnsafePath {
                path: rel.to_owned(),
            });
        }
        match (self.source, &self.client) {
            (Source::Dir(dir), _) => {
                let file = dir.join(rel);
                std::fs::read(&file).map_err(|source| FileError::Io {
                    path: rel.to_owned(),
                    file,
                    source,
                })
            }
            (Source::Url(base), Some(client)) => {
                let url = format!("{}/{rel}", base.trim_end_matches('/'));
                let transport = |source| FileError::Transport {
                    path: rel.to_owned(),
                    url: url.clone(),
                    source,
                };
                let resp = client.get(&url).send().map_err(transport)?;
                if !resp.status().is_success() {
                    return Err(FileError::HttpStatus {
                        path: rel.to_owned(),
                        url,
                        status: resp.status().as_u16(),
                    });
                }
                Ok(resp.bytes().map_err(transport)?.to_vec())
            }
            (Source::Url(_), None) => unreachable!("Fetcher::new builds a client for URLs"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_tells_urls_from_dirs() {
        assert_eq!(
            Source::parse("http://127.0.0.1:1/r"),
            Source::Url("http://127.0.0.1:1/r".into())
        );
        assert_eq!(
            Source::parse("../shared/registry"),
            Source::Dir("../shared/registry".into())
        );
    }

    #[test]
    fn full_commit_pins_the_upstream_url() {
        let mut lock = Lock::default();
        assert_eq!(Source::for_lock(&lock), Source::default());
        lock.header.commit = "b62ffc2".into();
        assert_eq!(Source::for_lock(&lock), Source::default());
        lock.header.commit = "0123456789abcdef0123456789abcdef01234567".into();
        assert_eq!(
            Source::for_lock(&lock),
            Source::Url(
                "https://raw.githubusercontent.com/OpenMobileAlliance/lwm2m-registry/\
                 0123456789abcdef0123456789abcdef01234567/"
                    .into()
            )
        );
    }

    #[test]
    fn dir_source_refuses_escaping_paths() {
        let src = Source::Dir(PathBuf::from("."));
        let f = Fetcher::new(&src).unwrap();
        assert!(matches!(
            f.get("../x.xml"),
            Err(FileError::UnsafePath { .. })
        ));
    }
}
