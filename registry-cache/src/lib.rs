//! `lwm2m-registry`: the OMA LwM2M object registry as pinned data.
//!
//! - [`Lock`]: `registry.lock`, the committed pins (path, object id, object version, sha256 of
//!   every registry file), read and written as a small line-oriented text file.
//!   [`Lock::pinned`] is the lock this crate was built with.
//! - [`verify`]: offline check of a directory against a lock (missing, changed, extra files).
//! - [`sync`]: fill a store from upstream (HTTP) or a local mirror (directory), verifying every
//!   file against the lock; resumable, atomic per file.
//! - [`diff`]: compare two registry states and classify each change by its effect on the
//!   generated Rust API ([`diff::Impact`]).
//!
//! ```no_run
//! use lwm2m_registry::{Lock, Source, SyncOptions};
//! let lock = Lock::pinned();
//! let store = lwm2m_registry::default_store().expect("a home directory");
//! let source = Source::for_lock(&lock); // upstream at the pinned commit, or prod
//! let report = lwm2m_registry::sync(&source, &store, &lock, &SyncOptions::default())?;
//! println!("{} fetched, {} already present", report.fetched.len(), report.up_to_date.len());
//! let status = lwm2m_registry::verify(&store, &lock)?;
//! assert!(status.is_clean());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod hash;
mod lock;
mod pinned;
mod source;
mod store;
mod sync;
mod verify;

pub mod diff;

pub use error::{FileError, LockError, SyncError, VerifyError};
pub use hash::{sha256_file, sha256_hex};
pub use lock::{Lock, LockEntry, LockHeader, update_lock};
pub use pinned::{EXTRA_FILES, ddf_file_list, is_pinned_path, list_pinned, object_info};
pub use source::{DEFAULT_UPSTREAM, Source};
pub use store::{default_store, store_lock_path};
pub use sync::{SyncOptions, SyncReport, sync};
pub use verify::{Changed, VerifyReport, verify};
