pub(crate) mod placeholder {}
