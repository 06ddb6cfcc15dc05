//! One module per subcommand: each has `Args` and `run`.

pub(crate) mod registry_check;
pub(crate) mod registry_show;
