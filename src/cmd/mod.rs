//! One module per subcommand: each has `Args` and `run`.

pub(crate) mod bench;
pub(crate) mod bootstrap;
pub(crate) mod client;
pub(crate) mod demo;
pub(crate) mod generate;
pub(crate) mod registry_check;
pub(crate) mod registry_diff;
pub(crate) mod registry_show;
pub(crate) mod registry_status;
pub(crate) mod registry_sync;
pub(crate) mod server;
