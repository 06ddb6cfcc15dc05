//! The `lwm2m` command line.

fn main() {}
